//! The start of every link: both sides say hello, prove the shared key if
//! there is one, and agree that they carry the same stream. A peer that
//! comes back with another stream is refused, never merged into this one.

use std::time::Duration;

use super::auth::{Key, random};
use super::link::Link;
use super::wire::{
    Frame, Hello, KEYED, RESUMING, ReadError, Role, StreamId, read_frame, write_frame,
};

/// How long a peer may take to say hello (and prove its key): one that
/// says nothing is dropped rather than held forever.
pub(crate) const HELLO_TIME: Duration = Duration::from_secs(10);

/// Why a receiver refuses a sender of another stream than its own.
pub(crate) const OTHER_STREAM: &str = "another stream than the one this side is receiving";

/// What this side tells each new peer, from the bridge's state now.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) role: Role,
    /// Sender: its stream. Receiver: the stream it has taken, or zeros.
    pub(crate) stream: StreamId,
    /// Sender: a receiver has taken the stream before.
    pub(crate) resuming: bool,
    /// Receiver: bytes written. Sender: bytes acknowledged.
    pub(crate) offset: u64,
}

/// Why a handshake failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The link broke (worth another try).
    Io(std::io::Error),
    /// The peer is no bridge, or broke the protocol.
    Garbage(String),
    /// One side refused the other (for good): why.
    Refused(String),
}

impl From<ReadError> for Failure {
    fn from(err: ReadError) -> Self {
        match err {
            ReadError::Io(err) => Self::Io(err),
            ReadError::Garbage(why) => Self::Garbage(why),
        }
    }
}

/// Runs the handshake on `link`; returns the peer's hello.
pub(crate) fn handshake(
    link: &mut Link,
    me: &Identity,
    key: Option<&Key>,
) -> Result<Hello, Failure> {
    let hello = Hello {
        role: me.role,
        flags: if key.is_some() { KEYED } else { 0 } | if me.resuming { RESUMING } else { 0 },
        stream: me.stream,
        offset: me.offset,
        nonce: random(),
    };
    link.read_timeout(Some(HELLO_TIME));
    let said = write_frame(&mut link.writer, &Frame::Hello(hello.clone()));
    // Even when the hello could not go out: a peer that turned this side
    // away at once (another user) has said why before it hung up.
    let peer = match (read_frame(&mut link.reader), said) {
        (Ok(Frame::Fail(why)), _) => {
            return Err(Failure::Refused(format!("refused by the peer: {why}")));
        }
        (_, Err(err)) => return Err(Failure::Io(err)),
        (Ok(Frame::Hello(peer)), Ok(())) => peer,
        (Ok(other), Ok(())) => {
            return Err(Failure::Garbage(format!("{} before hello", name(&other))));
        }
        (Err(err), Ok(())) => return Err(err.into()),
    };
    let result = check(link, me, key, &hello, &peer);
    if let Err(Failure::Refused(why) | Failure::Garbage(why)) = &result {
        // Tell the peer why, so its user sees it too; it may be gone.
        let _ = write_frame(&mut link.writer, &Frame::Fail(why.clone()));
    }
    link.read_timeout(None);
    result.map(|()| peer)
}

fn check(
    link: &mut Link,
    me: &Identity,
    key: Option<&Key>,
    own: &Hello,
    peer: &Hello,
) -> Result<(), Failure> {
    if peer.role == me.role {
        let both = if me.role == Role::Sender {
            "send"
        } else {
            "receive"
        };
        return Err(Failure::Refused(format!(
            "both sides {both}: one side must be local data, the other its peer's"
        )));
    }
    match (key, peer.flags & KEYED != 0) {
        (Some(key), true) => prove(link, key, own, peer)?,
        (Some(_), false) => return Err(Failure::Refused("the peer has no key".to_owned())),
        (None, true) => {
            return Err(Failure::Refused(
                "the peer has a key and this side none".to_owned(),
            ));
        }
        (None, false) => {}
    }
    same_stream(me, peer).map_err(Failure::Refused)
}

/// Sends this side's proof of the key and checks the peer's.
fn prove(link: &mut Link, key: &Key, own: &Hello, peer: &Hello) -> Result<(), Failure> {
    let (own, peer) = (own.encode(), peer.encode());
    write_frame(&mut link.writer, &Frame::Auth(key.prove(&own, &peer))).map_err(Failure::Io)?;
    match read_frame(&mut link.reader)? {
        Frame::Auth(proof) if key.verify(&own, &peer, &proof) => Ok(()),
        Frame::Auth(_) => Err(Failure::Refused("wrong key".to_owned())),
        Frame::Fail(why) => Err(Failure::Refused(format!("refused by the peer: {why}"))),
        other => Err(Failure::Garbage(format!(
            "{} instead of the key's proof",
            name(&other)
        ))),
    }
}

/// Whether the peer carries the stream this side carries (or may start it).
fn same_stream(me: &Identity, peer: &Hello) -> Result<(), String> {
    const NONE: StreamId = [0; 16];
    match me.role {
        Role::Receiver if me.stream != NONE && peer.stream != me.stream => {
            Err(OTHER_STREAM.to_owned())
        }
        Role::Receiver if me.stream == NONE && peer.flags & RESUMING != 0 => {
            Err("the peer resumes a stream this side never had (was it started again?)".to_owned())
        }
        Role::Sender if me.resuming && peer.stream != me.stream => {
            Err("a receiver that does not have this stream".to_owned())
        }
        Role::Sender if peer.stream != NONE && peer.stream != me.stream => {
            Err("the peer is receiving another stream".to_owned())
        }
        _ => Ok(()),
    }
}

/// A frame's name in messages.
pub(crate) fn name(frame: &Frame) -> &'static str {
    match frame {
        Frame::Hello(_) => "a hello",
        Frame::Auth(_) => "a key's proof",
        Frame::Data(..) => "data",
        Frame::Ack(_) => "an acknowledgement",
        Frame::Eof(_) => "end of file",
        Frame::Fail(_) => "a failure",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello(role: Role, flags: u8, stream: StreamId) -> Hello {
        Hello {
            role,
            flags,
            stream,
            offset: 0,
            nonce: [0; 32],
        }
    }

    fn me(role: Role, stream: StreamId, resuming: bool) -> Identity {
        Identity {
            role,
            stream,
            resuming,
            offset: 0,
        }
    }

    #[test]
    fn a_receiver_keeps_to_its_stream() {
        let fresh = me(Role::Receiver, [0; 16], false);
        assert!(same_stream(&fresh, &hello(Role::Sender, 0, [1; 16])).is_ok());
        assert!(same_stream(&fresh, &hello(Role::Sender, RESUMING, [1; 16])).is_err());
        let taken = me(Role::Receiver, [1; 16], false);
        assert!(same_stream(&taken, &hello(Role::Sender, RESUMING, [1; 16])).is_ok());
        assert!(same_stream(&taken, &hello(Role::Sender, 0, [2; 16])).is_err());
    }

    #[test]
    fn a_sender_resumes_only_with_its_receiver() {
        let fresh = me(Role::Sender, [1; 16], false);
        assert!(same_stream(&fresh, &hello(Role::Receiver, 0, [0; 16])).is_ok());
        assert!(same_stream(&fresh, &hello(Role::Receiver, 0, [2; 16])).is_err());
        let resuming = me(Role::Sender, [1; 16], true);
        assert!(same_stream(&resuming, &hello(Role::Receiver, 0, [1; 16])).is_ok());
        assert!(same_stream(&resuming, &hello(Role::Receiver, 0, [0; 16])).is_err());
    }
}
