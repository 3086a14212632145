//! Transports: where a bridge's peer is, and one connection to it (a
//! [`Link`]) made by connecting, accepting, or starting a command whose
//! standard input and output reach the peer.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::error::{Error, Step};
use super::peer::{Trust, Whose, closing_listener, tcp_owner, unix_owner};

/// Where the peer is, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// Connect to a TCP port.
    Tcp {
        /// A host name or address.
        host: String,
        /// The port.
        port: u16,
    },
    /// Listen on a TCP address.
    TcpListen(SocketAddr),
    /// Connect to a Unix socket.
    Unix(PathBuf),
    /// Listen on a new Unix socket at this path (never made over an
    /// existing file).
    UnixListen(PathBuf),
    /// This process's own standard input and output.
    Stdio,
    /// A command (program and arguments) whose standard input and output
    /// reach the peer; started again for every new link.
    Command(Vec<OsString>),
}

impl Transport {
    /// Whether this side waits for peers rather than reaching out.
    #[must_use]
    pub fn listens(&self) -> bool {
        matches!(self, Self::TcpListen(_) | Self::UnixListen(_))
    }
}

/// A transport with the name messages give it (the operand as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// How messages name it, e.g. `tcp:db:7000`.
    pub name: String,
    /// Where it leads.
    pub transport: Transport,
}

/// What can end a link from outside, so that a thread blocked on it
/// returns: a socket shut down, a command killed.
#[derive(Clone)]
pub(crate) struct Closer(Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for Closer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Closer")
    }
}

impl Closer {
    pub(crate) fn close(&self) {
        (self.0)();
    }
}

/// The send buffer asked for on a Unix socket link (the system caps it
/// at `net.core.wmem_max`).
const UNIX_SEND_BUFFER: usize = 2 << 20;

/// One connection to the peer.
pub(crate) struct Link {
    pub(crate) reader: Box<dyn Read + Send>,
    pub(crate) writer: Box<dyn Write + Send>,
    pub(crate) closer: Closer,
    /// For sockets: bounds a read (the handshake with a peer that says
    /// nothing, the wait for a finished peer to hang up).
    timeout: Option<Box<dyn Fn(Option<Duration>) + Send>>,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Link")
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.closer.close();
    }
}

impl Link {
    /// Takes the reading half, for a thread of its own.
    pub(crate) fn take_reader(&mut self) -> Box<dyn Read + Send> {
        std::mem::replace(&mut self.reader, Box::new(io::empty()))
    }

    /// Bounds each read from now on (`None`: no bound); nothing for
    /// transports other than sockets.
    pub(crate) fn read_timeout(&self, limit: Option<Duration>) {
        if let Some(set) = &self.timeout {
            set(limit);
        }
    }

    pub(super) fn tcp(stream: TcpStream) -> io::Result<Self> {
        stream.set_nodelay(true)?;
        keep_alive(&stream)?;
        Self::socket(
            stream,
            TcpStream::try_clone,
            TcpStream::shutdown,
            TcpStream::set_read_timeout,
        )
    }

    pub(super) fn unix(stream: UnixStream) -> io::Result<Self> {
        // Room for a few DATA messages, as in a stdio link's pipes: the
        // default holds less than one, so the reader (a relay that ssh
        // started) would wake for each part. The system may cap it.
        let _ = nix::sys::socket::setsockopt(
            &stream,
            nix::sys::socket::sockopt::SndBuf,
            &UNIX_SEND_BUFFER,
        );
        Self::socket(
            stream,
            UnixStream::try_clone,
            UnixStream::shutdown,
            UnixStream::set_read_timeout,
        )
    }

    /// A link over a connected socket of either kind: a clone reads, one
    /// shuts it down from any thread, one sets the read timeout.
    fn socket<S: Read + Write + Send + Sync + 'static>(
        stream: S,
        clone: fn(&S) -> io::Result<S>,
        shutdown: fn(&S, Shutdown) -> io::Result<()>,
        set_timeout: fn(&S, Option<Duration>) -> io::Result<()>,
    ) -> io::Result<Self> {
        let (reader, control, timed) = (clone(&stream)?, clone(&stream)?, clone(&stream)?);
        Ok(Self {
            reader: Box::new(reader),
            writer: Box::new(stream),
            closer: Closer(Arc::new(move || {
                let _ = shutdown(&control, Shutdown::Both);
            })),
            timeout: Some(Box::new(move |limit| {
                let _ = set_timeout(&timed, limit);
            })),
        })
    }

    /// This process's standard input and output, as duplicates (so that
    /// dropping the link closes neither).
    fn stdio() -> io::Result<Self> {
        let input = io::stdin().as_fd().try_clone_to_owned()?;
        let output = io::stdout().as_fd().try_clone_to_owned()?;
        raise_pipes(input.as_fd(), output.as_fd());
        Ok(Self {
            reader: Box::new(std::fs::File::from(input)),
            writer: Box::new(std::fs::File::from(output)),
            closer: Closer(Arc::new(|| {})),
            timeout: None,
        })
    }

    /// Starts `argv` with its standard input and output as the link; its
    /// standard error is this process's, so ssh can ask and complain.
    fn command(argv: &[OsString]) -> io::Result<Self> {
        let (program, rest) = argv
            .split_first()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no command"))?;
        let mut child = std::process::Command::new(program)
            .args(rest)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(io::Error::other("the command has no pipes"));
        };
        raise_pipes(input.as_fd(), output.as_fd());
        let child: Arc<Mutex<Child>> = Arc::new(Mutex::new(child));
        Ok(Self {
            reader: Box::new(output),
            writer: Box::new(input),
            closer: Closer(Arc::new(move || {
                let mut child = child
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if matches!(child.try_wait(), Ok(None)) {
                    let _ = child.kill();
                }
                let _ = child.wait();
            })),
            timeout: None,
        })
    }
}

