//! Benchmark reference: writes BYTES to stdout with vmsplice(2), the fastest a
//! writer can fill a pipe, so that the writer is never what a benchmark
//! measures. Byte `p` of the stream is `(p % 1 MiB) % 251`, whatever the
//! pipe accepts per call, so checksums are repeatable.
//! Usage: `ref_vmsplice_writer BYTES`.

/// The program itself: it measures Linux system calls.
#[cfg(target_os = "linux")]
mod program {
    use std::io::IoSlice;
    use std::os::fd::AsFd;

    use nix::errno::Errno;
    use nix::fcntl::{FcntlArg, SpliceFFlags, fcntl, vmsplice};

    const PERIOD: usize = 1 << 20;

    pub fn main() {
        let bytes: u64 = std::env::args()
            .nth(1)
            .and_then(|arg| arg.parse().ok())
            .expect("usage: ref_vmsplice_writer BYTES");
        // Two periods, so a full period starts at any offset. The buffer never
        // changes, so the pages lent to the kernel stay valid until read.
        let pattern: Vec<u8> = (0..2 * PERIOD).map(|i| (i % PERIOD % 251) as u8).collect();
        let stdout = std::io::stdout();
        let out = stdout.as_fd();
        let _ = fcntl(out, FcntlArg::F_SETPIPE_SZ(1 << 20));
        let mut done = 0u64;
        while done < bytes {
            let start = (done % PERIOD as u64) as usize;
            let want = usize::try_from(bytes - done).map_or(PERIOD, |left| left.min(PERIOD));
            match vmsplice(
                out,
                &[IoSlice::new(&pattern[start..start + want])],
                SpliceFFlags::empty(),
            ) {
                Ok(n) => done += n as u64,
                Err(Errno::EINTR) => {}
                Err(errno) => {
                    eprintln!("ref_vmsplice_writer: {}", errno.desc());
                    std::process::exit(1);
                }
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
