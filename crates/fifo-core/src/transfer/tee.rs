//! Fan-out: one input copied to many outputs in lockstep, so that every
//! output that stays gets every byte, in order, and memory stays flat.
//!
//! An output that fails is handed to the caller, who decides whether it is
//! dropped (the others go on) or the whole copy stops.
//!
//! ```
//! use std::io::{Read, Seek, Write};
//! use std::ops::ControlFlow;
//! use std::os::fd::AsFd;
//!
//! use fifo_core::transfer::tee::{FanOut, Output};
//! use fifo_core::Subject;
//!
//! let mut src = tempfile::tempfile()?;
//! src.write_all(b"to both")?;
//! src.rewind()?;
//! let (mut a, mut b) = (tempfile::tempfile()?, tempfile::tempfile()?);
//! let mut outputs = vec![
//!     Output::new(Subject::path("a"), a.as_fd()),
//!     Output::new(Subject::path("b"), b.as_fd()),
//! ];
//! // A failing output could be dropped (Continue) or end it all (Break).
//! FanOut::new().run(src.as_fd(), &mut outputs, |_, _| ControlFlow::Continue(()))?;
//! drop(outputs);
//! for out in [&mut a, &mut b] {
//!     let mut text = String::new();
//!     out.rewind()?;
//!     out.read_to_string(&mut text)?;
//!     assert_eq!(text, "to both");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod pipes;

use std::ops::ControlFlow;
use std::os::fd::BorrowedFd;
use std::time::Duration;

use crate::sys::fd::retry_on_eintr;
use crate::sys::fd::{Fault, write_all};
use crate::transfer::lossy::LossyOutput;
use crate::transfer::progress::Progress;
use crate::transfer::rate::RateLimit;
use crate::transfer::write::write_failed;
use crate::{Action, Error, Result, Subject, open::capacity};

/// The portable path's buffer.
const BUFFER_SIZE: usize = 128 * 1024;

/// One destination of a fan-out.
#[derive(Debug)]
pub struct Output<'fd> {
    subject: Subject,
    fd: BorrowedFd<'fd>,
    written: u64,
}

impl<'fd> Output<'fd> {
    /// An output writing to `fd`, named `subject` in errors.
    #[must_use]
    pub fn new(subject: Subject, fd: BorrowedFd<'fd>) -> Self {
        Self {
            subject,
            fd,
            written: 0,
        }
    }

    /// What this output is.
    #[must_use]
    pub fn subject(&self) -> &Subject {
        &self.subject
    }
}

/// Why a fan-out ended without an input error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ended {
    /// The input reached end of file.
    EndOfInput,
    /// Every output was dropped, so reading on was pointless.
    NoOutputsLeft,
    /// The caller asked to stop after an output failed.
    Stopped,
}

/// Copies one input to many outputs.
#[derive(Debug)]
pub struct FanOut {
    source: Subject,
    portable: bool,
    progress: Option<Progress>,
    rate: Option<RateLimit>,
    lossy: Vec<LossyOutput>,
}

impl Default for FanOut {
    fn default() -> Self {
        Self::new()
    }
}

impl FanOut {
    /// A fan-out that takes the Linux fast path when it can, reading a
    /// source its errors call standard input unless
    /// [`FanOut::reading`] names it.
    #[must_use]
    pub fn new() -> Self {
        Self {
            source: Subject::Stdin,
            portable: false,
            progress: None,
            rate: None,
            lossy: Vec::new(),
        }
    }

    /// Also feeds `output`, which never blocks the copy (see
    /// [`crate::transfer::lossy`]). With a lossy output the data goes through user
    /// memory (read and write), since tee(2) would block on a full pipe.
    #[must_use]
    pub fn with_lossy(mut self, output: LossyOutput) -> Self {
        self.lossy.push(output);
        self
    }

    /// The lossy outputs, to read their drop counts.
    #[must_use]
    pub fn lossy(&self) -> &[LossyOutput] {
        &self.lossy
    }

    /// Moves at most `rate` allows: each tee(2) round, or each read on the
    /// portable path, asks the bucket first, and waits when it is empty.
    #[must_use]
    pub fn with_rate_limit(mut self, rate: RateLimit) -> Self {
        self.rate = Some(rate);
        self
    }

    /// Names the input in errors.
    #[must_use]
    pub fn reading(mut self, source: Subject) -> Self {
        self.source = source;
        self
    }

    /// Uses only the portable read/write loop, so that it can be tested here.
    #[must_use]
    pub fn without_fast_paths(mut self) -> Self {
        self.portable = true;
        self
    }

