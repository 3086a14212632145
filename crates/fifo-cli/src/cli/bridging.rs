//! The arguments of `fifo bridge`.
// Doc comments here are `--help` text, where Markdown backticks would show,
// and `[ADDR:]PORT` is an optional part, not a link.
#![allow(clippy::doc_markdown, rustdoc::broken_intra_doc_links)]

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::TransferArgs;
use super::applets::Streams;
use super::values::{parse_buffer, parse_duration};
use crate::stdio::Needs;

/// Arguments of `fifo bridge`.
#[derive(Debug, Args)]
#[command(mut_arg("verbose", |arg| arg.help(
    "Say what capacity each FIFO's pipe got, each link made, lost or tried, \
     and every peer turned away (without it: the first ten, then a count)",
)))]
pub struct BridgeArgs {
    /// End both bridges at the first end of file of SRC (by default a FIFO
    /// SRC is kept open as cat -k keeps it: writers may come and go).
    #[arg(long)]
    pub once: bool,
    /// Carry framed messages (fifo send --frame) whole: messages of any
    /// size from concurrent writers of SRC arrive whole at DST, written
    /// framed for the receiving side's own PIPE_BUF.
    #[arg(long, conflicts_with_all = ["progress", "rate_limit"])]
    pub frame: bool,
    /// Make a missing local FIFO (mode 0600).
    #[arg(long)]
    pub create: bool,
    /// Give up (status 124) if the local FIFO's other end does not open
    /// it within DUR.
    #[arg(short, long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Fail at once (status 3) if nobody has the local FIFO open at the
    /// other end.
    #[arg(long, conflicts_with = "timeout")]
    pub no_wait: bool,
    /// Keep up to BYTES read but not yet acknowledged by the receiver, to
    /// send again after the link drops (suffixes K, M, G). When it is full
    /// SRC is not read until the receiver catches up: nothing is dropped.
    /// Also the largest --frame message.
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer, default_value = "16M")]
    pub replay_buffer: usize,
    /// How long to keep trying to get a link back after it drops (and to
    /// get the first one, for a side that connects); then give up with
    /// status 124. "0" gives up at once.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "1m")]
    pub retry: Duration,
    /// A shared secret (16 bytes or more) both sides prove they have, by
    /// challenge and response: it never crosses the wire. Needed by
    /// tcp-listen on any address but loopback. The data is not encrypted.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Also take peers of user UID on this host (repeatable): over a Unix
    /// socket, or TCP without --key (Linux), a bridge at the other end,
    /// listening or connecting, must be this process's user or root, as
    /// the kernel tells it.
    #[arg(long, value_name = "UID")]
    pub allow_uid: Vec<u32>,
    /// ssh: the command that reaches the host, split at spaces, as rsync -e
    /// takes it (e.g. 'ssh -p 2222 -i key'). OpenSSH's ssh is given
    /// -o ConnectTimeout=20 -o ServerAliveInterval=10 -o ServerAliveCountMax=3
    /// after it, so a dead link ends; an -o of yours here wins.
    #[arg(long, value_name = "CMD", default_value = "ssh")]
    pub ssh: String,
    /// ssh: the fifo program on the remote host.
    #[arg(long, value_name = "PROG", default_value = "fifo")]
    pub remote_fifo: String,
    /// Run as the keeper that a stdio: bridge starts: its first peer (that
    /// relay) must come within --retry (at least 10 s), or nobody will.
    #[arg(long, hide = true)]
    pub keeper: bool,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// What to read: a FIFO, a file or "-" (stdin), or a transport to the
    /// peer bridge that reads it: tcp:HOST:PORT, tcp-listen:[ADDR:]PORT,
    /// unix:PATH, unix-listen:PATH, ssh:[USER@]HOST:PATH, stdio:,
    /// exec:COMMAND.
    #[arg(value_name = "SRC")]
    pub src: OsString,
    /// Where to write: a FIFO or "-" (stdout), or a transport to the peer
    /// bridge that writes it. Exactly one of SRC and DST is local.
    #[arg(value_name = "DST")]
    pub dst: OsString,
}

impl Streams for BridgeArgs {
    /// `-` and `stdio:`.
    fn needs(&self) -> Needs {
        let (src, dst) = (self.src.as_os_str(), self.dst.as_os_str());
        let stdio = src == "stdio:" || dst == "stdio:";
        Needs::new(src == "-" || stdio, dst == "-" || stdio)
    }
}
