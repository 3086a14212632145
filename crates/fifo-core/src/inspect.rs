//! What a `stat` of a FIFO can report about a path, gathered without
//! opening it, so a waiting peer is never released and no data is consumed.
//!
//! [`live`] tells who holds a FIFO and what its pipe holds; [`wait`] waits
//! until that changes; [`FileKind`] names a file's type.

pub(crate) mod kind;
pub mod live;
pub mod wait;

pub use kind::FileKind;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::sys::stat::{FileStat, lstat, stat};
use nix::unistd::{Gid, Group, Uid, User};

use crate::sys::file::FileId;
use crate::{Action, Error, Result, Subject, sys};

/// What is known about a pipe's live state; `None` where it cannot be seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PipeState {
    /// Who holds the FIFO open or is opening it, as far as the system shows
    /// (`None`: it shows nothing, e.g. no /proc on Linux's portable engine).
    pub holders: Option<crate::inspect::live::Holders>,
    /// Bytes written and not yet read.
    pub buffered: Option<u64>,
    /// The pipe's capacity in bytes.
    pub capacity: Option<u64>,
}

/// A count of holders: exact, or a lower bound when some processes could
/// not be inspected, or some descriptors not compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// How many were seen.
    pub seen: u64,
    /// Whether every process was inspected and every descriptor placed in
    /// its open file description, so `seen` is the whole count.
    pub exact: bool,
}

impl PipeState {
    /// Readers, open file descriptions or threads opening (see
    /// [`crate::inspect::live::Holders::readers`]).
    #[must_use]
    pub fn readers(&self) -> Option<Count> {
        self.count(crate::inspect::live::Holders::readers)
    }

    /// Writers, open or opening.
    #[must_use]
    pub fn writers(&self) -> Option<Count> {
        self.count(crate::inspect::live::Holders::writers)
    }

    /// Threads blocked opening the FIFO; `None` where the system does not
    /// show them (see [`crate::inspect::live::Holders::openings_unseen`]).
    #[must_use]
    pub fn opening(&self) -> Option<Count> {
        self.count(crate::inspect::live::Holders::opening)
            .filter(|_| self.holders.as_ref().is_some_and(|h| !h.openings_unseen))
    }

    fn count(&self, seen: impl Fn(&crate::inspect::live::Holders) -> u64) -> Option<Count> {
        self.holders.as_ref().map(|holders| Count {
            seen: seen(holders),
            exact: holders.exact(),
        })
    }
}

/// A moment in the local time zone (`TZ`, else the system's), broken down
/// as `localtime(3)` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// The year, e.g. 2026.
    pub year: i64,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 60 (a leap second).
    pub second: u8,
    /// 0 to 999 999 999.
    pub nanosecond: u32,
    /// Seconds east of UTC in effect at that moment.
    pub offset: i64,
    /// Whole seconds since the epoch (negative before 1970).
    pub epoch: i64,
}

/// `time` in the local time zone; `None` when the C library cannot
/// represent it.
#[must_use]
pub fn local_time(time: SystemTime) -> Option<LocalTime> {
    let (epoch, nanosecond) = epoch_time(time)?;
    let local = crate::sys::clock::local_time(epoch)?;
    Some(LocalTime {
        year: local.year,
        month: local.month,
        day: local.day,
        hour: local.hour,
        minute: local.minute,
        second: local.second,
        nanosecond,
        offset: local.offset,
        epoch,
    })
}

