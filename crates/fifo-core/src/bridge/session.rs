//! Getting a link and keeping one: the connecting side connects again with
//! backoff, a listening side waits for its peer to come back (serving and
//! turning away others meanwhile), and `stdio` has its one link only.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::auth::Key;
use super::error::{Error, Step};
use super::handshake::{Failure, Identity, OTHER_STREAM, handshake};
use super::link::{Closer, Endpoint, Link, Transport, connect};
use super::listener::{Listener, SocketFile};
use super::peer::Trust;
use super::wire::{Frame, Hello, Role, write_frame};
use super::{Event, Events};

/// The first pause between attempts to connect; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// The longest pause between attempts to connect.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// The most peers a listener lets into their handshake at once (each has a
/// thread for up to `HELLO_TIME`); a further one ends the oldest one's
/// wait (see [`Pending`]), so that a flood of silent connections costs
/// neither memory nor threads, nor keeps the real peer out.
const MAX_HANDSHAKES: usize = 64;

/// What the bridge's engine and the listener's handshakes share.
#[derive(Debug)]
pub(crate) struct Shared {
    /// What to tell each new peer.
    pub(crate) identity: Mutex<Identity>,
    /// How to end the link in use, when a newer one replaces it.
    current: Mutex<Option<Closer>>,
}

impl Shared {
    pub(crate) fn new(identity: Identity) -> Arc<Self> {
        Arc::new(Self {
            identity: Mutex::new(identity),
            current: Mutex::new(None),
        })
    }

