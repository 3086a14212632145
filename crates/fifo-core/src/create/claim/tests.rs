//! Unit tests of `claim`.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use super::*;
use crate::create::{IfExists, make_fifo};

/// A directory like /tmp: sticky and world-writable.
fn sticky(dir: &tempfile::TempDir) -> PathBuf {
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    shared
}

fn claim(path: &Path, direction: Direction, wait: Wait) -> Result<(Opened, Option<CreatedFifo>)> {
    let mut created = None;
    let opened = create_and_open(path, direction, wait, |made| created = Some(made))?;
    Ok((opened, created))
}

#[test]
fn a_missing_fifo_is_made_private_opened_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    let (opened, created) = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap();
    assert_eq!(opened.kind(), FileKind::Fifo);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, PRIVATE_MODE);
    let created = created.expect("made by this call");
    assert_eq!(created.path(), path);
    assert!(created.remove().unwrap());
    assert!(!path.exists());
    // An existing FIFO is used, and not ours to remove.
    make_fifo(&path, PRIVATE_MODE, IfExists::Fail).unwrap();
    let (_, created) = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap();
    assert!(created.is_none());
}

#[test]
fn a_planted_symlink_is_refused_only_in_a_sticky_world_writable_directory() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    make_fifo(&target, PRIVATE_MODE, IfExists::Fail).unwrap();
    let planted = sticky(&dir).join("p");
    std::os::unix::fs::symlink(&target, &planted).unwrap();
    let err = claim(&planted, Direction::ReadWrite, Wait::Forever).unwrap_err();
    assert_eq!(
        err.reason().to_string(),
        "refusing a symlink in a world-writable sticky directory"
    );
    let private_link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &private_link).unwrap();
    let (opened, created) = claim(&private_link, Direction::ReadWrite, Wait::Forever).unwrap();
    assert_eq!(opened.kind(), FileKind::Fifo);
    assert!(created.is_none());
}

#[test]
fn a_symlink_swapped_in_after_the_make_is_never_followed_in_a_sticky_directory() {
    let dir = tempfile::tempdir().unwrap();
    // Followed, the write open would wait for a reader that never comes.
    let target = dir.path().join("elsewhere");
    make_fifo(&target, PRIVATE_MODE, IfExists::Fail).unwrap();
    let path = sticky(&dir).join("p");
    let wait = Wait::Timeout(Duration::from_secs(5));
    let err = create_and_open(&path, Direction::Write, wait, |_| {
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
    })
    .unwrap_err();
    assert_eq!(
        err.reason().to_string(),
        "refusing it: it was replaced after fifo made it"
    );
}

#[test]
fn our_fifo_replaced_between_make_and_open_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for path in [dir.path().join("f"), sticky(&dir).join("f")] {
        let mut kept = None;
        let err = create_and_open(&path, Direction::ReadWrite, Wait::Forever, |created| {
            // Made first, so it cannot get the freed inode number.
            let twin = path.with_extension("twin");
            make_fifo(&twin, PRIVATE_MODE, IfExists::Fail).unwrap();
            std::fs::rename(&twin, &path).unwrap();
            kept = Some(created);
        })
        .unwrap_err();
        assert!(matches!(err, Error::Replaced { made: true, .. }), "{err:?}");
        // --rm then leaves the replacement alone.
        assert!(!kept.unwrap().remove().unwrap());
        assert!(path.exists());
    }
}

#[test]
fn remove_leaves_a_replacement_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    let (_, created) = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap();
    let created = created.unwrap();
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, "not ours").unwrap();
    assert!(!created.remove().unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), b"not ours");
    // A symlink to a FIFO is not the FIFO either.
    std::fs::remove_file(&path).unwrap();
    let other = dir.path().join("other");
    make_fifo(&other, PRIVATE_MODE, IfExists::Fail).unwrap();
    std::os::unix::fs::symlink(&other, &path).unwrap();
    assert!(!created.remove().unwrap());
    assert!(path.symlink_metadata().is_ok() && other.exists());
}

#[test]
#[ignore = "needs root to give the FIFO to uid 65534: run as root with --ignored (CI does); tests/scripts/security_other_user.sh checks the same refusal through fifo send"]
fn another_users_fifo_in_a_sticky_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = sticky(&dir).join("trap");
    make_fifo(&path, 0o666, IfExists::Fail).unwrap();
    let nobody = Some(nix::unistd::Uid::from_raw(65534));
    nix::unistd::chown(&path, nobody, None).unwrap();
    let err = claim(&path, Direction::ReadWrite, Wait::Forever).unwrap_err();
    assert_eq!(
        err.reason().to_string(),
        "refusing a FIFO owned by another user in a world-writable sticky directory"
    );
}

#[test]
fn something_else_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "data").unwrap();
    let err = claim(&file, Direction::Write, Wait::No).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ExistsNotFifo {
                found: FileKind::Regular,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"data");
    let missing_dir = dir.path().join("no/such/f");
    let err = claim(&missing_dir, Direction::Write, Wait::No).unwrap_err();
    assert_eq!(err.errno(), Some(Errno::ENOENT));
}
