//! What a serve that stops early leaves for the next reader of its FIFO:
//! the unfinished messages of other writers, as a framed stream of their
//! chunks in the framed readers' [`Stash`], and how the next one takes them
//! up. A counted serve (`-n`) thereby drops no chunk it read past its last
//! request, as `fifo cat --frame -l` drops none.

use std::os::fd::BorrowedFd;

use super::request::{Skip, Splitter, Unit, WRITER_COST};
use crate::Result;
use crate::transfer::frame::{FrameProblem, Stash};

impl Splitter {
    /// Takes the unfinished messages, oldest first, as a framed stream of
    /// their chunks (writers, sequences and indexes kept), for the next
    /// reader of the same FIFO; `None`, and nothing taken, while a line or
    /// a chunk is half read.
    pub fn take_unfinished(&mut self) -> Option<Vec<u8>> {
        if self.unit != Unit::Start {
            return None;
        }
        let mut stream = Vec::new();
        for writer in std::mem::take(&mut self.oldest).into_values() {
            if let Some((_, mut decoder)) = self.writers.remove(&writer) {
                stream.extend(decoder.take_unfinished().unwrap_or_default());
            }
        }
        self.pending = 0;
        Some(stream)
    }

    /// Takes up what an earlier reader of the same FIFO left
    /// ([`Splitter::take_unfinished`], or `fifo cat --frame`'s stash), before
    /// reading the FIFO: whole chunks, so the stream's offsets stay those
    /// of the FIFO.
    pub fn resume(&mut self, stream: &[u8]) {
        let offset = self.offset;
        self.push(stream);
        self.offset = offset;
        if self.unit != Unit::Start {
            // A stream cut short: its last bytes are no chunk to finish.
            self.buf.clear();
            self.unit = Unit::Start;
            self.skipped(offset, Skip::NotAChunk(FrameProblem::Truncated));
        }
    }

    /// Takes up (and removes) what an earlier framed reader of the FIFO held
    /// as `fifo` left in `stash`.
    ///
    /// # Errors
    /// The stash's error: it cannot be made, or another user could have
    /// planted it.
    pub fn take_stash(&mut self, stash: &Stash, fifo: BorrowedFd<'_>) -> Result<()> {
        if let Some((stream, _)) = stash.take(fifo)? {
            self.resume(&stream);
        }
        Ok(())
    }

    /// Leaves the unfinished messages in `stash` for the next framed reader
    /// of the FIFO held as `fifo`; returns what was dropped instead, as
    /// (messages, bytes): all of it when reading stopped inside a line or a
    /// chunk.
    ///
    /// # Errors
    /// The stash's error (what could not be kept is lost).
    pub fn leave_in(&mut self, stash: &Stash, fifo: BorrowedFd<'_>) -> Result<(u64, u64)> {
        let dropped = (
            self.writers.len() as u64,
            self.pending - self.writers.len() as u64 * WRITER_COST,
        );
        match self.take_unfinished() {
            Some(stream) => stash.keep(fifo, &stream).map(|_| (0, 0)),
            None => Ok(dropped),
        }
    }
}
