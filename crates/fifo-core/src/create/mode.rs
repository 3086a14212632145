//! Permission modes as `mkfifo -m` takes them: octal (`644`) or symbolic
//! (`u=rw,g=r`).
//!
//! The arithmetic follows gnulib's `mode_compile`/`mode_adjust`, which
//! coreutils' mkfifo(1) uses: symbolic modes start from `a=rw` (0666), and the
//! umask only masks clauses that name no `u`, `g`, `o` or `a`.
//! See: <https://git.savannah.gnu.org/cgit/gnulib.git/tree/lib/modechange.c>
//!
//! ```
//! use fifo_core::create::mode::{MKFIFO_BASE, ModeSpec};
//!
//! let spec = ModeSpec::parse("u=rw,g=r,o=")?;
//! assert_eq!(spec.apply(MKFIFO_BASE, 0o022)?, 0o640);
//! assert_eq!(ModeSpec::parse("600")?.apply(MKFIFO_BASE, 0o022)?, 0o600);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

const S_ISUID: u32 = 0o4000;
const S_ISGID: u32 = 0o2000;
const S_ISVTX: u32 = 0o1000;
const S_IRWXU: u32 = 0o700;
const S_IRWXG: u32 = 0o070;
const S_IRWXO: u32 = 0o007;
const ALL_READ: u32 = 0o444;
const ALL_WRITE: u32 = 0o222;
const ALL_EXEC: u32 = 0o111;
/// Every bit chmod(2) can change.
const CHMOD_MODE_BITS: u32 = 0o7777;
/// The bits a FIFO's mode may hold: permissions only.
const PERMISSION_BITS: u32 = 0o777;

/// The mode mkfifo(1) starts from before applying a mode: `a=rw`.
pub const MKFIFO_BASE: u32 = 0o666;

/// Why a mode string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModeError {
    /// The text is neither an octal number nor symbolic clauses.
    #[error("invalid mode '{0}'")]
    Invalid(String),
    /// The mode asks for set-user-ID, set-group-ID or sticky bits.
    #[error("mode '{0}' must specify only file permission bits")]
    NotPermissionBits(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Set,
    Add,
    Remove,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The listed `rwxst` bits.
    Literal,
    /// The bits another class already has (`g=u`).
    Copy,
    /// `X`: execute, but only where some execute bit is already set.
    ExecIfAnyExec,
}

/// One `op value` step of a clause, with the classes it affects.
#[derive(Debug, Clone, Copy)]
struct Change {
    op: Op,
    source: Source,
    /// Bits the clause's `ugoa` letters select; 0 when none was written.
    affected: u32,
    value: u32,
}

/// A parsed mode, octal or symbolic, ready to be applied to a starting mode.
#[derive(Debug, Clone)]
pub struct ModeSpec {
    text: String,
    changes: Vec<Change>,
}

impl ModeSpec {
    /// Parses octal or symbolic mode text.
    ///
    /// # Errors
    /// [`ModeError::Invalid`] when the text is not a mode.
    pub fn parse(text: &str) -> Result<Self, ModeError> {
        let invalid = || ModeError::Invalid(text.to_owned());
        let changes = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let octal = u32::from_str_radix(text, 8).map_err(|_| invalid())?;
            if octal > CHMOD_MODE_BITS {
                return Err(invalid());
            }
            vec![Change {
                op: Op::Set,
                source: Source::Literal,
                affected: CHMOD_MODE_BITS,
                value: octal,
            }]
        } else {
            parse_symbolic(text.as_bytes()).ok_or_else(invalid)?
        };
        Ok(Self {
            text: text.to_owned(),
            changes,
        })
    }

    /// The mode this spec makes from `base` under `umask`, as `mode_adjust`
    /// computes it for a non-directory.
    ///
    /// # Errors
    /// [`ModeError::NotPermissionBits`] when the result has bits beyond 0777.
    pub fn apply(&self, base: u32, umask: u32) -> Result<u32, ModeError> {
        let mut mode = base & CHMOD_MODE_BITS;
        for change in &self.changes {
            let mut value = change.value;
            match change.source {
                Source::Literal => {}
                Source::Copy => {
                    value &= mode;
                    value |= spread(value, ALL_READ)
                        | spread(value, ALL_WRITE)
                        | spread(value, ALL_EXEC);
                }
                Source::ExecIfAnyExec => {
                    if mode & ALL_EXEC != 0 {
                        value |= ALL_EXEC;
                    }
                }
            }
            value &= if change.affected == 0 {
                !umask
            } else {
                change.affected
            };
            match change.op {
                Op::Set => {
                    let preserved = if change.affected == 0 {
                        0
                    } else {
                        !change.affected
                    };
                    mode = (mode & preserved) | value;
                }
                Op::Add => mode |= value,
                Op::Remove => mode &= !value,
            }
        }
        if mode & !PERMISSION_BITS != 0 {
            return Err(ModeError::NotPermissionBits(self.text.clone()));
        }
        Ok(mode)
    }
}

