//! One request's job: runs CMD with the request on its stdin, its stdout
//! and stderr spooled to unlinked temporary files, then hands the output
//! over whole: to serve's own stdout and stderr, or, for a call, to the
//! server's loop, which sends it back on the call's connection.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Instant, SystemTime};

use fifo_core::error::Chain;
use fifo_core::serve::{Spawner, Status, spool, wait};
use fifo_core::{Error, PIPE_BUF, Subject};
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::joblog::{self, Entry};
use super::output::{Finished, Output};

/// What every job shares.
#[derive(Debug)]
pub struct Shared {
    /// CMD, ready to start.
    pub spawner: Spawner,
    /// CMD as it was given, for messages.
    pub name: String,
    /// Where job output is spooled.
    pub spool_dir: PathBuf,
    /// How many times a failing CMD runs in all (`--retries`).
    pub tries: u32,
    /// Whether each job's joblog line is wanted.
    pub logging: bool,
    /// Where finished jobs are written out, whole and (with
    /// `--keep-order`) in order.
    pub output: Output,
    /// The running children by request number, to end them on a signal.
    pub children: Mutex<HashMap<u64, u32>>,
    /// Set once serve is ending on a signal: a CMD started after that is
    /// ended at once, and a failed one not tried again.
    pub stopping: AtomicBool,
}

impl Shared {
    /// Sends SIGTERM to every running CMD.
    pub fn terminate_all(&self) {
        let children = self.children.lock().unwrap_or_else(PoisonError::into_inner);
        for pid in children.values() {
            terminate(*pid);
        }
    }
}

/// Sends SIGTERM to child `pid`.
fn terminate(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
    }
}

/// What a request's job reads on its stdin.
#[derive(Debug)]
pub enum Body {
    /// Bytes in memory (a line, a framed message, a small call).
    Bytes(Vec<u8>),
    /// A spooled file, read from its start (a large call).
    File(File),
}

/// A request taken and not yet run.
#[derive(Debug)]
pub struct Job {
    /// Its number: requests are numbered from 1 in the order they were taken.
    pub number: u64,
    /// What CMD gets on its stdin.
    pub body: Body,
    /// The call it answers (its connection's key), if any.
    pub call: Option<u64>,
}

/// How a job went, for the server's loop.
#[derive(Debug)]
pub enum Outcome {
    /// It ran (its output is written out); a call's reply is to be sent.
    Ran(Option<Reply>),
    /// It could not start for want of descriptors: run it again once
    /// another job has ended.
    Short(Job, Error),
    /// A call's job could not run: the caller is told why.
    Refused(u64, String),
}

/// A call's job's result, to be sent back to its caller.
#[derive(Debug)]
pub struct Reply {
    /// The call's connection's key.
    pub call: u64,
    /// The request's number.
    pub number: u64,
    /// How CMD ended.
    pub status: Status,
    /// CMD's spooled stdout.
    pub stdout: File,
    /// CMD's spooled stderr.
    pub stderr: File,
    /// What serve tells the caller after CMD's stderr (a spool that
    /// filled up), from memory: the spool may have no room for it.
    pub note: Option<String>,
}

/// Runs `job` to the end (again while it fails, up to `--retries` times
/// in all) and hands its output to be written out; for a call, returns the
/// reply to send, which the server's loop writes as the caller reads, so
/// that a caller slow to read never holds up a job slot.
pub fn run(shared: &Shared, job: Job) -> Outcome {
    let number = job.number;
    let mut tries = 0;
    let (status, stdout, stderr, started, clock) = loop {
        tries += 1;
        let (started, clock) = (SystemTime::now(), Instant::now());
        match execute(shared, &job) {
            Ok((status, ..))
                if status != Status::Exited(0)
                    && tries < shared.tries
                    && !shared.stopping.load(Ordering::SeqCst) => {}
            Ok((status, stdout, stderr)) => break (status, stdout, stderr, started, clock),
            Err(err) if out_of_descriptors(&err) => return Outcome::Short(job, err),
            Err(err) => {
                shared.output.failed.store(true, Ordering::Relaxed);
                let text = format!("request {number}: not run: {}", Chain(&err));
                shared.output.done(Finished {
                    number,
                    output: None,
                    note: Some(text.clone()),
                    log: None,
                });
                return match job.call {
                    Some(call) => Outcome::Refused(call, text),
                    None => Outcome::Ran(None),
                };
            }
        }
    };
    let runtime = clock.elapsed();
    if status != Status::Exited(0) {
        shared.output.failed.store(true, Ordering::Relaxed);
    }
    let log = shared.logging.then(|| {
        let received = stdout.metadata().map_or(0, |meta| meta.len());
        let (sent, request) = request_head(&job.body);
        Entry {
            number,
            started,
            runtime,
            sent,
            request: &request,
            received,
            status,
        }
        .line()
    });
    let cut = spool_full(&stdout).then(|| {
        format!(
            "the spool's file system ({}) is full: {}'s output may be cut",
            shared.spool_dir.display(),
            shared.name
        )
    });
    let note = match (failure(shared, number, status, tries), &cut) {
        (Some(failed), Some(cut)) => Some(format!("{failed}; {cut}")),
        (None, Some(cut)) => Some(format!("request {number}: {cut}")),
        (failed, None) => failed,
    };
    let Some(call) = job.call else {
        shared.output.done(Finished {
            number,
            output: Some((stdout, stderr)),
            note,
            log,
        });
        return Outcome::Ran(None);
    };
    shared.output.done(Finished {
        number,
        output: None,
        note,
        log,
    });
    Outcome::Ran(Some(Reply {
        call,
        number,
        status,
        stdout,
        stderr,
        note: cut.map(|cut| format!("fifo serve: request {number}: {cut}\n")),
    }))
}

