//! Opening a FIFO on a chosen file descriptor, as bash's `N<`, `N>` and
//! `N<>` do, for a command to inherit.

use std::os::fd::RawFd;
use std::path::Path;

use nix::sys::resource::{Resource, getrlimit};

use crate::create::{PRIVATE_MODE, make_fifo};
use crate::open::{Direction, Wait, open_fifo};
use crate::{Action, Error, Result, Subject, sys};

/// The highest descriptor number this process may open (one below the soft
/// `RLIMIT_NOFILE`).
#[must_use]
pub fn max_descriptor() -> u64 {
    getrlimit(Resource::RLIMIT_NOFILE).map_or(1023, |(soft, _)| soft.saturating_sub(1))
}

/// Opens the FIFO `path` (making it, mode 0600, when `create` and missing)
/// and leaves it open on descriptor `target`, without close-on-exec, so that
/// a program this process then execs inherits it. Every other descriptor this
/// library opens is close-on-exec.
///
/// # Errors
/// As [`open_fifo`], or [`Error::Sys`] with [`Action::Configure`] when the
/// descriptor cannot be placed.
pub fn open_on(
    path: &Path,
    direction: Direction,
    wait: Wait,
    create: bool,
    target: RawFd,
) -> Result<()> {
    if create {
        make_fifo(path, PRIVATE_MODE, true)?;
    }
    let opened = open_fifo(path, direction, wait)?;
    sys::place::place_at(opened.into_fd(), target)
        .map_err(|errno| Error::sys(Subject::path(path), Action::Configure, errno))
}
