//! Ending the holds other processes keep (`fifo hold --stop`): finding
//! this user's holders of a FIFO, signalling each one only while it is
//! still the holder, waiting for it to end, and saying what the pipe held
//! that went with it. It lives apart from [`Held`](super::Held) because it
//! acts on other processes, through what /proc shows of them, where `Held`
//! only keeps descriptors of its own.

use std::ffi::OsStr;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::error::Unshown;
use crate::inspect::live::{holders, pipe_contents};
use crate::open::Direction;
use crate::{Action, Error, Result, Subject, sys};

/// How often [`stop`] looks whether a holder has gone.
const STOP_POLL: Duration = Duration::from_millis(10);

/// What [`release`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Released {
    /// The holding processes that were asked to end, and did.
    pub stopped: Vec<i32>,
    /// Bytes that were still in the pipe when its last holder (as far as
    /// can be seen) ended, which the kernel dropped with the pipe; `None`
    /// when they could not be seen.
    pub lost: Option<u64>,
    /// Other FIFOs the stopped processes held, nobody else held, and that
    /// had bytes in them, lost with them: where each was (as /proc names
    /// it) and how many bytes.
    pub also_lost: Vec<(PathBuf, u64)>,
}

/// Ends the holders of `path`: the processes of this user that hold it
/// read-write and whose command line (its arguments, as the process table
/// shows them) `is_holder` accepts, such as a program that keeps FIFOs
/// open with [`Held`](super::Held). Each gets SIGTERM (SIGINT or SIGHUP
/// when it ignores SIGTERM, and none when it ignores all three:
/// [`Error::Unsafe`] at once, rather than a wait for ever); then this waits
/// until each is gone, at most `timeout`. The command line is checked again
/// just before the signal, so that a number reused by another process is
/// not signalled.
///
/// # Errors
/// [`Error::NotHeld`] when no such process holds it, [`Error::StillRunning`]
/// when one has not ended in time, [`Error::Unsafe`] when one ignores
/// every signal that would end it, [`Error::Sys`] when `path` or /proc
/// cannot be looked at or a signal cannot be sent, [`Error::NotShown`] on
/// macOS and FreeBSD (no /proc to read a holder's command line from), and
/// [`Error::NoProcessTable`] where holders are not seen at all.
pub fn release(
    path: &Path,
    timeout: Option<Duration>,
    is_holder: &dyn Fn(&[&OsStr]) -> bool,
) -> Result<Released> {
    let subject = || Subject::path(path);
    // Through no other user's symlink in a sticky directory, as every open
    // of a path: the holds of a private FIFO it points at are not ended.
    let meta = sys::file::FileId::of(&crate::open::stat_followed(path)?);
    let (dev, ino) = (meta.device, meta.inode);
    let found = holders(dev, ino).ok_or_else(|| Error::NoProcessTable {
        subject: subject(),
        action: Action::Stat,
    })?;
    // Which holders are this user's, what they run and which signals they
    // heed are read from /proc: without it, "not held" would be a guess.
    crate::inspect::live::beyond_holders(path, Action::Stat, Unshown::ProcessDetails)?;
    let me = nix::unistd::geteuid().as_raw();
    let mut ours: Vec<i32> = found
        .seen
        .iter()
        .filter(|holder| holder.direction == Direction::ReadWrite)
        .map(|holder| holder.pid)
        .filter(|&pid| owner_of(pid) == Some(me) && runs(pid, is_holder))
        .collect();
    ours.dedup();
    if ours.is_empty() {
        return Err(Error::NotHeld { subject: subject() });
    }
    let waiting = pipe_contents(&found).waiting;
    let others_stay = found.seen.iter().any(|holder| !ours.contains(&holder.pid));
    let also_lost = lost_elsewhere(&ours, (dev, ino));
    let started = Instant::now();
    for &pid in &ours {
        let left = timeout.map(|limit| limit.saturating_sub(started.elapsed()));
        if !stop(pid, (dev, ino), left, is_holder)? {
            return Err(Error::StillRunning {
                subject: subject(),
                pid,
                waited: timeout.unwrap_or_default(),
            });
        }
    }
    // Another holder keeps the pipe, and what is in it, alive. Processes
    // this user may not inspect are not seen, so they do not count (as
    // everywhere in `live`).
    let lost = if others_stay { Some(0) } else { waiting };
    Ok(Released {
        stopped: ours,
        lost,
        also_lost,
    })
}

