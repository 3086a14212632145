//! The flags, width and precision of a directive (`%-8n`, `%05a`, `%#a`,
//! `%.9Y`), applied as GNU stat applies them: it hands each directive to
//! printf(3) as `%d`, `%u`, `%o`, `%x` or `%s` with only the flags that
//! conversion takes, and prints times since the Epoch as a `%f` of its own.

/// A directive's flags, width and precision, as written between `%` and
/// the directive's name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    zero: bool,
    width: Option<usize>,
    /// A dot without digits is a precision of 0 (9 for a time).
    precision: Option<usize>,
    bare_dot: bool,
}

/// A value typed as GNU stat hands it to printf(3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `%d`: takes every flag but `#`.
    Signed(i64),
    /// `%u`: takes `-` and `0`.
    Unsigned(u64),
    /// `%o`: takes `-`, `#` and `0`.
    Octal(u64),
    /// `%x`: takes `-`, `#` and `0`.
    Hex(u64),
    /// `%s`: takes `-`; the precision cuts it.
    Text(Vec<u8>),
    /// Seconds and nanoseconds since the Epoch, printed as `%f` would.
    Epoch(i64, u32),
    /// A symbolic link's name and target, each a `%s`, joined by ` -> `.
    Link(Vec<u8>, Vec<u8>),
}

