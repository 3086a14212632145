//! Reading a framed stream from a descriptor as it comes: every complete
//! message is handed on as soon as its last chunk has arrived, and the
//! reading stops at end of file, after N messages, after a quiet spell, or
//! when told to.
//!
//! A framed stream has one reader at a time: two would take each other's
//! chunks and each see the other's messages as gaps. So a reader of a pipe
//! first takes the lock counted readers share (an exclusive flock(2) on the
//! FIFO's open file), and a second reader waits for its turn. A reader that
//! stops before end of file leaves the messages it began in a [`Stash`] for
//! the next one.

use std::collections::VecDeque;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::sys::ready::poll;

use super::{Decoder, Message, Stash, Unfinished};
use crate::open::keep::wait_readable;
use crate::records::lock_pipe;
use crate::sys::fd::retry_on_eintr;
use crate::sys::lock::{LockWait, NotLocked, ReadLock};
use crate::transfer::copy::Stop;
use crate::{Action, Error, Result, Subject};

/// How much one read takes.
const READ_SIZE: usize = 64 * 1024;
/// How long one try for the readers' lock waits before the reader looks
/// whether it was told to stop or has been idle too long.
const LOCK_STEP: Duration = Duration::from_millis(100);
/// How long a reader that stops inside a chunk waits for the chunk's rest.
/// A chunk enters a pipe in one write, so its rest is there already; only
/// a writer that breaks the format makes the wait last.
const CHUNK_REST: Duration = Duration::from_secs(1);

/// Reads framed messages from a pipe, FIFO or file.
#[derive(Debug)]
pub struct FrameReader<'fd> {
    src: BorrowedFd<'fd>,
    subject: Subject,
    idle: Option<Duration>,
    interrupt: Option<BorrowedFd<'fd>>,
    count: Option<u64>,
    stash: Option<&'fd Stash>,
}

