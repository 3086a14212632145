//! `--joblog FILE`: a line per job, in the columns of GNU parallel's
//! joblog, so that what reads one reads the other: the request's number,
//! the host (`:`, this one), when it started (seconds since the epoch),
//! how long it ran (seconds), the request's bytes, its stdout's bytes, its
//! exit status, the signal that killed it, and the request where parallel
//! has the command, escaped to stay on one line.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use fifo_core::serve::Status;
use fifo_core::{Action, Error, Subject};

use super::plan::Joblog;

/// The most bytes of a request shown in its line; more are cut, and `...`
/// follows. Keep in sync with docs/serve.md.
pub const SHOWN: usize = 1024;

const HEADER: &str = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n";

/// Opens the joblog: appended to (the header only when it is empty), as
/// `+FILE` asks in parallel, or emptied and started with the header.
/// Returns the path (for messages) and the file.
///
/// # Errors
/// FILE cannot be opened safely (see [`fifo_core::open::log_file`]) or written.
pub fn open(joblog: &Joblog) -> Result<(PathBuf, File), Error> {
    let path = &joblog.path;
    let (mut file, empty) = fifo_core::open::log_file::open_log(path, joblog.append)?;
    if empty {
        file.write_all(HEADER.as_bytes())
            .map_err(|err| Error::sys(Subject::path(path), Action::Write, err))?;
    }
    Ok((path.clone(), file))
}

/// What a job's line says.
#[derive(Debug)]
pub struct Entry<'a> {
    pub number: u64,
    /// When its last try started, and how long it ran.
    pub started: SystemTime,
    pub runtime: Duration,
    /// The request's size, and its first bytes (up to [`SHOWN`] + 1).
    pub sent: u64,
    pub request: &'a [u8],
    /// Its stdout's size.
    pub received: u64,
    pub status: Status,
}

impl Entry<'_> {
    /// The line, newline included.
    pub fn line(&self) -> String {
        let since = self
            .started
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let (exitval, signal) = match self.status {
            Status::Exited(code) => (code, 0),
            Status::Signaled(signal) => (0, signal),
        };
        // parallel truncates the runtime to milliseconds.
        let runtime =
            Duration::from_millis(u64::try_from(self.runtime.as_millis()).unwrap_or(u64::MAX));
        format!(
            "{}\t:\t{}.{:03}\t{:>10}\t{}\t{}\t{exitval}\t{signal}\t{}\n",
            self.number,
            since.as_secs(),
            since.subsec_millis(),
            format!("{}.{:03}", runtime.as_secs(), runtime.subsec_millis()),
            self.sent,
            self.received,
            escape(self.request),
        )
    }
}

/// A request as one field: one newline at its end left off, cut after
/// [`SHOWN`] bytes (then `...`), and `\`, tab, newline, carriage return,
/// other control bytes and bytes that are not UTF-8 written as `\\`, `\t`,
/// `\n`, `\r` and `\xHH`.
fn escape(request: &[u8]) -> String {
    let cut = request.len() > SHOWN;
    let mut shown = &request[..request.len().min(SHOWN)];
    if !cut {
        shown = shown.strip_suffix(b"\n").unwrap_or(shown);
    }
    let mut out = String::with_capacity(shown.len());
    for chunk in shown.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    c.encode_utf8(&mut buf)
                        .bytes()
                        .for_each(|b| hex(&mut out, b));
                }
                c => out.push(c),
            }
        }
        chunk.invalid().iter().for_each(|b| hex(&mut out, *b));
    }
    if cut {
        out.push_str("...");
    }
    out
}

/// Writes `byte` as `\xHH`.
fn hex(out: &mut String, byte: u8) {
    let _ = write!(out, "\\x{byte:02x}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_parallels_columns() {
        let entry = Entry {
            number: 7,
            started: SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            runtime: Duration::from_micros(2_345_678),
            sent: 9,
            request: b"a\tb\\c\xff\n",
            received: 3,
            status: Status::Signaled(15),
        };
        assert_eq!(
            entry.line(),
            "7\t:\t1700000000.123\t     2.345\t9\t3\t0\t15\ta\\tb\\\\c\\xff\n"
        );
    }

    #[test]
    fn a_long_request_is_cut() {
        let long = vec![b'x'; SHOWN + 1];
        let shown = escape(&long);
        assert_eq!(shown.len(), SHOWN + 3);
        assert!(shown.ends_with("x..."));
        assert_eq!(escape(b"\x01\n\n"), "\\x01\\n");
    }
}
