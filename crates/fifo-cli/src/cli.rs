//! The one definition of the command line: parsing, `--help`, and (later)
//! man pages and completions all come from [`Cli`].
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::ffi::OsString;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use fifo_core::mode::{MKFIFO_BASE, ModeSpec};

use crate::stat_format::Format;

/// Named pipes (FIFOs) made pleasant and safe to use from the shell.
#[derive(Debug, Parser)]
#[command(
    name = "fifo",
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

/// The applets; `fifo-NAME` (a link to the binary) runs `fifo NAME`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create named pipes (private, mode 0600, by default).
    Mk(MkArgs),
    /// Copy FIFOs (or files, or stdin) to stdout, waiting for writers.
    Cat(CatArgs),
    /// Write a message or stdin into a FIFO, waiting for a reader.
    Send(SendArgs),
    /// Copy stdin to stdout and to every PATH, opening FIFOs concurrently.
    Tee(TeeArgs),
    /// Open a FIFO on file descriptor N, then run CMD with it.
    Redirect(RedirectArgs),
    /// Show what a path is: type, mode, owner, times, and pipe state.
    Stat(StatArgs),
    /// Keep FIFOs open at both ends: writers never block, readers never see
    /// end-of-file between writers, data waits for the next reader.
    Hold(HoldArgs),
    /// Wait, never opening anything, until each FIFO exists, has a reader or
    /// a writer, or has data waiting in it or none.
    Wait(WaitArgs),
    /// Run CMD once per request read from a FIFO (a line, a NUL-terminated
    /// record or a framed message), up to N at once, output never interleaved.
    Serve(ServeArgs),
    /// Send one request to a fifo serve and print its reply; exit with its
    /// command's status.
    Call(CallArgs),
    /// Print the completion script for a shell.
    Completions(CompletionsArgs),
    /// Print the man page, or write all of them into a directory.
    Man(ManArgs),
}

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
    /// Write fifo.1 and one fifo-CMD.1 per command into DIR instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Pipe sizing, shared by every command that opens a FIFO.
#[derive(Debug, Args)]
pub struct PipeArgs {
    /// Set the FIFO's pipe capacity to BYTES (suffixes K, M: 64K, 1M) after
    /// opening it. Without it, fifo raises every pipe it holds to 1M, or as
    /// far as the system allows.
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    pub capacity: Option<usize>,
    /// Say what capacity each FIFO's pipe got.
    #[arg(short, long)]
    pub verbose: bool,
}

/// How data moves, shared by the commands that copy it (cat, send, tee).
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// Show a progress meter on stderr: bytes, rate, elapsed; percentage and
    /// ETA when the size is known. Drawn only on a terminal unless =always.
    #[arg(
        long,
        value_name = "WHEN",
        value_enum,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "auto"
    )]
    pub progress: Option<crate::progress::When>,
    /// Move at most RATE bytes per second (suffixes K, M, G: 512K, 10M),
    /// in bursts of at most a tenth of a second's worth, so a stalled
    /// reader or writer never gets a burst over the limit when it resumes.
    /// Data still moves with splice(2)/tee(2).
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub rate_limit: Option<NonZeroU64>,
    /// With --rate-limit: read a new RATE from the file PATH whenever its
    /// content changes (checked twice a second), e.g. echo 1M > PATH. A
    /// missing file or an invalid rate keeps the current one.
    #[arg(long, value_name = "PATH", requires = "rate_limit")]
    pub rate_file: Option<PathBuf>,
    #[command(flatten)]
    pub pipe: PipeArgs,
    /// Move data with read and write only (no splice or tee), as on other systems.
    #[arg(long, hide = true)]
    pub no_splice: bool,
}

impl TransferArgs {
    /// The token bucket --rate-limit asks for, retuned from --rate-file;
    /// `applet` names the command in warnings about that file.
    pub fn rate_limit(&self, applet: &'static str) -> Option<fifo_core::rate::RateLimit> {
        let limit = fifo_core::rate::RateLimit::new(self.rate_limit?);
        let Some(path) = self.rate_file.clone() else {
            return Some(limit);
        };
        let mut last = String::new();
        Some(limit.retuned_by(Duration::from_millis(500), move || {
            let text = std::fs::read_to_string(&path).ok()?;
            let text = text.trim();
            if text == last {
                return None;
            }
            text.clone_into(&mut last);
            parse_rate(text)
                .map_err(|why| {
                    let path = fifo_core::Subject::path(&path);
                    crate::report::message(applet, &format!("{path}: {why}; rate unchanged"));
                })
                .ok()
        }))
    }
}