/// A path's metadata, as `stat(2)` gives it, with owner names resolved.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Status {
    /// File type.
    pub kind: FileKind,
    /// Permission bits, including set-id and sticky bits (`st_mode & 07777`).
    pub mode: u32,
    /// Owner id.
    pub uid: u32,
    /// Owner name, when the user database knows it.
    pub user: Option<String>,
    /// Group id.
    pub gid: u32,
    /// Group name, when the group database knows it.
    pub group: Option<String>,
    /// Inode number.
    pub inode: u64,
    /// Device the inode lives on.
    pub device: u64,
    /// Its major number.
    pub device_major: u64,
    /// Its minor number.
    pub device_minor: u64,
    /// Hard links.
    pub links: u64,
    /// Size in bytes (always 0 for a FIFO).
    pub size: u64,
    /// The whole `st_mode`: type and permission bits.
    pub raw_mode: u32,
    /// 512-byte blocks allocated.
    pub blocks: u64,
    /// The preferred I/O size (`st_blksize`).
    pub io_block: u64,
    /// The device a device special file stands for (`st_rdev`).
    pub rdev: u64,
    /// Its major number.
    pub rdev_major: u64,
    /// Its minor number.
    pub rdev_minor: u64,
    /// Creation, when the file system records it.
    pub born: Option<SystemTime>,
    /// Last access.
    pub accessed: SystemTime,
    /// Last modification.
    pub modified: SystemTime,
    /// Last status change.
    pub changed: SystemTime,
    /// Live pipe state (FIFOs only; unknown elsewhere).
    pub pipe: PipeState,
}

impl Status {
    /// `ls -l` style permissions, e.g. `prw-------`.
    #[must_use]
    pub fn permissions(&self) -> String {
        let mut text = String::with_capacity(10);
        text.push(self.kind.letter());
        let special = [(0o4000, 's'), (0o2000, 's'), (0o1000, 't')];
        for (class, (special_bit, special_char)) in special.into_iter().enumerate() {
            let shift = 6 - 3 * class;
            let bits = (self.mode >> shift) & 0o7;
            text.push(if bits & 4 != 0 { 'r' } else { '-' });
            text.push(if bits & 2 != 0 { 'w' } else { '-' });
            let exec = bits & 1 != 0;
            text.push(match (self.mode & special_bit != 0, exec) {
                (true, true) => special_char,
                (true, false) => special_char.to_ascii_uppercase(),
                (false, true) => 'x',
                (false, false) => '-',
            });
        }
        text
    }
}

/// What [`inspect`] looks at.
///
/// By default a final symlink is reported as itself, as `stat(1)` does, and
/// a FIFO's live state is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Follow a final symlink and report what it points to.
    pub follow: bool,
    /// Read a FIFO's live state: who holds it, what its pipe holds (a scan
    /// of /proc, a few system calls per process).
    pub live: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            follow: false,
            live: true,
        }
    }
}

impl Options {
    /// Whether to follow a final symlink.
    #[must_use]
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    /// Whether to read a FIFO's live state.
    #[must_use]
    pub fn live(mut self, live: bool) -> Self {
        self.live = live;
        self
    }
}

/// Reports on `path` as `options` say.
///
/// ```
/// use fifo_core::inspect::{Options, inspect};
///
/// let status = inspect("/".as_ref(), Options::default().live(false))?;
/// assert_eq!(status.kind, fifo_core::FileKind::Directory);
/// # Ok::<(), fifo_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::Sys`] with [`Action::Stat`] when the path cannot be looked at.
pub fn inspect(path: &Path, options: Options) -> Result<Status> {
    let follow = options.follow;
    let st = if follow { stat(path) } else { lstat(path) }
        .map_err(|errno| Error::sys(Subject::path(path), Action::Stat, errno))?;
    let mut status = status_of(&st);
    status.born =
        crate::sys::birth_time(path, follow).map(|(secs, nanos)| time_of(secs, nanos.into()));
    if options.live && status.kind == FileKind::Fifo {
        status.pipe = pipe_state(status.device, status.inode);
    }
    Ok(status)
}

