//! Where finished jobs go on serve's side: their output to serve's own
//! stdout and stderr, whole, and a line each to the joblog. With
//! `--keep-order` that happens in request order: a job that ends before an
//! earlier one waits, its output still in its spooled files on disk, until
//! every earlier request is out. What waits is bounded by [`Output::may_start`]:
//! a request starts only within a window of the oldest one not yet out.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Seek, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use fifo_core::error::Chain;
use fifo_core::{Action, Error, Subject};

use crate::report;

const APPLET: &str = crate::cli::applets::SERVE.name;
/// The most requests, counted from the oldest one not yet written out, that
/// may have started with `--keep-order` (a quarter of the descriptors serve
/// may open, if fewer: each finished one holds two until it is out).
/// Keep in sync with docs/serve.md.
const MAX_AHEAD: u64 = 256;

/// A request done with: run, or not run.
#[derive(Debug)]
pub struct Finished {
    pub number: u64,
    /// Its spooled stdout and stderr, to be written out; none for a call's
    /// job (its output goes to its caller) or a request not run.
    pub output: Option<(File, File)>,
    /// What to say on stderr after its output (how it failed).
    pub note: Option<String>,
    /// Its joblog line, newline included; none for a request not run.
    pub log: Option<String>,
}

/// What is waiting to be written out, and where.
#[derive(Debug)]
struct State {
    /// Finished requests waiting for an earlier one.
    held: BTreeMap<u64, Finished>,
    joblog: Option<(std::path::PathBuf, File)>,
}

/// Serve's own output, shared by the workers and the loop.
#[derive(Debug)]
pub struct Output {
    keep_order: bool,
    ahead: u64,
    /// The oldest request not written out (with `--keep-order`): read by
    /// the server's loop without taking the lock, which a worker holds
    /// while it writes to a stdout that may be slow to take it.
    next: AtomicU64,
    state: Mutex<State>,
    /// Whether any request failed.
    pub failed: AtomicBool,
    /// Set once serve's own stdout was closed by its reader.
    pub stdout_closed: AtomicBool,
}

impl Output {
    /// Output in request order with `keep_order`; a line per job to
    /// `joblog` (its path, for messages, and the file, header written).
    pub fn new(keep_order: bool, joblog: Option<(std::path::PathBuf, File)>) -> Self {
        let quarter = fifo_core::open::descriptor::max_descriptor() / 4;
        Self {
            keep_order,
            ahead: quarter.clamp(1, MAX_AHEAD),
            next: AtomicU64::new(1),
            state: Mutex::new(State {
                held: BTreeMap::new(),
                joblog,
            }),
            failed: AtomicBool::new(false),
            stdout_closed: AtomicBool::new(false),
        }
    }

    /// Whether request `number` may start now: always, unless with
    /// `--keep-order` it is too far ahead of the oldest one not yet out.
    pub fn may_start(&self, number: u64) -> bool {
        !self.keep_order || number < self.next.load(Ordering::SeqCst).saturating_add(self.ahead)
    }

    /// Request `finished.number` is done: writes it out, with those it
    /// held up, or (with `--keep-order`, when an earlier one is not out)
    /// keeps it for later.
    pub fn done(&self, finished: Finished) {
        if !self.keep_order && finished.output.is_none() && finished.log.is_none() {
            // A note alone (a request not run) waits for no other output.
            if let Some(note) = &finished.note {
                report::message(APPLET, note);
            }
            return;
        }
        let mut state = self.lock();
        if !self.keep_order {
            self.write_out(&mut state, finished);
            return;
        }
        state.held.insert(finished.number, finished);
        loop {
            let next = self.next.load(Ordering::SeqCst);
            let Some(finished) = state.held.remove(&next) else {
                break;
            };
            self.write_out(&mut state, finished);
            self.next.store(next + 1, Ordering::SeqCst);
        }
    }

    /// Writes out everything still held, in order, as serve ends: requests
    /// that never ran (serve was stopped) hold up nothing then.
    pub fn flush(&self) {
        let mut state = self.lock();
        while let Some((_, finished)) = state.held.pop_first() {
            self.write_out(&mut state, finished);
        }
    }

    fn write_out(&self, state: &mut State, finished: Finished) {
        if let Some((stdout, stderr)) = finished.output {
            if let Err(err) = copy_out(stdout, &mut std::io::stdout().lock()) {
                if err.kind() == std::io::ErrorKind::BrokenPipe {
                    self.stdout_closed.store(true, Ordering::SeqCst);
                } else {
                    // Never lose a job's output silently (a full disk, an
                    // I/O error): say so, and serve ends with status 1.
                    let err = Error::sys(Subject::Stdout, Action::Write, err);
                    self.fail(&format!("request {}: {}", finished.number, Chain(&err)));
                }
            }
            let _ = copy_out(stderr, &mut std::io::stderr().lock());
        }
        if let Some(note) = &finished.note {
            report::message(APPLET, note);
        }
        if let (Some(line), Some((path, file))) = (&finished.log, &mut state.joblog) {
            if let Err(err) = file.write_all(line.as_bytes()) {
                let err = Error::sys(Subject::path(path.as_path()), Action::Write, err);
                let text = format!("request {}: {}", finished.number, Chain(&err));
                // One failed write says it all: the log stops there.
                state.joblog = None;
                self.fail(&text);
            }
        }
    }

    fn fail(&self, text: &str) {
        report::message(APPLET, text);
        self.failed.store(true, Ordering::Relaxed);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Copies a spooled stream from its start to `out`.
fn copy_out(mut spooled: File, out: &mut impl Write) -> std::io::Result<()> {
    spooled.rewind()?;
    std::io::copy(&mut spooled, out)?;
    out.flush()
}
