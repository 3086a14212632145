//! One row of the inherited-state matrix: a fresh directory with `held` (a
//! FIFO the test holds open, two messages in it) and `idle` (a FIFO nobody
//! opens); the job run in the state, then its waiting form ended by SIGTERM;
//! and what must hold after each.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::Completion;
use nix::sys::signal::{Signal, kill};

use super::place::{snapshot, sorted, tmpdir_for};
use super::process::{is_fifo, pid_of, search_path, wait_within, waits};
use super::{Held, Job, Out, Ready, State, TmpDir};
use crate::CHILD_WAIT_TIMEOUT;

/// The messages in `held`, as a reader prints them.
const MESSAGES: [&[u8]; 2] = [b"one\n", b"two\n"];
/// The statuses a command may fail with when the state takes away what its
/// job needs: an operation failed (1), stdout closed by its reader (141).
const FAILURE_STATUSES: [i32; 2] = [1, 141];
/// How long the waiting form may take to wait: only a bound on a hang, so
/// generous for a machine whose cores are all busy.
const READY_WITHIN: Duration = Duration::from_secs(60);
/// Starts the program after it, with one signal blocked (bash cannot), and
/// SIGPIPE and SIGXFSZ back at their defaults (Python ignores them).
const BLOCK: &str = "import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [getattr(signal, 'SIG' + sys.argv[1])])
for name in ('SIGPIPE', 'SIGXFSZ'):
    signal.signal(getattr(signal, name), signal.SIG_DFL)
os.execvp(sys.argv[2], sys.argv[2:])";

/// Runs the row; `Err` says what went wrong.
pub fn trial(job: &Job, state: &State) -> Result<Completion, String> {
    let Some(fixture) = Fixture::new(job, state)? else {
        let why = match state.tmpdir {
            TmpDir::OtherUsers => "needs root to give TMPDIR to another user",
            _ => "no directory here that root cannot write",
        };
        return Ok(Completion::ignored_with(format!("skipped: {why}")));
    };
    fixture.job(job, state)?;
    if let Some((args, ready)) = job.waits {
        fixture.waiting(job, state, args, ready)?;
    }
    if !job.times_out.is_empty() {
        fixture.timing_out(job, state)?;
    }
    Ok(Completion::Completed)
}

struct Fixture {
    root: tempfile::TempDir,
    work: PathBuf,
    /// `held`, open for reading and writing (no end of file, no waiting).
    held: File,
    /// The bytes of each message in `held` (a line, or framed chunks).
    parts: Vec<Vec<u8>>,
    /// TMPDIR as the state sets it.
    tmpdir: PathBuf,
    /// A `fifo serve svc -- cat` for the job to call.
    server: Option<Child>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = kill(pid_of(&server), Signal::SIGKILL);
            let _ = server.wait();
        }
    }
}

impl Fixture {
    /// The directory for `job` in `state`; `None` when the state cannot be
    /// made here.
    fn new(job: &Job, state: &State) -> Result<Option<Self>, String> {
        let root = tempfile::tempdir().map_err(|err| err.to_string())?;
        let work = root.path().join("work");
        std::fs::create_dir(&work).map_err(|err| err.to_string())?;
        for name in ["held", "idle", "svc"] {
            nix::unistd::mkfifo(
                &work.join(name),
                nix::sys::stat::Mode::from_bits_truncate(0o600),
            )
            .map_err(|err| format!("mkfifo {name}: {err}"))?;
        }
        let held = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open(work.join("held"))
            .map_err(|err| err.to_string())?;
        let Some(tmpdir) = tmpdir_for(root.path(), state.tmpdir)? else {
            return Ok(None);
        };
        let mut fixture = Self {
            root,
            work,
            held,
            parts: Vec::new(),
            tmpdir,
            server: None,
        };
        fixture.fill(job.framed)?;
        if job.server {
            fixture.serve()?;
        }
        Ok(Some(fixture))
    }

    /// Puts the two messages into `held`, remembering their bytes.
    fn fill(&mut self, framed: bool) -> Result<(), String> {
        for message in MESSAGES {
            let part = if framed {
                let text = String::from_utf8_lossy(message).trim_end().to_owned();
                self.plain(&["send", "--frame", "-t", "10s", "held", &text])?;
                let mut all = self.drain();
                let part = all.split_off(self.parts.concat().len());
                self.put(&all);
                part
            } else {
                message.to_vec()
            };
            self.put(&part);
            self.parts.push(part);
        }
        Ok(())
    }

    fn put(&self, bytes: &[u8]) {
        (&self.held)
            .write_all(bytes)
            .expect("held takes a few bytes");
    }

