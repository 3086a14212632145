//! The applet table: each command described once, by its name, its
//! one-line summary, what its man page says of it, its examples, the exit
//! statuses it can end with and which operands are FIFOs; its arguments
//! say (through [`Streams`]) which standard streams it moves data through.
//! `--help`, the man pages, completions, `--list`, the `fifo-NAME` links
//! and the dispatch all read it, through [`each_applet!`], the one list of
//! commands.
//!
//! Adding a command takes three files: its entry in `applets/entries.rs`
//! (a constant and its line in [`each_applet!`]), its arguments (a struct
//! with [`Streams`]) in the `cli/` module of its group, and its module
//! `applet/NAME.rs` with a `run` function; the [`Command`](super::Command)
//! variant, the `mod` line and the dispatch arm are made from the list.

mod entries;

use std::path::PathBuf;

use crate::stdio::Needs;

// Each entry keeps its path `cli::applets::NAME`, and the list its
// `cli::applets::each_applet!`.
pub(crate) use entries::each_applet;
pub use entries::*;

/// Which standard streams a command moves data through with these
/// arguments: checked before anything is opened (`applet::run`).
pub trait Streams {
    /// The streams these arguments read or write.
    fn needs(&self) -> Needs;
}

/// Whether `paths` has `-` among them (standard input or output).
pub(crate) fn names_dash(paths: &[PathBuf]) -> bool {
    paths.iter().any(|path| path.as_os_str() == "-")
}

/// One command of the toolbox.
#[derive(Debug)]
pub struct Applet {
    /// `fifo NAME`, and the `fifo-NAME` link.
    pub name: &'static str,
    /// What it does, in one line: in `fifo --help` and its man page's NAME.
    pub summary: &'static str,
    /// Its man page's DESCRIPTION.
    pub description: &'static str,
    /// What each example does, and the command line; in `--help` and the
    /// man page.
    pub examples: &'static [(&'static str, &'static str)],
    /// The exit statuses it can end with (keys of
    /// [`crate::exit_code::TABLE`]), in its man page.
    pub statuses: &'static [&'static str],
    /// What completion offers for its PATH operands.
    pub operands: Operands,
}

/// What a command's PATH operands are, for completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operands {
    /// Not FIFOs to open: the shell's usual files.
    Files,
    /// FIFOs first, then directories to descend into, then other files.
    Fifos,
    /// FIFOs and directories only: other files are refused.
    OnlyFifos,
}

/// `APPLETS`, from the list.
macro_rules! applet_list {
    ($($variant:ident($args:ident) = $entry:ident in $module:ident,)*) => {
        /// Every command, in the order `--help`, `--list` and the man pages show.
        pub const APPLETS: &[Applet] = &[$($entry),*];
    };
}
each_applet!(applet_list);

/// The command named `name`, if there is one.
pub fn find(name: &str) -> Option<&'static Applet> {
    APPLETS.iter().find(|applet| applet.name == name)
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn needs_of(args: &[&str]) -> Needs {
        let args: Vec<_> = args.iter().map(OsString::from).collect();
        let command = crate::cli::parse(&args).unwrap().command.unwrap();
        command.applet().1
    }

    #[test]
    fn only_the_streams_a_command_moves_data_through_are_needed() {
        let needs = |stdin, stdout| Needs { stdin, stdout };
        assert_eq!(needs_of(&["fifo", "send", "f"]), needs(true, false));
        assert_eq!(needs_of(&["fifo", "send", "f", "hi"]), needs(false, false));
        assert_eq!(needs_of(&["fifo", "cat", "f"]), needs(false, true));
        assert_eq!(needs_of(&["fifo", "cat"]), needs(true, true));
        assert_eq!(needs_of(&["fifo", "cat", "f", "-"]), needs(true, true));
        assert_eq!(needs_of(&["fifo", "tee"]), needs(true, true));
        assert_eq!(needs_of(&["fifo", "mk", "f"]), needs(false, false));
        assert_eq!(needs_of(&["fifo", "mk", "--temp"]), needs(false, true));
        assert_eq!(needs_of(&["fifo", "stat", "f"]), needs(false, true));
        let wait = ["fifo", "stat", "--wait-reader", "f"];
        assert_eq!(needs_of(&wait), needs(false, false));
        let redirect = ["fifo", "redirect", "--fd", "3", "--rw", "f", "--", "true"];
        assert_eq!(needs_of(&redirect), needs(false, false));
        assert_eq!(
            needs_of(&["fifo", "man", "--dir", "d"]),
            needs(false, false)
        );
        assert_eq!(
            needs_of(&["fifo", "bridge", "-", "tcp:h:1"]),
            needs(true, false)
        );
        assert_eq!(
            needs_of(&["fifo", "bridge", "stdio:", "f"]),
            needs(true, true)
        );
    }

    #[test]
    fn the_table_has_every_command_once_in_the_order_of_the_definition() {
        let defined: Vec<String> = crate::cli::command()
            .get_subcommands()
            .map(|sub| sub.get_name().to_owned())
            .collect();
        let listed: Vec<&str> = APPLETS.iter().map(|applet| applet.name).collect();
        assert_eq!(defined, listed);
    }

    #[test]
    fn every_status_named_is_known() {
        for applet in APPLETS {
            assert!(!applet.statuses.is_empty(), "{}", applet.name);
            for code in applet.statuses {
                assert!(
                    crate::exit_code::TABLE
                        .iter()
                        .any(|(known, _)| known == code),
                    "{}: {code}",
                    applet.name
                );
            }
        }
    }
}
