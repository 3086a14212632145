//! Opening a FIFO on a chosen file descriptor, as bash's `N<`, `N>` and
//! `N<>` do, for a command to inherit.
//!
//! ```rust,no_run
//! use fifo_core::open::descriptor::{max_descriptor, place};
//! use fifo_core::open::{Direction, Wait, open_fifo};
//!
//! assert!(max_descriptor() >= 9);
//! let fifo = open_fifo("/tmp/jobs".as_ref(), Direction::Read, Wait::Forever)?;
//! // Descriptor 9 now reads the FIFO, and a program exec'd next inherits it.
//! place(fifo, 9)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::{OwnedFd, RawFd};

use crate::open::Opened;
use crate::{Action, Error, Result, Subject, sys};

/// The highest descriptor number this process may open (one below the soft
/// `RLIMIT_NOFILE`).
#[must_use]
pub fn max_descriptor() -> u64 {
    sys::file::open_files_limit().map_or(1023, |soft| soft.saturating_sub(1))
}

/// Leaves `opened` open on descriptor `target`, without close-on-exec, so
/// that a program this process then execs inherits it. Every other
/// descriptor this library opens is close-on-exec.
///
/// # Errors
/// [`Error::Sys`] with [`Action::Configure`] when the descriptor cannot be
/// placed.
pub fn place(opened: Opened, target: RawFd) -> Result<()> {
    let subject = Subject::path(opened.path());
    sys::place::place_at(opened.into_fd(), target)
        .map_err(|errno| Error::sys(subject, Action::Configure, errno))
}

/// A new pipe: its read end and its write end, both close-on-exec (with
/// `pipe2` where the system has it; Apple's has not).
///
/// # Errors
/// When the system cannot make one (too many open descriptors).
pub fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    Ok(sys::pipe_pair()?)
}

/// Whether standard descriptor `fd` (0, 1 or 2) was closed when this program
/// started (`prog >&-`), although it looks open now: Rust's runtime reopens
/// a closed standard descriptor on `/dev/null` before `main`, so reads would
/// find an empty stream and writes would vanish. `None` where this cannot be
/// known: without the `startup-hook` feature (which records it before
/// `main`), on systems other than Linux, for descriptors other than 0 to 2.
#[must_use]
pub fn closed_at_start(fd: RawFd) -> Option<bool> {
    sys::startup::closed_at_start(fd)
}