impl fmt::Display for ModeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// All three bits of `class` when any of them is set in `value` (the copy
/// rule of `g=u`: user's read bit becomes read for every affected class).
fn spread(value: u32, class: u32) -> u32 {
    if value & class == 0 { 0 } else { class }
}

/// Parses `[ugoa]*([-+=]([rwxXst]*|[ugo]))+` clauses separated by commas.
fn parse_symbolic(text: &[u8]) -> Option<Vec<Change>> {
    let mut changes = Vec::new();
    let mut rest = text;
    loop {
        let mut affected = 0;
        while let Some((&who, tail)) = rest.split_first() {
            affected |= match who {
                b'u' => S_ISUID | S_IRWXU,
                b'g' => S_ISGID | S_IRWXG,
                b'o' => S_ISVTX | S_IRWXO,
                b'a' => CHMOD_MODE_BITS,
                _ => break,
            };
            rest = tail;
        }
        // At least one operator per clause.
        let mut saw_op = false;
        while let Some((&op_char, tail)) = rest.split_first() {
            let op = match op_char {
                b'=' => Op::Set,
                b'+' => Op::Add,
                b'-' => Op::Remove,
                _ => break,
            };
            saw_op = true;
            rest = tail;
            let (source, value, tail) = parse_value(rest);
            rest = tail;
            changes.push(Change {
                op,
                source,
                affected,
                value,
            });
        }
        if !saw_op {
            return None;
        }
        match rest.split_first() {
            None => return Some(changes),
            Some((b',', tail)) => rest = tail,
            Some(_) => return None,
        }
    }
}

/// Parses what follows an operator: a class to copy, or permission letters.
fn parse_value(text: &[u8]) -> (Source, u32, &[u8]) {
    let copied = match text.first() {
        Some(b'u') => Some(S_IRWXU),
        Some(b'g') => Some(S_IRWXG),
        Some(b'o') => Some(S_IRWXO),
        _ => None,
    };
    if let Some(class) = copied {
        return (Source::Copy, class, &text[1..]);
    }
    let mut source = Source::Literal;
    let mut value = 0;
    let mut used = 0;
    for &letter in text {
        match letter {
            b'r' => value |= ALL_READ,
            b'w' => value |= ALL_WRITE,
            b'x' => value |= ALL_EXEC,
            b'X' => source = Source::ExecIfAnyExec,
            b's' => value |= S_ISUID | S_ISGID,
            b't' => value |= S_ISVTX,
            _ => break,
        }
        used += 1;
    }
    (source, value, &text[used..])
}

