//! Making FIFOs: with an exact mode, with parents, inside a private
//! temporary directory, and removing only what this process made.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::sys::stat::{Mode, lstat, stat, umask};

use crate::{Action, Error, FileKind, Result, Subject};

/// The mode of every FIFO `fifo` makes for itself: private, as the seed
/// programs make theirs with `os.mkfifo(path, 0o600)`.
pub const PRIVATE_MODE: u32 = 0o600;

/// A FIFO this process created, remembered by identity so that cleanup never
/// removes a different file that was put in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedFifo {
    path: PathBuf,
    device: u64,
    inode: u64,
}

impl CreatedFifo {
    /// Where the FIFO was made.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the FIFO if the path still names the very FIFO that was made:
    /// still a FIFO, on the same device, with the same inode. (Not the
    /// ctime: every write to a FIFO updates it.)
    ///
    /// Returns whether it removed anything: a path that is gone or now names
    /// another file is left alone.
    ///
    /// # Errors
    /// [`Error::Sys`] with [`Action::Remove`] when `unlink` fails.
    pub fn remove(&self) -> Result<bool> {
        match lstat(&self.path) {
            Ok(st)
                if FileKind::of(&st) == FileKind::Fifo
                    && st.st_dev == self.device
                    && st.st_ino == self.inode => {}
            _ => return Ok(false),
        }
        match nix::unistd::unlink(&self.path) {
            Ok(()) => Ok(true),
            Err(Errno::ENOENT) => Ok(false),
            Err(errno) => Err(Error::sys(Subject::path(&self.path), Action::Remove, errno)),
        }
    }
}

/// What [`make_fifo`] does when the path already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Fail with `EEXIST` (`mk`).
    Fail,
    /// Accept an existing FIFO, symlinks followed (`mk --exist-ok`).
    AcceptFifo,
    /// Accept an existing FIFO only where that is safe (`--create`): in a
    /// world-writable sticky directory such as /tmp, refuse a symlink and a
    /// FIFO owned by another user.
    ///
    /// The attack: another user plants `/tmp/p -> /etc/shadow` (or their own
    /// FIFO at `/tmp/p`) before `fifo cat --create /tmp/p` runs. `mkfifo`
    /// then fails with `EEXIST`, and opening the path would read the victim's
    /// file, or send data to the attacker's reader. Linux's
    /// `fs.protected_symlinks` does not stop root following a link in a
    /// directory root owns, and `fs.protected_fifos` only guards `O_CREAT`.
    ClaimFifo,
}

/// Whether [`make_fifo`] made a new FIFO or found one already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// A new FIFO, now owned by the caller.
    New(CreatedFifo),
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
/// [`Error::Unsafe`] when [`IfExists::ClaimFifo`] refuses it.
pub fn make_fifo(path: &Path, mode: u32, if_exists: IfExists) -> Result<Made> {
    let subject = || Subject::path(path);
    let bits = Mode::from_bits_truncate(mode as nix::libc::mode_t);
    let saved_umask = umask(Mode::empty());
    let created = nix::unistd::mkfifo(path, bits);
    umask(saved_umask);
    match created {
        Ok(()) => {
            let st = lstat(path).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
            Ok(Made::New(CreatedFifo {
                path: path.to_owned(),
                device: st.st_dev,
                inode: st.st_ino,
            }))
        }
        Err(Errno::EEXIST) if if_exists != IfExists::Fail => match stat(path) {
            Ok(st) if FileKind::of(&st) == FileKind::Fifo => {
                if if_exists == IfExists::ClaimFifo {
                    refuse_if_planted(path)?;
                }
                Ok(Made::Existing)
            }
            Ok(st) => Err(Error::ExistsNotFifo {
                subject: subject(),
                found: FileKind::of(&st),
            }),
            Err(errno) => Err(Error::sys(subject(), Action::CreateFifo, errno)),
        },
        Err(errno) => Err(Error::sys(subject(), Action::CreateFifo, errno)),
    }
}

