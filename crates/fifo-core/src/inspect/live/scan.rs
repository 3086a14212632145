//! One process looked at for a FIFO's holders: its descriptors on the FIFO
//! and its threads blocked opening it, read from /proc relative to one
//! descriptor on /proc.

use std::ffi::CStr;
use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd};

use nix::errno::Errno;
use nix::fcntl::AtFlags;
use nix::sys::stat::{Mode, fstatat};

use super::{DIR_FLAGS, Holder, State, command_of, direction_of};
use crate::sys::{self, file::FileId};

/// A number in a /proc listing (a PID, a TID, a descriptor).
pub(crate) fn number(name: &CStr) -> Option<i32> {
    name.to_str().ok()?.parse().ok()
}

/// Whether a process could be looked at as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    Wholly,
    Partly,
}

/// One process looked at for the FIFO with this device and inode.
pub(super) struct Scan<'a> {
    pub(super) proc: BorrowedFd<'a>,
    pub(super) pid: i32,
    pub(super) device: u64,
    pub(super) inode: u64,
}

impl Scan<'_> {
    /// Adds the process's descriptors on the file, and its threads blocked
    /// opening it, to `seen`. A process that ended meanwhile counts as seen.
    pub(super) fn process(&self, seen: &mut Vec<Holder>, buf: &mut [u8]) -> Seen {
        let pid = self.pid;
        let file = FileId {
            device: self.device,
            inode: self.inode,
        };
        // One open of the directory serves both getdents and fstatat
        // relative to it: far fewer /proc path walks than a stat of
        // /proc/PID/fd/N for each descriptor.
        let dir_fd = match nix::fcntl::openat(
            self.proc,
            format!("{pid}/fd").as_str(),
            DIR_FLAGS,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            // The process ended meanwhile.
            Err(Errno::ENOENT | Errno::ESRCH) => return Seen::Wholly,
            // Not allowed, or not now (out of descriptors under a low
            // `ulimit -n`): unknown, never "holds nothing".
            Err(_) => return Seen::Partly,
        };
        let mut whole = Seen::Wholly;
        let listed = sys::each_entry(dir_fd.as_fd(), buf, &mut |name| {
            let Some(fd) = number(name) else {
                return ControlFlow::Continue(());
            };
            let st = match fstatat(&dir_fd, name, AtFlags::empty()) {
                Ok(st) => st,
                // Listing the descriptors needs less than following them
                // (ptrace read access): unknown, not absent.
                Err(Errno::EACCES | Errno::EPERM) => {
                    whole = Seen::Partly;
                    return ControlFlow::Break(());
                }
                // Closed meanwhile.
                Err(_) => return ControlFlow::Continue(()),
            };
            if FileId::of(&st) != file {
                return ControlFlow::Continue(());
            }
            if let Some(direction) = direction_of(pid, fd) {
                seen.push(Holder {
                    pid,
                    command: command_of(pid),
                    fd: Some(fd),
                    thread: None,
                    direction,
                    state: State::Open,
                    description: None,
                });
            }
            ControlFlow::Continue(())
        });
        drop(dir_fd);
        match listed {
            // Out of sight: what was found stands, the rest is unknown.
            Ok(_) if whole == Seen::Partly => return Seen::Partly,
            Ok(_) => {}
            // The process ended while listed.
            Err(Errno::ENOENT | Errno::ESRCH) => return Seen::Wholly,
            // A listing cut short is no proof of nothing held.
            Err(_) => return Seen::Partly,
        }
        let Some(openings) =
            crate::opening::blocked_opens(self.proc, pid, self.device, self.inode, buf)
        else {
            return Seen::Partly;
        };
        seen.extend(openings.into_iter().map(|opening| Holder {
            pid,
            command: command_of(pid),
            fd: None,
            thread: Some(opening.tid),
            direction: opening.direction,
            state: State::Opening,
            description: None,
        }));
        Seen::Wholly
    }
}
