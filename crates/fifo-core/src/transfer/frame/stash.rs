//! Where framed readers of a pipe leave each other the messages they began
//! but could not finish.
//!
//! Chunks of concurrent writers interleave in a pipe, so a reader that stops
//! early (after N messages, a quiet spell, a signal) has by then consumed
//! the first chunks of other writers' messages whose ends are still to come.
//! It can neither print them nor put them back into the pipe (their place is
//! at its head, and writing behind the writers' later chunks could block
//! forever on a full pipe that only this reader empties). So it writes them,
//! as a framed stream, to a file named after the pipe in a private
//! directory, and the next reader takes that file up before reading the
//! pipe. Readers take turns under the pipe's readers' lock, so the file is
//! only ever read or written by the one reader whose turn it is.
//!
//! The directory is private to the user: a reader running as another user
//! has a stash of its own and cannot finish what this user's readers began.
//! Its name is known (readers started from any shell, cron job or service
//! must find it), so another user can take that name first; the stash then
//! goes to a directory made beside it as mkdtemp(3) makes one, which this
//! user's later readers recognise as theirs by its owner, and nothing the
//! other user made is written into, read or refused over.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::{Mode, fstat};
use nix::unistd::{Uid, UnlinkatFlags};

use crate::create::dir::Directory;
use crate::create::{exact, with_umask_cleared};
use crate::{Action, Error, FileKind, Result, Subject};

/// The directories and files of a stash: readable and writable by their
/// owner only, since they hold other writers' message bytes.
const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// What mkdtemp(3) replaces with random characters: a directory made
/// beside a planted one is named `NAME.` and six of them.
const RANDOM: &str = "XXXXXX";

/// The unfinished messages framed readers of pipes leave for each other:
/// one file per pipe in one private directory.
///
/// ```
/// use fifo_core::transfer::frame::Stash;
///
/// let dir = tempfile::tempdir()?;
/// let stash = Stash::in_dir(dir.path().join("stash"));
/// assert!(stash.dir().ends_with("stash"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Stash {
    dir: PathBuf,
}

