//! The signal state a command inherits, kept as the caller set it.
//!
//! A signal the caller ignored (`trap "" INT`, `nohup`, every `cmd &` of a
//! non-interactive shell) stays ignored: a command that watches SIGINT,
//! SIGTERM and SIGHUP to clean up watches only those [`ignored_at_start`]
//! says are not, and handles the others exactly as it would otherwise.
//! Before this process execs another program, [`restore_for_exec`] puts
//! back what fifo changed for itself: Rust's runtime ignores SIGPIPE, a
//! bounded wait handles its wake signal ([`crate::process::wake`]), a watcher blocks
//! the signals it takes.
//!
//! ```
//! use nix::sys::signal::{SigSet, Signal};
//!
//! // Watch for the ending signals the caller left to us, and only those.
//! let mut watched = SigSet::empty();
//! for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
//!     if !fifo_core::process::signals::ignored_at_start(signal as i32) {
//!         watched.add(signal);
//!     }
//! }
//! ```

use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};

use crate::sys::disposition;

/// Whether signal number `signal` was ignored (`SIG_IGN`) when the process
/// started: recorded before `main` on Linux with the `startup-hook`
/// feature, as it is now otherwise (then SIGPIPE, which Rust's runtime
/// ignores, counts as not ignored). A number that names no signal was not.
#[must_use]
pub fn ignored_at_start(signal: i32) -> bool {
    Signal::try_from(signal).is_ok_and(disposition::ignored_at_start)
}

/// Gives every standard signal the action and, in the calling thread, the
/// blocked state the process was started with, so that a program exec'd
/// next inherits them as the caller set them. Call it from the thread that
/// will exec, with no other thread relying on a signal any more.
///
/// # Errors
/// The error of a `sigaction` or `pthread_sigmask` that failed.
pub fn restore_for_exec() -> std::io::Result<()> {
    let mut now = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_BLOCK, None, Some(&mut now))?;
    let (mut block, mut unblock) = (SigSet::empty(), SigSet::empty());
    for signal in Signal::iterator() {
        if matches!(signal, Signal::SIGKILL | Signal::SIGSTOP) {
            continue;
        }
        let ignored = disposition::ignored_at_start(signal);
        // A handler is reset by exec itself; a signal ignored at start may
        // have one (the wake signal), and is ignored again here.
        if ignored || disposition::ignored_now(signal) {
            disposition::set_ignored(signal, ignored)?;
        }
        match (disposition::blocked_at_start(signal), now.contains(signal)) {
            (true, false) => block.add(signal),
            (false, true) => unblock.add(signal),
            _ => {}
        }
    }
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&block), None)?;
    pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&unblock), None)?;
    Ok(())
}
