//! The `--progress` meter on stderr: bytes, rate and elapsed time, plus a
//! bar, percentage and ETA when the total is known (a regular file); a
//! summary line when the command ends; with a deep buffer, how full it is.
//! Drawn by indicatif when stderr is a
//! terminal, in one row that fits its width (the bar is dropped first, as
//! pv drops it); `--progress=always` elsewhere writes one plain line a
//! second, without a bar. pv's habits: a size to expect (`-s`), one number
//! a line for dialog (`-n`), a name (`-N`), lines instead of bytes (`-l`).

use std::io::{self, IsTerminal, Write};
use std::os::fd::BorrowedFd;
use std::sync::Arc;
use std::time::Duration;

use fifo_core::transfer::buffer::FillLevel;
use fifo_core::transfer::progress::Progress;
use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::cli::{Look, When};
use crate::report;

/// A running meter.
#[derive(Debug)]
pub struct Meter {
    bar: ProgressBar,
    applet: &'static str,
    known_total: bool,
    /// The terminal's width, or none for plain lines.
    width: Option<u16>,
    look: Look,
}

impl Meter {
    /// Starts a meter for `applet` if `look` asks for one here;
    /// `file_total` is the byte count to expect when the input is a
    /// regular file.
    pub fn start(applet: &'static str, look: Look, file_total: Option<u64>) -> Option<Self> {
        let terminal = io::stderr().is_terminal();
        let plain = || ProgressDrawTarget::term_like(Box::new(PlainLines::default()));
        let (target, width) = match look.when()? {
            When::Never => return None,
            _ if look.numeric => (plain(), None),
            When::Auto if !terminal => return None,
            When::Auto | When::Always if terminal => (
                ProgressDrawTarget::stderr(),
                Some(console::Term::stderr().size().1),
            ),
            When::Always | When::Auto => (plain(), None),
        };
        let total = look.size.or(file_total.filter(|_| !look.lines));
        let bar = ProgressBar::with_draw_target(total, target);
        let meter = Self {
            bar,
            applet,
            known_total: total.is_some(),
            width,
            look,
        };
        meter.style(false);
        meter.bar.enable_steady_tick(Duration::from_millis(200));
        Some(meter)
    }

    /// `NAME: ` or `fifo CMD: ` before the meter.
    fn prefix(&self) -> String {
        match &self.look.name {
            Some(name) => format!("{name}: "),
            None => format!("fifo {}: ", self.applet),
        }
    }

    /// Sets the meter's template, with the buffer's fill level if `fill`.
    fn style(&self, fill: bool) -> Option<ProgressStyle> {
        let template = if self.look.numeric {
            let number = if self.known_total {
                "{percent}"
            } else {
                "{pos}"
            };
            number.to_owned()
        } else {
            let template = template(&self.prefix(), self.known_total, fill, self.width);
            if self.look.lines {
                in_lines(&template)
            } else {
                template
            }
        };
        let style = ProgressStyle::with_template(&template).ok()?.with_key(
            "line_rate",
            |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{:.0} lines/s", state.per_sec());
            },
        );
        self.bar.set_style(style.clone());
        Some(style)
    }

    /// Also shows how full a deep buffer is: "buf 45% 3.60 MiB", its bytes
    /// in memory and in its file as a percentage of its size (over 100 %
    /// once it spills to its file).
    pub fn show_fill(&self, level: Arc<FillLevel>) {
        if self.look.numeric {
            return;
        }
        let shown = move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
            let buffered = level.buffered();
            let percent = u128::from(buffered) * 100 / u128::from(level.size().max(1));
            let _ = write!(out, "buf {percent}% {}", HumanBytes(buffered));
        };
        if let Some(style) = self.style(true) {
            self.bar.set_style(style.with_key("fill", shown));
        }
    }

    /// The callback the copy engine feeds.
    pub fn progress(&self) -> Progress {
        let bar = self.bar.clone();
        if self.look.lines {
            Progress::lines(move |n| bar.inc(n))
        } else {
            Progress::new(move |n| bar.inc(n))
        }
    }

    /// Removes the meter and prints the summary line (with numbers, the
    /// last number, as pv ends).
    pub fn finish(self) {
        let moved = self.bar.position();
        let elapsed = self.bar.elapsed();
        self.bar.finish_and_clear();
        let rate = u64::try_from(u128::from(moved) * 1000 / elapsed.as_millis().max(1))
            .unwrap_or(u64::MAX);
        if self.look.numeric {
            let number = match self.bar.length() {
                Some(total) => u128::from(moved) * 100 / u128::from(total.max(1)),
                None => u128::from(moved),
            };
            let _ = writeln!(io::stderr().lock(), "{number}");
            return;
        }
        let (moved, rate) = if self.look.lines {
            (format!("{moved} lines"), format!("{rate} lines"))
        } else {
            (HumanBytes(moved).to_string(), HumanBytes(rate).to_string())
        };
        let name = self
            .look
            .name
            .as_ref()
            .map_or_else(String::new, |name| format!("{name}: "));
        let took = elapsed.as_secs_f64();
        report::message(
            self.applet,
            &format!("{name}{moved} in {took:.2}s ({rate}/s)"),
        );
    }
}

