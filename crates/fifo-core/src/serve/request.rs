//! Splitting one FIFO stream into requests: text lines (or NUL-terminated
//! records) and framed messages, told apart by their first byte.
//!
//! A request that starts with [`MAGIC`] (`0xFF`, never the first byte of
//! UTF-8 text) is a framed chunk; anything else is a line, ending at the
//! separator. Chunks are reassembled per writer, each writer with its own
//! [`Decoder`], so a broken or vanished writer loses only its own message.
//! A request that starts with `0xFF` but is not a valid chunk header (a
//! binary line) is skipped through its separator, and said so; it never
//! stops the stream.
//!
//! Unfinished messages are kept up to a cap on all of them together (any
//! writer can start messages it never finishes); past it, the oldest is
//! dropped, and said so (the module `messages` reassembles them).

mod messages;

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::transfer::frame::{Decoder, FrameProblem, HEADER_LEN, MAGIC, WriterId, chunk_len};

/// What the cap on unfinished messages charges for each besides its bytes:
/// more than a writer's decoder and its place in the maps cost.
pub const WRITER_COST: u64 = 1024;

/// Where a request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A text line (or, with a NUL separator, a record).
    Line,
    /// A framed message.
    Message {
        /// The process that wrote it, as the frame claims.
        pid: u32,
    },
}

/// One request, whole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request {
    /// What the command gets on its standard input: a line with its
    /// newline, a NUL-terminated record without its NUL, or a message's body.
    pub body: Vec<u8>,
    /// Where it came from, and so where its reply goes.
    pub origin: Origin,
}

/// What the splitter hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A request, whole.
    Request(Request),
    /// Bytes that were not a request, skipped.
    Skipped {
        /// The stream offset of their first byte.
        offset: u64,
        /// Why.
        why: Skip,
    },
}

/// Why bytes were skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Skip {
    /// A line starting with `0xFF` that is not a valid chunk: skipped
    /// through its separator.
    NotAChunk(FrameProblem),
    /// A chunk that does not continue its writer's message: that writer's
    /// unfinished message is dropped.
    OutOfOrder(WriterId),
    /// A call sent on the FIFO, naming a reply path (the form of version
    /// 1): refused, as a FIFO cannot tell who sent it.
    FifoCall,
    /// A line or message larger than the limit: skipped whole.
    TooLarge(u64),
    /// Unfinished messages passed the cap on all of them: the oldest is
    /// dropped.
    Crowded {
        /// The cap, in bytes.
        cap: u64,
        /// The writer of the message dropped.
        writer: WriterId,
        /// Its bytes received so far.
        bytes: u64,
    },
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAChunk(problem) => {
                write!(
                    f,
                    "a line starting with byte 0xff is not a frame ({problem}); skipped through its end"
                )
            }
            Self::OutOfOrder(writer) => write!(
                f,
                "a chunk from writer {writer} is out of order; its unfinished message is dropped"
            ),
            Self::FifoCall => write!(
                f,
                "a call naming a reply path is refused (a FIFO cannot tell who sent it); \
                 fifo call sends calls to the call socket"
            ),
            Self::TooLarge(limit) => {
                write!(f, "a request larger than {limit} bytes; skipped")
            }
            Self::Crowded { cap, writer, bytes } => write!(
                f,
                "unfinished messages passed {cap} bytes; dropped the oldest, \
                 from writer {writer} ({bytes} bytes received)"
            ),
        }
    }
}

/// What the bytes being gathered are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    /// Nothing yet: the next byte decides.
    Start,
    Line,
    /// A chunk; its full length once its header is in.
    Chunk(Option<usize>),
    /// Skipping through the next separator.
    Junk,
    /// Skipping an over-long line through the next separator.
    LongLine,
}

/// Splits a byte stream, pushed in any split, into [`Event`]s.
#[derive(Debug)]
pub struct Splitter {
    separator: u8,
    limit: u64,
    pub(super) unit: Unit,
    /// The current line or chunk so far.
    pub(super) buf: Vec<u8>,
    /// The stream offset of `buf`'s first byte.
    start: u64,
    pub(super) offset: u64,
    /// Each writer's unfinished message, with its place in `oldest`.
    pub(super) writers: HashMap<WriterId, (u64, Decoder)>,
    /// The writers with unfinished messages, oldest first.
    pub(super) oldest: BTreeMap<u64, WriterId>,
    /// How many writers have begun a message so far.
    begun: u64,
    /// What the unfinished messages cost together: their bytes, and
    /// [`WRITER_COST`] each.
    pub(super) pending: u64,
    /// The cap on `pending`.
    cap: u64,
    events: VecDeque<Event>,
    /// Why the bytes now being skipped are skipped.
    skipping: Option<Skip>,
}

impl Splitter {
    /// A splitter of lines ending with `separator` (`b'\n'`, or `0` for
    /// records) and framed messages; a line, or the unfinished messages of
    /// one writer, larger than `limit` bytes are skipped. Unfinished
    /// messages are capped together at `limit` too, unless
    /// [`Splitter::with_cap`] says otherwise.
    #[must_use]
    pub fn new(separator: u8, limit: u64) -> Self {
        Self {
            separator,
            limit,
            unit: Unit::Start,
            buf: Vec::new(),
            start: 0,
            offset: 0,
            writers: HashMap::new(),
            oldest: BTreeMap::new(),
            begun: 0,
            pending: 0,
            cap: limit,
            events: VecDeque::new(),
            skipping: None,
        }
    }

