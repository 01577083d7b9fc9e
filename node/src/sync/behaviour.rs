//! The libp2p behaviour a node runs: connection limits, keep-alive for
//! peers of the network, identify, ping, the sync and blob protocols, and
//! mDNS only when asked for.

use std::time::Duration;

use convene_protocol::wire::{BlobRequest, BlobResponse};
use libp2p::identity::Keypair;
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{StreamProtocol, connection_limits, identify, mdns, ping, request_response};

use super::codec::SyncCodec;
use super::gate::Gate;
use super::keep_alive::KeepAlive;

/// A backstop only: a stream fails once nothing moves on it for
/// `codec::STALL`, and replies are sized to take about a second on the
/// link (`machine.rs`), so no request that makes progress comes near it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// Pings: a dead link shows within about `PING_INTERVAL + PING_TIMEOUT`
/// (the machine closes a connection whose ping fails and from which
/// nothing else came either).
const PING_INTERVAL: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(10);

/// Connection limits (ARCHITECTURE.md, "Connections"). Configured peers
/// bypass them (the engine tells `limits` their peer ids).
pub const MAX_PENDING_INCOMING: u32 = 16;
pub const MAX_PENDING_OUTGOING: u32 = 32;
pub const MAX_ESTABLISHED_INCOMING: u32 = 64;
pub const MAX_ESTABLISHED_OUTGOING: u32 = 64;
pub const MAX_ESTABLISHED: u32 = 128;
pub const MAX_ESTABLISHED_PER_PEER: u32 = 2;
/// Connections kept at once with peers that are not configured and, once
/// identified, do not speak the sync protocol (a standard libp2p client, a
/// node of another network): they may identify and ping, and close once
/// idle (`IDLE_TIMEOUT`); one more than this is closed when it identifies.
pub const MAX_FOREIGN: u32 = 16;

/// The composed behaviour. `gate` (banned addresses) and `limits` come
/// first: a connection they deny never reaches the others.
#[derive(NetworkBehaviour)]
pub struct Behaviour {
    pub gate: Gate,
    pub limits: connection_limits::Behaviour,
    pub keep_alive: KeepAlive,
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    pub sync: request_response::Behaviour<SyncCodec>,
    pub blobs: request_response::Behaviour<SyncCodec<BlobRequest, BlobResponse>>,
    pub mdns: Toggle<mdns::tokio::Behaviour>,
}

impl Behaviour {
    pub fn new(
        key: &Keypair,
        protocol: StreamProtocol,
        blob_protocol: StreamProtocol,
        mdns: bool,
    ) -> std::io::Result<Self> {
        let sync_config =
            request_response::Config::default().with_request_timeout(REQUEST_TIMEOUT).with_max_concurrent_streams(32);
        // A fetcher keeps one blob request in flight per peer.
        let blob_config =
            request_response::Config::default().with_request_timeout(REQUEST_TIMEOUT).with_max_concurrent_streams(8);
        let mdns = if mdns {
            Some(mdns::tokio::Behaviour::new(mdns::Config::default(), key.public().to_peer_id())?)
        } else {
            None
        };
        let limits = connection_limits::ConnectionLimits::default()
            .with_max_pending_incoming(Some(MAX_PENDING_INCOMING))
            .with_max_pending_outgoing(Some(MAX_PENDING_OUTGOING))
            .with_max_established_incoming(Some(MAX_ESTABLISHED_INCOMING))
            .with_max_established_outgoing(Some(MAX_ESTABLISHED_OUTGOING))
            .with_max_established(Some(MAX_ESTABLISHED))
            .with_max_established_per_peer(Some(MAX_ESTABLISHED_PER_PEER));
        Ok(Self {
            gate: Gate::default(),
            limits: connection_limits::Behaviour::new(limits),
            keep_alive: KeepAlive::new(protocol.clone()),
            identify: identify::Behaviour::new(
                identify::Config::new("/convene/id/1".into(), key.public())
                    .with_agent_version(format!("convene/{}", env!("CARGO_PKG_VERSION"))),
            ),
            ping: ping::Behaviour::new(ping::Config::new().with_interval(PING_INTERVAL).with_timeout(PING_TIMEOUT)),
            sync: request_response::Behaviour::with_codec(
                SyncCodec::default(),
                [(protocol, request_response::ProtocolSupport::Full)],
                sync_config,
            ),
            blobs: request_response::Behaviour::with_codec(
                SyncCodec::default(),
                [(blob_protocol, request_response::ProtocolSupport::Full)],
                blob_config,
            ),
            mdns: mdns.into(),
        })
    }
}
