//! Removing the FIFOs a command created when SIGINT, SIGTERM or SIGHUP ends
//! it, then dying of that same signal so the caller sees 130, 143 or 129.
//!
//! The signals are blocked in every thread and taken by one thread with
//! `sigwait`, which cleans up and re-raises with the default action: no signal
//! handler and no `unsafe` are needed, and a blocking `open` on the main
//! thread needs no interrupting.
//!
//! A signal ignored when the command started (`trap "" INT`, `nohup`, every
//! `cmd &` of a script) is left alone: neither blocked nor waited for, it
//! stays ignored, and the others are watched as they would be without it.
//! (Blocked, an ignored signal would be queued for `sigwait`, and taken as
//! an order to end.)
//! See: <https://www.cons.org/cracauer/sigint.html> (why re-raise, not exit).

use crate::exit_code::ExitCode;
use crate::report;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use fifo_core::create::claim::CreatedFifo;
use fifo_core::process::signals::ignored_at_start;
use nix::errno::Errno;
use nix::sys::signal::{SigSet, Signal, raise};

/// How long a command told of a signal (see [`Cleanup::install_with_notice`])
/// has to finish its work before the signal ends it anyway.
const GRACE: Duration = Duration::from_secs(2);

/// The signals that end a command after its cleanup.
const ENDING: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// Something to do first when a signal ends the command.
type Hook = Box<dyn FnOnce() + Send>;

/// FIFOs to remove when the command ends, normally or by a signal.
pub struct Cleanup {
    created: Arc<Mutex<Vec<CreatedFifo>>>,
    hook: Arc<Mutex<Option<Hook>>>,
    /// Whether the command watches the notice now (see [`Cleanup::heeding`]).
    heeded: Arc<AtomicBool>,
}

impl std::fmt::Debug for Cleanup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleanup")
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

impl Cleanup {
    /// Starts watching for the ending signals. Call it before any other
    /// thread starts, so that all of them inherit the blocked mask.
    pub fn install() -> nix::Result<Self> {
        Self::watch(None)
    }

    /// Like [`Cleanup::install`], but a signal is first reported by making
    /// the returned descriptor readable (one byte: the signal's number), so
    /// that a loop polling it can finish what it holds (`cat --merge` ends
    /// its unfinished lines), remove what it made ([`Cleanup::finish`]) and end
    /// by [`die_of`]. If it has
    /// not done so within [`GRACE`], the signal ends the command as usual.
    pub fn install_with_notice() -> nix::Result<(Self, OwnedFd)> {
        let (notice, tell) = fifo_core::open::descriptor::pipe().map_err(|err| {
            nix::errno::Errno::from_raw(err.raw_os_error().unwrap_or(nix::libc::EIO))
        })?;
        Ok((Self::watch(Some(tell))?, notice))
    }

    fn watch(notice: Option<OwnedFd>) -> nix::Result<Self> {
        let mut set = SigSet::empty();
        for signal in ENDING {
            if !ignored_at_start(signal as i32) {
                set.add(signal);
            }
        }
        let created = Arc::new(Mutex::new(Vec::new()));
        let hook: Arc<Mutex<Option<Hook>>> = Arc::new(Mutex::new(None));
        let heeded = Arc::new(AtomicBool::new(true));
        if set.iter().next().is_some() {
            set.thread_block()?;
            let watched = Arc::clone(&created);
            let first = Arc::clone(&hook);
            let heeding = Arc::clone(&heeded);
            let started = std::thread::Builder::new().spawn(move || {
                let Ok(signal) = set.wait() else { return };
                if let Some(hook) = first.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    hook();
                }
                if let Some(tell) = notice.filter(|_| heeding.load(Ordering::SeqCst)) {
                    let number = u8::try_from(signal as i32).unwrap_or(0);
                    let _ = nix::unistd::write(&tell, &[number]);
                    std::thread::sleep(GRACE);
                }
                remove_all(&watched);
                die_by(signal);
            });
            // The command ends at once, saying so (see [`cannot_watch`]).
            started.map_err(|err| err.raw_os_error().map_or(Errno::EAGAIN, Errno::from_raw))?;
        }
        Ok(Self {
            created,
            hook,
            heeded,
        })
    }

    /// Says whether the command watches the notice of
    /// [`Cleanup::install_with_notice`] now (it does from the start). While
    /// it does not, e.g. blocked opening a FIFO, a signal ends it at once,
    /// after removing what it made, with no grace period.
    pub fn heeding(&self, heeded: bool) {
        self.heeded.store(heeded, Ordering::SeqCst);
    }

    /// Runs `hook` first if a signal ends the command (e.g. to say what is
    /// lost); it replaces any hook set before.
    pub fn on_signal(&self, hook: impl FnOnce() + Send + 'static) {
        *self.hook.lock().unwrap_or_else(PoisonError::into_inner) = Some(Box::new(hook));
    }

    /// Remembers a FIFO to remove.
    pub fn add(&self, fifo: CreatedFifo) {
        self.created
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(fifo);
    }

    /// Removes everything remembered; the command is ending normally.
    pub fn finish(self) -> Vec<fifo_core::Error> {
        remove_all(&self.created)
    }

    /// [`Cleanup::finish`], each removal that failed reported as
    /// `applet`'s and merged into `status`: the status to exit with.
    pub fn settle(self, applet: &str, mut status: ExitCode) -> ExitCode {
        for err in self.finish() {
            status = status.merge(report::failure(applet, &err));
        }
        status
    }
}

