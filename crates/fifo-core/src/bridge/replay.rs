//! The sender's replay buffer: every byte read from the source stays here
//! until the receiver says it has written it, so a link that drops loses
//! nothing. It is bounded: when it is full the source is not read until an
//! acknowledgement makes room (backpressure, never a drop).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

/// What the link's writer is to do next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Send these bytes, which start at this offset.
    Data(u64, Vec<u8>),
    /// Everything is sent: send end of file at this offset.
    Eof(u64),
    /// End of file was sent and everything is acknowledged.
    Done,
    /// Everything read is sent, but the source failed: tell the peer this
    /// (it must not take the stream for whole).
    Failed(String),
    /// The link is down.
    LinkDown,
}

#[derive(Debug, Default)]
struct State {
    /// Offset of the first byte kept (everything before is acknowledged).
    start: u64,
    data: VecDeque<u8>,
    /// The source has ended.
    eof: bool,
    /// Why the source ended, if it failed.
    failed: Option<String>,
    /// The link in use is up.
    link_up: bool,
}

impl State {
    fn end(&self) -> u64 {
        self.start + self.data.len() as u64
    }
}

/// The replay buffer, shared by the source's reader, the link's writer
/// and the reader of acknowledgements.
#[derive(Debug)]
pub(crate) struct Replay {
    state: Mutex<State>,
    changed: Condvar,
    capacity: usize,
}

