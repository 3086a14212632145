//! `fifo serve`: a work queue on one FIFO, and calls on a socket beside it.
//! It holds the FIFO open at both ends (so producers never block and it
//! never sees end-of-file between them), splits what arrives into requests,
//! takes calls on `PATH.sock`, and runs CMD once per request, up to
//! `--jobs` at once, each job's output written out whole when it ends (or
//! sent back to its caller).

mod calls;
mod job;
mod joblog;
mod output;
mod plan;
mod reply;
mod server;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use output::Output;

use fifo_core::create::claim::create_and_open;
use fifo_core::open::hold::Held;
use fifo_core::open::{Direction, Wait, open_fifo};
use fifo_core::serve::{CallSocket, Spawner, Splitter, file_size_limit, spool};
use fifo_core::transfer::frame::Stash;
use fifo_core::{Action, Error, Subject};

use crate::cli::ServeArgs;
use crate::exit_code::ExitCode;
use crate::report;
use crate::signals::{self, Cleanup, die_of};
use calls::Calls;
use job::{Job, Outcome, Shared};
use plan::Plan;
use server::{Ended, Server};

const APPLET: &str = crate::cli::applets::SERVE.name;
/// The largest request kept: a line, or a call's body (spooled to disk).
const MAX_REQUEST: u64 = 1 << 30;
/// The most all unfinished framed messages on the FIFO may cost together
/// in memory (their bytes, and 1 KiB each): past it the oldest is dropped.
/// Keep in sync with docs/serve.md.
const MAX_PENDING: u64 = 64 << 20;

/// Runs `fifo serve`.
pub fn run(args: &ServeArgs) -> ExitCode {
    serve(&Plan::from_args(args))
}

/// Serves as the plan says, until it says to stop or a signal comes.
fn serve(plan: &Plan) -> ExitCode {
    // Before any other thread: the signals must be blocked in all of them.
    let (cleanup, notice) = match Cleanup::install_with_notice() {
        Ok(installed) => installed,
        Err(errno) => return signals::cannot_watch(APPLET, errno),
    };
    let Setup {
        spool_dir,
        held,
        socket,
        stash,
        splitter,
        joblog,
        done: (done_read, done_write),
    } = match setup(plan, &cleanup) {
        Ok(setup) => setup,
        Err(err) => return cleanup.settle(APPLET, report::failure(APPLET, &err)),
    };
    let spawner = match Spawner::new(&resolved(&plan.command)) {
        Ok(spawner) => spawner,
        Err(err) => {
            let command = plan.command[0].to_string_lossy();
            let text = format!("cannot run {command}: {}", fifo_core::error::describe(&err));
            return stop_at_start(cleanup, &text);
        }
    };
    let shared = Shared {
        spawner,
        name: plan.command[0].to_string_lossy().into_owned(),
        spool_dir: spool_dir.clone(),
        tries: plan.tries,
        logging: joblog.is_some(),
        output: Output::new(plan.keep_order, joblog),
        children: Mutex::new(std::collections::HashMap::new()),
        stopping: AtomicBool::new(false),
    };
    // One worker thread per job slot, each running one job at a time: a
    // thread per job would cost more than the rest of the dispatch.
    let (hand, jobs) = mpsc::channel::<Job>();
    let (tell, outcomes) = mpsc::channel::<Outcome>();
    let jobs = Mutex::new(jobs);
    let calls = match Calls::new(&socket, &plan.path, &spool_dir, max_request()) {
        Ok(calls) => calls,
        Err(text) => return stop_at_start(cleanup, &text),
    };
    let mut server = Server {
        plan,
        held: &held,
        splitter,
        calls,
        queue: VecDeque::new(),
        taken: 0,
        running: 0,
        short: false,
        output: &shared.output,
    };
    server.split();
    let ended = std::thread::scope(|scope| {
        for _ in 0..plan.jobs {
            let (shared, done, jobs, tell) = (&shared, &done_write, &jobs, tell.clone());
            let subject = Subject::path(&plan.path);
            let worker = fifo_core::process::thread::spawn_scoped(scope, &subject, move || {
                loop {
                    let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok(job) = next else { return };
                    let _ = tell.send(job::run(shared, job));
                    let _ = nix::unistd::write(done, &[1]);
                }
            });
            if let Err(err) = worker {
                return Err(Ended::Failed(err));
            }
        }
        let ended = server.serve(&notice, &done_read, &outcomes, |job| {
            // The workers outlive the sender, so the job always arrives.
            let _ = hand.send(job);
        });
        drop(hand);
        if ended.is_err() {
            shared.stopping.store(true, Ordering::SeqCst);
            shared.terminate_all();
        }
        ended
    });
    // A signal ends serve now: no waiting for callers to read.
    let signalled = matches!(ended, Err(Ended::Signal));
    wind_down(server, &outcomes, stash.as_ref(), signalled);
    drop(socket);
    drop(held);
    match ended {
        Err(Ended::Signal) => {
            for err in cleanup.finish() {
                report::failure(APPLET, &err);
            }
            die_of(&notice)
        }
        Err(Ended::Failed(err)) => cleanup.settle(APPLET, report::failure(APPLET, &err)),
        Ok(()) => {
            let status = if shared.output.failed.load(Ordering::Relaxed) {
                ExitCode::Failure
            } else {
                ExitCode::Success
            };
            cleanup.settle(APPLET, status)
        }
    }
}

