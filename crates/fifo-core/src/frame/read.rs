//! Reading a framed stream from a descriptor as it comes: every complete
//! message is handed on as soon as its last chunk has arrived, and the
//! reading stops at end of file, after a quiet spell, or when told to.
//!
//! A framed stream has one reader at a time: two would take each other's
//! chunks and each see the other's messages as gaps. So a reader of a pipe
//! first takes the lock counted readers share (an exclusive flock(2) on the
//! FIFO's open file), and a second reader waits for its turn.

use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::{Decoder, Message, Unfinished};
use crate::copy::Stop;
use crate::records::lock_pipe;
use crate::sys::fd::retry_on_eintr;
use crate::sys::lock::{LockWait, NotLocked, ReadLock};
use crate::{Action, Error, Result, Subject};

/// How much one read takes.
const READ_SIZE: usize = 64 * 1024;
/// How long one try for the readers' lock waits before the reader looks
/// whether it was told to stop or has been idle too long.
const LOCK_STEP: Duration = Duration::from_millis(100);

/// Reads framed messages from a pipe, FIFO or file.
#[derive(Debug)]
pub struct FrameReader<'fd> {
    src: BorrowedFd<'fd>,
    subject: Subject,
    idle: Option<Duration>,
    interrupt: Option<BorrowedFd<'fd>>,
}

/// How a [`FrameReader`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ended {
    /// Why: [`Stop::EndOfFile`], [`Stop::Idle`] or [`Stop::Interrupted`].
    pub stop: Stop,
    /// The messages begun but never finished, dropped: at end of file their
    /// writers are gone; after a quiet spell or an interruption they were
    /// still arriving.
    pub dropped: Unfinished,
}

impl<'fd> FrameReader<'fd> {
    /// A reader of `src` (named `subject` in errors).
    #[must_use]
    pub fn new(src: BorrowedFd<'fd>, subject: Subject) -> Self {
        Self {
            src,
            subject,
            idle: None,
            interrupt: None,
        }
    }

    /// Stops after `idle` without data (`None`: never).
    #[must_use]
    pub fn idle(mut self, idle: Option<Duration>) -> Self {
        self.idle = idle;
        self
    }

    /// Stops as soon as `interrupt` becomes readable (e.g. a pipe a signal
    /// watcher writes to); nothing is read from it.
    #[must_use]
    pub fn interrupted_by(mut self, interrupt: BorrowedFd<'fd>) -> Self {
        self.interrupt = Some(interrupt);
        self
    }

    /// Reads until end of file, the idle time, or the interruption, feeding
    /// `decoder` and passing every complete message to `each` at once, in
    /// the order their last chunks arrived.
    ///
    /// # Errors
    /// [`Error::Sys`] naming the source when reading fails, the decoder's
    /// [`Error::NotFramed`] or [`Error::PendingTooLarge`] (the messages
    /// completed before the bad chunk have been passed to `each`), or the
    /// first error of `each`.
    pub fn run(
        &self,
        decoder: &mut Decoder,
        mut each: impl FnMut(Message) -> Result<()>,
    ) -> Result<Ended> {
        self.run_batched(decoder, |messages| {
            for message in messages {
                each(message)?;
            }
            Ok(())
        })
    }

    /// As [`FrameReader::run`], but passes the messages completed by each
    /// read to `each_read` together, before the next wait for data: a
    /// caller can write them out with one system call, and need not hold
    /// any back waiting for more.
    ///
    /// # Errors
    /// As [`FrameReader::run`].
    pub fn run_batched(
        &self,
        decoder: &mut Decoder,
        mut each_read: impl FnMut(&mut dyn Iterator<Item = Message>) -> Result<()>,
    ) -> Result<Ended> {
        let failed = |errno| Error::sys(self.subject.clone(), Action::Read, errno);
        let _turn = match self.take_turn().map_err(failed)? {
            Ok(turn) => turn,
            Err(stop) => {
                let dropped = decoder.unfinished();
                return Ok(Ended { stop, dropped });
            }
        };
        let mut buf = vec![0u8; READ_SIZE];
        let stop = loop {
            if let Some(stop) = self.wait().map_err(failed)? {
                break stop;
            }
            let n = match retry_on_eintr(|| nix::unistd::read(self.src, &mut buf)) {
                Ok(0) => break Stop::EndOfFile,
                Ok(n) => n,
                Err(Errno::EAGAIN) => continue,
                Err(errno) => return Err(failed(errno)),
            };
            let pushed = decoder.push(&buf[..n]);
            each_read(&mut std::iter::from_fn(|| decoder.pop()))?;
            pushed?;
        };
        let dropped = if stop == Stop::EndOfFile {
            decoder.finish()?
        } else {
            decoder.unfinished()
        };
        Ok(Ended { stop, dropped })
    }

    /// Takes the readers' lock of a pipe (nothing to take elsewhere),
    /// waiting for another reader to finish; `Err(stop)` when told to stop,
    /// or idle for too long, first.
    fn take_turn(&self) -> nix::Result<std::result::Result<Option<ReadLock>, Stop>> {
        let started = Instant::now();
        loop {
            match lock_pipe(self.src, LockWait::Upto(LOCK_STEP)) {
                Ok(turn) => return Ok(Ok(turn)),
                Err(NotLocked::Busy) => {}
                Err(NotLocked::Failed(errno)) => return Err(errno),
                // `lock_pipe` reads on without a lock where there is none.
                Err(NotLocked::Unsupported) => return Ok(Ok(None)),
            }
            if let Some(interrupt) = self.interrupt {
                let mut fds = [PollFd::new(interrupt, PollFlags::POLLIN)];
                if retry_on_eintr(|| poll(&mut fds, PollTimeout::ZERO))? > 0 {
                    return Ok(Err(Stop::Interrupted));
                }
            }
            if self.idle.is_some_and(|idle| started.elapsed() >= idle) {
                return Ok(Err(Stop::Idle));
            }
        }
    }

    /// Waits until the source can be read; `Some` when the reading is to
    /// stop instead.
    fn wait(&self) -> nix::Result<Option<Stop>> {
        let timeout = self.idle.map_or(PollTimeout::NONE, |idle| {
            PollTimeout::try_from(idle).unwrap_or(PollTimeout::MAX)
        });
        let mut fds = vec![PollFd::new(self.src, PollFlags::POLLIN)];
        if let Some(interrupt) = self.interrupt {
            fds.push(PollFd::new(interrupt, PollFlags::POLLIN));
        }
        let ready = retry_on_eintr(|| poll(&mut fds, timeout))?;
        let told = fds
            .get(1)
            .and_then(PollFd::revents)
            .is_some_and(|events| !events.is_empty());
        Ok(if told {
            Some(Stop::Interrupted)
        } else if ready == 0 {
            Some(Stop::Idle)
        } else {
            None
        })
    }
}
