//! One input of a merge: its descriptor, its unfinished line, and how it
//! is opened again for later writers.

use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;

use crate::open::keep::read_again;
use crate::records::seekable;
use crate::sys::fd::set_nonblocking;
use crate::sys::lock::ReadLock;
use crate::{Action, Error, Result, Subject};

/// One input of a merge.
#[derive(Debug)]
pub struct Input {
    pub(super) subject: Subject,
    pub(super) fd: OwnedFd,
    /// Written before each of its lines (`name: `), when tagging.
    pub(super) prefix: Vec<u8>,
    /// The start of a line whose newline has not arrived yet.
    pub(super) pending: Vec<u8>,
    /// The FIFO to open again when its writers have all left.
    pub(super) reopen: Option<PathBuf>,
    /// The descriptor is this merge's own and non-blocking.
    pub(super) nonblocking: bool,
    pub(super) seekable: bool,
    /// The counted readers' lock, held while `pending` is a line a budget
    /// counts on, so that no other reader takes the rest of it.
    pub(super) lock: Option<ReadLock>,
    pub(super) state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Served when it has data.
    Live,
    /// Only an unfinished line waits (this many bytes), or another reader
    /// holds its lock (`usize::MAX`): looked at again every [`RECHECK`].
    Waiting(usize),
    /// Ended.
    Done,
}

impl Input {
    /// An input reading `fd`, named `subject` in errors, each of its lines
    /// prefixed with `prefix` (empty for none).
    #[must_use]
    pub fn new(subject: Subject, fd: OwnedFd, prefix: Vec<u8>) -> Self {
        let seekable = seekable(fd.as_fd());
        Self {
            subject,
            fd,
            prefix,
            pending: Vec::new(),
            reopen: None,
            nonblocking: false,
            seekable,
            lock: None,
            state: State::Live,
        }
    }

    /// Serves later writers too: when the writers of the FIFO at `path` (the
    /// one `fd` reads) have all left, their unfinished line is ended and the
    /// FIFO is opened again before the old descriptor is closed, so there is
    /// always a reader and nothing waiting in the pipe is lost.
    #[must_use]
    pub fn reopening(mut self, path: &Path) -> Self {
        self.reopen = Some(path.to_path_buf());
        self
    }

    /// Its writers have all left: a new read descriptor of the same FIFO,
    /// opened before the old one closes ([`read_again`]).
    pub(super) fn open_again(&mut self, path: &Path) -> Result<()> {
        let fd = read_again(path, self.fd.as_fd())?.into_fd();
        set_nonblocking(fd.as_fd(), true)
            .map_err(|errno| Error::sys(Subject::path(path), Action::Configure, errno))?;
        self.fd = fd;
        self.nonblocking = true;
        Ok(())
    }

    pub(super) fn read_failed(&self, errno: Errno) -> Error {
        Error::sys(self.subject.clone(), Action::Read, errno)
    }
}
