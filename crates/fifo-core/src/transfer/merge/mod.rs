//! Merging many FIFOs into one stream of whole lines: lines from different
//! inputs never mix, each line can be tagged with its source, and a line
//! longer than the buffer is passed on whole rather than split.
//!
//! An unfinished line is never dropped and never joined to another
//! writer's text: it is written with a newline when its input's writers have
//! all left, when the idle timeout or an interruption ends the merge. With a
//! line budget the merge is a counted reader: it reads whole lines only,
//! leaving an unfinished one in its FIFO, so that nothing it does not print
//! is consumed, and it takes the counted readers' lock (an exclusive
//! flock(2) on the FIFO's open file) for each read.
//!
//! ```
//! use std::io::{Read, Seek, Write};
//! use std::os::fd::{AsFd, OwnedFd};
//!
//! use fifo_core::transfer::merge::{Input, Merger};
//! use fifo_core::Subject;
//!
//! let mut file = tempfile::tempfile()?;
//! file.write_all(b"one\ntwo")?;
//! file.rewind()?;
//! let mut inputs = vec![Input::new(Subject::path("a"), OwnedFd::from(file), b"a: ".to_vec())];
//! let mut out = tempfile::tempfile()?;
//! Merger::new(None, None).run(&mut inputs, out.as_fd())?;
//! let mut merged = String::new();
//! out.rewind()?;
//! out.read_to_string(&mut merged)?;
//! // Every line tagged, and the unfinished last one ended with a newline.
//! assert_eq!(merged, "a: one\na: two\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::sys::ready::poll;

use crate::records::{Boundary, Counted, CountedReader, Partial, lock_pipe};
use crate::sys::fd::retry_on_eintr;
use crate::sys::lock::{LockWait, NotLocked};
use crate::transfer::copy::Stop;
use crate::transfer::progress::Progress;
use crate::{Action, Error, Result, Subject, sys};

/// How much of one input's unfinished line is held before the line is
/// streamed out on its own (see [`Merger::run`]).
pub const LINE_BUFFER: usize = 1 << 20;
const READ_SIZE: usize = 64 * 1024;
/// How often an input that holds only an unfinished line, or whose lock
/// another reader holds, is looked at again (poll cannot wait for "more").
const RECHECK: Duration = Duration::from_millis(10);
const NEWLINE: Boundary = Boundary::Separator(b'\n');
/// The most reads one turn takes from a non-blocking input.
const TURN: usize = 16;

mod input;
mod long_line;
mod output;

pub use input::Input;
use input::State;

/// Merges inputs line by line into one output.
#[derive(Debug)]
pub struct Merger {
    destination: Subject,
    lines_left: Option<u64>,
    idle: Option<Duration>,
    reader: CountedReader,
    buf: Vec<u8>,
    progress: Option<Progress>,
    interrupt: Option<OwnedFd>,
    /// Whether the current turn read anything (for the idle timeout).
    moved: bool,
}

impl Merger {
    /// A merger that stops after `lines` lines (if given) or `idle` without
    /// data (if given).
    #[must_use]
    pub fn new(lines: Option<u64>, idle: Option<Duration>) -> Self {
        Self {
            destination: Subject::Stdout,
            lines_left: lines,
            idle,
            reader: CountedReader::default(),
            buf: Vec::new(),
            progress: None,
            interrupt: None,
            moved: false,
        }
    }

    /// Names the output in errors (standard output unless named).
    #[must_use]
    pub fn writing_to(mut self, destination: Subject) -> Self {
        self.destination = destination;
        self
    }

    /// Uses only portable reads, never a Linux peek: with a line budget a
    /// pipe is then read one byte at a time.
    #[must_use]
    pub fn without_fast_paths(mut self) -> Self {
        self.reader = CountedReader::portable();
        self
    }

    /// Reports every chunk written to `progress`.
    #[must_use]
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Stops the merge (with [`Stop::Interrupted`], unfinished lines ended)
    /// as soon as `notice` becomes readable; nothing is read from it.
    #[must_use]
    pub fn interrupted_by(mut self, notice: OwnedFd) -> Self {
        self.interrupt = Some(notice);
        self
    }