/// The named FIFOs process `pid` has open read-write, as a hold has them:
/// each one's path (as /proc shows it) and device and inode, once per
/// descriptor. An anonymous pipe (stderr) reads `pipe:[N]` and is left out.
fn read_write_fifos(pid: i32) -> Vec<(PathBuf, (u64, u64))> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.flatten()
        .filter_map(|link| {
            let fd = link.file_name().to_str()?.parse::<i32>().ok()?;
            let target = std::fs::read_link(link.path()).ok()?;
            let meta = std::fs::metadata(link.path()).ok()?;
            let named_fifo = meta.file_type().is_fifo() && target.is_absolute();
            let read_write =
                crate::inspect::live::direction_of(pid, fd) == Some(Direction::ReadWrite);
            (named_fifo && read_write).then(|| (target, (meta.dev(), meta.ino())))
        })
        .collect()
}

/// Whether process `pid` has the FIFO `file` (device, inode) open
/// read-write, as a hold does.
fn holds_read_write(pid: i32, file: (u64, u64)) -> bool {
    read_write_fifos(pid).iter().any(|(_, id)| *id == file)
}

/// The other named FIFOs that `pids` hold read-write, that no other process
/// holds, and that have bytes in them: stopping `pids` loses those bytes.
fn lost_elsewhere(pids: &[i32], this: (u64, u64)) -> Vec<(PathBuf, u64)> {
    let mut seen = Vec::new();
    let mut lost = Vec::new();
    for &pid in pids {
        for (target, id) in read_write_fifos(pid) {
            if id == this || seen.contains(&id) {
                continue;
            }
            seen.push(id);
            let Some(found) = holders(id.0, id.1) else {
                continue;
            };
            if found.seen.iter().all(|holder| pids.contains(&holder.pid)) {
                if let Some(bytes @ 1..) = pipe_contents(&found).waiting {
                    lost.push((target, bytes));
                }
            }
        }
    }
    lost
}

/// Asks process `pid` to end (see [`heeded_ending_signal`]) and waits
/// until it has, at most
/// `timeout`; true when it is gone.
///
/// The process is pinned by a pidfd first and looked at again: the PID the
/// scan found may have been taken since by another process, which must not
/// be signalled, even one that runs `fifo hold` too (another FIFO's hold, or
/// another `fifo hold --stop`: with PIDs reused within seconds in a busy
/// test suite, such a stop was ended by SIGTERM). So the pinned process
/// must still hold the FIFO (`file`), read-write. (Without pidfds, before
/// Linux 5.3, it is signalled by PID.)
fn stop(
    pid: i32,
    file: (u64, u64),
    timeout: Option<Duration>,
    is_holder: &dyn Fn(&[&OsStr]) -> bool,
) -> Result<bool> {
    let pinned = match sys::pidfd_open(pid) {
        Ok(pidfd) => Some(pidfd),
        Err(Errno::ESRCH) => return Ok(true),
        Err(_) => None,
    };
    let me = nix::unistd::geteuid().as_raw();
    let still_the_holder =
        owner_of(pid) == Some(me) && runs(pid, is_holder) && holds_read_write(pid, file);
    if pinned.is_some() && !still_the_holder {
        // The hold ended, and its PID is another process's now.
        return Ok(true);
    }
    let send = |signal| match &pinned {
        Some(pidfd) => sys::pidfd_signal(pidfd.as_fd(), signal),
        None => kill(Pid::from_raw(pid), signal),
    };
    let Some(signal) = heeded_ending_signal(pid) else {
        return Err(Error::Unsafe {
            subject: Subject::Process(pid),
            reason: "to wait for it to end: it ignores SIGTERM, SIGINT and SIGHUP".to_owned(),
        });
    };
    match send(signal) {
        Ok(()) => {}
        Err(Errno::ESRCH) => return Ok(true),
        Err(errno) => return Err(Error::sys(Subject::Process(pid), Action::Signal, errno)),
    }
    // A stopped holder (SIGSTOP, ^Z) would keep the SIGTERM pending and the
    // wait below would never end: let it run to take it, as kill(1) of a
    // shell's stopped job does.
    let _ = send(Signal::SIGCONT);
    let started = Instant::now();
    loop {
        let ended = match &pinned {
            // Readable once the process has ended.
            Some(pidfd) => {
                let mut fds = [PollFd::new(pidfd.as_fd(), PollFlags::POLLIN)];
                matches!(poll(&mut fds, PollTimeout::ZERO), Ok(1..))
            }
            None => gone(pid),
        };
        if ended {
            return Ok(true);
        }
        if timeout.is_some_and(|limit| started.elapsed() >= limit) {
            return Ok(false);
        }
        std::thread::sleep(STOP_POLL);
    }
}

