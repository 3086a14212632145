//! A call's reply on its way out: records made from the job's spooled
//! output as the caller has room for them, never waited for, and the one
//! record that says a call is not run.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::unix::net::UnixStream;
use std::time::Instant;

use fifo_core::serve::{MAX_RECORD, ReplyKind, record_header};

use super::job::Reply;

/// How much of a job's output goes into one reply record.
const RECORD: usize = MAX_RECORD as usize;

/// What is left of a reply to write.
#[derive(Debug)]
enum Part {
    /// A spooled stream, read from where it is.
    Spooled(ReplyKind, File),
    /// One record from memory (the status is the last).
    Memory(ReplyKind, Vec<u8>),
}

/// A reply being written: `out[at..]` next, then the `parts`, last first.
#[derive(Debug)]
pub struct Outgoing {
    out: Vec<u8>,
    at: usize,
    parts: Vec<Part>,
}

impl Outgoing {
    /// The reply to a job: its stdout, its stderr, its status.
    ///
    /// # Errors
    /// The spooled output cannot be read from its start.
    pub fn new(mut reply: Reply) -> std::io::Result<Self> {
        // CMD wrote through the same open files: they are at their ends.
        reply.stdout.rewind()?;
        reply.stderr.rewind()?;
        let status = reply.status.to_text().into_bytes();
        let mut parts = vec![Part::Memory(ReplyKind::Status, status)];
        parts.extend(
            reply
                .note
                .map(|note| Part::Memory(ReplyKind::Stderr, note.into_bytes())),
        );
        parts.extend([
            Part::Spooled(ReplyKind::Stderr, reply.stderr),
            Part::Spooled(ReplyKind::Stdout, reply.stdout),
        ]);
        Ok(Self {
            out: Vec::new(),
            at: 0,
            parts,
        })
    }

    /// Writes what `stream` has room for, noting in `moved` when a byte
    /// went; `true` once the reply is all out.
    ///
    /// # Errors
    /// A failed write (`EPIPE`: the caller is gone) or read of the spool.
    pub fn write_to(&mut self, stream: &UnixStream, moved: &mut Instant) -> std::io::Result<bool> {
        loop {
            if self.at == self.out.len() {
                self.out.clear();
                self.at = 0;
                // Records go out together up to a record's size: a short
                // reply (output and status) is one write, one wake-up.
                while self.out.len() < RECORD && self.next_record()? {}
                if self.out.is_empty() {
                    return Ok(true);
                }
            }
            match (&*stream).write(&self.out[self.at..]) {
                Ok(n) => {
                    self.at += n;
                    *moved = Instant::now();
                }
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => return Ok(false),
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// Puts the next record into `out`; `false` when none is left.
    fn next_record(&mut self) -> std::io::Result<bool> {
        while let Some(part) = self.parts.last_mut() {
            match part {
                Part::Spooled(kind, file) => {
                    let mut buf = vec![0u8; RECORD];
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        self.parts.pop();
                        continue;
                    }
                    let len = u32::try_from(n).unwrap_or(u32::MAX);
                    self.out.extend_from_slice(&record_header(*kind, len));
                    self.out.extend_from_slice(&buf[..n]);
                    return Ok(true);
                }
                Part::Memory(kind, data) => {
                    let len = u32::try_from(data.len()).unwrap_or(0);
                    self.out.extend_from_slice(&record_header(*kind, len));
                    self.out.extend_from_slice(data);
                    self.parts.pop();
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

/// Tells a caller, as well as it can without waiting, that its request is
/// not run, and why (the reply's one `f` record).
pub fn refuse_on(stream: &UnixStream, why: &str) {
    let _ = stream.set_nonblocking(true);
    let len = u32::try_from(why.len()).unwrap_or(0);
    let mut record = record_header(ReplyKind::Refused, len).to_vec();
    record.extend_from_slice(why.as_bytes());
    let _ = (&*stream).write(&record);
}
