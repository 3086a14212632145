//! Unit tests of `tee`.

use std::os::fd::{AsFd, OwnedFd};
use std::thread;

use super::*;
use crate::sys;

fn both_paths() -> [FanOut; 2] {
    [FanOut::new(), FanOut::new().without_fast_paths()]
}

/// A pipe fed with `data` by a thread, closed when all is written.
fn source(data: Vec<u8>) -> OwnedFd {
    let (r, w) = nix::unistd::pipe().unwrap();
    thread::spawn(move || {
        let _ = write_all(w.as_fd(), &data);
    });
    r
}

/// A pipe whose read end a thread drains, slowly when `slow`; join the
/// handle for what arrived.
pub(super) fn sink(slow: bool) -> (OwnedFd, thread::JoinHandle<Vec<u8>>) {
    let (r, w) = nix::unistd::pipe().unwrap();
    if slow {
        sys::set_pipe_size(w.as_fd(), 4096).unwrap();
    }
    let reader = thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = vec![0u8; if slow { 1000 } else { 1 << 16 }];
        while let Ok(n @ 1..) = retry_on_eintr(|| nix::unistd::read(&r, &mut buf)) {
            out.extend_from_slice(&buf[..n]);
            if slow {
                thread::yield_now();
            }
        }
        out
    });
    (w, reader)
}

pub(super) fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

#[test]
fn every_output_gets_every_byte_even_a_small_slow_one() {
    let want = data(5_000_000);
    for mut fan in both_paths() {
        let src = source(want.clone());
        let (fast_w, fast) = sink(false);
        let (slow_w, slow) = sink(true);
        let mut outputs = vec![
            Output::new(Subject::path("fast"), fast_w.as_fd()),
            Output::new(Subject::path("slow"), slow_w.as_fd()),
        ];
        let ended = fan
            .run(src.as_fd(), &mut outputs, |_, err| panic!("{err}"))
            .unwrap();
        assert_eq!(ended, Ended::EndOfInput);
        drop(outputs);
        drop((fast_w, slow_w));
        assert!(
            fast.join().unwrap() == want,
            "{fan:?}: the fast output differs"
        );
        assert!(
            slow.join().unwrap() == want,
            "{fan:?}: the slow output differs"
        );
    }
}

#[test]
fn a_departed_reader_is_dropped_and_the_rest_go_on() {
    let want = data(3_000_000);
    for mut fan in both_paths() {
        let src = source(want.clone());
        let (gone_r, gone_w) = nix::unistd::pipe().unwrap();
        drop(gone_r);
        let (kept_w, kept) = sink(false);
        let mut outputs = vec![
            Output::new(Subject::path("gone"), gone_w.as_fd()),
            Output::new(Subject::path("kept"), kept_w.as_fd()),
        ];
        let mut dropped = Vec::new();
        let ended = fan
            .run(src.as_fd(), &mut outputs, |output, err| {
                dropped.push((output.subject().clone(), err.reason().to_string()));
                ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(ended, Ended::EndOfInput);
        assert_eq!(
            dropped,
            vec![(
                Subject::path("gone"),
                "reader went away; 0 bytes were written into its pipe".to_owned()
            )]
        );
        drop(outputs);
        drop(kept_w);
        assert!(
            kept.join().unwrap() == want,
            "{fan:?}: the kept output differs"
        );
    }
}

/// The last output takes each round out of the input (splice on the fast
/// path): when it leaves mid-round, the rest of the round must still leave
/// the input exactly once, so the outputs that stay miss and repeat nothing.
#[test]
fn the_last_output_leaving_mid_stream_costs_the_others_nothing() {
    let want = data(4_000_000);
    for mut fan in both_paths() {
        let src = source(want.clone());
        let (first_w, first) = sink(false);
        let (second_w, second) = sink(true);
        let (leaving_r, leaving_w) = nix::unistd::pipe().unwrap();
        let leaver = thread::spawn(move || {
            let mut buf = vec![0u8; 1000];
            let mut got = 0;
            while got < 300_000 {
                match retry_on_eintr(|| nix::unistd::read(&leaving_r, &mut buf)) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got += n,
                }
            }
        });
        let mut outputs = vec![
            Output::new(Subject::path("first"), first_w.as_fd()),
            Output::new(Subject::path("second"), second_w.as_fd()),
            Output::new(Subject::path("leaving"), leaving_w.as_fd()),
        ];
        let mut dropped = Vec::new();
        let ended = fan
            .run(src.as_fd(), &mut outputs, |output, _| {
                dropped.push(output.subject().clone());
                ControlFlow::Continue(())
            })
            .unwrap();
        leaver.join().unwrap();
        assert_eq!(ended, Ended::EndOfInput);
        assert_eq!(dropped, vec![Subject::path("leaving")], "{fan:?}");
        drop(outputs);
        drop((first_w, second_w, leaving_w));
        assert!(first.join().unwrap() == want, "{fan:?}: first differs");
        assert!(second.join().unwrap() == want, "{fan:?}: second differs");
    }
}

#[test]
fn break_stops_and_no_outputs_stop_reading() {
    for mut fan in both_paths() {
        let src = source(b"x".to_vec());
        let (gone_r, gone_w) = nix::unistd::pipe().unwrap();
        drop(gone_r);
        let mut outputs = vec![Output::new(Subject::path("gone"), gone_w.as_fd())];
        let ended = fan
            .run(src.as_fd(), &mut outputs, |_, _| ControlFlow::Break(()))
            .unwrap();
        assert_eq!(ended, Ended::Stopped);
        let ended = fan
            .run(src.as_fd(), &mut Vec::new(), |_, _| ControlFlow::Break(()))
            .unwrap();
        assert_eq!(ended, Ended::NoOutputsLeft);
    }
}
