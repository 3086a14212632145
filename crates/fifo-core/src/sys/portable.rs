//! Fallbacks for systems without Linux's own system calls (and for Linux
//! with the portable path forced): most calls say "not here", and callers
//! take their portable paths.
#![cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]

use std::os::fd::{BorrowedFd, OwnedFd};

use nix::errno::Errno;

/// Looking at a pipe's data without consuming it needs `tee(2)`; elsewhere
/// the answer is always "not possible", and callers read one byte at a time.
#[derive(Debug, Default)]
pub(crate) struct ScratchPipe;

impl ScratchPipe {
    /// Always `None`: no peeking here.
    #[allow(clippy::unused_self)] // The same signature as on Linux.
    pub(crate) fn peek(
        &mut self,
        _src: BorrowedFd<'_>,
        _buf: &mut [u8],
    ) -> Option<nix::Result<usize>> {
        None
    }
}

/// A pipe's read and write ends, made close-on-exec just after: Apple has
/// no `pipe2`. (A program another thread starts in between inherits them;
/// these pipes are private scratch pipes, which only costs that program two
/// stray descriptors.)
pub(crate) fn pipe_pair() -> nix::Result<(OwnedFd, OwnedFd)> {
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    let (read_end, write_end) = nix::unistd::pipe()?;
    for end in [&read_end, &write_end] {
        fcntl(end, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))?;
    }
    Ok((read_end, write_end))
}

/// No splice(2): callers fall back to read and write.
pub(crate) fn splice(
    _src: BorrowedFd<'_>,
    _dst: BorrowedFd<'_>,
    _len: usize,
) -> nix::Result<usize> {
    Err(Errno::ENOSYS)
}

/// No tee(2).
pub(crate) fn tee_pipe(
    _src: BorrowedFd<'_>,
    _dst: BorrowedFd<'_>,
    _len: usize,
) -> nix::Result<usize> {
    Err(Errno::ENOSYS)
}

/// No `/proc/self/fd` to open a new description through: a duplicate,
/// which shares `fd`'s.
pub(crate) fn own_description(fd: BorrowedFd<'_>) -> nix::Result<OwnedFd> {
    fd.try_clone_to_owned()
        .map_err(|err| err.raw_os_error().map_or(Errno::EBADF, Errno::from_raw))
}

/// Pipe capacity cannot be read here.
pub(crate) fn pipe_size(_fd: BorrowedFd<'_>) -> nix::Result<usize> {
    Err(Errno::ENOSYS)
}

/// Pipe capacity cannot be changed here.
pub(crate) fn set_pipe_size(_fd: BorrowedFd<'_>, _bytes: usize) -> nix::Result<usize> {
    Err(Errno::ENOSYS)
}

/// No `pidfd_getfd(2)` here.
pub(crate) fn borrow_descriptor(_pid: i32, _fd: i32) -> nix::Result<OwnedFd> {
    Err(Errno::ENOSYS)
}

/// No `pidfd_open(2)` here: processes are signalled by PID.
pub(crate) fn pidfd_open(_pid: i32) -> nix::Result<OwnedFd> {
    Err(Errno::ENOSYS)
}

/// No `pidfd_send_signal(2)` here.
pub(crate) fn pidfd_signal(
    _pidfd: BorrowedFd<'_>,
    _signal: nix::sys::signal::Signal,
) -> nix::Result<()> {
    Err(Errno::ENOSYS)
}

/// No `kcmp(2)` here: descriptors cannot be told to share a description.
pub(crate) fn compare_descriptions(
    _a: (i32, i32),
    _b: (i32, i32),
) -> nix::Result<std::cmp::Ordering> {
    Err(Errno::ENOSYS)
}

/// FIONREAD on pipes is not relied on here.
pub(crate) fn bytes_waiting(_fd: BorrowedFd<'_>) -> nix::Result<usize> {
    Err(Errno::ENOSYS)
}

/// System call numbers are not read from /proc here.
pub(crate) fn open_call(_nr: i64) -> Option<super::OpenCall> {
    None
}

/// Birth times need `statx(2)`.
pub(crate) fn birth_time(_path: &std::path::Path, _follow: bool) -> Option<(i64, u32)> {
    None
}

/// When the file open as `fd` was made: `st_birthtime`, which a file system
/// that records none reports as 0 (macOS) or -1 (FreeBSD).
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
pub(crate) fn birth_time_of(fd: BorrowedFd<'_>) -> Option<(i64, u32)> {
    let st = nix::sys::stat::fstat(fd).ok()?;
    let nanos = u32::try_from(st.st_birthtime_nsec).ok()?;
    (st.st_birthtime > 0).then_some((st.st_birthtime, nanos))
}

/// No birth time in this system's `stat`.
#[cfg(not(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "linux",
    target_os = "android"
)))]
pub(crate) fn birth_time_of(_fd: BorrowedFd<'_>) -> Option<(i64, u32)> {
    None
}

/// Not here: without `waitid(WNOWAIT)` the caller's `waitpid` reaps the
/// child as it ends, and its process id is free from then on.
#[cfg(feature = "serve")]
pub(crate) fn wait_ended_unreaped(_pid: nix::unistd::Pid) -> nix::Result<()> {
    Err(Errno::ENOSYS)
}

/// No unnamed files here: callers create a named one and unlink it.
pub(crate) fn open_unnamed_in(_dir: &std::path::Path) -> nix::Result<OwnedFd> {
    Err(Errno::EOPNOTSUPP)
}

/// No hole punching here: the space comes back when the file is emptied.
pub(crate) fn punch_hole(_fd: BorrowedFd<'_>, _offset: u64, _len: u64) -> bool {
    false
}

/// No getdents64(2): /proc, which alone is listed this way, is Linux's.
pub(crate) fn each_entry(
    _dir: BorrowedFd<'_>,
    _buf: &mut [u8],
    _each: &mut dyn FnMut(&std::ffi::CStr) -> std::ops::ControlFlow<()>,
) -> nix::Result<std::ops::ControlFlow<()>> {
    Err(Errno::ENOSYS)
}
