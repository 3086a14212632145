//! The inherited-state matrix: every command that `fifo --list` names,
//! started in each state a caller can leave a process in (a signal ignored
//! or blocked, a standard stream closed or full, an odd umask or TMPDIR, few
//! descriptors). In each, the command does its job, or fails with one line
//! and a documented status when the state takes away something the job
//! needs; it leaves no stray file, loses no byte of a held FIFO, and ends
//! with SIGTERM (143) when it waits. Each pair is a trial of its own,
//! `inherited::JOB::STATE`; a command joins by being in [`jobs`], and a
//! command without a job fails `inherited::every_command_has_a_job`.

mod check;
mod place;
mod process;

use libtest_mimic::{Completion, Trial};

/// What a job reads, writes or makes, so that a state taking it away may
/// make the job fail (with one line and a documented status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uses {
    Stdin,
    Stdout,
    TmpDir,
}

/// What the job does to `held`, a FIFO the test holds open with two
/// messages in it, `one` and `two` (plain lines, or framed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// Leaves it alone.
    Kept,
    /// Reads messages from its front and writes exactly them to stdout.
    Read,
    /// Writes these bytes after what is there.
    Appended(&'static [u8]),
}

/// What stdout must be when the job succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    Exact(&'static [u8]),
    StartsWith(&'static [u8]),
    /// The messages read from `held` (see [`Held::Read`]).
    Messages,
    /// One line: a process ID.
    Pid,
    /// One line: the absolute path of a FIFO made in TMPDIR.
    TempFifo,
}

/// How the test knows that the waiting form waits now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ready {
    /// Some process reads (or is blocked opening to read) this FIFO.
    Reader(&'static str),
    /// Some process writes (or is blocked opening to write) this FIFO.
    Writer(&'static str),
    /// Every thread of the process sleeps in the same call twice running.
    Asleep,
}

/// One command's job.
#[derive(Debug, Clone, Copy)]
struct Job {
    /// The trial name's first part.
    name: &'static str,
    /// The command, as `fifo --list` names it.
    command: &'static str,
    args: &'static [&'static str],
    stdin: &'static [u8],
    out: Out,
    held: Held,
    /// `held` holds framed messages (from `fifo send --frame`).
    framed: bool,
    /// The job may leave the user's private directory in TMPDIR that later
    /// runs find again: the framed readers' stash (`fifo-UID`) or the
    /// bridge keepers' (`fifo-bridge-UID`).
    stashes: bool,
    uses: &'static [Uses],
    /// Names the job makes in its directory.
    makes: &'static [&'static str],
    /// Run against `fifo serve svc -- cat`, started first.
    server: bool,
    /// Run afterwards in the plain state; it must succeed.
    after: &'static [&'static str],
    /// The form that waits (on `idle`, a FIFO nobody opens), and how to
    /// know that it does; none for a command that never waits.
    waits: Option<(&'static [&'static str], Ready)>,
    /// A form whose `--timeout` runs out (on `idle`): status 124, one line.
    times_out: &'static [&'static str],
}

const JOB: Job = Job {
    name: "",
    command: "",
    args: &[],
    stdin: b"",
    out: Out::Exact(b""),
    held: Held::Kept,
    framed: false,
    stashes: false,
    uses: &[],
    makes: &[],
    server: false,
    after: &[],
    waits: None,
    times_out: &[],
};

