//! The list of commands and what each one says of itself: its name, its
//! summary, its man page's description, its examples, the exit statuses it
//! can end with and what its operands are. This is the prose of the applet
//! table, which grows with every command; the table's shape, [`APPLETS`]
//! and the lookups are in the parent module, which re-exports all of it.
//!
//! [`APPLETS`]: super::APPLETS

use super::{Applet, Operands};

/// The one list of commands, in the order `--help`, `--list` and the man
/// pages show: each command's variant of [`Command`](crate::cli::Command),
/// its arguments, its entry in this table and its module under `applet/`.
/// Calls the macro `$then` with the list: `cli` makes the `Command` enum
/// and [`APPLETS`](super::APPLETS) from it, `applet` its modules and the
/// dispatch.
macro_rules! each_applet {
    ($then:ident) => {
        $then! {
            Mk(MkArgs) = MK in mk,
            Cat(CatArgs) = CAT in cat,
            Send(SendArgs) = SEND in send,
            Tee(TeeArgs) = TEE in tee,
            Redirect(RedirectArgs) = REDIRECT in redirect,
            Stat(StatArgs) = STAT in stat,
            Hold(HoldArgs) = HOLD in hold,
            Wait(WaitArgs) = WAIT in wait,
            Serve(ServeArgs) = SERVE in serve,
            Call(CallArgs) = CALL in call,
            Bridge(BridgeArgs) = BRIDGE in bridge,
            Completions(CompletionsArgs) = COMPLETIONS in completions,
            Man(ManArgs) = MAN in man,
        }
    };
}
pub(crate) use each_applet;

/// `fifo` itself: its page's description and its examples (its page lists
/// every exit status).
pub const TOOLBOX: Applet = Applet {
    name: "",
    summary: "Named pipes (FIFOs) made pleasant and safe to use from the shell",
    description: "fifo makes named pipes (FIFOs) safe and pleasant to use from the shell. Each command \
     runs as fifo COMMAND, or through a link named fifo-COMMAND. Opening a FIFO waits for \
     the other end, so every command that opens one can give up after a --timeout or at \
     once (--no-wait); nothing in the toolbox turns a typo into a regular file.",
    examples: &[
        (
            "a reader in one terminal",
            "fifo cat --create --rm /tmp/ping",
        ),
        ("a writer in another", "fifo send /tmp/ping hello"),
        (
            "bash's exec 42> with a timeout",
            "fifo redirect --fd 42 --write -t 5s /tmp/fd/42 -- bash -c 'echo hi >&42'",
        ),
    ],
    statuses: &[],
    operands: Operands::Files,
};

/// `fifo mk`.
pub const MK: Applet = Applet {
    name: "mk",
    summary: "Create named pipes (private, mode 0600, by default)",
    description: "fifo mk creates each PATH as a FIFO with exactly the mode asked for (0600 unless -m \
     says otherwise), never changing it afterwards. With --temp it makes one FIFO in a new \
     private directory and prints its path, the race-free replacement for mktemp -u.",
    examples: &[
        // Keep the permissions each example promises in its text: the
        // mk_help scenario runs every example and checks them.
        (
            "a FIFO its group may read and others may not touch (prw-r-----)",
            "fifo mk -m u=rw,g=r,o= /tmp/jobs",
        ),
        (
            "a private FIFO (prw-------) in a fresh directory, for a script",
            "fifo=$(fifo mk --temp)",
        ),
    ],
    statuses: &["0", "1", "2"],
    operands: Operands::Files,
};

