//! A deep buffer between input and output (what mbuffer does): one thread
//! reads as fast as the input comes while the caller's thread writes as fast
//! as the output takes, with up to a given number of bytes between them, so
//! a bursty producer and a slow consumer each run at their own pace.
//!
//! Memory stays within the buffer's size plus two chunks of 64 KiB (the one
//! being read, the one being written from the file): the pieces in memory,
//! including the one being written, are counted by what they allocate. Beyond its size the buffer spills to a [`SpillFile`], which may
//! grow as far as the file system lets it: when a write to it fails (a full
//! disk, a quota, a file size limit) nothing is lost: the bytes stay in
//! memory, and the input waits until the file has been written out.
//!
//! A buffered copy is an engine of its own, not an option of
//! [`Copier`](crate::transfer::copy::Copier): it always runs to end of file, with no
//! budget, idle timeout or rate limit, since its reading thread takes
//! whatever comes as fast as it comes.
//!
//! ```
//! use std::io::{Seek, Write};
//! use std::os::fd::AsFd;
//!
//! use fifo_core::transfer::buffer::Buffer;
//!
//! let mut src = tempfile::tempfile()?;
//! src.write_all(&[7; 100_000])?;
//! src.rewind()?;
//! let dst = tempfile::tempfile()?;
//! let mut buffer = Buffer::new(16 * 1024).start_at(50);
//! let level = buffer.level();
//! let (copied, _) = buffer
//!     .copy(src.as_fd(), dst.as_fd())
//!     .map_err(|err| err.attribute(fifo_core::Subject::Stdin, fifo_core::Subject::Stdout))?;
//! assert_eq!((copied, level.size(), level.buffered()), (100_000, 16 * 1024, 0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod level;
mod queue;
pub(crate) mod spill;

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

pub use level::FillLevel;
use nix::sys::signal::{SigSet, Signal};
pub use spill::SpillFile;

use self::queue::{Next, Queue};
use crate::sys::fd::{Fault, retry_on_eintr, write_all};
use crate::transfer::outcome::{CopyError, Side, Stop};
use crate::transfer::progress::Progress;

/// The most one read takes, and the size of a piece in memory.
const CHUNK: usize = 64 * 1024;

/// The deep-buffer copy engine: how the buffer is to run, and
/// [`Buffer::copy`], which copies through it.
#[derive(Debug)]
pub struct Buffer {
    size: usize,
    spill: Option<Arc<SpillFile>>,
    start_at: Option<u8>,
    resume_at: Option<u8>,
    level: Arc<FillLevel>,
    progress: Option<Progress>,
}

impl Buffer {
    /// A buffer of up to `size` bytes in memory.
    #[must_use]
    pub fn new(size: usize) -> Self {
        let level = FillLevel::of_size(size);
        Self {
            size,
            spill: None,
            start_at: None,
            resume_at: None,
            level: Arc::new(level),
            progress: None,
        }
    }

    /// Reports every chunk written out to `progress`.
    #[must_use]
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Copies `src` to `dst` until end of file, through the buffer: a
    /// thread of its own reads as fast as the input comes while this one
    /// writes as fast as the output takes. Several copies in a row reuse
    /// the buffer (and its spill file) one after the other.
    ///
    /// The reading thread owns a duplicate of `src`; if writing fails it is
    /// left behind, blocked in its read until the input has data or ends (it
    /// then finds the buffer closed and stops).
    ///
    /// # Errors
    /// A [`CopyError`] naming the side that failed.
    pub fn copy(
        &mut self,
        src: BorrowedFd<'_>,
        dst: BorrowedFd<'_>,
    ) -> Result<(u64, Stop), CopyError> {
        copy(src, dst, self)
    }

    /// Spills what does not fit in memory to `file`.
    #[must_use]
    pub fn spilling_to(mut self, file: SpillFile) -> Self {
        self.spill = Some(Arc::new(file));
        self
    }

    /// Writes nothing until the buffer holds `percent` of its size (or the
    /// input ends, or the buffer is full), again each time it runs empty:
    /// mbuffer's `-P`, for an output that is best written in long runs.
    #[must_use]
    pub fn start_at(mut self, percent: u8) -> Self {
        self.start_at = Some(percent);
        self
    }

    /// Once the buffer was full, reads nothing more until it holds less
    /// than `percent` of its size (0: until it is empty): mbuffer's `-p`,
    /// for an input that is best read in long runs.
    #[must_use]
    pub fn resume_at(mut self, percent: u8) -> Self {
        self.resume_at = Some(percent);
        self
    }

    /// How full the buffer is, updated as it runs, for a meter to show.
    #[must_use]
    pub fn level(&self) -> Arc<FillLevel> {
        Arc::clone(&self.level)
    }
}

/// The state both threads share.
struct Shared {
    queue: Mutex<Queue>,
    /// The writer waits here for data, the reader for room.
    data: Condvar,
    room: Condvar,
    spill: Option<Arc<SpillFile>>,
    level: Arc<FillLevel>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records what the writer wrote, and tells the reader there is room.
    fn wrote(&self, record: impl FnOnce(&mut Queue)) {
        let mut queue = self.lock();
        record(&mut queue);
        self.level.show(&queue);
        self.room.notify_all();
    }
}

