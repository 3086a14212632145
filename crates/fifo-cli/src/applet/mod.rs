//! One module per command; each takes its parsed arguments and returns the
//! exit status, having printed its own messages.

pub mod cat;
pub mod mk;
pub mod redirect;
pub mod send;
pub mod stat;
pub mod tee;

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use fifo_core::open::Wait;
use fifo_core::{Error, Subject, capacity};

use crate::cli::{Command, PipeArgs};
use crate::report;

/// Runs one command and returns its exit status.
pub fn run(command: Command) -> u8 {
    match command {
        Command::Mk(args) => mk::run(&args),
        Command::Cat(args) => cat::run(&args),
        Command::Send(args) => send::run(&args),
        Command::Stat(args) => stat::run(&args),
        Command::Tee(args) => tee::run(&args),
        Command::Redirect(args) => redirect::run(&args),
        Command::Completions(args) => crate::docs::completions(args.shell),
        Command::Man(args) => crate::docs::man(args.dir.as_deref()),
    }
}

/// How long an open may wait, from `--no-wait` and `--timeout`.
fn wait_from(no_wait: bool, timeout: Option<std::time::Duration>) -> Wait {
    match (no_wait, timeout) {
        (true, _) => Wait::No,
        (false, Some(limit)) => Wait::Timeout(limit),
        (false, None) => Wait::Forever,
    }
}

/// Standard input as a raw descriptor: data moves by system calls, never
/// through std's buffered handles.
fn stdin_fd() -> BorrowedFd<'static> {
    // `Stdin` is a static handle, so its descriptor lives as long as the process.
    static STDIN: std::sync::LazyLock<io::Stdin> = std::sync::LazyLock::new(io::stdin);
    STDIN.as_fd()
}

/// Standard output as a raw descriptor (see [`stdin_fd`]).
fn stdout_fd() -> BorrowedFd<'static> {
    static STDOUT: std::sync::LazyLock<io::Stdout> = std::sync::LazyLock::new(io::stdout);
    STDOUT.as_fd()
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
