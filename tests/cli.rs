//! Integration tests: the `fifo` binary driven the way users drive it.
//!
//! Quick checks live here; scenarios with real peers (python3, bash `exec`,
//! coreutils) are bash scripts in `tests/scripts`, each run by one test below
//! with the binary's path in `FIFO_BIN`. Every FIFO-touching command runs
//! under a timeout, so a bug fails a test instead of hanging it.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

/// A bound no healthy test comes near; it only turns a hang into a failure.
const CHILD_WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `fifo` binary, with a clean environment, in the directory `dir`.
fn fifo(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fifo"));
    cmd.env_clear().current_dir(dir).timeout(CHILD_WAIT_TIMEOUT);
    cmd
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn no_arguments_prints_help_and_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = fifo(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let help = stderr_of(&output);
    assert!(help.contains("Usage: fifo [OPTIONS] [COMMAND]"), "{help}");
    assert!(help.contains("Commands:\n  mk "), "{help}");
}

#[test]
fn mk_makes_a_private_fifo_by_default() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    fifo(dir.path()).args(["mk", "p"]).assert().success();
    let meta = std::fs::metadata(dir.path().join("p")).unwrap();
    assert!(meta.file_type().is_fifo());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

#[test]
fn send_refuses_a_regular_file_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), "precious").unwrap();
    let output = fifo(dir.path())
        .args(["send", "file", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_of(&output),
        "fifo send: 'file': not a fifo (it is a regular file)\n"
    );
    assert_eq!(std::fs::read(dir.path().join("file")).unwrap(), b"precious");
}

#[test]
fn send_to_a_typo_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = fifo(dir.path())
        .args(["send", "fifoo", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_of(&output),
        "fifo send: 'fifoo': cannot open: No such file or directory\n"
    );
    assert!(!dir.path().join("fifoo").exists());
}

#[test]
fn multi_call_link_acts_as_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("fifo-mk");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_fifo"), &link).unwrap();
    Command::new(&link)
        .current_dir(dir.path())
        .timeout(CHILD_WAIT_TIMEOUT)
        .arg("made")
        .assert()
        .success();
    assert!(dir.path().join("made").exists());
}

/// The committed shell completions and man pages are what the binary
/// generates now; `FIFO_UPDATE_GENERATED=1 cargo test` rewrites them instead.
#[test]
fn generated_files_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let update = std::env::var_os("FIFO_UPDATE_GENERATED").is_some_and(|v| v == "1");
    let mut generated: Vec<(std::path::PathBuf, Vec<u8>)> = Vec::new();
    for (shell, file) in [
        ("bash", "fifo.bash"),
        ("zsh", "_fifo"),
        ("fish", "fifo.fish"),
        ("elvish", "fifo.elv"),
        ("powershell", "_fifo.ps1"),
    ] {
        let output = fifo(&root).args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "fifo completions {shell} failed");
        generated.push((root.join("completions").join(file), output.stdout));
    }
    let pages = tempfile::tempdir().unwrap();
    fifo(&root)
        .arg("man")
        .arg("--dir")
        .arg(pages.path())
        .assert()
        .success();
    let mut names: Vec<_> = std::fs::read_dir(pages.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    for name in names {
        let page = std::fs::read(pages.path().join(&name)).unwrap();
        generated.push((root.join("man").join(name), page));
    }
    let committed_pages = std::fs::read_dir(root.join("man")).map_or(0, Iterator::count);
    for (path, content) in &generated {
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        } else {
            let committed = std::fs::read(path).unwrap_or_default();
            assert!(
                committed == *content,
                "{} differs from what fifo generates; run FIFO_UPDATE_GENERATED=1 cargo test",
                path.display()
            );
        }
    }
    if !update {
        let generated_pages = generated
            .iter()
            .filter(|(p, _)| p.starts_with(root.join("man")))
            .count();
        assert_eq!(
            committed_pages, generated_pages,
            "man/ holds pages fifo no longer makes"
        );
    }
}

