//! `fifo redirect`: open a FIFO on descriptor N and exec CMD, which inherits
//! it (bash's `N<`, `N>`, `N<>`). CMD replaces this process, so its exit
//! status and signals are the caller's.

use std::io;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::Path;

use fifo_core::Error;
use fifo_core::claim::create_and_open;
use fifo_core::descriptor::{closed_at_start, place};
use fifo_core::error::describe;
use fifo_core::open::{Direction, Wait, open_fifo};
use nix::fcntl::{FcntlArg, FdFlag, fcntl};

use super::{check_capacity, size_pipe, wait_from};
use crate::cli::RedirectArgs;
use crate::exit_code::ExitCode;
use crate::report;

const APPLET: &str = "redirect";

/// Runs `fifo redirect`; returns only if CMD could not be started.
pub fn run(args: &RedirectArgs) -> ExitCode {
    let direction = match (args.read, args.write) {
        (true, _) => Direction::Read,
        (_, true) => Direction::Write,
        _ => Direction::ReadWrite,
    };
    // O_RDWR never waits; clap refuses --timeout with --rw.
    let wait = wait_from(false, args.timeout);
    if let Err(err) = open_on_descriptor(args, direction, wait) {
        return report::failure(APPLET, &err);
    }
    reclose_standard_streams(args.fd);
    let (program, rest) = args.command.split_first().expect("clap requires CMD");
    // std's exec restores SIGPIPE's default action (Rust ignores it), so CMD
    // starts with the signal dispositions a shell would give it.
    let err = std::process::Command::new(program).args(rest).exec();
    let (status, reason) = match err.kind() {
        io::ErrorKind::NotFound => (ExitCode::NotFound, "command not found".to_owned()),
        _ => (ExitCode::NotExecutable, describe(&err)),
    };
    report::message(
        APPLET,
        &format!("{}: {reason}", report::quote(Path::new(program))),
    );
    status
}

/// Makes (with `--create`), opens, sizes and places the FIFO on `--fd`.
fn open_on_descriptor(args: &RedirectArgs, direction: Direction, wait: Wait) -> Result<(), Error> {
    check_capacity(&args.pipe, [args.path.as_path()])?;
    let opened = if args.create {
        create_and_open(&args.path, direction, wait, drop)?
    } else {
        open_fifo(&args.path, direction, wait)?
    };
    size_pipe(APPLET, opened.fd(), &args.path, &args.pipe)?;
    place(opened, args.fd)
}

/// Marks close-on-exec each standard stream that was closed when this
/// command started (and that Rust's runtime reopened on `/dev/null`), except
/// the one PATH now occupies: CMD gets its streams as the caller gave them,
/// a closed one closed, not silently swallowing what CMD writes.
fn reclose_standard_streams(placed: RawFd) {
    for fd in [
        io::stdin().as_fd(),
        io::stdout().as_fd(),
        io::stderr().as_fd(),
    ] {
        if fd.as_raw_fd() != placed && closed_at_start(fd.as_raw_fd()) == Some(true) {
            // Should this fail, CMD merely gets /dev/null, as before.
            let _ = fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC));
        }
    }
}
