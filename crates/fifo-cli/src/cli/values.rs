//! The parsers of option values: modes, sizes, rates, descriptors and
//! durations. Each refuses, as bad usage, a value no command could use.

use std::num::NonZeroU64;
use std::time::Duration;

use fifo_core::mode::{MKFIFO_BASE, ModeSpec};

/// Parses a `-m` mode; the umask is applied later, by the command. A mode
/// that would set more than permission bits does so whatever the umask (it
/// only ever clears permission bits), so it is refused here, as bad usage.
pub(super) fn parse_mode(text: &str) -> Result<ModeSpec, String> {
    ModeSpec::parse(text)
        .and_then(|spec| spec.apply(MKFIFO_BASE, 0).map(|_| spec))
        .map_err(|err| err.to_string())
}

/// Parses a pipe capacity: a byte count with an optional binary suffix
/// (`65536`, `64K`, `1M`, `1MiB`), from 1 byte to the most any pipe can hold
/// (2G), so that a size no pipe can have is a usage error before anything
/// is opened.
pub(super) fn parse_size(text: &str) -> Result<usize, String> {
    let max = fifo_core::capacity::MAX_CAPACITY;
    let too_big = || format!("out of range: a pipe holds at most 2G ({max} bytes)");
    match parse_bytes(text, "size")? {
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&bytes| bytes <= max)
            .ok_or_else(too_big),
        None => Err(too_big()),
    }
}

/// Parses a rate limit: bytes per second with an optional binary suffix
/// (`512K`, `10M`, `1G`), at least 1.
pub(super) fn parse_rate(text: &str) -> Result<NonZeroU64, String> {
    let too_big = || {
        format!(
            "out of range: a rate is at most {} bytes per second",
            u64::MAX
        )
    };
    parse_bytes(text, "rate")?
        .and_then(|n| u64::try_from(n).ok())
        .and_then(NonZeroU64::new)
        .ok_or_else(too_big)
}

/// Parses a buffer's size: a positive byte count with an optional binary
/// suffix (`64M`, `1G`).
pub(super) fn parse_buffer(text: &str) -> Result<usize, String> {
    parse_bytes(text, "size")?
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("out of range: '{text}' is more than this system can address"))
}

/// A positive byte count with an optional binary suffix (K, M, G, as `KiB`
/// too); `None` when it is too large to compute.
pub(super) fn parse_bytes(text: &str, what: &str) -> Result<Option<u128>, String> {
    let invalid = || format!("invalid {what} '{text}' (use a byte count, or K, M, G)");
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit: u128 = match &text[digits.len()..] {
        "" | "B" => 1,
        "K" | "k" | "KiB" => 1 << 10,
        "M" | "m" | "MiB" => 1 << 20,
        "G" | "g" | "GiB" => 1 << 30,
        _ => return Err(invalid()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    match digits.parse::<u128>() {
        Ok(0) => Err(invalid()),
        Ok(n) => Ok(n.checked_mul(unit)),
        // Only digits, so too many of them.
        Err(_) => Ok(None),
    }
}

/// Parses a watermark: a whole percentage from 0 to 100, with or without
/// a `%` sign (`50`, `50%`).
pub(super) fn parse_percent(text: &str) -> Result<u8, String> {
    let digits = text.strip_suffix('%').unwrap_or(text);
    digits
        .parse::<u8>()
        .ok()
        .filter(|&n| n <= 100 && digits.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("invalid percentage '{text}' (use a whole number from 0 to 100)"))
}

pub(super) fn parse_descriptor(text: &str) -> Result<i32, String> {
    let max = fifo_core::descriptor::max_descriptor();
    match text.parse::<u64>() {
        Ok(fd) if fd <= max => {
            i32::try_from(fd).map_err(|_| format!("descriptor {fd} is out of range"))
        }
        Ok(fd) => Err(format!("descriptor {fd} is out of range (0 to {max} here)")),
        Err(_) => Err(format!("'{text}' is not a descriptor number")),
    }
}

pub(super) fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|err| format!("invalid duration '{text}': {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("65536"), Ok(65_536));
        assert_eq!(parse_size("64K"), Ok(65_536));
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert!(parse_size("0").is_err());
        assert!(parse_size("1X").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("+1").is_err());
        assert_eq!(parse_size("2G"), Ok(1 << 31));
        let out_of_range = "out of range: a pipe holds at most 2G (2147483648 bytes)";
        assert_eq!(parse_size("3000000000"), Err(out_of_range.to_owned()));
        assert!(parse_size("2049M").unwrap_err().contains("out of range"));
        assert!(
            parse_size("99999999999999999999999999999999999999999")
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn percentages_are_whole_numbers_from_0_to_100() {
        assert_eq!(parse_percent("0"), Ok(0));
        assert_eq!(parse_percent("50%"), Ok(50));
        assert_eq!(parse_percent("100"), Ok(100));
        for bad in ["101", "-1", "+5", "5.5", "", "%", "50%%", "x"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rates_take_binary_suffixes_and_refuse_zero_and_overflow() {
        let rate = |n| NonZeroU64::new(n).unwrap();
        assert_eq!(parse_rate("512K"), Ok(rate(512 << 10)));
        assert_eq!(parse_rate("10M"), Ok(rate(10 << 20)));
        assert_eq!(parse_rate("1G"), Ok(rate(1 << 30)));
        assert_eq!(parse_rate("100"), Ok(rate(100)));
        assert_eq!(
            parse_rate("0").unwrap_err(),
            "invalid rate '0' (use a byte count, or K, M, G)"
        );
        assert!(parse_rate("0K").is_err());
        assert!(parse_rate("1X").is_err());
        assert!(parse_rate("-1M").is_err());
        assert_eq!(parse_rate("18446744073709551615"), Ok(rate(u64::MAX)));
        for huge in [
            "18446744073709551616",
            "99999999999999999999G",
            "9".repeat(60).as_str(),
        ] {
            assert!(
                parse_rate(huge).unwrap_err().contains("out of range"),
                "{huge}"
            );
        }
    }

    #[test]
    fn modes_are_parsed_and_checked_but_not_resolved() {
        assert!(parse_mode("600").is_ok());
        assert!(parse_mode("u=rw,g=r").is_ok());
        assert_eq!(parse_mode("nope").unwrap_err(), "invalid mode 'nope'");
        assert_eq!(
            parse_mode("u+s").unwrap_err(),
            "mode 'u+s' must specify only file permission bits"
        );
    }

    proptest::proptest! {
        #[test]
        fn value_parsers_never_panic(text in "\\PC{0,30}") {
            let _ = parse_mode(&text);
            let _ = parse_duration(&text);
            let _ = parse_size(&text);
            let _ = parse_rate(&text);
            let _ = parse_buffer(&text);
            let _ = parse_descriptor(&text);
        }
    }
}