    /// Copies whole lines from every input to `dst` until every input has
    /// ended, the line budget is spent, the idle timeout passes, or the
    /// interruption notice arrives.
    ///
    /// An input ends when its last writer leaves (unless it reopens); an
    /// unterminated last line gets a newline so it cannot join another
    /// input's line. A line longer than [`LINE_BUFFER`] is streamed to `dst`
    /// alone, with the other inputs waiting (their writers block on full
    /// pipes) until its newline.
    ///
    /// # Errors
    /// [`Error::Sys`] naming the input that failed to read, or the output
    /// that failed to write (a closed stdout is `EPIPE`).
    pub fn run(&mut self, inputs: &mut [Input], dst: BorrowedFd<'_>) -> Result<Stop> {
        let mut last_data = Instant::now();
        loop {
            if self.lines_left == Some(0) {
                return Ok(Stop::LimitReached);
            }
            let idle_left = self
                .idle
                .map(|idle| idle.saturating_sub(last_data.elapsed()));
            if idle_left == Some(Duration::ZERO) {
                self.end_unfinished(inputs, dst)?;
                return Ok(Stop::Idle);
            }
            let live: Vec<usize> = (0..inputs.len())
                .filter(|&i| inputs[i].state != State::Done)
                .collect();
            if live.is_empty() {
                return Ok(Stop::EndOfFile);
            }
            let (ready, interrupted) = self.wait(inputs, &live, idle_left)?;
            if interrupted {
                self.end_unfinished(inputs, dst)?;
                return Ok(Stop::Interrupted);
            }
            for (index, hung_up) in ready {
                self.moved = false;
                if let Some(stop) = self.serve(inputs, index, hung_up, dst)? {
                    // A long line cut short: the others end theirs too.
                    self.end_unfinished(inputs, dst)?;
                    return Ok(stop);
                }
                if self.moved {
                    last_data = Instant::now();
                }
                if self.lines_left == Some(0) {
                    return Ok(Stop::LimitReached);
                }
            }
        }
    }

