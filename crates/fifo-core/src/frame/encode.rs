//! The writing side: cuts messages into chunks of at most `PIPE_BUF` bytes
//! and writes each chunk with exactly one `write(2)`.

use std::io::Read;
use std::os::fd::BorrowedFd;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::{FIRST, HEADER_LEN, Header, LAST, MAX_PAYLOAD, WriterId};
use crate::sys::fd::retry_on_eintr;
use crate::write::write_failed;
use crate::{Action, Error, Result, Subject};

/// How much `send_from` reads at a time.
const READ_SIZE: usize = 64 * 1024;

/// Builds one writer's chunks: the header numbering and the payload gathered
/// for the next chunk. It writes nothing itself, so the tests can collect
/// chunks in memory.
#[derive(Debug)]
pub(super) struct Chunker {
    writer: WriterId,
    /// The number of the message being built (the next one when none is).
    sequence: u64,
    /// The index of the next chunk of that message.
    index: u64,
    /// Room for the header, then the payload so far.
    chunk: Vec<u8>,
}

impl Chunker {
    pub(super) fn new(writer: WriterId) -> Self {
        let mut chunk = Vec::with_capacity(HEADER_LEN + MAX_PAYLOAD);
        chunk.resize(HEADER_LEN, 0);
        Self {
            writer,
            sequence: 0,
            index: 0,
            chunk,
        }
    }

    /// Adds `data` to the current message, passing every chunk it fills to
    /// `emit`. A full chunk is held back until more data or the end comes,
    /// because only then is it known whether it is the message's last.
    pub(super) fn write<E>(
        &mut self,
        mut data: &[u8],
        emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        while !data.is_empty() {
            if self.chunk.len() == HEADER_LEN + MAX_PAYLOAD {
                self.emit(false, emit)?;
            }
            let take = (HEADER_LEN + MAX_PAYLOAD - self.chunk.len()).min(data.len());
            self.chunk.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(())
    }

    /// Ends the current message, passing its last chunk to `emit`.
    pub(super) fn end<E>(
        &mut self,
        emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.emit(true, emit)
    }

    /// Fills in the next chunk's header and hands the chunk to `emit`; once
    /// it went out, moves on to the message's next chunk, or to the next
    /// message after its last.
    fn emit<E>(
        &mut self,
        last: bool,
        emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let header = Header {
            flags: if self.index == 0 { FIRST } else { 0 } | if last { LAST } else { 0 },
            writer: self.writer,
            sequence: self.sequence,
            index: self.index,
            len: (self.chunk.len() - HEADER_LEN) as u32,
        };
        self.chunk[..HEADER_LEN].copy_from_slice(&header.encode());
        emit(&self.chunk)?;
        self.chunk.truncate(HEADER_LEN);
        if last {
            self.sequence += 1;
            self.index = 0;
        } else {
            self.index += 1;
        }
        Ok(())
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

/// Where the chunks go, and how many bytes went.
#[derive(Debug)]
struct Pipe<'fd> {
    dst: BorrowedFd<'fd>,
    subject: Subject,
    delivered: u64,
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
        Ok(Self {
            chunker: Chunker::new(writer),
            pipe: Pipe {
                dst,
                subject,
                delivered: 0,
            },
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
        let pipe = &mut self.pipe;
        self.chunker.write(data, &mut |chunk| pipe.send(chunk))
    }

    /// Ends the current message: writes its last chunk. With nothing written
    /// since the previous end, this sends an empty message.
    ///
    /// # Errors
    /// As [`FrameWriter::write`].
    pub fn end(&mut self) -> Result<()> {
        let pipe = &mut self.pipe;
        self.chunker.end(&mut |chunk| pipe.send(chunk))
    }

    /// Sends `message` as one message.
    ///
    /// # Errors
    /// As [`FrameWriter::write`].
    pub fn send(&mut self, message: &[u8]) -> Result<()> {
        self.write(message)?;
        self.end()
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
        let mut buf = vec![0u8; READ_SIZE];
        loop {
            let n = match src.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(Error::sys(src_subject, Action::Read, err)),
            };
            let mut data = &buf[..n];
            while !data.is_empty() {
                let (take, ends) = cut(data);
                self.write(&data[..take])?;
                *size += take as u64;
                data = &data[take..];
                if ends {
                    self.end()?;
                    *size = 0;
                }
            }
        }
    }
}

impl Pipe<'_> {
    /// Writes one chunk, counting it in `delivered`.
    fn send(&mut self, chunk: &[u8]) -> Result<()> {
        match write_chunk(self.dst, chunk) {
            Ok(()) => {
                self.delivered += chunk.len() as u64;
                Ok(())
            }
            Err(Short::Errno(errno)) => {
                Err(write_failed(self.subject.clone(), errno, self.delivered))
            }
            Err(Short::Torn(written)) => Err(Error::ChunkTorn {
                subject: self.subject.clone(),
                len: chunk.len(),
                written,
            }),
        }
    }
}

/// How writing a chunk failed.
enum Short {
    Errno(Errno),
    /// Only this many bytes went out.
    Torn(usize),
}

/// Writes `chunk` with one `write(2)`. A pipe takes a write of at most
/// `PIPE_BUF` bytes whole or not at all; on a non-blocking pipe that is full
/// (`EAGAIN`) this waits until there is room and writes it again whole.
fn write_chunk(dst: BorrowedFd<'_>, chunk: &[u8]) -> Result<(), Short> {
    loop {
        match retry_on_eintr(|| nix::unistd::write(dst, chunk)) {
            Ok(n) if n == chunk.len() => return Ok(()),
            Ok(n) => return Err(Short::Torn(n)),
            Err(Errno::EAGAIN) => {
                let mut fds = [PollFd::new(dst, PollFlags::POLLOUT)];
                retry_on_eintr(|| poll(&mut fds, PollTimeout::NONE)).map_err(Short::Errno)?;
            }
            Err(errno) => return Err(Short::Errno(errno)),
        }
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
