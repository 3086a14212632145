//! `fifo stat -c FMT` and `--printf FMT`: the parser, the renderer, and the
//! one table of directives that also writes the `-c` help, so adding a
//! directive touches only [`DIRECTIVES`].
//!
//! Every letter means what it means in GNU `stat` (times in the local time
//! zone, names as raw bytes); the live pipe state has names in braces that
//! cannot collide with GNU's letters, e.g. `%{readers}`.
//!
//! It depends on nothing else in the command, so the command-line
//! definition (which parses `-c` with it) and `fifo stat` (which renders
//! with it) both use it without importing each other.

use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use fifo_core::inspect::{Count, Status};

pub mod values;

use values::{epoch, human_time, mount_point, quoted_name, type_name};

/// What a directive is rendered from.
pub struct Subject<'a> {
    /// The name as given on the command line.
    pub path: &'a Path,
    /// What was found there.
    pub status: &'a Status,
}

/// One `%` directive: its name (a letter, or `{word}`), what it shows, how
/// it is rendered, and whether it needs the /proc scan.
struct Directive {
    name: &'static str,
    help: &'static str,
    render: fn(&Subject<'_>) -> Vec<u8>,
    live: bool,
}

/// A directive that shows what `stat(2)` gives.
const fn gnu(
    name: &'static str,
    help: &'static str,
    render: fn(&Subject<'_>) -> Vec<u8>,
) -> Directive {
    Directive {
        name,
        help,
        render,
        live: false,
    }
}

/// A directive that shows live pipe state, found by scanning /proc.
const fn pipe(
    name: &'static str,
    help: &'static str,
    render: fn(&Subject<'_>) -> Vec<u8>,
) -> Directive {
    Directive {
        live: true,
        ..gnu(name, help, render)
    }
}

/// Every directive. Letters as GNU `stat` defines them.
const DIRECTIVES: &[Directive] = &[
    gnu("a", "permission bits in octal (600)", |s| {
        text(format!("{:o}", s.status.mode))
    }),
    gnu("A", "permissions as ls shows them (prw-------)", |s| {
        text(s.status.permissions())
    }),
    gnu("b", "number of blocks allocated (see %B)", |s| {
        text(s.status.blocks)
    }),
    gnu(
        "B",
        "the size in bytes of each block reported by %b",
        |_| text(512),
    ),
    gnu("d", "device number in decimal", |s| text(s.status.device)),
    gnu("D", "device number in hex", |s| {
        text(format!("{:x}", s.status.device))
    }),
    gnu("f", "raw mode in hex", |s| {
        text(format!("{:x}", s.status.raw_mode))
    }),
    gnu("F", "file type (fifo, regular file, directory, ...)", |s| {
        text(type_name(s.status))
    }),
    gnu("g", "group ID of owner", |s| text(s.status.gid)),
    gnu("G", "group name of owner", |s| {
        text(name(s.status.group.as_ref()))
    }),
    gnu("h", "number of hard links", |s| text(s.status.links)),
    gnu("i", "inode number", |s| text(s.status.inode)),
    gnu("m", "mount point", |s| mount_point(s.path, s.status.kind)),
    gnu("n", "file name, exactly as given", |s| {
        s.path.as_os_str().as_bytes().to_vec()
    }),
    gnu(
        "N",
        "quoted file name, with the target if a symbolic link",
        |s| quoted_name(s.path, s.status.kind),
    ),
    gnu("o", "optimal I/O transfer size hint", |s| {
        text(s.status.io_block)
    }),
    gnu("r", "device type in decimal (st_rdev)", |s| {
        text(s.status.rdev)
    }),
    gnu("R", "device type in hex (st_rdev)", |s| {
        text(format!("{:x}", s.status.rdev))
    }),
    gnu("s", "total size, in bytes", |s| text(s.status.size)),
    gnu(
        "t",
        "major device type in hex, for device special files",
        |s| text(format!("{:x}", s.status.rdev_major)),
    ),
    gnu(
        "T",
        "minor device type in hex, for device special files",
        |s| text(format!("{:x}", s.status.rdev_minor)),
    ),
    gnu("u", "user ID of owner", |s| text(s.status.uid)),
    gnu("U", "user name of owner", |s| {
        text(name(s.status.user.as_ref()))
    }),
    gnu(
        "w",
        "time of file birth, human-readable; - if unknown",
        |s| text(s.status.born.map_or_else(|| "-".to_owned(), human_time)),
    ),
    gnu(
        "W",
        "time of file birth, seconds since Epoch; 0 if unknown",
        |s| text(s.status.born.map_or(0, epoch)),
    ),
    gnu("x", "time of last access, human-readable", |s| {
        text(human_time(s.status.accessed))
    }),
    gnu("X", "time of last access, seconds since Epoch", |s| {
        text(epoch(s.status.accessed))
    }),
    gnu("y", "time of last data modification, human-readable", |s| {
        text(human_time(s.status.modified))
    }),
    gnu(
        "Y",
        "time of last data modification, seconds since Epoch",
        |s| text(epoch(s.status.modified)),
    ),
    gnu("z", "time of last status change, human-readable", |s| {
        text(human_time(s.status.changed))
    }),
    gnu(
        "Z",
        "time of last status change, seconds since Epoch",
        |s| text(epoch(s.status.changed)),
    ),
    pipe(
        "{readers}",
        "readers: open files for reading (a descriptor several processes share counts once), or blocked opening to read",
        |s| count(s.status.pipe.readers()),
    ),
    pipe(
        "{writers}",
        "writers: open files for writing (a descriptor several processes share counts once), or blocked opening to write",
        |s| count(s.status.pipe.writers()),
    ),
    pipe("{opening}", "threads blocked in open(2) on the FIFO", |s| {
        count(s.status.pipe.opening())
    }),
    pipe("{buffered}", "bytes waiting in the pipe", |s| {
        known(s.status.pipe.buffered)
    }),
    pipe("{capacity}", "the pipe's capacity in bytes", |s| {
        known(s.status.pipe.capacity)
    }),
    pipe(
        "{holders}",
        "holders as PID:FD:ACCESS:STATE, space-separated (FD - while opening)",
        holders,
    ),
    pipe(
        "{uninspected}",
        "processes this user may not inspect",
        |s| known(s.status.pipe.holders.as_ref().map(|h| h.uninspected)),
    ),
];

/// The `-c` help text, made from [`DIRECTIVES`].
pub fn help() -> String {
    let mut out = String::from(
        "Print FMT, plus a newline, for each PATH. Directives mean what they mean in GNU stat \
         (times in the local time zone); the pipe's live state has names in braces:\n",
    );
    for directive in DIRECTIVES {
        let _ = writeln!(out, "  %{:<13} {}", directive.name, directive.help);
    }
    out.push_str(
        "  %%             a literal %\n\
         Pipe state prints ? when it cannot be seen at all, and N+ (at least N) when some \
         processes could not be inspected. An unknown directive is a usage error.",
    );
    out
}

/// A parsed `-c`/`--printf` format.
#[derive(Debug, Clone)]
pub struct Format {
    pieces: Vec<Piece>,
    /// `-c` ends each output with a newline; `--printf` does not.
    newline: bool,
}

#[derive(Debug, Clone)]
enum Piece {
    Text(Vec<u8>),
    Field(usize),
}

impl Format {
    /// Parses a `-c` format: no backslash escapes, a newline after each.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_with(text, false)
    }

    /// Parses a `--printf` format: backslash escapes, no newline added.
    pub fn parse_printf(text: &str) -> Result<Self, String> {
        Self::parse_with(text, true)
    }

    fn parse_with(text: &str, escapes: bool) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut literal = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\\' if escapes => at = unescape(bytes, at + 1, &mut literal)?,
                b'%' => {
                    let rest = &text[at + 1..];
                    if rest.starts_with('%') {
                        literal.push(b'%');
                        at += 2;
                        continue;
                    }
                    let name = directive_name(rest)?;
                    let index = DIRECTIVES
                        .iter()
                        .position(|d| d.name == name)
                        .ok_or_else(|| format!("unknown directive '%{name}'"))?;
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Field(index));
                    at += 1 + name.len();
                }
                byte => {
                    literal.push(byte);
                    at += 1;
                }
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Self {
            pieces,
            newline: !escapes,
        })
    }

    /// Whether any directive shows live pipe state (needs the /proc scan).
    pub fn shows_live_state(&self) -> bool {
        self.pieces
            .iter()
            .any(|piece| matches!(piece, Piece::Field(index) if DIRECTIVES[*index].live))
    }

    /// The bytes to print for one PATH.
    pub fn render(&self, subject: &Subject<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.extend_from_slice(text),
                Piece::Field(index) => out.extend((DIRECTIVES[*index].render)(subject)),
            }
        }
        if self.newline {
            out.push(b'\n');
        }
        out
    }
}

