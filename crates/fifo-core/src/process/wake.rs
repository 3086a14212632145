//! Which signal interrupts a blocking call when a bounded wait runs out.
//!
//! `open(2)` and `flock(2)` take no timeout, so a bounded wait
//! ([`Wait::Timeout`](crate::open::Wait::Timeout), and a budgeted
//! [`Copier`](crate::transfer::copy::Copier) with an idle timeout) runs the blocking
//! call while a watchdog thread, at the deadline, sends the calling thread a
//! signal whose handler does nothing. That handler is process-wide: the first
//! bounded wait installs it, for `SIGURG` unless the program chose another
//! signal here first, replacing any handler the program had for it. A
//! program that uses `SIGURG` itself (Go's runtime preempts goroutines with
//! it) picks a signal it leaves alone, before its first bounded wait. A
//! caller that blocked the signal (the mask is inherited across `exec`)
//! does not disable bounded waits: the waiting thread unblocks it for the
//! wait, and blocks it again after.
//!
//! ```rust,standalone_crate
//! use nix::libc::{SIGUSR1, SIGUSR2};
//!
//! fifo_core::process::wake::choose_signal(SIGUSR2)?;
//! // Settled for the life of the process now.
//! assert_eq!(fifo_core::process::wake::signal(), SIGUSR2);
//! assert!(fifo_core::process::wake::choose_signal(SIGUSR1).is_err());
//!
//! // A bounded wait now ends by SIGUSR2.
//! use std::time::Duration;
//! use fifo_core::open::{Direction, Wait, open_fifo};
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! let err = open_fifo(&path, Direction::Read, Wait::Timeout(Duration::from_millis(50)));
//! assert!(matches!(err, Err(fifo_core::Error::TimedOut { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use nix::sys::signal::Signal;

use crate::sys::deadline;

/// Why [`choose_signal`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignalRefused {
    /// No such signal, or one no handler can catch (`SIGKILL`, `SIGSTOP`).
    #[error("signal {0} cannot wake a blocked call")]
    Unusable(i32),
    /// A bounded wait, or an earlier choice, already settled on this signal.
    #[error("bounded waits already use signal {0}")]
    AlreadyChosen(i32),
}

/// Makes `signal` (a raw signal number) the one bounded waits use, and
/// installs its do-nothing handler now, replacing the program's handler for
/// it. Choosing the signal already in use succeeds.
///
/// # Errors
/// [`SignalRefused::Unusable`] for a number that is no catchable signal,
/// [`SignalRefused::AlreadyChosen`] once another signal is in use.
pub fn choose_signal(signal: i32) -> Result<(), SignalRefused> {
    let wanted = Signal::try_from(signal)
        .ok()
        .filter(|s| !matches!(s, Signal::SIGKILL | Signal::SIGSTOP))
        .ok_or(SignalRefused::Unusable(signal))?;
    let chosen = deadline::choose(wanted);
    if chosen == wanted {
        Ok(())
    } else {
        Err(SignalRefused::AlreadyChosen(chosen as i32))
    }
}

/// The signal bounded waits use: `SIGURG` (23 on Linux) unless
/// [`choose_signal`] chose another. Asking settles it, as a bounded wait
/// would.
#[must_use]
pub fn signal() -> i32 {
    deadline::install_wake_handler() as i32
}
