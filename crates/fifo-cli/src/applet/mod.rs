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

use fifo_core::open::Wait;

use crate::cli::Command;

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
