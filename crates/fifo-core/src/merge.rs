//! Merging many FIFOs into one stream of whole lines: lines from different
//! inputs never mix, each line can be tagged with its source, and a line
//! longer than the buffer is passed on whole rather than split.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::copy::{Stop, write_data};
use crate::open::retry_on_eintr;
use crate::{Action, Error, Result, Subject, sys};

/// How much of one input's unfinished line is held before the line is
/// streamed out on its own (see [`Merger::run`]).
pub const LINE_BUFFER: usize = 1 << 20;
const READ_SIZE: usize = 64 * 1024;

/// One input of a merge.
#[derive(Debug)]
pub struct Input {
    subject: Subject,
    fd: OwnedFd,
    /// Written before each of its lines (`name: `), when tagging.
    prefix: Vec<u8>,
    /// The start of a line whose newline has not arrived yet.
    pending: Vec<u8>,
    done: bool,
}

impl Input {
    /// An input reading `fd`, named `subject` in errors, each of its lines
    /// prefixed with `prefix` (empty for none).
    #[must_use]
    pub fn new(subject: Subject, fd: OwnedFd, prefix: Vec<u8>) -> Self {
        Self {
            subject,
            fd,
            prefix,
            pending: Vec::new(),
            done: false,
        }
    }
}

/// Merges inputs line by line into one output.
#[derive(Debug)]
pub struct Merger {
    lines_left: Option<u64>,
    idle: Option<Duration>,
    scratch: Option<(OwnedFd, OwnedFd)>,
    peek_buf: Vec<u8>,
}

impl Merger {
    /// A merger that stops after `lines` lines (if given) or `idle` without
    /// data (if given).
    #[must_use]
    pub fn new(lines: Option<u64>, idle: Option<Duration>) -> Self {
        Self {
            lines_left: lines,
            idle,
            scratch: None,
            peek_buf: Vec::new(),
        }
    }

    /// Copies whole lines from every input to `dst` until every input has
    /// ended, the line budget is spent, or the idle timeout passes.
    ///
    /// An input ends when its last writer leaves; an unterminated last line
    /// gets a newline so it cannot join another input's line. A line longer
    /// than [`LINE_BUFFER`] is streamed to `dst` alone, with the other inputs
    /// waiting (their writers block on full pipes) until its newline.
    ///
    /// # Errors
    /// [`Error::Sys`] naming the input that failed to read, or the output
    /// that failed to write (a closed stdout is `EPIPE`).
    pub fn run(&mut self, inputs: &mut [Input], dst: BorrowedFd<'_>) -> Result<Stop> {
        loop {
            if self.lines_left == Some(0) {
                return Ok(Stop::LimitReached);
            }
            let live: Vec<usize> = (0..inputs.len()).filter(|&i| !inputs[i].done).collect();
            if live.is_empty() {
                return Ok(Stop::EndOfFile);
            }
            let ready = {
                let mut fds: Vec<PollFd<'_>> = live
                    .iter()
                    .map(|&i| PollFd::new(inputs[i].fd.as_fd(), PollFlags::POLLIN))
                    .collect();
                let timeout = self.idle.map_or(PollTimeout::NONE, |idle| {
                    PollTimeout::try_from(idle).unwrap_or(PollTimeout::MAX)
                });
                let count = retry_on_eintr(|| poll(&mut fds, timeout)).map_err(|errno| {
                    Error::sys(inputs[live[0]].subject.clone(), Action::Wait, errno)
                })?;
                if count == 0 {
                    return Ok(Stop::Idle);
                }
                let ready: Vec<usize> = fds
                    .iter()
                    .zip(&live)
                    .filter(|(fd, _)| fd.revents().is_some_and(|r| !r.is_empty()))
                    .map(|(_, &i)| i)
                    .collect();
                ready
            };
            for index in ready {
                self.serve(&mut inputs[index], dst)?;
                if self.lines_left == Some(0) {
                    return Ok(Stop::LimitReached);
                }
            }
        }
    }

    /// Reads what one ready input has and writes its complete lines.
    fn serve(&mut self, input: &mut Input, dst: BorrowedFd<'_>) -> Result<()> {
        let want = self.safe_read_size(input)?;
        let start = input.pending.len();
        input.pending.resize(start + want, 0);
        let n = retry_on_eintr(|| nix::unistd::read(&input.fd, &mut input.pending[start..]))
            .map_err(|errno| Error::sys(input.subject.clone(), Action::Read, errno))?;
        input.pending.truncate(start + n);
        if n == 0 {
            input.done = true;
            if !input.pending.is_empty() {
                input.pending.push(b'\n');
            }
        }
        self.emit_lines(input, dst)?;
        if input.pending.len() >= LINE_BUFFER {
            self.stream_long_line(input, dst)?;
        }
        Ok(())
    }

    /// How much to read from a ready input: with a line budget, only up to
    /// the last complete line it may still take (peeked on Linux), so that
    /// unprinted lines stay in the FIFO.
    fn safe_read_size(&mut self, input: &Input) -> Result<usize> {
        let Some(left) = self.lines_left else {
            return Ok(READ_SIZE);
        };
        if self.peek_buf.is_empty() {
            self.peek_buf = vec![0; READ_SIZE];
        }
        match sys::peek(input.fd.as_fd(), &mut self.scratch, &mut self.peek_buf) {
            Some(Ok(peeked)) => {
                let data = &self.peek_buf[..peeked];
                let cut = memchr::memchr_iter(b'\n', data)
                    .nth(usize::try_from(left.saturating_sub(1)).unwrap_or(usize::MAX))
                    .or_else(|| memchr::memrchr(b'\n', data))
                    .map_or(peeked, |at| at + 1);
                Ok(cut.max(usize::from(peeked == 0)))
            }
            Some(Err(errno)) => Err(Error::sys(input.subject.clone(), Action::Read, errno)),
            None => Ok(READ_SIZE),
        }
    }

