//! How a listener tells of the peers it turns away: each of the first few
//! in a line of its own, then only a count now and then, so that a flood
//! of bad connections cannot fill the disk that stderr goes to. `-v` tells
//! of every one.

use std::sync::atomic::{AtomicU64, Ordering};

/// How many turned-away peers get a line of their own.
const EACH: u64 = 10;

/// The peers turned away so far, and whether each is told.
#[derive(Debug)]
pub struct TurnedAway {
    count: AtomicU64,
    every_one: bool,
}

/// What to say of one more peer turned away.
#[derive(Debug, PartialEq, Eq)]
pub enum Say {
    /// Its own line.
    Line,
    /// How many so far (a power of ten past [`EACH`]).
    Count(u64),
    /// Nothing.
    Nothing,
}

impl TurnedAway {
    /// Tells of every peer when `every_one` (`-v`), else of the first few.
    pub fn new(every_one: bool) -> Self {
        Self {
            count: AtomicU64::new(0),
            every_one,
        }
    }

    /// Counts one more peer turned away and says what to tell of it.
    pub fn one_more(&self) -> Say {
        let count = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        if self.every_one || count <= EACH {
            Say::Line
        } else if is_power_of_ten(count) {
            Say::Count(count)
        } else {
            Say::Nothing
        }
    }
}

fn is_power_of_ten(mut n: u64) -> bool {
    while n >= 10 && n % 10 == 0 {
        n /= 10;
    }
    n == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_ten_get_a_line_then_counts_at_powers_of_ten() {
        let turned = TurnedAway::new(false);
        let said: Vec<(u64, Say)> = (1..=1000)
            .map(|n| (n, turned.one_more()))
            .filter(|(_, say)| *say != Say::Nothing)
            .collect();
        let mut want: Vec<(u64, Say)> = (1..=10).map(|n| (n, Say::Line)).collect();
        want.push((100, Say::Count(100)));
        want.push((1000, Say::Count(1000)));
        assert_eq!(said, want);
    }

    #[test]
    fn verbose_tells_of_every_one() {
        let turned = TurnedAway::new(true);
        assert!((0..500).all(|_| turned.one_more() == Say::Line));
    }
}
