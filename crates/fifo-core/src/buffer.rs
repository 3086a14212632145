//! A deep buffer between input and output (what mbuffer does): one thread
//! reads as fast as the input comes while the caller's thread writes as fast
//! as the output takes, with up to a given number of bytes between them, so
//! a bursty producer and a slow consumer each run at their own pace.
//!
//! Memory stays within the buffer's size plus two chunks (the one being
//! read and the one being written).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::mpsc::sync_channel;

use crate::copy::{CopyError, Side, Stop};
use crate::progress::Progress;
use crate::sys::fd::{Fault, retry_on_eintr, write_all};

/// The most one read takes, and the unit the buffer is counted in.
const CHUNK: usize = 64 * 1024;

/// Copies `src` to `dst` until end of file through a buffer of `size` bytes.
///
/// The reading thread owns a duplicate of `src`; if writing fails it is
/// left behind, blocked in its read until the input has data or ends (it
/// then finds nobody to hand the data to and stops).
pub(crate) fn copy(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    size: usize,
    progress: &mut Option<Progress>,
) -> Result<(u64, Stop), CopyError> {
    let chunk = CHUNK.min(size.max(1));
    let slots = (size / chunk).max(1);
    let fail = |side, fault: Fault, copied| CopyError::new(side, fault, copied);
    let src: OwnedFd =
        nix::unistd::dup(src).map_err(|errno| fail(Side::Source, errno.into(), 0))?;
    let (chunks, arrived) = sync_channel::<Result<Vec<u8>, Fault>>(slots);
    std::thread::spawn(move || {
        loop {
            let mut buf = vec![0; chunk];
            let got = match retry_on_eintr(|| nix::unistd::read(src.as_fd(), &mut buf)) {
                Ok(0) => return,
                Ok(n) => {
                    buf.truncate(n);
                    Ok(buf)
                }
                Err(errno) => Err(errno.into()),
            };
            let failed = got.is_err();
            if chunks.send(got).is_err() || failed {
                return;
            }
        }
    });
    let mut copied = 0u64;
    for got in arrived {
        let buf = got.map_err(|fault| fail(Side::Source, fault, copied))?;
        write_all(dst, &buf)
            .map_err(|(fault, written)| fail(Side::Destination, fault, copied + written))?;
        copied += buf.len() as u64;
        Progress::add(progress, buf.len());
    }
    Ok((copied, Stop::EndOfFile))
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;

    use super::*;

    #[test]
    fn everything_arrives_in_order_through_a_small_buffer() {
        let data: Vec<u8> = (0..=255u8).cycle().take(3_000_000).collect();
        let (src_r, src_w) = nix::unistd::pipe().unwrap();
        let (dst_r, dst_w) = nix::unistd::pipe().unwrap();
        let sent = data.clone();
        let writer = std::thread::spawn(move || write_all(src_w.as_fd(), &sent).unwrap());
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = vec![0u8; 4096];
            while let Ok(n @ 1..) = nix::unistd::read(&dst_r, &mut buf) {
                got.extend_from_slice(&buf[..n]);
            }
            got
        });
        let moved = copy(src_r.as_fd(), dst_w.as_fd(), 100_000, &mut None).unwrap();
        drop(dst_w);
        writer.join().unwrap();
        assert_eq!(moved, (3_000_000, Stop::EndOfFile));
        assert_eq!(reader.join().unwrap(), data);
    }
}
