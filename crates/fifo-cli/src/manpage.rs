//! The roff man pages: `clap_mangen`'s title, NAME and OPTIONS, and our own
//! SYNOPSIS (with option values, `--` and `PATH...`), DESCRIPTION,
//! EXAMPLES, fifo-stat(1)'s JSON OUTPUT, the command's own EXIT STATUS lines
//! and SEE ALSO.

mod stat_json;

use clap_mangen::Man;
use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

use crate::docs::examples;
use crate::exit_code;

/// The date in every page's `.TH` line: the date of this release of the
/// pages, never the build time, so that generating them is deterministic.
/// Update it with the version when the pages change for a release.
const DATE: &str = "2026-11-24";

/// What each command does, beyond its one-line NAME ("" is `fifo` itself).
const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "",
        "fifo makes named pipes (FIFOs) safe and pleasant to use from the shell. Each command \
         runs as fifo COMMAND, or through a link named fifo-COMMAND. Opening a FIFO waits for \
         the other end, so every command that opens one can give up after a --timeout or at \
         once (--no-wait); nothing in the toolbox turns a typo into a regular file.",
    ),
    (
        "mk",
        "fifo mk creates each PATH as a FIFO with exactly the mode asked for (0600 unless -m \
         says otherwise), never changing it afterwards. With --temp it makes one FIFO in a new \
         private directory and prints its path, the race-free replacement for mktemp -u.",
    ),
    (
        "cat",
        "fifo cat copies each PATH in turn to standard output; - is standard input. Opening a \
         FIFO waits for a writer; reading stops when the last writer closes, unless -k keeps it \
         open for later writers. With -c or -l it never takes more from a FIFO than it prints: \
         the rest stays for the next reader. --merge reads several FIFOs at once and writes \
         whole lines only.",
    ),
    (
        "send",
        "fifo send writes MESSAGE (the words joined by spaces, plus a newline) or, without \
         one, standard input into the FIFO PATH. Opening waits for a reader. Anything that is \
         not a FIFO is refused before a byte is written. With -l (or -0) every line (record) \
         goes out whole in one write, so concurrent senders never interleave inside a line.",
    ),
    (
        "tee",
        "fifo tee copies standard input to standard output and to every PATH: FIFOs, opened \
         concurrently so one slow reader does not keep the others waiting, or existing regular \
         files. An output whose reader goes away is dropped with a warning while the others \
         get every byte, in order.",
    ),
    (
        "redirect",
        "fifo redirect opens the FIFO PATH on descriptor N (as bash's exec N<, N> or N<> \
         would, but with a timeout) and then runs CMD with it, in place of itself. CMD and its \
         arguments follow --. The status is CMD's.",
    ),
    (
        "stat",
        "fifo stat reports on each PATH, of any file type: type, permissions, owner, times, and \
         for a FIFO its pipe state (readers, writers, the bytes waiting in it, its capacity) as \
         far as /proc shows it. It never opens a FIFO, so it consumes no data and completes no \
         waiting open.",
    ),
    (
        "hold",
        "fifo hold opens each FIFO at both ends and keeps it open, so that writers never block \
         waiting for a reader, readers never see end-of-file between writers, and data waits \
         for the next reader. It runs until a signal, --idle, or fifo hold --stop ends it; -b \
         returns once the hold is in place.",
    ),
    (
        "wait",
        "fifo wait waits, without ever opening the FIFO, until a condition holds for every \
         PATH: it exists, has a reader or a writer, or has data waiting in it or none. Use it \
         in place of a sleep loop before starting the other side.",
    ),
    (
        "serve",
        "fifo serve reads requests from the FIFO PATH and runs CMD once per request, with the \
         request on its standard input: a line (with -0, a NUL-terminated record) or a framed \
         message, told apart by its first byte. Up to --jobs requests run at once, each by \
         exactly one CMD. Each job's output is written out whole when it ends, never \
         interleaved with another's; a request from fifo call gets its output, errors and \
         status back instead. serve holds PATH open at both ends, so producers never block. \
         The status is 0 if every CMD succeeded, 1 if any failed.",
    ),
    (
        "call",
        "fifo call sends one request (the words joined by spaces, plus a newline, or all of \
         standard input) to the fifo serve reading PATH, as one framed message naming a \
         private reply FIFO, and copies the reply to standard output and standard error. \
         The status is CMD's (128+N if signal N killed it). The reply FIFO and its directory \
         are removed however the call ends.",
    ),
    (
        "bridge",
        "fifo bridge copies the stream read from SRC into DST, where one of them is local data \
         (a FIFO, a file for SRC, or - for a standard stream) and the other a transport to a \
         peer fifo bridge: tcp:HOST:PORT, tcp-listen:[ADDR:]PORT, unix:PATH, unix-listen:PATH, \
         ssh:[USER@]HOST:PATH (which runs fifo bridge on HOST), stdio: or exec:COMMAND. The \
         sender keeps what the receiver has not acknowledged in a bounded replay buffer; when \
         the link drops, the side that connected connects again and the rest is sent, so \
         nothing is lost or duplicated. A FIFO SRC is kept open across writers unless --once. \
         tcp-listen binds 127.0.0.1 unless given an address, which needs --key; unix-listen \
         accepts only the same user. Nothing is encrypted except through ssh.",
    ),
    (
        "completions",
        "fifo completions prints the script that makes SHELL complete fifo and its fifo-COMMAND \
         links: commands, options, and FIFOs before other files. The script asks fifo itself \
         for the candidates, so it stays right as fifo changes.",
    ),
    (
        "man",
        "fifo man prints the page of fifo(1) in roff, or with --dir writes fifo.1 and one \
         fifo-COMMAND.1 page per command into DIR.",
    ),
];

