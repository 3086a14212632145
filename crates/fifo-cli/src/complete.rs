//! Shell completion answered by the binary itself (`clap_complete`'s dynamic
//! engine): the scripts `fifo completions SHELL` prints call
//! `FIFO_COMPLETE=SHELL fifo -- WORDS...`, and this module says what fits.
//! Paths of the commands that open FIFOs list FIFOs first, then directories
//! to descend into, then other files (none for `send`, which refuses them);
//! after `redirect ... --` the first word is a command from `$PATH`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use clap::ValueHint;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{Bash, EnvCompleter, Fish, Zsh};

/// The environment variable that turns a run of `fifo` into a completion
/// request.
pub const VAR: &str = "FIFO_COMPLETE";

/// Commands whose PATH operands are FIFOs (or, for some, also files).
const FIFO_COMMANDS: &[&str] = &[
    "cat", "send", "tee", "redirect", "stat", "hold", "wait", "serve", "call",
];

/// Answers a completion request and exits, when `FIFO_COMPLETE` is set;
/// otherwise returns at once.
pub fn answer_request() {
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
        top = top.mut_subcommand(&name, |mut sub| {
            let ids: Vec<(String, Option<String>, bool)> = sub
                .get_arguments()
                .map(|arg| {
                    let value = arg
                        .get_value_names()
                        .and_then(|names| names.first())
                        .map(ToString::to_string);
                    (arg.get_id().to_string(), value, arg.is_hide_set())
                })
                .collect();
            for (id, value, hidden) in ids {
                let fifo_operand = FIFO_COMMANDS.contains(&name.as_str());
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
                sub = match value.as_deref() {
                    Some("PATH") if fifo_operand => {
                        let only_fifos = name == "send";
                        sub.mut_arg(id, |arg| {
                            arg.add(ArgValueCompleter::new(move |current: &OsStr| {
                                paths(current, only_fifos)
                            }))
                        })
                    }
                    Some("DIR") => sub.mut_arg(id, |arg| arg.value_hint(ValueHint::DirPath)),
                    Some("CMD") => sub.mut_arg(id, |arg| arg.add(ArgValueCompleter::new(Command))),
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

/// Whether the word being completed directly follows the `--` after
/// `redirect` or `serve`. clap's engine numbers the first two values of CMD alike, so
/// this reads the request itself: `fifo -- WORDS...`, the cursor at index
/// `_CLAP_COMPLETE_INDEX` (bash, zsh) or on the last word (fish).
fn completing_first_word_after_escape() -> bool {
    let args: Vec<OsString> = std::env::args_os().collect();
    let words = args
        .iter()
        .position(|arg| arg == "--")
        .map_or(&[][..], |at| &args[at + 1..]);
    let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|index| index.parse().ok())
        .unwrap_or(words.len().saturating_sub(1));
    let before = &words[..cursor.min(words.len())];
    let Some(redirect) = before
        .iter()
        .position(|word| word == "redirect" || word == "serve")
    else {
        return false;
    };
    before[redirect..]
        .iter()
        .position(|word| word == "--")
        .is_some_and(|escape| redirect + escape + 1 == cursor)
}

/// The script `fifo completions SHELL` prints: clap's registration, which
/// asks `fifo` for candidates, plus the same for every `fifo-CMD` link.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let links: Vec<String> = crate::docs::commands(&crate::cli::command())
        .map(|sub| format!("fifo-{}", sub.get_name()))
        .collect();
    let links = links.join(" ");
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = match shell {
        clap_complete::Shell::Bash => {
            Bash.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
        clap_complete::Shell::Zsh => Zsh.write_registration(VAR, "fifo", "fifo", "fifo", &mut out),
        clap_complete::Shell::Fish => {
            Fish.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
        clap_complete::Shell::Elvish => {
            clap_complete::env::Elvish.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
        _ => {
            clap_complete::env::Powershell.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
    };
    let tail = match shell {
        clap_complete::Shell::Bash => BASH_LINKS,
        clap_complete::Shell::Zsh => ZSH_LINKS,
        clap_complete::Shell::Fish => FISH_LINKS,
        _ => "",
    };
    out.extend_from_slice(tail.replace("LINKS", &links).as_bytes());
    if shell == clap_complete::Shell::Zsh {
        // compinit reads the first line of `_fifo` in `$fpath`: name the
        // links there too, so that a fifo-CMD is completed in a new shell.
        let script = String::from_utf8_lossy(&out).replacen(
            "#compdef fifo\n",
            &format!("#compdef fifo {links}\n"),
            1,
        );
        return script.into_bytes();
    }
    out
}

/// bash: names quoted and directories marked as bash does for files (clap's
/// function leaves `my file` unquoted), and `fifo-CMD ARGS` completes as
/// `fifo CMD ARGS`.
const BASH_LINKS: &str = r#"# Quote names and mark directories as for files (the function above
# leaves "my file" unquoted); readline adds the / back to directories.
_fifo() {
    _clap_complete_fifo "$@"
    if [[ ${#COMPREPLY[@]} -gt 0 ]]; then
        compopt -o filenames 2> /dev/null
        COMPREPLY=("${COMPREPLY[@]%/}")
    fi
}
# fifo-CMD links complete like fifo CMD.
_fifo_link() {
    local link=${COMP_WORDS[0]##*/}
    COMP_WORDS=(fifo "${link#fifo-}" "${COMP_WORDS[@]:1}")
    COMP_CWORD=$((COMP_CWORD + 1))
    _fifo fifo "$2" "$3"
}
# -o nosort (bash 4.4 and later) keeps FIFOs first.
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _fifo fifo
    complete -o nospace -o bashdefault -o nosort -F _fifo_link LINKS
else
    complete -o nospace -o bashdefault -F _fifo fifo
    complete -o nospace -o bashdefault -F _fifo_link LINKS
fi
"#;

/// zsh: the links, and the first completion when this file is autoloaded
/// from `$fpath` as `_fifo` (the function it defines only runs from then on).
const ZSH_LINKS: &str = r#"# fifo-CMD links complete like fifo CMD.
_fifo_complete() {
    if [[ ${words[1]:t} == fifo-* ]]; then
        words=(fifo ${${words[1]:t}#fifo-} "${(@)words[2,-1]}")
        (( CURRENT++ ))
    fi
    _clap_dynamic_completer_fifo
}
compdef _fifo_complete fifo LINKS
if [[ ${funcstack[1]} == _fifo ]]; then
    _fifo_complete "$@"
fi
"#;

/// fish: the links.
const FISH_LINKS: &str = r#"# fifo-CMD links complete like fifo CMD.
for link in LINKS
    complete --keep-order --exclusive --command $link --arguments "(FIFO_COMPLETE=fish fifo -- fifo (string replace fifo- '' -- $link) (commandline --current-process --tokenize --cut-at-cursor)[2..] (commandline --current-token))"
end
"#;

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
