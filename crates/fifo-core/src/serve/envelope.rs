//! What a call sends on the call socket in front of its body, and the reply
//! stream the server writes back on the same connection.
//!
//! Both are documented byte by byte in `docs/serve.md` (keep in sync).
//!
//! A call is `\0fifo-call 2\0`, then the request body, then the end of the
//! caller's sending (a shutdown of its writing side). The reply is a
//! sequence of records, each a kind byte, a 4-byte big-endian length and
//! that many bytes: `o` (standard output), `e` (standard error), and last
//! either `s`, the status as ASCII text, `exit N` or `signal N`, or `f`,
//! why the server did not run the request.
//!
//! Version 1 sent a call as a framed message on the FIFO itself, naming a
//! reply FIFO the server then opened: a FIFO cannot tell who wrote a
//! request, so that form is refused ([`is_fifo_call`]).

/// What starts every call, up to its version.
pub const CALL_MAGIC: &[u8] = b"\0fifo-call ";
/// The call version this library writes and reads: the one on the socket.
pub const CALL_VERSION: &[u8] = b"2";

/// The bytes a call sends before its body.
#[must_use]
pub fn call_header() -> Vec<u8> {
    let mut header = CALL_MAGIC.to_vec();
    header.extend_from_slice(CALL_VERSION);
    header.push(0);
    header
}

/// Whether a framed message read from a FIFO is a call in the form of
/// version 1 (a reply path inside): refused, never answered.
pub(crate) fn is_fifo_call(data: &[u8]) -> bool {
    data.starts_with(CALL_MAGIC)
}

/// What a reply record carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// Bytes of the command's standard output.
    Stdout,
    /// Bytes of the command's standard error.
    Stderr,
    /// The command's status: the last record.
    Status,
    /// Why the server did not run the request: the last record instead of
    /// a status.
    Refused,
}

impl ReplyKind {
    /// Its byte on the wire.
    #[must_use]
    pub fn byte(self) -> u8 {
        match self {
            Self::Stdout => b'o',
            Self::Stderr => b'e',
            Self::Status => b's',
            Self::Refused => b'f',
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            b'o' => Some(Self::Stdout),
            b'e' => Some(Self::Stderr),
            b's' => Some(Self::Status),
            b'f' => Some(Self::Refused),
            _ => None,
        }
    }
}

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It exited with this status.
    Exited(i32),
    /// A signal of this number killed it.
    Signaled(i32),
}

impl Status {
    /// The status as the reply's last record says it.
    #[must_use]
    pub fn to_text(self) -> String {
        match self {
            Self::Exited(code) => format!("exit {code}"),
            Self::Signaled(signal) => format!("signal {signal}"),
        }
    }

    fn parse(text: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(text).ok()?;
        let (kind, number) = text.split_once(' ')?;
        let number = number.parse().ok()?;
        match kind {
            "exit" => Some(Self::Exited(number)),
            "signal" => Some(Self::Signaled(number)),
            _ => None,
        }
    }

    /// The status a shell would give it: the exit status, or 128 + the
    /// signal's number.
    #[must_use]
    pub fn shell_code(self) -> i32 {
        match self {
            Self::Exited(code) => code,
            Self::Signaled(signal) => 128 + signal,
        }
    }
}

/// The most data one reply record may carry: a server splits longer
/// output, and a caller refuses a longer record rather than hold it whole.
pub const MAX_RECORD: u32 = 64 * 1024;

/// A reply record's header: its kind and its length.
#[must_use]
pub fn record_header(kind: ReplyKind, len: u32) -> [u8; 5] {
    let mut header = [kind.byte(), 0, 0, 0, 0];
    header[1..].copy_from_slice(&len.to_be_bytes());
    header
}

/// One record of a reply, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyPart {
    /// Bytes for standard output.
    Stdout(Vec<u8>),
    /// Bytes for standard error.
    Stderr(Vec<u8>),
    /// The status: the reply is complete.
    Status(Status),
    /// The server did not run the request, and says why: the reply is
    /// complete.
    Refused(String),
}

/// Decodes a reply stream pushed in any split.
#[derive(Debug, Default)]
pub struct ReplyDecoder {
    buf: Vec<u8>,
}

impl ReplyDecoder {
    /// Consumes `data` and returns the records it completed.
    ///
    /// # Errors
    /// A description of the first malformed record.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<ReplyPart>, String> {
        self.buf.extend_from_slice(data);
        let mut parts = Vec::new();
        let mut at = 0;
        while let Some(header) = self.buf[at..].first_chunk::<5>() {
            let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
            if len > MAX_RECORD {
                return Err(format!(
                    "a record of {len} bytes (at most {MAX_RECORD} are sent in one)"
                ));
            }
            let len = len as usize;
            if self.buf.len() - at - 5 < len {
                break;
            }
            let data = self.buf[at + 5..at + 5 + len].to_vec();
            parts.push(match ReplyKind::from_byte(header[0]) {
                Some(ReplyKind::Stdout) => ReplyPart::Stdout(data),
                Some(ReplyKind::Stderr) => ReplyPart::Stderr(data),
                Some(ReplyKind::Status) => ReplyPart::Status(
                    Status::parse(&data).ok_or_else(|| "a malformed status".to_owned())?,
                ),
                Some(ReplyKind::Refused) => {
                    ReplyPart::Refused(String::from_utf8_lossy(&data).into_owned())
                }
                None => return Err(format!("an unknown record kind {:#04x}", header[0])),
            });
            at += 5 + len;
        }
        self.buf.drain(..at);
        Ok(parts)
    }

    /// True when no record is half received.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_starts_as_documented_and_the_old_form_is_told_apart() {
        assert_eq!(call_header(), b"\0fifo-call 2\0");
        assert!(is_fifo_call(b"\0fifo-call 1\0/tmp/reply\0body"));
        assert!(!is_fifo_call(b"fifo-call 1"));
    }

    #[test]
    fn replies_decode_in_any_split() {
        let mut stream = Vec::new();
        for (kind, data) in [
            (ReplyKind::Stdout, &b"out"[..]),
            (ReplyKind::Stderr, b"err"),
            (ReplyKind::Status, b"signal 9"),
            (ReplyKind::Refused, b"no room"),
        ] {
            stream.extend(record_header(kind, data.len() as u32));
            stream.extend(data);
        }
        for step in 1..stream.len() {
            let mut decoder = ReplyDecoder::default();
            let parts: Vec<ReplyPart> = stream
                .chunks(step)
                .flat_map(|piece| decoder.push(piece).unwrap())
                .collect();
            assert_eq!(
                parts,
                [
                    ReplyPart::Stdout(b"out".to_vec()),
                    ReplyPart::Stderr(b"err".to_vec()),
                    ReplyPart::Status(Status::Signaled(9)),
                    ReplyPart::Refused("no room".to_owned())
                ]
            );
            assert!(decoder.is_empty());
        }
        assert_eq!(Status::Signaled(9).shell_code(), 137);
        assert!(ReplyDecoder::default().push(b"x\0\0\0\0").is_err());
        // A record longer than any server sends is refused at its header,
        // not waited for and held.
        let mut huge = record_header(ReplyKind::Stdout, MAX_RECORD + 1).to_vec();
        huge.extend([0; 10]);
        assert!(ReplyDecoder::default().push(&huge).is_err());
    }
}
