//! How an error reads: the words after the subject, the one conversion of
//! an [`io::Error`] to words, and a whole chain of causes on one line.

use std::fmt;
use std::io;
use std::time::Duration;

use nix::errno::Errno;

use super::{Error, Peer};

/// What happened, without the subject: see [`Error::reason`].
#[derive(Debug, Clone, Copy)]
pub struct Reason<'a>(pub(super) &'a Error);

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)?;
        match self.0 {
            Error::Sys { source, .. } => write!(f, ": {}", describe(source)),
            _ => Ok(()),
        }
    }
}

impl Reason<'_> {
    /// The words, without the system's error that is the error's
    /// [`source`](std::error::Error::source) (the `Display` of [`Error`]).
    pub(super) fn write(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let since = |waited: &Duration| Span(*waited);
        match self.0 {
            Error::Sys { action, .. } => write!(f, "{action}"),
            Error::NotAFifo { found, .. } => write!(f, "not a fifo (it is a {found})"),
            Error::NoPeer { peer, .. } => {
                write!(f, "no {peer} (nobody has it open for {})", peer_verb(*peer))
            }
            Error::TimedOut { peer, waited, .. } => {
                write!(f, "timed out after {} waiting for a {peer}", since(waited))
            }
            Error::PeerHidden { peer, waited, .. } => write!(
                f,
                "cannot tell: no {peer} seen in {}, but processes of other users that may hold it cannot be inspected",
                since(waited)
            ),
            Error::WaitTimedOut {
                condition, waited, ..
            } => write!(
                f,
                "timed out after {} waiting until {condition}",
                since(waited)
            ),
            Error::NotHeld { .. } => f.write_str("no holder of this user to release holds it"),
            Error::StillRunning { pid, waited, .. } => write!(
                f,
                "process {pid} holding it has not ended after {}",
                since(waited)
            ),
            Error::ReaderLeft { delivered, .. } => write!(
                f,
                "reader went away; {delivered} bytes were written into its pipe"
            ),
            Error::RecordTooLong {
                record,
                len,
                complete,
                limit,
                ..
            } => write!(
                f,
                "record {record} is {len} bytes{}, longer than PIPE_BUF ({limit}); it was not sent",
                if *complete { "" } else { " or more" }
            ),
            Error::ChunkTorn { len, written, .. } => write!(
                f,
                "only {written} bytes of a {len}-byte chunk were written; the destination is not a pipe"
            ),
            Error::NotFramed {
                offset, problem, ..
            } => write!(f, "not a framed stream at byte {offset}: {problem}"),
            Error::PendingTooLarge { limit, .. } => write!(
                f,
                "unfinished messages would hold more than {limit} bytes in memory"
            ),
            Error::CapacityRefused {
                requested,
                source,
                limit,
                ..
            } => capacity_refused(f, *requested, source, *limit),
            Error::Unsafe { reason, .. } => write!(f, "refusing {reason}"),
            Error::Replaced { made, .. } => write!(
                f,
                "refusing it: it was replaced after fifo {} it",
                if *made { "made" } else { "opened" }
            ),
            Error::ExistsNotFifo { found, .. } => {
                write!(f, "already exists and is not a fifo (it is a {found})")
            }
            Error::BadName { action, .. } => write!(
                f,
                "{action}: not a file name (empty, '.', '..' or holding '/')"
            ),
            Error::NoProcessTable { action, .. } => write!(
                f,
                "{action}: not available on this system (it does not show which processes hold a file)"
            ),
            Error::NotShown {
                action, missing, ..
            } => write!(
                f,
                "{action}: not available on this system (it does not show {})",
                match missing {
                    crate::error::Unshown::PipeContents => "what a pipe holds",
                    crate::error::Unshown::ProcessDetails =>
                        "a process's command line or the signals it ignores",
                }
            ),
            Error::ContentsHidden { held: true, .. } => f.write_str(
                "cannot wait: the processes that hold it do not let this user look into the pipe",
            ),
            Error::ContentsHidden { held: false, .. } => f.write_str(
                "cannot tell: no holder seen, but processes of other users that may hold it cannot be inspected",
            ),
        }
    }
}

