//! `fifo cat`: copy FIFOs, files or stdin to stdout, waiting for writers.

mod frame;

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use fifo_core::create::claim::create_and_open;
use fifo_core::open::keep::next_writer;
use fifo_core::open::{Direction, Opened, Wait, open};
use fifo_core::transfer::buffer::Buffer;
use fifo_core::transfer::copy::{Copier, CopyError, Limit, Stop};
use fifo_core::transfer::merge::{Input, Merger};
use fifo_core::transfer::progress::Progress;
use fifo_core::{Action, Error, FileKind, Subject};

use super::{
    check_capacity, deep_buffer, raise_standard_pipes, report_spill_refusals, size_pipe, stdin_fd,
    stdout_fd, wait_from,
};
use crate::cli::CatArgs;
use crate::exit_code::ExitCode;
use crate::progress::{Meter, remaining};
use crate::report;
use crate::signals::{self, Cleanup, die_of};

const APPLET: &str = "cat";

/// Runs `fifo cat`: each PATH in order; a failing PATH is reported and the
/// rest still copied, as cat(1) does.
pub fn run(args: &CatArgs) -> ExitCode {
    if args.merge {
        return merge(args);
    }
    if args.frame {
        return frame::run(args);
    }
    let cleanup = if args.rm {
        match Cleanup::install() {
            Ok(cleanup) => Some(cleanup),
            Err(errno) => return cannot_watch(errno),
        }
    } else {
        None
    };
    let limit = match (args.bytes, args.lines) {
        (Some(bytes), _) => Limit::Bytes(bytes),
        (None, Some(lines)) => Limit::Lines(lines),
        (None, None) => Limit::Unlimited,
    };
    if let Err(err) = check_capacity(&args.transfer.pipe, args.paths.iter().map(PathBuf::as_path)) {
        return finish(report::failure(APPLET, &err), cleanup);
    }
    let (mut copier, meter) = with_transfer(
        args,
        Copier::new(limit, args.idle),
        Copier::without_fast_paths,
        Copier::with_progress,
    );
    if let Some(rate) = args.transfer.rate_limit(APPLET) {
        copier = copier.with_rate_limit(rate);
    }
    let (mut engine, level) = match deep_buffer(args.buffer, &args.buffering, meter.as_ref()) {
        Ok(Some(mut buffer)) => {
            let level = buffer.level();
            if let Some(meter) = &meter {
                buffer = buffer.with_progress(meter.progress());
            }
            (Engine::Buffered(buffer), Some(level))
        }
        Ok(None) => (Engine::Plain(copier), None),
        Err(err) => return finish(report::failure(APPLET, &err), cleanup),
    };
    let mut status = ExitCode::Success;
    for path in &args.paths {
        if engine.exhausted() {
            break;
        }
        match cat_one(args, path, &mut engine, cleanup.as_ref()) {
            Ok(Stop::EndOfFile) => {}
            Ok(Stop::LimitReached | Stop::Idle | Stop::Interrupted) => break,
            Err(err) => {
                if failed(&err, &mut status) {
                    break;
                }
            }
        }
    }
    if let Some(meter) = meter {
        meter.finish();
    }
    if let Some(level) = level {
        report_spill_refusals(APPLET, &level);
    }
    finish(status, cleanup)
}

/// Reports a PATH that failed (the first failure sets the status) and says
/// whether to stop: nothing more can be written once stdout is closed.
fn failed(err: &Error, status: &mut ExitCode) -> bool {
    let code = report::failure(APPLET, err);
    *status = status.merge(code);
    code == ExitCode::StdoutClosed
}

/// Applies the transfer options to a copy engine (the portable path, the
/// meter), the same for a plain copy and a merge, and raises the standard
/// pipes; returns the engine and the running meter.
fn with_transfer<E>(
    args: &CatArgs,
    mut engine: E,
    portable: fn(E) -> E,
    progress: fn(E, Progress) -> E,
) -> (E, Option<Meter>) {
    if args.transfer.no_splice {
        engine = portable(engine);
    }
    let meter = Meter::start(APPLET, args.transfer.meter(), known_total(&args.paths));
    if let Some(meter) = &meter {
        engine = progress(engine, meter.progress());
    }
    raise_standard_pipes();
    (engine, meter)
}

/// The bytes to expect when every input is a regular file.
fn known_total(paths: &[std::path::PathBuf]) -> Option<u64> {
    paths
        .iter()
        .map(|path| {
            if path.as_os_str() == "-" {
                remaining(stdin_fd())
            } else {
                std::fs::metadata(path)
                    .ok()
                    .filter(std::fs::Metadata::is_file)
                    .map(|m| m.len())
            }
        })
        .sum()
}

fn cannot_watch(err: impl Into<io::Error>) -> ExitCode {
    signals::cannot_watch(APPLET, err)
}

/// Removes what `--create` made (with `--rm`) and settles the status.
fn finish(status: ExitCode, cleanup: Option<Cleanup>) -> ExitCode {
    cleanup.map_or(status, |cleanup| cleanup.settle(APPLET, status))
}

/// `--merge`: every PATH read at once, whole lines out. A signal is taken
/// by the merge loop, which ends its unfinished lines; then what `--create`
/// made is removed (with `--rm`) and the command dies of the signal.
fn merge(args: &CatArgs) -> ExitCode {
    let watched = Cleanup::install_with_notice()
        .map_err(io::Error::from)
        .and_then(|(cleanup, notice)| {
            let told = notice.try_clone()?;
            Ok((cleanup, notice, told))
        });
    let (cleanup, notice, told) = match watched {
        Ok(watched) => watched,
        Err(errno) => return cannot_watch(errno),
    };
    let (status, signalled) = merge_inputs(args, args.rm.then_some(&cleanup), told);
    let status = finish(status, Some(cleanup));
    if signalled {
        return die_of(&notice);
    }
    status
}

