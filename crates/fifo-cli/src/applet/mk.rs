//! `fifo mk`: create FIFOs with an exact mode, or one in a private temporary
//! directory.

mod plan;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use fifo_core::create::mode::{MKFIFO_BASE, ModeError, ModeSpec, current_umask};
use fifo_core::create::{IfExists, PRIVATE_MODE, TempFifo, make_fifo, make_parents};

use crate::cli::MkArgs;
use crate::exit_code::ExitCode;
use crate::report;
use plan::{Make, Plan};

const APPLET: &str = crate::cli::applets::MK.name;

/// Runs `fifo mk`; every PATH is tried, and any failure makes the status 1.
pub fn run(args: &MkArgs) -> ExitCode {
    let plan = Plan::from_args(args);
    let mode = match resolve_mode(plan.mode.as_ref(), current_umask()) {
        Ok(mode) => mode,
        Err(err) => {
            report::message(APPLET, &err.to_string());
            return ExitCode::Usage;
        }
    };
    match &plan.make {
        Make::Paths {
            paths,
            parents,
            if_exists,
        } => make_each(paths, *parents, *if_exists, mode),
        Make::Temp { dir, name } => temp(dir.as_deref(), name, mode),
        Make::TooManyNames => {
            report::message(APPLET, "--temp takes at most one NAME");
            ExitCode::Usage
        }
    }
}

/// Makes every PATH; any failure makes the status 1.
fn make_each(paths: &[PathBuf], parents: bool, if_exists: IfExists, mode: u32) -> ExitCode {
    let mut status = ExitCode::Success;
    for path in paths {
        let result = if parents { make_parents(path) } else { Ok(()) }
            .and_then(|()| make_fifo(path, mode, if_exists));
        if let Err(err) = result {
            status = status.merge(report::failure(APPLET, &err));
        }
    }
    status
}

/// The mode to create with: `-m` under `umask` as mkfifo(1) computes it, or
/// the private default.
fn resolve_mode(spec: Option<&ModeSpec>, umask: u32) -> Result<u32, ModeError> {
    spec.map_or(Ok(PRIVATE_MODE), |spec| spec.apply(MKFIFO_BASE, umask))
}

fn temp(dir: Option<&Path>, name: &OsStr, mode: u32) -> ExitCode {
    let dir = dir.map_or_else(fifo_core::create::dir::temp_dir, Path::to_path_buf);
    let fifo = match TempFifo::make(&dir, name, mode) {
        Ok(fifo) => fifo,
        Err(err) => return report::failure(APPLET, &err),
    };
    let mut line = fifo.path().to_owned().into_os_string().into_vec();
    line.push(b'\n');
    let status = report::write_stdout(APPLET, &line);
    if !status.is_success() {
        // Nobody learnt the name: a FIFO left behind would be litter in
        // DIR that no script can find, so take back what was made.
        // Through the directories held open: the owner of DIR may have
        // swapped the private one for a symlink by now.
        if let Err(err) = fifo.remove() {
            report::failure(APPLET, &err);
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_resolve_like_mkfifo() {
        let spec = |text| ModeSpec::parse(text).unwrap();
        assert_eq!(resolve_mode(None, 0o022), Ok(PRIVATE_MODE));
        assert_eq!(resolve_mode(Some(&spec("600")), 0o077), Ok(0o600));
        assert_eq!(resolve_mode(Some(&spec("u=rw,g=r")), 0o022), Ok(0o646));
        // Without classes, a symbolic mode keeps to the umask.
        assert_eq!(resolve_mode(Some(&spec("=rw")), 0o027), Ok(0o640));
    }
}
