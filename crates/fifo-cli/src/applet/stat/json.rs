//! `fifo stat --json`: one JSON object per PATH, one per line (JSON Lines),
//! in the versioned schema that docs/json.md documents and
//! docs/stat.schema.json describes; keep all three in sync.
//!
//! Numbers are numbers, the name is exact for any bytes, times carry their
//! offset and their epoch seconds, and every `null` that means "unknown" has
//! its reason in the object's `unknown` map.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::SystemTime;

use fifo_core::FileKind;
use fifo_core::inspect::live::State;
use fifo_core::inspect::{PipeState, Status};
use serde_json::{Map, Value, json};

use crate::text::base64;

/// The schema's version: raised when a field changes meaning or goes away
/// (new fields may appear without it).
pub const SCHEMA_VERSION: u64 = 2;

/// The line for one PATH, newline included.
pub fn render(path: &Path, status: &Status) -> String {
    let mut unknown = Map::new();
    let mut why = |field: &str, value: &Value, reason: &str| {
        if value.is_null() {
            unknown.insert(field.to_owned(), Value::from(reason));
        }
    };
    let bytes = path.as_os_str().as_bytes();
    let exact = std::str::from_utf8(bytes).is_ok();
    let user = json!(status.user);
    why("user", &user, "no such user in the user database");
    let group = json!(status.group);
    why("group", &group, "no such group in the group database");
    let born = status.born.map_or(Value::Null, time);
    why(
        "born",
        &born,
        "the system or file system does not record birth times",
    );
    let pipe = if status.kind == FileKind::Fifo {
        pipe_state(&status.pipe, &mut why)
    } else {
        Value::Null
    };
    let value = json!({
        "schema_version": SCHEMA_VERSION,
        "path": path.to_string_lossy(),
        "path_base64": (!exact).then(|| base64(bytes)),
        "type": status.kind.to_string(),
        "type_letter": status.kind.letter().to_string(),
        "mode": status.mode,
        "mode_octal": format!("{:04o}", status.mode),
        "permissions": status.permissions(),
        "uid": status.uid,
        "user": user,
        "gid": status.gid,
        "group": group,
        "device": status.device,
        "inode": status.inode,
        "links": status.links,
        "size": status.size,
        "blocks": status.blocks,
        "accessed": time(status.accessed),
        "modified": time(status.modified),
        "changed": time(status.changed),
        "born": born,
        "pipe": pipe,
        "unknown": unknown,
    });
    format!("{value}\n")
}

/// The live state of a FIFO; each `null` gets its reason through `why`.
fn pipe_state(pipe: &PipeState, why: &mut impl FnMut(&str, &Value, &str)) -> Value {
    const NO_PROC: &str = "not available on this system (no /proc)";
    const OPENINGS_UNSEEN: &str =
        "not available on this system: it shows no process blocked in open(2)";
    let count = |value: Option<fifo_core::inspect::Count>| json!(value.map(|c| c.seen));
    let holders = pipe.holders.as_ref();
    let readers = count(pipe.readers());
    let writers = count(pipe.writers());
    let opening = count(pipe.opening());
    let uninspected = json!(holders.map(|h| h.uninspected));
    let list = json!(holders.map(|h| {
        h.seen
            .iter()
            .map(|h| {
                json!({
                    "pid": h.pid,
                    "command": h.command,
                    "fd": h.fd,
                    "thread": h.thread,
                    "access": h.direction.to_string(),
                    "state": h.state.to_string(),
                    "description": h.description,
                })
            })
            .collect::<Vec<_>>()
    }));
    if holders.is_some_and(|h| h.openings_unseen) {
        why("pipe.opening", &opening, OPENINGS_UNSEEN);
    }
    for (field, value) in [
        ("pipe.readers", &readers),
        ("pipe.writers", &writers),
        ("pipe.opening", &opening),
        ("pipe.uninspected_processes", &uninspected),
        ("pipe.holders", &list),
    ] {
        why(field, value, NO_PROC);
    }
    let contents_reason = match holders {
        None => NO_PROC,
        Some(h) if h.seen.is_empty() && h.complete() => {
            "nobody holds the FIFO open, so it has no pipe"
        }
        Some(h) if h.seen.is_empty() => "no holder seen, and some processes could not be inspected",
        Some(h) if h.seen.iter().all(|h| h.state == State::Opening) => {
            "its holders are still opening it: no descriptor to look through"
        }
        Some(_) if !fifo_core::inspect::live::contents_shown() => {
            "not available on this system (it does not show what a pipe holds)"
        }
        Some(_) => "no holder's descriptor could be borrowed (needs ptrace permission)",
    };
    let buffered = json!(pipe.buffered);
    let capacity = json!(pipe.capacity);
    why("pipe.buffered", &buffered, contents_reason);
    why("pipe.capacity", &capacity, contents_reason);
    json!({
        "readers": readers,
        "writers": writers,
        "opening": opening,
        "counts_exact": holders.map(fifo_core::inspect::live::Holders::exact),
        "uninspected_processes": uninspected,
        "buffered": buffered,
        "capacity": capacity,
        "holders": list,
    })
}

/// A time as RFC 3339 in the local zone, with the epoch seconds and the
/// nanoseconds after them.
fn time(time: SystemTime) -> Value {
    let (epoch, nanos) = fifo_core::inspect::epoch_time(time).unwrap_or((0, 0));
    let rfc3339 = crate::stat_format::values::local_time_text(time, 'T', "", ":");
    json!({"rfc3339": rfc3339, "epoch": epoch, "nanoseconds": nanos})
}