    pub(crate) fn identity(&self) -> Identity {
        self.identity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn update(&self, change: impl FnOnce(&mut Identity)) {
        change(
            &mut self
                .identity
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }

    /// Takes the stream of a peer that passed its handshake, for a
    /// receiver that had none: a sender of another stream whose handshake
    /// ran at the same time is refused, never merged into this one.
    fn claim(&self, peer: &Hello) -> Result<(), String> {
        let mut me = self
            .identity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if me.role == Role::Receiver && me.stream == [0; 16] {
            me.stream = peer.stream;
        } else if me.role == Role::Receiver && me.stream != peer.stream {
            return Err(OTHER_STREAM.to_owned());
        }
        Ok(())
    }

    fn replace_current(&self, closer: Option<Closer>) {
        let old = std::mem::replace(
            &mut *self
                .current
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            closer,
        );
        if let Some(old) = old {
            old.close();
        }
    }
}

/// Where links come from.
pub(crate) struct Links {
    endpoint: Endpoint,
    key: Option<Key>,
    trust: Trust,
    retry: Option<Duration>,
    /// How long a listener waits for its first peer (`None`: for ever).
    first_link: Option<Duration>,
    shared: Arc<Shared>,
    events: Events,
    listening: Option<Receiver<(Link, Hello)>>,
    /// The listener's socket file, removed when the links end.
    _socket: Option<SocketFile>,
    /// Links handed out so far.
    handed: u64,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl Links {
    /// Starts getting links for `endpoint`; a listening one is bound now,
    /// so that a port in use is reported before anything else.
    pub(crate) fn new(
        endpoint: Endpoint,
        key: Option<Key>,
        trust: Trust,
        retry: Option<Duration>,
        first_link: Option<Duration>,
        shared: Arc<Shared>,
        events: Events,
    ) -> Result<Self, Error> {
        let mut socket = None;
        let listening = if endpoint.transport.listens() {
            let (listener, file) = Listener::bind(&endpoint, trust.clone(), key.is_some())?;
            socket = file;
            let (tx, rx) = mpsc::channel();
            let (name, key, shared, events) = (
                endpoint.name.clone(),
                key.clone(),
                Arc::clone(&shared),
                events.clone(),
            );
            std::thread::spawn(move || {
                serve(&listener, &name, key.as_ref(), &shared, &events, &tx);
            });
            Some(rx)
        } else {
            None
        };
        Ok(Self {
            endpoint,
            key,
            trust,
            retry,
            first_link,
            shared,
            events,
            listening,
            _socket: socket,
            handed: 0,
        })
    }

    /// Whether another link can follow a lost one (not for stdio).
    pub(crate) fn reconnects(&self) -> bool {
        self.endpoint.transport != Transport::Stdio
    }

    /// The endpoint's name.
    pub(crate) fn name(&self) -> &str {
        &self.endpoint.name
    }

    /// The next link, handshake done, with the peer's hello: waits as long
    /// as the retry time allows since `since` (the first link: a listener
    /// waits as long as `first_link` allows, by default for ever).
    pub(crate) fn next(&mut self, since: Instant) -> Result<(Link, Hello), Error> {
        let got = match &self.listening {
            Some(rx) => {
                let wait = if self.handed > 0 {
                    self.retry
                } else {
                    self.first_link
                };
                self.accepted(rx, wait.map(|wait| (since + wait, wait)))
            }
            None => self.connected(self.retry.map(|retry| since + retry)),
        }?;
        self.handed += 1;
        Ok(got)
    }

    /// The next peer that passed its handshake, waiting until `deadline`
    /// (and the time that allowed, for the message) or for ever.
    fn accepted(
        &self,
        rx: &Receiver<(Link, Hello)>,
        deadline: Option<(Instant, Duration)>,
    ) -> Result<(Link, Hello), Error> {
        let got = match deadline {
            Some((deadline, _)) => rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .map_err(|err| err == RecvTimeoutError::Timeout),
            None => rx.recv().map_err(|_| false),
        };
        got.map_err(|timed_out| {
            if timed_out {
                Error::RetryExhausted {
                    endpoint: self.endpoint.name.clone(),
                    waited: deadline.map_or_else(Duration::default, |(_, waited)| waited),
                }
            } else {
                Error::link(
                    &self.endpoint.name,
                    Step::Accept,
                    std::io::Error::other("the listener failed"),
                )
            }
        })
    }

    fn connected(&self, deadline: Option<Instant>) -> Result<(Link, Hello), Error> {
        if self.endpoint.transport == Transport::Stdio && self.handed > 0 {
            return Err(Error::link(
                &self.endpoint.name,
                Step::Read,
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the link ended"),
            ));
        }
        let mut pause = FIRST_BACKOFF;
        loop {
            let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
            let failure = match connect(&self.endpoint, &self.trust, self.key.is_some(), left) {
                Ok(mut link) => {
                    match handshake(&mut link, &self.shared.identity(), self.key.as_ref()) {
                        Ok(hello) => return Ok((link, hello)),
                        Err(Failure::Io(err)) => Error::link(&self.endpoint.name, Step::Read, err),
                        Err(Failure::Garbage(problem)) => {
                            return Err(Error::Protocol {
                                endpoint: self.endpoint.name.clone(),
                                problem,
                            });
                        }
                        Err(Failure::Refused(why)) => {
                            return Err(Error::Refused {
                                endpoint: self.endpoint.name.clone(),
                                why,
                            });
                        }
                    }
                }
                // What waiting cannot mend: a command that does not start,
                // a socket this user may not connect to, a listener of a
                // user not trusted.
                Err(
                    err @ (Error::Link {
                        step: Step::Spawn, ..
                    }
                    | Error::Refused { .. }),
                ) => return Err(err),
                Err(err) if denied(&err) => return Err(err),
                Err(err) => err,
            };
            if self.endpoint.transport == Transport::Stdio {
                return Err(failure);
            }
            if deadline.is_some_and(|deadline| Instant::now() + pause > deadline) {
                return Err(self.exhausted());
            }
            (self.events)(Event::Retrying(failure));
            std::thread::sleep(pause);
            pause = (pause * 2).min(MAX_BACKOFF);
        }
    }

    fn exhausted(&self) -> Error {
        Error::RetryExhausted {
            endpoint: self.endpoint.name.clone(),
            waited: self.retry.unwrap_or_default(),
        }
    }
}

/// The listener's loop: every peer gets a handshake of its own (so a
/// silent one holds up nobody) and, passed, replaces the link in use.
fn serve(
    listener: &Listener,
    name: &str,
    key: Option<&Key>,
    shared: &Arc<Shared>,
    events: &Events,
    links: &Sender<(Link, Hello)>,
) {
    let pending = Arc::new(Pending::default());
    loop {
        let mut link = match listener.accept() {
            Ok(Ok(link)) => link,
            Ok(Err(why)) => {
                events(Event::Dropped(Error::Refused {
                    endpoint: name.to_owned(),
                    why,
                }));
                continue;
            }
            // A peer that left before it was accepted, or no descriptor
            // free: go on serving after a breath.
            Err(_) => {
                std::thread::sleep(FIRST_BACKOFF);
                continue;
            }
        };
        let id = pending.add(link.closer.clone());
        let pending = Arc::clone(&pending);
        let (name, key, shared, events, links) = (
            name.to_owned(),
            key.cloned(),
            Arc::clone(shared),
            events.clone(),
            links.clone(),
        );
        std::thread::spawn(move || {
            let shook = handshake(&mut link, &shared.identity(), key.as_ref());
            let evicted = !pending.remove(id);
            let why = match shook.map(|hello| (shared.claim(&hello), hello)) {
                Ok((Ok(()), hello)) => {
                    let closer = link.closer.clone();
                    if links.send((link, hello)).is_ok() {
                        shared.replace_current(Some(closer));
                    }
                    return;
                }
                Ok((Err(why), _)) => {
                    let _ = write_frame(&mut link.writer, &Frame::Fail(why.clone()));
                    why
                }
                Err(Failure::Io(_)) if evicted => format!(
                    "a peer said nothing while {MAX_HANDSHAKES} newer ones came; ended its wait"
                ),
                Err(Failure::Io(err)) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
                    "the peer hung up during the handshake".to_owned()
                }
                Err(Failure::Io(err)) => format!(
                    "the peer left during the handshake: {}",
                    crate::error::describe(&err)
                ),
                Err(Failure::Garbage(why) | Failure::Refused(why)) => why,
            };
            events(Event::Dropped(Error::Refused {
                endpoint: name,
                why,
            }));
        });
    }
}

/// The peers in their handshake, oldest first, each with the way to end
/// its link: at [`MAX_HANDSHAKES`], a new peer ends the oldest one's wait.
/// Refusing the newest instead let anyone who can connect keep every place
/// taken with silent connections renewed within `HELLO_TIME`, and the real
/// peer out for good; now such a flood must outpace one real handshake.
#[derive(Default)]
struct Pending {
    peers: Mutex<(u64, VecDeque<(u64, Closer)>)>,
}

impl Pending {
    /// Enters a peer (ending the oldest one's handshake when all places
    /// are taken) and returns its number.
    fn add(&self, closer: Closer) -> u64 {
        let mut peers = self.peers.lock().unwrap_or_else(PoisonError::into_inner);
        let (next, queue) = &mut *peers;
        if queue.len() >= MAX_HANDSHAKES {
            if let Some((_, oldest)) = queue.pop_front() {
                oldest.close();
            }
        }
        *next += 1;
        queue.push_back((*next, closer));
        *next
    }

    /// The peer numbered `id` is through its handshake (or gone); false
    /// when a newer peer had ended its wait.
    fn remove(&self, id: u64) -> bool {
        let mut peers = self.peers.lock().unwrap_or_else(PoisonError::into_inner);
        let before = peers.1.len();
        peers.1.retain(|(entered, _)| *entered != id);
        peers.1.len() < before
    }
}

/// Whether the system refused this user the transport (say, a socket
/// without write permission for it).
fn denied(err: &Error) -> bool {
    matches!(err, Error::Link { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied)
}
