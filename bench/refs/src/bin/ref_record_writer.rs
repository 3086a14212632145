//! Benchmark reference: writes COUNT records of SIZE bytes (newline
//! included) into the FIFO at PATH, one write(2) per record: the classic way
//! to keep records whole. Usage: `ref_record_writer PATH COUNT SIZE`.

use std::fs::OpenOptions;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, count, size] = args.as_slice() else {
        panic!("usage: ref_record_writer PATH COUNT SIZE");
    };
    let count: u64 = count.parse().expect("COUNT");
    let size: usize = size.parse().expect("SIZE");
    let mut record = vec![b'r'; size];
    record[size - 1] = b'\n';
    let mut fifo = OpenOptions::new()
        .write(true)
        .open(path)
        .expect("cannot open FIFO");
    for _ in 0..count {
        // One write per record; a pipe takes a write of <= PIPE_BUF whole.
        let written = fifo.write(&record).expect("write failed");
        assert_eq!(written, size, "short write");
    }
}
