//! Tests of readers that stop early: the decoder's hand-over of what it
//! has not handed out, counted reads through a real pipe, and the stash's
//! choice of a private directory where another could have been planted.

use std::os::fd::AsFd;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use proptest::prelude::*;

use super::pipe::{content, within};
use crate::sys::fd::write_all;
use crate::transfer::copy::Stop;
use crate::transfer::frame::*;
use crate::{Error, Subject};

fn writer(n: u32) -> WriterId {
    WriterId {
        pid: 2000 + n,
        nonce: 0xfeed_f00d_0000_0000 | u64::from(n),
    }
}

/// Writer 1's three-chunk message A around writer 2's one-chunk message B
/// and writer 3's message C: `a0 b a1 a2 c`.
fn interleaved() -> (Vec<Vec<u8>>, [Vec<u8>; 3]) {
    let a = content(1, 2 * MAX_PAYLOAD + 7);
    let (b, c) = (content(2, 10), content(3, 0));
    let ca = test_chunks(writer(1), &a);
    let (cb, cc) = (test_chunks(writer(2), &b), test_chunks(writer(3), &c));
    assert_eq!((ca.len(), cb.len(), cc.len()), (3, 1, 1));
    let order = [&ca[0], &cb[0], &ca[1], &ca[2], &cc[0]];
    (order.into_iter().cloned().collect(), [a, b, c])
}

fn data(message: Option<Message>) -> Vec<u8> {
    message.expect("a message").data
}

#[test]
fn the_next_reader_finishes_what_the_first_began() {
    let (chunks, [a, b, c]) = interleaved();
    let mut first = Decoder::new(Subject::path("q"));
    first.push(&chunks[..2].concat()).unwrap();
    assert_eq!(data(first.pop()), b);
    let left = first.take_unfinished().unwrap();
    assert_eq!(first.unfinished(), Unfinished::default());

    let mut next = Decoder::new(Subject::path("q"));
    next.resume(&left, Subject::path("stash")).unwrap();
    assert_eq!(next.unfinished().messages, 1);
    next.push(&chunks[2..].concat()).unwrap();
    assert_eq!((data(next.pop()), data(next.pop())), (a, c));
    assert_eq!(next.finish().unwrap(), Unfinished::default());
}

#[test]
fn complete_messages_not_handed_out_are_handed_over_first() {
    let (chunks, [a, b, c]) = interleaved();
    let mut first = Decoder::new(Subject::path("q"));
    first.push(&chunks[..2].concat()).unwrap();
    let left = first.take_unfinished().unwrap();
    let mut next = Decoder::new(Subject::path("q"));
    next.resume(&left, Subject::path("stash")).unwrap();
    next.push(&chunks[2..].concat()).unwrap();
    let got: Vec<_> = std::iter::from_fn(|| next.pop()).map(|m| m.data).collect();
    assert_eq!(got, [b, a, c]);
}

#[test]
fn nothing_is_handed_over_from_inside_a_chunk_and_a_clash_is_refused() {
    let (chunks, _) = interleaved();
    let mut decoder = Decoder::new(Subject::path("q"));
    decoder.push(&chunks[0][..=HEADER_LEN]).unwrap();
    assert_eq!(decoder.needed(), chunks[0].len() - HEADER_LEN - 1);
    assert_eq!(decoder.take_unfinished(), None);
    decoder.push(&chunks[0][HEADER_LEN + 1..]).unwrap();
    assert_eq!(decoder.needed(), HEADER_LEN);
    let left = decoder.take_unfinished().unwrap();

    let mut holder = Decoder::new(Subject::path("q"));
    holder.push(&chunks[0]).unwrap();
    let err = holder.resume(&left, Subject::path("stash")).unwrap_err();
    assert!(matches!(err, Error::NotFramed { offset: 0, .. }), "{err:?}");
    let mut truncated = Decoder::new(Subject::path("q"));
    let err = truncated.resume(&left[..left.len() - 1], Subject::path("stash"));
    assert!(matches!(err, Err(Error::NotFramed { .. })), "{err:?}");
}

proptest! {
    /// Wherever a reader stops (between chunks), the next one finishes
    /// every message, each once, in the order of their last chunks.
    #[test]
    fn a_hand_over_at_any_chunk_loses_and_repeats_nothing(stop in 0usize..=5) {
        let (chunks, [a, b, c]) = interleaved();
        let mut first = Decoder::new(Subject::path("q"));
        first.push(&chunks[..stop].concat()).unwrap();
        let mut got: Vec<_> = std::iter::from_fn(|| first.pop()).map(|m| m.data).collect();
        let left = first.take_unfinished().unwrap();
        let mut next = Decoder::new(Subject::path("q"));
        next.resume(&left, Subject::path("stash")).unwrap();
        next.push(&chunks[stop..].concat()).unwrap();
        got.extend(std::iter::from_fn(|| next.pop()).map(|m| m.data));
        prop_assert_eq!(got, vec![b, a, c]);
    }
}