    /// Everything in `held` now, taken out.
    fn drain(&self) -> Vec<u8> {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = (&self.held).read(&mut buf) {
            got.extend_from_slice(&buf[..n]);
        }
        got
    }

    /// Starts `fifo serve svc -- cat` and waits until it reads and its call
    /// socket is in place (made after the FIFO is open: a snapshot taken
    /// between the two would miss it).
    fn serve(&mut self) -> Result<(), String> {
        let spool = self.root.path().join("server-tmp");
        std::fs::create_dir(&spool).map_err(|err| err.to_string())?;
        let server = Command::new(env!("CARGO_BIN_EXE_fifo"))
            .args(["serve", "svc", "--", "cat"])
            .env_clear()
            .env("PATH", search_path())
            .env("TMPDIR", &spool)
            .current_dir(&self.work)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| err.to_string())?;
        self.server = Some(server);
        self.plain(&["wait", "--reader", "-t", "10s", "svc"])?;
        // In place: linked to its name, and the hidden name it was made
        // under gone.
        let socket = self.work.join("svc.sock");
        let in_place = || {
            std::fs::symlink_metadata(&socket).is_ok_and(|meta| meta.file_type().is_socket())
                && !snapshot(&self.work)
                    .iter()
                    .any(|(name, _)| name.starts_with('.'))
        };
        let started = Instant::now();
        while !in_place() {
            if started.elapsed() > CHILD_WAIT_TIMEOUT {
                return Err("fifo serve made no call socket".into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    /// Runs `fifo ARGS` in the plain state; it must succeed quietly.
    fn plain(&self, args: &[&str]) -> Result<(), String> {
        let output = Command::new(env!("CARGO_BIN_EXE_fifo"))
            .args(args)
            .env_clear()
            .env("PATH", search_path())
            .env("TMPDIR", self.root.path())
            .current_dir(&self.work)
            .stdin(Stdio::null())
            .output()
            .map_err(|err| err.to_string())?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "fifo {args:?} (plain state) failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }

    /// `fifo ARGS` started in `state`, reading `stdin`.
    fn command(&self, state: &State, args: &[&str], stdin: &[u8]) -> Result<Command, String> {
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(format!("{}\nexec \"$@\"", state.shell))
            .arg("inherited");
        if let Some(signal) = state.blocked {
            cmd.args(["python3", "-c", BLOCK, signal]);
        }
        let input = self.root.path().join("stdin");
        std::fs::write(&input, stdin).map_err(|err| err.to_string())?;
        let file = |name: &str| File::create(self.root.path().join(name));
        cmd.arg(env!("CARGO_BIN_EXE_fifo"))
            .args(args)
            .env_clear()
            .env("PATH", search_path())
            .env("TMPDIR", &self.tmpdir)
            .current_dir(&self.work)
            .stdin(File::open(input).map_err(|err| err.to_string())?)
            .stdout(file("stdout").map_err(|err| err.to_string())?)
            .stderr(file("stderr").map_err(|err| err.to_string())?);
        Ok(cmd)
    }

    fn output(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.root.path().join(name)).unwrap_or_default()
    }

    /// Runs the job in `state` and checks what it did.
    fn job(&self, job: &Job, state: &State) -> Result<(), String> {
        let before = snapshot(&self.work);
        let mut child = self
            .command(state, job.args, job.stdin)?
            .spawn()
            .map_err(|err| err.to_string())?;
        let status = wait_within(&mut child, CHILD_WAIT_TIMEOUT)
            .ok_or_else(|| format!("still running after {CHILD_WAIT_TIMEOUT:?}"))?;
        let stdout = self.output("stdout");
        let stderr = String::from_utf8_lossy(&self.output("stderr")).into_owned();
        let shown = format!("fifo {:?}: status {status}, stderr {stderr:?}", job.args);
        let done = judge(job, state, status, &stderr).map_err(|err| format!("{shown}: {err}"))?;
        self.held_after(job, done, &stdout)
            .map_err(|err| format!("{shown}: {err}"))?;
        if done {
            self.made(job, &stdout)
                .map_err(|err| format!("{shown}: {err}"))?;
            if !job.after.is_empty() {
                self.plain(job.after)?;
            }
        } else if !stdout.is_empty() && job.held != Held::Read {
            return Err(format!("{shown}: failed, yet wrote {stdout:?}"));
        }
        let after = snapshot(&self.work);
        let made: Vec<_> = job.makes.iter().map(|name| (*name).to_owned()).collect();
        let expected: Vec<_> = before
            .iter()
            .cloned()
            .chain(
                made.iter()
                    .filter(|_| done)
                    .map(|name| (name.clone(), "fifo 600".into())),
            )
            .collect();
        if sorted(after) != sorted(expected) {
            return Err(format!(
                "{shown}: the directory is not as it should be: {:?}",
                snapshot(&self.work)
            ));
        }
        for name in job.makes {
            let _ = std::fs::remove_file(self.work.join(name));
        }
        self.no_leftovers(job)
            .map_err(|err| format!("{shown}: {err}"))
    }

    /// Checks `held` after the job (`done`: it succeeded, printing
    /// `stdout`), and puts the two messages back.
    fn held_after(&self, job: &Job, done: bool, stdout: &[u8]) -> Result<(), String> {
        let left = self.drain();
        let all = self.parts.concat();
        self.put(&all);
        let fine = match job.held {
            Held::Kept => left == all,
            Held::Appended(bytes) => {
                let appended = [all.as_slice(), bytes].concat();
                left == appended || (!done && left == all)
            }
            // A framed reader that fails keeps what it took and could not
            // write out in its stash, for the next reader.
            Held::Read => (0..=self.parts.len()).any(|taken| {
                let took = MESSAGES[..taken].concat();
                let printed = if job.framed && !done && self.stashed() {
                    took.starts_with(stdout)
                } else {
                    stdout == took
                };
                (!done || taken == 1) && printed && left == self.parts[taken..].concat()
            }),
        };
        if fine {
            Ok(())
        } else {
            Err(format!(
                "held holds {left:?} after it printed {stdout:?}; it held {all:?}"
            ))
        }
    }

    /// Whether a framed reader's stash in TMPDIR (`fifo-UID`, or a
    /// private `fifo-UID.XXXXXX` beside a planted one) holds anything.
    fn stashed(&self) -> bool {
        let stash = format!("fifo-{}", nix::unistd::geteuid());
        std::fs::read_dir(self.effective_tmpdir()).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|entry| {
                entry.file_name().to_string_lossy().starts_with(&stash)
                    && std::fs::read_dir(entry.path())
                        .is_ok_and(|mut inside| inside.next().is_some())
            })
        })
    }

