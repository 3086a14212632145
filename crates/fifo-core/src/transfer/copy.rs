//! The copy engine: moves bytes from one descriptor to another until end of
//! file, a byte or line budget, or an idle timeout.
//!
//! It survives `EINTR` and short writes, and with a budget it never consumes
//! more from a pipe than it passes on: what is left stays for the next reader
//! (a counted read). A budgeted copy from a FIFO holds the counted readers'
//! lock (an exclusive flock(2) on its open file) until it ends, so that
//! concurrent budgeted readers each get whole lines.
//!
//! ```
//! use std::io::Write;
//! use std::os::fd::AsFd;
//!
//! use fifo_core::transfer::copy::{Copier, Limit, Stop};
//! use fifo_core::open::{Direction, Wait, open_fifo};
//! use fifo_core::Subject;
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! let fifo = open_fifo(&path, Direction::ReadWrite, Wait::No)?;
//! fifo_core::transfer::write::write_data(fifo.fd(), Subject::path(&path), b"one\ntwo\n")?;
//! let out = tempfile::tempfile()?;
//! // One line, and not a byte more taken from the FIFO: "two" stays for the next reader.
//! let (copied, stop) = Copier::new(Limit::Lines(1), None)
//!     .copy(fifo.fd(), out.as_fd())
//!     .map_err(|err| err.attribute(Subject::path(&path), Subject::path("out")))?;
//! assert_eq!((copied, stop), (4, Stop::LimitReached));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::BorrowedFd;
use std::time::Duration;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::sys::ready::poll;

use crate::records::{Boundary, Counted, CountedReader, Passing, lock_pipe, seekable};
use crate::sys;
use crate::sys::fd::{Fault, retry_on_eintr, write_all};
use crate::sys::lock::{LockWait, NotLocked};
pub use crate::transfer::outcome::{CopyError, Limit, Side, Stop};
use crate::transfer::progress::Progress;
use crate::transfer::rate::RateLimit;

/// Large enough that system calls are not the cost of a copy.
const BUFFER_SIZE: usize = 256 * 1024;
/// The most one splice(2) asks to move: a whole raised pipe.
const SPLICE_CHUNK: usize = crate::open::capacity::DEFAULT_CAPACITY;

/// Copies data between descriptors, keeping its budget across calls so that
/// one budget counts over several inputs.
#[derive(Debug)]
pub struct Copier {
    limit: Limit,
    idle: Option<Duration>,
    buf: Vec<u8>,
    /// Reads within the budget without consuming more.
    reader: CountedReader,
    /// Use only the portable read/write loop.
    portable: bool,
    progress: Option<Progress>,
    rate: Option<RateLimit>,
}

impl Copier {
    /// A copier with a budget and an optional idle timeout.
    ///
    /// With both a budget and an idle timeout, the wait for the counted
    /// readers' lock is bounded as [`Wait::Timeout`](crate::open::Wait::Timeout)
    /// is, by a process-wide `SIGURG` handler installed on first use (see
    /// [`crate::process::wake`]).
    #[must_use]
    pub fn new(limit: Limit, idle: Option<Duration>) -> Self {
        Self {
            limit,
            idle,
            buf: vec![0; BUFFER_SIZE],
            reader: CountedReader::default(),
            portable: false,
            progress: None,
            rate: None,
        }
    }

    /// Moves at most `rate` allows: each splice(2), or each read on the
    /// portable path, asks the bucket first, and waits when it is empty.
    #[must_use]
    pub fn with_rate_limit(mut self, rate: RateLimit) -> Self {
        self.rate = Some(rate);
        self
    }

    /// Reports every chunk moved to `progress`.
    #[must_use]
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Uses only the portable read/write loop, never a Linux fast path, so
    /// that the fallback every other system runs can be exercised here too.
    #[must_use]
    pub fn without_fast_paths(mut self) -> Self {
        self.portable = true;
        self.reader = CountedReader::portable();
        self
    }

    /// Whether the budget is spent.
    #[must_use]
    pub fn exhausted(&self) -> bool {
        matches!(self.limit, Limit::Bytes(0) | Limit::Lines(0))
    }

