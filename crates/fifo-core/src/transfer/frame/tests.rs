//! Tests of the frame format in memory: round trips, interleaving, dropped
//! writers, corrupt input, and properties over arbitrary input.

use std::convert::Infallible;

use proptest::prelude::*;

use super::encode::{Chunker, Source};
use super::*;
use crate::{Error, Subject};

// Through real pipes, against the Python peer, and readers that stop early.
mod pipe;
mod python;
mod stash;

fn writer(n: u32) -> WriterId {
    WriterId {
        pid: 1000 + n,
        nonce: 0x0123_4567_89ab_cdef ^ u64::from(n),
    }
}

/// The chunks of `messages` sent in turn by writer `n`.
fn chunks(n: u32, messages: &[Vec<u8>]) -> Vec<Vec<u8>> {
    chunks_of(n, messages, MAX_PAYLOAD)
}

/// As [`chunks`], with full chunks of `payload` bytes.
fn chunks_of(n: u32, messages: &[Vec<u8>], payload: usize) -> Vec<Vec<u8>> {
    let mut chunker = Chunker::new(writer(n), payload);
    let mut out = Vec::new();
    let mut emit = |chunk: &[u8]| -> Result<(), Infallible> {
        out.push(chunk.to_vec());
        Ok(())
    };
    for message in messages {
        // Two writes, to check that a message written in pieces is one.
        let half = message.len() / 2;
        chunker
            .put(Source::Shared(&message[..half]), false, &mut emit)
            .unwrap();
        chunker
            .put(Source::Shared(&message[half..]), false, &mut emit)
            .unwrap();
        chunker.put(Source::Shared(&[]), true, &mut emit).unwrap();
    }
    out
}

fn fresh() -> Decoder {
    Decoder::new(Subject::path("q"))
}

/// Decodes `stream` pushed in pieces of `split` bytes.
fn decode(stream: &[u8], split: usize) -> (Vec<Message>, Unfinished) {
    let mut decoder = fresh();
    for piece in stream.chunks(split.max(1)) {
        decoder.push(piece).unwrap();
    }
    let dropped = decoder.finish().unwrap();
    (std::iter::from_fn(|| decoder.pop()).collect(), dropped)
}

/// The offset and problem of a `NotFramed` error.
fn not_framed(err: &Error) -> (u64, FrameProblem) {
    match err {
        Error::NotFramed {
            offset, problem, ..
        } => (*offset, problem.clone()),
        other => panic!("expected NotFramed, got {other:?}"),
    }
}

#[test]
fn round_trips_of_every_edge_size() {
    for size in [
        0,
        1,
        MAX_PAYLOAD - 1,
        MAX_PAYLOAD,
        MAX_PAYLOAD + 1,
        3 * MAX_PAYLOAD,
        1 << 20,
    ] {
        let message: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
        let stream = chunks(0, std::slice::from_ref(&message)).concat();
        assert_eq!(
            stream.len(),
            size + size.div_ceil(MAX_PAYLOAD).max(1) * HEADER_LEN,
            "size {size}"
        );
        for split in [1, 7, HEADER_LEN, 4096, usize::MAX] {
            let (messages, dropped) = decode(&stream, split);
            assert_eq!(messages.len(), 1, "size {size}");
            assert_eq!(messages[0].data, message, "size {size}");
            assert_eq!(messages[0].writer, writer(0));
            assert_eq!(messages[0].end, stream.len() as u64);
            assert_eq!(dropped, Unfinished::default());
        }
    }
}

#[test]
fn a_pipe_that_keeps_512_bytes_whole_gets_chunks_of_512_that_read_back() {
    // PIPE_BUF on macOS and the BSDs.
    let message: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let stream = chunks_of(0, std::slice::from_ref(&message), 512 - HEADER_LEN);
    assert!(stream.iter().all(|chunk| chunk.len() <= 512));
    assert_eq!(stream[0].len(), 512);
    let (messages, dropped) = decode(&stream.concat(), 4096);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].data, message);
    assert_eq!(dropped, Unfinished::default());
}

