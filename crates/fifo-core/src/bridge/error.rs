//! What can go wrong in a bridge: on its local data, on its transport, or
//! with the peer at the other end.

use std::fmt;
use std::io;
use std::time::Duration;

/// The step of the transport that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Connecting to the peer.
    Connect,
    /// Listening for peers.
    Listen,
    /// Accepting a peer.
    Accept,
    /// Starting the transport's command.
    Spawn,
    /// Reading from the peer.
    Read,
    /// Writing to the peer.
    Write,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "cannot connect",
            Self::Listen => "cannot listen",
            Self::Accept => "cannot accept",
            Self::Spawn => "cannot start",
            Self::Read => "cannot read",
            Self::Write => "cannot write",
        })
    }
}

/// Everything that ends a bridge with a failure. Each names the endpoint
/// as given (`tcp:host:1234`) or, for local data, the path. As with
/// [`crate::Error`], `Display` does not repeat the source: print the whole
/// story with [`crate::error::Chain`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The local data (a FIFO, a file, a standard stream) failed.
    #[error(transparent)]
    Local(#[from] crate::Error),
    /// The transport failed at `step`; why is its source.
    #[error("{endpoint}: {step}")]
    Link {
        /// The endpoint.
        endpoint: String,
        /// What was being done.
        step: Step,
        /// Why, as the system said it.
        #[source]
        source: io::Error,
    },
    /// The peer broke the protocol (garbage, a gap in the stream).
    #[error("{endpoint}: {problem}")]
    Protocol {
        /// The endpoint.
        endpoint: String,
        /// What it did.
        problem: String,
    },
    /// The peer refused this side, or this side refused the peer, for
    /// good: another stream, a key missing or wrong.
    #[error("{endpoint}: {why}")]
    Refused {
        /// The endpoint.
        endpoint: String,
        /// Why.
        why: String,
    },
    /// No link could be made again within the retry time.
    #[error("{endpoint}: no connection for {}, giving up", humantime::format_duration(*waited))]
    RetryExhausted {
        /// The endpoint.
        endpoint: String,
        /// How long it was tried.
        waited: Duration,
    },
    /// The key file cannot be used.
    #[error(transparent)]
    Key(#[from] super::auth::KeyError),
}

impl Error {
    /// The transport error of `endpoint` at `step`.
    #[must_use]
    pub fn link(endpoint: &str, step: Step, source: io::Error) -> Self {
        Self::Link {
            endpoint: endpoint.to_owned(),
            step,
            source,
        }
    }

    /// Whether the bridge gave up waiting (a command-line front end's 124).
    #[must_use]
    pub fn timed_out(&self) -> bool {
        match self {
            Self::RetryExhausted { .. } => true,
            Self::Local(err) => matches!(
                err,
                crate::Error::TimedOut { .. } | crate::Error::WaitTimedOut { .. }
            ),
            _ => false,
        }
    }
}
