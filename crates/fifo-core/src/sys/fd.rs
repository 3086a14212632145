//! Plain descriptor calls every layer needs: retrying after a signal,
//! switching `O_NONBLOCK`, writing a whole buffer; and [`Fault`], why a
//! transfer failed when the system call itself did not.

use std::io::{self, IoSlice};
use std::os::fd::BorrowedFd;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::sys::uio::writev;

/// Why a read or write that had bytes to move failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The system call failed.
    Os(Errno),
    /// A write accepted no byte of a non-empty buffer.
    WroteNothing,
    /// Bytes seen waiting in the input (duplicated or peeked) were no longer
    /// there to read: another reader took them.
    Vanished,
}

impl From<Errno> for Fault {
    fn from(errno: Errno) -> Self {
        Self::Os(errno)
    }
}

/// As the messages word it: the system's plain description of the `errno`.
impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::error::describe(&io::Error::from(*self)))
    }
}

impl std::error::Error for Fault {}

impl From<Fault> for io::Error {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Os(errno) => errno.into(),
            Fault::WroteNothing => Self::new(
                io::ErrorKind::WriteZero,
                "the destination accepted no bytes",
            ),
            Fault::Vanished => Self::new(
                io::ErrorKind::UnexpectedEof,
                "another reader took the bytes waiting in it",
            ),
        }
    }
}

/// Sets or clears `O_NONBLOCK` on an open file description.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) -> nix::Result<()> {
    let mut flags = OFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFL)?);
    flags.set(OFlag::O_NONBLOCK, on);
    fcntl(fd, FcntlArg::F_SETFL(flags)).map(drop)
}

/// Repeats a system call that a signal interrupted.
pub(crate) fn retry_on_eintr<T>(mut call: impl FnMut() -> nix::Result<T>) -> nix::Result<T> {
    loop {
        match call() {
            Err(Errno::EINTR) => {}
            other => return other,
        }
    }
}

/// The most one `write(2)` or `writev(2)` is given. macOS refuses a write
/// of 2 GiB or more with `EINVAL` (the total must fit an `int`), and Linux
/// writes at most 2 GiB less a page anyway: bigger writes go out in pieces.
pub(crate) const MAX_WRITE: usize = 1 << 30;

/// One `write(2)` of as much of `data` as [`MAX_WRITE`] allows; the number
/// of bytes written, as `write` says it.
pub(crate) fn write_capped(dst: BorrowedFd<'_>, data: &[u8]) -> nix::Result<usize> {
    nix::unistd::write(dst, &data[..data.len().min(MAX_WRITE)])
}

/// Writes all of `data`, resuming after short writes and `EINTR`. On failure
/// returns the `errno` and how many bytes had been written.
pub(crate) fn write_all(dst: BorrowedFd<'_>, mut data: &[u8]) -> Result<(), (Fault, u64)> {
    let mut written = 0u64;
    while !data.is_empty() {
        match retry_on_eintr(|| write_capped(dst, data)) {
            Ok(0) => return Err((Fault::WroteNothing, written)),
            Ok(n) => {
                data = &data[n..];
                written += n as u64;
            }
            Err(errno) => return Err((Fault::Os(errno), written)),
        }
    }
    Ok(())
}

/// Writes all of `parts` one after another with `writev(2)`, as many parts
/// per call as the system takes, resuming after short writes and `EINTR`.
/// On failure returns the `errno` and how many bytes had been written.
pub(crate) fn write_all_vectored(
    dst: BorrowedFd<'_>,
    mut parts: &mut [IoSlice<'_>],
) -> Result<(), (Fault, u64)> {
    /// At most this many parts per call (Linux's `IOV_MAX`; POSIX promises
    /// at least 16).
    const PARTS: usize = 1024;
    let mut written = 0u64;
    // Drops the empty parts in front: a call never gets only empty ones,
    // which would write nothing.
    IoSlice::advance_slices(&mut parts, 0);
    while !parts.is_empty() {
        // As many parts as fit in MAX_WRITE; a longer first part is cut.
        let mut total = 0;
        let fit = parts[..parts.len().min(PARTS)]
            .iter()
            .take_while(|part| {
                total += part.len();
                total <= MAX_WRITE
            })
            .count();
        let some = &parts[..fit.max(1)];
        let call = || {
            if fit == 0 {
                write_capped(dst, &some[0])
            } else {
                writev(dst, some)
            }
        };
        match retry_on_eintr(call) {
            Ok(0) => return Err((Fault::WroteNothing, written)),
            Ok(n) => {
                IoSlice::advance_slices(&mut parts, n);
                written += n as u64;
            }
            Err(errno) => return Err((Fault::Os(errno), written)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Error, Subject};

    #[test]
    fn a_fault_without_errno_says_what_happened_and_has_no_errno() {
        let err = Error::sys(Subject::Stdin, Action::Read, Fault::Vanished);
        assert_eq!(
            err.reason().to_string(),
            "read error: another reader took the bytes waiting in it"
        );
        assert_eq!(err.raw_os_error(), None);
        let err = Error::sys(Subject::path("out"), Action::Write, Fault::WroteNothing);
        assert_eq!(
            crate::error::Chain(&err).to_string(),
            "'out': write error: the destination accepted no bytes"
        );
        let err = Error::sys(Subject::Stdout, Action::Write, Fault::Os(Errno::EPIPE));
        assert_eq!(err.raw_os_error(), Some(Errno::EPIPE as i32));
    }
}
