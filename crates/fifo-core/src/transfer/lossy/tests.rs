//! Unit tests of the lossy output.

use super::*;
use crate::create::{IfExists, make_fifo};

fn fifo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tap");
    make_fifo(&path, 0o600, IfExists::Fail).unwrap();
    (dir, path)
}

/// A FIFO with a reader, and a line tap on it queueing 1000 bytes.
fn tapped() -> (tempfile::TempDir, OwnedFd, LossyOutput) {
    let (dir, path) = fifo();
    let reader = open_fifo(&path, Direction::Read, Wait::No)
        .unwrap()
        .into_fd();
    let tap = LossyOutput::new(&path, Unit::Line, 1000).unwrap();
    (dir, reader, tap)
}

fn read_all(fd: &OwnedFd) -> Vec<u8> {
    set_nonblocking(fd.as_fd(), true).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
    out
}

#[test]
fn a_stalled_reader_gets_whole_lines_and_the_rest_is_counted() {
    let (_dir, reader, mut tap) = tapped();
    let mut sent = Vec::new();
    for i in 0..100_000 {
        let line = format!("line {i}\n");
        tap.offer(line.as_bytes());
        sent.extend_from_slice(line.as_bytes());
    }
    finish_all(std::slice::from_mut(&mut tap), Duration::from_millis(50));
    let got = read_all(&reader);
    let drops = tap.drops();
    assert!(drops.bytes() > 0);
    assert_eq!(got.len() as u64 + drops.bytes(), sent.len() as u64);
    let lines = got.split_inclusive(|&b| b == b'\n').count() as u64;
    assert_eq!(lines + drops.units(), 100_000);
    assert!(got.starts_with(b"line 0\nline 1\n") && got.ends_with(b"\n"));
}

#[test]
fn lines_split_across_offers_stay_whole() {
    let (_dir, reader, mut tap) = tapped();
    for piece in [&b"one\ntw"[..], b"o\nthr", b"ee"] {
        tap.offer(piece);
    }
    finish_all(std::slice::from_mut(&mut tap), Duration::from_millis(50));
    assert_eq!(read_all(&reader), b"one\ntwo\nthree");
    assert_eq!(tap.drops().units(), 0);
}

#[test]
fn a_missing_path_is_an_error_and_no_reader_is_not() {
    let (dir, path) = fifo();
    assert!(LossyOutput::new(&dir.path().join("nope"), Unit::Chunk, 0).is_err());
    let mut tap = LossyOutput::new(&path, Unit::Chunk, 0).unwrap();
    tap.offer(b"abc");
    assert_eq!((tap.drops().units(), tap.drops().bytes()), (1, 3));
}

#[test]
fn a_reader_that_takes_nothing_is_given_up_at_the_end_and_counted() {
    let (_dir, reader, mut tap) = tapped();
    let line = [b'x'; 99];
    let mut sent = 0;
    // More than the pipe holds, less than the pipe and the queue.
    while sent < 1 << 20 && tap.drops().units() == 0 {
        tap.offer(&[&line[..], b"\n"].concat());
        sent += 100;
    }
    let queued = tap.queued as u64;
    finish_all(std::slice::from_mut(&mut tap), Duration::from_millis(50));
    let drops = tap.drops();
    assert!(queued > 0);
    assert_eq!(drops.given_up(), (queued / 100, queued));
    assert_eq!(read_all(&reader).len() as u64 + drops.bytes(), sent);
}
