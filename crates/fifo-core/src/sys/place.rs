//! Putting an open file on a chosen descriptor number for an `exec`.

use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd, RawFd};

use nix::fcntl::{FcntlArg, FdFlag, fcntl};

/// Makes `fd` open on descriptor `target`, inheritable by a program this
/// process execs, and gives up ownership of it (it must stay open).
pub(crate) fn place_at(fd: OwnedFd, target: RawFd) -> nix::Result<()> {
    if fd.as_raw_fd() == target {
        // dup2 onto itself would keep close-on-exec; clear it instead.
        fcntl(&fd, FcntlArg::F_SETFD(FdFlag::empty()))?;
        let _ = fd.into_raw_fd();
        return Ok(());
    }
    // SAFETY: `target` may be open already (a standard stream, an inherited
    // descriptor); dup2 closes it atomically, which is the point, since the
    // caller is about to exec. Nothing in this process uses `target` after
    // this, and the returned owner is released without closing it, so the
    // descriptor is neither used after close nor closed twice.
    let placed = unsafe { nix::unistd::dup2_raw(&fd, target) }?;
    let _ = placed.into_raw_fd();
    Ok(())
}
