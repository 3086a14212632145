//! The places a row uses: TMPDIR as each state sets it, and what a
//! directory holds.

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use super::TmpDir;
use crate::is_root;

/// The TMPDIR value for `kind`, made under `root`; `None` when this user
/// cannot have it here.
pub fn tmpdir_for(root: &Path, kind: TmpDir) -> Result<Option<PathBuf>, String> {
    use std::os::unix::fs::PermissionsExt;
    let make = |name: &str, mode: u32| -> Result<PathBuf, String> {
        let dir = root.join(name);
        std::fs::create_dir(&dir).map_err(|err| err.to_string())?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode))
            .map_err(|err| err.to_string())?;
        Ok(dir)
    };
    Ok(Some(match kind {
        TmpDir::Fresh => make("tmp", 0o700)?,
        TmpDir::Empty => PathBuf::new(),
        TmpDir::Missing => root.join("missing"),
        // Root writes any directory it may search; /sys refuses it.
        TmpDir::Unwritable if is_root() => {
            let sys = Path::new("/sys/kernel");
            if !sys.is_dir() || std::fs::create_dir(sys.join("fifo-probe")).is_ok() {
                return Ok(None);
            }
            sys.to_owned()
        }
        TmpDir::Unwritable => make("ro", 0o555)?,
        TmpDir::OtherUsers if is_root() => {
            let dir = make("theirs", 0o755)?;
            let nobody = Some(nix::unistd::Uid::from_raw(65534));
            nix::unistd::chown(&dir, nobody, Some(nix::unistd::Gid::from_raw(65534)))
                .map_err(|err| err.to_string())?;
            dir
        }
        TmpDir::OtherUsers => return Ok(None),
    }))
}

/// Names and kinds with modes of what `dir` holds.
pub fn snapshot(dir: &Path) -> Vec<(String, String)> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| {
                    let meta = std::fs::symlink_metadata(entry.path()).ok();
                    let kind = meta.as_ref().map_or("gone", |meta| {
                        if meta.file_type().is_fifo() {
                            "fifo"
                        } else if meta.is_dir() {
                            "dir"
                        } else {
                            "file"
                        }
                    });
                    let mode = meta.map_or(0, |meta| meta.mode() & 0o7777);
                    (
                        entry.file_name().to_string_lossy().into_owned(),
                        format!("{kind} {mode:o}"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn sorted(mut entries: Vec<(String, String)>) -> Vec<(String, String)> {
    entries.sort();
    entries
}
