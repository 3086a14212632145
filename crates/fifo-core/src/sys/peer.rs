//! Who is at the other end of a Unix socket, as the kernel says it.

use std::io;
use std::os::fd::BorrowedFd;

/// The effective uid of the process that connected `socket`, recorded by
/// the kernel at `connect(2)` (`SO_PEERCRED` on Linux, `getpeereid` on the
/// BSDs and macOS): it cannot be claimed by the peer.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn peer_uid(socket: BorrowedFd<'_>) -> io::Result<u32> {
    use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
    Ok(getsockopt(&socket, PeerCredentials)?.uid())
}

/// See the Linux version.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn peer_uid(socket: BorrowedFd<'_>) -> io::Result<u32> {
    Ok(nix::unistd::getpeereid(socket)?.0.as_raw())
}
