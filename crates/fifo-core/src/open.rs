//! Opening a path that should be a FIFO: wait for the other end forever, not
//! at all, or up to a deadline, and check with `fstat` on the descriptor that
//! was actually opened what it really is.
//!
//! Nothing here ever passes `O_CREAT`: opening an existing FIFO with it is
//! refused in sticky directories under Linux's `fs.protected_fifos`, and
//! without an existing FIFO it would silently make a regular file.
//!
//! ```
//! use std::time::Duration;
//!
//! use fifo_core::open::{Direction, Wait, open_fifo};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! // Nobody reads it: a writer that may not wait is refused at once.
//! let refused = open_fifo(&path, Direction::Write, Wait::No).unwrap_err();
//! assert!(matches!(refused, fifo_core::Error::NoPeer { .. }));
//! // A read open that may not wait succeeds; then a writer finds its reader.
//! let _reader = open_fifo(&path, Direction::Read, Wait::No)?;
//! let writer = open_fifo(&path, Direction::Write, Wait::Timeout(Duration::from_secs(5)))?;
//! assert_eq!(writer.path(), path);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Once open: [`keep`] reads across writers, [`hold`] holds both ends,
//! [`descriptor`] places a FIFO on a chosen descriptor, [`capacity`] sizes
//! its pipe; [`control`] and [`log_file`] open the small files a command
//! steers itself by or logs to, refusing what another user planted.

pub mod capacity;
pub mod control;
pub mod descriptor;
mod direction;
pub mod hold;
pub mod keep;
pub mod log_file;
#[cfg(feature = "bridge")]
pub(crate) mod socket_file;

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, Mode, fstat, fstatat};

use crate::sys::deadline::{self, Interrupted};
use crate::sys::fd::{retry_on_eintr, set_nonblocking};
use crate::{Action, Error, FileKind, Peer, Result, Subject, sys};
pub use direction::{Direction, Wait};

/// A descriptor opened by [`open`], with the path it was opened from and
/// what `fstat` said it is.
#[derive(Debug)]
pub struct Opened {
    fd: OwnedFd,
    path: PathBuf,
    kind: FileKind,
    device: u64,
    inode: u64,
    owner: u32,
}

impl Opened {
    /// The open descriptor (close-on-exec).
    #[must_use]
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The path it was opened from, which names it in errors. It may name
    /// another file by now: the descriptor is what was opened.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Gives up ownership of the descriptor.
    #[must_use]
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    /// What the descriptor refers to.
    #[must_use]
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The device and inode of what was opened: its identity.
    pub(crate) fn identity(&self) -> (u64, u64) {
        (self.device, self.inode)
    }

    /// Opens the write end of the same FIFO without waiting, so the read end
    /// never sees end of file while the returned descriptor lives (the
    /// bridge's SRC, kept open across writers). It needs write permission;
    /// `cat -k` does without ([`crate::open::keep`]). The path is opened again and
    /// checked to be this very FIFO.
    ///
    /// # Errors
    /// [`Error::Sys`] when the open fails, [`Error::Replaced`] when the path
    /// no longer names this FIFO.
    pub fn hold_write_end(&self) -> Result<OwnedFd> {
        let held = open(&self.path, Direction::Write, Wait::No)?;
        if held.identity() == self.identity() {
            Ok(held.fd)
        } else {
            Err(Error::Replaced {
                subject: Subject::path(&self.path),
                made: false,
            })
        }
    }

    /// The user that owns what was opened.
    pub(crate) fn owner(&self) -> u32 {
        self.owner
    }

    /// Fails unless the descriptor is a FIFO; use it wherever a path that is
    /// not a FIFO must be refused before any byte moves.
    ///
    /// # Errors
    /// [`Error::NotAFifo`] naming the path and what it is.
    pub fn expect_fifo(self) -> Result<Self> {
        if self.kind == FileKind::Fifo {
            Ok(self)
        } else {
            Err(Error::NotAFifo {
                subject: Subject::path(self.path),
                found: self.kind,
            })
        }
    }
}

