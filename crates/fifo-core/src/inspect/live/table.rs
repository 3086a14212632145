//! Holders where there is no /proc: macOS and FreeBSD, through their
//! process tables (see `sys::table`). Each listed process's descriptor
//! table is read and its descriptors on the FIFO kept, matched by device
//! and inode; the direction comes from the open flags.
//!
//! What these systems do not show is said, never guessed: a process this
//! user may not look at is counted in `uninspected`, processes the system
//! does not list at all make `unlisted`, threads blocked in `open(2)` are
//! not seen (`openings_unseen`), and descriptors are placed in open file
//! descriptions only as far as "not shared" tells (see
//! `sharing::number_by_sharing`).

use super::{Holder, Holders, State, sharing};
use crate::open::Direction;
use crate::sys::file::FileId;
use crate::sys::table::{self, Table};

/// Every descriptor on the file with this device and inode, in PID order,
/// or `None` when the system lists no process.
pub(super) fn holders(device: u64, inode: u64) -> Option<Holders> {
    let me = i32::try_from(std::process::id()).ok()?;
    let file = FileId { device, inode };
    let mut found = Holders {
        openings_unseen: true,
        unlisted: table::unlisted(),
        file: Some((device, inode)),
        ..Holders::default()
    };
    let mut shared = Vec::new();
    let mut pids = table::process_ids()?;
    pids.sort_unstable();
    pids.dedup();
    // Process 0 is the kernel (macOS's kernel_task, FreeBSD's swapper),
    // which holds no FIFO by a descriptor; this process leaves itself out,
    // as on Linux.
    for pid in pids.into_iter().filter(|&pid| pid > 0 && pid != me) {
        match table::descriptors_on(pid, file) {
            Table::Gone => {}
            Table::Hidden => found.uninspected += 1,
            Table::Seen(descriptors) => {
                for descriptor in descriptors {
                    let direction = match (descriptor.read, descriptor.write) {
                        (true, false) => Direction::Read,
                        (false, true) => Direction::Write,
                        (true, true) => Direction::ReadWrite,
                        // Open for neither (macOS's O_EVTONLY): no reader,
                        // no writer.
                        (false, false) => continue,
                    };
                    found.seen.push(Holder {
                        pid,
                        command: table::command_of(pid).unwrap_or_default(),
                        fd: Some(descriptor.fd),
                        thread: None,
                        direction,
                        state: State::Open,
                        description: None,
                    });
                    shared.push(descriptor.shared);
                }
            }
        }
    }
    sharing::number_by_sharing(&mut found.seen, &shared);
    Some(found)
}
