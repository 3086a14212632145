//! Making a FIFO if it is missing and opening it, with
//! every check made on the one object that was opened; and removing it later
//! only if the name still holds that very FIFO.
//!
//! The threat: in a world-writable sticky directory such as /tmp, another
//! user can plant a symlink (`/tmp/p -> /root/secret`) or a FIFO of their
//! own at the name, or swap one in at any moment between a check by path and
//! an open by path. So nothing here looks a name up twice: the directory is
//! opened once, the FIFO is made and opened relative to that descriptor (with
//! `O_NOFOLLOW` in a sticky world-writable directory, so a symlink there is
//! never followed), and `fstat` on the opened descriptor decides: it must be
//! a FIFO, owned by this user in such a directory, and, when this process
//! made it, the same device and inode as the FIFO it made. Linux's
//! `fs.protected_symlinks` is no substitute (it is often off, and lets a
//! directory owner's links through); `fs.protected_fifos` only guards
//! `O_CREAT`.
//!
//! ```
//! use fifo_core::claim::create_and_open;
//! use fifo_core::open::{Direction, Wait};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("jobs");
//! let mut made = None;
//! let fifo = create_and_open(&path, Direction::ReadWrite, Wait::No, |created| made = Some(created))?;
//! assert_eq!(fifo.kind(), fifo_core::FileKind::Fifo);
//! // Only the very FIFO this call made is removed.
//! assert!(made.expect("it was missing").remove()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, fstat, fstatat};
use nix::unistd::{UnlinkatFlags, geteuid, unlinkat};

use crate::create::{PRIVATE_MODE, exact, with_umask_cleared};
use crate::open::{Direction, Opened, Place, Wait, open_in};
use crate::{Action, Error, FileKind, Result, Subject, sys};

/// A FIFO this process created, remembered by its directory, its name and
/// its identity, so that cleanup never removes a different file that was put
/// in its place.
#[derive(Debug)]
pub struct CreatedFifo {
    dir: OwnedFd,
    name: PathBuf,
    path: PathBuf,
    identity: (u64, u64),
}

impl CreatedFifo {
    /// Where the FIFO was made.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the FIFO if its name, in the directory it was made in, still
    /// holds the very FIFO that was made: a FIFO (not followed if a symlink),
    /// on the same device, with the same inode, still this user's. (Not the
    /// ctime: every write to a FIFO updates it.)
    ///
    /// The check and the `unlinkat` are two steps, but in a sticky directory
    /// nobody except its owner and root may remove or rename a FIFO this user
    /// owns, and in any other directory only users who may write to it, so
    /// the name cannot be swapped between the two by anyone else.
    ///
    /// Returns whether it removed anything: a name that is gone or now holds
    /// another file is left alone.
    ///
    /// # Errors
    /// [`Error::Sys`] with [`Action::Remove`] when `unlinkat` fails.
    pub fn remove(&self) -> Result<bool> {
        match fstatat(&self.dir, self.name.as_path(), AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st)
                if FileKind::of(&st) == FileKind::Fifo
                    && identity(&st) == self.identity
                    && st.st_uid == geteuid().as_raw() => {}
            _ => return Ok(false),
        }
        match unlinkat(&self.dir, self.name.as_path(), UnlinkatFlags::NoRemoveDir) {
            Ok(()) => Ok(true),
            Err(Errno::ENOENT) => Ok(false),
            Err(errno) => Err(Error::sys(Subject::path(&self.path), Action::Remove, errno)),
        }
    }
}

