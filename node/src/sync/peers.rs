//! Saved peers (`DATA_DIR/peers.json`) and the node's persistent libp2p
//! key (`DATA_DIR/node-key`, 0600).

use std::path::PathBuf;

use libp2p::Multiaddr;
use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;

use crate::data_dir::{DataDir, write_atomic, write_private};
use crate::error::NodeError;

fn peers_path(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("peers.json")
}

/// The peers saved with `convene peers add`.
pub fn saved_peers(data_dir: &DataDir) -> Result<Vec<Multiaddr>, NodeError> {
    let path = peers_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(NodeError::Io { path, source }),
    };
    let addrs: Vec<String> = serde_json::from_str(&text)
        .map_err(|error| NodeError::BadFile { path: path.clone(), problem: error.to_string() })?;
    addrs
        .iter()
        .map(|addr| {
            addr.parse().map_err(|error| NodeError::BadFile { path: path.clone(), problem: format!("{addr}: {error}") })
        })
        .collect()
}

/// An example of a peer address, for messages.
const EXAMPLE: &str = "/ip4/192.0.2.7/tcp/4701";

/// Parses a peer address typed by someone: a multiaddr that names a
/// transport (`/ip4`, `/ip6`, `/dns`, `/dns4` or `/dns6`, then `/tcp/PORT`),
/// optionally followed by `/p2p/PEER_ID`, or a hub's address through a
/// relay (`…/tcp/PORT/p2p/RELAY_ID/p2p-circuit/p2p/HUB_ID`). An empty text and a bare
/// `IP:PORT` are refused with what to write instead.
pub fn parse_peer_addr(text: &str) -> Result<Multiaddr, NodeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(NodeError::BadPeerAddr(format!("a peer address is empty; give a multiaddr such as {EXAMPLE}")));
    }
    if let Some(meant) = suggest_peer_addr(text) {
        return Err(NodeError::BadPeerAddr(format!("`{text}` names no transport; did you mean {meant}?")));
    }
    let shown: String = text.chars().take(100).collect();
    let addr: Multiaddr = text
        .parse()
        .map_err(|error| NodeError::BadPeerAddr(format!("`{shown}` is not a multiaddr ({error}); e.g. {EXAMPLE}")))?;
    check_peer_addr(&addr)?;
    Ok(addr)
}

/// The multiaddr someone meant by `HOST:PORT` (an IP address or a host
/// name and a port), if that is what `text` is.
pub fn suggest_peer_addr(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(socket) = text.parse::<std::net::SocketAddr>() {
        let ip = match socket.ip() {
            std::net::IpAddr::V4(ip) => format!("/ip4/{ip}"),
            std::net::IpAddr::V6(ip) => format!("/ip6/{ip}"),
        };
        return Some(format!("{ip}/tcp/{}", socket.port()));
    }
    let (host, port) = text.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let name = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty() && label.len() <= 63 && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    name.then(|| format!("/dns/{host}/tcp/{port}"))
}

/// Checks that `addr` names a transport this node dials: an IP address or a
/// DNS name, then a TCP port, then at most a peer id; or that, then a
/// relay's peer id, `/p2p-circuit` and the peer id of the hub behind it.
pub fn check_peer_addr(addr: &Multiaddr) -> Result<(), NodeError> {
    let rest = transport_tail(addr);
    if matches!(
        rest.as_deref(),
        Some([] | [Protocol::P2p(_)] | [Protocol::P2p(_), Protocol::P2pCircuit, Protocol::P2p(_)])
    ) {
        return Ok(());
    }
    Err(NodeError::BadPeerAddr(format!(
        "`{addr}` does not name a transport this node dials: write /ip4/ADDRESS/tcp/PORT (or /ip6/…, /dns/NAME/tcp/PORT), \
         optionally followed by /p2p/PEER_ID, e.g. {EXAMPLE}; a hub behind a relay: \
         /ip4/RELAY_ADDRESS/tcp/PORT/p2p/RELAY_ID/p2p-circuit/p2p/HUB_ID"
    )))
}

/// Checks that `addr` is a relay's address: a transport and the relay's
/// peer id, which reserving a slot on it needs.
pub fn check_relay_addr(addr: &Multiaddr) -> Result<(), NodeError> {
    if matches!(transport_tail(addr).as_deref(), Some([Protocol::P2p(_)])) {
        return Ok(());
    }
    Err(NodeError::BadPeerAddr(format!(
        "`{addr}` is not a relay's address: write /ip4/ADDRESS/tcp/PORT/p2p/RELAY_ID (or /ip6/…, /dns/NAME/…), \
         with the peer id the relay prints when it starts"
    )))
}

/// What follows an IP address or DNS name and a TCP port, if `addr` starts so.
fn transport_tail(addr: &Multiaddr) -> Option<Vec<Protocol<'_>>> {
    let mut parts = addr.iter();
    let host = matches!(
        parts.next(),
        Some(Protocol::Ip4(_) | Protocol::Ip6(_) | Protocol::Dns(_) | Protocol::Dns4(_) | Protocol::Dns6(_))
    );
    let tcp = matches!(parts.next(), Some(Protocol::Tcp(_)));
    (host && tcp).then(|| parts.collect())
}

