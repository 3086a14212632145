//! `fifo hold`: keep FIFOs open at both ends until told to stop, so writers
//! never block and readers never see end-of-file between writers; with
//! `--background`, from a detached process that is holding everything by
//! the time the command returns; with `--stop`, end such holders.

mod plan;

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use fifo_core::create::claim::{CreatedFifo, create_and_open};
use fifo_core::open::hold::{Held, release};
use fifo_core::open::{Direction, Wait};
use fifo_core::{Error, FileKind};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;

use super::{check_capacity, metadata, size_pipe};
use crate::cli::HoldArgs;
use crate::exit_code::ExitCode;
use crate::report;
use crate::signals::{self, Cleanup};
use plan::{Create, Holding, Mode, Plan, detached_args};

const APPLET: &str = crate::cli::applets::HOLD.name;
/// How often a hold without `--idle` looks whether its FIFOs were removed.
const REMOVED_POLL: Duration = Duration::from_secs(1);
/// What the detached holder writes on its stdout once everything is held.
const READY: &[u8] = b"ready\n";

/// Runs `fifo hold`.
pub fn run(args: &HoldArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    match &plan.mode {
        Mode::Stop { timeout } => stop(&plan.paths, *timeout),
        Mode::Launch(holding) => launch(holding, &plan.paths),
        Mode::Hold { holding, detached } => hold(holding, &plan.paths, *detached),
    }
}

/// `--stop`: ends the holders of every PATH; a PATH nobody held is status 1.
fn stop(paths: &[PathBuf], timeout: Option<Duration>) -> ExitCode {
    let mut status = ExitCode::Success;
    for path in paths {
        match release(path, timeout, &runs_fifo_hold) {
            Ok(released) => {
                let here = released.lost.map(|lost| (path.clone(), lost));
                for (path, lost) in here.into_iter().chain(released.also_lost) {
                    if lost == 0 {
                        continue;
                    }
                    let text = format!(
                        "{}: {lost} bytes still in the pipe were lost: no other process held it",
                        report::quote(&path)
                    );
                    report::message(APPLET, &text);
                    status = status.merge(ExitCode::Failure);
                }
            }
            Err(Error::NotHeld { subject }) => {
                let text = format!("{subject}: no fifo hold process of this user holds it");
                report::message(APPLET, &text);
                status = status.merge(ExitCode::Failure);
            }
            Err(err) => status = status.merge(report::failure(APPLET, &err)),
        }
    }
    status
}

/// Whether a command line is `fifo hold ...` or `fifo-hold ...`: the
/// holders `--stop` ends.
fn runs_fifo_hold(args: &[&OsStr]) -> bool {
    let name = args.first().map(|program| Path::new(program).file_name());
    match name {
        Some(Some(name)) if name == "fifo-hold" => true,
        Some(Some(name)) if name == "fifo" => args.get(1).is_some_and(|arg| *arg == "hold"),
        _ => false,
    }
}

/// `--background`: starts the detached holder, waits until it holds every
/// PATH (or has failed, saying why on the shared stderr), prints its PID.
///
/// A holder whose PID the caller never learns (the launcher is killed while
/// it waits, or the PID cannot be printed) is ended again, so that a failed
/// `fifo hold -b` never leaves a hold running unannounced.
fn launch(holding: &Holding, paths: &[PathBuf]) -> ExitCode {
    let Some(cleanup) = watch_signals() else {
        return ExitCode::Failure;
    };
    // The holder to end if a signal ends the launcher before the PID is out;
    // locked across the spawn, so that a signal meanwhile waits for its PID.
    let unannounced: Arc<Mutex<Option<u32>>> = Arc::default();
    {
        let unannounced = Arc::clone(&unannounced);
        cleanup.on_signal(move || {
            if let Some(pid) = unannounced
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
            {
                abandon(pid);
            }
        });
    }
    let mut armed = unannounced.lock().unwrap_or_else(PoisonError::into_inner);
    // std's spawn clears the signal mask: the holder gets the signals.
    let started = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .args(detached_args(holding, paths))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
    });
    let mut child = match started.context("cannot start the holder") {
        Ok(child) => child,
        Err(err) => {
            report::error(APPLET, &err);
            return ExitCode::Failure;
        }
    };
    *armed = Some(child.id());
    drop(armed);
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
    let status = report::write_stdout(APPLET, format!("{}\n", child.id()).as_bytes());
    let armed = unannounced
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if !status.is_success() {
        if let Some(pid) = armed {
            abandon(pid);
        }
    }
    status
}

