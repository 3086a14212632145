//! Waiting, without opening anything, until a FIFO is there, has a reader
//! or a writer, or has data in it or none.
//!
//! Nothing here opens the path: a FIFO's open would complete or disturb
//! another process's rendezvous. That a FIFO exists is learnt from inotify
//! on the nearest existing directory (re-armed as missing directories
//! appear), or a short poll elsewhere; its holders and contents from /proc
//! (see [`crate::inspect::live`]), looked at again at an interval that grows with
//! what one look costs, so that a machine with thousands of processes is not
//! kept busy by a waiting script.
//!
//! ```
//! use std::time::Duration;
//!
//! use fifo_core::inspect::wait::{Condition, until};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! until(&path, Condition::Exists, Some(Duration::from_secs(5)))?;
//! // Nothing is opened to find out, so no writer is ever released by looking.
//! let err = until(&path, Condition::Writer, Some(Duration::from_millis(50))).unwrap_err();
//! assert!(matches!(err, fifo_core::Error::TimedOut { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::stat::stat;

use crate::sys::dir_watch::DirWatch;
use crate::{Action, Error, FileKind, Result, Subject};

/// What a wait waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// The path exists and is a FIFO.
    Exists,
    /// Some process holds it open for reading.
    Reader,
    /// Some process holds it open for writing.
    Writer,
    /// Bytes are waiting in it.
    Data,
    /// No bytes are waiting in it (a FIFO nobody holds is empty).
    Empty,
}

/// How a timeout message ends: "waiting until it exists".
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Exists => "it exists",
            Self::Reader => "it has a reader",
            Self::Writer => "it has a writer",
            Self::Data => "data is waiting in it",
            Self::Empty => "it is empty",
        })
    }
}

/// How long [`until_exists`] polls before it asks for inotify.
const POLL_FIRST: Duration = Duration::from_secs(1);
/// How often [`until_exists`] looks again while inotify tells it nothing:
/// a change above the watched directory (a symlink pointed elsewhere) or
/// under /proc (which sends no events) makes the path appear silently.
const RELOOK: Duration = Duration::from_secs(1);

/// Waits until `condition` holds for `path`, for at most `timeout` (`None`:
/// as long as it takes).
///
/// # Errors
/// [`Error::NotAFifo`] when the path is something else,
/// [`Error::WaitTimedOut`] or [`Error::TimedOut`] when `timeout` passes
/// first, [`Error::Sys`] when the path or /proc cannot be looked at, or the
/// bytes waiting cannot be seen (`EPERM`: no holder lends a descriptor, or
/// none is seen while processes of other users may hold it),
/// [`Error::NotShown`] for [`Condition::Data`] and [`Condition::Empty`] on
/// macOS and FreeBSD (no way to look into a pipe there), and
/// [`Error::NoProcessTable`] where holders are not seen at all.
pub fn until(path: &Path, condition: Condition, timeout: Option<Duration>) -> Result<()> {
    match condition {
        Condition::Exists => until_exists(path, timeout),
        Condition::Reader => crate::inspect::live::wait_for(path, crate::Peer::Reader, timeout),
        Condition::Writer => crate::inspect::live::wait_for(path, crate::Peer::Writer, timeout),
        Condition::Data | Condition::Empty => until_contents(path, condition, timeout),
    }
}

/// Waits until bytes are waiting in the FIFO at `path` ([`Condition::Data`])
/// or none are (otherwise), as seen through a holder's descriptor. A FIFO
/// nobody holds is empty only when no process out of sight could hold it.
fn until_contents(path: &Path, condition: Condition, timeout: Option<Duration>) -> Result<()> {
    if !crate::sys::engine::linux() {
        // No holder's descriptor to look through here. The FIFO and its
        // holders are looked at first all the same, so that a path that is
        // no FIFO, or a system that shows no holders, is refused as such.
        crate::inspect::live::watch(path, Some(Duration::ZERO), |_| true)?;
        return crate::inspect::live::beyond_holders(
            path,
            Action::Wait,
            crate::error::Unshown::PipeContents,
        );
    }
    let mut blind = false;
    let mut held = false;
    let done = crate::inspect::live::watch(path, timeout, |holders| {
        held = holders.seen.iter().any(|holder| holder.fd.is_some());
        let waiting = if held {
            crate::inspect::live::pipe_contents(holders).waiting
        } else if !crate::inspect::live::may_hide_holders(path, holders.complete()) {
            // Nobody has it open (at most some are still opening): no byte
            // can have been written.
            Some(0)
        } else {
            // Nobody seen has it open, but other users' processes, which
            // this user may not inspect, might: "empty" would be a guess.
            None
        };
        // Without a descriptor to look through the answer never comes.
        blind = waiting.is_none();
        waiting.is_none_or(|waiting| (waiting > 0) == (condition == Condition::Data))
    })?;
    if blind {
        return Err(Error::ContentsHidden {
            subject: Subject::path(path),
            held,
        });
    }
    if done {
        return Ok(());
    }
    Err(Error::WaitTimedOut {
        subject: Subject::path(path),
        condition,
        waited: timeout.unwrap_or_default(),
    })
}

