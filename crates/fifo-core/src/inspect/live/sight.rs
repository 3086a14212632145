//! Whether a FIFO may have holders that this user cannot see: what decides
//! between "there is none" and "cannot tell" when /proc shows nobody.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Whether processes out of sight could hold the FIFO at `path`, beyond
/// those a scan saw (`complete`: it inspected every process): some
/// processes could not be inspected, some of those are another user's, and
/// the FIFO is not private to this user. A FIFO only its owner may open,
/// and the owner is this user, cannot be held unseen (root aside, which can
/// do anything); nor can anything when every process was inspected.
pub(crate) fn may_hide_holders(path: &Path, complete: bool) -> bool {
    if complete {
        return false;
    }
    let me = nix::unistd::geteuid().as_raw();
    let private =
        std::fs::metadata(path).is_ok_and(|meta| meta.uid() == me && meta.mode() & 0o066 == 0);
    !private && others_out_of_sight(me)
}

/// Whether some process of a user other than `me` hides its descriptors
/// from this one. (A process of this user's own that cannot be inspected,
/// such as a sandbox's init seen by root, holds nothing this user could
/// not.)
fn others_out_of_sight(me: u32) -> bool {
    // Without Linux's /proc (macOS, FreeBSD) nobody can tell whose the
    // processes not inspected are: they may be another user's.
    if !crate::sys::engine::linux() {
        return true;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true;
    };
    entries.flatten().any(|entry| {
        let is_pid = entry
            .file_name()
            .to_str()
            .is_some_and(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()));
        is_pid
            && entry.metadata().is_ok_and(|meta| meta.uid() != me)
            && std::fs::read_dir(entry.path().join("fd"))
                .is_err_and(|err| err.kind() == std::io::ErrorKind::PermissionDenied)
    })
}
