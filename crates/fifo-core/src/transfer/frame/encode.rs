//! The writing side: cuts messages into chunks of at most the pipe's
//! `PIPE_BUF` bytes and writes each chunk with exactly one `write(2)`.

use std::io::Read;
use std::os::fd::BorrowedFd;

use super::gather::Pipe;
use super::{HEADER_LEN, Header, MAX_PAYLOAD, WriterId};
use crate::{Action, Error, Result, Subject};

/// How much `send_from` reads at a time.
const READ_SIZE: usize = 64 * 1024;

/// Builds one writer's chunks: the header numbering, and the payload held
/// back for the next chunk. It writes nothing itself, so the tests can
/// collect chunks in memory.
///
/// Every chunk but a message's last carries `payload` bytes, however
/// the message was split into calls. A chunk reaches `emit` whole, header
/// and payload in one slice, for one `write(2)`; from a [`Source::InPlace`]
/// buffer it goes out from where its payload lies, with no copy.
#[derive(Debug)]
pub(super) struct Chunker {
    writer: WriterId,
    /// The number of the message being built (the next one when none is).
    sequence: u64,
    /// The index of the next chunk of that message.
    index: u64,
    /// The payload of a full chunk: what the pipe keeps whole, less the
    /// header, at most [`MAX_PAYLOAD`].
    payload: usize,
    /// Room for a header, then the payload of the next chunk, held back
    /// until it is known whether more of its message follows.
    held: Vec<u8>,
}

/// The bytes a [`Chunker`] is given.
pub(super) enum Source<'a> {
    /// Bytes it may not change: each chunk is copied out to be sent.
    Shared(&'a [u8]),
    /// `buf[at..]`, in a buffer whose bytes in front of them are spent: a
    /// chunk's header is written over the [`HEADER_LEN`] bytes in front of
    /// its payload, and the chunk sent from there (`at` is at least
    /// `HEADER_LEN`).
    InPlace { buf: &'a mut [u8], at: usize },
}

impl Source<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Self::Shared(data) => data,
            Self::InPlace { buf, at } => &buf[*at..],
        }
    }
}

impl Chunker {
    pub(super) fn new(writer: WriterId, payload: usize) -> Self {
        let payload = payload.min(MAX_PAYLOAD);
        let mut held = Vec::with_capacity(HEADER_LEN + payload);
        held.resize(HEADER_LEN, 0);
        Self {
            writer,
            sequence: 0,
            index: 0,
            payload,
            held,
        }
    }

    /// Adds `src` to the current message and, with `ends`, ends it, passing
    /// every chunk that is ready to `emit`: the held payload is topped up
    /// first, then whole chunks go out from `src`. A full chunk without
    /// `ends` is held back until more data or the end comes, because only
    /// then is it known whether it is the message's last.
    pub(super) fn put<E>(
        &mut self,
        mut src: Source<'_>,
        ends: bool,
        emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let len = src.bytes().len();
        let mut done = 0;
        if self.held.len() > HEADER_LEN {
            done = (HEADER_LEN + self.payload - self.held.len()).min(len);
            self.held.extend_from_slice(&src.bytes()[..done]);
            if done == len && !ends {
                return Ok(());
            }
            self.emit_held(done == len, emit)?;
            if done == len {
                return Ok(());
            }
        }
        while len - done > self.payload {
            self.emit_from(&mut src, done..done + self.payload, false, emit)?;
            done += self.payload;
        }
        if ends {
            self.emit_from(&mut src, done..len, true, emit)
        } else {
            self.held.extend_from_slice(&src.bytes()[done..]);
            Ok(())
        }
    }

    /// Sends the bytes `range` of `src` as the next chunk.
    fn emit_from<E>(
        &mut self,
        src: &mut Source<'_>,
        range: std::ops::Range<usize>,
        last: bool,
        emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        match src {
            Source::Shared(data) => {
                self.held.extend_from_slice(&data[range]);
                self.emit_held(last, emit)
            }
            Source::InPlace { buf, at } => {
                let (start, end) = (*at + range.start, *at + range.end);
                let header = self.next_header(end - start, last);
                buf[start - HEADER_LEN..start].copy_from_slice(&header.encode());
                emit(&buf[start - HEADER_LEN..end])?;
                self.advance(last);
                Ok(())
            }
        }
    }

