//! What `fifo bridge` will do, resolved from its arguments without any
//! I/O: which side is local data, which the transport, and the command
//! line an ssh or exec transport runs.

use std::ffi::{OsStr, OsString};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use fifo_core::bridge::{Endpoint, Transport};

use crate::cli::BridgeArgs;

/// One operand, SRC or DST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A path, or `-` for standard input or output.
    Local(PathBuf),
    /// `tcp:HOST:PORT`.
    Tcp(String, u16),
    /// `tcp-listen:[ADDR:]PORT`.
    TcpListen(SocketAddr),
    /// `unix:PATH`.
    Unix(PathBuf),
    /// `unix-listen:PATH`.
    UnixListen(PathBuf),
    /// `ssh:[USER@]HOST:PATH`.
    Ssh(String, String),
    /// `stdio:`.
    Stdio,
    /// `exec:COMMAND`.
    Exec(String),
}

/// Which way the local data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The local data is SRC: this bridge sends.
    Send,
    /// The local data is DST: this bridge receives.
    Receive,
}

/// What the bridge does.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// Which side is local.
    pub direction: Direction,
    /// The local data (`-`: a standard stream).
    pub local: PathBuf,
    /// The transport to the peer.
    pub endpoint: Endpoint,
}

/// Parses one operand: a transport by its prefix, anything else a path
/// (`./tcp:x` is the file named `tcp:x`).
///
/// # Errors
/// What is wrong with a transport's operand.
pub fn parse_spec(operand: &OsStr) -> Result<Spec, String> {
    let bytes = operand.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return Ok(Spec::Local(PathBuf::from(operand)));
    };
    let (scheme, rest) = (&bytes[..colon], &bytes[colon + 1..]);
    let text = || {
        std::str::from_utf8(rest)
            .map(str::to_owned)
            .map_err(|_| format!("'{}': not UTF-8", operand.to_string_lossy()))
    };
    let path = || {
        if rest.is_empty() {
            Err(format!("'{}': no path", operand.to_string_lossy()))
        } else {
            Ok(PathBuf::from(OsStr::from_bytes(rest)))
        }
    };
    match scheme {
        b"tcp" => {
            let text = text()?;
            let (host, port) =
                host_port(&text).ok_or_else(|| format!("'tcp:{text}': expected tcp:HOST:PORT"))?;
            Ok(Spec::Tcp(host.to_owned(), port))
        }
        b"tcp-listen" => listen_addr(&text()?).map(Spec::TcpListen),
        b"unix" => path().map(Spec::Unix),
        b"unix-listen" => path().map(Spec::UnixListen),
        b"ssh" => {
            let text = text()?;
            match text.split_once(':') {
                // ssh would take it as an option (`-oProxyCommand=...` runs
                // a command), as git refuses such a host.
                Some((host, _)) if host.starts_with('-') => Err(format!(
                    "'ssh:{text}': a host cannot start with '-' (ssh would take it as an option)"
                )),
                Some((host, path)) if !host.is_empty() && !path.is_empty() => {
                    Ok(Spec::Ssh(host.to_owned(), path.to_owned()))
                }
                _ => Err(format!("'ssh:{text}': expected ssh:[USER@]HOST:PATH")),
            }
        }
        b"stdio" if rest.is_empty() => Ok(Spec::Stdio),
        b"stdio" => Err(format!(
            "'{}': stdio: takes nothing after the colon",
            operand.to_string_lossy()
        )),
        b"exec" => match text()? {
            command if command.trim().is_empty() => Err("'exec:': no command".to_owned()),
            command => Ok(Spec::Exec(command)),
        },
        _ => Ok(Spec::Local(PathBuf::from(operand))),
    }
}

/// `HOST:PORT`, the host maybe in brackets (`[::1]:80`).
fn host_port(text: &str) -> Option<(&str, u16)> {
    let (host, port) = text.rsplit_once(':')?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let port = port.parse().ok()?;
    (!host.is_empty()).then_some((host, port))
}

/// `[ADDR:]PORT`; loopback (127.0.0.1) when no address is given.
fn listen_addr(text: &str) -> Result<SocketAddr, String> {
    let bad = || format!("'tcp-listen:{text}': expected tcp-listen:[ADDR:]PORT");
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    let (host, port) = host_port(text).ok_or_else(bad)?;
    let ip: IpAddr = host.parse().map_err(|_| bad())?;
    Ok(SocketAddr::new(ip, port))
}