/// The live state of the FIFO with this device and inode. A FIFO nobody
/// holds has no pipe, so nothing is buffered and there is no capacity to
/// report; capacity and contents are read through a descriptor borrowed from
/// an open holder, so with only threads still opening they stay unknown.
fn pipe_state(device: u64, inode: u64) -> PipeState {
    let Some(holders) = crate::inspect::live::holders(device, inode) else {
        return PipeState::default();
    };
    let (capacity, buffered) = if holders.seen.is_empty() {
        (None, holders.complete().then_some(0))
    } else {
        let contents = crate::inspect::live::pipe_contents(&holders);
        (contents.capacity, contents.waiting)
    };
    PipeState {
        buffered,
        capacity,
        holders: Some(holders),
    }
}

/// Whole seconds since the epoch (rounded down, as `st_mtim.tv_sec` is)
/// and the nanoseconds after them; `None` beyond the range of `i64`.
#[must_use]
pub fn epoch_time(time: SystemTime) -> Option<(i64, u32)> {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => Some((i64::try_from(after.as_secs()).ok()?, after.subsec_nanos())),
        Err(before) => {
            let before = before.duration();
            let mut secs = -i64::try_from(before.as_secs()).ok()?;
            let mut nanos = before.subsec_nanos();
            if nanos > 0 {
                secs -= 1;
                nanos = 1_000_000_000 - nanos;
            }
            Some((secs, nanos))
        }
    }
}

fn status_of(st: &FileStat) -> Status {
    let uid = st.st_uid;
    let FileId { device, inode } = FileId::of(st);
    let (rdev, rdev_major, rdev_minor) = sys::file::rdev(st);
    let (device_major, device_minor) = sys::file::device_parts(st);
    let gid = st.st_gid;
    Status {
        kind: FileKind::of(st),
        mode: sys::file::mode(st) & 0o7777,
        uid,
        user: User::from_uid(Uid::from_raw(uid))
            .ok()
            .flatten()
            .map(|u| u.name),
        gid,
        group: Group::from_gid(Gid::from_raw(gid))
            .ok()
            .flatten()
            .map(|g| g.name),
        inode,
        device,
        device_major,
        device_minor,
        links: sys::file::links(st),
        size: u64::try_from(st.st_size).unwrap_or(0),
        raw_mode: sys::file::mode(st),
        blocks: u64::try_from(st.st_blocks).unwrap_or(0),
        io_block: u64::try_from(st.st_blksize).unwrap_or(0),
        rdev,
        rdev_major,
        rdev_minor,
        born: None,
        accessed: time_of(st.st_atime, st.st_atime_nsec),
        modified: time_of(st.st_mtime, st.st_mtime_nsec),
        changed: time_of(st.st_ctime, st.st_ctime_nsec),
        pipe: PipeState::default(),
    }
}

fn time_of(secs: i64, nanos: i64) -> SystemTime {
    let nanos = u32::try_from(nanos).unwrap_or(0);
    match u64::try_from(secs) {
        Ok(secs) => UNIX_EPOCH + Duration::new(secs, nanos),
        Err(_) => {
            UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
                + Duration::from_nanos(u64::from(nanos))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::make_fifo;

    #[test]
    fn a_fifo_made_with_mode_600_reads_prw_dash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        make_fifo(&path, 0o600, crate::create::IfExists::Fail).unwrap();
        let status = inspect(&path, Options::default()).unwrap();
        assert_eq!(status.kind, FileKind::Fifo);
        assert_eq!(status.permissions(), "prw-------");
        assert_eq!(status.mode, 0o600);
        assert_eq!(status.links, 1);
    }

    #[test]
    fn special_bits_show_as_ls_shows_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut status = inspect(dir.path(), Options::default()).unwrap();
        status.mode = 0o1777;
        assert_eq!(status.permissions(), "drwxrwxrwt");
        status.mode = 0o4644;
        assert_eq!(status.permissions(), "drwSr--r--");
    }

    #[test]
    fn a_missing_path_is_a_stat_error() {
        let err = inspect(Path::new("/nonexistent/x"), Options::default()).unwrap_err();
        assert_eq!(
            err.reason().to_string(),
            "cannot stat: No such file or directory"
        );
    }
}
