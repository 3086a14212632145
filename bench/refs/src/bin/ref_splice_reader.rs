//! Benchmark reference: reads a FIFO (or stdin) to its end with splice(2)
//! into /dev/null through a 1 MiB pipe, and prints the byte count: the
//! fastest a reader can drain a pipe. Usage: `ref_splice_reader [PATH]`.

/// The program itself: it measures Linux system calls.
#[cfg(target_os = "linux")]
mod program {
    use std::fs::{File, OpenOptions};
    use std::os::fd::AsFd;

    use nix::errno::Errno;
    use nix::fcntl::{FcntlArg, SpliceFFlags, fcntl, splice};

    pub fn main() {
        let input = match std::env::args_os().nth(1) {
            Some(path) => File::open(path).expect("cannot open input"),
            None => File::from(
                std::io::stdin()
                    .as_fd()
                    .try_clone_to_owned()
                    .expect("no stdin"),
            ),
        };
        let _ = fcntl(&input, FcntlArg::F_SETPIPE_SZ(1 << 20));
        let sink = OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .expect("no /dev/null");
        let mut total = 0u64;
        loop {
            match splice(
                &input,
                None,
                &sink,
                None,
                1 << 20,
                SpliceFFlags::SPLICE_F_MOVE,
            ) {
                Ok(0) => break,
                Ok(n) => total += n as u64,
                Err(Errno::EINTR) => {}
                Err(errno) => {
                    eprintln!("ref_splice_reader: {}", errno.desc());
                    std::process::exit(1);
                }
            }
        }
        println!("{total}");
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
