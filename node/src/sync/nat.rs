//! Hubs behind NAT: relays, reservations, hole punching and reachability.
//!
//! - A node with a public address may relay (`--relay-server`): libp2p's
//!   circuit relay v2 server, bounded by [`relay_config`], serving only
//!   peers that said (identify) they speak this network's sync protocol.
//! - A hub behind NAT is given relays (`--relay`): once connected to one
//!   (each is also a peer it keeps a connection to) and told it relays, it
//!   reserves a slot there by listening on `<relay>/p2p-circuit`; peers
//!   reach it at `<relay>/p2p-circuit/p2p/<hub>`.
//! - DCUtR then tries to open a direct connection through both NATs (hole
//!   punching); once a direct connection to a peer is up, the relayed one
//!   is closed.
//! - AutoNAT (v1) asks peers to dial this node back: `public`, `private`,
//!   or `unknown` in the status.
//!
//! [`Nat`] follows the swarm's events (the engine shows it each one before
//! handling it) and says how each connected peer is reached. It decides
//! nothing about syncing: that stays with the machine.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libp2p::core::ConnectedPoint;
use libp2p::core::transport::ListenerId;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm, autonat, dcutr, identify, relay};
use tracing::{debug, info, warn};

use super::behaviour::{Behaviour, BehaviourEvent};
use super::short;
use super::status::{NatStatus, PeerStatus, Reach, RelayStatus, SyncStatus};

/// Relay server limits (`docs/design/sync.md`, "Hubs behind NAT"). A circuit
/// carries a hub's sync traffic until DCUtR replaces it or a limit closes
/// it; the hub then connects through the relay again and the sync goes on
/// where it stopped.
pub const RELAY_MAX_RESERVATIONS: usize = 64;
pub const RELAY_MAX_RESERVATIONS_PER_PEER: usize = 2;
pub const RELAY_RESERVATION: Duration = Duration::from_secs(60 * 60);
pub const RELAY_MAX_CIRCUITS: usize = 32;
pub const RELAY_MAX_CIRCUITS_PER_PEER: usize = 4;
pub const RELAY_CIRCUIT_DURATION: Duration = Duration::from_secs(30 * 60);
pub const RELAY_CIRCUIT_BYTES: u64 = 128 * 1024 * 1024;

/// Reservation attempts on a relay back off from this, doubling, to the
/// maximum.
const RESERVE_BACKOFF_MIN: Duration = Duration::from_secs(2);
const RESERVE_BACKOFF_MAX: Duration = Duration::from_secs(60);
/// After a relayed connection is closed for a direct one, what the
/// requests it cut were doing is taken up again this soon.
const RESYNC_AFTER: Duration = Duration::from_secs(1);

/// Peers that said (identify) they speak this network's sync protocol,
/// while connected: the only ones a relay server serves.
pub type Members = Arc<Mutex<HashSet<PeerId>>>;

/// The relay server's configuration: bounded reservations and circuits,
/// libp2p's default rate limits, and members only.
pub fn relay_config(members: &Members) -> relay::Config {
    // libp2p's rate limits stay: per peer and per IP address, a burst of
    // reservations and circuits, then one every minute or two.
    let mut config = relay::Config {
        max_reservations: RELAY_MAX_RESERVATIONS,
        max_reservations_per_peer: RELAY_MAX_RESERVATIONS_PER_PEER,
        reservation_duration: RELAY_RESERVATION,
        max_circuits: RELAY_MAX_CIRCUITS,
        max_circuits_per_peer: RELAY_MAX_CIRCUITS_PER_PEER,
        max_circuit_duration: RELAY_CIRCUIT_DURATION,
        max_circuit_bytes: RELAY_CIRCUIT_BYTES,
        ..relay::Config::default()
    };
    config.reservation_rate_limiters.push(members_only(members.clone()));
    config.circuit_src_rate_limiters.push(members_only(members.clone()));
    config
}

/// Refuses whoever is not a member of the network now.
fn members_only(members: Members) -> Box<dyn relay::RateLimiter> {
    Box::new(move |peer: PeerId, _: &Multiaddr, _: Instant| {
        let member = members.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).contains(&peer);
        if !member {
            debug!(peer = %short(&peer), "refused to relay for a peer that is not of this network");
        }
        member
    })
}

