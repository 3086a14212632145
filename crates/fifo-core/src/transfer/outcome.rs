//! How a copy is bounded and how it ends: its budget ([`Limit`]), why it
//! stopped ([`Stop`]), and, when it failed, which side did and why
//! ([`CopyError`]). Every copy engine (the plain [`Copier`](crate::transfer::copy::Copier),
//! the deep [`Buffer`](crate::transfer::buffer::Buffer)) speaks these.

use std::fmt;

use crate::sys::fd::Fault;
use crate::transfer::write::write_failed;
use crate::{Action, Error, Subject};

/// How much a copy may move before it stops by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// Until end of file.
    Unlimited,
    /// At most this many bytes.
    Bytes(u64),
    /// At most this many newline-terminated lines.
    Lines(u64),
}

/// Why a copy ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The source reached end of file.
    EndOfFile,
    /// The byte or line budget is spent.
    LimitReached,
    /// No data arrived for the idle timeout.
    Idle,
    /// The caller asked the copy to stop (a signal arrived).
    Interrupted,
}

/// Which side of a copy failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Reading the source.
    Source,
    /// Writing the destination.
    Destination,
    /// Reading back what a deep buffer spilled to its file.
    BufferFile,
    /// Starting the thread that fills a deep buffer (`ulimit -u`).
    Thread,
}

/// A failed copy: which side, why, and how much had been written before.
///
/// It reads as the step that failed (`cannot read the source`); why, as the
/// system said it, is its [`source`](std::error::Error::source). To name
/// the paths, turn it into an [`Error`] with [`CopyError::attribute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyError {
    /// The side whose system call failed.
    pub side: Side,
    /// Why it failed (see [`CopyError::raw_os_error`]).
    fault: Fault,
    /// Bytes written to the destination before the failure.
    pub copied: u64,
}

impl CopyError {
    pub(crate) fn new(side: Side, fault: Fault, copied: u64) -> Self {
        Self {
            side,
            fault,
            copied,
        }
    }

    /// Why it failed: the `errno` of the system call, or `None` when the
    /// call succeeded but moved nothing where bytes were due.
    #[must_use]
    pub fn raw_os_error(&self) -> Option<i32> {
        match self.fault {
            Fault::Os(errno) => Some(errno as i32),
            Fault::WroteNothing | Fault::Vanished => None,
        }
    }

    /// The [`Error`] this failure means for the named source and destination:
    /// a pipe whose reader left (`EPIPE`) while writing to a path becomes
    /// [`Error::ReaderLeft`] with the count delivered.
    #[must_use]
    pub fn attribute(self, source: Subject, destination: Subject) -> Error {
        match self.side {
            Side::Source => Error::sys(source, Action::Read, self.fault),
            Side::Destination => write_failed(destination, self.fault, self.copied),
            Side::BufferFile => Error::sys(Subject::BufferFile, Action::Read, self.fault),
            Side::Thread => Error::sys(source, Action::StartThread, self.fault),
        }
    }
}

impl fmt::Display for CopyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.side {
            Side::Source => "cannot read the source",
            Side::Destination => "cannot write the destination",
            Side::BufferFile => "cannot read back the buffer file",
            Side::Thread => "cannot start the buffer's thread",
        })
    }
}

impl std::error::Error for CopyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_error_says_the_step_and_keeps_why_as_its_source() {
        use std::error::Error as _;
        let err = CopyError::new(Side::Destination, nix::errno::Errno::ENOSPC.into(), 3);
        assert_eq!(err.to_string(), "cannot write the destination");
        let why = err.source().expect("a source").to_string();
        assert_eq!(why, "No space left on device");
        assert_eq!(err.raw_os_error(), Some(nix::libc::ENOSPC));
    }
}