impl Spec {
    /// Reads flags (`-+ #0`, and `'` and `I`, which change nothing here),
    /// width and precision from the start of `text`; returns them and how
    /// many bytes they took.
    pub fn parse(text: &str) -> (Self, usize) {
        let mut spec = Self::default();
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&flag) = bytes.get(at) {
            match flag {
                b'-' => spec.left = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => spec.alternate = true,
                b'0' => spec.zero = true,
                b'\'' | b'I' => {}
                _ => break,
            }
            at += 1;
        }
        let (width, end) = digits(bytes, at);
        spec.width = width;
        at = end;
        if bytes.get(at) == Some(&b'.') {
            let (precision, end) = digits(bytes, at + 1);
            spec.precision = Some(precision.unwrap_or(0));
            spec.bare_dot = precision.is_none();
            at = end;
        }
        (spec, at)
    }

    /// Whether the directive was written with nothing between `%` and its name.
    pub fn is_plain(&self) -> bool {
        *self == Self::default()
    }

    /// `value` printed as GNU stat prints it with this spec.
    ///
    /// A width or precision past `INT_MAX` makes printf(3) fail
    /// (`EOVERFLOW`), and GNU stat then prints nothing for the directive:
    /// so does this.
    pub fn render(&self, value: &Value) -> Vec<u8> {
        let past_int = |n: Option<usize>| n.is_some_and(|n| n > i32::MAX as usize);
        if past_int(self.width) || past_int(self.precision) {
            return Vec::new();
        }
        match value {
            Value::Signed(n) => self.signed(n.is_negative(), n.unsigned_abs()).into_bytes(),
            Value::Unsigned(n) => self
                .only(false, false, false)
                .integer("", n.to_string())
                .into_bytes(),
            Value::Octal(n) => self.unsigned_in(format!("{n:o}"), *n, "0").into_bytes(),
            Value::Hex(n) => self.unsigned_in(format!("{n:x}"), *n, "0x").into_bytes(),
            Value::Text(text) => self.text(text),
            Value::Epoch(secs, nanos) => self.epoch(*secs, *nanos),
            Value::Link(name, target) => [self.text(name), self.text(target)].join(&b" -> "[..]),
        }
    }

    /// This spec with only the flags a conversion takes (`-` and `0`
    /// always; `+` and space for `%d`, `#` for `%o` and `%x`).
    fn only(&self, plus: bool, space: bool, alternate: bool) -> Self {
        Self {
            plus: self.plus && plus,
            space: self.space && space,
            alternate: self.alternate && alternate,
            ..*self
        }
    }

    fn signed(&self, negative: bool, magnitude: u64) -> String {
        let spec = self.only(true, true, false);
        let sign = match (negative, spec.plus, spec.space) {
            (true, _, _) => "-",
            (false, true, _) => "+",
            (false, false, true) => " ",
            _ => "",
        };
        spec.integer(sign, magnitude.to_string())
    }

    /// `%o` or `%x`: `#` adds a leading 0 (octal) or `0x` (hex, not for 0).
    fn unsigned_in(&self, digits: String, value: u64, prefix: &str) -> String {
        let spec = self.only(false, false, true);
        let digits = spec.min_digits(digits, value == 0);
        if !spec.alternate {
            return spec.integer("", digits);
        }
        match prefix {
            "0" if !digits.starts_with('0') => spec.padded("", &format!("0{digits}")),
            "0x" if value != 0 => spec.padded("0x", &digits),
            _ => spec.padded("", &digits),
        }
    }

    /// printf's `%d`/`%u`: the precision is a minimum number of digits.
    fn integer(&self, sign: &str, digits: String) -> String {
        let zero = digits == "0";
        let digits = self.min_digits(digits, zero);
        self.padded(sign, &digits)
    }

    fn min_digits(&self, digits: String, zero: bool) -> String {
        match self.precision {
            None => digits,
            Some(precision) => {
                if precision == 0 && zero {
                    String::new()
                } else {
                    // Not `format!`'s own width, which panics past 65535.
                    let zeros = precision.saturating_sub(digits.len());
                    "0".repeat(zeros) + &digits
                }
            }
        }
    }

    /// `prefix` and `digits` padded to the width: zeros between them with
    /// `0` (unless `-` or a precision), spaces otherwise.
    fn padded(&self, prefix: &str, digits: &str) -> String {
        let width = self.width.unwrap_or(0);
        let len = prefix.len() + digits.len();
        let fill = width.saturating_sub(len);
        if self.left {
            format!("{prefix}{digits}{}", " ".repeat(fill))
        } else if self.zero && self.precision.is_none() {
            format!("{prefix}{}{digits}", "0".repeat(fill))
        } else {
            format!("{}{prefix}{digits}", " ".repeat(fill))
        }
    }

    /// printf's `%s`: the precision cuts, the width pads with spaces.
    fn text(&self, text: &[u8]) -> Vec<u8> {
        let cut = match self.precision {
            Some(precision) => &text[..text.len().min(precision)],
            None => text,
        };
        let fill = vec![b' '; self.width.unwrap_or(0).saturating_sub(cut.len())];
        if self.left {
            [cut, &fill].concat()
        } else {
            [&fill, cut].concat()
        }
    }

    /// GNU's `out_epoch_sec`: the seconds as `%d`, then a point and
    /// PRECISION digits of the fraction (9 for a bare dot; past 9, zeros).
    /// A width counts the whole; with `-` the padding goes after the
    /// fraction.
    fn epoch(&self, secs: i64, nanos: u32) -> Vec<u8> {
        let precision = match self.precision {
            None => 0,
            Some(_) if self.bare_dot => 9,
            Some(digits) => digits,
        };
        let mut seconds = Self {
            precision: None,
            ..*self
        };
        // A width over 1 with a fraction counts the point and the fraction
        // too; the seconds get what is left, when more than 1 is left.
        let mut width = 0;
        if let Some(whole) = self.width.filter(|&w| precision > 0 && w > 1) {
            width = whole;
            seconds.width = (whole - 1)
                .checked_sub(precision)
                .filter(|&room| room > 1 && !self.left);
        }
        let divisor = 10u32.pow(9 - precision.min(9) as u32);
        let mut fraction = nanos / divisor;
        let mut secs = secs;
        let mut minus_zero = false;
        if secs < 0 && nanos != 0 {
            let modulus = 1_000_000_000 / divisor;
            fraction = modulus - fraction - u32::from(nanos % divisor != 0);
            secs += i64::from(fraction != 0);
            minus_zero = secs == 0;
        }
        let whole = if minus_zero {
            seconds.only(true, true, false).integer("-", "0".to_owned())
        } else {
            seconds.signed(secs.is_negative(), secs.unsigned_abs())
        }
        .into_bytes();
        if precision == 0 {
            return whole;
        }
        let shown = precision.min(9);
        let zeros = precision - shown;
        let trailing = if whole.len() < width && 1 < width - whole.len() {
            // May be negative, which printf takes as left-adjusting.
            (width - whole.len() - 1).abs_diff(shown)
        } else {
            0
        };
        // Padded by hand: `format!`'s own width panics past 65535.
        let mut tail = "0".repeat(zeros);
        tail.push_str(&" ".repeat(trailing.saturating_sub(tail.len())));
        let mut out = whole;
        out.extend(format!(".{fraction:0>shown$}{tail}").into_bytes());
        out
    }
}

