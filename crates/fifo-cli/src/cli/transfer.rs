//! Options shared by several commands: pipe sizing, and how data moves.
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::num::NonZeroU64;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::values::{parse_rate, parse_size, parse_total};

/// Pipe sizing, shared by every command that opens a FIFO.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
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

/// The options of [`TransferArgs`] that shape the progress meter: modes
/// that meter nothing refuse them.
pub const METER: [&str; 5] = ["progress", "size", "numeric", "name", "line_mode"];

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
    pub progress: Option<When>,
    /// The size to expect, for a percentage and ETA where fifo cannot know
    /// it (stdin from a pipe): BYTES (suffixes K, M, G), or lines with
    /// --line-mode (pv -s). Implies --progress.
    #[arg(long, value_name = "SIZE", value_parser = parse_total)]
    pub size: Option<u64>,
    /// Instead of the meter, print one number a line on stderr, once a
    /// second and at the end: the percentage when the size is known
    /// (--size, or a regular file), else the bytes (lines) so far, e.g.
    /// for dialog --gauge (pv -n). Implies --progress=always.
    #[arg(long)]
    pub numeric: bool,
    /// Show NAME before the meter instead of "fifo CMD", to tell several
    /// meters apart (pv -N). Implies --progress.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Count lines instead of bytes in the meter (pv -l; not -l, which cat
    /// and send already use). Data then moves with read and write. Implies
    /// --progress.
    #[arg(long)]
    pub line_mode: bool,
    /// Move at most RATE bytes per second (suffixes K, M, G: 512K, 10M),
    /// in bursts of at most a tenth of a second's worth, so a stalled
    /// reader or writer never gets a burst over the limit when it resumes.
    /// cat, send and tee still move the data with splice(2)/tee(2).
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub rate_limit: Option<NonZeroU64>,
    /// With --rate-limit: read a new RATE from the file PATH whenever its
    /// content changes (checked twice a second), e.g. echo 1M > PATH. A
    /// missing file or an invalid rate keeps the current one. PATH is read
    /// only if it is a regular file of at most 64 bytes (a FIFO is never
    /// waited on), and through no symlink but this user's or root's.
    #[arg(long, value_name = "PATH", requires = "rate_limit")]
    pub rate_file: Option<PathBuf>,
    #[command(flatten)]
    pub pipe: PipeArgs,
    /// Move data with read and write only (no splice or tee), as on other systems.
    #[arg(long, hide = true)]
    pub no_splice: bool,
}

/// When to draw the meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum When {
    /// Only when stderr is a terminal.
    Auto,
    /// Always: plain lines when stderr is not a terminal.
    Always,
    /// Never.
    Never,
}

/// What the meter shows, as the command line asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Look {
    /// `--progress[=WHEN]`, if given.
    pub when: Option<When>,
    /// The total to expect, in bytes or lines (`pv -s`); otherwise the
    /// size of a regular file, when the meter counts bytes.
    pub size: Option<u64>,
    /// One number a line instead of a meter: the percentage when the total
    /// is known, else the bytes (lines) so far (`pv -n`).
    pub numeric: bool,
    /// Shown before the meter instead of `fifo CMD` (`pv -N`).
    pub name: Option<String>,
    /// Counts lines instead of bytes (`pv -l`).
    pub lines: bool,
}

impl Look {
    /// When to draw: as `--progress` says; without it, always for numbers
    /// (they are meant for a pipe) and on a terminal for the other pv
    /// options, which ask for a meter by being given.
    pub(crate) fn when(&self) -> Option<When> {
        match self.when {
            Some(when) => Some(when),
            None if self.numeric => Some(When::Always),
            None if self.size.is_some() || self.name.is_some() || self.lines => Some(When::Auto),
            None => None,
        }
    }
}
