//! The one definition of the command line: parsing, `--help`, and the man
//! pages and completions all come from [`Cli`]. The arguments of each group
//! of commands live in a module of their own; the value parsers in `values`.
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

pub mod applets;
mod bridging;
mod copying;
mod documenting;
mod serving;
mod transfer;
mod values;
mod watching;

use std::ffi::OsString;
use std::path::Path;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::stdio::Needs;
use applets::{Applet, Streams};

pub use bridging::BridgeArgs;
pub use copying::{BufferArgs, CatArgs, MkArgs, OutputError, RedirectArgs, SendArgs, TeeArgs};
pub use documenting::{CompletionsArgs, ManArgs};
pub use serving::{CallArgs, ServeArgs};
pub use transfer::{Look, PipeArgs, TransferArgs, When};
pub use values::parse_rate;
pub use watching::{HoldArgs, StatArgs, WaitArgs};

/// The command line of `fifo` (its summary is the applet table's).
#[derive(Debug, Parser)]
#[command(
    name = "fifo",
    about = applets::TOOLBOX.summary,
    version,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Print the command names, one per line (each also runs as a fifo-NAME link).
    #[arg(long, exclusive = true)]
    pub list: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `Command` and its entry in the table, from the list.
macro_rules! commands {
    ($($variant:ident($args:ident) = $entry:ident in $module:ident,)*) => {
        /// The applets; `fifo-NAME` (a link to the binary) runs `fifo NAME`.
        /// Each takes its name and summary from its entry in the applet
        /// table.
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $(
                #[command(name = applets::$entry.name, about = applets::$entry.summary)]
                $variant($args),
            )*
        }

        impl Command {
            /// This command's entry in the table, and the standard streams
            /// it moves data through with these arguments.
            pub fn applet(&self) -> (&'static Applet, Needs) {
                match self {
                    $(Self::$variant(args) => (&applets::$entry, args.needs()),)*
                }
            }
        }
    };
}
applets::each_applet!(commands);

/// The one definition of the command line, with each command's examples and
/// the exit statuses in its `--help`; man pages and completions use it too.
pub fn command() -> clap::Command {
    let mut command = Cli::command().after_help(format!(
        "{}\n\nExit status:\n{}",
        examples_help(applets::TOOLBOX.examples),
        crate::exit_code::TABLE
            .iter()
            .map(|(code, meaning)| format!("  {code:>13}  {meaning}"))
            .collect::<Vec<_>>()
            .join("\n")
    ));
    for applet in applets::APPLETS {
        command = command.mut_subcommand(applet.name, |sub| {
            sub.after_help(examples_help(applet.examples))
        });
    }
    command
}

fn examples_help(examples: &[(&str, &str)]) -> String {
    let lines: Vec<String> = examples
        .iter()
        .map(|(what, line)| format!("  # {what}\n  {line}"))
        .collect();
    format!("Examples:\n{}", lines.join("\n"))
}

/// Parses the command line with [`command`].
///
/// # Errors
/// clap's error for bad usage, `--help` and `--version`.
pub fn parse(args: &[OsString]) -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// Rewrites `fifo-NAME ARGS` (the binary called through a link) to
/// `fifo NAME ARGS`; other names pass through unchanged.
///
/// # Errors
/// A usage error for `fifo-NAME` when NAME is no applet.
pub fn multi_call_args(mut args: Vec<OsString>) -> Result<Vec<OsString>, clap::Error> {
    let Some(stem) = args
        .first()
        .and_then(|arg0| Path::new(arg0).file_stem())
        .and_then(|stem| stem.to_str())
    else {
        return Ok(args);
    };
    let Some(name) = stem.strip_prefix("fifo-") else {
        return Ok(args);
    };
    if applets::find(name).is_none() {
        return Err(command().error(
            clap::error::ErrorKind::InvalidSubcommand,
            format!("'{stem}' names no fifo command"),
        ));
    }
    let name = OsString::from(name);
    args[0] = OsString::from("fifo");
    args.insert(1, name);
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_command_has_two_examples_in_its_help() {
        for sub in command()
            .get_subcommands()
            .filter(|sub| sub.get_name() != "help")
        {
            let help = sub
                .get_after_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(
                help.matches("\n  # ").count() + usize::from(help.starts_with("Examples:\n  # "))
                    >= 2,
                "{} has fewer than two examples: {help}",
                sub.get_name()
            );
        }
    }

    #[test]
    fn a_fifo_cmd_link_runs_that_command() {
        let args = multi_call_args(strings(&["/usr/bin/fifo-cat", "-k", "f"])).unwrap();
        assert_eq!(args, strings(&["fifo", "cat", "-k", "f"]));
    }

    #[test]
    fn the_plain_name_passes_through() {
        let args = strings(&["./target/fifo", "stat", "f"]);
        assert_eq!(multi_call_args(args.clone()).unwrap(), args);
    }

    #[test]
    fn an_unknown_link_name_is_a_usage_error() {
        let err = multi_call_args(strings(&["fifo-nope"])).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
