//! Starting a command with an empty signal mask. A process that takes its
//! ending signals with `sigwait` blocks them in every thread, and a child
//! inherits the mask across `fork` and `exec`: without this, a command it
//! starts could not be ended by SIGINT, SIGTERM or SIGHUP.

use std::os::unix::process::CommandExt;
use std::process::Command;

use nix::sys::signal::{SigSet, SigmaskHow, sigprocmask};

/// Makes `command` start with no signal blocked.
pub(crate) fn unblock_signals_in_child(command: &mut Command) {
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls are allowed; it calls sigprocmask(2) (safe
    // there) on a set built on the stack, allocating nothing.
    unsafe {
        command.pre_exec(|| {
            sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)
                .map_err(|errno| std::io::Error::from_raw_os_error(errno as i32))
        });
    }
}