#[allow(clippy::too_many_lines)] // A table: one job per entry.
fn jobs() -> Vec<Job> {
    vec![
        Job {
            name: "mk",
            command: "mk",
            args: &["mk", "made"],
            makes: &["made"],
            ..JOB
        },
        Job {
            name: "mk_temp",
            command: "mk",
            args: &["mk", "--temp"],
            out: Out::TempFifo,
            uses: &[Uses::Stdout, Uses::TmpDir],
            ..JOB
        },
        Job {
            name: "cat",
            command: "cat",
            args: &["cat", "-l", "1", "held"],
            out: Out::Messages,
            held: Held::Read,
            uses: &[Uses::Stdout],
            waits: Some((&["cat", "idle"], Ready::Reader("idle"))),
            times_out: &["cat", "-t", "300ms", "idle"],
            ..JOB
        },
        Job {
            name: "cat_frame",
            command: "cat",
            args: &["cat", "--frame", "-l", "1", "held"],
            out: Out::Messages,
            held: Held::Read,
            framed: true,
            stashes: true,
            uses: &[Uses::Stdout, Uses::TmpDir],
            waits: Some((&["cat", "--frame", "idle"], Ready::Reader("idle"))),
            times_out: &["cat", "--frame", "-t", "300ms", "idle"],
            ..JOB
        },
        Job {
            name: "send",
            command: "send",
            args: &["send", "held", "three"],
            held: Held::Appended(b"three\n"),
            waits: Some((&["send", "idle", "x"], Ready::Writer("idle"))),
            times_out: &["send", "-t", "300ms", "idle", "x"],
            ..JOB
        },
        Job {
            name: "tee",
            command: "tee",
            args: &["tee", "held"],
            stdin: b"three\n",
            out: Out::Exact(b"three\n"),
            held: Held::Appended(b"three\n"),
            uses: &[Uses::Stdin, Uses::Stdout],
            waits: Some((&["tee", "idle"], Ready::Writer("idle"))),
            times_out: &["tee", "-t", "300ms", "idle"],
            ..JOB
        },
        Job {
            name: "bridge",
            command: "bridge",
            args: &[
                "bridge",
                "--once",
                "-",
                concat!("exec:", env!("CARGO_BIN_EXE_fifo"), " bridge stdio: held"),
            ],
            stdin: b"three\n",
            held: Held::Appended(b"three\n"),
            stashes: true,
            uses: &[Uses::Stdin, Uses::TmpDir],
            waits: Some((
                &["bridge", "idle", "unix:nobody.sock"],
                Ready::Reader("idle"),
            )),
            times_out: &["bridge", "-t", "300ms", "idle", "unix:nobody.sock"],
            ..JOB
        },
        Job {
            name: "redirect",
            command: "redirect",
            args: &[
                "redirect",
                "--fd",
                "3",
                "--write",
                "held",
                "--",
                "sh",
                "-c",
                "echo three >&3",
            ],
            held: Held::Appended(b"three\n"),
            waits: Some((
                &["redirect", "--fd", "3", "--read", "idle", "--", "true"],
                Ready::Reader("idle"),
            )),
            times_out: &[
                "redirect", "--fd", "3", "--read", "-t", "300ms", "idle", "--", "true",
            ],
            ..JOB
        },
        Job {
            name: "stat",
            command: "stat",
            args: &["stat", "-c", "%F %a", "held"],
            out: Out::Exact(b"fifo 600\n"),
            uses: &[Uses::Stdout],
            times_out: &["stat", "--wait-reader", "-t", "300ms", "idle"],
            ..JOB
        },
        Job {
            name: "hold",
            command: "hold",
            args: &["hold", "-b", "held"],
            out: Out::Pid,
            uses: &[Uses::Stdout],
            after: &["hold", "--stop", "-t", "10s", "held"],
            waits: Some((&["hold", "idle"], Ready::Reader("idle"))),
            ..JOB
        },
        Job {
            name: "wait",
            command: "wait",
            args: &["wait", "--data", "-t", "10s", "held"],
            waits: Some((&["wait", "--writer", "idle"], Ready::Asleep)),
            times_out: &["wait", "--reader", "-t", "300ms", "idle"],
            ..JOB
        },
        Job {
            name: "serve",
            command: "serve",
            args: &["serve", "-n", "1", "held", "--", "cat"],
            out: Out::Messages,
            held: Held::Read,
            stashes: true,
            uses: &[Uses::Stdout, Uses::TmpDir],
            waits: Some((&["serve", "idle", "--", "cat"], Ready::Reader("idle"))),
            ..JOB
        },
        Job {
            name: "call",
            command: "call",
            args: &["call", "-t", "10s", "svc", "three"],
            out: Out::Exact(b"three\n"),
            uses: &[Uses::Stdout, Uses::TmpDir],
            server: true,
            waits: Some((&["call", "idle", "x"], Ready::Asleep)),
            times_out: &["call", "-t", "300ms", "idle", "x"],
            ..JOB
        },
        Job {
            name: "completions",
            command: "completions",
            args: &["completions", "bash"],
            out: Out::StartsWith(b"\n_clap_complete_fifo() {"),
            uses: &[Uses::Stdout],
            ..JOB
        },
        Job {
            name: "man",
            command: "man",
            args: &["man"],
            out: Out::StartsWith(b".ie \\n(.g .ds Aq"),
            uses: &[Uses::Stdout],
            ..JOB
        },
    ]
}

/// Where TMPDIR points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TmpDir {
    /// A fresh private directory.
    Fresh,
    /// Set, but empty.
    Empty,
    /// A directory that does not exist.
    Missing,
    /// A directory this user cannot write.
    Unwritable,
    /// A directory another user owns (root only).
    OtherUsers,
}

/// One inherited state.
#[derive(Debug, Clone, Copy)]
struct State {
    name: &'static str,
    /// Shell lines run before `exec fifo`.
    shell: &'static str,
    /// A signal the parent blocks (bash cannot).
    blocked: Option<&'static str>,
    /// The signal the state ignores, sent to the waiting form before SIGTERM.
    poke: Option<nix::sys::signal::Signal>,
    tmpdir: TmpDir,
    /// What the state takes away.
    takes: Option<Uses>,
}

