//! `fifo cat`: copy FIFOs, files or stdin to stdout, waiting for writers.

mod frame;
mod plan;

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fifo_core::create::claim::create_and_open;
use fifo_core::open::keep::next_writer;
use fifo_core::open::{Direction, Opened, open};
use fifo_core::transfer::buffer::Buffer;
use fifo_core::transfer::copy::{Copier, CopyError, Stop};
use fifo_core::transfer::merge::{Input, Merger};
use fifo_core::transfer::progress::Progress;
use fifo_core::{Action, Error, FileKind, Subject};

use super::transfer::report_spill_refusals;
use super::{check_capacity, raise_standard_pipes, size_pipe, stdin_fd, stdout_fd};
use crate::cli::CatArgs;
use crate::exit_code::ExitCode;
use crate::progress::{Meter, remaining};
use crate::report;
use crate::signals::{self, Cleanup, die_of};
use plan::{Copying, Merging, Mode, Plan};

const APPLET: &str = crate::cli::applets::CAT.name;

/// Runs `fifo cat`: each PATH in order; a failing PATH is reported and the
/// rest still copied, as cat(1) does.
pub fn run(args: &CatArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    match &plan.mode {
        Mode::Copy(copying) => copy(&plan, copying),
        Mode::Merge(merging) => merge(&plan, merging),
        Mode::Frame(framing) => frame::run(&plan, framing),
    }
}

/// Copies each PATH in turn.
fn copy(plan: &Plan, copying: &Copying) -> ExitCode {
    let cleanup = if plan.open.remove {
        match Cleanup::install() {
            Ok(cleanup) => Some(cleanup),
            Err(errno) => return cannot_watch(errno),
        }
    } else {
        None
    };
    if let Err(err) = check_capacity(&plan.transfer.pipe, plan.paths.iter().map(PathBuf::as_path)) {
        return finish(report::failure(APPLET, &err), cleanup);
    }
    let (mut copier, meter) = with_transfer(
        plan,
        Copier::new(copying.limit, copying.idle),
        Copier::without_fast_paths,
        Copier::with_progress,
    );
    if let Some(rate) = &copying.rate {
        copier = copier.with_rate_limit(rate.limiter(APPLET));
    }
    let (mut engine, level) = match copying
        .buffer
        .as_ref()
        .map(|buffer| buffer.build(meter.as_ref()))
    {
        Some(Ok(mut buffer)) => {
            let level = buffer.level();
            if let Some(meter) = &meter {
                buffer = buffer.with_progress(meter.progress());
            }
            (Engine::Buffered(buffer), Some(level))
        }
        None => (Engine::Plain(copier), None),
        Some(Err(err)) => return finish(report::failure(APPLET, &err), cleanup),
    };
    let mut status = ExitCode::Success;
    for path in &plan.paths {
        if engine.exhausted() {
            break;
        }
        match cat_one(plan, copying.idle, path, &mut engine, cleanup.as_ref()) {
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
    plan: &Plan,
    mut engine: E,
    portable: fn(E) -> E,
    progress: fn(E, Progress) -> E,
) -> (E, Option<Meter>) {
    if plan.transfer.portable {
        engine = portable(engine);
    }
    let meter = Meter::start(
        APPLET,
        plan.transfer.meter.clone(),
        known_total(&plan.paths),
    );
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
fn merge(plan: &Plan, merging: &Merging) -> ExitCode {
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
    let cleaning = plan.open.remove.then_some(&cleanup);
    let (status, signalled) = merge_inputs(plan, merging, cleaning, told);
    let status = finish(status, Some(cleanup));
    if signalled {
        return die_of(&notice);
    }
    status
}

/// Opens every input and merges them; the status, and whether a signal
/// ended the merge.
fn merge_inputs(
    plan: &Plan,
    merging: &Merging,
    cleanup: Option<&Cleanup>,
    notice: OwnedFd,
) -> (ExitCode, bool) {
    if let Err(err) = check_capacity(&plan.transfer.pipe, plan.paths.iter().map(PathBuf::as_path)) {
        return (report::failure(APPLET, &err), false);
    }
    let mut inputs = Vec::new();
    for path in &plan.paths {
        match merge_input(plan, merging.prefix, path, cleanup) {
            Ok(input) => inputs.push(input),
            Err(err) => return (report::failure(APPLET, &err), false),
        }
    }
    let (mut merger, meter) = with_transfer(
        plan,
        Merger::new(merging.lines, merging.idle).interrupted_by(notice),
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
fn merge_input(
    plan: &Plan,
    prefix: bool,
    path: &Path,
    cleanup: Option<&Cleanup>,
) -> Result<Input, Error> {
    let prefix = if prefix {
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
    let opened = open_input(plan, path, cleanup)?;
    let fifo = opened.kind() == FileKind::Fifo;
    if fifo {
        size_pipe(APPLET, opened.fd(), path, &plan.transfer.pipe)?;
    }
    let input = Input::new(Subject::path(path), opened.into_fd(), prefix);
    Ok(if fifo && plan.open.keep_open {
        input.reopening(path)
    } else {
        input
    })
}

/// Opens PATH to read, waiting as the plan says; with `--create`, makes it
/// a FIFO if missing (remembered for `--rm`), checked on the descriptor it
/// opens.
fn open_input(plan: &Plan, path: &Path, cleanup: Option<&Cleanup>) -> Result<Opened, Error> {
    let wait = plan.open.wait;
    if !plan.open.create {
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

/// Copies one PATH (`-`: stdin); with `-k`, a FIFO again for each later
/// writer, until `idle` passes without one.
fn cat_one(
    plan: &Plan,
    idle: Option<Duration>,
    path: &Path,
    engine: &mut Engine,
    cleanup: Option<&Cleanup>,
) -> Result<Stop, Error> {
    if path.as_os_str() == "-" {
        return engine
            .copy(stdin_fd(), stdout_fd())
            .map(|(_, stop)| stop)
            .map_err(|err| err.attribute(Subject::Stdin, Subject::Stdout));
    }
    let mut input = open_source(plan, path, cleanup)?;
    let keep = plan.open.keep_open && input.kind() == FileKind::Fifo;
    loop {
        let stop = engine
            .copy(input.fd(), stdout_fd())
            .map(|(_, stop)| stop)
            .map_err(|err| err.attribute(Subject::path(path), Subject::Stdout))?;
        if stop != Stop::EndOfFile || !keep {
            return Ok(stop);
        }
        match next_writer(&input, idle, None)? {
            Ok(next) => input = next,
            Err(stop) => return Ok(stop),
        }
    }
}

/// Opens PATH to read as `cat` does: waiting up to `--timeout`, making it
/// with `--create`, sizing a FIFO's pipe. With `-k` the caller opens it
/// again when its writers have all left ([`next_writer`]), which needs no
/// more than the read permission this open needed.
fn open_source(plan: &Plan, path: &Path, cleanup: Option<&Cleanup>) -> Result<Opened, Error> {
    let input = open_input(plan, path, cleanup)?;
    if input.kind() == FileKind::Fifo {
        size_pipe(APPLET, input.fd(), path, &plan.transfer.pipe)?;
    }
    Ok(input)
}