/// Waits until `path` (symlinks followed) exists and is a FIFO, also when
/// its parent directories do not exist yet, for at most `timeout` (`None`:
/// as long as it takes).
///
/// # Errors
/// [`Error::NotAFifo`] when the path appears as something else,
/// [`Error::WaitTimedOut`] when `timeout` passes first, [`Error::Sys`] when
/// the path or a directory above it cannot be looked at.
pub fn until_exists(path: &Path, timeout: Option<Duration>) -> Result<()> {
    // Closing an inotify instance waits for an RCU grace period (14 ms
    // measured here), longer than most waits: a short wait polls, and only
    // a long one sets up the kernel's help.
    let first = timeout.map_or(POLL_FIRST, |limit| limit.min(POLL_FIRST));
    match until_exists_with(path, Some(first), DirWatch::polling) {
        Err(Error::WaitTimedOut { .. }) if timeout.is_none_or(|limit| limit > first) => {
            let rest = timeout.map(|limit| limit.saturating_sub(first));
            until_exists_with(path, rest, DirWatch::new).map_err(|err| match err {
                Error::WaitTimedOut {
                    subject, condition, ..
                } => Error::WaitTimedOut {
                    subject,
                    condition,
                    waited: timeout.unwrap_or_default(),
                },
                other => other,
            })
        }
        done => done,
    }
}

/// [`until_exists`] with the watch made by `watch` (tests force polling).
fn until_exists_with(
    path: &Path,
    timeout: Option<Duration>,
    watch: fn(&Path) -> nix::Result<DirWatch>,
) -> Result<()> {
    let deadline = timeout.map(|limit| Instant::now() + limit);
    loop {
        if let Some(kind) = look(path)? {
            return found(path, kind);
        }
        let anchor = nearest_directory(path);
        // Watch first, then look again: whatever happens after this look is
        // seen by the watch.
        let watch = match watch(&anchor) {
            Ok(watch) => watch,
            // The directory went away meanwhile: find the next one up.
            Err(Errno::ENOENT | Errno::ENOTDIR) => continue,
            Err(errno) => return Err(Error::sys(Subject::path(&anchor), Action::Wait, errno)),
        };
        loop {
            if let Some(kind) = look(path)? {
                return found(path, kind);
            }
            let left = deadline.map(|end| end.saturating_duration_since(Instant::now()));
            if left.is_some_and(|left| left.is_zero()) {
                return Err(Error::WaitTimedOut {
                    subject: Subject::path(path),
                    condition: Condition::Exists,
                    waited: timeout.unwrap_or_default(),
                });
            }
            let nap = left.map_or(RELOOK, |left| left.min(RELOOK));
            let changed = watch
                .wait(Some(nap))
                .map_err(|errno| Error::sys(Subject::path(&anchor), Action::Wait, errno))?;
            // An event re-arms the watch (the nearest directory may have
            // changed); a quiet spell only looks again.
            if changed || nearest_directory(path) != anchor {
                break;
            }
        }
    }
}

/// What `path` is now, or `None` while it (or a directory above it) is
/// missing. A dangling symlink counts as missing: its target may appear.
fn look(path: &Path) -> Result<Option<FileKind>> {
    match stat(path) {
        Ok(st) => Ok(Some(FileKind::of(&st))),
        Err(Errno::ENOENT | Errno::ENOTDIR) => Ok(None),
        Err(errno) => Err(Error::sys(Subject::path(path), Action::Stat, errno)),
    }
}

fn found(path: &Path, kind: FileKind) -> Result<()> {
    if kind == FileKind::Fifo {
        Ok(())
    } else {
        Err(Error::NotAFifo {
            subject: Subject::path(path),
            found: kind,
        })
    }
}

/// The deepest directory above `path` that exists now (`.` for a bare name).
fn nearest_directory(path: &Path) -> PathBuf {
    let mut dir = path.parent();
    while let Some(candidate) = dir {
        let candidate = if candidate.as_os_str().is_empty() {
            Path::new(".")
        } else {
            candidate
        };
        if candidate.is_dir() {
            return candidate.to_owned();
        }
        dir = candidate.parent();
    }
    PathBuf::from(if path.is_absolute() { "/" } else { "." })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::{IfExists, PRIVATE_MODE, make_fifo};

    #[test]
    fn a_fifo_made_later_in_directories_made_later_is_seen() {
        for watch in [DirWatch::new, DirWatch::polling] {
            made_later_is_seen(watch);
        }
    }

    fn made_later_is_seen(watch: fn(&Path) -> nix::Result<DirWatch>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/q");
        let maker = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                std::fs::create_dir(path.parent().unwrap().parent().unwrap()).unwrap();
                std::thread::sleep(Duration::from_millis(50));
                std::fs::create_dir(path.parent().unwrap()).unwrap();
                std::thread::sleep(Duration::from_millis(50));
                make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
            })
        };
        until_exists_with(&path, Some(Duration::from_secs(20)), watch).unwrap();
        maker.join().unwrap();
    }

    #[test]
    fn something_else_appearing_is_not_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q");
        std::fs::write(&path, "x").unwrap();
        let err = until_exists(&path, Some(Duration::from_secs(5))).unwrap_err();
        assert!(matches!(
            err,
            Error::NotAFifo {
                found: FileKind::Regular,
                ..
            }
        ));
    }

    #[test]
    fn nothing_appearing_times_out_naming_the_condition() {
        let dir = tempfile::tempdir().unwrap();
        for watch in [DirWatch::new, DirWatch::polling] {
            let limit = Some(Duration::from_millis(120));
            let err = until_exists_with(&dir.path().join("q"), limit, watch).unwrap_err();
            assert_eq!(
                err.reason().to_string(),
                "timed out after 120ms waiting until it exists"
            );
        }
    }

    #[test]
    fn the_nearest_directory_is_the_deepest_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(nearest_directory(&dir.path().join("x/y/z")), dir.path());
        assert_eq!(nearest_directory(Path::new("z")), Path::new("."));
    }
}
