//! A FIFO's live state: which processes hold it open and in which direction,
//! and what its pipe holds, seen through /proc without opening the FIFO, so
//! that no waiting open is completed and no data is consumed.
//!
//! Holders are found by `stat` on every `/proc/PID/fd/N` link (the link is
//! followed, nothing is opened) and matched by device and inode; the
//! direction comes from the `flags` in `/proc/PID/fdinfo/N`. Capacity and
//! buffered bytes need a descriptor: one is borrowed from a holder with
//! `pidfd_getfd(2)`, a copy of its open file description that changes nothing.
//! Processes blocked in `open(2)` on the FIFO are holders too, in the state
//! [`State::Opening`] (see the `opening` module): they are readers or writers
//! for every purpose a user cares about, and the other end's open completes
//! the moment it comes.
//!
//! Readers and writers are counted as the kernel counts them: by open file
//! description, not by descriptor (see the `sharing` module), so that the
//! descriptor a shell's jobs inherit counts once.
//!
//! What cannot be inspected (another user's processes, for an ordinary user)
//! is counted, never guessed: the counts are then lower bounds.
//!
//! macOS and FreeBSD have no such /proc: there holders come from the
//! process table (the `table` module), which shows every completed open
//! with its direction, but no thread blocked in `open(2)`, no way to tell
//! which descriptors share a description, and no descriptor to borrow (so
//! nothing of what the pipe holds). Elsewhere, or on Linux's portable
//! engine, nothing is known.
//!
//! ```
//! use std::os::unix::fs::MetadataExt;
//!
//! use fifo_core::inspect::live::holders;
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! let meta = std::fs::metadata(&path)?;
//! // Nobody holds it yet; `None` where the system shows no holders.
//! if let Some(found) = holders(meta.dev(), meta.ino()) {
//!     assert_eq!((found.readers(), found.writers()), (0, 0));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ops::ControlFlow;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

use crate::error::Unshown;
use crate::open::Direction;
use crate::{Action, Error, FileKind, Peer, Result, Subject, sys};

pub use holder::{Holder, Holders, State};
pub(crate) use scan::number;
use scan::{Scan, Seen};
pub(crate) use sight::may_hide_holders;

/// How the scan opens /proc and a /proc/PID/fd directory: to list them, and
/// as the anchor for the paths and fstatat below them.
const DIR_FLAGS: OFlag = OFlag::O_RDONLY
    .union(OFlag::O_DIRECTORY)
    .union(OFlag::O_CLOEXEC);

/// Room for a getdents64 call: the whole of most descriptor tables at once.
const LISTING_BUF: usize = 32 * 1024;

/// Fewer processes than this are not worth a thread of their own.
const PROCESSES_PER_THREAD: usize = 256;

/// The shortest pause between two looks of [`watch`]...
const WAIT_POLL: Duration = Duration::from_millis(10);
/// ...and the longest, however long a scan of /proc takes.
const WAIT_POLL_MAX: Duration = Duration::from_secs(1);
/// A watcher pauses this many times as long as its last scan took, so that
/// with thousands of processes it spends at most about a twentieth of a CPU
/// (see `bench/wait.sh`).
const WAIT_PAUSE_PER_SCAN: u32 = 20;

/// Every process descriptor on the file with this device and inode, and
/// every thread blocked opening it, or `None` when /proc cannot be read at
/// all (macOS and FreeBSD: when the process table cannot; there blocked
/// opens are not seen, see [`Holders::openings_unseen`]). A snapshot: an
/// open that completes during the scan may be missed.
///
/// Each /proc directory is read once, relative to one descriptor on /proc,
/// and only what the answer needs is opened: a process's descriptor table is
/// listed and its links followed (`stat`, never `readlink`), and its threads
/// are looked at as the `opening` module says.
#[must_use]
pub fn holders(device: u64, inode: u64) -> Option<Holders> {
    holders_in_parts(device, inode, scan_parts)
}

