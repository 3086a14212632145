//! One module per command; each takes its parsed arguments and returns the
//! exit status, having printed its own messages. The modules and the
//! dispatch come from the applet table's list (`cli::applets`).

mod program;
mod transfer;

use std::os::fd::BorrowedFd;
use std::path::Path;

use fifo_core::open::Wait;
use fifo_core::{Error, Subject, open::capacity};

use crate::cli::{Command, PipeArgs};
use crate::exit_code::ExitCode;
use crate::report;
use crate::stdio::check_standard_streams;
// The applets' own way to the standard streams.
use crate::stdio::{metadata, stdin_fd, stdout_fd};

/// Each command's module, and [`dispatch`], from the list.
macro_rules! applet_modules {
    ($($variant:ident($args:ident) = $entry:ident in $module:ident,)*) => {
        $(pub mod $module;)*

        /// Runs the module of `command`.
        fn dispatch(command: Command) -> ExitCode {
            match command {
                $(Command::$variant(args) => $module::run(&args),)*
            }
        }
    };
}
crate::cli::applets::each_applet!(applet_modules);

/// Runs one command and returns its exit status.
pub fn run(command: Command) -> ExitCode {
    // Before anything is opened, read or waited for: a command that would
    // read stdin or write stdout refuses to start without them, so a FIFO's
    // data is never consumed into nowhere (or an empty message sent).
    let (applet, needs) = command.applet();
    if let Err(err) = check_standard_streams(needs) {
        return report::failure(applet.name, &err);
    }
    dispatch(command)
}

/// The stash of this user's framed readers: `$TMPDIR/fifo-UID` (else
/// `/tmp/fifo-UID`), a private directory as tmux keeps its sockets in, so
/// that readers started from any shell, cron or service of the user find
/// it; `XDG_RUNTIME_DIR` is not used because cron and services lack it.
/// Another user's path planted there sends it to `fifo-UID.XXXXXX` beside.
pub(crate) fn frame_stash() -> fifo_core::transfer::frame::Stash {
    let uid = nix::unistd::Uid::effective();
    fifo_core::transfer::frame::Stash::in_dir(
        fifo_core::create::dir::temp_dir().join(format!("fifo-{uid}")),
    )
}

/// How long an open may wait, from `--no-wait` and `--timeout`.
fn wait_from(no_wait: bool, timeout: Option<std::time::Duration>) -> Wait {
    match (no_wait, timeout) {
        (true, _) => Wait::No,
        (false, Some(limit)) => Wait::Timeout(limit),
        (false, None) => Wait::Forever,
    }
}

/// Sizes the pipe of a FIFO this command opened: exactly `--capacity`, or
/// raised to the default; with `--verbose`, says what it got.
///
/// # Errors
/// When `--capacity` is refused.
fn size_pipe(applet: &str, fd: BorrowedFd<'_>, path: &Path, pipe: &PipeArgs) -> Result<(), Error> {
    let before = capacity::current(fd);
    let now = match pipe.capacity {
        Some(bytes) => Some(capacity::set(fd, bytes, Subject::path(path))?),
        None => capacity::raise(fd),
    };
    if pipe.verbose {
        let said = match (before, now) {
            (Some(before), Some(now)) if before != now => {
                format!("pipe capacity {now} bytes (was {before})")
            }
            (_, Some(now)) => format!("pipe capacity {now} bytes"),
            (_, None) => "pipe capacity cannot be seen on this system".to_owned(),
        };
        report::message(applet, &format!("{}: {said}", report::quote(path)));
    }
    Ok(())
}

/// Tries `--capacity` on a scratch pipe before any FIFO is opened, so that a
/// size the system refuses is reported before waiting for a peer, and before
/// the peer is released by an open that then fails. Only operands that may
/// be FIFOs count (`-` and regular files never get a capacity); the first
/// names the message.
///
/// # Errors
/// When the system refuses the capacity.
fn check_capacity<'a>(
    pipe: &PipeArgs,
    paths: impl IntoIterator<Item = &'a Path>,
) -> Result<(), Error> {
    let Some(bytes) = pipe.capacity else {
        return Ok(());
    };
    match paths
        .into_iter()
        .find(|path| path.as_os_str() != "-" && !path.is_file())
    {
        Some(path) => capacity::probe(bytes, Subject::path(path)).map(drop),
        None => Ok(()),
    }
}

/// Raises standard input and output when they are pipes: the other process
/// on them moves data faster too. Quiet: they are not ours to fail on.
fn raise_standard_pipes() {
    let _ = capacity::raise(stdin_fd());
    let _ = capacity::raise(stdout_fd());
}