/// The directive name at the start of `rest` (the text after a `%`).
fn directive_name(rest: &str) -> Result<&str, String> {
    if rest.starts_with('{') {
        let end = rest
            .find('}')
            .ok_or_else(|| format!("unterminated directive '%{rest}'"))?;
        return Ok(&rest[..=end]);
    }
    match rest.chars().next() {
        Some(ch) => Ok(&rest[..ch.len_utf8()]),
        None => Err("format ends with a lone '%'".to_owned()),
    }
}

/// Decodes the escape after a backslash at `bytes[at..]` as GNU stat's
/// `--printf` does; returns where the format goes on.
fn unescape(bytes: &[u8], at: usize, out: &mut Vec<u8>) -> Result<usize, String> {
    let digits = |from: usize, radix: u32, max: usize| {
        let mut value = 0u32;
        let mut end = from;
        while end < bytes.len() && end - from < max && char::from(bytes[end]).is_digit(radix) {
            value = value * radix + char::from(bytes[end]).to_digit(radix).unwrap_or(0);
            end += 1;
        }
        (value, end)
    };
    let Some(&escape) = bytes.get(at) else {
        return Err("format ends with a lone '\\'".to_owned());
    };
    let simple = match escape {
        b'a' => Some(7),
        b'b' => Some(8),
        b'e' => Some(0x1b),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'\\' | b'"' => Some(escape),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return Ok(at + 1);
    }
    if (b'0'..=b'7').contains(&escape) {
        let (value, end) = digits(at, 8, 3);
        out.push(value as u8);
        return Ok(end);
    }
    if escape == b'x' && bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit) {
        let (value, end) = digits(at + 1, 16, 2);
        out.push(value as u8);
        return Ok(end);
    }
    Err(format!("unknown escape '\\{}'", char::from(escape)))
}

