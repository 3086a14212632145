//! Linux fast paths: `tee(2)` lets a reader look at a pipe's data without
//! consuming it.

use std::cmp::Ordering;
use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::{OFlag, SpliceFFlags, tee};

use crate::sys::fd::retry_on_eintr;

/// A private pipe that a FIFO's waiting bytes are duplicated into with
/// tee(2), so that they can be looked at without being consumed. Made on
/// first use; one per reader, reused for every peek.
#[derive(Debug, Default)]
pub(crate) struct ScratchPipe {
    /// The read end and the write end, with the capacity the system granted.
    ends: Option<(OwnedFd, OwnedFd)>,
}

impl ScratchPipe {
    /// A scratch pipe of exactly `capacity` bytes, as a user over
    /// `fs.pipe-user-pages-soft` gets them, for tests of what falls short.
    #[cfg(test)]
    pub(crate) fn with_capacity(capacity: usize) -> nix::Result<Self> {
        let (read_end, write_end) = nix::unistd::pipe2(OFlag::O_CLOEXEC)?;
        set_pipe_size(write_end.as_fd(), capacity)?;
        Ok(Self {
            ends: Some((read_end, write_end)),
        })
    }

    /// Copies up to `buf.len()` bytes waiting in the pipe `src` into `buf`
    /// without removing them, blocking like `read` until some arrive (or
    /// failing with `EAGAIN` when `src` is non-blocking). Returns 0 at end of
    /// file, and `None` when `src` is not a pipe (`tee` says `EINVAL`).
    ///
    /// The scratch pipe is sized on first use (as far as the system allows)
    /// to hold a whole `buf`, because tee(2) cannot resume at an offset:
    /// what does not fit cannot be peeked later.
    pub(crate) fn peek(
        &mut self,
        src: BorrowedFd<'_>,
        buf: &mut [u8],
    ) -> Option<nix::Result<usize>> {
        if !super::engine::linux() {
            return None;
        }
        if self.ends.is_none() {
            match pipe_pair() {
                Ok((read_end, write_end)) => {
                    // Best effort: a smaller pipe only means shorter peeks.
                    let _ = set_pipe_size(write_end.as_fd(), buf.len());
                    self.ends = Some((read_end, write_end));
                }
                Err(errno) => return Some(Err(errno)),
            }
        }
        let (read_end, write_end) = self.ends.as_ref()?;
        let copied = match retry_on_eintr(|| tee(src, write_end, buf.len(), SpliceFFlags::empty()))
        {
            Err(Errno::EINVAL) => return None,
            Err(errno) => return Some(Err(errno)),
            Ok(n) => n,
        };
        let mut got = 0;
        while got < copied {
            match retry_on_eintr(|| nix::unistd::read(read_end, &mut buf[got..copied])) {
                // Nothing else reads this private pipe, so this never
                // happens; should it, the bytes read so far are the peek.
                Ok(0) => return Some(Ok(got)),
                Ok(n) => got += n,
                Err(errno) => return Some(Err(errno)),
            }
        }
        Some(Ok(copied))
    }
}

/// A pipe's read and write ends, both close-on-exec from the start.
pub(crate) fn pipe_pair() -> nix::Result<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(OFlag::O_CLOEXEC)
}

/// Moves up to `len` bytes from `src` to `dst` inside the kernel; one of the
/// two must be a pipe. `EINVAL` means this pair cannot be spliced.
pub(crate) fn splice(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, len: usize) -> nix::Result<usize> {
    nix::fcntl::splice(
        src,
        None,
        dst,
        None,
        len,
        SpliceFFlags::SPLICE_F_MOVE | SpliceFFlags::SPLICE_F_MORE,
    )
}

/// Duplicates up to `len` bytes from the pipe `src` into the pipe `dst`
/// without consuming them.
pub(crate) fn tee_pipe(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, len: usize) -> nix::Result<usize> {
    tee(src, dst, len, SpliceFFlags::empty())
}

/// The capacity of the pipe behind `fd`.
pub(crate) fn pipe_size(fd: BorrowedFd<'_>) -> nix::Result<usize> {
    nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETPIPE_SZ)
        .map(|size| size.unsigned_abs() as usize)
}

