//! Making FIFOs: with an exact mode, with parents, and inside a private
//! temporary directory. Making one only if missing and then opening it is
//! [`crate::create::claim`].
//!
//! ```
//! use fifo_core::create::{IfExists, Made, PRIVATE_MODE, TempFifo, make_fifo, make_temp};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("jobs");
//! assert_eq!(make_fifo(&path, 0o640, IfExists::Fail)?, Made::New);
//! assert_eq!(make_fifo(&path, 0o640, IfExists::AcceptFifo)?, Made::Existing);
//! // A FIFO nobody else can have planted: inside a new 0700 directory.
//! let private = make_temp(dir.path(), "reply".as_ref(), PRIVATE_MODE)?;
//! assert!(private.ends_with("reply"));
//! // Taken back through the directories held open, never by path.
//! let made = TempFifo::make(dir.path(), "jobs".as_ref(), PRIVATE_MODE)?;
//! let gone = made.path().parent().unwrap().to_owned();
//! made.remove()?;
//! assert!(!gone.exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Beside the FIFO itself: [`claim`] makes one if missing and opens it,
//! [`mode`] reads `mkfifo -m` modes, [`dir`] and [`private_dir`] find and
//! make the directories FIFOs go in.

pub mod claim;
pub mod dir;
pub mod mode;
pub mod private_dir;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use std::os::fd::{AsFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::AtFlags;
use nix::sys::stat::{Mode, fstat, fstatat, umask};
use nix::unistd::{UnlinkatFlags, unlinkat};

use crate::create::mode::current_umask;
use crate::{Action, Error, Result, Subject, sys};

/// The mode of every FIFO `fifo` makes for itself: private, as careful
/// programs make theirs with `os.mkfifo(path, 0o600)`.
pub const PRIVATE_MODE: u32 = 0o600;

/// What [`make_fifo`] does when the path already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Fail with `EEXIST` (`mk`).
    Fail,
    /// Accept an existing FIFO, symlinks followed; in a world-writable
    /// sticky directory only this user's, reached by no symlink.
    AcceptFifo,
}

/// Whether [`make_fifo`] made a new FIFO or found one already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// A new FIFO, now owned by the caller.
    New,
    /// The path already was a FIFO it may use.
    Existing,
}

/// Creates a FIFO with exactly `mode` (permission bits only).
///
/// The umask is cleared around `mkfifo(2)` so the FIFO is born with its final
/// mode; a `chmod` by path afterwards would leave a window in which the path
/// can be swapped for a symlink. Because the umask is process-wide, do not
/// call this while other threads create files.
/// See: <https://github.com/uutils/coreutils/issues/10020>
///
/// An existing path is handled as `if_exists` says; an accepted FIFO is left
/// as it is.
///
/// # Errors
/// [`Error::Sys`] with [`Action::CreateFifo`] when `mkfifo` fails,
/// [`Error::ExistsNotFifo`] when something else is there, or
/// [`Error::Unsafe`] for a symlink or another user's FIFO in a
/// world-writable sticky directory, or such a symlink on the way.
pub fn make_fifo(path: &Path, mode: u32, if_exists: IfExists) -> Result<Made> {
    let subject = || Subject::path(path);
    // Made in its directory, reached through no other user's symlink in a
    // world-writable sticky directory (see `claim::Parent::of`); a path
    // that names no entry there (`''`, `..`, `dir/`) is left to mkfifo(2)
    // by path, to fail as mkfifo(1) fails.
    let parent = if path.as_os_str().as_bytes().ends_with(b"/") {
        None
    } else {
        match claim::Parent::of(path) {
            Ok(parent) => Some(parent),
            Err(Error::BadName { .. }) => None,
            Err(err) => return Err(err),
        }
    };
    let outcome = with_umask_cleared(|| match &parent {
        Some(parent) => sys::at::make_fifo_at(parent.dir.as_fd(), parent.name, path, exact(mode)),
        None => nix::unistd::mkfifo(path, exact(mode)),
    });
    match outcome {
        Ok(()) => Ok(Made::New),
        Err(Errno::EEXIST) if if_exists == IfExists::AcceptFifo => {
            crate::create::claim::accept_existing(path).map(|()| Made::Existing)
        }
        Err(errno) => Err(Error::sys(subject(), Action::CreateFifo, errno)),
    }
}

/// `mode`'s permission bits as a [`Mode`].
pub(crate) fn exact(mode: u32) -> Mode {
    crate::sys::file::permissions(mode)
}

