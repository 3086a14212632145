//! What `fifo wait` will do, resolved from its arguments without any I/O:
//! the condition, the FIFOs it must hold for, the one timeout, and whether
//! a failure is said.

use std::path::PathBuf;
use std::time::Duration;

use fifo_core::inspect::wait::Condition;

use crate::cli::WaitArgs;

/// What `fifo wait` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The FIFOs waited for, in turn.
    pub paths: Vec<PathBuf>,
    /// What must hold for every one.
    pub condition: Condition,
    /// One limit for all the PATHs together.
    pub timeout: Option<Duration>,
    /// `--quiet`: a failure is its status only.
    pub quiet: bool,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &WaitArgs) -> Self {
        let condition = if args.exists {
            Condition::Exists
        } else if args.reader {
            Condition::Reader
        } else if args.writer {
            Condition::Writer
        } else if args.data {
            Condition::Data
        } else {
            Condition::Empty
        };
        Self {
            paths: args.paths.clone(),
            condition,
            timeout: args.timeout,
            quiet: args.quiet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["wait"], words].concat()).unwrap() {
            Command::Wait(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_flag_is_its_condition() {
        for (flag, condition) in [
            ("--exists", Condition::Exists),
            ("--reader", Condition::Reader),
            ("--writer", Condition::Writer),
            ("--data", Condition::Data),
            ("--empty", Condition::Empty),
        ] {
            assert_eq!(plan_of(&[flag, "p"]).condition, condition, "{flag}");
        }
    }

    #[test]
    fn one_timeout_for_every_path() {
        let plan = plan_of(&["--reader", "p", "q"]);
        assert_eq!(
            plan,
            Plan {
                paths: vec![PathBuf::from("p"), PathBuf::from("q")],
                condition: Condition::Reader,
                timeout: None,
                quiet: false,
            }
        );
        let plan = plan_of(&["--data", "-q", "-t", "2s", "p"]);
        assert_eq!(
            (plan.timeout, plan.quiet),
            (Some(Duration::from_secs(2)), true)
        );
    }

    #[test]
    fn exactly_one_condition() {
        assert_eq!(
            refusal(&["wait", "--reader", "--writer", "p"]),
            "the argument '--reader' cannot be used with '--writer'"
        );
        assert_eq!(
            refusal(&["wait", "--data", "--empty", "p"]),
            "the argument '--data' cannot be used with '--empty'"
        );
        assert_eq!(
            refusal(&["wait", "p"]),
            "the following required arguments were not provided: \
             <--exists|--reader|--writer|--data|--empty>"
        );
        assert_eq!(
            refusal(&["wait", "--exists"]),
            "the following required arguments were not provided: <PATH>..."
        );
    }
}
