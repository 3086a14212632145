//! A counted read that hands its records on before it consumes them: the
//! bytes are looked at first (peeked from a pipe, read from a file), written
//! out, and only then taken from the source, as many as went out. A full
//! or closed output then leaves the records it could not take where they
//! were, for the next reader, instead of losing them in between.

use std::os::fd::BorrowedFd;

use nix::errno::Errno;
use nix::unistd::{Whence, lseek};

use super::{Boundary, Counted, CountedReader, Partial, read_into};
use crate::sys::fd::{Fault, retry_on_eintr, write_all};

/// Why a [`CountedReader::pass`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Passing {
    /// Looking at or taking from the source failed.
    Source(Errno),
    /// Writing failed after this many bytes of the pass went out; only
    /// those were taken from the source (see [`CountedReader::pass`]).
    Destination(Fault, u64),
    /// What was taken after the write differed from what was peeked and
    /// written: a reader that ignores the lock took bytes in between. What
    /// was taken was written out too (this many bytes in all).
    Vanished(u64),
}

impl CountedReader {
    /// Moves at most `left` records of `src` to `dst` through `buf`, taking
    /// from `src` only what `dst` accepted: a pipe is peeked, the records
    /// written, and then as many bytes read as went out (after a failed
    /// write, as many whole records); a seekable file is read and given
    /// back what was not written.
    ///
    /// A source that cannot be peeked (the portable engine, a device) must
    /// be read before its bytes can be written. There the output is first
    /// tried with an empty write, which a full or closed one refuses before
    /// a byte is taken; a write that fails after that loses what this one
    /// read took (at most one byte on a line budget).
    pub(crate) fn pass(
        &mut self,
        src: BorrowedFd<'_>,
        dst: BorrowedFd<'_>,
        seekable: bool,
        buf: &mut [u8],
        boundary: Boundary,
        left: u64,
    ) -> Result<Counted, Passing> {
        if seekable {
            let n = read_into(src, buf).map_err(Passing::Source)?;
            let len = boundary.cut(&buf[..n], left).unwrap_or(n);
            let written = write_all(dst, &buf[..len]);
            let kept = n - written.map_or_else(|(_, w)| usize::try_from(w).unwrap_or(0), |()| len);
            if kept > 0 {
                let back = i64::try_from(kept).unwrap_or(i64::MAX);
                lseek(src, -back, Whence::SeekCur).map_err(Passing::Source)?;
            }
            return finish(written, n == 0, boundary, &buf[..len]);
        }
        match self.peek_cut(src, buf, boundary, left, Partial::Take) {
            Some(Ok(Some(0))) => Ok(Counted::EndOfFile),
            Some(Ok(Some(want))) => {
                let written = write_all(dst, &buf[..want]);
                // After a failed write, whole records only: the next reader
                // gets the one it failed in again, whole, not its rest.
                let out = written.map_or_else(
                    |(_, w)| boundary.whole(&buf[..usize::try_from(w).unwrap_or(0)]),
                    |()| want,
                );
                self.take(src, dst, &buf[..out])?;
                finish(written, false, boundary, &buf[..want])
            }
            Some(Ok(None)) => Ok(Counted::Unfinished),
            Some(Err(errno)) => Err(Passing::Source(errno)),
            None => {
                // An empty write reaches the device (a full one says
                // ENOSPC) without moving anything.
                retry_on_eintr(|| nix::unistd::write(dst, &[]))
                    .map_err(|errno| Passing::Destination(Fault::Os(errno), 0))?;
                let want = match boundary {
                    Boundary::Byte => buf.len().min(usize::try_from(left).unwrap_or(usize::MAX)),
                    Boundary::Separator(_) => 1,
                };
                let n = read_into(src, &mut buf[..want]).map_err(Passing::Source)?;
                finish(write_all(dst, &buf[..n]), n == 0, boundary, &buf[..n])
            }
        }
    }
}

impl CountedReader {
    /// Takes from `src` the `written` bytes a peek saw and the pass wrote
    /// out: the lock keeps other counted readers away, so they are there.
    /// Should a reader that ignores the lock have taken some in between,
    /// what this read takes instead is written out too, never discarded.
    fn take(
        &mut self,
        src: BorrowedFd<'_>,
        dst: BorrowedFd<'_>,
        written: &[u8],
    ) -> Result<(), Passing> {
        self.taken.resize(written.len(), 0);
        let mut got = 0;
        while got < written.len() {
            match read_into(src, &mut self.taken[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(errno) => return Err(Passing::Source(errno)),
            }
        }
        if self.taken[..got] == *written {
            return Ok(());
        }
        write_all(dst, &self.taken[..got])
            .map_err(|(fault, w)| Passing::Destination(fault, written.len() as u64 + w))?;
        Err(Passing::Vanished((written.len() + got) as u64))
    }
}

/// The outcome of a pass that wrote `data` (`written`).
fn finish(
    written: Result<(), (Fault, u64)>,
    end: bool,
    boundary: Boundary,
    data: &[u8],
) -> Result<Counted, Passing> {
    written.map_err(|(fault, w)| Passing::Destination(fault, w))?;
    Ok(if end {
        Counted::EndOfFile
    } else {
        Counted::Read {
            len: data.len(),
            records: boundary.count(data),
        }
    })
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, Write};
    use std::os::fd::AsFd;