/// Makes `path` a FIFO (mode [`PRIVATE_MODE`], exactly) unless it exists,
/// then opens it in `direction`, waiting as `wait` allows.
///
/// When this call makes the FIFO, `on_created` receives it before the open
/// starts to wait, so a caller can remove it however the open ends. The
/// parent directory is opened once; the name is made, opened and (by
/// [`CreatedFifo::remove`]) removed relative to it.
///
/// # Errors
/// [`Error::Sys`] when the directory cannot be opened, the FIFO cannot be
/// made or the open fails, as [`crate::open::open`] otherwise
/// ([`Error::NoPeer`], [`Error::TimedOut`], [`Error::NotAFifo`]);
/// [`Error::ExistsNotFifo`] when something else is there;
/// [`Error::Unsafe`] for a symlink, or another user's FIFO, in a
/// world-writable sticky directory; [`Error::Replaced`] when the FIFO this
/// call made is no longer what the name holds.
pub fn create_and_open(
    path: &Path,
    direction: Direction,
    wait: Wait,
    on_created: impl FnOnce(CreatedFifo),
) -> Result<Opened> {
    let subject = || Subject::path(path);
    let (parent, name) = split(path).ok_or_else(|| Error::BadName {
        subject: subject(),
        action: Action::CreateFifo,
    })?;
    let dir = sys::at::open_dir(parent)
        .map_err(|errno| Error::sys(subject(), Action::CreateFifo, errno))?;
    let dir_stat = fstat(&dir).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
    #[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
    let shared = u32::from(dir_stat.st_mode) & 0o1002 == 0o1002;
    let place = Place {
        dir: dir.as_fd(),
        name,
        follow: !shared,
    };
    let made =
        with_umask_cleared(|| sys::at::make_fifo_at(dir.as_fd(), name, path, exact(PRIVATE_MODE)));
    let made = match made {
        Ok(()) => {
            let st = fstatat(&dir, name, AtFlags::AT_SYMLINK_NOFOLLOW)
                .map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
            // Only a swap can make what was just made anything but our FIFO.
            if FileKind::of(&st) != FileKind::Fifo || st.st_uid != geteuid().as_raw() {
                return Err(Error::Replaced {
                    subject: subject(),
                    made: true,
                });
            }
            let dir = dir
                .try_clone()
                .map_err(|err| Error::sys(subject(), Action::Open, err))?;
            on_created(CreatedFifo {
                dir,
                name: name.to_owned(),
                path: path.to_owned(),
                identity: identity(&st),
            });
            Some(identity(&st))
        }
        Err(Errno::EEXIST) => {
            // A quick refusal of what is plainly wrong, before waiting for a
            // peer; what is opened below is judged again on its descriptor.
            if let Ok(st) = place.stat() {
                judge(path, &Found::of(&st), None, shared)?;
            }
            None
        }
        Err(errno) => return Err(Error::sys(subject(), Action::CreateFifo, errno)),
    };
    let opened = open_in(place, path, direction, wait, OFlag::empty()).map_err(|err| {
        // O_NOFOLLOW met a symlink (Linux says ELOOP, FreeBSD EMLINK).
        match (err.errno(), place.stat()) {
            (Some(Errno::ELOOP | Errno::EMLINK), Ok(st)) if !place.follow => {
                judge(path, &Found::of(&st), made, shared)
                    .err()
                    .unwrap_or(err)
            }
            _ => err,
        }
    })?;
    let found = Found {
        kind: opened.kind(),
        owner: opened.owner(),
        identity: opened.identity(),
    };
    judge(path, &found, made, shared)?;
    Ok(opened)
}

/// What a name held, from `fstatat` or from `fstat` on its descriptor.
struct Found {
    kind: FileKind,
    owner: u32,
    identity: (u64, u64),
}

impl Found {
    fn of(st: &FileStat) -> Self {
        Self {
            kind: FileKind::of(st),
            owner: st.st_uid,
            identity: identity(st),
        }
    }
}

/// Accepts `found` as the FIFO [`create_and_open`] may use: the very one this process
/// `made`; else an existing FIFO, which in a `shared` (sticky, world-writable)
/// directory must belong to this user and must not be reached by a symlink.
fn judge(path: &Path, found: &Found, made: Option<(u64, u64)>, shared: bool) -> Result<()> {
    let subject = || Subject::path(path);
    let refuse = |what: &str| {
        Err(Error::Unsafe {
            subject: subject(),
            reason: format!("{what} in a world-writable sticky directory"),
        })
    };
    if let Some(made) = made {
        // The owner too: a swapped-in FIFO may get the freed inode number.
        let ours = found.owner == geteuid().as_raw();
        return if found.kind == FileKind::Fifo && found.identity == made && ours {
            Ok(())
        } else {
            Err(Error::Replaced {
                subject: subject(),
                made: true,
            })
        };
    }
    match found.kind {
        FileKind::Symlink => refuse("a symlink"),
        FileKind::Fifo if shared && found.owner != geteuid().as_raw() => {
            refuse("a FIFO owned by another user")
        }
        FileKind::Fifo => Ok(()),
        other => Err(Error::ExistsNotFifo {
            subject: subject(),
            found: other,
        }),
    }
}

/// The directory to open and the name inside it; `None` for a path that
/// names no entry (`/`, `..`).
fn split(path: &Path) -> Option<(&Path, &Path)> {
    let name = Path::new(path.file_name()?);
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some((parent, name))
}

