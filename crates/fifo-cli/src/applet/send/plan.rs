//! What `fifo send` will do, resolved from its arguments without any I/O:
//! the FIFO it opens and how, what it sends (MESSAGE's bytes or stdin), in
//! which mode, and how the data moves.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use fifo_core::open::Wait;

use crate::applet::transfer::{Buffering, Rate, Transfer};
use crate::applet::wait_from;
use crate::cli::SendArgs;

/// What `fifo send` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The FIFO written to.
    pub path: PathBuf,
    /// `--create`: a missing PATH is made a FIFO.
    pub create: bool,
    /// How long the open waits for a reader.
    pub wait: Wait,
    /// What is sent.
    pub source: Source,
    /// How it is sent.
    pub mode: Mode,
    /// The meter, pipe sizing and engine.
    pub transfer: Transfer,
}

/// What is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input, to its end.
    Stdin,
    /// MESSAGE: the words joined by spaces, then (unless `-n`) a newline,
    /// or under `-0` a NUL.
    Message(Vec<u8>),
}

/// How it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The bytes as they come.
    Copy {
        /// `--rate-limit` (stdin only).
        rate: Option<Rate>,
        /// `--buffer` (stdin only, never with a rate).
        buffer: Option<Buffering>,
    },
    /// Each record (`-l`: line, `-0`: NUL-terminated) whole in one write.
    Records(u8),
    /// Framed: the whole source as one message, or with `-l`/`-0` each
    /// record its own.
    Frame(Option<u8>),
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &SendArgs) -> Self {
        let separator = match (args.lines, args.null) {
            (true, _) => Some(b'\n'),
            (false, true) => Some(0),
            (false, false) => None,
        };
        let source = if args.message.is_empty() {
            Source::Stdin
        } else {
            let mut message = args.message.join(OsStr::new(" ")).into_vec();
            if !args.no_newline {
                // Under -0 the message is one NUL-terminated record, as a
                // `-0` reader (xargs -0, read -d '') expects.
                message.push(separator.unwrap_or(b'\n'));
            }
            Source::Message(message)
        };
        let mode = match separator {
            _ if args.frame => Mode::Frame(separator),
            Some(separator) => Mode::Records(separator),
            None => Mode::Copy {
                rate: Rate::from_args(&args.transfer),
                buffer: Buffering::from_args(args.buffer, &args.buffering),
            },
        };
        Self {
            path: args.path.clone(),
            create: args.create,
            wait: wait_from(args.no_wait, args.timeout),
            source,
            mode,
            transfer: Transfer::from_args(&args.transfer),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU64;
    use std::time::Duration;

    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["send"], words].concat()).unwrap() {
            Command::Send(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    const PLAIN: Mode = Mode::Copy {
        rate: None,
        buffer: None,
    };

    #[test]
    fn stdin_is_copied_to_the_fifo_waiting_for_a_reader() {
        let plan = plan_of(&["p"]);
        assert_eq!(
            (plan.path, plan.create, plan.wait),
            (PathBuf::from("p"), false, Wait::Forever)
        );
        assert_eq!((plan.source, plan.mode), (Source::Stdin, PLAIN));
        assert_eq!(plan_of(&["--no-wait", "p"]).wait, Wait::No);
        let plan = plan_of(&["-t", "2s", "--create", "p"]);
        assert_eq!(plan.wait, Wait::Timeout(Duration::from_secs(2)));
        assert!(plan.create);
    }

    #[test]
    fn a_message_is_its_words_and_a_terminator() {
        let message = |words: &[&str]| plan_of(words).source;
        let bytes = |text: &[u8]| Source::Message(text.to_vec());
        assert_eq!(message(&["p", "hello", "world"]), bytes(b"hello world\n"));
        assert_eq!(message(&["-n", "p", "hi"]), bytes(b"hi"));
        assert_eq!(message(&["-0", "p", "a b"]), bytes(b"a b\0"));
        assert_eq!(message(&["-l", "p", "hi"]), bytes(b"hi\n"));
        assert_eq!(message(&["--frame", "p", "hi"]), bytes(b"hi\n"));
        assert_eq!(message(&["--frame", "-0", "-n", "p", "hi"]), bytes(b"hi"));
        assert_eq!(plan_of(&["p", "hi"]).mode, PLAIN);
    }

    #[test]
    fn records_and_frames_take_their_separator() {
        assert_eq!(plan_of(&["-l", "p"]).mode, Mode::Records(b'\n'));
        assert_eq!(plan_of(&["-0", "p"]).mode, Mode::Records(0));
        assert_eq!(plan_of(&["--frame", "p"]).mode, Mode::Frame(None));
        assert_eq!(
            plan_of(&["--frame", "-l", "p"]).mode,
            Mode::Frame(Some(b'\n'))
        );
        assert_eq!(plan_of(&["--frame", "-0", "p"]).mode, Mode::Frame(Some(0)));
    }

    #[test]
    fn a_copy_of_stdin_may_be_paced_or_buffered() {
        let rate = Rate {
            limit: NonZeroU64::new(512 << 10).unwrap(),
            file: None,
        };
        let paced = Mode::Copy {
            rate: Some(rate),
            buffer: None,
        };
        assert_eq!(plan_of(&["--rate-limit", "512K", "p"]).mode, paced);
        let buffering = Buffering {
            size: 1 << 20,
            file: None,
            start_at: None,
            resume_at: Some(10),
        };
        let buffered = Mode::Copy {
            rate: None,
            buffer: Some(buffering),
        };
        let plan = plan_of(&["--buffer", "1M", "--resume-at", "10", "--progress", "p"]);
        assert_eq!(plan.mode, buffered);
        assert_eq!(plan.transfer.meter.when, Some(crate::cli::When::Auto));
    }

    #[test]
    fn only_a_copy_of_stdin_is_paced() {
        for (words, named) in [
            (&["-l", "p"][..], "--lines"),
            (&["-0", "p"], "--null"),
            (&["--frame", "p"], "--frame"),
            (&["--buffer=1M", "p"], "--buffer <BYTES>"),
            (&["p", "hi"], "[MESSAGE]..."),
        ] {
            let refused = refusal(&[&["send"], words, &["--rate-limit=1M"]].concat());
            let said = format!("the argument '{named}' cannot be used with '--rate-limit <RATE>'");
            assert_eq!(refused, said);
            let refused = refusal(&[&["send", "--rate-limit=1M"], words].concat());
            let said = format!("the argument '--rate-limit <RATE>' cannot be used with '{named}'");
            assert_eq!(refused, said);
        }
    }

    #[test]
    fn what_a_mode_cannot_honour_is_refused() {
        for (words, said) in [
            (
                &["-l", "-0", "p"][..],
                "'--lines' cannot be used with '--null'",
            ),
            (
                &["--buffer=1M", "-l", "p"],
                "'--buffer <BYTES>' cannot be used with '--lines'",
            ),
            (
                &["--buffer=1M", "--frame", "p"],
                "'--buffer <BYTES>' cannot be used with '--frame'",
            ),
            (
                &["--buffer=1M", "p", "hi"],
                "'--buffer <BYTES>' cannot be used with '[MESSAGE]...'",
            ),
            (
                &["--no-wait", "-t", "1s", "p"],
                "'--no-wait' cannot be used with '--timeout <DUR>'",
            ),
            (
                &["--progress=always", "p", "hi"],
                "'--progress[=<WHEN>]' cannot be used with '[MESSAGE]...'",
            ),
            (
                &["--numeric", "p", "hi"],
                "'--numeric' cannot be used with '[MESSAGE]...'",
            ),
            (
                &["--name", "n", "p", "hi"],
                "'--name <NAME>' cannot be used with '[MESSAGE]...'",
            ),
        ] {
            let refused = refusal(&[&["send"], words].concat());
            assert_eq!(refused, format!("the argument {said}"));
        }
        assert_eq!(
            refusal(&["send", "-n", "p"]),
            "the following required arguments were not provided: <MESSAGE>..."
        );
    }
}
