//! What completion offers for a value that is no path: a few examples of
//! its forms, each with a word on what it means, so that every shell shows
//! what DUR, BYTES, RATE, MODE, PCT or a descriptor number take. A number
//! already typed is offered with each unit it can take (`5` -> `5s`, `5m`).

use std::ffi::OsStr;

use clap_complete::engine::{CompletionCandidate, ValueCompleter};

/// Values offered, each with a word on what it means.
type Offers = &'static [(&'static str, &'static str)];

/// The kinds of values hinted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// A duration: bare seconds, or a unit.
    Duration,
    /// A byte count (or bytes per second).
    Bytes,
    /// A file mode, octal or symbolic.
    Mode,
    /// A percentage.
    Percent,
    /// A file descriptor number.
    Descriptor,
}

impl Hint {
    /// The hint for an argument whose value is named `value_name`, if any.
    pub fn for_value(value_name: &str, id: &str) -> Option<Self> {
        match (value_name, id) {
            ("DUR", _) => Some(Self::Duration),
            ("BYTES" | "RATE", _) | ("N", "bytes") => Some(Self::Bytes),
            ("MODE", _) => Some(Self::Mode),
            ("PCT", _) => Some(Self::Percent),
            ("N", "fd") => Some(Self::Descriptor),
            _ => None,
        }
    }

    /// Examples shown for an empty word, and the units offered after a
    /// number, each with what it means.
    fn table(self) -> (Offers, Offers) {
        match self {
            Self::Duration => (
                &[
                    ("0.5", "seconds (a bare number is seconds)"),
                    ("10s", "seconds"),
                    ("500ms", "milliseconds"),
                    ("2m", "minutes"),
                    ("1h", "hours"),
                ],
                &[
                    ("", "seconds"),
                    ("s", "seconds"),
                    ("ms", "milliseconds"),
                    ("m", "minutes"),
                    ("h", "hours"),
                    ("d", "days"),
                ],
            ),
            Self::Bytes => (
                &[
                    ("64K", "64 KiB (K, M, G, T: powers of 1024)"),
                    ("1M", "1 MiB"),
                    ("1MB", "1,000,000 bytes (KB, MB, GB: powers of 1000)"),
                    ("1G", "1 GiB"),
                ],
                &[
                    ("", "bytes"),
                    ("K", "KiB (1024)"),
                    ("M", "MiB (1024^2)"),
                    ("G", "GiB (1024^3)"),
                    ("KB", "kB (1000)"),
                    ("MB", "MB (1000^2)"),
                    ("GB", "GB (1000^3)"),
                ],
            ),
            Self::Mode => (
                &[
                    ("600", "rw for the owner only"),
                    ("620", "rw owner, w group"),
                    ("640", "rw owner, r group"),
                    ("660", "rw owner and group"),
                    ("u=rw,g=w,o=", "symbolic: rw owner, w group"),
                ],
                &[],
            ),
            Self::Percent => (
                &[
                    ("0", "empty"),
                    ("25%", "a quarter full"),
                    ("50%", "half full"),
                    ("90%", "nearly full"),
                    ("100", "full"),
                ],
                &[("", "percent"), ("%", "percent")],
            ),
            Self::Descriptor => (
                &[
                    ("0", "standard input"),
                    ("1", "standard output"),
                    ("2", "standard error"),
                    ("3", "the first descriptor past the standard three"),
                ],
                &[],
            ),
        }
    }

    /// The candidates for `current`.
    pub fn candidates(self, current: &str) -> Vec<CompletionCandidate> {
        let (examples, units) = self.table();
        let number = !current.is_empty()
            && current.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && current.bytes().filter(|&b| b == b'.').count() <= 1;
        let offered: Vec<(String, &str)> = if number && !units.is_empty() {
            units
                .iter()
                .map(|(unit, help)| (format!("{current}{unit}"), *help))
                .collect()
        } else {
            examples
                .iter()
                .filter(|(value, _)| value.starts_with(current))
                .map(|(value, help)| ((*value).to_owned(), *help))
                .collect()
        };
        offered
            .into_iter()
            .map(|(value, help)| CompletionCandidate::new(value).help(Some(help.into())))
            .collect()
    }
}

impl ValueCompleter for Hint {
    fn complete(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        current
            .to_str()
            .map(|current| self.candidates(current))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(hint: Hint, current: &str) -> Vec<String> {
        hint.candidates(current)
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_number_is_offered_with_each_unit() {
        assert_eq!(
            values(Hint::Duration, "5"),
            ["5", "5s", "5ms", "5m", "5h", "5d"]
        );
        assert_eq!(
            values(Hint::Bytes, "64"),
            ["64", "64K", "64M", "64G", "64KB", "64MB", "64GB"]
        );
        assert_eq!(values(Hint::Duration, "1x"), Vec::<String>::new());
    }

    #[test]
    fn an_empty_word_gets_examples_that_parse() {
        for hint in [
            Hint::Duration,
            Hint::Bytes,
            Hint::Mode,
            Hint::Percent,
            Hint::Descriptor,
        ] {
            assert!(!values(hint, "").is_empty(), "{hint:?}");
        }
        assert_eq!(values(Hint::Mode, "64"), ["640"]);
        assert_eq!(values(Hint::Descriptor, "2"), ["2"]);
    }
}
