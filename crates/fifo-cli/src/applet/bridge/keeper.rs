//! `stdio:` with local data: the far end of an ssh or exec transport. A
//! dropped link ends that process (ssh starts a new one for the next
//! link), so the bridge itself runs in a **keeper**, a `fifo bridge` of
//! its own that listens on a Unix socket in a private directory
//! (`$TMPDIR/fifo-bridge-UID`, mode 0700) and keeps the local FIFO open
//! and its place in the stream across links. Each `stdio:` process only
//! relays its standard input and output to the keeper, starting one when
//! there is none. `$TMPDIR` rather than `$XDG_RUNTIME_DIR`: the latter is
//! removed when the user's last session ends, as it does when the one ssh
//! link drops. Another user can take that predictable name in a shared
//! `/tmp` first; then the place is `$HOME/.fifo-bridge-UID`, which nobody
//! else can make, rather than no bridge at all. The place is looked at by
//! its path, which the owner of a `$TMPDIR` of another user's can swap
//! afterwards: a relay takes the socket it reaches only when the kernel
//! says a process of its own user listens there.

use std::ffi::OsString;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, IsTerminal, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use fifo_core::create::private_dir::open_private_dir;
use fifo_core::error::Chain;
use fifo_core::transfer::copy::Limit;
use fifo_core::{Action, Error, Subject};
use nix::sys::socket::{setsockopt, sockopt};

use super::APPLET;
use super::plan::{Direction, Plan};
use crate::cli::BridgeArgs;
use crate::exit_code::{self, ExitCode};
use crate::report;

/// How often the relay looks whether the keeper it started listens yet.
const POLL: Duration = Duration::from_millis(20);
/// The send buffer asked for on the relay's socket to the keeper (the
/// system may cap it: `net.core.wmem_max`).
const SOCKET_BUFFER: usize = 2 << 20;

/// Relays standard input and output to the keeper of `plan.local`,
/// starting the keeper when there is none.
pub fn relay(args: &BridgeArgs, plan: &Plan) -> ExitCode {
    // sshd's pipes, 64 KiB: a wakeup of sshd and of this relay for every
    // quarter of a DATA message.
    super::super::raise_standard_pipes();
    match keeper(args, plan) {
        Ok(socket) => {
            copy_both_ways(&socket);
            ExitCode::Success
        }
        Err(status) => status,
    }
}

/// A connection to the keeper, started first if needed. Whatever fails is
/// told to the peer, which reports it (once, for both ends) and does not
/// try again.
fn keeper(args: &BridgeArgs, plan: &Plan) -> Result<UnixStream, ExitCode> {
    let failed = |err: &Error| {
        tell_peer(&Chain(err).to_string());
        exit_code::code(err)
    };
    let dir = place().map_err(|err| failed(&err))?;
    let socket = dir.join(socket_name(plan));
    let unreachable = |err| failed(&Error::sys(Subject::path(&socket), Action::Open, err));
    // The place was looked at by its path: in a TMPDIR of another user's
    // (or a shared one without the sticky bit) that user may since have
    // renamed it and put their own listener at the socket's name. The
    // kernel's word on who listens there decides: only a keeper of this
    // user's gets the stream.
    let me = nix::unistd::Uid::effective().as_raw();
    let own = |stream: UnixStream| match fifo_core::bridge::listener_uid(&stream) {
        Ok(uid) if uid == me => Ok(stream),
        Ok(uid) => Err(failed(&Error::Unsafe {
            subject: Subject::path(&socket),
            reason: format!("to relay to a socket of uid {uid}, not a keeper of this user's"),
        })),
        Err(err) => Err(unreachable(err)),
    };
    let connect = || UnixStream::connect(&socket);
    match connect() {
        Ok(stream) => return own(stream),
        // A keeper killed before it could remove its socket: ours to clear.
        Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {
            let _ = std::fs::remove_file(&socket);
        }
        Err(err) if !not_listening_yet(&err) => return Err(unreachable(err)),
        Err(_) => {}
    }
    let mut child = start(args, plan, &socket).map_err(|err| failed(&err))?;
    loop {
        match connect() {
            Ok(stream) => return own(stream),
            Err(err) if !not_listening_yet(&err) => return Err(unreachable(err)),
            Err(_) => {}
        }
        if let Ok(Some(status)) = child.try_wait() {
            // Another relay's keeper may have won the socket.
            if let Ok(stream) = connect() {
                return own(stream);
            }
            // The keeper said why on its standard error: pass it on.
            let mut said = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut said);
            }
            let why = said.lines().last().unwrap_or("the keeper ended");
            tell_peer(why.strip_prefix("fifo bridge: ").unwrap_or(why));
            return Err(status.code().map_or(ExitCode::Failure, |code| {
                ExitCode::Passed(u8::try_from(code).unwrap_or(1))
            }));
        }
        std::thread::sleep(POLL);
    }
}

