//! The server's one loop: reads requests from the FIFO and takes calls on
//! the call socket, hands jobs to the workers, and sends replies as their
//! callers read them.
//!
//! Out of descriptors, it slows down, never drops a request: a job that
//! cannot get its descriptors goes back to the head of the queue and waits
//! for another job (or call) to give some back; a call waits in the
//! socket's queue. Only when nothing in progress could give one back is a
//! request refused, with one line naming it (and, for a call, an answer
//! saying why). Calls whose callers stopped moving bytes are given up then,
//! so that stopped callers cannot hold a server at its limit.

use std::collections::VecDeque;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use fifo_core::error::Chain;
use fifo_core::open::hold::Held;
use fifo_core::serve::{Event, Splitter};
use fifo_core::{Action, Error, Subject};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::calls::{Arrived, Calls, Taken};
use super::job::{Body, Job, Outcome};
use super::output::{Finished, Output};
use super::plan::Plan;
use crate::report;

const APPLET: &str = crate::cli::applets::SERVE.name;
/// How much is read at a time when reading ahead is allowed.
const READ_SIZE: usize = 64 * 1024;
/// The most calls whose requests are arriving at once; more wait in the
/// socket's queue.
pub const MAX_ARRIVING: usize = 64;
/// How long a call may move no byte, while the server is at its limit
/// (out of descriptors, or of room for arriving calls), before it is given
/// up.
const STALLED: Duration = Duration::from_secs(1);

/// Why serving stopped early.
pub enum Ended {
    Signal,
    Failed(Error),
}

/// What a wait found ready.
struct Ready {
    signal: bool,
    done: bool,
    fifo: bool,
    socket: bool,
    /// The calls ready, each with whether it was waiting to read.
    calls: Vec<(u64, bool)>,
}

/// The reading side of a serve: what has been taken and not yet run.
pub struct Server<'a> {
    pub plan: &'a Plan,
    pub held: &'a Held,
    pub splitter: Splitter,
    pub calls: Calls<'a>,
    /// Jobs taken and not yet started.
    pub queue: VecDeque<Job>,
    /// Requests taken so far (they are numbered from 1).
    pub taken: u64,
    pub running: u32,
    /// Set when a job or a call found no descriptor left, until something
    /// gives one back: no job starts meanwhile beyond those running.
    pub short: bool,
    /// Where finished requests are written out; says whether one may
    /// start (`--keep-order` bounds how far ahead).
    pub output: &'a Output,
}

