//! The arguments of the commands that serve requests read from a FIFO and
//! call such a server (serve, call).
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::applets::Streams;
use super::values::{parse_duration, parse_jobs, parse_request_count, parse_tries};
use crate::stdio::Needs;

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

impl Streams for ServeArgs {
    fn needs(&self) -> Needs {
        Needs::new(false, true)
    }
}

impl Streams for CallArgs {
    fn needs(&self) -> Needs {
        Needs::new(self.request.is_empty(), true)
    }
}
