//! Framed messages: messages of any size from any number of concurrent
//! writers through one pipe, never interleaved.
//!
//! The kernel keeps a pipe write whole only up to its `PIPE_BUF` bytes. A
//! [`FrameWriter`] cuts each message into chunks of at most that many bytes
//! (the pipe's own `PIPE_BUF`, at most [`MAX_CHUNK`]), header included, and writes every chunk with one `write(2)`, so no other
//! writer's bytes can land inside a chunk. Each chunk names its writer, the
//! message's number and the chunk's place in it. A [`Decoder`] on the reading
//! side puts the chunks of each writer back together and hands out every
//! message whole once its last chunk has arrived. The wire format is
//! documented byte by byte in `docs/frames.md` (keep in sync with
//! [`HEADER_LEN`] and the offsets in `Header::encode`).
//!
//! ```
//! use std::os::fd::AsFd;
//! use fifo_core::Subject;
//! use fifo_core::transfer::frame::{Decoder, FrameWriter};
//!
//! let (read_end, write_end) = nix::unistd::pipe()?;
//! let mut writer = FrameWriter::new(write_end.as_fd(), Subject::path("q"))?;
//! writer.send(b"hello")?;
//! writer.write(&vec![b'x'; 10_000])?; // one message, written in pieces
//! writer.write(b"!")?;
//! writer.end()?;
//! drop(writer);
//! drop(write_end);
//!
//! let mut decoder = Decoder::new(Subject::path("q"));
//! let mut buf = [0u8; 65536];
//! let mut read_end = std::fs::File::from(read_end);
//! loop {
//!     let n = std::io::Read::read(&mut read_end, &mut buf)?;
//!     if n == 0 { break; }
//!     decoder.push(&buf[..n])?;
//! }
//! let dropped = decoder.finish()?;
//! assert_eq!(dropped.messages, 0);
//! let first = decoder.pop().unwrap();
//! assert_eq!(first.data, b"hello");
//! assert_eq!(decoder.pop().unwrap().data.len(), 10_001);
//! assert!(decoder.pop().is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

mod decode;
mod encode;
mod gather;
mod read;
mod stash;
#[cfg(test)]
mod tests;

pub use decode::{Decoder, ENTRY_COST, Message, Unfinished};
pub use encode::FrameWriter;
pub use read::{Ended, FrameReader};
pub use stash::Stash;

/// The first byte of every chunk. It never occurs in UTF-8 text, so a reader
/// can tell a chunk from a text line by its first byte.
pub const MAGIC: u8 = 0xFF;
/// The second byte of every chunk (`F`).
pub const MAGIC2: u8 = b'F';
/// The format version this library writes and reads.
pub const VERSION: u8 = 1;
/// Bytes of header in front of every chunk's payload.
pub const HEADER_LEN: usize = 36;
/// The largest chunk, header included: Linux's `PIPE_BUF`, fixed by the
/// format on every system. Where a pipe keeps less whole (512 bytes on
/// macOS and the BSDs), writers cut smaller chunks; readers take any size
/// up to this.
pub const MAX_CHUNK: usize = 4096;
/// The most payload one chunk carries: [`MAX_CHUNK`] less the header.
pub const MAX_PAYLOAD: usize = MAX_CHUNK - HEADER_LEN;

/// What unfinished messages may hold in a reader's memory unless it is told
/// otherwise ([`Decoder::with_max_pending_bytes`]): 1 GiB. Any writer can
/// begin messages and never finish them, so some cap must hold by default;
/// this one is far above what legitimate streams keep in flight (eight
/// writers half-way through 100 MiB messages hold 400 MiB). Every reader
/// of frames (`cat --frame`, `serve`) takes it from here.
pub const DEFAULT_MAX_PENDING: u64 = 1 << 30;

/// Flag bit: the chunk is its message's first (chunk index 0).
const FIRST: u8 = 0x01;
/// Flag bit: the chunk is its message's last.
const LAST: u8 = 0x02;

/// The size of the chunk at the start of `bytes`, header included, once its
/// header is all there (`None` before).
///
/// For a reader of a stream that mixes chunks with text lines (told apart
/// by their first byte, [`MAGIC`]): it says how many bytes to hand to a
/// [`Decoder`] before the next line or chunk may begin.
///
/// # Errors
/// The [`FrameProblem`] of a header that is not valid.
pub fn chunk_len(bytes: &[u8]) -> Result<Option<usize>, FrameProblem> {
    match bytes.first_chunk::<HEADER_LEN>() {
        Some(header) => Header::decode(header).map(|h| Some(HEADER_LEN + h.len as usize)),
        None => Header::check_prefix(bytes).map(|()| None),
    }
}

/// The chunks of `message` from `writer`, for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn test_chunks(writer: WriterId, message: &[u8]) -> Vec<Vec<u8>> {
    let mut chunker = encode::Chunker::new(writer, MAX_PAYLOAD);
    let mut out = Vec::new();
    let mut emit = |chunk: &[u8]| -> Result<(), std::convert::Infallible> {
        out.push(chunk.to_vec());
        Ok(())
    };
    let _ = chunker.put(encode::Source::Shared(message), true, &mut emit);
    out
}

