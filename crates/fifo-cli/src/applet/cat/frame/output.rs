//! How `fifo cat --frame` writes a message: its bytes as they are (`-0`:
//! then a NUL), or one JSON object per line (`--json`).

use fifo_core::frame::Message;
use fifo_core::write::write_data;
use fifo_core::{Error, Subject};
use serde_json::json;

use crate::applet::stat::base64;
use crate::applet::stdout_fd;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Output {
    /// The message's bytes.
    Raw,
    /// The bytes, then a NUL.
    Null,
    /// A JSON object and a newline.
    Json,
}

impl Output {
    pub(super) fn new(null: bool, json: bool) -> Self {
        match (null, json) {
            (_, true) => Self::Json,
            (true, false) => Self::Null,
            (false, false) => Self::Raw,
        }
    }

    /// Writes `message` to stdout whole.
    pub(super) fn write(self, message: &Message) -> Result<(), Error> {
        let out = |bytes: &[u8]| write_data(stdout_fd(), Subject::Stdout, bytes).map(drop);
        match self {
            Self::Raw => out(&message.data),
            Self::Null => {
                out(&message.data)?;
                out(b"\0")
            }
            Self::Json => {
                let mut line = json_of(message).to_string().into_bytes();
                line.push(b'\n');
                out(&line)
            }
        }
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
