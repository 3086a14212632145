//! macOS's process table, through libproc (`<libproc.h>`,
//! `<sys/proc_info.h>`). libproc's calls return 0 (not -1) on failure,
//! with `errno` set; a successful call may return 0 too (no descriptors),
//! so `errno` is cleared first and read after.

use std::mem::{MaybeUninit, offset_of, size_of};
use std::ptr;

use nix::errno::Errno;
use nix::libc::{self, c_int};

use super::{Descriptor, RETRIES, Table, is_file, name_of};
use crate::sys::file::{FileId, device_id};

/// `PROC_PIDFDVNODEPATHINFO` (`<sys/proc_info.h>`; not in the libc crate).
const PROC_PIDFDVNODEPATHINFO: c_int = 2;
/// `fi_status`: the file is referenced by more than one descriptor.
const PROC_FP_SHARED: u32 = 1;
/// `fi_openflags` (the kernel's `fg_flag`): open for reading...
const FREAD: u32 = 1;
/// ...and for writing.
const FWRITE: u32 = 2;

/// `struct proc_fileinfo` (`<sys/proc_info.h>`).
// The C structure's own names, and all its fields, though few are read.
#[allow(clippy::struct_field_names, dead_code)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct ProcFileInfo {
    fi_openflags: u32,
    fi_status: u32,
    fi_offset: libc::off_t,
    fi_type: i32,
    fi_guardflags: u32,
}

/// `struct vnode_fdinfowithpath` (`<sys/proc_info.h>`): what
/// `PROC_PIDFDVNODEPATHINFO` fills.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct VnodeFdInfoWithPath {
    pfi: ProcFileInfo,
    pvip: libc::vnode_info_path,
}

// The sizes `PROC_PIDFDVNODEPATHINFO_SIZE` and friends have in the SDK: the
// kernel refuses a buffer of any other size.
const _: () = assert!(size_of::<ProcFileInfo>() == 24);
const _: () = assert!(offset_of!(VnodeFdInfoWithPath, pvip) == 24);
const _: () = assert!(size_of::<libc::vnode_info_path>() == 1176);
const _: () = assert!(size_of::<VnodeFdInfoWithPath>() == 1200);
const _: () = assert!(size_of::<libc::proc_fdinfo>() == 8);

/// `size_of::<T>()` as libproc's `int` buffer size.
fn size_arg<T>(count: usize) -> Option<c_int> {
    c_int::try_from(count.checked_mul(size_of::<T>())?).ok()
}

/// Every process the system lists, or `None` when it lists none (refused).
pub(crate) fn process_ids() -> Option<Vec<i32>> {
    // SAFETY: a null buffer of size 0 only asks how many there are (with
    // room to spare); nothing is written.
    let hint = unsafe { libc::proc_listallpids(ptr::null_mut(), 0) };
    let mut room = usize::try_from(hint).ok()?;
    for _ in 0..RETRIES {
        room += room / 4 + 64;
        let mut pids: Vec<libc::pid_t> = vec![0; room];
        let bytes = size_arg::<libc::pid_t>(room)?;
        // SAFETY: `pids` holds `room` pids, `bytes` bytes; the kernel writes
        // at most `bytes` bytes and returns how many pids it wrote.
        let got = unsafe { libc::proc_listallpids(pids.as_mut_ptr().cast(), bytes) };
        let got = usize::try_from(got).ok()?;
        if got < room {
            pids.truncate(got);
            return Some(pids);
        }
        // Full: more may have been left out.
        room = got;
    }
    None
}

