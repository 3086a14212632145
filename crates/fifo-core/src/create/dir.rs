//! Directories `fifo` writes files into: the temporary directory as
//! mktemp(1) finds it, and a directory held open by descriptor, so that
//! every name is looked up in the one directory that was checked, and each
//! file is written whole under a fresh name, then renamed into place.
//!
//! ```
//! use fifo_core::create::dir::Directory;
//!
//! let tmp = tempfile::tempdir()?;
//! let dir = Directory::open_own(tmp.path())?;
//! dir.write_whole("page.1", b"text", None)?;
//! assert_eq!(std::fs::read(tmp.path().join("page.1"))?, b"text");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::{Mode, fchmod, fstat};
use nix::unistd::{Uid, UnlinkatFlags};

use crate::create::exact;
use crate::{Action, Error, Result, Subject};

/// The directory temporary files go in: `$TMPDIR`, or `/tmp` when it is
/// unset or empty (as mktemp(1) and Python's tempfile read it), made
/// absolute, so that a path printed for a script never depends on the
/// directory it was printed in.
#[must_use]
pub fn temp_dir() -> PathBuf {
    let fallback = || PathBuf::from("/tmp");
    let dir = std::env::var_os("TMPDIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(fallback, PathBuf::from);
    std::path::absolute(dir).unwrap_or_else(|_| fallback())
}

/// Refuses the directory `fd` (opened by `path`) when it belongs to another
/// user than this one or root: its owner can rename anything in it, so a
/// name made there and handed on is theirs to swap.
///
/// # Errors
/// [`Error::Sys`] when it cannot be examined; [`Error::Unsafe`] for another
/// user's directory.
pub(crate) fn refuse_others(fd: BorrowedFd<'_>, path: &Path) -> Result<()> {
    let subject = || Subject::path(path);
    let stat = fstat(fd).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
    if stat.st_uid != Uid::effective().as_raw() && stat.st_uid != 0 {
        return Err(Error::Unsafe {
            subject: subject(),
            reason: format!("to write into a directory of uid {}", stat.st_uid),
        });
    }
    Ok(())
}

/// A directory held open, with the path it was opened by (for messages).
#[derive(Debug)]
pub struct Directory {
    fd: OwnedFd,
    path: PathBuf,
}

impl Directory {
    /// Opens `path` to write files into, symlinks followed as an open of a
    /// FIFO follows them (in a world-writable sticky directory, and on the
    /// way to one, only this user's or the directory owner's). One that
    /// belongs to another user than this one or root is refused: its owner
    /// can put anything under any name in it, and swap it between a check
    /// and a use.
    ///
    /// # Errors
    /// [`Error::Sys`] when it cannot be opened; [`Error::Unsafe`] for
    /// another user's directory, or such a symlink.
    pub fn open_own(path: &Path) -> Result<Self> {
        let fd = crate::create::claim::open_parent(path)
            .map_err(|refused| crate::create::claim::refusal(path, refused, Action::Open))?;
        refuse_others(fd.as_fd(), path)?;
        Ok(Self::held(fd, path.to_owned()))
    }

    /// A directory the caller opened and checked.
    pub(crate) fn held(fd: OwnedFd, path: PathBuf) -> Self {
        Self { fd, path }
    }

    /// The path it was opened by.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Writes `bytes` as the file `name` (a plain name), whole or not at
    /// all: into a new file beside it (`O_CREAT | O_EXCL | O_NOFOLLOW`, so
    /// nothing planted there is followed or written), then renamed over
    /// `name`, which replaces whatever was there (a symlink, a FIFO)
    /// without following it or opening it. The file gets exactly `mode`,
    /// whatever the umask, or with `None` what a new file gets (0666 less
    /// the umask).
    ///
    /// # Errors
    /// [`Error::Sys`] naming the file (by `name`) when it cannot be
    /// created, written or renamed; nothing is left under a temporary name.
    pub fn write_whole(&self, name: &str, bytes: &[u8], mode: Option<u32>) -> Result<()> {
        let subject = || Subject::path(self.path.join(name));
        if beyond_file_size_limit(bytes.len()) {
            // The write would take what fits and raise SIGXFSZ, which ends
            // the process and leaves the file made aside behind.
            return Err(Error::sys(subject(), Action::Write, Errno::EFBIG));
        }
        let (aside, file) = self.create_aside(name, mode)?;
        let written = std::fs::File::from(file)
            .write_all(bytes)
            .map_err(|err| Error::sys(subject(), Action::Write, err))
            .and_then(|()| {
                nix::fcntl::renameat(&self.fd, aside.as_str(), &self.fd, name)
                    .map_err(|errno| Error::sys(subject(), Action::Write, errno))
            });
        if written.is_err() {
            let _ = nix::unistd::unlinkat(&self.fd, aside.as_str(), UnlinkatFlags::NoRemoveDir);
        }
        written
    }

    /// A new file to write `name`'s content into, under a name of this
    /// process's that nobody else has taken.
    fn create_aside(&self, name: &str, mode: Option<u32>) -> Result<(String, OwnedFd)> {
        let flags =
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let mut attempt = 0;
        loop {
            let aside = format!(".{name}.{}.{attempt}", std::process::id());
            // Named as the file asked for: the temporary name is ours.
            let fail =
                |action, errno| Error::sys(Subject::path(self.path.join(name)), action, errno);
            let created = nix::fcntl::openat(
                &self.fd,
                aside.as_str(),
                flags,
                mode.map_or(Mode::from_bits_truncate(0o666), exact),
            );
            match created {
                // Taken: planted, or left by a process of the same id.
                Err(Errno::EEXIST) if attempt < 100 => attempt += 1,
                Err(errno) => return Err(fail(Action::Open, errno)),
                Ok(file) => {
                    // The descriptor held is the file made: no path is
                    // involved, so no swap can redirect the change.
                    if let Some(mode) = mode {
                        if let Err(errno) = fchmod(&file, exact(mode)) {
                            let _ = nix::unistd::unlinkat(
                                &self.fd,
                                aside.as_str(),
                                UnlinkatFlags::NoRemoveDir,
                            );
                            return Err(fail(Action::Write, errno));
                        }
                    }
                    return Ok((aside, file));
                }
            }
        }
    }
}

/// Whether a file of `len` bytes is larger than this process may write
/// (`ulimit -f`, `RLIMIT_FSIZE`).
fn beyond_file_size_limit(len: usize) -> bool {
    u64::try_from(len).unwrap_or(u64::MAX) > crate::sys::file::file_size_limit()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    use super::*;

    #[test]
    fn a_planted_symlink_or_fifo_is_replaced_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let secret = tmp.path().join("secret");
        std::fs::write(&secret, "keep").unwrap();
        let dir = Directory::open_own(tmp.path()).unwrap();
        std::os::unix::fs::symlink(&secret, tmp.path().join("link")).unwrap();
        nix::unistd::mkfifo(&tmp.path().join("fifo"), Mode::from_bits_truncate(0o600)).unwrap();
        for name in ["link", "fifo"] {
            dir.write_whole(name, b"page", Some(0o640)).unwrap();
            let meta = std::fs::symlink_metadata(tmp.path().join(name)).unwrap();
            assert!(meta.is_file() && !meta.file_type().is_fifo(), "{name}");
            assert_eq!(meta.permissions().mode() & 0o777, 0o640);
            assert_eq!(std::fs::read(tmp.path().join(name)).unwrap(), b"page");
        }
        assert_eq!(std::fs::read(&secret).unwrap(), b"keep");
        // Nothing is left under a temporary name.
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 3);
    }

    #[test]
    fn a_taken_temporary_name_is_passed_over() {
        let tmp = tempfile::tempdir().unwrap();
        let taken = tmp.path().join(format!(".page.{}.0", std::process::id()));
        std::os::unix::fs::symlink("/nowhere", &taken).unwrap();
        Directory::open_own(tmp.path())
            .unwrap()
            .write_whole("page", b"x", None)
            .unwrap();
        assert_eq!(std::fs::read(tmp.path().join("page")).unwrap(), b"x");
        assert!(std::fs::symlink_metadata(&taken).unwrap().is_symlink());
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Directory::open_own(&tmp.path().join("missing")).unwrap_err();
        assert_eq!(err.errno(), Some(Errno::ENOENT));
    }
}
