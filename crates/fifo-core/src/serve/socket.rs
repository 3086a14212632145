//! The call socket: a Unix stream socket beside a served FIFO, `PATH.sock`,
//! on which `fifo call` sends one request and gets its reply back on the
//! same connection.
//!
//! A FIFO carries no sender identity, so a reply address inside a request
//! would be a claim that a server could only take on trust. A connection
//! has a peer the kernel names, and its reply can only go back to whoever
//! made it. The socket is made safely: never through or over another
//! user's file (one in the way is refused, not replaced), under its name
//! only once its mode is the FIFO's (never wider before), and removed when
//! the server ends.
//! Who may connect is decided twice, by the same rule: by the kernel, from
//! the socket file's mode (the FIFO's permission bits), and by the server,
//! from the peer's credentials against the FIFO's mode as it is now
//! ([`admits`]).

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FchmodatFlags, FileStat, Mode, fchmodat, fstat, fstatat};
use nix::unistd::{Gid, Uid, UnlinkatFlags, fchownat, geteuid, linkat, unlinkat};

use super::access::Credentials;
use crate::{Action, Error, FileKind, Result, Subject};

mod connect;
mod made_as;
pub use connect::connect;
use connect::connect_now;
#[cfg(test)]
use made_as::made_as;
use made_as::made_at;

#[cfg(test)]
mod tests;

/// Where the server of the FIFO at `fifo` answers calls: `fifo` with
/// `.sock` added.
#[must_use]
pub fn socket_path(fifo: &Path) -> PathBuf {
    let mut path = fifo.as_os_str().to_owned();
    path.push(".sock");
    PathBuf::from(path)
}

/// A listening call socket, removed when dropped (if it is still the one
/// made here).
#[derive(Debug)]
pub struct CallSocket {
    listener: UnixListener,
    path: PathBuf,
    dir: OwnedFd,
    name: OsString,
    /// The socket file made ([`identity`]), once it is.
    made: Option<(i128, u64)>,
}

impl CallSocket {
    /// Makes and listens on the call socket of the FIFO at `fifo`, held
    /// open as `held`, with the FIFO's permission bits.
    ///
    /// A socket of this user or of the FIFO's owner that nobody listens on
    /// (left by a server that was killed) is replaced; anything else in
    /// the way is refused: a live socket ([`Error::Sys`] with `EADDRINUSE`:
    /// another server answers there), or another user's file or anything
    /// not a socket ([`Error::Unsafe`]), which is never followed, removed
    /// or replaced.
    ///
    /// # Errors
    /// As above, or [`Error::Sys`] naming the socket's path.
    pub fn bind(fifo: &Path, held: BorrowedFd<'_>) -> Result<Self> {
        let path = socket_path(fifo);
        let subject = || Subject::path(&path);
        let fail = |action, errno| Error::sys(subject(), action, errno);
        let (dir_path, name) = split(&path);
        // The directory is reached as the FIFO was, through no other
        // user's symlink in a world-writable sticky directory on the way,
        // and held: the socket is made in it through `/proc/self/fd`.
        let dir = if let Some(parent) = crate::open::parent(&path)? {
            parent.dir
        } else {
            let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
            nix::fcntl::open(dir_path, flags, Mode::empty())
                .map_err(|errno| fail(Action::Open, errno))?
        };
        let fifo = fstat(held).map_err(|errno| fail(Action::Stat, errno))?;
        // The socket's owner and mode are set by name after it is made: in
        // a directory where others could swap the file meanwhile, that
        // could be another file's.
        if others_may_swap(&dir) {
            return Err(refused(&path, "others may rename files in its directory"));
        }
        clear_the_way(&dir, &name, &path, fifo.st_uid)?;
        // Made under a name of its own, and linked to its real name only
        // once its owner and mode are the FIFO's: a `fifo call` waiting
        // for the server to start never meets it with no permission, which
        // would refuse the call rather than keep it waiting.
        let (made_as, bind_path) = made_at(dir.as_fd(), dir_path, &name);
        clear_the_way(&dir, &made_as, &dir_path.join(&made_as), fifo.st_uid)?;
        // The kernel gives a new socket file 0777 less the umask: with all
        // of it masked, the file is born with no permission at all, and is
        // then raised to the FIFO's bits; never wider in between. The umask
        // is the process's: this crate's changes of it take turns.
        let bound = crate::create::with_umask(0o777, || UnixListener::bind(&bind_path));
        let listener = bound.map_err(|err| match err.raw_os_error().map(Errno::from_raw) {
            // Someone made it since we looked.
            Some(Errno::EADDRINUSE) => planted(&path, "a file made meanwhile"),
            _ => Error::sys(subject(), Action::Open, err),
        })?;
        let mut socket = Self {
            listener,
            path: path.clone(),
            dir,
            name: made_as,
            made: None,
        };
        let stat = socket.ours().map_err(|errno| fail(Action::Stat, errno))?;
        socket.made = Some(identity(&stat));
        // Every step by name is taken while the file is still this user's,
        // which nobody else may swap in its directory; root gives the file
        // to the FIFO's owner last (after that, its owner could put a
        // symlink in its place, and a chmod by name would follow it).
        let mode = socket.give_group(&fifo)?;
        socket.chmod(mode)?;
        socket.give_owner(&fifo)?;
        socket.publish(name, fifo.st_uid)?;
        socket
            .listener
            .set_nonblocking(true)
            .map_err(|err| Error::sys(subject(), Action::Configure, err))?;
        Ok(socket)
    }