/// Asks for a pipe capacity of `bytes`; returns what the kernel granted (it
/// rounds up to a power-of-two number of pages).
///
/// 2^31 itself does not fit the `int` argument, but 2^31 - 1 rounds up to it.
pub(crate) fn set_pipe_size(fd: BorrowedFd<'_>, bytes: usize) -> nix::Result<usize> {
    if bytes > super::MAX_PIPE_SIZE {
        return Err(Errno::EINVAL);
    }
    let bytes = nix::libc::c_int::try_from(bytes).unwrap_or(nix::libc::c_int::MAX);
    nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETPIPE_SZ(bytes))
        .map(|size| size.unsigned_abs() as usize)
}

/// Calls `each` with the name of every entry of the directory open at `dir`
/// (from where its position stands), read with getdents64(2) into `buf`:
/// no directory stream to set up or rewind, no second descriptor, which
/// matters when a scan of /proc lists thousands of directories. Stops
/// early, returning `Break`, when `each` does.
///
/// A call that leaves room in `buf` for one more entry of the longest name
/// is taken as the directory's end, without the call that would return 0:
/// /proc fills the buffer until the listing ends or the next entry does not
/// fit. That saves one system call in each of the thousands of descriptor
/// tables a scan lists.
pub(crate) fn each_entry(
    dir: BorrowedFd<'_>,
    buf: &mut [u8],
    each: &mut dyn FnMut(&std::ffi::CStr) -> ControlFlow<()>,
) -> nix::Result<ControlFlow<()>> {
    // struct linux_dirent64 { u64 d_ino; i64 d_off; u16 d_reclen;
    // u8 d_type; char d_name[]; }: the name starts at byte 19.
    const RECLEN: usize = 16;
    const NAME: usize = 19;
    // The longest record: the name's 255 bytes and its NUL after the
    // header, rounded up to 8.
    const LONGEST: usize = (NAME + 256).next_multiple_of(8);
    loop {
        // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`,
        // which is ours for the call; `dir` is an open descriptor.
        let got = unsafe {
            nix::libc::syscall(
                nix::libc::SYS_getdents64,
                std::os::fd::AsRawFd::as_raw_fd(&dir),
                buf.as_mut_ptr(),
                buf.len(),
            )
        };
        let got = usize::try_from(Errno::result(got)?).map_err(|_| Errno::EIO)?;
        if got == 0 {
            return Ok(ControlFlow::Continue(()));
        }
        let mut at = 0;
        while at < got {
            let reclen = buf
                .get(at + RECLEN..at + RECLEN + 2)
                .map_or(0, |len| usize::from(u16::from_ne_bytes([len[0], len[1]])));
            let record = buf.get(at..at + reclen).ok_or(Errno::EIO)?;
            if reclen <= NAME {
                return Err(Errno::EIO);
            }
            let name =
                std::ffi::CStr::from_bytes_until_nul(&record[NAME..]).map_err(|_| Errno::EIO)?;
            if each(name).is_break() {
                return Ok(ControlFlow::Break(()));
            }
            at += reclen;
        }
        if buf.len() - got >= LONGEST {
            return Ok(ControlFlow::Continue(()));
        }
    }
}

/// A copy of descriptor `fd` of process `pid`, made with `pidfd_getfd(2)`: the
/// same open file description, so nothing about the file changes (a FIFO's
/// reader and writer counts stay as they are). Needs ptrace rights over
/// `pid` and Linux 5.6.
pub(crate) fn borrow_descriptor(pid: i32, fd: i32) -> nix::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    let pidfd = pidfd_open(pid)?;
    // SAFETY: pidfd_getfd takes two descriptors and flags, returns a new
    // close-on-exec descriptor or -1; no memory is passed.
    let copy = unsafe {
        nix::libc::syscall(
            nix::libc::SYS_pidfd_getfd,
            std::os::fd::AsRawFd::as_raw_fd(&pidfd),
            fd,
            0,
        )
    };
    let copy = Errno::result(copy)?;
    // SAFETY: a non-negative result of pidfd_getfd is a descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(copy as i32) })
}

/// A descriptor naming process `pid` (`pidfd_open(2)`, Linux 5.3): that very
/// process, never one that takes its PID after it has ended. It becomes
/// readable when the process ends.
pub(crate) fn pidfd_open(pid: i32) -> nix::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor
    // or -1; no memory is passed.
    let pidfd = unsafe { nix::libc::syscall(nix::libc::SYS_pidfd_open, pid, 0) };
    let pidfd = Errno::result(pidfd)?;
    // SAFETY: a non-negative result of pidfd_open is a descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(pidfd as i32) })
}

