//! Writing a whole buffer to a descriptor, with an error that says whether
//! the reader of a pipe went away.
//!
//! ```
//! use std::os::fd::AsFd;
//!
//! use fifo_core::write::write_data;
//!
//! let file = tempfile::tempfile()?;
//! assert_eq!(write_data(file.as_fd(), fifo_core::Subject::path("f"), b"hello")?, 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::BorrowedFd;

use nix::errno::Errno;

use crate::sys::fd::{Fault, write_all};
use crate::{Action, Error, Subject};

/// Writes all of `data` to `dst` (named `subject` in errors) and returns the
/// byte count.
///
/// # Errors
/// [`Error::ReaderLeft`] with the count delivered when a pipe's reader left,
/// else [`Error::Sys`].
pub fn write_data(dst: BorrowedFd<'_>, subject: Subject, data: &[u8]) -> Result<u64, Error> {
    write_all(dst, data).map_err(|(fault, written)| write_failed(subject, fault, written))?;
    Ok(data.len() as u64)
}

/// The error for a failed write of `subject` after `delivered` bytes.
pub(crate) fn write_failed(subject: Subject, fault: impl Into<Fault>, delivered: u64) -> Error {
    match (fault.into(), &subject) {
        (Fault::Os(Errno::EPIPE), Subject::Path(_)) => Error::ReaderLeft { subject, delivered },
        (fault, _) => Error::sys(subject, Action::Write, fault),
    }
}