/// Ends the detached holder `pid` (a child of this process) as a signal
/// would, so that `--rm` removes what it made, and reaps it.
fn abandon(pid: u32) {
    let Ok(pid) = i32::try_from(pid).map(Pid::from_raw) else {
        return;
    };
    let _ = kill(pid, Signal::SIGTERM);
    let _ = waitpid(pid, None);
}

/// [`Cleanup::install`], or `None` after saying why it failed. Call it
/// before any other thread starts: the signals must be blocked in all.
fn watch_signals() -> Option<Cleanup> {
    Cleanup::install()
        .map_err(|errno| signals::cannot_watch(APPLET, errno))
        .ok()
}

/// Holds every PATH until a signal, until `--idle` passes quietly, or until
/// every FIFO held was removed and nobody else holds it.
fn hold(holding: &Holding, paths: &[PathBuf], detached: bool) -> ExitCode {
    let Some(cleanup) = watch_signals() else {
        return ExitCode::Failure;
    };
    if detached {
        // Out of the caller's session: its terminal's signals are not ours.
        let _ = nix::unistd::setsid();
    }
    if let Err(err) = check_capacity(&holding.pipe, paths.iter().map(PathBuf::as_path)) {
        return cleanup.settle(APPLET, report::failure(APPLET, &err));
    }
    if let (Some(_), Some(path)) = (holding.idle, paths.first()) {
        if let Err(err) = fifo_core::open::hold::holders_seen(path) {
            return cleanup.settle(APPLET, report::failure(APPLET, &err));
        }
    }
    // What a signal makes it lose is said from the moment the first FIFO
    // is held, not only once all are: a signal right after an open ended
    // the hold without a word about the bytes in its pipe. The list is
    // locked only to add, copy or let go, never across an open or a look
    // by path: a path whose look-up hangs (a dead NFS server) must not
    // keep the signal's report, and so the hold's end, waiting.
    let held: Arc<HeldList> = Arc::default();
    {
        let held = Arc::clone(&held);
        cleanup.on_signal(move || {
            report_losses(&lock(&held));
        });
    }
    // What --create made without --rm: kept if every PATH is held, removed
    // if one fails, so that a failed hold leaves nothing behind.
    let mut made = Vec::new();
    for path in paths {
        match hold_one(holding, path, &cleanup, &mut made) {
            Ok(one) => lock(&held).push(Arc::new(one)),
            Err(err) => {
                let mut status = report::failure(APPLET, &err);
                // The FIFOs held so far are let go of: what their pipes
                // held is lost as at any end of the hold, and said so.
                let_go(&held);
                for fifo in made {
                    if let Err(err) = fifo.remove() {
                        status = status.merge(report::failure(APPLET, &err));
                    }
                }
                return cleanup.settle(APPLET, status);
            }
        }
    }
    drop(made);
    if detached && !announce_ready() {
        return cleanup.settle(APPLET, ExitCode::Failure);
    }
    match holding.idle {
        Some(idle) => wait_idle(&held, idle),
        None => {
            while !all_removed(&held_now(&held)) {
                std::thread::sleep(REMOVED_POLL);
            }
        }
    }
    let status = if let_go(&held) {
        ExitCode::Failure
    } else {
        ExitCode::Success
    };
    cleanup.settle(APPLET, status)
}

/// Says what every FIFO held loses, and lets go of them all, in one look:
/// a signal that comes after finds none left to report on (it would say
/// it again), one that comes before reports them itself while this waits.
/// True when anything was lost.
fn let_go(held: &HeldList) -> bool {
    let mut held = lock(held);
    let lost = report_losses(&held);
    held.clear();
    lost
}

