//! The arguments of the commands through which fifo documents itself
//! (completions, man).
// Doc comments here are `--help` text, where Markdown backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use super::applets::Streams;
use crate::stdio::Needs;
use clap::Args;

/// Arguments of `fifo completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `fifo man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write fifo.1 and one fifo-CMD.1 per command into DIR instead, each
    /// whole under a new name, then renamed into place (what had its name,
    /// a symlink or a FIFO, is replaced, never followed). DIR must belong
    /// to this user or root.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl Streams for CompletionsArgs {
    fn needs(&self) -> Needs {
        Needs::new(false, true)
    }
}

impl Streams for ManArgs {
    fn needs(&self) -> Needs {
        Needs::new(false, self.dir.is_none())
    }
}
