//! Who may call a server, and whom a caller believes: decided from what the
//! kernel says of the other end of a call's connection, never from anything
//! the other end sent.
//!
//! A server answers a caller that may write its FIFO, by the rule the kernel
//! applies when that caller opens the FIFO for writing, so that calling is
//! exactly as open as sending to the work queue. A caller believes a server
//! that runs as the FIFO's owner, as root, or as the caller itself: anyone
//! else listening at the socket's place is an impostor.

use std::os::fd::BorrowedFd;

use crate::{Action, Error, Result, Subject};

/// A process's user and groups, as the kernel names the peer of a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credentials {
    /// Its (effective) user.
    pub uid: u32,
    /// Its (effective) primary group.
    pub gid: u32,
    /// Its supplementary groups (on a Linux before 4.13: none known).
    pub groups: Vec<u32>,
}

impl Credentials {
    /// The credentials of the peer of the connected Unix socket `fd`.
    ///
    /// # Errors
    /// [`Error::Sys`] naming `subject` when the system cannot say.
    pub fn of_peer(fd: BorrowedFd<'_>, subject: &Subject) -> Result<Self> {
        let cred = crate::sys::peer_cred(fd)
            .map_err(|errno| Error::sys(subject.clone(), Action::Stat, errno))?;
        Ok(Self {
            uid: cred.uid,
            gid: cred.gid,
            groups: cred.groups,
        })
    }

    /// Whether these credentials may open a file of this owner, group and
    /// mode for writing, by the kernel's rule for `open(2)`: root always;
    /// the owner by the owner's bit alone; a member of the file's group
    /// (primary or supplementary) by the group's bit; everyone else by the
    /// others' bit. Access control lists are not read: where one is set,
    /// the group bits are its mask, the most any named entry gets.
    #[must_use]
    pub fn may_write(&self, owner: u32, group: u32, mode: u32) -> bool {
        let bit = if self.uid == 0 {
            return true;
        } else if self.uid == owner {
            0o200
        } else if self.gid == group || self.groups.contains(&group) {
            0o020
        } else {
            0o002
        };
        mode & bit != 0
    }

    /// Whether a caller of a FIFO owned by `owner`, running as `me`, may
    /// believe a server with these credentials: the FIFO's owner, root, or
    /// the caller itself (who trusts its own processes anyway).
    #[must_use]
    pub fn may_answer(&self, owner: u32, me: u32) -> bool {
        self.uid == owner || self.uid == 0 || self.uid == me
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(uid: u32, gid: u32, groups: &[u32]) -> Credentials {
        Credentials {
            uid,
            gid,
            groups: groups.to_vec(),
        }
    }

    #[test]
    fn the_write_rule_is_the_kernels() {
        // Owner 1000, group 100.
        let owner = user(1000, 1000, &[]);
        let member = user(2000, 2000, &[100]);
        let primary = user(2001, 100, &[]);
        let other = user(3000, 3000, &[5]);
        let root = user(0, 0, &[]);
        for (mode, want) in [
            (0o600, [true, false, false, false, true]),
            (0o620, [true, true, true, false, true]),
            (0o622, [true, true, true, true, true]),
            (0o602, [true, false, false, true, true]),
            // The owner's own bit decides for the owner, whatever the rest.
            (0o022, [false, true, true, true, true]),
            // A group member is judged by the group's bit alone.
            (0o602, [true, false, false, true, true]),
            (0o000, [false, false, false, false, true]),
        ] {
            let got = [&owner, &member, &primary, &other, &root]
                .map(|who| who.may_write(1000, 100, mode));
            assert_eq!(got, want, "mode {mode:o}");
        }
    }

    #[test]
    fn a_caller_believes_the_owner_root_or_itself() {
        assert!(user(1000, 1, &[]).may_answer(1000, 2000));
        assert!(user(0, 0, &[]).may_answer(1000, 2000));
        assert!(user(2000, 1, &[]).may_answer(1000, 2000));
        assert!(!user(65534, 65534, &[]).may_answer(1000, 2000));
    }
}
