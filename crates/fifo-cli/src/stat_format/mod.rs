//! `fifo stat -c FMT` and `--printf FMT`: the parser and the renderer; the
//! directives are in `directives`, their flags, width and precision in
//! `printf`.
//!
//! Every letter means what it means in GNU `stat` (times in the local time
//! zone, names as raw bytes), with printf's flags as there; the live pipe
//! state has names in braces that cannot collide with GNU's letters, e.g.
//! `%{readers}`.
//!
//! It depends on nothing else in the command, so the command-line
//! definition (which parses `-c` with it) and `fifo stat` (which renders
//! with it) both use it without importing each other.

use std::path::Path;

use fifo_core::inspect::Status;

mod directives;
mod printf;
pub mod values;

use directives::DIRECTIVES;
pub use directives::help;
use printf::Spec;

/// What a directive is rendered from.
pub struct Subject<'a> {
    /// The name as given on the command line.
    pub path: &'a Path,
    /// What was found there.
    pub status: &'a Status,
}

/// A parsed `-c`/`--printf` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    pieces: Vec<Piece>,
    /// `-c` ends each output with a newline; `--printf` does not.
    newline: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(Vec<u8>),
    Field(usize, Spec),
}

impl Format {
    /// Parses a `-c` format: no backslash escapes, a newline after each.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_with(text, false)
    }

    /// Parses a `--printf` format: backslash escapes, no newline added.
    pub fn parse_printf(text: &str) -> Result<Self, String> {
        Self::parse_with(text, true)
    }

    fn parse_with(text: &str, escapes: bool) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut literal = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\\' if escapes => at = unescape(bytes, at + 1, &mut literal)?,
                b'%' => {
                    let (spec, used) = Spec::parse(&text[at + 1..]);
                    let written = &text[at..=at + used];
                    let rest = &text[at + 1 + used..];
                    if rest.starts_with('%') {
                        if !spec.is_plain() {
                            return Err(format!("invalid directive '{written}%'"));
                        }
                        literal.push(b'%');
                        at += 2;
                        continue;
                    }
                    let name = directive_name(rest)?;
                    let index = DIRECTIVES
                        .iter()
                        .position(|d| d.name == name)
                        .ok_or_else(|| format!("unknown directive '{written}{name}'"))?;
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Field(index, spec));
                    at += 1 + used + name.len();
                }
                byte => {
                    literal.push(byte);
                    at += 1;
                }
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Self {
            pieces,
            newline: !escapes,
        })
    }

    /// Whether any directive shows live pipe state (needs the /proc scan).
    pub fn shows_live_state(&self) -> bool {
        self.pieces
            .iter()
            .any(|piece| matches!(piece, Piece::Field(index, _) if DIRECTIVES[*index].live))
    }

    /// The bytes to print for one PATH.
    pub fn render(&self, subject: &Subject<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.extend_from_slice(text),
                Piece::Field(index, spec) => {
                    out.extend(spec.render(&(DIRECTIVES[*index].render)(subject)));
                }
            }
        }
        if self.newline {
            out.push(b'\n');
        }
        out
    }
}

/// The directive name at the start of `rest` (the text after a `%` and
/// its flags): a letter, `H` or `L` before `d` or `r`, or a `{word}`.
fn directive_name(rest: &str) -> Result<&str, String> {
    if ["Hd", "Ld", "Hr", "Lr"]
        .iter()
        .any(|two| rest.starts_with(two))
    {
        return Ok(&rest[..2]);
    }
    if rest.starts_with('{') {
        let end = rest
            .find('}')
            .ok_or_else(|| format!("unterminated directive '%{rest}'"))?;
        return Ok(&rest[..=end]);
    }
    match rest.chars().next() {
        Some(ch) => Ok(&rest[..ch.len_utf8()]),
        None => Err("format ends with a lone '%'".to_owned()),
    }
}

/// Decodes the escape after a backslash at `bytes[at..]` as GNU stat's
/// `--printf` does; returns where the format goes on.
fn unescape(bytes: &[u8], at: usize, out: &mut Vec<u8>) -> Result<usize, String> {
    let digits = |from: usize, radix: u32, max: usize| {
        let mut value = 0u32;
        let mut end = from;
        while end < bytes.len() && end - from < max && char::from(bytes[end]).is_digit(radix) {
            value = value * radix + char::from(bytes[end]).to_digit(radix).unwrap_or(0);
            end += 1;
        }
        (value, end)
    };
    let Some(&escape) = bytes.get(at) else {
        return Err("format ends with a lone '\\'".to_owned());
    };
    let simple = match escape {
        b'a' => Some(7),
        b'b' => Some(8),
        b'e' => Some(0x1b),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'\\' | b'"' => Some(escape),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return Ok(at + 1);
    }
    if (b'0'..=b'7').contains(&escape) {
        let (value, end) = digits(at, 8, 3);
        out.push(value as u8);
        return Ok(end);
    }
    if escape == b'x' && bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit) {
        let (value, end) = digits(at + 1, 16, 2);
        out.push(value as u8);
        return Ok(end);
    }
    Err(format!("unknown escape '\\{}'", char::from(escape)))
}

#[cfg(test)]
mod tests;
