//! `fifo mk`: create FIFOs with an exact mode, or one in a private temporary
//! directory.

use std::ffi::OsStr;
use std::io::Write as _;
use std::os::unix::ffi::OsStringExt;

use fifo_core::create::{IfExists, PRIVATE_MODE, make_fifo, make_parents, make_temp};

use crate::cli::MkArgs;
use crate::exit_code::{FAILURE, SUCCESS, USAGE};
use crate::report;

const APPLET: &str = "mk";

/// Runs `fifo mk`; every PATH is tried, and any failure makes the status 1.
pub fn run(args: &MkArgs) -> u8 {
    let mode = args.mode.unwrap_or(PRIVATE_MODE);
    if args.temp {
        return temp(args, mode);
    }
    let if_exists = if args.exist_ok {
        IfExists::AcceptFifo
    } else {
        IfExists::Fail
    };
    let mut status = SUCCESS;
    for path in &args.paths {
        let result = if args.parents {
            make_parents(path)
        } else {
            Ok(())
        }
        .and_then(|()| make_fifo(path, mode, if_exists));
        if let Err(err) = result {
            status = status.max(report::failure(APPLET, &err));
        }
    }
    status
}

fn temp(args: &MkArgs, mode: u32) -> u8 {
    let name = match args.paths.as_slice() {
        [] => OsStr::new("fifo"),
        [name] => name.as_os_str(),
        _ => {
            report::message(APPLET, "--temp takes at most one NAME");
            return USAGE;
        }
    };
    let dir = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    match make_temp(&dir, name, mode) {
        Ok(path) => {
            let mut line = path.into_os_string().into_vec();
            line.push(b'\n');
            match std::io::stdout().lock().write_all(&line) {
                Ok(()) => SUCCESS,
                Err(_) => FAILURE,
            }
        }
        Err(err) => report::failure(APPLET, &err),
    }
}
