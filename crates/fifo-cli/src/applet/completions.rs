//! `fifo completions SHELL`: the completion script, made from the one
//! definition of the command line (see `docs`).

use crate::cli::CompletionsArgs;
use crate::exit_code::ExitCode;

/// Prints the completion script for `args.shell`.
pub fn run(args: &CompletionsArgs) -> ExitCode {
    crate::docs::completions(args.shell)
}
