//! Work queues on one FIFO and calls beside it: splitting the FIFO's stream
//! into requests ([`Splitter`]), the call socket and who may use it
//! ([`CallSocket`], [`connect`], [`Credentials`]), and what a call and its
//! reply look like on that socket ([`call_header`], [`ReplyDecoder`]).
//!
//! The formats are documented in `docs/serve.md`.
//!
//! ```
//! use fifo_core::serve::{Event, Origin, Splitter};
//!
//! let mut splitter = Splitter::new(b'\n', 1 << 20);
//! splitter.push(b"job 1\njob");
//! splitter.push(b" 2\n");
//! let Some(Event::Request(first)) = splitter.pop() else { panic!() };
//! assert_eq!((first.body, first.origin), (b"job 1\n".to_vec(), Origin::Line));
//! assert!(matches!(splitter.pop(), Some(Event::Request(_))));
//! ```

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use nix::errno::Errno;

use crate::{Action, Error, Result, Subject};

mod access;
mod envelope;
mod leftovers;
mod request;
mod socket;
mod spawn;

pub use access::Credentials;
pub use envelope::{
    CALL_MAGIC, CALL_VERSION, MAX_RECORD, ReplyDecoder, ReplyKind, ReplyPart, Status, call_header,
    record_header,
};
pub use request::{Event, Origin, Request, Skip, Splitter, WRITER_COST};
pub use socket::{CallSocket, admits, connect, socket_path};
pub use spawn::{Spawner, wait};

/// The largest file this process may write (`ulimit -f`), in bytes: no
/// spool may grow past it, since a write past it raises SIGXFSZ, which
/// would end the process.
#[must_use]
pub fn file_size_limit() -> u64 {
    crate::sys::file::file_size_limit()
}

/// A new, already unlinked temporary file in `dir`, open for reading and
/// writing: where a job's output waits until it can be written out whole.
/// Nothing is left behind however the process ends. A nameless file
/// (`O_TMPFILE`) where the file system makes one: one call, and no name
/// made and removed in `dir` for every job.
///
/// # Errors
/// [`Error::Sys`] naming `dir` when the file cannot be made.
pub fn spool(dir: &Path) -> Result<std::fs::File> {
    static MADE: AtomicU64 = AtomicU64::new(0);
    let failed = |errno| Error::sys(Subject::path(dir), Action::Open, errno);
    match crate::sys::open_unnamed_in(dir) {
        Ok(fd) => return Ok(std::fs::File::from(fd)),
        // A file system (or system) without nameless files.
        Err(Errno::EOPNOTSUPP | Errno::EISDIR | Errno::EINVAL) => {}
        Err(errno) => return Err(failed(errno)),
    }
    // Not mkstemp(3): its file is open without close-on-exec until a
    // second call sets it, and a command that another thread starts
    // meanwhile inherits it: another request's body or output. A new name
    // is made with close-on-exec from the start, and unlinked at once.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    for _ in 0..100 {
        let name = format!(
            "fifo-serve.{}.{nanos:x}.{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        );
        match crate::transfer::buffer::spill::create_named(&dir.join(name)) {
            Err(Errno::EEXIST) => {}
            made => return made.map(std::fs::File::from).map_err(failed),
        }
    }
    Err(failed(Errno::EEXIST))
}
