//! What `fifo serve` will do, resolved from its arguments without any I/O:
//! the FIFO it holds, how it splits requests, how many jobs it runs and
//! how, when it stops, and where it logs them.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::ServeArgs;

/// What `fifo serve` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The FIFO requests are read from; calls come on `PATH.sock`.
    pub path: PathBuf,
    /// `--create`: a missing PATH is made a FIFO.
    pub create: bool,
    /// `--rm`: what `--create` made is removed at the end.
    pub remove: bool,
    /// CMD and its arguments, run once per request.
    pub command: Vec<OsString>,
    /// What ends a request: a newline, or a NUL with `-0`.
    pub separator: u8,
    /// `-j`: jobs run at once.
    pub jobs: u32,
    /// `--retries`: how often a failed job runs in all.
    pub tries: u32,
    /// `-k`: output in the order requests came in.
    pub keep_order: bool,
    /// `-n`: requests taken before stopping.
    pub requests: Option<u64>,
    /// `--idle`: how long serve waits with nothing to do.
    pub idle: Option<Duration>,
    /// `--joblog`.
    pub joblog: Option<Joblog>,
}

/// `--joblog FILE`, or `+FILE` to append, as in parallel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joblog {
    /// FILE.
    pub path: PathBuf,
    /// Appended to (given as `+FILE`), else emptied first.
    pub append: bool,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &ServeArgs) -> Self {
        let joblog = args.joblog.as_ref().map(|given| {
            match given.as_os_str().as_bytes().strip_prefix(b"+") {
                Some(rest) => Joblog {
                    path: PathBuf::from(OsString::from_vec(rest.to_vec())),
                    append: true,
                },
                None => Joblog {
                    path: given.clone(),
                    append: false,
                },
            }
        });
        Self {
            path: args.path.clone(),
            create: args.create,
            remove: args.rm,
            command: args.command.clone(),
            separator: if args.null { 0 } else { b'\n' },
            jobs: args.jobs,
            tries: args.retries,
            keep_order: args.keep_order,
            requests: args.requests,
            idle: args.idle,
            joblog,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["serve"], words].concat()).unwrap() {
            Command::Serve(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bare_serve_runs_one_job_per_line_in_order() {
        let plan = plan_of(&["q", "--", "sh", "-c", "cat"]);
        let expected = Plan {
            path: "q".into(),
            create: false,
            remove: false,
            command: ["sh", "-c", "cat"].map(OsString::from).to_vec(),
            separator: b'\n',
            jobs: 1,
            tries: 1,
            keep_order: false,
            requests: None,
            idle: None,
            joblog: None,
        };
        assert_eq!(plan, expected);
    }

    #[test]
    fn options_shape_the_jobs_and_the_end() {
        let words = [
            "-0",
            "-j",
            "4",
            "-k",
            "--retries",
            "3",
            "-n",
            "10",
            "--idle",
            "2s",
            "--create",
            "--rm",
            "q",
            "--",
            "true",
        ];
        let plan = plan_of(&words);
        assert_eq!((plan.separator, plan.jobs, plan.tries), (0, 4, 3));
        assert!(plan.keep_order && plan.create && plan.remove);
        assert_eq!(
            (plan.requests, plan.idle),
            (Some(10), Some(Duration::from_secs(2)))
        );
    }

    #[test]
    fn a_joblog_given_as_plus_file_is_appended_to() {
        let joblog = |given| plan_of(&["--joblog", given, "q", "--", "true"]).joblog;
        let log = |path: &str, append| {
            Some(Joblog {
                path: path.into(),
                append,
            })
        };
        assert_eq!(joblog("log"), log("log", false));
        assert_eq!(joblog("+log"), log("log", true));
        assert_eq!(joblog("+"), log("", true));
    }

    #[test]
    fn what_serve_cannot_do_is_refused() {
        assert_eq!(
            refusal(&["serve", "q"]),
            "the following required arguments were not provided: <CMD>..."
        );
        assert_eq!(
            refusal(&["serve", "--rm", "q", "--", "true"]),
            "the following required arguments were not provided: --create"
        );
        for (option, said) in [
            ("--retries=0", "invalid number of tries '0' (use 1 or more)"),
            ("-j0", "invalid number of jobs '0' (use 1 or more)"),
        ] {
            let refused = refusal(&["serve", option, "q", "--", "true"]);
            assert!(refused.ends_with(said), "{refused}");
        }
    }
}