/// Unblocks the ending signals that the caller left blocked and not
/// ignored. A parent that takes its signals on one thread (as this one
/// does) passes its blocked mask on to what it starts; kept, it would make
/// SIGTERM end the commands that watch for it but not the others, which
/// would wait for it forever. Call it first thing in `main`. A command run
/// by `redirect` still gets the mask the caller gave (see
/// [`fifo_core::process::signals::restore_for_exec`]).
pub fn unblock_ending() {
    let mut set = SigSet::empty();
    for signal in ENDING {
        if !ignored_at_start(signal as i32) {
            set.add(signal);
        }
    }
    let _ = set.thread_unblock();
}

/// Blocks SIGXFSZ in this thread, and so in every thread started after:
/// a write past `ulimit -f` then fails with `EFBIG` and is reported as any
/// failed write is (one line, status 1), where the signal would end the
/// command mid-write (153). A counted read ended so had written out lines
/// it had not yet taken from the FIFO, which the next reader got again,
/// and a framed one lost the messages it held. Call it first thing in
/// `main`; a command run by `redirect` still gets the mask the caller gave
/// (see [`fifo_core::process::signals::restore_for_exec`]).
pub fn block_file_size() {
    let _ = SigSet::from(Signal::SIGXFSZ).thread_block();
}

/// Says that `applet` cannot watch for the ending signals, and returns the
/// status to exit with.
pub fn cannot_watch(applet: &str, err: impl Into<std::io::Error>) -> ExitCode {
    let err = anyhow::Error::new(err.into()).context("cannot watch for signals");
    report::error(applet, &err);
    ExitCode::Failure
}

fn remove_all(created: &Mutex<Vec<CreatedFifo>>) -> Vec<fifo_core::Error> {
    let mut fifos = created.lock().unwrap_or_else(PoisonError::into_inner);
    fifos
        .drain(..)
        .filter_map(|fifo| fifo.remove().err())
        .collect()
}

/// Ends the process by the signal that `notice` (from
/// [`Cleanup::install_with_notice`]) reported; returns the status to exit
/// with should the signal not end it.
pub fn die_of(notice: &OwnedFd) -> ExitCode {
    let mut number = [0u8; 1];
    let signal = match nix::unistd::read(notice, &mut number) {
        Ok(1) => Signal::try_from(i32::from(number[0])).unwrap_or(Signal::SIGTERM),
        _ => Signal::SIGTERM,
    };
    die_by(signal);
    ExitCode::Signalled(signal as u8)
}

/// Ends the process by `signal`, one of [`ENDING`] that is watched: its
/// action is still the default one (it was not ignored at start), so once
/// unblocked in this thread the raised signal ends the process.
fn die_by(signal: Signal) {
    let _ = SigSet::from(signal).thread_unblock();
    let _ = raise(signal);
}