/// Refuses an existing `path` that another user may have planted: a symlink,
/// or a FIFO not owned by this user, inside a world-writable sticky
/// directory (see [`IfExists::ClaimFifo`]).
#[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
fn refuse_if_planted(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Ok(dir) = stat(parent) else {
        return Ok(());
    };
    let shared = u32::from(dir.st_mode) & 0o1002 == 0o1002;
    let Ok(own) = lstat(path) else {
        return Ok(());
    };
    let reason = if !shared {
        return Ok(());
    } else if FileKind::of(&own) == FileKind::Symlink {
        "a symlink"
    } else if own.st_uid != nix::unistd::geteuid().as_raw() {
        "a FIFO owned by another user"
    } else {
        return Ok(());
    };
    Err(Error::Unsafe {
        subject: Subject::path(path),
        reason: format!("{reason} in a world-writable sticky directory"),
    })
}

/// Creates the missing parent directories of `path`, as `mkdir -p` would.
///
/// # Errors
/// [`Error::Sys`] with [`Action::CreateDir`] naming the directory that failed.
pub fn make_parents(path: &Path) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    std::fs::create_dir_all(parent).map_err(|err| {
        let errno = Errno::from_raw(err.raw_os_error().unwrap_or(nix::libc::EIO));
        Error::sys(Subject::path(parent), Action::CreateDir, errno)
    })
}

/// Creates a FIFO named `name` inside a new private (0700) directory under
/// `dir`, and returns the FIFO's path.
///
/// This is the race-free replacement for `mktemp -u`: the random directory is
/// made by `mkdtemp(3)`, so nobody else can have put anything in it.
///
/// # Errors
/// [`Error::Sys`] when the directory or the FIFO cannot be made; a directory
/// made for a FIFO that then failed is removed again.
pub fn make_temp(dir: &Path, name: &OsStr, mode: u32) -> Result<PathBuf> {
    if name.is_empty() || name.as_bytes().contains(&b'/') || name == ".." || name == "." {
        return Err(Error::sys(
            Subject::path(name),
            Action::CreateFifo,
            Errno::EINVAL,
        ));
    }
    let template = dir.join("fifo.XXXXXXXX");
    let private = nix::unistd::mkdtemp(&template)
        .map_err(|errno| Error::sys(Subject::path(dir), Action::CreateDir, errno))?;
    let path = private.join(name);
    match make_fifo(&path, mode, IfExists::Fail) {
        Ok(_) => Ok(path),
        Err(err) => {
            // Best effort: the directory is empty and ours.
            let _ = std::fs::remove_dir(&private);
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    use super::*;

    #[test]
    fn fifo_gets_exactly_the_mode_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let made = make_fifo(&path, 0o646, IfExists::Fail).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert!(meta.file_type().is_fifo());
        assert_eq!(meta.permissions().mode() & 0o777, 0o646);
        assert!(matches!(made, Made::New(_)));
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
    fn remove_leaves_a_replacement_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let Made::New(created) = make_fifo(&path, 0o600, IfExists::Fail).unwrap() else {
            panic!("expected a new fifo");
        };
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "not ours").unwrap();
        assert!(!created.remove().unwrap());
        assert!(path.exists());

        std::fs::remove_file(&path).unwrap();
        let Made::New(created) = make_fifo(&path, 0o600, IfExists::Fail).unwrap() else {
            panic!("expected a new fifo");
        };
        assert!(created.remove().unwrap());
        assert!(!path.exists());
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

#[cfg(test)]
mod claim_tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_symlink_in_a_sticky_world_writable_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let target = dir.path().join("target");
        make_fifo(&target, PRIVATE_MODE, IfExists::Fail).unwrap();
        let planted = shared.join("p");
        std::os::unix::fs::symlink(&target, &planted).unwrap();
        let err = make_fifo(&planted, PRIVATE_MODE, IfExists::ClaimFifo).unwrap_err();
        assert_eq!(
            err.to_string(),
            "refusing a symlink in a world-writable sticky directory"
        );
        // mk --exist-ok still accepts it, and outside /tmp-like places so does --create.
        assert_eq!(
            make_fifo(&planted, PRIVATE_MODE, IfExists::AcceptFifo).unwrap(),
            Made::Existing
        );
        let private_link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &private_link).unwrap();
        assert_eq!(
            make_fifo(&private_link, PRIVATE_MODE, IfExists::ClaimFifo).unwrap(),
            Made::Existing
        );
    }
}