/// How a [`FrameReader`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ended {
    /// Why: [`Stop::EndOfFile`], [`Stop::LimitReached`], [`Stop::Idle`] or
    /// [`Stop::Interrupted`].
    pub stop: Stop,
    /// How many messages were handed out.
    pub messages: u64,
    /// The messages begun but never finished, dropped: at end of file their
    /// writers are gone; when the reading stopped earlier, they were still
    /// arriving and there was no stash to leave them in.
    pub dropped: Unfinished,
    /// The messages begun but not finished, left in the stash for the next
    /// reader of the pipe.
    pub kept: Unfinished,
    /// The messages that lost chunks to another reader ([`Decoder::lost`]).
    pub lost: Unfinished,
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
            count: None,
            stash: None,
        }
    }

    /// Stops after `count` messages (`None`: no limit), reading no byte
    /// past the last one's end: the rest stays in the pipe.
    #[must_use]
    pub fn messages(mut self, count: Option<u64>) -> Self {
        self.count = count;
        self
    }

    /// Takes up what an earlier reader of the same pipe left in `stash`
    /// before reading, and leaves there the messages it begins but cannot
    /// finish when it stops before end of file. Without a stash those are
    /// dropped (and counted).
    #[must_use]
    pub fn stash(mut self, stash: &'fd Stash) -> Self {
        self.stash = Some(stash);
        self
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

    /// Reads until end of file, the count, the idle time or the
    /// interruption, feeding `decoder` and passing every complete message
    /// to `each` at once, in the order their last chunks arrived.
    ///
    /// # Errors
    /// [`Error::Sys`] naming the source when reading fails (or the stash
    /// when it cannot be used), the decoder's [`Error::NotFramed`] or
    /// [`Error::PendingTooLarge`] (the messages completed before the bad
    /// chunk have been passed to `each`), or the first error of `each`
    /// (the unfinished messages are still left in the stash).
    pub fn run(
        &self,
        decoder: &mut Decoder,
        mut each: impl FnMut(Message) -> Result<()>,
    ) -> Result<Ended> {
        self.run_batched(decoder, |messages| {
            while let Some(message) = messages.pop_front() {
                each(message)?;
            }
            Ok(())
        })
    }

    /// As [`FrameReader::run`], but passes the messages completed by each
    /// read to `each_read` together, oldest first, before the next wait for
    /// data: a caller can write them out with one system call, and need not
    /// hold any back waiting for more. It takes out those it has dealt with;
    /// any it leaves (when its output fails, say) are kept for the next
    /// reader, as unfinished ones are.
    ///
    /// # Errors
    /// As [`FrameReader::run`].
    pub fn run_batched(
        &self,
        decoder: &mut Decoder,
        mut each_read: impl FnMut(&mut VecDeque<Message>) -> Result<()>,
    ) -> Result<Ended> {
        let failed = |errno| Error::sys(self.subject.clone(), Action::Read, errno);
        let mut ended = Ended {
            stop: Stop::EndOfFile,
            messages: 0,
            dropped: Unfinished::default(),
            kept: Unfinished::default(),
            lost: Unfinished::default(),
        };
        let _turn = match self.take_turn().map_err(failed)? {
            Ok(turn) => turn,
            Err(stop) => {
                ended.stop = stop;
                ended.dropped = decoder.unfinished();
                return Ok(ended);
            }
        };
        let stash = self.take_stash(decoder)?;
        let read = self.read(decoder, &mut each_read, &mut ended.messages);
        match read {
            Ok(Stop::EndOfFile) => ended.dropped = decoder.finish()?,
            Ok(stop) => {
                ended.stop = stop;
                (ended.kept, ended.dropped) = self.leave(decoder, stash)?;
            }
            // What the stream still holds is sound: leave it for the next
            // reader, then say what went wrong.
            Err(err) if !matches!(err, Error::NotFramed { .. } | Error::PendingTooLarge { .. }) => {
                self.leave(decoder, stash)?;
                return Err(err);
            }
            Err(err) => return Err(err),
        }
        ended.lost = decoder.lost();
        Ok(ended)
    }

    /// The reading loop: until end of file or another reason to stop.
    fn read(
        &self,
        decoder: &mut Decoder,
        each_read: &mut impl FnMut(&mut VecDeque<Message>) -> Result<()>,
        messages: &mut u64,
    ) -> Result<Stop> {
        let failed = |errno| Error::sys(self.subject.clone(), Action::Read, errno);
        let mut buf = vec![0u8; READ_SIZE];
        // Complete messages first: a stash can hand over some before a byte
        // of the pipe is read (and end of file may come next).
        self.hand_out(decoder, each_read, messages)?;
        loop {
            if self.count.is_some_and(|count| *messages >= count) {
                return Ok(Stop::LimitReached);
            }
            if let Some(stop) = self.wait().map_err(failed)? {
                return Ok(stop);
            }
            // A counted read takes no byte past the chunk it is in.
            let want = match self.count {
                Some(_) => decoder.needed(),
                None => READ_SIZE,
            };
            let n = match retry_on_eintr(|| nix::unistd::read(self.src, &mut buf[..want])) {
                Ok(0) => return Ok(Stop::EndOfFile),
                Ok(n) => n,
                Err(Errno::EAGAIN) => continue,
                Err(errno) => return Err(failed(errno)),
            };
            let pushed = decoder.push(&buf[..n]);
            self.hand_out(decoder, each_read, messages)?;
            pushed?;
        }
    }

    /// Passes the decoder's complete messages to `each_read`, up to the
    /// count; those it does not take go back into the decoder, for the
    /// stash.
    fn hand_out(
        &self,
        decoder: &mut Decoder,
        each_read: &mut impl FnMut(&mut VecDeque<Message>) -> Result<()>,
        messages: &mut u64,
    ) -> Result<()> {
        let room = self.count.map_or(u64::MAX, |count| count - *messages);
        let mut batch: VecDeque<Message> = std::iter::from_fn(|| decoder.pop())
            .take(usize::try_from(room).unwrap_or(usize::MAX))
            .collect();
        if batch.is_empty() {
            return Ok(());
        }
        let given = batch.len();
        let done = each_read(&mut batch);
        *messages += (given - batch.len()) as u64;
        decoder.put_back(batch);
        done
    }

    /// Takes up what an earlier reader left in the stash; returns the stash
    /// to leave messages in. A reader that could not leave them there (the
    /// directory cannot be made, or someone else could have planted it) is
    /// refused before a byte is read when it is counted, as it will stop
    /// early; another reads on without a stash, so that a planted directory
    /// cannot stop every framed read, and drops (and counts) what it begins
    /// and cannot finish should it stop early.
    fn take_stash(&self, decoder: &mut Decoder) -> Result<Option<&'fd Stash>> {
        let Some(stash) = self.stash else {
            return Ok(None);
        };
        let (stream, from) = match stash.take(self.src) {
            Ok(Some(left)) => left,
            Ok(None) => return Ok(Some(stash)),
            Err(_) if self.count.is_none() => return Ok(None),
            Err(err) => return Err(err),
        };
        if let Err(err) = decoder.resume(&stream, from) {
            // Too much for this reader's cap: one with more room can
            // finish those messages.
            if matches!(err, Error::PendingTooLarge { .. }) {
                stash.keep(self.src, &stream)?;
            }
            return Err(err);
        }
        Ok(Some(stash))
    }

    /// The reading stopped before end of file: finishes the chunk it
    /// stopped in (its rest is in the pipe already) and leaves the
    /// unfinished messages in the stash. Returns what was kept and what was
    /// dropped: everything unfinished when there is no stash, or the chunk's
    /// rest does not come.
    fn leave(
        &self,
        decoder: &mut Decoder,
        stash: Option<&Stash>,
    ) -> Result<(Unfinished, Unfinished)> {
        let unfinished = decoder.unfinished();
        let Some(stash) = stash else {
            return Ok((Unfinished::default(), unfinished));
        };
        let failed = |errno| Error::sys(self.subject.clone(), Action::Read, errno);
        let started = Instant::now();
        let mut buf = [0u8; super::HEADER_LEN];
        while !decoder.at_chunk_boundary() {
            let left = CHUNK_REST.saturating_sub(started.elapsed());
            let mut fds = [PollFd::new(self.src, PollFlags::POLLIN)];
            let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::ZERO);
            if left.is_zero() || retry_on_eintr(|| poll(&mut fds, timeout)).map_err(failed)? == 0 {
                return Ok((Unfinished::default(), unfinished));
            }
            let want = decoder.needed().min(buf.len());
            match retry_on_eintr(|| nix::unistd::read(self.src, &mut buf[..want])) {
                Ok(0) => return Ok((Unfinished::default(), unfinished)),
                Ok(n) => decoder.push(&buf[..n])?,
                Err(Errno::EAGAIN) => {}
                Err(errno) => return Err(failed(errno)),
            }
        }
        let unfinished = decoder.unfinished();
        if let Some(stream) = decoder.take_unfinished() {
            if !stash.keep(self.src, &stream)? {
                // A file: its next reader starts elsewhere, not after us.
                return Ok((Unfinished::default(), unfinished));
            }
        }
        Ok((unfinished, Unfinished::default()))
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
        wait_readable(self.src, self.idle, self.interrupt)
    }
}
