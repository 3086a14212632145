//! `fifo bridge`: carry a stream from local data on one side to local data
//! on the other, over a transport to a peer `fifo bridge`; the engine is
//! `fifo_core::bridge`.

mod keeper;
mod plan;
mod turned_away;

use std::os::fd::OwnedFd;
use std::path::Path;

use fifo_core::bridge::{self, Bridge, Event, Key, Options, Transport};
use fifo_core::create::claim::create_and_open;
use fifo_core::error::Chain;
use fifo_core::open::{Direction as Way, Opened, open, open_fifo};
use std::os::unix::fs::FileTypeExt;

use fifo_core::inspect::wait::{Condition, until};
use fifo_core::{Action, Error, FileKind, Peer, Subject};

use super::transfer::{Rate, Transfer};
use super::{check_capacity, raise_standard_pipes, size_pipe, stdin_fd, stdout_fd, wait_from};
use crate::cli::BridgeArgs;
use crate::exit_code::ExitCode;
use crate::progress::Meter;
use crate::report;
use crate::signals::{self, Cleanup};
use plan::{Direction, Plan, plan};
use turned_away::{Say, TurnedAway};

const APPLET: &str = crate::cli::applets::BRIDGE.name;
/// The least time a keeper gives the relay that started it to reach it
/// (through its handshake, over ssh), whatever --retry says.
const KEEPER_FIRST_LINK: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `fifo bridge`.
pub fn run(args: &BridgeArgs) -> ExitCode {
    let plan = match plan(args) {
        Ok(plan) => plan,
        Err(why) => {
            report::message(APPLET, &format!("{why} (try 'fifo bridge --help')"));
            return ExitCode::Usage;
        }
    };
    if plan.endpoint.transport == Transport::Stdio && plan.local.as_os_str() != "-" {
        return keeper::relay(args, &plan);
    }
    // Before any thread starts (see Cleanup::install): a signal removes the
    // listening socket, which this process made, then ends it (129, 130,
    // 143).
    let cleanup = match Cleanup::install() {
        Ok(cleanup) => cleanup,
        Err(errno) => return signals::cannot_watch(APPLET, errno),
    };
    if let Transport::UnixListen(path) = &plan.endpoint.transport {
        let path = path.clone();
        cleanup.on_signal(move || remove_own_socket(&path));
    }
    let status = match bridge(args, plan) {
        Ok(_) => ExitCode::Success,
        Err(err) => failed(&err),
    };
    cleanup.settle(APPLET, status)
}

/// Removes `path` if it is a socket of this user (the listener's, which
/// the engine removes itself when it ends normally).
fn remove_own_socket(path: &Path) {
    use std::os::unix::fs::MetadataExt;
    let own = std::fs::symlink_metadata(path).is_ok_and(|meta| {
        meta.file_type().is_socket() && meta.uid() == nix::unistd::Uid::effective().as_raw()
    });
    if own {
        let _ = std::fs::remove_file(path);
    }
}

/// Reports `err` and returns its status.
fn failed(err: &bridge::Error) -> ExitCode {
    if let bridge::Error::Local(err) = err {
        return report::failure(APPLET, err);
    }
    report::message(APPLET, &Chain(err).to_string());
    if err.timed_out() {
        ExitCode::TimedOut
    } else {
        ExitCode::Failure
    }
}

