//! What `fifo stat` will do, resolved from its arguments before any PATH
//! is looked at: what each PATH is first waited for, what is shown, and how
//! each is inspected.

use std::path::PathBuf;
use std::time::Duration;

use fifo_core::Peer;
use fifo_core::inspect::Options;

use crate::cli::StatArgs;
use crate::stat_format::Format;

/// What `fifo stat` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The paths reported on, in turn.
    pub paths: Vec<PathBuf>,
    /// The peers each PATH is first waited for, in order.
    pub waits: Vec<Peer>,
    /// The limit of each wait.
    pub timeout: Option<Duration>,
    /// What is shown for each PATH.
    pub show: Show,
    /// How each PATH is inspected: the /proc scan costs a few system calls
    /// per process, so it is skipped when the output cannot show it.
    pub inspect: Options,
}

/// What `fifo stat` shows for each PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Show {
    /// Nothing: `--wait-*` alone only waits.
    Nothing,
    /// The stat(1) layout.
    Human,
    /// `-c`/`--printf`.
    Format(Format),
    /// `--json`.
    Json,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &StatArgs) -> Self {
        let waits: Vec<Peer> = [
            (args.wait_reader, Peer::Reader),
            (args.wait_writer, Peer::Writer),
        ]
        .into_iter()
        .filter_map(|(wanted, peer)| wanted.then_some(peer))
        .collect();
        let show = match (args.format.as_ref().or(args.printf.as_ref()), args.json) {
            (Some(format), _) => Show::Format(format.clone()),
            (None, true) => Show::Json,
            (None, false) if !waits.is_empty() => Show::Nothing,
            (None, false) => Show::Human,
        };
        let live = match &show {
            Show::Format(format) => format.shows_live_state(),
            Show::Nothing => false,
            Show::Human | Show::Json => true,
        };
        Self {
            paths: args.paths.clone(),
            waits,
            timeout: args.timeout,
            show,
            inspect: Options::default().follow(args.dereference).live(live),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["stat"], words].concat()).unwrap() {
            Command::Stat(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    /// What is shown, what is waited for, and whether /proc is scanned.
    fn planned(words: &[&str]) -> (Show, Vec<Peer>, bool) {
        let plan = plan_of(words);
        (plan.show, plan.waits, plan.inspect.live)
    }

    fn format(text: &str) -> Show {
        Show::Format(Format::parse(text).unwrap())
    }

    #[test]
    fn every_path_is_shown_in_the_stat_layout() {
        let plan = plan_of(&["p", "q"]);
        assert_eq!(plan.paths, [PathBuf::from("p"), PathBuf::from("q")]);
        assert_eq!((plan.show, plan.timeout), (Show::Human, None));
        assert_eq!(plan.inspect, Options::default());
        assert!(plan_of(&["-L", "p"]).inspect.follow);
        assert_eq!(planned(&["--json", "p"]), (Show::Json, vec![], true));
        let printf = Show::Format(Format::parse_printf("%n\\n").unwrap());
        assert_eq!(
            planned(&["--printf", "%n\\n", "p"]),
            (printf, vec![], false)
        );
    }

    #[test]
    fn the_plan_scans_proc_only_when_the_output_shows_it() {
        assert_eq!(planned(&["-c", "%n", "p"]), (format("%n"), vec![], false));
        assert_eq!(
            planned(&["-c", "%{readers}", "p"]),
            (format("%{readers}"), vec![], true)
        );
        assert_eq!(
            planned(&["--wait-writer", "--wait-reader", "p"]),
            (Show::Nothing, vec![Peer::Reader, Peer::Writer], false)
        );
        assert_eq!(
            planned(&["--wait-reader", "-c", "%n", "p"]),
            (format("%n"), vec![Peer::Reader], false)
        );
        let plan = plan_of(&["--wait-reader", "-t", "2s", "p"]);
        assert_eq!(plan.timeout, Some(Duration::from_secs(2)));
    }

    #[test]
    fn one_output_form_at_a_time() {
        for (words, said) in [
            (
                &["-c", "%n", "--printf", "%n", "p"][..],
                "'--format <FMT>' cannot be used with '--printf <FMT>'",
            ),
            (
                &["--json", "-c", "%n", "p"],
                "'--json' cannot be used with '--format <FMT>'",
            ),
            (
                &["--printf", "%n", "--json", "p"],
                "'--printf <FMT>' cannot be used with '--json'",
            ),
        ] {
            let refused = refusal(&[&["stat"], words].concat());
            assert_eq!(refused, format!("the argument {said}"), "{words:?}");
        }
        assert_eq!(
            refusal(&["stat", "--json"]),
            "the following required arguments were not provided: <PATH>..."
        );
    }
}
