//! The arguments of the commands that look at, hold, wait for and serve
//! FIFOs (stat, hold, wait, serve, call), and of completions and man.
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::values::{parse_duration, parse_jobs, parse_request_count, parse_tries};

use super::PipeArgs;
use crate::stat_format::Format;

/// Arguments of `fifo completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `fifo man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write fifo.1 and one fifo-CMD.1 per command into DIR instead, each
    /// whole under a new name, then renamed into place (what had its name,
    /// a symlink or a FIFO, is replaced, never followed). DIR must belong
    /// to this user or root.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

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
    /// blocked opening it to read (seen in /proc; the FIFO is never opened):
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

/// Arguments of `fifo serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Run up to N requests at once (1: one after another, in order).
    #[arg(short, long, value_name = "N", default_value_t = 1, value_parser = parse_jobs)]
    pub jobs: u32,
    /// Requests are NUL-terminated records instead of lines (CMD gets a
    /// record without its NUL).
    #[arg(short = '0', long)]
    pub null: bool,
    /// Stop after N requests, reading no byte past the last one.
    #[arg(short = 'n', long, value_name = "N", value_parser = parse_request_count)]
    pub requests: Option<u64>,
    /// Stop after DUR with no request coming in and no job running.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub idle: Option<Duration>,
    /// Write jobs' output in the order their requests came in, whatever
    /// order they end in (as parallel -k); finished jobs' output waits,
    /// spooled on disk.
    #[arg(short, long)]
    pub keep_order: bool,
    /// Run a failed job (non-zero status, or killed) again, up to N times
    /// in all (as parallel --retries N); the last try is the one reported.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_tries)]
    pub retries: u32,
    /// Write a line per job to FILE (as parallel --joblog): Seq, Host,
    /// Starttime, JobRuntime, Send, Receive, Exitval, Signal and the
    /// request, tab-separated, after a header; +FILE appends.
    #[arg(long, value_name = "FILE")]
    pub joblog: Option<PathBuf>,
    /// Make PATH (a FIFO, mode 0600) if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// Remove the FIFO --create made when serve ends, also on
    /// SIGINT/SIGTERM/SIGHUP.
    #[arg(long, requires = "create")]
    pub rm: bool,
    /// The FIFO to read requests from; serve holds it open at both ends,
    /// and takes calls on the socket PATH.sock beside it.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// The command to run for each request, with the request on its stdin,
    /// after `--`.
    #[arg(value_name = "CMD", last = true, required = true)]
    pub command: Vec<OsString>,
}

/// Arguments of `fifo call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Give up (status 124) if the whole call, reply included, takes
    /// longer than DUR.
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Fail at once (status 3) if no fifo serve answers calls on PATH.
    #[arg(long, conflicts_with = "timeout")]
    pub no_wait: bool,
    /// The FIFO a fifo serve reads; the call goes to its socket, PATH.sock.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Words to send, joined by spaces, plus a newline; without them, all
    /// of stdin.
    #[arg(value_name = "REQUEST")]
    pub request: Vec<OsString>,
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
