//! Waiting until descriptors can be read or written, without trusting
//! `poll` to see a FIFO's end of file where it does not.
//!
//! On macOS a FIFO's last writer closing is invisible to kqueue, whose
//! `EVFILT_READ` fires only while bytes are buffered (golang/go#24164), and
//! to `poll`: a reader waiting there for more data would wait for ever at
//! end of file. `select(2)` does report it (the read then returns 0), which
//! is why Bun moves named pipes to a `select` thread (bun
//! `src/io/fifo_select.rs`). So everywhere but Linux's own engine, [`poll`]
//! is `select`. Only what the caller asks for is watched: a FIFO's write end
//! asked for `POLLIN` would be "readable" whenever data is buffered on
//! macOS (cpython#145030), and nothing here asks that.

use std::os::fd::{AsFd, AsRawFd};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::select::{FD_SETSIZE, FdSet, select};
use nix::sys::time::{TimeVal, TimeValLike};

/// `poll(2)` as `nix` has it, with `select(2)` underneath off Linux's own
/// engine: a descriptor is readable (`POLLIN`) when a read would not block,
/// end of file included, and writable (`POLLOUT`) when a write would not;
/// hang-ups show as one of the two, never as `POLLHUP`, and a descriptor
/// asked for neither is never ready. Returns how many are ready.
pub(crate) fn poll(fds: &mut [PollFd<'_>], timeout: PollTimeout) -> nix::Result<i32> {
    let selectable = fds
        .iter()
        .all(|fd| usize::try_from(raw(fd)).is_ok_and(|n| n < FD_SETSIZE));
    // select cannot name a descriptor past FD_SETSIZE: poll it, quirks and all.
    if super::engine::linux() || !selectable {
        return nix::poll::poll(fds, timeout);
    }
    let revents = selected(fds, timeout)?;
    let mut ready = 0;
    for (fd, revents) in fds.iter_mut().zip(revents) {
        ready += i32::from(!revents.is_empty());
        set_revents(fd, revents);
    }
    Ok(ready)
}

/// What `select` says of each of `fds`, as poll's `revents`.
fn selected(fds: &[PollFd<'_>], timeout: PollTimeout) -> nix::Result<Vec<PollFlags>> {
    let mut reads = FdSet::new();
    let mut writes = FdSet::new();
    for fd in fds {
        if fd
            .events()
            .intersects(PollFlags::POLLIN | PollFlags::POLLPRI)
        {
            reads.insert(fd.as_fd());
        }
        if fd.events().contains(PollFlags::POLLOUT) {
            writes.insert(fd.as_fd());
        }
    }
    let mut limit = timeout
        .duration()
        .map(|left| TimeVal::microseconds(i64::try_from(left.as_micros()).unwrap_or(i64::MAX)));
    select(None, &mut reads, &mut writes, None, limit.as_mut())?;
    Ok(fds
        .iter()
        .map(|fd| {
            let mut revents = PollFlags::empty();
            revents.set(PollFlags::POLLIN, reads.contains(fd.as_fd()));
            revents.set(PollFlags::POLLOUT, writes.contains(fd.as_fd()));
            revents
        })
        .collect())
}

fn raw(fd: &PollFd<'_>) -> std::os::fd::RawFd {
    fd.as_fd().as_raw_fd()
}

fn set_revents(fd: &mut PollFd<'_>, revents: PollFlags) {
    // SAFETY: `PollFd` is `#[repr(transparent)]` over `libc::pollfd` (its
    // other field is a zero-sized marker), so a unique reference to one is
    // a unique reference to the other; only `revents` is written.
    let raw = unsafe { &mut *std::ptr::from_mut(fd).cast::<nix::libc::pollfd>() };
    raw.revents = revents.bits();
}
