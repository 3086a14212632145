//! Starting a job's command with `posix_spawn(3)`, and waiting for it.
//!
//! A server that takes SIGINT, SIGTERM and SIGHUP with `sigwait` blocks them
//! in every thread, and a child inherits that mask (and Rust's ignored
//! SIGPIPE) across `exec`: the command could not be ended by those signals.
//! `posix_spawn` starts it with an empty mask and SIGPIPE at its default,
//! and unlike a `fork` it does not copy the server's memory map first, which
//! matters when a job is as cheap as `true`.

use std::ffi::{CString, OsString};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use nix::spawn::{PosixSpawnAttr, PosixSpawnFileActions, PosixSpawnFlags, posix_spawnp};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

use super::Status;

/// A command ready to be started again and again.
#[derive(Debug)]
pub struct Spawner {
    args: Vec<CString>,
    env: Vec<CString>,
}

impl Spawner {
    /// Prepares `command` (a program, searched in `PATH` unless it holds a
    /// `/`, and its arguments) to run with this process's environment.
    ///
    /// # Errors
    /// `EINVAL` (as an OS error) when the command is empty or an argument
    /// holds a NUL byte.
    pub fn new(command: &[OsString]) -> io::Result<Self> {
        let c_string = |bytes: &[u8]| CString::new(bytes).map_err(|_| Errno::EINVAL);
        if command.is_empty() {
            return Err(Errno::EINVAL.into());
        }
        let args = command
            .iter()
            .map(|arg| c_string(arg.as_bytes()))
            .collect::<Result<_, _>>()?;
        let env = std::env::vars_os()
            .filter_map(|(key, value)| {
                let mut pair = key.as_bytes().to_vec();
                pair.push(b'=');
                pair.extend_from_slice(value.as_bytes());
                CString::new(pair).ok()
            })
            .collect();
        Ok(Self { args, env })
    }

    /// Starts the command with these descriptors as its stdin, stdout and
    /// stderr, no signal blocked and SIGPIPE at its default action, and
    /// returns its process id.
    ///
    /// # Errors
    /// The `posix_spawn` error: `ENOENT` when the program is not found,
    /// `EACCES` when it cannot be run.
    pub fn spawn(
        &self,
        stdin: BorrowedFd<'_>,
        stdout: BorrowedFd<'_>,
        stderr: BorrowedFd<'_>,
    ) -> io::Result<u32> {
        let pid = self.spawn_pid(stdin, stdout, stderr)?;
        // A pid from posix_spawn is positive.
        Ok(pid.as_raw().unsigned_abs())
    }

    fn spawn_pid(
        &self,
        stdin: BorrowedFd<'_>,
        stdout: BorrowedFd<'_>,
        stderr: BorrowedFd<'_>,
    ) -> Result<Pid, Errno> {
        let mut actions = PosixSpawnFileActions::init()?;
        actions.add_dup2(stdin.as_raw_fd(), 0)?;
        actions.add_dup2(stdout.as_raw_fd(), 1)?;
        actions.add_dup2(stderr.as_raw_fd(), 2)?;
        let mut attr = PosixSpawnAttr::init()?;
        let mut pipe = SigSet::empty();
        pipe.add(Signal::SIGPIPE);
        attr.set_sigdefault(&pipe)?;
        attr.set_sigmask(&SigSet::empty())?;
        attr.set_flags(
            PosixSpawnFlags::POSIX_SPAWN_SETSIGDEF | PosixSpawnFlags::POSIX_SPAWN_SETSIGMASK,
        )?;
        posix_spawnp(&self.args[0], &actions, &attr, &self.args, &self.env)
    }
}

/// Waits for child `pid` (as [`Spawner::spawn`] returned it) to end and
/// says how it did. `ended` runs once it has
/// ended but (where the system allows, Linux's `waitid(WNOWAIT)`) before it
/// is reaped: while `ended` runs, `pid` still names this child and no other
/// process, so another thread that signals children it knows of (forgetting
/// them in `ended`) can never hit a stranger that reused the number.
/// Elsewhere `ended` runs just after the reaping: a signal sent in between
/// could reach a stranger only if the number were reused within that
/// instant, while one sent earlier still ends the child.
///
/// # Errors
/// The `waitpid` error (`ECHILD`: not a child of this process, which a
/// number beyond `i32` never is).
pub fn wait(pid: u32, ended: impl FnOnce()) -> io::Result<Status> {
    let Ok(pid) = i32::try_from(pid).map(Pid::from_raw) else {
        ended();
        return Err(Errno::ECHILD.into());
    };
    Ok(wait_pid(pid, ended)?)
}

fn wait_pid(pid: Pid, ended: impl FnOnce()) -> Result<Status, Errno> {
    match crate::sys::wait_ended_unreaped(pid) {
        Ok(()) => {
            ended();
            reap(pid)
        }
        Err(Errno::ENOSYS) => {
            let status = reap(pid);
            ended();
            status
        }
        Err(errno) => {
            ended();
            Err(errno)
        }
    }
}

/// `waitpid` until `pid` has ended.
fn reap(pid: Pid) -> Result<Status, Errno> {
    loop {
        match waitpid(pid, None) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(Status::Exited(code)),
            Ok(WaitStatus::Signaled(_, signal, _)) => return Ok(Status::Signaled(signal as i32)),
            Ok(_) | Err(Errno::EINTR) => {}
            Err(errno) => return Err(errno),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;

    use super::*;

    #[test]
    fn a_spawned_command_has_no_signal_blocked_even_when_this_thread_does() {
        let (read, write) = nix::unistd::pipe().unwrap();
        let mut blocked = SigSet::empty();
        blocked.add(Signal::SIGTERM);
        // In a thread of its own, so the test runner's threads are untouched.
        let status = std::thread::spawn(move || {
            blocked.thread_block().unwrap();
            let spawner = Spawner::new(&[
                "sh".into(),
                "-c".into(),
                "grep -E '^Sig(Blk|Ign)' /proc/self/status".into(),
            ])
            .unwrap();
            let pid = spawner.spawn(read.as_fd(), write.as_fd(), write.as_fd());
            drop(write);
            let status = wait(pid.unwrap(), || {}).unwrap();
            let mut out = String::new();
            std::io::Read::read_to_string(&mut std::fs::File::from(read), &mut out).unwrap();
            (status, out)
        })
        .join()
        .unwrap();
        assert_eq!(status.0, Status::Exited(0));
        if cfg!(target_os = "linux") {
            assert!(
                status.1.contains("SigBlk:\t0000000000000000"),
                "{}",
                status.1
            );
        }
    }

    #[test]
    fn a_missing_program_is_enoent() {
        let spawner = Spawner::new(&["fifo-no-such-program".into()]).unwrap();
        let (read, write) = nix::unistd::pipe().unwrap();
        let err = spawner.spawn(read.as_fd(), write.as_fd(), write.as_fd());
        assert_eq!(err.unwrap_err().raw_os_error(), Some(nix::libc::ENOENT));
    }
}
