//! The bad-input matrix: every command against missing paths, wrong file
//! types, symlinks, permissions, over-long and odd names, bad values and
//! absent peers. Each case must exit with its status, say one line naming
//! the path, and leave the directory exactly as it was. Every row is a trial
//! of its own, `bad_input::ROW`, so one failing row hides none of the others.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Stdio;

use libtest_mimic::Trial;

use super::{CHILD_WAIT_TIMEOUT, is_root};

/// Root passes every permission check, so root runs the permission rows as
/// this unprivileged user; anyone else is refused as they are.
const NOBODY: &[&str] = &[
    "setpriv",
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
];

/// A fixture directory with one of everything.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    for name in [
        &b"fifo"[..],
        b"locked",
        b"sp ace",
        b"new\nline",
        b"bad\xffname",
    ] {
        let path = root.join(std::ffi::OsStr::from_bytes(name));
        // `locked` (mode 000) refuses everyone but root: its owner too.
        let mode = if name == b"locked" { 0o000 } else { 0o600 };
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(mode)).unwrap();
    }
    std::fs::write(root.join("file"), "data\n").unwrap();
    std::fs::create_dir(root.join("dir")).unwrap();
    std::fs::create_dir(root.join("ro")).unwrap();
    std::fs::set_permissions(root.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    std::os::unix::fs::symlink("fifo", root.join("link-fifo")).unwrap();
    std::os::unix::fs::symlink("file", root.join("link-file")).unwrap();
    std::os::unix::fs::symlink("missing", root.join("dangling")).unwrap();
    dir
}

/// Names, types, modes, sizes and contents of everything in `dir`.
fn snapshot(dir: &Path) -> Vec<(OsString, String)> {
    let mut entries: Vec<(OsString, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            let content = if meta.is_file() {
                String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned()
            } else {
                String::new()
            };
            let kind = if meta.file_type().is_fifo() {
                "fifo"
            } else if meta.is_dir() {
                "dir"
            } else if meta.is_symlink() {
                "link"
            } else {
                "file"
            };
            (
                entry.file_name(),
                format!("{kind} {:o} {} {content}", meta.mode(), meta.len()),
            )
        })
        .collect();
    entries.sort();
    entries
}

struct Case {
    args: Vec<OsString>,
    status: i32,
    message: &'static str,
    /// A permission row: refused for an unprivileged user (root runs it as
    /// one), on `ro/` (0555) or `locked` (0000), which refuse their owner too.
    unprivileged: bool,
    stdout_full: bool,
}

fn case(args: &[&str], status: i32, message: &'static str) -> Case {
    Case {
        args: args.iter().map(OsString::from).collect(),
        status,
        message,
        unprivileged: false,
        stdout_full: false,
    }
}

fn raw(args: Vec<OsString>, status: i32, message: &'static str) -> Case {
    Case {
        args,
        status,
        message,
        unprivileged: false,
        stdout_full: false,
    }
}

fn unprivileged(mut case: Case) -> Case {
    case.unprivileged = true;
    case
}

impl Case {
    /// The row's trial name, made of its arguments: `cat -t 100ms fifo` is
    /// `cat_t_100ms_fifo`.
    fn name(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        for arg in &self.args {
            let arg = &arg.as_bytes()[..arg.len().min(20)];
            words.extend(
                arg.split(|b| !b.is_ascii_alphanumeric())
                    .filter(|word| !word.is_empty())
                    .map(|word| String::from_utf8_lossy(word).into_owned()),
            );
        }
        if self.stdout_full {
            words.extend(["to", "dev", "full"].map(String::from));
        }
        words.join("_")
    }
}