/// The fields of a meter, each with the most columns it takes.
const PERCENT: (&str, usize) = ("{percent:>3}%", 4);
const BYTES: (&str, usize) = ("{binary_bytes}", 11);
const BYTES_OF_TOTAL: (&str, usize) = ("{binary_bytes}/{binary_total_bytes}", 23);
const RATE: (&str, usize) = ("{binary_bytes_per_sec}", 13);
const ETA: (&str, usize) = ("ETA {eta}", 8);
const ELAPSED: (&str, usize) = ("{elapsed}", 4);
const FILL: (&str, usize) = ("{fill}", 21);

/// The fewest columns a bar is worth drawing in.
const MIN_BAR: usize = 10;

/// The meter's template after `prefix`: on a terminal `width` columns wide,
/// the richest set of fields that fits in one line (pv drops fields, it
/// never wraps), with a bar taking the columns left when the total is
/// known; without a terminal, every field and no bar, for a log. With
/// `fill`, the buffer's fill level follows the other fields, and is the
/// first to go when they do not fit.
fn template(prefix: &str, known_total: bool, fill: bool, width: Option<u16>) -> String {
    let plain: &[&[(&str, usize)]] = if known_total {
        &[
            &[PERCENT, BYTES_OF_TOTAL, RATE, ELAPSED, ETA],
            &[PERCENT, BYTES_OF_TOTAL, RATE, ETA],
            &[PERCENT, BYTES, RATE, ETA],
            &[PERCENT, BYTES, ETA],
            &[PERCENT, ETA],
            &[PERCENT],
        ]
    } else {
        &[&[BYTES, RATE, ELAPSED], &[BYTES, RATE], &[BYTES]]
    };
    let with_fill = plain.iter().map(|fields| [*fields, &[FILL]].concat());
    let choices: Vec<Vec<(&str, usize)>> = if fill {
        with_fill.chain(plain.iter().map(|f| f.to_vec())).collect()
    } else {
        plain.iter().map(|f| f.to_vec()).collect()
    };
    let join = |fields: &[(&str, usize)]| {
        let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
        names.join(" ")
    };
    let Some(width) = width else {
        return format!("{prefix}{}", join(&choices[0]));
    };
    // The last column stays free: writing into it makes some terminals wrap.
    let room = usize::from(width).saturating_sub(1);
    let columns = |fields: &[(&str, usize)]| {
        prefix.len() + fields.iter().map(|(_, cols)| cols + 1).sum::<usize>() - 1
    };
    // pv drops the bar first: a bar only beside every field.
    if known_total && columns(&choices[0]) + 1 + MIN_BAR <= room {
        return format!("{prefix}{{wide_bar}} {}", join(&choices[0]));
    }
    let fields = choices
        .iter()
        .find(|fields| columns(fields) <= room)
        .unwrap_or(&choices[choices.len() - 1]);
    format!("{prefix}{}", join(fields))
}

