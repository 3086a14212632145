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
//! use fifo_core::create::claim::create_and_open;
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

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
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
        remove_made(self.dir.as_fd(), &self.name, &self.path, self.identity)
    }
}

/// [`CreatedFifo::remove`] of the FIFO `identity` made as `name` in `dir`.
fn remove_made(dir: BorrowedFd<'_>, name: &Path, path: &Path, made: (u64, u64)) -> Result<bool> {
    match fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
        Ok(st)
            if FileKind::of(&st) == FileKind::Fifo
                && identity(&st) == made
                && st.st_uid == geteuid().as_raw() => {}
        _ => return Ok(false),
    }
    match unlinkat(dir, name, UnlinkatFlags::NoRemoveDir) {
        Ok(()) => Ok(true),
        Err(Errno::ENOENT) => Ok(false),
        Err(errno) => Err(Error::sys(Subject::path(path), Action::Remove, errno)),
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
    let Parent {
        dir, name, shared, ..
    } = Parent::of(path)?;
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
            // Out of descriptors (ulimit -n) here, nobody could remove the
            // FIFO just made: it is removed before the error is said.
            let dir = dir.try_clone().map_err(|err| {
                let _ = remove_made(dir.as_fd(), name, path, identity(&st));
                Error::sys(subject(), Action::Open, err)
            })?;
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
    // An existing name outside a sticky directory may be a symlink, which
    // is followed as an open follows it: each link it leads to judged.
    let resolved = match made {
        None if !shared => {
            let dir = dir
                .try_clone()
                .map_err(|err| Error::sys(subject(), Action::Open, err))?;
            let last = resolve_last(dir, name.as_os_str())
                .map_err(|refused| refusal(path, refused, Action::Open))?;
            Some(last)
        }
        _ => None,
    };
    let place = resolved.as_ref().map_or(place, |last| Place {
        dir: last.dir.as_fd(),
        name: Path::new(&last.name),
        follow: last.follow,
    });
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

/// Accepts what `path` already holds as a FIFO to use (`mk --exist-ok`),
/// judged as [`create_and_open`] judges a FIFO it did not make: in a
/// world-writable sticky directory, a symlink or another user's FIFO is
/// refused, since anyone may have planted it there first.
///
/// # Errors
/// [`Error::ExistsNotFifo`] for anything but a FIFO, [`Error::Unsafe`] for
/// what was planted, [`Error::Sys`] when it cannot be looked at.
pub(crate) fn accept_existing(path: &Path) -> Result<()> {
    let parent = Parent::of(path)?;
    let place = Place {
        dir: parent.dir.as_fd(),
        name: parent.name,
        follow: !parent.shared,
    };
    let st = place
        .stat()
        .map_err(|errno| Error::sys(Subject::path(path), Action::CreateFifo, errno))?;
    judge(path, &Found::of(&st), None, parent.shared)
}

/// The directory a path names an entry of, held open, with the entry's
/// name there, and whether it is world-writable and sticky
/// (`/tmp`), where anyone may have put anything under any free name.
pub(crate) struct Parent<'a> {
    pub(crate) dir: OwnedFd,
    pub(crate) name: &'a Path,
    pub(crate) shared: bool,
}

impl<'a> Parent<'a> {
    /// Opens the directory `path` is in; on Linux, through no symlink of
    /// another user in a world-writable sticky directory on the way (see
    /// [`walk`]).
    ///
    /// # Errors
    /// [`Error::BadName`] for a path that names no entry (`/`, `..`);
    /// [`Error::Sys`] when the directory cannot be opened;
    /// [`Error::Unsafe`] for such a symlink on the way.
    pub(crate) fn of(path: &'a Path) -> Result<Self> {
        let subject = || Subject::path(path);
        let (parent, name) = split(path).ok_or_else(|| Error::BadName {
            subject: subject(),
            action: Action::CreateFifo,
        })?;
        let dir =
            open_parent(parent).map_err(|refused| refusal(path, refused, Action::CreateFifo))?;
        let st = fstat(&dir).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
        #[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
        let shared = u32::from(st.st_mode) & 0o1002 == 0o1002;
        Ok(Self { dir, name, shared })
    }
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

/// The error for a look-up of `path` that was `refused`, a failure of the
/// system's named as `action`.
pub(crate) fn refusal(path: &Path, refused: walk::Refused, action: Action) -> Error {
    match refused {
        walk::Refused::Sys(errno) => Error::sys(Subject::path(path), action, errno),
        walk::Refused::ForeignLink(uid) => Error::Unsafe {
            subject: Subject::path(path),
            reason: format!(
                "to follow a symlink of uid {uid} in a world-writable sticky directory"
            ),
        },
    }
}

/// Where `name` in `dir` leads, on Linux as [`walk::resolve_last`] has
/// it: through symlinks each judged as those on the way are. Elsewhere
/// only a link at `name` itself is judged, and the kernel follows it.
pub(crate) fn resolve_last(
    dir: OwnedFd,
    name: &std::ffi::OsStr,
) -> std::result::Result<Last, walk::Refused> {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        return walk::resolve_last(dir, name);
    }
    let link = match sys::at::read_symlink_at(dir.as_fd(), name) {
        Ok(link) => link,
        Err(Errno::ENOENT) => None,
        Err(errno) => return Err(errno.into()),
    };
    if let Some((link, _)) = &link {
        walk::judge(&dir, link)?;
    }
    Ok(Last {
        dir,
        name: name.to_owned(),
        follow: link.is_some(),
    })
}

/// Opens the directory `parent`, on Linux as [`walk::open_dir`] does.
/// Elsewhere a directory opened only to look names up in needs read
/// permission, which a lookup by path does not: it is opened by path.
pub(crate) fn open_parent(parent: &Path) -> std::result::Result<OwnedFd, walk::Refused> {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        walk::open_dir(parent)
    } else {
        Ok(sys::at::open_dir(parent)?)
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
    let id = sys::file::FileId::of(st);
    (id.device, id.inode)
}

#[cfg(test)]
mod tests;
pub(crate) mod walk;
pub(crate) use walk::Last;