#[test]
fn counted_readers_of_a_pipe_take_each_message_once_and_leave_the_rest() {
    within(Duration::from_secs(20), || {
        let dir = tempfile::tempdir().unwrap();
        let stash = Stash::in_dir(dir.path().join("stash"));
        let (chunks, [a, b, c]) = interleaved();
        let (src, sink) = nix::unistd::pipe().unwrap();
        write_all(sink.as_fd(), &chunks.concat()).unwrap();
        let read = |count: Option<u64>| {
            let mut got = Vec::new();
            let mut decoder = Decoder::new(Subject::path("q"));
            let ended = FrameReader::new(src.as_fd(), Subject::path("q"))
                .messages(count)
                .stash(&stash)
                .run(&mut decoder, |message| {
                    got.push(message.data);
                    Ok(())
                })
                .unwrap();
            (got, ended)
        };
        let (got, ended) = read(Some(1));
        assert_eq!((got, ended.stop), (vec![b], Stop::LimitReached));
        assert_eq!((ended.kept.messages, ended.dropped.messages), (1, 0));
        assert_eq!(std::fs::read_dir(stash.dir()).unwrap().count(), 1);
        // Only a0 and b were taken: a1 a2 c are still in the pipe.
        let waiting = crate::sys::bytes_waiting(src.as_fd()).unwrap();
        assert_eq!(waiting, chunks[2..].concat().len());

        drop(sink);
        let (got, ended) = read(None);
        assert_eq!((got, ended.stop), (vec![a, c], Stop::EndOfFile));
        assert_eq!(ended.dropped, Unfinished::default());
        assert_eq!(std::fs::read_dir(stash.dir()).unwrap().count(), 0);
    });
}

/// Writes `a0 b` into a new pipe, takes one message with a counted reader
/// keeping into `stash`, then reads the rest to the end with another.
fn one_then_the_rest(stash: &Stash) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let (chunks, _) = interleaved();
    let (src, sink) = nix::unistd::pipe().unwrap();
    write_all(sink.as_fd(), &chunks.concat()).unwrap();
    let read = |count: Option<u64>| {
        let mut got = Vec::new();
        FrameReader::new(src.as_fd(), Subject::path("q"))
            .messages(count)
            .stash(stash)
            .run(&mut Decoder::new(Subject::path("q")), |message| {
                got.push(message.data);
                Ok(())
            })
            .unwrap();
        got
    };
    let first = read(Some(1));
    drop(sink);
    (first, read(None))
}

#[test]
fn a_planted_stash_directory_is_passed_over_for_a_private_one_later_readers_find() {
    within(Duration::from_secs(20), || {
        let dir = tempfile::tempdir().unwrap();
        let (_, [a, b, c]) = interleaved();
        // Under the stash's name: a directory others may write to, then a
        // symlink to a directory, then a file.
        let planted = dir.path().join("stash");
        std::fs::create_dir(&planted).unwrap();
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o777)).unwrap();
        let stash = Stash::in_dir(&planted);
        assert_eq!(
            one_then_the_rest(&stash),
            (vec![b.clone()], vec![a.clone(), c.clone()])
        );
        assert_eq!(std::fs::read_dir(&planted).unwrap().count(), 0);
        let beside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| *path != planted)
            .collect();
        let [made] = beside.as_slice() else {
            panic!("one directory made beside: {beside:?}")
        };
        let name = made.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("stash.") && name.len() == 12, "{name}");
        let bits = std::fs::metadata(made).unwrap().permissions().mode();
        assert_eq!(bits & 0o7777, 0o700);

        // Readers of any other stash of the same name find the one made.
        std::fs::remove_dir(&planted).unwrap();
        std::os::unix::fs::symlink(made, &planted).unwrap();
        assert_eq!(
            one_then_the_rest(&stash),
            (vec![b.clone()], vec![a.clone(), c.clone()])
        );
        std::fs::remove_file(&planted).unwrap();
        std::fs::write(&planted, "").unwrap();
        assert_eq!(one_then_the_rest(&stash), (vec![b], vec![a, c]));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        assert_eq!(std::fs::read_dir(made).unwrap().count(), 0);
    });
}

#[test]
fn a_stash_that_cannot_be_made_refuses_counted_readers_only() {
    within(Duration::from_secs(20), || {
        let dir = tempfile::tempdir().unwrap();
        let stash = Stash::in_dir(dir.path().join("missing").join("stash"));
        let (src, sink) = nix::unistd::pipe().unwrap();
        let (chunks, [_, b, _]) = interleaved();
        write_all(sink.as_fd(), &chunks[..2].concat()).unwrap();
        let reader = || FrameReader::new(src.as_fd(), Subject::path("q")).stash(&stash);
        let mut decoder = Decoder::new(Subject::path("q"));
        // A counted reader will stop early: refused before reading.
        let err = reader()
            .messages(Some(1))
            .run(&mut decoder, |_| panic!("nothing is read"))
            .unwrap_err();
        assert_eq!(err.errno(), Some(nix::errno::Errno::ENOENT), "{err:?}");
        // Another reads on without a stash, and drops (and counts) what it
        // began when it stops early.
        let mut got = Vec::new();
        let ended = reader()
            .idle(Some(Duration::from_millis(100)))
            .run(&mut decoder, |message| {
                got.push(message.data);
                Ok(())
            })
            .unwrap();
        assert_eq!(got, [b]);
        assert_eq!((ended.stop, ended.dropped.messages), (Stop::Idle, 1));
        assert_eq!(ended.kept, Unfinished::default());
    });
}
