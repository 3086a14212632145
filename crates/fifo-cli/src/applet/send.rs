//! `fifo send`: write a message or stdin into a FIFO, waiting for a reader.

mod frame;

use std::os::unix::ffi::OsStringExt;

use fifo_core::create::claim::create_and_open;
use fifo_core::open::{Direction, open_fifo};
use fifo_core::transfer::buffer::Buffer;
use fifo_core::transfer::copy::{Copier, Limit};
use fifo_core::transfer::progress::Progress;
use fifo_core::transfer::record::{RecordWriter, send_records};
use fifo_core::transfer::write::write_data;
use fifo_core::{Error, Subject};

use super::{
    check_capacity, deep_buffer, raise_standard_pipes, report_spill_refusals, size_pipe, stdin_fd,
    wait_from,
};
use crate::cli::SendArgs;
use crate::exit_code::ExitCode;
use crate::progress::{Meter, remaining};
use crate::report;

const APPLET: &str = "send";

/// Runs `fifo send`.
pub fn run(args: &SendArgs) -> ExitCode {
    let total = if args.message.is_empty() {
        remaining(stdin_fd())
    } else {
        None
    };
    let meter = Meter::start(APPLET, args.transfer.meter(), total);
    let sent = send(args, meter.as_ref());
    if let Some(meter) = meter {
        meter.finish();
    }
    match sent {
        Ok(_) => ExitCode::Success,
        Err(err) => report::failure(APPLET, &err),
    }
}

/// Sends and returns how many bytes were delivered.
fn send(args: &SendArgs, meter: Option<&Meter>) -> Result<u64, Error> {
    let path = args.path.as_path();
    check_capacity(&args.transfer.pipe, [path])?;
    // Before --capacity sizes the FIFO, which may be standard output too.
    raise_standard_pipes();
    // Before the wait for a reader, so that a bad --buffer-file fails at once.
    let buffer = deep_buffer(args.buffer, &args.buffering, meter)?;
    let level = buffer.as_ref().map(Buffer::level);
    let wait = wait_from(args.no_wait, args.timeout);
    let fifo = if args.create {
        create_and_open(path, Direction::Write, wait, drop)?
    } else {
        open_fifo(path, Direction::Write, wait)?
    };
    size_pipe(APPLET, fifo.fd(), path, &args.transfer.pipe)?;
    let subject = || Subject::path(path);
    let separator = match (args.lines, args.null) {
        (true, _) => Some(b'\n'),
        (false, true) => Some(0),
        (false, false) => None,
    };
    if args.frame {
        return frame::send(args, fifo.fd(), subject(), separator, meter);
    }
    if !args.message.is_empty() {
        let mut message = args.message.join(std::ffi::OsStr::new(" ")).into_vec();
        if !args.no_newline {
            // Under -0 the message is one NUL-terminated record, as a `-0`
            // reader (xargs -0, read -d '') expects.
            message.push(separator.unwrap_or(b'\n'));
        }
        return match separator {
            Some(separator) => {
                let mut writer = RecordWriter::new(fifo.fd(), subject(), separator);
                writer.push(&message)?;
                writer.finish()
            }
            None => write_data(fifo.fd(), subject(), &message),
        };
    }
    if let Some(separator) = separator {
        let mut writer = RecordWriter::new(fifo.fd(), subject(), separator);
        if let Some(meter) = meter {
            writer = writer.with_progress(meter.progress());
        }
        return send_records(stdin_fd(), writer);
    }
    let copied = match buffer {
        Some(buffer) => {
            with_meter(buffer, meter, Buffer::with_progress).copy(stdin_fd(), fifo.fd())
        }
        None => copier(args, meter).copy(stdin_fd(), fifo.fd()),
    };
    let copied = copied
        .map(|(copied, _)| copied)
        .map_err(|err| err.attribute(Subject::Stdin, subject()));
    if let Some(level) = level {
        report_spill_refusals(APPLET, &level);
    }
    copied
}

fn copier(args: &SendArgs, meter: Option<&Meter>) -> Copier {
    let mut copier = Copier::new(Limit::Unlimited, None);
    if args.transfer.no_splice {
        copier = copier.without_fast_paths();
    }
    if let Some(rate) = args.transfer.rate_limit(APPLET) {
        copier = copier.with_rate_limit(rate);
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