    /// Copies from `src` to `dst` until end of file, the budget, or the idle
    /// timeout, and returns how many bytes moved and why it stopped.
    ///
    /// On Linux the bytes move with splice(2) when either end is a pipe (the
    /// kernel moves page references, not bytes); if the first splice is
    /// refused (`EINVAL`: a terminal, a socket, an `O_APPEND` file) it falls
    /// back to read and write. A line budget, or a progress meter counted in
    /// lines, always reads, since lines must be found in the data.
    ///
    /// With a budget, a FIFO (or pipe) source is locked first (see the
    /// module documentation); waiting for the lock counts as waiting for data
    /// under the idle timeout.
    ///
    /// # Errors
    /// A [`CopyError`] naming the side that failed.
    pub fn copy(
        &mut self,
        src: BorrowedFd<'_>,
        dst: BorrowedFd<'_>,
    ) -> Result<(u64, Stop), CopyError> {
        let seekable = seekable(src);
        let mut splicing = !self.portable
            && !matches!(self.limit, Limit::Lines(_))
            && !Progress::needs_data(self.progress.as_ref());
        let mut copied = 0u64;
        let fail = CopyError::new;
        let _lock = if self.limit == Limit::Unlimited {
            None
        } else {
            let wait = self.idle.map_or(LockWait::Forever, LockWait::Upto);
            match lock_pipe(src, wait) {
                Ok(held) => held,
                Err(NotLocked::Busy) => return Ok((0, Stop::Idle)),
                Err(NotLocked::Unsupported) => None,
                Err(NotLocked::Failed(errno)) => return Err(fail(Side::Source, errno.into(), 0)),
            }
        };
        loop {
            if self.exhausted() {
                return Ok((copied, Stop::LimitReached));
            }
            if let Some(idle) = self.idle {
                match wait_readable(src, idle) {
                    Ok(true) => {}
                    Ok(false) => return Ok((copied, Stop::Idle)),
                    Err(errno) => return Err(fail(Side::Source, errno.into(), copied)),
                }
            }
            if splicing {
                let want = self.allowance(SPLICE_CHUNK);
                match retry_on_eintr(|| sys::splice(src, dst, want)) {
                    Ok(0) => return Ok((copied, Stop::EndOfFile)),
                    Ok(n) => {
                        self.charge(n);
                        if let Some(rate) = &mut self.rate {
                            rate.charge(n);
                        }
                        copied += n as u64;
                        Progress::add_unseen(&mut self.progress, n);
                    }
                    // Refused before anything moved: this pair cannot splice.
                    Err(Errno::EINVAL | Errno::ENOSYS) if copied == 0 => splicing = false,
                    Err(errno) => return Err(fail(splice_side(errno), errno.into(), copied)),
                }
                continue;
            }
            let n = self.step(src, dst, seekable, copied)?;
            if n == 0 {
                return Ok((copied, Stop::EndOfFile));
            }
            copied += n as u64;
            Progress::add(&mut self.progress, &self.buf[..n]);
        }
    }

    /// Moves one buffer's worth, within the budget and the rate limit; 0 at
    /// end of file. A budgeted read takes from the source only what was
    /// written out (see [`CountedReader::pass`]), so a failing output leaves
    /// the rest for the next reader.
    fn step(
        &mut self,
        src: BorrowedFd<'_>,
        dst: BorrowedFd<'_>,
        seekable: bool,
        copied: u64,
    ) -> Result<usize, CopyError> {
        let fail = CopyError::new;
        let room = match &mut self.rate {
            Some(rate) => rate.allowance(self.buf.len()),
            None => self.buf.len(),
        };
        let buf = &mut self.buf[..room];
        let (boundary, left) = match self.limit {
            Limit::Unlimited => {
                let n = retry_on_eintr(|| nix::unistd::read(src, buf))
                    .map_err(|errno| fail(Side::Source, errno.into(), copied))?;
                if let Some(rate) = &mut self.rate {
                    rate.charge(n);
                }
                write_all(dst, &buf[..n])
                    .map_err(|(fault, written)| fail(Side::Destination, fault, copied + written))?;
                return Ok(n);
            }
            Limit::Bytes(left) => (Boundary::Byte, left),
            Limit::Lines(left) => (Boundary::Separator(b'\n'), left),
        };
        let counted = self
            .reader
            .pass(src, dst, seekable, buf, boundary, left)
            .map_err(|passing| match passing {
                Passing::Source(errno) => fail(Side::Source, errno.into(), copied),
                Passing::Destination(fault, written) => {
                    fail(Side::Destination, fault, copied + written)
                }
                Passing::Vanished(written) => fail(Side::Source, Fault::Vanished, copied + written),
            })?;
        let (len, records) = match counted {
            Counted::Read { len, records } => (len, records),
            Counted::EndOfFile | Counted::Unfinished => return Ok(0),
        };
        if let Some(rate) = &mut self.rate {
            rate.charge(len);
        }
        if let Limit::Bytes(left) | Limit::Lines(left) = &mut self.limit {
            // More than the budget only if a reader ignoring the lock took
            // bytes between the peek and the read.
            *left = left.saturating_sub(records);
        }
        Ok(len)
    }

    /// At most `max`, and no more than a byte budget and the rate limit
    /// allow (waiting for the rate limit's bucket).
    fn allowance(&mut self, max: usize) -> usize {
        let max = match self.limit {
            Limit::Bytes(left) => max.min(usize::try_from(left).unwrap_or(usize::MAX)),
            Limit::Unlimited | Limit::Lines(_) => max,
        };
        match &mut self.rate {
            Some(rate) => rate.allowance(max),
            None => max,
        }
    }

    /// Charges `n` bytes moved within [`Copier::allowance`] to a byte budget.
    fn charge(&mut self, n: usize) {
        if let Limit::Bytes(left) = &mut self.limit {
            *left -= n as u64;
        }
    }
}

/// Which end a failed splice(2) most likely failed on: the errors only
/// writing can cause are the destination's.
fn splice_side(errno: Errno) -> Side {
    match errno {
        Errno::EPIPE | Errno::ENOSPC | Errno::EDQUOT | Errno::EFBIG => Side::Destination,
        _ => Side::Source,
    }
}

/// Waits until `fd` has data or end of file; false when `idle` passed first.
fn wait_readable(fd: BorrowedFd<'_>, idle: Duration) -> nix::Result<bool> {
    let timeout = PollTimeout::try_from(idle).unwrap_or(PollTimeout::MAX);
    let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
    retry_on_eintr(|| poll(&mut fds, timeout)).map(|ready| ready > 0)
}

#[cfg(test)]
mod tests;
