//! The one table of `-c` directives: each letter as GNU stat defines it,
//! typed as GNU hands it to printf(3) (so that flags, width and precision
//! act as they do there), plus the live pipe state in braces. The `-c`
//! help is made from it, so adding a directive touches only [`DIRECTIVES`].

use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;

use fifo_core::inspect::Count;

use super::Subject;
use super::printf::Value;
use super::values::{epoch_parts, human_time, mount_point, quoted_name, type_name};

/// One `%` directive: its name (a letter, or `{word}`), what it shows, how
/// it is rendered, and whether it needs the /proc scan.
pub(super) struct Directive {
    pub(super) name: &'static str,
    help: &'static str,
    pub(super) render: fn(&Subject<'_>) -> Value,
    pub(super) live: bool,
}

/// A directive that shows what `stat(2)` gives.
const fn gnu(
    name: &'static str,
    help: &'static str,
    render: fn(&Subject<'_>) -> Value,
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
    render: fn(&Subject<'_>) -> Value,
) -> Directive {
    Directive {
        live: true,
        ..gnu(name, help, render)
    }
}

/// Every directive. Letters as GNU `stat` defines them.
pub(super) const DIRECTIVES: &[Directive] = &[
    gnu("a", "permission bits in octal (600)", |s| {
        Value::Octal(u64::from(s.status.mode & 0o7777))
    }),
    gnu("A", "permissions as ls shows them (prw-------)", |s| {
        text(s.status.permissions())
    }),
    gnu("b", "number of blocks allocated (see %B)", |s| {
        Value::Unsigned(s.status.blocks)
    }),
    gnu(
        "B",
        "the size in bytes of each block reported by %b",
        |_| Value::Unsigned(512),
    ),
    gnu("d", "device number in decimal (st_dev)", |s| {
        Value::Unsigned(s.status.device)
    }),
    gnu("Hd", "major device number in decimal", |s| {
        Value::Unsigned(s.status.device_major)
    }),
    gnu("Ld", "minor device number in decimal", |s| {
        Value::Unsigned(s.status.device_minor)
    }),
    gnu("D", "device number in hex", |s| Value::Hex(s.status.device)),
    gnu("f", "raw mode in hex", |s| {
        Value::Hex(u64::from(s.status.raw_mode))
    }),
    gnu("F", "file type (fifo, regular file, directory, ...)", |s| {
        text(type_name(s.status))
    }),
    gnu("g", "group ID of owner", |s| {
        Value::Unsigned(u64::from(s.status.gid))
    }),
    gnu("G", "group name of owner", |s| {
        text(name(s.status.group.as_ref()))
    }),
    gnu("h", "number of hard links", |s| {
        Value::Unsigned(s.status.links)
    }),
    gnu("i", "inode number", |s| Value::Unsigned(s.status.inode)),
    gnu("m", "mount point", |s| {
        Value::Text(mount_point(s.path, s.status.kind))
    }),
    gnu("n", "file name, exactly as given", |s| {
        Value::Text(s.path.as_os_str().as_bytes().to_vec())
    }),
    gnu(
        "N",
        "quoted file name, with the target if a symbolic link",
        |s| quoted_name(s.path, s.status.kind),
    ),
    gnu("o", "optimal I/O transfer size hint", |s| {
        Value::Unsigned(s.status.io_block)
    }),
    gnu("r", "device type in decimal (st_rdev)", |s| {
        Value::Unsigned(s.status.rdev)
    }),
    gnu(
        "Hr",
        "major device type in decimal, for device special files",
        |s| Value::Unsigned(s.status.rdev_major),
    ),
    gnu(
        "Lr",
        "minor device type in decimal, for device special files",
        |s| Value::Unsigned(s.status.rdev_minor),
    ),
    gnu("R", "device type in hex (st_rdev)", |s| {
        Value::Hex(s.status.rdev)
    }),
    gnu("s", "total size, in bytes", |s| {
        Value::Signed(i64::try_from(s.status.size).unwrap_or(i64::MAX))
    }),
    gnu(
        "t",
        "major device type in hex, for device special files",
        |s| Value::Hex(s.status.rdev_major),
    ),
    gnu(
        "T",
        "minor device type in hex, for device special files",
        |s| Value::Hex(s.status.rdev_minor),
    ),
    gnu("u", "user ID of owner", |s| {
        Value::Unsigned(u64::from(s.status.uid))
    }),
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
        |s| {
            let (secs, nanos) = s.status.born.map_or((0, 0), epoch_parts);
            Value::Epoch(secs, nanos)
        },
    ),
    gnu("x", "time of last access, human-readable", |s| {
        text(human_time(s.status.accessed))
    }),
    gnu(
        "X",
        "time of last access, seconds since Epoch (%.9X: with nanoseconds)",
        |s| epoch(s.status.accessed),
    ),
    gnu("y", "time of last data modification, human-readable", |s| {
        text(human_time(s.status.modified))
    }),
    gnu(
        "Y",
        "time of last data modification, seconds since Epoch",
        |s| epoch(s.status.modified),
    ),
    gnu("z", "time of last status change, human-readable", |s| {
        text(human_time(s.status.changed))
    }),
    gnu(
        "Z",
        "time of last status change, seconds since Epoch",
        |s| epoch(s.status.changed),
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
         (times in the local time zone), and take printf's flags, width and precision as \
         there (%-8n, %05a, %#a, %.9Y); the pipe's live state has names in braces:\n",
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

// By value: every caller passes a temporary.
#[allow(clippy::needless_pass_by_value)]
fn text(value: impl ToString) -> Value {
    Value::Text(value.to_string().into_bytes())
}

fn epoch(time: std::time::SystemTime) -> Value {
    let (secs, nanos) = epoch_parts(time);
    Value::Epoch(secs, nanos)
}

fn name(value: Option<&String>) -> String {
    value.cloned().unwrap_or_else(|| "UNKNOWN".to_owned())
}

fn known(value: Option<u64>) -> Value {
    text(value.map_or_else(|| "?".to_owned(), |v| v.to_string()))
}

/// `N`, `N+` when some processes could not be inspected (a lower bound),
/// `?` when nothing can be seen.
fn count(value: Option<Count>) -> Value {
    text(match value {
        None => "?".to_owned(),
        Some(Count { seen, exact: true }) => seen.to_string(),
        Some(Count { seen, exact: false }) => format!("{seen}+"),
    })
}

fn holders(subject: &Subject<'_>) -> Value {
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