    /// Caps what all unfinished messages together may cost (their bytes,
    /// and [`WRITER_COST`] each) at `cap`: past it the oldest is dropped.
    #[must_use]
    pub fn with_cap(mut self, cap: u64) -> Self {
        self.cap = cap;
        self
    }

    /// What the unfinished messages cost now (their bytes, and
    /// [`WRITER_COST`] each).
    #[must_use]
    pub fn pending(&self) -> u64 {
        self.pending
    }

    /// The next event, oldest first.
    pub fn pop(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// How many bytes can be read next without reading past the end of a
    /// request: the rest of a chunk when in one, else 1. A reader that must
    /// not consume more requests than it handles reads at most this much.
    #[must_use]
    pub fn safe_read_len(&self) -> usize {
        match self.unit {
            Unit::Chunk(None) => HEADER_LEN - self.buf.len(),
            Unit::Chunk(Some(len)) => len - self.buf.len(),
            _ => 1,
        }
    }

    /// Consumes the next bytes of the stream.
    pub fn push(&mut self, mut data: &[u8]) {
        while let Some(&first) = data.first() {
            match self.unit {
                Unit::Start => {
                    self.start = self.offset;
                    self.unit = if first == MAGIC {
                        Unit::Chunk(None)
                    } else {
                        Unit::Line
                    };
                }
                Unit::Line => {
                    let (take, ends) = self.to_separator(data);
                    self.buf.extend_from_slice(&data[..take]);
                    data = self.advance(data, take);
                    if self.buf.len() as u64 > self.limit {
                        self.buf = Vec::new();
                        self.skipping = Some(Skip::TooLarge(self.limit));
                        self.unit = Unit::LongLine;
                        if ends {
                            self.skipped(self.start, Skip::TooLarge(self.limit));
                            self.skipping = None;
                            self.unit = Unit::Start;
                        }
                    } else if ends {
                        let mut body = std::mem::take(&mut self.buf);
                        if self.separator == 0 {
                            body.pop();
                        }
                        self.emit(body, Origin::Line);
                        self.unit = Unit::Start;
                    }
                }
                Unit::Junk | Unit::LongLine => {
                    let (take, ends) = self.to_separator(data);
                    data = self.advance(data, take);
                    if ends {
                        if let Some(why) = self.skipping.take() {
                            self.skipped(self.start, why);
                        }
                        self.unit = Unit::Start;
                    }
                }
                Unit::Chunk(len) => {
                    let want = len.unwrap_or(HEADER_LEN) - self.buf.len();
                    let take = want.min(data.len());
                    self.buf.extend_from_slice(&data[..take]);
                    data = self.advance(data, take);
                    self.chunk_progress(len);
                }
            }
        }
    }

    /// How much of `data` belongs to the current line, and whether its
    /// separator is among it.
    fn to_separator(&self, data: &[u8]) -> (usize, bool) {
        match memchr::memchr(self.separator, data) {
            Some(at) => (at + 1, true),
            None => (data.len(), false),
        }
    }

    fn advance<'d>(&mut self, data: &'d [u8], n: usize) -> &'d [u8] {
        self.offset += n as u64;
        &data[n..]
    }

    /// Bytes of a chunk came in: checks its header, and once the chunk is
    /// whole, hands it to its writer's decoder.
    fn chunk_progress(&mut self, len: Option<usize>) {
        match (len, chunk_len(&self.buf)) {
            (_, Err(problem)) => {
                // Not a chunk: a binary line. Skip it through its separator
                // (which may be among the bytes gathered already).
                let gathered = std::mem::take(&mut self.buf);
                self.skipping = Some(Skip::NotAChunk(problem));
                self.unit = Unit::Junk;
                if let Some(at) = memchr::memchr(self.separator, &gathered) {
                    // The rest after the separator starts a new request.
                    self.unit = Unit::Start;
                    let why = self.skipping.take().unwrap_or(Skip::TooLarge(0));
                    self.skipped(self.start, why);
                    let rest = gathered[at + 1..].to_vec();
                    self.offset -= rest.len() as u64;
                    self.push(&rest);
                }
            }
            (None, Ok(Some(full))) => {
                self.unit = Unit::Chunk(Some(full));
                if full == self.buf.len() {
                    self.chunk_done();
                }
            }
            (Some(full), Ok(_)) if full == self.buf.len() => self.chunk_done(),
            _ => {}
        }
    }

    /// A whole chunk is in `buf`.
    fn chunk_done(&mut self) {
        let chunk = std::mem::take(&mut self.buf);
        self.unit = Unit::Start;
        self.take_chunk(&chunk);
    }

    fn emit(&mut self, body: Vec<u8>, origin: Origin) {
        self.events
            .push_back(Event::Request(Request { body, origin }));
    }

    pub(super) fn skipped(&mut self, offset: u64, why: Skip) {
        self.events.push_back(Event::Skipped { offset, why });
    }
}

#[cfg(test)]
mod tests;