/// The digits at `bytes[at..]` as a number (`None` without any), and where
/// they end.
fn digits(bytes: &[u8], at: usize) -> (Option<usize>, usize) {
    let end = at
        + bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    let value = std::str::from_utf8(&bytes[at..end])
        .ok()
        .filter(|text| !text.is_empty())
        .map(|text| text.parse().unwrap_or(usize::MAX));
    (value, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(spec: &str, value: &Value) -> String {
        let (parsed, used) = Spec::parse(spec);
        assert_eq!(used, spec.len(), "{spec}");
        String::from_utf8(parsed.render(value)).unwrap()
    }

    #[test]
    fn integers_take_the_flags_their_conversion_takes() {
        let mode = Value::Octal(0o644);
        assert_eq!(show("", &mode), "644");
        assert_eq!(show("05", &mode), "00644");
        assert_eq!(show("#", &mode), "0644");
        assert_eq!(show("#5", &mode), " 0644");
        assert_eq!(show("-#6", &mode), "0644  ");
        assert_eq!(show(".5", &mode), "00644");
        assert_eq!(show("+ ", &mode), "644");
        assert_eq!(show("#", &Value::Octal(0)), "0");
        assert_eq!(show("#", &Value::Hex(0xfe00)), "0xfe00");
        assert_eq!(show("#", &Value::Hex(0)), "0");
        assert_eq!(show("+", &Value::Signed(0)), "+0");
        assert_eq!(show(" ", &Value::Signed(5)), " 5");
        assert_eq!(show("08", &Value::Signed(-5)), "-0000005");
        assert_eq!(show("+08.3", &Value::Signed(5)), "    +005");
        assert_eq!(show("+", &Value::Unsigned(5)), "5");
        assert_eq!(show("-5", &Value::Unsigned(5)), "5    ");
        assert_eq!(show(".0", &Value::Unsigned(0)), "");
        assert_eq!(show(".", &Value::Unsigned(7)), "7");
    }

    #[test]
    fn text_is_padded_with_spaces_and_cut_by_the_precision() {
        let name = Value::Text(b"target".to_vec());
        assert_eq!(show("-8", &name), "target  ");
        assert_eq!(show("8", &name), "  target");
        assert_eq!(show("08", &name), "  target");
        assert_eq!(show(".2", &name), "ta");
        assert_eq!(show("10.3", &name), "       tar");
        assert_eq!(show(".", &name), "");
    }

    #[test]
    fn times_print_as_gnu_stat_prints_them() {
        let time = Value::Epoch(1_796_611_281, 310_110_577);
        for (spec, want) in [
            ("", "1796611281"),
            (".9", "1796611281.310110577"),
            (".", "1796611281.310110577"),
            (".3", "1796611281.310"),
            (".0", "1796611281"),
            (".12", "1796611281.310110577000"),
            ("12.3", "1796611281.310  "),
            ("-12.3", "1796611281.310  "),
            ("012.3", "1796611281.310  "),
            ("+.3", "+1796611281.310"),
            ("5", "1796611281"),
            ("020.3", "0000001796611281.310"),
            ("20.3", "      1796611281.310"),
            ("-20.3", "1796611281.310      "),
            ("5.", "1796611281.310110577"),
        ] {
            assert_eq!(show(spec, &time), want, "%{spec}Y");
        }
        assert_eq!(show(".3", &Value::Epoch(-1, 500_000_000)), "-0.500");
        assert_eq!(show(".3", &Value::Epoch(-2, 250_000_000)), "-1.750");
        assert_eq!(show("", &Value::Epoch(0, 0)), "0");
    }

    #[test]
    fn widths_and_precisions_past_what_format_takes_print_as_gnu_prints_them() {
        // Rust's `format!` widths stop at 65535 (a panic past it); printf's
        // go to INT_MAX, past which GNU stat prints nothing for the directive.
        let zeros = |n: usize| "0".repeat(n);
        assert_eq!(show(".70000", &Value::Unsigned(42)), zeros(69_998) + "42");
        assert_eq!(show("#.70000", &Value::Octal(8)), zeros(69_998) + "10");
        assert_eq!(
            show(".70000", &Value::Epoch(5, 0)),
            format!("5.{}", zeros(70_000))
        );
        assert_eq!(
            show("-70010.70000", &Value::Epoch(5, 0)),
            format!("5.{}{}", zeros(70_000), " ".repeat(8))
        );
        assert_eq!(
            show("70010.70000", &Value::Epoch(5, 0)),
            format!("{}5.{}", " ".repeat(8), zeros(70_000))
        );
        for spec in [
            ".2147483648",
            "2147483648",
            "99999999999999999999",
            "1.99999999999999999999",
        ] {
            for value in [
                Value::Unsigned(1),
                Value::Text(b"x".to_vec()),
                Value::Epoch(1, 0),
            ] {
                assert_eq!(show(spec, &value), "", "%{spec} of {value:?}");
            }
        }
    }
}