/// What serve holds while it serves.
struct Setup {
    /// Where job output (and large calls) are spooled.
    spool_dir: std::path::PathBuf,
    held: Held,
    socket: CallSocket,
    /// Where other writers' unfinished messages are left; none with --rm.
    stash: Option<Stash>,
    splitter: Splitter,
    /// The joblog's path and file, header written.
    joblog: Option<(std::path::PathBuf, std::fs::File)>,
    /// Written to by a worker when its job ends, to wake the loop.
    done: (std::os::fd::OwnedFd, std::os::fd::OwnedFd),
}

/// The largest request taken: [`MAX_REQUEST`], or less under `ulimit -f`,
/// since a request may be spooled in a file (CMD's stdin, a call's body),
/// and a write past the limit would end serve (SIGXFSZ).
/// Says why serve cannot start, and ends it (status 1).
fn stop_at_start(cleanup: Cleanup, text: &str) -> ExitCode {
    report::message(APPLET, text);
    cleanup.settle(APPLET, ExitCode::Failure)
}

fn max_request() -> u64 {
    MAX_REQUEST.min(file_size_limit())
}

/// Checks the spool directory, opens the joblog, opens (or makes) and
/// holds the FIFO, makes the call socket, and takes up what an earlier
/// reader left.
fn setup(plan: &Plan, cleanup: &Cleanup) -> Result<Setup, Error> {
    let spool_dir = fifo_core::create::dir::temp_dir();
    // Every job spools its output there: a place that cannot be used is
    // said before serving, not once per request.
    spool(&spool_dir)?;
    // A full or broken stdout refuses an empty write: found before a request
    // is taken from the FIFO, so that none is run for output that is lost.
    nix::unistd::write(super::stdout_fd(), &[])
        .map_err(|errno| Error::sys(Subject::Stdout, Action::Write, errno))?;
    let joblog = plan.joblog.as_ref().map(joblog::open).transpose()?;
    let held = open_queue(plan, cleanup)?;
    let socket = CallSocket::bind(&plan.path, held.fd())?;
    // With --rm the FIFO goes away with serve: nobody could finish what it
    // leaves.
    let stash = (!plan.remove).then(super::frame_stash);
    let mut splitter = Splitter::new(plan.separator, max_request()).with_cap(MAX_PENDING);
    if let Some(stash) = &stash {
        // A counted serve stops early for sure, and must be able to leave
        // what it begins (the stash is made now); another takes up what is
        // there, and reads on without what it cannot take up.
        let counted = plan.requests.is_some();
        if counted || stash.dir().exists() {
            if let Err(err) = splitter.take_stash(stash, held.fd()) {
                if counted {
                    return Err(err);
                }
            }
        }
    }
    let done = fifo_core::open::descriptor::pipe()
        .map_err(|source| Error::sys(Subject::path(&plan.path), Action::Open, source))?;
    Ok(Setup {
        spool_dir,
        held,
        socket,
        stash,
        splitter,
        joblog,
        done,
    })
}

/// Once serving stopped: sends the replies still due (those of jobs that
/// ended as it stopped too), and leaves the messages other writers began
/// for the next framed reader of the FIFO, or says what is dropped.
fn wind_down(
    mut server: Server<'_>,
    outcomes: &mpsc::Receiver<Outcome>,
    stash: Option<&Stash>,
    signalled: bool,
) {
    // Requests that never ran (serve was stopped) hold up no output.
    server.output.flush();
    if !signalled {
        while let Ok(outcome) = outcomes.try_recv() {
            if let Outcome::Ran(Some(reply)) = outcome {
                server.calls.reply(reply);
            }
        }
        server.calls.finish();
    }
    let Some(stash) = stash else {
        return;
    };
    let path = &server.plan.path;
    let dropped = match server.splitter.leave_in(stash, server.held.fd()) {
        Ok(dropped) => dropped,
        Err(err) => {
            report::failure(APPLET, &err);
            (1, 0)
        }
    };
    if dropped.0 > 0 {
        let text = format!(
            "{}: dropped {} unfinished message(s) ({} bytes received): serve stopped inside a request",
            report::quote(path),
            dropped.0,
            dropped.1
        );
        report::message(APPLET, &text);
    }
}

/// CMD with its program looked up in `PATH` once, as `execvp` would, so
/// that each job execs it directly instead of trying every `PATH` entry
/// again; a name not found is left for the job to report (status 127).
fn resolved(command: &[std::ffi::OsString]) -> Vec<std::ffi::OsString> {
    let mut command = command.to_vec();
    let Some(program) = command.first_mut() else {
        return command;
    };
    if std::os::unix::ffi::OsStrExt::as_bytes(program.as_os_str()).contains(&b'/') {
        return command;
    }
    let search = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&search)
        .map(|dir| dir.join(&*program))
        .find(|path| {
            nix::unistd::access(path, nix::unistd::AccessFlags::X_OK).is_ok() && path.is_file()
        });
    if let Some(path) = found {
        *program = path.into_os_string();
    }
    command
}

/// Opens (with `--create`, makes) and holds the queue.
fn open_queue(plan: &Plan, cleanup: &Cleanup) -> Result<Held, Error> {
    let opened = if plan.create {
        create_and_open(&plan.path, Direction::ReadWrite, Wait::No, |created| {
            if plan.remove {
                cleanup.add(created);
            }
        })?
    } else {
        open_fifo(&plan.path, Direction::ReadWrite, Wait::No)?
    };
    Held::from_opened(opened)
}
