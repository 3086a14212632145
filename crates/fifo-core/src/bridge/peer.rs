//! Who owns the other end of a link on this host, as the kernel tells it
//! (never as the peer claims): `SO_PEERCRED` for a Unix socket, and for
//! TCP the owner of the peer's socket in Linux's `/proc/net/tcp` tables.
//! Without a key, loopback TCP is open to every user of the host: another
//! user's bridge at the other end could read the stream or feed its own.

use std::fmt::Write as _;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;

use super::error::{Error, Step};

/// The users whose bridges may be the peer: this process's user, root
/// (who may open this user's FIFOs anyway) and those allowed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trust {
    allowed: Vec<u32>,
}

impl Trust {
    pub(crate) fn new(allowed: Vec<u32>) -> Self {
        Self { allowed }
    }

    /// Whether users other than this one and root are trusted.
    pub(crate) fn others(&self) -> bool {
        !self.allowed.is_empty()
    }

    /// Why a TCP peer is refused, if it is, without a key: a user not
    /// trusted, or a peer on another host, where anyone could be it.
    pub(crate) fn tcp_refusal(&self, whose: Whose, what: &str) -> Option<String> {
        match whose {
            Whose::User(uid) => self.refusal(uid, what),
            Whose::Elsewhere => Some(ELSEWHERE.to_owned()),
            Whose::Closing => Some(format!("cannot tell who connected: {CLOSING}")),
            Whose::Untold => None,
        }
    }

    /// Why a peer owned by `uid` is refused, if it is.
    pub(crate) fn refusal(&self, uid: u32, what: &str) -> Option<String> {
        let own = nix::unistd::Uid::effective().as_raw();
        (uid != own && uid != 0 && !self.allowed.contains(&uid))
            .then(|| format!("uid {uid} is not allowed to {what}"))
    }
}

/// The user owning the peer of a connected Unix socket.
pub(crate) fn unix_owner(stream: &UnixStream) -> io::Result<u32> {
    crate::sys::peer_uid(stream.as_fd())
}

/// Why a TCP peer on another host is refused without a key.
const ELSEWHERE: &str = "a peer on another host needs --key: without one, anyone there could be it";

/// Whose the peer of a TCP connection is, as far as this host can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Whose {
    /// A socket of this host (in this network namespace) owned by this user.
    User(u32),
    /// Not a socket of this host: another host (or network namespace),
    /// where anyone could be it.
    Elsewhere,
    /// The system does not say (not Linux, or no `/proc/net/tcp`).
    Untold,
    /// A socket of this host that its process has shut down or closed
    /// (Linux then shows it as root's, whoever's it was), or that is gone.
    Closing,
}

/// Why a peer whose socket is closing is not believed.
pub(crate) const CLOSING: &str =
    "its socket on this host is closing or gone, and no longer says whose it is";

/// Whose the peer of a TCP connection is: the user owning it when it is a
/// socket of this host (in this network namespace), by Linux's
/// `/proc/net/tcp` tables.
///
/// Only a peer socket that is open (established, or still being accepted)
/// has a known owner: once its process closed it, Linux shows it as root's
/// (an orphan has no file, so no owner), and a user could connect, send a
/// whole stream and close before the look-up to pass for root. A peer of
/// this host found closing is [`Whose::Closing`], never an owner.
pub(crate) fn tcp_owner(stream: &TcpStream) -> io::Result<Whose> {
    let (mine, theirs) = (stream.local_addr()?, stream.peer_addr()?);
    if !cfg!(target_os = "linux") {
        return Ok(Whose::Untold);
    }
    let (mut closing, mut looked) = (false, false);
    for (table, v6) in [("/proc/net/tcp", false), ("/proc/net/tcp6", true)] {
        let Some((mine, theirs)) = encode(mine, v6).zip(encode(theirs, v6)) else {
            continue;
        };
        let text = match std::fs::read_to_string(table) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        looked = true;
        match owner(&text, &theirs, &mine) {
            Found::Open(uid) => return Ok(Whose::User(uid)),
            Found::Closing => closing = true,
            Found::Nothing => {}
        }
    }
    if closing {
        return Ok(Whose::Closing);
    }
    Ok(if !looked {
        Whose::Untold
    } else if is_local(theirs.ip()) {
        // An address of this host with no socket: the peer went away
        // (a relay killed, a connection reset) between the connect and the
        // look-up; as closing, never another host's.
        Whose::Closing
    } else {
        Whose::Elsewhere
    })
}

