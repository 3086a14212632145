//! How `fifo stat` shows values as GNU `stat` does: local times, names
//! quoted for a shell, mount points, type names.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use fifo_core::FileKind;
use fifo_core::inspect::Status;

use super::printf::Value;

/// GNU's `%F`: an empty regular file has a name of its own.
pub fn type_name(status: &Status) -> String {
    if status.kind == FileKind::Regular && status.size == 0 {
        "regular empty file".to_owned()
    } else {
        status.kind.to_string()
    }
}

/// Seconds since the epoch, negative before it, and nanoseconds (GNU's
/// `%X` and `%.9X`).
pub fn epoch_parts(time: SystemTime) -> (i64, u32) {
    fifo_core::inspect::epoch_time(time).unwrap_or((0, 0))
}

/// `2026-11-23 19:49:53.123456789 -0500`: GNU stat's layout, in the local
/// time zone.
pub fn human_time(time: SystemTime) -> String {
    local_time_text(time, ' ', " ", "").unwrap_or_else(|| "?".to_owned())
}

/// `time` in the local zone as date, `between`, time with nanoseconds,
/// `zone`, and the offset with `separator` between hours and minutes: GNU
/// stat's layout with `' '`, `" "` and `""`; RFC 3339's with `'T'`, `""` and
/// `":"`.
pub fn local_time_text(
    time: SystemTime,
    between: char,
    zone: &str,
    separator: &str,
) -> Option<String> {
    fifo_core::inspect::local_time(time).map(|t| {
        format!(
            "{:04}-{:02}-{:02}{between}{:02}:{:02}:{:02}.{:09}{zone}{}",
            t.year,
            t.month,
            t.day,
            t.hour,
            t.minute,
            t.second,
            t.nanosecond,
            offset(t.offset, separator)
        )
    })
}

/// `-0500` (or `-05:00` with a `:` separator).
fn offset(seconds: i64, separator: &str) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}{separator}{:02}", minutes / 60, minutes % 60)
}

/// GNU's `%N`: the name quoted for a shell, then ` -> 'target'` for a
/// symbolic link.
pub fn quoted_name(path: &Path, kind: FileKind) -> Value {
    let name = shell_quote(path.as_os_str().as_bytes());
    match symlink_target(path, kind) {
        Some(target) => Value::Link(name, shell_quote(target.as_os_str().as_bytes())),
        None => Value::Text(name),
    }
}

/// Where a symbolic link points, if `kind` says it is one and it can be read.
pub fn symlink_target(path: &Path, kind: FileKind) -> Option<PathBuf> {
    (kind == FileKind::Symlink)
        .then(|| std::fs::read_link(path).ok())
        .flatten()
}

/// Quotes like GNU's `shell-escape-always` style: `'name'`, `"it's"`, and
/// `'bad'$'\377''name'` for bytes that are not printable.
fn shell_quote(name: &[u8]) -> Vec<u8> {
    let printable = |b: &u8| (0x20..0x7f).contains(b);
    if name.iter().all(printable) {
        if !name.contains(&b'\'') {
            return [b"'", name, b"'"].concat();
        }
        if !name.iter().any(|b| b"\"$`\\!".contains(b)) {
            return [b"\"", name, b"\""].concat();
        }
    }
    let mut out = b"'".to_vec();
    for &byte in name {
        match byte {
            b'\'' => out.extend_from_slice(b"'\\''"),
            b if printable(&b) => out.push(b),
            b'\n' => out.extend_from_slice(b"'$'\\n''"),
            b'\t' => out.extend_from_slice(b"'$'\\t''"),
            b => out.extend(format!("'$'\\{b:03o}''").into_bytes()),
        }
    }
    out.push(b'\'');
    out
}

/// GNU's `%m`: the directory (the file's own, when it is one) walked up
/// while the device stays the same.
pub fn mount_point(path: &Path, kind: FileKind) -> Vec<u8> {
    let start = if kind == FileKind::Directory {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let Ok(mut here) = std::fs::canonicalize(&start) else {
        return b"?".to_vec();
    };
    let Ok(device) = std::fs::metadata(&here).map(|m| m.dev()) else {
        return b"?".to_vec();
    };
    while let Some(parent) = here.parent() {
        match std::fs::metadata(parent) {
            Ok(meta) if meta.dev() == device => here = parent.to_path_buf(),
            _ => break,
        }
    }
    here.as_os_str().as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_as_gnu_quotes_them() {
        assert_eq!(shell_quote(b"name"), b"'name'");
        assert_eq!(shell_quote(b"it's"), b"\"it's\"");
        assert_eq!(shell_quote(b"a$b"), b"'a$b'");
        assert_eq!(shell_quote(b"bad\xffname"), b"'bad'$'\\377''name'");
    }

    #[test]
    fn offsets_print_as_gnu_and_rfc_3339_print_them() {
        assert_eq!(offset(-5 * 3600, ""), "-0500");
        assert_eq!(offset(5 * 3600 + 1800, ":"), "+05:30");
        assert_eq!(offset(0, ""), "+0000");
    }
}
