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
//! use fifo_core::transfer::lossy::{LossyOutput, Unit};
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("tap");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! // Nobody reads the tap: the line is dropped, and nothing blocks.
//! let mut tap = LossyOutput::new(&path, Unit::Line, 1 << 20)?;
//! tap.offer(b"hello\n");
//! fifo_core::transfer::lossy::finish_all(std::slice::from_mut(&mut tap), fifo_core::transfer::lossy::END_GRACE);
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
/// How long, once the input has ended, a lossy output's reader may take
/// nothing before what is still queued for it is given up (`tee --idle`).
pub const END_GRACE: Duration = Duration::from_secs(2);

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
    given_up_units: AtomicU64,
    given_up_bytes: AtomicU64,
}

impl Drops {
    fn new(unit: Unit) -> Self {
        Self {
            unit,
            units: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            given_up_units: AtomicU64::new(0),
            given_up_bytes: AtomicU64::new(0),
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

    /// Of those, the units and bytes still queued after the end of the
    /// input when its reader took nothing for the grace ([`finish_all`]).
    #[must_use]
    pub fn given_up(&self) -> (u64, u64) {
        (
            self.given_up_units.load(Ordering::Relaxed),
            self.given_up_bytes.load(Ordering::Relaxed),
        )
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
    /// When its reader last took a byte.
    last_taken: Instant,
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
            last_taken: Instant::now(),
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

    /// Ends the input: an unterminated last line is a unit. What is queued
    /// is delivered by [`finish_all`].
    fn end_input(&mut self) {
        if !self.partial.is_empty() || self.dropping {
            let line = std::mem::take(&mut self.partial);
            if std::mem::take(&mut self.dropping) {
                self.drops.add(line.len());
            } else {
                self.commit(line);
            }
        }
        self.last_taken = Instant::now();
        self.flush();
    }

    /// Counts what is queued as dropped (of the unit the reader has begun,
    /// the rest it did not get) and empties the queue.
    fn drop_queue(&mut self) -> (u64, u64) {
        let begun = std::mem::take(&mut self.begun);
        let mut dropped = (0, 0);
        for (n, unit) in self.queue.drain(..).enumerate() {
            let rest = if n == 0 {
                unit.len() - begun
            } else {
                unit.len()
            };
            self.drops.add(rest);
            dropped = (dropped.0 + 1, dropped.1 + rest as u64);
        }
        self.queued = 0;
        dropped
    }

    /// Whether something is queued for a reader that is there.
    fn delivering(&self) -> bool {
        self.fd.is_some() && !self.queue.is_empty()
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
                    self.last_taken = Instant::now();
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
                    self.drop_queue();
                    return;
                }
            }
        }
    }
}

/// Ends the input of every output in `outputs`, then delivers what each has
/// queued while its reader takes it, all at once: an output whose reader
/// takes nothing for `grace` (or leaves) is given up, and what was still
/// queued for it is counted as dropped ([`Drops::given_up`]). So the end
/// waits at most `grace` past the last byte any reader took, and what it
/// waits for is bounded by each output's pipe and queue.
pub fn finish_all(outputs: &mut [LossyOutput], grace: Duration) {
    for output in outputs.iter_mut() {
        output.end_input();
    }
    loop {
        let now = Instant::now();
        for output in outputs.iter_mut() {
            if output.delivering() && now.duration_since(output.last_taken) >= grace {
                let (units, bytes) = output.drop_queue();
                output
                    .drops
                    .given_up_units
                    .fetch_add(units, Ordering::Relaxed);
                output
                    .drops
                    .given_up_bytes
                    .fetch_add(bytes, Ordering::Relaxed);
            }
        }
        let Some(wait) = outputs
            .iter()
            .filter(|output| output.delivering())
            .map(|output| grace.saturating_sub(now.duration_since(output.last_taken)))
            .min()
        else {
            break;
        };
        let mut fds: Vec<PollFd<'_>> = outputs
            .iter()
            .filter(|output| output.delivering())
            .filter_map(|output| output.fd.as_ref())
            .map(|fd| PollFd::new(fd.as_fd(), PollFlags::POLLOUT))
            .collect();
        let timeout = PollTimeout::try_from(wait).unwrap_or(PollTimeout::MAX);
        // A failed poll only means looking again: the grace still ends it.
        let _ = retry_on_eintr(|| poll(&mut fds, timeout));
        drop(fds);
        for output in outputs.iter_mut() {
            output.flush();
        }
    }
    for output in outputs {
        output.fd = None;
    }
}

#[cfg(test)]
mod tests;
