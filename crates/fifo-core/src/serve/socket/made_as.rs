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
/// the path to bind it at: [`made_as`], or, when no path to that name fits
/// a socket's address (it is longer than `name`, which may just fit),
/// `.fifo-serve.PID`, which fits wherever `/proc/self/fd` reaches `dir`.
pub(super) fn made_at(dir: BorrowedFd<'_>, dir_path: &Path, name: &OsStr) -> (OsString, PathBuf) {
    let short = OsString::from(format!(".fifo-serve.{}", std::process::id()));
    let by_path = |made_as: &OsStr| {
        if dir_path == Path::new(".") {
            PathBuf::from(made_as)
        } else {
            dir_path.join(made_as)
        }
    };
    let fits = |path: &Path| nix::sys::socket::UnixAddr::new(path).is_ok();
    let mut first = None;
    for made_as in [made_as(name), short] {
        let path = sys::at::socket_path_in(dir, &made_as)
            .filter(|path| fits(path))
            .unwrap_or_else(|| by_path(&made_as));
        if fits(&path) {
            return (made_as, path);
        }
        first.get_or_insert((made_as, path));
    }
    // Neither fits: bind says so, naming the path asked for.
    first.unwrap_or_default()
}