/// `fifo cat`.
pub const CAT: Applet = Applet {
    name: "cat",
    summary: "Copy FIFOs (or files, or stdin) to stdout, waiting for writers",
    description: "fifo cat copies each PATH in turn to standard output; - is standard input. Opening a \
     FIFO waits for a writer; reading stops when the last writer closes, unless -k keeps it \
     open for later writers. With -c or -l it never takes more from a FIFO than it prints: \
     the rest stays for the next reader. --merge reads several FIFOs at once and writes \
     whole lines only.",
    examples: &[
        (
            "serve a ping client's requests, then clean up",
            "fifo cat --create --rm /tmp/ping",
        ),
        (
            "follow a log FIFO across writers; stop after 30s of quiet",
            "fifo cat -k --idle 30s /tmp/log | grep ERROR",
        ),
        (
            "take one line, leave the rest for the next reader",
            "fifo cat -l 1 /tmp/jobs",
        ),
        (
            "whole JSON documents of any size from many writers, one per NUL",
            "fifo cat --frame -0 /tmp/docs | xargs -0 -n 1 ./handle",
        ),
    ],
    statuses: &["0", "1", "2", "124", "129, 130, 143", "141"],
    operands: Operands::Fifos,
};

/// `fifo send`.
pub const SEND: Applet = Applet {
    name: "send",
    summary: "Write a message or stdin into a FIFO, waiting for a reader",
    description: "fifo send writes MESSAGE (the words joined by spaces, plus a newline) or, without \
     one, standard input into the FIFO PATH. Opening waits for a reader. Anything that is \
     not a FIFO is refused before a byte is written. With -l (or -0) every line (record) \
     goes out whole in one write, so concurrent senders never interleave inside a line.",
    examples: &[
        (
            "one message, failing at once if nobody reads",
            "fifo send --no-wait /tmp/ping hello world",
        ),
        (
            "many writers, no torn lines",
            "tail -f app.log | fifo send -l /tmp/log",
        ),
        (
            "a message of any size, never torn by other writers",
            "jq -c . big.json | fifo send --frame /tmp/docs",
        ),
    ],
    statuses: &["0", "1", "2", "3", "124"],
    operands: Operands::OnlyFifos,
};

/// `fifo tee`.
pub const TEE: Applet = Applet {
    name: "tee",
    summary: "Copy stdin to stdout and to every PATH, opening FIFOs concurrently",
    description: "fifo tee copies standard input to standard output and to every PATH: FIFOs, opened \
     concurrently so one slow reader does not keep the others waiting, or existing regular \
     files. An output whose reader goes away is dropped with a warning while the others \
     get every byte, in order.",
    examples: &[
        (
            "fan out to two consumers",
            "producer | fifo tee /tmp/a /tmp/b > /dev/null",
        ),
        (
            "log to a file, feed a monitor only if it listens",
            "fifo tee -a run.log --no-wait /tmp/monitor < events",
        ),
    ],
    statuses: &["0", "1", "2", "124", "141"],
    operands: Operands::Fifos,
};

/// `fifo redirect`.
pub const REDIRECT: Applet = Applet {
    name: "redirect",
    summary: "Open a FIFO on file descriptor N, then run CMD with it",
    description: "fifo redirect opens the FIFO PATH on descriptor N (as bash's exec N<, N> or N<> \
     would, but with a timeout) and then runs CMD with it, in place of itself. CMD and its \
     arguments follow --. The status is CMD's.",
    examples: &[
        (
            "bash's exec 42> flow, as one command",
            "fifo redirect --fd 42 --write /tmp/fd/42 -- bash -c \"echo 'message from the process A' >&42\"",
        ),
        (
            "a worker reading fd 3 and writing fd 4",
            "fifo redirect --fd 3 --read in -- fifo redirect --fd 4 --write out -- ./worker",
        ),
    ],
    statuses: &["0", "1", "2", "124", "126, 127", "other"],
    operands: Operands::Fifos,
};

/// `fifo stat`.
pub const STAT: Applet = Applet {
    name: "stat",
    summary: "Show what a path is: type, mode, owner, times, and pipe state",
    description: "fifo stat reports on each PATH, of any file type: type, permissions, owner, times, and \
     for a FIFO its pipe state (readers, writers, the bytes waiting in it, its capacity) as \
     far as /proc (on macOS and FreeBSD, the process table) shows it. It never opens a FIFO, so it consumes no data and completes no \
     waiting open.",
    examples: &[
        (
            "what ls -l shows, and who owns it",
            "fifo stat -c '%A %U %n' /tmp/ping",
        ),
        (
            "machine-readable, one JSON object per path",
            "fifo stat --json /tmp/*.fifo",
        ),
    ],
    statuses: &["0", "1", "2", "124", "141"],
    operands: Operands::Fifos,
};

