//! The reading side: reassembles each writer's chunks, fed bytes in any
//! split, and hands out every message whole when its last chunk arrives.

use std::collections::{HashMap, VecDeque};

use super::{DEFAULT_MAX_PENDING, FrameProblem, HEADER_LEN, Header, WriterId};

mod handover;
use crate::{Error, Result, Subject};

/// What the memory cap charges for each unfinished message besides its
/// bytes: about what the decoder spends to keep track of it.
pub const ENTRY_COST: u64 = 64;

/// A complete message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Message {
    /// Who wrote it.
    pub writer: WriterId,
    /// Its number among its writer's messages, from 0.
    pub sequence: u64,
    /// Its bytes.
    pub data: Vec<u8>,
    /// The stream offset just past its last chunk.
    pub end: u64,
}

/// Messages whose last chunk has not arrived, and their bytes so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unfinished {
    /// How many messages.
    pub messages: u64,
    /// Their payload bytes received so far.
    pub bytes: u64,
}

/// The part of a writer's message received so far.
#[derive(Debug)]
struct Partial {
    sequence: u64,
    /// The index of the chunk that must come next.
    next: u64,
    data: Vec<u8>,
}

/// A chunk whose header has been read and whose payload is arriving.
#[derive(Debug)]
struct Current {
    writer: WriterId,
    /// The message it continues; `None` for a chunk of a lost message,
    /// whose payload is read and thrown away.
    partial: Option<Partial>,
    remaining: usize,
    last: bool,
}

/// Why the decoder stopped for good.
#[derive(Debug, Clone)]
enum Broken {
    Corrupt { offset: u64, problem: FrameProblem },
    TooLarge,
}

/// Reassembles framed messages from a byte stream.
///
/// Feed it bytes as they arrive with [`Decoder::push`], in any split, and
/// take complete messages with [`Decoder::pop`], in the order their last
/// chunks arrived. At the end of the stream, [`Decoder::finish`] says what
/// was dropped: the messages whose writers never sent their last chunk.
///
/// Memory: the decoder holds every unfinished message's bytes received so far
/// (it must: a message is handed out whole, never in part), plus complete
/// messages not yet popped, plus at most one chunk header. Nothing else grows
/// with the stream. [`Decoder::with_max_pending_bytes`] bounds the first part
/// (in bytes received; a growing message's allocation can be up to twice its
/// bytes).
///
/// It does not resynchronise: from the first byte that is not a valid
/// continuation of the stream, every call fails with the same
/// [`Error::NotFramed`]. Messages completed before that point can still be
/// popped.
#[derive(Debug)]
pub struct Decoder {
    subject: Subject,
    /// Bytes consumed so far.
    offset: u64,
    /// Offset of the first byte of the chunk being read.
    chunk_start: u64,
    header: [u8; HEADER_LEN],
    /// Header bytes gathered so far (0 between chunks and during a payload).
    have: usize,
    current: Option<Current>,
    pending: HashMap<WriterId, Partial>,
    /// Writers whose message of this sequence lost chunks to someone else:
    /// its remaining chunks are thrown away.
    skipping: HashMap<WriterId, u64>,
    /// Messages that lost chunks, and the bytes of theirs that came here.
    lost: Unfinished,
    /// Payload bytes of unfinished messages, the current chunk's included.
    pending_bytes: u64,
    limit: u64,
    ready: VecDeque<Message>,
    broken: Option<Broken>,
}

impl Decoder {
    /// A decoder for the stream read from `subject` (named in errors),
    /// whose unfinished messages may hold [`DEFAULT_MAX_PENDING`] bytes.
    #[must_use]
    pub fn new(subject: Subject) -> Self {
        Self {
            subject,
            offset: 0,
            chunk_start: 0,
            header: [0; HEADER_LEN],
            have: 0,
            current: None,
            pending: HashMap::new(),
            skipping: HashMap::new(),
            lost: Unfinished::default(),
            pending_bytes: 0,
            limit: DEFAULT_MAX_PENDING,
            ready: VecDeque::new(),
            broken: None,
        }
    }

