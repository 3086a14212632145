//! A directory of this user's own, in a shared place such as `/tmp`: made
//! 0700 when missing, and refused when what is there could have been
//! planted by another user (a symlink, not a directory, another owner, or
//! writable by others).
//!
//! ```
//! use fifo_core::create::private_dir::open_private_dir;
//!
//! let base = tempfile::tempdir()?;
//! let place = base.path().join("fifo-mine");
//! open_private_dir(&place, "to keep state in")?;
//! assert_eq!(std::fs::metadata(&place)?.permissions().mode() & 0o777, 0o700);
//! # use std::os::unix::fs::PermissionsExt;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::OwnedFd;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::{Mode, fstat};
use nix::unistd::Uid;

use crate::create::with_umask_cleared;
use crate::{Action, Error, Result, Subject};

/// Opens `dir`, making it (mode 0700) first when missing, and checks the
/// directory opened, never the path: `for_what` ends the refusal, as in
/// "to keep unfinished messages in {what it found}".
///
/// # Errors
/// [`Error::Unsafe`] for a place another user could have planted,
/// [`Error::Sys`] when it cannot be made or opened.
pub fn open_private_dir(dir: &Path, for_what: &str) -> Result<OwnedFd> {
    let fail = |action, errno| Error::sys(Subject::path(dir), action, errno);
    let refuse = |what: &str| Error::Unsafe {
        subject: Subject::path(dir),
        reason: format!("{for_what} {what}"),
    };
    // Made with the umask cleared: a umask of 0777 would leave the owner
    // a directory it cannot open.
    match with_umask_cleared(|| nix::unistd::mkdir(dir, Mode::from_bits_truncate(0o700))) {
        Ok(()) | Err(Errno::EEXIST) => {}
        Err(errno) => return Err(fail(Action::CreateDir, errno)),
    }
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let opened = match nix::fcntl::open(dir, flags, Mode::empty()) {
        Ok(opened) => opened,
        Err(Errno::ELOOP | Errno::ENOTDIR) => return Err(refuse("a symlink or not a directory")),
        Err(errno) => return Err(fail(Action::Open, errno)),
    };
    let stat = fstat(&opened).map_err(|errno| fail(Action::Stat, errno))?;
    if stat.st_uid != Uid::effective().as_raw() {
        return Err(refuse(&format!("a directory of uid {}", stat.st_uid)));
    }
    if stat.st_mode & 0o022 != 0 {
        return Err(refuse("a directory others may write to"));
    }
    if stat.st_mode & 0o700 != 0o700 {
        // Left without the owner's own rights (say 0500) by an earlier run.
        nix::sys::stat::fchmod(&opened, Mode::from_bits_truncate(0o700))
            .map_err(|errno| fail(Action::Configure, errno))?;
    }
    Ok(opened)
}
