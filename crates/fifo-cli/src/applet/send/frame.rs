//! `fifo send --frame`: MESSAGE, or stdin, as one framed message of any
//! size; with `-l`/`-0`, each line or record of stdin as its own message.

use std::io::Read;
use std::os::fd::BorrowedFd;

use fifo_core::transfer::frame::FrameWriter;
use fifo_core::transfer::progress::Progress;
use fifo_core::{Action, Error, Subject};

use super::plan::Source;
use super::stdin_fd;
use crate::progress::Meter;

/// Sends `source` framed to `fifo` (named `subject`): a MESSAGE as one
/// message, stdin as one or (split at `separator`) one per record; returns
/// the bytes delivered, chunk headers included.
pub(super) fn send(
    source: &Source,
    separator: Option<u8>,
    fifo: BorrowedFd<'_>,
    subject: Subject,
    meter: Option<&Meter>,
) -> Result<u64, Error> {
    let mut writer = FrameWriter::new(fifo, subject)?;
    if let Source::Message(message) = source {
        writer.send(message)?;
        return Ok(writer.delivered());
    }
    // A duplicate read through `File`, unbuffered: each read goes straight
    // into the chunks.
    let stdin = stdin_fd()
        .try_clone_to_owned()
        .map_err(|err| Error::sys(Subject::Stdin, Action::Read, err))?;
    let stdin = Metered {
        src: std::fs::File::from(stdin),
        progress: meter.map(Meter::progress),
    };
    match separator {
        Some(separator) => writer.send_records_from(stdin, Subject::Stdin, separator)?,
        None => writer.send_from(stdin, Subject::Stdin)?,
    };
    Ok(writer.delivered())
}

/// A source that tells the progress meter what is read from it.
struct Metered<R> {
    src: R,
    progress: Option<Progress>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.src.read(buf)?;
        if let Some(progress) = &mut self.progress {
            progress.report(&buf[..n]);
        }
        Ok(n)
    }
}