/// [`holders`], with the processes looked at in `parts(processes)` parts.
fn holders_in_parts(device: u64, inode: u64, parts: fn(usize) -> usize) -> Option<Holders> {
    if !crate::sys::engine::linux() {
        return without_proc(device, inode);
    }
    let me = i32::try_from(std::process::id()).ok()?;
    let proc = nix::fcntl::open("/proc", DIR_FLAGS, Mode::empty()).ok()?;
    let mut buf = vec![0u8; LISTING_BUF];
    let mut pids = Vec::new();
    let listed = sys::each_entry(proc.as_fd(), &mut buf, &mut |name| {
        pids.extend(number(name).filter(|&pid| pid != me));
        ControlFlow::Continue(())
    });
    if listed.is_err() {
        return None;
    }
    let scan_all = |pids: &[i32], buf: &mut [u8]| {
        let mut found = Holders::default();
        for &pid in pids {
            let scan = Scan {
                proc: proc.as_fd(),
                pid,
                device,
                inode,
            };
            if scan.process(&mut found.seen, buf) == Seen::Partly {
                found.uninspected += 1;
            }
        }
        found
    };
    // Thousands of processes are looked at on every core (each part in
    // order, so holders stay in PID order); a part whose thread the system
    // refuses is looked at here.
    let parts = parts(pids.len());
    let mut found = Holders::default();
    std::thread::scope(|scope| {
        let mut chunks = pids.chunks(pids.len().div_ceil(parts).max(1));
        let first = chunks.next().unwrap_or_default();
        let others: Vec<_> = chunks
            .map(|chunk| {
                let work = move || scan_all(chunk, &mut vec![0u8; LISTING_BUF]);
                (chunk, std::thread::Builder::new().spawn_scoped(scope, work))
            })
            .collect();
        found = scan_all(first, &mut buf);
        for (chunk, worker) in others {
            let part = match worker.map(std::thread::ScopedJoinHandle::join) {
                Ok(Ok(part)) => part,
                _ => scan_all(chunk, &mut buf),
            };
            found.seen.extend(part.seen);
            found.uninspected += part.uninspected;
        }
    });
    sharing::number_descriptions(&mut found.seen);
    found.file = Some((device, inode));
    Some(found)
}

/// Refuses a step that needs more than who holds the FIFO at `path`
/// (`missing`) where Linux's /proc is not used: [`Error::NotShown`] where
/// the system shows the holders (macOS, FreeBSD), [`Error::NoProcessTable`]
/// where it does not even show them.
pub(crate) fn beyond_holders(path: &Path, action: Action, missing: Unshown) -> Result<()> {
    if sys::engine::linux() {
        return Ok(());
    }
    let subject = Subject::path(path);
    Err(if cfg!(any(target_os = "macos", target_os = "freebsd")) {
        Error::NotShown {
            subject,
            action,
            missing,
        }
    } else {
        Error::NoProcessTable { subject, action }
    })
}

/// Holders where Linux's /proc is not used: from the process table on macOS
/// and FreeBSD, nothing elsewhere.
fn without_proc(device: u64, inode: u64) -> Option<Holders> {
    #[cfg(any(target_os = "macos", target_os = "freebsd"))]
    return table::holders(device, inode);
    #[cfg(not(any(target_os = "macos", target_os = "freebsd")))]
    {
        let _ = (device, inode);
        None
    }
}

/// Into how many parts, each on a thread of its own, a scan of `processes`
/// is split: one per core, for at least [`PROCESSES_PER_THREAD`] each, and
/// one when descriptors are scarce (each part holds two open at a time).
fn scan_parts(processes: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let roomy = sys::file::open_files_limit().is_none_or(|limit| limit >= 64);
    if roomy {
        cores.min(processes / PROCESSES_PER_THREAD).max(1)
    } else {
        1
    }
}

/// Waits until some process holds the FIFO at `path` open as `peer`, or is
/// blocked opening it as one (symlinks followed), looking at /proc, never
/// opening the FIFO, so no waiting open is completed. Only what is seen
/// counts; a peer out of sight (another user's process) is never seen, so
/// when `timeout` passes while such processes could hold the FIFO, the
/// wait cannot say that no peer came.
///
/// # Errors
/// [`Error::TimedOut`] after `timeout` when nobody could hold the FIFO
/// unseen, [`Error::PeerHidden`] when someone could, and those of [`watch`].
pub fn wait_for(path: &Path, peer: Peer, timeout: Option<Duration>) -> Result<()> {
    let mut complete = true;
    let present = |found: &Holders| {
        complete = found.complete();
        match peer {
            Peer::Reader => found.readers() > 0,
            Peer::Writer => found.writers() > 0,
        }
    };
    if watch(path, timeout, present)? {
        return Ok(());
    }
    let subject = Subject::path(path);
    let waited = timeout.unwrap_or_default();
    Err(if sight::may_hide_holders(path, complete) {
        Error::PeerHidden {
            subject,
            peer,
            waited,
        }
    } else {
        Error::TimedOut {
            subject,
            peer,
            waited,
        }
    })
}

