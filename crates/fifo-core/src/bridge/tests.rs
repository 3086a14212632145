//! Two bridges in one process, with a relay between them that cuts every
//! connection after a few hundred kilobytes: all bytes arrive, once each.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;

/// Forwards each connection to `to`, cutting it once `cut` bytes went
/// towards `to`; returns the port it listens on and the cut count.
fn cutting_relay(to: u16, cut: usize) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let cuts = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&cuts);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let client = client.unwrap();
            let server = TcpStream::connect(("127.0.0.1", to)).unwrap();
            let (mut c_in, mut s_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut s_in, mut c_out) = (server.try_clone().unwrap(), client.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_in, &mut c_out);
            });
            let counted = Arc::clone(&counted);
            std::thread::spawn(move || {
                let mut moved = 0;
                let mut buf = [0u8; 8192];
                while let Ok(n @ 1..) = c_in.read(&mut buf) {
                    if s_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    moved += n;
                    if moved >= cut {
                        counted.fetch_add(1, Ordering::SeqCst);
                        break;
                    }
                }
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
            });
        }
    });
    (port, cuts)
}

fn endpoint(name: &str, transport: Transport) -> Endpoint {
    Endpoint {
        name: name.to_owned(),
        transport,
    }
}

fn options(frame: bool) -> Options {
    Options {
        replay_buffer: 1 << 20,
        retry: Some(Duration::from_secs(30)),
        key: Some(Key::from_bytes(b"a key of sixteen bytes")),
        frame,
        ..Options::default()
    }
}

#[test]
fn a_stream_survives_its_link_being_cut_again_and_again() {
    let data: Vec<u8> = (0..4_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let receiving = Bridge::new(options(false))
        .receiving(endpoint("tcp-listen", Transport::TcpListen(addr)))
        .unwrap();
    let (relay, cuts) = cutting_relay(port, 300_000);
    let (mut out, dst) = std::io::pipe().unwrap();
    let receiver =
        std::thread::spawn(move || receiving.receive(OwnedFd::from(dst), crate::Subject::Stdout));
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        out.read_to_end(&mut got).unwrap();
        got
    });
    let (src, mut feed) = std::io::pipe().unwrap();
    let input = data.clone();
    std::thread::spawn(move || feed.write_all(&input).unwrap());
    let to = endpoint(
        "tcp",
        Transport::Tcp {
            host: "127.0.0.1".to_owned(),
            port: relay,
        },
    );
    let sent = Bridge::new(options(false))
        .send(OwnedFd::from(src), crate::Subject::Stdin, to)
        .unwrap();
    assert_eq!(sent, data.len() as u64);
    assert_eq!(receiver.join().unwrap().unwrap(), data.len() as u64);
    let got = reader.join().unwrap();
    assert!(got == data, "{} bytes came of {}", got.len(), data.len());
    assert!(cuts.load(Ordering::SeqCst) >= 5, "the relay cut too rarely");
}

/// Two senders of different streams whose handshakes with a listening
/// receiver both end before the receiver has taken either link (as when
/// its thread is slow): only one stream is handed on, the other sender is
/// refused, never merged.
#[test]
fn a_listening_receiver_takes_one_stream_when_two_senders_shake_hands_at_once() {
    use handshake::handshake;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let shared = Shared::new(Identity {
        role: Role::Receiver,
        stream: [0; 16],
        resuming: false,
        offset: 0,
    });
    let mut links = Links::new(
        endpoint("unix-listen", Transport::UnixListen(path.clone())),
        None,
        peer::Trust::default(),
        Some(Duration::from_millis(500)),
        None,
        Arc::clone(&shared),
        Arc::new(|_| {}),
    )
    .unwrap();
    let to = endpoint("unix", Transport::Unix(path));
    let mut senders = Vec::new();
    for stream in [[1; 16], [2; 16]] {
        let mut link = link::connect(&to, &peer::Trust::default(), false, None).unwrap();
        let me = Identity {
            role: Role::Sender,
            stream,
            resuming: false,
            offset: 0,
        };
        // The second may see the first's stream in the receiver's hello
        // and give up itself; either way it must not be handed on.
        let _ = handshake(&mut link, &me, None);
        senders.push(link);
    }
    let (_first, hello) = links.next(std::time::Instant::now()).unwrap();
    let second = links.next(std::time::Instant::now());
    assert!(
        matches!(second, Err(Error::RetryExhausted { .. })),
        "a second stream was handed on: {:?}",
        second.map(|(_, hello)| hello.stream)
    );
    assert_eq!(shared.identity().stream, hello.stream);
}

/// A listener given `first_link` gives up its first peer once that much
/// time has passed (as a keeper whose relay died does), where by default
/// it waits for ever.
#[test]
fn a_listener_waits_for_its_first_peer_only_as_long_as_first_link() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = options(false);
    options.first_link = Some(Duration::from_millis(200));
    let receiving = Bridge::new(options)
        .receiving(endpoint(
            "unix-listen",
            Transport::UnixListen(dir.path().join("s")),
        ))
        .unwrap();
    let (_out, dst) = std::io::pipe().unwrap();
    let err = receiving
        .receive(OwnedFd::from(dst), Subject::Stdout)
        .unwrap_err();
    assert!(err.timed_out(), "{err}");
    assert_eq!(
        err.to_string(),
        "unix-listen: no connection for 200ms, giving up"
    );
}
