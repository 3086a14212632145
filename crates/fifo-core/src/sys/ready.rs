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
//! macOS (cpython#145030), and nothing here asks that. A reader that waits
//! here reads only once `select` said the read would not block, which also
//! keeps it clear of macOS's `O_NONBLOCK` reads of a FIFO that block anyway
//! (golang/go#66239); a second reader taking the bytes in between still can.

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
    by_select(fds, timeout)
}

/// [`poll`] by `select(2)`, for descriptors below `FD_SETSIZE`.
fn by_select(fds: &mut [PollFd<'_>], timeout: PollTimeout) -> nix::Result<i32> {
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
    // Not `PollTimeout::duration`, which panics on NONE (nix 0.30).
    let mut limit = u32::try_from(i32::from(timeout))
        .ok()
        .map(|millis| TimeVal::milliseconds(i64::from(millis)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_whose_writer_closed_is_readable_to_select() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let flags = nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_NONBLOCK;
        let reader = nix::fcntl::open(&path, flags, nix::sys::stat::Mode::empty()).unwrap();
        let writer = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        // Nothing yet: not ready, and a timeout is a timeout.
        let mut fds = [PollFd::new(reader.as_fd(), PollFlags::POLLIN)];
        assert_eq!(by_select(&mut fds, PollTimeout::ZERO), Ok(0));
        assert_eq!(fds[0].revents(), Some(PollFlags::empty()));
        drop(writer);
        // End of file: readable, with no timeout at all (it would hang if not).
        assert_eq!(by_select(&mut fds, PollTimeout::NONE), Ok(1));
        assert_eq!(fds[0].revents(), Some(PollFlags::POLLIN));
        assert_eq!(nix::unistd::read(&reader, &mut [0; 1]), Ok(0));
    }

    #[test]
    fn only_what_is_asked_for_is_watched() {
        let (read_end, write_end) = nix::unistd::pipe().unwrap();
        nix::unistd::write(&write_end, b"x").unwrap();
        let mut fds = [
            PollFd::new(read_end.as_fd(), PollFlags::POLLOUT),
            PollFd::new(write_end.as_fd(), PollFlags::POLLIN),
        ];
        // The read end is not writable, and the write end is not asked
        // whether it is readable (on macOS it would be: cpython#145030).
        assert_eq!(by_select(&mut fds, PollTimeout::ZERO), Ok(0));
        fds[1].set_events(PollFlags::POLLOUT);
        assert_eq!(by_select(&mut fds, PollTimeout::from(10u8)), Ok(1));
        assert_eq!(fds[1].revents(), Some(PollFlags::POLLOUT));
    }
}
