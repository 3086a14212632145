//! A lossy output: a FIFO tap that never slows the stream it taps.
//!
//! Writes are non-blocking. What the FIFO's pipe cannot take waits in a
//! bounded queue; what does not fit there either is dropped in whole units
//! (lines, or the chunks the input arrived in) and counted, so that a
//! reader only ever sees whole units, in order, with gaps. A FIFO nobody
//! reads is skipped (its data counted as dropped), and opened again now and
//! then, so readers may come and go.
//! See: <https://stackoverflow.com/questions/7360473> (non-blocking FIFO
//! logging).
//!
//! ```
//! use fifo_core::lossy::{LossyOutput, Unit};
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("tap");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! // Nobody reads the tap: the line is dropped, and nothing blocks.
//! let mut tap = LossyOutput::new(&path, Unit::Line, 1 << 20)?;
//! tap.offer(b"hello\n");
//! tap.finish();
//! assert_eq!((tap.drops().units(), tap.drops().bytes()), (1, 6));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::VecDeque;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::sys::ready::poll;

use crate::open::{Direction, Wait, open_fifo};
use crate::sys::fd::{retry_on_eintr, set_nonblocking, write_capped};
use crate::{Action, Error, Result, Subject};

/// How often a FIFO without a reader is opened again.
const REOPEN_EVERY: Duration = Duration::from_millis(100);
/// How long the end waits for a reader to take the rest of a unit it has
/// begun to read, so that it does not end with half a line.
const FINISH_UNIT: Duration = Duration::from_secs(2);

/// What a lossy output drops whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Newline-terminated lines (a last unterminated line is one too).
    Line,
    /// The chunks the input arrived in.
    Chunk,
}

/// How much a lossy output dropped; shared, so that another thread can
/// report it while the copy runs.
#[derive(Debug)]
pub struct Drops {
    unit: Unit,
    units: AtomicU64,
    bytes: AtomicU64,
}

