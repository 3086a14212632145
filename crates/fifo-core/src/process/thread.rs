//! Starting a thread as a step that can fail. `std::thread::spawn` panics
//! when the system refuses a thread (`EAGAIN` under `ulimit -u`, or with
//! the thread table full); a command says so in one line instead.

use std::thread::{Builder, JoinHandle, Scope, ScopedJoinHandle};

use nix::errno::Errno;

use crate::{Action, Error, Subject};

/// Starts `work` on a thread of its own, for `subject` (what the thread
/// works on, which names the failure).
///
/// # Errors
/// [`Error::Sys`] with [`Action::StartThread`] when the system refuses.
pub fn spawn<T, F>(subject: &Subject, work: F) -> Result<JoinHandle<T>, Error>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    Builder::new()
        .spawn(work)
        .map_err(|err| refused(subject, err))
}

/// [`spawn`] within `scope`, so that `work` may borrow.
///
/// # Errors
/// As [`spawn`].
pub fn spawn_scoped<'scope, 'env, T, F>(
    scope: &'scope Scope<'scope, 'env>,
    subject: &Subject,
    work: F,
) -> Result<ScopedJoinHandle<'scope, T>, Error>
where
    T: Send + 'scope,
    F: FnOnce() -> T + Send + 'scope,
{
    Builder::new()
        .spawn_scoped(scope, work)
        .map_err(|err| refused(subject, err))
}

/// [`spawn`] for this crate's own steps, which word the failure themselves.
pub(crate) fn start<T, F>(work: F) -> Result<JoinHandle<T>, Errno>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    Builder::new()
        .spawn(work)
        .map_err(|err| err.raw_os_error().map_or(Errno::EAGAIN, Errno::from_raw))
}

fn refused(subject: &Subject, err: std::io::Error) -> Error {
    Error::sys(subject.clone(), Action::StartThread, err)
}
