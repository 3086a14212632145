//! FreeBSD's process table, through the `kern.proc` sysctls
//! (`<sys/sysctl.h>`, `<sys/user.h>`), as `procstat -f` reads it.
//! `KERN_PROC_FILEDESC` gives packed records (`KERN_FILEDESC_PACK_KINFO`),
//! each `kf_structsize` bytes long, and stops without an error where the
//! buffer is too small for the next one; a listing is taken whole only
//! with room for a whole record left over.

use std::ffi::CStr;
use std::mem::{offset_of, size_of};
use std::ptr;

use nix::errno::Errno;
use nix::libc::{self, c_int};

use super::{Descriptor, RETRIES, Table, is_file, name_of};
use crate::sys::file::{FileId, device_id};

/// The start of `struct kinfo_file` (`<sys/user.h>`, FreeBSD 12 and
/// later) through its union, read as `kf_un.kf_file`: all that is needed,
/// and present in every packed record (only `kf_path` is cut short).
/// The libc crate keeps the union private.
// The C structure's own names, and all its fields, though few are read.
#[allow(clippy::struct_field_names, dead_code)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct KinfoFileHead {
    kf_structsize: c_int,
    kf_type: c_int,
    kf_fd: c_int,
    kf_ref_count: c_int,
    kf_flags: c_int,
    kf_pad0: c_int,
    kf_offset: i64,
    // kf_un.kf_file:
    kf_file_type: c_int,
    kf_spareint: [c_int; 3],
    kf_spareint64: [u64; 30],
    kf_file_fsid: u64,
    kf_file_rdev: u64,
    kf_file_fileid: u64,
    kf_file_size: u64,
    kf_file_fsid_freebsd11: u32,
    kf_file_rdev_freebsd11: u32,
    kf_file_mode: u16,
    kf_file_pad0: u16,
    kf_file_pad1: u32,
}

// The head ends where libc's `kinfo_file` has `kf_status`, just after the
// union, and agrees with it on the fields both name.
const _: () = assert!(size_of::<KinfoFileHead>() == offset_of!(libc::kinfo_file, kf_status));
const _: () = assert!(size_of::<KinfoFileHead>() == 336);
const _: () =
    assert!(offset_of!(KinfoFileHead, kf_flags) == offset_of!(libc::kinfo_file, kf_flags));
const _: () =
    assert!(offset_of!(KinfoFileHead, kf_offset) == offset_of!(libc::kinfo_file, kf_offset));
const _: () = assert!(offset_of!(KinfoFileHead, kf_file_fsid) == 32 + 256);
const _: () = assert!(offset_of!(KinfoFileHead, kf_file_fileid) == 32 + 272);

/// The largest record `KERN_PROC_FILEDESC` writes (`KINFO_FILE_SIZE`).
const RECORD_MAX: usize = size_of::<libc::kinfo_file>();

/// `sysctl(mib)` into a buffer as large as the kernel says, grown while it
/// may have been too small: `ENOMEM`, or (when `packed`) less than a whole
/// record's room left over.
fn read_sysctl(mib: &[c_int], packed: bool) -> Result<Vec<u8>, Errno> {
    let depth = libc::c_uint::try_from(mib.len()).map_err(|_| Errno::EINVAL)?;
    let mut len: libc::size_t = 0;
    // SAFETY: a null buffer asks only for the size, written to `len`.
    let rc = unsafe {
        libc::sysctl(
            mib.as_ptr(),
            depth,
            ptr::null_mut(),
            &raw mut len,
            ptr::null(),
            0,
        )
    };
    if rc != 0 {
        return Err(Errno::last());
    }
    for _ in 0..RETRIES {
        let room = len + len / 3 + RECORD_MAX;
        let mut buf = vec![0u8; room];
        len = room;
        // SAFETY: `buf` is `len` writable bytes; the kernel writes at most
        // `len` and sets `len` to what it wrote.
        let rc = unsafe {
            libc::sysctl(
                mib.as_ptr(),
                depth,
                buf.as_mut_ptr().cast(),
                &raw mut len,
                ptr::null(),
                0,
            )
        };
        if rc != 0 {
            match Errno::last() {
                Errno::ENOMEM => {
                    len = room * 2;
                    continue;
                }
                errno => return Err(errno),
            }
        }
        if !packed || room - len.min(room) >= RECORD_MAX {
            buf.truncate(len);
            return Ok(buf);
        }
        len = room * 2;
    }
    Err(Errno::ENOMEM)
}

