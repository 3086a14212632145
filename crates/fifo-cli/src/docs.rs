//! What `fifo` says about itself: the command list, shell completions and
//! man pages, all generated from [`crate::cli::command`], plus the examples
//! that `--help` and the man pages share.

use std::io::Write;
use std::path::Path;

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use fifo_core::{Action, Error, Subject};

use crate::exit_code::{self, SUCCESS};
use crate::{cli, report};

/// Examples per command ("" is `fifo` itself): what it does, the command.
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "",
        &[
            (
                "a reader in one terminal",
                "fifo cat --create --rm /tmp/ping",
            ),
            ("a writer in another", "fifo send /tmp/ping hello"),
            (
                "bash's exec 42> with a timeout",
                "fifo redirect --fd 42 --write -t 5s /tmp/fd/42 -- bash -c 'echo hi >&42'",
            ),
        ],
    ),
    (
        "mk",
        &[
            // Keep the permissions each example promises in its text: the
            // mk_help scenario runs every example and checks them.
            (
                "a FIFO its group may read and others may not touch (prw-r-----)",
                "fifo mk -m u=rw,g=r,o= /tmp/jobs",
            ),
            (
                "a private FIFO (prw-------) in a fresh directory, for a script",
                "fifo=$(fifo mk --temp)",
            ),
        ],
    ),
    (
        "cat",
        &[
            (
                "serve a ping client's requests, then clean up",
                "fifo cat --create --rm /tmp/ping",
            ),
            (
                "follow a log FIFO across writers; stop after 30s of quiet",
                "fifo cat -k --idle 30s /tmp/log | grep ERROR",
            ),
            (
                "take one line, leave the rest for the next reader",
                "fifo cat -l 1 /tmp/jobs",
            ),
            (
                "whole JSON documents of any size from many writers, one per NUL",
                "fifo cat --frame -0 /tmp/docs | xargs -0 -n 1 ./handle",
            ),
        ],
    ),
    (
        "send",
        &[
            (
                "one message, failing at once if nobody reads",
                "fifo send --no-wait /tmp/ping hello world",
            ),
            (
                "many writers, no torn lines",
                "tail -f app.log | fifo send -l /tmp/log",
            ),
            (
                "a message of any size, never torn by other writers",
                "jq -c . big.json | fifo send --frame /tmp/docs",
            ),
        ],
    ),
    (
        "tee",
        &[
            (
                "fan out to two consumers",
                "producer | fifo tee /tmp/a /tmp/b > /dev/null",
            ),
            (
                "log to a file, feed a monitor only if it listens",
                "fifo tee -a run.log --no-wait /tmp/monitor < events",
            ),
        ],
    ),
    (
        "redirect",
        &[
            (
                "bash's exec 42> flow, as one command",
                "fifo redirect --fd 42 --write /tmp/fd/42 -- bash -c \"echo 'message from the process A' >&42\"",
            ),
            (
                "a worker reading fd 3 and writing fd 4",
                "fifo redirect --fd 3 --read in -- fifo redirect --fd 4 --write out -- ./worker",
            ),
        ],
    ),
    (
        "stat",
        &[
            (
                "what ls -l shows, and who owns it",
                "fifo stat -c '%A %U %n' /tmp/ping",
            ),
            (
                "machine-readable, one JSON object per path",
                "fifo stat --json /tmp/*.fifo",
            ),
        ],
    ),
    (
        "hold",
        &[
            (
                "keep a queue open for the whole session; writers never block",
                "fifo hold -b --create /tmp/jobs && fifo send --no-wait /tmp/jobs 'job 1'",
            ),
            (
                "hold until nobody else has it open and it is drained, then tidy up",
                "fifo hold --create --rm --idle 30s /tmp/jobs",
            ),
            (
                "release the queue held in the background",
                "fifo hold --stop /tmp/jobs",
            ),
        ],
    ),
    (
        "wait",
        &[
            (
                "start the consumer once the producer's FIFO is there (no sleep loop)",
                "fifo wait --exists -t 30s /run/app/events && consumer < /run/app/events",
            ),
            (
                "send only once somebody reads, without waiting forever",
                "fifo wait --reader -t 10s /tmp/jobs && fifo send /tmp/jobs 'job 1'",
            ),
            (
                "wait until the consumer has drained the queue",
                "fifo wait --empty /tmp/jobs",
            ),
        ],
    ),
    (
        "completions",
        &[
            (
                "bash, for the current user",
                "fifo completions bash > ~/.local/share/bash-completion/completions/fifo",
            ),
            (
                "fish",
                "fifo completions fish > ~/.config/fish/completions/fifo.fish",
            ),
        ],
    ),
    (
        "man",
        &[
            ("read the manual", "fifo man | man -l -"),
            (
                "install every page",
                "fifo man --dir ~/.local/share/man/man1",
            ),
        ],
    ),
];

/// The examples of `name` ("" for `fifo` itself).
pub fn examples(name: &str) -> &'static [(&'static str, &'static str)] {
    EXAMPLES
        .iter()
        .find(|(command, _)| *command == name)
        .map_or(&[], |(_, examples)| examples)
}

/// `fifo --list`: the command names, one per line.
pub fn list() -> u8 {
    let mut names = String::new();
    for sub in commands(&cli::command()) {
        names.push_str(sub.get_name());
        names.push('\n');
    }
    report::write_stdout("", names.as_bytes())
}

/// `fifo completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "fifo", &mut script);
    report::write_stdout("completions", &script)
}

/// `fifo man [--dir DIR]`: `fifo.1` to stdout, or every page into DIR.
pub fn man(dir: Option<&Path>) -> u8 {
    let mut top = cli::command().disable_help_subcommand(true);
    // Building propagates the version to the subcommands' pages.
    top.build();
    let Some(dir) = dir else {
        return report::write_stdout("man", &render(&top, ""));
    };
    let mut pages = vec![("fifo.1".to_owned(), render(&top, ""))];
    for sub in commands(&top) {
        let name = sub.get_name().to_owned();
        pages.push((format!("fifo-{name}.1"), render(sub, &name)));
    }
    for (file, page) in pages {
        let path = dir.join(&file);
        let written = std::fs::File::create(&path)
            .map_err(|err| (Action::Open, err))
            .and_then(|mut out| out.write_all(&page).map_err(|err| (Action::Write, err)));
        if let Err((action, err)) = written {
            let err = Error::sys(Subject::path(path), action, report::errno_of(&err));
            return report::failure("man", &err);
        }
    }
    SUCCESS
}

/// The applets (not `help`).
fn commands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command
        .get_subcommands()
        .filter(|sub| sub.get_name() != "help")
}

/// The roff page of `command` (`name` is "" for `fifo` itself).
fn render(command: &clap::Command, name: &str) -> Vec<u8> {
    let page_name = if name.is_empty() {
        "fifo".to_owned()
    } else {
        format!("fifo-{name}")
    };
    let man = Man::new(command.clone().name(page_name.clone()).after_help(""))
        .title(page_name.to_uppercase());
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
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
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_code::TABLE {
        roff.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut see_also: Vec<String> = if name.is_empty() {
        commands(command)
            .map(|sub| format!("fifo-{}(1)", sub.get_name()))
            .collect()
    } else {
        vec!["fifo(1)".to_owned()]
    };
    see_also.extend(["mkfifo(1)", "tee(1)", "fifo(7)", "pipe(7)"].map(str::to_owned));
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
    if command.get_version().is_some() {
        let _ = man.render_version_section(&mut out);
    }
    out
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