/// Resolves the arguments into a plan.
///
/// # Errors
/// A usage mistake, worded for one line.
pub fn plan(args: &BridgeArgs) -> Result<Plan, String> {
    let (src, dst) = (parse_spec(&args.src)?, parse_spec(&args.dst)?);
    let (direction, local, remote, name) = match (src, dst) {
        (Spec::Local(_), Spec::Local(_)) => {
            return Err(
                "one of SRC and DST must be a transport (tcp:, unix:, ssh:, stdio:, exec: ...)"
                    .to_owned(),
            );
        }
        (Spec::Local(local), remote) => (Direction::Send, local, remote, &args.dst),
        (remote, Spec::Local(local)) => (Direction::Receive, local, remote, &args.src),
        _ => return Err("one of SRC and DST must be local data (a path or -)".to_owned()),
    };
    let transport = match remote {
        Spec::Tcp(host, port) => Transport::Tcp { host, port },
        Spec::TcpListen(addr) => {
            if !addr.ip().is_loopback() && args.key.is_none() {
                return Err(format!(
                    "tcp-listen on {} (not loopback) needs --key FILE: anyone who reaches it could connect",
                    addr.ip()
                ));
            }
            Transport::TcpListen(addr)
        }
        Spec::Unix(path) => Transport::Unix(path),
        Spec::UnixListen(path) => Transport::UnixListen(path),
        Spec::Stdio if local.as_os_str() == "-" => {
            return Err(
                "- and stdio: would both be this process's standard input and output".to_owned(),
            );
        }
        Spec::Stdio => Transport::Stdio,
        Spec::Exec(command) => Transport::Command(vec!["sh".into(), "-c".into(), command.into()]),
        Spec::Ssh(host, path) => Transport::Command(ssh_command(args, direction, &host, &path)?),
        Spec::Local(_) => unreachable!("matched above"),
    };
    Ok(Plan {
        direction,
        local,
        endpoint: Endpoint {
            name: name.to_string_lossy().into_owned(),
            transport,
        },
    })
}

/// What OpenSSH is told so that a dead link ends it instead of holding the
/// bridge for ever: a connection that never answers (a SYN sent while the
/// route was down can reach a host that accepts and says nothing) fails
/// after 20 s, and a link gone silent after about 30 s. ssh keeps the first
/// value it is given, so the user's own `-o` in `--ssh` wins.
const LINK_WATCH: [&str; 3] = [
    "ConnectTimeout=20",
    "ServerAliveInterval=10",
    "ServerAliveCountMax=3",
];

/// `--ssh` split at spaces, [`LINK_WATCH`] when its program is `ssh`, the
/// host, and the remote bridge's command line (one string, which the
/// remote shell splits: PATH is quoted for it).
fn ssh_command(
    args: &BridgeArgs,
    direction: Direction,
    host: &str,
    path: &str,
) -> Result<Vec<OsString>, String> {
    let mut line: Vec<OsString> = args.ssh.split_whitespace().map(OsString::from).collect();
    let Some(program) = line.first() else {
        return Err("--ssh: no command".to_owned());
    };
    if Path::new(program).file_name() == Some(OsStr::new("ssh")) {
        line.extend(
            LINK_WATCH
                .iter()
                .flat_map(|option| ["-o", option].map(OsString::from)),
        );
    }
    // The remote side mirrors this one: it writes what this side sends.
    let mut remote = vec![shell_quote(&args.remote_fifo), super::APPLET.to_owned()];
    let flags = [
        (args.frame, "--frame"),
        (args.create, "--create"),
        (args.once && direction == Direction::Receive, "--once"),
    ];
    remote.extend(
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, flag)| (*flag).to_owned()),
    );
    remote.push(format!("--replay-buffer={}", args.replay_buffer));
    let (src, dst) = match direction {
        Direction::Send => ("stdio:".to_owned(), shell_quote(path)),
        Direction::Receive => (shell_quote(path), "stdio:".to_owned()),
    };
    remote.extend(["--".to_owned(), src, dst]);
    line.extend([OsString::from(host), OsString::from(remote.join(" "))]);
    Ok(line)
}