/// The process's current umask.
///
/// Read through `umask(2)`, which can only be read by setting it, so it is set
/// back at once; call it before starting threads that create files.
#[must_use]
pub fn current_umask() -> u32 {
    use nix::sys::stat::{Mode, umask};
    let _one_at_a_time = super::UMASK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let old = umask(Mode::empty());
    umask(old);
    crate::sys::file::bits(old)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfifo_mode(text: &str, umask: u32) -> Result<u32, ModeError> {
        ModeSpec::parse(text)?.apply(MKFIFO_BASE, umask)
    }

    #[test]
    fn octal_is_exact_and_ignores_the_umask() {
        assert_eq!(mkfifo_mode("600", 0o022), Ok(0o600));
        assert_eq!(mkfifo_mode("0644", 0o077), Ok(0o644));
        assert_eq!(mkfifo_mode("0", 0o022), Ok(0));
    }

    #[test]
    fn symbolic_with_classes_ignores_the_umask() {
        // Same figures as `mkfifo -m u=rw,g=r x; stat -c %a x` gives: 646.
        assert_eq!(mkfifo_mode("u=rw,g=r", 0o022), Ok(0o646));
        assert_eq!(mkfifo_mode("a=rw", 0o077), Ok(0o666));
        assert_eq!(mkfifo_mode("go-rw", 0o022), Ok(0o600));
        assert_eq!(mkfifo_mode("u=rw,go=", 0o022), Ok(0o600));
    }

    #[test]
    fn symbolic_without_classes_is_masked_by_the_umask() {
        assert_eq!(mkfifo_mode("=r", 0o022), Ok(0o444));
        assert_eq!(mkfifo_mode("=rw", 0o022), Ok(0o644));
        assert_eq!(mkfifo_mode("+x", 0o022), Ok(0o777));
        assert_eq!(mkfifo_mode("-w", 0o022), Ok(0o444 | 0o022));
    }

    #[test]
    fn copy_and_conditional_execute_follow_gnulib() {
        assert_eq!(mkfifo_mode("u=rwx,g=u", 0o022), Ok(0o776));
        assert_eq!(mkfifo_mode("o=g,g-w", 0o022), Ok(0o646));
        // X adds execute only if some execute bit is already set.
        assert_eq!(mkfifo_mode("a+X", 0o022), Ok(0o666));
        assert_eq!(mkfifo_mode("u+x,a+X", 0o022), Ok(0o777));
        assert_eq!(mkfifo_mode("u=rw+x-w", 0o022), Ok(0o566));
    }

    #[test]
    fn special_bits_are_refused() {
        assert!(matches!(
            mkfifo_mode("4755", 0),
            Err(ModeError::NotPermissionBits(_))
        ));
        assert!(matches!(
            mkfifo_mode("u+s", 0),
            Err(ModeError::NotPermissionBits(_))
        ));
        assert!(matches!(
            mkfifo_mode("+t", 0),
            Err(ModeError::NotPermissionBits(_))
        ));
    }

    #[test]
    fn garbage_is_invalid() {
        for bad in [
            "", "9", "888", "17777", "u", "rw", "u=rw,", "z=r", "u=rw q", "u==r!",
        ] {
            assert_eq!(
                ModeSpec::parse(bad).map(|_| ()),
                Err(ModeError::Invalid(bad.to_owned())),
                "{bad:?} should be invalid"
            );
        }
    }

    #[test]
    fn message_names_the_text() {
        assert_eq!(
            ModeSpec::parse("z").unwrap_err().to_string(),
            "invalid mode 'z'"
        );
    }

    proptest::proptest! {
        #[test]
        fn no_text_makes_the_parser_panic(text in "\\PC{0,40}", umask in 0u32..0o777) {
            if let Ok(spec) = ModeSpec::parse(&text) {
                let _ = spec.apply(MKFIFO_BASE, umask);
            }
        }

        #[test]
        fn mode_shaped_text_never_panics(text in "[ugoa]{0,3}[-+=][rwxXstugo]{0,4}(,[ugoa]{0,2}[-+=][rwxXst]{0,3}){0,3}", umask in 0u32..0o777) {
            if let Ok(spec) = ModeSpec::parse(&text) {
                if let Ok(mode) = spec.apply(MKFIFO_BASE, umask) {
                    proptest::prop_assert!(mode <= 0o777);
                }
            }
        }

        #[test]
        fn octal_permissions_round_trip(mode in 0u32..=0o777, umask in 0u32..0o777) {
            let spec = ModeSpec::parse(&format!("{mode:o}")).unwrap();
            proptest::prop_assert_eq!(spec.apply(MKFIFO_BASE, umask), Ok(mode));
        }
    }
}