/// Saves `addr`; returns false if it was already saved. Refuses an address
/// that names no transport ([`check_peer_addr`]).
pub fn add_peer(data_dir: &DataDir, addr: &Multiaddr) -> Result<bool, NodeError> {
    check_peer_addr(addr)?;
    let mut peers = saved_peers(data_dir)?;
    if peers.contains(addr) {
        return Ok(false);
    }
    peers.push(addr.clone());
    write_peers(data_dir, &peers)?;
    Ok(true)
}

/// Forgets `addr`; returns false if it was not saved.
pub fn remove_peer(data_dir: &DataDir, addr: &Multiaddr) -> Result<bool, NodeError> {
    let mut peers = saved_peers(data_dir)?;
    let before = peers.len();
    peers.retain(|peer| peer != addr);
    if peers.len() == before {
        return Ok(false);
    }
    write_peers(data_dir, &peers)?;
    Ok(true)
}

fn write_peers(data_dir: &DataDir, peers: &[Multiaddr]) -> Result<(), NodeError> {
    let text: Vec<String> = peers.iter().map(ToString::to_string).collect();
    write_atomic(&peers_path(data_dir), &serde_json::to_vec_pretty(&text).expect("serialises"), 0o644)
}

/// The node's libp2p key, created on first use.
pub fn node_key(data_dir: &DataDir) -> Result<Keypair, NodeError> {
    let path = data_dir.root().join("node-key");
    match std::fs::read(&path) {
        Ok(bytes) => Keypair::from_protobuf_encoding(&bytes)
            .map_err(|error| NodeError::BadFile { path, problem: format!("not a libp2p key: {error}") }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = Keypair::generate_ed25519();
            let bytes = key
                .to_protobuf_encoding()
                .map_err(|error| NodeError::BadFile { path: path.clone(), problem: error.to_string() })?;
            write_private(&path, &bytes)?;
            Ok(key)
        }
        Err(source) => Err(NodeError::Io { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_and_port_get_the_multiaddr_that_was_meant() {
        assert_eq!(suggest_peer_addr("192.168.1.20:4701").as_deref(), Some("/ip4/192.168.1.20/tcp/4701"));
        assert_eq!(suggest_peer_addr("[2001:db8::1]:4701").as_deref(), Some("/ip6/2001:db8::1/tcp/4701"));
        assert_eq!(suggest_peer_addr("hub.example.org:4701").as_deref(), Some("/dns/hub.example.org/tcp/4701"));
        for not_meant in ["/ip4/192.0.2.7/tcp/4701", "hub.example.org", "a b:12", ":4701", "x:99999"] {
            assert_eq!(suggest_peer_addr(not_meant), None, "{not_meant}");
        }
    }

    fn refusal(text: &str) -> String {
        match parse_peer_addr(text) {
            Err(NodeError::BadPeerAddr(message)) => message,
            other => panic!("{text:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn peer_addresses_must_name_a_transport() {
        for good in [
            "/ip4/192.168.1.20/tcp/4701",
            " /ip4/127.0.0.1/tcp/4701 ",
            "/ip6/::1/tcp/4701",
            "/dns/hub.example.org/tcp/4701",
            "/dns4/hub.example.org/tcp/4701",
            "/ip4/192.0.2.7/tcp/4701/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
            "/ip4/192.0.2.7/tcp/4701/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit/p2p/\
             12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
        ] {
            assert!(parse_peer_addr(good).is_ok(), "{good}");
        }
        assert!(refusal("").contains("empty"));
        assert!(refusal("   ").contains("empty"));
        assert!(refusal("192.168.1.20:4701").contains("did you mean /ip4/192.168.1.20/tcp/4701?"));
        assert!(refusal("[::1]:4701").contains("did you mean /ip6/::1/tcp/4701?"));
        for bad in [
            "/ip4/192.168.1.20",
            "/tcp/4701",
            "/ip4/1.2.3.4/udp/4701",
            "/ip4/1.2.3.4/tcp/1/ws",
            "hub:4701",
            "/ip4/1.2.3.4/tcp/1/p2p-circuit",
            "/ip4/1.2.3.4/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit",
        ] {
            let message = refusal(bad);
            assert!(message.contains("/tcp/") || message.contains("multiaddr"), "{bad}: {message}");
        }
    }

    #[test]
    fn a_relay_address_carries_the_relay_peer_id() {
        let id = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
        let relay: Multiaddr = format!("/ip4/192.0.2.7/tcp/4701/p2p/{id}").parse().unwrap();
        assert!(check_relay_addr(&relay).is_ok());
        let bare: Multiaddr = "/ip4/192.0.2.7/tcp/4701".parse().unwrap();
        assert!(check_relay_addr(&bare).is_err(), "a slot is reserved on a relay known by its peer id");
        let circuit: Multiaddr = format!("/ip4/192.0.2.7/tcp/4701/p2p/{id}/p2p-circuit/p2p/{id}").parse().unwrap();
        assert!(check_relay_addr(&circuit).is_err());
    }
}
