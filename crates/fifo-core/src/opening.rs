//! Tasks blocked in `open(2)` on a FIFO, waiting for the other end: readers
//! and writers for every purpose a user cares about, though they hold no
//! descriptor yet. Found without opening the FIFO or touching the task, so
//! its open is neither completed nor interrupted.
//!
//! For each task, `/proc/PID/task/TID/wchan` says whether it sleeps in the
//! kernel's FIFO open (`wait_for_partner`); only such tasks are looked at
//! further: `/proc/PID/task/TID/syscall` gives the call and its arguments,
//! the path is read from the task's memory (`/proc/PID/mem`, which needs the
//! same ptrace permission as borrowing a descriptor), resolved against the
//! task's root, working directory or directory descriptor, and compared with
//! the FIFO by device and inode. The flags give the direction.
//!
//! A task that moves on while being looked at is not counted: the syscall
//! line is read again after the path and must not have changed.

use std::io::ErrorKind;
use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::PathBuf;

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{Mode, fstatat};

use crate::open::Direction;
use crate::sys::{self, OpenCall};

/// `AT_FDCWD` as the kernel passes it to `openat`.
const AT_FDCWD: i64 = -100;
/// The longest path `open(2)` accepts, with its NUL.
const PATH_MAX: usize = 4096;
/// What `wchan` names while a FIFO open waits for its partner (the second
/// name in case a kernel inlines the first).
const FIFO_OPEN_WAITS: [&str; 2] = ["wait_for_partner", "fifo_open"];

/// One task (thread) blocked opening the FIFO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opening {
    /// The thread id.
    pub(crate) tid: i32,
    /// The access it asked for.
    pub(crate) direction: Direction,
}

