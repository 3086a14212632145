//! `fifo cat --frame`: reassembles framed messages (from `fifo send
//! --frame`, or any writer of the format in docs/frames.md) and writes each
//! one whole. A message whose writer left before its last chunk is dropped
//! with a warning, never printed in part. A reader that stops before end of
//! file (`-l N`, `--idle`, a signal) leaves the messages it began in the
//! stash, `$TMPDIR/fifo-UID`, for the next reader of the same FIFO.

mod output;

use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use fifo_core::open::Opened;
use fifo_core::open::keep::next_writer;
use fifo_core::transfer::copy::Stop;
use fifo_core::transfer::frame::{Decoder, Ended, FrameReader, Stash, Unfinished};
use fifo_core::{Error, FileKind, Subject};

use super::plan::{Framing, Plan};
use super::{APPLET, cannot_watch, failed, finish, open_source};
use crate::applet::{check_capacity, raise_standard_pipes, stdin_fd};
use crate::exit_code::ExitCode;
use crate::report;
use crate::signals::{Cleanup, die_of};
pub(super) use output::Output;

/// Runs `fifo cat --frame`: each PATH in turn, a stream of its own. A
/// signal stops the reading, which then says what it drops, removes what
/// `--create` made (with `--rm`) and dies of the signal.
pub(super) fn run(plan: &Plan, framing: &Framing) -> ExitCode {
    let (cleanup, notice) = match Cleanup::install_with_notice() {
        Ok(watched) => watched,
        Err(errno) => return cannot_watch(errno),
    };
    let paths = plan.paths.iter().map(std::path::PathBuf::as_path);
    if let Err(err) = check_capacity(&plan.transfer.pipe, paths) {
        return finish(report::failure(APPLET, &err), Some(cleanup));
    }
    raise_standard_pipes();
    let reading = Reading {
        framing,
        stash: (!plan.open.remove).then(crate::applet::frame_stash),
        notice: notice.as_fd(),
    };
    let mut left = framing.messages;
    let mut status = ExitCode::Success;
    let mut signalled = false;
    'paths: for path in &plan.paths {
        // With -k: the FIFO read so far, opened again for each later writer.
        let mut kept = None;
        loop {
            if left == Some(0) {
                break 'paths;
            }
            let stop = match cat_one(plan, path, &cleanup, &reading, left, &mut kept) {
                Ok(ended) => {
                    status = status.merge(report_ended(path, &ended));
                    left = left.map(|left| left.saturating_sub(ended.messages));
                    ended.stop
                }
                Err(err) if failed(&err, &mut status) => break 'paths,
                Err(_) => break,
            };
            let stop = match (stop, &kept) {
                (Stop::EndOfFile, Some(input)) => {
                    match next_writer(input, framing.idle, Some(reading.notice)) {
                        Ok(Ok(next)) => {
                            kept = Some(next);
                            continue;
                        }
                        Ok(Err(stop)) => stop,
                        Err(err) if failed(&err, &mut status) => break 'paths,
                        Err(_) => break,
                    }
                }
                (stop, _) => stop,
            };
            signalled = stop == Stop::Interrupted;
            if stop != Stop::EndOfFile {
                break 'paths;
            }
            break;
        }
    }
    let status = finish(status, Some(cleanup));
    if signalled {
        return die_of(&notice);
    }
    status
}

/// Says what one stream (a PATH, or with -k one round of its writers)
/// dropped; the status that makes.
fn report_ended(path: &Path, ended: &Ended) -> ExitCode {
    let why = if ended.stop == Stop::EndOfFile {
        "the writer did not send its last chunk"
    } else {
        "the reading stopped before their last chunks came"
    };
    let lost = "another reader took some of their chunks";
    let mut status = ExitCode::Success;
    for (kind, dropped, why) in [
        ("unfinished", ended.dropped, why),
        ("incomplete", ended.lost, lost),
    ] {
        if dropped.messages > 0 {
            warn_dropped(path, kind, dropped, why);
            status = status.merge(ExitCode::Failure);
        }
    }
    status
}

/// What every PATH is read with.
struct Reading<'a> {
    /// How messages are counted and written.
    framing: &'a Framing,
    /// Where to leave unfinished messages for the next reader; none with --rm.
    stash: Option<Stash>,
    /// Readable once a signal has come.
    notice: BorrowedFd<'a>,
}

/// Opens one PATH (`-`: stdin) and reads it as one framed stream, `count`
/// messages at most; `watcher` watches for signals (and removes what
/// `--create` made, with `--rm`). With -k, a FIFO is left in `kept` to be
/// opened again for its next writers, and read from there when it is set.
fn cat_one(
    plan: &Plan,
    path: &Path,
    watcher: &Cleanup,
    reading: &Reading<'_>,
    count: Option<u64>,
    kept: &mut Option<Opened>,
) -> Result<Ended, Error> {
    if path.as_os_str() == "-" {
        return read(stdin_fd(), Subject::Stdin, reading, count);
    }
    if let Some(input) = kept {
        return read(input.fd(), Subject::path(path), reading, count);
    }
    // A signal while waiting for a writer has nothing to report: it ends
    // the command at once.
    watcher.heeding(false);
    let opened = open_source(plan, path, plan.open.remove.then_some(watcher));
    watcher.heeding(true);
    let input = opened?;
    let input = if plan.open.keep_open && input.kind() == FileKind::Fifo {
        kept.insert(input)
    } else {
        &input
    };
    read(input.fd(), Subject::path(path), reading, count)
}

fn read(
    src: BorrowedFd<'_>,
    subject: Subject,
    reading: &Reading<'_>,
    count: Option<u64>,
) -> Result<Ended, Error> {
    let mut decoder = Decoder::new(subject.clone());
    if let Some(limit) = reading.framing.max_pending {
        decoder = decoder.with_max_pending_bytes(limit as u64);
    }
    let reader = FrameReader::new(src, subject)
        .idle(reading.framing.idle)
        .interrupted_by(reading.notice)
        .messages(count);
    // With --rm the FIFO goes away with this reader: nobody could finish
    // what it leaves, so what it began is dropped (and counted).
    let reader = match &reading.stash {
        Some(stash) => reader.stash(stash),
        None => reader,
    };
    reader.run_batched(&mut decoder, |messages| {
        reading.framing.output.write(messages)
    })
}

/// Says what was dropped from PATH's stream (`kind` of messages), and why.
fn warn_dropped(path: &Path, kind: &str, dropped: Unfinished, why: &str) {
    let name = if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        report::quote(path)
    };
    let (messages, bytes) = (dropped.messages, dropped.bytes);
    let plural = if messages == 1 { "" } else { "s" };
    report::message(
        APPLET,
        &format!(
            "{name}: dropped {messages} {kind} message{plural} ({bytes} bytes received): {why}"
        ),
    );
}
