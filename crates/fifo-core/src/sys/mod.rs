//! The few places that talk to the kernel in ways `nix` cannot make safe or
//! portable: bounded waits, calls relative to a directory descriptor, and
//! Linux-only fast paths with their fallbacks.
#![allow(unsafe_code)]

pub(crate) mod at;
pub(crate) mod clock;
pub(crate) mod deadline;
pub(crate) mod dir_watch;
pub(crate) mod fd;
pub(crate) mod lock;
mod peer;
pub(crate) mod place;
pub(crate) mod startup;

pub(crate) use peer::peer_uid;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
mod portable;

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use linux::{
    ScratchPipe, birth_time, birth_time_of, borrow_descriptor, bytes_waiting, open_call,
    open_unnamed_in, pidfd_open, pidfd_signal, pipe_size, punch_hole, reopen_path, set_pipe_size,
    splice, tee_pipe, wait_ended_unreaped,
};
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) use portable::{
    ScratchPipe, birth_time, birth_time_of, borrow_descriptor, bytes_waiting, open_call,
    open_unnamed_in, pidfd_open, pidfd_signal, pipe_size, punch_hole, reopen_path, set_pipe_size,
    splice, tee_pipe, wait_ended_unreaped,
};

/// The largest pipe capacity Linux grants whatever the privileges
/// (`round_pipe_size` in fs/pipe.c): 2^31 bytes.
pub(crate) const MAX_PIPE_SIZE: usize = 1 << 31;

/// The system calls that open a path, as a blocked task reports them in
/// `/proc/PID/task/TID/syscall`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenCall {
    /// `open(path, flags, mode)`.
    Open,
    /// `openat(dirfd, path, flags, mode)`.
    OpenAt,
    /// `openat2(dirfd, path, how, size)`: the flags are in `*how`.
    OpenAt2,
}