/// Sends `signal` to the process `pidfd` names (`pidfd_send_signal(2)`).
pub(crate) fn pidfd_signal(
    pidfd: BorrowedFd<'_>,
    signal: nix::sys::signal::Signal,
) -> nix::Result<()> {
    // SAFETY: pidfd_send_signal takes a descriptor, a signal number, a
    // siginfo pointer that may be null (as here) and flags; no memory is
    // passed.
    let result = unsafe {
        nix::libc::syscall(
            nix::libc::SYS_pidfd_send_signal,
            std::os::fd::AsRawFd::as_raw_fd(&pidfd),
            signal as nix::libc::c_int,
            std::ptr::null::<nix::libc::siginfo_t>(),
            0,
        )
    };
    Errno::result(result).map(drop)
}

/// How descriptor `a.1` of process `a.0` compares with descriptor `b.1` of
/// process `b.0` (`kcmp(2)`, `KCMP_FILE`): `Equal` when both refer to one
/// open file description. Different ones are ordered arbitrarily but alike
/// for every caller until the next boot, so they can be sorted. Needs ptrace
/// read permission over both processes.
pub(crate) fn compare_descriptions(a: (i32, i32), b: (i32, i32)) -> nix::Result<Ordering> {
    const KCMP_FILE: nix::libc::c_int = 0;
    // SAFETY: kcmp takes two pids, a type and two descriptor numbers and
    // returns 0 to 3, or -1; no memory is passed.
    let result = unsafe { nix::libc::syscall(nix::libc::SYS_kcmp, a.0, b.0, KCMP_FILE, a.1, b.1) };
    match Errno::result(result)? {
        0 => Ok(Ordering::Equal),
        1 => Ok(Ordering::Less),
        2 => Ok(Ordering::Greater),
        // 3: different, but with no order to sort by.
        _ => Err(Errno::ENOTSUP),
    }
}

/// Bytes waiting in the pipe behind `fd` (FIONREAD), read without consuming.
pub(crate) fn bytes_waiting(fd: BorrowedFd<'_>) -> nix::Result<usize> {
    let mut waiting: nix::libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer, which points to
    // a live c_int on this stack frame.
    let result = unsafe {
        nix::libc::ioctl(
            std::os::fd::AsRawFd::as_raw_fd(&fd),
            nix::libc::FIONREAD,
            &raw mut waiting,
        )
    };
    Errno::result(result)?;
    Ok(waiting.unsigned_abs() as usize)
}

/// An open file description of its own for the pipe or FIFO `fd` reads:
/// `fd` opened again through `/proc/self/fd` (read-only, without waiting),
/// so that processes sharing one inherited descriptor each get one and an
/// flock(2) on it excludes the others. Where that open is refused (the
/// descriptor was inherited from a user with more rights), a duplicate,
/// which shares `fd`'s description.
pub(crate) fn own_description(fd: BorrowedFd<'_>) -> nix::Result<OwnedFd> {
    use std::os::fd::AsRawFd;
    let path = format!("/proc/self/fd/{}", fd.as_raw_fd());
    let flags = OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC | OFlag::O_NOCTTY;
    let inode = |fd: BorrowedFd<'_>| nix::sys::stat::fstat(fd).map(|st| (st.st_dev, st.st_ino));
    match nix::fcntl::open(path.as_str(), flags, nix::sys::stat::Mode::empty()) {
        Ok(own) if inode(own.as_fd()).ok() == inode(fd).ok() => Ok(own),
        _ => fd
            .try_clone_to_owned()
            .map_err(|err| err.raw_os_error().map_or(Errno::EBADF, Errno::from_raw)),
    }
}

/// Which open call, if any, system call number `nr` of this architecture is.
// `c_long` is `i32` on 32-bit targets.
#[allow(clippy::useless_conversion)]
pub(crate) fn open_call(nr: i64) -> Option<super::OpenCall> {
    use super::OpenCall;
    #[cfg(any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "arm",
        target_arch = "powerpc64",
        target_arch = "s390x"
    ))]
    if nr == i64::from(nix::libc::SYS_open) {
        return Some(OpenCall::Open);
    }
    if nr == i64::from(nix::libc::SYS_openat) {
        Some(OpenCall::OpenAt)
    } else if nr == i64::from(nix::libc::SYS_openat2) {
        Some(OpenCall::OpenAt2)
    } else {
        None
    }
}

