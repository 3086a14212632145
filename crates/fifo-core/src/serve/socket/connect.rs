//! The caller's side of the call socket: reaching the server of a FIFO,
//! and only one that may answer it.

use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::Path;

use nix::errno::Errno;
#[cfg(any(target_os = "linux", target_os = "android"))]
use nix::fcntl::OFlag;
#[cfg(any(target_os = "linux", target_os = "android"))]
use nix::sys::stat::{Mode, fstat};
use nix::unistd::geteuid;

use super::{planted, socket_path, split};
#[cfg(any(target_os = "linux", target_os = "android"))]
use crate::FileKind;
use crate::serve::access::Credentials;
use crate::{Action, Error, Result, Subject, sys};

/// Connects to the server that answers calls on the FIFO at `fifo`, and
/// makes sure it may: it must run as the FIFO's owner, as root, or as this
/// process's user ([`Credentials::may_answer`]).
///
/// # Errors
/// [`Error::Sys`] naming the socket: `ENOENT` or `ECONNREFUSED` when no
/// server listens, `EAGAIN` when one does but its queue of connections is
/// full (try again), `EACCES` when this user may not call; or naming the
/// FIFO when it cannot be looked at. [`Error::Unsafe`] for a server that
/// may not answer.
pub fn connect(fifo: &Path) -> Result<UnixStream> {
    let path = socket_path(fifo);
    let stream = connect_unplanted(&path)?;
    let server = Credentials::of_peer(stream.as_fd(), &Subject::path(&path))?;
    let owner = crate::open::stat_followed(fifo)?.st_uid;
    if !server.may_answer(owner, geteuid().as_raw()) {
        return Err(planted(
            &path,
            &format!(
                "a server of uid {}, who is neither the FIFO's owner (uid {owner}) nor root nor you",
                server.uid
            ),
        ));
    }
    Ok(stream)
}

/// Connects to the socket at `path`, never through a symlink that another
/// user put there (one of this user's or root's is followed: the caller's
/// own doing): in a shared directory, it could lead a call to a server
/// that only the caller may reach, as the caller. On Linux the socket is
/// reached through a descriptor of the very file checked (`/proc/self/fd`
/// of an `O_PATH` descriptor), so that a swap after the check counts for
/// nothing.
fn connect_unplanted(path: &Path) -> Result<UnixStream> {
    let subject = || Subject::path(path);
    let (dir_path, name) = split(path);
    // The directory too is reached as an open reaches a FIFO's: through
    // no other user's symlink in a world-writable sticky directory
    // (`/tmp/dir ->` root's private directory would lead root's call to a
    // service there, as the last name's link would).
    let dir = match crate::open::parent(path)? {
        Some(parent) => parent.dir,
        None => sys::at::open_dir(dir_path)
            .map_err(|errno| Error::sys(Subject::path(dir_path), Action::Open, errno))?,
    };
    let me = geteuid().as_raw();
    let link = sys::at::read_symlink_at(dir.as_fd(), &name)
        .map_err(|errno| Error::sys(subject(), Action::Open, errno))?;
    match link {
        Some((stat, _)) if stat.st_uid != me && stat.st_uid != 0 => {
            return Err(planted(path, &format!("a symlink of uid {}", stat.st_uid)));
        }
        Some(_) => {}
        #[cfg(any(target_os = "linux", target_os = "android"))]
        None if Path::new("/proc/self/fd").is_dir() => {
            use std::os::fd::AsRawFd;
            let flags = OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
            let file = nix::fcntl::openat(&dir, name.as_os_str(), flags, Mode::empty())
                .map_err(|errno| Error::sys(subject(), Action::Open, errno))?;
            let stat = fstat(&file).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
            if FileKind::of(&stat) == FileKind::Symlink {
                return Err(planted(path, "a symlink made meanwhile"));
            }
            let by_fd = format!("/proc/self/fd/{}", file.as_raw_fd());
            return connect_now(Path::new(&by_fd))
                .map_err(|errno| Error::sys(subject(), Action::Open, errno));
        }
        None => {}
    }
    connect_now(path).map_err(|errno| Error::sys(subject(), Action::Open, errno))
}

/// Connects to the socket at `path` without waiting in connect(2), and
/// returns the connection in blocking mode. While the server's queue of
/// connections is full (it takes none while its jobs are all busy), a
/// blocking connect waits, however long, whatever time limit the caller
/// has; this fails with `EAGAIN` instead, for the caller to try again.
pub(super) fn connect_now(path: &Path) -> nix::Result<UnixStream> {
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, UnixAddr, socket};
    use std::os::fd::AsRawFd;
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    let flags = SockFlag::SOCK_CLOEXEC;
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    let flags = SockFlag::empty();
    let fd = socket(AddressFamily::Unix, SockType::Stream, flags, None)?;
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    nix::fcntl::fcntl(
        &fd,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )?;
    let stream = UnixStream::from(fd);
    let errno = |err: std::io::Error| Errno::from_raw(err.raw_os_error().unwrap_or(0));
    stream.set_nonblocking(true).map_err(errno)?;
    nix::sys::socket::connect(stream.as_raw_fd(), &UnixAddr::new(path)?)?;
    stream.set_nonblocking(false).map_err(errno)?;
    Ok(stream)
}
