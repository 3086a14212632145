//! Work queues and request/reply over one FIFO: splitting the stream into
//! requests ([`Splitter`]), the call envelope and reply records
//! ([`call_header`], [`ReplyDecoder`]), and opening a caller's reply FIFO
//! without ever waiting for a caller that went away ([`open_reply`]).
//!
//! The formats are documented in `docs/serve.md`.
//!
//! ```
//! use fifo_core::serve::{Event, Origin, Splitter};
//!
//! let mut splitter = Splitter::new(b'\n', 1 << 20);
//! splitter.push(b"job 1\njob");
//! splitter.push(b" 2\n");
//! let Some(Event::Request(first)) = splitter.pop() else { panic!() };
//! assert_eq!((first.body, first.origin), (b"job 1\n".to_vec(), Origin::Line));
//! assert!(matches!(splitter.pop(), Some(Event::Request(_))));
//! ```

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::sys::ready::poll;
use nix::sys::stat::{Mode, fstat, lstat};

use crate::sys::fd::retry_on_eintr;
use crate::sys::file::FileId;
use crate::{Action, Error, FileKind, Result, Subject};

mod envelope;
mod request;
#[cfg(test)]
mod request_tests;
mod spawn;

pub use envelope::{
    CALL_MAGIC, CALL_VERSION, ReplyDecoder, ReplyKind, ReplyPart, Status, call_header,
    record_header,
};
pub use request::{Event, Origin, Request, Skip, Splitter};
pub use spawn::{Spawner, wait};

/// Opens the reply FIFO `path` of a call from process `pid` for writing,
/// without waiting: it must be a FIFO (never followed through a symlink,
/// never created) that a reader holds open, owned by the user that `pid`
/// runs as where `/proc` tells.
///
/// # Errors
/// [`Error::NotAFifo`] for anything else; [`Error::Sys`] with `ENXIO` when
/// nobody reads it (the caller is gone), `ENOENT` when it is missing, and
/// `EPERM` when it belongs to another user than the caller.
pub fn open_reply(path: &Path, pid: u32) -> Result<OwnedFd> {
    let subject = || Subject::path(path);
    let before = lstat(path).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
    let kind = FileKind::of(&before);
    if kind != FileKind::Fifo {
        return Err(Error::NotAFifo {
            subject: subject(),
            found: kind,
        });
    }
    match caller(pid) {
        // Nobody will read the reply.
        Caller::Gone => return Err(Error::sys(subject(), Action::Open, Errno::ENXIO)),
        Caller::User(uid) if uid != before.st_uid => {
            return Err(Error::sys(subject(), Action::Open, Errno::EPERM));
        }
        _ => {}
    }
    let flags = OFlag::O_WRONLY | OFlag::O_NONBLOCK | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let fd = retry_on_eintr(|| nix::fcntl::open(path, flags, Mode::empty()))
        .map_err(|errno| Error::sys(subject(), Action::Open, errno))?;
    let after = fstat(&fd).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
    if FileId::of(&after) != FileId::of(&before) {
        return Err(Error::Replaced {
            subject: subject(),
            made: false,
        });
    }
    Ok(fd)
}

/// What the system says of a caller.
enum Caller {
    /// Neither `/proc` nor `ps` is there to tell.
    Unknown,
    /// The process is gone.
    Gone,
    /// It runs as this user.
    User(u32),
}

fn caller(pid: u32) -> Caller {
    if !crate::sys::engine::linux() || !Path::new("/proc/self").exists() {
        return caller_by_ps(pid);
    }
    std::fs::metadata(format!("/proc/{pid}")).map_or(Caller::Gone, |meta| Caller::User(meta.uid()))
}

/// Without `/proc` (macOS, the BSDs): `/bin/ps -o uid= -p PID`, which every
/// one of them has, says the user (and fails for a process that is gone).
fn caller_by_ps(pid: u32) -> Caller {
    let Ok(out) = std::process::Command::new("/bin/ps")
        .args(["-o", "uid=", "-p", &pid.to_string()])
        .env_clear()
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
    else {
        return Caller::Unknown;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    match text.trim().parse() {
        Ok(uid) if out.status.success() => Caller::User(uid),
        _ if out.status.code() == Some(1) && text.trim().is_empty() => Caller::Gone,
        _ => Caller::Unknown,
    }
}

/// Writes all of `data` to `dst`, which may be non-blocking: when it is
/// full, waits until it has room.
///
/// # Errors
/// [`Error::Sys`] naming `subject` (`EPIPE` when the reader went away).
pub fn write_waiting(dst: BorrowedFd<'_>, mut data: &[u8], subject: &Subject) -> Result<()> {
    while !data.is_empty() {
        match retry_on_eintr(|| crate::sys::fd::write_capped(dst, data)) {
            Ok(n) => data = &data[n..],
            Err(Errno::EAGAIN) => {
                let mut fds = [PollFd::new(dst.as_fd(), PollFlags::POLLOUT)];
                retry_on_eintr(|| poll(&mut fds, PollTimeout::NONE))
                    .map_err(|errno| Error::sys(subject.clone(), Action::Wait, errno))?;
            }
            Err(errno) => return Err(Error::sys(subject.clone(), Action::Write, errno)),
        }
    }
    Ok(())
}

/// A new, already unlinked temporary file in `dir`, open for reading and
/// writing: where a job's output waits until it can be written out whole.
/// Nothing is left behind however the process ends.
///
/// # Errors
/// [`Error::Sys`] naming `dir` when the file cannot be made.
pub fn spool(dir: &Path) -> Result<std::fs::File> {
    let failed = |errno| Error::sys(Subject::path(dir), Action::Open, errno);
    let (fd, path) = nix::unistd::mkstemp(&dir.join("fifo-serve.XXXXXX")).map_err(failed)?;
    nix::unistd::unlink(&path).map_err(failed)?;
    // Commands started later must not inherit it.
    nix::fcntl::fcntl(
        &fd,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )
    .map_err(failed)?;
    Ok(std::fs::File::from(fd))
}

#[cfg(test)]
mod caller_tests {
    use super::*;

    #[test]
    fn ps_tells_a_callers_user_and_that_it_is_gone() {
        let me = nix::unistd::geteuid().as_raw();
        assert!(matches!(caller_by_ps(std::process::id()), Caller::User(uid) if uid == me));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        assert!(matches!(caller_by_ps(gone), Caller::Gone));
    }
}