/// Opens every input and merges them; the status, and whether a signal
/// ended the merge.
fn merge_inputs(args: &CatArgs, cleanup: Option<&Cleanup>, notice: OwnedFd) -> (ExitCode, bool) {
    if let Err(err) = check_capacity(&args.transfer.pipe, args.paths.iter().map(PathBuf::as_path)) {
        return (report::failure(APPLET, &err), false);
    }
    let mut inputs = Vec::new();
    for path in &args.paths {
        match merge_input(args, path, cleanup) {
            Ok(input) => inputs.push(input),
            Err(err) => return (report::failure(APPLET, &err), false),
        }
    }
    let (mut merger, meter) = with_transfer(
        args,
        Merger::new(args.lines, args.idle).interrupted_by(notice),
        Merger::without_fast_paths,
        Merger::with_progress,
    );
    let result = merger.run(&mut inputs, stdout_fd());
    if let Some(meter) = meter {
        meter.finish();
    }
    match result {
        Ok(stop) => (ExitCode::Success, stop == Stop::Interrupted),
        Err(err) => (report::failure(APPLET, &err), false),
    }
}

/// Opens one input of a merge without waiting: this process is its reader
/// from now on, and its data is read as it comes. With `-k` a FIFO is
/// opened again whenever its writers have all left.
fn merge_input(args: &CatArgs, path: &Path, cleanup: Option<&Cleanup>) -> Result<Input, Error> {
    let prefix = if args.prefix {
        let mut tag = path.as_os_str().as_bytes().to_vec();
        tag.extend_from_slice(b": ");
        tag
    } else {
        Vec::new()
    };
    if path.as_os_str() == "-" {
        let stdin = stdin_fd()
            .try_clone_to_owned()
            .map_err(|err| Error::sys(Subject::Stdin, Action::Read, err))?;
        return Ok(Input::new(Subject::Stdin, stdin, prefix));
    }
    let opened = open_input(args, path, Wait::No, cleanup)?;
    let fifo = opened.kind() == FileKind::Fifo;
    if fifo {
        size_pipe(APPLET, opened.fd(), path, &args.transfer.pipe)?;
    }
    let input = Input::new(Subject::path(path), opened.into_fd(), prefix);
    Ok(if fifo && args.keep_open {
        input.reopening(path)
    } else {
        input
    })
}

/// Opens PATH to read; with `--create`, makes it a FIFO if missing
/// (remembered for `--rm`), checked on the descriptor it opens.
fn open_input(
    args: &CatArgs,
    path: &Path,
    wait: Wait,
    cleanup: Option<&Cleanup>,
) -> Result<Opened, Error> {
    if !args.create {
        return open(path, Direction::Read, wait);
    }
    create_and_open(path, Direction::Read, wait, |created| {
        if let Some(cleanup) = cleanup {
            cleanup.add(created);
        }
    })
}

/// The engine of a plain copy: the copier, or with --buffer the deep
/// buffer (which has no budget, idle timeout or rate limit).
enum Engine {
    Plain(Copier),
    Buffered(Buffer),
}

impl Engine {
    fn copy(&mut self, src: BorrowedFd<'_>, dst: BorrowedFd<'_>) -> Result<(u64, Stop), CopyError> {
        match self {
            Self::Plain(copier) => copier.copy(src, dst),
            Self::Buffered(buffer) => buffer.copy(src, dst),
        }
    }

    fn exhausted(&self) -> bool {
        match self {
            Self::Plain(copier) => copier.exhausted(),
            Self::Buffered(_) => false,
        }
    }
}

fn cat_one(
    args: &CatArgs,
    path: &Path,
    copier: &mut Engine,
    cleanup: Option<&Cleanup>,
) -> Result<Stop, Error> {
    if path.as_os_str() == "-" {
        return copier
            .copy(stdin_fd(), stdout_fd())
            .map(|(_, stop)| stop)
            .map_err(|err| err.attribute(Subject::Stdin, Subject::Stdout));
    }
    let mut input = open_source(args, path, cleanup)?;
    let keep = args.keep_open && input.kind() == FileKind::Fifo;
    loop {
        let stop = copier
            .copy(input.fd(), stdout_fd())
            .map(|(_, stop)| stop)
            .map_err(|err| err.attribute(Subject::path(path), Subject::Stdout))?;
        if stop != Stop::EndOfFile || !keep {
            return Ok(stop);
        }
        match next_writer(&input, args.idle, None)? {
            Ok(next) => input = next,
            Err(stop) => return Ok(stop),
        }
    }
}

/// Opens PATH to read as `cat` does: waiting up to `--timeout`, making it
/// with `--create`, sizing a FIFO's pipe. With `-k` the caller opens it
/// again when its writers have all left ([`next_writer`]), which needs no
/// more than the read permission this open needed.
fn open_source(args: &CatArgs, path: &Path, cleanup: Option<&Cleanup>) -> Result<Opened, Error> {
    let input = open_input(args, path, wait_from(false, args.timeout), cleanup)?;
    if input.kind() == FileKind::Fifo {
        size_pipe(APPLET, input.fd(), path, &args.transfer.pipe)?;
    }
    Ok(input)
}