/// Runs `make` with the umask cleared, so that what it creates gets exactly
/// the mode it asks for; the umask is process-wide, so this must not run
/// while other threads create files.
pub(crate) fn with_umask_cleared<T>(create: impl FnOnce() -> T) -> T {
    with_umask(0, create)
}

/// Runs `create` under the umask `mask` (then restores the caller's): for
/// files whose mode cannot be given to the call that makes them, such as
/// Unix sockets. The same caveat about threads holds.
pub(crate) fn with_umask<T>(mask: u32, create: impl FnOnce() -> T) -> T {
    let _one_at_a_time = UMASK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let saved = umask(exact(mask));
    let result = create();
    umask(saved);
    result
}

/// Held while this crate changes the umask: two threads doing so at once
/// could restore each other's value, and leave the process with a umask of
/// 0 (or 0777) for good.
pub(crate) static UMASK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Creates the missing parent directories of `path`, as `mkdir -p` would:
/// each gets 0777 less the umask, plus `u+wx` so that what goes inside can
/// be made, whatever the umask (under `umask 777`, `d-wx------`).
///
/// # Errors
/// [`Error::Sys`] with [`Action::CreateDir`] naming the directory that failed.
pub fn make_parents(path: &Path) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    let mode = exact((0o777 & !current_umask()) | 0o300);
    // On Linux each is made where a walk that judges every symlink on the
    // way stands (see `claim::walk`): nothing is made behind another
    // user's link in a sticky directory before the FIFO is refused there.
    if cfg!(any(target_os = "linux", target_os = "android")) {
        return claim::walk::make_dirs(parent, mode)
            .map(drop)
            .map_err(|refused| claim::refusal(parent, refused, Action::CreateDir));
    }
    make_dir_all(parent, mode)
}

/// Makes `dir` and its missing parents with exactly `mode`.
fn make_dir_all(dir: &Path, mode: Mode) -> Result<()> {
    let make = || with_umask_cleared(|| nix::unistd::mkdir(dir, mode));
    let mut result = make();
    if result == Err(Errno::ENOENT) {
        if let Some(up) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            make_dir_all(up, mode)?;
            result = make();
        }
    }
    match result {
        // A directory already there (symlinks followed, as mkdir -p does).
        Err(Errno::EEXIST) if dir.is_dir() => Ok(()),
        result => result.map_err(|errno| Error::sys(Subject::path(dir), Action::CreateDir, errno)),
    }
}

/// Creates a FIFO named `name` inside a new private (0700) directory under
/// `dir`, and returns the FIFO's path.
///
/// This is the race-free replacement for `mktemp -u`: the random directory is
/// made by `mkdtemp(3)`, so nobody else can have put anything in it.
///
/// # Errors
/// As [`TempFifo::make`].
pub fn make_temp(dir: &Path, name: &OsStr, mode: u32) -> Result<PathBuf> {
    TempFifo::make(dir, name, mode).map(|made| made.path)
}

/// A FIFO made by [`TempFifo::make`] in a new private directory, with that
/// directory and the one it is in held open, so that it can be taken back
/// without looking its path up again: whoever owns the directory it was made
/// under may rename the private directory and put a symlink in its place.
#[derive(Debug)]
pub struct TempFifo {
    parent: OwnedFd,
    private_name: PathBuf,
    private: OwnedFd,
    name: PathBuf,
    path: PathBuf,
}

