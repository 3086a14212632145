//! `fifo mk`: create FIFOs with an exact mode, or one in a private temporary
//! directory.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use fifo_core::create::{IfExists, PRIVATE_MODE, make_fifo, make_parents, make_temp};
use fifo_core::{Action, Error, Subject};

use crate::cli::MkArgs;
use crate::exit_code::ExitCode;
use crate::report;

const APPLET: &str = "mk";

/// Runs `fifo mk`; every PATH is tried, and any failure makes the status 1.
pub fn run(args: &MkArgs) -> ExitCode {
    let mode = args.mode.unwrap_or(PRIVATE_MODE);
    if args.temp {
        return temp(args, mode);
    }
    let if_exists = if args.exist_ok {
        IfExists::AcceptFifo
    } else {
        IfExists::Fail
    };
    let mut status = ExitCode::Success;
    for path in &args.paths {
        let result = if args.parents {
            make_parents(path)
        } else {
            Ok(())
        }
        .and_then(|()| make_fifo(path, mode, if_exists));
        if let Err(err) = result {
            status = status.merge(report::failure(APPLET, &err));
        }
    }
    status
}

fn temp(args: &MkArgs, mode: u32) -> ExitCode {
    let name = match args.paths.as_slice() {
        [] => OsStr::new("fifo"),
        [name] => name.as_os_str(),
        _ => {
            report::message(APPLET, "--temp takes at most one NAME");
            return ExitCode::Usage;
        }
    };
    let dir = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let path = match make_temp(&dir, name, mode) {
        Ok(path) => path,
        Err(err) => return report::failure(APPLET, &err),
    };
    let mut line = path.clone().into_os_string().into_vec();
    line.push(b'\n');
    let status = report::write_stdout(APPLET, &line);
    if !status.is_success() {
        // Nobody learnt the name: a FIFO left behind would be litter in
        // DIR that no script can find, so take back what was made.
        unmake_temp(&path);
    }
    status
}

/// Removes a FIFO `make_temp` made and its private directory, saying so
/// if either cannot go.
fn unmake_temp(path: &Path) {
    let dir = path.parent().unwrap_or(path);
    let removed = std::fs::remove_file(path)
        .map_err(|err| (path, err))
        .and_then(|()| std::fs::remove_dir(dir).map_err(|err| (dir, err)));
    if let Err((left, err)) = removed {
        let err = Error::sys(Subject::path(left), Action::Remove, err);
        report::failure(APPLET, &err);
    }
}
