//! Where a [`FrameWriter`](super::FrameWriter)'s chunks go: each whole in
//! one `write(2)` of at most `PIPE_BUF` bytes, and, while gathering, short
//! chunks that are ready together in one such write.
//!
//! A pipe keeps a write of at most `PIPE_BUF` bytes whole, so several whole
//! chunks in one such write are as safe from other writers as one: no other
//! writer's bytes land inside any of them. Gathering turns a stream of small
//! messages (lines of a log) from one write each into one write per
//! `PIPE_BUF` bytes, as `send -l` does with plain lines.

use std::os::fd::BorrowedFd;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::sys::fd::retry_on_eintr;
use crate::write::write_failed;
use crate::{Error, PIPE_BUF, Result, Subject};

/// The pipe a writer's chunks go to, and how many bytes went.
#[derive(Debug)]
pub(super) struct Pipe<'fd> {
    dst: BorrowedFd<'fd>,
    subject: Subject,
    /// Bytes written so far.
    pub(super) delivered: u64,
    /// Whether [`Pipe::send`] may hold chunks back for [`Pipe::flush`].
    pub(super) gather: bool,
    /// Whole chunks held back for one write, at most `PIPE_BUF` bytes.
    gathered: Vec<u8>,
}

impl<'fd> Pipe<'fd> {
    pub(super) fn new(dst: BorrowedFd<'fd>, subject: Subject) -> Self {
        Self {
            dst,
            subject,
            delivered: 0,
            gather: false,
            gathered: Vec::new(),
        }
    }

    /// Sends one whole chunk. While gathering, a chunk of at most half of
    /// `PIPE_BUF` is held back with those before it while they fit in one
    /// write together; a longer one goes out at once (it would share a
    /// write with little), after what was held.
    pub(super) fn send(&mut self, chunk: &[u8]) -> Result<()> {
        let short = self.gather && chunk.len() <= PIPE_BUF / 2;
        if short && self.gathered.len() + chunk.len() <= PIPE_BUF {
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
