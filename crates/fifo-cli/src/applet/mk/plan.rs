//! What `fifo mk` will do, resolved from its arguments without any I/O:
//! make each PATH, or one FIFO in a new private directory; the mode is
//! resolved against the umask when it runs.

use std::ffi::OsString;
use std::path::PathBuf;

use fifo_core::create::IfExists;
use fifo_core::create::mode::ModeSpec;

use crate::cli::MkArgs;

/// What `fifo mk` does.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `-m`: the mode, applied under the umask as mkfifo(1) does; `None`:
    /// the private default.
    pub mode: Option<ModeSpec>,
    /// What is made.
    pub make: Make,
}

/// What is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Make {
    /// Each PATH, in turn.
    Paths {
        paths: Vec<PathBuf>,
        /// `-p`: missing parent directories too.
        parents: bool,
        /// `--exist-ok`: an existing FIFO is accepted.
        if_exists: IfExists,
    },
    /// `--temp`: one FIFO named `name` in a new private directory under
    /// `dir` (`None`: the temporary directory the environment names).
    Temp {
        dir: Option<PathBuf>,
        name: OsString,
    },
    /// `--temp` with more than one NAME: a usage error, said once the mode
    /// is known to be good.
    TooManyNames,
}

impl Plan {
    /// Resolves the arguments, which clap has checked, into a plan.
    pub fn from_args(args: &MkArgs) -> Self {
        let make = match args.paths.as_slice() {
            _ if !args.temp => Make::Paths {
                paths: args.paths.clone(),
                parents: args.parents,
                if_exists: if args.exist_ok {
                    IfExists::AcceptFifo
                } else {
                    IfExists::Fail
                },
            },
            [] => Make::Temp {
                dir: args.dir.clone(),
                name: "fifo".into(),
            },
            [name] => Make::Temp {
                dir: args.dir.clone(),
                name: name.clone().into_os_string(),
            },
            _ => Make::TooManyNames,
        };
        Self {
            mode: args.mode.clone(),
            make,
        }
    }
}

#[cfg(test)]
mod tests {
    use fifo_core::create::mode::MKFIFO_BASE;

    use super::*;
    use crate::applet::transfer::testing::{parse, refusal};
    use crate::cli::Command;

    fn plan_of(words: &[&str]) -> Plan {
        match parse(&[&["mk"], words].concat()).unwrap() {
            Command::Mk(args) => Plan::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_path_is_made_failing_on_what_exists() {
        let plan = plan_of(&["a", "b/c"]);
        assert!(plan.mode.is_none());
        let wanted = Make::Paths {
            paths: vec![PathBuf::from("a"), PathBuf::from("b/c")],
            parents: false,
            if_exists: IfExists::Fail,
        };
        assert_eq!(plan.make, wanted);
        let wanted = Make::Paths {
            paths: vec![PathBuf::from("a")],
            parents: true,
            if_exists: IfExists::AcceptFifo,
        };
        assert_eq!(plan_of(&["-p", "--exist-ok", "a"]).make, wanted);
        let mode = plan_of(&["-m", "u=rw,g=r", "a"]).mode.unwrap();
        assert_eq!(mode.apply(MKFIFO_BASE, 0o022), Ok(0o646));
    }

    #[test]
    fn a_temporary_fifo_takes_one_name_at_most() {
        let temp = |dir: Option<&str>, name: &str| Make::Temp {
            dir: dir.map(PathBuf::from),
            name: name.into(),
        };
        assert_eq!(plan_of(&["--temp"]).make, temp(None, "fifo"));
        assert_eq!(plan_of(&["--temp", "q"]).make, temp(None, "q"));
        assert_eq!(
            plan_of(&["--temp", "--dir", "/run/x", "q"]).make,
            temp(Some("/run/x"), "q")
        );
        assert_eq!(plan_of(&["--temp", "q", "r"]).make, Make::TooManyNames);
    }

    #[test]
    fn what_a_temporary_fifo_cannot_honour_is_refused() {
        for (words, said) in [
            (
                &["-p", "--temp"][..],
                "the argument '--parents' cannot be used with '--temp'",
            ),
            (
                &["--exist-ok", "--temp"],
                "the argument '--exist-ok' cannot be used with '--temp'",
            ),
            (
                &["--dir", "d", "a"],
                "the following required arguments were not provided: --temp",
            ),
            (
                &["-p"],
                "the following required arguments were not provided: <PATH>...",
            ),
        ] {
            assert_eq!(refusal(&[&["mk"], words].concat()), said, "{words:?}");
        }
    }
}
