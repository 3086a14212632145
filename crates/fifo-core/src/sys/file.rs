//! What `stat(2)` and `getrlimit(2)` say, in one width on every system.
//! The C types differ: `dev_t` is `i32` on macOS and `u64` elsewhere,
//! `mode_t` is `u16` on macOS and FreeBSD, `nlink_t` is `u16` on macOS,
//! `rlim_t` is signed on FreeBSD; above `sys/` only these widened values
//! are seen.
// The casts are widenings on some systems and identities on others.
#![allow(
    clippy::useless_conversion,
    clippy::unnecessary_fallible_conversions,
    clippy::cast_sign_loss,
    clippy::unnecessary_cast
)]

use std::os::fd::BorrowedFd;

use nix::sys::stat::{FileStat, Mode, SFlag};

/// Which file a `stat` describes: its device and inode numbers, as
/// [`std::os::unix::fs::MetadataExt`] gives them (a signed `dev_t` is
/// sign-extended, as std does), so that the two can be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FileId {
    pub(crate) device: u64,
    pub(crate) inode: u64,
}

impl FileId {
    pub(crate) fn of(st: &FileStat) -> Self {
        Self {
            device: device_id(st.st_dev),
            inode: u64::from(st.st_ino),
        }
    }
}

/// A raw `dev_t` as [`FileId::device`] holds it (sign-extended where
/// `dev_t` is signed, as std does).
pub(crate) fn device_id(dev: nix::libc::dev_t) -> u64 {
    dev as u64
}

/// The whole `st_mode`: type and permission bits.
pub(crate) fn mode(st: &FileStat) -> u32 {
    u32::from(st.st_mode)
}

/// The number of hard links.
pub(crate) fn links(st: &FileStat) -> u64 {
    u64::from(st.st_nlink)
}

/// The device a device special file stands for: the whole number, its major
/// and its minor part.
pub(crate) fn rdev(st: &FileStat) -> (u64, u64, u64) {
    let (major, minor) = parts(st.st_rdev);
    (u64::try_from(st.st_rdev).unwrap_or(0), major, minor)
}

/// The major and minor parts of the device the file is on.
pub(crate) fn device_parts(st: &FileStat) -> (u64, u64) {
    parts(st.st_dev)
}

fn parts(dev: nix::libc::dev_t) -> (u64, u64) {
    (
        u64::try_from(nix::libc::major(dev)).unwrap_or(0),
        u64::try_from(nix::libc::minor(dev)).unwrap_or(0),
    )
}

/// The file type bits (`S_IFMT`) of a raw mode; bits beyond `mode_t` are no
/// file type.
pub(crate) fn format_of(mode: u32) -> SFlag {
    let bits = nix::libc::mode_t::try_from(mode).unwrap_or_default();
    SFlag::from_bits_truncate(bits & SFlag::S_IFMT.bits())
}

/// `mode`'s permission bits (with set-id and sticky) as a [`Mode`].
pub(crate) fn permissions(mode: u32) -> Mode {
    Mode::from_bits_truncate((mode & 0o7777) as nix::libc::mode_t)
}

/// A [`Mode`]'s bits, widened.
pub(crate) fn bits(mode: Mode) -> u32 {
    u32::from(mode.bits())
}

/// The largest write the pipe or FIFO open as `fd` keeps whole
/// (`fpathconf(_PC_PIPE_BUF)`): 4096 bytes on Linux, 512 on macOS and
/// FreeBSD. The C library's `PIPE_BUF` where the system does not say.
pub(crate) fn pipe_buf(fd: BorrowedFd<'_>) -> usize {
    /// What POSIX promises at the least (`_POSIX_PIPE_BUF`).
    const POSIX_MIN: usize = 512;
    match nix::unistd::fpathconf(fd, nix::unistd::PathconfVar::PIPE_BUF) {
        Ok(Some(n)) => usize::try_from(n)
            .ok()
            .filter(|&n| n >= POSIX_MIN)
            .unwrap_or(POSIX_MIN),
        _ => crate::PIPE_BUF,
    }
}

/// The largest file this process may write (`ulimit -f`), in bytes; no
/// limit (or none known) is `u64::MAX`.
pub(crate) fn file_size_limit() -> u64 {
    nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_FSIZE)
        .map_or(u64::MAX, |(soft, _)| {
            u64::try_from(soft).unwrap_or(u64::MAX)
        })
}

/// The soft limit on open descriptors (`RLIMIT_NOFILE`); `None` when it
/// cannot be read. "Unlimited" is `u64::MAX`.
pub(crate) fn open_files_limit() -> Option<u64> {
    let (soft, _) =
        nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE).ok()?;
    Some(u64::try_from(soft).unwrap_or(u64::MAX))
}
