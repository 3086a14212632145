//! Unit tests of the call socket's making and removal.

use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};

use super::*;
use crate::create::{IfExists, make_fifo};

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A FIFO of mode `mode` in a fresh directory, held open read-write.
fn served(mode: u32) -> (tempfile::TempDir, PathBuf, std::fs::File) {
    let dir = tempfile::tempdir().unwrap();
    // Made 0777 less the umask, which another test thread may have cleared
    // for a moment (making a FIFO of an exact mode): a directory others may
    // write is refused, rightly.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let fifo = dir.path().join("q");
    make_fifo(&fifo, mode, IfExists::Fail).unwrap();
    std::fs::set_permissions(&fifo, std::fs::Permissions::from_mode(mode)).unwrap();
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    (dir, fifo, held)
}

#[test]
fn the_socket_appears_under_its_name_with_the_fifos_bits_and_nothing_else() {
    let (dir, fifo, held) = served(0o620);
    let socket = CallSocket::bind(&fifo, held.as_fd()).unwrap();
    assert_eq!(names(dir.path()), ["q", "q.sock"]);
    let meta = std::fs::symlink_metadata(socket.path()).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o7777, 0o620);
    drop(socket);
    assert_eq!(names(dir.path()), ["q"], "dropped: the socket is removed");
}

#[test]
fn a_dead_socket_left_under_the_name_it_is_made_under_is_replaced() {
    let (dir, fifo, held) = served(0o600);
    // A server of this process killed between making the socket and
    // linking it left it behind (a later process with the same pid).
    let left = dir.path().join(made_as(OsStr::new("q.sock")));
    drop(UnixListener::bind(&left).unwrap());
    let socket = CallSocket::bind(&fifo, held.as_fd()).unwrap();
    assert_eq!(names(dir.path()), ["q", "q.sock"]);
    drop(socket);
}

#[test]
fn another_file_under_the_name_it_is_made_under_is_refused_and_kept() {
    let (dir, fifo, held) = served(0o600);
    let left = dir.path().join(made_as(OsStr::new("q.sock")));
    std::fs::write(&left, "mine").unwrap();
    let err = CallSocket::bind(&fifo, held.as_fd()).unwrap_err();
    assert!(matches!(err, Error::Unsafe { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&left).unwrap(), "mine");
    assert!(!dir.path().join("q.sock").exists());
}