/// Arguments of `fifo mk`.
#[derive(Debug, Args)]
pub struct MkArgs {
    /// Permission mode, octal (640) or symbolic (u=rw,g=r,o=), computed as
    /// mkfifo(1) does and applied exactly, regardless of the umask for octal
    /// and explicit classes. Symbolic modes start from a=rw, so u=rw,g=r
    /// leaves others rw: add o= to shut them out. Default 0600, private, as
    /// careful programs make them; mkfifo(1) would give 0666 & ~umask.
    #[arg(short, long, value_name = "MODE", value_parser = parse_mode, allow_hyphen_values = true)]
    pub mode: Option<ModeSpec>,
    /// Create missing parent directories.
    #[arg(short, long, conflicts_with = "temp")]
    pub parents: bool,
    /// Succeed when PATH already is a FIFO (fail when it is anything else).
    #[arg(long, conflicts_with = "temp")]
    pub exist_ok: bool,
    /// Create one FIFO (named NAME, default "fifo") in a new private (0700)
    /// directory and print its path: the race-free `mktemp -u`.
    #[arg(long)]
    pub temp: bool,
    /// With --temp: make the directory under DIR instead of $TMPDIR.
    #[arg(long, value_name = "DIR", requires = "temp")]
    pub dir: Option<PathBuf>,
    /// FIFOs to create (with --temp: at most one NAME).
    #[arg(value_name = "PATH", required_unless_present = "temp")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `fifo cat`.
#[derive(Debug, Args)]
pub struct CatArgs {
    /// Keep reading after the last writer closes; serve later writers until
    /// a limit, --idle, or a signal ends it.
    #[arg(short, long)]
    pub keep_open: bool,
    /// Make PATH (a FIFO, mode 0600) if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// Remove the FIFOs --create made when done, also on SIGINT/SIGTERM/SIGHUP.
    #[arg(long, requires = "create")]
    pub rm: bool,
    /// Give up (status 124) if no writer opens a FIFO within DUR.
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Stop after DUR without data.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub idle: Option<Duration>,
    /// Stop after N bytes; the rest stays in the FIFO. Takes an flock(2)
    /// lock on the FIFO while reading, so concurrent readers take turns.
    #[arg(short = 'c', long, value_name = "N", conflicts_with = "lines")]
    pub bytes: Option<u64>,
    /// Stop after N lines; the rest stays in the FIFO. Takes an flock(2)
    /// lock on the FIFO while reading, so concurrent readers each get whole
    /// lines (other programs can take it too: flock(1) on a descriptor).
    #[arg(short, long, value_name = "N")]
    pub lines: Option<u64>,
    /// Read all PATHs at once and write whole lines only, so lines from
    /// different FIFOs never mix; an unfinished line gets a newline when its
    /// writers leave, on --idle or a signal. With -l, only whole lines are
    /// consumed.
    #[arg(long, conflicts_with_all = ["timeout", "bytes", "rate_limit"])]
    pub merge: bool,
    /// With --merge: start each line with its source, "PATH: ".
    #[arg(long, requires = "merge")]
    pub prefix: bool,
    /// Read framed messages (written by fifo send --frame) and write each
    /// one whole, in the order they were completed, so that messages of any
    /// size from concurrent writers never mix. A message whose writer left
    /// before finishing it is never printed, not even in part: a warning
    /// says how many were dropped, and the status is 1. Data that is not
    /// framed is an error naming its byte offset. Not with -c or -l.
    #[arg(long, conflicts_with_all = ["bytes", "lines", "merge", "progress", "rate_limit"])]
    pub frame: bool,
    /// With --frame: write a NUL after each message.
    #[arg(short = '0', long, requires = "frame")]
    pub null: bool,
    /// With --frame: write one JSON object per message, one per line: the
    /// writer, the message's size and its bytes, as UTF-8 text or base64.
    #[arg(long, requires = "frame", conflicts_with = "null")]
    pub json: bool,
    /// With --frame: refuse the stream (status 1) once messages not yet
    /// finished would hold more than BYTES in memory (suffixes K, M, G)
    /// [default: no limit].
    #[arg(long, value_name = "BYTES", value_parser = parse_size, requires = "frame")]
    pub max_pending: Option<usize>,
    /// Keep up to BYTES (suffixes K, M, G: 64M, 1G) in memory between
    /// input and output, read by a thread of its own, so a bursty writer and
    /// a slow reader each run at their own pace (as mbuffer does). Data then
    /// moves with read and write.
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer,
          conflicts_with_all = ["bytes", "lines", "idle", "merge", "frame", "rate_limit"])]
    pub buffer: Option<usize>,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Files to copy in order; "-" is standard input.
    #[arg(value_name = "PATH", default_value = "-")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `fifo send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Do not add a newline (with -0: a NUL) after MESSAGE.
    #[arg(short = 'n', requires = "message")]
    pub no_newline: bool,
    /// Give up (status 124) if no reader opens PATH within DUR.
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Fail at once (status 3) if nobody is reading.
    #[arg(long, conflicts_with = "timeout")]
    pub no_wait: bool,
    /// Make PATH (a FIFO, mode 0600) if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// Send each line whole in one write (at most PIPE_BUF bytes), so
    /// concurrent senders never interleave inside a line.
    #[arg(short, long, conflicts_with_all = ["null", "rate_limit"])]
    pub lines: bool,
    /// Like --lines, for NUL-terminated records (a MESSAGE ends with NUL
    /// instead of a newline).
    #[arg(short = '0', long, conflicts_with = "rate_limit")]
    pub null: bool,
    /// Send MESSAGE or stdin as one framed message of any size (with -l or
    /// -0: each line or record is its own message, of any size), streamed
    /// in chunks that concurrent senders cannot tear apart; read them with
    /// fifo cat --frame.
    #[arg(long, conflicts_with = "rate_limit")]
    pub frame: bool,
    /// Keep up to BYTES (suffixes K, M, G: 64M, 1G) in memory between
    /// input and output, read by a thread of its own, so a bursty writer and
    /// a slow reader each run at their own pace (as mbuffer does). Data then
    /// moves with read and write.
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer,
          conflicts_with_all = ["lines", "null", "frame", "message", "rate_limit"])]
    pub buffer: Option<usize>,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// The FIFO to write to; anything that is not a FIFO is refused.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Words to send, joined by spaces, plus a newline; without them, stdin
    /// (the only stream --progress meters).
    #[arg(value_name = "MESSAGE", conflicts_with_all = ["progress", "rate_limit"])]
    pub message: Vec<OsString>,
}

