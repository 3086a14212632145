//! `fifo tee`: copy stdin to stdout and to every PATH, with FIFOs opened
//! concurrently and a departing reader dropped instead of killing the rest.

use std::ops::ControlFlow;
use std::path::PathBuf;

use fifo_core::open::open_outputs;
use fifo_core::tee::{FanOut, Output};
use fifo_core::{Error, Subject};
use nix::errno::Errno;

use super::{check_capacity, raise_standard_pipes, size_pipe, stdin_fd, stdout_fd, wait_from};
use crate::cli::{OutputError, TeeArgs};
use crate::exit_code::ExitCode;
use crate::progress::{Meter, remaining};
use crate::report;

const APPLET: &str = "tee";

/// Runs `fifo tee`.
pub fn run(args: &TeeArgs) -> ExitCode {
    let mut status = ExitCode::Success;
    if let Err(err) = check_capacity(&args.transfer.pipe, args.paths.iter().map(PathBuf::as_path)) {
        return report::failure(APPLET, &err);
    }
    let wait = wait_from(args.no_wait, args.timeout);
    let opened: Vec<_> = args
        .paths
        .iter()
        .zip(open_outputs(&args.paths, args.append, wait))
        .filter_map(|(path, result)| match result {
            Ok(opened) => match size_pipe(APPLET, opened.fd(), path, &args.transfer.pipe) {
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
    raise_standard_pipes();
    let mut fan = if args.transfer.no_splice {
        FanOut::new().without_fast_paths()
    } else {
        FanOut::new()
    };
    if let Some(rate) = args.transfer.rate_limit() {
        fan = fan.with_rate_limit(rate);
    }
    let meter = Meter::start(APPLET, args.transfer.progress, remaining(stdin_fd()));
    if let Some(meter) = &meter {
        fan = fan.with_progress(meter.progress());
    }
    let ended = fan.run(stdin_fd(), &mut outputs, |_, err| {
        alive -= 1;
        let reader_gone = matches!(err, Error::ReaderLeft { .. })
            || err.raw_os_error() == Some(Errno::EPIPE as i32);
        if alive == 0 && matches!(err.subject(), Subject::Stdout) && reader_gone {
            // Nothing left but a stdout its reader closed: end quietly, as
            // a tool killed by SIGPIPE.
            status = status.merge(ExitCode::StdoutClosed);
            return ControlFlow::Break(());
        }
        match args.output_error {
            Some(OutputError::WarnNopipe | OutputError::ExitNopipe) if reader_gone => {
                ControlFlow::Continue(())
            }
            Some(OutputError::Exit | OutputError::ExitNopipe) => {
                status = status.merge(report::failure(APPLET, &err));
                ControlFlow::Break(())
            }
            None | Some(OutputError::Warn | OutputError::WarnNopipe) => {
                report::warning(APPLET, &err, "output dropped");
                status = status.merge(ExitCode::Failure);
                ControlFlow::Continue(())
            }
        }
    });
    if let Some(meter) = meter {
        meter.finish();
    }
    if let Err(err) = ended {
        status = status.merge(report::failure(APPLET, &err));
    }
    status
}
