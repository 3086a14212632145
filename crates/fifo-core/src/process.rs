//! The process around the FIFO work: the signal state a command inherits
//! ([`signals`]), the signal that interrupts a bounded wait ([`wake`]), and
//! threads started as a step that can fail ([`thread`]).

pub mod signals;
pub mod thread;
pub mod wake;