/// What `fifo tee` does when writing to an output fails (GNU tee's modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputError {
    /// Warn about every failed output, drop it, go on (status 1).
    Warn,
    /// Drop outputs whose reader left silently; warn about other failures.
    WarnNopipe,
    /// Stop at the first failed output.
    Exit,
    /// Drop outputs whose reader left silently; stop at other failures.
    ExitNopipe,
}

/// Arguments of `fifo tee`.
#[derive(Debug, Args)]
pub struct TeeArgs {
    /// Append to regular files instead of truncating them.
    #[arg(short, long)]
    pub append: bool,
    /// Skip FIFOs nobody is reading, with a warning, instead of waiting.
    #[arg(long)]
    pub no_wait: bool,
    /// Give up on FIFOs without a reader after DUR (status 124; the others
    /// still get everything).
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration, conflicts_with = "no_wait")]
    pub timeout: Option<Duration>,
    /// What to do when an output fails [default without the option: warn,
    /// drop that output, go on, status 1; the bare option means warn-nopipe].
    #[arg(
        long,
        value_name = "MODE",
        value_enum,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "warn-nopipe"
    )]
    pub output_error: Option<OutputError>,
    /// Also copy to the FIFO PATH (repeatable), lossily: it never slows
    /// stdin or the other outputs. Its reader gets what fits in its pipe
    /// plus --lossy-buffer; the rest is dropped in whole chunks (whole lines
    /// with --lossy-lines) and counted. A FIFO nobody reads is skipped and
    /// tried again every 0.1 s, so readers may come and go. The drop counts
    /// are printed at the end and on SIGUSR1.
    #[arg(long, value_name = "PATH")]
    pub lossy: Vec<PathBuf>,
    /// With --lossy: queue at most BYTES per lossy output beyond its pipe
    /// (suffixes K, M, G).
    #[arg(long, value_name = "BYTES", value_parser = parse_size, default_value = "1M", requires = "lossy")]
    pub lossy_buffer: usize,
    /// With --lossy: drop whole lines, never a part of one.
    #[arg(long, requires = "lossy")]
    pub lossy_lines: bool,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Outputs: FIFOs or existing regular files (never created).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `fifo redirect`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("direction").required(true).args(["read", "write", "rw"])))]
