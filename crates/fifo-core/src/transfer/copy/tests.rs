//! Unit tests of the copy engine.

use std::io::{Seek, SeekFrom, Write};
use std::os::fd::{AsFd, OwnedFd};

use super::*;
use crate::{Error, Subject};

fn pipe_with(data: &[u8]) -> (OwnedFd, OwnedFd) {
    let (r, w) = nix::unistd::pipe().unwrap();
    write_all(w.as_fd(), data).unwrap();
    (r, w)
}

fn drain(fd: &OwnedFd) -> Vec<u8> {
    crate::sys::fd::set_nonblocking(fd.as_fd(), true).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
    out
}

#[test]
fn copies_everything_to_end_of_file() {
    let data: Vec<u8> = (0..=255u8).cycle().take(1_000_000).collect();
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(&data).unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    let out = tempfile::tempfile().unwrap();
    let (n, stop) = Copier::new(Limit::Unlimited, None)
        .copy(file.as_fd(), out.as_fd())
        .unwrap();
    assert_eq!((n, stop), (1_000_000, Stop::EndOfFile));
    assert_eq!(
        std::fs::read(format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(&out)
        ))
        .unwrap(),
        data
    );
}

/// A copier on the fast path and one on the portable path.
fn both_paths(limit: Limit) -> [Copier; 2] {
    [
        Copier::new(limit, None),
        Copier::new(limit, None).without_fast_paths(),
    ]
}

#[test]
fn byte_budget_leaves_the_rest_in_the_pipe() {
    for mut copier in both_paths(Limit::Bytes(5)) {
        let (r, w) = pipe_with(b"hello world");
        drop(w);
        let (out_r, out_w) = nix::unistd::pipe().unwrap();
        let moved = copier.copy(r.as_fd(), out_w.as_fd()).unwrap();
        assert_eq!(moved, (5, Stop::LimitReached));
        assert_eq!(drain(&out_r), b"hello");
        assert_eq!(drain(&r), b" world");
    }
}

#[test]
fn pipe_to_file_and_file_to_pipe_on_both_paths() {
    let data: Vec<u8> = (0..=255u8).cycle().take(3_000_000).collect();
    for mut copier in both_paths(Limit::Unlimited) {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&data).unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        let (r, w) = nix::unistd::pipe().unwrap();
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n @ 1..) = nix::unistd::read(&r, &mut buf) {
                out.extend_from_slice(&buf[..n]);
            }
            out
        });
        let moved = copier.copy(file.as_fd(), w.as_fd()).unwrap();
        drop(w);
        assert_eq!(moved, (3_000_000, Stop::EndOfFile));
        let through_pipe = reader.join().unwrap();
        assert_eq!(through_pipe, data);

        let (r, w) = nix::unistd::pipe().unwrap();
        let writer = std::thread::spawn(move || write_all(w.as_fd(), &through_pipe).unwrap());
        let mut out = tempfile::tempfile().unwrap();
        copier.copy(r.as_fd(), out.as_fd()).unwrap();
        writer.join().unwrap();
        out.seek(SeekFrom::Start(0)).unwrap();
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut back).unwrap();
        assert_eq!(back, data);
    }
}

#[test]
fn line_budget_leaves_the_rest_in_the_pipe() {
    let (r, w) = pipe_with(b"one\ntwo\nthree\nfour");
    drop(w);
    let (out_r, out_w) = nix::unistd::pipe().unwrap();
    let mut copier = Copier::new(Limit::Lines(2), None);
    assert_eq!(
        copier.copy(r.as_fd(), out_w.as_fd()).unwrap(),
        (8, Stop::LimitReached)
    );
    assert_eq!(drain(&out_r), b"one\ntwo\n");
    assert_eq!(drain(&r), b"three\nfour");
}

#[test]
fn portable_line_budget_also_leaves_the_rest() {
    let (r, w) = pipe_with(b"one\ntwo\nthree\n");
    drop(w);
    let (out_r, out_w) = nix::unistd::pipe().unwrap();
    let mut copier = Copier::new(Limit::Lines(1), None).without_fast_paths();
    assert_eq!(
        copier.copy(r.as_fd(), out_w.as_fd()).unwrap(),
        (4, Stop::LimitReached)
    );
    assert_eq!(drain(&out_r), b"one\n");
    assert_eq!(drain(&r), b"two\nthree\n");
}

