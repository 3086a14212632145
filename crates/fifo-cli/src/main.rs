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

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::multi_call_args(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(exit_code::USAGE);
        }
    };
    match cli::Cli::try_parse_from(args) {
        Ok(cli) => ExitCode::from(applet::run(cli.command)),
        Err(err) => {
            // Help and version go to stdout with status 0; mistakes to stderr, 2.
            let _ = err.print();
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(exit_code::USAGE))
        }
    }
}
