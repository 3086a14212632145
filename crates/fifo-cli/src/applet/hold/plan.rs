//! What `fifo hold` will do, resolved from its arguments without any I/O:
//! stop holders, start a detached holder, or hold here; and how it holds.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{HoldArgs, PipeArgs};

/// What `fifo hold` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The FIFOs held (or, with `--stop`, released).
    pub paths: Vec<PathBuf>,
    /// What is done with them.
    pub mode: Mode,
}

/// What is done with the FIFOs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `--stop`: end this user's holders of each PATH, waiting for each at
    /// most `timeout`.
    Stop { timeout: Option<Duration> },
    /// `--background`: start the detached holder, print its PID once it
    /// holds everything.
    Launch(Holding),
    /// Hold in this process; `detached`: as the holder `--background`
    /// started.
    Hold { holding: Holding, detached: bool },
}

/// How the FIFOs are held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// What `--create` makes, and whether `--rm` removes it at the end.
    pub create: Create,
    /// `--idle`: end after this long with nobody else holding and nothing
    /// buffered.
    pub idle: Option<Duration>,
    /// Pipe sizing.
    pub pipe: PipeArgs,
}

/// Whether a missing PATH is made, and what becomes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// PATH must exist.
    No,
    /// Made, and kept when the hold ends (removed if the hold fails).
    Keep,
    /// Made, and removed when the hold ends, also on a signal.
    Remove,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &HoldArgs) -> Self {
        let holding = Holding {
            create: match (args.create, args.rm) {
                (false, _) => Create::No,
                (true, false) => Create::Keep,
                (true, true) => Create::Remove,
            },
            idle: args.idle,
            pipe: args.pipe.clone(),
        };
        let mode = if args.stop {
            Mode::Stop {
                timeout: args.timeout,
            }
        } else if args.background && !args.detached {
            Mode::Launch(holding)
        } else {
            Mode::Hold {
                holding,
                detached: args.detached,
            }
        };
        Self {
            paths: args.paths.clone(),
            mode,
        }
    }
}

/// The command line (after `fifo`) of the detached holder that holds
/// `paths` as `holding` says: the launcher's, plus `--detached`.
pub fn detached_args(holding: &Holding, paths: &[PathBuf]) -> Vec<OsString> {
    let mut line: Vec<OsString> = vec![
        crate::cli::applets::HOLD.name.into(),
        "--background".into(),
        "--detached".into(),
    ];
    match holding.create {
        Create::No => {}
        Create::Keep => line.push("--create".into()),
        Create::Remove => line.extend(["--create".into(), "--rm".into()]),
    }
    if let Some(idle) = holding.idle {
        line.push(format!("--idle={}ms", idle.as_millis()).into());
    }
    if let Some(bytes) = holding.pipe.capacity {
        line.push(format!("--capacity={bytes}").into());
    }
    if holding.pipe.verbose {
        line.push("--verbose".into());
    }
    line.push("--".into());
    line.extend(paths.iter().map(|path| path.clone().into_os_string()));
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["hold"], words].concat()).unwrap() {
            Command::Hold(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    const PLAIN: Holding = Holding {
        create: Create::No,
        idle: None,
        pipe: PipeArgs {
            capacity: None,
            verbose: false,
        },
    };

    #[test]
    fn a_hold_is_here_until_told_otherwise() {
        let plan = plan_of(&["p", "q"]);
        assert_eq!(plan.paths, [PathBuf::from("p"), PathBuf::from("q")]);
        let here = Mode::Hold {
            holding: PLAIN,
            detached: false,
        };
        assert_eq!(plan.mode, here);
        assert_eq!(plan_of(&["-b", "p"]).mode, Mode::Launch(PLAIN));
        assert_eq!(plan_of(&["--stop", "p"]).mode, Mode::Stop { timeout: None });
        assert_eq!(
            plan_of(&["--stop", "-t", "2s", "p"]).mode,
            Mode::Stop {
                timeout: Some(Duration::from_secs(2))
            }
        );
    }

    #[test]
    fn what_is_made_is_kept_unless_removed() {
        let create = |words: &[&str]| match plan_of(words).mode {
            Mode::Hold { holding, .. } => holding.create,
            other => panic!("{other:?}"),
        };
        assert_eq!(create(&["p"]), Create::No);
        assert_eq!(create(&["--create", "p"]), Create::Keep);
        assert_eq!(create(&["--create", "--rm", "p"]), Create::Remove);
    }

    #[test]
    fn the_detached_holder_is_planned_as_its_launcher() {
        let plan = plan_of(&[
            "-b",
            "--create",
            "--rm",
            "--idle",
            "2s",
            "--capacity",
            "64K",
            "-v",
            "--",
            "p",
            "-q",
        ]);
        let Mode::Launch(holding) = plan.mode else {
            panic!("{:?}", plan.mode);
        };
        let wanted = Holding {
            create: Create::Remove,
            idle: Some(Duration::from_secs(2)),
            pipe: PipeArgs {
                capacity: Some(64 << 10),
                verbose: true,
            },
        };
        assert_eq!(holding, wanted);
        let line = detached_args(&holding, &plan.paths);
        let line: Vec<&str> = line.iter().map(|word| word.to_str().unwrap()).collect();
        let Command::Hold(args) = parse(&line).unwrap() else {
            panic!("{line:?}");
        };
        let detached = Plan::from_args(&args);
        assert_eq!(detached.paths, plan.paths);
        assert_eq!(
            detached.mode,
            Mode::Hold {
                holding: wanted,
                detached: true
            }
        );
    }

    #[test]
    fn stopping_refuses_what_only_a_hold_does() {
        for (words, said) in [
            (
                &["-b", "--stop", "p"][..],
                "the argument '--background' cannot be used with '--stop'",
            ),
            (
                &["--create", "--stop", "p"],
                "the argument '--create' cannot be used with '--stop'",
            ),
            (
                &["--idle", "1s", "--stop", "p"],
                "the argument '--idle <DUR>' cannot be used with '--stop'",
            ),
            (
                &["-t", "1s", "p"],
                "the following required arguments were not provided: --stop",
            ),
            (
                &["--rm", "p"],
                "the following required arguments were not provided: --create",
            ),
            (
                &["--detached", "p"],
                "the following required arguments were not provided: --background",
            ),
            (
                &["--stop"],
                "the following required arguments were not provided: <PATH>...",
            ),
        ] {
            assert_eq!(refusal(&[&["hold"], words].concat()), said, "{words:?}");
        }
    }
}
