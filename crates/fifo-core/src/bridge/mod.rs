//! Bridges: one FIFO's stream carried to another host, container or VM,
//! with nothing lost or duplicated when the link drops.
//!
//! A sending bridge reads local data (a FIFO, a file, a descriptor) and a
//! receiving bridge writes it to local data at the other end; between them
//! runs a transport ([`Transport`]: TCP, a Unix socket, a command such as
//! ssh, or standard input and output). The sender keeps what it read in a
//! bounded replay buffer until the receiver says it has written it; when a
//! link drops, the side that connected connects again, the receiver says
//! how far it got and the sender sends the rest. The wire protocol is
//! `docs/bridge.md`.
//!
//! ```
//! use std::os::fd::OwnedFd;
//! use fifo_core::Subject;
//! use fifo_core::bridge::{Bridge, Endpoint, Options, Transport};
//!
//! let dir = tempfile::tempdir()?;
//! let socket = dir.path().join("s");
//! let listen = Endpoint { name: "unix-listen".into(), transport: Transport::UnixListen(socket.clone()) };
//! let connect = Endpoint { name: "unix".into(), transport: Transport::Unix(socket) };
//! let (src, mut feed) = std::io::pipe()?;
//! let (mut out, dst) = std::io::pipe()?;
//! let receiver = Bridge::new(Options::default()).receiving(listen)?;
//! let receiving = std::thread::spawn(move || receiver.receive(OwnedFd::from(dst), Subject::Stdout));
//! std::io::Write::write_all(&mut feed, b"hello")?;
//! drop(feed);
//! let sent = Bridge::new(Options::default()).send(OwnedFd::from(src), Subject::Stdin, connect)?;
//! assert_eq!(sent, 5);
//! assert_eq!(receiving.join().unwrap()?, 5);
//! let mut got = String::new();
//! std::io::Read::read_to_string(&mut out, &mut got)?;
//! assert_eq!(got, "hello");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod auth;
mod error;
mod handshake;
mod link;
mod listener;
mod peer;
mod receiver;
mod replay;
mod sender;
mod session;
#[cfg(test)]
mod tests;
mod wire;

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

pub use auth::{Key, KeyError, MIN_KEY_LEN};
pub use error::{Error, Step};
pub use link::{Endpoint, Transport};
pub use wire::{MAX_DATA, VERSION};

use crate::Subject;
use crate::transfer::progress::Progress;
use crate::transfer::rate::RateLimit;
use handshake::Identity;
use session::{Links, Shared};
use wire::Role;

/// The replay buffer's size when none is given: 16 MiB, several seconds
/// of a fast link's worth of data in flight.
pub const DEFAULT_REPLAY_BUFFER: usize = 16 << 20;

/// How a bridge behaves.
#[derive(Debug)]
#[non_exhaustive]
pub struct Options {
    /// Bytes read but not yet acknowledged that the sender keeps; also the
    /// largest framed message either side accepts.
    pub replay_buffer: usize,
    /// How long to try to get a link again after one drops (and, for the
    /// side that connects, to get the first); `None`: for ever.
    pub retry: Option<Duration>,
    /// How long a listening side waits for its first peer; `None` (the
    /// default): for ever. For a listener that a process started for one
    /// peer (a keeper that a relay started): if that peer never comes,
    /// nobody will.
    pub first_link: Option<Duration>,
    /// The shared key both sides must prove.
    pub key: Option<Key>,
    /// Users besides this process's own and root whose bridges on this
    /// host may be the peer over a Unix socket, or over TCP without a key
    /// (as the kernel tells the owner of the peer's socket: on Linux).
    pub allow_uids: Vec<u32>,
    /// The data is framed messages (`crate::transfer::frame`), carried whole.
    pub frame: bool,
    /// Told the bytes read (sender) or written (receiver).
    pub progress: Option<Progress>,
    /// Caps the rate at which the sender reads its data.
    pub rate_limit: Option<RateLimit>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            replay_buffer: DEFAULT_REPLAY_BUFFER,
            retry: Some(Duration::from_secs(60)),
            first_link: None,
            key: None,
            allow_uids: Vec::new(),
            frame: false,
            progress: None,
            rate_limit: None,
        }
    }
}

/// What happens along the way, for a front end to report or not.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// A link is up (the endpoint's name).
    Linked(String),
    /// The link dropped; another is being sought.
    Lost(Error),
    /// An attempt to connect failed; another follows.
    Retrying(Error),
    /// A listener turned a peer away (wrong key, garbage, another user or
    /// stream) and goes on serving.
    Dropped(Error),
}

