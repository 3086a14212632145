//! Tests of framed messages through real pipes: concurrent writers, a
//! reader that left, a writer that stopped mid-message, a short write.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::PIPE_BUF;
use crate::transfer::copy::Stop;
use crate::transfer::frame::*;
use crate::{Error, Subject};

/// Runs `test` on its own thread and fails, instead of hanging, when it
/// takes longer than `limit`.
pub(super) fn within<T: Send + 'static>(
    limit: Duration,
    test: impl FnOnce() -> T + Send + 'static,
) -> T {
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

/// `len` bytes that only the message numbered `number` has.
pub(super) fn content(number: u64, len: usize) -> Vec<u8> {
    let mut state = number.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
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
pub(super) fn decode_all(src: OwnedFd) -> (Vec<Message>, Unfinished) {
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
    let size = |number: u64| {
        1 + (content(number ^ 0xABCD, 4)[..4]
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
                        let number = thread * MESSAGES + n;
                        writer.send(&content(number, size(number))).unwrap();
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

/// Set in the child process of the short-write test.
const TORN_CHILD: &str = "FIFO_FRAME_TORN_CHILD";

#[test]
fn a_short_write_is_an_error_naming_the_torn_chunk() {
    // This test's own name, wherever the module moves.
    let name = format!(
        "{}::a_short_write_is_an_error_naming_the_torn_chunk",
        module_path!().split_once("::").unwrap().1
    );
    if let Some(path) = std::env::var_os(TORN_CHILD) {
        // A file size limit cuts the second chunk short: the one way to get
        // a short write of a chunk, since a pipe never gives one. It is set
        // here, in a child process, because it would hit every test.
        let limit = (crate::PIPE_BUF + 100).try_into().unwrap();
        nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_FSIZE, limit, limit)
            .unwrap();
        let file = File::create(path).unwrap();
        let mut writer = FrameWriter::new(file.as_fd(), Subject::path("f")).unwrap();
        let err = writer.send(&[0; 3 * MAX_PAYLOAD]).unwrap_err();
        assert!(
            matches!(err, Error::ChunkTorn { len, written: 100, .. } if len == crate::PIPE_BUF),
            "{err:?}"
        );
        let said = format!(
            "only 100 bytes of a {}-byte chunk were written; the destination is not a pipe",
            crate::PIPE_BUF
        );
        assert_eq!(err.reason().to_string(), said);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .args(["60".as_ref(), std::env::current_exe().unwrap().as_os_str()])
        .args(["--exact", &name, "--test-threads=1"])
        .env(TORN_CHILD, dir.path().join("f"))
        .output()
        .unwrap();
    succeeded(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
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

#[test]
fn records_streamed_each_a_message_separator_included() {
    within(Duration::from_secs(60), || {
        let (r, w) = nix::unistd::pipe().unwrap();
        let reader = std::thread::spawn(move || decode_all(r));
        // A record longer than a read (64 KiB), an empty one, and a last
        // one without its separator.
        let long: Vec<u8> = content(3, 200_000).iter().map(|b| b | 0x80).collect();
        let mut input = long.clone();
        input.extend_from_slice(b"\n\nshort\nno end");
        let mut writer = FrameWriter::new(w.as_fd(), Subject::path("q")).unwrap();
        let sent = writer
            .send_records_from(&input[..], Subject::Stdin, b'\n')
            .unwrap();
        assert_eq!(sent, 4);
        let ended = writer.send_records_from(&b"x\n"[..], Subject::Stdin, b'\n');
        assert_eq!(
            ended.unwrap(),
            1,
            "a separator at the end adds no empty message"
        );
        drop(writer);
        drop(w);
        let (messages, dropped) = reader.join().unwrap();
        let got: Vec<&[u8]> = messages.iter().map(|m| &m.data[..]).collect();
        let mut first = long.clone();
        first.push(b'\n');
        let want: Vec<&[u8]> = vec![&first, b"\n", b"short\n", b"no end", b"x\n"];
        assert!(got == want, "messages differ");
        assert_eq!(dropped.messages, 0);
    });
}

#[test]
fn a_frame_reader_stops_at_end_of_file_when_idle_and_when_told() {
    within(Duration::from_secs(60), || {
        let (r, w) = nix::unistd::pipe().unwrap();
        let mut writer = FrameWriter::new(w.as_fd(), Subject::path("q")).unwrap();
        writer.send(b"whole").unwrap();
        let big = content(1, MAX_PAYLOAD + 10);
        writer.write(&big).unwrap(); // one chunk out, one held back
        // One decoder throughout: a caller may go on reading after a stop.
        let mut decoder = Decoder::new(Subject::path("q"));
        let mut run = |reader: FrameReader<'_>| {
            let mut got = Vec::new();
            let ended = reader
                .run(&mut decoder, |m| {
                    got.push(m.data);
                    Ok(())
                })
                .unwrap();
            (got, ended.stop, ended.dropped)
        };
        let idle = Some(Duration::from_millis(50));
        let (got, stop, unfinished) =
            run(FrameReader::new(r.as_fd(), Subject::path("q")).idle(idle));
        assert_eq!((got, stop), (vec![b"whole".to_vec()], Stop::Idle));
        assert_eq!(
            (unfinished.messages, unfinished.bytes),
            (1, MAX_PAYLOAD as u64)
        );

        let (told, tell) = nix::unistd::pipe().unwrap();
        nix::unistd::write(&tell, b"x").unwrap();
        let reader = FrameReader::new(r.as_fd(), Subject::path("q")).interrupted_by(told.as_fd());
        assert_eq!(run(reader).1, Stop::Interrupted);

        writer.end().unwrap();
        writer.send(b"last").unwrap();
        drop(writer);
        drop(w);
        let (got, stop, dropped) = run(FrameReader::new(r.as_fd(), Subject::path("q")));
        assert_eq!(stop, Stop::EndOfFile);
        assert!(
            got == vec![big, b"last".to_vec()],
            "the message went on after the stops"
        );
        assert_eq!(dropped.messages, 0);
    });
}

/// Checks that a peer succeeded, showing what it said when it did not.
pub(super) fn succeeded(out: &std::process::Output) {
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
}

/// A source that gives its bytes in reads of the sizes in `reads`, over
/// and over, as a pipe or terminal may.
struct Trickle<'a> {
    data: &'a [u8],
    reads: &'a [usize],
    turn: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = self.reads[self.turn % self.reads.len()];
        self.turn += 1;
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Records streamed from reads of any sizes (chunks go out from the read
    /// buffer, their headers written in front of the payload): each record
    /// arrives whole, and every chunk but a message's last is full, however
    /// the reads cut the records.
    #[test]
    fn records_streamed_from_reads_of_any_size_give_full_chunks(
        sizes in proptest::collection::vec(0usize..3 * MAX_PAYLOAD + 2, 1..12),
        reads in proptest::collection::vec(1usize..70_000, 1..6),
    ) {
        let records: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, &len)| {
            let mut record: Vec<u8> = content(i as u64, len).iter().map(|b| b | 1).collect();
            record.push(0);
            record
        }).collect();
        let input = records.concat();
        let (r, w) = nix::unistd::pipe().unwrap();
        let raw = std::thread::spawn(move || {
            let mut raw = Vec::new();
            File::from(r).read_to_end(&mut raw).unwrap();
            raw
        });
        let mut writer = FrameWriter::new(w.as_fd(), Subject::path("q")).unwrap();
        let src = Trickle { data: &input, reads: &reads, turn: 0 };
        proptest::prop_assert_eq!(writer.send_records_from(src, Subject::Stdin, 0).unwrap(), records.len() as u64);
        drop(writer);
        drop(w);
        let raw = raw.join().unwrap();
        let mut decoder = Decoder::new(Subject::path("q"));
        let mut at = 0;
        while at < raw.len() {
            let len = chunk_len(&raw[at..]).unwrap().unwrap();
            let last = raw[at + 3] & LAST != 0;
            proptest::prop_assert!(last || len == PIPE_BUF, "a chunk that is not its message's last is full");
            decoder.push(&raw[at..at + len]).unwrap();
            at += len;
        }
        proptest::prop_assert_eq!(decoder.finish().unwrap().messages, 0);
        let got: Vec<Vec<u8>> = std::iter::from_fn(|| decoder.pop()).map(|m| m.data).collect();
        proptest::prop_assert!(got == records, "the records differ");
    }
}