/// The tasks of process `pid` blocked opening the file with this device and
/// inode; `None` when some task waits in a FIFO open that this process may
/// not look into (the answer is unknown, not empty). Paths are relative to
/// `proc`, a descriptor on /proc; `buf` is room for listing a directory.
///
/// Most processes have one thread, the process itself, and most threads
/// sleep elsewhere: the task directory's link count (2 + its threads) says
/// the first without listing it, and the thread's `wchan` the second, so a
/// process costs one `stat` and one small read. The directory is listed
/// only for a process of several threads, or when that one thread's `wchan`
/// leaves the question open.
pub(crate) fn blocked_opens(
    proc: BorrowedFd<'_>,
    pid: i32,
    device: u64,
    inode: u64,
    buf: &mut [u8],
) -> Option<Vec<Opening>> {
    let mut found = Vec::new();
    let task = Task { proc, pid };
    let threads = match fstatat(proc, format!("{pid}/task").as_str(), AtFlags::empty()) {
        Ok(st) => st.st_nlink.saturating_sub(2),
        Err(err) if denied_errno(err) => return None,
        // The process ended meanwhile.
        Err(_) => return Some(found),
    };
    if threads == 1 && task.wchan(pid) == Wchan::Elsewhere {
        return Some(found);
    }
    let tasks = match nix::fcntl::openat(
        proc,
        format!("{pid}/task").as_str(),
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    ) {
        Ok(tasks) => tasks,
        Err(err) if denied_errno(err) => return None,
        Err(_) => return Some(found),
    };
    let mut unknown = false;
    let listed = sys::each_entry(tasks.as_fd(), buf, &mut |name| {
        let Some(tid) = crate::inspect::live::number(name) else {
            return ControlFlow::Continue(());
        };
        if task.wchan(tid) == Wchan::Elsewhere {
            return ControlFlow::Continue(());
        }
        match opening_of(pid, &format!("/proc/{pid}/task/{tid}"), device, inode) {
            Ok(Some(direction)) => found.push(Opening { tid, direction }),
            Ok(None) => {}
            // One task out of sight makes the whole process unknown.
            Err(()) => {
                unknown = true;
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    match listed {
        Ok(_) => (!unknown).then_some(found),
        // The process ended meanwhile: what was found stands.
        Err(Errno::ENOENT | Errno::ESRCH) => Some(found),
        // A listing cut short is no proof that no task waits.
        Err(_) => None,
    }
}

/// What a task's `wchan` says about a FIFO open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wchan {
    /// It sleeps somewhere else.
    Elsewhere,
    /// It sleeps in a FIFO open, or cannot tell: "0" means running, a kernel
    /// without symbols or no right to know; the syscall line decides then.
    Maybe,
}

/// One process whose tasks are looked at.
struct Task<'a> {
    proc: BorrowedFd<'a>,
    pid: i32,
}

impl Task<'_> {
    /// The cheap filter: `wchan` needs only read access, and one read.
    /// The main thread's is the process's own `PID/wchan`: a walk of two
    /// names rather than four, once for each of thousands of processes.
    fn wchan(&self, tid: i32) -> Wchan {
        let pid = self.pid;
        let path = if tid == pid {
            format!("{pid}/wchan")
        } else {
            format!("{pid}/task/{tid}/wchan")
        };
        let Ok(file) = nix::fcntl::openat(
            self.proc,
            path.as_str(),
            OFlag::O_RDONLY | OFlag::O_CLOEXEC,
            Mode::empty(),
        ) else {
            return Wchan::Maybe;
        };
        // Longer than the names looked for is elsewhere.
        let mut name = [0u8; 32];
        let Ok(got) = nix::unistd::read(&file, &mut name) else {
            return Wchan::Maybe;
        };
        let name = name[..got].trim_ascii_end();
        if name == b"0" || FIFO_OPEN_WAITS.iter().any(|wait| wait.as_bytes() == name) {
            Wchan::Maybe
        } else {
            Wchan::Elsewhere
        }
    }
}

/// The direction in which the task at `base` is opening the file, `None`
/// when it is not opening it, `Err` when that cannot be seen.
fn opening_of(pid: i32, base: &str, device: u64, inode: u64) -> Result<Option<Direction>, ()> {
    let syscall_path = format!("{base}/syscall");
    let Some(line) = read_or_unknown(&syscall_path)? else {
        return Ok(None);
    };
    let mut fields = line.split_ascii_whitespace();
    let Some(call) = fields
        .next()
        .and_then(|nr| nr.parse::<i64>().ok())
        .and_then(sys::open_call)
    else {
        return Ok(None);
    };
    let args: Vec<u64> = fields
        .take(3)
        .filter_map(|arg| u64::from_str_radix(arg.trim_start_matches("0x"), 16).ok())
        .collect();
    let [a0, a1, a2] = args[..] else {
        return Ok(None);
    };
    let mem = match std::fs::File::open(format!("/proc/{pid}/mem")) {
        Ok(mem) => mem,
        Err(err) if denied(&err) => return Err(()),
        Err(_) => return Ok(None),
    };
    // The kernel passes an int dirfd in a 64-bit register: sign-extend it.
    #[allow(clippy::cast_possible_wrap)]
    let dirfd = |raw: u64| i64::from(raw as u32 as i32);
    let (dirfd, name, flags) = match call {
        OpenCall::Open => (AT_FDCWD, a0, a1),
        OpenCall::OpenAt => (dirfd(a0), a1, a2),
        OpenCall::OpenAt2 => {
            // struct open_how { u64 flags; u64 mode; u64 resolve; }
            let mut how = [0u8; 8];
            match mem.read_exact_at(&mut how, a2) {
                Ok(()) => (dirfd(a0), a1, u64::from_ne_bytes(how)),
                Err(err) if denied(&err) => return Err(()),
                Err(_) => return Ok(None),
            }
        }
    };
    let name = match read_c_string(&mem, name) {
        Ok(name) => name,
        Err(err) if denied(&err) => return Err(()),
        Err(_) => return Ok(None),
    };
    let target = resolve(base, dirfd, &name);
    let meta = match std::fs::metadata(&target) {
        Ok(meta) => meta,
        Err(err) if denied(&err) => return Err(()),
        // Gone, or the task moved on.
        Err(_) => return Ok(None),
    };
    if meta.dev() != device || meta.ino() != inode {
        return Ok(None);
    }
    // Still the same call, so the path read belongs to it.
    if read_or_unknown(&syscall_path)?.as_deref() != Some(line.as_str()) {
        return Ok(None);
    }
    Ok(Some(match flags & 0o3 {
        0 => Direction::Read,
        1 => Direction::Write,
        _ => Direction::ReadWrite,
    }))
}

/// Where the task at `base` looks `name` up: its own root for an absolute
/// name, else its working directory or the directory descriptor given.
fn resolve(base: &str, dirfd: i64, name: &[u8]) -> PathBuf {
    let name = std::ffi::OsStr::from_bytes(name);
    let mut target = PathBuf::from(base);
    if name.as_bytes().first() == Some(&b'/') {
        target.push("root");
        target.push(
            std::path::Path::new(name)
                .strip_prefix("/")
                .unwrap_or(name.as_ref()),
        );
    } else {
        if dirfd == AT_FDCWD {
            target.push("cwd");
        } else {
            target.push("fd");
            target.push(dirfd.to_string());
        }
        target.push(name);
    }
    target
}

/// A /proc file's text: `Ok(None)` when the task is gone, `Err` when denied.
fn read_or_unknown(path: &str) -> Result<Option<String>, ()> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if denied(&err) => Err(()),
        Err(_) => Ok(None),
    }
}

