//! `fifo redirect`: open a FIFO on descriptor N and exec CMD, which inherits
//! it (bash's `N<`, `N>`, `N<>`). CMD replaces this process, so its exit
//! status and signals are the caller's.

mod plan;

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use fifo_core::Error;
use fifo_core::create::claim::create_and_open;
use fifo_core::error::describe;
use fifo_core::open::descriptor::{closed_at_start, place};
use fifo_core::open::open_fifo;
use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, fcntl};

use super::{check_capacity, program, size_pipe};
use crate::cli::RedirectArgs;
use crate::exit_code::ExitCode;
use crate::report;
use plan::Plan;

const APPLET: &str = crate::cli::applets::REDIRECT.name;

/// Runs `fifo redirect`; returns only if CMD could not be started.
pub fn run(args: &RedirectArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    if let Err(err) = open_on_descriptor(&plan) {
        return report::failure(APPLET, &err);
    }
    reclose_standard_streams(plan.fd);
    exec(&plan.program, &plan.rest)
}

/// Execs CMD as a shell would: found in `PATH` as bash finds it, with the
/// signal actions and mask the caller gave this command (a SIGPIPE it
/// ignored stays ignored). Returns the status to exit with if it cannot.
fn exec(program: &OsStr, rest: &[OsString]) -> ExitCode {
    let not_run = |status, reason: &str| {
        let text = format!("{}: {reason}", report::quote(Path::new(program)));
        report::message(APPLET, &text);
        status
    };
    let Some(file) = program::find(program) else {
        return not_run(ExitCode::NotFound, "command not found");
    };
    let c_string = |arg: &OsStr| CString::new(arg.as_bytes()).map_err(|_| Errno::EINVAL);
    let argv: Result<Vec<CString>, Errno> = std::iter::once(program)
        .chain(rest.iter().map(OsString::as_os_str))
        .map(c_string)
        .collect();
    let prepared = c_string(file.as_os_str()).and_then(|file| Ok((file, argv?)));
    let (file, argv) = match prepared {
        Ok(prepared) => prepared,
        Err(errno) => return not_run(ExitCode::NotExecutable, errno.desc()),
    };
    if let Err(err) = fifo_core::process::signals::restore_for_exec() {
        return not_run(ExitCode::NotExecutable, &describe(&err));
    }
    // execvp, not execv: a file that is no binary runs as a shell script.
    let Err(errno) = nix::unistd::execvp(&file, &argv);
    match errno {
        Errno::ENOENT => not_run(ExitCode::NotFound, "command not found"),
        errno => not_run(ExitCode::NotExecutable, errno.desc()),
    }
}

/// Makes (with `--create`), opens, sizes and places the FIFO on `--fd`.
fn open_on_descriptor(plan: &Plan) -> Result<(), Error> {
    check_capacity(&plan.pipe, [plan.path.as_path()])?;
    let opened = if plan.create {
        create_and_open(&plan.path, plan.direction, plan.wait, drop)?
    } else {
        open_fifo(&plan.path, plan.direction, plan.wait)?
    };
    size_pipe(APPLET, opened.fd(), &plan.path, &plan.pipe)?;
    place(opened, plan.fd)
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
