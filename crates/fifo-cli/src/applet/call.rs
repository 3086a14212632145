//! `fifo call`: one request to a `fifo serve`, and its reply, over the
//! server's call socket (`PATH.sock`): one connection, made by this process,
//! to a server that runs as the FIFO's owner, as root or as this user (the
//! kernel says who listens), so no other process can answer in its place.
//! The reply brings CMD's stdout, stderr and status back, and the call
//! exits with that status. It makes no file, so it has nothing to clean up.

mod plan;

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use fifo_core::open::Wait;
use fifo_core::serve::{ReplyDecoder, ReplyPart, call_header, connect};
use fifo_core::{Action, Error, FileKind, Subject};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::cli::CallArgs;
use crate::exit_code::ExitCode;
use crate::report;
use plan::{Plan, Request};

const APPLET: &str = crate::cli::applets::CALL.name;
/// The longest pause between two looks for a server that is not there yet.
const SERVER_CHECK: Duration = Duration::from_millis(200);

/// Runs `fifo call`.
pub fn run(args: &CallArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    let deadline = plan.limit().map(|limit| Instant::now() + limit);
    let stream = match reach(&plan, deadline) {
        Ok(stream) => stream,
        Err(status) => return status,
    };
    match send(&plan, &stream, deadline) {
        Ok(()) => {}
        Err(Sent::TimedOut) => return timed_out(&plan),
        Err(Sent::Failed(err)) => return report::failure(APPLET, &err),
    }
    relay(&plan, &stream, deadline)
}

/// Connects to the server of PATH, waiting for one to listen unless told
/// not to (or until the deadline).
fn reach(plan: &Plan, deadline: Option<Instant>) -> Result<UnixStream, ExitCode> {
    let mut pause = Duration::from_millis(5);
    loop {
        let err = match connect(&plan.path) {
            Ok(stream) => return Ok(stream),
            Err(err) => err,
        };
        let errno = err.raw_os_error().map(Errno::from_raw);
        // A server whose queue of connections is full (all its jobs busy):
        // wait for room as for its reply, within the same time limit.
        let busy = errno == Some(Errno::EAGAIN);
        let nobody = matches!(errno, Some(Errno::ENOENT | Errno::ECONNREFUSED));
        if !nobody && !busy {
            return Err(report::failure(APPLET, &err));
        }
        // No server: is there a FIFO at all? What is not one (a file, a
        // directory) no fifo serve reads: waiting for one would be forever.
        match nix::sys::stat::stat(&plan.path) {
            Err(errno) => {
                let err = Error::sys(Subject::path(&plan.path), Action::Open, errno);
                return Err(report::failure(APPLET, &err));
            }
            #[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
            Ok(st) if FileKind::from_mode(u32::from(st.st_mode)) != FileKind::Fifo => {
                let err = Error::NotAFifo {
                    subject: Subject::path(&plan.path),
                    found: FileKind::from_mode(u32::from(st.st_mode)),
                };
                return Err(report::failure(APPLET, &err));
            }
            Ok(_) => {}
        }
        if nobody && plan.wait == Wait::No {
            let text = format!(
                "{}: no fifo serve answers calls on it",
                report::quote(&plan.path)
            );
            report::message(APPLET, &text);
            return Err(ExitCode::NoPeer);
        }
        let left = left(deadline);
        if left.is_some_and(|left| left.is_zero()) {
            return Err(timed_out(plan));
        }
        // A server that is starting: look again soon, then less often.
        std::thread::sleep(left.map_or(pause, |left| left.min(pause)));
        pause = (pause * 2).min(SERVER_CHECK);
    }
}

/// Why sending stopped.
enum Sent {
    TimedOut,
    Failed(Error),
}

