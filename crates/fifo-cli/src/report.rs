//! One-line messages on standard error: `fifo CMD: 'PATH': what happened`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use fifo_core::{Error, Subject};

use crate::exit_code;

/// Prints `err` for applet `applet` (unless it is quiet) and returns its
/// exit status.
pub fn failure(applet: &str, err: &Error) -> u8 {
    if !exit_code::is_quiet(err) {
        message(applet, &format!("{}: {err}", subject(err)));
    }
    exit_code::code(err)
}

/// Prints `err` followed by what was done about it (e.g. "skipped").
pub fn warning(applet: &str, err: &Error, outcome: &str) {
    message(applet, &format!("{}: {err}; {outcome}", subject(err)));
}

fn subject(err: &Error) -> String {
    match err.subject() {
        Subject::Path(path) => quote(path),
        Subject::Stdin => "standard input".to_owned(),
        Subject::Stdout => "standard output".to_owned(),
        Subject::Process(pid) => format!("process {pid}"),
    }
}

/// Prints `fifo APPLET: TEXT` (or `fifo: TEXT` for no applet) as one line
/// on standard error.
pub fn message(applet: &str, text: &str) {
    let space = if applet.is_empty() { "" } else { " " };
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = writeln!(std::io::stderr().lock(), "fifo{space}{applet}: {text}");
}

/// Prints what clap says about the command line and returns its status:
/// help and version as clap renders them, a mistake as one line.
pub fn usage(applet: &str, err: &clap::Error) -> u8 {
    use clap::error::ErrorKind;
    let status = u8::try_from(err.exit_code()).unwrap_or(exit_code::USAGE);
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
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

/// `'path'`, with control characters and bytes that are not UTF-8 escaped so
/// the message stays one readable line.
pub fn quote(path: &Path) -> String {
    let mut out = String::from("'");
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::*;

    #[test]
    fn quoting_keeps_a_message_on_one_line() {
        assert_eq!(quote(Path::new("/tmp/a b")), "'/tmp/a b'");
        assert_eq!(quote(Path::new("x\ny")), "'x\\ny'");
        let bytes = OsStr::from_bytes(b"bad\xffname");
        assert_eq!(quote(Path::new(bytes)), "'bad\\xffname'");
    }
}
