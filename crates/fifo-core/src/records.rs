//! Counted reads: at most N records from a source, never consuming a byte
//! that is not returned, so that what a counted reader leaves stays for the
//! next reader. Every counted reader (a byte or line budget, a merge with a
//! line budget) reads through [`CountedReader`].
//!
//! How a record ends is a [`Boundary`]. How a read avoids overshooting the
//! last wanted record depends on the source: a pipe is peeked first (Linux
//! tee(2) into a [`ScratchPipe`](crate::sys::ScratchPipe)) and then exactly
//! the wanted prefix is read; a seekable file is read in bulk and the surplus
//! given back with `lseek`; any other source is read one byte at a time.
//!
//! A peek and the read after it must see the same bytes, so readers of one
//! FIFO serialize on [`lock_pipe`]: an exclusive flock(2) on its open file,
//! held for the whole counted read. Whatever a read returns is returned,
//! never discarded; only a reader that ignores the lock could make it differ
//! from the peek.

mod pass;

use std::os::fd::BorrowedFd;

use nix::sys::stat::fstat;
use nix::unistd::{Whence, lseek};

use crate::FileKind;
use crate::sys::fd::retry_on_eintr;
use crate::sys::lock::{LockWait, NotLocked, ReadLock, lock};
use crate::sys::{self, ScratchPipe};

pub(crate) use pass::Passing;

/// How a record ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Boundary {
    /// Every byte is a record (a byte budget).
    Byte,
    /// A record ends with this byte (`b'\n'`: lines).
    Separator(u8),
}

impl Boundary {
    /// The length of the prefix of `data` that ends with its `n`-th record,
    /// or `None` when it holds fewer.
    pub(crate) fn cut(self, data: &[u8], n: u64) -> Option<usize> {
        let nth = usize::try_from(n).ok()?.checked_sub(1)?;
        match self {
            Self::Byte => (nth < data.len()).then_some(nth + 1),
            Self::Separator(sep) => memchr::memchr_iter(sep, data).nth(nth).map(|at| at + 1),
        }
    }

    /// How many records `data` completes.
    pub(crate) fn count(self, data: &[u8]) -> u64 {
        match self {
            Self::Byte => data.len() as u64,
            Self::Separator(sep) => memchr::memchr_iter(sep, data).count() as u64,
        }
    }

    /// The length of the prefix of `data` that holds only complete records.
    pub(crate) fn whole(self, data: &[u8]) -> usize {
        match self {
            Self::Byte => data.len(),
            Self::Separator(sep) => memchr::memrchr(sep, data).map_or(0, |at| at + 1),
        }
    }
}

/// What a counted read may do with a record whose end has not arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Partial {
    /// Read it: the caller passes records on as a stream.
    Take,
    /// Leave it in the source unless it cannot be helped: the peek sees no
    /// end although it is as long as anything can see, or the source cannot
    /// be peeked at all (one byte is read).
    Leave,
}

/// The outcome of one counted read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counted {
    /// `len` bytes were read into the buffer; `records` records end in them.
    Read {
        /// Bytes read.
        len: usize,
        /// Records completed by them.
        records: u64,
    },
    /// The source is at end of file.
    EndOfFile,
    /// With [`Partial::Leave`]: only an unfinished record is waiting, and
    /// nothing was read.
    Unfinished,
}

/// Reads at most N records, never consuming more than it returns.
#[derive(Debug, Default)]
pub(crate) struct CountedReader {
    scratch: ScratchPipe,
    /// Never peek: the portable path every other system takes.
    portable: bool,
    /// What a pass took from its source after writing it out (see
    /// [`CountedReader::pass`]).
    taken: Vec<u8>,
}

impl CountedReader {
    /// A reader that never peeks, reading a pipe one byte at a time.
    pub(crate) fn portable() -> Self {
        Self {
            portable: true,
            ..Self::default()
        }
    }

