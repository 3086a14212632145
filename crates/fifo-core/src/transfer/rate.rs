//! A rate limit: a token bucket the copy engines ask before each chunk, so
//! that a copy moves at most so many bytes per second and still moves them
//! with splice(2) or tee(2), one allowance at a time.
//!
//! The bucket holds at most a tenth of a second's worth of bytes. A copy
//! that stalls (a stopped reader, a quiet writer) therefore cannot save up
//! credit and then burst far over the limit when it resumes, as an
//! uncapped bucket does. Only a wake-up from the bucket's own sleep keeps
//! a little more: what it earned by waking up late (at most a 40th of a
//! second's worth), so that the rate is kept to within a fraction of a
//! percent, also at slow rates on a busy machine.
//! See: <https://github.com/icetee/pv/issues/32> (the burst after a stall).
//!
//! ```
//! use std::io::{Seek, Write};
//! use std::num::NonZeroU64;
//! use std::os::fd::AsFd;
//!
//! use fifo_core::transfer::copy::{Copier, Limit};
//! use fifo_core::transfer::rate::RateLimit;
//!
//! let mut src = tempfile::tempfile()?;
//! src.write_all(&[7; 1000])?;
//! src.rewind()?;
//! let dst = tempfile::tempfile()?;
//! // 100 kB/s: the 1000 bytes fit the first tenth of a second.
//! let limit = RateLimit::new(NonZeroU64::new(100_000).unwrap());
//! let (copied, _) = Copier::new(Limit::Unlimited, None)
//!     .with_rate_limit(limit)
//!     .copy(src.as_fd(), dst.as_fd())
//!     .map_err(|err| err.attribute(fifo_core::Subject::Stdin, fifo_core::Subject::Stdout))?;
//! assert_eq!(copied, 1000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::num::NonZeroU64;
use std::time::{Duration, Instant};

/// The longest stretch of time whose bytes the bucket may save up.
const BURST_WINDOW: Duration = Duration::from_millis(100);

/// How late a wake-up from the bucket's own sleep may be and still keep
/// what it earned beyond the bucket's size. Below about 10 MiB/s every
/// chunk waits for a full bucket; were the late part of each sleep (timer
/// slack, scheduling: 0.15 to 0.4 ms measured by bench/rate.sh on a shared
/// 2-core machine, more under load) thrown away at the cap, the rate would
/// fall short by that part of a tenth of a second, every time. A limiter that is itself stopped while it
/// sleeps gains no more than this over the bucket.
const LATE_WAKE_UP: Duration = Duration::from_millis(25);

/// Asked now and then for a new rate; `None` keeps the current one.
type Retune = Box<dyn FnMut() -> Option<NonZeroU64> + Send>;