    /// The listening descriptor, to poll.
    #[must_use]
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.listener.as_fd()
    }

    /// The socket's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A waiting connection, in blocking mode; `None` when none waits.
    ///
    /// # Errors
    /// The `accept` error (`EMFILE` when out of descriptors: the connection
    /// stays waiting).
    pub fn accept(&self) -> std::io::Result<Option<UnixStream>> {
        match self.listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false)?;
                Ok(Some(stream))
            }
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The socket file as it is now: still the socket made here (before it
    /// is known: a socket of this user), else `EPERM`.
    fn ours(&self) -> nix::Result<FileStat> {
        let stat = fstatat(
            &self.dir,
            self.name.as_os_str(),
            AtFlags::AT_SYMLINK_NOFOLLOW,
        )?;
        let same = match self.made {
            Some(made) => made == identity(&stat),
            None => stat.st_uid == geteuid().as_raw(),
        };
        if FileKind::of(&stat) != FileKind::Socket || !same {
            return Err(Errno::EPERM);
        }
        Ok(stat)
    }

    /// Links the socket, made under a name of its own, to its real name
    /// `name` (never over anything there: a file made in its place since
    /// the way was cleared is judged as the way was cleared), and removes
    /// the name it was made under.
    fn publish(&mut self, name: OsString, owner: u32) -> Result<()> {
        let fail = |errno| Error::sys(Subject::path(&self.path), Action::Open, errno);
        let link = || {
            linkat(
                &self.dir,
                self.name.as_os_str(),
                &self.dir,
                name.as_os_str(),
                AtFlags::empty(),
            )
        };
        match link() {
            Ok(()) => {}
            // Another server of the FIFO that started at the same time
            // (and won: refused, EADDRINUSE), a file made meanwhile
            // (refused), or a dead socket (removed, and linked over).
            Err(Errno::EEXIST) => {
                clear_the_way(&self.dir, &name, &self.path, owner)?;
                link().map_err(fail)?;
            }
            Err(errno) => return Err(fail(errno)),
        }
        // What was linked is the socket made here, unless the FIFO's owner
        // (given the file in a sticky directory) swapped it meanwhile: then
        // the link made here is taken back.
        let made_as = std::mem::replace(&mut self.name, name);
        if self.ours().is_err() {
            let stat = |name| fstatat(&self.dir, name, AtFlags::AT_SYMLINK_NOFOLLOW);
            if let (Ok(linked), Ok(swapped)) = (stat(self.name.as_os_str()), stat(&made_as)) {
                if identity(&linked) == identity(&swapped) {
                    let _ = unlinkat(&self.dir, self.name.as_os_str(), UnlinkatFlags::NoRemoveDir);
                }
            }
            return Err(refused(
                &self.path,
                "another file was put in its place while it was made",
            ));
        }
        self.remove_if_made(&made_as);
        Ok(())
    }

    /// Removes `name` if it is the socket made here.
    fn remove_if_made(&self, name: &OsStr) {
        let stat = fstatat(&self.dir, name, AtFlags::AT_SYMLINK_NOFOLLOW);
        if stat.is_ok_and(|stat| self.made == Some(identity(&stat))) {
            let _ = unlinkat(&self.dir, name, UnlinkatFlags::NoRemoveDir);
        }
    }

    /// Gives the socket file the FIFO's group, if this process may (root,
    /// or a user it is one of the groups of), so that the kernel's check at
    /// connect time is the FIFO's; returns the mode to give it: the FIFO's
    /// permission bits, with the group's bits narrowed to the others' when
    /// the group could not be given (the socket's group is then this
    /// user's, whose members may have only the others' rights on the FIFO).
    fn give_group(&self, fifo: &FileStat) -> Result<Mode> {
        let bits = permissions(fifo) & 0o777;
        let group = Some(Gid::from_raw(fifo.st_gid));
        let bits = match self.chown(None, group) {
            Ok(()) => bits,
            Err(Errno::EPERM) => (bits & !0o070) | ((bits & 0o007) << 3),
            Err(errno) => {
                return Err(Error::sys(
                    Subject::path(&self.path),
                    Action::Configure,
                    errno,
                ));
            }
        };
        Ok(mode_of(bits))
    }

    /// Root gives the socket file to the FIFO's owner; any other user
    /// keeps it (and may not give it away).
    fn give_owner(&self, fifo: &FileStat) -> Result<()> {
        if !geteuid().is_root() || fifo.st_uid == geteuid().as_raw() {
            return Ok(());
        }
        self.chown(Some(Uid::from_raw(fifo.st_uid)), None)
            .map_err(|errno| Error::sys(Subject::path(&self.path), Action::Configure, errno))
    }

    fn chown(&self, owner: Option<Uid>, group: Option<Gid>) -> nix::Result<()> {
        let flag = AtFlags::AT_SYMLINK_NOFOLLOW;
        fchownat(&self.dir, self.name.as_os_str(), owner, group, flag)
    }

    /// Raises the socket file's mode to `mode`, never through a symlink.
    fn chmod(&self, mode: Mode) -> Result<()> {
        let fail = |errno| Error::sys(Subject::path(&self.path), Action::Configure, errno);
        let name = self.name.as_os_str();
        match fchmodat(&self.dir, name, mode, FchmodatFlags::NoFollowSymlink) {
            Ok(()) => {}
            // A Linux without /proc cannot chmod without following; nobody
            // else can have swapped the file meanwhile (see `bind`).
            Err(Errno::EOPNOTSUPP) => {
                fchmodat(&self.dir, name, mode, FchmodatFlags::FollowSymlink).map_err(fail)?;
            }
            Err(errno) => return Err(fail(errno)),
        }
        self.ours().map(drop).map_err(fail)
    }
}

