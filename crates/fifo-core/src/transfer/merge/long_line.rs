//! A line longer than the merge buffer: streamed out whole, its input read
//! alone until its newline.

use std::os::fd::{AsFd, BorrowedFd};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::sys::ready::poll;

use super::{Input, Merger, NEWLINE, READ_SIZE};
use crate::records::{Counted, Partial};
use crate::sys::fd::retry_on_eintr;
use crate::transfer::copy::Stop;
use crate::{Action, Error, Result};

impl Merger {
    /// Streams one over-long line to `dst` whole: its start, then whatever
    /// the same input sends, read from it alone, up to its newline.
    pub(super) fn stream_long_line(
        &mut self,
        input: &mut Input,
        dst: BorrowedFd<'_>,
    ) -> Result<Option<Stop>> {
        let mut head = input.prefix.clone();
        head.append(&mut input.pending);
        self.write_out(dst, &head)?;
        if self.buf.len() < READ_SIZE {
            self.buf = vec![0; READ_SIZE];
        }
        loop {
            if let Some(stop) = self.wait_for(input)? {
                self.end_long_line(dst)?;
                return Ok(Some(stop));
            }
            let read = if self.lines_left.is_some() {
                // Only up to the newline: the rest stays for the budget.
                self.reader.read(
                    input.fd.as_fd(),
                    input.seekable,
                    &mut self.buf,
                    NEWLINE,
                    1,
                    Partial::Take,
                )
            } else {
                retry_on_eintr(|| nix::unistd::read(&input.fd, &mut self.buf)).map(|len| {
                    if len == 0 {
                        Counted::EndOfFile
                    } else {
                        Counted::Read { len, records: 0 }
                    }
                })
            };
            let len = match read {
                Ok(Counted::Read { len, .. }) => len,
                Ok(Counted::EndOfFile) => {
                    self.end_long_line(dst)?;
                    return self.end_of_stream(input, dst).map(|()| None);
                }
                Ok(Counted::Unfinished) | Err(Errno::EAGAIN) => continue,
                Err(errno) => return Err(input.read_failed(errno)),
            };
            self.moved = true;
            let data = &self.buf[..len];
            if let Some(at) = memchr::memchr(b'\n', data) {
                input.pending.extend_from_slice(&data[at + 1..]);
                let line_end = data[..=at].to_vec();
                self.write_out(dst, &line_end)?;
                self.count_lines(1);
                self.emit_lines(input, dst)?;
                if input.pending.is_empty() {
                    input.lock = None;
                }
                return Ok(None);
            }
            let part = data.to_vec();
            self.write_out(dst, &part)?;
        }
    }

    /// Ends a long line cut short by the idle timeout or an interruption.
    fn end_long_line(&mut self, dst: BorrowedFd<'_>) -> Result<()> {
        self.count_lines(1);
        self.write_out(dst, b"\n")
    }

    /// Waits until `input` alone can be read; `Some` when the idle timeout
    /// or the interruption notice came first.
    fn wait_for(&self, input: &Input) -> Result<Option<Stop>> {
        let mut fds = vec![PollFd::new(input.fd.as_fd(), PollFlags::POLLIN)];
        if let Some(notice) = &self.interrupt {
            fds.push(PollFd::new(notice.as_fd(), PollFlags::POLLIN));
        }
        let timeout = self.idle.map_or(PollTimeout::NONE, |idle| {
            PollTimeout::try_from(idle).unwrap_or(PollTimeout::MAX)
        });
        let count = retry_on_eintr(|| poll(&mut fds, timeout))
            .map_err(|errno| Error::sys(input.subject.clone(), Action::Wait, errno))?;
        if count == 0 {
            return Ok(Some(Stop::Idle));
        }
        let noticed = fds.len() > 1 && fds[1].revents().is_some_and(|r| !r.is_empty());
        Ok(noticed.then_some(Stop::Interrupted))
    }
}
