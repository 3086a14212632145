//! Reading a framed stream from a descriptor as it comes: every complete
//! message is handed on as soon as its last chunk has arrived, and the
//! reading stops at end of file, after a quiet spell, or when told to.

use std::os::fd::BorrowedFd;
use std::time::Duration;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::{Decoder, Message, Unfinished};
use crate::copy::Stop;
use crate::sys::fd::retry_on_eintr;
use crate::{Action, Error, Result, Subject};

/// How much one read takes.
const READ_SIZE: usize = 64 * 1024;

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
        let mut buf = vec![0u8; READ_SIZE];
        let failed = |errno| Error::sys(self.subject.clone(), Action::Read, errno);
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
            while let Some(message) = decoder.pop() {
                each(message)?;
            }
            pushed?;
        };
        let dropped = if stop == Stop::EndOfFile {
            decoder.finish()?
        } else {
            decoder.unfinished()
        };
        Ok(Ended { stop, dropped })
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