#[test]
fn every_chunk_fits_in_pipe_buf_and_starts_with_the_magic() {
    let stream = chunks(0, &[vec![9; 100_000]]);
    assert!(
        stream
            .iter()
            .all(|c| c.len() <= crate::PIPE_BUF && c[..3] == [0xFF, b'F', 1])
    );
    assert_eq!(stream[0].len(), crate::PIPE_BUF);
}

#[test]
fn the_header_is_laid_out_as_documented() {
    let header = Header {
        flags: LAST,
        writer: WriterId {
            pid: 0x0102_0304,
            nonce: 0x1112_1314_1516_1718,
        },
        sequence: 0x2122_2324_2526_2728,
        index: 0x3132_3334_3536_3738,
        len: 0x4142_4344,
    };
    let bytes = header.encode();
    assert_eq!(bytes[..4], [0xFF, 0x46, 0x01, 0x02]);
    assert_eq!(bytes[4..8], [1, 2, 3, 4]);
    assert_eq!(bytes[8], 0x11);
    assert_eq!(bytes[16], 0x21);
    assert_eq!(bytes[24], 0x31);
    assert_eq!(bytes[32..], [0x41, 0x42, 0x43, 0x44]);
}

#[test]
fn chunk_len_measures_the_chunk_at_the_start_once_its_header_is_there() {
    let stream = chunks(0, &[vec![5; MAX_PAYLOAD + 10]]).concat();
    assert_eq!(chunk_len(&stream), Ok(Some(crate::PIPE_BUF)));
    assert_eq!(
        chunk_len(&stream[crate::PIPE_BUF..]),
        Ok(Some(HEADER_LEN + 10))
    );
    assert_eq!(chunk_len(&stream[..HEADER_LEN - 1]), Ok(None));
    assert_eq!(chunk_len(b""), Ok(None));
    assert_eq!(chunk_len(b"line\n"), Err(FrameProblem::BadMagic));
}

#[test]
fn interleaved_writers_reassemble_in_order_of_their_last_chunks() {
    let a = vec![vec![b'a'; 3 * MAX_PAYLOAD], vec![b'A'; 5]];
    let b = vec![vec![b'b'; 2 * MAX_PAYLOAD + 1]];
    let (ca, cb) = (chunks(1, &a), chunks(2, &b));
    // a0 b0 a1 b1 a2(last of a's first) b2(last of b) a3(a's second)
    let order = [&ca[0], &cb[0], &ca[1], &cb[1], &ca[2], &cb[2], &ca[3]];
    let stream: Vec<u8> = order.iter().flat_map(|c| c.iter().copied()).collect();
    let (messages, _) = decode(&stream, 1000);
    let got: Vec<_> = messages
        .iter()
        .map(|m| (m.writer, m.sequence, &m.data))
        .collect();
    assert_eq!(
        got,
        [
            (writer(1), 0, &a[0]),
            (writer(2), 0, &b[0]),
            (writer(1), 1, &a[1])
        ]
    );
}

#[test]
fn a_writer_that_disappears_mid_message_is_dropped_and_counted() {
    let done = chunks(1, &[b"whole".to_vec()]);
    let cut = chunks(2, &[vec![b'x'; 3 * MAX_PAYLOAD]]);
    let stream = [&cut[0][..], &done[0], &cut[1]].concat();
    let mut decoder = fresh();
    decoder.push(&stream).unwrap();
    assert_eq!(decoder.unfinished().messages, 1);
    let dropped = decoder.finish().unwrap();
    assert_eq!(dropped.messages, 1);
    assert_eq!(dropped.bytes, 2 * MAX_PAYLOAD as u64);
    assert_eq!(decoder.pop().unwrap().data, b"whole");
    assert!(decoder.pop().is_none());
}

