//! `fifo man [--dir DIR]`: the man pages, made from the one definition of
//! the command line (see `docs`).

use crate::cli::ManArgs;
use crate::exit_code::ExitCode;

/// Prints `fifo.1`, or writes every page into `--dir`.
pub fn run(args: &ManArgs) -> ExitCode {
    crate::docs::man(args.dir.as_deref())
}
