//! `fifo send`: write a message or stdin into a FIFO, waiting for a reader.

mod frame;
mod plan;

use fifo_core::create::claim::create_and_open;
use fifo_core::open::{Direction, open_fifo};
use fifo_core::transfer::buffer::Buffer;
use fifo_core::transfer::copy::{Copier, Limit};
use fifo_core::transfer::progress::Progress;
use fifo_core::transfer::record::{RecordWriter, send_records};
use fifo_core::transfer::write::write_data;
use fifo_core::{Error, Subject};

use super::transfer::{Rate, report_spill_refusals};
use super::{check_capacity, raise_standard_pipes, size_pipe, stdin_fd};
use crate::cli::SendArgs;
use crate::exit_code::ExitCode;
use crate::progress::{Meter, remaining};
use crate::report;
use plan::{Mode, Plan, Source};

const APPLET: &str = crate::cli::applets::SEND.name;

/// Runs `fifo send`.
pub fn run(args: &SendArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    let total = match plan.source {
        Source::Stdin => remaining(stdin_fd()),
        Source::Message(_) => None,
    };
    let meter = Meter::start(APPLET, plan.transfer.meter.clone(), total);
    let sent = send(&plan, meter.as_ref());
    if let Some(meter) = meter {
        meter.finish();
    }
    match sent {
        Ok(_) => ExitCode::Success,
        Err(err) => report::failure(APPLET, &err),
    }
}

/// Sends and returns how many bytes were delivered.
fn send(plan: &Plan, meter: Option<&Meter>) -> Result<u64, Error> {
    let path = plan.path.as_path();
    check_capacity(&plan.transfer.pipe, [path])?;
    // Before --capacity sizes the FIFO, which may be standard output too.
    raise_standard_pipes();
    // Before the wait for a reader, so that a bad --buffer-file fails at once.
    let buffer = match &plan.mode {
        Mode::Copy {
            buffer: Some(buffering),
            ..
        } => Some(buffering.build(meter)?),
        _ => None,
    };
    let level = buffer.as_ref().map(Buffer::level);
    let fifo = if plan.create {
        create_and_open(path, Direction::Write, plan.wait, drop)?
    } else {
        open_fifo(path, Direction::Write, plan.wait)?
    };
    size_pipe(APPLET, fifo.fd(), path, &plan.transfer.pipe)?;
    let subject = || Subject::path(path);
    match (&plan.mode, &plan.source) {
        (Mode::Frame(separator), source) => {
            frame::send(source, *separator, fifo.fd(), subject(), meter)
        }
        (Mode::Records(separator), Source::Message(message)) => {
            let mut writer = RecordWriter::new(fifo.fd(), subject(), *separator);
            writer.push(message)?;
            writer.finish()
        }
        (Mode::Copy { .. }, Source::Message(message)) => write_data(fifo.fd(), subject(), message),
        (Mode::Records(separator), Source::Stdin) => {
            let mut writer = RecordWriter::new(fifo.fd(), subject(), *separator);
            if let Some(meter) = meter {
                writer = writer.with_progress(meter.progress());
            }
            send_records(stdin_fd(), writer)
        }
        (Mode::Copy { rate, .. }, Source::Stdin) => {
            let copied = match buffer {
                Some(buffer) => {
                    with_meter(buffer, meter, Buffer::with_progress).copy(stdin_fd(), fifo.fd())
                }
                None => copier(plan, rate.as_ref(), meter).copy(stdin_fd(), fifo.fd()),
            };
            let copied = copied
                .map(|(copied, _)| copied)
                .map_err(|err| err.attribute(Subject::Stdin, subject()));
            if let Some(level) = level {
                report_spill_refusals(APPLET, &level);
            }
            copied
        }
    }
}

fn copier(plan: &Plan, rate: Option<&Rate>, meter: Option<&Meter>) -> Copier {
    let mut copier = Copier::new(Limit::Unlimited, None);
    if plan.transfer.portable {
        copier = copier.without_fast_paths();
    }
    if let Some(rate) = rate {
        copier = copier.with_rate_limit(rate.limiter(APPLET));
    }
    with_meter(copier, meter, Copier::with_progress)
}

/// `engine` reporting to `meter`, if there is one.
fn with_meter<E>(engine: E, meter: Option<&Meter>, progress: fn(E, Progress) -> E) -> E {
    match meter {
        Some(meter) => progress(engine, meter.progress()),
        None => engine,
    }
}
