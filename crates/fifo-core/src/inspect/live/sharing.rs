//! Which of a FIFO's descriptors share one open file description. The
//! kernel's readers and writers are open file descriptions, not
//! descriptors: a descriptor that every job of a shell inherits, or one
//! that was dup'ed, is one reader (or writer) however many processes hold
//! it, and it is the last description closing that ends a stream.
//!
//! Only `kcmp(2)` tells: /proc's fdinfo shows the same flags, position and
//! pipe inode for two opens of one FIFO. To stay cheap with many holders,
//! descriptors are compared only with others of the same access (a
//! description has one), and each only against the distinct descriptions
//! found so far, kept in kcmp's order: a binary search, about log2(k) calls
//! for k distinct ones, none at all for a lone descriptor.

use std::cmp::Ordering;

use super::{Holder, State};
use crate::open::Direction;
use crate::sys;

/// Numbers the open descriptors in `seen` by open file description, from 1:
/// descriptors with the same number share one. The first of each access
/// needs no comparison; a later one that could not be compared (kcmp
/// refused: no ptrace permission over one of the two, or no kcmp) keeps
/// `None`, so that the numbers counted are a lower bound.
pub(super) fn number_descriptions(seen: &mut [Holder]) {
    let mut next = 0;
    for access in [Direction::Read, Direction::Write, Direction::ReadWrite] {
        // The distinct descriptions of this access so far, in kcmp's order:
        // (pid, fd, number).
        let mut distinct: Vec<(i32, i32, u32)> = Vec::new();
        for holder in seen.iter_mut().filter(|h| h.direction == access) {
            let Some(fd) = holder.fd.filter(|_| holder.state == State::Open) else {
                continue;
            };
            match find(&distinct, (holder.pid, fd)) {
                Some(Ok(at)) => holder.description = Some(distinct[at].2),
                Some(Err(at)) => {
                    next += 1;
                    distinct.insert(at, (holder.pid, fd, next));
                    holder.description = Some(next);
                }
                None => {}
            }
        }
    }
}

/// Where descriptor `fd` of `pid` stands among `distinct`: `Ok` at the one it
/// shares, `Err` where it goes as a new one, `None` when kcmp refused.
fn find(distinct: &[(i32, i32, u32)], (pid, fd): (i32, i32)) -> Option<Result<usize, usize>> {
    let (mut low, mut high) = (0, distinct.len());
    while low < high {
        let middle = low + (high - low) / 2;
        let (other_pid, other_fd, _) = distinct[middle];
        match sys::compare_descriptions((pid, fd), (other_pid, other_fd)).ok()? {
            Ordering::Equal => return Some(Ok(middle)),
            Ordering::Less => high = middle,
            Ordering::Greater => low = middle + 1,
        }
    }
    Some(Err(low))
}

/// Numbers the open descriptors in `seen` by open file description where
/// no `kcmp(2)` exists (macOS, FreeBSD): the kernel only says whether each
/// one's description is referenced more than once (`shared`, one per
/// holder). One that is not shared is a description of its own; the first
/// shared one of each access is one more; each later shared one keeps
/// `None`, since it may share any of them or none, so that the numbers
/// counted are a lower bound.
/// (Built everywhere, so that its tests run on Linux too.)
#[cfg_attr(not(any(target_os = "macos", target_os = "freebsd")), allow(dead_code))]
pub(super) fn number_by_sharing(seen: &mut [Holder], shared: &[bool]) {
    let mut next = 0;
    for access in [Direction::Read, Direction::Write, Direction::ReadWrite] {
        let mut shared_counted = false;
        for (holder, &shared) in seen.iter_mut().zip(shared) {
            if holder.direction != access || holder.state != State::Open {
                continue;
            }
            if shared && shared_counted {
                continue;
            }
            shared_counted |= shared;
            next += 1;
            holder.description = Some(next);
        }
    }
}
