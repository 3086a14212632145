//! The one error type of `fifo-core`: what failed, on which path, and why.

use std::fmt;
use std::io;
use std::time::Duration;

use nix::errno::Errno;

use crate::FileKind;

mod reason;
mod subject;

pub use reason::{Chain, Reason, Span, describe};
pub use subject::{Action, Escaped, Peer, Subject};

/// What a system that shows who holds a file may still not show
/// ([`Error::NotShown`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unshown {
    /// How many bytes a pipe holds (Linux borrows a holder's descriptor).
    PipeContents,
    /// A process's command line and the signals it ignores (Linux reads
    /// them from `/proc/PID`).
    ProcessDetails,
}

/// Shorthand for results that fail with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a FIFO operation.
///
/// Each variant names its [`Subject`]. `Display` says what happened,
/// `'PATH': cannot open`, and an error from the system is its
/// [`source`](std::error::Error::source), which `Display` does not repeat:
/// [`Chain`] (or any reporter that walks the sources) prints the whole
/// story on one line. [`Error::reason`] gives the whole story after the
/// subject, the system's words included, for a front end that words the
/// subject itself.
///
/// ```
/// use fifo_core::{Action, Error, Subject};
/// use fifo_core::error::Chain;
///
/// let err = Error::sys(
///     Subject::path("/tmp/jobs"),
///     Action::Open,
///     std::io::Error::from_raw_os_error(2),
/// );
/// assert_eq!(err.to_string(), "'/tmp/jobs': cannot open");
/// assert_eq!(Chain(&err).to_string(), "'/tmp/jobs': cannot open: No such file or directory");
/// assert_eq!(err.reason().to_string(), "cannot open: No such file or directory");
/// assert_eq!(err.raw_os_error(), Some(2));
/// assert!(std::error::Error::source(&err).is_some());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A system call failed.
    Sys {
        /// What was being acted on.
        subject: Subject,
        /// The step that failed.
        action: Action,
        /// Why, as the system said it: the error's source.
        source: io::Error,
    },
    /// The path exists but is not a named pipe, so it is refused.
    NotAFifo {
        /// The refused path.
        subject: Subject,
        /// What it actually is.
        found: FileKind,
    },
    /// Nobody has the FIFO open at the other end and waiting was not allowed.
    NoPeer {
        /// The FIFO.
        subject: Subject,
        /// The missing end.
        peer: Peer,
    },
    /// The wait for the other end ran out.
    TimedOut {
        /// The FIFO.
        subject: Subject,
        /// The end that never came.
        peer: Peer,
        /// How long was waited.
        waited: Duration,
    },
    /// A wait for a reader or writer ran out without seeing one, while
    /// processes that this user may not inspect (another user's) could be
    /// holding the FIFO: no peer seen is not no peer.
    PeerHidden {
        /// The FIFO.
        subject: Subject,
        /// The end that was not seen.
        peer: Peer,
        /// How long was waited.
        waited: Duration,
    },
    /// A wait for a FIFO's state ran out.
    WaitTimedOut {
        /// The FIFO.
        subject: Subject,
        /// What never came true.
        condition: crate::inspect::wait::Condition,
        /// How long was waited.
        waited: Duration,
    },
    /// No holding process of this user, of the kind the caller asked to
    /// release, holds the FIFO (see [`crate::open::hold::release`]).
    NotHeld {
        /// The FIFO.
        subject: Subject,
    },
    /// A process asked to end had not ended when the wait ran out.
    StillRunning {
        /// The FIFO it holds.
        subject: Subject,
        /// The process.
        pid: i32,
        /// How long was waited.
        waited: Duration,
    },
    /// The reader closed the FIFO before everything was written.
    ReaderLeft {
        /// The FIFO.
        subject: Subject,
        /// Bytes the reader's pipe accepted before it left. Not all of them
        /// were necessarily read: what was still in the pipe is gone with it.
        delivered: u64,
    },
    /// A record cannot be written in one atomic `write`.
    RecordTooLong {
        /// The FIFO.
        subject: Subject,
        /// 1-based number of the record (line) that is too long.
        record: u64,
        /// Its length, separator included.
        len: usize,
        /// False when the record was still growing when it crossed the limit.
        complete: bool,
        /// The atomic write limit.
        limit: usize,
    },
    /// A framed-message chunk went out only in part, so the stream now holds
    /// a torn chunk: the destination does not keep `PIPE_BUF`-byte writes
    /// whole (it is not a pipe).
    ChunkTorn {
        /// The destination.
        subject: Subject,
        /// The chunk's size.
        len: usize,
        /// How much of it the one write took.
        written: usize,
    },
    /// The bytes read are not a valid stream of framed messages; nothing
    /// from `offset` on is decoded.
    NotFramed {
        /// Where the bytes came from.
        subject: Subject,
        /// 0-based offset in the stream of the first byte of the bad chunk.
        offset: u64,
        /// What is wrong there.
        problem: crate::transfer::frame::FrameProblem,
    },
    /// Unfinished framed messages would need more memory than allowed.
    PendingTooLarge {
        /// Where the bytes came from.
        subject: Subject,
        /// The limit that was reached.
        limit: u64,
    },
    /// The system refused a pipe capacity. Its words include the system's
    /// (followed by the limit that explains them), so the system's error is
    /// not a [`source`](std::error::Error::source): see [`Error::io_error`].
    CapacityRefused {
        /// The pipe.
        subject: Subject,
        /// The capacity asked for.
        requested: usize,
        /// Why it was refused, as the system said it.
        source: io::Error,
        /// The unprivileged maximum, when that is why.
        limit: Option<usize>,
    },
    /// An existing path another user may have planted, found where a FIFO
    /// was to be made or used.
    Unsafe {
        /// The path.
        subject: Subject,
        /// What was found, and where.
        reason: String,
    },
    /// The path no longer names the FIFO this process made or opened: it was
    /// swapped for another file (a symlink, another FIFO) in between.
    Replaced {
        /// The path.
        subject: Subject,
        /// True when this process had created the FIFO.
        made: bool,
    },
    /// The path already exists and is not a FIFO (when an existing FIFO
    /// is accepted).
    ExistsNotFifo {
        /// The path.
        subject: Subject,
        /// What it is.
        found: FileKind,
    },
    /// The name cannot name a file in a directory: empty, `.`, `..`, or
    /// holding a `/` where a plain file name is needed.
    BadName {
        /// The name.
        subject: Subject,
        /// The step that needed it.
        action: Action,
    },
    /// This system cannot tell which processes hold a file (there is no
    /// Linux-style `/proc`).
    NoProcessTable {
        /// The file asked about.
        subject: Subject,
        /// The step that needed to know.
        action: Action,
    },
    /// This system shows which processes hold a file, but not what the step
    /// needs beyond that (macOS and FreeBSD, which have no Linux-style
    /// `/proc`).
    NotShown {
        /// The file asked about.
        subject: Subject,
        /// The step that needed to know.
        action: Action,
        /// What the system does not show.
        missing: Unshown,
    },
    /// How much the pipe holds cannot be known: processes hold the FIFO but
    /// none of them lets this process look through its descriptor, or none
    /// is seen while another user's processes, out of sight, may hold it.
    ContentsHidden {
        /// The FIFO.
        subject: Subject,
        /// Whether holders were seen (which would not lend a descriptor).
        held: bool,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.subject())?;
        self.reason().write(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sys { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// For callers that work in `std::io` terms: the kind of the system's error
/// when there is one (else [`io::ErrorKind::Other`]), carrying this error,
/// whole, as its inner error.
impl From<Error> for io::Error {
    fn from(err: Error) -> Self {
        let kind = err.io_error().map_or(io::ErrorKind::Other, io::Error::kind);
        Self::new(kind, err)
    }
}

impl Error {
    /// A failed system call on `subject`, `source` saying why.
    #[must_use]
    pub fn sys(subject: Subject, action: Action, source: impl Into<io::Error>) -> Self {
        Self::Sys {
            subject,
            action,
            source: source.into(),
        }
    }

    /// What happened, without the subject: the part of a message after
    /// `'PATH': `.
    #[must_use]
    pub fn reason(&self) -> Reason<'_> {
        Reason(self)
    }

    /// What the failing operation was acting on.
    #[must_use]
    pub fn subject(&self) -> &Subject {
        match self {
            Self::Sys { subject, .. }
            | Self::NotAFifo { subject, .. }
            | Self::NoPeer { subject, .. }
            | Self::TimedOut { subject, .. }
            | Self::WaitTimedOut { subject, .. }
            | Self::PeerHidden { subject, .. }
            | Self::NotHeld { subject }
            | Self::StillRunning { subject, .. }
            | Self::ReaderLeft { subject, .. }
            | Self::RecordTooLong { subject, .. }
            | Self::ChunkTorn { subject, .. }
            | Self::NotFramed { subject, .. }
            | Self::PendingTooLarge { subject, .. }
            | Self::CapacityRefused { subject, .. }
            | Self::Unsafe { subject, .. }
            | Self::Replaced { subject, .. }
            | Self::ExistsNotFifo { subject, .. }
            | Self::BadName { subject, .. }
            | Self::NoProcessTable { subject, .. }
            | Self::NotShown { subject, .. }
            | Self::ContentsHidden { subject, .. } => subject,
        }
    }

    /// The OS error behind the error, when the system refused something
    /// (the [`source`](std::error::Error::source) of [`Error::Sys`]).
    #[must_use]
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            Self::Sys { source, .. } | Self::CapacityRefused { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The `errno` behind the error, when a system call failed with one.
    #[must_use]
    pub fn raw_os_error(&self) -> Option<i32> {
        self.io_error().and_then(io::Error::raw_os_error)
    }

    /// [`Error::raw_os_error`] as nix's type, for this crate's own matching.
    pub(crate) fn errno(&self) -> Option<Errno> {
        self.raw_os_error().map(Errno::from_raw)
    }
}

#[cfg(test)]
mod tests;
