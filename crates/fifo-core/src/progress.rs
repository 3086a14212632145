//! Telling a caller how many bytes moved, as they move (a progress meter).
//!
//! ```
//! use std::io::{Seek, Write};
//! use std::os::fd::AsFd;
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! use fifo_core::copy::{Copier, Limit};
//! use fifo_core::progress::Progress;
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

/// Something told how many bytes moved, as they move (a progress meter).
pub struct Progress(Box<dyn FnMut(u64) + Send>);

impl Progress {
    /// Calls `report` with each count of bytes moved.
    pub fn new(report: impl FnMut(u64) + Send + 'static) -> Self {
        Self(Box::new(report))
    }

    /// Reports `n` more bytes moved, for a copy loop outside this crate.
    pub fn report(&mut self, n: u64) {
        (self.0)(n);
    }

    /// Reports `n` more bytes moved.
    pub(crate) fn add(progress: &mut Option<Self>, n: usize) {
        if let Some(Self(report)) = progress {
            report(n as u64);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}