/// A byte meter's template counted in lines.
fn in_lines(template: &str) -> String {
    template
        .replace("{binary_bytes}/{binary_total_bytes}", "{pos}/{len} lines")
        .replace("{binary_bytes_per_sec}", "{line_rate}")
        .replace("{binary_bytes}", "{pos} lines")
}

/// Plain lines for a stderr that is not a terminal: no cursor movement,
/// and at most one line a second (as pv writes them), whatever the meter
/// redraws, so that a log gets 60 lines a minute, not 300.
#[derive(Debug, Default)]
struct PlainLines {
    last: std::sync::Mutex<Option<std::time::Instant>>,
}

impl PlainLines {
    /// Writes `line` unless one was written less than a second ago.
    fn write_due(&self, line: &str) -> io::Result<()> {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_some_and(|at| at.elapsed() < Duration::from_secs(1)) {
            return Ok(());
        }
        *last = Some(std::time::Instant::now());
        writeln!(io::stderr().lock(), "{line}")
    }
}

impl TermLike for PlainLines {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, line: &str) -> io::Result<()> {
        self.write_due(line)
    }
    fn write_str(&self, text: &str) -> io::Result<()> {
        if text.trim().is_empty() {
            return Ok(());
        }
        self.write_due(text)
    }
    fn clear_line(&self) -> io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}

/// The size left to read of `fd` when it is a regular file (a known total).
pub fn remaining(fd: BorrowedFd<'_>) -> Option<u64> {
    let meta = crate::stdio::metadata(fd)?;
    if !meta.is_file() {
        return None;
    }
    let offset = nix::unistd::lseek(fd, 0, nix::unistd::Whence::SeekCur).ok()?;
    meta.len().checked_sub(u64::try_from(offset).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The most columns a meter drawn from `template` takes.
    fn widest(template: &str) -> usize {
        [PERCENT, BYTES_OF_TOTAL, BYTES, RATE, ETA, ELAPSED, FILL]
            .iter()
            .fold(template.replace("{wide_bar}", ""), |text, (name, cols)| {
                text.replace(name, &"x".repeat(*cols))
            })
            .len()
    }

    #[test]
    fn the_meter_fits_the_terminal() {
        for width in 30..=200 {
            for (known, fill) in [(true, false), (false, false), (true, true), (false, true)] {
                let template = template("fifo send: ", known, fill, Some(width));
                let bar = if template.contains("{wide_bar}") {
                    MIN_BAR
                } else {
                    0
                };
                assert!(
                    widest(&template) + bar < usize::from(width),
                    "{width} columns: {template}"
                );
            }
        }
        let wide = template("fifo send: ", true, false, Some(200));
        assert!(
            wide.contains("{wide_bar}") && wide.contains("{binary_total_bytes}"),
            "{wide}"
        );
        // At 60 columns the fields keep their room and the bar goes, as in pv.
        let narrow = template("fifo send: ", true, false, Some(60));
        assert!(
            !narrow.contains("{wide_bar}") && narrow.contains("ETA"),
            "{narrow}"
        );
        let forty = template("fifo send: ", true, false, Some(40));
        assert!(
            !forty.contains("{wide_bar}") && forty.contains("{binary_bytes}"),
            "{forty}"
        );
    }

    #[test]
    fn a_log_gets_every_field_and_no_bar() {
        let plain = template("fifo send: ", true, false, None);
        assert_eq!(
            plain,
            "fifo send: {percent:>3}% {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {elapsed} ETA {eta}"
        );
        let buffered = template("fifo cat: ", false, true, None);
        assert_eq!(
            buffered,
            "fifo cat: {binary_bytes} {binary_bytes_per_sec} {elapsed} {fill}"
        );
        let narrow = template("fifo cat: ", false, true, Some(60));
        assert!(narrow.contains("{fill}"), "{narrow}");
    }
}
