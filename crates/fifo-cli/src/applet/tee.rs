//! `fifo tee`: copy stdin to stdout and to every PATH, with FIFOs opened
//! concurrently and a departing reader dropped instead of killing the rest.

mod plan;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use fifo_core::open::descriptor;
use fifo_core::open::{Direction, Wait, open, open_outputs};
use fifo_core::process::signals::ignored_at_start;
use fifo_core::transfer::lossy::{Drops, LossyOutput, Unit};
use fifo_core::transfer::tee::{FanOut, Output};
use fifo_core::{Error, Subject};
use nix::errno::Errno;
use nix::sys::signal::{SigSet, Signal};

use super::{check_capacity, raise_standard_pipes, size_pipe, stdin_fd, stdout_fd};
use crate::cli::TeeArgs;
use crate::exit_code::ExitCode;
use crate::progress::{Meter, remaining};
use crate::report;
use plan::{Lossy, Plan};

const APPLET: &str = crate::cli::applets::TEE.name;

/// Runs `fifo tee`.
pub fn run(args: &TeeArgs) -> ExitCode {
    tee(&Plan::from_args(args))
}

fn tee(plan: &Plan) -> ExitCode {
    let mut status = ExitCode::Success;
    if let Err(err) = check_capacity(&plan.transfer.pipe, plan.paths.iter().map(PathBuf::as_path)) {
        return report::failure(APPLET, &err);
    }
    // Before --capacity sizes the FIFOs, one of which may be stdout too.
    raise_standard_pipes();
    let (lossy, drops) = match lossy_outputs(plan.lossy.as_ref(), &mut status) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let opened: Vec<_> = plan
        .paths
        .iter()
        .zip(open_outputs(&plan.paths, plan.append, plan.wait))
        .filter_map(|(path, result)| match result {
            Ok(opened) => match size_pipe(APPLET, opened.fd(), path, &plan.transfer.pipe) {
                Ok(()) => Some((path, opened)),
                Err(err) => {
                    status = status.merge(report::failure(APPLET, &err));
                    None
                }
            },
            Err(err @ Error::NoPeer { .. }) => {
                report::warning(APPLET, &err, "skipped");
                None
            }
            Err(err) => {
                status = status.merge(report::failure(APPLET, &err));
                None
            }
        })
        .collect();
    let mut outputs = vec![Output::new(Subject::Stdout, stdout_fd())];
    outputs.extend(
        opened
            .iter()
            .map(|(path, opened)| Output::new(Subject::path(path), opened.fd())),
    );
    let mut alive = outputs.len();
    let mut fan = if plan.transfer.portable {
        FanOut::new().without_fast_paths()
    } else {
        FanOut::new()
    };
    if let Some(rate) = &plan.rate {
        fan = fan.with_rate_limit(rate.limiter(APPLET));
    }
    for output in lossy {
        fan = fan.with_lossy(output);
    }
    let meter = Meter::start(APPLET, plan.transfer.meter.clone(), remaining(stdin_fd()));
    if let Some(meter) = &meter {
        fan = fan.with_progress(meter.progress());
    }
    let ended = fan.run(stdin_fd(), &mut outputs, |_, err| {
        alive -= 1;
        let reader_gone = matches!(err, Error::ReaderLeft { .. })
            || err.raw_os_error() == Some(Errno::EPIPE as i32);
        let stdout_gone = matches!(err.subject(), Subject::Stdout) && reader_gone;
        if alive == 0 && stdout_gone && plan.on_failure.sigpipe_ends {
            // Nothing left but a stdout its reader closed: end quietly, as
            // a tool killed by SIGPIPE.
            status = status.merge(ExitCode::StdoutClosed);
            return ControlFlow::Break(());
        }
        if reader_gone && plan.on_failure.reader_may_leave {
            ControlFlow::Continue(())
        } else if plan.on_failure.stop {
            status = status.merge(if stdout_gone {
                // Said, status 1: report::failure keeps it quiet (141).
                report::message(APPLET, &fifo_core::error::Chain(&err).to_string());
                ExitCode::Failure
            } else {
                report::failure(APPLET, &err)
            });
            ControlFlow::Break(())
        } else {
            report::warning(APPLET, &err, "output dropped");
            status = status.merge(ExitCode::Failure);
            ControlFlow::Continue(())
        }
    });
    if let Some(meter) = meter {
        meter.finish();
    }
    if let Some(lossy) = &plan.lossy {
        if !drops.is_empty() {
            // The other outputs have all they will get: their readers see
            // the end now, not after the lossy readers are done.
            drop(outputs);
            drop(opened);
            end_stdout();
            fan.finish_lossy(lossy.grace);
        }
        report_drops(&drops, lossy.grace);
    }
    if let Err(err) = ended {
        status = status.merge(report::failure(APPLET, &err));
    }
    status
}

