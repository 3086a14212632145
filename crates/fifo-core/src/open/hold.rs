//! Holding a FIFO open at both ends, so that writers' opens never block,
//! readers never see end-of-file between writers, and what is written while
//! no reader is there waits in the pipe for the next one.
//!
//! A read-write open of a FIFO never waits on Linux (this process is both a
//! reader and a writer), and the pipe lives as long as the descriptor does.
//! When the last holder closes, whatever is still buffered is gone: the
//! kernel frees the pipe. [`Held::buffered`] and [`Held::others`] let the
//! caller say so rather than lose it silently. Ending the holds other
//! processes keep is [`release()`].
//!
//! ```
//! use fifo_core::open::hold::Held;
//! use fifo_core::open::{Direction, Wait, open_fifo};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! let held = Held::open(&path)?;
//! // A writer no longer waits for a reader, and nothing it writes is lost.
//! let writer = open_fifo(&path, Direction::Write, Wait::No)?;
//! fifo_core::transfer::write::write_data(writer.fd(), fifo_core::Subject::path(&path), b"kept")?;
//! assert_eq!(held.buffered()?, 4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod release;

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::sys::stat::fstat;

use crate::error::Unshown;
use crate::inspect::live::{Holders, holders};
use crate::open::{Direction, Opened, Wait, open_fifo};
use crate::{Action, Error, Result, Subject, sys};

pub use release::{Released, release};

/// A FIFO this process holds open for reading and writing.
#[derive(Debug)]
pub struct Held {
    path: PathBuf,
    fd: OwnedFd,
    device: u64,
    inode: u64,
}

impl Held {
    /// Opens `path` for reading and writing (which never waits) and refuses
    /// it unless the descriptor is a FIFO.
    ///
    /// # Errors
    /// As [`open_fifo`].
    pub fn open(path: &Path) -> Result<Self> {
        Self::from_opened(open_fifo(path, Direction::ReadWrite, Wait::No)?)
    }

    /// Holds a FIFO already opened for reading and writing, e.g. by
    /// [`crate::create::claim::create_and_open`].
    ///
    /// # Errors
    /// [`Error::NotAFifo`] when it is not a FIFO, [`Error::Sys`] when it
    /// cannot be looked at.
    pub fn from_opened(opened: Opened) -> Result<Self> {
        let opened = opened.expect_fifo()?;
        let path = opened.path().to_owned();
        let fd = opened.into_fd();
        let st =
            fstat(&fd).map_err(|errno| Error::sys(Subject::path(&path), Action::Stat, errno))?;
        let id = sys::file::FileId::of(&st);
        Ok(Self {
            path,
            fd,
            device: id.device,
            inode: id.inode,
        })
    }

    /// The path it was opened by.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The held descriptor (read-write, close-on-exec).
    #[must_use]
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Bytes written into the pipe and not read yet.
    ///
    /// # Errors
    /// [`Error::Sys`] where the system cannot tell (not on Linux).
    pub fn buffered(&self) -> Result<u64> {
        sys::bytes_waiting(self.fd.as_fd())
            .map(|n| n as u64)
            .map_err(|errno| Error::sys(Subject::path(&self.path), Action::Stat, errno))
    }

    /// Whether the FIFO has been removed from its directory (perhaps
    /// replaced by a new one at the same path): nobody can open it by name
    /// any more.
    #[must_use]
    pub fn unlinked(&self) -> bool {
        fstat(&self.fd).is_ok_and(|st| sys::file::links(&st) == 0)
    }

    /// Every other process holding the FIFO (this one is left out), or
    /// `None` where the system shows no holders (see
    /// [`crate::inspect::live::holders`]).
    #[must_use]
    pub fn others(&self) -> Option<Holders> {
        holders(self.device, self.inode)
    }
}

/// Refuses a wait until nobody else holds `path` and its pipe is empty
/// (`hold --idle`) where this system cannot tell: without Linux's `/proc`
/// it never sees what the pipe holds, and would never end.
///
/// # Errors
/// [`Error::NotShown`] on macOS and FreeBSD (holders are seen, contents
/// not), [`Error::NoProcessTable`] elsewhere off Linux's own engine.
pub fn holders_seen(path: &Path) -> Result<()> {
    crate::inspect::live::beyond_holders(path, Action::Wait, Unshown::PipeContents)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::create::{IfExists, PRIVATE_MODE, make_fifo};

    #[test]
    fn a_held_fifo_takes_writers_without_a_reader_and_counts_what_waits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q");
        make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
        let held = Held::open(&path).unwrap();
        let writer = open_fifo(&path, Direction::Write, Wait::No).unwrap();
        crate::transfer::write::write_data(writer.fd(), Subject::path(&path), b"kept").unwrap();
        drop(writer);
        assert_eq!(held.buffered().unwrap(), 4);
        assert!(held.others().unwrap().seen.is_empty(), "only this process");
        assert!(!held.unlinked());
        std::fs::remove_file(&path).unwrap();
        make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
        assert!(held.unlinked(), "replaced: the held FIFO has no name");
    }

    #[test]
    fn a_regular_file_is_not_held() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        std::fs::write(&path, "x").unwrap();
        assert!(matches!(Held::open(&path), Err(Error::NotAFifo { .. })));
    }
}
