//! Broken-down local time, as the C library computes it from `TZ` and the
//! system's zone files: the only way to print times exactly as GNU `stat`
//! does without carrying a time-zone database of our own.

/// A moment in the local time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalTime {
    pub(crate) year: i64,
    pub(crate) month: u8,
    pub(crate) day: u8,
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
    /// Seconds east of UTC.
    pub(crate) offset: i64,
}

/// `localtime_r(3)` of `secs` since the epoch; `None` when the C library
/// cannot represent it.
// `time_t` and `c_long` are `i32` on some 32-bit targets.
#[allow(clippy::useless_conversion)]
pub(crate) fn local_time(secs: i64) -> Option<LocalTime> {
    let time = nix::libc::time_t::try_from(secs).ok()?;
    // SAFETY: `tm` is plain old data; all-zero bytes are a valid value (null
    // `tm_zone` pointer included), and localtime_r overwrites it.
    let mut tm: nix::libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers point to live values on this stack frame for the
    // duration of the call; localtime_r is the thread-safe variant and keeps
    // neither pointer.
    let result = unsafe { nix::libc::localtime_r(&raw const time, &raw mut tm) };
    if result.is_null() {
        return None;
    }
    Some(LocalTime {
        year: i64::from(tm.tm_year) + 1900,
        month: u8::try_from(tm.tm_mon + 1).ok()?,
        day: u8::try_from(tm.tm_mday).ok()?,
        hour: u8::try_from(tm.tm_hour).ok()?,
        minute: u8::try_from(tm.tm_min).ok()?,
        second: u8::try_from(tm.tm_sec).ok()?,
        offset: i64::from(tm.tm_gmtoff),
    })
}
