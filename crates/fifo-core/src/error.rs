//! The one error type of `fifo-core`: what failed, on which path, and why.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use nix::errno::Errno;

use crate::FileKind;

/// Shorthand for results that fail with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What an operation was acting on when it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A path named by the user.
    Path(PathBuf),
    /// The process's standard input.
    Stdin,
    /// The process's standard output.
    Stdout,
    /// Another process, by its PID.
    Process(i32),
}

impl Subject {
    /// The subject for a path.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::Path(path.into())
    }
}

/// The step of an operation that failed; it leads the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Creating a FIFO.
    CreateFifo,
    /// Creating a directory (`mk -p`, `mk --temp`).
    CreateDir,
    /// Opening a path.
    Open,
    /// Reading data.
    Read,
    /// Writing data.
    Write,
    /// Looking at a path's metadata.
    Stat,
    /// Removing a FIFO this process created.
    Remove,
    /// Changing a descriptor's flags or pipe size.
    Configure,
    /// Waiting for data or a peer.
    Wait,
    /// Sending a signal to a process.
    Signal,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CreateFifo => "cannot create fifo",
            Self::CreateDir => "cannot create directory",
            Self::Open => "cannot open",
            Self::Read => "read error",
            Self::Write => "write error",
            Self::Stat => "cannot stat",
            Self::Remove => "cannot remove",
            Self::Configure => "cannot configure",
            Self::Wait => "cannot wait",
            Self::Signal => "cannot signal",
        })
    }
}

/// The other end of a FIFO that an open waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// A process that opens the FIFO for reading.
    Reader,
    /// A process that opens the FIFO for writing.
    Writer,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Reader => "reader",
            Self::Writer => "writer",
        })
    }
}

/// Everything that can go wrong in a FIFO operation.
///
/// Each variant names its [`Subject`]; `Display` gives the rest of a
/// one-line message (without the subject), so a front end can print
/// `PROGRAM: 'PATH': MESSAGE`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A system call failed.
    #[error("{action}: {}", errno.desc())]
    Sys {
        /// What was being acted on.
        subject: Subject,
        /// The step that failed.
        action: Action,
        /// Why, as the kernel said it.
        errno: Errno,
    },
    /// The path exists but is not a named pipe, so it is refused.
    #[error("not a fifo (it is a {found})")]
    NotAFifo {
        /// The refused path.
        subject: Subject,
        /// What it actually is.
        found: FileKind,
    },
    /// Nobody has the FIFO open at the other end and waiting was not allowed.
    #[error("no {peer} (nobody has it open for {})", peer_verb(*peer))]
    NoPeer {
        /// The FIFO.
        subject: Subject,
        /// The missing end.
        peer: Peer,
    },
    /// The wait for the other end ran out.
    #[error("timed out after {} waiting for a {peer}", humantime::format_duration(*waited))]
    TimedOut {
        /// The FIFO.
        subject: Subject,
        /// The end that never came.
        peer: Peer,
        /// How long was waited.
        waited: Duration,
    },
    /// A wait for a FIFO's state ran out.
    #[error("timed out after {} waiting until {condition}", humantime::format_duration(*waited))]
    WaitTimedOut {
        /// The FIFO.
        subject: Subject,
        /// What never came true.
        condition: crate::wait::Condition,
        /// How long was waited.
        waited: Duration,
    },
    /// No `fifo hold` process of this user holds the FIFO.
    #[error("no fifo hold process of this user holds it")]
    NotHeld {
        /// The FIFO.
        subject: Subject,
    },
    /// A process asked to end had not ended when the wait ran out.
    #[error("process {pid} holding it has not ended after {}", humantime::format_duration(*waited))]
    StillRunning {
        /// The FIFO it holds.
        subject: Subject,
        /// The process.
        pid: i32,
        /// How long was waited.
        waited: Duration,
    },
    /// The reader closed the FIFO before everything was written.
    #[error("reader went away; {delivered} bytes were written into its pipe")]
    ReaderLeft {
        /// The FIFO.
        subject: Subject,
        /// Bytes the reader's pipe accepted before it left. Not all of them
        /// were necessarily read: what was still in the pipe is gone with it.
        delivered: u64,
    },
    /// A record cannot be written in one atomic `write`.
    #[error(
        "record {record} is {len} bytes{}, longer than PIPE_BUF ({limit}); it was not sent",
        if *complete { "" } else { " or more" }
    )]
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
    #[error(
        "only {written} bytes of a {len}-byte chunk were written; the destination is not a pipe"
    )]
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
    #[error("not a framed stream at byte {offset}: {problem}")]
    NotFramed {
        /// Where the bytes came from.
        subject: Subject,
        /// 0-based offset in the stream of the first byte of the bad chunk.
        offset: u64,
        /// What is wrong there.
        problem: crate::frame::FrameProblem,
    },
    /// Unfinished framed messages would need more memory than allowed.
    #[error("unfinished messages would hold more than {limit} bytes in memory")]
    PendingTooLarge {
        /// Where the bytes came from.
        subject: Subject,
        /// The limit that was reached.
        limit: u64,
    },
    /// The system refused a pipe capacity (`--capacity`).
    #[error(
        "cannot set the pipe capacity to {requested} bytes: {}{}",
        errno.desc(),
        limit.map(|limit| format!(" (the limit without CAP_SYS_RESOURCE is {limit} bytes, /proc/sys/fs/pipe-max-size)")).unwrap_or_default()
    )]
    CapacityRefused {
        /// The pipe.
        subject: Subject,
        /// The capacity asked for.
        requested: usize,
        /// Why it was refused.
        errno: Errno,
        /// The unprivileged maximum, when that is why.
        limit: Option<usize>,
    },
    /// An existing path another user may have planted (`--create`).
    #[error("refusing {reason}")]
    Unsafe {
        /// The path.
        subject: Subject,
        /// What was found, and where.
        reason: String,
    },
    /// The path no longer names the FIFO this process made or opened: it was
    /// swapped for another file (a symlink, another FIFO) in between.
    #[error(
        "refusing it: it was replaced after fifo {} it",
        if *made { "made" } else { "opened" }
    )]
    Replaced {
        /// The path.
        subject: Subject,
        /// True when this process had created the FIFO (`--create`).
        made: bool,
    },
    /// The path already exists and is not a FIFO (`mk --exist-ok`).
    #[error("already exists and is not a fifo (it is a {found})")]
    ExistsNotFifo {
        /// The path.
        subject: Subject,
        /// What it is.
        found: FileKind,
    },
}

