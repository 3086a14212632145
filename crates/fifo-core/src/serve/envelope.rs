//! The call envelope: what a framed message carries in front of its body to
//! ask for a reply, and the reply stream the server writes back.
//!
//! Both are documented byte by byte in `docs/serve.md` (keep in sync).
//!
//! A call is a framed message whose payload starts with
//! `\0fifo-call 1\0`, then the absolute path of the caller's reply FIFO,
//! then `\0`, then the request body. The reply is a sequence of records,
//! each a kind byte, a 4-byte big-endian length and that many bytes: `o`
//! (standard output), `e` (standard error), and last `s`, the status as
//! ASCII text, `exit N` or `signal N`.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What starts every call envelope, up to its version.
pub const CALL_MAGIC: &[u8] = b"\0fifo-call ";
/// The envelope version this library writes and reads.
pub const CALL_VERSION: &[u8] = b"1";

/// A framed message, read as a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Envelope {
    /// A plain message: all of it is the body.
    Plain(Vec<u8>),
    /// A call: the body, and where the reply goes.
    Call { reply: PathBuf, body: Vec<u8> },
}

/// The bytes that make a framed message a call whose reply goes to `reply`:
/// the message's first bytes, before the body.
///
/// # Errors
/// `None` when `reply` is not absolute or holds a NUL byte.
#[must_use]
pub fn call_header(reply: &Path) -> Option<Vec<u8>> {
    let path = reply.as_os_str().as_bytes();
    if !reply.is_absolute() || path.contains(&0) {
        return None;
    }
    let mut header = CALL_MAGIC.to_vec();
    header.extend_from_slice(CALL_VERSION);
    header.push(0);
    header.extend_from_slice(path);
    header.push(0);
    Some(header)
}

/// Reads a framed message's payload as a plain message or a call.
pub(crate) fn parse_envelope(mut data: Vec<u8>) -> Result<Envelope, String> {
    if !data.starts_with(CALL_MAGIC) {
        return Ok(Envelope::Plain(data));
    }
    let rest = &data[CALL_MAGIC.len()..];
    let field = |bytes: &[u8]| bytes.iter().position(|&b| b == 0);
    let Some(version_end) = field(rest) else {
        return Err("no end to its version".into());
    };
    if &rest[..version_end] != CALL_VERSION {
        let version = String::from_utf8_lossy(&rest[..version_end]).into_owned();
        return Err(format!("unknown call version {version:?}"));
    }
    let rest = &rest[version_end + 1..];
    let Some(path_end) = field(rest) else {
        return Err("no end to its reply path".into());
    };
    let reply = PathBuf::from(OsStr::from_bytes(&rest[..path_end]));
    if !reply.is_absolute() {
        return Err("its reply path is not absolute".into());
    }
    let start = CALL_MAGIC.len() + version_end + 1 + path_end + 1;
    let body = data.split_off(start);
    Ok(Envelope::Call { reply, body })
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
}

impl ReplyKind {
    /// Its byte on the wire.
    #[must_use]
    pub fn byte(self) -> u8 {
        match self {
            Self::Stdout => b'o',
            Self::Stderr => b'e',
            Self::Status => b's',
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            b'o' => Some(Self::Stdout),
            b'e' => Some(Self::Stderr),
            b's' => Some(Self::Status),
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
            let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
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
    fn a_call_header_round_trips_and_is_laid_out_as_documented() {
        let mut message = call_header(Path::new("/tmp/fifo.x/reply")).unwrap();
        assert_eq!(message, b"\0fifo-call 1\0/tmp/fifo.x/reply\0");
        message.extend(b"body");
        assert_eq!(
            parse_envelope(message),
            Ok(Envelope::Call {
                reply: "/tmp/fifo.x/reply".into(),
                body: b"body".to_vec()
            })
        );
        assert_eq!(call_header(Path::new("relative")), None);
    }

    #[test]
    fn plain_messages_and_bad_calls() {
        assert_eq!(
            parse_envelope(b"fifo-call 1".to_vec()),
            Ok(Envelope::Plain(b"fifo-call 1".to_vec()))
        );
        assert!(parse_envelope(b"\0fifo-call 2\0/x\0".to_vec()).is_err());
        assert!(parse_envelope(b"\0fifo-call 1\0/x".to_vec()).is_err());
        assert!(parse_envelope(b"\0fifo-call 1\0x\0".to_vec()).is_err());
    }

    #[test]
    fn replies_decode_in_any_split() {
        let mut stream = Vec::new();
        for (kind, data) in [
            (ReplyKind::Stdout, &b"out"[..]),
            (ReplyKind::Stderr, b"err"),
            (ReplyKind::Status, b"signal 9"),
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
                    ReplyPart::Status(Status::Signaled(9))
                ]
            );
            assert!(decoder.is_empty());
        }
        assert_eq!(Status::Signaled(9).shell_code(), 137);
        assert!(ReplyDecoder::default().push(b"x\0\0\0\0").is_err());
    }
}
