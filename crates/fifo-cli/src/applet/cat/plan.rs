//! What `fifo cat` will do, resolved from its arguments without any I/O:
//! which inputs it opens and how, in which mode it reads them, and how the
//! data moves.

use std::path::PathBuf;
use std::time::Duration;

use fifo_core::open::Wait;
use fifo_core::transfer::copy::Limit;

use super::frame::Output;
use crate::applet::transfer::{Buffering, Rate, Transfer};
use crate::applet::wait_from;
use crate::cli::CatArgs;

/// What `fifo cat` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The inputs, in order; `-` is standard input.
    pub paths: Vec<PathBuf>,
    /// How each input is opened.
    pub open: Opening,
    /// How the inputs are read.
    pub mode: Mode,
    /// The meter, pipe sizing and engine.
    pub transfer: Transfer,
}

/// How each input is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// `--create`: a missing PATH is made a FIFO.
    pub create: bool,
    /// `--rm`: what `--create` made is removed at the end.
    pub remove: bool,
    /// `-k`: a FIFO is opened again for its next writers.
    pub keep_open: bool,
    /// How long an open waits for a writer (a merge never waits).
    pub wait: Wait,
}

/// How the inputs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Each input in turn, its bytes as they come.
    Copy(Copying),
    /// Every input at once, whole lines out.
    Merge(Merging),
    /// Framed messages, each written whole.
    Frame(Framing),
}

/// A plain copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copying {
    /// `-c` or `-l`: where the copy stops by itself.
    pub limit: Limit,
    /// `--idle`: how long it waits for data.
    pub idle: Option<Duration>,
    /// `--rate-limit`.
    pub rate: Option<Rate>,
    /// `--buffer`, which takes none of the three above.
    pub buffer: Option<Buffering>,
}

/// `--merge`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merging {
    /// `-l`: whole lines to write before stopping.
    pub lines: Option<u64>,
    /// `--idle`.
    pub idle: Option<Duration>,
    /// `--prefix`: each line starts with its source, `PATH: `.
    pub prefix: bool,
}

