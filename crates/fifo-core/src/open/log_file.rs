//! Log files: a file a command appends lines to as it works (`fifo serve
//! --joblog`), at a path its user names, which may be in a shared
//! directory such as /tmp.
//!
//! The path is looked up as a control file's is (symlinks on the way
//! followed only when they belong to this user or to root), and opened
//! without blocking, so that a FIFO planted at the name cannot stall the
//! command. What was opened must be a regular file of this user or root
//! with no other name: another user's file would let them read the log,
//! and a second hard link could be another user's way to have this one
//! truncate a file it may write (`/etc/shadow`, for root). Nothing is
//! truncated before the checks are made on the descriptor held.
//!
//! ```
//! use std::io::Write;
//! use fifo_core::open::log_file::open_log;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("log");
//! std::fs::write(&path, "old\n")?;
//! let (mut log, empty) = open_log(&path, false)?;
//! assert!(empty);
//! writeln!(log, "new")?;
//! let (_, empty) = open_log(&path, true)?;
//! assert!(!empty);
//! assert_eq!(std::fs::read_to_string(&path)?, "new\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::File;
use std::path::Path;

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::sys::stat::fstat;
use nix::unistd::{Uid, ftruncate};

use crate::open::control::open_trusting_own_links;
use crate::{Action, Error, FileKind, Result, Subject};

/// Opens (making it when missing) the log file `path` to write lines to:
/// at its end with `append`, else emptied first. Returns the file and
/// whether it is empty now (a header is due). See the module
/// documentation for what is refused.
///
/// # Errors
/// [`Error::Sys`] when it cannot be opened, checked or emptied;
/// [`Error::Unsafe`] for another user's symlink on the way, or a file that
/// is not a regular file, belongs to another user, or has other names.
pub fn open_log(path: &Path, append: bool) -> Result<(File, bool)> {
    let subject = || Subject::path(path);
    let refuse = |reason: String| Error::Unsafe {
        subject: subject(),
        reason,
    };
    let mut flags = OFlag::O_WRONLY | OFlag::O_CREAT;
    if append {
        flags |= OFlag::O_APPEND;
    }
    let fd = match open_trusting_own_links(path, flags, "a log file") {
        // Only a FIFO nobody reads, or a socket, refuses a write-only
        // open this way.
        Err(err) if err.errno() == Some(nix::errno::Errno::ENXIO) => {
            return Err(refuse(
                "to write a log into a fifo or socket, not a regular file".to_owned(),
            ));
        }
        opened => opened?,
    };
    let stat = fstat(&fd).map_err(|errno| Error::sys(subject(), Action::Stat, errno))?;
    let kind = FileKind::of(&stat);
    if kind != FileKind::Regular {
        return Err(refuse(format!(
            "to write a log into a {kind}, not a regular file"
        )));
    }
    if stat.st_uid != Uid::effective().as_raw() && stat.st_uid != 0 {
        return Err(refuse(format!(
            "to write a log into a file of uid {}",
            stat.st_uid
        )));
    }
    if stat.st_nlink > 1 {
        return Err(refuse(format!(
            "to write a log into a file with {} hard links",
            stat.st_nlink
        )));
    }
    let configure = |errno| Error::sys(subject(), Action::Configure, errno);
    fcntl(&fd, FcntlArg::F_SETFL(flags & OFlag::O_APPEND)).map_err(configure)?;
    if !append && stat.st_size > 0 {
        ftruncate(&fd, 0).map_err(|errno| Error::sys(subject(), Action::Write, errno))?;
    }
    Ok((File::from(fd), !append || stat.st_size == 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::stat::Mode;

    #[test]
    fn what_is_not_a_lone_regular_file_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).unwrap();
        let kept = dir.path().join("kept");
        std::fs::write(&kept, "keep").unwrap();
        let linked = dir.path().join("linked");
        std::fs::hard_link(&kept, &linked).unwrap();
        for path in [fifo.as_path(), linked.as_path()] {
            let err = open_log(path, false).unwrap_err();
            assert!(matches!(err, Error::Unsafe { .. }), "{path:?}: {err:?}");
        }
        assert_eq!(std::fs::read(&kept).unwrap(), b"keep");
        let err = open_log(dir.path(), false).unwrap_err();
        assert_eq!(err.errno(), Some(nix::errno::Errno::EISDIR));
    }
}
