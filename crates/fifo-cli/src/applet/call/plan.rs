//! What `fifo call` will do, resolved from its arguments without any I/O:
//! the server it calls, how long it waits, and the request it sends.

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use fifo_core::open::Wait;

use crate::applet::wait_from;
use crate::cli::CallArgs;

/// What `fifo call` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The FIFO whose server is called (through its socket, PATH.sock).
    pub path: PathBuf,
    /// `No`: fail at once when no server listens; `Timeout`: the limit of
    /// the whole call, reply included; `Forever`: wait for a server.
    pub wait: Wait,
    /// What is sent.
    pub request: Request,
}

/// What is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Standard input, to its end.
    Stdin,
    /// REQUEST: the words joined by spaces, plus a newline.
    Line(Vec<u8>),
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &CallArgs) -> Self {
        let request = if args.request.is_empty() {
            Request::Stdin
        } else {
            let mut line = args
                .request
                .iter()
                .map(|word| word.as_bytes())
                .collect::<Vec<_>>()
                .join(&b' ');
            line.push(b'\n');
            Request::Line(line)
        };
        Self {
            path: args.path.clone(),
            wait: wait_from(args.no_wait, args.timeout),
            request,
        }
    }

    /// The limit of the whole call, if there is one.
    pub fn limit(&self) -> Option<std::time::Duration> {
        match self.wait {
            Wait::Timeout(limit) => Some(limit),
            _ => None,
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
        match parse(&[&["call"], words].concat()).unwrap() {
            Command::Call(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stdin_is_the_request_and_the_call_waits_for_a_server() {
        let plan = plan_of(&["p"]);
        assert_eq!(
            (
                plan.path.clone(),
                plan.wait,
                plan.request.clone(),
                plan.limit()
            ),
            (PathBuf::from("p"), Wait::Forever, Request::Stdin, None)
        );
        let plan = plan_of(&["--no-wait", "p"]);
        assert_eq!((plan.wait, plan.limit()), (Wait::No, None));
    }

    #[test]
    fn a_timeout_bounds_the_whole_call() {
        let plan = plan_of(&["-t", "2s", "p"]);
        let limit = Duration::from_secs(2);
        assert_eq!(
            (plan.wait, plan.limit()),
            (Wait::Timeout(limit), Some(limit))
        );
    }

    #[test]
    fn a_request_is_its_words_and_a_newline() {
        let request = |words: &[&str]| plan_of(words).request;
        let line = |text: &[u8]| Request::Line(text.to_vec());
        assert_eq!(request(&["p", "hello", "world"]), line(b"hello world\n"));
        assert_eq!(request(&["p", "a b"]), line(b"a b\n"));
        assert_eq!(request(&["p", "--", "-t"]), line(b"-t\n"));
        assert_eq!(request(&["p", ""]), line(b"\n"));
    }

    #[test]
    fn not_waiting_and_a_timeout_are_refused_together() {
        assert_eq!(
            refusal(&["call", "--no-wait", "-t", "1s", "p"]),
            "the argument '--no-wait' cannot be used with '--timeout <DUR>'"
        );
        assert_eq!(
            refusal(&["call", "-t", "1s", "--no-wait", "p"]),
            "the argument '--timeout <DUR>' cannot be used with '--no-wait'"
        );
        assert_eq!(
            refusal(&["call"]),
            "the following required arguments were not provided: <PATH>"
        );
    }
}
