//! Shell completion answered by the binary itself (`clap_complete`'s dynamic
//! engine): the scripts `fifo completions SHELL` prints call
//! `FIFO_COMPLETE=SHELL fifo -- WORDS...`, and this module says what fits.
//! Paths of the commands that open FIFOs list FIFOs first, then directories
//! to descend into, then other files (none for `send`, which refuses them);
//! after `redirect ... --` the first word is a command from `$PATH` (the
//! scripts hand the words after it to the command's own completion). Values
//! that are no paths get hints (`hints`); an option whose value must be
//! attached (`--progress=WHEN`) is never given a detached word.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use clap::ValueHint;
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};

mod hints;
mod shells;

use hints::Hint;
pub use shells::script;

use crate::cli::applets::{self, Operands};

/// The environment variable that turns a run of `fifo` into a completion
/// request.
pub const VAR: &str = "FIFO_COMPLETE";

/// Answers a completion request and exits, when `FIFO_COMPLETE` is set;
/// otherwise returns at once.
pub fn answer_request() {
    if std::env::var_os(VAR).is_none() {
        return;
    }
    if only_options_for_an_empty_word() {
        std::process::exit(0);
    }
    clap_complete::CompleteEnv::with_factory(command)
        .var(VAR)
        .complete();
}

/// [`crate::cli::command`] with the completers of its operands.
pub fn command() -> clap::Command {
    let mut top = crate::cli::command();
    let names: Vec<String> = top
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        let operands = applets::find(&name).map_or(Operands::Files, |applet| applet.operands);
        top = top.mut_subcommand(&name, |mut sub| {
            let ids: Vec<(String, Option<String>, bool, bool)> = sub
                .get_arguments()
                .map(|arg| {
                    let value = arg
                        .get_value_names()
                        .and_then(|names| names.first())
                        .map(ToString::to_string);
                    let attached = arg.is_require_equals_set();
                    (arg.get_id().to_string(), value, arg.is_hide_set(), attached)
                })
                .collect();
            for (id, value, hidden, attached) in ids {
                if hidden {
                    // clap offers a hidden option once a prefix matches no
                    // other (`--no` -> `--no-splice`); a name nobody types
                    // keeps it hidden.
                    sub = sub.mut_arg(&id, |arg| {
                        match arg.get_long().map(|long| format!("\u{1}{long}")) {
                            Some(long) => arg.long(long),
                            None => arg,
                        }
                    });
                    continue;
                }
                if attached {
                    sub = sub.mut_arg(&id, attached_values_only);
                    continue;
                }
                let hint = value
                    .as_deref()
                    .and_then(|value| Hint::for_value(value, &id));
                sub = match (value.as_deref(), hint) {
                    (_, Some(hint)) => sub.mut_arg(id, |arg| arg.add(ArgValueCompleter::new(hint))),
                    (Some("PATH"), None) if operands != Operands::Files => {
                        let only_fifos = operands == Operands::OnlyFifos;
                        sub.mut_arg(id, |arg| {
                            arg.add(ArgValueCompleter::new(move |current: &OsStr| {
                                paths(current, only_fifos)
                            }))
                        })
                    }
                    (Some("DIR"), None) => {
                        sub.mut_arg(id, |arg| arg.value_hint(ValueHint::DirPath))
                    }
                    (Some("CMD"), None) => {
                        sub.mut_arg(id, |arg| arg.add(ArgValueCompleter::new(Command)))
                    }
                    // mut_arg moves the argument last: move every one, so
                    // that positionals keep their order.
                    _ => sub.mut_arg(id, |arg| arg),
                };
            }
            sub
        });
    }
    top
}

/// An option whose value must be attached (`--progress=always`) takes no
/// detached word: the engine is told it takes no value, so the next word is
/// completed as what it is (a path, an option), and its values are offered
/// only after `=`.
fn attached_values_only(arg: clap::Arg) -> clap::Arg {
    let values = arg.get_possible_values();
    arg.num_args(0)
        .require_equals(false)
        .add(ArgValueCandidates::new(move || {
            values
                .iter()
                .map(|value| {
                    CompletionCandidate::new(value.get_name()).help(value.get_help().cloned())
                })
                .collect()
        }))
}

/// The words of a completion request (`fifo -- WORDS...`) and the index of
/// the one being completed: `_CLAP_COMPLETE_INDEX` (bash, zsh) or the last
/// (fish).
fn request() -> (Vec<OsString>, usize) {
    let args: Vec<OsString> = std::env::args_os().collect();
    let words = args
        .iter()
        .position(|arg| arg == "--")
        .map_or_else(Vec::new, |at| args[at + 1..].to_vec());
    let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|index| index.parse().ok())
        .unwrap_or(words.len().saturating_sub(1));
    (words, cursor)
}

