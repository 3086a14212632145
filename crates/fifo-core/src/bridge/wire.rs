//! The messages two bridges exchange, byte for byte as `docs/bridge.md`
//! describes them: a one-byte type, a four-byte big-endian length, then
//! that many bytes of payload.

use std::io::{self, Read, Write};

/// The first bytes of every hello: a peer that starts otherwise is no bridge.
pub const MAGIC: &[u8; 8] = b"FIFOBRDG";
/// The protocol version this library speaks.
pub const VERSION: u8 = 1;
/// The most payload one data message carries.
pub const MAX_DATA: usize = 256 * 1024;
/// The most text a failure message carries.
const MAX_TEXT: usize = 1024;
/// Bytes of a hello's payload.
const HELLO_LEN: usize = 8 + 3 + 16 + 8 + 32;

/// Which way the data goes, as each side says it in its hello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads local data and sends it (`S`).
    Sender,
    /// Receives data and writes it locally (`R`).
    Receiver,
}

impl Role {
    fn byte(self) -> u8 {
        match self {
            Self::Sender => b'S',
            Self::Receiver => b'R',
        }
    }
}

/// The identity of one stream: 16 random bytes drawn by its sender. All
/// zeros in a receiver's hello: it has no stream yet.
pub type StreamId = [u8; 16];

/// Hello flag: this side proves a shared key after the hellos.
pub const KEYED: u8 = 1;
/// Hello flag (sender): a receiver has taken this stream before, so only
/// that receiver may take it on.
pub const RESUMING: u8 = 2;

/// What each side says first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// The side's role.
    pub role: Role,
    /// [`KEYED`], [`RESUMING`].
    pub flags: u8,
    /// The stream (see [`StreamId`]).
    pub stream: StreamId,
    /// Receiver: bytes of the stream written to its destination so far,
    /// where the sender resumes. Sender: bytes acknowledged so far.
    pub offset: u64,
    /// Random bytes for the key's challenge.
    pub nonce: [u8; 32],
}

impl Hello {
    /// The payload bytes (what the key's proof covers).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HELLO_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[VERSION, self.role.byte(), self.flags]);
        out.extend_from_slice(&self.stream);
        out.extend_from_slice(&self.offset.to_be_bytes());
        out.extend_from_slice(&self.nonce);
        out
    }

    fn decode(payload: &[u8]) -> Result<Self, String> {
        if payload.len() != HELLO_LEN || &payload[..8] != MAGIC {
            return Err("not a fifo bridge".to_owned());
        }
        if payload[8] != VERSION {
            return Err(format!(
                "protocol version {} (this is {VERSION})",
                payload[8]
            ));
        }
        let role = match payload[9] {
            b'S' => Role::Sender,
            b'R' => Role::Receiver,
            other => return Err(format!("unknown role {other:#04x}")),
        };
        let mut stream = [0; 16];
        stream.copy_from_slice(&payload[11..27]);
        let mut nonce = [0; 32];
        nonce.copy_from_slice(&payload[35..67]);
        Ok(Self {
            role,
            flags: payload[10],
            stream,
            offset: be_u64(&payload[27..35]),
            nonce,
        })
    }
}

/// One message of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Type 1: who this side is.
    Hello(Hello),
    /// Type 2: HMAC-SHA256 proof of the shared key.
    Auth([u8; 32]),
    /// Type 4: stream bytes starting at this offset.
    Data(u64, Vec<u8>),
    /// Type 5: the receiver has written everything before this offset.
    Ack(u64),
    /// Type 6: the stream ends at this offset.
    Eof(u64),
    /// Type 7: the side gives up, and says why; the connection ends.
    Fail(String),
}

const HELLO: u8 = 1;
const AUTH: u8 = 2;
const DATA: u8 = 4;
const ACK: u8 = 5;
const EOF: u8 = 6;
const FAIL: u8 = 7;

/// How a read of one frame went wrong.
#[derive(Debug)]
pub enum ReadError {
    /// The connection failed or ended.
    Io(io::Error),
    /// The bytes are no valid frame: why.
    Garbage(String),
}