impl Replay {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                data: ring(capacity.max(1)),
                ..State::default()
            }),
            changed: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends `bytes`, waiting for room as long as it takes.
    pub(crate) fn push(&self, mut bytes: &[u8]) {
        let mut state = self.lock();
        while !bytes.is_empty() {
            let room = self.capacity.saturating_sub(state.data.len());
            if room == 0 {
                state = self
                    .changed
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            let (now, later) = bytes.split_at(room.min(bytes.len()));
            state.data.extend(now);
            bytes = later;
            self.changed.notify_all();
        }
    }

    /// The source has ended.
    pub(crate) fn finish(&self) {
        self.lock().eof = true;
        self.changed.notify_all();
    }

    /// The source failed (`why`): once what was read before is sent, the
    /// link's writer is told [`Next::Failed`] instead of end of file.
    pub(crate) fn fail(&self, why: String) {
        let mut state = self.lock();
        state.eof = true;
        state.failed = Some(why);
        self.changed.notify_all();
    }

    /// The receiver has written everything before `offset`: frees it.
    /// An offset past what was read is the peer's lie: false.
    pub(crate) fn ack(&self, offset: u64) -> bool {
        let mut state = self.lock();
        if offset > state.end() {
            return false;
        }
        if offset > state.start {
            let freed = (offset - state.start) as usize;
            state.data.drain(..freed);
            state.start = offset;
            self.changed.notify_all();
        }
        true
    }

    /// The first offset still kept: where a new link resumes at the
    /// earliest.
    pub(crate) fn start(&self) -> u64 {
        self.lock().start
    }

    /// Whether `offset` can be resumed from: it is kept or just past.
    pub(crate) fn holds(&self, offset: u64) -> bool {
        let state = self.lock();
        (state.start..=state.end()).contains(&offset)
    }

    /// Marks the link in use up or down; down wakes the link's writer.
    pub(crate) fn set_link(&self, up: bool) {
        self.lock().link_up = up;
        self.changed.notify_all();
    }

    /// Waits for what to send from `next` on: at most `most` bytes.
    pub(crate) fn next(&self, next: u64, most: usize) -> Next {
        let mut state = self.lock();
        loop {
            let end = state.end();
            // Before the link's state: a peer that hangs up right after
            // its last acknowledgement has not broken anything.
            if state.eof && state.data.is_empty() && next > end {
                return Next::Done;
            }
            if !state.link_up {
                return Next::LinkDown;
            }
            if next < end {
                let from = (next.max(state.start) - state.start) as usize;
                let take = most.min(state.data.len() - from);
                let data = copy_out(&state.data, from, take);
                return Next::Data(next.max(state.start), data);
            }
            if state.eof && next == end {
                return match &state.failed {
                    Some(why) => Next::Failed(why.clone()),
                    None => Next::Eof(end),
                };
            }
            // Nothing new yet, or the end of file went out and waits for
            // its acknowledgement.
            state = self.wait(state);
        }
    }

    fn wait<'a>(&self, state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed
            .wait(state)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `take` bytes of `data` from `from` on, copied a slice at a time (not
/// byte by byte: this is every byte's path to the link).
/// The ring, allocated whole at once where the system grants it (its pages
/// are touched only as they fill): growing by doubling copied the ring
/// each time, and as the old and the new one lived side by side it took
/// the peak half a buffer over the buffer. A size the system refuses (a
/// `--replay-buffer` beyond its memory) grows as it fills instead.
fn ring(capacity: usize) -> VecDeque<u8> {
    let mut data = VecDeque::new();
    let _ = data.try_reserve_exact(capacity);
    data
}

fn copy_out(data: &VecDeque<u8>, from: usize, take: usize) -> Vec<u8> {
    let (front, back) = data.as_slices();
    let mut out = Vec::with_capacity(take);
    if from < front.len() {
        let end = front.len().min(from + take);
        out.extend_from_slice(&front[from..end]);
    }
    let from_back = from.saturating_sub(front.len());
    out.extend_from_slice(&back[from_back..from_back + (take - out.len())]);
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_buffer_larger_than_memory_is_not_allocated_up_front() {
        let replay = Replay::new(usize::MAX / 2);
        replay.push(b"abc");
        replay.set_link(true);
        assert_eq!(replay.next(0, 100), Next::Data(0, b"abc".to_vec()));
    }

    #[test]
    fn bytes_stay_until_acknowledged_and_are_sent_again_after_a_drop() {
        let replay = Replay::new(8);
        replay.set_link(true);
        replay.push(b"abcdef");
        assert_eq!(replay.next(0, 4), Next::Data(0, b"abcd".to_vec()));
        assert!(replay.ack(2));
        // The receiver said it has 2: the rest comes again.
        assert_eq!(replay.next(2, 100), Next::Data(2, b"cdef".to_vec()));
        assert!(!replay.ack(7), "an offset past the data is refused");
        replay.finish();
        assert_eq!(replay.next(6, 100), Next::Eof(6));
        assert!(replay.ack(6));
        // next is one past the end once the end of file was sent.
        assert_eq!(replay.next(7, 100), Next::Done);
        // Also once the link is down: the last acknowledgement counts.
        replay.set_link(false);
        assert_eq!(replay.next(7, 100), Next::Done);
    }

    #[test]
    fn a_full_buffer_holds_the_source_back_until_an_ack() {
        let replay = Arc::new(Replay::new(4));
        replay.set_link(true);
        let pusher = {
            let replay = Arc::clone(&replay);
            std::thread::spawn(move || replay.push(b"0123456789"))
        };
        assert_eq!(replay.next(0, 100), Next::Data(0, b"0123".to_vec()));
        let mut acked = 0;
        while acked < 10 {
            if let Next::Data(offset, data) = replay.next(acked, 100) {
                assert_eq!(offset, acked);
                acked += data.len() as u64;
                assert!(data.len() <= 4);
                replay.ack(acked);
            }
        }
        pusher.join().unwrap();
    }

    #[test]
    fn bytes_come_out_in_order_across_the_ring_s_wrap() {
        let mut ring = VecDeque::with_capacity(8);
        ring.extend(b"xxxxxx");
        ring.drain(..5);
        ring.extend(b"abcdefg");
        assert!(!ring.as_slices().1.is_empty(), "the data wraps");
        for from in 0..ring.len() {
            for take in 0..=ring.len() - from {
                let want: Vec<u8> = ring.range(from..from + take).copied().collect();
                assert_eq!(copy_out(&ring, from, take), want, "{from} {take}");
            }
        }
    }

    #[test]
    fn a_failed_source_is_told_after_its_data_never_as_end_of_file() {
        let replay = Replay::new(8);
        replay.set_link(true);
        replay.push(b"abc");
        replay.fail("broken".to_owned());
        assert_eq!(replay.next(0, 100), Next::Data(0, b"abc".to_vec()));
        assert_eq!(replay.next(3, 100), Next::Failed("broken".to_owned()));
    }

    #[test]
    fn a_link_going_down_wakes_the_writer() {
        let replay = Arc::new(Replay::new(4));
        replay.set_link(true);
        let waiter = {
            let replay = Arc::clone(&replay);
            std::thread::spawn(move || replay.next(0, 4))
        };
        replay.set_link(false);
        assert_eq!(waiter.join().unwrap(), Next::LinkDown);
    }
}
