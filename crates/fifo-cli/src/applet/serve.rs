//! `fifo serve`: a work queue and request/reply server on one FIFO. It
//! holds the FIFO open at both ends (so producers never block and it never
//! sees end-of-file between them), splits what arrives into requests, and
//! runs CMD once per request, up to `--jobs` at once, each job's output
//! written out whole when it ends (or sent back to its caller).

mod job;

use std::collections::VecDeque;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use fifo_core::claim::create_and_open;
use fifo_core::hold::Held;
use fifo_core::open::{Direction, Wait, open_fifo};
use fifo_core::serve::{Event, Request, Spawner, Splitter};
use fifo_core::{Action, Error, Subject};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::cli::ServeArgs;
use crate::exit_code::ExitCode;
use crate::report;
use crate::signals::{self, Cleanup, die_of};
use job::Shared;

const APPLET: &str = "serve";
/// The largest request (a line, or one writer's unfinished message) kept.
const MAX_REQUEST: u64 = 1 << 30;
/// How much is read at a time when reading ahead is allowed.
const READ_SIZE: usize = 64 * 1024;

/// Runs `fifo serve`.
pub fn run(args: &ServeArgs) -> ExitCode {
    // Before any other thread: the signals must be blocked in all of them.
    let (cleanup, notice) = match Cleanup::install_with_notice() {
        Ok(installed) => installed,
        Err(errno) => return signals::cannot_watch(APPLET, errno),
    };
    let held = match open_queue(args, &cleanup) {
        Ok(held) => held,
        Err(err) => return cleanup.settle(APPLET, report::failure(APPLET, &err)),
    };
    let (done_read, done_write) = match fifo_core::descriptor::pipe() {
        Ok(pipe) => pipe,
        Err(source) => {
            let err = Error::sys(Subject::path(&args.path), Action::Open, source);
            return cleanup.settle(APPLET, report::failure(APPLET, &err));
        }
    };
    let spawner = match Spawner::new(&resolved(&args.command)) {
        Ok(spawner) => spawner,
        Err(errno) => {
            let text = format!(
                "cannot run {}: {}",
                args.command[0].to_string_lossy(),
                errno.desc()
            );
            report::message(APPLET, &text);
            return cleanup.settle(APPLET, ExitCode::Failure);
        }
    };
    let shared = Shared {
        spawner,
        name: args.command[0].to_string_lossy().into_owned(),
        spool_dir: std::env::temp_dir(),
        output: Mutex::new(()),
        children: Mutex::new(std::collections::HashMap::new()),
        failed: std::sync::atomic::AtomicBool::new(false),
        stopping: std::sync::atomic::AtomicBool::new(false),
        stdout_closed: std::sync::atomic::AtomicBool::new(false),
    };
    // One worker thread per job slot, each running one job at a time: a
    // thread per job would cost more than the rest of the dispatch.
    let (hand, jobs) = std::sync::mpsc::channel::<(u64, Request)>();
    let jobs = Mutex::new(jobs);
    let ended = std::thread::scope(|scope| {
        for _ in 0..args.jobs {
            let (shared, done, jobs) = (&shared, &done_write, &jobs);
            scope.spawn(move || {
                loop {
                    let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((number, request)) = next else { return };
                    let reply = job::run(shared, number, request);
                    let _ = nix::unistd::write(done, &[1]);
                    if let Some(reply) = reply {
                        scope.spawn(move || reply.send());
                    }
                }
            });
        }
        let mut server = Server {
            args,
            held: &held,
            splitter: Splitter::new(if args.null { 0 } else { b'\n' }, MAX_REQUEST),
            queue: VecDeque::new(),
            taken: 0,
            running: 0,
            buf: vec![0; READ_SIZE],
            stdout_closed: &shared.stdout_closed,
        };
        let ended = server.serve(&notice, &done_read, |number, request| {
            // The workers outlive the sender, so the job always arrives.
            let _ = hand.send((number, request));
        });
        drop(hand);
        if ended.is_err() {
            shared.stopping.store(true, Ordering::SeqCst);
            shared.terminate_all();
        }
        ended
    });
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
            let status = if shared.failed.load(Ordering::Relaxed) {
                ExitCode::Failure
            } else {
                ExitCode::Success
            };
            cleanup.settle(APPLET, status)
        }
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

/// Why serving stopped early.
enum Ended {
    Signal,
    Failed(Error),
}

