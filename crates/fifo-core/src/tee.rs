//! Fan-out: one input copied to many outputs in lockstep, so that every
//! output that stays gets every byte, in order, and memory stays flat.
//!
//! An output that fails is handed to the caller, who decides whether it is
//! dropped (the others go on) or the whole copy stops.

use std::ops::ControlFlow;
use std::os::fd::BorrowedFd;

use crate::copy::{write_all, write_failed};
use crate::open::retry_on_eintr;
use crate::{Action, Error, Result, Subject};

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
pub enum Ended {
    /// The input reached end of file.
    EndOfInput,
    /// Every output was dropped, so reading on was pointless.
    NoOutputsLeft,
    /// The caller asked to stop after an output failed.
    Stopped,
}

/// Copies `src` to every output until end of input.
///
/// When writing to an output fails, `on_error` gets that output and the
/// error (a departed reader is [`Error::ReaderLeft`] with the bytes it got)
/// and answers `Continue` to drop just that output or `Break` to stop.
///
/// # Errors
/// [`Error::Sys`] naming standard input when reading `src` fails.
pub fn fan_out(
    src: BorrowedFd<'_>,
    outputs: &mut Vec<Output<'_>>,
    mut on_error: impl FnMut(&Output<'_>, Error) -> ControlFlow<()>,
) -> Result<Ended> {
    let mut buf = vec![0; BUFFER_SIZE];
    loop {
        if outputs.is_empty() {
            return Ok(Ended::NoOutputsLeft);
        }
        let n = retry_on_eintr(|| nix::unistd::read(src, &mut buf))
            .map_err(|errno| Error::sys(Subject::Stdin, Action::Read, errno))?;
        if n == 0 {
            return Ok(Ended::EndOfInput);
        }
        let mut stop = false;
        outputs.retain_mut(|output| {
            if stop {
                return true;
            }
            match write_all(output.fd, &buf[..n]) {
                Ok(()) => {
                    output.written += n as u64;
                    true
                }
                Err((errno, partial)) => {
                    let err = write_failed(output.subject.clone(), errno, output.written + partial);
                    stop = on_error(output, err).is_break();
                    false
                }
            }
        });
        if stop {
            return Ok(Ended::Stopped);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::fd::{AsFd, OwnedFd};

    use super::*;

    fn filled_pipe(data: &[u8]) -> OwnedFd {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), data).unwrap();
        r
    }

    fn read_all(fd: &OwnedFd) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn every_output_gets_every_byte() {
        let src = filled_pipe(b"fan out");
        let (a_r, a_w) = nix::unistd::pipe().unwrap();
        let (b_r, b_w) = nix::unistd::pipe().unwrap();
        let mut outputs = vec![
            Output::new(Subject::path("a"), a_w.as_fd()),
            Output::new(Subject::path("b"), b_w.as_fd()),
        ];
        // The source's write end is gone once filled_pipe returned.
        let ended = fan_out(src.as_fd(), &mut outputs, |_, err| panic!("{err}")).unwrap();
        assert_eq!(ended, Ended::EndOfInput);
        drop(outputs);
        drop((a_w, b_w));
        assert_eq!(read_all(&a_r), b"fan out");
        assert_eq!(read_all(&b_r), b"fan out");
    }

    #[test]
    fn a_departed_reader_is_dropped_and_the_rest_go_on() {
        let src = filled_pipe(b"data");
        let (gone_r, gone_w) = nix::unistd::pipe().unwrap();
        drop(gone_r);
        let (kept_r, kept_w) = nix::unistd::pipe().unwrap();
        let mut outputs = vec![
            Output::new(Subject::path("gone"), gone_w.as_fd()),
            Output::new(Subject::path("kept"), kept_w.as_fd()),
        ];
        let mut dropped = Vec::new();
        let ended = fan_out(src.as_fd(), &mut outputs, |output, err| {
            dropped.push((output.subject().clone(), err.to_string()));
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(ended, Ended::EndOfInput);
        assert_eq!(
            dropped,
            vec![(
                Subject::path("gone"),
                "reader went away; 0 bytes were delivered".to_owned()
            )]
        );
        drop(outputs);
        drop(kept_w);
        assert_eq!(read_all(&kept_r), b"data");
    }

    #[test]
    fn break_stops_and_no_outputs_stop_reading() {
        let src = filled_pipe(b"x");
        let (gone_r, gone_w) = nix::unistd::pipe().unwrap();
        drop(gone_r);
        let mut outputs = vec![Output::new(Subject::path("gone"), gone_w.as_fd())];
        let ended = fan_out(src.as_fd(), &mut outputs, |_, _| ControlFlow::Break(())).unwrap();
        assert_eq!(ended, Ended::Stopped);
        let ended = fan_out(src.as_fd(), &mut Vec::new(), |_, _| ControlFlow::Break(())).unwrap();
        assert_eq!(ended, Ended::NoOutputsLeft);
    }
}