/// Who wrote a message: the writing process and a random number drawn when
/// its writer was made.
///
/// The random nonce keeps two writers apart when they share a process
/// (threads), when a process id is reused after a writer died mid-message,
/// and when writers in different PID namespaces share a FIFO. The process id
/// tells a person which process wrote, and keeps live processes apart
/// without relying on chance. A writer copied into a forked child keeps its
/// identity, so a child must make its own writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriterId {
    /// The writing process's id, as that process saw it.
    pub pid: u32,
    /// 64 random bits.
    pub nonce: u64,
}

impl fmt::Display for WriterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{:016x}", self.pid, self.nonce)
    }
}

/// Why a byte stream is not a valid framed stream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameProblem {
    /// A chunk does not start with the two magic bytes (plain data?).
    BadMagic,
    /// The chunk is of a format version this library does not know.
    UnknownVersion(u8),
    /// The flags byte has bits this version does not define, or the
    /// first-chunk flag disagrees with the chunk index.
    BadFlags(u8),
    /// The chunk claims more payload than fits in `PIPE_BUF`.
    TooLong {
        /// The payload length in the header.
        len: u32,
        /// The most a chunk may carry.
        limit: usize,
    },
    /// A chunk that does not continue its writer's message: a chunk index
    /// skipped or repeated, another message number, or a first chunk while
    /// the writer's previous message is unfinished.
    OutOfOrder {
        /// The writer.
        writer: WriterId,
        /// The message number in the chunk.
        sequence: u64,
        /// The chunk index in the chunk.
        index: u64,
    },
    /// The stream ended inside a chunk's header or payload.
    Truncated,
}

impl fmt::Display for FrameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic => write!(f, "no frame header (it must start with bytes 0xff 0x46)"),
            Self::UnknownVersion(v) => write!(f, "unknown frame format version {v}"),
            Self::BadFlags(flags) => write!(f, "invalid chunk flags {flags:#04x}"),
            Self::TooLong { len, limit } => {
                write!(
                    f,
                    "a chunk claims {len} bytes of payload, more than PIPE_BUF leaves room for ({limit})"
                )
            }
            Self::OutOfOrder {
                writer,
                sequence,
                index,
            } => write!(
                f,
                "chunk {index} of message {sequence} from writer {writer} is out of order"
            ),
            Self::Truncated => write!(f, "the stream ends inside a chunk"),
        }
    }
}

/// One chunk's header, as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    flags: u8,
    writer: WriterId,
    sequence: u64,
    index: u64,
    len: u32,
}

impl Header {
    /// The header's bytes: every integer big-endian.
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = MAGIC;
        out[1] = MAGIC2;
        out[2] = VERSION;
        out[3] = self.flags;
        out[4..8].copy_from_slice(&self.writer.pid.to_be_bytes());
        out[8..16].copy_from_slice(&self.writer.nonce.to_be_bytes());
        out[16..24].copy_from_slice(&self.sequence.to_be_bytes());
        out[24..32].copy_from_slice(&self.index.to_be_bytes());
        out[32..36].copy_from_slice(&self.len.to_be_bytes());
        out
    }

    /// Checks the first bytes of a header as soon as they arrive, so plain
    /// data is refused without waiting for a whole header.
    fn check_prefix(prefix: &[u8]) -> Result<(), FrameProblem> {
        match prefix {
            [first, ..] if *first != MAGIC => Err(FrameProblem::BadMagic),
            [_, second, ..] if *second != MAGIC2 => Err(FrameProblem::BadMagic),
            [_, _, version, ..] if *version != VERSION => {
                Err(FrameProblem::UnknownVersion(*version))
            }
            _ => Ok(()),
        }
    }

    /// Parses and checks a whole header.
    fn decode(bytes: &[u8; HEADER_LEN]) -> Result<Self, FrameProblem> {
        Self::check_prefix(bytes)?;
        let be64 = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
        let be32 = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
        let header = Self {
            flags: bytes[3],
            writer: WriterId {
                pid: be32(4),
                nonce: be64(8),
            },
            sequence: be64(16),
            index: be64(24),
            len: be32(32),
        };
        let first = header.flags & FIRST != 0;
        if header.flags & !(FIRST | LAST) != 0 || first != (header.index == 0) {
            return Err(FrameProblem::BadFlags(header.flags));
        }
        if header.len as usize > MAX_PAYLOAD {
            return Err(FrameProblem::TooLong {
                len: header.len,
                limit: MAX_PAYLOAD,
            });
        }
        Ok(header)
    }

    /// The flags of chunk `index` of a message, flagged its last with `last`.
    fn flags(index: u64, last: bool) -> u8 {
        (if index == 0 { FIRST } else { 0 }) | if last { LAST } else { 0 }
    }

    fn is_last(&self) -> bool {
        self.flags & LAST != 0
    }
}
