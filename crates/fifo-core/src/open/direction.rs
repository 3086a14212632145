//! Which way a FIFO is opened, and how long an open may wait for the
//! other end.

use std::time::Duration;

use nix::fcntl::OFlag;

#[cfg(doc)]
use crate::Error;
use crate::Peer;

/// Which way data flows through the opened descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `O_RDONLY`: waits for a writer.
    Read,
    /// `O_WRONLY`: waits for a reader.
    Write,
    /// `O_RDWR`: never waits (Linux holds both ends).
    ReadWrite,
}

impl Direction {
    pub(super) fn flags(self) -> OFlag {
        match self {
            Self::Read => OFlag::O_RDONLY,
            Self::Write => OFlag::O_WRONLY,
            Self::ReadWrite => OFlag::O_RDWR,
        }
    }

    /// The end an open in this direction waits for.
    #[must_use]
    pub fn peer(self) -> Peer {
        match self {
            Self::Read => Peer::Writer,
            Self::Write | Self::ReadWrite => Peer::Reader,
        }
    }
}

/// `read`, `write` or `read-write`, as a holder's access reads.
impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::ReadWrite => "read-write",
        })
    }
}

/// How long an open may wait for the other end of a FIFO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wait {
    /// Until the other end appears, as a plain `open(2)` does.
    Forever,
    /// Not at all: a write open with no reader fails with [`Error::NoPeer`].
    /// (A read open never needs to wait to succeed.)
    No,
    /// Up to this long, then [`Error::TimedOut`].
    ///
    /// `open(2)` has no timeout, so a watchdog thread interrupts it with
    /// `SIGURG`. The first such wait installs a process-wide `SIGURG`
    /// handler that does nothing (without `SA_RESTART`) and replaces any
    /// handler installed before; a program that handles `SIGURG` itself (Go's
    /// runtime uses it to preempt goroutines) chooses another signal first
    /// with [`crate::process::wake::choose_signal`].
    Timeout(Duration),
}