impl Drop for CallSocket {
    fn drop(&mut self) {
        self.remove_if_made(&self.name);
    }
}

/// Whether the caller with `caller`'s credentials may call the server of
/// the FIFO held as `held`: whether it may open the FIFO for writing now.
///
/// # Errors
/// [`Error::Sys`] when the FIFO cannot be looked at.
pub fn admits(held: BorrowedFd<'_>, caller: &Credentials, subject: &Subject) -> Result<bool> {
    let stat = fstat(held).map_err(|errno| Error::sys(subject.clone(), Action::Stat, errno))?;
    Ok(caller.may_write(stat.st_uid, stat.st_gid, permissions(&stat)))
}

/// Makes room for the socket: nothing there, or a dead socket of this user
/// or of the FIFO's owner `owner` (removed: root's server of another
/// user's FIFO, killed, left it that user's); anything else is refused.
fn clear_the_way(dir: &OwnedFd, name: &OsStr, path: &Path, owner: u32) -> Result<()> {
    let fail = |action, errno| Error::sys(Subject::path(path), action, errno);
    let stat = match fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
        Ok(stat) => stat,
        Err(Errno::ENOENT) => return Ok(()),
        Err(errno) => return Err(fail(Action::Stat, errno)),
    };
    let kind = FileKind::of(&stat);
    if kind != FileKind::Socket || ![geteuid().as_raw(), owner].contains(&stat.st_uid) {
        return Err(planted(path, &format!("a {kind} of uid {}", stat.st_uid)));
    }
    // Not waiting in connect(2): a live server whose queue is full is as
    // live as one with room.
    match connect_now(path) {
        Ok(_) | Err(Errno::EAGAIN) => Err(fail(Action::Open, Errno::EADDRINUSE)),
        // Left by a server that was killed: nobody listens.
        Err(Errno::ECONNREFUSED) => unlinkat(dir, name, UnlinkatFlags::NoRemoveDir)
            .map_err(|errno| fail(Action::Remove, errno)),
        Err(errno) => Err(fail(Action::Open, errno)),
    }
}

fn planted(path: &Path, what: &str) -> Error {
    refused(path, &format!("{what} is in its place"))
}

fn refused(path: &Path, why: &str) -> Error {
    Error::Unsafe {
        subject: Subject::path(path),
        reason: format!("to use the call socket: {why}"),
    }
}

/// Whether users other than this one could rename files in `dir`: it is
/// theirs, or writable by them without the sticky bit.
fn others_may_swap(dir: &OwnedFd) -> bool {
    fstat(dir).map_or(true, |stat| {
        let (owner, mode) = (stat.st_uid, permissions(&stat));
        (owner != geteuid().as_raw() && owner != 0) || (mode & 0o022 != 0 && mode & 0o1000 == 0)
    })
}

/// A file's permission bits, with the set-id and sticky bits.
#[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
fn permissions(stat: &FileStat) -> u32 {
    u32::from(stat.st_mode) & 0o7777
}

/// Permission bits as a [`Mode`].
#[allow(clippy::useless_conversion, clippy::unnecessary_fallible_conversions)] // `mode_t` is u16 on macOS.
fn mode_of(bits: u32) -> Mode {
    Mode::from_bits_truncate(bits.try_into().unwrap_or(0))
}

/// What tells one file from every other: its device and inode.
fn identity(stat: &FileStat) -> (i128, u64) {
    (i128::from(stat.st_dev), stat.st_ino)
}

/// The directory a path is in (`.` for a bare name) and its last part.
fn split(path: &Path) -> (&Path, OsString) {
    let name = path
        .file_name()
        .unwrap_or(OsStr::from_bytes(b""))
        .to_owned();
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    (dir, name)
}
