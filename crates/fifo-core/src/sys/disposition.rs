//! Signal dispositions and the signal mask: what the process was given at
//! start, recorded by `startup` before Rust's runtime ignores SIGPIPE, what
//! they are now, and setting one back. Only the standard signals (those nix
//! names) are recorded; fifo never touches the real-time ones.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use nix::libc;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

/// Bit `n` set: signal `n` was ignored (`SIG_IGN`) at start.
static IGNORED_AT_START: AtomicU64 = AtomicU64::new(0);
/// Bit `n` set: signal `n` was blocked at start.
static BLOCKED_AT_START: AtomicU64 = AtomicU64::new(0);
/// Whether the two above were recorded (only where `.init_array` runs).
static RECORDED: AtomicBool = AtomicBool::new(false);

fn bit(signal: Signal) -> u64 {
    1 << (signal as i32)
}

/// Records the dispositions and mask the process was started with. Runs
/// before `main`, single-threaded, needing nothing of Rust's runtime.
#[cfg(all(
    feature = "startup-hook",
    any(target_os = "linux", target_os = "android")
))]
pub(super) fn record_at_start() {
    let mut ignored = 0;
    let mut blocked = 0;
    let mut mask = std::mem::MaybeUninit::<libc::sigset_t>::zeroed();
    // SAFETY: with a null new set, pthread_sigmask only writes the current
    // mask into `mask`, which is large enough for it.
    let have_mask =
        unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), mask.as_mut_ptr()) } == 0;
    for signal in Signal::iterator() {
        if ignored_now(signal) {
            ignored |= bit(signal);
        }
        // SAFETY: `mask` was filled by pthread_sigmask above.
        if have_mask && unsafe { libc::sigismember(mask.as_ptr(), signal as i32) } == 1 {
            blocked |= bit(signal);
        }
    }
    IGNORED_AT_START.store(ignored, Ordering::Relaxed);
    BLOCKED_AT_START.store(blocked, Ordering::Relaxed);
    RECORDED.store(true, Ordering::Relaxed);
}

/// Whether `signal`'s action is `SIG_IGN` now.
pub(crate) fn ignored_now(signal: Signal) -> bool {
    let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: with a null new action, sigaction only writes the current one
    // into `old`, which is large enough for it.
    let got = unsafe { libc::sigaction(signal as i32, std::ptr::null(), old.as_mut_ptr()) };
    // SAFETY: sigaction succeeded, so it filled `old`.
    got == 0 && unsafe { old.assume_init() }.sa_sigaction == libc::SIG_IGN
}

/// Whether `signal` was ignored when the process started. Where that was
/// not recorded, whether it is ignored now; SIGPIPE (which Rust's runtime
/// ignores before `main`) then counts as not ignored.
pub(crate) fn ignored_at_start(signal: Signal) -> bool {
    if RECORDED.load(Ordering::Relaxed) {
        IGNORED_AT_START.load(Ordering::Relaxed) & bit(signal) != 0
    } else {
        signal != Signal::SIGPIPE && ignored_now(signal)
    }
}

/// Whether `signal` was blocked when the process started (where that was
/// not recorded: no).
pub(crate) fn blocked_at_start(signal: Signal) -> bool {
    RECORDED.load(Ordering::Relaxed) && BLOCKED_AT_START.load(Ordering::Relaxed) & bit(signal) != 0
}

/// Sets `signal`'s action to `SIG_IGN` or `SIG_DFL`.
pub(crate) fn set_ignored(signal: Signal, ignored: bool) -> nix::Result<()> {
    let handler = if ignored {
        SigHandler::SigIgn
    } else {
        SigHandler::SigDfl
    };
    let action = SigAction::new(handler, SaFlags::empty(), SigSet::empty());
    // SAFETY: neither SIG_IGN nor SIG_DFL runs code in this process.
    unsafe { sigaction(signal, &action) }.map(drop)
}