    /// Sends the held payload as the next chunk.
    fn emit_held<E>(
        &mut self,
        last: bool,
        emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let header = self.next_header(self.held.len() - HEADER_LEN, last);
        self.held[..HEADER_LEN].copy_from_slice(&header.encode());
        emit(&self.held)?;
        self.held.truncate(HEADER_LEN);
        self.advance(last);
        Ok(())
    }

    /// The header of the next chunk, carrying `len` bytes.
    fn next_header(&self, len: usize, last: bool) -> Header {
        Header {
            flags: Header::flags(self.index, last),
            writer: self.writer,
            sequence: self.sequence,
            index: self.index,
            len: len as u32,
        }
    }

    /// A chunk went out: on to the message's next chunk, or to the next
    /// message after its last.
    fn advance(&mut self, last: bool) {
        if last {
            self.sequence += 1;
            self.index = 0;
        } else {
            self.index += 1;
        }
    }
}

/// Writes framed messages to a pipe or FIFO.
///
/// Everything given to [`FrameWriter::write`] until the next
/// [`FrameWriter::end`] is one message, of any size: at most one chunk of it
/// is held in memory. Messages from several `FrameWriter`s (threads or
/// processes) can share one pipe; a [`Decoder`](super::Decoder) gives each
/// back whole. Give each thread its own writer (it is `Send`), and do not
/// use one on both sides of a `fork`: the copies would share an identity.
#[derive(Debug)]
pub struct FrameWriter<'fd> {
    chunker: Chunker,
    pipe: Pipe<'fd>,
}

impl<'fd> FrameWriter<'fd> {
    /// A writer of framed messages to the pipe `dst` (`subject` names it in
    /// errors), with a fresh identity: this process's id and 64 bits from
    /// `/dev/urandom`.
    ///
    /// # Errors
    /// [`Error::Sys`] naming `/dev/urandom` when it cannot be read.
    pub fn new(dst: BorrowedFd<'fd>, subject: Subject) -> Result<Self> {
        let writer = WriterId {
            pid: std::process::id(),
            nonce: random_nonce()?,
        };
        let pipe = Pipe::new(dst, subject);
        Ok(Self {
            chunker: Chunker::new(writer, pipe.atomic - HEADER_LEN),
            pipe,
        })
    }

    /// This writer's identity, as a reader will see it.
    #[must_use]
    pub fn writer(&self) -> WriterId {
        self.chunker.writer
    }

    /// Bytes written to the pipe so far, headers included.
    #[must_use]
    pub fn delivered(&self) -> u64 {
        self.pipe.delivered
    }

    /// Messages ended so far.
    #[must_use]
    pub fn messages(&self) -> u64 {
        self.chunker.sequence
    }

