//! The JSON OUTPUT section of fifo-stat(1): the essentials of the `--json`
//! schema, so that an installed `fifo` documents its own output (the full
//! schema is docs/json.md in the source). Keep in sync with docs/json.md.

use clap_mangen::roff::{Roff, bold, roman};

/// The rules, then each field with its type and meaning.
const RULES: &str = "One JSON object per PATH, one per line (JSON Lines), flushed as each PATH \
     is done; a PATH that cannot be looked at prints no line. Every object carries \
     schema_version (1 here): it goes up when a field changes meaning or disappears; new \
     fields may come within a version, so ignore the ones you do not know. A value that \
     cannot be known is null, and the unknown map says why, keyed by the field's path \
     (\"born\", \"pipe.capacity\"); a null not in unknown means \"does not apply\". A time \
     is {\"rfc3339\", \"epoch\", \"nanoseconds\"}: local RFC 3339 with nanoseconds and \
     offset, and whole seconds since the epoch plus the nanoseconds after them.";

const FIELDS: &[(&str, &str)] = &[
    ("schema_version", "integer, 1"),
    (
        "path, path_base64",
        "the PATH as given (invalid UTF-8 as U+FFFD); its exact bytes in base64 when path is not exact, else null",
    ),
    (
        "type, type_letter",
        "as GNU stat %F names it (fifo, regular file, directory, ...); the ls -l letter (p, -, d, ...)",
    ),
    (
        "mode, mode_octal, permissions",
        "st_mode & 07777 as a number, as four octal digits (\"0600\"), as ls -l shows it",
    ),
    (
        "uid, gid, user, group",
        "owner and group ids; their names, or null",
    ),
    (
        "device, inode, links, size, blocks",
        "st_dev, inode number, hard links, bytes (0 for a FIFO), 512-byte blocks",
    ),
    (
        "accessed, modified, changed, born",
        "times; born is null where it is not recorded",
    ),
    (
        "pipe",
        "a FIFO's live state, seen in /proc (macOS, FreeBSD: the process table) without opening it; null for other types",
    ),
    (
        "pipe.readers, pipe.writers, pipe.opening",
        "holders open for reading (writing), counting threads blocked in open(2); threads blocked in open(2)",
    ),
    (
        "pipe.counts_exact, pipe.uninspected_processes",
        "false when some processes could not be inspected, or the system does not show blocked opens (macOS, FreeBSD): the counts are then lower bounds",
    ),
    (
        "pipe.buffered, pipe.capacity",
        "bytes waiting, the pipe's capacity; null when no open holder could be borrowed from (always, once held, on macOS and FreeBSD)",
    ),
    (
        "pipe.holders",
        "each holder: pid, command, fd (null while opening), thread, access (read, write, read-write), state (open, opening)",
    ),
    ("unknown", "field path -> why that field is null"),
];

/// Adds the section to `roff`.
pub fn section(roff: &mut Roff) {
    roff.control("SH", ["JSON OUTPUT"]).text([roman(RULES)]);
    for (field, meaning) in FIELDS {
        roff.control("TP", [])
            .text([bold(*field)])
            .text([roman(*meaning)]);
    }
}