pub struct RedirectArgs {
    /// The descriptor number to open PATH on (0, 1, 2 or any the system allows).
    #[arg(long, value_name = "N", value_parser = parse_descriptor)]
    pub fd: i32,
    /// Open for reading (bash N<): waits for a writer.
    #[arg(long)]
    pub read: bool,
    /// Open for writing (bash N>): waits for a reader.
    #[arg(long)]
    pub write: bool,
    /// Open for reading and writing (bash N<>): never waits.
    #[arg(long)]
    pub rw: bool,
    /// Make PATH (a FIFO, mode 0600) if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// With --read or --write: give up (status 124) if the other end does
    /// not open PATH within DUR (--rw never waits).
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration, conflicts_with = "rw")]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub pipe: PipeArgs,
    /// The FIFO to open.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// The command to run with PATH on descriptor N, after `--`.
    #[arg(value_name = "CMD", last = true, required = true)]
    pub command: Vec<OsString>,
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
    /// Print one JSON object per PATH, one per line (JSON Lines; versioned
    /// schema in docs/json.md). Holders are "open", or "opening" while blocked
    /// in open(2); counts are lower bounds when some processes could not be
    /// inspected.
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
    /// With --wait-reader/--wait-writer: give up after DUR (status 124).
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
    #[arg(short, long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: u32,
    /// Requests are NUL-terminated records instead of lines (CMD gets a
    /// record without its NUL).
    #[arg(short = '0', long)]
    pub null: bool,
    /// Stop after N requests, reading no byte past the last one.
    #[arg(short = 'n', long, value_name = "N")]
    pub requests: Option<u64>,
    /// Stop after DUR with no request coming in and no job running.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub idle: Option<Duration>,
    /// Make PATH (a FIFO, mode 0600) if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// Remove the FIFO --create made when serve ends, also on
    /// SIGINT/SIGTERM/SIGHUP.
    #[arg(long, requires = "create")]
    pub rm: bool,
    /// The FIFO to read requests from; serve holds it open at both ends.
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
    /// Fail at once (status 3) if no server is reading PATH.
    #[arg(long, conflicts_with = "timeout")]
    pub no_wait: bool,
    /// The FIFO a fifo serve reads.
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
    /// Give up after DUR (status 124).
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Print nothing, not even why it failed: the status says it all.
    #[arg(short, long)]
    pub quiet: bool,
    /// The FIFOs to wait for; the condition must hold for every one.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// The one definition of the command line, with each command's examples and
/// the exit statuses in its `--help`; man pages and completions use it too.
pub fn command() -> clap::Command {
    let mut command = Cli::command().after_help(format!(
        "{}\n\nExit status:\n{}",
        examples_help(crate::docs::examples("")),
        crate::exit_code::TABLE
            .iter()
            .map(|(code, meaning)| format!("  {code:>13}  {meaning}"))
            .collect::<Vec<_>>()
            .join("\n")
    ));
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        let examples = crate::docs::examples(&name);
        if !examples.is_empty() {
            command = command.mut_subcommand(&name, |sub| sub.after_help(examples_help(examples)));
        }
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

/// Parses a `-m` mode; the umask is applied later, by the command. A mode
/// that would set more than permission bits does so whatever the umask (it
/// only ever clears permission bits), so it is refused here, as bad usage.
fn parse_mode(text: &str) -> Result<ModeSpec, String> {
    ModeSpec::parse(text)
        .and_then(|spec| spec.apply(MKFIFO_BASE, 0).map(|_| spec))
        .map_err(|err| err.to_string())
}

/// Parses a pipe capacity: a byte count with an optional binary suffix
/// (`65536`, `64K`, `1M`, `1MiB`), from 1 byte to the most any pipe can hold
/// (2G), so that a size no pipe can have is a usage error before anything
/// is opened.
fn parse_size(text: &str) -> Result<usize, String> {
    let max = fifo_core::capacity::MAX_CAPACITY;
    let too_big = || format!("out of range: a pipe holds at most 2G ({max} bytes)");
    match parse_bytes(text, "size")? {
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&bytes| bytes <= max)
            .ok_or_else(too_big),
        None => Err(too_big()),
    }
}

/// Parses a rate limit: bytes per second with an optional binary suffix
/// (`512K`, `10M`, `1G`), at least 1.
fn parse_rate(text: &str) -> Result<NonZeroU64, String> {
    let too_big = || {
        format!(
            "out of range: a rate is at most {} bytes per second",
            u64::MAX
        )
    };
    parse_bytes(text, "rate")?
        .and_then(|n| u64::try_from(n).ok())
        .and_then(NonZeroU64::new)
        .ok_or_else(too_big)
}

