//! What a look at a FIFO's holders found: each descriptor on it, each
//! thread blocked opening it, and what could not be looked at, with the
//! counts the kernel would give.

use crate::open::Direction;

/// Whether a holder has the FIFO open or is still waiting in `open(2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// It holds a descriptor on the FIFO.
    Open,
    /// One of its threads is blocked opening the FIFO, waiting for the other
    /// end.
    Opening,
}

/// `open` or `opening`, as `fifo stat` prints a holder's state.
impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Opening => "opening",
        })
    }
}

/// One descriptor some process holds on the FIFO, or one of its threads
/// blocked opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The process.
    pub pid: i32,
    /// Its command name (`/proc/PID/comm`; macOS's `proc_name`, FreeBSD's
    /// `ki_comm`), chosen by the process itself: escape it for display
    /// (bytes that are not UTF-8 read as U+FFFD).
    pub command: String,
    /// The descriptor number in that process (`None` while opening).
    pub fd: Option<i32>,
    /// The thread blocked in `open(2)` (`None` when open).
    pub thread: Option<i32>,
    /// Which way it was opened, or is being opened.
    pub direction: Direction,
    /// Open, or still opening.
    pub state: State,
    /// Which open file description the descriptor refers to: holders with
    /// the same number share one (an inherited or dup'ed descriptor).
    /// `None` while opening, or when it could not be compared with the
    /// others (`kcmp(2)` needs ptrace permission over both processes).
    /// macOS and FreeBSD have no such comparison: there a descriptor whose
    /// description nothing else refers to has a number of its own, the
    /// first shared one of each access too, and each later shared one
    /// `None` (it may share one counted already, or not).
    pub description: Option<u32>,
}

/// Everyone seen holding a FIFO, how many processes could not be looked at
/// (their descriptors are unknown, not absent), and what the system does
/// not show at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holders {
    /// Descriptors found on the FIFO, and threads blocked opening it.
    pub seen: Vec<Holder>,
    /// Processes this process may not fully inspect: their descriptors, or a
    /// thread of theirs waiting in a FIFO open, are unknown. When it is not
    /// zero, every count is a lower bound.
    pub uninspected: u64,
    /// Whether threads blocked in `open(2)` could not be looked for: Linux's
    /// /proc shows them, macOS and FreeBSD show a descriptor only once its
    /// open has completed. Then [`Holders::opening`] is unknown, and
    /// readers and writers count only descriptions open already (lower
    /// bounds).
    pub openings_unseen: bool,
    /// Whether the system leaves some processes out of its listing for this
    /// user, so that they cannot even be counted in `uninspected`
    /// (FreeBSD's `security.bsd.see_other_uids=0` and the like, or a jail).
    /// Every count is a lower bound then.
    pub unlisted: bool,
    /// The device and inode of the FIFO looked for ([`holders`](super::holders)
    /// fills them in): a descriptor borrowed from a holder to see its pipe
    /// is looked into only if it is still this file.
    pub file: Option<(u64, u64)>,
}

impl Holders {
    /// Readers, as the kernel counts them: open file descriptions open for
    /// reading (read-write ones included), and threads blocked opening for
    /// reading.
    #[must_use]
    pub fn readers(&self) -> u64 {
        self.count(|direction| matches!(direction, Direction::Read | Direction::ReadWrite))
    }

    /// Writers: open file descriptions open for writing (read-write ones
    /// included), and threads blocked opening for writing.
    #[must_use]
    pub fn writers(&self) -> u64 {
        self.count(|direction| matches!(direction, Direction::Write | Direction::ReadWrite))
    }

    /// Threads blocked in `open(2)` on the FIFO (either direction); 0 where
    /// they cannot be seen ([`Holders::openings_unseen`]).
    #[must_use]
    pub fn opening(&self) -> u64 {
        self.seen
            .iter()
            .filter(|h| h.state == State::Opening)
            .count() as u64
    }

    /// Whether every process was listed and could be inspected, so nobody
    /// holding the FIFO open was missed.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.uninspected == 0 && !self.unlisted
    }

    /// Whether the counts are exact: every process inspected, threads
    /// blocked opening looked for, and every descriptor placed in its open
    /// file description.
    #[must_use]
    pub fn exact(&self) -> bool {
        self.complete()
            && !self.openings_unseen
            && self
                .seen
                .iter()
                .all(|h| h.state == State::Opening || h.description.is_some())
    }

    /// Distinct open file descriptions, and blocked opens, in a direction.
    fn count(&self, wanted: impl Fn(Direction) -> bool) -> u64 {
        let mut descriptions = std::collections::BTreeSet::new();
        let mut opening = 0;
        for holder in self.seen.iter().filter(|h| wanted(h.direction)) {
            match (holder.state, holder.description) {
                (State::Opening, _) => opening += 1,
                (State::Open, Some(number)) => {
                    descriptions.insert(number);
                }
                (State::Open, None) => {}
            }
        }
        descriptions.len() as u64 + opening
    }
}
