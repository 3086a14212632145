//! What `fifo stat` reports about a path, gathered without opening it, so a
//! waiting peer is never released and no data is consumed.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::sys::stat::{FileStat, lstat, stat};
use nix::unistd::{Gid, Group, Uid, User};

use crate::{Action, Error, FileKind, Result, Subject};

/// What is known about a pipe's live state; `None` where it cannot be seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipeState {
    /// Who holds the FIFO open, as far as /proc shows (`None`: not known).
    pub holders: Option<crate::live::Holders>,
    /// Descriptors open for reading.
    pub readers: Option<u64>,
    /// Descriptors open for writing.
    pub writers: Option<u64>,
    /// Bytes written and not yet read.
    pub buffered: Option<u64>,
    /// The pipe's capacity in bytes.
    pub capacity: Option<u64>,
}

/// A path's metadata, as `stat(2)` gives it, with owner names resolved.
#[derive(Debug, Clone)]
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
    /// Hard links.
    pub links: u64,
    /// Size in bytes (always 0 for a FIFO).
    pub size: u64,
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

/// Reports on `path`, following a final symlink only when `follow` is set;
/// a FIFO's live state (a scan of /proc) only when `live` is set.
///
/// # Errors
/// [`Error::Sys`] with [`Action::Stat`] when the path cannot be looked at.
pub fn inspect(path: &Path, follow: bool, live: bool) -> Result<Status> {
    let st = if follow { stat(path) } else { lstat(path) }
        .map_err(|errno| Error::sys(Subject::path(path), Action::Stat, errno))?;
    let mut status = status_of(&st);
    if live && status.kind == FileKind::Fifo {
        status.pipe = pipe_state(status.device, status.inode);
    }
    Ok(status)
}

/// The live state of the FIFO with this device and inode. Counts are known
/// only when every process could be inspected; a FIFO nobody holds has no
/// pipe, so nothing is buffered and there is no capacity to report.
fn pipe_state(device: u64, inode: u64) -> PipeState {
    let Some(holders) = crate::live::holders(device, inode) else {
        return PipeState::default();
    };
    let complete = holders.uninspected == 0;
    let (capacity, buffered) = if holders.seen.is_empty() {
        (None, complete.then_some(0))
    } else {
        crate::live::pipe_contents(&holders)
    };
    PipeState {
        readers: complete.then(|| holders.readers()),
        writers: complete.then(|| holders.writers()),
        buffered,
        capacity,
        holders: Some(holders),
    }
}

// `mode_t` and `nlink_t` are narrower on macOS and the BSDs than on Linux.
#[allow(clippy::useless_conversion)]
fn status_of(st: &FileStat) -> Status {
    let uid = st.st_uid;
    let gid = st.st_gid;
    Status {
        kind: FileKind::of(st),
        mode: u32::from(st.st_mode) & 0o7777,
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
        inode: st.st_ino,
        device: st.st_dev,
        links: u64::from(st.st_nlink),
        size: u64::try_from(st.st_size).unwrap_or(0),
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
        let status = inspect(&path, false, true).unwrap();
        assert_eq!(status.kind, FileKind::Fifo);
        assert_eq!(status.permissions(), "prw-------");
        assert_eq!(status.mode, 0o600);
        assert_eq!(status.links, 1);
    }

    #[test]
    fn special_bits_show_as_ls_shows_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut status = inspect(dir.path(), false, true).unwrap();
        status.mode = 0o1777;
        assert_eq!(status.permissions(), "drwxrwxrwt");
        status.mode = 0o4644;
        assert_eq!(status.permissions(), "drwSr--r--");
    }

    #[test]
    fn a_missing_path_is_a_stat_error() {
        let err = inspect(Path::new("/nonexistent/x"), false, true).unwrap_err();
        assert_eq!(err.to_string(), "cannot stat: No such file or directory");
    }
}
