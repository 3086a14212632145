//! Options shared by several commands: pipe sizing, and how data moves.
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::num::NonZeroU64;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use fifo_core::open::control::read_control;

use super::values::{parse_rate, parse_size, parse_total};

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
    /// Data still moves with splice(2)/tee(2).
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

/// The most a --rate-file may hold: a rate with spaces around it.
const RATE_FILE_MAX: usize = 64;

/// How much of a --rate-file's text a warning quotes at most.
const RATE_SHOWN: usize = 24;

impl TransferArgs {
    /// What the progress meter shows.
    pub fn meter(&self) -> crate::progress::Look {
        crate::progress::Look {
            when: self.progress,
            size: self.size,
            numeric: self.numeric,
            name: self.name.clone(),
            lines: self.line_mode,
        }
    }

    /// The token bucket --rate-limit asks for, retuned from --rate-file;
    /// `applet` names the command in warnings about that file, each given
    /// once for what it is about (until the file changes).
    pub fn rate_limit(&self, applet: &'static str) -> Option<fifo_core::transfer::rate::RateLimit> {
        let limit = fifo_core::transfer::rate::RateLimit::new(self.rate_limit?);
        let Some(path) = self.rate_file.clone() else {
            return Some(limit);
        };
        let mut last = None;
        Some(limit.retuned_by(Duration::from_millis(500), move || {
            let seen = match read_control(&path, RATE_FILE_MAX) {
                Err(err) if err.raw_os_error() == Some(nix::libc::ENOENT) => return None,
                seen => seen.map_err(|err| fifo_core::error::Chain(&err).to_string()),
            };
            if last.as_ref() == Some(&seen) {
                return None;
            }
            last = Some(seen.clone());
            let warn =
                |why: &str| crate::report::message(applet, &format!("{why}; rate unchanged"));
            let path = fifo_core::Subject::path(&path);
            match seen {
                Err(why) => warn(&why),
                Ok(bytes) if bytes.len() > RATE_FILE_MAX => {
                    warn(&format!("{path}: longer than {RATE_FILE_MAX} bytes"));
                }
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    return parse_rate(&shown(text.trim()))
                        .map_err(|why| warn(&format!("{path}: {why}")))
                        .ok();
                }
            }
            None
        }))
    }
}

/// `text` as a warning may quote it: escaped as paths are (one line), and
/// only its start, then `...`, when it is longer than a rate can be
/// ([`RATE_SHOWN`] characters). What could be a rate is left as it is.
fn shown(text: &str) -> String {
    let start: String = text.chars().take(RATE_SHOWN).collect();
    let quoted = fifo_core::Subject::path(&start).to_string();
    let escaped = &quoted[1..quoted.len() - 1];
    if text.chars().nth(RATE_SHOWN).is_some() {
        format!("{escaped}...")
    } else {
        escaped.to_owned()
    }
}
