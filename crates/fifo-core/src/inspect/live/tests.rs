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
fn a_scan_split_across_threads_finds_what_one_thread_finds_in_pid_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    make_fifo(&path, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    // Three children hold the FIFO read-write, each on another descriptor.
    let mut children: Vec<_> = (5..8)
        .map(|fd| {
            let mut child = Command::new("bash")
                .arg("-c")
                .arg(format!("exec {fd}<>\"$0\"; echo ready; read -r _"))
                .arg(&path)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut ready = [0u8; 6];
            std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut ready).unwrap();
            child
        })
        .collect();
    let meta = std::fs::metadata(&path).unwrap();
    let seen = |parts| {
        let found = holders_in_parts(meta.dev(), meta.ino(), parts).unwrap();
        found
            .seen
            .iter()
            .map(|h| (h.pid, h.fd, h.direction))
            .collect::<Vec<_>>()
    };
    let (whole, split) = (seen(|_| 1), seen(|_| 3));
    for child in &mut children {
        let _ = child.kill();
        let _ = child.wait();
    }
    let mut expected: Vec<_> = children
        .iter()
        .zip(5..8)
        .map(|(child, fd)| {
            (
                i32::try_from(child.id()).unwrap(),
                Some(fd),
                Direction::ReadWrite,
            )
        })
        .collect();
    expected.sort_unstable_by_key(|&(pid, _, _)| pid);
    assert_eq!(whole, expected, "one thread");
    assert_eq!(split, expected, "three threads");
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
fn a_writer_blocked_in_open_in_a_second_thread_is_found_by_its_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    make_fifo(&path, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    // The main thread waits in join; the other one blocks opening to write.
    let script = "import sys, threading\n\
                  t = threading.Thread(target=lambda: open(sys.argv[1], 'w'))\n\
                  t.start(); t.join()";
    let Ok(mut child) = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .spawn()
    else {
        println!("skip - second thread: python3 is not installed");
        return;
    };
    let pid = i32::try_from(child.id()).unwrap();
    let waited = wait_for(
        &path,
        Peer::Writer,
        Some(std::time::Duration::from_secs(20)),
    );
    let meta = std::fs::metadata(&path).unwrap();
    let found = holders(meta.dev(), meta.ino()).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    waited.unwrap();
    let holder = found
        .seen
        .iter()
        .find(|h| h.pid == pid)
        .expect("python is seen");
    assert_ne!(holder.thread, Some(pid), "the second thread, not the first");
    assert_eq!(
        (holder.fd, holder.direction, holder.state),
        (None, Direction::Write, State::Opening)
    );
    assert_eq!(
        (found.readers(), found.writers(), found.opening()),
        (0, 1, 1)
    );
}

#[test]
fn a_listing_names_every_entry_across_getdents_calls() {
    let dir = tempfile::tempdir().unwrap();
    let mut made: std::collections::BTreeSet<String> =
        (0..300).map(|n| format!("{n:03}")).collect();
    for name in &made {
        std::fs::write(dir.path().join(name), b"").unwrap();
    }
    made.extend([".".to_owned(), "..".to_owned()]);
    let fd = nix::fcntl::open(dir.path(), DIR_FLAGS, Mode::empty()).unwrap();
    // Room for a few entries per call, so the listing takes many.
    let mut buf = [0u8; 200];
    let mut seen = std::collections::BTreeSet::new();
    let listed = sys::each_entry(fd.as_fd(), &mut buf, &mut |name| {
        seen.insert(name.to_str().unwrap().to_owned());
        ControlFlow::Continue(())
    });
    assert_eq!(listed, Ok(ControlFlow::Continue(())));
    assert_eq!(seen, made);
}

