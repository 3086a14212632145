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
//! use fifo_core::copy::{Copier, Limit, Stop};
//! use fifo_core::open::{Direction, Wait, open_fifo};
//! use fifo_core::Subject;
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! let fifo = open_fifo(&path, Direction::ReadWrite, Wait::No)?;
//! fifo_core::write::write_data(fifo.fd(), Subject::path(&path), b"one\ntwo\n")?;
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

use crate::buffer::Buffer;
use crate::progress::Progress;
use crate::rate::RateLimit;
use crate::records::{Boundary, Counted, CountedReader, Partial, lock_pipe, seekable};
use crate::sys::fd::{Fault, retry_on_eintr, write_all};
use crate::sys::lock::{LockWait, NotLocked};
use crate::write::write_failed;
use crate::{Action, Error, Subject, sys};

/// Large enough that system calls are not the cost of a copy.
const BUFFER_SIZE: usize = 256 * 1024;
/// The most one splice(2) asks to move: a whole raised pipe.
const SPLICE_CHUNK: usize = crate::capacity::DEFAULT_CAPACITY;

/// How much a copy may move before it stops by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// Until end of file.
    Unlimited,
    /// At most this many bytes.
    Bytes(u64),
    /// At most this many newline-terminated lines.
    Lines(u64),
}

/// Why a copy ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The source reached end of file.
    EndOfFile,
    /// The byte or line budget is spent.
    LimitReached,
    /// No data arrived for the idle timeout.
    Idle,
    /// The caller asked the copy to stop (a signal arrived).
    Interrupted,
}

/// Which side of a copy failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Reading the source.
    Source,
    /// Writing the destination.
    Destination,
    /// Reading back what a deep buffer spilled to its file.
    BufferFile,
}

/// A failed copy: which side, why, and how much had been written before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyError {
    /// The side whose system call failed.
    pub side: Side,
    /// Why it failed (see [`CopyError::raw_os_error`]).
    fault: Fault,
    /// Bytes written to the destination before the failure.
    pub copied: u64,
}

impl CopyError {
    pub(crate) fn new(side: Side, fault: Fault, copied: u64) -> Self {
        Self {
            side,
            fault,
            copied,
        }
    }

    /// Why it failed: the `errno` of the system call, or `None` when the
    /// call succeeded but moved nothing where bytes were due.
    #[must_use]
    pub fn raw_os_error(&self) -> Option<i32> {
        match self.fault {
            Fault::Os(errno) => Some(errno as i32),
            Fault::WroteNothing | Fault::Vanished => None,
        }
    }

    /// The [`Error`] this failure means for the named source and destination:
    /// a pipe whose reader left (`EPIPE`) while writing to a path becomes
    /// [`Error::ReaderLeft`] with the count delivered.
    #[must_use]
    pub fn attribute(self, source: Subject, destination: Subject) -> Error {
        match self.side {
            Side::Source => Error::sys(source, Action::Read, self.fault),
            Side::Destination => write_failed(destination, self.fault, self.copied),
            Side::BufferFile => Error::sys(Subject::BufferFile, Action::Read, self.fault),
        }
    }
}

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
    /// The deep buffer, for a copy with nothing else to mind.
    buffer: Option<Buffer>,
}

impl Copier {
    /// A copier with a budget and an optional idle timeout.
    ///
    /// With both a budget and an idle timeout, the wait for the counted
    /// readers' lock is bounded as [`Wait::Timeout`](crate::open::Wait::Timeout)
    /// is, by a process-wide `SIGURG` handler installed on first use (see
    /// [`crate::wake`]).
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
            buffer: None,
        }
    }

    /// Copies through `buffer`, filled by a thread of its own as fast as
    /// the input comes and drained as fast as the output takes (a deep
    /// buffer, as mbuffer keeps). It applies only to a copy without a
    /// budget, idle timeout or rate limit, and always reads and writes.
    #[must_use]
    pub fn with_buffer(mut self, buffer: Buffer) -> Self {
        self.buffer = Some(buffer);
        self
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
    /// back to read and write. A line budget always reads, since lines must be
    /// found in the data.
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
        if self.limit == Limit::Unlimited && self.idle.is_none() && self.rate.is_none() {
            if let Some(buffer) = &self.buffer {
                return crate::buffer::copy(src, dst, buffer, &mut self.progress);
            }
        }
        let seekable = seekable(src);
        let mut splicing = !self.portable && !matches!(self.limit, Limit::Lines(_));
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
                        Progress::add(&mut self.progress, n);
                    }
                    // Refused before anything moved: this pair cannot splice.
                    Err(Errno::EINVAL | Errno::ENOSYS) if copied == 0 => splicing = false,
                    Err(errno) => return Err(fail(splice_side(errno), errno.into(), copied)),
                }
                continue;
            }
            let n = self
                .fill(src, seekable)
                .map_err(|errno| fail(Side::Source, errno.into(), copied))?;
            if n == 0 {
                return Ok((copied, Stop::EndOfFile));
            }
            if let Some(rate) = &mut self.rate {
                rate.charge(n);
            }
            write_all(dst, &self.buf[..n])
                .map_err(|(fault, written)| fail(Side::Destination, fault, copied + written))?;
            copied += n as u64;
            Progress::add(&mut self.progress, n);
        }
    }

    /// Reads into the buffer, within the budget and never consuming more
    /// than it returns, and charges what it read to the budget; 0 at end of
    /// file. Whatever a read returns is passed on, never discarded.
    fn fill(&mut self, src: BorrowedFd<'_>, seekable: bool) -> nix::Result<usize> {
        let room = match &mut self.rate {
            Some(rate) => rate.allowance(self.buf.len()),
            None => self.buf.len(),
        };
        let buf = &mut self.buf[..room];
        let (boundary, left) = match self.limit {
            Limit::Unlimited => {
                return retry_on_eintr(|| nix::unistd::read(src, buf));
            }
            Limit::Bytes(left) => (Boundary::Byte, left),
            Limit::Lines(left) => (Boundary::Separator(b'\n'), left),
        };
        let counted = self
            .reader
            .read(src, seekable, buf, boundary, left, Partial::Take)?;
        let (len, records) = match counted {
            Counted::Read { len, records } => (len, records),
            Counted::EndOfFile | Counted::Unfinished => return Ok(0),
        };
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
mod tests {
    use std::io::{Seek, SeekFrom, Write};
    use std::os::fd::{AsFd, OwnedFd};

    use super::*;

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
                    let _ =
                        nix::sys::pthread::pthread_kill(copying, nix::sys::signal::Signal::SIGURG);
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
}
