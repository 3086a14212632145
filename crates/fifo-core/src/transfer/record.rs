//! Records: every record reaches the pipe whole, inside one `write(2)` of at
//! most the pipe's `PIPE_BUF` bytes (4096 on Linux, 512 on macOS and the
//! BSDs, asked of the FIFO at hand), so concurrent senders never interleave
//! inside a record.
//!
//! Several whole records may share a write, but a record that has arrived is
//! written at once, never held back waiting for more.
//!
//! ```
//! use fifo_core::open::{Direction, Wait, open_fifo};
//! use fifo_core::transfer::record::RecordWriter;
//! use fifo_core::Subject;
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("jobs");
//! # fifo_core::create::make_fifo(&path, 0o600, fifo_core::create::IfExists::Fail)?;
//! let fifo = open_fifo(&path, Direction::ReadWrite, Wait::No)?;
//! let mut writer = RecordWriter::new(fifo.fd(), Subject::path(&path), b'\n');
//! // Each line goes out in one write(2), whole, however the data arrives.
//! writer.push(b"job 1\njo")?;
//! writer.push(b"b 2\n")?;
//! assert_eq!(writer.finish()?, 12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::BorrowedFd;

use crate::sys::fd::retry_on_eintr;
use crate::sys::fd::write_all;
use crate::transfer::progress::Progress;
use crate::transfer::write::write_failed;
use crate::{Action, Error, Result, Subject};

const READ_SIZE: usize = 64 * 1024;

/// Frames a byte stream into records and writes each one atomically.
#[derive(Debug)]
pub struct RecordWriter<'fd> {
    dst: BorrowedFd<'fd>,
    subject: Subject,
    /// What [`send_records`] reads, for its errors.
    source: Subject,
    separator: u8,
    /// The longest write `dst` keeps whole: its `PIPE_BUF`.
    limit: usize,
    /// The start of a record whose separator has not arrived yet.
    pending: Vec<u8>,
    /// Records written so far, to number the one that is too long.
    records: u64,
    delivered: u64,
    progress: Option<Progress>,
}

impl<'fd> RecordWriter<'fd> {
    /// A writer of `separator`-terminated records to the FIFO `dst`
    /// (`subject` names it in errors).
    #[must_use]
    pub fn new(dst: BorrowedFd<'fd>, subject: Subject, separator: u8) -> Self {
        let limit = crate::sys::file::pipe_buf(dst);
        Self {
            dst,
            subject,
            source: Subject::Stdin,
            separator,
            limit,
            pending: Vec::with_capacity(limit),
            records: 0,
            delivered: 0,
            progress: None,
        }
    }

    /// Names what [`send_records`] reads, in its errors (standard input
    /// unless named).
    #[must_use]
    pub fn reading(mut self, source: Subject) -> Self {
        self.source = source;
        self
    }

    /// Reports every batch written to `progress`.
    #[must_use]
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Bytes written to the FIFO so far.
    #[must_use]
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Adds data and writes every record it completes.
    ///
    /// # Errors
    /// [`Error::RecordTooLong`] for a record over `PIPE_BUF` (nothing of it is
    /// written), [`Error::ReaderLeft`] or [`Error::Sys`] when writing fails.
    pub fn push(&mut self, data: &[u8]) -> Result<()> {
        self.pending.extend_from_slice(data);
        self.write_complete()
    }

    /// Reads up to `READ_SIZE` bytes from `src` straight into the pending
    /// buffer (no copy through another buffer) and writes every record they
    /// complete; returns how many bytes were read, 0 at end of input.
    fn read_from(&mut self, src: BorrowedFd<'_>) -> Result<usize> {
        let start = self.pending.len();
        self.pending.resize(start + READ_SIZE, 0);
        let read = retry_on_eintr(|| nix::unistd::read(src, &mut self.pending[start..]));
        let n = read.as_ref().map_or(0, |n| *n);
        self.pending.truncate(start + n);
        read.map_err(|errno| Error::sys(self.source.clone(), Action::Read, errno))?;
        if n > 0 {
            self.write_complete()?;
        }
        Ok(n)
    }

    /// Writes every complete record in the pending buffer, packed into
    /// writes of at most `PIPE_BUF` bytes.
    fn write_complete(&mut self) -> Result<()> {
        let mut batch_start = 0;
        let mut record_start = 0;
        let mut outcome = Ok(());
        while let Some(at) = memchr::memchr(self.separator, &self.pending[record_start..]) {
            let end = record_start + at + 1;
            if end - record_start > self.limit {
                outcome = Err(self.too_long(end - record_start, true));
                break;
            }
            if end - batch_start > self.limit {
                self.write_batch(batch_start, record_start)?;
                batch_start = record_start;
            }
            self.records += 1;
            record_start = end;
        }
        self.write_batch(batch_start, record_start)?;
        self.pending.drain(..record_start);
        outcome?;
        if self.pending.len() > self.limit {
            return Err(self.too_long(self.pending.len(), false));
        }
        Ok(())
    }

    /// Writes a final record that has no separator, and returns the total
    /// number of bytes delivered.
    ///
    /// # Errors
    /// As [`RecordWriter::push`].
    pub fn finish(mut self) -> Result<u64> {
        let len = self.pending.len();
        if len > 0 {
            self.records += 1;
            self.write_batch(0, len)?;
        }
        Ok(self.delivered)
    }

