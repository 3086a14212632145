//! The shared key of `tcp-listen` on an open address: each side proves it
//! holds the key with an HMAC-SHA256 over both hellos, whose random nonces
//! make every proof new, so the key never crosses the wire and a recorded
//! proof is worth nothing on another connection. The primitives are the
//! `hmac` and `sha2` crates'; nothing here is cryptography of our own.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What every proof starts with, so that it can be taken for nothing else.
const LABEL: &[u8] = b"fifo-bridge auth v1\n";
/// The fewest bytes a key file may hold.
pub const MIN_KEY_LEN: usize = 16;
/// The most bytes read from a key file (a key, not a disk image).
const MAX_KEY_LEN: usize = 4096;

/// A shared secret, read from a file.
#[derive(Clone)]
pub struct Key(Vec<u8>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

/// Why a key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// It cannot be read.
    #[error("'{}': cannot read the key", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Reached through another user's symlink in a world-writable sticky
    /// directory (`/tmp/key ->` a root-only file whose bytes that user
    /// knows would let them prove the key).
    #[error("'{}': refusing {reason}", path.display())]
    Unsafe {
        /// The file.
        path: PathBuf,
        /// What was refused.
        reason: String,
    },
    /// Others than its owner may read or change it: it is no secret.
    #[error("'{}': others may read or change the key (mode {mode:04o}): chmod go= it", path.display())]
    Exposed {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// It holds too few or too many bytes to be a key.
    #[error("'{}': a key file holds {MIN_KEY_LEN} to {MAX_KEY_LEN} bytes, this one {len}", path.display())]
    Size {
        /// The file.
        path: PathBuf,
        /// What it holds (at most one byte past the limit is read).
        len: usize,
    },
}

impl Key {
    /// Reads the key from `path`: its bytes, less one trailing newline (so
    /// `head -c 32 /dev/urandom | base64 > key` and an editor agree). A
    /// FIFO is opened without waiting for a writer (with none, it holds no
    /// key); a file others may read or change is refused, as ssh refuses
    /// such a private key; so is another user's symlink in a world-writable
    /// sticky directory, as [`crate::open::open`] refuses it.
    ///
    /// # Errors
    /// [`KeyError`] when it cannot be read, is exposed or is no key's size.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        use std::io::Read;
        use std::os::unix::fs::MetadataExt;
        let failed = |source| KeyError::Read {
            path: path.to_owned(),
            source,
        };
        // Opened as a FIFO is: through no other user's symlink in a
        // world-writable sticky directory.
        let opened = crate::open::open(path, crate::open::Direction::Read, crate::open::Wait::No)
            .map_err(|err| match err {
            crate::Error::Sys { source, .. } => failed(source),
            crate::Error::Unsafe { reason, .. } => KeyError::Unsafe {
                path: path.to_owned(),
                reason,
            },
            // A socket: what opening it says.
            crate::Error::NotAFifo { .. } => failed(nix::errno::Errno::ENXIO.into()),
            err => failed(std::io::Error::other(err.to_string())),
        })?;
        let file = std::fs::File::from(opened.into_fd());
        let mode = file.metadata().map_err(failed)?.mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(KeyError::Exposed {
                path: path.to_owned(),
                mode,
            });
        }
        // Blocking again: a pipe's writer that is still writing is waited for.
        crate::sys::fd::set_nonblocking(std::os::fd::AsFd::as_fd(&file), false)
            .map_err(|errno| failed(errno.into()))?;
        let mut bytes = Vec::new();
        file.take(MAX_KEY_LEN as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(failed)?;
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        if !(MIN_KEY_LEN..=MAX_KEY_LEN).contains(&bytes.len()) {
            return Err(KeyError::Size {
                path: path.to_owned(),
                len: bytes.len(),
            });
        }
        Ok(Self(bytes))
    }

    /// A key of these bytes.
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }

    fn mac(&self, own: &[u8], peer: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(LABEL);
        mac.update(own);
        mac.update(peer);
        mac
    }

    /// This side's proof: over its own hello's payload, then the peer's.
    #[must_use]
    pub fn prove(&self, own_hello: &[u8], peer_hello: &[u8]) -> [u8; 32] {
        self.mac(own_hello, peer_hello)
            .finalize()
            .into_bytes()
            .into()
    }

    /// Whether `proof` is the peer's proof for these hellos, compared in
    /// constant time.
    #[must_use]
    pub fn verify(&self, own_hello: &[u8], peer_hello: &[u8], proof: &[u8; 32]) -> bool {
        self.mac(peer_hello, own_hello).verify_slice(proof).is_ok()
    }
}

/// Random bytes from the kernel.
///
/// # Panics
/// When the kernel has no random source, which no supported system lacks.
#[must_use]
pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect("the kernel's random source");
    bytes
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_proof_checks_only_with_the_same_key_and_hellos() {
        let key = Key::from_bytes(b"0123456789abcdef");
        let proof = key.prove(b"mine", b"theirs");
        assert!(key.verify(b"theirs", b"mine", &proof));
        // Reflected back to its maker, it fails: the order differs.
        assert!(!key.verify(b"mine", b"theirs", &proof));
        let other = Key::from_bytes(b"0123456789abcdeX");
        assert!(!other.verify(b"theirs", b"mine", &proof));
    }

    #[test]
    fn the_proof_is_the_documented_hmac() {
        // Python: hmac.new(b"k"*16, b"fifo-bridge auth v1\n" + b"a" + b"b",
        // "sha256").hexdigest()[:16]
        let key = Key::from_bytes(&[b'k'; 16]);
        let proof = key.prove(b"a", b"b");
        assert_eq!(proof[..8], [0x52, 0x97, 0x9a, 0x0c, 0x89, 0xb6, 0x76, 0xb3]);
    }

    #[test]
    fn short_key_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        std::fs::write(&path, b"short\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let err = Key::from_file(&path).unwrap_err();
        assert!(err.to_string().contains("this one 5"), "{err}");
    }

    #[test]
    fn a_key_others_may_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        std::fs::write(&path, [b'k'; 32]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = Key::from_file(&path).unwrap_err();
        assert!(err.to_string().contains("(mode 0640)"), "{err}");
    }

    /// A FIFO nobody writes holds no key: it is not waited on for ever.
    #[test]
    fn a_fifo_without_a_writer_is_no_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let err = Key::from_file(&path).unwrap_err();
        assert!(err.to_string().contains("this one 0"), "{err}");
    }
}
