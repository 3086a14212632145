//! Benchmark peer for framed messages (`bench/frames.sh`): one end of a FIFO,
//! framed or plain.
//!
//!   frames write-framed FIFO BYTES MESSAGE   BYTES in MESSAGE-byte messages
//!   frames read-framed FIFO                  decodes; prints "MESSAGES BYTES"
//!   frames write-plain FIFO BYTES            4096-byte writes, as `dd bs=4096`
//!   frames read-plain FIFO                   4096-byte reads; prints "0 BYTES"
//!
//! Message n is the byte n mod 256, repeated; the reader checks every
//! message's length sum and its first and last bytes (a full comparison
//! would cost the reader more than the framing does).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;

use fifo_core::Subject;
use fifo_core::transfer::frame::{Decoder, FrameWriter};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok()).unwrap_or(0);
    let result = match args.get(1).map(String::as_str) {
        Some("write-framed") => write_framed(&args[2], number(3), number(4) as usize),
        Some("read-framed") => read_framed(&args[2]),
        Some("write-plain") => write_plain(&args[2], number(3)),
        Some("read-plain") => read_plain(&args[2]),
        _ => Err(
            "usage: frames write-framed|read-framed|write-plain|read-plain FIFO [BYTES [MESSAGE]]"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("frames: {err}");
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

fn write_framed(path: &str, bytes: u64, size: usize) -> Outcome {
    let fifo = OpenOptions::new().write(true).open(path)?;
    let mut writer = FrameWriter::new(fifo.as_fd(), Subject::path(path))?;
    let mut message = vec![0u8; size];
    let mut sent = 0u64;
    let mut n = 0u64;
    while sent < bytes {
        let len = size.min((bytes - sent) as usize);
        message[..len].fill(n as u8);
        writer.send(&message[..len])?;
        sent += len as u64;
        n += 1;
    }
    Ok(())
}

fn read_framed(path: &str) -> Outcome {
    let mut fifo = File::open(path)?;
    let mut decoder = Decoder::new(Subject::path(path));
    let mut buf = vec![0u8; 1 << 16];
    let (mut messages, mut bytes) = (0u64, 0u64);
    loop {
        let n = fifo.read(&mut buf)?;
        if n == 0 {
            break;
        }
        decoder.push(&buf[..n])?;
        while let Some(message) = decoder.pop() {
            let ends = [message.data.first(), message.data.last()];
            if ends.iter().flatten().any(|&&b| b != message.sequence as u8) {
                return Err(format!("message {} is damaged", message.sequence).into());
            }
            messages += 1;
            bytes += message.data.len() as u64;
        }
    }
    let dropped = decoder.finish()?;
    if dropped.messages > 0 {
        return Err(format!("{} messages dropped", dropped.messages).into());
    }
    println!("{messages} {bytes}");
    Ok(())
}

fn write_plain(path: &str, bytes: u64) -> Outcome {
    let mut fifo = OpenOptions::new().write(true).open(path)?;
    let block = [7u8; 4096];
    let mut sent = 0u64;
    while sent < bytes {
        let len = 4096.min((bytes - sent) as usize);
        fifo.write_all(&block[..len])?;
        sent += len as u64;
    }
    Ok(())
}

fn read_plain(path: &str) -> Outcome {
    let mut fifo = File::open(path)?;
    let mut buf = [0u8; 4096];
    let mut bytes = 0u64;
    loop {
        let n = fifo.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
    }
    println!("0 {bytes}");
    Ok(())
}