/// Whether the file system of a job's spool has no room left: the job's
/// writes into it failed (a job that does not check its writes still ends
/// with status 0), so its output may be cut. Root may still write into
/// the blocks kept for it; then this says full too early, never too late.
fn spool_full(spool: &File) -> bool {
    nix::sys::statvfs::fstatvfs(spool).is_ok_and(|fs| fs.blocks_available() == 0)
}

/// A request's size, and its first bytes, as far as its joblog line shows.
fn request_head(body: &Body) -> (u64, Vec<u8>) {
    match body {
        Body::Bytes(bytes) => (
            bytes.len() as u64,
            bytes[..bytes.len().min(joblog::SHOWN + 1)].to_vec(),
        ),
        Body::File(file) => {
            let mut head = vec![0u8; joblog::SHOWN + 1];
            let n = file.read_at(&mut head, 0).unwrap_or(0);
            head.truncate(n);
            (file.metadata().map_or(0, |meta| meta.len()), head)
        }
    }
}

/// Whether `err` is the process (or system) running out of descriptors.
pub fn out_of_descriptors(err: &Error) -> bool {
    matches!(
        err.raw_os_error().map(Errno::from_raw),
        Some(Errno::EMFILE | Errno::ENFILE)
    )
}

/// What to say on stderr about a CMD that failed (after its last try).
fn failure(shared: &Shared, number: u64, status: Status, tries: u32) -> Option<String> {
    let how = match status {
        Status::Exited(0) => return None,
        Status::Exited(code) => format!("exited with status {code}"),
        Status::Signaled(signal) => {
            let name = Signal::try_from(signal)
                .map_or_else(|_| signal.to_string(), |s| s.as_str().to_owned());
            format!("was killed by {name}")
        }
    };
    let count = if tries > 1 {
        format!(" (tried {tries} times)")
    } else {
        String::new()
    };
    Some(format!("request {number}: {} {how}{count}", shared.name))
}

/// Runs CMD with the job's body on its stdin; returns how it ended and its
/// spooled stdout and stderr. Every descriptor is made before CMD starts,
/// and the job is left whole when one cannot be.
fn execute(shared: &Shared, job: &Job) -> Result<(Status, File, File), Error> {
    if let Body::File(file) = &job.body {
        // An earlier try read it to its end.
        (&*file)
            .rewind()
            .map_err(|err| Error::sys(Subject::CommandInput, fifo_core::Action::Read, err))?;
    }
    let stdout = spool(&shared.spool_dir)?;
    let mut stderr = spool(&shared.spool_dir)?;
    let piped;
    let stdin = match &job.body {
        Body::Bytes(bytes) => {
            piped = stdin_for(shared, bytes)?;
            piped.as_fd()
        }
        Body::File(file) => file.as_fd(),
    };
    let spawned = shared.spawner.spawn(stdin, stdout.as_fd(), stderr.as_fd());
    let pid = match spawned {
        Ok(pid) => pid,
        Err(err)
            if matches!(
                err.raw_os_error().map(Errno::from_raw),
                Some(Errno::EMFILE | Errno::ENFILE)
            ) =>
        {
            return Err(Error::sys(
                Subject::path(&shared.name),
                fifo_core::Action::Open,
                err,
            ));
        }
        Err(err) => {
            let code = if err.raw_os_error() == Some(Errno::ENOENT as i32) {
                127
            } else {
                126
            };
            let _ = writeln!(
                stderr,
                "fifo serve: cannot run {}: {}",
                shared.name,
                fifo_core::error::describe(&err)
            );
            return Ok((Status::Exited(code), stdout, stderr));
        }
    };
    let number = job.number;
    lock(&shared.children).insert(number, pid);
    if shared.stopping.load(Ordering::SeqCst) {
        terminate(pid);
    }
    let waited = wait(pid, || {
        lock(&shared.children).remove(&number);
    });
    Ok((waited.unwrap_or(Status::Exited(1)), stdout, stderr))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// CMD's stdin: a pipe already holding a small request (it fits whole), or
/// a spooled file for a larger one, so that nothing waits on CMD reading.
fn stdin_for(shared: &Shared, body: &[u8]) -> Result<OwnedFd, Error> {
    let failed = |errno| Error::sys(Subject::CommandInput, fifo_core::Action::Write, errno);
    if body.len() <= PIPE_BUF {
        let (read, write) = fifo_core::open::descriptor::pipe()
            .map_err(|source| Error::sys(Subject::CommandInput, fifo_core::Action::Open, source))?;
        if !body.is_empty() {
            nix::unistd::write(&write, body).map_err(failed)?;
        }
        return Ok(read);
    }
    let mut file = spool(&shared.spool_dir)?;
    file.write_all(body)
        .and_then(|()| file.rewind())
        .map_err(|err| Error::sys(Subject::CommandInput, fifo_core::Action::Write, err))?;
    Ok(OwnedFd::from(file))
}
