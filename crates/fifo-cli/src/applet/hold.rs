//! `fifo hold`: keep FIFOs open at both ends until told to stop, so writers
//! never block and readers never see end-of-file between writers; with
//! `--background`, from a detached process that is holding everything by
//! the time the command returns; with `--stop`, end such holders.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fifo_core::Error;
use fifo_core::claim::create_and_open;
use fifo_core::hold::{Held, release};
use fifo_core::open::{Direction, Wait};

use super::{check_capacity, size_pipe};
use crate::cli::HoldArgs;
use crate::exit_code::ExitCode;
use crate::report;
use crate::signals::Cleanup;

const APPLET: &str = "hold";
/// What the detached holder writes on its stdout once everything is held.
const READY: &[u8] = b"ready\n";

/// Runs `fifo hold`.
pub fn run(args: &HoldArgs) -> ExitCode {
    if args.stop {
        stop(args)
    } else if args.background && !args.detached {
        launch(args)
    } else {
        hold(args)
    }
}

/// `--stop`: ends the holders of every PATH; a PATH nobody held is status 1.
fn stop(args: &HoldArgs) -> ExitCode {
    let mut status = ExitCode::Success;
    for path in &args.paths {
        match release(path, args.timeout) {
            Ok(released) => {
                if let Some(lost @ 1..) = released.lost {
                    let text = format!(
                        "{}: {lost} bytes still in the pipe were lost: no other process held it",
                        report::quote(path)
                    );
                    report::message(APPLET, &text);
                    status = status.merge(ExitCode::Failure);
                }
            }
            Err(err) => status = status.merge(report::failure(APPLET, &err)),
        }
    }
    status
}

/// `--background`: starts the detached holder, waits until it holds every
/// PATH (or has failed, saying why on the shared stderr), prints its PID.
fn launch(args: &HoldArgs) -> ExitCode {
    let started = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .args(detached_args(args))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
    });
    let mut child = match started {
        Ok(child) => child,
        Err(err) => {
            let why = fifo_core::error::describe(&err);
            report::message(APPLET, &format!("cannot start the holder: {why}"));
            return ExitCode::Failure;
        }
    };
    let mut said = Vec::new();
    if let Some(mut out) = child.stdout.take() {
        // Ends when the holder has announced itself and let go of the pipe,
        // or has ended.
        let _ = out.read_to_end(&mut said);
    }
    if said != READY {
        return match child.wait() {
            Ok(status) => status
                .code()
                .and_then(|code| u8::try_from(code).ok())
                .map_or(ExitCode::Failure, ExitCode::Passed),
            Err(_) => ExitCode::Failure,
        };
    }
    report::write_stdout(APPLET, format!("{}\n", child.id()).as_bytes())
}

/// The command line of the detached holder: this one, plus `--detached`.
fn detached_args(args: &HoldArgs) -> Vec<OsString> {
    let mut line: Vec<OsString> = vec!["hold".into(), "--background".into(), "--detached".into()];
    if args.create {
        line.push("--create".into());
    }
    if args.rm {
        line.push("--rm".into());
    }
    if let Some(idle) = args.idle {
        line.push(format!("--idle={}ms", idle.as_millis()).into());
    }
    if let Some(bytes) = args.pipe.capacity {
        line.push(format!("--capacity={bytes}").into());
    }
    if args.pipe.verbose {
        line.push("--verbose".into());
    }
    line.push("--".into());
    line.extend(args.paths.iter().map(|path| path.clone().into_os_string()));
    line
}

/// Holds every PATH until a signal, or until `--idle` passes quietly.
fn hold(args: &HoldArgs) -> ExitCode {
    // Before any other thread: the signals must be blocked in all of them.
    let cleanup = match Cleanup::install() {
        Ok(cleanup) => cleanup,
        Err(errno) => {
            let why = fifo_core::error::describe(&errno.into());
            report::message(APPLET, &format!("cannot watch for signals: {why}"));
            return ExitCode::Failure;
        }
    };
    if args.detached {
        // Out of the caller's session: its terminal's signals are not ours.
        let _ = nix::unistd::setsid();
    }
    if let Err(err) = check_capacity(&args.pipe, args.paths.iter().map(PathBuf::as_path)) {
        return finish(report::failure(APPLET, &err), cleanup);
    }
    let mut held = Vec::new();
    for path in &args.paths {
        match hold_one(args, path, &cleanup) {
            Ok(one) => held.push(one),
            Err(err) => {
                let status = report::failure(APPLET, &err);
                return finish(status, cleanup);
            }
        }
    }
    let held = Arc::new(held);
    {
        let held = Arc::clone(&held);
        cleanup.on_signal(move || {
            report_losses(&held);
        });
    }
    if args.detached && !announce_ready() {
        return finish(ExitCode::Failure, cleanup);
    }
    match args.idle {
        Some(idle) => wait_idle(&held, idle),
        None => loop {
            std::thread::park();
        },
    }
    let status = if report_losses(&held) {
        ExitCode::Failure
    } else {
        ExitCode::Success
    };
    finish(status, cleanup)
}

/// Makes (with `--create`), holds and sizes one FIFO.
fn hold_one(args: &HoldArgs, path: &Path, cleanup: &Cleanup) -> Result<Held, Error> {
    let held = if args.create {
        let opened = create_and_open(path, Direction::ReadWrite, Wait::No, |created| {
            if args.rm {
                cleanup.add(created);
            }
        })?;
        Held::from_opened(opened)?
    } else {
        Held::open(path)?
    };
    size_pipe(APPLET, held.fd(), path, &args.pipe)?;
    Ok(held)
}

/// Tells the launching `fifo hold -b` that everything is held, then lets go
/// of the pipe to it (stdout becomes /dev/null), so that it returns.
fn announce_ready() -> bool {
    let told = std::io::stdout().lock().write_all(READY).is_ok();
    let released = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .is_ok_and(|null| nix::unistd::dup2_stdout(&null).is_ok());
    told && released
}

/// Returns once `idle` has passed in which no other process held any of
/// the FIFOs and nothing was buffered in them.
fn wait_idle(held: &[Held], idle: Duration) {
    let step = (idle / 5).clamp(Duration::from_millis(10), Duration::from_millis(200));
    let mut quiet_since: Option<Instant> = None;
    loop {
        let quiet = held.iter().all(|one| {
            one.buffered().is_ok_and(|n| n == 0)
                && one.others().is_none_or(|others| others.seen.is_empty())
        });
        match (quiet, quiet_since) {
            (false, _) => quiet_since = None,
            (true, None) => quiet_since = Some(Instant::now()),
            (true, Some(since)) if since.elapsed() >= idle => return,
            (true, Some(_)) => {}
        }
        std::thread::sleep(step);
    }
}

/// Says, for every FIFO whose pipe dies with this process, how many bytes
/// in it are lost; true when any were.
fn report_losses(held: &[Held]) -> bool {
    let mut lost_any = false;
    for one in held {
        let Ok(lost @ 1..) = one.buffered() else {
            continue;
        };
        if one.others().is_some_and(|others| others.seen.is_empty()) {
            let text = format!(
                "{}: {lost} bytes still in the pipe are lost: no other process holds it",
                report::quote(one.path())
            );
            report::message(APPLET, &text);
            lost_any = true;
        }
    }
    lost_any
}

/// Removes what `--create` made (with `--rm`) and settles the status.
fn finish(mut status: ExitCode, cleanup: Cleanup) -> ExitCode {
    for err in cleanup.finish() {
        status = status.merge(report::failure(APPLET, &err));
    }
    status
}
