//! Unit tests of `stat_format`.

use super::*;

#[test]
fn unknown_directives_are_refused_by_name() {
    assert_eq!(
        Format::parse("%n %Q").unwrap_err(),
        "unknown directive '%Q'"
    );
    assert_eq!(
        Format::parse("%{reader}").unwrap_err(),
        "unknown directive '%{reader}'"
    );
    assert!(Format::parse("100%").is_err());
    assert!(Format::parse("%A %a %% %r %{readers} %{holders}").is_ok());
}

#[test]
fn printf_decodes_escapes_and_adds_no_newline() {
    let status = fifo_core::inspect::inspect(
        Path::new("/"),
        fifo_core::inspect::Options::default().live(false),
    )
    .unwrap();
    let subject = Subject {
        path: Path::new("/"),
        status: &status,
    };
    let printf = Format::parse_printf(r"%n\t\101\x42\\\n").unwrap();
    assert_eq!(printf.render(&subject), b"/\tAB\\\n");
    let format = Format::parse(r"%n\t").unwrap();
    assert_eq!(format.render(&subject), b"/\\t\n");
    assert_eq!(
        Format::parse_printf(r"\q").unwrap_err(),
        "unknown escape '\\q'"
    );
}

#[test]
fn every_directive_is_in_the_help() {
    let help = help();
    for directive in DIRECTIVES {
        assert!(
            help.contains(&format!("%{}", directive.name)),
            "{}",
            directive.name
        );
    }
}

proptest::proptest! {
    #[test]
    fn no_format_makes_stat_panic(text in "(%?[nNFAaUGugsidhxyzrwbBC%Q{}\\\\ ]|%[-#+ 0]?[0-9]{0,6}(\\.[0-9]{0,6})?[nFaisYX]|\\PC){0,30}") {
        let status = fifo_core::inspect::inspect(Path::new("/"), fifo_core::inspect::Options::default().live(false)).unwrap();
        let subject = Subject { path: Path::new("/"), status: &status };
        for format in [Format::parse(&text), Format::parse_printf(&text)].into_iter().flatten() {
            let _ = format.render(&subject);
        }
    }
}
