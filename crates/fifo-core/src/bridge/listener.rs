//! Listening for peers: a bound TCP or Unix socket, the kernel's word on
//! who connected, and the socket file a Unix listener makes (in the
//! directory an open would reach) and removes.

use std::io::{self, Write};
use std::net::TcpListener;
use std::os::fd::OwnedFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use super::error::{Error, Step};
use super::link::{Endpoint, Link, Transport};
use super::peer::{Trust, Whose, tcp_owner, unix_owner};

/// A bound listening socket.
#[derive(Debug)]
pub(crate) struct Listener {
    socket: Socket,
    trust: Trust,
    /// Peers prove a key: the owner of a TCP peer is not looked up.
    keyed: bool,
}

#[derive(Debug)]
enum Socket {
    Tcp(TcpListener),
    Unix(UnixListener),
}

/// The socket file a Unix listener made, removed when this is dropped
/// (while the listener's thread may still run).
#[derive(Debug)]
pub(crate) struct SocketFile {
    /// Keeps the directory that `path` reaches through `/proc/self/fd`.
    _dir: Option<OwnedFd>,
    path: PathBuf,
    /// Device and inode of the socket made, so that only it is removed,
    /// not a file put there since.
    made: (u64, u64),
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::symlink_metadata(&self.path) {
            if (meta.dev(), meta.ino()) == self.made {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}

/// Where a listener's socket file is made, looked at and removed: the
/// directory of `path` reached as an open reaches it (through no other
/// user's symlink in a world-writable sticky directory, on the way or
/// last), held, and named through `/proc/self/fd` so that every later
/// step acts in that very directory. Without `/proc/self/fd`, or when that
/// name would not fit a socket address, `path` as given.
fn place(path: &Path) -> Result<(Option<OwnedFd>, PathBuf), String> {
    use std::os::fd::AsFd;
    let parent = match crate::open::parent(path) {
        Ok(Some(parent)) => parent,
        Err(crate::Error::Unsafe { reason, .. }) => return Err(format!("refusing {reason}")),
        // No entry to name, or a directory that cannot be opened: the
        // bind by path says what is wrong with it.
        Ok(None) | Err(_) => return Ok((None, path.to_owned())),
    };
    match crate::sys::at::socket_path_in(parent.dir.as_fd(), parent.name.as_os_str()) {
        Some(by_fd) => Ok((Some(parent.dir), by_fd)),
        None => Ok((None, path.to_owned())),
    }
}

/// Whether `path` is a socket of this user that nobody listens on: left by
/// a listener killed before it could remove it, and safe to replace. A
/// file of any other kind or owner is never touched.
fn stale(path: &Path) -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    std::fs::symlink_metadata(path).is_ok_and(|meta| {
        meta.file_type().is_socket()
            && meta.uid() == nix::unistd::Uid::effective().as_raw()
            && UnixStream::connect(path)
                .is_err_and(|err| err.kind() == io::ErrorKind::ConnectionRefused)
    })
}

impl Listener {
    /// Binds `endpoint`, which listens, for peers of users `trust` trusts
    /// (over TCP, any user when `keyed`: the key proves them); for a Unix
    /// socket, also returns its file. A Unix socket is never made over an
    /// existing file (bind refuses: nothing planted is followed).
    ///
    /// # Errors
    /// [`Error::Link`] when it cannot listen.
    pub(crate) fn bind(
        endpoint: &Endpoint,
        trust: Trust,
        keyed: bool,
    ) -> Result<(Self, Option<SocketFile>), Error> {
        let failed = |err| Error::link(&endpoint.name, Step::Listen, err);
        // The socket's mode is the umask's: owner only, or anyone when
        // other users are trusted (the kernel's word on who connected is
        // checked at accept). Never the caller's umask, which may take the
        // owner's own rights.
        let mask = if trust.others() { 0 } else { 0o077 };
        let serving = |socket| Self {
            socket,
            trust,
            keyed,
        };
        match &endpoint.transport {
            Transport::TcpListen(addr) => {
                let socket = Socket::Tcp(TcpListener::bind(addr).map_err(failed)?);
                Ok((serving(socket), None))
            }
            Transport::UnixListen(given) => {
                use std::os::unix::fs::MetadataExt;
                let (dir, path) = place(given).map_err(|why| Error::Refused {
                    endpoint: endpoint.name.clone(),
                    why,
                })?;
                let path = &path;
                let bind = || crate::create::with_umask(mask, || UnixListener::bind(path));
                let listener = match bind() {
                    Err(err) if err.kind() == io::ErrorKind::AddrInUse && stale(path) => {
                        let _ = std::fs::remove_file(path);
                        bind()
                    }
                    bound => bound,
                }
                .map_err(failed)?;
                let meta = std::fs::symlink_metadata(path).map_err(failed)?;
                let file = SocketFile {
                    _dir: dir,
                    path: path.clone(),
                    made: (meta.dev(), meta.ino()),
                };
                Ok((serving(Socket::Unix(listener)), Some(file)))
            }
            _ => unreachable!("only listening endpoints bind"),
        }
    }

    /// Waits for the next peer. `Ok(Err(why))` is a peer turned away (a
    /// user not trusted), `Err` a failure of the listener itself.
    pub(crate) fn accept(&self) -> io::Result<Result<Link, String>> {
        // The kernel's word on who connected, not the peer's claim.
        match &self.socket {
            Socket::Tcp(listener) => {
                let mut stream = listener.accept()?.0;
                let owner = if self.keyed {
                    Ok(Whose::Untold)
                } else {
                    tcp_owner(&stream)
                };
                Ok(match self.refusal(owner) {
                    Some(why) => Err(turn_away(&mut stream, why)),
                    None => Ok(Link::tcp(stream)?),
                })
            }
            Socket::Unix(listener) => {
                let mut stream = listener.accept()?.0;
                Ok(match self.refusal(unix_owner(&stream).map(Whose::User)) {
                    Some(why) => Err(turn_away(&mut stream, why)),
                    None => Ok(Link::unix(stream)?),
                })
            }
        }
    }

    fn refusal(&self, owner: io::Result<Whose>) -> Option<String> {
        match owner {
            Ok(whose) => self.trust.tcp_refusal(whose, "connect"),
            Err(err) => Some(format!(
                "cannot tell who connected: {}",
                crate::error::describe(&err)
            )),
        }
    }
}

/// Tells a peer turned away why, so that it does not try again and again.
fn turn_away(stream: &mut impl Write, why: String) -> String {
    let _ = super::wire::write_frame(stream, &super::wire::Frame::Fail(why.clone()));
    why
}