/// Runs `tests/scripts/NAME.sh` with bash; `timeout` kills the script's whole
/// process group if it overruns, so no stray peer outlives it.
fn scenario(name: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/scripts")
        .join(format!("{name}.sh"));
    let output = Command::new("timeout")
        .args(["--kill-after=10", "600", "bash"])
        .arg(&script)
        .env("FIFO_BIN", env!("CARGO_BIN_EXE_fifo"))
        .timeout(Duration::from_secs(620))
        .output()
        .unwrap();
    if output.status.code() == Some(77) {
        // Interim: the scenario said why it skipped (lib.sh `skip`).
        eprintln!("skipped: {name}");
        return;
    }
    assert!(
        output.status.success(),
        "tests/scripts/{name}.sh failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        stderr_of(&output),
    );
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        /// Every scenario run below, to check none in tests/scripts is missed.
        const SCENARIOS: &[&str] = &[$(stringify!($name)),*];

        mod scripts {
            $(
                #[test]
                fn $name() {
                    super::scenario(stringify!($name));
                }
            )*
        }
    };
}

scenarios!(
    mk,
    stat,
    stat_live,
    cat,
    merge,
    progress,
    send,
    tee,
    redirect,
    paths,
    seeds,
    seeds_go,
    stream,
    concurrent,
    signals,
    security,
    soak,
    docs,
    pipe_pressure,
    hold,
    wait,
    mk_help,
    closed_io,
    write_errs,
    no_effect,
    swap_race,
    not_a_fifo,
    capacity,
    complete,
    install,
    meter
);

#[test]
fn every_script_is_run_as_a_scenario() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scripts");
    let mut scripts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| entry.unwrap().file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".sh").map(str::to_owned))
        .filter(|name| name != "lib")
        .collect();
    scripts.sort();
    let mut listed: Vec<&str> = SCENARIOS.to_vec();
    listed.sort_unstable();
    assert_eq!(scripts, listed, "tests/scripts and scenarios!() differ");
}

/// The bad-input matrix: every command against missing paths, wrong file
/// types, symlinks, permissions, over-long and odd names, bad values and
/// absent peers. Each case must exit with its status, say one line naming
/// the path, and leave the directory exactly as it was.
mod bad_input {
    use std::ffi::OsString;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    use std::path::Path;
    use std::process::Stdio;

    use super::CHILD_WAIT_TIMEOUT;

    /// Runs as this user: root passes every permission check.
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
            b"private",
            b"sp ace",
            b"new\nline",
            b"bad\xffname",
        ] {
            let path = root.join(std::ffi::OsStr::from_bytes(name));
            nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
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
        as_nobody: bool,
        stdout_full: bool,
    }

    fn case(args: &[&str], status: i32, message: &'static str) -> Case {
        Case {
            args: args.iter().map(OsString::from).collect(),
            status,
            message,
            as_nobody: false,
            stdout_full: false,
        }
    }

    fn raw(args: Vec<OsString>, status: i32, message: &'static str) -> Case {
        Case {
            args,
            status,
            message,
            as_nobody: false,
            stdout_full: false,
        }
    }

    fn nobody(mut case: Case) -> Case {
        case.as_nobody = true;
        case
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
            nobody(case(
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
                "fifo cat: 'dir': read error: Is a directory",
            ),
            case(
                &["cat", "dangling"],
                1,
                "fifo cat: 'dangling': cannot open: No such file or directory",
            ),
            case(&["cat", "-t", "soon", "fifo"], 2, "invalid duration 'soon'"),
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
            nobody(case(
                &["cat", "private"],
                1,
                "fifo cat: 'private': cannot open: Permission denied",
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
            nobody(case(
                &["send", "--no-wait", "private", "x"],
                1,
                "fifo send: 'private': cannot open: Permission denied",
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
            case(
                &["stat", "-c", "%Q", "fifo"],
                2,
                "unknown format escape '%Q'",
            ),
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
            // the binary itself
            case(&["nope"], 2, "unrecognized subcommand 'nope'"),
            case(&["completions", "tcsh"], 2, "invalid value 'tcsh'"),
        ]
    }

    #[test]
    fn every_bad_input_fails_cleanly() {
        let all = cases();
        assert!(all.len() >= 40, "the matrix has {} cases", all.len());
        for case in all {
            let dir = fixture();
            let before = snapshot(dir.path());
            // coreutils timeout bounds every case (a stdout can be a file here,
            // which assert_cmd does not offer).
            let mut cmd = std::process::Command::new("timeout");
            cmd.arg(CHILD_WAIT_TIMEOUT.as_secs().to_string());
            if case.as_nobody {
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
    }
}