/// When `path` was created (seconds, nanoseconds since the epoch), from
/// `statx(2)`; `None` when the file system does not record it.
#[cfg(any(target_env = "gnu", target_env = "musl", target_os = "android"))]
pub(crate) fn birth_time(path: &std::path::Path, follow: bool) -> Option<(i64, u32)> {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let flags = if follow {
        0
    } else {
        nix::libc::AT_SYMLINK_NOFOLLOW
    };
    statx_birth(nix::libc::AT_FDCWD, &name, flags)
}

/// When the file open as `fd` was created, as [`birth_time`].
#[cfg(any(target_env = "gnu", target_env = "musl", target_os = "android"))]
pub(crate) fn birth_time_of(fd: std::os::fd::BorrowedFd<'_>) -> Option<(i64, u32)> {
    use std::os::fd::AsRawFd;
    statx_birth(fd.as_raw_fd(), c"", nix::libc::AT_EMPTY_PATH)
}

#[cfg(any(target_env = "gnu", target_env = "musl", target_os = "android"))]
fn statx_birth(dir: i32, name: &std::ffi::CStr, flags: i32) -> Option<(i64, u32)> {
    // SAFETY: `statx` is plain old data; all-zero bytes are a valid value.
    let mut buf: nix::libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: `name` is a NUL-terminated string and `buf` a live statx on
    // this stack frame; the kernel writes only into `buf` and keeps neither.
    let result = unsafe {
        nix::libc::statx(
            dir,
            name.as_ptr(),
            flags,
            nix::libc::STATX_BTIME,
            &raw mut buf,
        )
    };
    if result != 0 || buf.stx_mask & nix::libc::STATX_BTIME == 0 {
        return None;
    }
    Some((buf.stx_btime.tv_sec, buf.stx_btime.tv_nsec))
}

/// No `statx` in this C library: birth times are unknown.
#[cfg(not(any(target_env = "gnu", target_env = "musl", target_os = "android")))]
pub(crate) fn birth_time(_path: &std::path::Path, _follow: bool) -> Option<(i64, u32)> {
    None
}

/// No `statx` in this C library: birth times are unknown.
#[cfg(not(any(target_env = "gnu", target_env = "musl", target_os = "android")))]
pub(crate) fn birth_time_of(_fd: std::os::fd::BorrowedFd<'_>) -> Option<(i64, u32)> {
    None
}

/// Waits until the child `pid` has ended, leaving it unreaped (a zombie), so
/// that its process id cannot be reused until the caller reaps it.
#[cfg(feature = "serve")]
pub(crate) fn wait_ended_unreaped(pid: nix::unistd::Pid) -> nix::Result<()> {
    use nix::sys::wait::{Id, WaitPidFlag, waitid};
    retry_on_eintr(|| waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)).map(drop)
}

/// Opens a new file with no name in the directory `dir` (`O_TMPFILE`), so
/// that nobody else can open it and it vanishes with its last descriptor,
/// even after SIGKILL. A symlink at `dir` is refused (`O_NOFOLLOW`).
pub(crate) fn open_unnamed_in(dir: &std::path::Path) -> nix::Result<OwnedFd> {
    let flags = OFlag::O_TMPFILE | OFlag::O_RDWR | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    nix::fcntl::open(dir, flags, nix::sys::stat::Mode::from_bits_truncate(0o600))
}

/// Gives back the disk space of `len` bytes at `offset` of a file whose data
/// there is no longer needed (a hole reads as zeros); false where the file
/// system cannot.
pub(crate) fn punch_hole(fd: BorrowedFd<'_>, offset: u64, len: u64) -> bool {
    use nix::fcntl::{FallocateFlags, fallocate};
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return false;
    };
    let mode = FallocateFlags::FALLOC_FL_PUNCH_HOLE | FallocateFlags::FALLOC_FL_KEEP_SIZE;
    fallocate(fd, mode, offset, len).is_ok()
}