/// Looks at the holders of the FIFO at `path` (symlinks followed, the path
/// looked up again each time) until `done` is satisfied with them:
/// `Ok(true)`, or `Ok(false)` once `timeout` has passed. The one waiting loop: every wait on a FIFO's holders or
/// contents (see [`pipe_contents`]) is a `done` for it. Between looks it
/// pauses twenty times as long as the last scan of /proc took (10 ms to
/// 1 s), so waiting stays cheap with thousands of processes.
///
/// # Errors
/// [`Error::NotAFifo`] when `path` is something else, [`Error::Sys`] when
/// it cannot be looked at or /proc cannot be read.
pub fn watch(
    path: &Path,
    timeout: Option<Duration>,
    mut done: impl FnMut(&Holders) -> bool,
) -> Result<bool> {
    let subject = || Subject::path(path);
    // Looked up again before every scan: the path may be given a new FIFO
    // (made beside and renamed over it) while the wait goes on, and it is
    // the FIFO at the path now that counts.
    let identify = || {
        let meta =
            std::fs::metadata(path).map_err(|err| Error::sys(subject(), Action::Stat, err))?;
        let kind = FileKind::from_mode(meta.mode());
        if kind == FileKind::Fifo {
            Ok((meta.dev(), meta.ino()))
        } else {
            Err(Error::NotAFifo {
                subject: subject(),
                found: kind,
            })
        }
    };
    let started = Instant::now();
    loop {
        let (device, inode) = identify()?;
        let scan = Instant::now();
        let found = holders(device, inode).ok_or_else(|| Error::NoProcessTable {
            subject: subject(),
            action: Action::Wait,
        })?;
        if done(&found) {
            return Ok(true);
        }
        let mut pause = (scan.elapsed() * WAIT_PAUSE_PER_SCAN).clamp(WAIT_POLL, WAIT_POLL_MAX);
        if let Some(limit) = timeout {
            let waited = started.elapsed();
            if waited >= limit {
                return Ok(false);
            }
            pause = pause.min(limit.saturating_sub(waited));
        }
        std::thread::sleep(pause);
    }
}

/// What a pipe holds, as seen through a descriptor borrowed from a holder;
/// `None` for what cannot be seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Contents {
    /// The pipe's capacity in bytes.
    pub capacity: Option<u64>,
    /// The bytes written into it and not yet read.
    pub waiting: Option<u64>,
}

/// Whether this system lets [`pipe_contents`] look into a pipe: only on
/// Linux's own engine, through a descriptor borrowed with `pidfd_getfd(2)`.
#[must_use]
pub fn contents_shown() -> bool {
    sys::engine::linux()
}

/// The pipe's capacity and bytes waiting, through a descriptor borrowed from
/// one of `holders`. A holder may have put another file at that number
/// since the scan (another user's process, to make a root `stat` report a
/// pipe of its choosing): a copy that is not the FIFO is not looked into.
#[must_use]
pub fn pipe_contents(holders: &Holders) -> Contents {
    let Some((device, inode)) = holders.file else {
        return Contents::default();
    };
    let file = sys::file::FileId { device, inode };
    for holder in &holders.seen {
        let Some(fd) = holder.fd else { continue };
        let Ok(copy) = sys::borrow_descriptor(holder.pid, fd) else {
            continue;
        };
        if nix::sys::stat::fstat(&copy).is_ok_and(|st| sys::file::FileId::of(&st) == file) {
            return Contents {
                capacity: sys::pipe_size(copy.as_fd()).ok().map(|n| n as u64),
                waiting: sys::bytes_waiting(copy.as_fd()).ok().map(|n| n as u64),
            };
        }
    }
    Contents::default()
}

/// Which way process `pid` opened its descriptor `fd` (`/proc/PID/fdinfo`).
pub(crate) fn direction_of(pid: i32, fd: i32) -> Option<Direction> {
    let info = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}")).ok()?;
    let flags = info
        .lines()
        .find_map(|line| line.strip_prefix("flags:"))?
        .trim();
    match u32::from_str_radix(flags, 8).ok()? & 0o3 {
        0 => Some(Direction::Read),
        1 => Some(Direction::Write),
        _ => Some(Direction::ReadWrite),
    }
}

fn command_of(pid: i32) -> String {
    // A process names itself: bytes that are not UTF-8 too.
    std::fs::read(format!("/proc/{pid}/comm"))
        .map(|name| String::from_utf8_lossy(name.trim_ascii_end()).into_owned())
        .unwrap_or_default()
}

mod holder;
mod scan;
mod sharing;
mod sight;
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
mod table;
#[cfg(all(test, target_os = "linux"))]
mod tests;
