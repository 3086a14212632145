//! Integration tests: the `fifo` binary driven the way users drive it.
//!
//! A harness of our own (`harness = false`, libtest-mimic) so that a test
//! that cannot run here is reported by name with its reason and counted as
//! ignored, never passed in silence. Its trials:
//! - the quick checks below, listed in `main`;
//! - `scripts::NAME`, one per `tests/scripts/NAME.sh` with real peers
//!   (python3, bash `exec`, coreutils), found at run time (`scenarios.rs`);
//! - `bad_input::ROW`, one per row of the bad-input matrix (`bad_input.rs`);
//! - `inherited::JOB::STATE`, one per command's job and inherited state
//!   (`inherited.rs`).
//!
//! Every FIFO-touching command runs under a timeout, so a bug fails a trial
//! instead of hanging it. See tests/README.md.

mod bad_input;
mod inherited;
mod scenarios;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use assert_cmd::Command;
use libtest_mimic::{Arguments, Trial};

/// A check below: it passes unless it panics.
macro_rules! checks {
    ($($name:ident),* $(,)?) => {
        vec![$(Trial::test(stringify!($name), || {
            $name();
            Ok(())
        })),*]
    };
}

/// Trials run at once per core unless `--test-threads` or
/// `RUST_TEST_THREADS` says otherwise: most scenarios spend their time
/// waiting (on peers, timeouts, a FIFO's other end), not computing.
const TRIALS_PER_CORE: usize = 4;

fn main() -> ExitCode {
    let mut args = Arguments::from_args();
    args.test_threads = args.test_threads.or_else(|| {
        let asked = std::env::var("RUST_TEST_THREADS").ok();
        asked.and_then(|n| n.parse().ok()).or_else(|| {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            Some(cores * TRIALS_PER_CORE)
        })
    });
    let mut trials = checks![
        no_arguments_prints_help_and_is_a_usage_error,
        mk_makes_a_private_fifo_by_default,
        send_refuses_a_regular_file_and_leaves_it_untouched,
        send_to_a_typo_creates_nothing,
        multi_call_link_acts_as_the_command,
        generated_files_are_up_to_date,
        every_check_is_a_trial,
    ];
    trials.extend(scenarios::trials());
    trials.extend(bad_input::trials());
    trials.extend(inherited::trials());
    libtest_mimic::run(&args, trials).exit_code()
}

/// Whether this process runs as root, which passes every permission check.
fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

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

fn no_arguments_prints_help_and_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = fifo(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let help = stderr_of(&output);
    assert!(help.contains("Usage: fifo [OPTIONS] [COMMAND]"), "{help}");
    assert!(help.contains("Commands:\n  mk "), "{help}");
}

fn mk_makes_a_private_fifo_by_default() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    fifo(dir.path()).args(["mk", "p"]).assert().success();
    let meta = std::fs::metadata(dir.path().join("p")).unwrap();
    assert!(meta.file_type().is_fifo());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

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

/// This crate has no libtest harness, so a `#[test]` function here would
/// never run: every check must be listed in `main`.
fn every_check_is_a_trial() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(dir.join(&file)).unwrap();
        let attribute = concat!("#[", "test]");
        let found = source
            .lines()
            .position(|line| line.trim_start().starts_with(attribute));
        assert!(
            found.is_none(),
            "tests/{file}:{}: {attribute} never runs here; list the function in main",
            found.unwrap_or_default() + 1
        );
    }
}