/// `fifo hold`.
pub const HOLD: Applet = Applet {
    name: "hold",
    summary: "Keep FIFOs open at both ends: writers never block, readers never see end-of-file between writers, data waits for the next reader",
    description: "fifo hold opens each FIFO at both ends and keeps it open, so that writers never block \
     waiting for a reader, readers never see end-of-file between writers, and data waits \
     for the next reader. It runs until a signal, --idle, or fifo hold --stop ends it; -b \
     returns once the hold is in place.",
    examples: &[
        (
            "keep a queue open for the whole session; writers never block",
            "fifo hold -b --create /tmp/jobs && fifo send --no-wait /tmp/jobs 'job 1'",
        ),
        (
            "hold until nobody else has it open and it is drained, then tidy up",
            "fifo hold --create --rm --idle 30s /tmp/jobs",
        ),
        (
            "release the queue held in the background",
            "fifo hold --stop /tmp/jobs",
        ),
    ],
    statuses: &["0", "1", "2", "124", "129, 130, 143"],
    operands: Operands::Fifos,
};

/// `fifo wait`.
pub const WAIT: Applet = Applet {
    name: "wait",
    summary: "Wait, never opening anything, until each FIFO exists, has a reader or a writer, or has data waiting in it or none",
    description: "fifo wait waits, without ever opening the FIFO, until a condition holds for every \
     PATH: it exists, has a reader or a writer, or has data waiting in it or none. Use it \
     in place of a sleep loop before starting the other side.",
    examples: &[
        (
            "start the consumer once the producer's FIFO is there (no sleep loop)",
            "fifo wait --exists -t 30s /run/app/events && consumer < /run/app/events",
        ),
        (
            "send only once somebody reads, without waiting forever",
            "fifo wait --reader -t 10s /tmp/jobs && fifo send /tmp/jobs 'job 1'",
        ),
        (
            "wait until the consumer has drained the queue",
            "fifo wait --empty /tmp/jobs",
        ),
    ],
    statuses: &["0", "1", "2", "124"],
    operands: Operands::Fifos,
};

/// `fifo serve`.
pub const SERVE: Applet = Applet {
    name: "serve",
    summary: "Run CMD once per request read from a FIFO (a line, a NUL-terminated record or a framed message), up to N at once, output never interleaved",
    description: "fifo serve reads requests from the FIFO PATH and runs CMD once per request, with the \
     request on its standard input: a line (with -0, a NUL-terminated record) or a framed \
     message, told apart by its first byte. Up to --jobs requests run at once, each by \
     exactly one CMD. Each job's output is written out whole when it ends, never \
     interleaved with another's. Calls from fifo call come on the Unix socket PATH.sock \
     beside the FIFO, from callers the kernel says may write PATH, and get their output, \
     errors and status back instead. serve holds PATH open at both ends, so producers \
     never block. \
     The status is 0 if every CMD succeeded, 1 if any failed.",
    examples: &[
        (
            "a work queue: run each job line with up to 4 workers",
            "fifo serve --create -j 4 /tmp/jobs -- sh -c 'read job; ./work \"$job\"'",
        ),
        (
            "upper-case whatever a caller sends; stop after a minute of quiet",
            "fifo serve --create --rm --idle 1m /tmp/upper -- tr a-z A-Z",
        ),
        (
            "as parallel -k --retries 3 --joblog: output in request order, each failed job tried up to 3 times, a line per job in jobs.log",
            "fifo serve -k -j 4 --retries 3 --joblog jobs.log /tmp/urls -- sh -c 'read url; curl -fsS \"$url\"'",
        ),
    ],
    statuses: &["0", "1", "2", "129, 130, 143", "141"],
    operands: Operands::Fifos,
};

