//! `fifo stat`: report what a path is, in the human layout of stat(1), as a
//! `--format` string, or as JSON. It only looks, never opens: a waiting peer
//! is never released and no data is consumed.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use fifo_core::error::Escaped;
use fifo_core::inspect::live::{State, wait_for};
use fifo_core::inspect::{Count, Status, inspect};
use fifo_core::{FileKind, Subject};

use crate::cli::StatArgs;
use crate::exit_code::ExitCode;
use crate::report;
use crate::stat_format::{self as format, values};
use plan::{Plan, Show};

mod json;
mod plan;

const APPLET: &str = crate::cli::applets::STAT.name;

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
    let _ = writeln!(out, "  File: {}", file_line(path, status.kind));
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
    // Devices as GNU stat 9 shows them: major,minor.
    let device_type = if matches!(status.kind, FileKind::CharDevice | FileKind::BlockDevice) {
        format!(
            "   Device type: {},{}",
            status.rdev_major, status.rdev_minor
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "Device: {},{}   Inode: {}   Links: {}   Size: {}{device_type}",
        status.device_major, status.device_minor, status.inode, status.links, status.size
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
            None => out.push_str("Holder: not available on this system (no /proc)\n"),
            Some(holders) => {
                for (index, holder) in holders.seen.iter().enumerate() {
                    let _ = match (holder.state, holder.fd) {
                        (State::Open, Some(fd)) => writeln!(
                            out,
                            "Holder: pid {} ({}) fd {fd} {} (open{})",
                            holder.pid,
                            Escaped(holder.command.as_bytes()),
                            holder.direction,
                            shared_with(&holders.seen[..index], holder)
                        ),
                        _ => writeln!(
                            out,
                            "Holder: pid {} ({}) {} (opening: blocked in open)",
                            holder.pid,
                            Escaped(holder.command.as_bytes()),
                            holder.direction
                        ),
                    };
                }
                if holders.uninspected > 0 {
                    let processes = if holders.uninspected == 1 {
                        "process"
                    } else {
                        "processes"
                    };
                    let _ = writeln!(
                        out,
                        "Holder: unknown in {} {processes} this user may not inspect (counts are lower bounds)",
                        holders.uninspected
                    );
                }
                if holders.unlisted {
                    out.push_str("Holder: unknown in processes this system does not list to this user (counts are lower bounds)\n");
                }
                if holders.openings_unseen {
                    out.push_str("Holder: processes blocked in open(2) are not shown on this system (readers and writers count completed opens only)\n");
                }
            }
        }
    }
    out
}

/// The name as GNU stat's report shows it, `ln -> target` for a symbolic
/// link; quoted as in messages when it holds a control character or is not
/// UTF-8, so that it cannot break the layout or the terminal.
fn file_line(path: &Path, kind: FileKind) -> String {
    let shown = |name: &Path| match name.to_str() {
        Some(text) if !text.chars().any(char::is_control) => text.to_owned(),
        _ => report::quote(name),
    };
    match values::symlink_target(path, kind) {
        Some(target) => format!("{} -> {}", shown(path), shown(&target)),
        None => shown(path),
    }
}

/// `, same open file as pid P fd N` when an earlier holder of `before`
/// shares `holder`'s open file description (an inherited or dup'ed
/// descriptor: one reader or writer, however many hold it).
fn shared_with(
    before: &[fifo_core::inspect::live::Holder],
    holder: &fifo_core::inspect::live::Holder,
) -> String {
    before
        .iter()
        .find(|other| other.description.is_some() && other.description == holder.description)
        .and_then(|other| {
            let fd = other.fd?;
            Some(format!(", same open file as pid {} fd {fd}", other.pid))
        })
        .unwrap_or_default()
}

/// Runs `fifo stat`: every PATH is reported; a missing one makes status 1.
/// With `--wait-reader`/`--wait-writer`, each PATH is first waited for.
pub fn run(args: &StatArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut status = ExitCode::Success;
    for (index, path) in plan.paths.iter().enumerate() {
        let waited = plan
            .waits
            .iter()
            .try_for_each(|&peer| wait_for(path, peer, plan.timeout));
        if let Err(err) = waited {
            status = status.merge(report::failure(APPLET, &err));
            continue;
        }
        if matches!(plan.show, Show::Nothing) {
            continue;
        }
        let report = match inspect(path, plan.inspect) {
            Ok(found) => found,
            Err(err) => {
                status = status.merge(report::failure(APPLET, &err));
                continue;
            }
        };
        let text = match &plan.show {
            Show::Format(format) => format.render(&format::Subject {
                path,
                status: &report,
            }),
            Show::Json => json::render(path, &report).into_bytes(),
            Show::Human if index > 0 => format!("\n{}", human(path, &report)).into_bytes(),
            Show::Human | Show::Nothing => human(path, &report).into_bytes(),
        };
        if let Err(err) = out.write_all(&text) {
            return status.merge(write_failed(err));
        }
    }
    match out.flush() {
        Ok(()) => status,
        Err(err) => status.merge(write_failed(err)),
    }
}

fn write_failed(err: io::Error) -> ExitCode {
    let err = fifo_core::Error::sys(Subject::Stdout, fifo_core::Action::Write, err);
    report::failure(APPLET, &err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO's status with no live state looked at: the tests set it.
    fn fifo_status() -> Status {
        let mut status = inspect(
            Path::new("/"),
            fifo_core::inspect::Options::default().live(false),
        )
        .unwrap();
        status.kind = FileKind::Fifo;
        status
    }

    #[test]
    fn human_output_marks_lower_bounds_and_opening_holders() {
        let mut status = fifo_status();
        status.pipe.holders = Some(fifo_core::inspect::live::Holders {
            seen: vec![fifo_core::inspect::live::Holder {
                pid: 42,
                command: "cat".to_owned(),
                fd: None,
                thread: Some(42),
                direction: fifo_core::open::Direction::Read,
                state: State::Opening,
                description: None,
            }],
            uninspected: 3,
            ..Default::default()
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
        assert!(text.contains("unknown in 3 processes this user"), "{text}");
        if let Some(holders) = status.pipe.holders.as_mut() {
            holders.uninspected = 1;
        }
        let text = human(Path::new("j"), &status);
        assert!(text.contains("unknown in 1 process this user"), "{text}");
    }

    #[test]
    fn human_output_says_what_the_system_does_not_show() {
        let mut status = fifo_status();
        status.pipe.holders = Some(fifo_core::inspect::live::Holders {
            openings_unseen: true,
            unlisted: true,
            ..Default::default()
        });
        let text = human(Path::new("j"), &status);
        assert!(
            text.contains("Pipe: readers \u{2265}0   writers \u{2265}0   opening ?"),
            "{text}"
        );
        assert!(
            text.contains("Holder: processes blocked in open(2) are not shown on this system"),
            "{text}"
        );
        assert!(
            text.contains("Holder: unknown in processes this system does not list"),
            "{text}"
        );
    }
}