/// Makes (with `--create`), holds and sizes one FIFO; what it makes goes to
/// `cleanup` with `--rm`, to `made` without.
fn hold_one(
    holding: &Holding,
    path: &Path,
    cleanup: &Cleanup,
    made: &mut Vec<CreatedFifo>,
) -> Result<Held, Error> {
    let held = match holding.create {
        Create::No => Held::open(path)?,
        create => {
            let opened = create_and_open(path, Direction::ReadWrite, Wait::No, |created| {
                if create == Create::Remove {
                    cleanup.add(created);
                } else {
                    made.push(created);
                }
            })?;
            Held::from_opened(opened)?
        }
    };
    size_pipe(APPLET, held.fd(), path, &holding.pipe)?;
    Ok(held)
}

/// Tells the launching `fifo hold -b` that everything is held, then lets go
/// of the pipe to it (stdout becomes /dev/null), so that it returns.
///
/// A stderr that is a pipe or a socket is let go of too: whoever captures
/// the command's output with it (`$(fifo hold -b q 2>&1)`, a subprocess
/// reading both) would otherwise wait for the end of the holder. A terminal
/// or a file keeps the holder's later messages (what a signal made it lose).
fn announce_ready() -> bool {
    let told = std::io::stdout().lock().write_all(READY).is_ok();
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
        return false;
    };
    let captured = metadata(std::io::stderr().as_fd()).is_some_and(|meta| {
        matches!(
            FileKind::from_mode(meta.mode()),
            FileKind::Fifo | FileKind::Socket
        )
    });
    if captured {
        let _ = nix::unistd::dup2_stderr(&null);
    }
    told && nix::unistd::dup2_stdout(&null).is_ok()
}

/// Returns once `idle` has passed in which no other process held any of
/// the FIFOs and nothing was buffered in them.
fn wait_idle(held: &HeldList, idle: Duration) {
    let step = (idle / 5).clamp(Duration::from_millis(10), Duration::from_millis(200));
    let mut quiet_since: Option<Instant> = None;
    loop {
        let held = held_now(held);
        let quiet = held.iter().all(|one| {
            one.buffered().is_ok_and(|n| n == 0)
                && one.others().is_none_or(|others| others.seen.is_empty())
        });
        if all_removed(&held) {
            return;
        }
        match (quiet, quiet_since) {
            (false, _) => quiet_since = None,
            (true, None) => quiet_since = Some(Instant::now()),
            (true, Some(since)) if since.elapsed() >= idle => return,
            (true, Some(_)) => {}
        }
        std::thread::sleep(step);
    }
}

/// The FIFOs held, shared with the signal's report.
type HeldList = Mutex<Vec<Arc<Held>>>;

/// The list, locked (a poisoned lock still holds them).
fn lock(held: &HeldList) -> std::sync::MutexGuard<'_, Vec<Arc<Held>>> {
    held.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The FIFOs held now, to look at without keeping the list locked.
fn held_now(held: &HeldList) -> Vec<Arc<Held>> {
    lock(held).clone()
}

/// Whether every FIFO held has been removed (or replaced) and no other
/// process holds it: the hold then serves nobody, and `--stop` could never
/// find it by PATH again, so it ends rather than run on unseen.
fn all_removed(held: &[Arc<Held>]) -> bool {
    held.iter()
        .all(|one| one.unlinked() && one.others().is_some_and(|others| others.seen.is_empty()))
}

/// Says, for every FIFO whose pipe dies with this process, how many bytes
/// in it are lost; true when any were.
fn report_losses(held: &[Arc<Held>]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fifo_hold_command_lines_are_holders_to_stop() {
        let holder = |args: &[&str]| {
            let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
            runs_fifo_hold(&args)
        };
        assert!(holder(&["fifo", "hold", "q"]));
        assert!(holder(&["/usr/local/bin/fifo", "hold", "-b", "q"]));
        assert!(holder(&["fifo-hold", "q"]));
        assert!(!holder(&["fifo", "cat", "q"]));
        assert!(!holder(&["sleep", "hold"]));
        assert!(!holder(&["fifo"]));
        assert!(!holder(&[]));
    }
}
