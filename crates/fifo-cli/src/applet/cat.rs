//! `fifo cat`: copy FIFOs, files or stdin to stdout, waiting for writers.

use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use fifo_core::claim::create_and_open;
use fifo_core::copy::{Copier, Limit, Stop};
use fifo_core::merge::{Input, Merger};
use fifo_core::open::{Direction, Opened, Wait, open};
use fifo_core::{Action, Error, FileKind, Subject};

use super::{check_capacity, raise_standard_pipes, size_pipe, stdin_fd, stdout_fd, wait_from};
use crate::cli::CatArgs;
use crate::exit_code::{FAILURE, STDOUT_CLOSED, SUCCESS};
use crate::progress::{Meter, remaining};
use crate::report;
use crate::signals::Cleanup;

const APPLET: &str = "cat";

/// Runs `fifo cat`: each PATH in order; a failing PATH is reported and the
/// rest still copied, as cat(1) does.
pub fn run(args: &CatArgs) -> u8 {
    let cleanup = if args.rm {
        match Cleanup::install() {
            Ok(cleanup) => Some(cleanup),
            Err(errno) => {
                report::message(
                    APPLET,
                    &format!("cannot watch for signals: {}", errno.desc()),
                );
                return FAILURE;
            }
        }
    } else {
        None
    };
    let limit = match (args.bytes, args.lines) {
        (Some(bytes), _) => Limit::Bytes(bytes),
        (None, Some(lines)) => Limit::Lines(lines),
        (None, None) => Limit::Unlimited,
    };
    if let Err(err) = check_capacity(&args.transfer.pipe, args.paths.iter().map(PathBuf::as_path)) {
        return finish(report::failure(APPLET, &err), cleanup);
    }
    if args.merge {
        let status = merge(args, cleanup.as_ref());
        return finish(status, cleanup);
    }
    let mut copier = Copier::new(limit, args.idle);
    if args.transfer.no_splice {
        copier = copier.without_fast_paths();
    }
    let meter = Meter::start(APPLET, args.transfer.progress, known_total(&args.paths));
    if let Some(meter) = &meter {
        copier = copier.with_progress(meter.progress());
    }
    raise_standard_pipes();
    let mut status = SUCCESS;
    for path in &args.paths {
        if copier.exhausted() {
            break;
        }
        match cat_one(args, path, &mut copier, cleanup.as_ref()) {
            Ok(Stop::EndOfFile) => {}
            Ok(Stop::LimitReached | Stop::Idle) => break,
            Err(err) => {
                let code = report::failure(APPLET, &err);
                if status == SUCCESS {
                    status = code;
                }
                if code == STDOUT_CLOSED {
                    break;
                }
            }
        }
    }
    if let Some(meter) = meter {
        meter.finish();
    }
    finish(status, cleanup)
}

/// The bytes to expect when every input is a regular file.
fn known_total(paths: &[std::path::PathBuf]) -> Option<u64> {
    paths
        .iter()
        .map(|path| {
            if path.as_os_str() == "-" {
                remaining(stdin_fd())
            } else {
                std::fs::metadata(path)
                    .ok()
                    .filter(std::fs::Metadata::is_file)
                    .map(|m| m.len())
            }
        })
        .sum()
}

/// Removes what `--create` made (with `--rm`) and settles the status.
fn finish(mut status: u8, cleanup: Option<Cleanup>) -> u8 {
    if let Some(cleanup) = cleanup {
        for err in cleanup.finish() {
            status = status.max(report::failure(APPLET, &err));
        }
    }
    status
}

/// `--merge`: every PATH read at once, whole lines out.
fn merge(args: &CatArgs, cleanup: Option<&Cleanup>) -> u8 {
    let mut inputs = Vec::new();
    // Write ends held for -k; they must live until the merge is over.
    let mut write_ends = Vec::new();
    for path in &args.paths {
        match merge_input(args, path, cleanup) {
            Ok((input, write_end)) => {
                inputs.push(input);
                write_ends.extend(write_end);
            }
            Err(err) => return report::failure(APPLET, &err),
        }
    }
    match Merger::new(args.lines, args.idle).run(&mut inputs, stdout_fd()) {
        Ok(_) => SUCCESS,
        Err(err) => report::failure(APPLET, &err),
    }
}

/// Opens one input of a merge without waiting: this process is its reader
/// from now on, and its data is read as it comes.
fn merge_input(
    args: &CatArgs,
    path: &Path,
    cleanup: Option<&Cleanup>,
) -> Result<(Input, Option<OwnedFd>), Error> {
    let prefix = if args.prefix {
        let mut tag = path.as_os_str().as_bytes().to_vec();
        tag.extend_from_slice(b": ");
        tag
    } else {
        Vec::new()
    };
    if path.as_os_str() == "-" {
        let stdin = stdin_fd()
            .try_clone_to_owned()
            .map_err(|err| Error::sys(Subject::Stdin, Action::Read, errno_of(&err)))?;
        return Ok((Input::new(Subject::Stdin, stdin, prefix), None));
    }
    let opened = open_input(args, path, Wait::No, cleanup)?;
    let mut held = None;
    if opened.kind() == FileKind::Fifo {
        size_pipe(APPLET, opened.fd(), path, &args.transfer.pipe)?;
        if args.keep_open {
            held = Some(opened.hold_write_end(path)?);
        }
    }
    Ok((
        Input::new(Subject::path(path), opened.into_fd(), prefix),
        held,
    ))
}

fn errno_of(err: &std::io::Error) -> nix::errno::Errno {
    nix::errno::Errno::from_raw(err.raw_os_error().unwrap_or(nix::libc::EIO))
}

/// Opens PATH to read; with `--create`, makes it a FIFO if missing
/// (remembered for `--rm`), checked on the descriptor it opens.
fn open_input(
    args: &CatArgs,
    path: &Path,
    wait: Wait,
    cleanup: Option<&Cleanup>,
) -> Result<Opened, Error> {
    if !args.create {
        return open(path, Direction::Read, wait);
    }
    create_and_open(path, Direction::Read, wait, |created| {
        if let Some(cleanup) = cleanup {
            cleanup.add(created);
        }
    })
}

fn cat_one(
    args: &CatArgs,
    path: &Path,
    copier: &mut Copier,
    cleanup: Option<&Cleanup>,
) -> Result<Stop, Error> {
    if path.as_os_str() == "-" {
        return copier
            .copy(stdin_fd(), stdout_fd())
            .map(|(_, stop)| stop)
            .map_err(|err| err.attribute(Subject::Stdin, Subject::Stdout));
    }
    let input = open_input(args, path, wait_from(false, args.timeout), cleanup)?;
    if input.kind() == FileKind::Fifo {
        size_pipe(APPLET, input.fd(), path, &args.transfer.pipe)?;
    }
    // Holding the write end ourselves means the last writer leaving is not
    // end-of-file: later writers are served by the same read end.
    let _held = if args.keep_open && input.kind() == FileKind::Fifo {
        Some(input.hold_write_end(path)?)
    } else {
        None
    };
    copier
        .copy(input.fd(), stdout_fd())
        .map(|(_, stop)| stop)
        .map_err(|err| err.attribute(Subject::path(path), Subject::Stdout))
}
