//! libp2p's errors in an operator's words: what happened and what to do,
//! and whether it counts as a failure at all (a slow link or a closed
//! connection does not: the one is retried, the other reported as such).

use std::io;

use libp2p::core::transport::TransportError;
use libp2p::request_response::{InboundFailure, OutboundFailure};
use libp2p::swarm::DialError;

use super::machine::Failure;
use super::status::{Problem, ProblemCode as Code};

/// Why a dial failed: its code, and in words.
pub(crate) fn dial_error(error: &DialError) -> (Problem, String) {
    match error {
        DialError::Transport(attempts) => match attempts.first() {
            Some((addr, TransportError::Other(error))) => {
                let (code, words) = transport_words(&addr.to_string(), error);
                (Problem::at(code, addr), words)
            }
            Some((addr, TransportError::MultiaddrNotSupported(_))) => (
                Problem::at(Code::NotDialable, addr),
                format!("{addr} is not an address this node can dial (it needs /ip4/…/tcp/PORT or /dns/…/tcp/PORT)"),
            ),
            None => (Problem::new(Code::NotDialable), "no address to dial".into()),
        },
        DialError::WrongPeerId { obtained, address } => (
            Problem::at(Code::WrongPeer, address),
            format!(
                "another node answered at {address} (peer id {obtained}): the hub may have a new key; add it again \
                 with the address its operator gives"
            ),
        ),
        DialError::LocalPeerId { address } => {
            (Problem::at(Code::Itself, address), format!("{address} is this node itself"))
        }
        DialError::Denied { .. } => (Problem::new(Code::Link), "the connection limits refused it".into()),
        DialError::NoAddresses => (Problem::new(Code::NotDialable), "no address to dial".into()),
        DialError::Aborted | DialError::DialPeerConditionFalse(_) => {
            (Problem::new(Code::Link), "the attempt was called off".into())
        }
    }
}

/// What a failed connection attempt to `addr` means, from the I/O error
/// under it: its code, and in words.
fn transport_words(addr: &str, error: &io::Error) -> (Code, String) {
    if let Some(found) = relay_words(error) {
        return found;
    }
    let cause = os_error(error).unwrap_or(error);
    match cause.raw_os_error().or_else(|| os_code_in_words(&innermost(error))) {
        Some(111) => {
            (Code::Refused, format!("nothing answers at {addr}: is the node there running, and on that port?"))
        }
        Some(113) | Some(112) => {
            (Code::Unreachable, format!("no route to {addr}: the link to it is down, or the address is wrong"))
        }
        Some(101) => (Code::Offline, format!("this machine has no network route to {addr}: check its connection")),
        Some(110) => (Code::TimedOut, format!("no answer from {addr}: the link may be down or very slow")),
        Some(104) | Some(32) => {
            (Code::Closed, format!("{addr} closed the connection at once: it may not be a Convene node"))
        }
        _ if cause.kind() == io::ErrorKind::TimedOut => {
            (Code::TimedOut, format!("no answer from {addr}: the link may be down or very slow"))
        }
        _ => (Code::Link, format!("could not connect to {addr}: {}", innermost(error))),
    }
}

/// What a relay answered to a dial through it, if that is why the dial
/// failed: its code, and in words.
fn relay_words(error: &io::Error) -> Option<(Code, String)> {
    use libp2p::relay::outbound::hop::ConnectError;
    let refusal = chain(error).into_iter().find_map(|link| link.downcast_ref::<ConnectError>())?;
    Some(match refusal {
        ConnectError::NoReservation => (
            Code::RelayNoSlot,
            "the relay holds no slot for that hub: is the hub running, with this relay in its --relay?".into(),
        ),
        ConnectError::ResourceLimitExceeded | ConnectError::PermissionDenied => (
            Code::RelayRefused,
            "the relay refused: it relays only for nodes of its own network, and only so many at a time".into(),
        ),
        ConnectError::ConnectionFailed => (Code::RelayFailed, "the relay could not reach that hub".into()),
        ConnectError::Unsupported => {
            (Code::NotRelay, "that node does not relay (is it run with --relay-server?)".into())
        }
        ConnectError::Io(_) | ConnectError::Protocol(_) => {
            (Code::RelayFailed, format!("the relay failed: {}", innermost(error)))
        }
    })
}

/// The deepest I/O error in `error`'s chain that carries an OS error code.
fn os_error(error: &io::Error) -> Option<&io::Error> {
    let mut found = None;
    for link in chain(error) {
        if let Some(io) = link.downcast_ref::<io::Error>()
            && io.raw_os_error().is_some()
        {
            found = Some(io);
        }
    }
    found
}

/// The OS error code a message ends with (`… (os error 111)`): a link of
/// the chain that is not an `io::Error` may still carry one in its words.
fn os_code_in_words(words: &str) -> Option<i32> {
    words.strip_suffix(')')?.rsplit_once("(os error ")?.1.parse().ok()
}

/// The last message in `error`'s chain: the specific one.
fn innermost(error: &io::Error) -> String {
    chain(error).last().map_or_else(|| error.to_string(), ToString::to_string)
}