/// Raises the pipes of a stdio link (an `ssh` or `docker exec` between
/// the bridges) as `cat` raises a FIFO's: a pipe's cost is per wakeup,
/// and the default 64 KiB holds a quarter of one DATA message. Nothing
/// happens to a link that is not a pipe.
fn raise_pipes(input: BorrowedFd<'_>, output: BorrowedFd<'_>) {
    for fd in [input, output] {
        let _ = crate::open::capacity::raise(fd);
    }
}

/// How long a TCP link may be idle before the kernel asks the peer's
/// whether it is there, how often it asks again, and how many times: a
/// link whose peer's host vanished (a cable pulled, a NAT that forgot the
/// connection) fails after about 25 s instead of never. A peer's host
/// that answers is alive even when the bridge there is stopped: that is
/// no different from a reader that is slow.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
const KEEPALIVE: (u32, u32, u32) = (10, 5, 3);

/// Turns on TCP keepalive probes, at `KEEPALIVE`'s pace where the system
/// lets it be set (elsewhere, such as macOS, at the system's own pace).
fn keep_alive(stream: &TcpStream) -> io::Result<()> {
    use nix::sys::socket::{setsockopt, sockopt};
    setsockopt(stream, sockopt::KeepAlive, &true)?;
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    {
        let (idle, interval, count) = KEEPALIVE;
        setsockopt(stream, sockopt::TcpKeepIdle, &idle)?;
        setsockopt(stream, sockopt::TcpKeepInterval, &interval)?;
        setsockopt(stream, sockopt::TcpKeepCount, &count)?;
    }
    Ok(())
}

/// Connects to `host`'s `port`, each address it has tried for at most
/// `limit` (the time left to retry): a host that drops every packet does
/// not hold the bridge in connect(2) for the system's two minutes.
fn tcp_connect(host: &str, port: u16, limit: Option<Duration>) -> io::Result<TcpStream> {
    use std::net::ToSocketAddrs;
    let Some(limit) = limit else {
        return TcpStream::connect((host, port));
    };
    let limit = limit.max(Duration::from_millis(100));
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, limit) {
            Ok(stream) => return Ok(stream),
            Err(err) => last = err,
        }
    }
    Err(last)
}

/// Makes one link to `endpoint`, which does not listen. A socket whose
/// listener on this host is a user `trust` does not trust is refused
/// (for TCP only without a key, which proves the peer instead).
///
/// # Errors
/// [`Error::Link`] when it cannot be made, [`Error::Refused`] for a
/// listener of a user not trusted.
pub(crate) fn connect(
    endpoint: &Endpoint,
    trust: &Trust,
    keyed: bool,
    limit: Option<Duration>,
) -> Result<Link, Error> {
    let failed = |step| move |err| Error::link(&endpoint.name, step, err);
    let check = |why: Option<String>| match why {
        Some(why) => Err(Error::Refused {
            endpoint: endpoint.name.clone(),
            why,
        }),
        None => Ok(()),
    };
    match &endpoint.transport {
        Transport::Tcp { host, port } => {
            let stream = tcp_connect(host, *port, limit).map_err(failed(Step::Connect))?;
            if !keyed {
                let whose = tcp_owner(&stream).map_err(failed(Step::Connect))?;
                if whose == Whose::Closing {
                    return Err(closing_listener(&endpoint.name, stream));
                }
                check(trust.tcp_refusal(whose, "listen here"))?;
            }
            Link::tcp(stream).map_err(failed(Step::Connect))
        }
        Transport::Unix(path) => {
            // Through no other user's symlink in a sticky directory (such
            // a link to a private listener of this user's would take the
            // stream there): a refusal, not a link to try again.
            let file = match crate::open::socket_file::reach(path) {
                Ok(file) => file,
                Err(crate::Error::Sys { source, .. }) => return Err(failed(Step::Connect)(source)),
                Err(crate::Error::Unsafe { reason, .. }) => {
                    return Err(Error::Refused {
                        endpoint: endpoint.name.clone(),
                        why: format!("refusing {reason}"),
                    });
                }
                Err(err) => return Err(failed(Step::Connect)(io::Error::other(err))),
            };
            let stream = UnixStream::connect(file.path()).map_err(failed(Step::Connect))?;
            let uid = unix_owner(&stream).map_err(failed(Step::Connect))?;
            check(trust.refusal(uid, "listen here"))?;
            Link::unix(stream).map_err(failed(Step::Connect))
        }
        Transport::Stdio => Link::stdio().map_err(failed(Step::Connect)),
        Transport::Command(argv) => Link::command(argv).map_err(failed(Step::Spawn)),
        Transport::TcpListen(_) | Transport::UnixListen(_) => {
            unreachable!("listening endpoints accept")
        }
    }
}