#[test]
fn a_proc_listing_cut_short_by_room_left_still_names_every_descriptor() {
    // 300 descriptors of our own; a buffer with room for some 40 entries a
    // call, more than one longest entry: each full call is followed, the
    // short last one ends the listing.
    let held: Vec<_> = (0..300)
        .map(|_| {
            nix::fcntl::open(
                "/dev/null",
                OFlag::O_RDONLY | OFlag::O_CLOEXEC,
                Mode::empty(),
            )
            .unwrap()
        })
        .collect();
    let fd = nix::fcntl::open("/proc/self/fd", DIR_FLAGS, Mode::empty()).unwrap();
    let mut buf = [0u8; 1024];
    let mut seen = std::collections::BTreeSet::new();
    let listed = sys::each_entry(fd.as_fd(), &mut buf, &mut |name| {
        seen.extend(number(name));
        ControlFlow::Continue(())
    });
    assert_eq!(listed, Ok(ControlFlow::Continue(())));
    for held in &held {
        let raw = std::os::fd::AsRawFd::as_raw_fd(held);
        assert!(
            seen.contains(&raw),
            "descriptor {raw} missing from {seen:?}"
        );
    }
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

/// An open holder as macOS and FreeBSD report one: a descriptor, no thread.
fn open_holder(pid: i32, fd: i32, direction: Direction) -> Holder {
    Holder {
        pid,
        command: String::new(),
        fd: Some(fd),
        thread: None,
        direction,
        state: State::Open,
        description: None,
    }
}

#[test]
fn without_kcmp_unshared_descriptors_count_each_and_shared_ones_once_at_least() {
    let mut seen = vec![
        open_holder(10, 3, Direction::Write),
        open_holder(11, 3, Direction::Write),
        open_holder(12, 4, Direction::Write),
        open_holder(12, 5, Direction::Write),
        open_holder(13, 0, Direction::Read),
    ];
    // Two writers of their own, two that may share one (or not), a reader.
    sharing::number_by_sharing(&mut seen, &[false, true, false, true, true]);
    let numbers: Vec<_> = seen.iter().map(|h| h.description).collect();
    assert_eq!(numbers, [Some(2), Some(3), Some(4), None, Some(1)]);
    let found = Holders {
        seen,
        openings_unseen: true,
        ..Holders::default()
    };
    // Three writers at least (the last shared one may be a fourth), one
    // reader at least (a reader blocked in open(2) is not seen).
    assert_eq!((found.readers(), found.writers()), (1, 3));
    assert!(found.complete());
    assert!(!found.exact());
}

#[test]
fn openings_unseen_or_unlisted_processes_make_lower_bounds() {
    let mut seen = vec![open_holder(10, 3, Direction::Read)];
    sharing::number_by_sharing(&mut seen, &[false]);
    let mut found = Holders {
        seen,
        ..Holders::default()
    };
    assert!(found.exact());
    found.openings_unseen = true;
    assert!(found.complete() && !found.exact());
    let state = crate::inspect::PipeState {
        holders: Some(found.clone()),
        ..Default::default()
    };
    assert_eq!(state.opening(), None);
    assert_eq!(state.readers().map(|c| (c.seen, c.exact)), Some((1, false)));
    found.openings_unseen = false;
    found.unlisted = true;
    assert!(!found.complete() && !found.exact());
}

#[test]
fn a_borrowed_descriptor_that_is_no_longer_the_fifo_is_not_looked_into() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    make_fifo(&path, PRIVATE_MODE, crate::create::IfExists::Fail).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    // A holder's descriptor number that now names another pipe with 5
    // bytes in it, as a process that dup2()s over it after the scan does.
    let (read, write) = nix::unistd::pipe().unwrap();
    nix::unistd::write(&write, b"12345").unwrap();
    let me = i32::try_from(std::process::id()).unwrap();
    let mut found = Holders {
        seen: vec![open_holder(
            me,
            std::os::fd::AsRawFd::as_raw_fd(&read),
            Direction::Read,
        )],
        file: Some((meta.dev(), meta.ino())),
        ..Holders::default()
    };
    assert_eq!(pipe_contents(&found).waiting, None, "another pipe's bytes");
    // The same holder, when the descriptor is the file looked for.
    let st = nix::sys::stat::fstat(&read).unwrap();
    let pipe = sys::file::FileId::of(&st);
    found.file = Some((pipe.device, pipe.inode));
    assert_eq!(pipe_contents(&found).waiting, Some(5));
}