    /// Writes every complete line in `input.pending`, within the budget.
    fn emit_lines(&mut self, input: &mut Input, dst: BorrowedFd<'_>) -> Result<()> {
        let mut out = Vec::new();
        let mut consumed = 0;
        for end in memchr::memchr_iter(b'\n', &input.pending) {
            if self.lines_left == Some(0) {
                break;
            }
            out.extend_from_slice(&input.prefix);
            out.extend_from_slice(&input.pending[consumed..=end]);
            consumed = end + 1;
            if let Some(left) = &mut self.lines_left {
                *left -= 1;
            }
        }
        input.pending.drain(..consumed);
        write_out(dst, &out)
    }

    /// Streams one over-long line to `dst` whole: its start, then whatever
    /// the same input sends, read from it alone, up to its newline.
    fn stream_long_line(&mut self, input: &mut Input, dst: BorrowedFd<'_>) -> Result<()> {
        let mut head = input.prefix.clone();
        head.append(&mut input.pending);
        write_out(dst, &head)?;
        let mut buf = vec![0; READ_SIZE];
        loop {
            let n = retry_on_eintr(|| nix::unistd::read(&input.fd, &mut buf))
                .map_err(|errno| Error::sys(input.subject.clone(), Action::Read, errno))?;
            if n == 0 {
                input.done = true;
                write_out(dst, b"\n")?;
                self.count_line();
                return Ok(());
            }
            if let Some(at) = memchr::memchr(b'\n', &buf[..n]) {
                write_out(dst, &buf[..=at])?;
                input.pending.extend_from_slice(&buf[at + 1..n]);
                self.count_line();
                return self.emit_lines(input, dst);
            }
            write_out(dst, &buf[..n])?;
        }
    }

    fn count_line(&mut self) {
        if let Some(left) = &mut self.lines_left {
            *left = left.saturating_sub(1);
        }
    }
}

fn write_out(dst: BorrowedFd<'_>, data: &[u8]) -> Result<()> {
    write_data(dst, Subject::Stdout, data).map(drop)
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;

    use super::*;
    use crate::copy::write_all;

    fn input(name: &str, data: &[u8], prefix: bool) -> Input {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), data).unwrap();
        drop(w);
        let tag = if prefix {
            format!("{name}: ").into_bytes()
        } else {
            Vec::new()
        };
        Input::new(Subject::path(name), r, tag)
    }

    /// Runs the merge into a pipe drained by a thread, so a long output
    /// cannot fill the pipe and stall the test.
    fn merged(inputs: &mut [Input], merger: &mut Merger) -> (Stop, Vec<u8>) {
        let (r, w) = nix::unistd::pipe().unwrap();
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut buf = vec![0u8; 65536];
            while let Ok(n @ 1..) = retry_on_eintr(|| nix::unistd::read(&r, &mut buf)) {
                out.extend_from_slice(&buf[..n]);
            }
            out
        });
        let stop = merger.run(inputs, w.as_fd()).unwrap();
        drop(w);
        (stop, reader.join().unwrap())
    }

    #[test]
    fn lines_are_whole_and_tagged_and_a_last_line_is_terminated() {
        let mut inputs = [input("a", b"a1\na2\n", true), input("b", b"b1\nb2", true)];
        let (stop, out) = merged(&mut inputs, &mut Merger::new(None, None));
        assert_eq!(stop, Stop::EndOfFile);
        let text = String::from_utf8(out).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines, ["a: a1", "a: a2", "b: b1", "b: b2"]);
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn a_line_longer_than_the_buffer_is_passed_on_whole() {
        let mut long = vec![b'x'; LINE_BUFFER + 10];
        long.push(b'\n');
        let (r, w) = nix::unistd::pipe().unwrap();
        let writer = std::thread::spawn(move || {
            write_all(w.as_fd(), &long).unwrap();
            write_all(w.as_fd(), b"short\n").unwrap();
        });
        let mut inputs = [
            Input::new(Subject::path("long"), r, Vec::new()),
            input("b", b"b1\n", false),
        ];
        let (_, out) = merged(&mut inputs, &mut Merger::new(None, None));
        writer.join().unwrap();
        let lines: Vec<&[u8]> = out
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines.len(), 3);
        let long_line = vec![b'x'; LINE_BUFFER + 10];
        assert!(
            lines.contains(&long_line.as_slice()),
            "the long line arrived whole"
        );
        assert!(lines.contains(&&b"short"[..]) && lines.contains(&&b"b1"[..]));
    }

    #[test]
    fn a_line_budget_leaves_the_rest_in_the_pipe() {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), b"1\n2\n3\n").unwrap();
        let mut inputs = [Input::new(Subject::path("a"), r, Vec::new())];
        let (stop, out) = merged(&mut inputs, &mut Merger::new(Some(2), None));
        assert_eq!((stop, out), (Stop::LimitReached, b"1\n2\n".to_vec()));
        drop(w);
        let mut rest = [0u8; 8];
        let n = nix::unistd::read(&inputs[0].fd, &mut rest).unwrap();
        assert_eq!(&rest[..n], b"3\n");
    }
}
