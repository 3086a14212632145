//! The roff man pages: `clap_mangen`'s title, NAME and OPTIONS, and our own
//! SYNOPSIS (with option values, `--` and `PATH...`), DESCRIPTION,
//! EXAMPLES, fifo-stat(1)'s JSON OUTPUT, the command's own EXIT STATUS lines
//! and SEE ALSO.

mod stat_json;

use clap_mangen::Man;
use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

use crate::cli::applets::{self, Applet};
use crate::exit_code;

/// The date in every page's `.TH` line: the date of this release of the
/// pages, never the build time, so that generating them is deterministic.
/// Update it with the version when the pages change for a release.
const DATE: &str = "2026-11-24";

/// The roff page of `command` (`name` is "" for `fifo` itself).
pub fn render(command: &clap::Command, name: &str, commands: &[&clap::Command]) -> Vec<u8> {
    let applet: &Applet = applets::find(name).unwrap_or(&applets::TOOLBOX);
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
    roff.text([roman(applet.description)]);
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
    for (index, (what, line)) in applet.examples.iter().enumerate() {
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
    if applet.name == applets::STAT.name {
        stat_json::section(&mut roff);
    }
    roff.control("SH", ["EXIT STATUS"]);
    // fifo(1) lists them all.
    let codes = (!name.is_empty()).then_some(applet.statuses);
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
        let subs: Vec<&clap::Command> = top.get_subcommands().collect();
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
}
