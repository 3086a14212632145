//! Unit tests of `live`.

use std::os::unix::fs::MetadataExt;
use std::process::{Command, Stdio};

use super::*;
use crate::create::{PRIVATE_MODE, make_fifo};

#[test]
fn a_holder_in_another_process_is_seen_with_its_direction_and_contents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    make_fifo(&path, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    // A child holds the FIFO read-write (never blocks) with 5 bytes in it.
    let mut child = Command::new("bash")
        .arg("-c")
        .arg("exec 7<>\"$0\"; printf hello >&7; echo ready; read -r _")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = [0u8; 6];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut ready).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    let found = holders(meta.dev(), meta.ino()).unwrap();
    let contents = pipe_contents(&found);
    let _ = child.kill();
    let _ = child.wait();
    let pid = i32::try_from(child.id()).unwrap();
    let holder = found
        .seen
        .iter()
        .find(|h| h.pid == pid)
        .expect("the child holds it");
    assert_eq!(
        (holder.fd, holder.direction, holder.command.as_str()),
        (Some(7), Direction::ReadWrite, "bash")
    );
    assert_eq!(holder.state, State::Open);
    assert_eq!((found.readers(), found.writers()), (1, 1));
    assert_eq!(
        (contents.capacity, contents.waiting),
        (Some(65_536), Some(5)),
        "capacity and bytes waiting"
    );
}

#[test]
fn a_reader_blocked_in_open_is_an_opening_holder_and_ends_a_wait() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    make_fifo(&path, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    let mut child = Command::new("cat")
        .arg(&path)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = i32::try_from(child.id()).unwrap();
    wait_for(
        &path,
        Peer::Reader,
        Some(std::time::Duration::from_secs(10)),
    )
    .unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    let found = holders(meta.dev(), meta.ino()).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let holder = found
        .seen
        .iter()
        .find(|h| h.pid == pid)
        .expect("cat is seen");
    assert_eq!(
        (holder.fd, holder.thread, holder.direction, holder.state),
        (None, Some(pid), Direction::Read, State::Opening)
    );
    assert_eq!(
        (found.readers(), found.writers(), found.opening()),
        (1, 0, 1)
    );
}

#[test]
fn a_descriptor_inherited_or_duplicated_is_one_reader_and_one_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    make_fifo(&path, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    // bash opens it read-write once, dup's that to 8 and lends it to a job;
    // then opens it a second time, to read.
    let mut child = Command::new("bash")
        .arg("-c")
        .arg("exec 7<>\"$0\" 8<&7; sleep 30 & exec 9<\"$0\"; echo ready; read -r _; kill $!")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = [0u8; 6];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut ready).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    let found = holders(meta.dev(), meta.ino()).unwrap();
    drop(child.stdin.take());
    let _ = child.wait();
    let pid = i32::try_from(child.id()).unwrap();
    let number = |pid_wanted: bool, fd: i32| {
        found
            .seen
            .iter()
            .find(|h| (h.pid == pid) == pid_wanted && h.fd == Some(fd))
            .map(|h| h.description)
    };
    // fds 7 and 8 of bash, and the job's 7 and 8: one description.
    let shared = number(true, 7).flatten().expect("bash's fd 7 is numbered");
    for (in_bash, fd) in [(true, 8), (false, 7), (false, 8)] {
        assert_eq!(number(in_bash, fd), Some(Some(shared)), "{in_bash} {fd}");
    }
    assert_ne!(
        number(true, 9),
        Some(Some(shared)),
        "a second open is another"
    );
    assert_eq!((found.readers(), found.writers()), (2, 1), "{found:?}");
}