/// Opens (with `--create`, makes) and holds the queue.
fn open_queue(args: &ServeArgs, cleanup: &Cleanup) -> Result<Held, Error> {
    let opened = if args.create {
        create_and_open(&args.path, Direction::ReadWrite, Wait::No, |created| {
            if args.rm {
                cleanup.add(created);
            }
        })?
    } else {
        open_fifo(&args.path, Direction::ReadWrite, Wait::No)?
    };
    Held::from_opened(opened)
}

/// The reading side of a serve: what has been read and not yet run.
struct Server<'a> {
    args: &'a ServeArgs,
    held: &'a Held,
    splitter: Splitter,
    /// Requests read and not yet started, with their numbers.
    queue: VecDeque<(u64, Request)>,
    /// Requests taken from the stream so far (they are numbered from 1).
    taken: u64,
    running: u32,
    /// Where reads land.
    buf: Vec<u8>,
    /// Set by a job that found serve's stdout closed.
    stdout_closed: &'a std::sync::atomic::AtomicBool,
}

impl Server<'_> {
    /// Reads requests and starts their jobs with `start` until `-n` or
    /// `--idle` says to stop, then waits for the running jobs.
    fn serve(
        &mut self,
        notice: &OwnedFd,
        done: &OwnedFd,
        mut start: impl FnMut(u64, Request),
    ) -> Result<(), Ended> {
        let mut quiet_since = Instant::now();
        loop {
            while self.running < self.args.jobs {
                let Some((number, request)) = self.queue.pop_front() else {
                    break;
                };
                self.running += 1;
                start(number, request);
            }
            let all_taken = self.args.requests.is_some_and(|n| self.taken >= n);
            let idle = self.running == 0 && self.queue.is_empty();
            if all_taken && idle {
                return Ok(());
            }
            let timeout = match self.args.idle {
                Some(limit) if idle => {
                    let left = limit.saturating_sub(quiet_since.elapsed());
                    if left.is_zero() {
                        return Ok(());
                    }
                    PollTimeout::try_from(left.max(Duration::from_millis(1)))
                        .unwrap_or(PollTimeout::MAX)
                }
                _ => PollTimeout::NONE,
            };
            let read_more = !all_taken && self.queue.is_empty() && self.running < self.args.jobs;
            let mut fds = vec![
                PollFd::new(notice.as_fd(), PollFlags::POLLIN),
                PollFd::new(done.as_fd(), PollFlags::POLLIN),
            ];
            if read_more {
                fds.push(PollFd::new(self.held.fd(), PollFlags::POLLIN));
            }
            match poll(&mut fds, timeout) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(errno) => return Err(self.failed(Action::Wait, errno)),
            }
            let ready = |fd: &PollFd<'_>| fd.revents().is_some_and(|r| !r.is_empty());
            if ready(&fds[0]) {
                return Err(Ended::Signal);
            }
            if ready(&fds[1]) {
                let mut buf = [0u8; 64];
                let n = nix::unistd::read(done, &mut buf).unwrap_or(0);
                self.running -= u32::try_from(n).unwrap_or(0);
                quiet_since = Instant::now();
                if self.stdout_closed.load(Ordering::SeqCst) {
                    // Nobody reads the output any more: stop (141), as any
                    // command whose stdout is closed.
                    let closed = Error::sys(Subject::Stdout, Action::Write, Errno::EPIPE);
                    return Err(Ended::Failed(closed));
                }
            }
            if fds.get(2).is_some_and(ready) {
                self.read_requests()?;
                quiet_since = Instant::now();
            }
        }
    }

    /// Reads what is waiting (with `-n`, no byte past the last request
    /// wanted) and queues the requests it completes.
    fn read_requests(&mut self) -> Result<(), Ended> {
        let buf = &mut self.buf;
        let want = match self.args.requests {
            Some(_) => self.splitter.safe_read_len().min(READ_SIZE),
            None => READ_SIZE,
        };
        let n = match nix::unistd::read(self.held.fd(), &mut buf[..want]) {
            Ok(n) => n,
            Err(Errno::EINTR | Errno::EAGAIN) => return Ok(()),
            Err(errno) => return Err(self.failed(Action::Read, errno)),
        };
        self.splitter.push(&self.buf[..n]);
        while let Some(event) = self.splitter.pop() {
            match event {
                Event::Request(request) => {
                    self.taken += 1;
                    self.queue.push_back((self.taken, request));
                }
                Event::Skipped { offset, why } => {
                    let text = format!(
                        "{}: at byte {offset}: {why}",
                        report::quote(&self.args.path)
                    );
                    report::message(APPLET, &text);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn failed(&self, action: Action, errno: Errno) -> Ended {
        Ended::Failed(Error::sys(Subject::path(&self.args.path), action, errno))
    }
}
