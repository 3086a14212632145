//! Tests of framed messages through real pipes and FIFOs: concurrent
//! writers, a reader that left, and the Python reference peer of
//! `docs/frames.md` in both directions.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::*;
use crate::{Error, Subject};

/// Runs `test` on its own thread and fails, instead of hanging, when it
/// takes longer than `limit`.
fn within<T: Send + 'static>(limit: Duration, test: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let result = test();
        let _ = done.send(());
        result
    });
    if let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(limit) {
        panic!("the test took longer than {limit:?}");
    }
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `len` bytes that only the message numbered `seed` has.
fn content(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Reads `src` to its end through a decoder, passing each message to
/// `each` as soon as it is complete; returns what was dropped.
fn read_messages(src: OwnedFd, mut each: impl FnMut(Message)) -> Unfinished {
    let mut src = File::from(src);
    let mut decoder = Decoder::new(Subject::path("q"));
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = src.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        decoder.push(&buf[..n]).unwrap();
        std::iter::from_fn(|| decoder.pop()).for_each(&mut each);
    }
    decoder.finish().unwrap()
}

/// Reads `src` to its end; returns the messages and what was dropped.
fn decode_all(src: OwnedFd) -> (Vec<Message>, Unfinished) {
    let mut messages = Vec::new();
    let dropped = read_messages(src, |message| messages.push(message));
    (messages, dropped)
}

#[test]
fn the_writer_is_send() {
    fn send<T: Send>() {}
    send::<FrameWriter<'static>>();
    send::<Decoder>();
}

#[test]
fn eight_concurrent_writers_into_one_pipe_each_message_once_and_whole() {
    const WRITERS: u64 = 8;
    const MESSAGES: u64 = 50;
    let size = |seed: u64| {
        1 + (content(seed ^ 0xABCD, 4)[..4]
            .iter()
            .fold(0usize, |a, &b| a << 8 | b as usize)
            % (1 << 20))
    };
    within(Duration::from_secs(300), move || {
        let (r, w) = nix::unistd::pipe().unwrap();
        let (ids, writers) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut seen = HashSet::new();
            let mut thread_of = HashMap::new();
            // Each message is checked as it arrives: keeping 400 of up to
            // 1 MiB each to compare at the end would cost 200 MB.
            let dropped = read_messages(r, |message| {
                if thread_of.is_empty() {
                    thread_of = writers.iter().take(WRITERS as usize).collect();
                }
                let thread: u64 = thread_of[&message.writer];
                let number = thread * MESSAGES + message.sequence;
                assert_eq!(message.data.len(), size(number), "message {number}");
                assert!(
                    message.data == content(number, size(number)),
                    "message {number} differs"
                );
                assert!(seen.insert(number), "message {number} twice");
            });
            (seen.len() as u64, dropped)
        });
        std::thread::scope(|scope| {
            for thread in 0..WRITERS {
                let (w, ids) = (&w, ids.clone());
                scope.spawn(move || {
                    let mut writer = FrameWriter::new(w.as_fd(), Subject::path("q")).unwrap();
                    ids.send((writer.writer(), thread)).unwrap();
                    for n in 0..MESSAGES {
                        let seed = thread * MESSAGES + n;
                        writer.send(&content(seed, size(seed))).unwrap();
                    }
                });
            }
        });
        drop(w);
        let (count, dropped) = reader.join().unwrap();
        assert_eq!(count, WRITERS * MESSAGES);
        assert_eq!(dropped, Unfinished::default());
    });
}

#[test]
fn a_reader_that_left_is_reported_with_the_bytes_delivered() {
    let (r, w) = nix::unistd::pipe().unwrap();
    let mut writer = FrameWriter::new(w.as_fd(), Subject::path("q")).unwrap();
    writer.send(b"first").unwrap();
    drop(r);
    let err = writer.send(b"second").unwrap_err();
    let expected = (HEADER_LEN + 5) as u64;
    assert!(
        matches!(err, Error::ReaderLeft { delivered, .. } if delivered == expected),
        "{err:?}"
    );
}

#[test]
fn a_message_streamed_from_a_reader_and_one_left_unfinished() {
    within(Duration::from_secs(60), || {
        let (r, w) = nix::unistd::pipe().unwrap();
        let reader = std::thread::spawn(move || decode_all(r));
        let big = content(7, 3 * MAX_PAYLOAD + 5);
        let mut writer = FrameWriter::new(w.as_fd(), Subject::path("q")).unwrap();
        assert_eq!(
            writer.send_from(&big[..], Subject::Stdin).unwrap(),
            big.len() as u64
        );
        writer.write(&big).unwrap(); // never ended: the writer "dies" here
        drop(writer);
        drop(w);
        let (messages, dropped) = reader.join().unwrap();
        assert_eq!(messages.len(), 1);
        assert!(messages[0].data == big);
        assert_eq!(dropped.messages, 1);
        assert_eq!(
            dropped.bytes,
            3 * MAX_PAYLOAD as u64,
            "the held-back chunk was never sent"
        );
    });
}

/// The reference peer, taken from the document so that what is tested is
/// what is published.
fn python_peer(dir: &Path) -> Option<PathBuf> {
    let doc = include_str!("../../../../docs/frames.md");
    let start = doc.find("```python\n")? + "```python\n".len();
    let end = start + doc[start..].find("```")?;
    let path = dir.join("frames.py");
    std::fs::write(&path, &doc[start..end]).unwrap();
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skip - python peer: python3 is not installed");
        return None;
    }
    Some(path)
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

/// A temporary directory with the peer in it and a FIFO `q`, or `None`
/// (after saying so) when there is no python3.
fn python_fifo() -> Option<(tempfile::TempDir, PathBuf, PathBuf)> {
    let dir = tempfile::tempdir().unwrap();
    let peer = python_peer(dir.path())?;
    let fifo = dir.path().join("q");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    Some((dir, peer, fifo))
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

/// Checks that a peer succeeded, showing what it said when it did not.
fn succeeded(out: &std::process::Output) {
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
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
        let Some((dir, peer, fifo)) = python_fifo() else {
            return;
        };
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
        let Some((dir, peer, fifo)) = python_fifo() else {
            return;
        };
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
        crate::open::set_nonblocking(opened.fd(), true).unwrap();
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
        let Some(peer) = python_peer(dir.path()) else {
            return;
        };
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
