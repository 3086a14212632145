//! What `fifo tee` will do, resolved from its arguments without any I/O:
//! the outputs it opens and how, what a failed output does, the lossy
//! outputs, and how the data moves.

use std::path::PathBuf;
use std::time::Duration;

use fifo_core::open::Wait;
use fifo_core::transfer::lossy::{END_GRACE, Unit};

use crate::applet::transfer::{Rate, Transfer};
use crate::applet::wait_from;
use crate::cli::{OutputError, TeeArgs};

/// What `fifo tee` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The outputs besides stdout: FIFOs or existing regular files.
    pub paths: Vec<PathBuf>,
    /// `-a`: regular files are appended to.
    pub append: bool,
    /// How long a FIFO's open waits for a reader.
    pub wait: Wait,
    /// What a failed output does.
    pub on_failure: OnFailure,
    /// `--lossy`: outputs that never slow the others.
    pub lossy: Option<Lossy>,
    /// `--rate-limit`.
    pub rate: Option<Rate>,
    /// The meter, pipe sizing and engine.
    pub transfer: Transfer,
}

/// What a failed output does (`--output-error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnFailure {
    /// An output whose reader left is dropped silently (the -nopipe modes).
    pub reader_may_leave: bool,
    /// Any other failure stops the copy (exit); else it is warned about,
    /// the output dropped, and the copy goes on.
    pub stop: bool,
    /// Without `--output-error`, stdout's reader leaving when no other
    /// output is left ends the copy quietly with 141, as SIGPIPE ends GNU
    /// tee; with it, that reader is handled as any other output's (GNU tee
    /// ignores SIGPIPE then): dropped silently by the -nopipe modes, said
    /// with status 1 by `warn` and `exit`.
    pub sigpipe_ends: bool,
}

/// The lossy outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lossy {
    /// The FIFOs.
    pub paths: Vec<PathBuf>,
    /// `--lossy-lines`: what is dropped whole.
    pub unit: Unit,
    /// `--lossy-buffer`: bytes queued per output beyond its pipe.
    pub queue: usize,
    /// `--idle`: how long a reader may take nothing once the input ended.
    pub grace: Duration,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &TeeArgs) -> Self {
        let (reader_may_leave, stop) = match args.output_error {
            None | Some(OutputError::Warn) => (false, false),
            Some(OutputError::WarnNopipe) => (true, false),
            Some(OutputError::Exit) => (false, true),
            Some(OutputError::ExitNopipe) => (true, true),
        };
        let sigpipe_ends = args.output_error.is_none();
        let lossy = (!args.lossy.is_empty()).then(|| Lossy {
            paths: args.lossy.clone(),
            unit: if args.lossy_lines {
                Unit::Line
            } else {
                Unit::Chunk
            },
            queue: args.lossy_buffer,
            grace: args.idle.unwrap_or(END_GRACE),
        });
        Self {
            paths: args.paths.clone(),
            append: args.append,
            wait: wait_from(args.no_wait, args.timeout),
            on_failure: OnFailure {
                reader_may_leave,
                stop,
                sigpipe_ends,
            },
            lossy,
            rate: Rate::from_args(&args.transfer),
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

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["tee"], words].concat()).unwrap() {
            Command::Tee(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bare_tee_copies_to_stdout_only() {
        let plan = plan_of(&[]);
        assert!(plan.paths.is_empty());
        assert_eq!((plan.append, plan.wait), (false, Wait::Forever));
        let warn = OnFailure {
            reader_may_leave: false,
            stop: false,
            sigpipe_ends: true,
        };
        assert_eq!(plan.on_failure, warn);
        assert_eq!((plan.lossy, plan.rate), (None, None));
    }

    #[test]
    fn outputs_are_opened_as_asked() {
        let plan = plan_of(&["-a", "--no-wait", "a", "b"]);
        assert_eq!(plan.paths, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!((plan.append, plan.wait), (true, Wait::No));
        let plan = plan_of(&["-t", "3s", "a"]);
        assert_eq!(plan.wait, Wait::Timeout(Duration::from_secs(3)));
        let rate = Rate {
            limit: NonZeroU64::new(1000).unwrap(),
            file: None,
        };
        assert_eq!(plan_of(&["--rate-limit", "1000"]).rate, Some(rate));
    }

    #[test]
    fn output_error_modes_say_what_a_failure_does() {
        for (words, reader_may_leave, stop, sigpipe_ends) in [
            (&[][..], false, false, true),
            (&["--output-error=warn"], false, false, false),
            (&["--output-error"], true, false, false),
            (&["--output-error=warn-nopipe"], true, false, false),
            (&["--output-error=exit"], false, true, false),
            (&["--output-error=exit-nopipe"], true, true, false),
        ] {
            let on_failure = OnFailure {
                reader_may_leave,
                stop,
                sigpipe_ends,
            };
            assert_eq!(plan_of(words).on_failure, on_failure, "{words:?}");
        }
    }

    #[test]
    fn lossy_outputs_have_their_queue_unit_and_grace() {
        let lossy = Lossy {
            paths: vec!["l".into(), "m".into()],
            unit: Unit::Chunk,
            queue: 1 << 20,
            grace: END_GRACE,
        };
        assert_eq!(
            plan_of(&["--lossy", "l", "--lossy", "m"]).lossy,
            Some(lossy)
        );
        let words = [
            "--lossy=l",
            "--lossy-lines",
            "--lossy-buffer=4K",
            "--idle=5s",
        ];
        let lossy = Lossy {
            paths: vec!["l".into()],
            unit: Unit::Line,
            queue: 4096,
            grace: Duration::from_secs(5),
        };
        assert_eq!(plan_of(&words).lossy, Some(lossy));
    }

    #[test]
    fn what_tee_cannot_honour_is_refused() {
        assert_eq!(
            refusal(&["tee", "--no-wait", "-t", "1s", "a"]),
            "the argument '--no-wait' cannot be used with '--timeout <DUR>'"
        );
        for option in ["--lossy-lines", "--lossy-buffer=1K", "--idle=1s"] {
            assert_eq!(
                refusal(&["tee", option, "a"]),
                "the following required arguments were not provided: --lossy <PATH>"
            );
        }
        let refused = refusal(&["tee", "--output-error=sometimes", "a"]);
        assert!(
            refused.starts_with("invalid value 'sometimes'"),
            "{refused}"
        );
    }
}