impl TempFifo {
    /// Creates a FIFO named `name` with exactly `mode` inside a new private
    /// (0700, whatever the umask) directory under `dir`.
    ///
    /// # Errors
    /// [`Error::BadName`] when `name` is not a plain file name, [`Error::Sys`]
    /// when the directory or the FIFO cannot be made, [`Error::Replaced`]
    /// when the new directory was swapped or moved away before the FIFO was
    /// made in it; a directory made for a FIFO that then failed is removed
    /// again.
    pub fn make(dir: &Path, name: &OsStr, mode: u32) -> Result<Self> {
        if name.is_empty() || name.as_bytes().contains(&b'/') || name == ".." || name == "." {
            return Err(Error::BadName {
                subject: Subject::path(name),
                action: Action::CreateFifo,
            });
        }
        let template = dir.join("fifo.XXXXXXXX");
        let fail_dir = |errno| Error::sys(Subject::path(dir), Action::CreateDir, errno);
        let parent = sys::at::open_dir(dir).map_err(fail_dir)?;
        // Whoever owns `dir` could swap the private directory once its path
        // is printed.
        crate::create::dir::refuse_others(parent.as_fd(), dir)?;
        // 0700 whatever the umask: under `umask 777` mkdtemp's own would be
        // d---------, and the FIFO could not be made in it.
        let private = with_umask_cleared(|| nix::unistd::mkdtemp(&template)).map_err(fail_dir)?;
        let private_name = PathBuf::from(private.file_name().unwrap_or_default());
        let path = private.join(name);
        let fail = |errno| Error::sys(Subject::path(&path), Action::CreateFifo, errno);
        // The FIFO is made in the directory held open, never by path: whoever
        // owns `dir` may rename what is in it, and a symlink put in the new
        // directory's place would otherwise send the FIFO where it points.
        let result = sys::at::open_dir_at(parent.as_fd(), private_name.as_os_str())
            .map_err(|errno| match errno {
                // Gone (renamed away) or swapped since mkdtemp made it.
                Errno::ELOOP | Errno::ENOTDIR | Errno::ENOENT => Error::Replaced {
                    subject: Subject::path(&private),
                    made: true,
                },
                errno => fail(errno),
            })
            .and_then(|held| {
                let fd = held.as_fd();
                with_umask_cleared(|| {
                    sys::at::make_fifo_at(fd, Path::new(name), &path, exact(mode))
                })
                .map_err(fail)
                .map(|()| held)
            });
        match result {
            Ok(held) => Ok(Self {
                parent,
                private_name,
                private: held,
                name: PathBuf::from(name),
                path,
            }),
            Err(err) => {
                // Best effort: the directory is empty and ours, if still there.
                let _ = nix::unistd::unlinkat(&parent, &private_name, UnlinkatFlags::RemoveDir);
                Err(err)
            }
        }
    }

    /// Where the FIFO is.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the FIFO from the private directory held open (nobody else
    /// may write there), then that directory, if its name still holds it: a
    /// symlink or another directory put in its place is left alone.
    ///
    /// # Errors
    /// [`Error::Sys`] with [`Action::Remove`] naming what could not go.
    pub fn remove(self) -> Result<()> {
        unlinkat(&self.private, &self.name, UnlinkatFlags::NoRemoveDir)
            .map_err(|errno| Error::sys(Subject::path(&self.path), Action::Remove, errno))?;
        let held = fstat(&self.private);
        let there = fstatat(
            &self.parent,
            &self.private_name,
            AtFlags::AT_SYMLINK_NOFOLLOW,
        );
        match (held, there) {
            (Ok(held), Ok(there)) if (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino) => {
                unlinkat(&self.parent, &self.private_name, UnlinkatFlags::RemoveDir).map_err(
                    |errno| {
                        let dir = self.path.parent().unwrap_or(&self.path);
                        Error::sys(Subject::path(dir), Action::Remove, errno)
                    },
                )
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    use super::*;
    use crate::FileKind;

    #[test]
    fn fifo_gets_exactly_the_mode_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let made = make_fifo(&path, 0o646, IfExists::Fail).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert!(meta.file_type().is_fifo());
        assert_eq!(meta.permissions().mode() & 0o777, 0o646);
        assert_eq!(made, Made::New);
    }

    #[test]
    fn exist_ok_accepts_a_fifo_and_refuses_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        make_fifo(&fifo, 0o600, IfExists::Fail).unwrap();
        assert_eq!(
            make_fifo(&fifo, 0o600, IfExists::AcceptFifo).unwrap(),
            Made::Existing
        );
        let err = make_fifo(&fifo, 0o600, IfExists::Fail).unwrap_err();
        assert_eq!(err.errno(), Some(Errno::EEXIST));

        let file = dir.path().join("file");
        std::fs::write(&file, "data").unwrap();
        let err = make_fifo(&file, 0o600, IfExists::AcceptFifo).unwrap_err();
        assert!(matches!(
            err,
            Error::ExistsNotFifo {
                found: FileKind::Regular,
                ..
            }
        ));
        assert_eq!(std::fs::read(&file).unwrap(), b"data");
    }

    #[test]
    fn temp_fifo_lives_in_a_private_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = make_temp(dir.path(), OsStr::new("pipe"), PRIVATE_MODE).unwrap();
        let parent = path.parent().unwrap();
        assert_eq!(parent.parent().unwrap(), dir.path());
        let dir_mode = std::fs::metadata(parent).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let meta = std::fs::metadata(&path).unwrap();
        assert!(meta.file_type().is_fifo());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
}
