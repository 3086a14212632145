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
mod manpage;
mod progress;
mod report;
mod signals;

use std::process::ExitCode;

fn main() -> ExitCode {
    complete::answer_request();
    let args = match cli::multi_call_args(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(err) => return ExitCode::from(report::usage("", &err)),
    };
    match cli::parse(&args) {
        Ok(cli::Cli {
            command: Some(command),
            ..
        }) => ExitCode::from(applet::run(command)),
        Ok(cli::Cli { list: true, .. }) => ExitCode::from(docs::list()),
        Ok(cli::Cli { .. }) => {
            let _ = cli::command().print_help();
            ExitCode::from(exit_code::USAGE)
        }
        Err(err) => {
            let applet = args
                .get(1)
                .and_then(|arg| arg.to_str())
                .filter(|name| cli::command().find_subcommand(name).is_some())
                .unwrap_or("");
            ExitCode::from(report::usage(applet, &err))
        }
    }
}
