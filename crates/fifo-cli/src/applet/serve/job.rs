//! One request's job: runs CMD with the request on its stdin, its stdout
//! and stderr spooled to unlinked temporary files, then hands the output
//! over whole: to serve's own stdout and stderr, or to the caller's reply
//! FIFO.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use fifo_core::serve::{
    Origin, ReplyKind, Request, Spawner, Status, open_reply, record_header, spool, wait,
};
use fifo_core::{Error, PIPE_BUF, Subject};
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::report;

const APPLET: &str = "serve";
/// How much of a job's output goes into one reply record.
const RECORD: usize = 64 * 1024;

/// What every job shares.
#[derive(Debug)]
pub struct Shared {
    /// CMD, ready to start.
    pub spawner: Spawner,
    /// CMD as it was given, for messages.
    pub name: String,
    /// Where job output is spooled.
    pub spool_dir: PathBuf,
    /// Held while a job's output is written out, so that no two mix.
    pub output: Mutex<()>,
    /// The running children by request number, to end them on a signal.
    pub children: Mutex<HashMap<u64, Pid>>,
    /// Whether any CMD failed.
    pub failed: AtomicBool,
    /// Set once serve is ending on a signal: a CMD started after that is
    /// ended at once.
    pub stopping: AtomicBool,
    /// Set once serve's own stdout was closed by its reader.
    pub stdout_closed: AtomicBool,
}

impl Shared {
    /// Sends SIGTERM to every running CMD.
    pub fn terminate_all(&self) {
        let children = self.children.lock().unwrap_or_else(PoisonError::into_inner);
        for pid in children.values() {
            let _ = kill(*pid, Signal::SIGTERM);
        }
    }
}

/// A call's reply, waiting to be sent.
#[derive(Debug)]
pub struct Reply {
    number: u64,
    path: PathBuf,
    pid: u32,
    status: Status,
    stdout: File,
    stderr: File,
}

impl Reply {
    /// Sends the reply to its caller, or says why it is lost.
    pub fn send(self) {
        if let Err(err) = send_reply(&self.path, self.pid, self.status, self.stdout, self.stderr) {
            let text = format!(
                "request {}: the reply to {} is lost: {}",
                self.number,
                report::quote(&self.path),
                describe(&err)
            );
            report::message(APPLET, &text);
        }
    }
}

/// Runs request `number` to the end and writes out its output; returns the
/// reply to send for a call, which the caller sends on a thread of its own
/// so that a caller slow to read never holds up a job slot.
pub fn run(shared: &Shared, number: u64, request: Request) -> Option<Reply> {
    let outcome = execute(shared, number, &request.body);
    let (status, stdout, stderr) = match outcome {
        Ok(done) => done,
        Err(err) => {
            report::failure(APPLET, &err);
            shared.failed.store(true, Ordering::Relaxed);
            return None;
        }
    };
    if status != Status::Exited(0) {
        shared.failed.store(true, Ordering::Relaxed);
    }
    if let Origin::Call { pid, reply } = request.origin {
        report_status(shared, number, status);
        return Some(Reply {
            number,
            path: reply,
            pid,
            status,
            stdout,
            stderr,
        });
    }
    {
        let _held = shared.output.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(err) = copy_out(stdout, &mut std::io::stdout().lock()) {
            if err.kind() == std::io::ErrorKind::BrokenPipe {
                shared.stdout_closed.store(true, Ordering::SeqCst);
            } else {
                // Never lose a job's output silently (a full disk, an I/O
                // error): say so, and serve ends with status 1.
                let err = Error::sys(Subject::Stdout, fifo_core::Action::Write, err);
                report::message(APPLET, &format!("request {number}: {err}"));
                shared.failed.store(true, Ordering::Relaxed);
            }
        }
        let _ = copy_out(stderr, &mut std::io::stderr().lock());
    }
    report_status(shared, number, status);
    None
}

/// Says on stderr how a CMD that failed ended.
fn report_status(shared: &Shared, number: u64, status: Status) {
    match status {
        Status::Exited(0) => {}
        Status::Exited(code) => report::message(
            APPLET,
            &format!(
                "request {number}: {} exited with status {code}",
                shared.name()
            ),
        ),
        Status::Signaled(signal) => {
            let name = Signal::try_from(signal)
                .map_or_else(|_| signal.to_string(), |s| s.as_str().to_owned());
            report::message(
                APPLET,
                &format!("request {number}: {} was killed by {name}", shared.name()),
            );
        }
    }
}