    /// Reads into `buf` at most `left` records of `src` (`left` > 0), and
    /// never a byte beyond them: see the module documentation for how.
    /// `seekable` says whether `src` can give bytes back with `lseek`.
    ///
    /// # Errors
    /// The `errno` of a failed peek or read (`EAGAIN` from a non-blocking
    /// source with nothing waiting).
    pub(crate) fn read(
        &mut self,
        src: BorrowedFd<'_>,
        seekable: bool,
        buf: &mut [u8],
        boundary: Boundary,
        left: u64,
        partial: Partial,
    ) -> nix::Result<Counted> {
        let want = if boundary == Boundary::Byte {
            // A read of at most `left` bytes cannot overshoot.
            buf.len().min(usize::try_from(left).unwrap_or(usize::MAX))
        } else if seekable {
            return Self::read_and_give_back(src, buf, boundary, left);
        } else {
            match self.peek_cut(src, buf, boundary, left, partial) {
                Some(Ok(Some(0))) => return Ok(Counted::EndOfFile),
                Some(Ok(Some(want))) => want,
                Some(Ok(None)) => return Ok(Counted::Unfinished),
                Some(Err(errno)) => return Err(errno),
                // No way to look ahead: one byte at a time is the only read
                // that cannot overshoot the last wanted record end.
                None => 1,
            }
        };
        let len = read_into(src, &mut buf[..want])?;
        if len == 0 {
            return Ok(Counted::EndOfFile);
        }
        let records = boundary.count(&buf[..len]);
        Ok(Counted::Read { len, records })
    }

    /// Peeks at `src` and says how much may be read: `Some(0)` at end of
    /// file, `None` when only an unfinished record waits and `partial` says
    /// to leave it. `None` outside: `src` cannot be peeked.
    fn peek_cut(
        &mut self,
        src: BorrowedFd<'_>,
        buf: &mut [u8],
        boundary: Boundary,
        left: u64,
        partial: Partial,
    ) -> Option<nix::Result<Option<usize>>> {
        if self.portable {
            return None;
        }
        let peeked = match self.scratch.peek(src, buf)? {
            Ok(peeked) => peeked,
            Err(errno) => return Some(Err(errno)),
        };
        let data = &buf[..peeked];
        if peeked == 0 {
            return Some(Ok(Some(0)));
        }
        if let Some(cut) = boundary.cut(data, left) {
            return Some(Ok(Some(cut)));
        }
        let whole = boundary.whole(data);
        Some(Ok(match partial {
            Partial::Take => Some(peeked),
            Partial::Leave if whole > 0 => Some(whole),
            Partial::Leave if saw_all_it_could(src, peeked, buf.len()) => Some(peeked),
            Partial::Leave => None,
        }))
    }

    /// A seekable source: read in bulk, keep up to the `left`-th record, and
    /// seek back over the rest so the next reader starts there.
    fn read_and_give_back(
        src: BorrowedFd<'_>,
        buf: &mut [u8],
        boundary: Boundary,
        left: u64,
    ) -> nix::Result<Counted> {
        let n = read_into(src, buf)?;
        if n == 0 {
            return Ok(Counted::EndOfFile);
        }
        let len = boundary.cut(&buf[..n], left).unwrap_or(n);
        if len < n {
            let back = i64::try_from(n - len).unwrap_or(i64::MAX);
            lseek(src, -back, Whence::SeekCur)?;
        }
        let records = boundary.count(&buf[..len]);
        Ok(Counted::Read { len, records })
    }
}

/// Whether a peek of `peeked` bytes into a buffer of `room` saw no record end
/// only because it could not see further: the buffer is full, more is
/// waiting than the scratch pipe took, or the source pipe itself is full
/// (its writer waits for a reader, so leaving it would stall both).
fn saw_all_it_could(src: BorrowedFd<'_>, peeked: usize, room: usize) -> bool {
    if peeked >= room {
        return true;
    }
    let waiting = sys::bytes_waiting(src).unwrap_or(peeked);
    waiting > peeked || sys::pipe_size(src).is_ok_and(|capacity| waiting >= capacity)
}

fn read_into(src: BorrowedFd<'_>, buf: &mut [u8]) -> nix::Result<usize> {
    retry_on_eintr(|| nix::unistd::read(src, buf))
}