impl Server<'_> {
    /// Takes requests and starts their jobs with `start` until `-n` or
    /// `--idle` says to stop, then waits for the running jobs.
    pub fn serve(
        &mut self,
        notice: &OwnedFd,
        done: &OwnedFd,
        outcomes: &Receiver<Outcome>,
        mut start: impl FnMut(Job),
    ) -> Result<(), Ended> {
        let mut quiet_since = Instant::now();
        let mut buf = vec![0u8; READ_SIZE];
        loop {
            while self.running < self.plan.jobs && !self.short {
                if !self
                    .queue
                    .front()
                    .is_some_and(|job| self.output.may_start(job.number))
                {
                    break;
                }
                let Some(job) = self.queue.pop_front() else {
                    break;
                };
                self.running += 1;
                start(job);
            }
            let all_taken = self.plan.requests.is_some_and(|n| self.taken >= n);
            let idle = self.running == 0 && self.queue.is_empty() && self.calls.is_empty();
            if all_taken && idle {
                return Ok(());
            }
            let timeout = match self.plan.idle {
                Some(limit) if idle => {
                    let left = limit.saturating_sub(quiet_since.elapsed());
                    if left.is_zero() {
                        return Ok(());
                    }
                    Some(left.max(Duration::from_millis(1)))
                }
                _ if self.at_limit() => Some(STALLED),
                _ => None,
            };
            let ready = self.wait(notice, done, all_taken, timeout)?;
            if ready.signal {
                return Err(Ended::Signal);
            }
            let calls_before = self.calls.len();
            if ready.done {
                let mut bytes = [0u8; 64];
                let _ = nix::unistd::read(done, &mut bytes);
                while let Ok(outcome) = outcomes.try_recv() {
                    self.ended(outcome);
                }
                quiet_since = Instant::now();
                if self.output.stdout_closed.load(Ordering::SeqCst) {
                    // Nobody reads the output any more: stop (141), as any
                    // command whose stdout is closed.
                    let closed = Error::sys(Subject::Stdout, Action::Write, Errno::EPIPE);
                    return Err(Ended::Failed(closed));
                }
            }
            if ready.fifo {
                self.read_requests(&mut buf)?;
                quiet_since = Instant::now();
            }
            if ready.socket && self.calls.take(self.held.fd()) == Taken::Starved {
                self.starved();
            }
            for (key, reading) in ready.calls {
                quiet_since = Instant::now();
                if !reading {
                    self.calls.send(key, None);
                } else if let Arrived::Request(body) = self.calls.arrived(key) {
                    self.taken += 1;
                    self.queue.push_back(Job {
                        number: self.taken,
                        body,
                        call: Some(key),
                    });
                }
            }
            if self.calls.len() < calls_before {
                self.short = false;
            }
            if self.at_limit() && self.calls.drop_stalled(STALLED) > 0 {
                self.short = false;
            }
        }
    }

    /// Waits until a signal came, a job ended, the FIFO has requests or
    /// a call needs attention (or `timeout` passed); says which.
    fn wait(
        &self,
        notice: &OwnedFd,
        done: &OwnedFd,
        all_taken: bool,
        timeout: Option<Duration>,
    ) -> Result<Ready, Ended> {
        let timeout = timeout.map_or(PollTimeout::NONE, |t| {
            PollTimeout::try_from(t).unwrap_or(PollTimeout::MAX)
        });
        let room = self.queue.is_empty() && self.running < self.plan.jobs;
        // No more calls than requests are still to be taken.
        let wanted = self
            .plan
            .requests
            .map_or(u64::MAX, |n| n - self.taken.min(n));
        let arriving = self.calls.reading();
        let take_calls =
            room && !self.short && arriving < MAX_ARRIVING && (arriving as u64) < wanted;
        let when = |yes: bool| {
            if yes {
                PollFlags::POLLIN
            } else {
                PollFlags::empty()
            }
        };
        let watched = self.calls.watched();
        let mut fds = vec![
            PollFd::new(notice.as_fd(), PollFlags::POLLIN),
            PollFd::new(done.as_fd(), PollFlags::POLLIN),
            PollFd::new(self.held.fd(), when(!all_taken && room)),
            PollFd::new(self.calls.socket_fd(), when(take_calls)),
        ];
        for (_, fd, reading) in &watched {
            let events = if *reading {
                PollFlags::POLLIN
            } else {
                PollFlags::POLLOUT
            };
            fds.push(PollFd::new(*fd, events));
        }
        match poll(&mut fds, timeout) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(errno) => return Err(self.failed(Action::Wait, errno)),
        }
        let ready: Vec<bool> = fds
            .iter()
            .map(|fd| fd.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        let calls = watched
            .iter()
            .zip(&ready[4..])
            .filter(|(_, ready)| **ready)
            .map(|((key, _, reading), _)| (*key, *reading))
            .collect();
        Ok(Ready {
            signal: ready[0],
            done: ready[1],
            fifo: ready[2],
            socket: ready[3],
            calls,
        })
    }

    /// Whether calls in progress keep the server from going on: it is out
    /// of descriptors and some call holds some, or as many calls are
    /// arriving as it takes at once (or as it takes from one user). Calls
    /// that stopped moving are then given up.
    fn at_limit(&self) -> bool {
        (self.short && self.calls.could_give_back())
            || self.calls.reading() >= MAX_ARRIVING
            || self.calls.a_user_at_cap()
    }

    /// A job ended (or could not start).
    fn ended(&mut self, outcome: Outcome) {
        self.running -= 1;
        match outcome {
            Outcome::Ran(reply) => {
                self.short = false;
                if let Some(reply) = reply {
                    self.calls.reply(reply);
                }
            }
            Outcome::Refused(call, why) => {
                self.short = false;
                self.calls.refuse(call, &why);
            }
            Outcome::Short(job, err) => {
                if self.running == 0 && !self.calls.could_give_back() {
                    // Nothing will give a descriptor back: refuse it.
                    let text = format!("request {}: not run: {}", job.number, Chain(&err));
                    self.output.failed.store(true, Ordering::Relaxed);
                    if let Some(call) = job.call {
                        self.calls.refuse(call, &text);
                    }
                    self.output.done(Finished {
                        number: job.number,
                        output: None,
                        note: Some(text),
                        log: None,
                    });
                } else {
                    self.queue.push_front(job);
                    self.short = true;
                }
            }
        }
    }

    /// A call waits and no descriptor is left to take it with.
    fn starved(&mut self) {
        if self.running == 0 && !self.calls.could_give_back() {
            self.calls.refuse_starved();
        } else {
            self.short = true;
        }
    }

    /// Reads what is waiting (with `-n`, no byte past the last request
    /// wanted) and queues the requests it completes.
    fn read_requests(&mut self, buf: &mut [u8]) -> Result<(), Ended> {
        let want = match self.plan.requests {
            Some(_) => self.splitter.safe_read_len().min(READ_SIZE),
            None => READ_SIZE,
        };
        let n = match nix::unistd::read(self.held.fd(), &mut buf[..want]) {
            Ok(n) => n,
            Err(Errno::EINTR | Errno::EAGAIN) => return Ok(()),
            Err(errno) => return Err(self.failed(Action::Read, errno)),
        };
        self.splitter.push(&buf[..n]);
        self.split();
        Ok(())
    }

    /// Queues the requests the splitter completed, and says what it
    /// skipped.
    pub fn split(&mut self) {
        while let Some(event) = self.splitter.pop() {
            match event {
                Event::Request(request) => {
                    self.taken += 1;
                    self.queue.push_back(Job {
                        number: self.taken,
                        body: Body::Bytes(request.body),
                        call: None,
                    });
                }
                Event::Skipped { offset, why } => {
                    let text = format!(
                        "{}: at byte {offset}: {why}",
                        report::quote(&self.plan.path)
                    );
                    report::message(APPLET, &text);
                }
                _ => {}
            }
        }
    }

    fn failed(&self, action: Action, errno: Errno) -> Ended {
        Ended::Failed(Error::sys(Subject::path(&self.plan.path), action, errno))
    }
}
