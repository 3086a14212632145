//! What a deep buffer holds, in order, and when each side may go on: the
//! bookkeeping both threads share under one lock, with no system calls.
//!
//! The data is a queue of pieces, each in memory or in the spill file. The
//! reader puts a read into memory while it fits and into the file beyond;
//! a piece in memory after one in the file is fine, since the writer takes
//! pieces in order. Memory is counted by what the pieces allocate, so it
//! never exceeds the buffer's size, whatever the reads' sizes.
//!
//! The watermarks are mbuffer's: with `start_at` (`-P`) the writer waits
//! until the buffer holds that much, again each time it runs empty; with
//! `resume_at` (`-p`) a reader that found the buffer full waits until it
//! holds less than that.

use std::collections::VecDeque;

use crate::sys::fd::Fault;

/// A run of buffered bytes.
#[derive(Debug)]
pub(super) enum Piece {
    /// Bytes in memory; its capacity is what it costs.
    Memory(Vec<u8>),
    /// This many bytes next in the spill file.
    File(u64),
}

/// The shared state of a deep buffer.
#[derive(Debug)]
pub(super) struct Queue {
    pieces: VecDeque<Piece>,
    /// The most memory the pieces may allocate.
    size: usize,
    /// The capacity of a new piece in memory.
    chunk: usize,
    /// Memory allocated by pieces queued or being written.
    allocated: usize,
    /// Pieces already written, kept empty for reuse: allocating and freeing
    /// a piece per chunk costs page faults when the allocator gives the
    /// memory back in between. Together with `allocated`, within `size`.
    spare: Vec<Vec<u8>>,
    /// Bytes queued or being written, in memory and in the file.
    pub(super) buffered: u64,
    /// Of those, the bytes in the file.
    pub(super) in_file: u64,
    /// Where the next spilled bytes go, and where the next are read.
    pub(super) write_at: u64,
    pub(super) read_at: u64,
    /// A write to the file failed: memory only, until the file is empty.
    pub(super) spill_refused: bool,
    /// The input ended: `Ok` at end of file, or why reading failed.
    pub(super) ended: Option<Result<(), Fault>>,
    /// The writer gave up; the reader stops.
    pub(super) closed: bool,
    /// The reader is writing to the file, without the lock.
    pub(super) spilling: bool,
    start_at: Option<u64>,
    resume_at: Option<u64>,
    /// The writer may write (always, without `start_at`).
    flowing: bool,
    /// The reader waits for room; it then counts as full for `start_at`.
    pub(super) reader_waits: bool,
}

impl Queue {
    /// An empty buffer of `size` bytes of memory in pieces of `chunk`, with
    /// the watermarks as percentages of `size`.
    pub(super) fn new(
        size: usize,
        chunk: usize,
        start_at: Option<u8>,
        resume_at: Option<u8>,
    ) -> Self {
        let of_size = |percent: u8| size as u64 * u64::from(percent.min(100)) / 100;
        let start_at = start_at.filter(|&p| p > 0).map(of_size);
        Self {
            pieces: VecDeque::new(),
            size,
            chunk,
            allocated: 0,
            spare: Vec::new(),
            buffered: 0,
            in_file: 0,
            write_at: 0,
            read_at: 0,
            spill_refused: false,
            ended: None,
            closed: false,
            spilling: false,
            start_at,
            resume_at: resume_at.map(of_size),
            flowing: start_at.is_none(),
            reader_waits: false,
        }
    }