/// Says what each lossy output dropped: `fifo tee: 'PATH': dropped N lines
/// (B bytes)`, or chunks without --lossy-lines; and of those, what was
/// given up after the input ended because the reader took nothing for
/// `grace`.
fn report_drops(drops: &[(PathBuf, Arc<Drops>)], grace: Duration) {
    let kind = |units: u64, unit: Unit| match (units == 1, unit) {
        (true, Unit::Line) => "line",
        (false, Unit::Line) => "lines",
        (true, Unit::Chunk) => "chunk",
        (false, Unit::Chunk) => "chunks",
    };
    for (path, drops) in drops {
        let (units, bytes) = (drops.units(), drops.bytes());
        let path = Subject::path(Path::new(path));
        let (late, late_bytes) = drops.given_up();
        let given_up = if late > 0 {
            format!(
                ", {late} of them ({late_bytes} bytes) queued at the end of the input, \
                 when its reader took nothing for {}",
                humantime::format_duration(grace)
            )
        } else {
            String::new()
        };
        let kind = kind(units, drops.unit());
        let text = format!("{path}: dropped {units} {kind} ({bytes} bytes){given_up}");
        report::message(APPLET, &text);
    }
}

/// Puts `/dev/null` on standard output, so that its reader sees the end.
fn end_stdout() {
    let placed = open(Path::new("/dev/null"), Direction::Write, Wait::No)
        .and_then(|null| descriptor::place(null, 1));
    if let Err(err) = placed {
        report::warning(APPLET, &err, "standard output stays open");
    }
}

fn cannot_watch_sigusr1(err: &std::io::Error) -> ExitCode {
    let why = fifo_core::error::describe(err);
    report::message(APPLET, &format!("cannot watch for SIGUSR1: {why}"));
    ExitCode::Failure
}

/// What each lossy output dropped, by path.
type DropCounts = Vec<(PathBuf, Arc<Drops>)>;

/// Opens the --lossy outputs (a failure is reported and sets `status`) and
/// starts the thread that reports their drops on SIGUSR1. Call it before
/// any other thread starts, so that all of them leave SIGUSR1 to that one.
fn lossy_outputs(
    lossy: Option<&Lossy>,
    status: &mut ExitCode,
) -> Result<(Vec<LossyOutput>, DropCounts), ExitCode> {
    let Some(lossy) = lossy else {
        return Ok((Vec::new(), Vec::new()));
    };
    // A SIGUSR1 ignored at start stays ignored: no report is asked for.
    let sigusr1 =
        (!ignored_at_start(Signal::SIGUSR1 as i32)).then(|| SigSet::from(Signal::SIGUSR1));
    if let Some(Err(errno)) = sigusr1.map(|set| set.thread_block()) {
        return Err(cannot_watch_sigusr1(&errno.into()));
    }
    let mut outputs = Vec::new();
    for path in &lossy.paths {
        match LossyOutput::new(path, lossy.unit, lossy.queue) {
            Ok(output) => outputs.push(output),
            Err(err) => *status = status.merge(report::failure(APPLET, &err)),
        }
    }
    let drops: DropCounts = outputs
        .iter()
        .map(|output| (output.path().to_owned(), output.drops()))
        .collect();
    if let Some(sigusr1) = sigusr1 {
        let watched = drops.clone();
        let grace = lossy.grace;
        let started = std::thread::Builder::new().spawn(move || {
            while sigusr1.wait().is_ok() {
                report_drops(&watched, grace);
            }
        });
        if let Err(err) = started {
            return Err(cannot_watch_sigusr1(&err));
        }
    }
    Ok((outputs, drops))
}