    /// Adds `data` to the current message, writing every chunk it fills.
    ///
    /// A full chunk is held back until more data or [`FrameWriter::end`]
    /// comes, because only then is it known whether it is the last.
    ///
    /// # Errors
    /// [`Error::ReaderLeft`] when the reader went away, [`Error::ChunkTorn`]
    /// when the destination took only part of a chunk (it is not a pipe), or
    /// [`Error::Sys`]. The message is then unfinished and a reader drops it.
    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        self.put(data, false)
    }

    /// Ends the current message: writes its last chunk. With nothing written
    /// since the previous end, this sends an empty message.
    ///
    /// # Errors
    /// As [`FrameWriter::write`].
    pub fn end(&mut self) -> Result<()> {
        self.put(&[], true)
    }

    /// Sends `message` as one message.
    ///
    /// # Errors
    /// As [`FrameWriter::write`].
    pub fn send(&mut self, message: &[u8]) -> Result<()> {
        self.put(message, true)
    }

    /// Adds `data` to the current message and, with `ends`, ends it: a
    /// message that ends here needs no chunk held back.
    fn put(&mut self, data: &[u8], ends: bool) -> Result<()> {
        self.put_from(Source::Shared(data), ends)
    }

    fn put_from(&mut self, src: Source<'_>, ends: bool) -> Result<()> {
        let pipe = &mut self.pipe;
        self.chunker.put(src, ends, &mut |chunk| pipe.send(chunk))
    }

    /// Reads `src` to its end and sends all of it as one message, streaming:
    /// memory use does not grow with the message. Returns the message's size.
    ///
    /// # Errors
    /// [`Error::Sys`] naming `src_subject` when reading fails (the message is
    /// then left unfinished), or as [`FrameWriter::write`].
    pub fn send_from(&mut self, src: impl Read, src_subject: Subject) -> Result<u64> {
        let mut size = 0u64;
        self.stream(src, src_subject, |data| (data.len(), false), &mut size)?;
        self.end()?;
        Ok(size)
    }

    /// Reads `src` to its end and sends each record that `separator` ends
    /// (a line for `b'\n'`) as its own message, separator included, so a
    /// reader that writes the messages one after another gives back `src`.
    /// A last record without its separator is sent as it is. Streaming: a
    /// record of any size needs no more memory than a short one. Returns
    /// the number of messages sent.
    ///
    /// # Errors
    /// As [`FrameWriter::send_from`]; the record being sent is then left
    /// unfinished.
    pub fn send_records_from(
        &mut self,
        src: impl Read,
        src_subject: Subject,
        separator: u8,
    ) -> Result<u64> {
        let mut size = 0u64;
        let before = self.messages();
        let cut = |data: &[u8]| match memchr::memchr(separator, data) {
            Some(at) => (at + 1, true),
            None => (data.len(), false),
        };
        self.stream(src, src_subject, cut, &mut size)?;
        // The last record had no separator: it still ends with the input.
        if size > 0 {
            self.end()?;
        }
        Ok(self.messages() - before)
    }

    /// Reads `src` to its end, writing what it reads; `cut` says how much of
    /// the data left in a read belongs to the current message and whether
    /// the message ends there. `size` counts the bytes of the message that
    /// is still open when the input ends.
    fn stream(
        &mut self,
        mut src: impl Read,
        src_subject: Subject,
        cut: impl Fn(&[u8]) -> (usize, bool),
        size: &mut u64,
    ) -> Result<()> {
        // Room for a header in front of the data read: each chunk's header
        // is written over the bytes in front of its payload, which went out
        // (or were held) already, so chunks go out from the buffer as read.
        let mut buf = vec![0u8; HEADER_LEN + READ_SIZE];
        // Short chunks that are ready together share a write; what was
        // gathered goes out before each read, which may wait.
        self.pipe.gather = true;
        let streamed = 'reading: loop {
            if let Err(err) = self.pipe.flush() {
                break 'reading Err(err);
            }
            let end = match src.read(&mut buf[HEADER_LEN..]) {
                Ok(0) => break Ok(()),
                Ok(n) => HEADER_LEN + n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => break Err(Error::sys(src_subject, Action::Read, err)),
            };
            let mut at = HEADER_LEN;
            while at < end {
                let (take, ends) = cut(&buf[at..end]);
                let src = Source::InPlace {
                    buf: &mut buf[..at + take],
                    at,
                };
                if let Err(err) = self.put_from(src, ends) {
                    break 'reading Err(err);
                }
                *size = if ends { 0 } else { *size + take as u64 };
                at += take;
            }
        };
        self.pipe.gather = false;
        streamed
    }
}

/// 64 bits from the kernel's random source.
fn random_nonce() -> Result<u64> {
    const SOURCE: &str = "/dev/urandom";
    let failed =
        |action: Action| move |err: std::io::Error| Error::sys(Subject::path(SOURCE), action, err);
    let mut file = std::fs::File::open(SOURCE).map_err(failed(Action::Open))?;
    let mut bytes = [0u8; 8];
    file.read_exact(&mut bytes).map_err(failed(Action::Read))?;
    Ok(u64::from_be_bytes(bytes))
}
