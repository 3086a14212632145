//! Opening the directory a path names an entry of, one name at a time, so
//! that every symlink on the way is judged before it is followed.
//!
//! The kernel's `fs.protected_symlinks` judges every symlink a lookup
//! passes, not only the last: in a world-writable sticky directory such as
//! `/tmp`, another user's link is followed only when it belongs to the
//! directory's owner. With the switch off (as it is on many systems and in
//! containers), uid 65534's `/tmp/build -> /root/private` would have root's
//! `fifo tee /tmp/build/log` truncate `/root/private/log`, and its `fifo
//! send` write into a FIFO only root may write. So the directory is reached
//! here as the switch would allow, whether or not it is on.

use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Component, Path};

use nix::errno::Errno;
use nix::sys::stat::fstat;
use nix::unistd::geteuid;

use crate::sys;

/// Why [`open_dir`] did not open the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// A lookup failed as the kernel's would.
    Sys(Errno),
    /// A symlink of this uid in a world-writable sticky directory, which
    /// belongs neither to this user nor to the directory's owner.
    ForeignLink(u32),
}

impl From<Errno> for Refused {
    fn from(errno: Errno) -> Self {
        Self::Sys(errno)
    }
}

/// Opens the directory `path` as a descriptor to look names up in, each
/// symlink on the way followed only as `fs.protected_symlinks` allows (see
/// the module documentation). A link that may be followed is followed by
/// the kernel, as a lookup by path follows it (so `/proc/self/cwd` works);
/// in a sticky directory nobody but its owner and the directory's owner
/// may replace it between the look and the open, and elsewhere whatever is
/// there is not followed (`O_NOFOLLOW`) unless it was looked at.
pub(crate) fn open_dir(path: &Path) -> Result<OwnedFd, Refused> {
    let start = if path.has_root() { "/" } else { "." };
    let mut dir = sys::at::open_dir(Path::new(start))?;
    for name in path.components().filter_map(|part| match part {
        Component::Normal(name) => Some(name),
        Component::ParentDir => Some(OsStr::new("..")),
        Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
    }) {
        dir = match sys::at::read_symlink_at(dir.as_fd(), name)? {
            Some((link, _)) => {
                let here = fstat(&dir)?;
                #[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
                let shared = u32::from(here.st_mode) & 0o1002 == 0o1002;
                let trusted = link.st_uid == geteuid().as_raw() || link.st_uid == here.st_uid;
                if shared && !trusted {
                    return Err(Refused::ForeignLink(link.st_uid));
                }
                sys::at::open_dir_following(dir.as_fd(), name)?
            }
            None => sys::at::open_dir_at(dir.as_fd(), name)?,
        };
    }
    Ok(dir)
}