/// AutoNAT: probes start soon after start and are repeated until sure; a
/// node answers a few probes only, and dials back only the address a
/// prober connected from (libp2p's rule), and no private address.
pub fn autonat_config() -> autonat::Config {
    autonat::Config {
        boot_delay: Duration::from_secs(10),
        retry_interval: Duration::from_secs(30),
        max_peer_addresses: 4,
        throttle_clients_global_max: 16,
        throttle_clients_peer_max: 2,
        throttle_clients_period: Duration::from_secs(10),
        only_global_ips: true,
        ..autonat::Config::default()
    }
}

/// The peer id in a relay's address, which it must carry.
fn relay_peer(addr: &Multiaddr) -> Option<PeerId> {
    match addr.iter().last() {
        Some(Protocol::P2p(peer)) => Some(peer),
        _ => None,
    }
}

/// The relay a relayed connection goes through.
fn relay_of(endpoint: &ConnectedPoint) -> Option<PeerId> {
    let addr = match endpoint {
        ConnectedPoint::Dialer { address, .. } => address,
        ConnectedPoint::Listener { local_addr, .. } => local_addr,
    };
    let mut last = None;
    for part in addr.iter() {
        match part {
            Protocol::P2p(peer) => last = Some(peer),
            Protocol::P2pCircuit => return last,
            _ => {}
        }
    }
    None
}

/// A relay the node is configured with.
struct Relay {
    addr: Multiaddr,
    peer: PeerId,
    /// It said (identify) it relays.
    relays: bool,
    listener: Option<ListenerId>,
    reserved: bool,
    next_attempt: Instant,
    backoff: Duration,
}

/// What the engine keeps about NAT; see the module documentation.
pub(crate) struct Nat {
    local: PeerId,
    protocol: StreamProtocol,
    relay_server: bool,
    relays: Vec<Relay>,
    /// How each open connection reaches its peer, and through which relay.
    connections: HashMap<PeerId, HashMap<ConnectionId, (Reach, Option<PeerId>)>>,
    status: NatStatus,
    members: Members,
    /// When to reconcile again after closing relayed connections.
    resync_at: Option<Instant>,
}

impl Nat {
    /// `listen_addrs`: those the swarm already reported; a relay server
    /// offers them (loopback aside) as its addresses in reservations.
    pub(crate) fn new(
        swarm: &mut Swarm<Behaviour>,
        protocol: StreamProtocol,
        relay_server: bool,
        relays: &[Multiaddr],
        members: Members,
        listen_addrs: &[Multiaddr],
        now: Instant,
    ) -> Self {
        let relays = relays
            .iter()
            .filter_map(|addr| {
                let peer = relay_peer(addr)?;
                Some(Relay {
                    addr: addr.clone(),
                    peer,
                    relays: false,
                    listener: None,
                    reserved: false,
                    next_attempt: now,
                    backoff: RESERVE_BACKOFF_MIN,
                })
            })
            .collect();
        let nat = Self {
            local: *swarm.local_peer_id(),
            protocol,
            relay_server,
            relays,
            connections: HashMap::new(),
            status: NatStatus::Unknown,
            members,
            resync_at: None,
        };
        for addr in listen_addrs {
            nat.offer(swarm, addr);
        }
        nat
    }

    /// A relay server tells hubs its addresses in their reservations: the
    /// ones it listens on, loopback aside.
    fn offer(&self, swarm: &mut Swarm<Behaviour>, addr: &Multiaddr) {
        let loopback = addr.iter().any(|part| match part {
            Protocol::Ip4(ip) => ip.is_loopback() || ip.is_unspecified(),
            Protocol::Ip6(ip) => ip.is_loopback() || ip.is_unspecified(),
            Protocol::P2pCircuit => true,
            _ => false,
        });
        if self.relay_server && !loopback {
            swarm.add_external_address(addr.clone());
        }
    }

