//! Reading a FIFO across its writers (`cat -k`) with read permission only.
//!
//! When a FIFO's writers have all left, its reader sees end of file, and a
//! wait on its descriptor reports the hang-up at once from then on. Holding
//! a write end of our own would hide the end of file, but needs write
//! permission, which a reader of someone else's FIFO may lack. Instead the
//! reader opens the FIFO again for reading (without waiting) before it
//! closes the old descriptor: the pipe never lacks a reader, so nothing a
//! writer put in it is lost, and the new descriptor does not report the old
//! hang-up (Linux remembers, per open, the writers seen so far), so a wait
//! on it lasts until the next writer writes or leaves.
//!
//! ```
//! use std::time::Duration;
//!
//! use fifo_core::open::keep::next_writer;
//! use fifo_core::open::{Direction, Wait, open_fifo};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! let reader = open_fifo(&path, Direction::Read, Wait::No)?;
//! // A writer comes and goes before the reader has read a byte.
//! std::fs::write(&path, "one\n")?;
//! let reader = next_writer(&reader, Some(Duration::from_secs(5)), None)?.unwrap();
//! let text = std::io::read_to_string(std::fs::File::from(reader.into_fd()))?;
//! assert_eq!(text, "one\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::BorrowedFd;
use std::path::Path;
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::stat::fstat;

use crate::open::{Direction, Opened, Wait, open};
use crate::sys::fd::retry_on_eintr;
use crate::transfer::copy::Stop;
use crate::{Action, Error, Result, Subject};

/// Opens the FIFO at `path`, which `fd` reads, again for reading without
/// waiting; the caller closes `fd` only after this returns. The path must
/// still name the same FIFO.
///
/// # Errors
/// [`Error::Sys`] when the open fails, [`Error::Replaced`] when `path`
/// names another FIFO now, [`Error::NotAFifo`] when something else.
pub fn read_again(path: &Path, fd: BorrowedFd<'_>) -> Result<Opened> {
    let opened = open(path, Direction::Read, Wait::No)?;
    let same = |fd: BorrowedFd<'_>| fstat(fd).map(|st| (st.st_dev, st.st_ino));
    if same(opened.fd()).ok() != same(fd).ok() {
        // Something else is refused as such; another FIFO is not the one
        // this reader was reading.
        let opened = opened.expect_fifo()?;
        return Err(Error::Replaced {
            subject: Subject::path(opened.path()),
            made: false,
        });
    }
    Ok(opened)
}

/// The writers of the FIFO `reader` reads have all left: opens it again
/// ([`read_again`]) and waits until a later writer has written or left.
/// Returns the new reader (drop the old one then), or why the wait ended
/// first: `idle` passed ([`Stop::Idle`]) or `interrupt` became readable
/// ([`Stop::Interrupted`]).
///
/// # Errors
/// As [`read_again`], or [`Error::Sys`] when the wait fails.
pub fn next_writer(
    reader: &Opened,
    idle: Option<Duration>,
    interrupt: Option<BorrowedFd<'_>>,
) -> Result<std::result::Result<Opened, Stop>> {
    let again = read_again(reader.path(), reader.fd())?;
    match wait_readable(again.fd(), idle, interrupt) {
        Ok(None) => Ok(Ok(again)),
        Ok(Some(stop)) => Ok(Err(stop)),
        Err(errno) => Err(Error::sys(
            Subject::path(reader.path()),
            Action::Read,
            errno,
        )),
    }
}

/// Waits until `src` has data or end of file; `Some` when the wait ended
/// first: after `idle` ([`Stop::Idle`]), or because `interrupt` became
/// readable ([`Stop::Interrupted`]).
pub(crate) fn wait_readable(
    src: BorrowedFd<'_>,
    idle: Option<Duration>,
    interrupt: Option<BorrowedFd<'_>>,
) -> nix::Result<Option<Stop>> {
    let timeout = idle.map_or(PollTimeout::NONE, |idle| {
        PollTimeout::try_from(idle).unwrap_or(PollTimeout::MAX)
    });
    let mut fds = vec![PollFd::new(src, PollFlags::POLLIN)];
    if let Some(interrupt) = interrupt {
        fds.push(PollFd::new(interrupt, PollFlags::POLLIN));
    }
    let ready = retry_on_eintr(|| poll(&mut fds, timeout))?;
    let told = fds
        .get(1)
        .and_then(PollFd::revents)
        .is_some_and(|events| !events.is_empty());
    Ok(if told {
        Some(Stop::Interrupted)
    } else if ready == 0 {
        Some(Stop::Idle)
    } else {
        None
    })
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;

    use super::*;
    use crate::create::{IfExists, PRIVATE_MODE, make_fifo};
    use crate::open::open_fifo;

    fn read_all(fd: BorrowedFd<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            match nix::unistd::read(fd, &mut buf).unwrap() {
                0 => return out,
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[test]
    fn writers_in_turn_lose_nothing_and_a_quiet_fifo_is_idle() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
        let mut reader = open_fifo(&path, Direction::Read, Wait::No).unwrap();
        let idle = Some(Duration::from_millis(50));
        assert_eq!(
            next_writer(&reader, idle, None).unwrap().unwrap_err(),
            Stop::Idle
        );
        let mut got = Vec::new();
        for word in ["one ", "two ", "three"] {
            // The writer comes and goes while the old reader still holds
            // the pipe: its bytes wait there for the new one.
            std::fs::write(&path, word).unwrap();
            reader = next_writer(&reader, None, None).unwrap().unwrap();
            got.extend(read_all(reader.fd()));
        }
        assert_eq!(got, b"one two three");
        let (told, tell) = nix::unistd::pipe().unwrap();
        nix::unistd::write(&tell, b"x").unwrap();
        let stop = next_writer(&reader, None, Some(told.as_fd())).unwrap();
        assert_eq!(stop.unwrap_err(), Stop::Interrupted);
    }

    #[test]
    fn another_fifo_in_its_place_is_replaced_and_a_file_is_not_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
        let first = open(&path, Direction::Read, Wait::No).unwrap();
        std::fs::remove_file(&path).unwrap();
        make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
        let err = read_again(&path, first.fd()).unwrap_err();
        assert!(
            matches!(err, Error::Replaced { made: false, .. }),
            "{err:?}"
        );
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "x").unwrap();
        let err = read_again(&path, first.fd()).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotAFifo {
                    found: crate::FileKind::Regular,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
