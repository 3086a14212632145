//! `fifo redirect`: open a FIFO on descriptor N and exec CMD, which inherits
//! it (bash's `N<`, `N>`, `N<>`). CMD replaces this process, so its exit
//! status and signals are the caller's.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;

use fifo_core::Error;
use fifo_core::claim::create_and_open;
use fifo_core::descriptor::place;
use fifo_core::open::{Direction, Wait, open_fifo};

use super::{check_capacity, size_pipe, wait_from};
use crate::cli::RedirectArgs;
use crate::report;

const APPLET: &str = "redirect";
/// As a shell reports a command it found but could not run.
const NOT_EXECUTABLE: u8 = 126;
/// As a shell reports a command it could not find.
const NOT_FOUND: u8 = 127;

/// Runs `fifo redirect`; returns only if CMD could not be started.
pub fn run(args: &RedirectArgs) -> u8 {
    let direction = match (args.read, args.write) {
        (true, _) => Direction::Read,
        (_, true) => Direction::Write,
        _ => Direction::ReadWrite,
    };
    // O_RDWR never waits, so a timeout has nothing to bound.
    let wait = if direction == Direction::ReadWrite {
        Wait::Forever
    } else {
        wait_from(false, args.timeout)
    };
    if let Err(err) = open_on_descriptor(args, direction, wait) {
        return report::failure(APPLET, &err);
    }
    let (program, rest) = args.command.split_first().expect("clap requires CMD");
    // std's exec restores SIGPIPE's default action (Rust ignores it), so CMD
    // starts with the signal dispositions a shell would give it.
    let err = std::process::Command::new(program).args(rest).exec();
    let (status, reason) = match err.kind() {
        io::ErrorKind::NotFound => (NOT_FOUND, "command not found".to_owned()),
        _ => (NOT_EXECUTABLE, describe(&err)),
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
    place(opened, args.fd, &args.path)
}

fn describe(err: &io::Error) -> String {
    err.raw_os_error().map_or_else(
        || err.to_string(),
        |raw| nix::errno::Errno::from_raw(raw).desc().to_owned(),
    )
}