/// The first of SIGTERM, SIGINT and SIGHUP that process `pid` does not
/// ignore (a holder started with one ignored keeps it ignored, and ends on
/// the others); `None` when it ignores all three. SIGTERM when that cannot
/// be read.
fn heeded_ending_signal(pid: i32) -> Option<Signal> {
    let ending = [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP];
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let Some(ignored) = status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
    else {
        return Some(Signal::SIGTERM);
    };
    ending
        .into_iter()
        .find(|&signal| ignored & (1 << (signal as u32 - 1)) == 0)
}

/// Whether `pid` has ended: no such process, or a zombie nobody reaped yet.
fn gone(pid: i32) -> bool {
    let stat = if sys::engine::linux() {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
    } else {
        Err(Errno::ENOSYS.into())
    };
    match stat {
        // The state follows the command name, which is in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => kill(Pid::from_raw(pid), None) == Err(Errno::ESRCH),
    }
}

fn owner_of(pid: i32) -> Option<u32> {
    std::fs::metadata(format!("/proc/{pid}"))
        .ok()
        .map(|m| m.uid())
}

/// Whether `is_holder` accepts `pid`'s command line.
fn runs(pid: i32, is_holder: &dyn Fn(&[&OsStr]) -> bool) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let cmdline = cmdline.strip_suffix(&[0]).unwrap_or(&cmdline);
    let args: Vec<&OsStr> = cmdline.split(|&b| b == 0).map(OsStr::from_bytes).collect();
    is_holder(&args)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::create::{IfExists, PRIVATE_MODE, make_fifo};
    use crate::open::hold::Held;

    #[test]
    fn a_pid_that_now_names_another_process_is_not_signalled() {
        // As when the hold a scan found has ended and its PID was taken by
        // another process of this user: `sleep` is no fifo hold.
        // Only a pidfd pins a PID; Linux has had pidfd_open(2) since 5.3.
        if let Err(errno) = sys::pidfd_open(i32::try_from(std::process::id()).unwrap()) {
            panic!("pidfd_open(2) fails here ({errno}): this test needs Linux 5.3 or later");
        }
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = i32::try_from(child.id()).unwrap();
        let stopped = stop(pid, (0, 0), Some(Duration::from_secs(5)), &|_| false).unwrap();
        let untouched = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();
        assert!(stopped, "the hold counts as gone");
        assert!(untouched, "the process that took its PID was signalled");
    }

    #[test]
    fn a_pid_taken_by_another_fifo_hold_that_holds_no_such_fifo_is_not_signalled() {
        // As when the PID went to another `fifo hold` (a hold of another
        // FIFO, or a `fifo hold --stop`): its command line passes, but it
        // does not hold this FIFO. Here every command line passes.
        if let Err(errno) = sys::pidfd_open(i32::try_from(std::process::id()).unwrap()) {
            panic!("pidfd_open(2) fails here ({errno}): this test needs Linux 5.3 or later");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q");
        make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let file = (meta.dev(), meta.ino());
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = i32::try_from(child.id()).unwrap();
        let stopped = stop(pid, file, Some(Duration::from_secs(5)), &|_| true).unwrap();
        let untouched = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();
        assert!(stopped, "the hold counts as gone");
        assert!(untouched, "a process that holds no such FIFO was signalled");
        // And one that does hold it read-write, as a hold does, is the hold.
        let held = Held::open(&path).unwrap();
        let me = i32::try_from(std::process::id()).unwrap();
        assert!(holds_read_write(me, file));
        drop(held);
        assert!(!holds_read_write(me, file));
    }

    #[test]
    fn a_process_that_is_gone_is_gone() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = i32::try_from(child.id()).unwrap();
        child.wait().unwrap();
        assert!(gone(pid));
        assert!(!gone(i32::try_from(std::process::id()).unwrap()));
    }
}