/// `text` in single quotes for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(operands: &[&str]) -> Result<Plan, String> {
        let words = ["fifo", "bridge"].iter().chain(operands);
        let line: Vec<OsString> = words.map(OsString::from).collect();
        match crate::cli::parse(&line).unwrap().command.unwrap() {
            crate::cli::Command::Bridge(args) => plan(&args),
            _ => unreachable!(),
        }
    }

    fn spec(text: &str) -> Result<Spec, String> {
        parse_spec(OsStr::new(text))
    }

    #[test]
    fn operands_parse_into_their_kind() {
        assert_eq!(spec("/tmp/f"), Ok(Spec::Local("/tmp/f".into())));
        assert_eq!(spec("-"), Ok(Spec::Local("-".into())));
        assert_eq!(spec("./tcp:x"), Ok(Spec::Local("./tcp:x".into())));
        assert_eq!(spec("tcp:db:7000"), Ok(Spec::Tcp("db".into(), 7000)));
        assert_eq!(spec("tcp:[::1]:7000"), Ok(Spec::Tcp("::1".into(), 7000)));
        assert_eq!(
            spec("tcp-listen:7000"),
            Ok(Spec::TcpListen("127.0.0.1:7000".parse().unwrap()))
        );
        assert_eq!(
            spec("tcp-listen:0.0.0.0:7000"),
            Ok(Spec::TcpListen("0.0.0.0:7000".parse().unwrap()))
        );
        assert_eq!(spec("unix:/run/s"), Ok(Spec::Unix("/run/s".into())));
        assert_eq!(spec("unix-listen:s"), Ok(Spec::UnixListen("s".into())));
        assert_eq!(
            spec("ssh:me@box:/tmp/f"),
            Ok(Spec::Ssh("me@box".into(), "/tmp/f".into()))
        );
        assert_eq!(spec("stdio:"), Ok(Spec::Stdio));
        assert_eq!(
            spec("exec:docker exec -i w fifo bridge stdio: /f"),
            Ok(Spec::Exec("docker exec -i w fifo bridge stdio: /f".into()))
        );
        for bad in [
            "tcp:db",
            "tcp:db:port",
            "tcp-listen:x",
            "unix:",
            "ssh:box",
            "ssh::/f",
            "ssh:-oProxyCommand=sh -c x:/f",
            "ssh:-F/tmp/config:/f",
            "stdio:x",
            "exec: ",
        ] {
            assert!(spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn exactly_one_side_is_local_data() {
        let plan = plan_of(&["f", "tcp:h:1"]).unwrap();
        assert_eq!(
            (plan.direction, plan.local),
            (Direction::Send, PathBuf::from("f"))
        );
        let plan = plan_of(&["unix-listen:s", "-"]).unwrap();
        assert_eq!(plan.direction, Direction::Receive);
        assert_eq!(plan.endpoint.name, "unix-listen:s");
        assert!(
            plan_of(&["a", "b"])
                .unwrap_err()
                .contains("must be a transport")
        );
        assert!(
            plan_of(&["tcp:h:1", "stdio:"])
                .unwrap_err()
                .contains("must be local data")
        );
        let err = plan_of(&["-", "stdio:"]).unwrap_err();
        assert!(err.contains("both be this process's"), "{err}");
    }

    #[test]
    fn an_open_tcp_listen_needs_a_key() {
        let err = plan_of(&["f", "tcp-listen:0.0.0.0:7000"]).unwrap_err();
        assert!(err.contains("needs --key"), "{err}");
        assert!(plan_of(&["--key", "k", "f", "tcp-listen:0.0.0.0:7000"]).is_ok());
        assert!(plan_of(&["f", "tcp-listen:[::1]:7000"]).is_ok());
    }

    #[test]
    fn ssh_runs_the_mirror_bridge_on_the_host() {
        let plan = plan_of(&[
            "--ssh",
            "ssh -p 2222",
            "--frame",
            "f",
            "ssh:me@box:/tmp/it's",
        ])
        .unwrap();
        let Transport::Command(argv) = plan.endpoint.transport else {
            panic!("{plan:?}")
        };
        assert_eq!(
            argv,
            [
                "ssh",
                "-p",
                "2222",
                "-o",
                "ConnectTimeout=20",
                "-o",
                "ServerAliveInterval=10",
                "-o",
                "ServerAliveCountMax=3",
                "me@box",
                r"'fifo' bridge --frame --replay-buffer=16777216 -- stdio: '/tmp/it'\''s'"
            ]
        );
        let plan = plan_of(&["--once", "ssh:box:/f", "-"]).unwrap();
        let Transport::Command(argv) = plan.endpoint.transport else {
            panic!("{plan:?}")
        };
        assert_eq!(
            argv[8],
            "'fifo' bridge --once --replay-buffer=16777216 -- '/f' stdio:"
        );
    }

    #[test]
    fn only_openssh_is_told_how_to_watch_the_link() {
        let argv_of = |ssh: &str| {
            let plan = plan_of(&["--ssh", ssh, "f", "ssh:box:/g"]).unwrap();
            let Transport::Command(argv) = plan.endpoint.transport else {
                panic!("{plan:?}")
            };
            argv
        };
        assert!(argv_of("/usr/bin/ssh -q").contains(&"ConnectTimeout=20".into()));
        assert_eq!(argv_of("dbclient -y")[..3], ["dbclient", "-y", "box"]);
    }

    #[test]
    fn exec_runs_through_sh() {
        let plan = plan_of(&["f", "exec:fifo bridge stdio: g"]).unwrap();
        assert_eq!(
            plan.endpoint.transport,
            Transport::Command(vec![
                "sh".into(),
                "-c".into(),
                "fifo bridge stdio: g".into()
            ])
        );
    }
}
