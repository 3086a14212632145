//! Moving bytes: the engines, each from one or more descriptors to one or
//! more others.
//!
//! - [`copy::Copier`]: one input to one output, with `splice(2)` where it
//!   can, a byte or line budget that never takes more from a pipe than it
//!   passes on, and an idle timeout; the place to start.
//! - [`buffer::Buffer`]: a copy through a deep buffer (mbuffer's), an
//!   engine of its own.
//! - [`record`]: whole records in one atomic `write(2)` each; [`write`](mod@write):
//!   a whole buffer.
//! - [`tee`]: one input to many outputs; [`merge`]: many inputs into one,
//!   line by line; [`lossy`]: a tap that drops rather than slows.
//! - [`frame`]: messages in chunks that concurrent writers cannot tear.
//! - [`rate`] and [`progress`]: a rate limit and a meter any engine takes.
//!
//! Every copy engine says how it ended with the types of [`copy`]:
//! [`copy::Limit`], [`copy::Stop`] and [`copy::CopyError`].

pub mod buffer;
pub mod copy;
pub mod frame;
pub mod lossy;
pub mod merge;
pub(crate) mod outcome;
pub mod progress;
pub mod rate;
pub mod record;
pub mod tee;
pub mod write;
