//! The Linux fan-out between pipes, with tee(2) and splice(2): the data is
//! duplicated in the kernel and never copied through user memory. It keeps
//! the portable path's promise (every output that stays gets every byte, in
//! order) where a pipe takes less than a whole round, through a slow lane
//! that copies the round once ([`TopUp`]). [`FanOut::run`] takes it when the
//! input and every output are pipes, and falls back to the portable path
//! when the kernel refuses it before anything moved.

use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

use super::{BUFFER_SIZE, Ended, FanOut, Output, drop_output, read_failed};
use crate::sys::fd::{Fault, retry_on_eintr, write_all};
use crate::{Error, Result, open::capacity, sys};

/// The most one tee(2) round moves: a whole raised pipe.
const TEE_CHUNK: usize = capacity::DEFAULT_CAPACITY;

/// The Linux fan-out between pipes. Each round, tee(2) into the first output
/// fixes how many bytes `n` the round moves; every other output but the last
/// gets the same `n` by tee(2), topped up from a peeked copy when its pipe
/// takes fewer; the last output then takes the round out of the input with
/// splice(2), so no round is duplicated more often than it has extra outputs.
/// With one output, the round is simply spliced into it. Returns `None` when
/// tee(2) or splice(2) is refused before anything moved.
pub(super) fn tee_pipes(
    src: BorrowedFd<'_>,
    fan: &mut FanOut,
    outputs: &mut Vec<Output<'_>>,
    on_error: &mut impl FnMut(&Output<'_>, Error) -> ControlFlow<()>,
) -> Result<Option<Ended>> {
    let mut topup = TopUp::default();
    let mut moved = false;
    loop {
        if outputs.is_empty() {
            return Ok(Some(Ended::NoOutputsLeft));
        }
        let chunk = fan.allowance(TEE_CHUNK);
        // The round's size, and how much of it is already out of the input.
        let (mut n, mut consumed) = (0, 0);
        let mut index = 0;
        while index < outputs.len() && n == 0 {
            let fd = outputs[index].fd;
            let last = index + 1 == outputs.len();
            let result = if last {
                retry_on_eintr(|| sys::splice(src, fd, chunk))
            } else {
                retry_on_eintr(|| sys::tee_pipe(src, fd, chunk))
            };
            match result {
                Ok(0) => return Ok(Some(Ended::EndOfInput)),
                Ok(got) => {
                    n = got;
                    consumed = if last { got } else { 0 };
                    outputs[index].written += got as u64;
                    index += 1;
                }
                Err(Errno::EINVAL | Errno::ENOSYS) if !moved => return Ok(None),
                Err(errno) => {
                    if drop_output(outputs, index, errno, 0, on_error).is_break() {
                        return Ok(Some(Ended::Stopped));
                    }
                }
            }
        }
        if n == 0 {
            continue;
        }
        moved = true;
        while index < outputs.len() {
            let last = index + 1 == outputs.len();
            let result = if last && !topup.taken {
                splice_round(src, outputs[index].fd, n, &mut consumed)
            } else {
                topup.deliver(src, outputs[index].fd, n)
            };
            match result {
                Ok(()) => {
                    outputs[index].written += n as u64;
                    index += 1;
                }
                Err(Shortfall::Output(fault, partial)) => {
                    if drop_output(outputs, index, fault, partial, on_error).is_break() {
                        return Ok(Some(Ended::Stopped));
                    }
                }
                Err(Shortfall::Input(fault)) => return Err(read_failed(&fan.source, fault)),
            }
        }
        if !topup.end_round() && consumed < n {
            // The last output left during the round: the rest of the round
            // still has to leave the input.
            discard(src, n - consumed).map_err(|fault| read_failed(&fan.source, fault))?;
        }
        fan.delivered_unseen(n);
    }
}

/// Moves the rest of the round's `n` bytes from `src` into `dst` with
/// splice(2); `consumed` counts what has left `src` so far.
fn splice_round(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    n: usize,
    consumed: &mut usize,
) -> Result<(), Shortfall> {
    while *consumed < n {
        match retry_on_eintr(|| sys::splice(src, dst, n - *consumed)) {
            Ok(0) => return Err(Shortfall::Input(Fault::Vanished)),
            Ok(done) => *consumed += done,
            Err(errno) => return Err(Shortfall::Output(errno.into(), *consumed as u64)),
        }
    }
    Ok(())
}

/// The slow lane of [`tee_pipes`]: a scratch pipe and buffer for the bytes
/// tee(2) could not duplicate in one go, made on first use.
///
/// The bytes are peeked when the scratch pipe can hold the whole round. When
/// it cannot (a user over `fs.pipe-user-pages-soft` gets 8 KiB pipes, while
/// the input's pipe may be larger) the round is read out of the input
/// instead, and every output still missing it is written from that copy:
/// slower, but no output is ever dropped for it.
#[derive(Debug, Default)]
struct TopUp {
    scratch: sys::ScratchPipe,
    buf: Vec<u8>,
    /// This round's bytes are in `buf` and already consumed from the input.
    taken: bool,
}

/// Why [`TopUp::deliver`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shortfall {
    /// Writing the output failed after it got this many of the round's bytes.
    Output(Fault, u64),
    /// Reading the input failed.
    Input(Fault),
}

