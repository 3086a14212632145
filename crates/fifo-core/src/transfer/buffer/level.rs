//! How full a deep buffer is, shared with whoever shows it (a meter): the
//! buffer updates it as it fills and drains; it prints nothing itself.

use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

use super::queue::Queue;

/// How full a deep buffer is, as it runs: read it from any thread.
#[derive(Debug, Default)]
pub struct FillLevel {
    size: AtomicU64,
    buffered: AtomicU64,
    spilled: AtomicU64,
    refusals: AtomicU64,
    refused_errno: AtomicI32,
}

impl FillLevel {
    /// The buffer's size in memory.
    pub fn size(&self) -> u64 {
        self.size.load(Ordering::Relaxed)
    }

    /// Bytes buffered now, in memory and in the spill file.
    pub fn buffered(&self) -> u64 {
        self.buffered.load(Ordering::Relaxed)
    }

    /// Of those, the bytes in the spill file.
    pub fn spilled(&self) -> u64 {
        self.spilled.load(Ordering::Relaxed)
    }

    /// How often writing the spill file failed (so the input waited), and
    /// the last reason.
    pub fn spill_refusals(&self) -> (u64, Option<std::io::Error>) {
        let errno = self.refused_errno.load(Ordering::Relaxed);
        let why = (errno != 0).then(|| std::io::Error::from_raw_os_error(errno));
        (self.refusals.load(Ordering::Relaxed), why)
    }

    pub(super) fn show(&self, queue: &Queue) {
        self.buffered.store(queue.buffered, Ordering::Relaxed);
        self.spilled.store(queue.in_file, Ordering::Relaxed);
    }
}

impl FillLevel {
    /// A level for a buffer of `size` bytes, empty.
    pub(super) fn of_size(size: usize) -> Self {
        let level = Self::default();
        level.size.store(size as u64, Ordering::Relaxed);
        level
    }

    /// Counts a refused write to the spill file, and why.
    pub(super) fn refused(&self, errno: nix::errno::Errno) {
        self.refusals.fetch_add(1, Ordering::Relaxed);
        self.refused_errno.store(errno as i32, Ordering::Relaxed);
    }
}