/// Whether `ip` is an address of this host (in this network namespace):
/// loopback, or an address one of its interfaces has.
fn is_local(ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    if ip.is_loopback() {
        return true;
    }
    let Ok(addresses) = nix::ifaddrs::getifaddrs() else {
        return false;
    };
    addresses
        .filter_map(|interface| interface.address)
        .any(|address| {
            let mine = match (address.as_sockaddr_in(), address.as_sockaddr_in6()) {
                (Some(v4), _) => IpAddr::V4(v4.ip()),
                (_, Some(v6)) => IpAddr::V6(v6.ip()),
                _ => return false,
            };
            mine == ip
        })
}

/// What a table says of the socket from `local` to `remote`.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// Open (established, or being accepted: states 01 and 03), owned by
    /// this uid.
    Open(u32),
    /// Only in a state a socket reaches once it is shut down or closed
    /// (`FIN_WAIT1` and after), where the uid shown may be root's for
    /// anyone's socket.
    Closing,
    /// Not there.
    Nothing,
}

/// The uid column of the table's open socket from `local` to `remote`.
fn owner(table: &str, local: &str, remote: &str) -> Found {
    let mut found = Found::Nothing;
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (Some(l), Some(r), Some(state)) = (fields.get(1), fields.get(2), fields.get(3)) else {
            continue;
        };
        if !l.eq_ignore_ascii_case(local) || !r.eq_ignore_ascii_case(remote) {
            continue;
        }
        match (*state, fields.get(7).and_then(|uid| uid.parse().ok())) {
            ("01" | "03", Some(uid)) => return Found::Open(uid),
            _ => found = Found::Closing,
        }
    }
    found
}

/// `addr` as the kernel prints it in `/proc/net/tcp` (IPv4) or `tcp6`: the
/// address as 32-bit words in the host's byte order, then `:PORT`, in hex.
/// An IPv4 address is in `tcp6` as its IPv4-mapped form; an IPv6 one is
/// never in `tcp`.
fn encode(addr: SocketAddr, v6: bool) -> Option<String> {
    let octets: Vec<u8> = match (addr.ip(), v6) {
        (IpAddr::V4(ip), false) => ip.octets().to_vec(),
        (IpAddr::V4(ip), true) => ip.to_ipv6_mapped().octets().to_vec(),
        (IpAddr::V6(ip), true) => ip.octets().to_vec(),
        (IpAddr::V6(ip), false) => ip.to_ipv4_mapped()?.octets().to_vec(),
    };
    let words = octets
        .chunks(4)
        .map(|word| u32::from_ne_bytes([word[0], word[1], word[2], word[3]]));
    let mut text = String::new();
    for word in words {
        let _ = write!(text, "{word:08X}");
    }
    let _ = write!(text, ":{:04X}", addr.port());
    Some(text)
}