    /// Copies as much of `data` into memory as fits after what is queued;
    /// returns how much.
    pub(super) fn put_in_memory(&mut self, data: &[u8]) -> usize {
        let mut taken = 0;
        while taken < data.len() {
            if let Some(Piece::Memory(last)) = self.pieces.back_mut() {
                let room = last.capacity() - last.len();
                if room > 0 {
                    let n = room.min(data.len() - taken);
                    last.extend_from_slice(&data[taken..taken + n]);
                    taken += n;
                    continue;
                }
            }
            if self.allocated + self.chunk > self.size {
                break;
            }
            self.allocated += self.chunk;
            let piece = self
                .spare
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(self.chunk));
            self.pieces.push_back(Piece::Memory(piece));
        }
        self.buffered += taken as u64;
        taken
    }

    /// Whether the reader may spill now; an empty file starts again from
    /// offset 0 (the caller clears it), and a refusal is forgotten.
    pub(super) fn may_spill(&mut self) -> bool {
        if self.in_file == 0 {
            self.spill_refused = false;
        }
        !self.spill_refused
    }

    /// Whether the file is empty but not at offset 0, so that clearing it
    /// gives its space back; resets the offsets if so.
    pub(super) fn rewind_file(&mut self) -> bool {
        let rewind = self.in_file == 0 && self.write_at > 0;
        if rewind {
            self.write_at = 0;
            self.read_at = 0;
        }
        rewind
    }

    /// Records `n` bytes the reader wrote to the file at `write_at`.
    pub(super) fn spilled(&mut self, n: u64) {
        if n == 0 {
            return;
        }
        self.write_at += n;
        self.in_file += n;
        self.buffered += n;
        match self.pieces.back_mut() {
            Some(Piece::File(len)) => *len += n,
            _ => self.pieces.push_back(Piece::File(n)),
        }
    }

    /// Whether a reader that found no room may go on: with `resume_at`, once
    /// the buffer holds less than that (or nothing); without, once memory
    /// has room for a piece or the file may be written again.
    pub(super) fn reader_may_go_on(&self, spill: bool) -> bool {
        if self.closed {
            return true;
        }
        if let Some(low) = self.resume_at {
            return self.buffered < low || self.buffered == 0;
        }
        let last_has_room =
            matches!(self.pieces.back(), Some(Piece::Memory(v)) if v.len() < v.capacity());
        last_has_room || self.allocated + self.chunk <= self.size || (spill && self.in_file == 0)
    }

    /// What the writer should do next: `None` to wait for the reader.
    pub(super) fn next(&mut self) -> Option<Next> {
        if self.pieces.is_empty() {
            if let Some(end) = self.ended {
                return Some(Next::End(end));
            }
            self.flowing = self.start_at.is_none();
            return None;
        }
        if !self.flowing {
            let high = self.start_at.unwrap_or(0);
            if self.buffered < high && self.ended.is_none() && !self.reader_waits {
                return None;
            }
            self.flowing = true;
        }
        Some(match self.pieces.front_mut() {
            Some(Piece::Memory(_)) => match self.pieces.pop_front() {
                Some(Piece::Memory(data)) => Next::Memory(data),
                _ => unreachable!("the front piece was just seen in memory"),
            },
            Some(Piece::File(len)) => {
                let n = (*len).min(self.chunk as u64);
                Next::File {
                    offset: self.read_at,
                    len: n,
                }
            }
            None => unreachable!("the queue was just seen not empty"),
        })
    }

    /// Records that the writer wrote a piece that was in memory, and keeps
    /// it for reuse.
    pub(super) fn wrote_memory(&mut self, mut piece: Vec<u8>) {
        self.allocated -= piece.capacity();
        self.buffered -= piece.len() as u64;
        piece.clear();
        self.spare.push(piece);
    }

    /// Records that the writer wrote `n` bytes from the front of the file.
    pub(super) fn wrote_file(&mut self, n: u64) {
        if let Some(Piece::File(len)) = self.pieces.front_mut() {
            *len -= n;
            if *len == 0 {
                self.pieces.pop_front();
            }
        }
        self.read_at += n;
        self.in_file -= n;
        self.buffered -= n;
    }
}

