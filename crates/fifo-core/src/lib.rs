// The crate documentation is its README, whose example `cargo test` compiles.
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[cfg(feature = "bridge")]
pub mod bridge;
pub mod create;
pub mod error;
pub mod inspect;
pub mod open;
mod opening;
pub mod process;
mod records;
#[cfg(feature = "serve")]
pub mod serve;
mod sys;
pub mod transfer;

pub use create::{IfExists, make_fifo};
pub use error::{Action, Error, Peer, Result, Subject};
pub use inspect::FileKind;
pub use open::{Direction, Opened, Wait, open_fifo};
pub use sys::engine::force_portable;
pub use transfer::copy::{Copier, Limit, Stop};

/// The largest write the kernel promises to deliver to a pipe in one piece.
///
/// Writes of at most this many bytes are never interleaved with other
/// writers' data (POSIX `PIPE_BUF`; 4096 on Linux and at least 512 anywhere).
pub const PIPE_BUF: usize = nix::libc::PIPE_BUF;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::{copy, frame, merge, progress, record, tee};

    /// Compiles only while every engine may move to another thread, as a
    /// caller running transfers on worker threads needs.
    #[test]
    fn the_engines_are_send() {
        fn assert_send<T: Send>() {}
        fn assert_sync<T: Sync>() {}
        assert_send::<copy::Copier>();
        assert_send::<record::RecordWriter<'static>>();
        assert_send::<tee::FanOut>();
        assert_send::<tee::Output<'static>>();
        assert_send::<merge::Merger>();
        assert_send::<merge::Input>();
        assert_send::<frame::FrameWriter<'static>>();
        assert_send::<frame::Decoder>();
        assert_send::<progress::Progress>();
        #[cfg(feature = "bridge")]
        assert_send::<bridge::Bridge>();
        #[cfg(feature = "bridge")]
        assert_send::<bridge::Receiving>();
        assert_send::<Error>();
        // So that `Box<dyn std::error::Error + Send + Sync>` takes it.
        assert_sync::<Error>();
    }

    /// An engine's errors name the ends it was given, not the command
    /// line's standard streams: here a source that cannot be read (a
    /// pipe's write end) and an output that cannot be written (/dev/null
    /// opened for reading).
    #[test]
    fn the_engines_name_the_ends_they_were_given() {
        use std::io::{Seek, Write};
        use std::os::fd::{AsFd, OwnedFd};

        let (read_end, write_end) = nix::unistd::pipe().unwrap();
        let source = || Subject::path("in");
        let mut outputs = vec![tee::Output::new(Subject::path("a"), read_end.as_fd())];
        let err = tee::FanOut::new()
            .reading(source())
            .without_fast_paths()
            .run(write_end.as_fd(), &mut outputs, |_, _| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap_err();
        assert_eq!(err.subject(), &source(), "{err:?}");

        let writer = record::RecordWriter::new(write_end.as_fd(), Subject::path("f"), b'\n');
        let err = record::send_records(write_end.as_fd(), writer.reading(source())).unwrap_err();
        assert_eq!(err.subject(), &source(), "{err:?}");

        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"line\n").unwrap();
        file.rewind().unwrap();
        let mut inputs = vec![merge::Input::new(
            Subject::path("f"),
            OwnedFd::from(file),
            Vec::new(),
        )];
        let unwritable = std::fs::File::open("/dev/null").unwrap();
        let err = merge::Merger::new(None, None)
            .writing_to(Subject::path("out"))
            .run(&mut inputs, unwritable.as_fd())
            .unwrap_err();
        assert_eq!(err.subject(), &Subject::path("out"), "{err:?}");
    }
}
