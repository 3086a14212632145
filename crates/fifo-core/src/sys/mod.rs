//! The few places that talk to the kernel in ways `nix` cannot make safe or
//! portable: bounded waits, calls relative to a directory descriptor, and
//! Linux-only fast paths with their fallbacks.
#![allow(unsafe_code)]

pub(crate) mod at;
pub(crate) mod deadline;
pub(crate) mod dir_watch;
pub(crate) mod lock;
pub(crate) mod place;
pub(crate) mod startup;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
mod portable;

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use linux::{
    ScratchPipe, borrow_descriptor, bytes_waiting, pipe_size, reopen_path, set_pipe_size, splice,
    tee_pipe,
};
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) use portable::{
    ScratchPipe, borrow_descriptor, bytes_waiting, pipe_size, reopen_path, set_pipe_size, splice,
    tee_pipe,
};
