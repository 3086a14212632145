//! What `fifo` says about itself: the command list, shell completions
//! (built in `complete.rs`) and man pages (`manpage.rs`), all generated from
//! [`crate::cli::command`] and the applet table.

use std::path::Path;

use fifo_core::create::dir::Directory;

use crate::exit_code::ExitCode;
use crate::{cli, manpage, report};

/// `fifo --list`: the command names, one per line.
pub fn list() -> ExitCode {
    let mut names = String::new();
    for applet in cli::applets::APPLETS {
        names.push_str(applet.name);
        names.push('\n');
    }
    report::write_stdout("", names.as_bytes())
}

/// `fifo completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    report::write_stdout(
        cli::applets::COMPLETIONS.name,
        &crate::complete::script(shell),
    )
}

/// `fifo man [--dir DIR]`: `fifo.1` to stdout, or every page into DIR.
pub fn man(dir: Option<&Path>) -> ExitCode {
    const MAN: &str = cli::applets::MAN.name;
    let mut top = cli::command().disable_help_subcommand(true);
    // Building propagates the version to the subcommands' pages.
    top.build();
    let subs: Vec<&clap::Command> = commands(&top).collect();
    let page = manpage::render(&top, "", &subs);
    let Some(dir) = dir else {
        return report::write_stdout(MAN, &page);
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
        Err(err) => return report::failure(MAN, &err),
    };
    for (file, page) in pages {
        if let Err(err) = dir.write_whole(&file, &page, None) {
            return report::failure(MAN, &err);
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