/// Why a pipe's capacity could not be set, with the limit where one applies.
fn capacity_refused(
    f: &mut fmt::Formatter<'_>,
    requested: usize,
    source: &io::Error,
    limit: Option<usize>,
) -> fmt::Result {
    if source.raw_os_error() == Some(nix::libc::ENOSYS) {
        return write!(
            f,
            "cannot set the pipe capacity to {requested} bytes: this system has no such control"
        );
    }
    write!(
        f,
        "cannot set the pipe capacity to {requested} bytes: {}",
        describe(source)
    )?;
    match limit {
        Some(limit) => write!(
            f,
            " (the limit without CAP_SYS_RESOURCE is {limit} bytes, /proc/sys/fs/pipe-max-size)"
        ),
        None => Ok(()),
    }
}

/// An error and every error behind it on one line, `': '` between them, as
/// a front end prints it (anyhow's `{:#}` reads the same): each error's own
/// words, and for an [`io::Error`] its plain description ([`describe`]).
///
/// ```
/// use fifo_core::{Action, Error, Subject};
/// use fifo_core::error::Chain;
///
/// let err = Error::sys(Subject::path("/tmp/jobs"), Action::Open, std::io::Error::from_raw_os_error(2));
/// assert_eq!(err.to_string(), "'/tmp/jobs': cannot open");
/// assert_eq!(Chain(&err).to_string(), "'/tmp/jobs': cannot open: No such file or directory");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut next = Some(self.0);
        let mut separator = "";
        while let Some(err) = next {
            match err.downcast_ref::<io::Error>() {
                Some(io) => write!(f, "{separator}{}", describe(io))?,
                None => write!(f, "{separator}{err}")?,
            }
            separator = ": ";
            next = err.source();
        }
        Ok(())
    }
}

/// How an I/O error reads in a message: the system's plain description of
/// its `errno` (`No such file or directory`, never Rust's `(os error 2)`
/// suffix), or the error's own text when it carries no `errno`.
///
/// This is the one conversion from [`io::Error`] to words; a front end that
/// reports its own I/O errors uses it too, so every message reads alike.
///
/// ```
/// let err = std::io::Error::from_raw_os_error(13);
/// assert_eq!(fifo_core::error::describe(&err), "Permission denied");
/// ```
#[must_use]
pub fn describe(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(raw) => Errno::from_raw(raw).desc().to_owned(),
        None => err.to_string(),
    }
}

fn peer_verb(peer: Peer) -> &'static str {
    match peer {
        Peer::Reader => "reading",
        Peer::Writer => "writing",
    }
}

/// A duration as the messages word it: seconds with the fraction they need
/// (`1.5s`, `2s`), milliseconds below a second (`200ms`), the way the
/// duration options read them back.
///
/// ```
/// use std::time::Duration;
/// use fifo_core::error::Span;
///
/// assert_eq!(Span(Duration::from_millis(1500)).to_string(), "1.5s");
/// assert_eq!(Span(Duration::from_millis(200)).to_string(), "200ms");
/// assert_eq!(Span(Duration::from_secs(90)).to_string(), "90s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Span(span) = *self;
        if span.is_zero() {
            return f.write_str("0s");
        }
        if span < Duration::from_secs(1) && span.subsec_nanos() % 1_000_000 == 0 {
            return write!(f, "{}ms", span.subsec_millis());
        }
        let fraction = format!("{:09}", span.subsec_nanos());
        let fraction = fraction.trim_end_matches('0');
        let dot = if fraction.is_empty() { "" } else { "." };
        write!(f, "{}{dot}{fraction}s", span.as_secs())
    }
}