// By value: every caller passes a temporary.
#[allow(clippy::needless_pass_by_value)]
fn text(value: impl ToString) -> Vec<u8> {
    value.to_string().into_bytes()
}

fn name(value: Option<&String>) -> String {
    value.cloned().unwrap_or_else(|| "UNKNOWN".to_owned())
}

fn known(value: Option<u64>) -> Vec<u8> {
    text(value.map_or_else(|| "?".to_owned(), |v| v.to_string()))
}

/// `N`, `N+` when some processes could not be inspected (a lower bound),
/// `?` when nothing can be seen.
fn count(value: Option<Count>) -> Vec<u8> {
    text(match value {
        None => "?".to_owned(),
        Some(Count { seen, exact: true }) => seen.to_string(),
        Some(Count { seen, exact: false }) => format!("{seen}+"),
    })
}

fn holders(subject: &Subject<'_>) -> Vec<u8> {
    let Some(holders) = &subject.status.pipe.holders else {
        return text("?");
    };
    let list: Vec<String> = holders
        .seen
        .iter()
        .map(|h| {
            let fd = h.fd.map_or_else(|| "-".to_owned(), |fd| fd.to_string());
            format!("{}:{fd}:{}:{}", h.pid, h.direction, h.state)
        })
        .collect();
    text(list.join(" "))
}

#[cfg(test)]
mod tests;