/// Parses a buffer's size: a positive byte count with an optional binary
/// suffix (`64M`, `1G`).
fn parse_buffer(text: &str) -> Result<usize, String> {
    parse_bytes(text, "size")?
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("out of range: '{text}' is more than this system can address"))
}

/// A positive byte count with an optional binary suffix (K, M, G, as `KiB`
/// too); `None` when it is too large to compute.
fn parse_bytes(text: &str, what: &str) -> Result<Option<u128>, String> {
    let invalid = || format!("invalid {what} '{text}' (use a byte count, or K, M, G)");
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit: u128 = match &text[digits.len()..] {
        "" | "B" => 1,
        "K" | "k" | "KiB" => 1 << 10,
        "M" | "m" | "MiB" => 1 << 20,
        "G" | "g" | "GiB" => 1 << 30,
        _ => return Err(invalid()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    match digits.parse::<u128>() {
        Ok(0) => Err(invalid()),
        Ok(n) => Ok(n.checked_mul(unit)),
        // Only digits, so too many of them.
        Err(_) => Ok(None),
    }
}

fn parse_descriptor(text: &str) -> Result<i32, String> {
    let max = fifo_core::descriptor::max_descriptor();
    match text.parse::<u64>() {
        Ok(fd) if fd <= max => {
            i32::try_from(fd).map_err(|_| format!("descriptor {fd} is out of range"))
        }
        Ok(fd) => Err(format!("descriptor {fd} is out of range (0 to {max} here)")),
        Err(_) => Err(format!("'{text}' is not a descriptor number")),
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|err| format!("invalid duration '{text}': {err}"))
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
    let mut command = command();
    if command.find_subcommand(name).is_none() {
        return Err(command.error(
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

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("65536"), Ok(65_536));
        assert_eq!(parse_size("64K"), Ok(65_536));
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert!(parse_size("0").is_err());
        assert!(parse_size("1X").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("+1").is_err());
        assert_eq!(parse_size("2G"), Ok(1 << 31));
        let out_of_range = "out of range: a pipe holds at most 2G (2147483648 bytes)";
        assert_eq!(parse_size("3000000000"), Err(out_of_range.to_owned()));
        assert!(parse_size("2049M").unwrap_err().contains("out of range"));
        assert!(
            parse_size("99999999999999999999999999999999999999999")
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn rates_take_binary_suffixes_and_refuse_zero_and_overflow() {
        let rate = |n| NonZeroU64::new(n).unwrap();
        assert_eq!(parse_rate("512K"), Ok(rate(512 << 10)));
        assert_eq!(parse_rate("10M"), Ok(rate(10 << 20)));
        assert_eq!(parse_rate("1G"), Ok(rate(1 << 30)));
        assert_eq!(parse_rate("100"), Ok(rate(100)));
        assert_eq!(
            parse_rate("0").unwrap_err(),
            "invalid rate '0' (use a byte count, or K, M, G)"
        );
        assert!(parse_rate("0K").is_err());
        assert!(parse_rate("1X").is_err());
        assert!(parse_rate("-1M").is_err());
        assert_eq!(parse_rate("18446744073709551615"), Ok(rate(u64::MAX)));
        for huge in [
            "18446744073709551616",
            "99999999999999999999G",
            "9".repeat(60).as_str(),
        ] {
            assert!(
                parse_rate(huge).unwrap_err().contains("out of range"),
                "{huge}"
            );
        }
    }

    #[test]
    fn modes_are_parsed_and_checked_but_not_resolved() {
        assert!(parse_mode("600").is_ok());
        assert!(parse_mode("u=rw,g=r").is_ok());
        assert_eq!(parse_mode("nope").unwrap_err(), "invalid mode 'nope'");
        assert_eq!(
            parse_mode("u+s").unwrap_err(),
            "mode 'u+s' must specify only file permission bits"
        );
    }

    proptest::proptest! {
        #[test]
        fn value_parsers_never_panic(text in "\\PC{0,30}") {
            let _ = parse_mode(&text);
            let _ = parse_duration(&text);
            let _ = parse_size(&text);
            let _ = parse_rate(&text);
            let _ = parse_buffer(&text);
            let _ = parse_descriptor(&text);
        }
    }
}
