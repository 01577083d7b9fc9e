//! The libp2p behaviour a node runs: connection limits, keep-alive for
//! peers of the network, identify, ping, the sync and blob protocols,
//! mDNS only when asked for, and what hubs behind NAT need (`nat.rs`): the
//! relay client, DCUtR, AutoNAT, and the relay server only when asked for.

use std::time::Duration;

use convene_protocol::wire::{BlobRequest, BlobResponse};
use libp2p::identity::Keypair;
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{StreamProtocol, autonat, connection_limits, dcutr, identify, mdns, ping, relay, request_response};

use super::codec::SyncCodec;
use super::gate::Gate;
use super::keep_alive::KeepAlive;
use super::nat::{self, Members};

/// A backstop only: a stream fails once nothing moves on it for
/// `codec::STALL`, and replies are sized to take about a second on the
/// link (`machine.rs`), so no request that makes progress comes near it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// Pings: a dead link shows within about `PING_INTERVAL + PING_TIMEOUT`
/// (the machine closes a connection whose ping fails and from which
/// nothing else came either).
const PING_INTERVAL: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(10);

/// Connection limits (`docs/design/sync.md`, "Connections"). Configured peers
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
    pub relay_client: relay::client::Behaviour,
    pub dcutr: dcutr::Behaviour,
    pub autonat: autonat::Behaviour,
    pub relay: Toggle<relay::Behaviour>,
}

/// What a node asks of the behaviour beyond its key and protocol.
#[derive(Debug, Clone)]
pub struct Options {
    /// What identify tells peers of the software, and the hub record (`hub.rs`).
    pub agent_version: String,
    /// The blob protocol's name (`/convene/blobs/1/<network id>`).
    pub blob_protocol: StreamProtocol,
    pub mdns: bool,
    /// Relay for members of the network (`nat::relay_config`).
    pub relay_server: bool,
    /// Who is a member now, for the relay server.
    pub members: Members,
}

impl Behaviour {
    pub fn new(
        key: &Keypair,
        protocol: StreamProtocol,
        relay_client: relay::client::Behaviour,
        options: &Options,
    ) -> std::io::Result<Self> {
        let local = key.public().to_peer_id();
        let sync_config =
            request_response::Config::default().with_request_timeout(REQUEST_TIMEOUT).with_max_concurrent_streams(32);
        // A fetcher keeps one blob request in flight per peer.
        let blob_config =
            request_response::Config::default().with_request_timeout(REQUEST_TIMEOUT).with_max_concurrent_streams(8);
        let mdns = if options.mdns { Some(mdns::tokio::Behaviour::new(mdns::Config::default(), local)?) } else { None };
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
                    .with_agent_version(options.agent_version.clone()),
            ),
            ping: ping::Behaviour::new(ping::Config::new().with_interval(PING_INTERVAL).with_timeout(PING_TIMEOUT)),
            sync: request_response::Behaviour::with_codec(
                SyncCodec::default(),
                [(protocol, request_response::ProtocolSupport::Full)],
                sync_config,
            ),
            blobs: request_response::Behaviour::with_codec(
                SyncCodec::default(),
                [(options.blob_protocol.clone(), request_response::ProtocolSupport::Full)],
                blob_config,
            ),
            mdns: mdns.into(),
            relay_client,
            dcutr: dcutr::Behaviour::new(local),
            autonat: autonat::Behaviour::new(local, nat::autonat_config()),
            relay: options
                .relay_server
                .then(|| {
                    let mut server = relay::Behaviour::new(local, nat::relay_config(&options.members));
                    // It relays from the start, rather than once AutoNAT
                    // finds it public: the operator said it is.
                    server.set_status(Some(relay::Status::Enable));
                    server
                })
                .into(),
        })
    }
}
