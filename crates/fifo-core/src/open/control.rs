//! Control files: small files that another program writes to steer a
//! running command (`echo 1M > PATH` for a new rate), read while data moves.
//!
//! Whatever is at the path is read on the data path's own thread, so it is
//! opened without blocking (a FIFO with no writer must not stall the copy),
//! taken only when it is a regular file (`/dev/zero` is endless, a
//! directory or socket is no file), and read only up to a few dozen bytes.
//! Symlinks on the way are followed only when they belong to this user or
//! to root: another user's link could point at a file only this user may
//! read, and the start of it would reach a message on this user's stderr.
//!
//! ```
//! use fifo_core::open::control::read_control;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("rate");
//! std::fs::write(&path, "1M\n")?;
//! assert_eq!(read_control(&path, 64)?, b"1M\n");
//! std::fs::write(&path, "x".repeat(100))?;
//! assert_eq!(read_control(&path, 64)?.len(), 65);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Component, Path};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::{Mode, fstat};
use nix::unistd::Uid;

use crate::{Action, Error, FileKind, Result, Subject, sys};

/// How many symlinks one path may pass through, as Linux allows.
const MAX_LINKS: usize = 40;

/// Reads the control file `path`: at most `max` bytes, and one more when
/// it holds more, so that a caller sees it is too long without reading it
/// all. See the module documentation for what is refused.
///
/// # Errors
/// [`Error::Sys`] when it cannot be opened (`ENOENT` when missing) or read;
/// [`Error::Unsafe`] for another user's symlink on the way, or for what is
/// not a regular file.
pub fn read_control(path: &Path, max: usize) -> Result<Vec<u8>> {
    let subject = || Subject::path(path);
    let file = open_trusting_own_links(path, OFlag::O_RDONLY, "a control file")?;
    let stat = fstat(&file).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
    let kind = FileKind::of(&stat);
    if kind != FileKind::Regular {
        return Err(Error::Unsafe {
            subject: subject(),
            reason: format!("to read a control file that is a {kind}, not a regular file"),
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::from(file)
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::sys(subject(), Action::Read, err))?;
    Ok(bytes)
}

/// Opens `path` with `flags` (`O_NONBLOCK`, `O_NOFOLLOW`, `O_NOCTTY` and
/// `O_CLOEXEC` added) without blocking, looking it up one name at a time relative to
/// the directory before, so that each symlink on the way is judged by its
/// owner before it is followed; `what` names the file in a refusal. A
/// file made with `O_CREAT` gets mode 0666 less the umask.
pub(crate) fn open_trusting_own_links(path: &Path, flags: OFlag, what: &str) -> Result<OwnedFd> {
    let subject = || Subject::path(path);
    let fail = |errno| Error::sys(subject(), Action::Open, errno);
    let root = || sys::at::open_dir(Path::new("/")).map_err(fail);
    let mut dir = if path.has_root() {
        root()?
    } else {
        sys::at::open_dir(Path::new(".")).map_err(fail)?
    };
    // The names still to look up, the next one last.
    let mut names = names(path);
    let mut links = 0;
    while let Some(name) = names.pop() {
        let found = match sys::at::read_symlink_at(dir.as_fd(), &name) {
            // A file to be made: a symlink put there meanwhile is not
            // followed (`O_NOFOLLOW`).
            Err(Errno::ENOENT) if names.is_empty() && flags.contains(OFlag::O_CREAT) => None,
            found => found.map_err(fail)?,
        };
        if let Some((link, target)) = found {
            if link.st_uid != Uid::effective().as_raw() && link.st_uid != 0 {
                return Err(Error::Unsafe {
                    subject: subject(),
                    reason: format!("to follow a symlink of uid {} to {what}", link.st_uid),
                });
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(fail(Errno::ELOOP));
            }
            if Path::new(&target).has_root() {
                dir = root()?;
            }
            names.extend(self::names(Path::new(&target)));
            continue;
        }
        if names.is_empty() {
            let flags =
                flags | OFlag::O_NONBLOCK | OFlag::O_NOFOLLOW | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
            let mode = Mode::from_bits_truncate(0o666);
            return nix::fcntl::openat(&dir, name.as_os_str(), flags, mode).map_err(fail);
        }
        dir = sys::at::open_dir_at(dir.as_fd(), &name).map_err(fail)?;
    }
    // Nothing but `/` and `.`: a directory.
    Err(fail(Errno::EISDIR))
}

/// The names `path` looks up, in reverse order (the first one last): the
/// work list of every name-by-name walk (this one, and the sticky
/// directories' in `create::claim`).
pub(crate) fn names(path: &Path) -> Vec<OsString> {
    let mut names: Vec<OsString> = path
        .components()
        .filter_map(|part| match part {
            Component::Normal(name) => Some(name.to_owned()),
            Component::ParentDir => Some(OsStr::new("..").to_owned()),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
        })
        .collect();
    names.reverse();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_regular_file_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).unwrap();
        for path in [fifo.as_path(), Path::new("/dev/zero"), dir.path()] {
            let err = read_control(path, 64).unwrap_err();
            assert!(matches!(err, Error::Unsafe { .. }), "{path:?}: {err:?}");
        }
    }

    #[test]
    fn own_symlinks_are_followed_through_dot_dot_and_relative_targets() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("rate"), "2M").unwrap();
        std::os::unix::fs::symlink("../rate", dir.path().join("a/link")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("abs")).unwrap();
        let path = dir.path().join("abs/link");
        assert_eq!(read_control(&path, 64).unwrap(), b"2M");
        let looped = dir.path().join("loop");
        std::os::unix::fs::symlink("loop", &looped).unwrap();
        let err = read_control(&looped, 64).unwrap_err();
        assert_eq!(err.errno(), Some(Errno::ELOOP));
        let err = read_control(&dir.path().join("missing"), 64).unwrap_err();
        assert_eq!(err.errno(), Some(Errno::ENOENT));
    }
}
