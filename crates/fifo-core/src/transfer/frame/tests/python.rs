//! The Python reference peer of `docs/frames.md` against the Rust encoder
//! and decoder, both directions, through real FIFOs.

use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::pipe::{content, decode_all, succeeded, within};
use crate::Subject;
use crate::transfer::frame::*;

/// The reference peer, taken from the document so that what is tested is
/// what is published. python3 is one of the three things the tests need
/// (with bash and coreutils), so its absence fails these tests, saying so.
fn python_peer(dir: &Path) -> PathBuf {
    let doc = include_str!("../../../../../../docs/frames.md");
    let start = doc
        .find("```python\n")
        .expect("docs/frames.md has a python block")
        + "```python\n".len();
    let end = start + doc[start..].find("```").expect("the python block ends");
    let path = dir.join("frames.py");
    std::fs::write(&path, &doc[start..end]).unwrap();
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "python3, which the tests need, is not installed: it runs the reference peer of docs/frames.md"
    );
    path
}

/// Message files of the sizes at the chunk edges, each with its own bytes.
fn message_files(dir: &Path, tag: u64) -> Vec<(PathBuf, Vec<u8>)> {
    [0, 1, MAX_PAYLOAD, MAX_PAYLOAD + 1, 200_000]
        .into_iter()
        .enumerate()
        .map(|(i, len)| {
            let path = dir.join(format!("m{tag}-{i}"));
            let data = content(tag * 100 + i as u64, len);
            std::fs::write(&path, &data).unwrap();
            (path, data)
        })
        .collect()
}

/// A temporary directory with the peer in it and a FIFO `q`.
fn python_fifo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let peer = python_peer(dir.path());
    let fifo = dir.path().join("q");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    (dir, peer, fifo)
}

/// Checks that `got` holds exactly the `expected` messages, in any order.
fn same_messages(mut got: Vec<Vec<u8>>, mut expected: Vec<Vec<u8>>) {
    got.sort();
    expected.sort();
    let counts = (got.len(), expected.len());
    assert!(
        got == expected,
        "{} messages, {} expected",
        counts.0,
        counts.1
    );
}

/// Runs the peer with `args`, under `timeout` when `bounded`.
fn python(peer: &Path, args: &[&Path], bounded: bool, stdout: Stdio) -> Child {
    let mut command = if bounded {
        let mut c = Command::new("timeout");
        c.args(["60", "python3"]);
        c
    } else {
        Command::new("python3")
    };
    command
        .arg(peer)
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn python_writers_to_a_rust_reader_through_a_fifo() {
    within(Duration::from_secs(120), || {
        let (dir, peer, fifo) = python_fifo();
        // Held open for writing so that the reader sees no end of file
        // between writers; it never writes.
        let hold = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&fifo)
            .unwrap();
        let read_end = OwnedFd::from(File::open(&fifo).unwrap());

        // One writer is killed mid-message: the pipe fills long before its
        // 5 MB message is out, so it is certainly inside it.
        let huge = dir.path().join("huge");
        std::fs::write(&huge, content(99, 5 << 20)).unwrap();
        let mut victim = python(
            &peer,
            &[Path::new("send"), &fifo, &huge],
            false,
            Stdio::null(),
        );
        let mut fds = [nix::poll::PollFd::new(
            read_end.as_fd(),
            nix::poll::PollFlags::POLLIN,
        )];
        assert_eq!(
            nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(30_000u16)).unwrap(),
            1
        );
        victim.kill().unwrap();
        victim.wait().unwrap();

        let mut expected = Vec::new();
        let mut children = Vec::new();
        for tag in 0..3 {
            let files = message_files(dir.path(), tag);
            let mut args: Vec<&Path> = vec![Path::new("send"), &fifo];
            args.extend(files.iter().map(|(path, _)| path.as_path()));
            children.push(python(&peer, &args, true, Stdio::null()));
            expected.extend(files.into_iter().map(|(_, data)| data));
        }
        let reader = std::thread::spawn(move || decode_all(read_end));
        for child in children {
            succeeded(&child.wait_with_output().unwrap());
        }
        drop(hold);
        let (messages, dropped) = reader.join().unwrap();
        assert_eq!(dropped.messages, 1, "the killed writer's message");
        assert!(dropped.bytes > 0);
        same_messages(messages.into_iter().map(|m| m.data).collect(), expected);
    });
}

#[test]
fn rust_writers_to_the_python_reader_through_a_fifo() {
    within(Duration::from_secs(120), || {
        let (dir, peer, fifo) = python_fifo();
        // Its output goes to a file: a pipe that nobody reads until the end
        // would fill and stop the reader.
        let output = dir.path().join("out");
        let child = python(
            &peer,
            &[Path::new("recv"), &fifo],
            true,
            File::create(&output).unwrap().into(),
        );
        let opened = crate::open::open(
            &fifo,
            crate::open::Direction::Write,
            crate::open::Wait::Timeout(Duration::from_secs(30)),
        )
        .unwrap();
        // Non-blocking, so that a full pipe makes the writers wait in poll.
        crate::sys::fd::set_nonblocking(opened.fd(), true).unwrap();
        let mut expected = Vec::new();
        let sent: Vec<crate::Result<()>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..4u64)
                .map(|tag| {
                    let messages: Vec<Vec<u8>> = message_files(dir.path(), tag)
                        .into_iter()
                        .map(|(_, data)| data)
                        .collect();
                    expected.extend(messages.iter().cloned());
                    let fd = opened.fd();
                    scope.spawn(move || {
                        let mut writer = FrameWriter::new(fd, Subject::path("q"))?;
                        for message in messages {
                            writer.write(&message)?;
                            writer.end()?;
                        }
                        Ok(())
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        drop(opened);
        let out = child.wait_with_output().unwrap();
        succeeded(&out);
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(sent.iter().all(Result::is_ok), "{sent:?}");
        let mut got = Vec::new();
        let printed = std::fs::read(&output).unwrap();
        let mut rest = &printed[..];
        while let Some(newline) = rest.iter().position(|&b| b == b'\n') {
            let len: usize = std::str::from_utf8(&rest[..newline])
                .unwrap()
                .parse()
                .unwrap();
            got.push(rest[newline + 1..newline + 1 + len].to_vec());
            rest = &rest[newline + 1 + len..];
        }
        assert!(rest.is_empty());
        same_messages(got, expected);
    });
}

#[test]
fn the_python_reader_refuses_plain_text_at_byte_zero() {
    within(Duration::from_secs(60), || {
        let dir = tempfile::tempdir().unwrap();
        let peer = python_peer(dir.path());
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "hello, this is not a frame but a line of text\n").unwrap();
        let out = python(&peer, &[Path::new("recv"), &plain], true, Stdio::null())
            .wait_with_output()
            .unwrap();
        assert!(!out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "not a framed stream at byte 0\n"
        );
    });
}
