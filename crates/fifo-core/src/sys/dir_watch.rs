//! Being told when a directory's entries change, to wait for a path to
//! appear without polling: inotify on Linux; a short sleep elsewhere (and
//! under the portable engine), and on Linux when no inotify instance or watch
//! can be had
//! (`fs.inotify.max_user_instances`, a directory this user may not read).

use std::path::Path;
use std::time::Duration;

/// How often the polling fallback looks again: a `stat` every 10 ms costs
/// next to nothing.
const POLL: Duration = Duration::from_millis(10);

/// A watch on one directory's entries, made before the caller looks again,
/// so that nothing that happens after the look can be missed.
#[derive(Debug)]
pub(crate) enum DirWatch {
    /// Told by the kernel.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Inotify(nix::sys::inotify::Inotify),
    /// Told by nobody: look again after a short sleep.
    Poll,
}

impl DirWatch {
    /// Watches `dir` for entries created, moved in or changed, and for the
    /// directory itself going away; falls back to polling where that cannot
    /// be had.
    ///
    /// # Errors
    /// `ENOENT`/`ENOTDIR` when `dir` is gone, or why it cannot be watched.
    pub(crate) fn new(dir: &Path) -> nix::Result<Self> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if super::engine::linux() {
            use nix::errno::Errno;
            use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};
            let inotify = match Inotify::init(InitFlags::IN_CLOEXEC | InitFlags::IN_NONBLOCK) {
                Ok(inotify) => inotify,
                Err(Errno::EMFILE | Errno::ENFILE | Errno::ENOSYS) => return Self::polling(dir),
                Err(errno) => return Err(errno),
            };
            let events = AddWatchFlags::IN_CREATE
                | AddWatchFlags::IN_MOVED_TO
                | AddWatchFlags::IN_ATTRIB
                | AddWatchFlags::IN_DELETE_SELF
                | AddWatchFlags::IN_MOVE_SELF
                | AddWatchFlags::IN_ONLYDIR;
            return match inotify.add_watch(dir, events) {
                Ok(_) => Ok(Self::Inotify(inotify)),
                // Out of watches (`fs.inotify.max_user_watches`), or a
                // directory this user may search but not read (0311).
                Err(Errno::ENOSPC | Errno::EACCES) => Self::polling(dir),
                Err(errno) => Err(errno),
            };
        }
        Self::polling(dir)
    }

    /// The fallback, also for tests: checks only that `dir` is a directory.
    pub(crate) fn polling(dir: &Path) -> nix::Result<Self> {
        let st = nix::sys::stat::stat(dir)?;
        if super::file::format_of(super::file::mode(&st)) == nix::sys::stat::SFlag::S_IFDIR {
            Ok(Self::Poll)
        } else {
            Err(nix::errno::Errno::ENOTDIR)
        }
    }

    /// Waits until something may have happened in the directory (true) or
    /// `timeout` passed (false); `None` waits as long as it takes.
    #[cfg_attr(
        not(any(target_os = "linux", target_os = "android")),
        allow(clippy::unnecessary_wraps)
    )]
    pub(crate) fn wait(&self, timeout: Option<Duration>) -> nix::Result<bool> {
        match self {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Self::Inotify(inotify) => {
                use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
                use std::os::fd::AsFd;
                let timeout = timeout.map_or(PollTimeout::NONE, |left| {
                    PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX)
                });
                let mut fds = [PollFd::new(inotify.as_fd(), PollFlags::POLLIN)];
                match poll(&mut fds, timeout) {
                    Ok(0) => Ok(false),
                    // A signal is as good as an event: the caller looks again.
                    Ok(_) | Err(nix::errno::Errno::EINTR) => Ok(true),
                    Err(errno) => Err(errno),
                }
            }
            Self::Poll => {
                let nap = timeout.map_or(POLL, |left| left.min(POLL));
                std::thread::sleep(nap);
                Ok(timeout.is_none_or(|left| left > POLL))
            }
        }
    }
}