/// `proc_pidinfo(pid, PROC_PIDLISTFDS)` into `buf`: the bytes written, 0
/// for none, or the error.
fn list_descriptors(pid: i32, buf: &mut [libc::proc_fdinfo]) -> Result<usize, Errno> {
    let bytes = size_arg::<libc::proc_fdinfo>(buf.len()).ok_or(Errno::ENOMEM)?;
    let out = if buf.is_empty() {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    Errno::clear();
    // SAFETY: `out` is null with size 0 (a question of size only), or
    // points to `buf`, `bytes` writable bytes; the kernel writes at most
    // `bytes` bytes of `proc_fdinfo` records.
    let got = unsafe { libc::proc_pidinfo(pid, libc::PROC_PIDLISTFDS, 0, out, bytes) };
    match usize::try_from(got) {
        Ok(0) | Err(_) if Errno::last_raw() != 0 => Err(Errno::last()),
        Ok(got) => Ok(got),
        Err(_) => Err(Errno::EIO),
    }
}

/// Process `pid`'s descriptors on `file`: vnodes with its device and
/// inode, with their direction from the open flags.
pub(crate) fn descriptors_on(pid: i32, file: FileId) -> Table {
    let gone_or_hidden = |errno| match errno {
        Errno::ESRCH => Table::Gone,
        _ => Table::Hidden,
    };
    // The size asked for covers the whole table (plus room): the kernel
    // lists the descriptors numbered below the room given, so a table that
    // grew past it meanwhile is listed again.
    let mut hint = match list_descriptors(pid, &mut []) {
        Ok(bytes) => bytes / size_of::<libc::proc_fdinfo>(),
        Err(errno) => return gone_or_hidden(errno),
    };
    let mut listed = None;
    for _ in 0..RETRIES {
        let room = hint + 64;
        let mut buf = vec![
            libc::proc_fdinfo {
                proc_fd: 0,
                proc_fdtype: 0
            };
            room
        ];
        let got = match list_descriptors(pid, &mut buf) {
            Ok(bytes) => bytes / size_of::<libc::proc_fdinfo>(),
            Err(errno) => return gone_or_hidden(errno),
        };
        hint = match list_descriptors(pid, &mut []) {
            Ok(bytes) => bytes / size_of::<libc::proc_fdinfo>(),
            Err(errno) => return gone_or_hidden(errno),
        };
        if hint <= room {
            buf.truncate(got.min(room));
            listed = Some(buf);
            break;
        }
    }
    let Some(listed) = listed else {
        return Table::Hidden;
    };
    let vnode = u32::try_from(libc::PROX_FDTYPE_VNODE).unwrap_or(u32::MAX);
    let mut seen = Vec::new();
    for entry in listed.iter().filter(|entry| entry.proc_fdtype == vnode) {
        match vnode_info(pid, entry.proc_fd) {
            Ok(Some(info)) => {
                let stat = &info.pvip.vip_vi.vi_stat;
                // `vst_dev` holds the bits of `st_dev` (a signed `dev_t`).
                let device = device_id(libc::dev_t::from_ne_bytes(stat.vst_dev.to_ne_bytes()));
                if is_file(file, device, stat.vst_ino) {
                    seen.push(Descriptor {
                        fd: entry.proc_fd,
                        read: info.pfi.fi_openflags & FREAD != 0,
                        write: info.pfi.fi_openflags & FWRITE != 0,
                        shared: info.pfi.fi_status & PROC_FP_SHARED != 0,
                    });
                }
            }
            Ok(None) => {}
            Err(errno) => return gone_or_hidden(errno),
        }
    }
    Table::Seen(seen)
}

/// What `proc_pidfdinfo(pid, fd, PROC_PIDFDVNODEPATHINFO)` says of one
/// descriptor; `Ok(None)` when it is closed or not a vnode now.
fn vnode_info(pid: i32, fd: i32) -> Result<Option<VnodeFdInfoWithPath>, Errno> {
    let mut info = MaybeUninit::<VnodeFdInfoWithPath>::zeroed();
    let bytes = size_arg::<VnodeFdInfoWithPath>(1).ok_or(Errno::ENOMEM)?;
    Errno::clear();
    // SAFETY: `info` is `bytes` writable bytes, the size of the structure
    // this flavor fills; the kernel writes at most that many.
    let got = unsafe {
        libc::proc_pidfdinfo(
            pid,
            fd,
            PROC_PIDFDVNODEPATHINFO,
            info.as_mut_ptr().cast(),
            bytes,
        )
    };
    if got == bytes {
        // SAFETY: the kernel filled the whole structure, and any bit
        // pattern is a valid one (integers and arrays of them).
        return Ok(Some(unsafe { info.assume_init() }));
    }
    match Errno::last() {
        // Closed meanwhile, or its number taken by something else.
        Errno::EBADF => Ok(None),
        // Ended, refused, or anything else: not "nothing".
        errno => Err(errno),
    }
}

/// The process's name (`proc_name`), or `None` when it cannot be read.
pub(crate) fn command_of(pid: i32) -> Option<String> {
    let mut buf = [0u8; 2 * libc::MAXCOMLEN + 1];
    let size = u32::try_from(buf.len()).ok()?;
    // SAFETY: `buf` is `size` writable bytes; the call writes at most that
    // many and returns how many.
    let got = unsafe { libc::proc_name(pid, buf.as_mut_ptr().cast(), size) };
    let got = usize::try_from(got).ok().filter(|&n| n > 0)?;
    Some(name_of(&buf[..got.min(buf.len())]))
}

/// Whether some processes are left out of the listing altogether: not on
/// macOS, which lists every process to every user (a sandbox that refuses
/// the listing makes [`process_ids`] fail instead).
pub(crate) fn unlisted() -> bool {
    false
}
