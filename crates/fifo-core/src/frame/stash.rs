//! Where framed readers of a pipe leave each other the messages they began
//! but could not finish.
//!
//! Chunks of concurrent writers interleave in a pipe, so a reader that stops
//! early (after N messages, a quiet spell, a signal) has by then consumed
//! the first chunks of other writers' messages whose ends are still to come.
//! It can neither print them nor put them back into the pipe (their place is
//! at its head, and writing behind the writers' later chunks could block
//! forever on a full pipe that only this reader empties). So it writes them,
//! as a framed stream, to a file named after the pipe in a private
//! directory, and the next reader takes that file up before reading the
//! pipe. Readers take turns under the pipe's readers' lock, so the file is
//! only ever read or written by the one reader whose turn it is.
//!
//! The directory is private to the user: a reader running as another user
//! has a stash of its own and cannot finish what this user's readers began.

use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::{Mode, fstat};
use nix::unistd::{Uid, UnlinkatFlags};

use crate::{Action, Error, FileKind, Result, Subject};

/// The files of a stash (in a directory of mode 0700): readable and
/// writable by their owner only, since they hold other writers' message
/// bytes.
const FILE_MODE: u32 = 0o600;

/// The unfinished messages framed readers of pipes leave for each other:
/// one file per pipe in one private directory.
///
/// ```
/// use fifo_core::frame::Stash;
///
/// let dir = tempfile::tempdir()?;
/// let stash = Stash::in_dir(dir.path().join("stash"));
/// assert!(stash.dir().ends_with("stash"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Stash {
    dir: PathBuf,
}

impl Stash {
    /// A stash kept in `dir`, made (mode 0700) before the first read. The
    /// directory must belong to this user and be writable by nobody else;
    /// otherwise it is refused ([`Error::Unsafe`]), as a place another user
    /// could have planted.
    #[must_use]
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Takes (reads and removes) what an earlier reader of `pipe` left;
    /// `None` when nothing was left, or `pipe` is not a pipe.
    pub(crate) fn take(&self, pipe: BorrowedFd<'_>) -> Result<Option<(Vec<u8>, Subject)>> {
        let Some(name) = file_name(pipe).map_err(|errno| self.fail(Action::Stat, errno))? else {
            return Ok(None);
        };
        // Made and checked before a byte of the pipe is read: a reader that
        // could not keep what it begins would lose it for every reader.
        let dir = self.open_dir()?;
        let subject = Subject::path(self.dir.join(&name));
        let fail = |action, errno| Error::sys(subject.clone(), action, errno);
        // O_NONBLOCK: a FIFO in the file's place is refused, not waited on.
        let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        let file = match nix::fcntl::openat(&dir, name.as_str(), flags, Mode::empty()) {
            Ok(file) => file,
            Err(Errno::ENOENT) => return Ok(None),
            Err(errno) => return Err(fail(Action::Open, errno)),
        };
        let stat = fstat(&file).map_err(|errno| fail(Action::Stat, errno))?;
        if FileKind::of(&stat) != FileKind::Regular || stat.st_uid != Uid::effective().as_raw() {
            return Err(Error::Unsafe {
                subject,
                reason: "a stash file that is not a regular file of this user".to_owned(),
            });
        }
        let mut bytes = Vec::new();
        std::fs::File::from(file)
            .read_to_end(&mut bytes)
            .map_err(|err| Error::sys(subject.clone(), Action::Read, err))?;
        nix::unistd::unlinkat(&dir, name.as_str(), UnlinkatFlags::NoRemoveDir)
            .map_err(|errno| fail(Action::Remove, errno))?;
        Ok(Some((bytes, subject)))
    }

    /// Leaves `stream` (unfinished messages as a framed stream) for the next
    /// reader of `pipe`; `false`, and nothing kept, when `pipe` is not a
    /// pipe (a file's next reader starts elsewhere). The file appears whole
    /// or not at all (written aside, then renamed).
    pub(crate) fn keep(&self, pipe: BorrowedFd<'_>, stream: &[u8]) -> Result<bool> {
        let Some(name) = file_name(pipe).map_err(|errno| self.fail(Action::Stat, errno))? else {
            return Ok(false);
        };
        if stream.is_empty() {
            return Ok(true);
        }
        let dir = self.open_dir()?;
        let aside = format!(".{name}.{}", std::process::id());
        let subject = Subject::path(self.dir.join(&aside));
        let fail = |action, errno| Error::sys(subject.clone(), action, errno);
        let flags =
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let mode = Mode::from_bits_truncate(FILE_MODE);
        let create = || nix::fcntl::openat(&dir, aside.as_str(), flags, mode);
        let file = match create() {
            // Left by a process of the same id that died mid-write.
            Err(Errno::EEXIST) => {
                nix::unistd::unlinkat(&dir, aside.as_str(), UnlinkatFlags::NoRemoveDir)
                    .map_err(|errno| fail(Action::Remove, errno))?;
                create()
            }
            created => created,
        }
        .map_err(|errno| fail(Action::Open, errno))?;
        let written = std::fs::File::from(file).write_all(stream);
        let renamed = written
            .map_err(|err| Error::sys(subject.clone(), Action::Write, err))
            .and_then(|()| {
                nix::fcntl::renameat(&dir, aside.as_str(), &dir, name.as_str())
                    .map_err(|errno| fail(Action::Write, errno))
            });
        if renamed.is_err() {
            let _ = nix::unistd::unlinkat(&dir, aside.as_str(), UnlinkatFlags::NoRemoveDir);
        }
        renamed.map(|()| true)
    }

    /// Opens the directory, checked, making it first when missing.
    fn open_dir(&self) -> Result<OwnedFd> {
        crate::private_dir::open_private_dir(&self.dir, "to keep unfinished messages in")
    }

    fn fail(&self, action: Action, errno: Errno) -> Error {
        Error::sys(Subject::path(&self.dir), action, errno)
    }
}

/// The stash file's name for `pipe`: its device, inode and, where the file
/// system records it, birth time, which tell one FIFO (or anonymous pipe)
/// from every other, also from a later one given the same inode number;
/// `None` for what is not a pipe (a file keeps its unread chunks itself).
fn file_name(pipe: BorrowedFd<'_>) -> nix::Result<Option<String>> {
    let stat = fstat(pipe.as_fd())?;
    if FileKind::of(&stat) != FileKind::Fifo {
        return Ok(None);
    }
    let born = crate::sys::birth_time_of(pipe)
        .map_or_else(String::new, |(secs, nanos)| format!("-{secs}.{nanos:09}"));
    Ok(Some(format!(
        "frames-{:x}-{}{born}",
        stat.st_dev, stat.st_ino
    )))
}
