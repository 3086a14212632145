//! Reaching a Unix socket file by its path as an open reaches a FIFO: in a
//! world-writable sticky directory (`/tmp`), and on the way to one, through
//! no symlink but this user's or the directory owner's, and the links those
//! lead to judged in turn. Another user's `/tmp/link.sock ->` a socket only
//! this user may connect to (a private listener of this user's) would
//! otherwise lead this user's connection, and its data, there.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;

use crate::{Error, Result};

/// A socket file looked up and held (`O_PATH`), to connect to by a path
/// that names this very file, whatever is put at its name meanwhile.
#[derive(Debug)]
pub(crate) struct SocketFile {
    /// Keeps [`Self::path`] naming the file.
    _held: Option<OwnedFd>,
    path: PathBuf,
}

impl SocketFile {
    /// The path to connect to.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// Looks `path` up as [`crate::open::open`] does, without opening the
/// socket. Where files cannot be held by a descriptor to connect through
/// (no `/proc/self/fd`), `path` itself is connected to once looked at.
///
/// # Errors
/// [`Error::Unsafe`] for another user's symlink in a world-writable sticky
/// directory; [`Error::Sys`] when the look-up fails.
pub(crate) fn reach(path: &Path) -> Result<SocketFile> {
    let as_given = || SocketFile {
        _held: None,
        path: path.to_owned(),
    };
    let Some(parent) = crate::open::parent(path)? else {
        return Ok(as_given());
    };
    let last = crate::create::claim::resolve_last(parent.dir, parent.name.as_os_str())
        .map_err(|refused| crate::create::claim::refusal(path, refused, crate::Action::Open))?;
    if last.follow || !Path::new("/proc/self/fd").is_dir() {
        return Ok(as_given());
    }
    let held =
        crate::sys::at::hold_at(last.dir.as_fd(), last.name.as_os_str()).map_err(|errno| {
            match errno {
                // A symlink put there since it was looked at.
                Errno::ELOOP => Error::Unsafe {
                    subject: crate::Subject::path(path),
                    reason: "to connect through a symlink made in its place meanwhile".to_owned(),
                },
                errno => Error::sys(crate::Subject::path(path), crate::Action::Open, errno),
            }
        })?;
    let Some(held) = held else {
        return Ok(as_given());
    };
    let by_fd = PathBuf::from(format!("/proc/self/fd/{}", held.as_raw_fd()));
    Ok(SocketFile {
        _held: Some(held),
        path: by_fd,
    })
}