impl Drops {
    fn new(unit: Unit) -> Self {
        Self {
            unit,
            units: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// What [`Drops::units`] counts.
    #[must_use]
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// Units (lines or chunks) dropped.
    #[must_use]
    pub fn units(&self) -> u64 {
        self.units.load(Ordering::Relaxed)
    }

    /// Bytes dropped.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    fn add(&self, bytes: usize) {
        self.units.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// A FIFO fed without ever blocking (see the module documentation).
#[derive(Debug)]
pub struct LossyOutput {
    path: PathBuf,
    unit: Unit,
    /// The most bytes queued for the reader beyond what its pipe holds
    /// (plus the rest of one unit it has begun to take).
    room: usize,
    fd: Option<OwnedFd>,
    last_open: Instant,
    /// Whole units waiting for the pipe; the front one may be partly written.
    queue: VecDeque<Vec<u8>>,
    queued: usize,
    /// How much of the front unit the reader has.
    begun: usize,
    /// The line read so far (line units only).
    partial: Vec<u8>,
    /// The line read so far is being dropped: it did not fit.
    dropping: bool,
    drops: Arc<Drops>,
}

impl LossyOutput {
    /// A lossy output to the FIFO at `path`, queueing at most `room` bytes
    /// beyond its pipe; opened now if someone reads it.
    ///
    /// # Errors
    /// What opening `path` fails with, other than finding no reader
    /// ([`Error::NoPeer`]): missing, not a FIFO, not permitted.
    pub fn new(path: &Path, unit: Unit, room: usize) -> Result<Self> {
        let mut output = Self {
            path: path.to_owned(),
            unit,
            room,
            fd: None,
            last_open: Instant::now(),
            queue: VecDeque::new(),
            queued: 0,
            begun: 0,
            partial: Vec::new(),
            dropping: false,
            drops: Arc::new(Drops::new(unit)),
        };
        match output.open() {
            Ok(()) | Err(Error::NoPeer { .. }) => Ok(output),
            Err(err) => Err(err),
        }
    }

    /// The FIFO's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What it dropped so far.
    #[must_use]
    pub fn drops(&self) -> Arc<Drops> {
        Arc::clone(&self.drops)
    }

    /// Passes on what it can of `data`, the input's next bytes, without
    /// blocking.
    pub fn offer(&mut self, data: &[u8]) {
        if self.fd.is_none() && self.last_open.elapsed() >= REOPEN_EVERY {
            // Any failure means the same as no reader: try again later.
            let _ = self.open();
        }
        self.flush();
        match self.unit {
            Unit::Chunk => self.commit(data.to_vec()),
            Unit::Line => {
                for piece in data.split_inclusive(|&b| b == b'\n') {
                    self.take_line_piece(piece);
                }
            }
        }
        self.flush();
    }

    /// Ends the stream: an unterminated last line is a unit; what the
    /// reader has begun it gets (waiting a little), the rest is dropped.
    pub fn finish(&mut self) {
        if !self.partial.is_empty() || self.dropping {
            let line = std::mem::take(&mut self.partial);
            if std::mem::take(&mut self.dropping) {
                self.drops.add(line.len());
            } else {
                self.commit(line);
            }
        }
        self.flush();
        if self.begun > 0 {
            self.finish_begun_unit();
        }
        for unit in self.queue.drain(..) {
            self.drops.add(unit.len());
        }
        self.queued = 0;
        self.fd = None;
    }

    fn open(&mut self) -> Result<()> {
        self.last_open = Instant::now();
        let fd = open_fifo(&self.path, Direction::Write, Wait::No)?.into_fd();
        set_nonblocking(fd.as_fd(), true)
            .map_err(|errno| Error::sys(Subject::path(&self.path), Action::Open, errno))?;
        self.fd = Some(fd);
        Ok(())
    }

    /// Adds a piece of a line (ending with its newline, or not yet ended).
    fn take_line_piece(&mut self, piece: &[u8]) {
        let ended = piece.last() == Some(&b'\n');
        if self.dropping {
            self.drops
                .bytes
                .fetch_add(piece.len() as u64, Ordering::Relaxed);
            if ended {
                self.dropping = false;
                self.drops.units.fetch_add(1, Ordering::Relaxed);
            }
            return;
        }
        if !ended && self.partial.len() + piece.len() > self.room.max(64 * 1024) {
            // A line too long to hold: drop it all, now and as it goes on.
            self.drops
                .bytes
                .fetch_add((self.partial.len() + piece.len()) as u64, Ordering::Relaxed);
            self.partial.clear();
            self.dropping = true;
            return;
        }
        self.partial.extend_from_slice(piece);
        if ended {
            let line = std::mem::take(&mut self.partial);
            self.commit(line);
        }
    }

    /// Queues a whole unit if the reader is there and it fits, else drops it.
    fn commit(&mut self, unit: Vec<u8>) {
        let fits = self.queue.is_empty() || self.queued + unit.len() <= self.room;
        if self.fd.is_none() || !fits {
            self.drops.add(unit.len());
            return;
        }
        self.queued += unit.len();
        self.queue.push_back(unit);
        // An empty queue takes any unit, since the pipe may take it at once;
        // what it does not take waits beyond `room` until the next offers.
        self.flush();
        if self.begun == 0 && self.queued > self.room {
            if let Some(unit) = self.queue.pop_back() {
                self.queued -= unit.len();
                self.drops.add(unit.len());
            }
        }
    }

    /// Writes queued units until the pipe is full; a reader that left
    /// loses what was queued for it (counted) and is looked for again.
    fn flush(&mut self) {
        let Some(fd) = &self.fd else { return };
        while let Some(front) = self.queue.front() {
            match retry_on_eintr(|| write_capped(fd.as_fd(), &front[self.begun..])) {
                Ok(n) => {
                    self.begun += n;
                    if self.begun < front.len() {
                        return;
                    }
                    self.begun = 0;
                    self.queued -= front.len();
                    self.queue.pop_front();
                }
                Err(Errno::EAGAIN) => return,
                Err(_) => {
                    // The reader left (EPIPE) or the FIFO failed.
                    self.fd = None;
                    self.begun = 0;
                    self.queued = 0;
                    for unit in self.queue.drain(..) {
                        self.drops.add(unit.len());
                    }
                    return;
                }
            }
        }
    }

    /// Waits (at most [`FINISH_UNIT`]) for the reader to take the rest of
    /// the unit it has begun.
    fn finish_begun_unit(&mut self) {
        let deadline = Instant::now() + FINISH_UNIT;
        while self.begun > 0 {
            let Some(fd) = &self.fd else { return };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
            let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLOUT)];
            if !matches!(retry_on_eintr(|| poll(&mut fds, timeout)), Ok(1..)) {
                return;
            }
            self.flush();
        }
    }
}

#[cfg(test)]
mod tests {
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
        tap.finish();
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
        tap.finish();
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
}
