//! The arguments of the commands that look at, wait for and hold FIFOs
//! (stat, wait, hold).
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::values::parse_duration;

use super::PipeArgs;
use super::applets::Streams;
use crate::stat_format::Format;
use crate::stdio::Needs;

/// Arguments of `fifo stat`.
#[derive(Debug, Args)]
pub struct StatArgs {
    /// Follow a final symbolic link.
    #[arg(short = 'L', long)]
    pub dereference: bool,
    /// Print FMT, plus a newline, per PATH (GNU stat directives; pipe state
    /// as %{readers} %{writers} %{opening} %{buffered} %{capacity} %{holders}).
    #[arg(
        short = 'c',
        long,
        value_name = "FMT",
        value_parser = Format::parse,
        long_help = crate::stat_format::help()
    )]
    pub format: Option<Format>,
    /// Like -c, but interpret backslash escapes (\n, \t, \NNN octal, \xHH)
    /// and print no newline of its own.
    #[arg(long, value_name = "FMT", value_parser = Format::parse_printf, conflicts_with = "format")]
    pub printf: Option<Format>,
    /// Print one JSON object per PATH, one per line (JSON Lines; the
    /// versioned schema is in fifo-stat(1), JSON OUTPUT). Holders are "open",
    /// or "opening" while blocked in open(2); counts are of open files, and
    /// lower bounds when some processes could not be inspected.
    #[arg(long, conflicts_with_all = ["format", "printf"])]
    pub json: bool,
    /// First wait until a process holds each PATH open for reading, or is
    /// blocked opening it to read (seen in /proc; macOS and FreeBSD show no
    /// blocked open; the FIFO is never opened):
    /// the same wait as `fifo wait --reader`. Prints nothing unless -c,
    /// --printf or --json.
    #[arg(long)]
    pub wait_reader: bool,
    /// First wait until a process holds each PATH open for writing, or is
    /// blocked opening it to write: the same wait as `fifo wait --writer`.
    #[arg(long)]
    pub wait_writer: bool,
    /// With --wait-reader/--wait-writer: give up after DUR (status 124; 1,
    /// "cannot tell", when another user's processes, out of sight, could
    /// hold it).
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Paths to report on (any file type).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `fifo hold`.
#[derive(Debug, Args)]
pub struct HoldArgs {
    /// Detach once every PATH is held, print the holder's PID, and return:
    /// the hold is in place when the command returns.
    #[arg(short, long, conflicts_with = "stop")]
    pub background: bool,
    /// Make PATH (a FIFO, mode 0600) if it does not exist.
    #[arg(long, conflicts_with = "stop")]
    pub create: bool,
    /// Remove the FIFOs --create made when the hold ends, also on
    /// SIGINT/SIGTERM/SIGHUP.
    #[arg(long, requires = "create")]
    pub rm: bool,
    /// End the hold after DUR in which no other process held any PATH and
    /// nothing was buffered.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, conflicts_with = "stop")]
    pub idle: Option<Duration>,
    /// End the fifo hold processes of this user that hold each PATH, and
    /// wait until they are gone.
    #[arg(long)]
    pub stop: bool,
    /// With --stop: give up waiting for a holder to end after DUR (status 124).
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration, requires = "stop")]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub pipe: PipeArgs,
    /// Run as the detached holder that --background starts.
    #[arg(long, hide = true, requires = "background")]
    pub detached: bool,
    /// The FIFOs to hold (or, with --stop, to release).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `fifo wait`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("condition").required(true).args(["exists", "reader", "writer", "data", "empty"])))]
pub struct WaitArgs {
    /// Until PATH exists and is a FIFO (also when its directory does not
    /// exist yet); status 1 if it appears as something else.
    #[arg(long)]
    pub exists: bool,
    /// Until some process holds PATH open for reading, or is blocked
    /// opening it to read.
    #[arg(long)]
    pub reader: bool,
    /// Until some process holds PATH open for writing, or is blocked
    /// opening it to write.
    #[arg(long)]
    pub writer: bool,
    /// Until bytes are waiting in PATH.
    #[arg(long)]
    pub data: bool,
    /// Until no bytes are waiting in PATH (a FIFO nobody holds is empty).
    #[arg(long)]
    pub empty: bool,
    /// Give up after DUR (status 124). Only processes this user may inspect
    /// are seen: when another user's processes, out of sight, could hold
    /// PATH, a reader or writer not seen by then is "cannot tell" (status
    /// 1), not a timeout.
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Print nothing, not even why it failed: the status says it all.
    #[arg(short, long)]
    pub quiet: bool,
    /// The FIFOs to wait for; the condition must hold for every one.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

impl Streams for StatArgs {
    fn needs(&self) -> Needs {
        let waits_only =
            (self.wait_reader || self.wait_writer) && self.format.is_none() && !self.json;
        Needs::new(false, !waits_only)
    }
}

impl Streams for HoldArgs {
    /// The launcher of a background hold prints the holder's PID.
    fn needs(&self) -> Needs {
        Needs::new(false, self.background && !self.detached)
    }
}

impl Streams for WaitArgs {
    fn needs(&self) -> Needs {
        Needs::new(false, false)
    }
}
