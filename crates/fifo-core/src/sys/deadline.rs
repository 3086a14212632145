//! Run a blocking system call with a deadline.
//!
//! A FIFO `open(2)` blocks until the other end appears, and there is no
//! timeout parameter. Opening with `O_NONBLOCK` and polling cannot stand in
//! for it: a non-blocking read open never waits, and a write open can only be
//! retried. So the real blocking call runs on the calling thread while a
//! watchdog thread, once the deadline passes, sends that thread a signal
//! (`SIGURG` unless the program chose another, see `fifo_core::process::wake`), whose
//! handler does nothing and is installed without `SA_RESTART`: the call fails
//! with `EINTR` and nothing else about the pipe changes. `SIGURG` is ignored
//! by default, so a signal still pending after an `exec` is harmless.
//! A caller may have blocked the signal (the mask is inherited across
//! `exec`): it is unblocked in the waiting thread for the wait.

use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::pthread::{pthread_kill, pthread_self};
use nix::sys::signal::{
    SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, Signal, pthread_sigmask, sigaction,
};

/// The signal that wakes a blocked call unless the program chose another
/// before the first bounded wait.
const DEFAULT_WAKE_SIGNAL: Signal = Signal::SIGURG;
/// How often the watchdog repeats its signal, in case the first one arrived
/// just before the call started to block.
const RESEND_EVERY: Duration = Duration::from_millis(20);

/// The wake signal, fixed (and its handler installed) on first use.
static WAKE_SIGNAL: OnceLock<Signal> = OnceLock::new();

/// Why [`run`] gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interrupted {
    /// The call itself failed.
    Failed(Errno),
    /// The deadline passed first.
    TimedOut,
    /// The watchdog thread could not be started (`ulimit -u`).
    NoThread(Errno),
}

extern "C" fn wake(_: nix::libc::c_int) {}

/// Installs the do-nothing handler for `signal`.
fn install(signal: Signal) -> nix::Result<()> {
    let action = SigAction::new(SigHandler::Handler(wake), SaFlags::empty(), SigSet::empty());
    // SAFETY: `wake` is async-signal-safe (it does nothing). A handler the
    // program installed for this signal is replaced: the public docs
    // (`fifo_core::process::wake`, `Wait::Timeout`, the crate README) say so.
    unsafe { sigaction(signal, &action) }.map(drop)
}

/// Makes `signal` (one a handler can catch: not `SIGKILL` or `SIGSTOP`)
/// the wake signal, unless one is fixed already; returns the one in use.
pub(crate) fn choose(signal: Signal) -> Signal {
    *WAKE_SIGNAL.get_or_init(|| {
        let installed = install(signal);
        debug_assert!(installed.is_ok(), "sigaction({signal}) cannot fail");
        signal
    })
}

/// The wake signal, installing its handler on first use.
pub(crate) fn install_wake_handler() -> Signal {
    choose(DEFAULT_WAKE_SIGNAL)
}

/// Runs `call` (retrying it on `EINTR`) until it succeeds, fails, or
/// `timeout` passes.
pub(crate) fn run<T>(
    timeout: Duration,
    mut call: impl FnMut() -> nix::Result<T>,
) -> Result<T, Interrupted> {
    let signal = install_wake_handler();
    let started = Instant::now();
    let done = Arc::new((Mutex::new(false), Condvar::new()));
    let watchdog = {
        let done = Arc::clone(&done);
        let target = pthread_self();
        crate::process::thread::start(move || {
            let (lock, wakeup) = &*done;
            let mut finished = lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            while !*finished {
                let left = timeout.saturating_sub(started.elapsed());
                let wait = if left.is_zero() { RESEND_EVERY } else { left };
                finished = wakeup
                    .wait_timeout(finished, wait)
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .0;
                if !*finished && started.elapsed() >= timeout {
                    // The target is alive: it joins this thread before
                    // returning, and stops us (under this lock) first.
                    let _ = pthread_kill(target, signal);
                }
            }
        })
    };
    let watchdog = watchdog.map_err(Interrupted::NoThread)?;
    let wake = SigSet::from(signal);
    let mut mask = SigSet::empty();
    // Cannot fail: the arguments are valid.
    let _ = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&wake), Some(&mut mask));
    let result = loop {
        match call() {
            Err(Errno::EINTR) if started.elapsed() >= timeout => break Err(Interrupted::TimedOut),
            Err(Errno::EINTR) => {}
            Err(errno) => break Err(Interrupted::Failed(errno)),
            Ok(value) => break Ok(value),
        }
    };
    {
        let (lock, wakeup) = &*done;
        *lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        wakeup.notify_one();
    }
    let _ = watchdog.join();
    if mask.contains(signal) {
        let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&wake), None);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_read_is_interrupted_at_the_deadline() {
        let (reader, _writer) = nix::unistd::pipe().unwrap();
        let mut buf = [0u8; 1];
        let result = run(Duration::from_millis(50), || {
            nix::unistd::read(&reader, &mut buf)
        });
        assert_eq!(result, Err(Interrupted::TimedOut));
    }

    #[test]
    fn a_wake_signal_the_thread_blocked_still_ends_the_wait() {
        let wake = SigSet::from(install_wake_handler());
        wake.thread_block().unwrap();
        let (reader, _writer) = nix::unistd::pipe().unwrap();
        let mut buf = [0u8; 1];
        let result = run(Duration::from_millis(50), || {
            nix::unistd::read(&reader, &mut buf)
        });
        let mask = SigSet::thread_get_mask().unwrap();
        wake.thread_unblock().unwrap();
        assert_eq!(result, Err(Interrupted::TimedOut));
        assert!(mask.contains(install_wake_handler()), "blocked again after");
    }

    #[test]
    fn a_call_that_finishes_is_returned() {
        let (reader, writer) = nix::unistd::pipe().unwrap();
        nix::unistd::write(&writer, b"x").unwrap();
        let mut buf = [0u8; 1];
        let result = run(Duration::from_secs(5), || {
            nix::unistd::read(&reader, &mut buf)
        });
        assert_eq!(result, Ok(1));
        assert_eq!(&buf, b"x");
    }
}
