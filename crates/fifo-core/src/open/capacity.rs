//! Pipe capacity: `F_SETPIPE_SZ` on Linux. Other systems have no such
//! control (macOS grows a pipe by itself from 16 to 64 KiB): there
//! [`current`] and [`raise`] say `None` and [`set`] refuses.
//!
//! A pipe's cost is per page, not per byte: moving data between two splicing
//! ends of a FIFO ran about 6 times faster here with a 1 MiB pipe than with
//! the default 64 KiB. So [`raise`] asks for [`DEFAULT_CAPACITY`], quietly
//! keeping what the system refuses, while [`set`] asks for an exact size and
//! reports a refusal.
//!
//! ```
//! use fifo_core::open::capacity;
//! use fifo_core::open::{Direction, Wait, open_fifo};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! // Read-write never waits (Linux holds both ends), so this is a pipe to try.
//! let fifo = open_fifo(&path, Direction::ReadWrite, Wait::No)?;
//! let granted = capacity::set(fifo.fd(), 1 << 16, fifo_core::Subject::path(&path))?;
//! assert!(granted >= 1 << 16);
//! assert_eq!(capacity::current(fifo.fd()), Some(granted));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::{AsFd, BorrowedFd};

use nix::errno::Errno;

use crate::{Action, Error, Result, Subject, sys};

/// What `fifo` raises every pipe it holds to, unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 1 << 20;

/// The largest capacity any pipe can have: Linux refuses more than 2^31
/// bytes whatever the privileges (`round_pipe_size` in fs/pipe.c).
pub const MAX_CAPACITY: usize = sys::MAX_PIPE_SIZE;

/// Where Linux keeps the largest capacity an unprivileged process may set.
const PIPE_MAX_SIZE: &str = "/proc/sys/fs/pipe-max-size";

/// The capacity of the pipe behind `fd`, or `None` when it is not a pipe or
/// the system cannot tell.
#[must_use]
pub fn current(fd: BorrowedFd<'_>) -> Option<usize> {
    sys::pipe_size(fd).ok()
}

/// Raises the pipe behind `fd` towards [`DEFAULT_CAPACITY`] (never shrinking
/// it), settling for the unprivileged maximum, or for what it has, when the
/// system refuses. Returns the capacity it has now; `None` for non-pipes.
#[must_use]
pub fn raise(fd: BorrowedFd<'_>) -> Option<usize> {
    let now = current(fd)?;
    let mut targets = vec![DEFAULT_CAPACITY];
    targets.extend(unprivileged_limit().filter(|&limit| limit < DEFAULT_CAPACITY));
    for target in targets.into_iter().filter(|&target| target > now) {
        if let Ok(granted) = sys::set_pipe_size(fd, target) {
            return Some(granted);
        }
    }
    Some(now)
}

/// Sets the pipe behind `fd` to exactly `bytes` (the kernel rounds up to a
/// power-of-two number of pages) and returns the capacity granted.
///
/// # Errors
/// [`Error::CapacityRefused`] when the system refuses (naming the limit for
/// `EPERM`), or [`Error::Sys`] when `fd` is not a pipe.
pub fn set(fd: BorrowedFd<'_>, bytes: usize, subject: Subject) -> Result<usize> {
    sys::set_pipe_size(fd, bytes).map_err(|errno| match errno {
        // ENOSYS: no F_SETPIPE_SZ (macOS and the BSDs grow pipes by
        // themselves, from 16 to 64 KiB); the message says so.
        Errno::EPERM | Errno::EBUSY | Errno::ENOSYS => Error::CapacityRefused {
            subject,
            requested: bytes,
            source: errno.into(),
            // EPERM also means this user's pipes are over
            // fs.pipe-user-pages-soft; name the limit only when it is why.
            limit: unprivileged_limit().filter(|&limit| errno == Errno::EPERM && bytes > limit),
        },
        errno => Error::sys(subject, Action::Configure, errno),
    })
}

/// Tries capacity `bytes` on a private scratch pipe and returns what the
/// system would grant, so that a size it refuses is found before a FIFO is
/// opened (which may wait for a peer, and releases it). A FIFO's own pipe may
/// still refuse later, e.g. to shrink below the data it holds.
///
/// # Errors
/// As [`set`], naming `subject`.
pub fn probe(bytes: usize, subject: Subject) -> Result<usize> {
    let (read_end, _write_end) =
        sys::pipe_pair().map_err(|errno| Error::sys(subject.clone(), Action::Configure, errno))?;
    set(read_end.as_fd(), bytes, subject)
}

/// The largest capacity an unprivileged process may set, from
/// `/proc/sys/fs/pipe-max-size`.
#[must_use]
pub fn unprivileged_limit() -> Option<usize> {
    std::fs::read_to_string(PIPE_MAX_SIZE)
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use std::os::fd::AsFd;

    use super::*;

    #[test]
    fn raise_grows_a_pipe_and_set_is_exact() {
        let (r, _w) = nix::unistd::pipe().unwrap();
        assert_eq!(current(r.as_fd()), Some(64 * 1024));
        assert!(raise(r.as_fd()).unwrap() > 64 * 1024);
        assert_eq!(
            set(r.as_fd(), 128 * 1024, Subject::path("p")).unwrap(),
            128 * 1024
        );
        assert_eq!(current(r.as_fd()), Some(128 * 1024));
    }

    #[test]
    fn a_probe_grants_what_a_pipe_would_and_refuses_the_impossible() {
        assert_eq!(probe(128 * 1024, Subject::path("p")).unwrap(), 128 * 1024);
        let err = probe(MAX_CAPACITY + 1, Subject::path("p")).unwrap_err();
        assert_eq!(err.errno(), Some(Errno::EINVAL), "{err:?}");
    }

    #[test]
    fn a_file_is_not_a_pipe() {
        let file = tempfile::tempfile().unwrap();
        assert_eq!(raise(file.as_fd()), None);
        let err = set(file.as_fd(), 4096, Subject::path("f")).unwrap_err();
        assert!(matches!(err, Error::Sys { .. }), "{err:?}");
        assert_eq!(err.errno(), Some(Errno::EBADF), "{err:?}");
    }
}