impl From<io::Error> for ReadError {
    fn from(err: io::Error) -> Self {
        Self::Io(err)
    }
}

fn be_u64(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[..8]);
    u64::from_be_bytes(word)
}

/// Writes one data message: its header, then `data` as it is (no copy of
/// it is made), in one `writev` where the writer takes it all (so the
/// reader wakes once per message, not once for the header and again for
/// the data).
///
/// # Errors
/// As the writer's.
pub fn write_data(out: &mut impl Write, offset: u64, data: &[u8]) -> io::Result<()> {
    let mut head = [0u8; 13];
    head[0] = DATA;
    head[1..5].copy_from_slice(&((8 + data.len()) as u32).to_be_bytes());
    head[5..].copy_from_slice(&offset.to_be_bytes());
    let wrote = loop {
        match out.write_vectored(&[io::IoSlice::new(&head), io::IoSlice::new(data)]) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            other => break other?,
        }
    };
    if wrote == 0 {
        return Err(io::ErrorKind::WriteZero.into());
    }
    if wrote < head.len() {
        out.write_all(&head[wrote..])?;
    }
    out.write_all(&data[wrote.saturating_sub(head.len())..])?;
    out.flush()
}

/// Writes one frame whole and flushes it.
///
/// # Errors
/// As the writer's.
pub fn write_frame(out: &mut impl Write, frame: &Frame) -> io::Result<()> {
    if let Frame::Data(offset, data) = frame {
        return write_data(out, *offset, data);
    }
    let (kind, payload) = match frame {
        Frame::Hello(hello) => (HELLO, hello.encode()),
        Frame::Auth(mac) => (AUTH, mac.to_vec()),
        Frame::Ack(offset) => (ACK, offset.to_be_bytes().to_vec()),
        Frame::Eof(offset) => (EOF, offset.to_be_bytes().to_vec()),
        Frame::Fail(text) => {
            let mut end = text.len().min(MAX_TEXT);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (FAIL, text.as_bytes()[..end].to_vec())
        }
        Frame::Data(..) => unreachable!("written above"),
    };
    let mut bytes = Vec::with_capacity(5 + payload.len());
    bytes.push(kind);
    bytes.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    bytes.extend_from_slice(&payload);
    out.write_all(&bytes)?;
    out.flush()
}

/// How a link that ends inside a frame is told.
const INSIDE: &str = "the link ended inside a frame";

/// Words for an end of file met by `read_exact`, whose own ("failed to
/// fill whole buffer") say nothing to a user; other errors pass as they are.
fn ended(what: &'static str) -> impl Fn(std::io::Error) -> std::io::Error {
    move |err| {
        if err.kind() == std::io::ErrorKind::UnexpectedEof {
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, what)
        } else {
            err
        }
    }
}

/// Reads one frame, refusing any whose type or length is not in the
/// protocol before reading its payload (so garbage never makes it
/// allocate more than one data message).
///
/// # Errors
/// [`ReadError::Io`] when the connection fails or ends (end of file before
/// a frame's first byte is `UnexpectedEof` too), [`ReadError::Garbage`]
/// for bytes that are no frame.
pub fn read_frame(input: &mut impl Read) -> Result<Frame, ReadError> {
    let mut head = [0u8; 5];
    input
        .read_exact(&mut head)
        .map_err(ended("the link ended"))?;
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    let fits = match head[0] {
        HELLO => len == HELLO_LEN,
        AUTH => len == 32,
        DATA => (8..=8 + MAX_DATA).contains(&len),
        ACK | EOF => len == 8,
        FAIL => len <= MAX_TEXT,
        _ => false,
    };
    if !fits {
        let hex: Vec<String> = head.iter().map(|byte| format!("{byte:02x}")).collect();
        return Err(ReadError::Garbage(format!(
            "unexpected bytes {}",
            hex.join(" ")
        )));
    }
    if head[0] == DATA {
        // The offset apart, so that the bytes land where they stay.
        let mut offset = [0u8; 8];
        input.read_exact(&mut offset).map_err(ended(INSIDE))?;
        let mut data = vec![0u8; len - 8];
        input.read_exact(&mut data).map_err(ended(INSIDE))?;
        return Ok(Frame::Data(u64::from_be_bytes(offset), data));
    }
    let mut payload = vec![0u8; len];
    input.read_exact(&mut payload).map_err(ended(INSIDE))?;
    Ok(match head[0] {
        HELLO => Frame::Hello(Hello::decode(&payload).map_err(ReadError::Garbage)?),
        AUTH => {
            let mut mac = [0; 32];
            mac.copy_from_slice(&payload);
            Frame::Auth(mac)
        }
        ACK => Frame::Ack(be_u64(&payload)),
        EOF => Frame::Eof(be_u64(&payload)),
        _ => Frame::Fail(printable(&String::from_utf8_lossy(&payload))),
    })
}

