//! Reassembling framed messages, each writer's on its own, under one cap
//! on what all unfinished messages cost together: a whole chunk goes to its
//! writer's [`Decoder`], a finished message becomes a request, and past the
//! cap the oldest unfinished message is dropped. Any writer can start
//! messages it never finishes; this is where that is bounded.

use super::{Origin, Skip, Splitter, WRITER_COST};
use crate::Subject;
use crate::serve::envelope::is_fifo_call;
use crate::transfer::frame::{Decoder, WriterId};

impl Splitter {
    /// Hands a whole chunk to its writer's decoder, and what it completes
    /// on.
    pub(super) fn take_chunk(&mut self, chunk: &[u8]) {
        let writer = WriterId {
            pid: u32::from_be_bytes(chunk[4..8].try_into().unwrap_or_default()),
            nonce: u64::from_be_bytes(chunk[8..16].try_into().unwrap_or_default()),
        };
        let limit = self.limit;
        let (order, mut decoder) = self.writers.remove(&writer).unwrap_or_else(|| {
            self.begun += 1;
            self.pending += WRITER_COST;
            let decoder = Decoder::new(Subject::Process(
                i32::try_from(writer.pid).unwrap_or(i32::MAX),
            ))
            .with_max_pending_bytes(limit);
            (self.begun, decoder)
        });
        self.oldest.remove(&order);
        let before = decoder.unfinished().bytes;
        let lost_before = decoder.lost().messages;
        let pushed = decoder.push(chunk);
        let message = decoder.pop();
        self.pending -= before + WRITER_COST;
        // A chunk that continues no message of its writer (its start went
        // elsewhere) loses that message: the decoder reads on, and the
        // request is reported skipped.
        let skip = match pushed {
            Ok(()) if decoder.lost().messages > lost_before => Some(Skip::OutOfOrder(writer)),
            Ok(()) => None,
            Err(crate::Error::PendingTooLarge { .. }) => Some(Skip::TooLarge(limit)),
            Err(_) => Some(Skip::OutOfOrder(writer)),
        };
        if let Some(why) = skip {
            self.skipped(self.start, why);
            return;
        }
        if decoder.unfinished().messages > 0 {
            self.pending += decoder.unfinished().bytes + WRITER_COST;
            self.oldest.insert(order, writer);
            self.writers.insert(writer, (order, decoder));
            self.make_room(writer);
        }
        if let Some(message) = message {
            if is_fifo_call(&message.data) {
                self.skipped(self.start, Skip::FifoCall);
            } else {
                self.emit(message.data, Origin::Message { pid: writer.pid });
            }
        }
    }

    /// Drops the oldest unfinished messages until they fit under the cap
    /// (`growing`'s last, unless it alone does not fit).
    fn make_room(&mut self, growing: WriterId) {
        while self.pending > self.cap {
            let oldest = self.oldest.first_key_value().map(|(_, writer)| *writer);
            let victim = match oldest {
                Some(writer) if writer != growing || self.oldest.len() == 1 => writer,
                _ => match self.oldest.iter().find(|(_, w)| **w != growing) {
                    Some((_, writer)) => *writer,
                    None => growing,
                },
            };
            let Some((order, decoder)) = self.writers.remove(&victim) else {
                return;
            };
            self.oldest.remove(&order);
            let bytes = decoder.unfinished().bytes;
            self.pending -= bytes + WRITER_COST;
            let why = Skip::Crowded {
                cap: self.cap,
                writer: victim,
                bytes,
            };
            self.skipped(self.start, why);
        }
    }
}
