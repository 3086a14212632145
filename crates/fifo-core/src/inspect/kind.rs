//! The type of a file, as `stat(2)` reports it and `ls -l` prints it.

use std::fmt;

use nix::sys::stat::{FileStat, SFlag};

/// What kind of file a path or descriptor refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A named pipe.
    Fifo,
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link (seen only when links are not followed).
    Symlink,
    /// A character device such as `/dev/null`.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A Unix domain socket.
    Socket,
    /// Anything the system reports that the above do not cover.
    Unknown,
}

impl FileKind {
    /// The kind recorded in a `stat` result.
    #[must_use]
    pub(crate) fn of(stat: &FileStat) -> Self {
        Self::from_mode(crate::sys::file::mode(stat))
    }

    /// The kind encoded in the `S_IFMT` bits of a raw `st_mode`, as
    /// [`std::os::unix::fs::MetadataExt::mode`] gives it.
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// let mode = std::fs::metadata("/").unwrap().mode();
    /// assert_eq!(fifo_core::FileKind::from_mode(mode), fifo_core::FileKind::Directory);
    /// ```
    #[must_use]
    pub fn from_mode(mode: u32) -> Self {
        match crate::sys::file::format_of(mode) {
            SFlag::S_IFIFO => Self::Fifo,
            SFlag::S_IFREG => Self::Regular,
            SFlag::S_IFDIR => Self::Directory,
            SFlag::S_IFLNK => Self::Symlink,
            SFlag::S_IFCHR => Self::CharDevice,
            SFlag::S_IFBLK => Self::BlockDevice,
            SFlag::S_IFSOCK => Self::Socket,
            _ => Self::Unknown,
        }
    }

    /// The letter `ls -l` shows first: `p` for a FIFO, `-` for a file.
    #[must_use]
    pub fn letter(self) -> char {
        match self {
            Self::Fifo => 'p',
            Self::Regular => '-',
            Self::Directory => 'd',
            Self::Symlink => 'l',
            Self::CharDevice => 'c',
            Self::BlockDevice => 'b',
            Self::Socket => 's',
            Self::Unknown => '?',
        }
    }
}

/// The names GNU `stat --format=%F` uses, so scripts can compare them.
impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fifo => "fifo",
            Self::Regular => "regular file",
            Self::Directory => "directory",
            Self::Symlink => "symbolic link",
            Self::CharDevice => "character special file",
            Self::BlockDevice => "block special file",
            Self::Socket => "socket",
            Self::Unknown => "unknown file type",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_mode_bits_are_a_fifo_with_letter_p() {
        let kind = FileKind::from_mode(0o010_600);
        assert_eq!(kind, FileKind::Fifo);
        assert_eq!(kind.letter(), 'p');
        assert_eq!(kind.to_string(), "fifo");
    }

    #[test]
    fn regular_and_directory_are_told_apart() {
        assert_eq!(FileKind::from_mode(0o100_644), FileKind::Regular);
        assert_eq!(FileKind::from_mode(0o040_755).letter(), 'd');
    }
}