/// Opens `path` in `direction`, waiting for the other end as `wait` allows.
///
/// Any file type but a directory is opened (a caller that needs a FIFO
/// calls [`Opened::expect_fifo`]); the descriptor is close-on-exec and
/// blocking. A directory is refused as writing one is, `EISDIR`, however
/// it is opened.
///
/// In a world-writable sticky directory (`/tmp`) a symlink is followed only
/// when it belongs to this user or to the directory's owner, as Linux's
/// `fs.protected_symlinks` would allow, whether or not that is on: another
/// user's link planted there (`/tmp/out -> /etc/shadow`, `/tmp/jobs ->` a
/// FIFO only this user may write) would otherwise have this user truncate
/// what it points at, or send its data where the link's owner chose. A
/// link on the way to the directory is judged so too (`/tmp/dir ->` a
/// directory of this user's).
///
/// # Errors
/// [`Error::Sys`] when `open` fails, [`Error::NoPeer`] for [`Wait::No`] with
/// nobody reading, [`Error::TimedOut`] when the deadline passes,
/// [`Error::Unsafe`] for another user's symlink in such a directory.
pub fn open(path: &Path, direction: Direction, wait: Wait) -> Result<Opened> {
    open_with(path, direction, wait, OFlag::empty())
}

/// Opens `path` for writing as `tee` does: a regular file is truncated, or
/// appended to with `append`; a FIFO waits for a reader as `wait` allows.
/// A missing path is an error, never a new file.
///
/// # Errors
/// As [`open`].
pub fn open_output(path: &Path, append: bool, wait: Wait) -> Result<Opened> {
    let extra = if append {
        OFlag::O_APPEND
    } else {
        OFlag::O_TRUNC
    };
    open_with(path, Direction::Write, wait, extra)
}

/// The directory `path` is in, held open (reached through no other user's
/// symlink in a world-writable sticky directory), with `path`'s name there
/// and whether it is world-writable and sticky;
/// `None` for a path left to the open by path (`out/`, `..`).
pub(crate) fn parent(path: &Path) -> Result<Option<crate::create::claim::Parent<'_>>> {
    use std::os::unix::ffi::OsStrExt;
    // `out/` must be a directory: left to the open by path to say so.
    if path.as_os_str().as_bytes().ends_with(b"/") {
        return Ok(None);
    }
    match crate::create::claim::Parent::of(path) {
        Ok(parent) => Ok(Some(parent)),
        Err(Error::BadName { .. }) => Ok(None),
        Err(Error::Sys { source, .. }) => {
            Err(Error::sys(Subject::path(path), Action::Open, source))
        }
        Err(err) => Err(err),
    }
}

/// What `path` names, symlinks followed as [`open`] follows them: in a
/// world-writable sticky directory, and on the way to one, only a link of
/// this user or of the directory's owner. For commands that act on what a
/// path names without opening it (`hold --stop` ends its holders).
///
/// # Errors
/// [`Error::Sys`] when it cannot be looked at, [`Error::Unsafe`] for
/// another user's symlink in such a directory.
pub(crate) fn stat_followed(path: &Path) -> Result<FileStat> {
    let fail = |errno| Error::sys(Subject::path(path), Action::Stat, errno);
    let Some(parent) = parent(path)? else {
        return nix::sys::stat::stat(path).map_err(fail);
    };
    let last = resolve_last(path, parent, Action::Stat)?;
    let place = Place {
        dir: last.dir.as_fd(),
        name: Path::new(&last.name),
        follow: last.follow,
    };
    place.stat().map_err(fail)
}