/// A token bucket: at most `bytes_per_second`, with bursts of at most a
/// tenth of a second's worth.
pub struct RateLimit {
    per_second: f64,
    /// The bucket's size, in bytes (at least one).
    burst: f64,
    /// Bytes that may move now.
    tokens: f64,
    /// When `tokens` was last brought up to date.
    updated: Option<Instant>,
    /// Where a new rate may come from, how often to ask, when last asked.
    retune: Option<(Retune, Duration, Instant)>,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit")
            .field("per_second", &self.per_second)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl RateLimit {
    /// At most `bytes_per_second`, starting with a full (small) bucket.
    #[must_use]
    pub fn new(bytes_per_second: NonZeroU64) -> Self {
        let mut limit = Self {
            per_second: 1.0,
            burst: 1.0,
            tokens: 0.0,
            updated: None,
            retune: None,
        };
        limit.set(bytes_per_second);
        limit.tokens = limit.burst;
        limit
    }

    /// Asks `retune` for a new rate every `every` (while the copy runs), so
    /// that the limit can change while running; `None` keeps the rate.
    #[must_use]
    pub fn retuned_by(
        mut self,
        every: Duration,
        retune: impl FnMut() -> Option<NonZeroU64> + Send + 'static,
    ) -> Self {
        self.retune = Some((Box::new(retune), every, Instant::now()));
        self
    }

    /// The rate from now on; what the bucket holds stays, up to its new size.
    pub fn set(&mut self, bytes_per_second: NonZeroU64) {
        // Exact for every rate below 2^53 bytes per second.
        #[allow(clippy::cast_precision_loss)]
        let per_second = bytes_per_second.get() as f64;
        self.per_second = per_second;
        self.burst = (per_second * BURST_WINDOW.as_secs_f64()).max(1.0);
        self.tokens = self.tokens.min(self.burst);
    }

    /// Waits (sleeping) until the bucket allows a worthwhile chunk, and
    /// returns how many bytes, at most `max`, may move now. Charge what
    /// actually moved with [`RateLimit::charge`].
    pub(crate) fn allowance(&mut self, max: usize) -> usize {
        if let Some((retune, every, asked)) = &mut self.retune {
            if asked.elapsed() >= *every {
                *asked = Instant::now();
                if let Some(rate) = retune() {
                    self.set(rate);
                }
            }
        }
        let wait = self.wait_for(max, Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
            self.woke(Instant::now());
        }
        self.granted(max)
    }

    /// What the bucket allows now, at most `max`: whole bytes only (the
    /// fraction stays in the bucket), and at least one.
    fn granted(&self, max: usize) -> usize {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = self.tokens.floor().max(1.0) as usize;
        whole.min(max)
    }

    /// Takes `n` bytes that moved out of the bucket (it may go below zero
    /// when a chunk was allowed on less than a whole byte's credit; later
    /// waits pay it back).
    pub(crate) fn charge(&mut self, n: usize) {
        #[allow(clippy::cast_precision_loss)]
        let n = n as f64;
        self.tokens -= n;
    }

    /// Brings the bucket up to `now`, and says how long to wait before the
    /// next chunk of up to `max` bytes: until the bucket holds that chunk,
    /// or is full when the chunk is larger than the bucket.
    fn wait_for(&mut self, max: usize, now: Instant) -> Duration {
        self.refill(now);
        #[allow(clippy::cast_precision_loss)]
        let want = (max as f64).min(self.burst).max(1.0);
        let missing = want - self.tokens;
        if missing <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(missing / self.per_second)
        }
    }

    /// Adds the bytes earned since the last update, up to the bucket's size.
    fn refill(&mut self, now: Instant) {
        self.refill_upto(now, self.burst);
    }

    /// Refills after the bucket's own sleep, which may have ended late: the
    /// late part's bytes are kept beyond the bucket's size, up to
    /// [`LATE_WAKE_UP`]'s worth (see there).
    fn woke(&mut self, now: Instant) {
        let late = self.per_second * LATE_WAKE_UP.as_secs_f64();
        self.refill_upto(now, self.burst + late);
    }