const STATE: State = State {
    name: "",
    shell: "",
    blocked: None,
    poke: None,
    tmpdir: TmpDir::Fresh,
    takes: None,
};

fn states() -> Vec<State> {
    use nix::sys::signal::Signal;
    let tmpdir = |name, tmpdir| State {
        name,
        tmpdir,
        takes: Some(Uses::TmpDir),
        ..STATE
    };
    vec![
        State {
            name: "sigint_ignored",
            shell: "trap '' INT",
            poke: Some(Signal::SIGINT),
            ..STATE
        },
        State {
            name: "sighup_ignored",
            shell: "trap '' HUP",
            poke: Some(Signal::SIGHUP),
            ..STATE
        },
        // A parent that takes signals on a thread of its own passes its
        // blocked mask on: SIGTERM must still end every command.
        State {
            name: "sigterm_blocked",
            blocked: Some("TERM"),
            ..STATE
        },
        State {
            name: "wake_signal_blocked",
            blocked: Some("URG"),
            ..STATE
        },
        State {
            name: "stdin_closed",
            shell: "exec <&-",
            takes: Some(Uses::Stdin),
            ..STATE
        },
        State {
            name: "stdout_closed",
            shell: "exec >&-",
            takes: Some(Uses::Stdout),
            ..STATE
        },
        State {
            name: "stdout_full",
            shell: "exec >/dev/full",
            takes: Some(Uses::Stdout),
            ..STATE
        },
        State {
            name: "umask_0777",
            shell: "umask 0777",
            ..STATE
        },
        State {
            name: "umask_0000",
            shell: "umask 0000",
            ..STATE
        },
        // Empty is unset, as mktemp and Python have it: nothing is taken.
        State {
            name: "tmpdir_empty",
            tmpdir: TmpDir::Empty,
            ..STATE
        },
        tmpdir("tmpdir_missing", TmpDir::Missing),
        tmpdir("tmpdir_unwritable", TmpDir::Unwritable),
        tmpdir("tmpdir_other_users", TmpDir::OtherUsers),
        State {
            name: "ulimit_n_16",
            shell: "ulimit -n 16",
            ..STATE
        },
    ]
}

/// Rows known to fail because of a defect another branch fixes: each still
/// runs, shows as ignored with its reason while it fails, and fails the
/// suite once it passes, so that it is taken off this list.
const KNOWN_FAILING: &[(&str, &str, &str)] = &[];

/// One trial per job and state, and one that checks the table against
/// `fifo --list`.
pub fn trials() -> Vec<Trial> {
    let mut trials = vec![Trial::test("inherited::every_command_has_a_job", || {
        every_command_has_a_job().map_err(Into::into)
    })];
    for job in jobs() {
        for state in states() {
            let known = KNOWN_FAILING
                .iter()
                .find(|(name, state_name, _)| *name == job.name && *state_name == state.name)
                .map(|(_, _, why)| *why);
            let name = format!("inherited::{}::{}", job.name, state.name);
            trials.push(Trial::ignorable_test(name, move || {
                let outcome = check::trial(&job, &state);
                match (outcome, known) {
                    (Ok(done), None) => Ok(done),
                    (Err(err), None) => Err(err.into()),
                    (Err(_), Some(why)) => {
                        Ok(Completion::ignored_with(format!("known failing: {why}")))
                    }
                    (Ok(_), Some(why)) => Err(format!(
                        "passes now: take it off KNOWN_FAILING in tests/inherited.rs ({why})"
                    )
                    .into()),
                }
            }));
        }
    }
    trials
}

/// Every command `fifo --list` names has a job, and every job's command is
/// one of them.
fn every_command_has_a_job() -> Result<(), String> {
    let listed = std::process::Command::new(env!("CARGO_BIN_EXE_fifo"))
        .arg("--list")
        .output()
        .map_err(|err| format!("fifo --list: {err}"))?;
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let commands: Vec<&str> = listed.lines().collect();
    if commands.len() < 10 {
        return Err(format!("fifo --list named only {commands:?}"));
    }
    let jobs = jobs();
    for command in &commands {
        if !jobs.iter().any(|job| job.command == *command) {
            return Err(format!(
                "fifo {command} has no job in tests/inherited.rs: add one"
            ));
        }
    }
    for job in &jobs {
        if !commands.contains(&job.command) {
            return Err(format!(
                "job {} runs {}, which fifo --list does not name",
                job.name, job.command
            ));
        }
    }
    Ok(())
}
