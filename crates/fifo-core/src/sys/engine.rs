//! Which engine moves data and looks at processes: Linux's own calls
//! (splice, tee, `/proc`, pidfds, inotify, statx, `F_SETPIPE_SZ`, ...) or
//! the portable path, made of what macOS and the BSDs also have. Elsewhere
//! only the portable path exists; on Linux it can be forced for the whole
//! process, so that the code those systems run is tested here too.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once, before any work, by [`force_portable`].
static FORCED: AtomicBool = AtomicBool::new(false);

/// Turns off every Linux-only call for the rest of the process: splice and
/// tee, `/proc`, pidfds, inotify, `statx`, `O_TMPFILE`, pipe capacities and
/// `poll` on FIFOs. What is left is what runs on macOS and the BSDs. Call
/// it first thing, before other threads start. One `statx` stays: a FIFO's
/// birth time for the framed readers' stash, which macOS and FreeBSD give
/// through `fstat` (without it a later FIFO given a removed one's inode
/// would take up what was left for the removed one).
pub fn force_portable() {
    FORCED.store(true, Ordering::Relaxed);
}

/// Whether Linux's own calls are used: on Linux, unless the portable path
/// was forced.
pub(crate) fn linux() -> bool {
    cfg!(any(target_os = "linux", target_os = "android")) && !FORCED.load(Ordering::Relaxed)
}