fn denied(err: &std::io::Error) -> bool {
    err.raw_os_error()
        .is_some_and(|raw| denied_errno(Errno::from_raw(raw)))
}

/// Whether a failure to look means "unknown": not allowed, or out of
/// descriptors (a low `ulimit -n`), never "not there".
fn denied_errno(err: Errno) -> bool {
    matches!(
        err,
        Errno::EACCES | Errno::EPERM | Errno::EMFILE | Errno::ENFILE
    )
}

/// The NUL-terminated string at `addr` in the process behind `mem`, read a
/// piece at a time so no read crosses into a page that may not be mapped.
fn read_c_string(mem: &std::fs::File, addr: u64) -> std::io::Result<Vec<u8>> {
    const PAGE: u64 = 4096;
    let mut name = Vec::new();
    let mut at = addr;
    while name.len() < PATH_MAX {
        let mut piece = [0u8; 256];
        let room = (PAGE - at % PAGE).min(piece.len() as u64) as usize;
        let got = mem.read_at(&mut piece[..room], at)?;
        if got == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        if let Some(end) = piece[..got].iter().position(|&b| b == 0) {
            name.extend_from_slice(&piece[..end]);
            return Ok(name);
        }
        name.extend_from_slice(&piece[..got]);
        at += got as u64;
    }
    Err(ErrorKind::InvalidData.into())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_against_the_tasks_root_cwd_or_directory_descriptor() {
        let base = "/proc/7/task/8";
        assert_eq!(
            resolve(base, AT_FDCWD, b"j"),
            PathBuf::from("/proc/7/task/8/cwd/j")
        );
        assert_eq!(
            resolve(base, 5, b"d/j"),
            PathBuf::from("/proc/7/task/8/fd/5/d/j")
        );
        assert_eq!(
            resolve(base, 5, b"/tmp/j"),
            PathBuf::from("/proc/7/task/8/root/tmp/j")
        );
    }

    #[test]
    fn a_c_string_is_read_from_this_processs_memory() {
        let text = b"some/fifo\0after";
        let mem = std::fs::File::open("/proc/self/mem").unwrap();
        let got = read_c_string(&mem, text.as_ptr() as u64).unwrap();
        assert_eq!(got, b"some/fifo");
    }
}
