//! The sending side: a thread reads the source into the replay buffer
//! while each link in turn sends what the receiver does not have yet and
//! frees what it acknowledges.

use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use super::error::Error;
use super::handshake::name;
use super::link::Link;
use super::replay::{Next, Replay};
use super::session::{Links, Shared};
use super::wire::{Frame, MAX_DATA, ReadError, read_frame, write_data, write_frame};
use super::{Event, Events};
use crate::transfer::frame::{Decoder, ENTRY_COST, FrameReader};
use crate::transfer::progress::Progress;
use crate::transfer::rate::RateLimit;
use crate::{Action, Subject};

/// How much is read from the source at a time.
const READ_SIZE: usize = MAX_DATA;

/// The local data a sender reads.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) fd: OwnedFd,
    pub(crate) subject: Subject,
    pub(crate) frame: bool,
    pub(crate) progress: Option<Progress>,
    pub(crate) rate: Option<RateLimit>,
}

/// How one link ended.
enum End {
    /// Everything was sent and acknowledged.
    Done,
    /// The source failed, and the peer was told so after the data read
    /// before: the source's reader says why.
    SourceFailed,
    /// The link broke: try another.
    Lost(Error),
    /// The peer broke the protocol or gave up: stop.
    Fatal(Error),
}

/// Sends `source` over links until all of it is acknowledged; returns the
/// stream's length.
pub(crate) fn send(
    source: Source,
    mut links: Links,
    shared: &Arc<Shared>,
    capacity: usize,
    events: &Events,
) -> Result<u64, Error> {
    let replay = Arc::new(Replay::new(capacity));
    let reader = read_source(source, Arc::clone(&replay));
    let mut since = Instant::now();
    loop {
        let (link, peer) = links.next(since)?;
        events(Event::Linked(links.name().to_owned()));
        shared.update(|me| me.resuming = true);
        let next = peer.offset.max(replay.start());
        if !replay.holds(next) {
            return Err(Error::Protocol {
                endpoint: links.name().to_owned(),
                problem: format!(
                    "the receiver claims {} bytes, more than were sent",
                    peer.offset
                ),
            });
        }
        match run_link(
            link,
            next,
            &replay,
            shared,
            links.name(),
            links.reconnects(),
        ) {
            End::Done | End::SourceFailed => break,
            End::Lost(err) if links.reconnects() => {
                events(Event::Lost(err));
                since = Instant::now();
            }
            End::Lost(err) | End::Fatal(err) => return Err(err),
        }
    }
    let total = replay.start();
    match reader.join() {
        Ok(Ok(())) => Ok(total),
        Ok(Err(err)) => Err(Error::Local(err)),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Sends from `next` on over one link, with a thread reading the
/// receiver's acknowledgements.
fn run_link(
    mut link: Link,
    mut next: u64,
    replay: &Arc<Replay>,
    shared: &Arc<Shared>,
    endpoint: &str,
    join: bool,
) -> End {
    replay.set_link(true);
    let acks = {
        let (mut input, replay, shared, endpoint) = (
            link.take_reader(),
            Arc::clone(replay),
            Arc::clone(shared),
            endpoint.to_owned(),
        );
        std::thread::spawn(move || {
            let end = read_acks(&mut input, &replay, &shared, &endpoint);
            replay.set_link(false);
            end
        })
    };
    let lost = loop {
        let sent = match replay.next(next, MAX_DATA) {
            Next::Data(offset, data) => {
                next = offset + data.len() as u64;
                write_data(&mut link.writer, offset, &data)
            }
            Next::Eof(end) => {
                next = end + 1;
                write_frame(&mut link.writer, &Frame::Eof(end))
            }
            Next::Done => return End::Done,
            Next::Failed(why) => {
                // Never end of file: the receiver, and its reader's user,
                // would take a cut stream for a whole one.
                let _ = write_frame(&mut link.writer, &Frame::Fail(why));
                if join {
                    wait_for_hang_up(&acks);
                }
                return End::SourceFailed;
            }
            Next::LinkDown => break None,
        };
        if let Err(err) = sent {
            break Some(err);
        }
    };
    link.closer.close();
    if !join {
        // The one link (stdio) cannot be interrupted; there is no other.
        return End::Lost(Error::link(
            endpoint,
            super::Step::Write,
            lost.unwrap_or_else(|| std::io::ErrorKind::UnexpectedEof.into()),
        ));
    }
    match acks.join() {
        Ok(End::Lost(err)) => {
            End::Lost(lost.map_or(err, |lost| Error::link(endpoint, super::Step::Write, lost)))
        }
        Ok(end) => end,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Gives the peer a little time to read the failure sent and hang up, so
/// that closing the link with its acknowledgements unread does not reset
/// the connection before the failure is read.
fn wait_for_hang_up(acks: &JoinHandle<End>) {
    let deadline = Instant::now() + std::time::Duration::from_secs(5);
    while !acks.is_finished() && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Reads acknowledgements until the link ends or the peer fails.
fn read_acks(input: &mut impl Read, replay: &Replay, shared: &Shared, endpoint: &str) -> End {
    let protocol = |problem: String| {
        End::Fatal(Error::Protocol {
            endpoint: endpoint.to_owned(),
            problem,
        })
    };
    loop {
        match read_frame(input) {
            Ok(Frame::Ack(offset)) => {
                if !replay.ack(offset) {
                    return protocol(format!("acknowledged {offset} bytes, more than were sent"));
                }
                shared.update(|me| me.offset = offset);
            }
            Ok(Frame::Fail(why)) => {
                return End::Fatal(Error::Refused {
                    endpoint: endpoint.to_owned(),
                    why: format!("the peer failed: {why}"),
                });
            }
            Ok(other) => return protocol(format!("unexpected {} from the receiver", name(&other))),
            Err(ReadError::Garbage(problem)) => return protocol(problem),
            Err(ReadError::Io(err)) => {
                return End::Lost(Error::link(endpoint, super::Step::Read, err));
            }
        }
    }
}

/// Starts the thread that reads the source into `replay` (whole framed
/// messages as length-prefixed records with `frame`), and marks the end.
fn read_source(mut source: Source, replay: Arc<Replay>) -> JoinHandle<crate::Result<()>> {
    std::thread::spawn(move || {
        let result = if source.frame {
            read_messages(&source, &replay)
        } else {
            read_bytes(&mut source, &replay)
        };
        match &result {
            Ok(()) => replay.finish(),
            Err(err) => replay.fail(crate::error::Chain(err).to_string()),
        }
        result
    })
}

fn read_bytes(source: &mut Source, replay: &Replay) -> crate::Result<()> {
    let mut buf = vec![0u8; READ_SIZE];
    loop {
        let most = source
            .rate
            .as_mut()
            .map_or(READ_SIZE, |rate| rate.allowance(READ_SIZE));
        let n = match nix::unistd::read(source.fd.as_fd(), &mut buf[..most]) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(errno) => {
                return Err(crate::Error::sys(
                    source.subject.clone(),
                    Action::Read,
                    errno,
                ));
            }
        };
        if let Some(rate) = &mut source.rate {
            rate.charge(n);
        }
        if let Some(progress) = &mut source.progress {
            progress.report(&buf[..n]);
        }
        replay.push(&buf[..n]);
    }
}

/// Framed messages: each whole, as its 8-byte big-endian length and its
/// bytes, so the receiver can write it whole. A message must fit in the
/// replay buffer with its length, and the decoder may hold as much (plus
/// its bookkeeping for one message, which the buffer does not hold).
fn read_messages(source: &Source, replay: &Replay) -> crate::Result<()> {
    let limit = replay.capacity().saturating_sub(8) as u64;
    let mut decoder = Decoder::new(source.subject.clone())
        .with_max_pending_bytes(limit.saturating_add(ENTRY_COST));
    FrameReader::new(source.fd.as_fd(), source.subject.clone())
        .run(&mut decoder, |message| {
            if message.data.len() as u64 > limit {
                return Err(crate::Error::PendingTooLarge {
                    subject: source.subject.clone(),
                    limit,
                });
            }
            replay.push(&(message.data.len() as u64).to_be_bytes());
            replay.push(&message.data);
            Ok(())
        })
        .map(drop)
        // The limit told is the buffer's, not the bookkeeping's.
        .map_err(|err| match err {
            crate::Error::PendingTooLarge { subject, .. } => {
                crate::Error::PendingTooLarge { subject, limit }
            }
            other => other,
        })
}
