//! A call's request as it arrives, a few bytes at a time on a connection
//! that never blocks the server: its header checked, its size held to the
//! limit, its body kept in memory and spooled to disk once it outgrows it,
//! and its end told apart from a caller that went away mid-request.

use std::io::{Read, Seek, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Instant;

use fifo_core::serve::{call_header, spool};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::super::job::Body;
use super::{APPLET, Arrived, Calls, Stage};
use crate::report;

/// A call's body is kept in memory up to this size, then spooled to disk.
const IN_MEMORY: usize = 64 * 1024;

impl Calls<'_> {
    /// Reads what call `key` sent; `Request` once all of it is in.
    pub fn arrived(&mut self, key: u64) -> Arrived {
        let Some(call) = self.open.get_mut(&key) else {
            return Arrived::More;
        };
        let header = call_header();
        let mut buf = vec![0u8; IN_MEMORY];
        let failed = match (&call.stream).read(&mut buf) {
            // The end of a request is the caller's `shutdown(SHUT_WR)`; a
            // caller that died or gave up mid-request closed its connection
            // instead, and what came is not its request.
            // One that sent nothing at all made no call: another server
            // looking whether this one is alive, say. Not told.
            Ok(0) if hung_up(&call.stream) => {
                let silent = matches!(
                    &call.stage,
                    Stage::Reading { got, spooled: None, .. } if got.is_empty()
                );
                self.open.remove(&key);
                if !silent {
                    let text = "the caller went away before its request was whole; not run";
                    report::message(APPLET, &format!("a call dropped: {text}"));
                }
                return Arrived::More;
            }
            Ok(0) => None,
            Ok(n) => {
                call.moved = Instant::now();
                match take_in(
                    &mut call.stage,
                    &buf[..n],
                    &header,
                    self.limit,
                    self.spool_dir,
                ) {
                    Ok(()) => return Arrived::More,
                    Err(why) => Some(why),
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => return Arrived::More,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => return Arrived::More,
            Err(err) => Some(err.to_string()),
        };
        if let Some(why) = failed {
            self.refuse(key, &why);
            return Arrived::More;
        }
        // The caller is done sending.
        let stage = std::mem::replace(&mut call.stage, Stage::Waiting);
        let Stage::Reading { got, spooled, .. } = stage else {
            return Arrived::More;
        };
        if got.len() < header.len() && spooled.is_none() {
            self.refuse(key, "not a call: it ended before its header");
            return Arrived::More;
        }
        match spooled {
            Some(mut file) => match file.rewind() {
                Ok(()) => Arrived::Request(Body::File(file)),
                Err(err) => {
                    self.refuse(key, &err.to_string());
                    Arrived::More
                }
            },
            None => Arrived::Request(Body::Bytes(got[header.len()..].to_vec())),
        }
    }
}

/// Whether the peer of `stream` closed it (both ways), as a caller that
/// ended does, rather than only ending its sending.
fn hung_up(stream: &UnixStream) -> bool {
    let mut fds = [PollFd::new(stream.as_fd(), PollFlags::empty())];
    poll(&mut fds, PollTimeout::ZERO).is_ok()
        && fds[0]
            .revents()
            .is_some_and(|events| events.contains(PollFlags::POLLHUP))
}

/// Files bytes of a request as they arrive: the header checked, the body
/// kept (spooled once larger than memory allows); why not, when refused.
fn take_in(
    stage: &mut Stage,
    mut data: &[u8],
    header: &[u8],
    limit: u64,
    dir: &Path,
) -> Result<(), String> {
    let Stage::Reading { got, spooled, size } = stage else {
        return Ok(());
    };
    if got.len() < header.len() && spooled.is_none() {
        let take = (header.len() - got.len()).min(data.len());
        got.extend_from_slice(&data[..take]);
        data = &data[take..];
        if !header.starts_with(got) {
            return Err("not a call of version 2".to_owned());
        }
    }
    *size += data.len() as u64;
    if *size > limit {
        return Err(format!("a request larger than {limit} bytes"));
    }
    match spooled {
        Some(file) => file.write_all(data).map_err(|err| err.to_string()),
        None if got.len() + data.len() <= IN_MEMORY + header.len() => {
            got.extend_from_slice(data);
            Ok(())
        }
        None => {
            let mut file = spool(dir).map_err(|err| err.reason().to_string())?;
            file.write_all(&got[header.len()..])
                .and_then(|()| file.write_all(data))
                .map_err(|err| err.to_string())?;
            *spooled = Some(file);
            Ok(())
        }
    }
}
