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
//!
//! A link that may be followed is followed here too, by reading it and
//! walking its target's names in turn, each judged as any other: root's own
//! `/tmp/latest -> /tmp/build/log` still leads through uid 65534's
//! `/tmp/build`, which the kernel would follow without a look. Only the
//! links of `/proc` (`/proc/self/cwd`, `/dev/fd/3`), which name no path
//! the walk could take, are followed by the kernel.

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use nix::errno::Errno;
use nix::sys::stat::{FileStat, Mode, fstat, mkdirat};
use nix::unistd::geteuid;

use crate::create::with_umask_cleared;
use crate::open::control::{self, names};
use crate::sys;

/// How many symlinks one path may pass through, as Linux allows.
const MAX_LINKS: usize = 40;

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
/// the module documentation), and the links it leads to judged in turn.
pub(crate) fn open_dir(path: &Path) -> Result<OwnedFd, Refused> {
    let start = if path.has_root() { "/" } else { "." };
    let dir = sys::at::open_dir(Path::new(start))?;
    walk(dir, names(path), &mut 0, None)
}

/// Opens the directory `path` as [`open_dir`] does, making each directory
/// missing on the way with exactly `mode`, as `mkdir -p` does. Each is made
/// in the directory the walk stands in, so none is ever made behind a link
/// the walk refused (a path made first and judged after would be).
pub(crate) fn make_dirs(path: &Path, mode: Mode) -> Result<OwnedFd, Refused> {
    let start = if path.has_root() { "/" } else { "." };
    let dir = sys::at::open_dir(Path::new(start))?;
    walk(dir, names(path), &mut 0, Some(mode))
}

/// Where a name in a directory leads: the directory and the name there of
/// what is not a symlink (or was not when looked at), or of a link of
/// `/proc` for the kernel to follow (`follow`).
pub(crate) struct Last {
    pub(crate) dir: OwnedFd,
    pub(crate) name: OsString,
    pub(crate) follow: bool,
}

/// Follows `name` in `dir` while it is a symlink, each judged as
/// [`open_dir`] judges those on the way. A name that is missing is left
/// for the caller's open to say so.
pub(crate) fn resolve_last(dir: OwnedFd, name: &OsStr) -> Result<Last, Refused> {
    let (mut dir, mut name, mut links) = (dir, name.to_owned(), 0);
    loop {
        let (link, target) = match sys::at::read_symlink_at(dir.as_fd(), &name) {
            Ok(Some(found)) => found,
            Ok(None) | Err(Errno::ENOENT) => {
                return Ok(Last {
                    dir,
                    name,
                    follow: false,
                });
            }
            Err(errno) => return Err(errno.into()),
        };
        judge(&dir, &link)?;
        if sys::at::on_procfs(dir.as_fd()) {
            return Ok(Last {
                dir,
                name,
                follow: true,
            });
        }
        links += 1;
        if links > MAX_LINKS {
            return Err(Errno::ELOOP.into());
        }
        let target = Path::new(&target);
        let base = if target.has_root() {
            sys::at::open_dir(Path::new("/"))?
        } else {
            dir
        };
        let mut names = names(target);
        // The names are in reverse order: the target's last one first.
        if names.is_empty() {
            return Ok(Last {
                dir: base,
                name: OsString::from("."),
                follow: false,
            });
        }
        name = names.remove(0);
        dir = walk(base, names, &mut links, None)?;
    }
}

/// Looks up `names` (in reverse order, the next one last) from `dir`,
/// making the missing ones as directories with `make`'s mode when given.
fn walk(
    mut dir: OwnedFd,
    mut names: Vec<OsString>,
    links: &mut usize,
    make: Option<Mode>,
) -> Result<OwnedFd, Refused> {
    // The name just made: gone again at once is someone removing what
    // is made, and the walk stops rather than make it for ever.
    let mut just_made: Option<OsString> = None;
    while let Some(name) = names.pop() {
        let found = match (sys::at::read_symlink_at(dir.as_fd(), &name), make) {
            (Err(Errno::ENOENT), Some(mode)) if just_made.as_ref() != Some(&name) => {
                // Made, or made by another meanwhile: looked at again, as
                // any name on the way.
                match with_umask_cleared(|| mkdirat(&dir, name.as_os_str(), mode)) {
                    Ok(()) | Err(Errno::EEXIST) => {}
                    Err(errno) => return Err(errno.into()),
                }
                just_made = Some(name.clone());
                names.push(name);
                continue;
            }
            (found, _) => found?,
        };
        just_made = None;
        let Some((link, target)) = found else {
            dir = sys::at::open_dir_at(dir.as_fd(), &name)?;
            continue;
        };
        judge(&dir, &link)?;
        if sys::at::on_procfs(dir.as_fd()) {
            dir = sys::at::open_dir_following(dir.as_fd(), &name)?;
            continue;
        }
        *links += 1;
        if *links > MAX_LINKS {
            return Err(Errno::ELOOP.into());
        }
        let target = Path::new(&target);
        if target.has_root() {
            dir = sys::at::open_dir(Path::new("/"))?;
        }
        names.extend(control::names(target));
    }
    Ok(dir)
}

/// Refuses the symlink `link` of `dir` when `dir` is world-writable and
/// sticky and the link belongs neither to this user nor to `dir`'s owner.
pub(super) fn judge(dir: &OwnedFd, link: &FileStat) -> Result<(), Refused> {
    let here = fstat(dir)?;
    #[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
    let shared = u32::from(here.st_mode) & 0o1002 == 0o1002;
    let trusted = link.st_uid == geteuid().as_raw() || link.st_uid == here.st_uid;
    if shared && !trusted {
        return Err(Refused::ForeignLink(link.st_uid));
    }
    Ok(())
}
