//! What an error is about: the subject, the step that failed, the missing
//! peer; each as it reads in a message.

use std::fmt::{self, Write as _};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// What an operation was acting on when it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// A path named by the user.
    Path(PathBuf),
    /// The process's standard input.
    Stdin,
    /// The process's standard output.
    Stdout,
    /// Another process, by its PID.
    Process(i32),
    /// The file a deep buffer spills to (it has no name).
    BufferFile,
    /// The standard input a command is started with (`serve`'s CMD): not
    /// this process's own.
    CommandInput,
}

impl Subject {
    /// The subject for a path.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::Path(path.into())
    }
}

/// How a subject reads in a message: a path in single quotes, with control
/// characters and bytes that are not UTF-8 escaped so the message stays one
/// readable line (`'x\ny'`, `'bad\xffname'`); `standard input`, `standard
/// output`, `process PID` for the others.
impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = match self {
            Self::Path(path) => path,
            Self::Stdin => return f.write_str("standard input"),
            Self::Stdout => return f.write_str("standard output"),
            Self::Process(pid) => return write!(f, "process {pid}"),
            Self::BufferFile => return f.write_str("the buffer file"),
            Self::CommandInput => return f.write_str("the command's standard input"),
        };
        write!(f, "'{}'", Escaped(path.as_os_str().as_bytes()))
    }
}

/// Text from outside (a path, a process's name) as a message shows it:
/// control characters and bytes that are not UTF-8 escaped (`x\ny`,
/// `bad\xffname`), so that it stays on one line and sends nothing to the
/// terminal but what it reads as.
///
/// ```
/// use fifo_core::error::Escaped;
///
/// assert_eq!(Escaped(b"ev\x1b[2J\nx\xff").to_string(), "ev\\u{1b}[2J\\nx\\xff");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            for ch in chunk.valid().chars() {
                match ch {
                    '\n' => f.write_str("\\n")?,
                    '\t' => f.write_str("\\t")?,
                    '\\' => f.write_str("\\\\")?,
                    c if c.is_control() => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                    c => f.write_char(c)?,
                }
            }
            for byte in chunk.invalid() {
                write!(f, "\\x{byte:02x}")?;
            }
        }
        Ok(())
    }
}

/// The step of an operation that failed; it leads the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Creating a FIFO.
    CreateFifo,
    /// Creating a directory (missing parents, a private temporary one).
    CreateDir,
    /// Creating the file a deep buffer spills to.
    CreateBufferFile,
    /// Opening a path.
    Open,
    /// Reading data.
    Read,
    /// Writing data.
    Write,
    /// Looking at a path's metadata.
    Stat,
    /// Removing a FIFO this process created.
    Remove,
    /// Changing a descriptor's flags or pipe size.
    Configure,
    /// Waiting for data or a peer.
    Wait,
    /// Sending a signal to a process.
    Signal,
    /// Starting a thread (the system may refuse one: `ulimit -u`).
    StartThread,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CreateFifo => "cannot create fifo",
            Self::CreateDir => "cannot create directory",
            Self::CreateBufferFile => "cannot create buffer file",
            Self::Open => "cannot open",
            Self::Read => "read error",
            Self::Write => "write error",
            Self::Stat => "cannot stat",
            Self::Remove => "cannot remove",
            Self::Configure => "cannot configure",
            Self::Wait => "cannot wait",
            Self::Signal => "cannot signal",
            Self::StartThread => "cannot start a thread",
        })
    }
}

/// The other end of a FIFO that an open waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// A process that opens the FIFO for reading.
    Reader,
    /// A process that opens the FIFO for writing.
    Writer,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Reader => "reader",
            Self::Writer => "writer",
        })
    }
}
