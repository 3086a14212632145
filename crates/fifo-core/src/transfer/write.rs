//! Writing a whole buffer to a descriptor, with an error that says whether
//! the reader of a pipe went away.
//!
//! ```
//! use std::os::fd::AsFd;
//!
//! use fifo_core::transfer::write::write_data;
//!
//! let file = tempfile::tempfile()?;
//! assert_eq!(write_data(file.as_fd(), fifo_core::Subject::path("f"), b"hello")?, 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::IoSlice;
use std::os::fd::BorrowedFd;

use nix::errno::Errno;

use crate::sys::fd::{Fault, write_all, write_all_vectored};
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

/// Writes all of `parts`, one after another, to `dst` (named `subject` in
/// errors) with as few `writev(2)` calls as the system allows, and returns
/// the byte count: many small pieces (messages, separators) cost a call
/// per batch instead of a call each. `parts` is used up.
///
/// # Errors
/// As [`write_data`], with the bytes written before the failure: a caller
/// can tell the pieces that went out whole from those that did not.
pub fn write_data_vectored(
    dst: BorrowedFd<'_>,
    subject: Subject,
    parts: &mut [IoSlice<'_>],
) -> Result<u64, (Error, u64)> {
    let len = parts.iter().map(|part| part.len() as u64).sum();
    write_all_vectored(dst, parts)
        .map_err(|(fault, written)| (write_failed(subject, fault, written), written))?;
    Ok(len)
}

/// The error for a failed write of `subject` after `delivered` bytes.
pub(crate) fn write_failed(subject: Subject, fault: impl Into<Fault>, delivered: u64) -> Error {
    match (fault.into(), &subject) {
        (Fault::Os(Errno::EPIPE), Subject::Path(_)) => Error::ReaderLeft { subject, delivered },
        (fault, _) => Error::sys(subject, Action::Write, fault),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{IoSlice, Read};
    use std::os::fd::AsFd;

    use super::*;

    /// More parts than one `writev(2)` takes, empty ones among them, into a
    /// one-page pipe drained slowly: every byte arrives, in order.
    #[test]
    fn vectored_writes_go_on_where_they_stopped() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let _ = crate::sys::set_pipe_size(w.as_fd(), 4096);
        let pieces: Vec<Vec<u8>> = (0..3000usize)
            .map(|i| vec![(i % 251) as u8; [0, 1, 7, 300][i % 4]])
            .collect();
        let want = pieces.concat();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut src = std::fs::File::from(r);
            let mut buf = [0u8; 1000];
            loop {
                std::thread::sleep(std::time::Duration::from_micros(200));
                match src.read(&mut buf).unwrap() {
                    0 => return got,
                    n => got.extend_from_slice(&buf[..n]),
                }
            }
        });
        let mut parts: Vec<IoSlice<'_>> = pieces.iter().map(|p| IoSlice::new(p)).collect();
        let written = write_data_vectored(w.as_fd(), Subject::Stdout, &mut parts).unwrap();
        assert_eq!(written, want.len() as u64);
        drop(w);
        assert!(reader.join().unwrap() == want, "the bytes differ");
        let mut empty = [IoSlice::new(b""), IoSlice::new(b"")];
        let file = tempfile::tempfile().unwrap();
        assert_eq!(
            write_data_vectored(file.as_fd(), Subject::Stdout, &mut empty).unwrap(),
            0
        );
    }
}
