//! The parsers of option values: modes, sizes, rates, descriptors and
//! durations. Each refuses, as bad usage, a value no command could use;
//! every byte count takes the same suffixes, and every number is read (and
//! refused) the same way, by `number`.

mod number;

use std::num::NonZeroU64;

use clap::builder::TypedValueParser as _;
use std::time::Duration;

use fifo_core::create::mode::{MKFIFO_BASE, ModeSpec};

/// Parses a `-m` mode; the umask is applied later, by the command. A mode
/// that would set more than permission bits does so whatever the umask (it
/// only ever clears permission bits), so it is refused here, as bad usage.
pub(super) fn parse_mode(text: &str) -> Result<ModeSpec, String> {
    ModeSpec::parse(text)
        .and_then(|spec| spec.apply(MKFIFO_BASE, 0).map(|_| spec))
        .map_err(|err| err.to_string())
}

/// Parses a pipe capacity: a byte count with an optional suffix (`65536`,
/// `64K`, `1M`, `1MiB`, `1MB`), from 1 byte to the most any pipe can hold
/// (2G), so that a size no pipe can have is a usage error before anything
/// is opened.
pub(super) fn parse_size(text: &str) -> Result<usize, String> {
    let max = fifo_core::open::capacity::MAX_CAPACITY;
    let too_big = || format!("out of range: a pipe holds at most 2G ({max} bytes)");
    match positive(text, "size")? {
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&bytes| bytes <= max)
            .ok_or_else(too_big),
        None => Err(too_big()),
    }
}

/// Parses a rate limit: bytes per second with an optional suffix (`512K`,
/// `10M`, `1G`, `1MB`), at least 1.
pub fn parse_rate(text: &str) -> Result<NonZeroU64, String> {
    let too_big = || {
        format!(
            "out of range: a rate is at most {} bytes per second",
            u64::MAX
        )
    };
    positive(text, "rate")?
        .and_then(NonZeroU64::new)
        .ok_or_else(too_big)
}

/// Parses a buffer's size: a positive byte count with an optional suffix
/// (`64M`, `1G`).
pub(super) fn parse_buffer(text: &str) -> Result<usize, String> {
    positive(text, "size")?
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("out of range: '{text}' is more than this system can address"))
}

/// Parses a number of bytes to copy, 0 or more (`-c 1K` as head -c).
pub(super) fn parse_byte_count(text: &str) -> Result<u64, String> {
    number::count(text).map_err(|why| why.say("number of bytes", text, number::BYTES_HINT))
}

/// Parses a size to expect: bytes (or lines) with an optional suffix, at
/// least 1.
pub(super) fn parse_total(text: &str) -> Result<u64, String> {
    positive(text, "size")?.ok_or_else(|| number::Refused::TooLarge.say("size", text, ""))
}

/// Parses a number of lines (or messages) to copy, 0 or more (`-l 10`).
pub(super) fn parse_line_count(text: &str) -> Result<u64, String> {
    number::count(text).map_err(|why| why.say("number of lines", text, ""))
}

/// Parses a number of requests to serve, 0 or more.
pub(super) fn parse_request_count(text: &str) -> Result<u64, String> {
    number::count(text).map_err(|why| why.say("number of requests", text, ""))
}

/// Parses a number of jobs to run at once: 1 or more.
pub(super) fn parse_jobs(text: &str) -> Result<u32, String> {
    small_count(text, "number of jobs")
}

/// Parses how many times a failed job may run in all: 1 or more.
pub(super) fn parse_tries(text: &str) -> Result<u32, String> {
    small_count(text, "number of tries")
}

/// A count of 1 or more that fits 32 bits; `what` names it in a refusal.
fn small_count(text: &str, what: &str) -> Result<u32, String> {
    let n = number::count(text).map_err(|why| why.say(what, text, ""))?;
    match u32::try_from(n) {
        Ok(0) => Err(format!("invalid {what} '{text}' (use 1 or more)")),
        Ok(n) => Ok(n),
        Err(_) => Err(number::Refused::TooLarge.say(what, text, "")),
    }
}

/// A positive byte count with an optional suffix; `None` when it is too
/// large to hold. `what` names it in the refusal.
fn positive(text: &str, what: &str) -> Result<Option<u64>, String> {
    match number::count(text) {
        Ok(0) => Err(number::Refused::Invalid.say(what, text, "use 1 or more")),
        Ok(n) => Ok(Some(n)),
        Err(number::Refused::TooLarge) => Ok(None),
        Err(why) => Err(why.say(what, text, number::BYTES_HINT)),
    }
}

/// Takes any path, the empty one too, so that the command (not the parser)
/// refuses what it cannot use, with status 1, as mkfifo '' is refused.
pub(super) fn any_path() -> impl clap::builder::TypedValueParser<Value = std::path::PathBuf> {
    clap::builder::OsStringValueParser::new().map(std::path::PathBuf::from)
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
    let max = fifo_core::open::descriptor::max_descriptor();
    match text.parse::<u64>() {
        Ok(fd) if fd <= max => {
            i32::try_from(fd).map_err(|_| format!("descriptor {fd} is out of range"))
        }
        Ok(fd) => Err(format!("descriptor {fd} is out of range (0 to {max} here)")),
        Err(_) => Err(format!("'{text}' is not a descriptor number")),
    }
}

/// Parses a duration: bare numbers are seconds, as for timeout(1).
pub(super) fn parse_duration(text: &str) -> Result<Duration, String> {
    number::duration(text).map_err(|why| why.say("time interval", text, ""))
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
        assert_eq!(parse_size("1MB"), Ok(1_000_000));
        assert_eq!(
            parse_size("1X").unwrap_err(),
            "invalid size '1X' (use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB)"
        );
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
            "invalid rate '0' (use 1 or more)"
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
            let _ = parse_byte_count(&text);
            let _ = parse_jobs(&text);
        }
    }
}
