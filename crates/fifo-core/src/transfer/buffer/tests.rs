//! Unit tests of `buffer`: every byte arrives, in order, through memory
//! alone, through a spill file, with watermarks, and with a meter.

use std::os::fd::AsFd;

use super::*;

/// Copies `data` through `buffer` between two pipes.
fn through(buffer: &mut Buffer, data: &[u8]) -> (u64, Vec<u8>) {
    let (src_r, src_w) = nix::unistd::pipe().unwrap();
    let (dst_r, dst_w) = nix::unistd::pipe().unwrap();
    let sent = data.to_vec();
    let writer = std::thread::spawn(move || write_all(src_w.as_fd(), &sent).unwrap());
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = vec![0u8; 4096];
        while let Ok(n @ 1..) = nix::unistd::read(&dst_r, &mut buf) {
            got.extend_from_slice(&buf[..n]);
            // A slow reader, so that the buffer fills.
            std::thread::yield_now();
        }
        got
    });
    let (moved, stop) = buffer.copy(src_r.as_fd(), dst_w.as_fd()).unwrap();
    assert_eq!(stop, Stop::EndOfFile);
    drop(dst_w);
    writer.join().unwrap();
    (moved, reader.join().unwrap())
}

fn data() -> Vec<u8> {
    (0..3_000_000u32).map(|i| (i % 251) as u8).collect()
}

#[test]
fn everything_arrives_in_order_through_a_small_buffer() {
    let data = data();
    assert_eq!(through(&mut Buffer::new(100_000), &data), (3_000_000, data));
}

#[test]
fn everything_arrives_in_order_through_memory_and_a_spill_file() {
    let data = data();
    let dir = tempfile::tempdir().unwrap();
    let spill = SpillFile::create(dir.path()).unwrap();
    let mut buffer = Buffer::new(70_000).spilling_to(spill).start_at(90);
    let level = buffer.level();
    assert_eq!(through(&mut buffer, &data), (3_000_000, data));
    assert_eq!((level.buffered(), level.spilled()), (0, 0));
}

#[test]
fn a_small_memory_spilling_and_draining_all_the_time_keeps_every_byte() {
    let data = data();
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..5 {
        let spill = SpillFile::create(dir.path()).unwrap();
        let mut buffer = Buffer::new(4096).spilling_to(spill);
        assert_eq!(through(&mut buffer, &data), (3_000_000, data.clone()));
    }
}

#[test]
fn a_buffer_of_no_bytes_still_moves_them() {
    let data = b"one byte at a time".to_vec();
    assert_eq!(through(&mut Buffer::new(0), &data), (18, data));
}

#[test]
fn watermarks_lose_nothing() {
    let data = data();
    let mut buffer = Buffer::new(200_000).start_at(100).resume_at(0);
    assert_eq!(through(&mut buffer, &data), (3_000_000, data));
}

/// The buffered engine reports what it writes out, as the plain copier
/// does, and a second copy through the same buffer goes on counting.
#[test]
fn a_buffered_copy_reports_its_progress_copy_after_copy() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let moved = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&moved);
    let progress = Progress::new(move |n| {
        counter.fetch_add(n, Ordering::Relaxed);
    });
    let mut buffer = Buffer::new(100_000).with_progress(progress);
    let data = data();
    assert_eq!(through(&mut buffer, &data), (3_000_000, data.clone()));
    assert_eq!(
        through(&mut buffer, &data[..1000]),
        (1000, data[..1000].to_vec())
    );
    assert_eq!(moved.load(Ordering::Relaxed), 3_001_000);
}
