//! The arguments of the commands that make FIFOs and move data through
//! them: mk, cat, send, tee, redirect.
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgGroup, Args};
use fifo_core::create::mode::ModeSpec;

use super::applets::{Streams, names_dash};
use super::transfer::METER;
use super::values::{
    any_path, parse_buffer, parse_byte_count, parse_descriptor, parse_duration, parse_line_count,
    parse_mode, parse_percent, parse_size,
};
use super::{PipeArgs, TransferArgs};
use crate::stdio::Needs;

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
    /// Create missing parent directories, as mkdir -p does: 0777 less the
    /// umask, plus u+wx so that the FIFO can be made in them.
    #[arg(short, long, conflicts_with = "temp")]
    pub parents: bool,
    /// Succeed when PATH already is a FIFO (fail when it is anything else);
    /// in a world-writable sticky directory such as /tmp, only a FIFO of
    /// yours, not reached through a symlink (anyone may have made the name).
    #[arg(long, conflicts_with = "temp")]
    pub exist_ok: bool,
    /// Create one FIFO (named NAME, default "fifo") in a new private (0700)
    /// directory and print its path: the race-free `mktemp -u`.
    #[arg(long)]
    pub temp: bool,
    /// With --temp: make the directory under DIR instead of $TMPDIR (/tmp
    /// when it is unset or empty).
    #[arg(long, value_name = "DIR", requires = "temp")]
    pub dir: Option<PathBuf>,
    /// FIFOs to create (with --temp: at most one NAME).
    #[arg(value_name = "PATH", required_unless_present = "temp", value_parser = any_path())]
    pub paths: Vec<PathBuf>,
}

/// The ways `fifo cat` reads other than a plain copy: one at most, and
/// none of them counts bytes or paces them.
const CAT_MODES: [&str; 3] = ["merge", "frame", "buffer"];

/// The ways `fifo send` sends other than a plain copy of stdin: none of
/// them is paced.
const SEND_MODES: [&str; 5] = ["lines", "null", "frame", "buffer", "message"];

/// Makes --rate-limit, which all copying commands share, refuse `modes`.
/// Each argument is changed in place (`mut_arg` would move it to the end
/// of the man page's synopsis).
fn refuse_rate_with(modes: &'static [&'static str]) -> impl FnMut(Arg) -> Arg {
    move |arg| {
        if arg.get_id() == "rate_limit" {
            arg.conflicts_with_all(modes)
        } else {
            arg
        }
    }
}

/// Arguments of `fifo cat`.
#[derive(Debug, Args)]
// Conflicts are stated on the arguments, not on the group: clap names only
// the arguments given then, where a conflict with a group names them all.
#[command(group(ArgGroup::new("mode").args(CAT_MODES)))]
#[command(mut_args(refuse_rate_with(&CAT_MODES)))]
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
    /// Stop after N bytes (suffixes K, M, G: 1K, 1MB); the rest stays in
    /// the FIFO. Takes an flock(2) lock on the FIFO while reading, so
    /// concurrent readers take turns.
    #[arg(short = 'c', long, value_name = "N", value_parser = parse_byte_count,
          conflicts_with = "lines", conflicts_with_all = CAT_MODES)]
    pub bytes: Option<u64>,
    /// Stop after N lines (with --frame: N messages); the rest stays in the
    /// FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent
    /// readers each get whole lines (other programs can take it too:
    /// flock(1) on a descriptor).
    #[arg(short, long, value_name = "N", value_parser = parse_line_count)]
    pub lines: Option<u64>,
    /// Read all PATHs at once and write whole lines only, so lines from
    /// different FIFOs never mix; an unfinished line gets a newline when its
    /// writers leave, on --idle or a signal. With -l, only whole lines are
    /// consumed.
    #[arg(long, conflicts_with = "timeout")]
    pub merge: bool,
    /// With --merge: start each line with its source, "PATH: ".
    #[arg(long, requires = "merge")]
    pub prefix: bool,
    /// Read framed messages (written by fifo send --frame) and write each
    /// one whole, in the order they were completed, so that messages of any
    /// size from concurrent writers never mix. A message whose writer left
    /// before finishing it is never printed, not even in part: a warning
    /// says how many were dropped, and the status is 1. Data that is not
    /// framed is an error naming its byte offset. With -l N, N messages;
    /// messages of other writers begun by then are left in $TMPDIR/fifo-UID
    /// (or a private fifo-UID.XXXXXX beside it, when another user has that
    /// name) for the next framed reader of the FIFO. Not with -c.
    #[arg(long, conflicts_with_all = METER)]
    pub frame: bool,
    /// With --frame: write a NUL after each message.
    #[arg(short = '0', long, requires = "frame")]
    pub null: bool,
    /// With --frame: write one JSON object per message, one per line: the
    /// writer, the message's size and its bytes, as UTF-8 text or base64.
    #[arg(long, requires = "frame", conflicts_with = "null")]
    pub json: bool,
    /// With --frame: refuse the stream (status 1) once messages not yet
    /// finished would hold more than BYTES in memory (suffixes K, M, G), so
    /// that writers who begin messages and never finish them cannot make it
    /// grow without bound [default: 1G].
    #[arg(long, value_name = "BYTES", value_parser = parse_size, requires = "frame")]
    pub max_pending: Option<usize>,
    /// Keep up to BYTES (suffixes K, M, G: 64M, 1G) in memory between
    /// input and output, read by a thread of its own, so a bursty writer and
    /// a slow reader each run at their own pace (as mbuffer does). Data then
    /// moves with read and write.
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer,
          conflicts_with_all = ["lines", "idle"])]
    pub buffer: Option<usize>,
    #[command(flatten)]
    pub buffering: BufferArgs,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Files to copy in order; "-" is standard input.
    #[arg(value_name = "PATH", default_value = "-")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `fifo send`.
