//! Unit tests of `open`.

use std::time::Duration;

use super::*;
use crate::create::{PRIVATE_MODE, make_fifo};

fn fifo_in(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("f");
    make_fifo(&path, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    path
}

#[test]
fn write_without_reader_and_no_wait_is_no_peer() {
    let dir = tempfile::tempdir().unwrap();
    let err = open(&fifo_in(&dir), Direction::Write, Wait::No).unwrap_err();
    assert!(matches!(
        err,
        Error::NoPeer {
            peer: Peer::Reader,
            ..
        }
    ));
}

#[test]
fn read_without_writer_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let wait = Wait::Timeout(Duration::from_millis(50));
    let err = open(&fifo_in(&dir), Direction::Read, wait).unwrap_err();
    assert!(matches!(
        err,
        Error::TimedOut {
            peer: Peer::Writer,
            ..
        }
    ));
}

#[test]
fn a_regular_file_is_opened_but_refused_as_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "keep").unwrap();
    let err = open_fifo(&file, Direction::Write, Wait::No).unwrap_err();
    assert!(matches!(
        err,
        Error::NotAFifo {
            found: FileKind::Regular,
            ..
        }
    ));
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
}

#[test]
fn a_socket_is_not_a_fifo_whatever_the_wait() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    // open(2) says ENXIO, which for a FIFO would mean "no reader".
    for (direction, wait) in [
        (Direction::Write, Wait::No),
        (Direction::Write, Wait::Forever),
        (Direction::Read, Wait::Timeout(Duration::from_secs(5))),
        (Direction::ReadWrite, Wait::Forever),
    ] {
        let err = open(&socket, direction, wait).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotAFifo {
                    found: FileKind::Socket,
                    ..
                }
            ),
            "{direction} {wait:?}: {err:?}"
        );
    }
}

#[test]
fn a_missing_path_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo");
    let err = open(&missing, Direction::Write, Wait::Forever).unwrap_err();
    assert_eq!(err.errno(), Some(Errno::ENOENT));
    assert!(!missing.exists());
}

#[test]
fn outputs_open_concurrently_and_files_are_never_created() {
    let dir = tempfile::tempdir().unwrap();
    let late = dir.path().join("late");
    let early = dir.path().join("early");
    make_fifo(&late, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    make_fifo(&early, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "old").unwrap();
    let missing = dir.path().join("missing");
    // Only `early` has a reader, there before anything is opened (a read
    // open that does not wait): its writer's open succeeds however late its
    // thread runs. (A reader opening in a thread of its own came too late
    // when that thread was not run within the 300 ms: early timed out.)
    let reader = open(&early, Direction::Read, Wait::No).unwrap();
    let paths = [late, early, file.clone(), missing.clone()];
    let opened = open_outputs(&paths, false, Wait::Timeout(Duration::from_millis(300)));
    assert!(matches!(opened[0], Err(Error::TimedOut { .. })));
    assert_eq!(opened[1].as_ref().unwrap().kind(), FileKind::Fifo);
    assert_eq!(opened[2].as_ref().unwrap().kind(), FileKind::Regular);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"",
        "truncated without --append"
    );
    assert_eq!(opened[3].as_ref().unwrap_err().errno(), Some(Errno::ENOENT));
    assert!(!missing.exists());
    drop(reader);
}

#[test]
fn a_directory_is_refused_in_open_whichever_the_direction() {
    let dir = tempfile::tempdir().unwrap();
    for direction in [Direction::Read, Direction::Write, Direction::ReadWrite] {
        let err = open(dir.path(), direction, Wait::No).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(nix::libc::EISDIR), "{direction:?}");
        assert_eq!(err.reason().to_string(), "cannot open: Is a directory");
    }
}