type Events = Arc<dyn Fn(Event) + Send + Sync>;

/// Tells a peer bridge on `out` that this side gives up, and why, as its
/// first message: for a process that relays a transport to a bridge that
/// could not start. The peer reports `why` and does not try again.
///
/// # Errors
/// As `out`'s.
pub fn refuse(out: &mut impl std::io::Write, why: &str) -> std::io::Result<()> {
    wire::write_frame(out, &wire::Frame::Fail(why.to_owned()))
}

/// The user owning the listener at the other end of a connected Unix
/// socket, as the kernel recorded it when that socket listened
/// (`SO_PEERCRED`), never as it claims: for a process that relays a
/// transport to a bridge of its own user's, to know that the socket it
/// reached by a path is that bridge's.
///
/// # Errors
/// When the system does not say.
pub fn listener_uid(stream: &std::os::unix::net::UnixStream) -> std::io::Result<u32> {
    peer::unix_owner(stream)
}

/// One bridge: built with [`Options`], then run as the sending or the
/// receiving side.
pub struct Bridge {
    options: Options,
    events: Events,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Bridge {
    /// A bridge with these options, whose events go nowhere.
    #[must_use]
    pub fn new(options: Options) -> Self {
        Self {
            options,
            events: Arc::new(|_| {}),
        }
    }

    /// Passes every [`Event`] to `events` (from any thread).
    #[must_use]
    pub fn on_event(mut self, events: impl Fn(Event) + Send + Sync + 'static) -> Self {
        self.events = Arc::new(events);
        self
    }

    fn links(&self, to: Endpoint, identity: Identity) -> Result<(Links, Arc<Shared>), Error> {
        let shared = Shared::new(identity);
        let links = Links::new(
            to,
            self.options.key.clone(),
            peer::Trust::new(self.options.allow_uids.clone()),
            self.options.retry,
            self.options.first_link,
            Arc::clone(&shared),
            Arc::clone(&self.events),
        )?;
        Ok((links, shared))
    }

    /// Reads `src` (named `subject`) to its end and carries it to the
    /// receiver at `to`; returns the bytes carried once the receiver has
    /// written them all.
    ///
    /// # Errors
    /// [`Error`]: the source failed, the transport failed for longer than
    /// the retry time, or the peer refused or failed.
    pub fn send(mut self, src: OwnedFd, subject: Subject, to: Endpoint) -> Result<u64, Error> {
        let identity = Identity {
            role: Role::Sender,
            stream: auth::random(),
            resuming: false,
            offset: 0,
        };
        let (links, shared) = self.links(to, identity)?;
        let source = sender::Source {
            fd: src,
            subject,
            frame: self.options.frame,
            progress: self.options.progress.take(),
            rate: self.options.rate_limit.take(),
        };
        sender::send(
            source,
            links,
            &shared,
            self.options.replay_buffer,
            &self.events,
        )
    }

    /// Starts the receiving side at `from`: a listening transport is bound
    /// now, so that an address in use is reported before anything waits.
    ///
    /// # Errors
    /// As [`Receiving::receive`], for the binding.
    pub fn receiving(self, from: Endpoint) -> Result<Receiving, Error> {
        let identity = Identity {
            role: Role::Receiver,
            stream: [0; 16],
            resuming: false,
            offset: 0,
        };
        let (links, shared) = self.links(from, identity)?;
        Ok(Receiving {
            bridge: self,
            links,
            shared,
        })
    }
}

/// A receiving bridge whose transport is ready.
#[derive(Debug)]
pub struct Receiving {
    bridge: Bridge,
    links: Links,
    shared: Arc<Shared>,
}

impl Receiving {
    /// Writes the stream received to `dst` (named `subject`) until the
    /// sender's end of file, then closes `dst`; returns the bytes written.
    ///
    /// # Errors
    /// [`Error`]: writing `dst` failed (the sender is told), the transport
    /// failed for longer than the retry time, or the peer refused or failed.
    pub fn receive(mut self, dst: OwnedFd, subject: Subject) -> Result<u64, Error> {
        let options = &mut self.bridge.options;
        let sink = receiver::Sink {
            fd: dst,
            subject,
            frame: options.frame,
            max_message: options.replay_buffer,
            progress: options.progress.take(),
        };
        receiver::receive(sink, self.links, &self.shared, &self.bridge.events)
    }
}
