//! `scripts::NAME`: one trial per `tests/scripts/NAME.sh`, found at run time
//! (a new script needs no registration). Each runs with bash under coreutils
//! `timeout`, with the binary's path in `FIFO_BIN`.
//!
//! A script's leading comment block may declare what it needs:
//! `# needs: go strace` (programs on `PATH`), `# needs: root` (to act as
//! another user) or `# needs: linux` (a Linux-only feature: /proc, splice,
//! pipe capacities; skipped when `FIFO_PORTABLE=1` forces the portable
//! engine), `# heavy` for a run that only goes with `FIFO_SOAK=1`
//! or `cargo test -- --ignored`, and `# slow` for one of the longest, which
//! the harness starts first. A scenario whose needs are missing, or that
//! ends with lib.sh's `skip` (status 77), is reported as ignored with its
//! reason, and counted; with `FIFO_REQUIRE_PEERS=1` a missing program is a
//! failure instead.

use std::path::{Path, PathBuf};
use std::time::Duration;

use libtest_mimic::{Completion, Failed, Trial};

use super::is_root;

/// The status lib.sh's `skip` ends a scenario with.
const SKIPPED: i32 = 77;

/// Bounds on a whole scenario: they only turn a hang into a failure (every
/// wait inside a scenario has a bound of its own, far shorter).
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);
const HEAVY_TIMEOUT: Duration = Duration::from_secs(1800);

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scripts")
}

/// What a script's leading comment block declares.
#[derive(Debug, Default)]
struct Header {
    needs: Vec<String>,
    heavy: bool,
    slow: bool,
}

impl Header {
    fn parse(script: &str) -> Self {
        let mut header = Self::default();
        for line in script.lines().take_while(|line| line.starts_with('#')) {
            let line = line.trim_start_matches('#').trim();
            if let Some(needs) = line.strip_prefix("needs:") {
                // A `#` after the list starts a comment.
                let needs = needs.split('#').next().unwrap_or_default();
                header
                    .needs
                    .extend(needs.split_whitespace().map(str::to_owned));
            } else if line == "heavy" || line.starts_with("heavy:") {
                header.heavy = true;
            } else if line == "slow" || line.starts_with("slow:") {
                header.slow = true;
            }
        }
        header
    }

    /// Why the scenario cannot run here, if it cannot, and whether that is a
    /// missing peer (which `FIFO_REQUIRE_PEERS=1` turns into a failure).
    fn unmet(&self) -> Option<(String, bool)> {
        self.needs.iter().find_map(|need| match need.as_str() {
            "root" if !is_root() => Some(("needs root to act as another user".to_owned(), false)),
            "linux" if portable() => Some((
                "tests a Linux-only feature, and FIFO_PORTABLE=1 forces the portable engine"
                    .to_owned(),
                false,
            )),
            "root" | "linux" => None,
            tool if !on_path(tool) => Some((format!("{tool} is not installed"), true)),
            _ => None,
        })
    }
}

/// Whether an executable named `tool` is in one of `PATH`'s directories.
fn on_path(tool: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(tool))
                .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Whether the scenarios run with the portable engine forced.
fn portable() -> bool {
    std::env::var_os("FIFO_PORTABLE").is_some_and(|v| v == "1")
}

fn require_peers() -> bool {
    std::env::var_os("FIFO_REQUIRE_PEERS").is_some_and(|v| v == "1")
}

/// Every `tests/scripts/*.sh` but lib.sh, in name order.
pub fn trials() -> Vec<Trial> {
    let mut names: Vec<String> = std::fs::read_dir(scripts_dir())
        .expect("tests/scripts is readable")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".sh").map(str::to_owned))
        .filter(|name| name != "lib")
        .collect();
    names.sort();
    let soak = std::env::var_os("FIFO_SOAK").is_some_and(|v| v == "1");
    let mut scenarios: Vec<(String, Header)> = names
        .into_iter()
        .map(|name| {
            let script = std::fs::read_to_string(scripts_dir().join(format!("{name}.sh")))
                .unwrap_or_default();
            let header = Header::parse(&script);
            (name, header)
        })
        .collect();
    // Trials start in this order: the slow ones first, so that none of
    // them begins last and keeps the whole run waiting for it alone.
    scenarios.sort_by_key(|(_, header)| !header.slow);
    scenarios
        .into_iter()
        .map(|(name, header)| {
            let ignored = header.heavy && !soak;
            // The kind shows as `test [heavy] scripts::soak ... ignored`.
            let kind = if header.heavy { "heavy" } else { "" };
            Trial::ignorable_test(format!("scripts::{name}"), move || run(&name, &header))
                .with_ignored_flag(ignored)
                .with_kind(kind)
        })
        .collect()
}

/// Runs one scenario; its output is shown only when it fails.
fn run(name: &str, header: &Header) -> Result<Completion, Failed> {
    if let Some((reason, peer)) = header.unmet() {
        return skipped(&reason, peer);
    }
    let limit = if header.heavy {
        HEAVY_TIMEOUT
    } else {
        SCENARIO_TIMEOUT
    };
    // `timeout` kills the script's whole process group if it overruns, and
    // ends within the limit and its grace whatever the script does. The
    // output goes to files, not pipes: a stray peer that outlives the
    // script (in a process group of its own) cannot hold the harness
    // waiting for the end of a pipe. Files with names: scenarios look for
    // a fifo process's deleted files (its spill), which these are not.
    let cannot = |err: std::io::Error| format!("cannot run tests/scripts/{name}.sh: {err}");
    let (out_file, err_file) = (
        tempfile::NamedTempFile::new().map_err(cannot)?,
        tempfile::NamedTempFile::new().map_err(cannot)?,
    );
    let (out, err) = (out_file.as_file(), err_file.as_file());
    let status = std::process::Command::new("timeout")
        .arg("--kill-after=10")
        .arg(limit.as_secs().to_string())
        .arg("bash")
        .arg(scripts_dir().join(format!("{name}.sh")))
        .env("FIFO_BIN", env!("CARGO_BIN_EXE_fifo"))
        .stdin(std::process::Stdio::null())
        .stdout(out.try_clone().map_err(cannot)?)
        .stderr(err.try_clone().map_err(cannot)?)
        .status()
        .map_err(cannot)?;
    let output = std::process::Output {
        status,
        stdout: read_back(out).map_err(cannot)?,
        stderr: read_back(err).map_err(cannot)?,
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.code() == Some(SKIPPED) {
        // lib.sh's `skip` printed `skip - REASON` last (and under
        // FIFO_REQUIRE_PEERS=1 it fails instead).
        let reason = stdout
            .lines()
            .rev()
            .find_map(|line| line.strip_prefix("skip - "))
            .unwrap_or("skipped without a reason");
        return skipped(reason, false);
    }
    if output.status.success() {
        return Ok(Completion::Completed);
    }
    let timed_out = matches!(output.status.code(), Some(124 | 137));
    Err(format!(
        "tests/scripts/{name}.sh failed ({}{}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        if timed_out { ", timed out" } else { "" },
        String::from_utf8_lossy(&output.stderr),
    )
    .into())
}

/// What a scenario wrote into `file`.
fn read_back(mut file: &std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek};
    let mut bytes = Vec::new();
    file.rewind()?;
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn skipped(reason: &str, peer: bool) -> Result<Completion, Failed> {
    if peer && require_peers() {
        return Err(format!("cannot run: {reason}, and FIFO_REQUIRE_PEERS=1").into());
    }
    Ok(Completion::ignored_with(format!("skipped: {reason}")))
}
