//! What `fifo` says about itself: the command list, shell completions
//! (built in `complete.rs`) and man pages (`manpage.rs`), all generated from
//! [`crate::cli::command`], plus the examples that `--help` and the man
//! pages share.

use std::path::Path;

use fifo_core::create::dir::Directory;

use crate::exit_code::ExitCode;
use crate::{cli, manpage, report};

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
        "serve",
        &[
            (
                "a work queue: run each job line with up to 4 workers",
                "fifo serve --create -j 4 /tmp/jobs -- sh -c 'read job; ./work \"$job\"'",
            ),
            (
                "upper-case whatever a caller sends; stop after a minute of quiet",
                "fifo serve --create --rm --idle 1m /tmp/upper -- tr a-z A-Z",
            ),
            (
                "as parallel -k --retries 3 --joblog: output in request order, each failed job tried up to 3 times, a line per job in jobs.log",
                "fifo serve -k -j 4 --retries 3 --joblog jobs.log /tmp/urls -- sh -c 'read url; curl -fsS \"$url\"'",
            ),
        ],
    ),
    (
        "call",
        &[
            (
                "ask the server and print its answer (HELLO)",
                "fifo call /tmp/upper hello",
            ),
            (
                "send a file as one request; give up after 10 seconds",
                "fifo call -t 10s /tmp/upper < notes.txt",
            ),
        ],
    ),
    (
        "bridge",
        &[
            (
                "a FIFO here feeds a FIFO on another host, surviving dropped links",
                "fifo bridge /tmp/events ssh:backup@db:/run/events.fifo",
            ),
            (
                "into a container (its image has fifo)",
                "fifo bridge /tmp/jobs exec:'docker exec -i web fifo bridge stdio: /run/jobs'",
            ),
            (
                "over TCP on a private network, with a shared key",
                "fifo bridge --key ~/.bridge.key tcp-listen:0.0.0.0:7000 /tmp/in",
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
                "install every page beside ~/.cargo/bin, where man looks",
                "mkdir -p ~/.cargo/share/man/man1 && fifo man --dir ~/.cargo/share/man/man1",
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
pub fn list() -> ExitCode {
    let mut names = String::new();
    for sub in commands(&cli::command()) {
        names.push_str(sub.get_name());
        names.push('\n');
    }
    report::write_stdout("", names.as_bytes())
}

/// `fifo completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    report::write_stdout("completions", &crate::complete::script(shell))
}

/// `fifo man [--dir DIR]`: `fifo.1` to stdout, or every page into DIR.
pub fn man(dir: Option<&Path>) -> ExitCode {
    let mut top = cli::command().disable_help_subcommand(true);
    // Building propagates the version to the subcommands' pages.
    top.build();
    let subs: Vec<&clap::Command> = commands(&top).collect();
    let page = manpage::render(&top, "", &subs);
    let Some(dir) = dir else {
        return report::write_stdout("man", &page);
    };
    let mut pages = vec![("fifo.1".to_owned(), page)];
    for sub in &subs {
        let name = sub.get_name().to_owned();
        pages.push((format!("fifo-{name}.1"), manpage::render(sub, &name, &subs)));
    }
    // Each page is written aside and renamed into place, in a directory of
    // this user's or root's: a symlink or FIFO planted under a page's name
    // is replaced, never followed or opened.
    let dir = match Directory::open_own(dir) {
        Ok(dir) => dir,
        Err(err) => return report::failure("man", &err),
    };
    for (file, page) in pages {
        if let Err(err) = dir.write_whole(&file, &page, None) {
            return report::failure("man", &err);
        }
    }
    ExitCode::Success
}

/// The applets (not `help`).
pub fn commands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command
        .get_subcommands()
        .filter(|sub| sub.get_name() != "help")
}