/// Sends the call's header and its request, then ends the sending. A
/// server that stops reading (it refused the call) is not an error here:
/// its answer says why.
fn send(plan: &Plan, stream: &UnixStream, deadline: Option<Instant>) -> Result<(), Sent> {
    let mut writer = Deadlined { stream, deadline };
    let mut header = call_header();
    // A request from the command line goes with the header, in one write.
    let sent = match &plan.request {
        Request::Line(line) => {
            header.extend_from_slice(line);
            writer.write_all(&header).map_err(Failed::Socket)
        }
        Request::Stdin => writer
            .write_all(&header)
            .map_err(Failed::Socket)
            .and_then(|()| copy_stdin(&mut writer, deadline)),
    };
    match sent {
        Ok(()) => {}
        Err(Failed::Stdin(err) | Failed::Socket(err)) if timed_out_err(&err) => {
            return Err(Sent::TimedOut);
        }
        Err(Failed::Socket(err)) if is_gone(&err) => return Ok(()),
        // A failed read of stdin names stdin, whatever its error (a
        // directory, a socket reset); a failed write the server's socket.
        Err(Failed::Stdin(err)) => {
            return Err(Sent::Failed(Error::sys(Subject::Stdin, Action::Read, err)));
        }
        Err(Failed::Socket(err)) => {
            let subject = Subject::path(&plan.path);
            return Err(Sent::Failed(Error::sys(subject, Action::Write, err)));
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Ok(())
}

/// Which side of sending failed.
enum Failed {
    /// Reading stdin.
    Stdin(std::io::Error),
    /// Writing to the server.
    Socket(std::io::Error),
}

/// Copies stdin to the server to its end.
fn copy_stdin(writer: &mut Deadlined<'_>, deadline: Option<Instant>) -> Result<(), Failed> {
    let mut stdin = Stdin { deadline };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Failed::Stdin(err)),
        };
        writer.write_all(&buf[..n]).map_err(Failed::Socket)?;
    }
}

/// Writes to a stream, each write bounded by what is left of the deadline.
struct Deadlined<'a> {
    stream: &'a UnixStream,
    deadline: Option<Instant>,
}

impl Write for Deadlined<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        bound(self.stream, self.deadline, UnixStream::set_write_timeout)?;
        (&*self.stream).write(data)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads the request from stdin, each read bounded by what is left of the
/// deadline: `-t` bounds the whole call, also a request that is slow to
/// come (a terminal, a producer that stalls).
struct Stdin {
    deadline: Option<Instant>,
}

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let stdin = std::io::stdin();
        if let Some(left) = left(self.deadline) {
            let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
            let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
            match poll(&mut fds, timeout) {
                Ok(0) => return Err(std::io::ErrorKind::TimedOut.into()),
                Ok(_) => {}
                Err(errno) => return Err(errno.into()),
            }
        }
        stdin.lock().read(buf)
    }
}

/// Sets a read or write timeout to what is left of `deadline`.
fn bound(
    stream: &UnixStream,
    deadline: Option<Instant>,
    set: fn(&UnixStream, Option<Duration>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match left(deadline) {
        None => Ok(()),
        Some(left) if left.is_zero() => Err(std::io::ErrorKind::TimedOut.into()),
        Some(left) => set(stream, Some(left)),
    }
}

fn timed_out_err(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    )
}

fn is_gone(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
    )
}

/// Copies the reply to stdout and stderr until its status comes; returns
/// the status.
fn relay(plan: &Plan, stream: &UnixStream, deadline: Option<Instant>) -> ExitCode {
    let mut decoder = ReplyDecoder::default();
    let mut buf = vec![0u8; 64 * 1024];
    // The first failed write to stdout: the reply's rest is not written, and
    // the call ends with that failure once the status arrives.
    let mut stdout_failed: Option<std::io::Error> = None;
    loop {
        let read = bound(stream, deadline, UnixStream::set_read_timeout)
            .and_then(|()| (&*stream).read(&mut buf));
        let n = match read {
            Ok(0) => return server_gone(plan),
            Ok(n) => n,
            Err(err) if timed_out_err(&err) => return timed_out(plan),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) if is_gone(&err) => return server_gone(plan),
            Err(err) => {
                return report::failure(
                    APPLET,
                    &Error::sys(Subject::path(&plan.path), Action::Read, err),
                );
            }
        };
        let parts = match decoder.push(&buf[..n]) {
            Ok(parts) => parts,
            Err(why) => {
                let text = format!("{}: a malformed reply: {why}", report::quote(&plan.path));
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
                ReplyPart::Refused(why) => {
                    let text = format!(
                        "{}: the server did not run the call: {why}",
                        report::quote(&plan.path)
                    );
                    report::message(APPLET, &text);
                    return ExitCode::Failure;
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
fn server_gone(plan: &Plan) -> ExitCode {
    let text = format!(
        "{}: the server ended without replying",
        report::quote(&plan.path)
    );
    report::message(APPLET, &text);
    ExitCode::Failure
}

fn timed_out(plan: &Plan) -> ExitCode {
    let limit = plan.limit().unwrap_or_default();
    let text = format!(
        "{}: timed out after {} waiting for a reply",
        report::quote(&plan.path),
        fifo_core::error::Span(limit)
    );
    report::message(APPLET, &text);
    ExitCode::TimedOut
}
