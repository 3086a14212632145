//! `fifo call`: one request to a `fifo serve`, and its reply. The request
//! goes as one framed message carrying the path of a private reply FIFO
//! (made in a fresh 0700 directory); the reply brings CMD's stdout, stderr
//! and status back, and the call exits with that status. The reply FIFO and
//! its directory are removed however the call ends.

use std::ffi::OsString;
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use fifo_core::create::{PRIVATE_MODE, make_temp};
use fifo_core::descriptor::poll;
use fifo_core::frame::FrameWriter;
use fifo_core::open::{Direction, Wait, open_fifo};
use fifo_core::serve::{ReplyDecoder, ReplyPart, call_header};
use fifo_core::{Action, Error, Subject};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::stat::Mode;

use super::wait_from;
use crate::cli::CallArgs;
use crate::exit_code::ExitCode;
use crate::report;
use crate::signals::{self, Cleanup};

const APPLET: &str = "call";
/// How often a call waiting for its reply looks whether a server still
/// reads PATH.
const SERVER_CHECK: Duration = Duration::from_millis(500);

/// Runs `fifo call`.
pub fn run(args: &CallArgs) -> ExitCode {
    let started = Instant::now();
    // Before any other thread: the signals must be blocked in all of them.
    let cleanup = match Cleanup::install() {
        Ok(cleanup) => cleanup,
        Err(errno) => return signals::cannot_watch(APPLET, errno),
    };
    // The hook waits for the lock, so a signal while the reply FIFO is being
    // made removes what was made, never less.
    let made: Arc<Mutex<Option<PathBuf>>> = Arc::default();
    {
        let made = Arc::clone(&made);
        cleanup.on_signal(move || {
            if let Some(path) = made
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_deref()
            {
                remove_reply(path);
            }
        });
    }
    let reply = {
        let mut slot = made.lock().unwrap_or_else(PoisonError::into_inner);
        // Absolute: the server resolves the path, not from our directory.
        let tmp =
            std::path::absolute(std::env::temp_dir()).unwrap_or_else(|_| std::env::temp_dir());
        match make_temp(&tmp, "reply".as_ref(), PRIVATE_MODE) {
            Ok(path) => {
                *slot = Some(path.clone());
                TempReply(path)
            }
            Err(err) => return report::failure(APPLET, &err),
        }
    };
    let status = call(args, &reply.0, started);
    drop(reply);
    let _ = cleanup.finish();
    status
}

/// The reply FIFO, removed with its directory when dropped.
struct TempReply(PathBuf);

impl Drop for TempReply {
    fn drop(&mut self) {
        remove_reply(&self.0);
    }
}

