//! The calls a server has taken on its call socket, each one connection
//! with no thread of its own: its request read as it arrives, then its job
//! queued, then its reply written as the caller reads it. All of it is
//! driven by the server's one loop, so a caller that stops (at any step)
//! costs the server a descriptor or three and no thread, and never holds up
//! another call.
//!
//! A call is answered only when the kernel says its caller may write the
//! FIFO ([`admits`]); nothing the caller sends says who it is.

mod intake;

use std::collections::HashMap;
use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use fifo_core::serve::{CallSocket, Credentials, admits};
use fifo_core::{Error, Subject};
use nix::errno::Errno;

use super::job::{Body, Reply};
use super::reply::{Outgoing, refuse_on};
use crate::report;

const APPLET: &str = crate::cli::applets::SERVE.name;
/// The most calls of one user whose requests are arriving at once (half of
/// [`super::server::MAX_ARRIVING`]): one user's callers that send slowly,
/// or not at all, cannot take every place, and that user's further calls
/// are refused at once, so the socket's queue drains to other users'.
pub const MAX_ARRIVING_PER_USER: usize = super::server::MAX_ARRIVING / 2;

/// Where a call is.
#[derive(Debug)]
enum Stage {
    /// Its request is arriving: the header and body so far, the body
    /// spooled once it outgrew memory.
    Reading {
        got: Vec<u8>,
        spooled: Option<File>,
        size: u64,
    },
    /// Its job is queued or running.
    Waiting,
    /// Its reply is going out.
    Replying(Outgoing),
}

#[derive(Debug)]
struct Call {
    stream: UnixStream,
    /// Its caller's user, as the kernel says.
    uid: u32,
    stage: Stage,
    /// When it last moved a byte.
    moved: Instant,
}

/// What an attempt to take a new call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// No call was waiting, or one was taken (or refused).
    Done,
    /// A call waits, but there is no descriptor left to take it with.
    Starved,
}

/// What a call's readable connection brought.
#[derive(Debug)]
pub enum Arrived {
    /// Nothing whole yet.
    More,
    /// Its request, whole.
    Request(Body),
}

/// The calls in progress, by key.
#[derive(Debug)]
pub struct Calls<'a> {
    open: HashMap<u64, Call>,
    next: u64,
    socket: &'a CallSocket,
    fifo: &'a Path,
    spool_dir: &'a Path,
    limit: u64,
    /// A descriptor kept spare, given up to refuse a call when no other
    /// is left.
    spare: Option<File>,
}

impl<'a> Calls<'a> {
    /// The calls of `socket`, beside the FIFO at `fifo`; bodies larger than
    /// `limit` are refused, those larger than memory is given for them
    /// spooled in `spool_dir`.
    ///
    /// # Errors
    /// What to say when no descriptor is left to keep spare: without one, a
    /// call that comes when none is left could be neither taken nor refused,
    /// and its caller would wait for ever while serve tried again and again.
    pub fn new(
        socket: &'a CallSocket,
        fifo: &'a Path,
        spool_dir: &'a Path,
        limit: u64,
    ) -> Result<Self, String> {
        let spare = File::open("/dev/null").map_err(|err| {
            let errno = Errno::from_raw(err.raw_os_error().unwrap_or(0));
            format!(
                "{}: too few file descriptors to serve (ulimit -n): none left to keep spare: {}",
                report::quote(fifo),
                errno.desc()
            )
        })?;
        Ok(Self {
            open: HashMap::new(),
            next: 0,
            socket,
            fifo,
            spool_dir,
            limit,
            spare: Some(spare),
        })
    }