    /// Refuses the stream ([`Error::PendingTooLarge`]) once unfinished
    /// messages would hold more than `limit` bytes. Each unfinished message
    /// counts its bytes so far plus [`ENTRY_COST`] for its bookkeeping, as
    /// does each lost message whose remaining chunks are being skipped, so
    /// that a flood of empty first (or middle) chunks from made-up writers
    /// is bounded too.
    #[must_use]
    pub fn with_max_pending_bytes(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Bytes consumed so far.
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// True between chunks: no header or payload is half read.
    #[must_use]
    pub fn at_chunk_boundary(&self) -> bool {
        self.have == 0 && self.current.is_none()
    }

    /// The messages begun but not finished, and their bytes so far.
    #[must_use]
    pub fn unfinished(&self) -> Unfinished {
        let current = self.current.as_ref().and_then(|c| c.partial.as_ref());
        let partials = self.pending.values().chain(current);
        Unfinished {
            messages: partials.count() as u64,
            bytes: self.pending_bytes,
        }
    }

    /// How many bytes finish the header or payload being read (a whole
    /// header between chunks). A reader that must not consume a byte past
    /// the chunk it is in (a counted read, which leaves the rest in the
    /// FIFO) reads no more than this at a time.
    #[must_use]
    pub fn needed(&self) -> usize {
        self.current
            .as_ref()
            .map_or(HEADER_LEN - self.have, |current| current.remaining)
    }

    /// The messages that lost chunks to someone else (another reader of
    /// the FIFO, or one killed while it held them): they can never be
    /// whole, so they are not handed out; with the bytes of theirs that
    /// came here.
    #[must_use]
    pub fn lost(&self) -> Unfinished {
        self.lost
    }

    /// Returns complete messages taken but not dealt with, oldest first, to
    /// the front of the queue.
    pub(crate) fn put_back(&mut self, messages: VecDeque<Message>) {
        for message in messages.into_iter().rev() {
            self.ready.push_front(message);
        }
    }

    /// The oldest complete message not yet taken.
    pub fn pop(&mut self) -> Option<Message> {
        self.ready.pop_front()
    }

    /// Consumes `data`, the next bytes of the stream.
    ///
    /// # Errors
    /// [`Error::NotFramed`] naming the offset of the first bad chunk, or
    /// [`Error::PendingTooLarge`]; every later call fails the same way.
    pub fn push(&mut self, mut data: &[u8]) -> Result<()> {
        if let Some(broken) = &self.broken {
            return Err(self.error(broken.clone()));
        }
        while !data.is_empty() {
            if let Some(current) = &mut self.current {
                let take = current.remaining.min(data.len());
                if let Some(partial) = &mut current.partial {
                    partial.data.extend_from_slice(&data[..take]);
                } else {
                    self.lost.bytes += take as u64;
                }
                current.remaining -= take;
                data = &data[take..];
                self.offset += take as u64;
                if current.remaining == 0 {
                    self.chunk_done();
                }
                continue;
            }
            if self.have == 0 {
                self.chunk_start = self.offset;
            }
            let take = (HEADER_LEN - self.have).min(data.len());
            self.header[self.have..self.have + take].copy_from_slice(&data[..take]);
            self.have += take;
            data = &data[take..];
            self.offset += take as u64;
            let parsed = if self.have == HEADER_LEN {
                self.have = 0;
                Header::decode(&self.header).map(Some)
            } else {
                Header::check_prefix(&self.header[..self.have]).map(|()| None)
            };
            match parsed {
                Ok(Some(header)) => self.chunk_begins(&header)?,
                Ok(None) => {}
                Err(problem) => return Err(self.corrupt(problem)),
            }
        }
        Ok(())
    }

    /// Ends the stream; returns what was dropped: the messages whose last
    /// chunk never came.
    ///
    /// # Errors
    /// [`Error::NotFramed`] when the stream ends inside a chunk, or the
    /// error that stopped the decoder earlier.
    pub fn finish(&mut self) -> Result<Unfinished> {
        if let Some(broken) = &self.broken {
            return Err(self.error(broken.clone()));
        }
        if !self.at_chunk_boundary() {
            return Err(self.corrupt(FrameProblem::Truncated));
        }
        let dropped = self.unfinished();
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(dropped)
    }

    /// A header has been read: files the chunk under its writer's message
    /// and gets ready for its payload.
    ///
    /// A chunk that does not continue its writer's message (a gap, a
    /// repeat, a chunk without its start, a new message while one is
    /// unfinished) means chunks went elsewhere: to another reader of the
    /// same FIFO that took no turns, or to one that was killed. The
    /// messages it breaks can never be whole, so they are counted as lost
    /// and their remaining chunks thrown away; the stream reads on.
    fn chunk_begins(&mut self, header: &Header) -> Result<()> {
        let writer = header.writer;
        // At most one lookup (hashing costs as much as the rest of a short
        // chunk): none for a one-chunk message while nothing is unfinished.
        let unfinished = if self.pending.is_empty() {
            None
        } else {
            self.pending.remove(&writer)
        };
        let partial = match unfinished {
            Some(partial)
                if header.index != 0
                    && partial.sequence == header.sequence
                    && partial.next == header.index =>
            {
                Some(partial)
            }
            broken => {
                if let Some(broken) = broken {
                    self.lose(&broken);
                    // Its later chunks, if this is one, are not lost again.
                    self.skipping.insert(writer, broken.sequence);
                }
                if header.index == 0 {
                    if !self.skipping.is_empty() {
                        self.skipping.remove(&writer);
                    }
                    Some(Partial {
                        sequence: header.sequence,
                        next: 0,
                        data: Vec::new(),
                    })
                } else {
                    if self.skipping.insert(writer, header.sequence) != Some(header.sequence) {
                        self.lost.messages += 1;
                        // Made-up writers' middle chunks must not grow it
                        // past the cap either.
                        self.check_limit(0, 0)?;
                    }
                    None
                }
            }
        };
        let len = u64::from(header.len);
        if partial.is_some() {
            self.check_limit(len, 1)?;
            self.pending_bytes += len;
        }
        self.current = Some(Current {
            writer,
            partial,
            remaining: header.len as usize,
            last: header.is_last(),
        });
        if header.len == 0 {
            self.chunk_done();
        }
        Ok(())
    }

    /// Refuses the stream ([`Error::PendingTooLarge`]) when the unfinished
    /// messages' bytes with `bytes` more, and [`ENTRY_COST`] for each of
    /// them, each message being skipped and `entries` more, pass the limit.
    fn check_limit(&mut self, bytes: u64, entries: u64) -> Result<()> {
        let entries = (self.pending.len() + self.skipping.len()) as u64 + entries;
        let need = self
            .pending_bytes
            .saturating_add(bytes)
            .saturating_add(entries.saturating_mul(ENTRY_COST));
        if need > self.limit {
            self.broken = Some(Broken::TooLarge);
            return Err(self.error(Broken::TooLarge));
        }
        Ok(())
    }

    /// Counts a message that can no longer be finished as lost.
    fn lose(&mut self, partial: &Partial) {
        let bytes = partial.data.len() as u64;
        self.pending_bytes -= bytes;
        self.lost.messages += 1;
        self.lost.bytes += bytes;
    }

    /// The current chunk's payload is all here.
    fn chunk_done(&mut self) {
        let Some(Current {
            writer,
            partial,
            last,
            ..
        }) = self.current.take()
        else {
            return;
        };
        let Some(mut partial) = partial else {
            if last {
                self.skipping.remove(&writer);
            }
            return;
        };
        partial.next += 1;
        if last {
            self.pending_bytes -= partial.data.len() as u64;
            self.ready.push_back(Message {
                writer,
                sequence: partial.sequence,
                data: partial.data,
                end: self.offset,
            });
        } else {
            self.pending.insert(writer, partial);
        }
    }

    fn corrupt(&mut self, problem: FrameProblem) -> Error {
        let broken = Broken::Corrupt {
            offset: self.chunk_start,
            problem,
        };
        self.broken = Some(broken.clone());
        self.error(broken)
    }

    fn error(&self, broken: Broken) -> Error {
        let subject = self.subject.clone();
        match broken {
            Broken::Corrupt { offset, problem } => Error::NotFramed {
                subject,
                offset,
                problem,
            },
            Broken::TooLarge => Error::PendingTooLarge {
                subject,
                limit: self.limit,
            },
        }
    }
}
