//! `fifo stat`: report what a path is, in the human layout of stat(1), as a
//! `--format` string, or as JSON. It only looks, never opens: a waiting peer
//! is never released and no data is consumed.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::SystemTime;

use fifo_core::inspect::{Status, inspect};
use fifo_core::live::wait_for;
use fifo_core::{FileKind, Peer, Subject};

use crate::cli::StatArgs;
use crate::exit_code::{FAILURE, STDOUT_CLOSED, SUCCESS};
use crate::report;

const APPLET: &str = "stat";
/// The escapes `--format` knows; keep in sync with the `--format` help.
const ESCAPES: &str = "nFAaUGugsidhxyzrwbC%";

/// A parsed `--format` string.
#[derive(Debug, Clone)]
pub struct Format(Vec<Piece>);

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Field(char),
}

impl Format {
    /// Parses FMT, refusing unknown `%` escapes so typos are caught at once.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars();
        while let Some(ch) = chars.next() {
            if ch != '%' {
                literal.push(ch);
                continue;
            }
            match chars.next() {
                Some('%') => literal.push('%'),
                Some(field) if ESCAPES.contains(field) => {
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Field(field));
                }
                Some(other) => return Err(format!("unknown format escape '%{other}'")),
                None => return Err("format ends with a lone '%'".to_owned()),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Self(pieces))
    }

    /// Whether any escape shows live pipe state (`%r %w %b %C`).
    fn shows_live_state(&self) -> bool {
        self.0
            .iter()
            .any(|piece| matches!(piece, Piece::Field('r' | 'w' | 'b' | 'C')))
    }

    fn render(&self, path: &Path, status: &Status) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Field(field) => out.push_str(&field_value(*field, path, status)),
            }
        }
        out
    }
}

fn field_value(field: char, path: &Path, status: &Status) -> String {
    let known = |value: Option<u64>| value.map_or_else(|| "?".to_owned(), |v| v.to_string());
    match field {
        'n' => path.display().to_string(),
        'F' => status.kind.to_string(),
        'A' => status.permissions(),
        'a' => format!("{:o}", status.mode),
        'U' => status.user.clone().unwrap_or_else(|| "UNKNOWN".to_owned()),
        'G' => status.group.clone().unwrap_or_else(|| "UNKNOWN".to_owned()),
        'u' => status.uid.to_string(),
        'g' => status.gid.to_string(),
        's' => status.size.to_string(),
        'i' => status.inode.to_string(),
        'd' => status.device.to_string(),
        'h' => status.links.to_string(),
        'x' => timestamp(status.accessed),
        'y' => timestamp(status.modified),
        'z' => timestamp(status.changed),
        'r' => known(status.pipe.readers),
        'w' => known(status.pipe.writers),
        'b' => known(status.pipe.buffered),
        'C' => known(status.pipe.capacity),
        _ => "%".to_owned(),
    }
}

/// `2026-11-23 00:49:53.123456789 +0000`: stat(1)'s layout, always in UTC.
fn timestamp(time: SystemTime) -> String {
    let rfc3339 = humantime::format_rfc3339_nanos(time).to_string();
    format!(
        "{} +0000",
        rfc3339.replacen('T', " ", 1).trim_end_matches('Z')
    )
}

fn human(path: &Path, status: &Status) -> String {
    let unknown = |value: Option<u64>| value.map_or_else(|| "?".to_owned(), |v| v.to_string());
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
    let _ = writeln!(out, "Access: {}", timestamp(status.accessed));
    let _ = writeln!(out, "Modify: {}", timestamp(status.modified));
    let _ = writeln!(out, "Change: {}", timestamp(status.changed));
    if status.kind == FileKind::Fifo {
        let pipe = &status.pipe;
        let _ = writeln!(
            out,
            "  Pipe: readers {}   writers {}   buffered {}   capacity {}",
            unknown(pipe.readers),
            unknown(pipe.writers),
            unknown(pipe.buffered),
            unknown(pipe.capacity)
        );
        match &pipe.holders {
            None => out.push_str("Holder: unknown (no /proc here)\n"),
            Some(holders) => {
                for holder in &holders.seen {
                    let _ = writeln!(
                        out,
                        "Holder: pid {} ({}) fd {} {}",
                        holder.pid, holder.command, holder.fd, holder.direction
                    );
                }
                if holders.uninspected > 0 {
                    let _ = writeln!(
                        out,
                        "Holder: unknown in {} processes this user may not inspect",
                        holders.uninspected
                    );
                }
            }
        }
    }
    out
}

fn json(path: &Path, status: &Status) -> String {
    let value = serde_json::json!({
        "path": path.to_string_lossy(),
        "type": status.kind.to_string(),
        "type_letter": status.kind.letter().to_string(),
        "permissions": status.permissions(),
        "mode": format!("{:04o}", status.mode),
        "uid": status.uid,
        "user": status.user,
        "gid": status.gid,
        "group": status.group,
        "inode": status.inode,
        "device": status.device,
        "links": status.links,
        "size": status.size,
        "accessed": timestamp(status.accessed),
        "modified": timestamp(status.modified),
        "changed": timestamp(status.changed),
        "readers": status.pipe.readers,
        "writers": status.pipe.writers,
        "buffered": status.pipe.buffered,
        "capacity": status.pipe.capacity,
        "holders": status.pipe.holders.as_ref().map(|holders| {
            holders
                .seen
                .iter()
                .map(|h| serde_json::json!({"pid": h.pid, "command": h.command, "fd": h.fd, "access": h.direction.to_string()}))
                .collect::<Vec<_>>()
        }),
        "uninspected_processes": status.pipe.holders.as_ref().map(|holders| holders.uninspected),
    });
    format!("{value}\n")
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
        if waiting && args.format.is_none() && !args.json {
            continue;
        }
        // The /proc scan costs a few system calls per process: skip it when
        // the output cannot show its results.
        let live = args.format.as_ref().is_none_or(Format::shows_live_state);
        let report = match inspect(path, args.dereference, live) {
            Ok(found) => found,
            Err(err) => {
                status = status.max(report::failure(APPLET, &err));
                continue;
            }
        };
        let text = match (&args.format, args.json) {
            (Some(format), _) => format!("{}\n", format.render(path, &report)),
            (None, true) => json(path, &report),
            (None, false) if index > 0 => format!("\n{}", human(path, &report)),
            (None, false) => human(path, &report),
        };
        if let Err(err) = out.write_all(text.as_bytes()) {
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
    fn format_refuses_unknown_escapes() {
        assert_eq!(
            Format::parse("%n %Q").unwrap_err(),
            "unknown format escape '%Q'"
        );
        assert!(Format::parse("100%").is_err());
        assert!(Format::parse("%A %a %% %r").is_ok());
    }

    #[test]
    fn timestamps_use_stats_layout() {
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::new(86_400, 5);
        assert_eq!(timestamp(time), "1970-01-02 00:00:00.000000005 +0000");
    }

    proptest::proptest! {
        #[test]
        fn no_format_makes_stat_panic(text in "(%?[nFAaUGugsidhxyzrwbC%Q ]|\\PC){0,30}") {
            if let Ok(format) = Format::parse(&text) {
                let status = fifo_core::inspect::inspect(Path::new("/"), false, false).unwrap();
                let _ = format.render(Path::new("/"), &status);
            }
        }
    }
}