#[allow(clippy::too_many_lines)] // A table: one case per entry.
fn cases() -> Vec<Case> {
    let long = "n".repeat(300);
    let long: &'static str = Box::leak(long.into_boxed_str());
    let bad = |cmd: &str, extra: &[&str]| {
        let mut args: Vec<OsString> = vec![cmd.into()];
        args.extend(extra.iter().map(OsString::from));
        args.push(OsString::from_vec(b"bad\xffname".to_vec()));
        args
    };
    vec![
        // mk
        case(
            &["mk", "dir"],
            1,
            "fifo mk: 'dir': cannot create fifo: File exists",
        ),
        case(
            &["mk", "file"],
            1,
            "fifo mk: 'file': cannot create fifo: File exists",
        ),
        case(
            &["mk", "missing/x"],
            1,
            "fifo mk: 'missing/x': cannot create fifo: No such file or directory",
        ),
        unprivileged(case(
            &["mk", "ro/x"],
            1,
            "fifo mk: 'ro/x': cannot create fifo: Permission denied",
        )),
        case(&["mk", long], 1, "cannot create fifo: File name too long"),
        case(&["mk", "-m", "999", "x"], 2, "invalid mode '999'"),
        case(
            &["mk", "-m", "u+s", "x"],
            2,
            "must specify only file permission bits",
        ),
        case(
            &["mk", "--exist-ok", "file"],
            1,
            "fifo mk: 'file': already exists and is not a fifo (it is a regular file)",
        ),
        case(
            &["mk", "--exist-ok", "link-file"],
            1,
            "fifo mk: 'link-file': already exists and is not a fifo",
        ),
        case(
            &["mk", "--exist-ok", "dangling"],
            1,
            "fifo mk: 'dangling': cannot create fifo: No such file or directory",
        ),
        case(
            &["mk", "--temp", "a", "b"],
            2,
            "--temp takes at most one NAME",
        ),
        // cat
        case(
            &["cat", "missing"],
            1,
            "fifo cat: 'missing': cannot open: No such file or directory",
        ),
        case(
            &["cat", "dir"],
            1,
            "fifo cat: 'dir': cannot open: Is a directory",
        ),
        case(
            &["cat", "dangling"],
            1,
            "fifo cat: 'dangling': cannot open: No such file or directory",
        ),
        case(
            &["cat", "-t", "soon", "fifo"],
            2,
            "invalid time interval 'soon'",
        ),
        case(
            &["cat", "-t", "100ms", "fifo"],
            124,
            "fifo cat: 'fifo': timed out after 100ms waiting for a writer",
        ),
        case(
            &["cat", "-t", "100ms", "link-fifo"],
            124,
            "fifo cat: 'link-fifo': timed out after 100ms waiting for a writer",
        ),
        case(&["cat", "--rm", "fifo"], 2, "--create"),
        case(&["cat", "-c", "lots", "fifo"], 2, "invalid value 'lots'"),
        unprivileged(case(
            &["cat", "locked"],
            1,
            "fifo cat: 'locked': cannot open: Permission denied",
        )),
        raw(
            bad("cat", &["-t", "100ms"]),
            124,
            "fifo cat: 'bad\\xffname': timed out",
        ),
        case(
            &["cat", "-t", "100ms", "new\nline"],
            124,
            "fifo cat: 'new\\nline': timed out",
        ),
        Case {
            stdout_full: true,
            ..case(
                &["cat", "file"],
                1,
                "fifo cat: standard output: write error: No space left on device",
            )
        },
        case(
            &["cat", "--merge", "-t", "1s", "fifo"],
            2,
            "cannot be used with",
        ),
        // send
        case(
            &["send", "missing", "x"],
            1,
            "fifo send: 'missing': cannot open: No such file or directory",
        ),
        case(
            &["send", "file", "x"],
            1,
            "fifo send: 'file': not a fifo (it is a regular file)",
        ),
        case(
            &["send", "dir", "x"],
            1,
            "fifo send: 'dir': cannot open: Is a directory",
        ),
        case(
            &["send", "link-file", "x"],
            1,
            "fifo send: 'link-file': not a fifo (it is a regular file)",
        ),
        case(
            &["send", "dangling", "x"],
            1,
            "fifo send: 'dangling': cannot open: No such file or directory",
        ),
        case(
            &["send", "--no-wait", "fifo", "x"],
            3,
            "fifo send: 'fifo': no reader (nobody has it open for reading)",
        ),
        case(
            &["send", "--no-wait", "fifo", ""],
            3,
            "fifo send: 'fifo': no reader",
        ),
        case(
            &["send", "-t", "100ms", "fifo", "x"],
            124,
            "fifo send: 'fifo': timed out after 100ms waiting for a reader",
        ),
        case(
            &["send", "--no-wait", "-t", "1s", "fifo", "x"],
            2,
            "cannot be used with",
        ),
        case(
            &["send", "--no-wait", "/dev/null", "x"],
            1,
            "fifo send: '/dev/null': not a fifo (it is a character special file)",
        ),
        case(
            &["send", "--no-wait", "sp ace", "x"],
            3,
            "fifo send: 'sp ace': no reader",
        ),
        case(&["send", "-l", "-0", "fifo"], 2, "cannot be used with"),
        unprivileged(case(
            &["send", "--no-wait", "locked", "x"],
            1,
            "fifo send: 'locked': cannot open: Permission denied",
        )),
        case(
            &["send", "--capacity", "0", "fifo", "x"],
            2,
            "invalid size '0'",
        ),
        // tee
        case(
            &["tee", "missing"],
            1,
            "fifo tee: 'missing': cannot open: No such file or directory",
        ),
        case(
            &["tee", "dir"],
            1,
            "fifo tee: 'dir': cannot open: Is a directory",
        ),
        case(
            &["tee", "--output-error=bogus", "fifo"],
            2,
            "invalid value 'bogus'",
        ),
        case(
            &["tee", "--no-wait", "-t", "1s", "fifo"],
            2,
            "cannot be used with",
        ),
        case(
            &["tee", "-t", "100ms", "fifo"],
            124,
            "fifo tee: 'fifo': timed out after 100ms waiting for a reader",
        ),
        // redirect
        case(
            &["redirect", "--fd", "3", "fifo", "--", "true"],
            2,
            "<--read|--write|--rw>",
        ),
        case(&["redirect", "--fd", "3", "--rw", "fifo"], 2, "<CMD>"),
        case(
            &["redirect", "--fd", "99999999", "--rw", "fifo", "--", "true"],
            2,
            "is out of range",
        ),
        case(
            &["redirect", "--fd", "-1", "--rw", "fifo", "--", "true"],
            2,
            "unexpected argument",
        ),
        case(
            &["redirect", "--fd", "3", "--rw", "missing", "--", "true"],
            1,
            "fifo redirect: 'missing': cannot open: No such file or directory",
        ),
        case(
            &[
                "redirect",
                "--fd",
                "3",
                "--rw",
                "fifo",
                "--",
                "no-such-command",
            ],
            127,
            "fifo redirect: 'no-such-command': command not found",
        ),
        case(
            &["redirect", "--fd", "3", "--write", "file", "--", "true"],
            1,
            "fifo redirect: 'file': not a fifo (it is a regular file)",
        ),
        case(
            &[
                "redirect", "--fd", "1", "--read", "-t", "100ms", "fifo", "--", "true",
            ],
            124,
            "fifo redirect: 'fifo': timed out after 100ms waiting for a writer",
        ),
        // stat
        case(
            &["stat", "missing"],
            1,
            "fifo stat: 'missing': cannot stat: No such file or directory",
        ),
        case(
            &["stat", "-L", "dangling"],
            1,
            "fifo stat: 'dangling': cannot stat: No such file or directory",
        ),
        case(&["stat", "-c", "%Q", "fifo"], 2, "unknown directive '%Q'"),
        case(
            &["stat", "--wait-reader", "-t", "100ms", "fifo"],
            124,
            "fifo stat: 'fifo': timed out after 100ms waiting for a reader",
        ),
        case(
            &["stat", "--wait-writer", "-t", "1s", "file"],
            1,
            "fifo stat: 'file': not a fifo (it is a regular file)",
        ),
        // call: what no fifo serve can read is refused, not waited on
        case(
            &["call", "-t", "5s", "file", "x"],
            1,
            "fifo call: 'file': not a fifo (it is a regular file)",
        ),
        case(
            &["call", "-t", "5s", "dir", "x"],
            1,
            "fifo call: 'dir': not a fifo (it is a directory)",
        ),
        case(
            &["call", "-t", "5s", "link-file", "x"],
            1,
            "fifo call: 'link-file': not a fifo (it is a regular file)",
        ),
        case(
            &["call", "-t", "5s", "dangling", "x"],
            1,
            "fifo call: 'dangling': cannot open: No such file or directory",
        ),
        // the binary itself
        case(&["nope"], 2, "unrecognized subcommand 'nope'"),
        case(&["completions", "tcsh"], 2, "invalid value 'tcsh'"),
    ]
}