/// Opens every path with [`open_output`] at the same time, so that a FIFO
/// whose reader comes late does not hold up the others; results come back in
/// the order of `paths`. A path whose thread the system refuses (`ulimit
/// -u`) fails with [`Action::StartThread`].
#[must_use]
pub fn open_outputs(paths: &[std::path::PathBuf], append: bool, wait: Wait) -> Vec<Result<Opened>> {
    std::thread::scope(|scope| {
        let opening: Vec<_> = paths
            .iter()
            .map(|path| {
                let subject = Subject::path(path);
                crate::process::thread::spawn_scoped(scope, &subject, move || {
                    open_output(path, append, wait)
                })
            })
            .collect();
        opening
            .into_iter()
            .map(|started| {
                started.and_then(|thread| {
                    thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
            })
            .collect()
    })
}

/// Where an open looks: one name inside a directory already open, followed
/// if it is a symlink or not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    /// The directory (`AT_FDCWD` for a path as given).
    pub(crate) dir: BorrowedFd<'a>,
    /// The name inside it.
    pub(crate) name: &'a Path,
    /// Whether a symlink at `name` is followed (else `O_NOFOLLOW`).
    pub(crate) follow: bool,
}

impl<'a> Place<'a> {
    /// `path` as given, relative to the working directory, links followed.
    fn path(path: &'a Path) -> Self {
        Self {
            dir: nix::fcntl::AT_FDCWD,
            name: path,
            follow: true,
        }
    }

    /// What is at this place now, looked at the way an open would.
    pub(crate) fn stat(self) -> nix::Result<FileStat> {
        let flags = if self.follow {
            AtFlags::empty()
        } else {
            AtFlags::AT_SYMLINK_NOFOLLOW
        };
        fstatat(self.dir, self.name, flags)
    }
}

/// [`open_in`] `path`; in a world-writable sticky directory, through a
/// symlink only when it belongs to this user or to the directory's owner
/// (see [`open`]), judged before anything is opened through it, as are the
/// links it leads to.
fn open_with(path: &Path, direction: Direction, wait: Wait, extra: OFlag) -> Result<Opened> {
    let Some(parent) = parent(path)? else {
        return open_in(Place::path(path), path, direction, wait, extra);
    };
    let last = resolve_last(path, parent, Action::Open)?;
    let place = Place {
        dir: last.dir.as_fd(),
        name: Path::new(&last.name),
        follow: last.follow,
    };
    open_in(place, path, direction, wait, extra)
}

/// Where the name `parent` holds leads, symlinks followed only as [`open`]
/// follows them (errors name `path`, failures of the look-up as `action`).
fn resolve_last(
    path: &Path,
    parent: crate::create::claim::Parent<'_>,
    action: Action,
) -> Result<crate::create::claim::Last> {
    crate::create::claim::resolve_last(parent.dir, parent.name.as_os_str())
        .map_err(|refused| crate::create::claim::refusal(path, refused, action))
}

/// Opens `place` (named `path` in errors) as [`open`] does.
///
/// `ENXIO` means "no reader" only for a FIFO: a socket (or a device without
/// its hardware) says the same, so the type is looked at before the error is
/// read as [`Error::NoPeer`].
pub(crate) fn open_in(
    place: Place<'_>,
    path: &Path,
    direction: Direction,
    wait: Wait,
    extra: OFlag,
) -> Result<Opened> {
    let subject = || Subject::path(path);
    let mut flags = direction.flags() | OFlag::O_CLOEXEC | OFlag::O_NOCTTY | extra;
    if wait == Wait::No {
        flags |= OFlag::O_NONBLOCK;
    }
    if !place.follow {
        flags |= OFlag::O_NOFOLLOW;
    }
    let call = || nix::fcntl::openat(place.dir, place.name, flags, Mode::empty());
    let refused = |errno| match errno {
        Errno::ENXIO => match place.stat().map(|st| FileKind::of(&st)) {
            Ok(found) if found != FileKind::Fifo => Error::NotAFifo {
                subject: subject(),
                found,
            },
            _ if wait == Wait::No && direction == Direction::Write => Error::NoPeer {
                subject: subject(),
                peer: Peer::Reader,
            },
            _ => Error::sys(subject(), Action::Open, errno),
        },
        errno => Error::sys(subject(), Action::Open, errno),
    };
    // A deadline that passes is told apart from every errno, so a real
    // ETIMEDOUT from open (a network file system) stays a system error.
    let fd = match wait {
        Wait::Forever | Wait::No => retry_on_eintr(call).map_err(refused),
        Wait::Timeout(limit) => deadline::run(limit, call).map_err(|why| match why {
            Interrupted::Failed(errno) => refused(errno),
            Interrupted::NoThread(errno) => Error::sys(subject(), Action::StartThread, errno),
            Interrupted::TimedOut => Error::TimedOut {
                subject: subject(),
                peer: direction.peer(),
                waited: limit,
            },
        }),
    }?;
    if wait == Wait::No {
        set_nonblocking(fd.as_fd(), false)
            .map_err(|errno| Error::sys(subject(), Action::Configure, errno))?;
    }
    let st: FileStat = fstat(&fd).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
    let kind = FileKind::of(&st);
    // Reading a directory opens it and fails at the first read, writing one
    // fails in open: every command says it the one way, in open, as cat(1)
    // does.
    if kind == FileKind::Directory {
        return Err(Error::sys(subject(), Action::Open, Errno::EISDIR));
    }
    let id = sys::file::FileId::of(&st);
    Ok(Opened {
        kind,
        device: id.device,
        inode: id.inode,
        owner: st.st_uid,
        fd,
        path: path.to_path_buf(),
    })
}

/// Opens `path` and refuses it, before any data moves, unless it is a FIFO.
///
/// # Errors
/// As [`open`], plus [`Error::NotAFifo`].
pub fn open_fifo(path: &Path, direction: Direction, wait: Wait) -> Result<Opened> {
    open(path, direction, wait)?.expect_fifo()
}

#[cfg(test)]
mod tests;