fn identity(st: &FileStat) -> (u64, u64) {
    #[allow(clippy::useless_conversion)] // The types differ between systems.
    (u64::from(st.st_dev), u64::from(st.st_ino))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use super::*;
    use crate::create::{IfExists, make_fifo};

    /// A directory like /tmp: sticky and world-writable.
    fn sticky(dir: &tempfile::TempDir) -> PathBuf {
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        shared
    }

    fn claim(
        path: &Path,
        direction: Direction,
        wait: Wait,
    ) -> Result<(Opened, Option<CreatedFifo>)> {
        let mut created = None;
        let opened = create_and_open(path, direction, wait, |made| created = Some(made))?;
        Ok((opened, created))
    }

    #[test]
    fn a_missing_fifo_is_made_private_opened_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let (opened, created) = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap();
        assert_eq!(opened.kind(), FileKind::Fifo);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, PRIVATE_MODE);
        let created = created.expect("made by this call");
        assert_eq!(created.path(), path);
        assert!(created.remove().unwrap());
        assert!(!path.exists());
        // An existing FIFO is used, and not ours to remove.
        make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
        let (_, created) = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap();
        assert!(created.is_none());
    }

    #[test]
    fn a_planted_symlink_is_refused_only_in_a_sticky_world_writable_directory() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        make_fifo(&target, PRIVATE_MODE, IfExists::Fail).unwrap();
        let planted = sticky(&dir).join("p");
        std::os::unix::fs::symlink(&target, &planted).unwrap();
        let err = claim(&planted, Direction::ReadWrite, Wait::Forever).unwrap_err();
        assert_eq!(
            err.reason().to_string(),
            "refusing a symlink in a world-writable sticky directory"
        );
        let private_link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &private_link).unwrap();
        let (opened, created) = claim(&private_link, Direction::ReadWrite, Wait::Forever).unwrap();
        assert_eq!(opened.kind(), FileKind::Fifo);
        assert!(created.is_none());
    }

    #[test]
    fn a_symlink_swapped_in_after_the_make_is_never_followed_in_a_sticky_directory() {
        let dir = tempfile::tempdir().unwrap();
        // Followed, the write open would wait for a reader that never comes.
        let target = dir.path().join("elsewhere");
        make_fifo(&target, PRIVATE_MODE, IfExists::Fail).unwrap();
        let path = sticky(&dir).join("p");
        let wait = Wait::Timeout(Duration::from_secs(5));
        let err = create_and_open(&path, Direction::Write, wait, |_| {
            std::fs::remove_file(&path).unwrap();
            std::os::unix::fs::symlink(&target, &path).unwrap();
        })
        .unwrap_err();
        assert_eq!(
            err.reason().to_string(),
            "refusing it: it was replaced after fifo made it"
        );
    }

    #[test]
    fn our_fifo_replaced_between_make_and_open_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for path in [dir.path().join("f"), sticky(&dir).join("f")] {
            let mut kept = None;
            let err = create_and_open(&path, Direction::ReadWrite, Wait::Forever, |created| {
                // Made first, so it cannot get the freed inode number.
                let twin = path.with_extension("twin");
                make_fifo(&twin, PRIVATE_MODE, IfExists::Fail).unwrap();
                std::fs::rename(&twin, &path).unwrap();
                kept = Some(created);
            })
            .unwrap_err();
            assert!(matches!(err, Error::Replaced { made: true, .. }), "{err:?}");
            // --rm then leaves the replacement alone.
            assert!(!kept.unwrap().remove().unwrap());
            assert!(path.exists());
        }
    }

    #[test]
    fn remove_leaves_a_replacement_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let (_, created) = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap();
        let created = created.unwrap();
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "not ours").unwrap();
        assert!(!created.remove().unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"not ours");
        // A symlink to a FIFO is not the FIFO either.
        std::fs::remove_file(&path).unwrap();
        let other = dir.path().join("other");
        make_fifo(&other, PRIVATE_MODE, IfExists::Fail).unwrap();
        std::os::unix::fs::symlink(&other, &path).unwrap();
        assert!(!created.remove().unwrap());
        assert!(path.symlink_metadata().is_ok() && other.exists());
    }

    #[test]
    fn another_users_fifo_in_a_sticky_directory_is_refused() {
        if !geteuid().is_root() {
            eprintln!("skip - another_users_fifo_in_a_sticky_directory_is_refused: needs root");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = sticky(&dir).join("trap");
        make_fifo(&path, 0o666, IfExists::Fail).unwrap();
        let nobody = Some(nix::unistd::Uid::from_raw(65534));
        nix::unistd::chown(&path, nobody, None).unwrap();
        let err = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap_err();
        assert_eq!(
            err.reason().to_string(),
            "refusing a FIFO owned by another user in a world-writable sticky directory"
        );
    }

    #[test]
    fn something_else_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "data").unwrap();
        let err = claim(&file, Direction::Write, Wait::No).unwrap_err();
        assert!(
            matches!(
                err,
                Error::ExistsNotFifo {
                    found: FileKind::Regular,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"data");
        let missing_dir = dir.path().join("no/such/f");
        let err = claim(&missing_dir, Direction::Write, Wait::No).unwrap_err();
        assert_eq!(err.errno(), Some(Errno::ENOENT));
    }
}