fn remove_reply(path: &Path) {
    let _ = std::fs::remove_file(path);
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Sends the request and relays the reply; returns the exit status.
fn call(args: &CallArgs, reply: &Path, started: Instant) -> ExitCode {
    let deadline = args.timeout.map(|limit| started + limit);
    // Opened before the request goes, so the server always finds a reader.
    let flags = OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
    let replies = match nix::fcntl::open(reply, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(errno) => {
            return report::failure(
                APPLET,
                &Error::sys(Subject::path(reply), Action::Open, errno),
            );
        }
    };
    let wait = wait_from(args.no_wait, left(deadline));
    let queue = match open_fifo(&args.path, Direction::Write, wait) {
        Ok(opened) => opened.into_fd(),
        Err(err) => return report::failure(APPLET, &err),
    };
    let Some(header) = call_header(reply) else {
        let err = Error::sys(Subject::path(reply), Action::Open, Errno::EINVAL);
        return report::failure(APPLET, &err);
    };
    let words = request_words(&args.request);
    let (sent, outcome) = mpsc::channel();
    let path = args.path.clone();
    // A thread, so that a server that stops reading cannot hold the call
    // past its deadline.
    std::thread::spawn(move || {
        let _ = sent.send(send(&queue, &path, &header, words));
    });
    let result = match left(deadline) {
        Some(limit) => outcome.recv_timeout(limit).map_err(|_| ()),
        None => outcome.recv().map_err(|_| ()),
    };
    match result {
        Ok(Ok(())) => {}
        Ok(Err(err)) => return report::failure(APPLET, &err),
        Err(()) => return timed_out(args),
    }
    relay(args, &replies, deadline)
}

/// The request from the command line: words joined by spaces, plus a
/// newline; `None` for stdin.
fn request_words(words: &[OsString]) -> Option<Vec<u8>> {
    if words.is_empty() {
        return None;
    }
    let mut line = words
        .iter()
        .map(|word| word.as_bytes())
        .collect::<Vec<_>>()
        .join(&b' ');
    line.push(b'\n');
    Some(line)
}

/// Sends the call envelope and the request as one framed message.
fn send(queue: &OwnedFd, path: &Path, header: &[u8], words: Option<Vec<u8>>) -> Result<(), Error> {
    let mut writer = FrameWriter::new(queue.as_fd(), Subject::path(path))?;
    writer.write(header)?;
    match words {
        Some(line) => writer.send(&line),
        None => writer
            .send_from(std::io::stdin().lock(), Subject::Stdin)
            .map(drop),
    }
}

/// Copies the reply to stdout and stderr until its status comes; returns
/// the status.
fn relay(args: &CallArgs, replies: &OwnedFd, deadline: Option<Instant>) -> ExitCode {
    let mut decoder = ReplyDecoder::default();
    let mut buf = vec![0u8; 64 * 1024];
    // The first failed write to stdout: the reply's rest is not written, and
    // the call ends with that failure once the status arrives.
    let mut stdout_failed: Option<std::io::Error> = None;
    loop {
        let limit = match left(deadline) {
            Some(limit) if limit.is_zero() => return timed_out(args),
            Some(limit) => limit.min(SERVER_CHECK),
            None => SERVER_CHECK,
        };
        let timeout =
            PollTimeout::try_from(limit.max(Duration::from_millis(1))).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(replies.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, timeout) {
            Ok(0) => {
                // Still nothing: is anybody left to answer? A server writes
                // its last reply before it lets go of PATH, so one more look
                // at the reply FIFO settles it.
                if open_fifo(&args.path, Direction::Write, Wait::No).is_err()
                    && !poll(&mut fds, PollTimeout::ZERO).is_ok_and(|n| n > 0)
                {
                    return server_gone(args);
                }
                continue;
            }
            Ok(_) | Err(Errno::EINTR) => {}
            Err(errno) => return wait_failed(args, errno),
        }
        let n = match nix::unistd::read(replies, &mut buf) {
            Ok(0) => return server_gone(args),
            Ok(n) => n,
            Err(Errno::EAGAIN | Errno::EINTR) => continue,
            Err(errno) => return wait_failed(args, errno),
        };
        let parts = match decoder.push(&buf[..n]) {
            Ok(parts) => parts,
            Err(why) => {
                let text = format!("{}: a malformed reply: {why}", report::quote(&args.path));
                report::message(APPLET, &text);
                return ExitCode::Failure;
            }
        };
        for part in parts {
            match part {
                ReplyPart::Stdout(data) => {
                    if stdout_failed.is_none() {
                        let mut out = std::io::stdout().lock();
                        stdout_failed = out.write_all(&data).and_then(|()| out.flush()).err();
                    }
                }
                ReplyPart::Stderr(data) => {
                    let _ = std::io::stderr().lock().write_all(&data);
                }
                ReplyPart::Status(status) => {
                    if let Some(err) = stdout_failed {
                        // Never a reply lost in silence: a full disk is
                        // status 1 with a message, a closed pipe 141.
                        let err = Error::sys(Subject::Stdout, Action::Write, err);
                        return report::failure(APPLET, &err);
                    }
                    return ExitCode::Passed(u8::try_from(status.shell_code() & 0xff).unwrap_or(1));
                }
            }
        }
    }
}

/// What is left of the time until `deadline`.
fn left(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|at| at.saturating_duration_since(Instant::now()))
}

/// The server went away, or never took the request, without replying.
fn server_gone(args: &CallArgs) -> ExitCode {
    let text = format!(
        "{}: the server ended without replying",
        report::quote(&args.path)
    );
    report::message(APPLET, &text);
    ExitCode::Failure
}

fn timed_out(args: &CallArgs) -> ExitCode {
    let limit = args.timeout.unwrap_or_default();
    let text = format!(
        "{}: no reply within {}",
        report::quote(&args.path),
        humantime::format_duration(limit)
    );
    report::message(APPLET, &text);
    ExitCode::TimedOut
}

fn wait_failed(args: &CallArgs, errno: Errno) -> ExitCode {
    report::failure(
        APPLET,
        &Error::sys(Subject::path(&args.path), Action::Read, errno),
    )
}
