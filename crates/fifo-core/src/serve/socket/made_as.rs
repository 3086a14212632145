//! The name a call socket is made under before it is linked to its real
//! one: hidden beside it, this process's own, and short enough to bind.

use std::ffi::{OsStr, OsString};
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};

use crate::sys;

/// The name the socket `name` is made under before it is linked to its
/// real name: beside it, hidden, and this process's own.
pub(super) fn made_as(name: &OsStr) -> OsString {
    let mut made_as = OsString::from(".");
    made_as.push(name);
    made_as.push(format!(".{}", std::process::id()));
    made_as
}

/// The name the socket `name` is made under in `dir` (at `dir_path`), and
/// the path to bind it at: [`made_as`], or, when that path does not fit a
/// socket's address (the name is longer than `name`, which may just fit),
/// `.fifo-serve.PID`, which fits wherever `/proc/self/fd` reaches `dir`.
pub(super) fn made_at(dir: BorrowedFd<'_>, dir_path: &Path, name: &OsStr) -> (OsString, PathBuf) {
    let path_to = |made_as: &OsStr| {
        sys::at::socket_path_in(dir, made_as).unwrap_or_else(|| match dir_path {
            // A bare name: "./" would take two bytes of the address.
            dir if dir == Path::new(".") => PathBuf::from(made_as),
            dir => dir.join(made_as),
        })
    };
    let fits = |path: &Path| nix::sys::socket::UnixAddr::new(path).is_ok();
    let full = made_as(name);
    let full_path = path_to(&full);
    if fits(&full_path) {
        return (full, full_path);
    }
    let short = OsString::from(format!(".fifo-serve.{}", std::process::id()));
    let short_path = path_to(&short);
    if fits(&short_path) {
        (short, short_path)
    } else {
        // Neither fits: bind says so, naming the path asked for.
        (full, full_path)
    }
}