/// The `kinfo_proc` records in `buf`, each `ki_structsize` bytes long.
fn each_process(buf: &[u8], mut each: impl FnMut(&libc::kinfo_proc)) -> Option<()> {
    let whole = size_of::<libc::kinfo_proc>();
    let mut at = 0;
    while at < buf.len() {
        let record = buf.get(at..at + whole)?;
        // SAFETY: `record` is `size_of::<kinfo_proc>()` readable bytes,
        // read unaligned; any bit pattern is a valid `kinfo_proc` (integers,
        // arrays and pointers that are never followed).
        let info = unsafe { ptr::read_unaligned(record.as_ptr().cast::<libc::kinfo_proc>()) };
        let stride = usize::try_from(info.ki_structsize)
            .ok()
            .filter(|&n| n >= whole)?;
        each(&info);
        at += stride;
    }
    Some(())
}

/// Every process the system lists to this user (`KERN_PROC_PROC`), or
/// `None` when the listing fails.
pub(crate) fn process_ids() -> Option<Vec<i32>> {
    let buf = read_sysctl(
        &[libc::CTL_KERN, libc::KERN_PROC, libc::KERN_PROC_PROC, 0],
        false,
    )
    .ok()?;
    let mut pids = Vec::new();
    each_process(&buf, |info| pids.push(info.ki_pid))?;
    Some(pids)
}

/// The process's command name (`ki_comm`), or `None` when it cannot be
/// read.
pub(crate) fn command_of(pid: i32) -> Option<String> {
    let buf = read_sysctl(
        &[libc::CTL_KERN, libc::KERN_PROC, libc::KERN_PROC_PID, pid],
        false,
    )
    .ok()?;
    let mut name = None;
    each_process(&buf, |info| {
        let bytes: Vec<u8> = info.ki_comm.iter().map(|&c| c.to_ne_bytes()[0]).collect();
        name = Some(name_of(&bytes));
    })?;
    name
}

/// Process `pid`'s descriptors on `file` (`KERN_PROC_FILEDESC`): FIFOs
/// and vnodes with its file system id and file id, with their direction
/// from `kf_flags`.
pub(crate) fn descriptors_on(pid: i32, file: FileId) -> Table {
    let mib = [
        libc::CTL_KERN,
        libc::KERN_PROC,
        libc::KERN_PROC_FILEDESC,
        pid,
    ];
    let buf = match read_sysctl(&mib, true) {
        Ok(buf) => buf,
        Err(Errno::ESRCH) => return Table::Gone,
        // Another user's process, a set-id one, or one being torn down.
        Err(_) => return Table::Hidden,
    };
    let head = size_of::<KinfoFileHead>();
    let mut seen = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let Some(record) = buf.get(at..at + head) else {
            return Table::Hidden;
        };
        // SAFETY: `record` is `size_of::<KinfoFileHead>()` readable bytes,
        // read unaligned; the head is integers only, valid for any bits.
        let info = unsafe { ptr::read_unaligned(record.as_ptr().cast::<KinfoFileHead>()) };
        let Some(size) = usize::try_from(info.kf_structsize)
            .ok()
            .filter(|&n| n >= head)
        else {
            return Table::Hidden;
        };
        at += size;
        let vnode = info.kf_type == libc::KF_TYPE_FIFO || info.kf_type == libc::KF_TYPE_VNODE;
        // Negative numbers are the working directory, root, text and such.
        if vnode
            && info.kf_fd >= 0
            && is_file(file, device_id(info.kf_file_fsid), info.kf_file_fileid)
        {
            seen.push(Descriptor {
                fd: info.kf_fd,
                read: info.kf_flags & libc::KF_FLAG_READ != 0,
                write: info.kf_flags & libc::KF_FLAG_WRITE != 0,
                shared: info.kf_ref_count > 1,
            });
        }
    }
    Table::Seen(seen)
}

/// Reads an integer sysctl by name; `None` when there is no such one.
fn sysctl_int(name: &CStr) -> Option<c_int> {
    let mut value: c_int = 0;
    let mut len = size_of::<c_int>();
    // SAFETY: `value` is `len` writable bytes; the kernel writes at most
    // `len` and sets `len` to what it wrote; nothing is set (null new value).
    let rc = unsafe {
        libc::sysctlbyname(
            name.as_ptr(),
            (&raw mut value).cast(),
            &raw mut len,
            ptr::null(),
            0,
        )
    };
    (rc == 0 && len == size_of::<c_int>()).then_some(value)
}

/// Whether some processes are left out of the listing altogether, so that
/// nobody can count them: other users' or groups' processes hidden from
/// an unprivileged user (`security.bsd.see_other_uids`, `see_other_gids`,
/// `see_jail_proc` at 0), or all processes outside this jail. A setting
/// that cannot be read counts as hiding.
pub(crate) fn unlisted() -> bool {
    let jailed = sysctl_int(c"security.jail.jailed") != Some(0);
    if jailed {
        return true;
    }
    if nix::unistd::geteuid().is_root() {
        return false;
    }
    let hides = |name: &CStr| sysctl_int(name) != Some(1);
    hides(c"security.bsd.see_other_uids")
        || hides(c"security.bsd.see_other_gids")
        || sysctl_int(c"security.bsd.see_jail_proc") == Some(0)
}