/// `error` and the errors under it, outermost first. An I/O error that
/// wraps another reports the wrapped one's source, not the wrapped one,
/// so it is looked into too.
fn chain(error: &io::Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut links: Vec<&(dyn std::error::Error + 'static)> = vec![error];
    while links.len() < 16 {
        let last = *links.last().expect("not empty");
        let next = match last.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => last.source(),
        };
        match next {
            Some(next) => links.push(next),
            None => break,
        }
    }
    links
}

/// What a failed request to a peer was, and its words.
pub(crate) fn outbound_failure(error: &OutboundFailure) -> (Failure, String) {
    match error {
        OutboundFailure::Io(io) if io.kind() == io::ErrorKind::InvalidData => {
            (Failure::Malformed, format!("the peer sent a reply that breaks the protocol: {io}"))
        }
        OutboundFailure::Io(io) if io.kind() == io::ErrorKind::TimedOut => {
            (Failure::Slow, "the link is slow: a request is asked again, smaller".into())
        }
        OutboundFailure::Timeout => (Failure::Slow, "the link is slow: a request is asked again, smaller".into()),
        OutboundFailure::UnsupportedProtocols => {
            (Failure::OtherNetwork, "on another network: entries are never exchanged".into())
        }
        OutboundFailure::ConnectionClosed | OutboundFailure::DialFailure => {
            (Failure::Cut, "the connection closed during a request".into())
        }
        OutboundFailure::Io(io) => (Failure::Lost, format!("a request failed on the link: {}", innermost(io))),
    }
}

/// Whether a failure to answer a peer's request counts as an error, and
/// its words.
pub(crate) fn inbound_failure(error: &InboundFailure) -> (bool, String) {
    match error {
        InboundFailure::Timeout | InboundFailure::ConnectionClosed | InboundFailure::ResponseOmission => {
            (false, error.to_string())
        }
        InboundFailure::Io(io) if io.kind() == io::ErrorKind::TimedOut => (false, error.to_string()),
        InboundFailure::UnsupportedProtocols => (true, "the peer asked in a protocol this node does not speak".into()),
        InboundFailure::Io(io) => (true, format!("answering the peer failed on the link: {}", innermost(io))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_errors_say_what_to_check() {
        let refused = io::Error::from_raw_os_error(111);
        let (code, words) = transport_words("/ip4/192.0.2.1/tcp/4701", &refused);
        assert_eq!(code, Code::Refused);
        assert!(words.contains("is the node there running"));
        let wrapped = io::Error::other(io::Error::from_raw_os_error(113));
        let (code, words) = transport_words("/ip4/192.0.2.1/tcp/4701", &wrapped);
        assert_eq!(code, Code::Unreachable);
        assert!(words.starts_with("no route to /ip4/192.0.2.1/tcp/4701"), "{words}");
        assert!(!words.contains("os error"), "{words}");
    }

    #[test]
    fn an_os_error_code_is_read_from_words_when_no_link_carries_it() {
        #[derive(Debug)]
        struct Opaque;
        impl std::fmt::Display for Opaque {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Connection refused (os error 111)")
            }
        }
        impl std::error::Error for Opaque {}
        let (code, words) = transport_words("/ip4/127.0.0.1/tcp/9", &io::Error::other(Opaque));
        assert_eq!(code, Code::Refused, "{words}");
        assert_eq!(os_code_in_words("no route (os error 113)"), Some(113));
        assert_eq!(os_code_in_words("no code here"), None);
    }

    #[test]
    fn a_relay_refusal_says_what_to_check() {
        use libp2p::relay::outbound::hop::ConnectError;
        let refused = io::Error::other(libp2p::relay::client::transport::Error::Connect(ConnectError::NoReservation));
        let (code, words) = transport_words("/ip4/192.0.2.1/tcp/4701/p2p-circuit", &refused);
        assert_eq!(code, Code::RelayNoSlot);
        assert!(words.contains("holds no slot for that hub"), "{words}");
    }

    #[test]
    fn a_slow_link_or_a_closed_connection_is_no_error() {
        assert_eq!(outbound_failure(&OutboundFailure::Timeout).0, Failure::Slow);
        let stalled = io::Error::new(io::ErrorKind::TimedOut, "no byte for 30 s");
        assert_eq!(outbound_failure(&OutboundFailure::Io(stalled)).0, Failure::Slow);
        assert_eq!(outbound_failure(&OutboundFailure::ConnectionClosed).0, Failure::Cut);
        let garbage = io::Error::new(io::ErrorKind::InvalidData, "not a reply");
        assert_eq!(outbound_failure(&OutboundFailure::Io(garbage)).0, Failure::Malformed);
        assert!(!inbound_failure(&InboundFailure::ConnectionClosed).0);
        assert!(!inbound_failure(&InboundFailure::Timeout).0);
        assert!(inbound_failure(&InboundFailure::Io(io::Error::other("reset"))).0);
    }
}