#[derive(Debug, Args)]
#[command(mut_args(refuse_rate_with(&SEND_MODES)))]
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
    #[arg(short, long, conflicts_with = "null")]
    pub lines: bool,
    /// Like --lines, for NUL-terminated records (a MESSAGE ends with NUL
    /// instead of a newline).
    #[arg(short = '0', long)]
    pub null: bool,
    /// Send MESSAGE or stdin as one framed message of any size (with -l or
    /// -0: each line or record is its own message, of any size), streamed
    /// in chunks that concurrent senders cannot tear apart; read them with
    /// fifo cat --frame.
    #[arg(long)]
    pub frame: bool,
    /// Keep up to BYTES (suffixes K, M, G: 64M, 1G) in memory between
    /// input and output, read by a thread of its own, so a bursty writer and
    /// a slow reader each run at their own pace (as mbuffer does). Data then
    /// moves with read and write.
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer,
          conflicts_with_all = ["lines", "null", "frame", "message"])]
    pub buffer: Option<usize>,
    #[command(flatten)]
    pub buffering: BufferArgs,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// The FIFO to write to; anything that is not a FIFO is refused.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Words to send, joined by spaces, plus a newline; without them, stdin
    /// (the only stream --progress meters).
    #[arg(value_name = "MESSAGE", conflicts_with_all = METER)]
    pub message: Vec<OsString>,
}

/// How the deep buffer of `cat` and `send` runs (all need --buffer).
#[derive(Debug, Args)]
pub struct BufferArgs {
    /// With --buffer: keep what does not fit in memory in a file, so a
    /// burst larger than memory is still absorbed. PATH is a directory (the
    /// file gets no name there) or a new file name (never an existing file
    /// or symlink: refused), unlinked at once, so it is gone when fifo ends,
    /// however it ends. The file grows as far as the disk allows; if a write
    /// to it fails (full, quota, ulimit -f), no data is lost: input is read
    /// only as memory frees until the file has been written out, and a
    /// warning says so at the end.
    #[arg(long, value_name = "PATH", requires = "buffer")]
    pub buffer_file: Option<PathBuf>,
    /// With --buffer: write nothing until the buffer is PCT full (0-100, or
    /// 50%), or the input ends, again each time it runs empty (mbuffer -P).
    #[arg(long, value_name = "PCT", value_parser = parse_percent, requires = "buffer")]
    pub start_at: Option<u8>,
    /// With --buffer: once the buffer is full, read nothing more until it
    /// is less than PCT full, or empty for 0 (mbuffer -p).
    #[arg(long, value_name = "PCT", value_parser = parse_percent, requires = "buffer")]
    pub resume_at: Option<u8>,
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
    /// With --lossy: when the input ends, stdout and the other outputs are
    /// closed at once, and what is still queued for a lossy FIFO is
    /// delivered while its reader takes it; a reader that takes nothing for
    /// DUR is given up, and what was queued for it is counted as dropped
    /// [default: 2s].
    #[arg(long, value_name = "DUR", value_parser = parse_duration, requires = "lossy")]
    pub idle: Option<Duration>,
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

impl Streams for MkArgs {
    fn needs(&self) -> Needs {
        Needs::new(false, self.temp)
    }
}

impl Streams for CatArgs {
    fn needs(&self) -> Needs {
        Needs::new(names_dash(&self.paths), true)
    }
}

impl Streams for SendArgs {
    fn needs(&self) -> Needs {
        Needs::new(self.message.is_empty(), false)
    }
}

impl Streams for TeeArgs {
    fn needs(&self) -> Needs {
        Needs::new(true, true)
    }
}

impl Streams for RedirectArgs {
    fn needs(&self) -> Needs {
        Needs::new(false, false)
    }
}