impl Stash {
    /// A stash kept in `dir`, made (mode 0700, whatever the umask) before
    /// the first read. Where something else has that name (another user's
    /// directory or symlink, a file, a directory others may write to), the
    /// stash is a private directory made beside it instead, as mkdtemp(3)
    /// makes one (`dir.XXXXXX`), and later readers of this user find it
    /// there: only this user can make a directory that this user owns.
    #[must_use]
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory, as named (see [`Stash::in_dir`] for where the stash
    /// goes when something else has that name).
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Takes (reads and removes) what an earlier reader of `pipe` left;
    /// `None` when nothing was left, or `pipe` is not a pipe.
    pub(crate) fn take(&self, pipe: BorrowedFd<'_>) -> Result<Option<(Vec<u8>, Subject)>> {
        let Some(name) = file_name(pipe).map_err(|errno| self.fail(Action::Stat, errno))? else {
            return Ok(None);
        };
        // Made and checked before a byte of the pipe is read: a reader that
        // could not keep what it begins would lose it for every reader.
        for place in self.places()? {
            if let Some(taken) = take_from(&place, &name)? {
                return Ok(Some(taken));
            }
        }
        Ok(None)
    }

    /// Leaves `stream` (unfinished messages as a framed stream) for the next
    /// reader of `pipe`; `false`, and nothing kept, when `pipe` is not a
    /// pipe (a file's next reader starts elsewhere). The file appears whole
    /// or not at all (written aside, then renamed).
    pub(crate) fn keep(&self, pipe: BorrowedFd<'_>, stream: &[u8]) -> Result<bool> {
        let Some(name) = file_name(pipe).map_err(|errno| self.fail(Action::Stat, errno))? else {
            return Ok(false);
        };
        if stream.is_empty() {
            return Ok(true);
        }
        let places = self.places()?;
        places[0].write_whole(&name, stream, Some(FILE_MODE))?;
        Ok(true)
    }

    /// This user's private directories of the stash, the one to keep in
    /// first: the one named, then those made beside it, in name order (two
    /// readers that both found none may each have made one; a reader takes
    /// from all). One is made when there is none. Never fails for what
    /// another user planted: that is passed over.
    fn places(&self) -> Result<Vec<Directory>> {
        let (parent, base) = self.split()?;
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        // The parent as named (symlinks followed: the caller chose it).
        let parent_fd = nix::fcntl::open(parent, flags, Mode::empty())
            .map_err(|errno| self.fail(Action::CreateDir, errno))?;
        let mut names = vec![base.to_owned()];
        names.extend(made_beside(&parent_fd, base));
        let mut places: Vec<Directory> = names
            .iter()
            .filter_map(|name| usable(&parent_fd, parent, name))
            .collect();
        if places.is_empty() {
            places.push(self.make(&parent_fd, parent, base)?);
        }
        Ok(places)
    }

    /// Makes the stash's directory: under its name when that is free (or
    /// another reader of this user has just made it), else beside it.
    fn make(&self, parent_fd: &OwnedFd, parent: &Path, base: &OsStr) -> Result<Directory> {
        let mode = exact(DIR_MODE);
        let name = match with_umask_cleared(|| nix::sys::stat::mkdirat(parent_fd, base, mode)) {
            Ok(()) => base.to_owned(),
            Err(Errno::EEXIST) => {
                if let Some(ours) = open_ours(parent_fd, parent, base)? {
                    return Ok(ours);
                }
                let mut template = base.to_owned();
                template.push(format!(".{RANDOM}"));
                let beside = with_umask_cleared(|| nix::unistd::mkdtemp(&parent.join(&template)))
                    .map_err(|errno| self.fail(Action::CreateDir, errno))?;
                beside.file_name().map(OsStr::to_owned).unwrap_or_default()
            }
            Err(errno) => return Err(self.fail(Action::CreateDir, errno)),
        };
        open_ours(parent_fd, parent, &name)?.ok_or_else(|| Error::Unsafe {
            subject: Subject::path(parent.join(&name)),
            reason: "to keep unfinished messages in a directory swapped as it was made".to_owned(),
        })
    }

    /// The directory the stash is in, and its name there.
    fn split(&self) -> Result<(&Path, &OsStr)> {
        let base = self.dir.file_name().ok_or_else(|| Error::BadName {
            subject: Subject::path(&self.dir),
            action: Action::CreateDir,
        })?;
        let parent = self.dir.parent().filter(|p| !p.as_os_str().is_empty());
        Ok((parent.unwrap_or(Path::new(".")), base))
    }

    fn fail(&self, action: Action, errno: Errno) -> Error {
        Error::sys(Subject::path(&self.dir), action, errno)
    }
}

/// The names in `parent` that mkdtemp(3) could have made from `base`
/// (`base.` and six characters), in order; none when it cannot be listed.
fn made_beside(parent: &OwnedFd, base: &OsStr) -> Vec<OsString> {
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
    let Ok(mut listing) = nix::dir::Dir::openat(parent, ".", flags, Mode::empty()) else {
        return Vec::new();
    };
    let base = base.as_bytes();
    let mut names: Vec<OsString> = listing
        .iter()
        .filter_map(std::result::Result::ok)
        .map(|entry| entry.file_name().to_bytes().to_vec())
        .filter(|name| {
            name.len() == base.len() + 1 + RANDOM.len()
                && name.starts_with(base)
                && name[base.len()] == b'.'
                && name[base.len() + 1..].iter().all(u8::is_ascii_alphanumeric)
        })
        .map(|name| OsStr::from_bytes(&name).to_owned())
        .collect();
    names.sort();
    names
}

/// `name` in `parent`, opened, if it is a directory of this user that no
/// one else may write to (never through a symlink); else none, whatever
/// the reason.
fn usable(parent_fd: &OwnedFd, parent: &Path, name: &OsStr) -> Option<Directory> {
    open_private(parent_fd, parent, name).ok().flatten()
}

/// As [`usable`], but an error that says nothing about `name` (out of
/// descriptors, say) is the error, not "not usable": the caller would
/// otherwise make a directory beside it, or call it swapped.
fn open_ours(parent_fd: &OwnedFd, parent: &Path, name: &OsStr) -> Result<Option<Directory>> {
    match open_private(parent_fd, parent, name) {
        Ok(ours) => Ok(ours),
        // Not a directory, gone, or one this user may not open: another
        // user's 0700 directory says EACCES, and is passed over (made
        // beside), never taken for an error that stops the reader.
        Err(Errno::ELOOP | Errno::ENOTDIR | Errno::ENOENT | Errno::EACCES | Errno::EPERM) => {
            Ok(None)
        }
        Err(errno) => Err(Error::sys(
            Subject::path(parent.join(name)),
            Action::Open,
            errno,
        )),
    }
}

/// `name` in `parent`, opened, if it is a directory of this user that no
/// one else may write to; `Ok(None)` if it is another's or open to others.
fn open_private(
    parent_fd: &OwnedFd,
    parent: &Path,
    name: &OsStr,
) -> nix::Result<Option<Directory>> {
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let dir = nix::fcntl::openat(parent_fd, name, flags, Mode::empty())?;
    let stat = fstat(&dir)?;
    let private = stat.st_uid == Uid::effective().as_raw() && stat.st_mode & 0o022 == 0;
    Ok(private.then(|| Directory::held(dir, parent.join(name))))
}

/// Takes the stash file `name` from `place`, if it is there.
fn take_from(place: &Directory, name: &str) -> Result<Option<(Vec<u8>, Subject)>> {
    let subject = Subject::path(place.path().join(name));
    let fail = |action, errno| Error::sys(subject.clone(), action, errno);
    // O_NONBLOCK: a FIFO in the file's place is refused, not waited on.
    let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
    let file = match nix::fcntl::openat(place.fd(), name, flags, Mode::empty()) {
        Ok(file) => file,
        Err(Errno::ENOENT) => return Ok(None),
        Err(errno) => return Err(fail(Action::Open, errno)),
    };
    let stat = fstat(&file).map_err(|errno| fail(Action::Stat, errno))?;
    if FileKind::of(&stat) != FileKind::Regular || stat.st_uid != Uid::effective().as_raw() {
        return Err(Error::Unsafe {
            subject,
            reason: "a stash file that is not a regular file of this user".to_owned(),
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::from(file)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::sys(subject.clone(), Action::Read, err))?;
    nix::unistd::unlinkat(place.fd(), name, UnlinkatFlags::NoRemoveDir)
        .map_err(|errno| fail(Action::Remove, errno))?;
    Ok(Some((bytes, subject)))
}

/// The stash file's name for `pipe`: its device, inode and, where the file
/// system records it, birth time, which tell one FIFO (or anonymous pipe)
/// from every other, also from a later one given the same inode number;
/// `None` for what is not a pipe (a file keeps its unread chunks itself).
fn file_name(pipe: BorrowedFd<'_>) -> nix::Result<Option<String>> {
    let stat = fstat(pipe.as_fd())?;
    if FileKind::of(&stat) != FileKind::Fifo {
        return Ok(None);
    }
    let born = crate::sys::birth_time_of(pipe)
        .map_or_else(String::new, |(secs, nanos)| format!("-{secs}.{nanos:09}"));
    let id = crate::sys::file::FileId::of(&stat);
    Ok(Some(format!("frames-{:x}-{}{born}", id.device, id.inode)))
}