/// The writer's next step.
#[derive(Debug)]
pub(super) enum Next {
    /// Write this piece from memory.
    Memory(Vec<u8>),
    /// Read `len` bytes at `offset` of the file and write them.
    File { offset: u64, len: u64 },
    /// Everything is written; the input ended so.
    End(Result<(), Fault>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_counted_by_what_the_pieces_allocate() {
        let mut queue = Queue::new(300, 100, None, None);
        for _ in 0..30 {
            assert_eq!(queue.put_in_memory(&[1; 7]), 7);
        }
        assert_eq!((queue.buffered, queue.allocated), (210, 300));
        assert_eq!(queue.put_in_memory(&[2; 200]), 90);
        assert!(!queue.reader_may_go_on(false));
        let Some(Next::Memory(first)) = queue.next() else {
            panic!("memory first")
        };
        assert_eq!(first.len(), 100);
        queue.wrote_memory(first);
        assert!(queue.reader_may_go_on(false));
    }

    #[test]
    fn written_pieces_are_reused_and_memory_stays_within_the_size() {
        let mut queue = Queue::new(300, 100, None, None);
        for round in 0..5 {
            assert_eq!(queue.put_in_memory(&[round; 1000]), 300);
            assert_eq!(queue.allocated + queue.spare.len() * 100, 300);
            while let Some(Next::Memory(piece)) = queue.next() {
                assert_eq!(piece, [round; 100]);
                queue.wrote_memory(piece);
            }
            assert_eq!((queue.allocated, queue.spare.len()), (0, 3));
        }
    }

    #[test]
    fn order_is_kept_across_memory_and_file() {
        let mut queue = Queue::new(100, 100, None, None);
        assert_eq!(queue.put_in_memory(&[1; 150]), 100);
        assert!(queue.may_spill());
        queue.spilled(50);
        let Some(Next::Memory(head)) = queue.next() else {
            panic!("memory first")
        };
        queue.wrote_memory(head);
        assert_eq!(queue.put_in_memory(&[3; 10]), 10);
        let Some(Next::File { offset: 0, len: 50 }) = queue.next() else {
            panic!("then the file")
        };
        queue.wrote_file(50);
        assert!(matches!(queue.next(), Some(Next::Memory(tail)) if tail == [3; 10]));
        assert!(queue.rewind_file());
    }

    #[test]
    fn start_at_holds_the_writer_until_the_mark_or_the_end_each_time_it_empties() {
        let mut queue = Queue::new(1000, 100, Some(50), None);
        queue.put_in_memory(&[0; 499]);
        assert!(queue.next().is_none());
        queue.put_in_memory(&[0; 1]);
        let Some(Next::Memory(piece)) = queue.next() else {
            panic!("at the mark")
        };
        queue.wrote_memory(piece);
        while let Some(Next::Memory(piece)) = queue.next() {
            queue.wrote_memory(piece);
        }
        queue.put_in_memory(&[0; 10]);
        assert!(
            queue.next().is_none(),
            "ran empty: waits for the mark again"
        );
        queue.ended = Some(Ok(()));
        assert!(matches!(queue.next(), Some(Next::Memory(_))));
    }

    /// What `buffer_marks.sh` met in about half its runs (reading stopped
    /// with 340 to 720 KiB of 1 MiB held): the reader got a whole buffer
    /// ahead of the writer, whose output then filled with the buffer above
    /// the mark. Full is full: the pieces hold the size in data (pieces the
    /// writer took partly filled are given back, then reused), and with
    /// `resume_at` the reader then waits until the writer takes it below
    /// the mark, however long the writer stalls above it.
    #[test]
    fn a_buffer_that_filled_ahead_of_the_writer_holds_the_reader_above_the_mark() {
        let mut queue = Queue::new(1600, 100, None, Some(25));
        // The writer keeps up at first, taking pieces as they start.
        for _ in 0..3 {
            assert_eq!(queue.put_in_memory(&[0; 30]), 30);
            let Some(Next::Memory(piece)) = queue.next() else {
                panic!("data")
            };
            queue.wrote_memory(piece);
        }
        // Then it lags: reads of odd sizes until one does not fit.
        while queue.put_in_memory(&[1; 37]) == 37 {}
        assert_eq!((queue.buffered, queue.allocated), (1600, 1600));
        assert!(!queue.reader_may_go_on(false));
        // The writer takes half, then its output is full: the reader waits.
        for _ in 0..8 {
            let Some(Next::Memory(piece)) = queue.next() else {
                panic!("data")
            };
            queue.wrote_memory(piece);
        }
        assert_eq!(queue.buffered, 800);
        assert!(!queue.reader_may_go_on(false), "half full, above 25 %");
    }

    #[test]
    fn resume_at_holds_a_full_reader_until_below_the_mark() {
        let mut queue = Queue::new(400, 100, None, Some(50));
        assert_eq!(queue.put_in_memory(&[0; 500]), 400);
        for left in [300, 200] {
            assert!(!queue.reader_may_go_on(false));
            let Some(Next::Memory(piece)) = queue.next() else {
                panic!("data")
            };
            queue.wrote_memory(piece);
            assert_eq!(queue.buffered, left);
        }
        assert!(!queue.reader_may_go_on(false), "at 50 %, not below");
        let Some(Next::Memory(piece)) = queue.next() else {
            panic!("data")
        };
        queue.wrote_memory(piece);
        assert!(queue.reader_may_go_on(false));
    }
}
