//! One-line messages on standard error: `fifo CMD: 'PATH': what happened`;
//! and whole documents (help, completions, a path) written to standard
//! output, whose write errors are reported the same way.

use std::io::{self, Write as _};
use std::path::Path;

use fifo_core::error::Chain;
use fifo_core::{Action, Error, Subject};

use crate::exit_code::{self, ExitCode};
use crate::stdio::{Needs, check_standard_streams};

/// Prints `err` for applet `applet` (unless it is quiet), with the system's
/// error behind it ([`Chain`]), and returns its exit status.
pub fn failure(applet: &str, err: &Error) -> ExitCode {
    if !exit_code::is_quiet(err) {
        message(applet, &Chain(err).to_string());
    }
    exit_code::code(err)
}

/// Prints `err` followed by what was done about it (e.g. "skipped").
pub fn warning(applet: &str, err: &Error, outcome: &str) {
    message(applet, &format!("{}; {outcome}", Chain(err)));
}

/// Prints an error of this binary's own making, not `fifo-core`'s (it
/// could not start a process of its own, or watch for signals): its
/// context, then its cause, `fifo APPLET: CONTEXT: WHY`, walking the chain
/// once, an OS error in the words every other message uses for it.
pub fn error(applet: &str, err: &anyhow::Error) {
    message(applet, &chain(err));
}

/// `CONTEXT: WHY` of [`error`].
fn chain(err: &anyhow::Error) -> String {
    let links: Vec<String> = err
        .chain()
        .map(|link| match link.downcast_ref::<io::Error>() {
            Some(os) => fifo_core::error::describe(os),
            None => link.to_string(),
        })
        .collect();
    links.join(": ")
}

/// Prints `fifo APPLET: TEXT` (or `fifo: TEXT` for no applet) as one line
/// on standard error.
pub fn message(applet: &str, text: &str) {
    let space = if applet.is_empty() { "" } else { " " };
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = writeln!(std::io::stderr().lock(), "fifo{space}{applet}: {text}");
}

/// Writes `bytes` (a whole document: help, completions, a path) to standard
/// output for `applet` and returns the exit status: 0, or the failure
/// reported as for any other write to standard output.
pub fn write_stdout(applet: &str, bytes: &[u8]) -> ExitCode {
    if let Err(err) = check_standard_streams(STDOUT_ONLY) {
        return failure(applet, &err);
    }
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::Success,
        Err(err) => stdout_failed(applet, err),
    }
}

const STDOUT_ONLY: Needs = Needs {
    stdin: false,
    stdout: true,
};

/// Reports a failed write to standard output, `fifo APPLET: standard
/// output: write error: WHY` (quiet, 141, when its reader closed it), and
/// returns the status.
fn stdout_failed(applet: &str, err: io::Error) -> ExitCode {
    failure(applet, &Error::sys(Subject::Stdout, Action::Write, err))
}

/// Prints what clap says about the command line and returns its status:
/// help and version as clap renders them (a failed write to standard output
/// is reported like any other), a mistake as one line.
pub fn usage(applet: &str, err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let status = if err.exit_code() == 0 {
        ExitCode::Success
    } else {
        ExitCode::Usage
    };
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        if let Err(closed) = check_standard_streams(STDOUT_ONLY) {
            return failure(applet, &closed);
        }
        return match err.print().and_then(|()| io::stdout().flush()) {
            Ok(()) => status,
            Err(write) => stdout_failed(applet, write),
        };
    }
    if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // Help instead of a mistake, on stderr: nothing to report it on.
        let _ = err.print();
        return status;
    }
    // clap's text: "error: WHAT\n  DETAIL\n\n  tip: ...\n\nUsage: ...".
    let rendered = err.render().to_string();
    let what = rendered.split("\n\n").next().unwrap_or_default();
    let what = what.strip_prefix("error: ").unwrap_or(what);
    let line = what.split_whitespace().collect::<Vec<_>>().join(" ");
    let space = if applet.is_empty() { "" } else { " " };
    message(
        applet,
        &format!("{line} (try 'fifo{space}{applet} --help')"),
    );
    status
}

/// `'path'` as every message quotes a path: on one readable line.
pub fn quote(path: &Path) -> String {
    Subject::path(path).to_string()
}

#[cfg(test)]
mod tests {
    use anyhow::Context as _;

    use super::*;

    #[test]
    fn an_error_of_our_own_reads_context_then_cause_once() {
        let failed: Result<(), io::Error> = Err(io::Error::from_raw_os_error(2));
        let err = failed.context("cannot start the holder").unwrap_err();
        assert_eq!(
            chain(&err),
            "cannot start the holder: No such file or directory"
        );
    }
}