    /// Reports the input bytes every output has received to `progress`.
    #[must_use]
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Copies `src` to every output until end of input.
    ///
    /// When writing to an output fails, `on_error` gets that output and the
    /// error (a departed reader is [`Error::ReaderLeft`] with the bytes it
    /// got) and answers `Continue` to drop just that output or `Break` to
    /// stop.
    ///
    /// On Linux, when the input and every output are pipes, the data is
    /// duplicated with tee(2) and never copied through user memory.
    ///
    /// # Errors
    /// [`Error::Sys`] naming the source (see [`FanOut::reading`]) when
    /// reading `src` fails.
    pub fn run(
        &mut self,
        src: BorrowedFd<'_>,
        outputs: &mut Vec<Output<'_>>,
        mut on_error: impl FnMut(&Output<'_>, Error) -> ControlFlow<()>,
    ) -> Result<Ended> {
        let is_pipe = |fd| capacity::current(fd).is_some();
        let teeing = !self.portable
            && self.lossy.is_empty()
            && !Progress::needs_data(self.progress.as_ref());
        let mut ended = None;
        if teeing && is_pipe(src) && outputs.iter().all(|out| is_pipe(out.fd)) {
            ended = pipes::tee_pipes(src, self, outputs, &mut on_error).transpose();
        }
        ended.unwrap_or_else(|| read_write(src, self, outputs, on_error))
    }

    /// After [`FanOut::run`]: delivers what the lossy outputs still have
    /// queued while their readers take it, giving up on one whose reader
    /// takes nothing for `grace` ([`crate::transfer::lossy::finish_all`]). Close the
    /// other outputs first, so that their readers need not wait for this.
    pub fn finish_lossy(&mut self, grace: Duration) {
        crate::transfer::lossy::finish_all(&mut self.lossy, grace);
    }

    /// At most `max` bytes, or what the rate limit allows (waiting for it).
    fn allowance(&mut self, max: usize) -> usize {
        match &mut self.rate {
            Some(rate) => rate.allowance(max),
            None => max,
        }
    }

    /// Counts a round of `data` every output got.
    fn delivered(&mut self, data: &[u8]) {
        if let Some(rate) = &mut self.rate {
            rate.charge(data.len());
        }
        Progress::add(&mut self.progress, data);
    }

    /// Counts a round of `n` bytes every output got, moved by tee(2).
    fn delivered_unseen(&mut self, n: usize) {
        if let Some(rate) = &mut self.rate {
            rate.charge(n);
        }
        Progress::add_unseen(&mut self.progress, n);
    }
}

/// Removes output `index` after a failed write and asks the caller what now.
fn drop_output(
    outputs: &mut Vec<Output<'_>>,
    index: usize,
    fault: impl Into<Fault>,
    partial: u64,
    on_error: &mut impl FnMut(&Output<'_>, Error) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let output = outputs.remove(index);
    let err = write_failed(output.subject.clone(), fault, output.written + partial);
    on_error(&output, err)
}

/// The portable fan-out: read a chunk, write it to every output.
fn read_write(
    src: BorrowedFd<'_>,
    fan: &mut FanOut,
    outputs: &mut Vec<Output<'_>>,
    mut on_error: impl FnMut(&Output<'_>, Error) -> ControlFlow<()>,
) -> Result<Ended> {
    let mut buf = vec![0; BUFFER_SIZE];
    loop {
        if outputs.is_empty() {
            return Ok(Ended::NoOutputsLeft);
        }
        let room = fan.allowance(buf.len());
        let n = retry_on_eintr(|| nix::unistd::read(src, &mut buf[..room]))
            .map_err(|errno| read_failed(&fan.source, errno))?;
        if n == 0 {
            return Ok(Ended::EndOfInput);
        }
        let mut index = 0;
        while index < outputs.len() {
            match write_all(outputs[index].fd, &buf[..n]) {
                Ok(()) => {
                    outputs[index].written += n as u64;
                    index += 1;
                }
                Err((fault, partial)) => {
                    if drop_output(outputs, index, fault, partial, &mut on_error).is_break() {
                        return Ok(Ended::Stopped);
                    }
                }
            }
        }
        for lossy in &mut fan.lossy {
            lossy.offer(&buf[..n]);
        }
        fan.delivered(&buf[..n]);
    }
}

fn read_failed(source: &Subject, fault: impl Into<Fault>) -> Error {
    Error::sys(source.clone(), Action::Read, fault.into())
}

#[cfg(test)]
mod tests;
