//! The file a deep buffer spills to once its memory is full: made so that
//! nobody else can reach it and so that it never outlives the process.
//!
//! A directory gets a file with no name in it (`O_TMPFILE`). Any other path
//! must not exist: it is created with `O_CREAT | O_EXCL | O_NOFOLLOW`, mode
//! 0600 (whatever the umask), so that a file or symlink planted there (another user's, in a
//! sticky /tmp) is refused, never followed or truncated, and is unlinked at
//! once. Either way the data lives only behind the descriptor, and the
//! kernel frees it when the process ends, however it ends (even SIGKILL).

use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::UnlinkatFlags;

use crate::{Action, Error, Subject, sys};

/// A file for a deep buffer's overflow, already unlinked (or never named).
#[derive(Debug)]
pub struct SpillFile {
    file: File,
}

impl SpillFile {
    /// Creates the file at `path` (a new path), or a nameless one in `path`
    /// (an existing directory); see the module documentation.
    ///
    /// # Errors
    /// [`Error::Sys`] with [`Action::CreateBufferFile`] naming `path`: it
    /// exists (`EEXIST`, also for a symlink), or it cannot be created.
    pub fn create(path: &Path) -> Result<Self, Error> {
        let fail = |errno: Errno| Error::sys(Subject::path(path), Action::CreateBufferFile, errno);
        let is_dir = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir());
        let fd = if is_dir {
            match sys::open_unnamed_in(path) {
                Ok(fd) => fd,
                // A file system (or system) without unnamed files.
                Err(Errno::EOPNOTSUPP | Errno::EISDIR | Errno::EINVAL) => {
                    create_named_in(path).map_err(fail)?
                }
                Err(errno) => return Err(fail(errno)),
            }
        } else {
            create_named(path).map_err(fail)?
        };
        // Exactly 0600 whatever the umask: the descriptor held is the file
        // made, so no path is involved and no swap can redirect the change.
        nix::sys::stat::fchmod(&fd, Mode::from_bits_truncate(0o600)).map_err(fail)?;
        Ok(Self {
            file: File::from(fd),
        })
    }

    /// Writes `data` at `offset`, as much as the file takes: the count
    /// written, and the error that stopped it short, if any.
    pub(super) fn write_at(&self, mut data: &[u8], mut offset: u64) -> (u64, Option<Errno>) {
        let mut written = 0;
        while !data.is_empty() {
            match self.file.write_at(data, offset) {
                Ok(0) => return (written, Some(Errno::ENOSPC)),
                Ok(n) => {
                    data = &data[n..];
                    offset += n as u64;
                    written += n as u64;
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return (written, Some(errno_of(&err))),
            }
        }
        (written, None)
    }

    /// Reads exactly `buf.len()` bytes written before at `offset`.
    pub(super) fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), Errno> {
        self.file
            .read_exact_at(buf, offset)
            .map_err(|err| errno_of(&err))
    }

    /// Gives back the space of bytes already read (where the file system
    /// can), so the disk holds only what is still buffered.
    pub(super) fn release(&self, offset: u64, len: u64) {
        sys::punch_hole(self.file.as_fd(), offset, len);
    }

    /// Empties the file, once everything in it has been read.
    pub(super) fn clear(&self) {
        let _ = self.file.set_len(0);
    }
}

fn errno_of(err: &std::io::Error) -> Errno {
    err.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

/// Creates `path`, which must not exist, and unlinks it at once, but only
/// if the name still holds the file just created (in a directory others
/// may write to without the sticky bit, it could have been swapped). All
/// three steps look the name up in the one directory opened first: by path,
/// the owner of a directory on the way could swap it for a symlink between
/// them, and the unlink would remove a file of that name elsewhere.
pub(crate) fn create_named(path: &Path) -> nix::Result<OwnedFd> {
    use std::os::unix::ffi::OsStrExt;
    // `new/` names a directory to be: never a file.
    if path.as_os_str().as_bytes().ends_with(b"/") {
        return Err(Errno::EISDIR);
    }
    // Another user's symlink on the way in a sticky directory: refused as
    // the kernel refuses it under fs.protected_symlinks.
    let parent = crate::create::claim::Parent::of(path).map_err(|err| match err {
        Error::Unsafe { .. } => Errno::EACCES,
        err => err.errno().unwrap_or(Errno::EINVAL),
    })?;
    let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_RDWR;
    let fd = nix::fcntl::openat(
        &parent.dir,
        parent.name,
        flags | OFlag::O_CLOEXEC,
        Mode::from_bits_truncate(0o600),
    )?;
    let ours = nix::sys::stat::fstat(&fd)?;
    let there = nix::sys::stat::fstatat(&parent.dir, parent.name, AtFlags::AT_SYMLINK_NOFOLLOW)?;
    if sys::file::FileId::of(&there) != sys::file::FileId::of(&ours) {
        return Err(Errno::EEXIST);
    }
    nix::unistd::unlinkat(&parent.dir, parent.name, UnlinkatFlags::NoRemoveDir)?;
    Ok(fd)
}

/// A named file in `dir`, where unnamed ones are not supported: a new name
/// made from the process ID and a counter, tried until one is free.
fn create_named_in(dir: &Path) -> nix::Result<OwnedFd> {
    let mut name = PathBuf::from(dir);
    for attempt in 0..100 {
        name.push(format!(".fifo-buffer.{}.{attempt}", std::process::id()));
        match create_named(&name) {
            Err(Errno::EEXIST) => {}
            other => return other,
        }
        name.pop();
    }
    Err(Errno::EEXIST)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;

    #[test]
    fn a_new_path_is_created_private_and_unlinked_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spill");
        let spill = SpillFile::create(&path).unwrap();
        assert!(!path.exists());
        let (written, err) = spill.write_at(b"hello", 3);
        assert_eq!((written, err), (5, None));
        let mut back = [0u8; 5];
        spill.read_at(&mut back, 3).unwrap();
        assert_eq!(&back, b"hello");
        assert_eq!(spill.file.metadata().unwrap().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_directory_gets_a_file_without_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let _spill = SpillFile::create(dir.path()).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_existing_file_or_symlink_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        for path in [&target, &link, &dangling] {
            let err = SpillFile::create(path).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(Errno::EEXIST as i32), "{path:?}");
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        assert!(!dir.path().join("nowhere").exists());
    }
}
