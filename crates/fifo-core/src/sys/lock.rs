//! The advisory lock counted readers share: an exclusive flock(2) on the
//! open file of the FIFO they read, so that one reader's peek and read are
//! never split by another's and a record is never torn between two readers.
//!
//! flock(2) locks belong to the open file description, and processes that
//! inherited one descriptor share its description: a lock taken through it
//! would not keep them from each other. So the lock is taken on a
//! description of this reader's own (the FIFO opened again through
//! `/proc/self/fd`), and released when the returned guard is dropped. Any program can
//! take the same lock (flock(1) on a descriptor: `exec 9<>q; flock 9`).

use std::os::fd::{BorrowedFd, OwnedFd};
use std::time::Duration;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

use super::deadline::{self, Interrupted};

/// How long to wait for a lock another reader holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockWait {
    /// Until it is free (a signal still ends the process).
    Forever,
    /// Not at all.
    No,
    /// Up to this long.
    Upto(Duration),
}

/// A held lock; dropping it unlocks.
#[derive(Debug)]
pub(crate) struct ReadLock {
    _held: Flock<OwnedFd>,
}

/// Why [`lock`] returned no lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotLocked {
    /// Another reader holds it (and `wait` ran out).
    Busy,
    /// The file cannot be locked at all (a file system without flock).
    Unsupported,
    /// The call failed.
    Failed(Errno),
}

/// Takes the exclusive lock on `fd`'s open file, waiting as `wait` allows.
pub(crate) fn lock(fd: BorrowedFd<'_>, wait: LockWait) -> Result<ReadLock, NotLocked> {
    let attempt = || {
        let own = super::own_description(fd)?;
        let arg = if wait == LockWait::No {
            FlockArg::LockExclusiveNonblock
        } else {
            FlockArg::LockExclusive
        };
        Flock::lock(own, arg).map_err(|(_, errno)| errno)
    };
    let refused = |errno| match errno {
        Errno::EWOULDBLOCK => NotLocked::Busy,
        Errno::EOPNOTSUPP | Errno::ENOLCK | Errno::EINVAL => NotLocked::Unsupported,
        errno => NotLocked::Failed(errno),
    };
    let locked = match wait {
        LockWait::Forever | LockWait::No => loop {
            match attempt() {
                Err(Errno::EINTR) => {}
                other => break other.map_err(refused),
            }
        },
        LockWait::Upto(limit) => deadline::run(limit, attempt).map_err(|why| match why {
            Interrupted::Failed(errno) | Interrupted::NoThread(errno) => refused(errno),
            // Still held by another reader when the wait ran out.
            Interrupted::TimedOut => NotLocked::Busy,
        }),
    };
    locked.map(|held| ReadLock { _held: held })
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;

    use super::*;

    #[test]
    fn a_second_open_file_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q");
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let open = || {
            nix::fcntl::open(
                &path,
                nix::fcntl::OFlag::O_RDWR,
                nix::sys::stat::Mode::empty(),
            )
            .unwrap()
        };
        let (one, two) = (open(), open());
        let held = lock(one.as_fd(), LockWait::No).unwrap();
        assert_eq!(
            lock(two.as_fd(), LockWait::No).unwrap_err(),
            NotLocked::Busy
        );
        assert_eq!(
            lock(two.as_fd(), LockWait::Upto(Duration::from_millis(30))).unwrap_err(),
            NotLocked::Busy
        );
        drop(held);
        assert!(lock(two.as_fd(), LockWait::No).is_ok());
    }
}