/// Whether the word being completed is empty and only options would be
/// offered (a free-text word such as `send`'s MESSAGE): then nothing is
/// offered, so that no shell inserts the options' common `-`. Options are
/// offered once a `-` is typed.
fn only_options_for_an_empty_word() -> bool {
    let (mut words, cursor) = request();
    if words.get(cursor).is_some_and(|word| !word.is_empty()) {
        return false;
    }
    if words.len() <= cursor {
        words.resize(cursor + 1, OsString::new());
    }
    let here = std::env::current_dir().ok();
    clap_complete::engine::complete(&mut command(), words, cursor, here.as_deref()).is_ok_and(
        |found| {
            !found.is_empty()
                && found
                    .iter()
                    .all(|candidate| candidate.get_value().as_bytes().starts_with(b"-"))
        },
    )
}

/// The entries of the directory `current` names that start with its last
/// component: FIFOs, then directories (with a trailing `/`), then the rest
/// unless `only_fifos`; each group sorted, hidden entries only when asked.
fn paths(current: &OsStr, only_fifos: bool) -> Vec<CompletionCandidate> {
    let bytes = current.as_bytes();
    let split = bytes.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    let (dir, prefix) = bytes.split_at(split);
    let listed = if dir.is_empty() {
        Path::new(".")
    } else {
        Path::new(OsStr::from_bytes(dir))
    };
    let Ok(entries) = std::fs::read_dir(listed) else {
        return Vec::new();
    };
    let mut groups: [Vec<OsString>; 3] = Default::default();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.as_bytes();
        if !name.starts_with(prefix) || (name.starts_with(b".") && !prefix.starts_with(b".")) {
            continue;
        }
        // Follow symbolic links: a link to a FIFO is offered as a FIFO.
        let Ok(meta) = std::fs::metadata(entry.path()) else {
            continue;
        };
        let mut value = dir.to_vec();
        value.extend_from_slice(name);
        let group = if meta.file_type().is_fifo() {
            0
        } else if meta.is_dir() {
            value.push(b'/');
            1
        } else if only_fifos {
            continue;
        } else {
            2
        };
        groups[group].push(OsStr::from_bytes(&value).to_owned());
    }
    groups
        .into_iter()
        .flat_map(|mut group| {
            group.sort();
            group
        })
        .map(CompletionCandidate::new)
        .collect()
}

/// `redirect ... -- CMD [ARG...]` (and `serve`'s): CMD from `$PATH` (or a path to an
/// executable), ARGs as any path.
struct Command;

impl clap_complete::engine::ValueCompleter for Command {
    fn complete(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        if !completing_first_word_after_escape() || current.as_bytes().contains(&b'/') {
            return paths(current, false);
        }
        let mut names: Vec<OsString> = std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .filter_map(|dir| std::fs::read_dir(dir).ok())
            .flat_map(Iterator::flatten)
            .filter(|entry| entry.file_name().as_bytes().starts_with(current.as_bytes()))
            .filter(|entry| {
                std::fs::metadata(entry.path())
                    .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
            })
            .map(|entry| entry.file_name())
            .collect();
        names.sort();
        names.dedup();
        names.into_iter().map(CompletionCandidate::new).collect()
    }
}

/// Whether the word being completed directly follows the `--` after a
/// command that runs `-- CMD [ARG...]` (`redirect`, `serve`). clap's engine
/// numbers the first two values of CMD alike, so this reads the request
/// itself: `fifo -- WORDS...`, the cursor at index `_CLAP_COMPLETE_INDEX`
/// (bash, zsh) or on the last word (fish).
fn completing_first_word_after_escape() -> bool {
    let (words, cursor) = request();
    let before = &words[..cursor.min(words.len())];
    let top = crate::cli::command();
    let runs_a_command = |word: &OsString| {
        word.to_str()
            .and_then(|name| top.find_subcommand(name))
            .is_some_and(|sub| sub.get_positionals().any(clap::Arg::is_last_set))
    };
    let Some(runner) = before.iter().position(runs_a_command) else {
        return false;
    };
    before[runner..]
        .iter()
        .position(|word| word == "--")
        .is_some_and(|escape| runner + escape + 1 == cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_completion_command_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn fifos_come_first_then_directories_then_files() {
        let dir = tempfile::tempdir().unwrap();
        nix::unistd::mkfifo(&dir.path().join("z.fifo"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        std::fs::create_dir(dir.path().join("m")).unwrap();
        std::fs::write(dir.path().join("a.txt"), "").unwrap();
        std::fs::write(dir.path().join(".hidden"), "").unwrap();
        let prefix = format!("{}/", dir.path().display());
        let values = |only_fifos| -> Vec<String> {
            paths(OsStr::new(&prefix), only_fifos)
                .iter()
                .map(|c| c.get_value().to_string_lossy().replace(&prefix, ""))
                .collect()
        };
        assert_eq!(values(false), ["z.fifo", "m/", "a.txt"]);
        assert_eq!(values(true), ["z.fifo", "m/"]);
    }
}
