//! Benchmark reference: copies stdin (a pipe) to stdout and to every PATH (a
//! FIFO each) with tee(2) and splice(2), no bytes through user memory: the
//! physical limit of a fan-out. Each 64 KiB round is tee(2)'d into every
//! output but the last, then spliced into the last, which consumes it.
//! Usage: `ref_tee_fanout PATH...`.

/// The program itself: it measures Linux system calls.
#[cfg(target_os = "linux")]
mod program {
    use std::fs::OpenOptions;
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

    use nix::errno::Errno;
    use nix::fcntl::{FcntlArg, SpliceFFlags, fcntl, splice, tee};

    fn retry(mut call: impl FnMut() -> nix::Result<usize>) -> usize {
        loop {
            match call() {
                Ok(n) => return n,
                Err(Errno::EINTR) => {}
                Err(errno) => {
                    eprintln!("ref_tee_fanout: {}", errno.desc());
                    std::process::exit(1);
                }
            }
        }
    }

    /// Duplicates exactly `n` waiting bytes of `src` into `dst`. tee(2)
    /// cannot resume at an offset, so when `dst` takes fewer (its reader
    /// lags and its pipe is nearly full) the rest is written from a copy
    /// peeked through the private pipe `scratch`: rare, and never in the
    /// steady state the reference measures.
    fn tee_all(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, n: usize, scratch: &(OwnedFd, OwnedFd)) {
        let got = retry(|| tee(src, dst, n, SpliceFFlags::empty()));
        if got == n {
            return;
        }
        let (peek, into) = scratch;
        let copied = retry(|| tee(src, into, n, SpliceFFlags::empty()));
        let mut buf = vec![0u8; copied];
        let mut read = 0;
        while read < copied {
            read += retry(|| nix::unistd::read(peek, &mut buf[read..]));
        }
        if copied != n {
            eprintln!("ref_tee_fanout: short peek");
            std::process::exit(1);
        }
        let mut at = got;
        while at < n {
            at += retry(|| nix::unistd::write(dst, &buf[at..n]));
        }
    }

    /// The most one round moves.
    const ROUND: usize = 64 * 1024;

    pub fn main() {
        let outputs: Vec<_> = std::env::args_os()
            .skip(1)
            .map(|path| {
                OpenOptions::new()
                    .write(true)
                    .open(path)
                    .expect("cannot open output")
            })
            .collect();
        let stdin = std::io::stdin();
        let stdout = std::io::stdout();
        let (src, dst) = (stdin.as_fd(), stdout.as_fd());
        for fd in outputs.iter().map(AsFd::as_fd).chain([src, dst]) {
            let _ = fcntl(fd, FcntlArg::F_SETPIPE_SZ(1 << 20));
        }
        let scratch = nix::unistd::pipe().expect("cannot make a pipe");
        let _ = fcntl(&scratch.1, FcntlArg::F_SETPIPE_SZ(1 << 20));
        let mut all: Vec<BorrowedFd<'_>> = vec![dst];
        all.extend(outputs.iter().map(AsFd::as_fd));
        let (last, teed) = all.split_last().expect("stdout is an output");
        loop {
            // The first output fixes the round; the others get all of it.
            let n = match teed.first() {
                Some(first) => retry(|| tee(src, *first, ROUND, SpliceFFlags::empty())),
                None => {
                    retry(|| splice(src, None, *last, None, ROUND, SpliceFFlags::SPLICE_F_MOVE))
                }
            };
            if n == 0 {
                break;
            }
            if teed.is_empty() {
                continue;
            }
            for out in &teed[1..] {
                tee_all(src, *out, n, &scratch);
            }
            let mut left = n;
            while left > 0 {
                left -= retry(|| splice(src, None, *last, None, left, SpliceFFlags::SPLICE_F_MOVE));
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn main() {
    program::main();
}

/// Elsewhere there is nothing to measure.
#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("this reference program needs Linux");
    std::process::exit(1);
}
