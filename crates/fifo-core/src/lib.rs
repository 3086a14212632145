//! `fifo-core`: every named-pipe operation the `fifo` toolbox performs.
//!
//! The library creates FIFOs with exact modes, opens them with a bounded wait
//! and checks that what it opened really is a FIFO, and moves bytes with a
//! copy loop that survives `EINTR` and short writes. It never parses
//! arguments, prints or exits: every failure comes back as a typed [`Error`]
//! that names the path, the step and the `errno`.
#![deny(missing_docs)]

pub mod capacity;
pub mod copy;
pub mod create;
pub mod descriptor;
pub mod error;
pub mod frame;
pub mod inspect;
pub mod kind;
pub mod live;
pub mod merge;
pub mod mode;
pub mod open;
pub mod record;
mod sys;
pub mod tee;

pub use error::{Action, Error, Peer, Result, Subject};
pub use kind::FileKind;

/// The largest write the kernel promises to deliver to a pipe in one piece.
///
/// Writes of at most this many bytes are never interleaved with other
/// writers' data (POSIX `PIPE_BUF`; 4096 on Linux and at least 512 anywhere).
pub const PIPE_BUF: usize = nix::libc::PIPE_BUF;