fn peer_verb(peer: Peer) -> &'static str {
    match peer {
        Peer::Reader => "reading",
        Peer::Writer => "writing",
    }
}

impl Error {
    /// A failed system call on `subject`.
    #[must_use]
    pub fn sys(subject: Subject, action: Action, errno: Errno) -> Self {
        Self::Sys {
            subject,
            action,
            errno,
        }
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
            | Self::ExistsNotFifo { subject, .. } => subject,
        }
    }

    /// The `errno` behind the error, when a system call failed.
    #[must_use]
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Self::Sys { errno, .. } | Self::CapacityRefused { errno, .. } => Some(*errno),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_message_uses_the_plain_errno_description() {
        let err = Error::sys(Subject::path("x"), Action::Open, Errno::ENOENT);
        assert_eq!(err.to_string(), "cannot open: No such file or directory");
    }

    #[test]
    fn no_peer_message_says_nobody_is_reading() {
        let err = Error::NoPeer {
            subject: Subject::path("x"),
            peer: Peer::Reader,
        };
        assert_eq!(
            err.to_string(),
            "no reader (nobody has it open for reading)"
        );
    }

    #[test]
    fn reader_left_counts_what_its_pipe_took_not_what_it_read() {
        let err = Error::ReaderLeft {
            subject: Subject::path("x"),
            delivered: 42,
        };
        assert_eq!(
            err.to_string(),
            "reader went away; 42 bytes were written into its pipe"
        );
    }

    #[test]
    fn timeout_message_uses_human_durations() {
        let err = Error::TimedOut {
            subject: Subject::path("x"),
            peer: Peer::Writer,
            waited: Duration::from_millis(1500),
        };
        assert_eq!(
            err.to_string(),
            "timed out after 1s 500ms waiting for a writer"
        );
    }
}
