//! Which standard descriptors were closed when the process started. Rust's
//! runtime reopens a closed 0, 1 or 2 on `/dev/null` before `main` (std's
//! `sanitize_standard_fds`), which hides a `>&-` or `<&-` from everything
//! after it; a function in `.init_array` runs earlier and can still see it.
//! (std does the same to read `argv` on Linux.) Elsewhere nothing is
//! recorded and [`closed_at_start`] does not know. The same function records
//! the signal dispositions and mask the process inherited (see
//! `disposition`): the runtime ignores SIGPIPE before `main` too.
//!
//! The function is linked in only with the `startup-hook` feature, which a
//! program turns on for itself: a library must not run code in every
//! program that links it. Without it nothing is recorded, as elsewhere.

use std::sync::atomic::{AtomicU8, Ordering};

use nix::libc::c_int;
#[cfg(all(
    feature = "startup-hook",
    any(target_os = "linux", target_os = "android")
))]
use nix::{
    errno::Errno,
    libc::{F_GETFD, c_char, fcntl},
};

/// Bit `n` set: descriptor `n` was closed at start. Written once, before
/// `main`, by [`record`].
static CLOSED_AT_START: AtomicU8 = AtomicU8::new(0);

/// Bit 7 set: the record was made (every Linux libc runs `.init_array`).
const RECORDED: u8 = 1 << 7;

/// Called by the dynamic loader (or libc's startup code for a static
/// binary) with the process's arguments, before Rust's runtime starts.
// SAFETY: `.init_array` holds pointers to functions the loader calls as
// `void f(int, char **, char **)`, which is `record`'s signature and ABI;
// `record` needs nothing of the Rust runtime (fcntl, sigaction and
// pthread_sigmask calls, errno, atomic stores).
#[cfg(all(
    feature = "startup-hook",
    any(target_os = "linux", target_os = "android")
))]
#[used]
#[unsafe(link_section = ".init_array")]
static RECORD: extern "C" fn(c_int, *const *const c_char, *const *const c_char) = record;

#[cfg(all(
    feature = "startup-hook",
    any(target_os = "linux", target_os = "android")
))]
extern "C" fn record(_: c_int, _: *const *const c_char, _: *const *const c_char) {
    let mut closed = RECORDED;
    for fd in 0..3 {
        // SAFETY: F_GETFD only reads the descriptor's flags; on a number
        // that is not open it fails with EBADF and changes nothing.
        let flags = unsafe { fcntl(fd, F_GETFD) };
        if flags == -1 && Errno::last() == Errno::EBADF {
            closed |= 1 << fd;
        }
    }
    CLOSED_AT_START.store(closed, Ordering::Relaxed);
    super::disposition::record_at_start();
}

/// Whether standard descriptor `fd` (0, 1 or 2) was closed when the
/// process started; `None` if that was not recorded.
pub(crate) fn closed_at_start(fd: c_int) -> Option<bool> {
    if !super::engine::linux() {
        return None;
    }
    let closed = CLOSED_AT_START.load(Ordering::Relaxed);
    if closed & RECORDED == 0 || !(0..3).contains(&fd) {
        return None;
    }
    Some(closed & (1 << fd) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        not(all(
            feature = "startup-hook",
            any(target_os = "linux", target_os = "android")
        )),
        ignore = "recorded only with the startup-hook feature, where .init_array runs"
    )]
    fn the_record_is_made_before_main() {
        // The scenarios (closed_io.sh) prove what it says for `>&-`;
        // here: that the linker kept the hook and it ran.
        for fd in 0..3 {
            assert!(closed_at_start(fd).is_some(), "descriptor {fd}");
        }
        assert_eq!(closed_at_start(3), None);
    }
}
