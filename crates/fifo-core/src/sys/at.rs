//! Calls relative to an open directory (`openat(2)` and friends), so that a
//! name is looked up in the one directory that was checked, and the
//! platform differences around `mkfifoat(3)`.

use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

/// How a directory is opened only to look names up in it: `O_PATH` on Linux
/// needs no read permission (a `wx` directory still works, as with `mkfifo`
/// by path); elsewhere `O_RDONLY`.
#[cfg(any(target_os = "linux", target_os = "android"))]
const LOOKUP_ONLY: OFlag = OFlag::O_PATH;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const LOOKUP_ONLY: OFlag = OFlag::O_RDONLY;

/// Opens the directory `path` (symlinks followed: the caller named it) as a
/// close-on-exec descriptor to create, open and remove names in.
pub(crate) fn open_dir(path: &Path) -> nix::Result<OwnedFd> {
    nix::fcntl::open(
        path,
        OFlag::O_DIRECTORY | OFlag::O_CLOEXEC | LOOKUP_ONLY,
        Mode::empty(),
    )
}

/// `mkfifoat(dir, name, mode)`. Where `nix` has no `mkfifoat` (Apple,
/// Haiku) the FIFO is made by `path` instead, which names the same place
/// unless a directory on the way is swapped meanwhile; the caller's checks on
/// the opened descriptor still catch a FIFO that is not the one it made.
pub(crate) fn make_fifo_at(
    dir: BorrowedFd<'_>,
    name: &Path,
    path: &Path,
    mode: Mode,
) -> nix::Result<()> {
    #[cfg(not(any(
        target_vendor = "apple",
        target_os = "haiku",
        target_os = "android",
        target_os = "redox"
    )))]
    {
        let _ = path;
        nix::unistd::mkfifoat(dir, name, mode)
    }
    #[cfg(target_os = "android")]
    {
        let _ = path;
        nix::sys::stat::mknodat(dir, name, nix::sys::stat::SFlag::S_IFIFO, mode, 0)
    }
    #[cfg(any(target_vendor = "apple", target_os = "haiku", target_os = "redox"))]
    {
        let _ = (dir, name);
        nix::unistd::mkfifo(path, mode)
    }
}

/// `name` in the directory held as `dir`, as a socket address that names
/// that very directory (`/proc/self/fd/N/name`), whatever is put at its
/// path meanwhile; `None` without `/proc/self/fd`, or when it would not fit
/// a socket address (108 bytes with its NUL).
pub(crate) fn socket_path_in(dir: BorrowedFd<'_>, name: &std::ffi::OsStr) -> Option<PathBuf> {
    use std::os::fd::AsRawFd;
    let path = PathBuf::from(format!("/proc/self/fd/{}", dir.as_raw_fd())).join(name);
    (Path::new("/proc/self/fd").is_dir() && path.as_os_str().len() <= 107).then_some(path)
}

/// The file `name` in `dir` held without opening it (`O_PATH |
/// O_NOFOLLOW`), for a caller to reach it again through
/// `/proc/self/fd`, whatever is put at its name meanwhile. `None` where
/// files cannot be held so (no `O_PATH`: macOS, the BSDs); `ELOOP` for a
/// symlink at `name`.
#[cfg_attr(
    not(any(target_os = "linux", target_os = "android")),
    allow(clippy::unnecessary_wraps)
)]
pub(crate) fn hold_at(dir: BorrowedFd<'_>, name: &std::ffi::OsStr) -> nix::Result<Option<OwnedFd>> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let flags = OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        nix::fcntl::openat(dir, name, flags, Mode::empty()).map(Some)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (dir, name);
        Ok(None)
    }
}

/// The symlink `name` in `dir`, if it is one: its metadata and its target,
/// both read from the one link. On Linux through a descriptor of the link
/// itself (`O_PATH | O_NOFOLLOW`), so that no swap between the two reads can
/// pair one link's owner with another's target; elsewhere by name.
pub(crate) fn read_symlink_at(
    dir: BorrowedFd<'_>,
    name: &std::ffi::OsStr,
) -> nix::Result<Option<(nix::sys::stat::FileStat, std::ffi::OsString)>> {
    use nix::sys::stat::SFlag;
    let is_link = |stat: &nix::sys::stat::FileStat| {
        SFlag::from_bits_truncate(stat.st_mode & SFlag::S_IFMT.bits()) == SFlag::S_IFLNK
    };
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let flags = OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let link = nix::fcntl::openat(dir, name, flags, Mode::empty())?;
        let stat = nix::sys::stat::fstat(&link)?;
        if !is_link(&stat) {
            return Ok(None);
        }
        // An empty name reads the link the descriptor is (Linux 2.6.39).
        Ok(Some((stat, nix::fcntl::readlinkat(&link, "")?)))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        use nix::fcntl::AtFlags;
        let stat = nix::sys::stat::fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW)?;
        if !is_link(&stat) {
            return Ok(None);
        }
        Ok(Some((stat, nix::fcntl::readlinkat(dir, name)?)))
    }
}

/// Opens the directory `name` in `dir` to look names up in, following a
/// symlink at `name` as a lookup by path would (the caller judged it).
pub(crate) fn open_dir_following(
    dir: BorrowedFd<'_>,
    name: &std::ffi::OsStr,
) -> nix::Result<OwnedFd> {
    let flags = OFlag::O_DIRECTORY | OFlag::O_CLOEXEC | LOOKUP_ONLY;
    nix::fcntl::openat(dir, name, flags, Mode::empty())
}

/// Opens `name` in `dir` as a directory to look names up in, never through
/// a symlink.
pub(crate) fn open_dir_at(dir: BorrowedFd<'_>, name: &std::ffi::OsStr) -> nix::Result<OwnedFd> {
    let flags = OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC | LOOKUP_ONLY;
    nix::fcntl::openat(dir, name, flags, Mode::empty())
}

/// Whether `dir` is in `/proc`, whose symlinks (`/proc/self/cwd`,
/// `/proc/self/fd/3`) lead to what they name without a path to walk.
pub(crate) fn on_procfs(dir: BorrowedFd<'_>) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        nix::sys::statfs::fstatfs(dir)
            .is_ok_and(|fs| fs.filesystem_type() == nix::sys::statfs::PROC_SUPER_MAGIC)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = dir;
        false
    }
}
