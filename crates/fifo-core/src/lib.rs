// The crate documentation is its README, whose example `cargo test` compiles.
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod capacity;
pub mod claim;
pub mod copy;
pub mod create;
pub mod descriptor;
pub mod error;
pub mod frame;
pub mod hold;
pub mod inspect;
pub mod kind;
pub mod live;
pub mod merge;
pub mod mode;
pub mod open;
mod opening;
pub mod record;
mod records;
pub mod serve;
mod sys;
pub mod tee;
pub mod wait;

pub use error::{Action, Error, Peer, Result, Subject};
pub use kind::FileKind;

/// The largest write the kernel promises to deliver to a pipe in one piece.
///
/// Writes of at most this many bytes are never interleaved with other
/// writers' data (POSIX `PIPE_BUF`; 4096 on Linux and at least 512 anywhere).
pub const PIPE_BUF: usize = nix::libc::PIPE_BUF;
