//! One module per command; each takes its parsed arguments and returns the
//! exit status, having printed its own messages.

pub mod bridge;
pub mod call;
pub mod cat;
pub mod hold;
pub mod mk;
mod program;
pub mod redirect;
pub mod send;
pub mod serve;
pub mod stat;
pub mod tee;
pub mod wait;

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::path::Path;

use fifo_core::open::Wait;
use fifo_core::open::descriptor::closed_at_start;
use fifo_core::transfer::buffer::{Buffer, FillLevel, SpillFile};
use fifo_core::{Action, Error, Subject, open::capacity};
use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};

use crate::cli::{BufferArgs, Command, PipeArgs};
use crate::exit_code::ExitCode;
use crate::progress::Meter;
use crate::report;

/// Runs one command and returns its exit status.
pub fn run(command: Command) -> ExitCode {
    // Before anything is opened, read or waited for: a command that would
    // read stdin or write stdout refuses to start without them, so a FIFO's
    // data is never consumed into nowhere (or an empty message sent).
    let (name, needs) = standard_streams(&command);
    if let Err(err) = check_standard_streams(needs) {
        return report::failure(name, &err);
    }
    match command {
        Command::Mk(args) => mk::run(&args),
        Command::Cat(args) => cat::run(&args),
        Command::Send(args) => send::run(&args),
        Command::Stat(args) => stat::run(&args),
        Command::Tee(args) => tee::run(&args),
        Command::Redirect(args) => redirect::run(&args),
        Command::Hold(args) => hold::run(&args),
        Command::Wait(args) => wait::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Call(args) => call::run(&args),
        Command::Bridge(args) => bridge::run(&args),
        Command::Completions(args) => crate::docs::completions(args.shell),
        Command::Man(args) => crate::docs::man(args.dir.as_deref()),
    }
}

/// The stash of this user's framed readers: `$TMPDIR/fifo-UID` (else
/// `/tmp/fifo-UID`), a private directory as tmux keeps its sockets in, so
/// that readers started from any shell, cron or service of the user find
/// it; `XDG_RUNTIME_DIR` is not used because cron and services lack it.
/// Another user's path planted there sends it to `fifo-UID.XXXXXX` beside.
pub(crate) fn frame_stash() -> fifo_core::transfer::frame::Stash {
    let uid = nix::unistd::Uid::effective();
    fifo_core::transfer::frame::Stash::in_dir(
        fifo_core::create::dir::temp_dir().join(format!("fifo-{uid}")),
    )
}

/// Which standard streams a command moves data through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// It reads standard input.
    pub stdin: bool,
    /// It writes standard output.
    pub stdout: bool,
}

/// The applet's name and the standard streams it will read or write with
/// these arguments.
fn standard_streams(command: &Command) -> (&'static str, Needs) {
    let needs = |stdin, stdout| Needs { stdin, stdout };
    let dash = |paths: &[std::path::PathBuf]| paths.iter().any(|path| path.as_os_str() == "-");
    match command {
        Command::Mk(args) => ("mk", needs(false, args.temp)),
        Command::Cat(args) => ("cat", needs(dash(&args.paths), true)),
        Command::Send(args) => ("send", needs(args.message.is_empty(), false)),
        Command::Tee(_) => ("tee", needs(true, true)),
        Command::Redirect(_) => ("redirect", needs(false, false)),
        // The launcher of a background hold prints the holder's PID.
        Command::Hold(args) => ("hold", needs(false, args.background && !args.detached)),
        Command::Wait(_) => ("wait", needs(false, false)),
        Command::Serve(_) => ("serve", needs(false, true)),
        Command::Call(args) => ("call", needs(args.request.is_empty(), true)),
        Command::Stat(args) => {
            let waits_only =
                (args.wait_reader || args.wait_writer) && args.format.is_none() && !args.json;
            ("stat", needs(false, !waits_only))
        }
        Command::Bridge(args) => ("bridge", bridge::standard_streams(args)),
        Command::Completions(_) => ("completions", needs(false, true)),
        Command::Man(args) => ("man", needs(false, args.dir.is_none())),
    }
}

