//! The `--progress` meter on stderr: bytes, rate and elapsed time, plus a
//! bar, percentage and ETA when the total is known (a regular file); a
//! summary line when the command ends. Drawn by indicatif when stderr is a
//! terminal; `--progress=always` elsewhere writes one plain line a second.

use std::io::{self, IsTerminal, Write};
use std::os::fd::BorrowedFd;
use std::time::Duration;

use fifo_core::progress::Progress;
use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::report;

/// When to draw the meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum When {
    /// Only when stderr is a terminal.
    Auto,
    /// Always: plain lines when stderr is not a terminal.
    Always,
    /// Never.
    Never,
}

/// A running meter.
#[derive(Debug)]
pub struct Meter {
    bar: ProgressBar,
    applet: &'static str,
}

impl Meter {
    /// Starts a meter for `applet` if `when` asks for one here; `total` is
    /// the byte count to expect, when known.
    pub fn start(applet: &'static str, when: Option<When>, total: Option<u64>) -> Option<Self> {
        let terminal = io::stderr().is_terminal();
        let target = match when? {
            When::Never => return None,
            When::Auto if !terminal => return None,
            When::Auto | When::Always if terminal => ProgressDrawTarget::stderr(),
            When::Always | When::Auto => {
                ProgressDrawTarget::term_like_with_hz(Box::new(PlainLines), 1)
            }
        };
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::with_draw_target(Some(total), target),
                "{bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
            ),
            None => (
                ProgressBar::with_draw_target(None, target),
                "{binary_bytes} {binary_bytes_per_sec} {elapsed}",
            ),
        };
        let prefix = format!("fifo {applet}: {template}");
        if let Ok(style) = ProgressStyle::with_template(&prefix) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Some(Self { bar, applet })
    }

    /// The callback the copy engine feeds.
    pub fn progress(&self) -> Progress {
        let bar = self.bar.clone();
        Progress::new(move |n| bar.inc(n))
    }

    /// Removes the meter and prints the summary line.
    pub fn finish(self) {
        let bytes = self.bar.position();
        let elapsed = self.bar.elapsed();
        self.bar.finish_and_clear();
        let rate = u64::try_from(u128::from(bytes) * 1000 / elapsed.as_millis().max(1))
            .unwrap_or(u64::MAX);
        report::message(
            self.applet,
            &format!(
                "{} in {:.2}s ({}/s)",
                HumanBytes(bytes),
                elapsed.as_secs_f64(),
                HumanBytes(rate)
            ),
        );
    }
}

/// Plain lines for a stderr that is not a terminal: no cursor movement.
#[derive(Debug)]
struct PlainLines;

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
        writeln!(io::stderr().lock(), "{line}")
    }
    fn write_str(&self, text: &str) -> io::Result<()> {
        if text.trim().is_empty() {
            return Ok(());
        }
        writeln!(io::stderr().lock(), "{text}")
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
    let st = nix::sys::stat::fstat(fd).ok()?;
    #[allow(clippy::useless_conversion)] // `mode_t` is u16 on macOS.
    if fifo_core::FileKind::from_mode(st.st_mode.into()) != fifo_core::FileKind::Regular {
        return None;
    }
    let offset = nix::unistd::lseek(fd, 0, nix::unistd::Whence::SeekCur).ok()?;
    u64::try_from(st.st_size - offset).ok()
}
