//! `fifo wait`: wait, never opening anything, until a condition holds for
//! every PATH: it exists, has a reader or a writer, has data or none.

mod plan;

use std::time::Instant;

use fifo_core::Error;
use fifo_core::inspect::wait::until;

use crate::cli::WaitArgs;
use crate::exit_code::{ExitCode, code};
use crate::report;
use plan::Plan;

const APPLET: &str = crate::cli::applets::WAIT.name;

/// Runs `fifo wait`: the PATHs are waited for in turn, within one
/// `--timeout` for all; the first that fails ends the command.
pub fn run(args: &WaitArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    let started = Instant::now();
    for path in &plan.paths {
        let left = plan
            .timeout
            .map(|limit| limit.saturating_sub(started.elapsed()));
        if let Err(mut err) = until(path, plan.condition, left) {
            // Each PATH got what was left of the one timeout; say the whole.
            if let (
                Error::WaitTimedOut { waited, .. }
                | Error::TimedOut { waited, .. }
                | Error::PeerHidden { waited, .. },
                Some(limit),
            ) = (&mut err, plan.timeout)
            {
                *waited = limit;
            }
            return if plan.quiet {
                code(&err)
            } else {
                report::failure(APPLET, &err)
            };
        }
    }
    ExitCode::Success
}
