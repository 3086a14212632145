use std::os::fd::AsFd;

use super::*;
use crate::sys::fd::write_all;

fn input(name: &str, data: &[u8], prefix: bool) -> Input {
    let (r, w) = nix::unistd::pipe().unwrap();
    write_all(w.as_fd(), data).unwrap();
    drop(w);
    let tag = if prefix {
        format!("{name}: ").into_bytes()
    } else {
        Vec::new()
    };
    Input::new(Subject::path(name), r, tag)
}

/// Runs the merge into a pipe drained by a thread, so a long output
/// cannot fill the pipe and stall the test.
fn merged(inputs: &mut [Input], merger: &mut Merger) -> (Stop, Vec<u8>) {
    let (r, w) = nix::unistd::pipe().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 65536];
        while let Ok(n @ 1..) = retry_on_eintr(|| nix::unistd::read(&r, &mut buf)) {
            out.extend_from_slice(&buf[..n]);
        }
        out
    });
    let stop = merger.run(inputs, w.as_fd()).unwrap();
    drop(w);
    (stop, reader.join().unwrap())
}

#[test]
fn lines_are_whole_and_tagged_and_a_last_line_is_terminated() {
    let mut inputs = [input("a", b"a1\na2\n", true), input("b", b"b1\nb2", true)];
    let (stop, out) = merged(&mut inputs, &mut Merger::new(None, None));
    assert_eq!(stop, Stop::EndOfFile);
    let text = String::from_utf8(out).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["a: a1", "a: a2", "b: b1", "b: b2"]);
    assert!(text.ends_with('\n'));
}

#[test]
fn a_line_longer_than_the_buffer_is_passed_on_whole() {
    let mut long = vec![b'x'; LINE_BUFFER + 10];
    long.push(b'\n');
    let (r, w) = nix::unistd::pipe().unwrap();
    let writer = std::thread::spawn(move || {
        write_all(w.as_fd(), &long).unwrap();
        write_all(w.as_fd(), b"short\n").unwrap();
    });
    let mut inputs = [
        Input::new(Subject::path("long"), r, Vec::new()),
        input("b", b"b1\n", false),
    ];
    let (_, out) = merged(&mut inputs, &mut Merger::new(None, None));
    writer.join().unwrap();
    let lines: Vec<&[u8]> = out
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 3);
    let long_line = vec![b'x'; LINE_BUFFER + 10];
    assert!(
        lines.contains(&long_line.as_slice()),
        "the long line arrived whole"
    );
    assert!(lines.contains(&&b"short"[..]) && lines.contains(&&b"b1"[..]));
}

#[test]
fn a_line_budget_leaves_the_rest_in_the_pipe() {
    let (r, w) = nix::unistd::pipe().unwrap();
    write_all(w.as_fd(), b"1\n2\n3\n").unwrap();
    let mut inputs = [Input::new(Subject::path("a"), r, Vec::new())];
    let (stop, out) = merged(&mut inputs, &mut Merger::new(Some(2), None));
    assert_eq!((stop, out), (Stop::LimitReached, b"1\n2\n".to_vec()));
    drop(w);
    let mut rest = [0u8; 8];
    let n = nix::unistd::read(&inputs[0].fd, &mut rest).unwrap();
    assert_eq!(&rest[..n], b"3\n");
}

#[test]
fn a_line_budget_leaves_another_inputs_unfinished_line() {
    let (a_r, a_w) = nix::unistd::pipe().unwrap();
    write_all(a_w.as_fd(), b"abc").unwrap();
    let (b_r, b_w) = nix::unistd::pipe().unwrap();
    write_all(b_w.as_fd(), b"1\n").unwrap();
    let mut inputs = [
        Input::new(Subject::path("a"), a_r, Vec::new()),
        Input::new(Subject::path("b"), b_r, Vec::new()),
    ];
    let (stop, out) = merged(&mut inputs, &mut Merger::new(Some(1), None));
    assert_eq!((stop, out), (Stop::LimitReached, b"1\n".to_vec()));
    drop(a_w);
    let mut rest = [0u8; 8];
    let n = nix::unistd::read(&inputs[0].fd, &mut rest).unwrap();
    assert_eq!(&rest[..n], b"abc");
    drop(b_w);
}

#[test]
fn idle_ends_unfinished_lines_on_both_paths() {
    for merger in [
        Merger::new(None, None),
        Merger::new(Some(5), None).without_fast_paths(),
    ] {
        let mut merger = Merger {
            idle: Some(Duration::from_millis(50)),
            ..merger
        };
        let (r, w) = nix::unistd::pipe().unwrap();
        write_all(w.as_fd(), b"partial").unwrap();
        let mut inputs = [Input::new(Subject::path("a"), r, Vec::new())];
        let (stop, out) = merged(&mut inputs, &mut merger);
        assert_eq!((stop, out), (Stop::Idle, b"partial\n".to_vec()));
        drop(w);
    }
}
