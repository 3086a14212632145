//! Who is at the other end of a connected Unix socket, as the kernel says:
//! the one fact about a caller that the caller cannot make up.
//!
//! Linux gives the user and group the peer had when it connected (or, for
//! a server, when it listened) with `SO_PEERCRED`, and its supplementary
//! groups with `SO_PEERGROUPS` (Linux 4.13); macOS and FreeBSD give all of
//! them with `LOCAL_PEERCRED`. `nix` wraps neither without a feature that
//! would add a dependency, hence the two small calls here.

use std::os::fd::{AsRawFd, BorrowedFd};

use nix::errno::Errno;
use nix::libc;

/// A peer's user, primary group and every group it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PeerCred {
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// Its supplementary groups; only `gid` when the system cannot say.
    pub(crate) groups: Vec<u32>,
}

/// `getsockopt(fd, level, name)` into `buf`; returns the bytes written.
///
/// # Safety
/// `buf` must point to `*len` writable bytes of a type the option fills.
#[allow(clippy::cast_possible_truncation)]
unsafe fn get_option(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    buf: *mut libc::c_void,
    len: usize,
) -> Result<usize, (Errno, usize)> {
    let mut got = len as libc::socklen_t;
    // SAFETY: the caller guarantees `buf` holds `len` writable bytes, and
    // `got` says so to the kernel, which writes at most that many.
    let rc = unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, buf, &raw mut got) };
    if rc == 0 {
        Ok(got as usize)
    } else {
        Err((Errno::last(), got as usize))
    }
}

/// The credentials of the peer of the connected Unix socket `fd`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn peer_cred(fd: BorrowedFd<'_>) -> nix::Result<PeerCred> {
    // Not in every libc: the value of SO_PEERGROUPS in include/uapi/asm-generic/socket.h.
    #[cfg(not(target_arch = "sparc64"))]
    const SO_PEERGROUPS: libc::c_int = 59;
    #[cfg(target_arch = "sparc64")]
    const SO_PEERGROUPS: libc::c_int = 0x003d;

    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let size = size_of::<libc::ucred>();
    // SAFETY: `cred` is a `ucred` of `size` bytes, what SO_PEERCRED fills.
    unsafe {
        get_option(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            size,
        )
    }
    .map_err(|(errno, _)| errno)?;
    let mut groups: Vec<libc::gid_t> = vec![0; 64];
    loop {
        let bytes = groups.len() * size_of::<libc::gid_t>();
        // SAFETY: `groups` holds `bytes` writable bytes of `gid_t`s, what
        // SO_PEERGROUPS fills.
        let got = unsafe {
            get_option(
                fd,
                libc::SOL_SOCKET,
                SO_PEERGROUPS,
                groups.as_mut_ptr().cast(),
                bytes,
            )
        };
        match got {
            Ok(n) => {
                groups.truncate(n / size_of::<libc::gid_t>());
                break;
            }
            // Too small: the kernel said how much it needs.
            Err((Errno::ERANGE, need)) if need > bytes => {
                groups.resize(need.div_ceil(size_of::<libc::gid_t>()), 0);
            }
            // A kernel before 4.13: the primary group only, the narrower
            // answer.
            Err((Errno::ENOPROTOOPT, _)) => {
                groups.clear();
                break;
            }
            Err((errno, _)) => return Err(errno),
        }
    }
    Ok(PeerCred {
        uid: cred.uid,
        gid: cred.gid,
        groups,
    })
}

/// The credentials of the peer of the connected Unix socket `fd`.
#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
pub(crate) fn peer_cred(fd: BorrowedFd<'_>) -> nix::Result<PeerCred> {
    #[cfg(target_vendor = "apple")]
    const LEVEL: libc::c_int = libc::SOL_LOCAL;
    #[cfg(target_os = "freebsd")]
    const LEVEL: libc::c_int = 0;
    // SAFETY: `xucred` is plain integers, for which all zeroes is valid.
    let mut cred: libc::xucred = unsafe { std::mem::zeroed() };
    let size = size_of::<libc::xucred>();
    // SAFETY: `cred` is an `xucred` of `size` bytes, what LOCAL_PEERCRED fills.
    unsafe {
        get_option(
            fd,
            LEVEL,
            libc::LOCAL_PEERCRED,
            (&raw mut cred).cast(),
            size,
        )
    }
    .map_err(|(errno, _)| errno)?;
    if cred.cr_version != libc::XUCRED_VERSION {
        return Err(Errno::EINVAL);
    }
    let count = usize::try_from(cred.cr_ngroups)
        .unwrap_or(0)
        .min(cred.cr_groups.len());
    // The first group is the effective one.
    let groups = cred.cr_groups[..count].to_vec();
    Ok(PeerCred {
        uid: cred.cr_uid,
        gid: groups.first().copied().unwrap_or(u32::MAX),
        groups,
    })
}

/// The effective uid of the peer of the connected Unix socket `socket`,
/// as the kernel recorded it: the one part of [`peer_cred`] the bridge's
/// listener needs.
pub(crate) fn peer_uid(socket: BorrowedFd<'_>) -> std::io::Result<u32> {
    Ok(peer_cred(socket)?.uid)
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;

    use super::*;

    #[test]
    fn a_socket_pair_names_this_process_at_both_ends() {
        let (one, other) = UnixStream::pair().unwrap();
        let me = peer_cred(one.as_fd()).unwrap();
        assert_eq!(me, peer_cred(other.as_fd()).unwrap());
        assert_eq!(me.uid, nix::unistd::geteuid().as_raw());
        assert_eq!(me.gid, nix::unistd::getegid().as_raw());
    }

    /// Apple's libc has no getgroups(2) binding in nix: the groups are
    /// compared where it does.
    #[test]
    #[cfg(not(target_vendor = "apple"))]
    fn a_socket_pair_names_this_process_groups() {
        let (one, _other) = UnixStream::pair().unwrap();
        let me = peer_cred(one.as_fd()).unwrap();
        let mut mine: Vec<u32> = nix::unistd::getgroups()
            .unwrap()
            .iter()
            .map(|g| g.as_raw())
            .collect();
        let mut got = me.groups.clone();
        mine.sort_unstable();
        got.sort_unstable();
        mine.dedup();
        got.dedup();
        got.retain(|g| *g != me.gid || mine.contains(g));
        assert_eq!(got, mine);
    }
}
