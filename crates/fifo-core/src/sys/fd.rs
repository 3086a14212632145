//! Plain descriptor calls every layer needs: retrying after a signal,
//! switching `O_NONBLOCK`, writing a whole buffer.

use std::os::fd::BorrowedFd;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};

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

/// Writes all of `data`, resuming after short writes and `EINTR`. On failure
/// returns the `errno` and how many bytes had been written.
pub(crate) fn write_all(dst: BorrowedFd<'_>, mut data: &[u8]) -> Result<(), (Errno, u64)> {
    let mut written = 0u64;
    while !data.is_empty() {
        match retry_on_eintr(|| nix::unistd::write(dst, data)) {
            Ok(0) => return Err((Errno::EIO, written)),
            Ok(n) => {
                data = &data[n..];
                written += n as u64;
            }
            Err(errno) => return Err((errno, written)),
        }
    }
    Ok(())
}