fn bridge(args: &BridgeArgs, plan: Plan) -> Result<u64, bridge::Error> {
    let local = plan.local.as_path();
    let stream = local.as_os_str() == "-";
    if !stream {
        check_capacity(&args.transfer.pipe, [local])?;
    }
    raise_standard_pipes();
    let meter = Meter::start(APPLET, Transfer::from_args(&args.transfer).meter, None);
    let mut options = Options::default();
    options.replay_buffer = args.replay_buffer;
    options.retry = Some(args.retry);
    // A keeper whose relay died before it reached it (ssh killed while
    // the keeper waited for DST's reader) would otherwise hold the far
    // FIFO open for ever, a reader that comes later waiting on it.
    options.first_link = args.keeper.then(|| args.retry.max(KEEPER_FIRST_LINK));
    options.key = args.key.as_deref().map(Key::from_file).transpose()?;
    options.allow_uids.clone_from(&args.allow_uid);
    options.frame = args.frame;
    options.progress = meter.as_ref().map(Meter::progress);
    options.rate_limit = Rate::from_args(&args.transfer).map(|rate| rate.limiter(APPLET));
    let verbose = args.transfer.pipe.verbose;
    let turned_away = TurnedAway::new(verbose);
    let engine = Bridge::new(options).on_event(move |event| match event {
        Event::Dropped(err) => match turned_away.one_more() {
            Say::Line => report::message(APPLET, &format!("{}; dropped", Chain(&err))),
            Say::Count(count) => report::message(
                APPLET,
                &format!("{count} peers turned away so far (-v tells of each)"),
            ),
            Say::Nothing => {}
        },
        Event::Lost(err) | Event::Retrying(err) if verbose => {
            report::message(APPLET, &Chain(&err).to_string());
        }
        Event::Linked(name) if verbose => report::message(APPLET, &format!("{name}: linked")),
        _ => {}
    });
    let carried = match plan.direction {
        Direction::Send => {
            let (src, subject, _held) = open_src(args, local)?;
            engine.send(src, subject, plan.endpoint)
        }
        Direction::Receive => {
            // DST first, as SRC is opened first to send: a bridge that
            // cannot write is never reached (a keeper says so through
            // its relay).
            let (dst, subject) = open_dst(args, local)?;
            engine.receiving(plan.endpoint)?.receive(dst, subject)
        }
    };
    if let Some(meter) = meter {
        meter.finish();
    }
    carried
}

/// Opens SRC to read, waiting for a writer as `cat` does; a FIFO is kept
/// open for writers to come and go (also returned: the write end held)
/// unless `--once`.
fn open_src(args: &BridgeArgs, path: &Path) -> Result<(OwnedFd, Subject, Option<OwnedFd>), Error> {
    if path.as_os_str() == "-" {
        let fd = stdin_fd()
            .try_clone_to_owned()
            .map_err(|err| Error::sys(Subject::Stdin, Action::Read, err))?;
        return Ok((fd, Subject::Stdin, None));
    }
    if args.no_wait && std::fs::metadata(path).is_ok_and(|meta| meta.file_type().is_fifo()) {
        // A read open never waits for a writer: look for one first.
        let now = Some(std::time::Duration::ZERO);
        if let Err(Error::WaitTimedOut { .. } | Error::TimedOut { .. }) =
            until(path, Condition::Writer, now)
        {
            return Err(Error::NoPeer {
                subject: Subject::path(path),
                peer: Peer::Writer,
            });
        }
    }
    let opened = open_local(args, path, Way::Read)?;
    let held = if opened.kind() == FileKind::Fifo && !args.once {
        Some(opened.hold_write_end()?)
    } else {
        None
    };
    Ok((opened.into_fd(), Subject::path(path), held))
}

/// Opens DST, a FIFO, to write, waiting for a reader as `send` does.
fn open_dst(args: &BridgeArgs, path: &Path) -> Result<(OwnedFd, Subject), Error> {
    if path.as_os_str() == "-" {
        let fd = stdout_fd()
            .try_clone_to_owned()
            .map_err(|err| Error::sys(Subject::Stdout, Action::Write, err))?;
        return Ok((fd, Subject::Stdout));
    }
    let opened = open_local(args, path, Way::Write)?.expect_fifo()?;
    Ok((opened.into_fd(), Subject::path(path)))
}

fn open_local(args: &BridgeArgs, path: &Path, way: Way) -> Result<Opened, Error> {
    let wait = wait_from(args.no_wait, args.timeout);
    let opened = if args.create {
        create_and_open(path, way, wait, drop)?
    } else if way == Way::Write {
        // A DST that is not a FIFO is refused before it is opened.
        open_fifo(path, way, wait)?
    } else {
        open(path, way, wait)?
    };
    if opened.kind() == FileKind::Fifo {
        size_pipe(APPLET, opened.fd(), path, &args.transfer.pipe)?;
    }
    Ok(opened)
}