    use super::*;

    const LINE: Boundary = Boundary::Separator(b'\n');

    fn full() -> std::fs::File {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    }

    fn rest(r: &std::os::fd::OwnedFd) -> Vec<u8> {
        let mut buf = [0u8; 64];
        let n = nix::unistd::read(r, &mut buf).unwrap();
        buf[..n].to_vec()
    }

    #[test]
    fn a_full_output_takes_nothing_from_a_pipe_on_either_engine() {
        for boundary in [LINE, Boundary::Byte] {
            for mut reader in [CountedReader::default(), CountedReader::portable()] {
                let (r, w) = nix::unistd::pipe().unwrap();
                write_all(w.as_fd(), b"one\ntwo\n").unwrap();
                let mut buf = vec![0; 4096];
                let got = reader.pass(r.as_fd(), full().as_fd(), false, &mut buf, boundary, 2);
                assert_eq!(got, Err(Passing::Destination(Fault::Os(Errno::ENOSPC), 0)));
                drop(w);
                assert_eq!(rest(&r), b"one\ntwo\n");
            }
        }
    }

    #[test]
    fn a_closed_reader_takes_only_what_went_out() {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), b"one\ntwo\n").unwrap();
        let (out_r, out_w) = nix::unistd::pipe().unwrap();
        drop(out_r);
        let mut buf = vec![0; 4096];
        // Rust programs start with SIGPIPE ignored: the write says EPIPE.
        let got = CountedReader::default().pass(r.as_fd(), out_w.as_fd(), false, &mut buf, LINE, 1);
        assert_eq!(got, Err(Passing::Destination(Fault::Os(Errno::EPIPE), 0)));
        drop(w);
        assert_eq!(rest(&r), b"one\ntwo\n");
    }

    #[test]
    fn a_write_that_fails_mid_line_takes_only_whole_lines() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let long = [&[b'b'; 5000][..], b"\n"].concat();
        write_all(w.as_fd(), &[&b"one\n"[..], &long].concat()).unwrap();
        // A one-page pipe nobody reads: the write stops after a page, in
        // the second line.
        let (out_r, out_w) = nix::unistd::pipe().unwrap();
        crate::sys::set_pipe_size(out_w.as_fd(), 4096).unwrap();
        crate::sys::fd::set_nonblocking(out_w.as_fd(), true).unwrap();
        let mut buf = vec![0; 8192];
        let got = CountedReader::default().pass(r.as_fd(), out_w.as_fd(), false, &mut buf, LINE, 2);
        assert_eq!(
            got,
            Err(Passing::Destination(Fault::Os(Errno::EAGAIN), 4096))
        );
        drop((w, out_r));
        let mut left = Vec::new();
        std::io::Read::read_to_end(&mut std::fs::File::from(r), &mut left).unwrap();
        assert_eq!(left, long);
    }

    #[test]
    fn bytes_another_reader_took_between_peek_and_take_are_not_discarded() {
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), b"one\ntwo\n").unwrap();
        let (out_r, out_w) = nix::unistd::pipe().unwrap();
        let mut reader = CountedReader::default();
        let mut buf = vec![0; 4096];
        // As if the peek saw "one\n" but a lock-ignoring reader took it.
        let mut stolen = [0u8; 4];
        nix::unistd::read(&r, &mut stolen).unwrap();
        let got = reader.take(r.as_fd(), out_w.as_fd(), b"one\n");
        assert_eq!(got, Err(Passing::Vanished(8)));
        drop(out_w);
        let n = nix::unistd::read(&out_r, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"two\n");
    }

    #[test]
    fn a_file_is_given_back_what_was_not_written() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"a\nb\nc\n").unwrap();
        file.rewind().unwrap();
        let mut buf = vec![0; 4096];
        let got =
            CountedReader::default().pass(file.as_fd(), full().as_fd(), true, &mut buf, LINE, 1);
        assert_eq!(got, Err(Passing::Destination(Fault::Os(Errno::ENOSPC), 0)));
        assert_eq!(file.stream_position().unwrap(), 0);
    }
}
