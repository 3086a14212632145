//! `fifo stat`: report what a path is, in the human layout of stat(1), as a
//! `--format` string, or as JSON. It only looks, never opens: a waiting peer
//! is never released and no data is consumed.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use fifo_core::inspect::{Count, Status, inspect};
use fifo_core::live::{State, wait_for};
use fifo_core::{FileKind, Peer, Subject};

use crate::cli::StatArgs;
use crate::exit_code::{FAILURE, STDOUT_CLOSED, SUCCESS};
use crate::report;

mod format;
mod json;
/// Also for `cat --frame --json`, which shows binary messages the same way.
pub(crate) use json::base64;
mod values;

pub use format::Format;

/// The `-c` help: every directive, from the one table.
pub fn format_help() -> String {
    format::help()
}

const APPLET: &str = "stat";

fn human(path: &Path, status: &Status) -> String {
    let unknown = |value: Option<u64>| value.map_or_else(|| "?".to_owned(), |v| v.to_string());
    // A lower bound reads "at least": some processes could not be inspected.
    let count = |value: Option<Count>| match value {
        None => "?".to_owned(),
        Some(Count { seen, exact: true }) => seen.to_string(),
        Some(Count { seen, exact: false }) => format!("\u{2265}{seen}"),
    };
    let name = |value: &Option<String>| value.clone().unwrap_or_else(|| "UNKNOWN".to_owned());
    let mut out = String::new();
    let _ = writeln!(out, "  File: {}", report::quote(path));
    let _ = writeln!(out, "  Type: {} ({})", status.kind, status.kind.letter());
    let _ = writeln!(
        out,
        "Access: ({:04o}/{})  Uid: ({:>5}/{:>8})   Gid: ({:>5}/{:>8})",
        status.mode,
        status.permissions(),
        status.uid,
        name(&status.user),
        status.gid,
        name(&status.group),
    );
    let _ = writeln!(
        out,
        "Device: {}   Inode: {}   Links: {}   Size: {}",
        status.device, status.inode, status.links, status.size
    );
    let _ = writeln!(out, "Access: {}", values::human_time(status.accessed));
    let _ = writeln!(out, "Modify: {}", values::human_time(status.modified));
    let _ = writeln!(out, "Change: {}", values::human_time(status.changed));
    let born = status
        .born
        .map_or_else(|| "-".to_owned(), values::human_time);
    let _ = writeln!(out, " Birth: {born}");
    if status.kind == FileKind::Fifo {
        let pipe = &status.pipe;
        let _ = writeln!(
            out,
            "  Pipe: readers {}   writers {}   opening {}   buffered {}   capacity {}",
            count(pipe.readers()),
            count(pipe.writers()),
            count(pipe.opening()),
            unknown(pipe.buffered),
            unknown(pipe.capacity)
        );
        match &pipe.holders {
            None => out.push_str("Holder: unknown (no /proc here)\n"),
            Some(holders) => {
                for holder in &holders.seen {
                    let _ = match (holder.state, holder.fd) {
                        (State::Open, Some(fd)) => writeln!(
                            out,
                            "Holder: pid {} ({}) fd {fd} {} (open)",
                            holder.pid, holder.command, holder.direction
                        ),
                        _ => writeln!(
                            out,
                            "Holder: pid {} ({}) {} (opening: blocked in open)",
                            holder.pid, holder.command, holder.direction
                        ),
                    };
                }
                if holders.uninspected > 0 {
                    let _ = writeln!(
                        out,
                        "Holder: unknown in {} processes this user may not inspect (counts are lower bounds)",
                        holders.uninspected
                    );
                }
            }
        }
    }
    out
}

/// Runs `fifo stat`: every PATH is reported; a missing one makes status 1.
/// With `--wait-reader`/`--wait-writer`, each PATH is first waited for.
pub fn run(args: &StatArgs) -> u8 {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut status = SUCCESS;
    let waiting = args.wait_reader || args.wait_writer;
    for (index, path) in args.paths.iter().enumerate() {
        let peers = [
            (args.wait_reader, Peer::Reader),
            (args.wait_writer, Peer::Writer),
        ];
        let waited = peers
            .into_iter()
            .filter(|(wanted, _)| *wanted)
            .try_for_each(|(_, peer)| wait_for(path, peer, args.timeout));
        if let Err(err) = waited {
            status = status.max(report::failure(APPLET, &err));
            continue;
        }
        let format = args.format.as_ref().or(args.printf.as_ref());
        if waiting && format.is_none() && !args.json {
            continue;
        }
        // The /proc scan costs a few system calls per process: skip it when
        // the output cannot show its results.
        let live = format.is_none_or(Format::shows_live_state);
        let report = match inspect(path, args.dereference, live) {
            Ok(found) => found,
            Err(err) => {
                status = status.max(report::failure(APPLET, &err));
                continue;
            }
        };
        let text = match (format, args.json) {
            (Some(format), _) => format.render(&format::Subject {
                path,
                status: &report,
            }),
            (None, true) => json::render(path, &report).into_bytes(),
            (None, false) if index > 0 => format!("\n{}", human(path, &report)).into_bytes(),
            (None, false) => human(path, &report).into_bytes(),
        };
        if let Err(err) = out.write_all(&text) {
            return write_failed(&err);
        }
    }
    match out.flush() {
        Ok(()) => status,
        Err(err) => write_failed(&err),
    }
}

fn write_failed(err: &io::Error) -> u8 {
    if err.kind() == io::ErrorKind::BrokenPipe {
        return STDOUT_CLOSED;
    }
    let errno = nix::errno::Errno::from_raw(err.raw_os_error().unwrap_or(nix::libc::EIO));
    let err = fifo_core::Error::sys(Subject::Stdout, fifo_core::Action::Write, errno);
    report::failure(APPLET, &err).max(FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_output_marks_lower_bounds_and_opening_holders() {
        let mut status = inspect(Path::new("/"), false, false).unwrap();
        status.kind = FileKind::Fifo;
        status.pipe.holders = Some(fifo_core::live::Holders {
            seen: vec![fifo_core::live::Holder {
                pid: 42,
                command: "cat".to_owned(),
                fd: None,
                thread: Some(42),
                direction: fifo_core::open::Direction::Read,
                state: State::Opening,
            }],
            uninspected: 3,
        });
        let text = human(Path::new("j"), &status);
        assert!(
            text.contains("Pipe: readers \u{2265}1   writers \u{2265}0   opening \u{2265}1"),
            "{text}"
        );
        assert!(
            text.contains("Holder: pid 42 (cat) read (opening: blocked in open)"),
            "{text}"
        );
    }
}
