//! `fifo wait`: wait, never opening anything, until a condition holds for
//! every PATH: it exists, has a reader or a writer, has data or none.

use std::time::Instant;

use fifo_core::Error;
use fifo_core::inspect::wait::{Condition, until};

use crate::cli::WaitArgs;
use crate::exit_code::{ExitCode, code};
use crate::report;

const APPLET: &str = crate::cli::applets::WAIT.name;

/// Runs `fifo wait`: the PATHs are waited for in turn, within one
/// `--timeout` for all; the first that fails ends the command.
pub fn run(args: &WaitArgs) -> ExitCode {
    let condition = if args.exists {
        Condition::Exists
    } else if args.reader {
        Condition::Reader
    } else if args.writer {
        Condition::Writer
    } else if args.data {
        Condition::Data
    } else {
        Condition::Empty
    };
    let started = Instant::now();
    for path in &args.paths {
        let left = args
            .timeout
            .map(|limit| limit.saturating_sub(started.elapsed()));
        if let Err(mut err) = until(path, condition, left) {
            // Each PATH got what was left of the one timeout; say the whole.
            if let (
                Error::WaitTimedOut { waited, .. }
                | Error::TimedOut { waited, .. }
                | Error::PeerHidden { waited, .. },
                Some(limit),
            ) = (&mut err, args.timeout)
            {
                *waited = limit;
            }
            return if args.quiet {
                code(&err)
            } else {
                report::failure(APPLET, &err)
            };
        }
    }
    ExitCode::Success
}
