//! Keeps the crate in layers: reads every source file, collects the
//! `crate::X` (and `super::X`) paths each top-level module names, and fails
//! on an import circle between top-level modules, or on an applet naming
//! another applet. Comments are not read: a doc link is no import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each source file's module path (`applet/cat/frame.rs` is
/// `["applet", "cat", "frame"]`; `main.rs` is `[]`) and its text.
fn sources() -> Vec<(Vec<String>, String)> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    // This file's own text shows paths as examples.
    files.retain(|file| !file.ends_with("layers.rs"));
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Vec<String> = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "main")) {
                module.pop();
            }
            (module, std::fs::read_to_string(&file).unwrap())
        })
        .collect()
}

/// The code of `text` without its comments (line comments only: the crate
/// has no block comments).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The absolute paths (first two segments) named in `code` of the module
/// `module`: `crate::a::b`, `crate::{a::b, c}`, `super::b`.
fn named_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (start, base) in [("crate::", Vec::new()), ("super::", parent(module))] {
        for (at, _) in code.match_indices(start) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base = base.clone();
            let mut rest = &code[at + start.len()..];
            // `super::super::x`
            if start == "super::" {
                while let Some(after) = rest.strip_prefix("super::") {
                    base = parent(&base);
                    rest = after;
                }
            }
            for path in expand(rest) {
                let mut whole = base.clone();
                whole.extend(path);
                whole.truncate(2);
                found.push(whole);
            }
        }
    }
    found
}

/// The module `module` is in.
fn parent(module: &[String]) -> Vec<String> {
    module[..module.len().saturating_sub(1)].to_vec()
}

/// The leading segments of the path at the start of `rest`: `a::b` gives
/// `[a, b]`, `{a::b, c}` and `a::{b, c}` give one path per branch.
fn expand(rest: &str) -> Vec<Vec<String>> {
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let after = &rest[ident.len()..];
    if ident.is_empty() {
        let Some(inside) = rest.strip_prefix('{') else {
            return Vec::new();
        };
        return branches(inside).into_iter().flat_map(expand).collect();
    }
    match after.strip_prefix("::") {
        Some(deeper) => {
            let tails = expand(deeper);
            if tails.is_empty() {
                return vec![vec![ident]];
            }
            tails
                .into_iter()
                .map(|tail| std::iter::once(ident.clone()).chain(tail).collect())
                .collect()
        }
        None => vec![vec![ident]],
    }
}

/// The comma-separated branches of a `{...}` group whose text starts after
/// its `{`.
fn branches(inside: &str) -> Vec<&str> {
    let mut depth = 0;
    let mut start = 0;
    let mut found = Vec::new();
    for (at, c) in inside.char_indices() {
        match c {
            '{' => depth += 1,
            ',' if depth == 0 => {
                found.push(inside[start..at].trim_start());
                start = at + 1;
            }
            '}' if depth == 0 => {
                found.push(inside[start..at].trim_start());
                break;
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    found
}

/// Which top-level modules each top-level module names (`main` for the
/// crate root), and each applet's names of other applets.
fn imports(applets: &[&str]) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let sources = sources();
    let top: BTreeSet<String> = sources
        .iter()
        .filter_map(|(module, _)| module.first().cloned())
        .collect();
    let node = |path: &[String]| {
        path.first()
            .filter(|name| top.contains(*name))
            .cloned()
            .unwrap_or_else(|| "main".to_owned())
    };
    let applet_of = |path: &[String]| match path {
        [first, name, ..] if first == "applet" && applets.contains(&name.as_str()) => {
            Some(name.clone())
        }
        _ => None,
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut crossings = Vec::new();
    for (module, text) in &sources {
        let from = node(module);
        // An inline `mod tests` (always last) is one module deeper.
        let code = code(text);
        let (outer, tests) = code.split_once("\nmod tests {").unwrap_or((&code, ""));
        let mut inner = module.clone();
        inner.push("tests".to_owned());
        let named = named_paths(module, outer)
            .into_iter()
            .chain(named_paths(&inner, tests));
        for path in named {
            let to = node(&path);
            if to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
            if let (Some(own), Some(other)) = (applet_of(module), applet_of(&path)) {
                if own != other {
                    crossings.push(format!("{}: {}", module.join("/"), path.join("::")));
                }
            }
        }
    }
    (graph, crossings)
}

/// The modules at the bottom: they import nothing but each other.
const LOW: &[&str] = &["exit_code", "report", "stdio", "text"];

/// The modules that print, which the argument definitions never reach.
const PRINTERS: &[&str] = &["report", "progress", "signals"];

/// Every module `from` imports, directly or not.
fn reach<'a>(
    graph: &'a BTreeMap<String, BTreeSet<String>>,
    from: &str,
) -> impl Iterator<Item = &'a String> {
    let mut seen: BTreeSet<&String> = BTreeSet::new();
    let mut next: Vec<&String> = graph.get(from).into_iter().flatten().collect();
    while let Some(module) = next.pop() {
        if seen.insert(module) {
            next.extend(graph.get(module).into_iter().flatten());
        }
    }
    seen.into_iter()
}

/// A circle in `graph`, as the modules along it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|seen| seen == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn paths_are_read_as_the_compiler_reads_them() {
    let module = ["applet".to_owned(), "cat".to_owned(), "frame".to_owned()];
    let code = "use crate::{cli::{A, B}, report};\nuse super::super::stdin_fd;\n\
                let x = crate::text::base64(b); use super::plan::Plan;";
    let names: Vec<String> = named_paths(&module, code)
        .iter()
        .map(|path| path.join("::"))
        .collect();
    assert_eq!(
        names,
        [
            "cli::A",
            "cli::B",
            "report",
            "text::base64",
            "applet::stdin_fd",
            "applet::cat"
        ]
    );
}

#[test]
fn no_module_imports_in_a_circle_and_no_applet_imports_another() {
    let applets: Vec<&str> = crate::cli::applets::APPLETS
        .iter()
        .map(|applet| applet.name)
        .collect();
    let (graph, crossings) = imports(&applets);
    let circle = circle(&graph);
    assert!(
        circle.is_none(),
        "top-level modules import each other in a circle: {}",
        circle.unwrap_or_default().join(" -> ")
    );
    for low in LOW {
        let above: Vec<&String> = graph
            .get(*low)
            .into_iter()
            .flatten()
            .filter(|module| !LOW.contains(&module.as_str()))
            .collect();
        assert!(above.is_empty(), "the low module {low} imports {above:?}");
    }
    let printers: Vec<&String> = reach(&graph, "cli")
        .filter(|module| PRINTERS.contains(&module.as_str()))
        .collect();
    assert!(
        printers.is_empty(),
        "the argument definitions reach modules that print: {printers:?}"
    );
    assert!(
        crossings.is_empty(),
        "applets import other applets:\n{}",
        crossings.join("\n")
    );
}