/// A peer's text as one line of plain characters: its control characters
/// (a newline, a terminal's escape) escaped, so that what it says on this
/// side's standard error can neither forge lines nor drive a terminal.
fn printable(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            line.extend(c.escape_debug());
        } else {
            line.push(c);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(frame: &Frame) -> Frame {
        let mut bytes = Vec::new();
        write_frame(&mut bytes, frame).unwrap();
        read_frame(&mut bytes.as_slice()).unwrap()
    }

    #[test]
    fn a_failure_reads_as_one_line_of_plain_text() {
        let said = Frame::Fail("gone\nfifo bridge: all is well\u{1b}[2J".to_owned());
        assert_eq!(
            round_trip(&said),
            Frame::Fail(r"gone\nfifo bridge: all is well\u{1b}[2J".to_owned())
        );
    }

    #[test]
    fn every_frame_reads_back_as_written() {
        let hello = Hello {
            role: Role::Receiver,
            flags: KEYED,
            stream: [7; 16],
            offset: 1 << 40,
            nonce: [9; 32],
        };
        for frame in [
            Frame::Hello(hello),
            Frame::Auth([3; 32]),
            Frame::Data(12, b"abc".to_vec()),
            Frame::Ack(99),
            Frame::Eof(100),
            Frame::Fail("no".to_owned()),
        ] {
            assert_eq!(round_trip(&frame), frame);
        }
    }

    #[test]
    fn the_hello_is_laid_out_as_documented() {
        let hello = Hello {
            role: Role::Sender,
            flags: RESUMING,
            stream: [1; 16],
            offset: 2,
            nonce: [4; 32],
        };
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &Frame::Hello(hello)).unwrap();
        assert_eq!(&bytes[..5], &[1, 0, 0, 0, 67]);
        assert_eq!(&bytes[5..16], b"FIFOBRDG\x01S\x02");
        assert_eq!(&bytes[32..40], &2u64.to_be_bytes());
    }

    #[test]
    fn a_link_that_ends_says_so_in_words_of_its_own() {
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &Frame::Data(12, b"abc".to_vec())).unwrap();
        for (cut, said) in [
            (0, "the link ended"),
            (3, "the link ended"),
            (bytes.len() - 1, "the link ended inside a frame"),
        ] {
            match read_frame(&mut &bytes[..cut]) {
                Err(ReadError::Io(err)) => {
                    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
                    assert_eq!(err.to_string(), said, "cut after {cut} bytes");
                }
                other => panic!("cut after {cut} bytes: {other:?}"),
            }
        }
    }

    #[test]
    fn garbage_is_refused_before_its_payload_is_read() {
        let huge = [DATA, 0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            read_frame(&mut huge.as_slice()),
            Err(ReadError::Garbage(_))
        ));
        let http = b"GET / HTTP/1.1\r\n";
        assert!(matches!(
            read_frame(&mut http.as_slice()),
            Err(ReadError::Garbage(_))
        ));
        let mut wrong_magic = vec![HELLO, 0, 0, 0, 67];
        wrong_magic.extend_from_slice(&[0; 67]);
        assert!(matches!(
            read_frame(&mut wrong_magic.as_slice()),
            Err(ReadError::Garbage(_))
        ));
    }
}