    /// The directory TMPDIR names: an empty one is unset, `/tmp`.
    fn effective_tmpdir(&self) -> &Path {
        if self.tmpdir.as_os_str().is_empty() {
            Path::new("/tmp")
        } else {
            &self.tmpdir
        }
    }

    /// Checks what a job that succeeded printed and made.
    fn made(&self, job: &Job, stdout: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(stdout);
        let fine = match job.out {
            Out::Exact(want) => stdout == want,
            Out::StartsWith(want) => stdout.starts_with(want),
            Out::Messages => true, // See held_after.
            Out::Pid => text
                .strip_suffix('\n')
                .is_some_and(|pid| pid.parse::<u32>().is_ok()),
            Out::TempFifo => return self.temp_fifo(&text),
        };
        if fine {
            Ok(())
        } else {
            Err(format!("stdout {text:?}"))
        }
    }

    /// `mk --temp` printed one absolute path, of a 0600 FIFO in a 0700
    /// directory of its own in TMPDIR; removed once checked.
    fn temp_fifo(&self, text: &str) -> Result<(), String> {
        let path = Path::new(text.strip_suffix('\n').unwrap_or(text));
        let dir = path.parent().unwrap_or(path);
        let mode = |path: &Path| std::fs::symlink_metadata(path).map(|meta| meta.mode() & 0o7777);
        let fine = path.is_absolute()
            && dir.parent() == Some(self.effective_tmpdir())
            && std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_fifo())
            && mode(path).ok() == Some(0o600)
            && mode(dir).ok() == Some(0o700);
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_dir(dir);
        if fine {
            Ok(())
        } else {
            Err(format!(
                "mk --temp printed {text:?} (TMPDIR '{}')",
                self.tmpdir.display()
            ))
        }
    }

    /// Nothing is left in TMPDIR (but a framed reader's stash), and a
    /// missing TMPDIR is still missing.
    fn no_leftovers(&self, job: &Job) -> Result<(), String> {
        let stash = format!("fifo-{}", nix::unistd::geteuid());
        let keepers = format!("fifo-bridge-{}", nix::unistd::geteuid());
        let ours = self.tmpdir.starts_with(self.root.path());
        let left: Vec<String> = match std::fs::read_dir(&self.tmpdir) {
            Ok(entries) if ours => entries
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|name| {
                    !(job.stashes && (name.starts_with(&stash) || name.starts_with(&keepers)))
                })
                .collect(),
            Ok(_) | Err(_) => Vec::new(),
        };
        let missing = self.root.path().join("missing");
        if !left.is_empty() {
            return Err(format!("left {left:?} in TMPDIR"));
        }
        if missing.exists() {
            return Err("made the missing TMPDIR".to_owned());
        }
        Ok(())
    }

    /// Starts the waiting form in `state`, waits until it waits, sends the
    /// ignored signal (if any) and SIGTERM: it must end by SIGTERM (143),
    /// or have failed at once as the state allows.
    fn waiting(&self, job: &Job, state: &State, args: &[&str], ready: Ready) -> Result<(), String> {
        let before = snapshot(&self.work);
        let all = self.parts.concat();
        let mut child = self
            .command(state, args, b"")?
            .spawn()
            .map_err(|err| err.to_string())?;
        let pid = pid_of(&child);
        let shown = format!("fifo {args:?}");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().map_err(|err| err.to_string())? {
                let stderr = String::from_utf8_lossy(&self.output("stderr")).into_owned();
                let done = judge(job, state, status, &stderr)
                    .map_err(|err| format!("{shown}: ended before SIGTERM: {status}: {err}"))?;
                if done {
                    return Err(format!("{shown}: ended by itself, waiting for nobody"));
                }
                break;
            }
            if is_fifo(pid) && waits(pid, ready) {
                if let Some(signal) = state.poke {
                    let _ = kill(pid, signal);
                }
                let _ = kill(pid, Signal::SIGTERM);
                let status = wait_within(&mut child, READY_WITHIN);
                let ended = status.is_some_and(|status| {
                    std::os::unix::process::ExitStatusExt::signal(&status) == Some(15)
                        || status.code() == Some(143)
                });
                if !ended {
                    let _ = kill(pid, Signal::SIGKILL);
                    let _ = child.wait();
                    return Err(format!(
                        "{shown}: SIGTERM did not end it with 143: {status:?}"
                    ));
                }
                break;
            }
            if started.elapsed() > READY_WITHIN {
                let _ = kill(pid, Signal::SIGKILL);
                let _ = child.wait();
                return Err(format!("{shown}: never came to wait"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let left = self.drain();
        self.put(&all);
        if left != all {
            return Err(format!("{shown}: held holds {left:?}, not {all:?}"));
        }
        if sorted(snapshot(&self.work)) != sorted(before) {
            return Err(format!("{shown}: changed the directory"));
        }
        self.no_leftovers(job)
            .map_err(|err| format!("{shown}: {err}"))
    }
}

impl Fixture {
    /// Runs the form whose `--timeout` runs out: 124 and one line saying
    /// so, or a failure the state allows; nothing changed.
    fn timing_out(&self, job: &Job, state: &State) -> Result<(), String> {
        let args = job.times_out;
        let before = snapshot(&self.work);
        let mut child = self
            .command(state, args, b"")?
            .spawn()
            .map_err(|err| err.to_string())?;
        let shown = format!("fifo {args:?}");
        let status = wait_within(&mut child, CHILD_WAIT_TIMEOUT)
            .ok_or_else(|| format!("{shown}: its timeout never ended it"))?;
        let stderr = String::from_utf8_lossy(&self.output("stderr")).into_owned();
        let said = stderr.lines().count() == 1
            && stderr.starts_with(&format!("fifo {}: ", job.command))
            && stderr.contains("timed out after");
        if status.code() != Some(124) || !said {
            let done = judge(job, state, status, &stderr)
                .map_err(|err| format!("{shown}: {status}, {stderr:?}: {err}"))?;
            if done {
                return Err(format!("{shown}: succeeded, waiting for nobody"));
            }
        }
        if sorted(snapshot(&self.work)) != sorted(before) {
            return Err(format!("{shown}: changed the directory"));
        }
        self.no_leftovers(job)
            .map_err(|err| format!("{shown}: {err}"))
    }
}

/// Whether the run was the job done (`Ok(true)`), a failure the state
/// allows (`Ok(false)`: the state took away what the job uses; one line,
/// a documented status), or neither.
fn judge(job: &Job, state: &State, status: ExitStatus, stderr: &str) -> Result<bool, String> {
    if status.success() {
        return if stderr.is_empty() {
            Ok(true)
        } else {
            Err("succeeded, but said something".to_owned())
        };
    }
    let allowed = state.takes.is_some_and(|taken| job.uses.contains(&taken));
    if !allowed {
        return Err("failed, though the state takes nothing it needs".to_owned());
    }
    let code = status.code().unwrap_or(-1);
    if !FAILURE_STATUSES.contains(&code) {
        return Err(format!("status {code} is none of {FAILURE_STATUSES:?}"));
    }
    let prefix = format!("fifo {}: ", job.command);
    if stderr.lines().count() != 1 || !stderr.starts_with(&prefix) {
        return Err("a failure, but not one line".to_owned());
    }
    Ok(false)
}
