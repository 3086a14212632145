//! `fifo cat`: copy FIFOs, files or stdin to stdout, waiting for writers.

use std::path::Path;

use fifo_core::copy::{Copier, Limit, Stop};
use fifo_core::create::{Made, PRIVATE_MODE, make_fifo};
use fifo_core::open::{Direction, open};
use fifo_core::{Error, FileKind, Subject};

use super::{raise_standard_pipes, size_pipe, stdin_fd, stdout_fd, wait_from};
use crate::cli::CatArgs;
use crate::exit_code::{FAILURE, STDOUT_CLOSED, SUCCESS};
use crate::report;
use crate::signals::Cleanup;

const APPLET: &str = "cat";

/// Runs `fifo cat`: each PATH in order; a failing PATH is reported and the
/// rest still copied, as cat(1) does.
pub fn run(args: &CatArgs) -> u8 {
    let cleanup = if args.rm {
        match Cleanup::install() {
            Ok(cleanup) => Some(cleanup),
            Err(errno) => {
                report::message(
                    APPLET,
                    &format!("cannot watch for signals: {}", errno.desc()),
                );
                return FAILURE;
            }
        }
    } else {
        None
    };
    let limit = match (args.bytes, args.lines) {
        (Some(bytes), _) => Limit::Bytes(bytes),
        (None, Some(lines)) => Limit::Lines(lines),
        (None, None) => Limit::Unlimited,
    };
    let mut copier = Copier::new(limit, args.idle);
    if args.no_splice {
        copier = copier.without_fast_paths();
    }
    raise_standard_pipes();
    let mut status = SUCCESS;
    for path in &args.paths {
        if copier.exhausted() {
            break;
        }
        match cat_one(args, path, &mut copier, cleanup.as_ref()) {
            Ok(Stop::EndOfFile) => {}
            Ok(Stop::LimitReached | Stop::Idle) => break,
            Err(err) => {
                let code = report::failure(APPLET, &err);
                if status == SUCCESS {
                    status = code;
                }
                if code == STDOUT_CLOSED {
                    break;
                }
            }
        }
    }
    if let Some(cleanup) = cleanup {
        for err in cleanup.finish() {
            status = status.max(report::failure(APPLET, &err));
        }
    }
    status
}

fn cat_one(
    args: &CatArgs,
    path: &Path,
    copier: &mut Copier,
    cleanup: Option<&Cleanup>,
) -> Result<Stop, Error> {
    if path.as_os_str() == "-" {
        return copier
            .copy(stdin_fd(), stdout_fd())
            .map(|(_, stop)| stop)
            .map_err(|err| err.attribute(Subject::Stdin, Subject::Stdout));
    }
    if args.create {
        if let Made::New(created) = make_fifo(path, PRIVATE_MODE, true)? {
            if let Some(cleanup) = cleanup {
                cleanup.add(created);
            }
        }
    }
    let input = open(path, Direction::Read, wait_from(false, args.timeout))?;
    if input.kind() == FileKind::Fifo {
        size_pipe(APPLET, input.fd(), path, &args.pipe)?;
    }
    // Holding the write end ourselves means the last writer leaving is not
    // end-of-file: later writers are served by the same read end.
    let _held = if args.keep_open && input.kind() == FileKind::Fifo {
        Some(input.hold_write_end(path)?)
    } else {
        None
    };
    copier
        .copy(input.fd(), stdout_fd())
        .map(|(_, stop)| stop)
        .map_err(|err| err.attribute(Subject::path(path), Subject::Stdout))
}
