//! How data moves, as the plans of `cat`, `send` and `tee` state it: the
//! meter, pipe sizing and engine choice every copy takes, a rate limit and
//! a deep buffer where the mode allows one. Resolved from the arguments
//! without I/O; the engines build their parts from these.

use std::num::NonZeroU64;
use std::path::PathBuf;
use std::time::Duration;

use fifo_core::open::control::read_control;
use fifo_core::transfer::buffer::{Buffer, FillLevel, SpillFile};
use fifo_core::transfer::rate::RateLimit;
use fifo_core::{Error, Subject};

use crate::cli::Look;
use crate::cli::{BufferArgs, PipeArgs, TransferArgs, parse_rate};
use crate::progress::Meter;
use crate::report;

/// What every copy takes, whatever its mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// What the progress meter shows (nothing unless asked).
    pub meter: Look,
    /// `--capacity` and `--verbose`.
    pub pipe: PipeArgs,
    /// `--no-splice`: read and write only, as on other systems.
    pub portable: bool,
}

impl Transfer {
    /// The options shared by every mode.
    pub fn from_args(args: &TransferArgs) -> Self {
        Self {
            meter: Look {
                when: args.progress,
                size: args.size,
                numeric: args.numeric,
                name: args.name.clone(),
                lines: args.line_mode,
            },
            pipe: args.pipe.clone(),
            portable: args.no_splice,
        }
    }
}

/// `--rate-limit`, retuned from `--rate-file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    /// Bytes per second.
    pub limit: NonZeroU64,
    /// Read again for a new rate whenever its content changes.
    pub file: Option<PathBuf>,
}

/// The most a --rate-file may hold: a rate with spaces around it.
const RATE_FILE_MAX: usize = 64;

/// How much of a --rate-file's text a warning quotes at most.
const RATE_SHOWN: usize = 24;

impl Rate {
    /// The rate the arguments ask for, if any.
    pub fn from_args(args: &TransferArgs) -> Option<Self> {
        Some(Self {
            limit: args.rate_limit?,
            file: args.rate_file.clone(),
        })
    }

    /// The token bucket, retuned from the file; `applet` names the command
    /// in warnings about that file, each given once for what it is about
    /// (until the file changes).
    pub fn limiter(&self, applet: &'static str) -> RateLimit {
        let limit = RateLimit::new(self.limit);
        let Some(path) = self.file.clone() else {
            return limit;
        };
        let mut last = None;
        limit.retuned_by(Duration::from_millis(500), move || {
            let seen = match read_control(&path, RATE_FILE_MAX) {
                Err(err) if err.raw_os_error() == Some(nix::libc::ENOENT) => return None,
                seen => seen.map_err(|err| fifo_core::error::Chain(&err).to_string()),
            };
            if last.as_ref() == Some(&seen) {
                return None;
            }
            last = Some(seen.clone());
            let warn = |why: &str| report::message(applet, &format!("{why}; rate unchanged"));
            let path = Subject::path(&path);
            match seen {
                Err(why) => warn(&why),
                Ok(bytes) if bytes.len() > RATE_FILE_MAX => {
                    warn(&format!("{path}: longer than {RATE_FILE_MAX} bytes"));
                }
                // `echo 2M > FILE` empties the file before it writes: a
                // look in between sees nothing, which is no new rate.
                Ok(bytes) if bytes.trim_ascii().is_empty() => {}
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    return parse_rate(&shown(text.trim()))
                        .map_err(|why| warn(&format!("{path}: {why}")))
                        .ok();
                }
            }
            None
        })
    }
}

/// `text` as a warning may quote it: escaped as paths are (one line), and
/// only its start, then `...`, when it is longer than a rate can be
/// ([`RATE_SHOWN`] characters). What could be a rate is left as it is.
fn shown(text: &str) -> String {
    let start: String = text.chars().take(RATE_SHOWN).collect();
    let quoted = Subject::path(&start).to_string();
    let escaped = &quoted[1..quoted.len() - 1];
    if text.chars().nth(RATE_SHOWN).is_some() {
        format!("{escaped}...")
    } else {
        escaped.to_owned()
    }
}

/// `--buffer` and how it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buffering {
    /// Bytes kept in memory.
    pub size: usize,
    /// `--buffer-file`: where what does not fit goes.
    pub file: Option<PathBuf>,
    /// `--start-at`, percent.
    pub start_at: Option<u8>,
    /// `--resume-at`, percent.
    pub resume_at: Option<u8>,
}

impl Buffering {
    /// The deep buffer the arguments ask for, if any.
    pub fn from_args(size: Option<usize>, args: &BufferArgs) -> Option<Self> {
        Some(Self {
            size: size?,
            file: args.buffer_file.clone(),
            start_at: args.start_at,
            resume_at: args.resume_at,
        })
    }

    /// The buffer, with its file made and its fill level shown by the meter.
    ///
    /// # Errors
    /// When the --buffer-file cannot be made.
    pub fn build(&self, meter: Option<&Meter>) -> Result<Buffer, Error> {
        let mut buffer = Buffer::new(self.size);
        if let Some(path) = &self.file {
            buffer = buffer.spilling_to(SpillFile::create(path)?);
        }
        if let Some(percent) = self.start_at {
            buffer = buffer.start_at(percent);
        }
        if let Some(percent) = self.resume_at {
            buffer = buffer.resume_at(percent);
        }
        if let Some(meter) = meter {
            meter.show_fill(buffer.level());
        }
        Ok(buffer)
    }
}

/// Says, once a buffered copy is over, how often its file refused data
/// (the input then waited: nothing was lost).
pub fn report_spill_refusals(applet: &str, level: &FillLevel) {
    if let (refusals @ 1.., Some(why)) = level.spill_refusals() {
        let why = fifo_core::error::describe(&why);
        let times = if refusals == 1 {
            "once".to_owned()
        } else {
            format!("{refusals} times")
        };
        let said =
            format!("the buffer file refused data {times} ({why}); input waited, nothing was lost");
        report::message(applet, &said);
    }
}

/// Parsing a command line for a plan's tests: the command's arguments, or
/// clap's refusal.
#[cfg(test)]
pub mod testing {
    use std::ffi::OsString;

    use crate::cli::Command;

    /// The command `words` (after `fifo`) parse into.
    ///
    /// # Errors
    /// clap's refusal of the command line.
    pub fn parse(words: &[&str]) -> Result<Command, clap::Error> {
        let line: Vec<OsString> = std::iter::once("fifo")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect();
        Ok(crate::cli::parse(&line)?
            .command
            .expect("a command was given"))
    }

    /// What clap says when it refuses `words` (its first line), checking
    /// that the refusal is a usage error (status 2).
    pub fn refusal(words: &[&str]) -> String {
        let err = parse(words).expect_err("refused");
        assert_eq!(err.exit_code(), 2, "{err}");
        let rendered = err.render().to_string();
        let what = rendered.split("\n\n").next().unwrap_or_default();
        let what = what.strip_prefix("error: ").unwrap_or(what);
        what.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}