/// Fails when a standard stream in `needs` is closed, or open only the
/// other way (stdin for writing, stdout for reading), as the first read or
/// write would, but before anything is opened, read or waited for.
///
/// A closed stream is not seen by looking at it now: Rust's runtime has
/// reopened it on `/dev/null` before `main`. What it was at start comes from
/// [`closed_at_start`], recorded before the runtime ran.
///
/// # Errors
/// `EBADF` on the stream, as a read or write error.
pub fn check_standard_streams(needs: Needs) -> Result<(), Error> {
    let streams = [
        (
            needs.stdin,
            stdin_fd(),
            OFlag::O_WRONLY,
            Subject::Stdin,
            Action::Read,
        ),
        (
            needs.stdout,
            stdout_fd(),
            OFlag::O_RDONLY,
            Subject::Stdout,
            Action::Write,
        ),
    ];
    for (needed, fd, wrong_way, subject, action) in streams {
        if !needed {
            continue;
        }
        let errno = match fcntl(fd, FcntlArg::F_GETFL) {
            Err(errno) => Some(errno),
            Ok(_) if closed_at_start(fd.as_raw_fd()) == Some(true) => Some(Errno::EBADF),
            Ok(flags) if OFlag::from_bits_truncate(flags) & OFlag::O_ACCMODE == wrong_way => {
                Some(Errno::EBADF)
            }
            Ok(_) => None,
        };
        if let Some(errno) = errno {
            return Err(Error::sys(subject, action, errno));
        }
    }
    Ok(())
}

/// How long an open may wait, from `--no-wait` and `--timeout`.
fn wait_from(no_wait: bool, timeout: Option<std::time::Duration>) -> Wait {
    match (no_wait, timeout) {
        (true, _) => Wait::No,
        (false, Some(limit)) => Wait::Timeout(limit),
        (false, None) => Wait::Forever,
    }
}

/// Standard input as a raw descriptor: data moves by system calls, never
/// through std's buffered handles.
fn stdin_fd() -> BorrowedFd<'static> {
    // `Stdin` is a static handle, so its descriptor lives as long as the process.
    static STDIN: std::sync::LazyLock<io::Stdin> = std::sync::LazyLock::new(io::stdin);
    STDIN.as_fd()
}

/// Standard output as a raw descriptor (see [`stdin_fd`]).
fn stdout_fd() -> BorrowedFd<'static> {
    static STDOUT: std::sync::LazyLock<io::Stdout> = std::sync::LazyLock::new(io::stdout);
    STDOUT.as_fd()
}

/// What `fstat` says of `fd`, through std, whose widths are the same on every
/// system (a copy of the descriptor is looked at, then closed).
pub fn metadata(fd: BorrowedFd<'_>) -> Option<std::fs::Metadata> {
    std::fs::File::from(fd.try_clone_to_owned().ok()?)
        .metadata()
        .ok()
}

/// Sizes the pipe of a FIFO this command opened: exactly `--capacity`, or
/// raised to the default; with `--verbose`, says what it got.
///
/// # Errors
/// When `--capacity` is refused.
fn size_pipe(applet: &str, fd: BorrowedFd<'_>, path: &Path, pipe: &PipeArgs) -> Result<(), Error> {
    let before = capacity::current(fd);
    let now = match pipe.capacity {
        Some(bytes) => Some(capacity::set(fd, bytes, Subject::path(path))?),
        None => capacity::raise(fd),
    };
    if pipe.verbose {
        let said = match (before, now) {
            (Some(before), Some(now)) if before != now => {
                format!("pipe capacity {now} bytes (was {before})")
            }
            (_, Some(now)) => format!("pipe capacity {now} bytes"),
            (_, None) => "pipe capacity cannot be seen on this system".to_owned(),
        };
        report::message(applet, &format!("{}: {said}", report::quote(path)));
    }
    Ok(())
}

