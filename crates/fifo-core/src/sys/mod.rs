//! The few places that talk to the kernel in ways `nix` cannot make safe or
//! portable: bounded waits, calls relative to a directory descriptor, the
//! widths of `stat` fields, and Linux-only fast paths with their portable
//! fallbacks, chosen at run time by [`engine`] (`FIFO_PORTABLE=1` forces the
//! fallbacks on Linux). No platform `cfg` is needed above this module.
#![allow(unsafe_code)]

use std::os::fd::{BorrowedFd, OwnedFd};

pub(crate) mod at;
pub(crate) mod clock;
pub(crate) mod deadline;
pub(crate) mod dir_watch;
pub(crate) mod disposition;
pub(crate) mod engine;
pub(crate) mod fd;
pub(crate) mod file;
pub(crate) mod lock;
// The peer's credentials: `serve` checks a caller's, `bridge` a peer's uid.
#[cfg(any(feature = "serve", feature = "bridge"))]
#[cfg_attr(not(all(feature = "serve", feature = "bridge")), allow(dead_code))]
mod peer;
pub(crate) mod place;
pub(crate) mod ready;
pub(crate) mod startup;
// Who holds a file, where there is no /proc to ask.
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub(crate) mod table;

#[cfg(feature = "bridge")]
pub(crate) use peer::peer_uid;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
mod portable;

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use linux::ScratchPipe;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) use portable::ScratchPipe;

/// Each call goes to Linux's version while [`engine::linux`] says so, else
/// to the portable one.
macro_rules! by_engine {
    ($($(#[$attr:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: see `linux.rs` and `portable.rs`.")]
        $(#[$attr])*
        pub(crate) fn $name($($arg: $ty),*) -> $ret {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            if engine::linux() {
                return linux::$name($($arg),*);
            }
            portable::$name($($arg),*)
        }
    )*};
}

/// When the file open as `fd` was made, where its file system records it:
/// `statx(2)` on Linux, `st_birthtime` from `fstat(2)` on macOS and FreeBSD.
/// With either engine: a framed readers' stash is named by it, so that a
/// FIFO made later with a removed one's inode number does not take up what
/// was left for the removed one (`transfer::frame::Stash`).
pub(crate) fn birth_time_of(fd: BorrowedFd<'_>) -> Option<(i64, u32)> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    return linux::birth_time_of(fd);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    portable::birth_time_of(fd)
}

by_engine! {
    fn birth_time(path: &std::path::Path, follow: bool) -> Option<(i64, u32)>;
    fn borrow_descriptor(pid: i32, fd: i32) -> nix::Result<OwnedFd>;
    fn bytes_waiting(fd: BorrowedFd<'_>) -> nix::Result<usize>;
    fn open_call(nr: i64) -> Option<OpenCall>;
    fn open_unnamed_in(dir: &std::path::Path) -> nix::Result<OwnedFd>;
    fn pidfd_open(pid: i32) -> nix::Result<OwnedFd>;
    fn pidfd_signal(pidfd: BorrowedFd<'_>, signal: nix::sys::signal::Signal) -> nix::Result<()>;
    fn pipe_size(fd: BorrowedFd<'_>) -> nix::Result<usize>;
    fn punch_hole(fd: BorrowedFd<'_>, offset: u64, len: u64) -> bool;
    fn own_description(fd: BorrowedFd<'_>) -> nix::Result<OwnedFd>;
    fn compare_descriptions(a: (i32, i32), b: (i32, i32)) -> nix::Result<std::cmp::Ordering>;
    fn set_pipe_size(fd: BorrowedFd<'_>, bytes: usize) -> nix::Result<usize>;
    fn splice(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, len: usize) -> nix::Result<usize>;
    fn tee_pipe(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, len: usize) -> nix::Result<usize>;
    #[cfg(feature = "serve")]
    fn wait_ended_unreaped(pid: nix::unistd::Pid) -> nix::Result<()>;
    fn pipe_pair() -> nix::Result<(OwnedFd, OwnedFd)>;
    fn each_entry(
        dir: BorrowedFd<'_>,
        buf: &mut [u8],
        each: &mut dyn FnMut(&std::ffi::CStr) -> std::ops::ControlFlow<()>
    ) -> nix::Result<std::ops::ControlFlow<()>>;
}

#[cfg(feature = "serve")]
pub(crate) use peer::peer_cred;

/// The largest pipe capacity Linux grants whatever the privileges
/// (`round_pipe_size` in fs/pipe.c): 2^31 bytes.
pub(crate) const MAX_PIPE_SIZE: usize = 1 << 31;

/// The system calls that open a path, as a blocked task reports them in
/// `/proc/PID/task/TID/syscall`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
pub(crate) enum OpenCall {
    /// `open(path, flags, mode)`.
    Open,
    /// `openat(dirfd, path, flags, mode)`.
    OpenAt,
    /// `openat2(dirfd, path, how, size)`: the flags are in `*how`.
    OpenAt2,
}