/// The keepers' private directory: `$TMPDIR/fifo-bridge-UID`, or when
/// another user planted something there, `$HOME/.fifo-bridge-UID`.
fn place() -> Result<PathBuf, Error> {
    const FOR: &str = "to keep a bridge's place in";
    let name = format!("fifo-bridge-{}", nix::unistd::Uid::effective());
    let shared = fifo_core::create::dir::temp_dir().join(&name);
    match open_private_dir(&shared, FOR) {
        Ok(_) => Ok(shared),
        Err(planted @ Error::Unsafe { .. }) => {
            let home = std::env::var_os("HOME").filter(|home| !home.is_empty());
            let Some(own) = home.map(|home| Path::new(&home).join(format!(".{name}"))) else {
                return Err(planted);
            };
            open_private_dir(&own, FOR).map_err(|_| planted)?;
            Ok(own)
        }
        Err(err) => Err(err),
    }
}

/// Whether connecting failed only because no keeper listens there (yet).
fn not_listening_yet(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
    )
}

/// Tells the peer on standard output why this end cannot go on; a person
/// at a terminal (no peer) is told on standard error instead.
fn tell_peer(why: &str) {
    let stdout = io::stdout();
    if stdout.is_terminal() {
        report::message(APPLET, why);
    } else {
        let _ = fifo_core::bridge::refuse(&mut stdout.lock(), why);
    }
}

/// The keeper's socket for this local data and direction: a hash of its
/// absolute path, short enough for any socket address.
fn socket_name(plan: &Plan) -> String {
    let path = std::path::absolute(&plan.local).unwrap_or_else(|_| plan.local.clone());
    let mut hasher = DefaultHasher::new();
    path.hash(&mut hasher);
    let way = match plan.direction {
        Direction::Send => "send",
        Direction::Receive => "receive",
    };
    format!("{way}-{:016x}.sock", hasher.finish())
}

/// Starts the keeper: this bridge with the socket in place of `stdio:`, in
/// a process group of its own (a terminal's signals are not for it). Its
/// standard error is a pipe this relay reads only if the keeper ends before
/// it listens; later messages find no reader and are lost, as the link
/// that would have carried them may be gone.
fn start(args: &BridgeArgs, plan: &Plan, socket: &Path) -> Result<Child, Error> {
    let exe = std::env::current_exe()
        .map_err(|err| Error::sys(Subject::path("/proc/self/exe"), Action::Open, err))?;
    std::process::Command::new(&exe)
        .args(keeper_args(args, plan, socket))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|err| Error::sys(Subject::path(exe), Action::Open, err))
}

/// The keeper's command line: the options that shape the stream, then the
/// local data and the socket.
fn keeper_args(args: &BridgeArgs, plan: &Plan, socket: &Path) -> Vec<OsString> {
    let mut line: Vec<OsString> = vec![
        APPLET.into(),
        "--keeper".into(),
        format!("--replay-buffer={}", args.replay_buffer).into(),
        format!("--retry={}", humantime::format_duration(args.retry)).into(),
    ];
    let flags = [
        (args.frame, "--frame"),
        (args.once, "--once"),
        (args.create, "--create"),
        (args.no_wait, "--no-wait"),
    ];
    line.extend(
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, flag)| OsString::from(flag)),
    );
    if let Some(timeout) = args.timeout {
        line.push(format!("--timeout={}", humantime::format_duration(timeout)).into());
    }
    if let Some(rate) = args.transfer.rate_limit {
        line.push(format!("--rate-limit={rate}").into());
    }
    if let Some(capacity) = args.transfer.pipe.capacity {
        line.push(format!("--capacity={capacity}").into());
    }
    let mut listen = OsString::from("unix-listen:");
    listen.push(socket);
    let local = PathBuf::from(&plan.local).into_os_string();
    line.push("--".into());
    match plan.direction {
        Direction::Send => line.extend([local, listen]),
        Direction::Receive => line.extend([listen, local]),
    }
    line
}

/// Copies standard input to the keeper and the keeper to standard output
/// until either ends: the end of standard input is the link dropping, and
/// the keeper hanging up is the end of the stream. Raw descriptors and
/// large reads: the data path of every byte over ssh.
fn copy_both_ways(socket: &UnixStream) {
    let streams = (
        io::stdin().as_fd().try_clone_to_owned(),
        io::stdout().as_fd().try_clone_to_owned(),
        socket.try_clone(),
    );
    let (Ok(input), Ok(output), Ok(to_keeper)) = streams else {
        return;
    };
    // Room for a few DATA messages in the socket, as in the pipes: the
    // default holds less than one, a wakeup of the keeper for each part.
    let _ = setsockopt(&to_keeper, sockopt::SndBuf, &SOCKET_BUFFER);
    std::thread::spawn(move || {
        // Every byte of a stream sent from this side's peer goes this way:
        // splice(2) from sshd's pipe into the socket where it can, with no
        // copy through this process.
        let mut copier = fifo_core::Copier::new(Limit::Unlimited, None);
        let _ = copier.copy(input.as_fd(), to_keeper.as_fd());
        let _ = to_keeper.shutdown(Shutdown::Both);
    });
    pump(socket, std::fs::File::from(output));
    let _ = socket.shutdown(Shutdown::Both);
}

/// Copies until end of file or an error, 256 KiB at a time.
fn pump(mut from: impl Read, mut to: impl Write) {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}