    /// Polls the live inputs (and the notice): which to serve, with whether
    /// each hung up, and whether the notice arrived.
    fn wait(
        &self,
        inputs: &[Input],
        live: &[usize],
        idle_left: Option<Duration>,
    ) -> Result<(Vec<(usize, bool)>, bool)> {
        let waiting = live
            .iter()
            .any(|&i| matches!(inputs[i].state, State::Waiting(_)));
        // An input held back (by the budget or another reader's lock) is not
        // polled at all: a hang-up it reports would wake every poll at once.
        let (held, polled): (Vec<usize>, Vec<usize>) = live
            .iter()
            .partition(|&&i| inputs[i].state == State::Waiting(usize::MAX));
        let mut fds: Vec<PollFd<'_>> = polled
            .iter()
            .map(|&i| {
                let events = match inputs[i].state {
                    State::Live => PollFlags::POLLIN,
                    // Only a hang-up: its data is known already.
                    State::Waiting(_) | State::Done => PollFlags::empty(),
                };
                PollFd::new(inputs[i].fd.as_fd(), events)
            })
            .collect();
        if let Some(notice) = &self.interrupt {
            fds.push(PollFd::new(notice.as_fd(), PollFlags::POLLIN));
        }
        let limit = match (idle_left, waiting) {
            (Some(idle), true) => Some(idle.min(RECHECK)),
            (None, true) => Some(RECHECK),
            (idle, false) => idle,
        };
        let timeout = limit.map_or(PollTimeout::NONE, |limit| {
            PollTimeout::try_from(limit).unwrap_or(PollTimeout::MAX)
        });
        retry_on_eintr(|| poll(&mut fds, timeout))
            .map_err(|errno| Error::sys(inputs[live[0]].subject.clone(), Action::Wait, errno))?;
        let fired = |fd: &PollFd<'_>| fd.revents().is_some_and(|r| !r.is_empty());
        let interrupted = self.interrupt.is_some() && fds.last().is_some_and(fired);
        let ready = polled
            .iter()
            .zip(&fds)
            .filter(|&(&i, fd)| fired(fd) || matches!(inputs[i].state, State::Waiting(_)))
            .map(|(&i, fd)| {
                let hung_up = fd
                    .revents()
                    .is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR));
                (i, hung_up)
            })
            .chain(held.into_iter().map(|i| (i, false)))
            .collect();
        Ok((ready, interrupted))
    }

    /// Gives one input its turn; `Some` when the merge must stop.
    fn serve(
        &mut self,
        inputs: &mut [Input],
        index: usize,
        hung_up: bool,
        dst: BorrowedFd<'_>,
    ) -> Result<Option<Stop>> {
        if let State::Waiting(seen) = inputs[index].state {
            let unchanged = seen != usize::MAX
                && sys::bytes_waiting(inputs[index].fd.as_fd()).is_ok_and(|now| now == seen);
            if unchanged && !hung_up {
                return Ok(None);
            }
            inputs[index].state = State::Live;
        }
        let Some(left) = self.lines_left else {
            return self.read_freely(&mut inputs[index], dst);
        };
        // Each unfinished line read from an input is one the budget may have
        // to count: never hold more of them than lines are left.
        let unfinished = inputs.iter().filter(|i| !i.pending.is_empty()).count() as u64;
        let input = &mut inputs[index];
        let (budget, partial) = if !input.pending.is_empty() {
            (1, Partial::Take)
        } else if unfinished >= left {
            input.state = State::Waiting(usize::MAX);
            return Ok(None);
        } else if hung_up {
            (left - unfinished, Partial::Take)
        } else {
            (left - unfinished, Partial::Leave)
        };
        self.read_counted(input, budget, partial, dst)
    }

    /// Without a budget: reads whatever is waiting.
    fn read_freely(&mut self, input: &mut Input, dst: BorrowedFd<'_>) -> Result<Option<Stop>> {
        for _ in 0..TURN {
            let start = input.pending.len();
            input.pending.resize(start + READ_SIZE, 0);
            let read = retry_on_eintr(|| nix::unistd::read(&input.fd, &mut input.pending[start..]));
            let n = match read {
                Ok(n) => n,
                Err(Errno::EAGAIN) => 0,
                Err(errno) => return Err(input.read_failed(errno)),
            };
            input.pending.truncate(start + n);
            if read == Ok(0) {
                return self.end_of_stream(input, dst).map(|()| None);
            }
            if n == 0 {
                return Ok(None);
            }
            self.moved = true;
            self.emit_lines(input, dst)?;
            if input.pending.len() >= LINE_BUFFER {
                return self.stream_long_line(input, dst);
            }
            if !input.nonblocking {
                break;
            }
        }
        Ok(None)
    }

    /// With a budget: a counted read of at most `budget` lines, under the
    /// counted readers' lock.
    fn read_counted(
        &mut self,
        input: &mut Input,
        budget: u64,
        partial: Partial,
        dst: BorrowedFd<'_>,
    ) -> Result<Option<Stop>> {
        if input.lock.is_none() {
            match lock_pipe(input.fd.as_fd(), LockWait::No) {
                Ok(held) => input.lock = held,
                Err(NotLocked::Busy) => {
                    input.state = State::Waiting(usize::MAX);
                    return Ok(None);
                }
                Err(NotLocked::Unsupported) => {}
                Err(NotLocked::Failed(errno)) => return Err(input.read_failed(errno)),
            }
            // What poll saw may have gone to the reader that held the lock.
            if !readable_now(input.fd.as_fd()) {
                input.lock = None;
                return Ok(None);
            }
        }
        if self.buf.is_empty() {
            self.buf = vec![0; LINE_BUFFER];
        }
        let counted = self.reader.read(
            input.fd.as_fd(),
            input.seekable,
            &mut self.buf,
            NEWLINE,
            budget,
            partial,
        );
        match counted {
            Ok(Counted::EndOfFile) => return self.end_of_stream(input, dst).map(|()| None),
            Ok(Counted::Unfinished) => {
                let seen = sys::bytes_waiting(input.fd.as_fd()).unwrap_or(usize::MAX);
                input.state = State::Waiting(seen);
            }
            Ok(Counted::Read { len, .. }) => {
                self.moved = true;
                input.pending.extend_from_slice(&self.buf[..len]);
                self.emit_lines(input, dst)?;
                if input.pending.len() >= LINE_BUFFER {
                    return self.stream_long_line(input, dst);
                }
            }
            Err(Errno::EAGAIN) => {}
            Err(errno) => return Err(input.read_failed(errno)),
        }
        if input.pending.is_empty() {
            input.lock = None;
        }
        Ok(None)
    }
}

/// Whether `fd` has data or end of file right now.
fn readable_now(fd: BorrowedFd<'_>) -> bool {
    let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
    retry_on_eintr(|| poll(&mut fds, PollTimeout::ZERO)).is_ok_and(|ready| ready > 0)
}

#[cfg(test)]
mod tests;
