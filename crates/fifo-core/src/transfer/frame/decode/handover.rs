//! Handing a decoder's state to the next reader of the same pipe: a reader
//! that stops before end of file writes what it holds and has not handed
//! out as a framed stream, and the next one takes it up before reading on.

use super::{Decoder, Partial};
use crate::transfer::frame::{FrameProblem, Header, MAX_PAYLOAD, WriterId};
use crate::{Result, Subject};

impl Decoder {
    /// Takes what the decoder holds and has not handed out (unfinished
    /// messages, and complete ones not popped) as a framed stream of their
    /// chunks (the same writers, sequences and chunk indexes), for the next
    /// reader of the same pipe to [`resume`](Self::resume) with: a reader
    /// that stops before end of file leaves other writers' messages to be
    /// finished, not lost. `None`, and nothing taken, while a chunk is half
    /// read or once the stream is refused.
    pub fn take_unfinished(&mut self) -> Option<Vec<u8>> {
        if !self.at_chunk_boundary() || self.broken.is_some() {
            return None;
        }
        let mut stream = Vec::new();
        for message in self.ready.drain(..) {
            let chunks = message.data.len().div_ceil(MAX_PAYLOAD).max(1) as u64;
            let sequence = message.sequence;
            encode_chunks(
                &mut stream,
                message.writer,
                sequence,
                chunks,
                true,
                &message.data,
            );
        }
        for (writer, partial) in self.pending.drain() {
            let Partial {
                sequence,
                next,
                data,
            } = partial;
            encode_chunks(&mut stream, writer, sequence, next, false, &data);
        }
        self.pending_bytes = 0;
        Some(stream)
    }

    /// Takes up the unfinished messages another reader of this stream left
    /// ([`take_unfinished`](Self::take_unfinished)), read from `from`
    /// (named in errors), before reading on.
    ///
    /// # Errors
    /// [`Error::NotFramed`](crate::Error::NotFramed) naming `from` when `stream` is not a whole
    /// framed stream or holds a message this decoder holds already, or
    /// [`Error::PendingTooLarge`](crate::Error::PendingTooLarge).
    pub fn resume(&mut self, stream: &[u8], from: Subject) -> Result<()> {
        // This decoder's cap is checked below, as the messages join it.
        let mut left = Decoder::new(from).with_max_pending_bytes(u64::MAX);
        left.push(stream)?;
        if !left.at_chunk_boundary() {
            return Err(left.corrupt(FrameProblem::Truncated));
        }
        let partials: Vec<_> = left.pending.drain().collect();
        for (writer, partial) in partials {
            if self.pending.contains_key(&writer) {
                return Err(left.corrupt(FrameProblem::OutOfOrder {
                    writer,
                    sequence: partial.sequence,
                    index: 0,
                }));
            }
            self.pending_bytes += partial.data.len() as u64;
            self.pending.insert(writer, partial);
        }
        self.ready.extend(left.ready.drain(..));
        self.check_limit(0, 0)
    }
}

/// Appends `data` to `stream` as chunks 0 to `chunks - 1` of a message,
/// the last one flagged LAST when `complete`. The bytes fill the chunks
/// from the front (each carries at most `MAX_PAYLOAD`, so `chunks` as many as
/// arrived always have room), so the writer's next index still follows.
fn encode_chunks(
    stream: &mut Vec<u8>,
    writer: WriterId,
    sequence: u64,
    chunks: u64,
    complete: bool,
    mut data: &[u8],
) {
    for index in 0..chunks {
        let (payload, rest) = data.split_at(data.len().min(MAX_PAYLOAD));
        let header = Header {
            flags: Header::flags(index, complete && index + 1 == chunks),
            writer,
            sequence,
            index,
            len: payload.len() as u32,
        };
        stream.extend_from_slice(&header.encode());
        stream.extend_from_slice(payload);
        data = rest;
    }
}