/// `fifo call`.
pub const CALL: Applet = Applet {
    name: "call",
    summary: "Send one request to a fifo serve and print its reply; exit with its command's status",
    description: "fifo call sends one request (the words joined by spaces, plus a newline, or all of \
     standard input) to the fifo serve reading PATH, over its call socket PATH.sock, and \
     copies the reply to standard output and standard error. It believes only a server \
     running as the FIFO's owner, as root or as the caller (the kernel names the listening \
     process's user), and the reply comes back on the caller's own connection. The status \
     is CMD's (128+N if signal N killed it). A call makes no file, so nothing is left \
     behind however it ends.",
    examples: &[
        (
            "ask the server and print its answer (HELLO)",
            "fifo call /tmp/upper hello",
        ),
        (
            "send a file as one request; give up after 10 seconds",
            "fifo call -t 10s /tmp/upper < notes.txt",
        ),
    ],
    statuses: &["0", "1", "2", "3", "124", "other"],
    operands: Operands::Fifos,
};

/// `fifo bridge`.
pub const BRIDGE: Applet = Applet {
    name: "bridge",
    summary: "Carry a FIFO's stream to a FIFO on another host, container or VM, over ssh, any stdio command, TCP or a Unix socket; nothing is lost or duplicated when the link drops",
    description: "fifo bridge copies the stream read from SRC into DST, where one of them is local data \
     (a FIFO, a file for SRC, or - for a standard stream) and the other a transport to a \
     peer fifo bridge: tcp:HOST:PORT, tcp-listen:[ADDR:]PORT, unix:PATH, unix-listen:PATH, \
     ssh:[USER@]HOST:PATH (which runs fifo bridge on HOST), stdio: or exec:COMMAND. The \
     sender keeps what the receiver has not acknowledged in a bounded replay buffer; when \
     the link drops, the side that connected connects again and the rest is sent, so \
     nothing is lost or duplicated. A FIFO SRC is kept open across writers unless --once. \
     tcp-listen binds 127.0.0.1 unless given an address, which needs --key; unix-listen \
     accepts only the same user. Nothing is encrypted except through ssh.",
    examples: &[
        (
            "a FIFO here feeds a FIFO on another host, surviving dropped links",
            "fifo bridge /tmp/events ssh:backup@db:/run/events.fifo",
        ),
        (
            "into a container (its image has fifo)",
            "fifo bridge /tmp/jobs exec:'docker exec -i web fifo bridge stdio: /run/jobs'",
        ),
        (
            "over TCP on a private network, with a shared key",
            "fifo bridge --key ~/.bridge.key tcp-listen:0.0.0.0:7000 /tmp/in",
        ),
    ],
    statuses: &["0", "1", "2", "3", "124", "129, 130, 143"],
    operands: Operands::Files,
};

/// `fifo completions`.
pub const COMPLETIONS: Applet = Applet {
    name: "completions",
    summary: "Print the completion script for a shell",
    description: "fifo completions prints the script that makes SHELL complete fifo and its fifo-COMMAND \
     links: commands, options, and FIFOs before other files. The script asks fifo itself \
     for the candidates, so it stays right as fifo changes.",
    examples: &[
        (
            "bash, for the current user",
            "fifo completions bash > ~/.local/share/bash-completion/completions/fifo",
        ),
        (
            "fish",
            "fifo completions fish > ~/.config/fish/completions/fifo.fish",
        ),
    ],
    statuses: &["0", "2", "141"],
    operands: Operands::Files,
};

/// `fifo man`.
pub const MAN: Applet = Applet {
    name: "man",
    summary: "Print the man page, or write all of them into a directory",
    description: "fifo man prints the page of fifo(1) in roff, or with --dir writes fifo.1 and one \
     fifo-COMMAND.1 page per command into DIR.",
    examples: &[
        ("read the manual", "fifo man | man -l -"),
        (
            "install every page beside ~/.cargo/bin, where man looks",
            "mkdir -p ~/.cargo/share/man/man1 && fifo man --dir ~/.cargo/share/man/man1",
        ),
    ],
    statuses: &["0", "1", "2", "141"],
    operands: Operands::Files,
};
