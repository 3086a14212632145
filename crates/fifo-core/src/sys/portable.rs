//! Fallbacks for systems without Linux's pipe system calls.
#![cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]

use std::os::fd::{BorrowedFd, OwnedFd};

/// Looking at a pipe's data without consuming it needs `tee(2)`; elsewhere
/// the answer is always "not possible", and callers read one byte at a time.
pub(crate) fn peek(
    _src: BorrowedFd<'_>,
    _scratch: &mut Option<(OwnedFd, OwnedFd)>,
    _buf: &mut [u8],
) -> Option<nix::Result<usize>> {
    None
}