    /// Follows one swarm event.
    pub(crate) fn on_swarm_event(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        event: &SwarmEvent<BehaviourEvent>,
        now: Instant,
    ) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => self.offer(swarm, address),
            SwarmEvent::ConnectionEstablished { peer_id, connection_id, endpoint, .. } => {
                self.established(swarm, *peer_id, *connection_id, endpoint, now)
            }
            SwarmEvent::ConnectionClosed { peer_id, connection_id, num_established, .. } => {
                if let Some(connections) = self.connections.get_mut(peer_id) {
                    connections.remove(connection_id);
                }
                if *num_established == 0 {
                    self.connections.remove(peer_id);
                    self.members.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(peer_id);
                    if let Some(relay) = self.relays.iter_mut().find(|relay| relay.peer == *peer_id) {
                        relay.relays = false;
                    }
                }
            }
            SwarmEvent::ListenerClosed { listener_id, reason, .. } => {
                if let Some(relay) = self.relays.iter_mut().find(|relay| relay.listener == Some(*listener_id)) {
                    relay.listener = None;
                    relay.reserved = false;
                    relay.next_attempt = now + relay.backoff;
                    match reason {
                        Ok(()) => info!(relay = %relay.addr, "the relay no longer holds a slot for this node"),
                        Err(error) => warn!(relay = %relay.addr, %error, "the relay refused or lost this node's slot"),
                    }
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. })) => {
                if info.protocols.contains(&self.protocol) {
                    self.members.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(*peer_id);
                }
                if let Some(relay) = self.relays.iter_mut().find(|relay| relay.peer == *peer_id) {
                    relay.relays = info.protocols.contains(&relay::HOP_PROTOCOL_NAME);
                    if !relay.relays {
                        warn!(relay = %relay.addr, "this relay does not relay (is it run with --relay-server?)");
                    }
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::RelayClient(relay::client::Event::ReservationReqAccepted {
                relay_peer_id,
                renewal,
                ..
            })) => {
                if let Some(relay) = self.relays.iter_mut().find(|relay| relay.peer == *relay_peer_id) {
                    if !relay.reserved || !renewal {
                        info!(relay = %relay.addr, "the relay holds a slot: peers reach this node through it");
                    }
                    relay.reserved = true;
                    relay.backoff = RESERVE_BACKOFF_MIN;
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Relay(event)) => debug!(?event, "relay server"),
            SwarmEvent::Behaviour(BehaviourEvent::Dcutr(dcutr::Event { remote_peer_id, result })) => match result {
                Ok(connection) => {
                    // Reported after the connection was seen open.
                    info!(peer = %short(remote_peer_id), "hole punched: a direct connection replaces the relay");
                    if let Some(reach) =
                        self.connections.get_mut(remote_peer_id).and_then(|open| open.get_mut(connection))
                    {
                        *reach = (Reach::HolePunched, None);
                    }
                }
                Err(error) => {
                    info!(peer = %short(remote_peer_id), %error, "no hole punched: the relay carries the sync")
                }
            },
            SwarmEvent::Behaviour(BehaviourEvent::Autonat(autonat::Event::StatusChanged { new, .. })) => {
                self.status = match new {
                    autonat::NatStatus::Public(_) => NatStatus::Public,
                    autonat::NatStatus::Private => NatStatus::Private,
                    autonat::NatStatus::Unknown => NatStatus::Unknown,
                };
                info!(status = ?self.status, "reachability from outside (AutoNAT)");
            }
            _ => {}
        }
    }

    /// A connection opened: how it reaches its peer. A direct connection
    /// to a peer reached through a relay until now was opened by hole
    /// punching (by either side), and the relayed ones are closed.
    fn established(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peer: PeerId,
        connection: ConnectionId,
        endpoint: &ConnectedPoint,
        now: Instant,
    ) {
        let open = self.connections.entry(peer).or_default();
        let reach = if endpoint.is_relayed() {
            (Reach::Relayed, relay_of(endpoint))
        } else if open.values().any(|(reach, _)| *reach == Reach::Relayed) {
            (Reach::HolePunched, None)
        } else {
            (Reach::Direct, None)
        };
        if reach.0 == Reach::HolePunched {
            let relayed: Vec<ConnectionId> =
                open.iter().filter(|(_, (reach, _))| *reach == Reach::Relayed).map(|(id, _)| *id).collect();
            for id in relayed {
                debug!(peer = %short(&peer), "closing the relayed connection: a direct one is open");
                swarm.close_connection(id);
                self.resync_at = Some(now + RESYNC_AFTER);
            }
        }
        open.insert(connection, reach);
    }

    /// On the engine's tick: reserves a slot on every relay that is
    /// connected, relays and holds none for this node. Returns whether to
    /// reconcile again (after relayed connections were closed).
    pub(crate) fn tick(&mut self, swarm: &mut Swarm<Behaviour>, now: Instant) -> bool {
        for relay in &mut self.relays {
            let connected = self.connections.get(&relay.peer).is_some_and(|open| {
                open.values().any(|(reach, _)| matches!(reach, Reach::Direct | Reach::HolePunched))
            });
            if !connected || !relay.relays || relay.listener.is_some() || relay.next_attempt > now {
                continue;
            }
            relay.next_attempt = now + relay.backoff;
            relay.backoff = (relay.backoff * 2).min(RESERVE_BACKOFF_MAX);
            match swarm.listen_on(relay.addr.clone().with(Protocol::P2pCircuit)) {
                Ok(listener) => {
                    debug!(relay = %relay.addr, "asking the relay for a slot");
                    relay.listener = Some(listener);
                }
                Err(error) => warn!(relay = %relay.addr, %error, "cannot ask the relay for a slot"),
            }
        }
        match self.resync_at {
            Some(at) if at <= now => {
                self.resync_at = None;
                true
            }
            _ => false,
        }
    }

    /// Adds what it knows to `status`: the node's reachability, its
    /// relays, and how each connected peer is reached.
    pub(crate) fn fill(&self, status: &mut SyncStatus) {
        status.nat = self.status;
        status.relay_server = self.relay_server;
        status.relays = self
            .relays
            .iter()
            .map(|relay| RelayStatus {
                addr: relay.addr.to_string(),
                reserved: relay.reserved,
                circuit_addr: relay.addr.clone().with(Protocol::P2pCircuit).with(Protocol::P2p(self.local)).to_string(),
            })
            .collect();
        for peer in &mut status.peers {
            self.fill_peer(peer);
        }
    }

    /// The best way a peer is reached now: direct before relayed.
    fn fill_peer(&self, peer: &mut PeerStatus) {
        let Some(id) = peer.peer_id.as_deref().and_then(|id| id.parse::<PeerId>().ok()) else { return };
        let Some(open) = self.connections.get(&id).filter(|_| peer.connected) else { return };
        let rank = |reach: &Reach| match reach {
            Reach::HolePunched => 0,
            Reach::Direct => 1,
            Reach::Relayed => 2,
        };
        if let Some((reach, relay)) = open.values().min_by_key(|(reach, _)| rank(reach)) {
            peer.reached = Some(*reach);
            peer.relay = relay.map(|relay| relay.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relayed_connection_names_its_relay_and_a_relay_address_needs_a_peer_id() {
        let relay = PeerId::random();
        let hub = PeerId::random();
        let dialled: Multiaddr =
            format!("/ip4/198.51.100.1/tcp/4701/p2p/{relay}/p2p-circuit/p2p/{hub}").parse().unwrap();
        let endpoint = ConnectedPoint::Dialer {
            address: dialled,
            role_override: libp2p::core::Endpoint::Dialer,
            port_use: libp2p::core::transport::PortUse::Reuse,
        };
        assert_eq!(relay_of(&endpoint), Some(relay));
        let listened: Multiaddr = format!("/ip4/198.51.100.1/tcp/4701/p2p/{relay}/p2p-circuit").parse().unwrap();
        let endpoint =
            ConnectedPoint::Listener { local_addr: listened, send_back_addr: format!("/p2p/{hub}").parse().unwrap() };
        assert_eq!(relay_of(&endpoint), Some(relay));
        let direct = ConnectedPoint::Listener {
            local_addr: "/ip4/198.51.100.1/tcp/4701".parse().unwrap(),
            send_back_addr: "/ip4/198.51.100.2/tcp/5000".parse().unwrap(),
        };
        assert_eq!(relay_of(&direct), None);
        assert_eq!(relay_peer(&format!("/ip4/198.51.100.1/tcp/4701/p2p/{relay}").parse().unwrap()), Some(relay));
        assert_eq!(relay_peer(&"/ip4/198.51.100.1/tcp/4701".parse().unwrap()), None);
    }

    #[test]
    fn the_relay_serves_members_of_the_network_only() {
        let members = Members::default();
        let mut config = relay_config(&members);
        let member = PeerId::random();
        let stranger = PeerId::random();
        members.lock().unwrap().insert(member);
        let addr: Multiaddr = "/ip4/198.51.100.2/tcp/4701".parse().unwrap();
        let now = Instant::now();
        let allowed = |config: &mut relay::Config, peer| {
            config.reservation_rate_limiters.iter_mut().all(|l| l.try_next(peer, &addr, now))
        };
        assert!(allowed(&mut config, member));
        assert!(!allowed(&mut config, stranger));
        assert!(config.circuit_src_rate_limiters.iter_mut().all(|l| l.try_next(member, &addr, now)));
        assert!(!config.circuit_src_rate_limiters.iter_mut().all(|l| l.try_next(stranger, &addr, now)));
        assert!(config.max_circuit_bytes >= 64 * 1024 * 1024, "a circuit carries a sync, not only a handshake");
    }
}