    /// Adds the bytes earned since the last update, up to `cap` (never
    /// taking away what the bucket already holds).
    fn refill_upto(&mut self, now: Instant, cap: f64) {
        if let Some(updated) = self.updated {
            let earned = now.saturating_duration_since(updated).as_secs_f64() * self.per_second;
            self.tokens = (self.tokens + earned).min(cap.max(self.tokens));
        }
        self.updated = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(rate: u64) -> RateLimit {
        RateLimit::new(NonZeroU64::new(rate).unwrap())
    }

    /// A bucket of `rate` emptied at `start`.
    fn emptied(rate: u64, start: Instant) -> RateLimit {
        let mut bucket = limit(rate);
        bucket.wait_for(1, start);
        bucket.charge(bucket.granted(usize::MAX));
        bucket
    }

    #[test]
    fn a_full_bucket_allows_a_tenth_of_a_second() {
        let mut bucket = limit(1_000_000);
        assert_eq!(bucket.allowance(usize::MAX), 100_000);
        assert_eq!(bucket.allowance(4096), 4096);
    }

    #[test]
    fn an_empty_bucket_waits_for_the_chunk_it_is_asked_for() {
        let start = Instant::now();
        let mut bucket = emptied(1_000_000, start);
        assert_eq!(bucket.wait_for(50_000, start), Duration::from_millis(50));
        // A chunk larger than the bucket waits only for a full bucket.
        assert_eq!(bucket.wait_for(1 << 30, start), Duration::from_millis(100));
        let later = start + Duration::from_millis(30);
        assert_eq!(bucket.wait_for(50_000, later), Duration::from_millis(20));
    }

    #[test]
    fn a_stall_saves_up_no_more_than_the_bucket() {
        let start = Instant::now();
        let mut bucket = emptied(1_000_000, start);
        // Ten seconds idle earn ten million bytes, but the bucket holds 100 000.
        bucket.refill(start + Duration::from_secs(10));
        assert!((bucket.tokens - 100_000.0).abs() < 1.0);
    }

    #[test]
    fn the_slowest_rate_still_moves_a_byte_at_a_time() {
        let start = Instant::now();
        let mut bucket = emptied(1, start);
        assert_eq!(bucket.wait_for(4096, start), Duration::from_secs(1));
    }

    #[test]
    fn a_new_rate_applies_at_once_and_shrinks_the_bucket() {
        let start = Instant::now();
        let mut bucket = limit(1_000_000);
        bucket.wait_for(1, start);
        bucket.set(NonZeroU64::new(1000).unwrap());
        assert_eq!(bucket.granted(usize::MAX), 100);
        bucket.charge(100);
        assert_eq!(bucket.wait_for(50, start), Duration::from_millis(50));
        let mut asked = 0;
        let mut retuned = limit(1000).retuned_by(Duration::ZERO, move || {
            asked += 1;
            NonZeroU64::new(1_000_000 * asked)
        });
        // A full bucket at the new rate, plus what a late wake-up earned.
        let granted = retuned.allowance(usize::MAX);
        assert!((100_000..=125_000).contains(&granted), "{granted}");
    }

    /// Ten seconds of allowances of up to `chunk` bytes at `rate`, each sleep
    /// waking up `late` after it should: the bytes moved.
    fn ten_seconds(rate: u64, chunk: usize, late: Duration) -> usize {
        let start = Instant::now();
        let mut bucket = limit(rate);
        bucket.refill(start);
        let (mut now, mut moved) = (start, 0);
        while now < start + Duration::from_secs(10) {
            let wait = bucket.wait_for(chunk, now);
            if !wait.is_zero() {
                now += wait + late;
                bucket.woke(now);
            }
            let n = bucket.granted(chunk);
            bucket.charge(n);
            moved += n;
        }
        moved
    }

    #[test]
    fn late_wake_ups_do_not_slow_the_rate() {
        // Below 10 MB/s every 1 MiB chunk waits for a full bucket (a tenth
        // of a second): a wake-up 5 ms late each time cost 5 % of the rate
        // while the bucket's cap threw the late part away.
        for rate in [1024, 64 * 1024, 1 << 20] {
            for late in [
                Duration::ZERO,
                Duration::from_millis(1),
                Duration::from_millis(5),
            ] {
                let moved = ten_seconds(rate, 1 << 20, late);
                #[allow(clippy::cast_precision_loss)]
                let error = moved as f64 / (rate * 10) as f64 - 1.0;
                // The first full bucket is 1 % of ten seconds; the last
                // chunk may end up to a tenth of a second (and `late`) after.
                assert!(
                    (0.0..0.025).contains(&error),
                    "{rate} B/s, {late:?} late: {error}"
                );
            }
        }
    }

    #[test]
    fn a_stopped_sleeper_gains_no_more_than_a_late_wake_up() {
        let start = Instant::now();
        let mut bucket = emptied(1_000_000, start);
        // Stopped (SIGSTOP) in its sleep for ten seconds.
        bucket.woke(start + Duration::from_secs(10));
        assert!((bucket.tokens - 125_000.0).abs() < 1.0, "{}", bucket.tokens);
        // The next refill brings the bucket back to its size.
        bucket.charge(100_000);
        bucket.refill(start + Duration::from_secs(11));
        assert!((bucket.tokens - 100_000.0).abs() < 1.0, "{}", bucket.tokens);
    }

    #[test]
    fn charges_over_time_add_up_to_the_rate() {
        // Ten seconds of 1 KiB/s taken in allowances as they come due.
        let start = Instant::now();
        let mut bucket = limit(1024);
        let mut now = start;
        let mut moved = 0;
        while now < start + Duration::from_secs(10) {
            now += bucket.wait_for(4096, now);
            bucket.refill(now);
            let n = bucket.granted(4096);
            bucket.charge(n);
            moved += n;
        }
        // The first full bucket (102 bytes) plus 10 s at the rate.
        assert!((10_240..=10_240 + 103 + 103).contains(&moved), "{moved}");
    }
}
