//! `fifo`: named pipes made pleasant and safe from the shell.
//!
//! This binary parses arguments, runs one applet, prints messages and turns
//! failures into exit statuses; every FIFO operation lives in `fifo-core`.
#![forbid(unsafe_code)]

mod applet;
mod cli;
mod exit_code;
mod report;
mod signals;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

fn main() -> ExitCode {
    let args = match cli::multi_call_args(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(err) => return ExitCode::from(report::usage("", &err)),
    };
    match cli::Cli::try_parse_from(&args) {
        Ok(cli) => ExitCode::from(applet::run(cli.command)),
        Err(err) => {
            let applet = args
                .get(1)
                .and_then(|arg| arg.to_str())
                .filter(|name| cli::Cli::command().find_subcommand(name).is_some())
                .unwrap_or("");
            ExitCode::from(report::usage(applet, &err))
        }
    }
}
