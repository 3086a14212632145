//! Where a [`FrameWriter`](super::FrameWriter)'s chunks go: each whole in
//! one `write(2)` of at most the pipe's `PIPE_BUF` bytes, and, while gathering, short
//! chunks that are ready together in one such write.
//!
//! A pipe keeps a write of at most `PIPE_BUF` bytes whole, so several whole
//! chunks in one such write are as safe from other writers as one: no other
//! writer's bytes land inside any of them. Gathering turns a stream of small
//! messages (lines of a log) from one write each into one write per
//! `PIPE_BUF` bytes, as `send -l` does with plain lines.

use std::os::fd::BorrowedFd;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::sys::ready::poll;

use super::{HEADER_LEN, MAX_CHUNK};
use crate::sys::fd::retry_on_eintr;
use crate::transfer::write::write_failed;
use crate::{Error, Result, Subject};

/// The pipe a writer's chunks go to, and how many bytes went.
#[derive(Debug)]
pub(super) struct Pipe<'fd> {
    dst: BorrowedFd<'fd>,
    subject: Subject,
    /// Bytes written so far.
    pub(super) delivered: u64,
    /// Whether [`Pipe::send`] may hold chunks back for [`Pipe::flush`].
    pub(super) gather: bool,
    /// Whole chunks held back for one write, at most `atomic` bytes.
    gathered: Vec<u8>,
    /// The largest write `dst` keeps whole: its `PIPE_BUF`, at most a
    /// [`MAX_CHUNK`], and more than a header.
    pub(super) atomic: usize,
}

impl<'fd> Pipe<'fd> {
    pub(super) fn new(dst: BorrowedFd<'fd>, subject: Subject) -> Self {
        Self {
            dst,
            subject,
            delivered: 0,
            gather: false,
            gathered: Vec::new(),
            atomic: crate::sys::file::pipe_buf(dst).clamp(2 * HEADER_LEN, MAX_CHUNK),
        }
    }

    /// Sends one whole chunk. While gathering, a chunk of at most half of
    /// `PIPE_BUF` is held back with those before it while they fit in one
    /// write together; a longer one goes out at once (it would share a
    /// write with little), after what was held.
    pub(super) fn send(&mut self, chunk: &[u8]) -> Result<()> {
        let short = self.gather && chunk.len() <= self.atomic / 2;
        if short && self.gathered.len() + chunk.len() <= self.atomic {
            self.gathered.extend_from_slice(chunk);
            return Ok(());
        }
        self.flush()?;
        if short {
            self.gathered.extend_from_slice(chunk);
            return Ok(());
        }
        self.write(chunk)
    }

    /// Writes the chunks held back, if any, in one write.
    pub(super) fn flush(&mut self) -> Result<()> {
        if self.gathered.is_empty() {
            return Ok(());
        }
        let gathered = std::mem::take(&mut self.gathered);
        let written = self.write(&gathered);
        self.gathered = gathered;
        self.gathered.clear();
        written
    }

    /// Writes `bytes` (whole chunks, at most `PIPE_BUF`) in one write,
    /// counting them in `delivered`.
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match write_whole(self.dst, bytes) {
            Ok(()) => {
                self.delivered += bytes.len() as u64;
                Ok(())
            }
            Err(Short::Errno(errno)) => {
                Err(write_failed(self.subject.clone(), errno, self.delivered))
            }
            Err(Short::Torn(written)) => Err(Error::ChunkTorn {
                subject: self.subject.clone(),
                len: bytes.len(),
                written,
            }),
        }
    }
}

/// How a write failed.
enum Short {
    Errno(Errno),
    /// Only this many bytes went out.
    Torn(usize),
}

/// Writes `bytes` with one `write(2)`. A pipe takes a write of at most
/// `PIPE_BUF` bytes whole or not at all; on a non-blocking pipe that is full
/// (`EAGAIN`) this waits until there is room and writes it again whole.
fn write_whole(dst: BorrowedFd<'_>, bytes: &[u8]) -> Result<(), Short> {
    loop {
        match retry_on_eintr(|| nix::unistd::write(dst, bytes)) {
            Ok(n) if n == bytes.len() => return Ok(()),
            Ok(n) => return Err(Short::Torn(n)),
            Err(Errno::EAGAIN) => {
                let mut fds = [PollFd::new(dst, PollFlags::POLLOUT)];
                retry_on_eintr(|| poll(&mut fds, PollTimeout::NONE)).map_err(Short::Errno)?;
            }
            Err(errno) => return Err(Short::Errno(errno)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixDatagram;

    use super::super::{Decoder, FrameWriter, chunk_len};
    use crate::{PIPE_BUF, Subject};

    /// Each write of a writer streaming records becomes one datagram here,
    /// so the test sees where the writes begin and end: every write is whole
    /// chunks of at most `PIPE_BUF` bytes in all, short chunks share writes,
    /// and the records come back whole.
    #[test]
    fn streamed_records_go_out_as_whole_chunks_short_ones_sharing_a_write() {
        let (src, dst) = UnixDatagram::pair().unwrap();
        let records: Vec<Vec<u8>> = (0..300usize)
            .map(|i| {
                let mut record = vec![b'a' + (i % 26) as u8; [0, 10, 500, 2048, 5000][i % 5]];
                record.push(b'\n');
                record
            })
            .collect();
        let input = records.concat();
        let reader = std::thread::spawn(move || {
            let mut packets = Vec::new();
            let mut buf = vec![0u8; 2 * PIPE_BUF];
            loop {
                let n = src.recv(&mut buf).unwrap();
                if buf[..n] == *b"end" {
                    return packets;
                }
                packets.push(buf[..n].to_vec());
            }
        });
        let mut writer = FrameWriter::new(dst.as_fd(), Subject::path("q")).unwrap();
        let sent = writer.send_records_from(&input[..], Subject::Stdin, b'\n');
        assert_eq!(sent.unwrap(), records.len() as u64);
        dst.send(b"end").unwrap();
        let packets = reader.join().unwrap();
        let mut decoder = Decoder::new(Subject::path("q"));
        let mut shared = 0;
        for write in &packets {
            assert!(write.len() <= PIPE_BUF, "a write of {} bytes", write.len());
            let (mut at, mut chunks) = (0, 0);
            while at < write.len() {
                at += chunk_len(&write[at..]).unwrap().unwrap();
                chunks += 1;
            }
            assert_eq!(at, write.len(), "a write ends inside a chunk");
            shared += usize::from(chunks > 1);
            decoder.push(write).unwrap();
        }
        assert!(shared > 0, "no write carried more than one chunk");
        assert!(
            packets.len() < 200,
            "{} writes for 300 records",
            packets.len()
        );
        let got: Vec<Vec<u8>> = std::iter::from_fn(|| decoder.pop())
            .map(|m| m.data)
            .collect();
        assert!(got == records, "the records differ");
    }
}
