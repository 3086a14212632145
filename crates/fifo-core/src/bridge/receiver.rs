//! The receiving side: writes each link's data to the destination from
//! where it stands, acknowledges what it wrote, and keeps the destination
//! open across the gaps between links.

use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::error::{Error, Step};
use super::handshake::name;
use super::link::Link;
use super::session::{Links, Shared};
use super::wire::{Frame, ReadError, read_frame, write_frame};
use super::{Event, Events};
use crate::Subject;
use crate::transfer::frame::FrameWriter;
use crate::transfer::progress::Progress;
use crate::transfer::write::write_data;

/// How long a receiver that has everything waits for the sender to hang
/// up, so that its last acknowledgement is not cut off.
const LINGER: Duration = Duration::from_secs(5);

/// The local data a receiver writes.
#[derive(Debug)]
pub(crate) struct Sink {
    pub(crate) fd: OwnedFd,
    pub(crate) subject: Subject,
    /// Whole messages (length-prefixed records) written framed.
    pub(crate) frame: bool,
    /// The largest message accepted, with `frame`.
    pub(crate) max_message: usize,
    pub(crate) progress: Option<Progress>,
}

/// Where the receiver stands.
struct Position {
    /// Bytes of the stream written to the destination.
    written: u64,
    /// With `frame`: the part of a message received so far.
    pending: Vec<u8>,
}

/// How one link ended.
enum End {
    /// End of file came, with everything before it written.
    Finished(u64),
    /// The link broke: wait for another.
    Lost(Error),
    /// The stream cannot go on.
    Fatal(Error),
}

/// Receives over links into `sink` until the sender's end of file; returns
/// the stream's length.
pub(crate) fn receive(
    mut sink: Sink,
    mut links: Links,
    shared: &Arc<Shared>,
    events: &Events,
) -> Result<u64, Error> {
    let mut at = Position {
        written: 0,
        pending: Vec::new(),
    };
    let mut since = Instant::now();
    loop {
        let (mut link, peer) = links.next(since)?;
        events(Event::Linked(links.name().to_owned()));
        shared.update(|me| me.stream = peer.stream);
        // A message begun on the lost link comes again whole.
        at.pending.clear();
        match run_link(&mut link, &mut sink, &mut at, shared, links.name()) {
            End::Finished(total) => {
                drop(sink);
                finish(link, total);
                return Ok(total);
            }
            End::Lost(err) if links.reconnects() => {
                events(Event::Lost(err));
                since = Instant::now();
            }
            End::Lost(err) => return Err(err),
            End::Fatal(err) => {
                let why = crate::error::Chain(&err).to_string();
                let _ = write_frame(&mut link.writer, &Frame::Fail(why));
                return Err(err);
            }
        }
    }
}

/// Acknowledges the whole stream (the destination is closed by now), then
/// waits a little for the sender to hang up: at most [`LINGER`], on any
/// transport (a command's pipes have no read timeout: the link is closed
/// under the read instead).
fn finish(mut link: Link, total: u64) {
    if write_frame(&mut link.writer, &Frame::Ack(total)).is_ok() {
        let closer = link.closer.clone();
        std::thread::spawn(move || {
            std::thread::sleep(LINGER);
            closer.close();
        });
        let mut rest = Vec::new();
        let _ = std::io::Read::read_to_end(
            &mut std::io::Read::take(&mut link.reader, 1 << 20),
            &mut rest,
        );
    }
}

fn run_link(
    link: &mut Link,
    sink: &mut Sink,
    at: &mut Position,
    shared: &Shared,
    endpoint: &str,
) -> End {
    let protocol = |problem: String| {
        End::Fatal(Error::Protocol {
            endpoint: endpoint.to_owned(),
            problem,
        })
    };
    let fd = sink.fd.as_fd();
    let mut framed = if sink.frame {
        match FrameWriter::new(fd, sink.subject.clone()) {
            Ok(writer) => Some(writer),
            Err(err) => return End::Fatal(err.into()),
        }
    } else {
        None
    };
    loop {
        let (offset, data) = match read_frame(&mut link.reader) {
            Ok(Frame::Data(offset, data)) => (offset, data),
            Ok(Frame::Eof(total)) if total == at.written && at.pending.is_empty() => {
                return End::Finished(total);
            }
            Ok(Frame::Eof(total)) => {
                return protocol(format!(
                    "end of file at {total}, but {} bytes came",
                    at.written + at.pending.len() as u64
                ));
            }
            Ok(Frame::Fail(why)) => {
                return End::Fatal(Error::Refused {
                    endpoint: endpoint.to_owned(),
                    why: format!("the peer failed: {why}"),
                });
            }
            Ok(other) => return protocol(format!("unexpected {} from the sender", name(&other))),
            Err(ReadError::Garbage(problem)) => return protocol(problem),
            Err(ReadError::Io(err)) => return End::Lost(Error::link(endpoint, Step::Read, err)),
        };
        let here = at.written + at.pending.len() as u64;
        if offset > here {
            return protocol(format!("data from {offset} on, but only {here} bytes came"));
        }
        // A stale resume point: what this side has already is skipped.
        let skip = ((here - offset) as usize).min(data.len());
        let fresh = &data[skip..];
        let wrote = match &mut framed {
            None => write_data(fd, sink.subject.clone(), fresh)
                .map(|n| at.written += n)
                .map_err(Error::Local),
            Some(writer) => write_messages(writer, at, fresh, sink.max_message, endpoint),
        };
        if let Err(err) = wrote {
            return End::Fatal(err);
        }
        if let Some(progress) = &mut sink.progress {
            progress.report(fresh);
        }
        shared.update(|me| me.offset = at.written);
        if let Err(err) = write_frame(&mut link.writer, &Frame::Ack(at.written)) {
            return End::Lost(Error::link(endpoint, Step::Write, err));
        }
    }
}

/// Adds `data` to the message records received, and writes each record
/// that is complete as one framed message.
fn write_messages(
    writer: &mut FrameWriter<'_>,
    at: &mut Position,
    data: &[u8],
    max: usize,
    endpoint: &str,
) -> Result<(), Error> {
    at.pending.extend_from_slice(data);
    let mut used = 0;
    while at.pending.len() - used >= 8 {
        let mut word = [0; 8];
        word.copy_from_slice(&at.pending[used..used + 8]);
        let len = u64::from_be_bytes(word);
        if len > max as u64 {
            return Err(Error::Protocol {
                endpoint: endpoint.to_owned(),
                problem: format!("a message of {len} bytes, more than the {max} allowed"),
            });
        }
        let end = used + 8 + len as usize;
        if at.pending.len() < end {
            break;
        }
        writer.send(&at.pending[used + 8..end])?;
        at.written += 8 + len;
        used = end;
    }
    at.pending.drain(..used);
    Ok(())
}