impl Shared {
    fn name(&self) -> &str {
        &self.name
    }
}

/// Runs CMD with `body` on its stdin; returns how it ended and its spooled
/// stdout and stderr.
fn execute(shared: &Shared, number: u64, body: &[u8]) -> Result<(Status, File, File), Error> {
    let stdout = spool(&shared.spool_dir)?;
    let mut stderr = spool(&shared.spool_dir)?;
    let stdin = stdin_for(shared, body)?;
    let spawned = shared
        .spawner
        .spawn(stdin.as_fd(), stdout.as_fd(), stderr.as_fd());
    drop(stdin);
    let pid = match spawned {
        Ok(pid) => pid,
        Err(errno) => {
            let code = if errno == Errno::ENOENT { 127 } else { 126 };
            let _ = writeln!(
                stderr,
                "fifo serve: cannot run {}: {}",
                shared.name(),
                errno.desc()
            );
            return Ok((Status::Exited(code), stdout, stderr));
        }
    };
    lock(&shared.children).insert(number, pid);
    if shared.stopping.load(Ordering::SeqCst) {
        let _ = kill(pid, Signal::SIGTERM);
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
    let failed = |errno| Error::sys(Subject::Stdin, fifo_core::Action::Write, errno);
    if body.len() <= PIPE_BUF {
        let (read, write) = fifo_core::descriptor::pipe()
            .map_err(|source| Error::sys(Subject::Stdin, fifo_core::Action::Write, source))?;
        if !body.is_empty() {
            nix::unistd::write(&write, body).map_err(failed)?;
        }
        return Ok(read);
    }
    let mut file = spool(&shared.spool_dir)?;
    file.write_all(body)
        .and_then(|()| file.rewind())
        .map_err(|err| Error::sys(Subject::Stdin, fifo_core::Action::Write, err))?;
    Ok(OwnedFd::from(file))
}

/// Copies a spooled stream from its start to `out`.
fn copy_out(mut spooled: File, out: &mut impl Write) -> std::io::Result<()> {
    spooled.rewind()?;
    std::io::copy(&mut spooled, out)?;
    out.flush()
}

/// Writes the reply records to the caller's reply FIFO.
fn send_reply(
    reply: &Path,
    pid: u32,
    status: Status,
    stdout: File,
    stderr: File,
) -> Result<(), Error> {
    let fd = open_reply(reply, pid)?;
    let subject = Subject::path(reply);
    let mut record = Vec::with_capacity(RECORD + 5);
    for (kind, mut spooled) in [(ReplyKind::Stdout, stdout), (ReplyKind::Stderr, stderr)] {
        spooled
            .rewind()
            .map_err(|err| Error::sys(subject.clone(), fifo_core::Action::Read, err))?;
        let mut buf = vec![0u8; RECORD];
        loop {
            let n = spooled
                .read(&mut buf)
                .map_err(|err| Error::sys(subject.clone(), fifo_core::Action::Read, err))?;
            if n == 0 {
                break;
            }
            record.clear();
            record.extend_from_slice(&record_header(kind, u32::try_from(n).unwrap_or(u32::MAX)));
            record.extend_from_slice(&buf[..n]);
            fifo_core::serve::write_waiting(fd.as_fd(), &record, &subject)?;
        }
    }
    let text = status.to_text();
    record.clear();
    record.extend_from_slice(&record_header(
        ReplyKind::Status,
        u32::try_from(text.len()).unwrap_or(0),
    ));
    record.extend_from_slice(text.as_bytes());
    fifo_core::serve::write_waiting(fd.as_fd(), &record, &subject)
}

/// Why a reply was lost, in words: a caller that is gone says so.
fn describe(err: &Error) -> String {
    match err.raw_os_error().map(Errno::from_raw) {
        Some(Errno::ENXIO | Errno::EPIPE | Errno::ENOENT) => "the caller is gone".to_owned(),
        _ => err.reason().to_string(),
    }
}
