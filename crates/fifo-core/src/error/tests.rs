//! Unit tests of the error type: how each reads, and its sources.

use super::*;

#[test]
fn sys_message_uses_the_plain_errno_description() {
    let err = Error::sys(Subject::path("x"), Action::Open, Errno::ENOENT);
    assert_eq!(
        err.reason().to_string(),
        "cannot open: No such file or directory"
    );
    assert_eq!(err.raw_os_error(), Some(nix::libc::ENOENT));
}

#[test]
fn display_names_the_subject_and_source_keeps_the_os_error() {
    let err = Error::sys(Subject::path("x\ny"), Action::Read, Errno::EIO);
    assert_eq!(err.to_string(), "'x\\ny': read error");
    assert_eq!(Chain(&err).to_string(), "'x\\ny': read error: I/O error");
    let source = std::error::Error::source(&err).expect("a source");
    let io = source.downcast_ref::<io::Error>().expect("an io::Error");
    assert_eq!(io.raw_os_error(), Some(nix::libc::EIO));
    let err = Error::NotHeld {
        subject: Subject::Process(7),
    };
    assert_eq!(
        err.to_string(),
        "process 7: no holder of this user to release holds it"
    );
}

/// A reporter that walks the sources (as anyhow's `{:#}` does) finds
/// the system's words once: in the source, not also in the message.
#[test]
fn walking_the_chain_gives_the_system_s_words_once() {
    let err = Error::sys(Subject::path("p"), Action::Open, Errno::ENOENT);
    let mut said = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(link) = next {
        said.push(link.to_string());
        next = link.source();
    }
    let said = said.join(": ");
    assert_eq!(
        said.matches("No such file or directory").count(),
        1,
        "{said}"
    );
    assert_eq!(
        said,
        "'p': cannot open: No such file or directory (os error 2)"
    );
    for err in [
        Error::CapacityRefused {
            subject: Subject::path("p"),
            requested: 1 << 30,
            source: Errno::EPERM.into(),
            limit: Some(1 << 20),
        },
        Error::sys(Subject::path("p"), Action::Write, Errno::EPERM),
    ] {
        let whole = Chain(&err).to_string();
        assert_eq!(
            whole.matches("Operation not permitted").count(),
            1,
            "{whole}"
        );
    }
}

#[test]
fn subjects_stay_on_one_readable_line() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    assert_eq!(Subject::path("/tmp/a b").to_string(), "'/tmp/a b'");
    let bytes = OsStr::from_bytes(b"bad\xffname");
    assert_eq!(Subject::path(bytes).to_string(), "'bad\\xffname'");
    assert_eq!(Subject::Stdin.to_string(), "standard input");
}

#[test]
fn as_an_io_error_it_keeps_the_kind_and_the_whole_message() {
    let io: io::Error = Error::sys(Subject::path("p"), Action::Open, Errno::ENOENT).into();
    assert_eq!(io.kind(), io::ErrorKind::NotFound);
    assert_eq!(
        Chain(&io).to_string(),
        "'p': cannot open: No such file or directory"
    );
    let inner = io.into_inner().expect("an inner error");
    assert!(inner.downcast::<Error>().is_ok());
}

#[test]
fn an_io_error_without_errno_reads_as_itself() {
    let err = io::Error::new(io::ErrorKind::UnexpectedEof, "the input shrank");
    assert_eq!(describe(&err), "the input shrank");
}

#[test]
fn no_peer_message_says_nobody_is_reading() {
    let err = Error::NoPeer {
        subject: Subject::path("x"),
        peer: Peer::Reader,
    };
    assert_eq!(
        err.reason().to_string(),
        "no reader (nobody has it open for reading)"
    );
}

#[test]
fn reader_left_counts_what_its_pipe_took_not_what_it_read() {
    let err = Error::ReaderLeft {
        subject: Subject::path("x"),
        delivered: 42,
    };
    assert_eq!(
        err.reason().to_string(),
        "reader went away; 42 bytes were written into its pipe"
    );
}

#[test]
fn timeout_message_says_seconds_with_a_fraction() {
    let err = Error::TimedOut {
        subject: Subject::path("x"),
        peer: Peer::Writer,
        waited: Duration::from_millis(1500),
    };
    assert_eq!(
        err.reason().to_string(),
        "timed out after 1.5s waiting for a writer"
    );
}
