//! Refuses incoming connections from banned addresses before their
//! handshake, so that a peer banned for what it sent cannot come back with
//! a fresh peer id from the same address.
//!
//! An address is banned only once [`super::machine`] has banned several peer
//! ids from it (a hub behind carrier NAT shares its address with strangers:
//! one offender must not cut them all off), for as long as a ban lasts.
//! Connections we dial (configured peers) are never refused here.

use std::convert::Infallible;
use std::net::IpAddr;
use std::task::{Context, Poll};
use std::time::Instant;

use libp2p::PeerId;

use super::bans::Bans;
use libp2p::core::transport::PortUse;
use libp2p::core::{Endpoint, Multiaddr};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent, THandlerOutEvent, ToSwarm,
    dummy,
};

/// Addresses held at once; past it the one whose ban ends soonest goes.
pub const BANNED_ADDRESSES_MAX: usize = 1024;

/// The behaviour: banned addresses and until when.
#[derive(Debug)]
pub struct Gate {
    banned: Bans<IpAddr>,
}

impl Default for Gate {
    fn default() -> Self {
        Self { banned: Bans::new(BANNED_ADDRESSES_MAX) }
    }
}

/// The IP address a multiaddr starts with, if any; none for an address
/// through a relay (whose IP address is the relay's, not the peer's).
pub fn ip_of(addr: &Multiaddr) -> Option<IpAddr> {
    if addr.iter().any(|part| part == Protocol::P2pCircuit) {
        return None;
    }
    addr.iter().find_map(|part| match part {
        Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
        Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
        _ => None,
    })
}

impl Gate {
    /// Refuses incoming connections from `ip` until `until`.
    pub fn ban(&mut self, ip: IpAddr, until: Instant) {
        let now = Instant::now();
        self.banned.ban(ip, now, until, ());
    }

    /// Whether incoming connections from `ip` are refused now.
    pub fn is_banned(&self, ip: IpAddr) -> bool {
        self.banned.is_banned(&ip, Instant::now())
    }
}

impl NetworkBehaviour for Gate {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        match ip_of(remote) {
            Some(ip) if self.is_banned(ip) => Err(ConnectionDenied::new(BannedAddress(ip))),
            _ => Ok(()),
        }
    }

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, _: FromSwarm) {}

    fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, event: THandlerOutEvent<Self>) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

/// Why a connection was refused.
#[derive(Debug, thiserror::Error)]
#[error("{0} is banned: peers from it sent invalid data")]
struct BannedAddress(IpAddr);

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_banned_address_is_refused_until_its_ban_ends() {
        let mut gate = Gate::default();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let remote: Multiaddr = "/ip4/203.0.113.7/tcp/4701".parse().unwrap();
        let local: Multiaddr = "/ip4/127.0.0.1/tcp/4701".parse().unwrap();
        assert!(gate.handle_pending_inbound_connection(ConnectionId::new_unchecked(1), &local, &remote).is_ok());
        gate.ban(ip, Instant::now() + Duration::from_secs(60));
        assert!(gate.handle_pending_inbound_connection(ConnectionId::new_unchecked(2), &local, &remote).is_err());
        let other: Multiaddr = "/ip4/203.0.113.8/tcp/4701".parse().unwrap();
        assert!(gate.handle_pending_inbound_connection(ConnectionId::new_unchecked(3), &local, &other).is_ok());
        gate.ban(ip, Instant::now());
        assert!(gate.handle_pending_inbound_connection(ConnectionId::new_unchecked(4), &local, &remote).is_ok());
    }

    #[test]
    fn a_peer_reached_through_a_relay_has_no_address_of_its_own() {
        let relay = PeerId::random();
        let hub = PeerId::random();
        let relayed: Multiaddr =
            format!("/ip4/203.0.113.7/tcp/4701/p2p/{relay}/p2p-circuit/p2p/{hub}").parse().unwrap();
        assert_eq!(ip_of(&relayed), None, "banning it must not ban the relay");
        assert_eq!(ip_of(&"/ip4/203.0.113.7/tcp/4701".parse().unwrap()), "203.0.113.7".parse().ok());
    }
}
