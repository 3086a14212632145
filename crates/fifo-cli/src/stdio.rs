//! The standard streams as raw descriptors, and the check that the ones a
//! command moves data through are open the right way before it starts.
//! Low: it names nothing else of this crate and prints nothing.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use fifo_core::open::descriptor::closed_at_start;
use fifo_core::{Action, Error, Subject};
use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};

/// Which standard streams a command moves data through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// It reads standard input.
    pub stdin: bool,
    /// It writes standard output.
    pub stdout: bool,
}

impl Needs {
    /// Needs standard input when `stdin`, standard output when `stdout`.
    #[must_use]
    pub fn new(stdin: bool, stdout: bool) -> Self {
        Self { stdin, stdout }
    }
}

/// Fails when a standard stream in `needs` is closed, or open only the
/// other way (stdin for writing, stdout for reading), as the first read or
/// write would, but before anything is opened, read or waited for.
///
/// A closed stream is not seen by looking at it now: Rust's runtime has
/// reopened it on `/dev/null` before `main`. What it was at start comes from
/// [`closed_at_start`], recorded before the runtime ran.
///
/// # Errors
/// `EBADF` on the stream, as a read or write error.
pub fn check_standard_streams(needs: Needs) -> Result<(), Error> {
    let streams = [
        (
            needs.stdin,
            stdin_fd(),
            OFlag::O_WRONLY,
            Subject::Stdin,
            Action::Read,
        ),
        (
            needs.stdout,
            stdout_fd(),
            OFlag::O_RDONLY,
            Subject::Stdout,
            Action::Write,
        ),
    ];
    for (needed, fd, wrong_way, subject, action) in streams {
        if !needed {
            continue;
        }
        let errno = match fcntl(fd, FcntlArg::F_GETFL) {
            Err(errno) => Some(errno),
            Ok(_) if closed_at_start(fd.as_raw_fd()) == Some(true) => Some(Errno::EBADF),
            Ok(flags) if OFlag::from_bits_truncate(flags) & OFlag::O_ACCMODE == wrong_way => {
                Some(Errno::EBADF)
            }
            Ok(_) => None,
        };
        if let Some(errno) = errno {
            return Err(Error::sys(subject, action, errno));
        }
    }
    Ok(())
}

/// Standard input as a raw descriptor: data moves by system calls, never
/// through std's buffered handles.
pub fn stdin_fd() -> BorrowedFd<'static> {
    // `Stdin` is a static handle, so its descriptor lives as long as the process.
    static STDIN: std::sync::LazyLock<io::Stdin> = std::sync::LazyLock::new(io::stdin);
    STDIN.as_fd()
}

/// Standard output as a raw descriptor (see [`stdin_fd`]).
pub fn stdout_fd() -> BorrowedFd<'static> {
    static STDOUT: std::sync::LazyLock<io::Stdout> = std::sync::LazyLock::new(io::stdout);
    STDOUT.as_fd()
}

/// What `fstat` says of `fd`, through std, whose widths are the same on every
/// system (a copy of the descriptor is looked at, then closed).
pub fn metadata(fd: BorrowedFd<'_>) -> Option<std::fs::Metadata> {
    std::fs::File::from(fd.try_clone_to_owned().ok()?)
        .metadata()
        .ok()
}
