//! Exit statuses: every status the command ends with, the one mapping from
//! errors to statuses, and the one rule for combining several outcomes.
//! Keep in sync with the exit status table in README.md.
//!
//! A command that meets several outcomes (one per PATH, a cleanup after the
//! work) ends with their [`ExitCode::merge`]: a signal outranks a timeout, a
//! timeout outranks any other failure, any failure outranks success, and of
//! two outcomes of the same rank the first one stands. So `fifo cat a b`
//! reports the first PATH that failed, and a `--timeout` that expired is
//! never hidden behind an earlier plain failure.

use fifo_core::{Error, Subject};
use nix::errno::Errno;

/// How a command ends. Applets return it; nothing else picks numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExitCode {
    /// Done (0).
    #[default]
    Success,
    /// An operation failed: missing, not a FIFO, permission, I/O, reader
    /// left (1).
    Failure,
    /// Bad usage, clap's own status (2).
    Usage,
    /// Waiting was not allowed and nobody was on the other end (3).
    NoPeer,
    /// A `--timeout` expired, as coreutils `timeout` says it (124).
    TimedOut,
    /// `redirect`: CMD was found but could not be run, as a shell says it
    /// (126).
    NotExecutable,
    /// `redirect`: CMD was not found, as a shell says it (127).
    NotFound,
    /// Standard output was closed by its reader: 128 + SIGPIPE, as for a
    /// tool that SIGPIPE killed (141).
    StdoutClosed,
    /// Ended by the signal with this number, after cleaning up; the status
    /// a shell gives a process it killed (128 + the number).
    Signalled(u8),
    /// The status of another `fifo` process, passed on as it is.
    Passed(u8),
}

impl ExitCode {
    /// The status number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failure => 1,
            Self::Usage => 2,
            Self::NoPeer => 3,
            Self::TimedOut => 124,
            Self::NotExecutable => 126,
            Self::NotFound => 127,
            Self::StdoutClosed => 141,
            Self::Signalled(signal) => 128u8.saturating_add(signal),
            Self::Passed(code) => code,
        }
    }

    /// Whether this is success.
    pub fn is_success(self) -> bool {
        self.code() == 0
    }

    /// The outcome of doing both: see the module documentation for the rule.
    #[must_use]
    pub fn merge(self, later: Self) -> Self {
        if later.rank() > self.rank() {
            later
        } else {
            self
        }
    }

    fn rank(self) -> u8 {
        match self {
            Self::Signalled(_) => 3,
            Self::TimedOut => 2,
            _ if self.is_success() => 0,
            _ => 1,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        Self::from(code.code())
    }
}

/// Every status and what it means, for `--help`, the man pages and README.md.
pub const TABLE: &[(&str, &str)] = &[
    ("0", "done"),
    (
        "1",
        "an operation failed (missing, not a FIFO, permission, I/O, reader left)",
    ),
    ("2", "bad usage"),
    ("3", "--no-wait: nobody on the other end"),
    ("124", "a --timeout (bridge: --retry) expired"),
    ("126, 127", "redirect: CMD not executable, not found"),
    (
        "129, 130, 143",
        "ended by SIGHUP, SIGINT, SIGTERM, after cleaning up (--rm)",
    ),
    ("141", "stdout was closed by its reader"),
    ("other", "redirect, call pass CMD's status through"),
    (
        "several",
        "a signal outranks a timeout, a timeout any other failure; else the first stands",
    ),
];

/// The exit status that `err` means.
pub fn code(err: &Error) -> ExitCode {
    match err {
        Error::NoPeer { .. } => ExitCode::NoPeer,
        Error::TimedOut { .. } | Error::WaitTimedOut { .. } | Error::StillRunning { .. } => {
            ExitCode::TimedOut
        }
        Error::Sys {
            subject: Subject::Stdout,
            source,
            ..
        } if source.raw_os_error() == Some(Errno::EPIPE as i32) => ExitCode::StdoutClosed,
        _ => ExitCode::Failure,
    }
}