impl TopUp {
    /// Gives `dst` the round's `n` bytes, the first `n` waiting in `src`.
    fn deliver(
        &mut self,
        src: BorrowedFd<'_>,
        dst: BorrowedFd<'_>,
        n: usize,
    ) -> Result<(), Shortfall> {
        let teed = if self.taken {
            0
        } else {
            retry_on_eintr(|| sys::tee_pipe(src, dst, n))
                .map_err(|errno| Shortfall::Output(errno.into(), 0))?
        };
        if teed == n {
            return Ok(());
        }
        // tee(2) cannot resume at an offset: take a copy of all n bytes and
        // write the part the output is missing.
        if !self.taken {
            self.copy_round(src, n).map_err(Shortfall::Input)?;
        }
        write_all(dst, &self.buf[teed..n])
            .map_err(|(fault, written)| Shortfall::Output(fault, teed as u64 + written))
    }

    /// Ends a round; true when its bytes were already consumed from the input.
    fn end_round(&mut self) -> bool {
        std::mem::take(&mut self.taken)
    }

    /// Copies the first `n` bytes waiting in `src` into `self.buf`: peeked
    /// (the same peek the copy engine uses for a line budget) when the whole round
    /// fits the scratch pipe, else read out of `src`.
    fn copy_round(&mut self, src: BorrowedFd<'_>, n: usize) -> Result<(), Fault> {
        if self.buf.is_empty() {
            self.buf = vec![0; TEE_CHUNK];
        }
        // Always the whole buffer: the scratch pipe is sized by the first
        // peek, and later rounds may be larger. Peeking more than `n` is
        // harmless, since nothing is consumed.
        if let Some(Ok(copied)) = self.scratch.peek(src, &mut self.buf) {
            if copied >= n {
                return Ok(());
            }
        }
        let mut got = 0;
        while got < n {
            match retry_on_eintr(|| nix::unistd::read(src, &mut self.buf[got..n]))? {
                // Someone else read the input: the round's bytes are gone.
                0 => return Err(Fault::Vanished),
                more => got += more,
            }
        }
        self.taken = true;
        Ok(())
    }
}

/// Consumes `n` bytes of `src`: spliced into /dev/null, or read and thrown
/// away where splice(2) is refused.
fn discard(src: BorrowedFd<'_>, n: usize) -> Result<(), Fault> {
    let sink = nix::fcntl::open(
        "/dev/null",
        OFlag::O_WRONLY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )?;
    let mut left = n;
    while left > 0 {
        match retry_on_eintr(|| sys::splice(src, sink.as_fd(), left)) {
            Ok(0) => return Err(Fault::Vanished),
            Ok(done) => left -= done,
            Err(Errno::EINVAL) => {
                let mut buf = vec![0; left.min(BUFFER_SIZE)];
                let done = retry_on_eintr(|| nix::unistd::read(src, &mut buf))?;
                if done == 0 {
                    return Err(Fault::Vanished);
                }
                left -= done;
            }
            Err(errno) => return Err(errno.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::data;
    use super::*;

    #[test]
    fn a_small_top_up_does_not_limit_a_later_larger_one() {
        let want = data(300_000);
        let (r, w) = nix::unistd::pipe().unwrap();
        sys::set_pipe_size(w.as_fd(), 1 << 20).unwrap();
        write_all(w.as_fd(), &want).unwrap();
        let mut topup = TopUp::default();
        topup.copy_round(r.as_fd(), 1000).unwrap();
        topup.copy_round(r.as_fd(), 200_000).unwrap();
        assert!(
            topup.buf[..200_000] == want[..200_000],
            "the larger peek is whole"
        );
        assert!(!topup.end_round(), "peeked, so nothing was consumed");
    }

    /// Pipe-memory pressure: a scratch pipe too small for the round (as a
    /// user over `fs.pipe-user-pages-soft` gets) must not drop an output.
    #[test]
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn a_scratch_pipe_too_small_for_the_round_still_delivers_everything() {
        use super::super::tests::sink;
        let want = data(300_000);
        let (r, w) = nix::unistd::pipe().unwrap();
        sys::set_pipe_size(w.as_fd(), 1 << 20).unwrap();
        write_all(w.as_fd(), &want).unwrap();
        let mut topup = TopUp {
            scratch: sys::ScratchPipe::with_capacity(4096).unwrap(),
            ..TopUp::default()
        };
        // Two outputs whose pipes take only part of a 200 kB round.
        let (one, one_got) = sink(true);
        let (two, two_got) = sink(true);
        let n = 200_000;
        topup.deliver(r.as_fd(), one.as_fd(), n).unwrap();
        topup.deliver(r.as_fd(), two.as_fd(), n).unwrap();
        assert!(topup.end_round(), "the round was read out of the input");
        drop((one, two));
        assert!(one_got.join().unwrap() == want[..n], "first output whole");
        assert!(two_got.join().unwrap() == want[..n], "second output whole");
        drop(w);
        let mut rest = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(more @ 1..) = nix::unistd::read(&r, &mut buf) {
            rest.extend_from_slice(&buf[..more]);
        }
        assert!(rest == want[n..], "the input lost no byte beyond the round");
    }
}