/// The exit statuses each command can end with (keys of
/// [`exit_code::TABLE`]; "" is `fifo` itself, which lists them all).
const STATUSES: &[(&str, &[&str])] = &[
    ("mk", &["0", "1", "2"]),
    ("cat", &["0", "1", "2", "124", "129, 130, 143", "141"]),
    ("send", &["0", "1", "2", "3", "124"]),
    ("tee", &["0", "1", "2", "124", "141"]),
    ("redirect", &["0", "1", "2", "124", "126, 127", "other"]),
    ("stat", &["0", "1", "2", "124", "141"]),
    ("hold", &["0", "1", "2", "124", "129, 130, 143"]),
    ("wait", &["0", "1", "2", "124"]),
    ("serve", &["0", "1", "2", "129, 130, 143", "141"]),
    ("call", &["0", "1", "2", "3", "124", "other"]),
    ("bridge", &["0", "1", "2", "3", "124", "129, 130, 143"]),
    ("completions", &["0", "2", "141"]),
    ("man", &["0", "1", "2", "141"]),
];

/// The roff page of `command` (`name` is "" for `fifo` itself).
pub fn render(command: &clap::Command, name: &str, commands: &[&clap::Command]) -> Vec<u8> {
    let page_name = if name.is_empty() {
        "fifo".to_owned()
    } else {
        format!("fifo-{name}")
    };
    let version = command.get_version().unwrap_or_default();
    let man = Man::new(command.clone().name(page_name.clone()).after_help(""))
        .title(page_name.to_uppercase())
        .date(DATE)
        .source(format!("fifo {version}"))
        .manual("User Commands");
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let mut roff = Roff::default();
    // Left-aligned and unhyphenated, as synopses are: no `--ca-pacity`.
    roff.control("SH", ["SYNOPSIS"])
        .control("nh", [])
        .control("ad", ["l"]);
    if name.is_empty() {
        roff.text([
            bold("fifo"),
            roman(" "),
            italic("COMMAND"),
            roman(" [OPTIONS] [ARGS]"),
        ])
        .control("br", [])
        .text([bold("fifo-"), italic("COMMAND"), roman(" [OPTIONS] [ARGS]")])
        .control("br", [])
        .text([bold("fifo --list")]);
    } else {
        roff.text(synopsis(command, name));
    }
    roff.control("ad", ["b"]).control("hy", []);
    roff.control("SH", ["DESCRIPTION"]);
    let description = DESCRIPTIONS
        .iter()
        .find(|(command, _)| *command == name)
        .map_or("", |(_, text)| text);
    roff.text([roman(description)]);
    let _ = roff.to_writer(&mut out);
    let mut options = Vec::new();
    let _ = man.render_options_section(&mut options);
    // clap_mangen separates an option's text from its list of values with
    // `.br`, a blank line and `.br`; mandoc warns about the breaks around
    // the blank line (which already is a paragraph break).
    let options = String::from_utf8_lossy(&options).replace("\n.br\n\n.br\n", "\n\n");
    out.extend_from_slice(options.as_bytes());
    if name.is_empty() {
        let _ = man.render_subcommands_section(&mut out);
    }
    let mut roff = Roff::default();
    roff.control("SH", ["EXAMPLES"]);
    for (index, (what, line)) in examples(name).iter().enumerate() {
        // A section heading already starts a paragraph.
        if index > 0 {
            roff.control("PP", []);
        }
        roff.text([roman(format!("{}:", capitalize(what)))]);
        roff.control("RS", [])
            .control("nf", [])
            .text([bold(*line)])
            .control("fi", [])
            .control("RE", []);
    }
    if name == "stat" {
        stat_json::section(&mut roff);
    }
    roff.control("SH", ["EXIT STATUS"]);
    let codes = STATUSES
        .iter()
        .find(|(command, _)| *command == name)
        .map(|(_, codes)| *codes);
    for (code, meaning) in exit_code::TABLE {
        if codes.is_none_or(|codes| codes.contains(code)) {
            roff.control("TP", [])
                .text([bold(*code)])
                .text([roman(*meaning)]);
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    let see_also = see_also(name, commands);
    let last = see_also.len() - 1;
    let inlines: Vec<_> = see_also
        .into_iter()
        .enumerate()
        .flat_map(|(i, page)| {
            let (title, section) = page.split_once('(').unwrap_or((&page, ""));
            let mut parts = vec![italic(title.to_owned()), roman(format!("({section}"))];
            if i != last {
                parts.push(roman(", "));
            }
            parts
        })
        .collect();
    roff.text(inlines);
    let _ = roff.to_writer(&mut out);
    out
}

/// The same SEE ALSO on every page: `fifo(1)`, every other `fifo-CMD(1)`
/// (so `fifo-serve(1)` names `fifo-call(1)`, `fifo-send(1)` names
/// `fifo-cat(1)`, and each the other way), then the peers the commands are
/// measured against and the kernel's pages; the page never names itself.
fn see_also(name: &str, commands: &[&clap::Command]) -> Vec<String> {
    let this = if name.is_empty() {
        "fifo(1)".to_owned()
    } else {
        format!("fifo-{name}(1)")
    };
    std::iter::once("fifo(1)".to_owned())
        .chain(
            commands
                .iter()
                .map(|sub| format!("fifo-{}(1)", sub.get_name())),
        )
        .chain(PEERS.iter().map(|page| (*page).to_owned()))
        .filter(|page| *page != this)
        .collect()
}

/// The other tools' pages in every SEE ALSO.
const PEERS: &[&str] = &[
    "mkfifo(1)",
    "stat(1)",
    "tee(1)",
    "pv(1)",
    "timeout(1)",
    "fifo(7)",
    "pipe(7)",
];

/// `fifo NAME` with its options (values named: `-t DUR`), a required
/// choice as `{--read|--write}`, then the operands (`PATH...`, `[PATH...]`,
/// `-- CMD [ARG...]`).
fn synopsis(command: &clap::Command, name: &str) -> Vec<Inline> {
    let mut parts = vec![bold(format!("fifo {name}"))];
    let groups: Vec<&clap::ArgGroup> = command
        .get_groups()
        .filter(|group| group.is_required_set())
        .collect();
    let mut shown_groups = Vec::new();
    let options = command.get_arguments().filter(|arg| {
        !arg.is_positional()
            && !arg.is_hide_set()
            && !["help", "version"].contains(&arg.get_id().as_str())
    });
    for arg in options {
        if let Some(group) = groups
            .iter()
            .find(|group| group.get_args().any(|id| id == arg.get_id()))
        {
            if !shown_groups.contains(&group.get_id()) {
                shown_groups.push(group.get_id());
                parts.push(roman(" {"));
                for (index, id) in group.get_args().enumerate() {
                    if index > 0 {
                        parts.push(roman("|"));
                    }
                    parts.push(bold(format!("--{id}")));
                }
                parts.push(roman("}"));
            }
            continue;
        }
        let flag = arg.get_short().map_or_else(
            || format!("--{}", arg.get_long().unwrap_or_default()),
            |short| format!("-{short}"),
        );
        let required = arg.is_required_set();
        parts.push(roman(if required { " " } else { " [" }));
        parts.push(bold(flag));
        let num_args = arg.get_num_args().unwrap_or_default();
        if num_args.takes_values() {
            let value = arg
                .get_value_names()
                .and_then(|names| names.first())
                .map_or_else(|| "VALUE".to_owned(), ToString::to_string);
            if num_args.min_values() == 0 {
                parts.extend([roman("[="), italic(value), roman("]")]);
            } else {
                parts.extend([roman(" "), italic(value)]);
            }
        }
        if !required {
            parts.push(roman("]"));
        }
    }
    for arg in command.get_positionals().filter(|arg| !arg.is_hide_set()) {
        let value = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map_or_else(|| arg.get_id().to_string(), ToString::to_string);
        let many = arg.get_num_args().unwrap_or_default().max_values() > 1;
        if arg.is_last_set() {
            parts.extend([roman(" "), bold("--"), roman(" "), italic(value)]);
            parts.extend([roman(" ["), italic("ARG"), roman("...]")]);
            continue;
        }
        let dots = if many { "..." } else { "" };
        if arg.is_required_set() {
            parts.extend([roman(" "), italic(value), roman(dots)]);
        } else {
            parts.extend([roman(" ["), italic(value), roman(format!("{dots}]"))]);
        }
    }
    parts
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_the_same_see_also() {
        let top = crate::cli::command();
        let subs: Vec<&clap::Command> = crate::docs::commands(&top).collect();
        let all = |name: &str| {
            let mut pages = see_also(name, &subs);
            pages.push(if name.is_empty() {
                "fifo(1)".to_owned()
            } else {
                format!("fifo-{name}(1)")
            });
            pages.sort();
            pages
        };
        let whole = all("");
        for sub in &subs {
            assert_eq!(all(sub.get_name()), whole, "{}", sub.get_name());
        }
        let serve = see_also("serve", &subs);
        assert!(serve.contains(&"fifo-call(1)".to_owned()), "{serve:?}");
        assert!(see_also("call", &subs).contains(&"fifo-serve(1)".to_owned()));
        assert!(see_also("send", &subs).contains(&"fifo-cat(1)".to_owned()));
        assert!(see_also("cat", &subs).contains(&"fifo-send(1)".to_owned()));
        assert!(see_also("stat", &subs).contains(&"stat(1)".to_owned()));
    }

    #[test]
    fn every_command_has_a_description_and_known_statuses() {
        for sub in crate::cli::command().get_subcommands() {
            let name = sub.get_name();
            if name == "help" {
                continue;
            }
            assert!(
                DESCRIPTIONS.iter().any(|(command, _)| *command == name),
                "{name}"
            );
            let (_, codes) = STATUSES
                .iter()
                .find(|(command, _)| *command == name)
                .unwrap_or_else(|| panic!("no exit statuses for {name}"));
            for code in *codes {
                assert!(
                    exit_code::TABLE.iter().any(|(known, _)| known == code),
                    "{name}: {code}"
                );
            }
        }
    }
}
