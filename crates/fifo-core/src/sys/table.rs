//! The process table where there is no Linux-style /proc: which processes
//! there are, and which of a process's descriptors are open on one file.
//! macOS answers through libproc (`proc_listallpids`, `proc_pidinfo` with
//! `PROC_PIDLISTFDS`, `proc_pidfdinfo` with `PROC_PIDFDVNODEPATHINFO`, as
//! pv's `watchpid.c` reads them); FreeBSD through the `kern.proc` sysctls
//! (`KERN_PROC_PROC`, `KERN_PROC_FILEDESC`, as `procstat -f` reads them).
//! Everything above this module sees std widths only.
//!
//! Neither system shows a descriptor before its `open(2)` has completed,
//! nor which descriptors share an open file description: only whether a
//! description is referenced more than once ([`Descriptor::shared`]).

use super::file::FileId;

/// One descriptor a process holds on the file asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Descriptor {
    /// Its number in the process.
    pub(crate) fd: i32,
    /// Open for reading (`FREAD`, `KF_FLAG_READ`).
    pub(crate) read: bool,
    /// Open for writing (`FWRITE`, `KF_FLAG_WRITE`).
    pub(crate) write: bool,
    /// Whether its open file description is referenced more than once (by
    /// another descriptor, here or in another process, or by the kernel for
    /// a moment): macOS's `PROC_FP_SHARED`, FreeBSD's `kf_ref_count > 1`.
    /// A description that is not shared is this descriptor's alone.
    pub(crate) shared: bool,
}

/// What one process's descriptor table showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Table {
    /// Its descriptors on the file (perhaps none).
    Seen(Vec<Descriptor>),
    /// It ended meanwhile: it holds nothing.
    Gone,
    /// This user may not look at it, or the table could not be read whole
    /// now: what it holds is unknown, never "nothing".
    Hidden,
}

#[cfg(target_os = "macos")]
mod apple;
#[cfg(target_os = "macos")]
pub(crate) use apple::{command_of, descriptors_on, process_ids, unlisted};

#[cfg(target_os = "freebsd")]
mod freebsd;
#[cfg(target_os = "freebsd")]
pub(crate) use freebsd::{command_of, descriptors_on, process_ids, unlisted};

/// How many times a listing that may have been cut short (the table grew
/// between asking its size and reading it) is read again, larger.
const RETRIES: usize = 4;

/// A command name as the kernel keeps it: up to the first NUL, bytes that
/// are not UTF-8 read as U+FFFD.
fn name_of(raw: &[u8]) -> String {
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

/// Whether a descriptor found as `(device, inode)` is on `file`.
fn is_file(file: FileId, device: u64, inode: u64) -> bool {
    file == FileId { device, inode }
}