    fn write_batch(&mut self, start: usize, end: usize) -> Result<()> {
        if start == end {
            return Ok(());
        }
        write_all(self.dst, &self.pending[start..end]).map_err(|(fault, written)| {
            write_failed(self.subject.clone(), fault, self.delivered + written)
        })?;
        self.delivered += (end - start) as u64;
        Progress::add(&mut self.progress, &self.pending[start..end]);
        Ok(())
    }

    fn too_long(&self, len: usize, complete: bool) -> Error {
        Error::RecordTooLong {
            subject: self.subject.clone(),
            record: self.records + 1,
            len,
            complete,
            limit: self.limit,
        }
    }
}

/// Reads `src` to its end and sends it record by record through `writer`;
/// returns the bytes delivered.
///
/// # Errors
/// [`Error::Sys`] naming the source (see [`RecordWriter::reading`]) when
/// reading fails, or any error of
/// [`RecordWriter::push`].
pub fn send_records(src: BorrowedFd<'_>, mut writer: RecordWriter<'_>) -> Result<u64> {
    while writer.read_from(src)? > 0 {}
    writer.finish()
}

#[cfg(test)]
mod tests {
    use std::os::fd::{AsFd, OwnedFd};

    use super::*;
    use crate::PIPE_BUF;

    fn reads(fd: &OwnedFd) -> Vec<Vec<u8>> {
        crate::sys::fd::set_nonblocking(fd.as_fd(), true).unwrap();
        let mut chunks = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
            chunks.push(buf[..n].to_vec());
        }
        chunks
    }

    #[test]
    fn complete_records_go_out_at_once_and_the_tail_waits() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let mut writer = RecordWriter::new(w.as_fd(), Subject::path("f"), b'\n');
        writer.push(b"one\ntw").unwrap();
        assert_eq!(reads(&r), vec![b"one\n".to_vec()]);
        writer.push(b"o\n").unwrap();
        assert_eq!(reads(&r), vec![b"two\n".to_vec()]);
        writer.push(b"last").unwrap();
        assert_eq!(writer.finish().unwrap(), 12);
        assert_eq!(reads(&r), vec![b"last".to_vec()]);
    }

    /// Every `write(2)` of records of many sizes, seen one by one: a
    /// datagram socket keeps write boundaries (each receive returns exactly
    /// one write), where a pipe would merge them.
    #[test]
    fn batches_hold_whole_records_and_stay_within_pipe_buf() {
        let (tx, rx) = std::os::unix::net::UnixDatagram::pair().unwrap();
        rx.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut input = Vec::new();
        for n in 0..300_usize {
            input.extend(std::iter::repeat_n(b'a' + (n % 26) as u8, (n * 997) % 3000));
            input.push(b'\n');
        }
        let total = input.len();
        let receiver = std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut buf = vec![0u8; 4 * PIPE_BUF];
            let mut received = 0;
            while received < total {
                let n = rx.recv(&mut buf).expect("every write arrives in time");
                received += n;
                seen.push(buf[..n].to_vec());
            }
            seen
        });
        let mut writer = RecordWriter::new(tx.as_fd(), Subject::path("f"), b'\n');
        // Fed in uneven pieces, as reads from stdin come.
        for piece in input.chunks(7777) {
            writer.push(piece).unwrap();
        }
        assert_eq!(writer.finish().unwrap(), total as u64);
        let batches = receiver.join().unwrap();
        for (n, write) in batches.iter().enumerate() {
            assert!(
                write.len() <= PIPE_BUF,
                "write {n} is {} bytes",
                write.len()
            );
            assert_eq!(write.last(), Some(&b'\n'), "write {n} ends inside a record");
        }
        assert!(
            batches.len() < 300,
            "records were not batched: {} batches",
            batches.len()
        );
        assert_eq!(batches.concat(), input);
    }

    #[test]
    fn a_record_over_pipe_buf_is_refused_by_number() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let mut input = b"ok\n".to_vec();
        input.extend(std::iter::repeat_n(b'y', PIPE_BUF));
        input.push(b'\n');
        let mut writer = RecordWriter::new(w.as_fd(), Subject::path("f"), b'\n');
        let err = writer.push(&input).unwrap_err();
        assert!(
            matches!(err, Error::RecordTooLong { record: 2, len, complete: true, .. } if len == PIPE_BUF + 1)
        );
        assert_eq!(reads(&r), vec![b"ok\n".to_vec()]);
    }

    #[test]
    fn an_unterminated_record_over_pipe_buf_is_refused_early() {
        let (_r, w) = nix::unistd::pipe().unwrap();
        let mut writer = RecordWriter::new(w.as_fd(), Subject::path("f"), 0);
        let err = writer.push(&vec![b'z'; PIPE_BUF + 1]).unwrap_err();
        assert!(matches!(
            err,
            Error::RecordTooLong {
                record: 1,
                complete: false,
                ..
            }
        ));
    }

    #[test]
    fn nul_separated_records() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let mut writer = RecordWriter::new(w.as_fd(), Subject::path("f"), 0);
        writer.push(b"a\0b\0").unwrap();
        assert_eq!(reads(&r), vec![b"a\0b\0".to_vec()]);
    }
}