/// Whether `err` ends the command without a message: a reader that closed
/// our standard output is not news to anyone (coreutils stays quiet too).
pub fn is_quiet(err: &Error) -> bool {
    code(err) == ExitCode::StdoutClosed
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use fifo_core::{Action, FileKind, Peer};

    use super::ExitCode::{
        Failure, NoPeer, NotExecutable, NotFound, Passed, Signalled, StdoutClosed, Success,
        TimedOut, Usage,
    };
    use super::*;

    fn path() -> Subject {
        Subject::path("/tmp/x")
    }

    #[test]
    fn every_error_maps_to_its_status() {
        let cases = [
            (Error::sys(path(), Action::Open, Errno::ENOENT), Failure),
            (Error::sys(path(), Action::Open, Errno::EACCES), Failure),
            (
                Error::NotAFifo {
                    subject: path(),
                    found: FileKind::Regular,
                },
                Failure,
            ),
            (
                Error::ReaderLeft {
                    subject: path(),
                    delivered: 3,
                },
                Failure,
            ),
            (
                Error::NoPeer {
                    subject: path(),
                    peer: Peer::Reader,
                },
                NoPeer,
            ),
            (
                Error::TimedOut {
                    subject: path(),
                    peer: Peer::Writer,
                    waited: Duration::from_secs(1),
                },
                TimedOut,
            ),
            (
                Error::sys(Subject::Stdout, Action::Write, Errno::EPIPE),
                StdoutClosed,
            ),
            (
                Error::sys(Subject::Stdout, Action::Write, Errno::ENOSPC),
                Failure,
            ),
            (Error::sys(path(), Action::Write, Errno::EPIPE), Failure),
        ];
        for (err, status) in cases {
            assert_eq!(code(&err), status, "{err:?}");
        }
    }

    #[test]
    fn every_status_has_its_number() {
        let numbers = [
            (Success, 0),
            (Failure, 1),
            (Usage, 2),
            (NoPeer, 3),
            (TimedOut, 124),
            (NotExecutable, 126),
            (NotFound, 127),
            (StdoutClosed, 141),
            (Signalled(2), 130),
            (Signalled(15), 143),
            (Passed(7), 7),
        ];
        for (status, number) in numbers {
            assert_eq!(status.code(), number, "{status:?}");
        }
    }

    #[test]
    fn the_first_failure_stands_among_equals() {
        assert_eq!(Success.merge(Failure), Failure);
        assert_eq!(Failure.merge(Success), Failure);
        assert_eq!(Failure.merge(NoPeer), Failure);
        assert_eq!(NoPeer.merge(Failure), NoPeer);
        assert_eq!(Failure.merge(StdoutClosed), Failure);
        assert_eq!(StdoutClosed.merge(Failure), StdoutClosed);
        assert_eq!(Passed(5).merge(Failure), Passed(5));
        assert_eq!(Passed(0).merge(Failure), Failure);
    }

    #[test]
    fn a_timeout_outranks_other_failures_and_a_signal_outranks_all() {
        assert_eq!(Failure.merge(TimedOut), TimedOut);
        assert_eq!(TimedOut.merge(Failure), TimedOut);
        assert_eq!(StdoutClosed.merge(TimedOut), TimedOut);
        assert_eq!(TimedOut.merge(Signalled(2)), Signalled(2));
        assert_eq!(Signalled(1).merge(TimedOut), Signalled(1));
        assert_eq!(Signalled(1).merge(Signalled(15)), Signalled(1));
    }

    #[test]
    fn only_a_closed_stdout_is_quiet() {
        assert!(is_quiet(&Error::sys(
            Subject::Stdout,
            Action::Write,
            Errno::EPIPE
        )));
        assert!(!is_quiet(&Error::sys(
            Subject::Stdin,
            Action::Read,
            Errno::EIO
        )));
    }
}