/// A listener whose socket was already closing when it was looked up: one
/// that turned this side away has said why first (its FAIL is waiting to
/// be read, and is all that is read of it), anything else is a link that
/// failed (tried again).
pub(crate) fn closing_listener(endpoint: &str, mut stream: TcpStream) -> Error {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(1)));
    if let Ok(super::wire::Frame::Fail(why)) = super::wire::read_frame(&mut stream) {
        return Error::Refused {
            endpoint: endpoint.to_owned(),
            why: format!("refused by the peer: {why}"),
        };
    }
    let why = format!("cannot tell who listens: {CLOSING}");
    Error::link(endpoint, Step::Connect, io::Error::other(why))
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use super::*;

    #[test]
    fn loopback_and_this_host_s_own_addresses_are_local_and_others_not() {
        assert!(is_local("127.0.0.1".parse().unwrap()));
        assert!(is_local("127.3.2.1".parse().unwrap()));
        assert!(is_local("::1".parse().unwrap()));
        assert!(is_local("::ffff:127.0.0.1".parse().unwrap()));
        // TEST-NET-1 and the IPv6 documentation prefix belong to no host.
        assert!(!is_local("192.0.2.1".parse().unwrap()));
        assert!(!is_local("2001:db8::1".parse().unwrap()));
    }

    #[test]
    fn addresses_are_written_as_the_kernel_writes_them() {
        let v4: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let word = u32::from_ne_bytes([127, 0, 0, 1]);
        assert_eq!(encode(v4, false).unwrap(), format!("{word:08X}:1F90"));
        let mapped = encode(v4, true).unwrap();
        assert!(mapped.ends_with(&format!("{word:08X}:1F90")), "{mapped}");
        let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 1);
        assert_eq!(encode(v6, false), None);
        assert_eq!(encode(v6, true).unwrap().len(), 32 + 5);
    }

    #[test]
    fn a_loopback_peer_is_found_with_its_owner() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let me = nix::unistd::Uid::effective().as_raw();
        if cfg!(target_os = "linux") {
            assert_eq!(tcp_owner(&client).unwrap(), Whose::User(me));
            assert_eq!(tcp_owner(&server).unwrap(), Whose::User(me));
        }
        let trust = Trust::default();
        assert_eq!(trust.refusal(me, "connect"), None);
        assert_eq!(trust.refusal(0, "connect"), None);
        assert_eq!(
            trust.refusal(me + 1, "connect").unwrap(),
            format!("uid {} is not allowed to connect", me + 1)
        );
        assert_eq!(Trust::new(vec![me + 1]).refusal(me + 1, "connect"), None);
        assert_eq!(trust.tcp_refusal(Whose::User(me), "connect"), None);
        assert_eq!(trust.tcp_refusal(Whose::Untold, "connect"), None);
        assert_eq!(
            trust.tcp_refusal(Whose::Elsewhere, "connect").unwrap(),
            ELSEWHERE
        );
    }

    #[test]
    fn only_an_open_socket_has_an_owner() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   \
             0: 0100007F:1F90 0100007F:D431 06 00000000:00000000 03:00000000 00000000     0        0 0\n   \
             1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 123 1\n   \
             2: 0100007F:1F90 0100007F:D433 05 00000000:00000000 00:00000000 00000000     0        0 0 1\n   \
             3: 0100007F:1F90 0100007F:D434 03 00000000:00000000 00:00000000 00000000  1000        0 0 1\n";
        assert_eq!(
            owner(table, "0100007F:1F90", "0100007F:D431"),
            Found::Open(1000)
        );
        assert_eq!(
            owner(table, "0100007F:1F90", "0100007F:D432"),
            Found::Nothing
        );
        // FIN_WAIT2, closed by its process: shown as root's, whoever's it was.
        assert_eq!(
            owner(table, "0100007F:1F90", "0100007F:D433"),
            Found::Closing
        );
        assert_eq!(
            owner(table, "0100007F:1F90", "0100007F:D434"),
            Found::Open(1000)
        );
    }

    #[test]
    #[cfg_attr(
        not(target_os = "linux"),
        ignore = "owners of TCP peers are Linux's only"
    )]
    fn a_peer_that_closed_its_socket_has_no_owner() {
        // A peer that connects, sends and closes before it is looked up is
        // shown by Linux as root's: it must not pass for root.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        drop(client);
        // Wait for the kernel to take the peer's FIN (it moves at once on
        // loopback; this only bounds a slow machine).
        let mut byte = [0u8; 1];
        server
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        assert_eq!(std::io::Read::read(&mut &server, &mut byte).unwrap(), 0);
        assert_eq!(tcp_owner(&server).unwrap(), Whose::Closing);
    }
}