#[test]
fn signals_during_a_copy_lose_nothing() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    crate::sys::deadline::install_wake_handler();
    let (src_r, src_w) = nix::unistd::pipe().unwrap();
    let (dst_r, dst_w) = nix::unistd::pipe().unwrap();
    let copying = nix::sys::pthread::pthread_self();
    let done = Arc::new(AtomicBool::new(false));
    let pest = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let _ = nix::sys::pthread::pthread_kill(copying, nix::sys::signal::Signal::SIGURG);
                std::thread::yield_now();
            }
        })
    };
    let writer = std::thread::spawn(move || {
        // Trickle, so the copy is blocked in read when signals land.
        for chunk in 0..200u8 {
            if write_all(src_w.as_fd(), &[chunk; 1000]).is_err() {
                break; // The copy gave up; the assertions below say so.
            }
            std::thread::sleep(Duration::from_micros(500));
        }
    });
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = retry_on_eintr(|| nix::unistd::read(&dst_r, &mut buf)) {
            got.extend_from_slice(&buf[..n]);
        }
        got
    });
    let copied = Copier::new(Limit::Unlimited, None).copy(src_r.as_fd(), dst_w.as_fd());
    done.store(true, Ordering::Relaxed);
    drop((src_r, dst_w));
    pest.join().unwrap();
    writer.join().unwrap();
    let want: Vec<u8> = (0..200u8).flat_map(|c| [c; 1000]).collect();
    assert_eq!(copied.unwrap(), (200_000, Stop::EndOfFile));
    assert_eq!(reader.join().unwrap(), want);
}

#[test]
fn line_budget_gives_back_what_a_file_over_read() {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(b"a\nb\nc\n").unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    let (out_r, out_w) = nix::unistd::pipe().unwrap();
    let mut copier = Copier::new(Limit::Lines(1), None);
    copier.copy(file.as_fd(), out_w.as_fd()).unwrap();
    assert_eq!(drain(&out_r), b"a\n");
    assert_eq!(file.stream_position().unwrap(), 2);
}

#[test]
fn budget_spans_several_sources() {
    let (out_r, out_w) = nix::unistd::pipe().unwrap();
    let mut copier = Copier::new(Limit::Lines(3), None);
    for chunk in [&b"1\n2\n"[..], b"3\n4\n"] {
        let (r, w) = pipe_with(chunk);
        drop(w);
        copier.copy(r.as_fd(), out_w.as_fd()).unwrap();
    }
    assert!(copier.exhausted());
    assert_eq!(drain(&out_r), b"1\n2\n3\n");
}

#[test]
fn idle_timeout_stops_a_quiet_source() {
    let (r, _w) = pipe_with(b"x");
    let (out_r, out_w) = nix::unistd::pipe().unwrap();
    let mut copier = Copier::new(Limit::Unlimited, Some(Duration::from_millis(30)));
    assert_eq!(
        copier.copy(r.as_fd(), out_w.as_fd()).unwrap(),
        (1, Stop::Idle)
    );
    assert_eq!(drain(&out_r), b"x");
}

#[test]
fn a_closed_destination_reports_a_write_error_with_the_count() {
    let (r, w) = pipe_with(b"data");
    drop(w);
    let (out_r, out_w) = nix::unistd::pipe().unwrap();
    drop(out_r);
    let err = Copier::new(Limit::Unlimited, None)
        .copy(r.as_fd(), out_w.as_fd())
        .unwrap_err();
    assert_eq!(
        (err.side, err.raw_os_error(), err.copied),
        (Side::Destination, Some(Errno::EPIPE as i32), 0)
    );
    let attributed = err.attribute(Subject::Stdin, Subject::path("f"));
    assert!(matches!(attributed, Error::ReaderLeft { delivered: 0, .. }));
}
