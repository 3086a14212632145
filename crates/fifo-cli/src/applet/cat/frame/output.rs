//! How `fifo cat --frame` writes messages, those of one read together: their
//! bytes as they are (`-0`: each then a NUL), or one JSON object per line
//! (`--json`).

use std::collections::VecDeque;
use std::io::IoSlice;

use fifo_core::transfer::frame::Message;
use fifo_core::transfer::write::write_data_vectored;
use fifo_core::{Error, Subject};
use serde_json::json;

use crate::applet::stdout_fd;
use crate::text::base64;

/// Complete messages are written in batches of at most this many bytes (or
/// one larger message): the messages one read completed, or fewer.
const BATCH: usize = 1 << 20;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The message's bytes.
    Raw,
    /// The bytes, then a NUL.
    Null,
    /// A JSON object and a newline.
    Json,
}

impl Output {
    /// Writes `messages` to stdout, each whole, with as few system calls
    /// as it takes (`writev(2)` of the messages and their separators),
    /// taking out those written. When a write fails, the messages that went
    /// out are taken out, and the one it failed in when part of it is out;
    /// the rest (with the one it failed at the start of) stay, for the next
    /// reader.
    pub(super) fn write(self, messages: &mut VecDeque<Message>) -> Result<(), Error> {
        while !messages.is_empty() {
            let mut bytes = 0;
            let batch = messages
                .iter()
                .take_while(|message| {
                    let first = bytes == 0;
                    bytes += message.data.len().max(1);
                    first || bytes <= BATCH
                })
                .count();
            let (taken, written) = match self.write_all(&messages.make_contiguous()[..batch]) {
                Ok(()) => (batch, Ok(())),
                Err((err, touched)) => (touched, Err(err)),
            };
            messages.drain(..taken);
            written?;
        }
        Ok(())
    }

    /// Writes `messages` (at least one); on failure, the error and how many
    /// of them the written bytes reached: those written whole, and the one
    /// the write failed in, if any of its bytes went out.
    fn write_all(self, messages: &[Message]) -> Result<(), (Error, usize)> {
        let lines;
        let mut parts = Vec::with_capacity(2 * messages.len());
        // The bytes each message takes in the output.
        let sizes: Vec<usize> = match self {
            Self::Raw => {
                parts.extend(messages.iter().map(|m| IoSlice::new(&m.data)));
                messages.iter().map(|m| m.data.len()).collect()
            }
            Self::Null => {
                for message in messages {
                    parts.extend([IoSlice::new(&message.data), IoSlice::new(b"\0")]);
                }
                messages.iter().map(|m| m.data.len() + 1).collect()
            }
            Self::Json => {
                let mut sizes = Vec::with_capacity(messages.len());
                let mut text = String::new();
                for message in messages {
                    let before = text.len();
                    text += &json_of(message).to_string();
                    text.push('\n');
                    sizes.push(text.len() - before);
                }
                lines = text;
                parts.push(IoSlice::new(lines.as_bytes()));
                sizes
            }
        };
        write_data_vectored(stdout_fd(), Subject::Stdout, &mut parts)
            .map(drop)
            .map_err(|(err, written)| {
                // Messages out whole, and the one the failure cut (its
                // start is out): a message none of whose bytes went out
                // stays, for the next reader.
                let mut start = 0u64;
                let touched = sizes
                    .iter()
                    .take_while(|&&size| {
                        let end = start + size as u64;
                        let reached = start < written || end <= written;
                        start = end;
                        reached
                    })
                    .count();
                (err, touched)
            })
    }
}

/// `{"writer": "PID:NONCE", "pid": PID, "sequence": N, "size": BYTES,
/// "encoding": "utf-8" | "base64", "data": TEXT}`; keep in sync with README.md.
fn json_of(message: &Message) -> serde_json::Value {
    let (encoding, data) = match std::str::from_utf8(&message.data) {
        Ok(text) => ("utf-8", text.to_owned()),
        Err(_) => ("base64", base64(&message.data)),
    };
    json!({
        "writer": message.writer.to_string(),
        "pid": message.writer.pid,
        "sequence": message.sequence,
        "size": message.data.len(),
        "encoding": encoding,
        "data": data,
    })
}