#[test]
fn plain_text_is_refused_at_its_first_byte_without_waiting_for_a_header() {
    let good = chunks(0, &[b"ok".to_vec()]).concat();
    let mut decoder = fresh();
    decoder.push(&good).unwrap();
    let err = decoder.push(b"hi").unwrap_err();
    assert_eq!(
        not_framed(&err),
        (good.len() as u64, FrameProblem::BadMagic)
    );
    assert_eq!(
        err.reason().to_string(),
        format!(
            "not a framed stream at byte {}: no frame header (it must start with bytes 0xff 0x46)",
            good.len()
        )
    );
    // The stream stays refused; what came before is still there.
    assert!(matches!(decoder.push(&good), Err(Error::NotFramed { .. })));
    assert!(decoder.finish().is_err());
    assert_eq!(decoder.pop().unwrap().data, b"ok");
}

#[test]
fn corrupt_headers_give_the_offset_of_their_chunk() {
    let stream = chunks(0, &[vec![1; 2 * MAX_PAYLOAD]]).concat();
    let second = crate::PIPE_BUF as u64;
    let at = |pos: usize, value: u8| {
        let mut bad = stream.clone();
        bad[pos] = value;
        let mut decoder = fresh();
        not_framed(&decoder.push(&bad).unwrap_err())
    };
    let p = crate::PIPE_BUF;
    assert_eq!(at(p + 1, b'G'), (second, FrameProblem::BadMagic));
    assert_eq!(at(p + 2, 2), (second, FrameProblem::UnknownVersion(2)));
    assert_eq!(at(p + 3, 0x06), (second, FrameProblem::BadFlags(0x06)));
    assert_eq!(at(3, 0x00), (0, FrameProblem::BadFlags(0)));
    let too_long = u32::try_from(MAX_PAYLOAD + 1).unwrap();
    let mut long = stream.clone();
    long[p + 32..p + 36].copy_from_slice(&too_long.to_be_bytes());
    assert_eq!(
        not_framed(&fresh().push(&long).unwrap_err()),
        (
            second,
            FrameProblem::TooLong {
                len: too_long,
                limit: MAX_PAYLOAD
            }
        )
    );
}

#[test]
fn a_message_missing_chunks_is_lost_and_the_stream_reads_on() {
    // Writer 0's message 0 is chunks 0 1 2, its message 1 ("next") chunk 3.
    let c = chunks(0, &[vec![1; 3 * MAX_PAYLOAD], b"next".to_vec()]);
    assert_eq!(c.len(), 4);
    let whole = |n: usize| (n * MAX_PAYLOAD) as u64;
    for (order, lost_bytes, popped) in [
        (vec![0, 2], whole(2), vec![]),           // a gap
        (vec![0, 1, 1], whole(3), vec![]),        // a repeat
        (vec![0, 3], whole(1), vec![b"next"]),    // a restart
        (vec![1, 2, 3], whole(2), vec![b"next"]), // no start
    ] {
        let stream: Vec<u8> = order.iter().flat_map(|&i| c[i].iter().copied()).collect();
        let mut decoder = fresh();
        decoder.push(&stream).unwrap();
        let got: Vec<_> = std::iter::from_fn(|| decoder.pop())
            .map(|m| m.data)
            .collect();
        assert_eq!(got, popped, "order {order:?}");
        let lost = decoder.lost();
        assert_eq!(
            (lost.messages, lost.bytes),
            (1, lost_bytes),
            "order {order:?}"
        );
        assert_eq!(
            decoder.finish().unwrap(),
            Unfinished::default(),
            "order {order:?}"
        );
    }
}

#[test]
fn a_stream_ending_inside_a_chunk_is_truncated() {
    let stream = chunks(0, &[b"hello".to_vec()]).concat();
    for cut in [1, HEADER_LEN - 1, HEADER_LEN, stream.len() - 1] {
        let mut decoder = fresh();
        decoder.push(&stream[..cut]).unwrap();
        let err = decoder.finish().unwrap_err();
        assert_eq!(not_framed(&err), (0, FrameProblem::Truncated), "cut {cut}");
        assert_eq!(
            err.reason().to_string(),
            "not a framed stream at byte 0: the stream ends inside a chunk"
        );
    }
}

