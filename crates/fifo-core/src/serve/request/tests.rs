//! Tests of splitting one stream into requests: lines, records and framed
//! messages mixed, binary lines, broken writers, safe read lengths.

use super::*;
use crate::transfer::frame::{FrameProblem, WriterId};

/// The chunks of one framed message from writer `n`.
fn framed(n: u32, message: &[u8]) -> Vec<u8> {
    crate::transfer::frame::test_chunks(
        WriterId {
            pid: 7000 + n,
            nonce: u64::from(n),
        },
        message,
    )
    .into_iter()
    .flatten()
    .collect()
}

fn split(stream: &[u8], separator: u8, step: usize) -> Vec<Event> {
    let mut splitter = Splitter::new(separator, 1 << 30);
    for piece in stream.chunks(step) {
        splitter.push(piece);
    }
    std::iter::from_fn(|| splitter.pop()).collect()
}

fn bodies(events: &[Event]) -> Vec<(Vec<u8>, Origin)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Request(r) => Some((r.body.clone(), r.origin.clone())),
            Event::Skipped { .. } => None,
        })
        .collect()
}

#[test]
fn lines_records_and_frames_mix_in_one_stream() {
    let big = vec![b'z'; 10_000];
    let mut stream = b"one\n".to_vec();
    stream.extend(framed(1, &big));
    stream.extend(b"two\n");
    stream.extend(framed(2, b"\0fifo-call 1\0/tmp/d/reply\0hello\n"));
    stream.extend(b"three\n");
    for step in [1, 3, 36, 4096, usize::MAX] {
        let events = split(&stream, b'\n', step.min(stream.len()));
        assert_eq!(
            bodies(&events),
            [
                (b"one\n".to_vec(), Origin::Line),
                (big.clone(), Origin::Message { pid: 7001 }),
                (b"two\n".to_vec(), Origin::Line),
                (b"three\n".to_vec(), Origin::Line),
            ],
            "step {step}"
        );
        // A call naming a reply path (version 1) is refused, not run.
        assert!(
            events.iter().any(|e| matches!(
                e,
                Event::Skipped {
                    why: Skip::FifoCall,
                    ..
                }
            )),
            "step {step}"
        );
    }
}

#[test]
fn past_the_cap_the_oldest_unfinished_message_is_dropped() {
    let first = |n: u32| {
        crate::transfer::frame::test_chunks(WriterId { pid: n, nonce: 1 }, &vec![7; 5000])
            .swap_remove(0)
    };
    // Room for two unfinished messages of one full chunk each.
    let room = 2 * (WRITER_COST + crate::transfer::frame::MAX_PAYLOAD as u64);
    let mut splitter = Splitter::new(b'\n', 1 << 20).with_cap(room);
    for n in 1..=5 {
        splitter.push(&first(n));
    }
    let dropped: Vec<u32> = std::iter::from_fn(|| splitter.pop())
        .map(|event| match event {
            Event::Skipped {
                why: Skip::Crowded { writer, bytes, cap },
                ..
            } => {
                assert_eq!(
                    (bytes, cap),
                    (crate::transfer::frame::MAX_PAYLOAD as u64, room)
                );
                writer.pid
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(dropped, [1, 2, 3]);
    assert_eq!(splitter.pending(), room);
}

#[test]
fn unfinished_messages_are_handed_to_the_next_reader_whole() {
    let chunks = crate::transfer::frame::test_chunks(WriterId { pid: 9, nonce: 9 }, &vec![3; 9000]);
    let mut first = Splitter::new(b'\n', 1 << 20);
    first.push(&chunks[0]);
    first.push(b"line\n");
    assert!(matches!(first.pop(), Some(Event::Request(_))));
    let left = first.take_unfinished().unwrap();
    assert_eq!(first.pending(), 0);
    let mut next = Splitter::new(b'\n', 1 << 20);
    next.resume(&left);
    next.push(&chunks[1..].concat());
    assert_eq!(
        bodies(&[next.pop().unwrap()]),
        [(vec![3; 9000], Origin::Message { pid: 9 })]
    );
    // Half a line read: nothing can be handed over.
    first.push(b"half");
    assert_eq!(first.take_unfinished(), None);
}

#[test]
fn records_lose_their_nul() {
    let got = bodies(&split(b"a b\0c\nd\0", 0, 2));
    assert_eq!(
        got,
        [
            (b"a b".to_vec(), Origin::Line),
            (b"c\nd".to_vec(), Origin::Line)
        ]
    );
}

#[test]
fn a_binary_line_starting_with_0xff_is_skipped_and_the_stream_goes_on() {
    let stream = b"\xffbinary junk\nnext\n";
    for step in [1, 5, 100] {
        let events = split(stream, b'\n', step);
        assert_eq!(
            events,
            [
                Event::Skipped {
                    offset: 0,
                    why: Skip::NotAChunk(FrameProblem::BadMagic)
                },
                Event::Request(Request {
                    body: b"next\n".to_vec(),
                    origin: Origin::Line
                })
            ],
            "step {step}"
        );
    }
}

#[test]
fn an_out_of_order_chunk_drops_only_its_writer() {
    let chunks = crate::transfer::frame::test_chunks(WriterId { pid: 1, nonce: 1 }, &vec![1; 9000]);
    let mut stream = chunks[0].clone();
    stream.extend(&chunks[2]);
    stream.extend(b"ok\n");
    let events = split(&stream, b'\n', 4096);
    assert!(matches!(
        events[0],
        Event::Skipped {
            why: Skip::OutOfOrder(_),
            ..
        }
    ));
    assert_eq!(bodies(&events), [(b"ok\n".to_vec(), Origin::Line)]);
}

#[test]
fn safe_reads_never_cross_a_request() {
    let mut stream = framed(3, b"abc");
    stream.extend(b"x\n");
    let mut splitter = Splitter::new(b'\n', 1 << 20);
    let mut at = 0;
    let mut seen = 0;
    while at < stream.len() {
        let n = splitter.safe_read_len().min(stream.len() - at);
        splitter.push(&stream[at..at + n]);
        at += n;
        if splitter.pop().is_some() {
            seen += 1;
            // The first request ends exactly at the chunk's end.
            if seen == 1 {
                assert_eq!(at, stream.len() - 2);
            }
        }
    }
    assert_eq!(seen, 2);
}

#[test]
fn an_overlong_line_is_skipped() {
    let mut splitter = Splitter::new(b'\n', 4);
    splitter.push(b"123456789\nok\n");
    assert_eq!(
        splitter.pop(),
        Some(Event::Skipped {
            offset: 0,
            why: Skip::TooLarge(4)
        })
    );
    assert!(matches!(splitter.pop(), Some(Event::Request(_))));
}
