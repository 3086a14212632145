//! Finding a command's program in `PATH` as bash does, so that a command
//! fifo runs (`redirect`, `serve`) fails where a shell would, with the
//! shell's words and status.
//!
//! `execvp` answers "Permission denied" (126) for a name found nowhere when
//! `PATH` holds a directory this user cannot search (an ordinary user with
//! root's tool directory in `PATH`). bash looks at each candidate instead:
//! one it cannot see is not there, a directory is skipped, the first
//! executable file wins; a file that exists but cannot be executed is run
//! (to fail with "Permission denied") only if no executable one follows;
//! nothing at all is "command not found" (127).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::fcntl::{AT_FDCWD, AtFlags};
use nix::unistd::{AccessFlags, faccessat};

/// Where `execvp` looks when `PATH` is not set (glibc's default).
const DEFAULT_PATH: &str = "/bin:/usr/bin";

/// The file to exec for `name`: `name` itself when it holds a `/`, else the
/// first executable file of that name in `PATH`, else the first such file
/// that exists; `None` when there is none ("command not found").
pub fn find(name: &OsStr) -> Option<PathBuf> {
    if name.as_bytes().contains(&b'/') {
        return Some(PathBuf::from(name));
    }
    if name.is_empty() {
        return None;
    }
    let search = std::env::var_os("PATH").unwrap_or_else(|| OsString::from(DEFAULT_PATH));
    let mut unrunnable = None;
    for dir in std::env::split_paths(&search) {
        // An empty entry is the current directory.
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let candidate = dir.join(name);
        match std::fs::metadata(&candidate) {
            Ok(meta) if !meta.is_dir() => {
                if faccessat(AT_FDCWD, &candidate, AccessFlags::X_OK, AtFlags::AT_EACCESS).is_ok() {
                    return Some(candidate);
                }
                unrunnable.get_or_insert(candidate);
            }
            _ => {}
        }
    }
    unrunnable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_a_slash_is_not_searched() {
        assert_eq!(find(OsStr::new("./x")), Some(PathBuf::from("./x")));
        assert_eq!(find(OsStr::new("")), None);
    }
}
