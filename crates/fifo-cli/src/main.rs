//! `fifo`: named pipes made pleasant and safe from the shell.
//!
//! This binary parses arguments, runs one applet, prints messages and turns
//! failures into exit statuses; every FIFO operation lives in `fifo-core`.
#![forbid(unsafe_code)]

mod applet;
mod cli;
mod complete;
mod docs;
mod exit_code;
#[cfg(test)]
mod layers;
mod manpage;
mod progress;
mod report;
mod signals;
mod stat_format;
mod stdio;
mod text;

use std::process::ExitCode;

use crate::exit_code::ExitCode as Status;

/// Set to 1, forces the portable engine (see [`fifo_core::force_portable`]):
/// what runs on macOS and the BSDs, run on Linux.
const PORTABLE: &str = "FIFO_PORTABLE";

fn main() -> ExitCode {
    if std::env::var_os(PORTABLE).is_some_and(|value| value == "1") {
        fifo_core::force_portable();
    }
    signals::unblock_ending();
    signals::block_file_size();
    complete::answer_request();
    let args = match cli::multi_call_args(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(err) => return report::usage("", &err).into(),
    };
    match cli::parse(&args) {
        Ok(cli::Cli {
            command: Some(command),
            ..
        }) => applet::run(command).into(),
        Ok(cli::Cli { list: true, .. }) => docs::list().into(),
        Ok(cli::Cli { .. }) => {
            let _ = cli::command().print_help();
            Status::Usage.into()
        }
        Err(err) => {
            let applet = args
                .get(1)
                .and_then(|arg| arg.to_str())
                .filter(|name| cli::command().find_subcommand(name).is_some())
                .unwrap_or("");
            report::usage(applet, &err).into()
        }
    }
}
