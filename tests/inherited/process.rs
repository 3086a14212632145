//! The processes of a row: starting none forever, and seeing whether one
//! waits.

use std::path::Path;
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::Ready;

pub fn search_path() -> String {
    std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".to_owned())
}

pub fn pid_of(child: &Child) -> Pid {
    Pid::from_raw(i32::try_from(child.id()).expect("a PID fits in i32"))
}

/// Waits for `child` at most `limit`; `None` if it still runs.
pub fn wait_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if started.elapsed() > limit {
            let _ = kill(pid_of(child), Signal::SIGKILL);
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether `pid` is `fifo` itself by now (bash and python exec it).
pub fn is_fifo(pid: Pid) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim() == "fifo")
}

/// Whether `pid` waits as `ready` says.
pub fn waits(pid: Pid, ready: Ready) -> bool {
    let peer = |flag: &str, path: &str, dir: &Path| {
        // With Linux's engine even when the suite forces the portable one:
        // only /proc shows who waits in open.
        Command::new(env!("CARGO_BIN_EXE_fifo"))
            .args(["wait", flag, "-q", "-t", "100ms", path])
            .env_remove("FIFO_PORTABLE")
            .current_dir(dir)
            .status()
            .is_ok_and(|status| status.success())
    };
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap_or_default();
    match ready {
        Ready::Reader(path) => peer("--reader", path, &cwd),
        Ready::Writer(path) => peer("--writer", path, &cwd),
        Ready::Asleep => {
            let first = tasks(pid);
            std::thread::sleep(Duration::from_millis(50));
            !first.is_empty() && first == tasks(pid)
        }
    }
}

/// Each thread of `pid` that sleeps, with the call it sleeps in; empty
/// when any does not.
fn tasks(pid: Pid) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut calls = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let dir = entry.path();
        let stat = std::fs::read_to_string(dir.join("stat")).unwrap_or_default();
        let state = stat
            .rsplit(") ")
            .next()
            .and_then(|rest| rest.split(' ').next());
        let call = std::fs::read_to_string(dir.join("syscall")).unwrap_or_default();
        let call = call.split(' ').next().unwrap_or_default().to_owned();
        if state != Some("S") || !call.chars().all(|c| c.is_ascii_digit()) || call.is_empty() {
            return Vec::new();
        }
        calls.push(call);
    }
    calls.sort();
    calls
}
