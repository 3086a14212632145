//! Telling a caller how many bytes moved, as they move (a progress meter).
//!
//! ```
//! use std::io::{Seek, Write};
//! use std::os::fd::AsFd;
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! use fifo_core::transfer::copy::{Copier, Limit};
//! use fifo_core::transfer::progress::Progress;
//!
//! let moved = Arc::new(AtomicU64::new(0));
//! let counter = Arc::clone(&moved);
//! let progress = Progress::new(move |n| {
//!     counter.fetch_add(n, Ordering::Relaxed);
//! });
//! let mut src = tempfile::tempfile()?;
//! src.write_all(b"hello")?;
//! src.rewind()?;
//! let dst = tempfile::tempfile()?;
//! Copier::new(Limit::Unlimited, None)
//!     .with_progress(progress)
//!     .copy(src.as_fd(), dst.as_fd())
//!     .map_err(|err| err.attribute(fifo_core::Subject::Stdin, fifo_core::Subject::Stdout))?;
//! assert_eq!(moved.load(Ordering::Relaxed), 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// Something told how much moved, as it moves (a progress meter): bytes,
/// or lines for a meter counted in lines (which must see the data, so the
/// copies that feed it read and write instead of splicing).
pub struct Progress {
    report: Box<dyn FnMut(u64) + Send>,
    lines: bool,
}

impl Progress {
    /// Calls `report` with each count of bytes moved.
    pub fn new(report: impl FnMut(u64) + Send + 'static) -> Self {
        Self {
            report: Box::new(report),
            lines: false,
        }
    }

    /// Calls `report` with each count of newlines moved (`pv -l`).
    pub fn lines(report: impl FnMut(u64) + Send + 'static) -> Self {
        Self {
            report: Box::new(report),
            lines: true,
        }
    }

    /// Whether it counts lines, and so must see what moves.
    #[must_use]
    pub fn counts_lines(&self) -> bool {
        self.lines
    }

    /// Reports `data` moved, for a copy loop outside this crate.
    pub fn report(&mut self, data: &[u8]) {
        let count = if self.lines {
            memchr::memchr_iter(b'\n', data).count()
        } else {
            data.len()
        };
        (self.report)(count as u64);
    }

    /// Reports `data` moved.
    pub(crate) fn add(progress: &mut Option<Self>, data: &[u8]) {
        if let Some(progress) = progress {
            progress.report(data);
        }
    }

    /// Reports `n` bytes moved where the data was never seen (splice,
    /// tee): only ever for a meter that counts bytes.
    pub(crate) fn add_unseen(progress: &mut Option<Self>, n: usize) {
        if let Some(progress) = progress {
            debug_assert!(!progress.lines, "a line meter must see the data");
            (progress.report)(n as u64);
        }
    }

    /// Whether `progress` needs to see what moves.
    pub(crate) fn needs_data(progress: Option<&Self>) -> bool {
        progress.is_some_and(Self::counts_lines)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::os::fd::AsFd;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::Progress;
    use crate::transfer::copy::{Copier, Limit};

    #[test]
    fn a_line_meter_counts_the_lines_a_pipe_copy_moves() {
        let lines = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&lines);
        let progress = Progress::lines(move |n| {
            counter.fetch_add(n, Ordering::Relaxed);
        });
        assert!(progress.counts_lines());
        let pipe = || {
            let (read, write) = nix::unistd::pipe().unwrap();
            (std::fs::File::from(read), std::fs::File::from(write))
        };
        let (src, mut feed) = pipe();
        let (mut drain, dst) = pipe();
        let text: Vec<u8> = (0..5000)
            .flat_map(|n| format!("{n}\n").into_bytes())
            .collect();
        let writer = {
            let text = text.clone();
            std::thread::spawn(move || feed.write_all(&text))
        };
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            drain.read_to_end(&mut got).map(|_| got)
        });
        Copier::new(Limit::Unlimited, None)
            .with_progress(progress)
            .copy(src.as_fd(), dst.as_fd())
            .unwrap();
        drop(dst);
        writer.join().unwrap().unwrap();
        assert_eq!(reader.join().unwrap().unwrap(), text);
        assert_eq!(lines.load(Ordering::Relaxed), 5000);
    }
}