/// `--frame`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framing {
    /// `-l`: messages to write before stopping.
    pub messages: Option<u64>,
    /// `--idle`.
    pub idle: Option<Duration>,
    /// `-0` or `--json`: how each message is written.
    pub output: Output,
    /// `--max-pending`: the most unfinished messages may hold.
    pub max_pending: Option<usize>,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &CatArgs) -> Self {
        let mode = if args.merge {
            Mode::Merge(Merging {
                lines: args.lines,
                idle: args.idle,
                prefix: args.prefix,
            })
        } else if args.frame {
            Mode::Frame(Framing {
                messages: args.lines,
                idle: args.idle,
                output: match (args.null, args.json) {
                    (_, true) => Output::Json,
                    (true, false) => Output::Null,
                    (false, false) => Output::Raw,
                },
                max_pending: args.max_pending,
            })
        } else {
            Mode::Copy(Copying {
                limit: match (args.bytes, args.lines) {
                    (Some(bytes), _) => Limit::Bytes(bytes),
                    (None, Some(lines)) => Limit::Lines(lines),
                    (None, None) => Limit::Unlimited,
                },
                idle: args.idle,
                rate: Rate::from_args(&args.transfer),
                buffer: Buffering::from_args(args.buffer, &args.buffering),
            })
        };
        Self {
            paths: args.paths.clone(),
            open: Opening {
                create: args.create,
                remove: args.rm,
                keep_open: args.keep_open,
                wait: wait_from(args.merge, args.timeout),
            },
            mode,
            transfer: Transfer::from_args(&args.transfer),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU64;

    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;
    use crate::cli::{Look, When};

    fn plan_of(words: &[&str]) -> Plan {
        match parse(words).unwrap() {
            Command::Cat(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn a_bare_cat_copies_stdin_waiting_forever() {
        let plan = plan_of(&["cat"]);
        assert_eq!(plan.paths, [PathBuf::from("-")]);
        let open = Opening {
            create: false,
            remove: false,
            keep_open: false,
            wait: Wait::Forever,
        };
        assert_eq!(plan.open, open);
        let copying = Copying {
            limit: Limit::Unlimited,
            idle: None,
            rate: None,
            buffer: None,
        };
        assert_eq!(plan.mode, Mode::Copy(copying));
        assert_eq!(plan.transfer.meter, Look::default());
        assert!(!plan.transfer.portable);
    }

    #[test]
    fn limits_idle_and_rate_shape_a_copy() {
        let plan = plan_of(&[
            "cat",
            "-k",
            "--create",
            "--rm",
            "-t",
            "1s",
            "-c",
            "1K",
            "--idle",
            "1s",
            "--rate-limit",
            "2M",
            "--rate-file",
            "r",
            "a",
            "b",
        ]);
        assert_eq!(plan.paths, [PathBuf::from("a"), PathBuf::from("b")]);
        let open = Opening {
            create: true,
            remove: true,
            keep_open: true,
            wait: Wait::Timeout(SECOND),
        };
        assert_eq!(plan.open, open);
        let rate = Rate {
            limit: NonZeroU64::new(2 << 20).unwrap(),
            file: Some("r".into()),
        };
        let copying = Copying {
            limit: Limit::Bytes(1024),
            idle: Some(SECOND),
            rate: Some(rate),
            buffer: None,
        };
        assert_eq!(plan.mode, Mode::Copy(copying));
        let Mode::Copy(lines) = plan_of(&["cat", "-l", "3", "f"]).mode else {
            panic!()
        };
        assert_eq!(lines.limit, Limit::Lines(3));
    }

    #[test]
    fn a_buffered_copy_has_its_marks_and_file() {
        let words = ["cat", "--buffer", "8M", "--buffer-file", "d"];
        let Mode::Copy(copying) = plan_of(&[&words[..], &["--start-at", "50%", "f"]].concat()).mode
        else {
            panic!()
        };
        let buffering = Buffering {
            size: 8 << 20,
            file: Some("d".into()),
            start_at: Some(50),
            resume_at: None,
        };
        assert_eq!(copying.buffer, Some(buffering));
        assert_eq!(copying.limit, Limit::Unlimited);
    }

    #[test]
    fn a_merge_never_waits_and_counts_lines() {
        let plan = plan_of(&["cat", "--merge", "--prefix", "-l", "2", "-k", "a", "b"]);
        assert_eq!(plan.open.wait, Wait::No);
        assert!(plan.open.keep_open);
        let merging = Merging {
            lines: Some(2),
            idle: None,
            prefix: true,
        };
        assert_eq!(plan.mode, Mode::Merge(merging));
        let plan = plan_of(&["cat", "--merge", "--progress=always", "--no-splice", "a"]);
        assert_eq!(plan.transfer.meter.when, Some(When::Always));
        assert!(plan.transfer.portable);
    }

    #[test]
    fn frame_counts_messages_in_its_output_format() {
        let plan = plan_of(&[
            "cat",
            "--frame",
            "-l",
            "5",
            "--max-pending",
            "1K",
            "-t",
            "2s",
            "q",
        ]);
        assert_eq!(plan.open.wait, Wait::Timeout(2 * SECOND));
        let framing = Framing {
            messages: Some(5),
            idle: None,
            output: Output::Raw,
            max_pending: Some(1024),
        };
        assert_eq!(plan.mode, Mode::Frame(framing));
        for (flag, output) in [("-0", Output::Null), ("--json", Output::Json)] {
            let Mode::Frame(framing) = plan_of(&["cat", "--frame", flag, "q"]).mode else {
                panic!()
            };
            assert_eq!(framing.output, output);
        }
    }

    #[test]
    fn the_modes_exclude_each_other() {
        for (words, said) in [
            (
                ["--merge", "--frame"],
                "'--merge' cannot be used with '--frame'",
            ),
            (
                ["--frame", "--buffer=1M"],
                "'--frame' cannot be used with '--buffer <BYTES>'",
            ),
            (
                ["--buffer=1M", "--merge"],
                "'--buffer <BYTES>' cannot be used with '--merge'",
            ),
        ] {
            let refused = refusal(&[&["cat"], &words[..], &["f"]].concat());
            assert_eq!(refused, format!("the argument {said}"));
        }
    }

    #[test]
    fn no_mode_counts_bytes_or_paces_them() {
        for (mode, named) in [
            ("--merge", "--merge"),
            ("--frame", "--frame"),
            ("--buffer=1M", "--buffer <BYTES>"),
        ] {
            for (option, shown) in [
                ("-c1", "--bytes <N>"),
                ("--rate-limit=1M", "--rate-limit <RATE>"),
            ] {
                // Either way round, only what was given is named.
                let refused = refusal(&["cat", mode, option, "f"]);
                let said = format!("the argument '{named}' cannot be used with '{shown}'");
                assert_eq!(refused, said);
                let refused = refusal(&["cat", option, mode, "f"]);
                let said = format!("the argument '{shown}' cannot be used with '{named}'");
                assert_eq!(refused, said);
            }
        }
    }

    #[test]
    fn each_mode_refuses_what_it_cannot_honour() {
        for (words, said) in [
            (
                &["--merge", "-t", "1s"][..],
                "'--merge' cannot be used with '--timeout <DUR>'",
            ),
            (
                &["--frame", "--size", "1K"],
                "'--frame' cannot be used with '--size <SIZE>'",
            ),
            (
                &["--frame", "--line-mode"],
                "'--frame' cannot be used with '--line-mode'",
            ),
            (
                &["--buffer=1M", "-l", "3"],
                "'--buffer <BYTES>' cannot be used with '--lines <N>'",
            ),
            (
                &["--buffer=1M", "--idle=1s"],
                "'--buffer <BYTES>' cannot be used with '--idle <DUR>'",
            ),
            (
                &["-c", "1", "-l", "1"],
                "'--bytes <N>' cannot be used with '--lines <N>'",
            ),
            (
                &["--json", "-0", "--frame"],
                "'--json' cannot be used with '--null'",
            ),
        ] {
            let refused = refusal(&[&["cat"], words, &["f"]].concat());
            assert_eq!(refused, format!("the argument {said}"));
        }
    }

    #[test]
    fn mode_options_need_their_mode() {
        for (words, needed) in [
            (&["--prefix"][..], "--merge"),
            (&["--json"], "--frame"),
            (&["--max-pending", "1K"], "--frame"),
            (&["--start-at", "5"], "--buffer <BYTES>"),
            (&["--rate-file", "r"], "--rate-limit <RATE>"),
            (&["--rm"], "--create"),
        ] {
            let refused = refusal(&[&["cat"], words, &["f"]].concat());
            assert_eq!(
                refused,
                format!("the following required arguments were not provided: {needed}")
            );
        }
    }
}