/// One trial per row, and one that checks the matrix itself.
pub fn trials() -> Vec<Trial> {
    let all = cases();
    let mut names: Vec<String> = all.iter().map(Case::name).collect();
    let count = names.len();
    let mut trials = vec![Trial::test("bad_input::the_matrix_is_whole", move || {
        names.sort();
        names.dedup();
        if count < 40 {
            return Err(format!("the matrix has {count} rows").into());
        }
        if names.len() != count {
            return Err("two rows have the same name".into());
        }
        Ok(())
    })];
    trials.extend(all.into_iter().map(|case| {
        Trial::test(format!("bad_input::{}", case.name()), move || {
            fails_cleanly(&case);
            Ok(())
        })
    }));
    trials
}

/// Runs one row in a fresh fixture and checks status, message, stdout and
/// that the directory is unchanged; panics (a failed trial) otherwise.
fn fails_cleanly(case: &Case) {
    let dir = fixture();
    let before = snapshot(dir.path());
    // coreutils timeout bounds every case (a stdout can be a file here,
    // which assert_cmd does not offer).
    let mut cmd = std::process::Command::new("timeout");
    cmd.arg(CHILD_WAIT_TIMEOUT.as_secs().to_string());
    if case.unprivileged && is_root() {
        cmd.args(NOBODY);
    }
    cmd.arg(env!("CARGO_BIN_EXE_fifo"))
        .args(&case.args)
        .env_clear()
        .current_dir(dir.path())
        .stdin(Stdio::null());
    if case.stdout_full {
        cmd.stdout(std::fs::File::create("/dev/full").unwrap());
    }
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let shown = format!("fifo {:?}", case.args);
    assert_eq!(output.status.code(), Some(case.status), "{shown}: {stderr}");
    assert!(
        stderr.contains(case.message),
        "{shown}: stderr {stderr:?} lacks {:?}",
        case.message
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "{shown}: stderr is not one line: {stderr:?}"
    );
    assert!(output.stdout.is_empty(), "{shown}: wrote to stdout");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "{shown}: changed the directory"
    );
}