/// Tries `--capacity` on a scratch pipe before any FIFO is opened, so that a
/// size the system refuses is reported before waiting for a peer, and before
/// the peer is released by an open that then fails. Only operands that may
/// be FIFOs count (`-` and regular files never get a capacity); the first
/// names the message.
///
/// # Errors
/// When the system refuses the capacity.
fn check_capacity<'a>(
    pipe: &PipeArgs,
    paths: impl IntoIterator<Item = &'a Path>,
) -> Result<(), Error> {
    let Some(bytes) = pipe.capacity else {
        return Ok(());
    };
    match paths
        .into_iter()
        .find(|path| path.as_os_str() != "-" && !path.is_file())
    {
        Some(path) => capacity::probe(bytes, Subject::path(path)).map(drop),
        None => Ok(()),
    }
}

/// The deep buffer `--buffer` asks for, with its file made and its fill
/// level shown by the meter; none without `--buffer`.
///
/// # Errors
/// When the --buffer-file cannot be made.
fn deep_buffer(
    size: Option<usize>,
    args: &BufferArgs,
    meter: Option<&Meter>,
) -> Result<Option<Buffer>, Error> {
    let Some(size) = size else {
        return Ok(None);
    };
    let mut buffer = Buffer::new(size);
    if let Some(path) = &args.buffer_file {
        buffer = buffer.spilling_to(SpillFile::create(path)?);
    }
    if let Some(percent) = args.start_at {
        buffer = buffer.start_at(percent);
    }
    if let Some(percent) = args.resume_at {
        buffer = buffer.resume_at(percent);
    }
    if let Some(meter) = meter {
        meter.show_fill(buffer.level());
    }
    Ok(Some(buffer))
}

/// Says, once a buffered copy is over, how often its file refused data
/// (the input then waited: nothing was lost).
fn report_spill_refusals(applet: &str, level: &FillLevel) {
    if let (refusals @ 1.., Some(why)) = level.spill_refusals() {
        let why = fifo_core::error::describe(&why);
        let times = if refusals == 1 {
            "once".to_owned()
        } else {
            format!("{refusals} times")
        };
        let said =
            format!("the buffer file refused data {times} ({why}); input waited, nothing was lost");
        report::message(applet, &said);
    }
}

/// Raises standard input and output when they are pipes: the other process
/// on them moves data faster too. Quiet: they are not ours to fail on.
fn raise_standard_pipes() {
    let _ = capacity::raise(stdin_fd());
    let _ = capacity::raise(stdout_fd());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs_of(args: &[&str]) -> Needs {
        let args: Vec<_> = args.iter().map(std::ffi::OsString::from).collect();
        let command = crate::cli::parse(&args).unwrap().command.unwrap();
        standard_streams(&command).1
    }

    #[test]
    fn only_the_streams_a_command_moves_data_through_are_needed() {
        let needs = |stdin, stdout| Needs { stdin, stdout };
        assert_eq!(needs_of(&["fifo", "send", "f"]), needs(true, false));
        assert_eq!(needs_of(&["fifo", "send", "f", "hi"]), needs(false, false));
        assert_eq!(needs_of(&["fifo", "cat", "f"]), needs(false, true));
        assert_eq!(needs_of(&["fifo", "cat"]), needs(true, true));
        assert_eq!(needs_of(&["fifo", "cat", "f", "-"]), needs(true, true));
        assert_eq!(needs_of(&["fifo", "tee"]), needs(true, true));
        assert_eq!(needs_of(&["fifo", "mk", "f"]), needs(false, false));
        assert_eq!(needs_of(&["fifo", "mk", "--temp"]), needs(false, true));
        assert_eq!(needs_of(&["fifo", "stat", "f"]), needs(false, true));
        let wait = ["fifo", "stat", "--wait-reader", "f"];
        assert_eq!(needs_of(&wait), needs(false, false));
        let redirect = ["fifo", "redirect", "--fd", "3", "--rw", "f", "--", "true"];
        assert_eq!(needs_of(&redirect), needs(false, false));
        assert_eq!(
            needs_of(&["fifo", "man", "--dir", "d"]),
            needs(false, false)
        );
    }
}
