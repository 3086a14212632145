//! What `fifo redirect` will do, resolved from its arguments without any
//! I/O: the FIFO, which way and on which descriptor it is opened, how long
//! the open waits, and the command that inherits it.

use std::ffi::OsString;
use std::os::fd::RawFd;
use std::path::PathBuf;

use fifo_core::open::{Direction, Wait};

use crate::applet::wait_from;
use crate::cli::{PipeArgs, RedirectArgs};

/// What `fifo redirect` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The FIFO opened.
    pub path: PathBuf,
    /// `--create`: a missing PATH is made a FIFO.
    pub create: bool,
    /// Which way it is opened (bash's `N<`, `N>`, `N<>`).
    pub direction: Direction,
    /// How long the open waits for the other end (`--rw` never waits).
    pub wait: Wait,
    /// The descriptor it is placed on.
    pub fd: RawFd,
    /// Pipe sizing.
    pub pipe: PipeArgs,
    /// CMD's program, found as a shell finds it.
    pub program: OsString,
    /// CMD's arguments.
    pub rest: Vec<OsString>,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &RedirectArgs) -> Self {
        let direction = match (args.read, args.write) {
            (true, _) => Direction::Read,
            (_, true) => Direction::Write,
            _ => Direction::ReadWrite,
        };
        let (program, rest) = args.command.split_first().expect("clap requires CMD");
        Self {
            path: args.path.clone(),
            create: args.create,
            direction,
            // O_RDWR never waits; clap refuses --timeout with --rw.
            wait: wait_from(false, args.timeout),
            fd: args.fd,
            pipe: args.pipe.clone(),
            program: program.clone(),
            rest: rest.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["redirect"], words].concat()).unwrap() {
            Command::Redirect(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_fifo_is_opened_one_way_on_the_descriptor_for_cmd() {
        let plan = plan_of(&["--fd", "3", "--read", "p", "--", "sh", "-c", "cat <&3"]);
        let wanted = Plan {
            path: PathBuf::from("p"),
            create: false,
            direction: Direction::Read,
            wait: Wait::Forever,
            fd: 3,
            pipe: PipeArgs {
                capacity: None,
                verbose: false,
            },
            program: "sh".into(),
            rest: vec!["-c".into(), "cat <&3".into()],
        };
        assert_eq!(plan, wanted);
        let plan = plan_of(&["--fd=1", "--write", "-t", "2s", "p", "--", "true"]);
        assert_eq!(
            (plan.direction, plan.wait, plan.fd),
            (Direction::Write, Wait::Timeout(Duration::from_secs(2)), 1)
        );
        assert!(plan.rest.is_empty());
    }

    #[test]
    fn both_ways_never_waits_and_may_make_the_fifo() {
        let plan = plan_of(&[
            "--fd",
            "0",
            "--rw",
            "--create",
            "--capacity",
            "64K",
            "p",
            "--",
            "x",
        ]);
        assert_eq!((plan.direction, plan.create), (Direction::ReadWrite, true));
        assert_eq!(plan.pipe.capacity, Some(64 << 10));
    }

    #[test]
    fn one_direction_and_a_command_are_required() {
        for (words, said) in [
            (
                &["--fd", "3", "--read", "--write", "p", "--", "x"][..],
                "the argument '--read' cannot be used with '--write'",
            ),
            (
                &["--fd", "3", "--rw", "-t", "1s", "p", "--", "x"],
                "the argument '--rw' cannot be used with '--timeout <DUR>'",
            ),
            (
                &["--fd", "3", "p", "--", "x"],
                "the following required arguments were not provided: <--read|--write|--rw>",
            ),
            (
                &["--fd", "3", "--read", "p"],
                "the following required arguments were not provided: <CMD>...",
            ),
            (
                &["--fd", "x", "--read", "p", "--", "x"],
                "invalid value 'x' for '--fd <N>': 'x' is not a descriptor number",
            ),
        ] {
            assert_eq!(refusal(&[&["redirect"], words].concat()), said, "{words:?}");
        }
    }
}