    /// The listening socket, to poll.
    pub fn socket_fd(&self) -> BorrowedFd<'a> {
        self.socket.fd()
    }

    /// How many calls are in progress.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// True when no call is in progress.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// Whether some call holds descriptors it could give back (one whose
    /// request or reply is moving), as a queued or running one cannot.
    pub fn could_give_back(&self) -> bool {
        self.open
            .values()
            .any(|call| !matches!(call.stage, Stage::Waiting))
    }

    /// How many calls are sending their requests.
    pub fn reading(&self) -> usize {
        self.open
            .values()
            .filter(|call| matches!(call.stage, Stage::Reading { .. }))
            .count()
    }

    /// Whether some user has as many calls arriving as one user may.
    pub fn a_user_at_cap(&self) -> bool {
        let mut by_user: HashMap<u32, usize> = HashMap::new();
        self.open
            .values()
            .filter(|call| matches!(call.stage, Stage::Reading { .. }))
            .any(|call| {
                let count = by_user.entry(call.uid).or_default();
                *count += 1;
                *count >= MAX_ARRIVING_PER_USER
            })
    }

    /// How many calls of user `uid` are sending their requests.
    fn arriving_from(&self, uid: u32) -> usize {
        self.open
            .values()
            .filter(|call| call.uid == uid && matches!(call.stage, Stage::Reading { .. }))
            .count()
    }

    /// The connections to watch, with whether to wait for reading (a
    /// request arriving) or for writing (room for the reply).
    pub fn watched(&self) -> Vec<(u64, BorrowedFd<'_>, bool)> {
        self.open
            .iter()
            .filter_map(|(key, call)| match call.stage {
                Stage::Reading { .. } => Some((*key, call.stream.as_fd(), true)),
                Stage::Replying(_) => Some((*key, call.stream.as_fd(), false)),
                Stage::Waiting => None,
            })
            .collect()
    }

    /// Takes the next waiting call, if any, checking who made it; one that
    /// may not write the FIFO (held as `held`) is refused.
    pub fn take(&mut self, held: BorrowedFd<'_>) -> Taken {
        let stream = match self.socket.accept() {
            Ok(Some(stream)) => stream,
            Ok(None) => return Taken::Done,
            Err(err)
                if matches!(
                    err.raw_os_error().map(Errno::from_raw),
                    Some(Errno::EMFILE | Errno::ENFILE)
                ) =>
            {
                return Taken::Starved;
            }
            Err(err) => {
                report::failure(
                    APPLET,
                    &Error::sys(
                        Subject::path(self.socket.path()),
                        fifo_core::Action::Open,
                        err,
                    ),
                );
                return Taken::Done;
            }
        };
        // The kernel's word on who connected, checked against who may write
        // the FIFO: a call runs CMD only for those who could have queued
        // the same request on the FIFO themselves.
        let subject = Subject::path(self.socket.path());
        let admitted = Credentials::of_peer(stream.as_fd(), &subject).and_then(|caller| {
            admits(held, &caller, &Subject::path(self.fifo)).map(|ok| (ok, caller.uid))
        });
        let uid = match admitted {
            Ok((true, uid)) => uid,
            Ok((false, uid)) => {
                let text = format!("uid {uid} may not write {}", report::quote(self.fifo));
                report::message(APPLET, &format!("a call refused: {text}"));
                refuse_on(&stream, &text);
                return Taken::Done;
            }
            Err(err) => {
                report::failure(APPLET, &err);
                return Taken::Done;
            }
        };
        if self.arriving_from(uid) >= MAX_ARRIVING_PER_USER {
            let text = format!(
                "uid {uid} has {MAX_ARRIVING_PER_USER} calls arriving already; try again later"
            );
            report::message(APPLET, &format!("a call refused: {text}"));
            refuse_on(&stream, &text);
            return Taken::Done;
        }
        if stream.set_nonblocking(true).is_err() {
            return Taken::Done;
        }
        self.next += 1;
        let stage = Stage::Reading {
            got: Vec::new(),
            spooled: None,
            size: 0,
        };
        self.open.insert(
            self.next,
            Call {
                stream,
                uid,
                stage,
                moved: Instant::now(),
            },
        );
        Taken::Done
    }

    /// With no descriptor left and nothing in progress that could give one
    /// back: takes the waiting call with the spare descriptor and refuses
    /// it, saying why, so that no caller waits for an answer that cannot
    /// come.
    pub fn refuse_starved(&mut self) {
        self.spare = None;
        if let Ok(Some(stream)) = self.socket.accept() {
            let text = "the server has no file descriptor left (Too many open files)";
            report::message(APPLET, &format!("a call refused: {text}"));
            refuse_on(&stream, text);
        }
        self.spare = File::open("/dev/null").ok();
    }

    /// Starts sending a job's reply to its caller.
    pub fn reply(&mut self, reply: Reply) {
        let (key, number) = (reply.call, reply.number);
        let Some(call) = self.open.get_mut(&key) else {
            return;
        };
        match Outgoing::new(reply) {
            Ok(outgoing) => call.stage = Stage::Replying(outgoing),
            Err(err) => {
                self.refuse(key, &err.to_string());
                return;
            }
        }
        call.moved = Instant::now();
        self.send(key, Some(number));
    }

    /// Writes what call `key`'s caller has room for; forgets the call once
    /// its reply is all out, or its caller gone (`number` names the
    /// request in the note saying so).
    pub fn send(&mut self, key: u64, number: Option<u64>) {
        let Some(call) = self.open.get_mut(&key) else {
            return;
        };
        let Stage::Replying(outgoing) = &mut call.stage else {
            return;
        };
        match outgoing.write_to(&call.stream, &mut call.moved) {
            Ok(false) => {}
            Ok(true) => {
                self.open.remove(&key);
            }
            Err(err) => {
                self.open.remove(&key);
                let which = number.map_or_else(|| "a call".to_owned(), |n| format!("request {n}"));
                let why = if matches!(
                    err.raw_os_error().map(Errno::from_raw),
                    Some(Errno::EPIPE | Errno::ECONNRESET)
                ) {
                    "the caller is gone".to_owned()
                } else {
                    err.to_string()
                };
                report::message(APPLET, &format!("{which}: the reply is lost: {why}"));
            }
        }
    }

    /// Tells call `key`'s caller that its request is not run, and why.
    pub fn refuse(&mut self, key: u64, why: &str) {
        if let Some(call) = self.open.remove(&key) {
            refuse_on(&call.stream, why);
        }
    }

    /// Gives up the calls that moved no byte for `quiet` (callers that
    /// stopped): the server is out of descriptors, or of room for calls,
    /// and they hold some.
    /// Returns how many went.
    pub fn drop_stalled(&mut self, quiet: Duration) -> usize {
        let stalled: Vec<u64> = self
            .open
            .iter()
            .filter(|(_, call)| {
                !matches!(call.stage, Stage::Waiting) && call.moved.elapsed() >= quiet
            })
            .map(|(key, _)| *key)
            .collect();
        for key in &stalled {
            let text = format!(
                "the caller moved no byte for {}s while the server was at its limit",
                quiet.as_secs()
            );
            report::message(APPLET, &format!("a call dropped: {text}"));
            // A reply half sent cannot take a record more: it just ends.
            match self.open.get(key).map(|call| &call.stage) {
                Some(Stage::Replying(_)) => drop(self.open.remove(key)),
                _ => self.refuse(*key, &text),
            }
        }
        stalled.len()
    }

    /// Sends every reply still going out, waiting for its caller to read it:
    /// serve ends only once they are out.
    pub fn finish(&mut self) {
        let keys: Vec<u64> = self.open.keys().copied().collect();
        for key in keys {
            if let Some(call) = self.open.get_mut(&key) {
                let _ = call.stream.set_nonblocking(false);
            }
            self.send(key, None);
        }
    }
}
