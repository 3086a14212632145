//! Numbers as coreutils reads them: whole counts with an optional
//! multiplier suffix, binary (K, M, G, T, P, E, or KiB, MiB...) or decimal
//! (KB, MB, GB... as head(1) and dd(1) take them); and durations as
//! timeout(1) reads them: a bare number is seconds, fractions allowed.
//! Refusals are worded as coreutils words them, never as Rust's parsers do.

use std::time::Duration;

/// Why a number was refused; [`Refused::say`] words it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// Not a number in any form we take.
    Invalid,
    /// A number, but too large to hold.
    TooLarge,
}

impl Refused {
    /// `invalid WHAT 'TEXT'` (plus `hint` when it is no number at all), or
    /// coreutils' words for an overflow.
    pub(super) fn say(&self, what: &str, text: &str, hint: &str) -> String {
        match self {
            Self::Invalid if hint.is_empty() => format!("invalid {what} '{text}'"),
            Self::Invalid => format!("invalid {what} '{text}' ({hint})"),
            Self::TooLarge => {
                format!("invalid {what} '{text}': Value too large for defined data type")
            }
        }
    }
}

/// What the byte-count refusals suggest.
pub(super) const BYTES_HINT: &str = "use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB";

/// The multiplier a suffix stands for: powers of 1024 for K, M, G... (also
/// k, m, g, and KiB, MiB...), powers of 1000 for KB, MB, GB... (also kB).
fn multiplier(suffix: &str) -> Option<u128> {
    const LETTERS: &str = "KMGTPE";
    if suffix.is_empty() || suffix == "B" {
        return Some(1);
    }
    let (letter, rest) = suffix.split_at(suffix.chars().next()?.len_utf8());
    let power = match letter {
        "k" => 1,
        "m" | "g" if rest.is_empty() => LETTERS.find(&letter.to_ascii_uppercase())? + 1,
        _ => LETTERS.find(letter)? + 1,
    };
    let base: u128 = match rest {
        "" | "iB" => 1024,
        "B" => 1000,
        _ => return None,
    };
    Some(base.pow(u32::try_from(power).ok()?))
}

/// A whole number with an optional multiplier suffix (`64K`, `1MB`,
/// `2GiB`); zero is allowed (the caller refuses it where it means nothing).
pub(super) fn count(text: &str) -> Result<u64, Refused> {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = multiplier(&text[digits.len()..]).ok_or(Refused::Invalid)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refused::Invalid);
    }
    // Only digits: a failure to parse is too many of them.
    let n: u128 = digits.parse().map_err(|_| Refused::TooLarge)?;
    n.checked_mul(unit)
        .and_then(|n| u64::try_from(n).ok())
        .ok_or(Refused::TooLarge)
}

/// A duration as timeout(1) and sleep(1) read one: a number, fractions
/// allowed, of seconds, or of minutes, hours or days with a suffix s, m, h
/// or d (`0.5`, `1.5s`, `2m`); or a span such as `250ms` or `1h 30min`.
pub(super) fn duration(text: &str) -> Result<Duration, Refused> {
    if let Some(span) = seconds(text) {
        return span;
    }
    humantime::parse_duration(text).map_err(|err| match err {
        humantime::DurationError::NumberOverflow => Refused::TooLarge,
        _ => Refused::Invalid,
    })
}

/// `NUMBER[smhd]`, or `None` when the text has another form.
fn seconds(text: &str) -> Option<Result<Duration, Refused>> {
    let (number, unit) = match text.as_bytes().last()? {
        b's' => (&text[..text.len() - 1], 1),
        b'm' => (&text[..text.len() - 1], 60),
        b'h' => (&text[..text.len() - 1], 3600),
        b'd' => (&text[..text.len() - 1], 86_400),
        _ => (text, 1),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    // Nanoseconds, exactly: the first nine digits of the fraction count.
    let nanos = format!("{fraction:0<9}")[..9].parse::<u32>().ok()?;
    let whole = if whole.is_empty() {
        Ok(0)
    } else {
        whole.parse::<u64>()
    };
    Some(
        whole
            .ok()
            .and_then(|secs| Duration::new(secs, 0).checked_add(Duration::from_nanos(nanos.into())))
            .and_then(|span| span.checked_mul(unit))
            .ok_or(Refused::TooLarge),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_binary_and_decimal_suffixes_as_head_does() {
        let table: &[(&str, u64)] = &[
            ("0", 0),
            ("1", 1),
            ("1B", 1),
            ("1K", 1 << 10),
            ("1k", 1 << 10),
            ("1KiB", 1 << 10),
            ("1KB", 1000),
            ("1kB", 1000),
            ("1M", 1 << 20),
            ("1m", 1 << 20),
            ("1MiB", 1 << 20),
            ("1MB", 1_000_000),
            ("3G", 3 << 30),
            ("1GB", 1_000_000_000),
            ("1T", 1 << 40),
            ("1TB", 1_000_000_000_000),
            ("1P", 1 << 50),
            ("1PB", 1_000_000_000_000_000),
            ("1E", 1 << 60),
            ("15E", 15 << 60),
            ("18446744073709551615", u64::MAX),
        ];
        for &(text, want) in table {
            assert_eq!(count(text), Ok(want), "{text}");
        }
        for bad in [
            "", "K", "1X", "1Kb", "1b", "1mB", "1MiB2", "+1", "-1", " 1", "1.5K", "0x10", "1 K",
            "1KK", "1ZB",
        ] {
            assert_eq!(count(bad), Err(Refused::Invalid), "{bad}");
        }
        for huge in [
            "18446744073709551616",
            "16E",
            "99999999999999999999999999999999999999999",
        ] {
            assert_eq!(count(huge), Err(Refused::TooLarge), "{huge}");
        }
    }

    #[test]
    fn durations_are_seconds_unless_they_say_otherwise() {
        let ms = Duration::from_millis;
        let table: &[(&str, Duration)] = &[
            ("0", ms(0)),
            ("5", ms(5000)),
            ("0.5", ms(500)),
            (".5", ms(500)),
            ("5.", ms(5000)),
            ("1.5s", ms(1500)),
            ("0.001", ms(1)),
            ("0.1m", ms(6000)),
            ("2m", ms(120_000)),
            ("1.5h", ms(5_400_000)),
            ("1d", ms(86_400_000)),
            ("250ms", ms(250)),
            ("1min", ms(60_000)),
            ("1h 30min", ms(5_400_000)),
            ("1s 500ms", ms(1500)),
            ("0.0000000019", Duration::from_nanos(1)),
        ];
        for &(text, want) in table {
            assert_eq!(duration(text), Ok(want), "{text}");
        }
        for bad in [
            "", ".", "s", "soon", "-1", "+1", "1x", "1.5.5", "1e3", "inf", "1 .5",
        ] {
            assert_eq!(duration(bad), Err(Refused::Invalid), "{bad}");
        }
        assert_eq!(duration("99999999999999999999"), Err(Refused::TooLarge));
        assert_eq!(duration("999999999999999999d"), Err(Refused::TooLarge));
    }

    #[test]
    fn refusals_read_as_coreutils_writes_them() {
        assert_eq!(
            Refused::Invalid.say("number of bytes", "1X", ""),
            "invalid number of bytes '1X'"
        );
        assert_eq!(
            Refused::TooLarge.say("number of bytes", "99999999999999999999", "hint"),
            "invalid number of bytes '99999999999999999999': Value too large for defined data type"
        );
    }
}