#[test]
fn the_pending_cap_refuses_what_would_exceed_it() {
    let stream = chunks(0, &[vec![1; 2 * MAX_PAYLOAD]]).concat();
    let exact = 2 * MAX_PAYLOAD as u64 + ENTRY_COST;
    let mut decoder = fresh().with_max_pending_bytes(exact - 1);
    let err = decoder.push(&stream).unwrap_err();
    assert!(matches!(err, Error::PendingTooLarge { limit, .. } if limit == exact - 1));
    assert_eq!(
        err.reason().to_string(),
        format!(
            "unfinished messages would hold more than {} bytes in memory",
            exact - 1
        )
    );
    // Exactly the message's size and its bookkeeping is enough.
    let mut decoder = Decoder::new(Subject::Stdin).with_max_pending_bytes(exact);
    decoder.push(&stream).unwrap();
    assert_eq!(decoder.pop().unwrap().data.len(), 2 * MAX_PAYLOAD);
}

#[test]
fn the_pending_cap_also_bounds_a_flood_of_empty_first_chunks() {
    // Empty first chunks (no LAST) from 1000 made-up writers.
    let flood = empty_chunks(FIRST, 0);
    let mut decoder = fresh().with_max_pending_bytes(100 * ENTRY_COST);
    let err = decoder.push(&flood).unwrap_err();
    assert!(matches!(err, Error::PendingTooLarge { .. }), "{err:?}");
    assert_eq!(decoder.unfinished().messages, 100);
}

/// Empty chunks with `flags` and `index`, one from each of 1000 made-up
/// writers.
fn empty_chunks(flags: u8, index: u64) -> Vec<u8> {
    (0..1000)
        .flat_map(|n| {
            let header = Header {
                flags,
                writer: writer(n),
                sequence: 0,
                index,
                len: 0,
            };
            header.encode()
        })
        .collect()
}

/// Merges several writers' chunk lists in the order `picks` chooses,
/// keeping each writer's own order.
fn interleave(mut streams: Vec<std::collections::VecDeque<Vec<u8>>>, picks: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut picks = picks.iter().cycle();
    while streams.iter().any(|s| !s.is_empty()) {
        let live: Vec<usize> = (0..streams.len())
            .filter(|&i| !streams[i].is_empty())
            .collect();
        let pick = live[picks.next().copied().unwrap_or(0) % live.len()];
        out.extend(streams[pick].pop_front().unwrap_or_default());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..10_000), split in 1usize..100) {
        let mut decoder = fresh();
        let mut framed = vec![0xFF, b'F', 1];
        framed.extend_from_slice(&data);
        for piece in framed.chunks(split) {
            if decoder.push(piece).is_err() {
                break;
            }
        }
        let _ = decoder.finish();
        let mut other = fresh();
        let _ = other.push(&data);
        let _ = other.finish();
    }

    #[test]
    fn interleaved_writers_decode_to_exactly_their_messages(
        writers in proptest::collection::vec(
            proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3 * MAX_PAYLOAD), 0..4),
            1..5,
        ),
        picks in proptest::collection::vec(any::<usize>(), 1..50),
        split in 1usize..9000,
    ) {
        let streams = writers
            .iter()
            .enumerate()
            .map(|(n, messages)| chunks(n as u32, messages).into())
            .collect();
        let (got, dropped) = decode(&interleave(streams, &picks), split);
        prop_assert_eq!(dropped, Unfinished::default());
        for (n, messages) in writers.iter().enumerate() {
            let mine: Vec<&Vec<u8>> = got.iter().filter(|m| m.writer == writer(n as u32)).map(|m| &m.data).collect();
            prop_assert_eq!(mine, messages.iter().collect::<Vec<_>>());
        }
    }
}

#[test]
fn the_pending_cap_also_bounds_a_flood_of_middle_chunks() {
    // Empty middle chunks (no FIRST, no LAST) from 1000 made-up writers: each
    // is a lost message whose later chunks would be skipped.
    let flood = empty_chunks(0, 1);
    let mut decoder = fresh().with_max_pending_bytes(100 * ENTRY_COST);
    let err = decoder.push(&flood).unwrap_err();
    assert!(matches!(err, Error::PendingTooLarge { .. }), "{err:?}");
    assert_eq!(decoder.lost().messages, 101);
}
