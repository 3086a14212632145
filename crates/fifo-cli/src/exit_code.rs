//! Exit statuses, and the one mapping from errors to them.
//! Keep in sync with the exit status table in README.md.

use fifo_core::{Error, Subject};
use nix::errno::Errno;

/// Done.
pub const SUCCESS: u8 = 0;
/// An operation failed: missing, not a FIFO, permission, I/O, reader left.
pub const FAILURE: u8 = 1;
/// Bad usage (clap's own status).
pub const USAGE: u8 = 2;
/// `--no-wait`: nobody on the other end.
pub const NO_PEER: u8 = 3;
/// A `--timeout` expired (as coreutils `timeout`).
pub const TIMED_OUT: u8 = 124;
/// Standard output was closed by its reader (128 + SIGPIPE).
pub const STDOUT_CLOSED: u8 = 141;

/// Every status and what it means, for `--help`, the man pages and README.md.
pub const TABLE: &[(&str, &str)] = &[
    ("0", "done"),
    (
        "1",
        "an operation failed (missing, not a FIFO, permission, I/O, reader left)",
    ),
    ("2", "bad usage"),
    ("3", "--no-wait: nobody on the other end"),
    ("124", "a --timeout expired"),
    ("126, 127", "redirect: CMD not executable, not found"),
    (
        "129, 130, 143",
        "ended by SIGHUP, SIGINT, SIGTERM, after cleaning up (--rm)",
    ),
    ("141", "stdout was closed by its reader"),
    ("other", "redirect, call pass CMD's status through"),
];

/// The exit status that `err` means.
pub fn code(err: &Error) -> u8 {
    match err {
        Error::NoPeer { .. } => NO_PEER,
        Error::TimedOut { .. } | Error::WaitTimedOut { .. } | Error::StillRunning { .. } => {
            TIMED_OUT
        }
        Error::Sys {
            subject: Subject::Stdout,
            errno: Errno::EPIPE,
            ..
        } => STDOUT_CLOSED,
        _ => FAILURE,
    }
}

/// Whether `err` ends the command without a message: a reader that closed
/// our standard output is not news to anyone (coreutils stays quiet too).
pub fn is_quiet(err: &Error) -> bool {
    code(err) == STDOUT_CLOSED
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use fifo_core::{Action, FileKind, Peer};

    use super::*;

    fn path() -> Subject {
        Subject::path("/tmp/x")
    }

    #[test]
    fn every_error_maps_to_the_specs_status() {
        let cases = [
            (Error::sys(path(), Action::Open, Errno::ENOENT), FAILURE),
            (Error::sys(path(), Action::Open, Errno::EACCES), FAILURE),
            (
                Error::NotAFifo {
                    subject: path(),
                    found: FileKind::Regular,
                },
                FAILURE,
            ),
            (
                Error::ReaderLeft {
                    subject: path(),
                    delivered: 3,
                },
                FAILURE,
            ),
            (
                Error::NoPeer {
                    subject: path(),
                    peer: Peer::Reader,
                },
                NO_PEER,
            ),
            (
                Error::TimedOut {
                    subject: path(),
                    peer: Peer::Writer,
                    waited: Duration::from_secs(1),
                },
                TIMED_OUT,
            ),
            (
                Error::sys(Subject::Stdout, Action::Write, Errno::EPIPE),
                STDOUT_CLOSED,
            ),
            (
                Error::sys(Subject::Stdout, Action::Write, Errno::ENOSPC),
                FAILURE,
            ),
            (Error::sys(path(), Action::Write, Errno::EPIPE), FAILURE),
        ];
        for (err, status) in cases {
            assert_eq!(code(&err), status, "{err:?}");
        }
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
