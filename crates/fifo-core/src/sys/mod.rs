//! The few places that talk to the kernel in ways `nix` cannot make safe or
//! portable: bounded waits, and Linux-only fast paths with their fallbacks.
#![allow(unsafe_code)]

pub(crate) mod deadline;
pub(crate) mod place;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
mod portable;

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use linux::peek;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) use portable::peek;