/// Takes the counted readers' lock on `src` when it is a pipe or FIFO
/// (anything else needs none), waiting as `wait` allows. `Ok(None)`: no lock
/// is needed, or the file system cannot lock it.
///
/// # Errors
/// [`NotLocked::Busy`] when `wait` ran out, else the failure.
pub(crate) fn lock_pipe(
    src: BorrowedFd<'_>,
    wait: LockWait,
) -> Result<Option<ReadLock>, NotLocked> {
    let is_pipe = FileKind::of(&fstat(src).map_err(NotLocked::Failed)?) == FileKind::Fifo;
    if !is_pipe {
        return Ok(None);
    }
    match lock(src, wait) {
        Ok(held) => Ok(Some(held)),
        Err(NotLocked::Unsupported) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Whether `src` can give bytes back with `lseek` (a regular file).
pub(crate) fn seekable(src: BorrowedFd<'_>) -> bool {
    lseek(src, 0, Whence::SeekCur).is_ok()
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, Write};
    use std::os::fd::AsFd;

    use super::*;
    use crate::sys::fd::write_all;

    const LINE: Boundary = Boundary::Separator(b'\n');

    fn readers() -> [CountedReader; 2] {
        [CountedReader::default(), CountedReader::portable()]
    }

    /// Reads everything `Leave` allows, one read at a time, until the reader
    /// says only an unfinished record waits or `left` is spent.
    fn read_lines(reader: &mut CountedReader, fd: BorrowedFd<'_>, mut left: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = vec![0; 4096];
        while left > 0 {
            match reader.read(fd, false, &mut buf, LINE, left, Partial::Take) {
                Ok(Counted::Read { len, records }) => {
                    out.extend_from_slice(&buf[..len]);
                    left -= records;
                }
                _ => break,
            }
        }
        out
    }

    #[test]
    fn line_budgets_leave_the_rest_on_both_paths() {
        for mut reader in readers() {
            let (r, w) = nix::unistd::pipe().unwrap();
            write_all(w.as_fd(), b"one\ntwo\nthree").unwrap();
            assert_eq!(read_lines(&mut reader, r.as_fd(), 2), b"one\ntwo\n");
            drop(w);
            let mut rest = [0u8; 16];
            let n = nix::unistd::read(&r, &mut rest).unwrap();
            assert_eq!(&rest[..n], b"three");
        }
    }

    #[test]
    fn leave_keeps_an_unfinished_line_in_the_pipe() {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), b"abc").unwrap();
        let mut buf = vec![0; 4096];
        let got = CountedReader::default()
            .read(r.as_fd(), false, &mut buf, LINE, 1, Partial::Leave)
            .unwrap();
        assert_eq!(got, Counted::Unfinished);
        write_all(w.as_fd(), b"\nd\n").unwrap();
        let got = CountedReader::default()
            .read(r.as_fd(), false, &mut buf, LINE, 5, Partial::Leave)
            .unwrap();
        assert_eq!(got, Counted::Read { len: 6, records: 2 });
    }

    #[test]
    fn leave_takes_a_line_longer_than_anything_can_see() {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), &[b'x'; 100]).unwrap();
        let mut buf = vec![0; 64];
        let got = CountedReader::default()
            .read(r.as_fd(), false, &mut buf, LINE, 1, Partial::Leave)
            .unwrap();
        assert_eq!(
            got,
            Counted::Read {
                len: 64,
                records: 0
            }
        );
    }

    #[test]
    fn a_file_gets_back_what_was_read_beyond_the_budget() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"a\nb\nc\n").unwrap();
        file.rewind().unwrap();
        let mut buf = vec![0; 4096];
        let got = CountedReader::default()
            .read(file.as_fd(), true, &mut buf, LINE, 1, Partial::Leave)
            .unwrap();
        assert_eq!(got, Counted::Read { len: 2, records: 1 });
        assert_eq!(file.stream_position().unwrap(), 2);
    }

    #[test]
    fn bytes_never_overshoot() {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), b"hello world").unwrap();
        let mut buf = vec![0; 4096];
        let got = CountedReader::portable()
            .read(r.as_fd(), false, &mut buf, Boundary::Byte, 5, Partial::Take)
            .unwrap();
        assert_eq!(got, Counted::Read { len: 5, records: 5 });
    }

    #[test]
    fn boundaries_cut_count_and_keep_whole_records() {
        assert_eq!(LINE.cut(b"a\nb\nc", 2), Some(4));
        assert_eq!(LINE.cut(b"a\nb", 2), None);
        assert_eq!(LINE.cut(b"a\n", 0), None);
        assert_eq!(LINE.count(b"a\nb\nc"), 2);
        assert_eq!(LINE.whole(b"a\nb\nc"), 4);
        assert_eq!(LINE.whole(b"abc"), 0);
        assert_eq!(Boundary::Byte.cut(b"abc", 2), Some(2));
        assert_eq!(Boundary::Byte.cut(b"abc", 4), None);
    }
}