/// [`Buffer::copy`].
fn copy(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    buffer: &mut Buffer,
) -> Result<(u64, Stop), CopyError> {
    // A buffer of no bytes could never take any: one is the least.
    let size = buffer.size.max(1);
    let chunk = CHUNK.min(size);
    let src: OwnedFd =
        nix::unistd::dup(src).map_err(|errno| CopyError::new(Side::Source, errno.into(), 0))?;
    let queue = Queue::new(size, chunk, buffer.start_at, buffer.resume_at);
    let shared = Arc::new(Shared {
        queue: Mutex::new(queue),
        data: Condvar::new(),
        room: Condvar::new(),
        spill: buffer.spill.clone(),
        level: Arc::clone(&buffer.level),
    });
    if let Some(file) = &shared.spill {
        file.clear();
    }
    let filling = Arc::clone(&shared);
    crate::process::thread::start(move || fill(&src, &filling, chunk))
        .map_err(|errno| CopyError::new(Side::Thread, errno.into(), 0))?;
    let result = drain(dst, &shared, chunk, &mut buffer.progress);
    if result.is_err() {
        let mut queue = shared.lock();
        queue.closed = true;
        shared.room.notify_all();
        // A later copy may use the file: the reader must be done with it.
        drop(shared.data.wait_while(queue, |queue| queue.spilling));
    }
    result
}

/// The reading thread: reads into the buffer until end of file, a read
/// error, or the writer gives up.
fn fill(src: &OwnedFd, shared: &Shared, chunk: usize) {
    // A write past the file size limit fails with EFBIG, as it should, but
    // also raises SIGXFSZ, which would end the process: kept pending in
    // this thread, it is discarded when the thread ends.
    let _ = SigSet::from(Signal::SIGXFSZ).thread_block();
    let mut scratch = vec![0u8; chunk];
    loop {
        let got = retry_on_eintr(|| nix::unistd::read(src.as_fd(), &mut scratch));
        let Ok(n @ 1..) = got else {
            let mut queue = shared.lock();
            queue.ended = Some(got.map(drop).map_err(Fault::from));
            shared.data.notify_all();
            return;
        };
        if !store(&scratch[..n], shared) {
            return;
        }
    }
}

/// Puts `data` into the buffer: memory first, then the spill file, else
/// waits for room. False when the writer has given up.
fn store(mut data: &[u8], shared: &Shared) -> bool {
    let mut queue = shared.lock();
    loop {
        if queue.closed {
            return false;
        }
        let taken = queue.put_in_memory(data);
        data = &data[taken..];
        shared.level.show(&queue);
        if taken > 0 {
            shared.data.notify_all();
        }
        if data.is_empty() {
            return true;
        }
        let spill = shared.spill.as_ref().filter(|_| queue.may_spill());
        if let Some(file) = spill {
            if queue.rewind_file() {
                file.clear();
            }
            let offset = queue.write_at;
            queue.spilling = true;
            drop(queue);
            let (written, refused) = file.write_at(data, offset);
            queue = shared.lock();
            queue.spilling = false;
            queue.spilled(written);
            data = &data[usize::try_from(written).unwrap_or(data.len())..];
            if let Some(errno) = refused {
                queue.spill_refused = true;
                shared.level.refused(errno);
            }
            shared.level.show(&queue);
            shared.data.notify_all();
            continue;
        }
        queue.reader_waits = true;
        shared.data.notify_all();
        let spill = shared.spill.is_some();
        queue = shared
            .room
            .wait_while(queue, |queue| !queue.reader_may_go_on(spill))
            .unwrap_or_else(PoisonError::into_inner);
        queue.reader_waits = false;
    }
}

/// The writing side, on the caller's thread: writes what the buffer holds,
/// in order, until the input's end has been written.
fn drain(
    dst: BorrowedFd<'_>,
    shared: &Shared,
    chunk: usize,
    progress: &mut Option<Progress>,
) -> Result<(u64, Stop), CopyError> {
    let mut copied = 0u64;
    let mut from_file = Vec::new();
    let fail = |side, fault: Fault, copied| CopyError::new(side, fault, copied);
    loop {
        let next = {
            let mut queue = shared.lock();
            loop {
                if let Some(next) = queue.next() {
                    break next;
                }
                queue = shared
                    .data
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let written = match next {
            Next::End(end) => {
                return end
                    .map(|()| (copied, Stop::EndOfFile))
                    .map_err(|fault| fail(Side::Source, fault, copied));
            }
            Next::Memory(piece) => {
                write_all(dst, &piece)
                    .map_err(|(fault, n)| fail(Side::Destination, fault, copied + n))?;
                Progress::add(progress, &piece);
                let len = piece.len();
                shared.wrote(|queue| queue.wrote_memory(piece));
                len
            }
            Next::File { offset, len } => {
                let Some(file) = &shared.spill else {
                    unreachable!("bytes in a file only with a file")
                };
                let len = usize::try_from(len).unwrap_or(chunk);
                from_file.resize(chunk.max(len), 0);
                file.read_at(&mut from_file[..len], offset)
                    .map_err(|errno| fail(Side::BufferFile, errno.into(), copied))?;
                write_all(dst, &from_file[..len])
                    .map_err(|(fault, n)| fail(Side::Destination, fault, copied + n))?;
                Progress::add(progress, &from_file[..len]);
                // Before the bytes count as written: once the file is empty,
                // the reader may write new data at these offsets.
                file.release(offset, len as u64);
                shared.wrote(|queue| queue.wrote_file(len as u64));
                len
            }
        };
        copied += written as u64;
    }
}

#[cfg(test)]
mod tests;
