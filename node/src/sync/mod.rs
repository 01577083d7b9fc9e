//! Sync between nodes over libp2p: TCP + Noise + Yamux, identify and ping,
//! and Convene's own request/response protocols (`/convene/sync/1/<network
//! id>` for entries, `/convene/blobs/1/<network id>` for attached files;
//! messages in [`convene_protocol::wire`]).
//!
//! - `engine.rs`: the task that owns the swarm and runs the event loop
//!   (start here);
//! - `machine.rs`: per-peer state, dial targets and bans, and every
//!   decision on them, with no I/O;
//! - `blob_fetch.rs`: which blob groups to ask which peer for (the
//!   machine's blob half, no I/O either);
//! - `bans.rs`: the bounded table of banned peer ids and addresses;
//! - `gate.rs`: refuses connections from banned addresses;
//! - `reconcile.rs`: negentropy sessions over the store's entry ids;
//! - `codec.rs`: bounded frames on libp2p streams, timed by progress;
//! - `explain.rs`: libp2p's errors in an operator's words;
//! - `behaviour.rs`: the composed libp2p behaviour and connection limits;
//! - `keep_alive.rs`: keeps connections to peers of the network open;
//! - `nat.rs`: hubs behind NAT: relays, hole punching, reachability;
//! - `holdings.rs`: which of this node's entries each peer lacks;
//! - `hub.rs`: the hub name and the signed record that carries it to peers;
//! - `peers.rs`: saved peers and the node's persistent libp2p key;
//! - `status.rs`: what the engine reports.

mod bans;
mod behaviour;
mod blob_fetch;
mod codec;
mod engine;
mod explain;
mod gate;
mod holdings;
pub mod hub;
mod keep_alive;
mod machine;
mod nat;
pub mod peers;
pub(crate) mod reconcile;
pub mod status;

use std::time::Duration;

use libp2p::{StreamProtocol, noise, tcp, yamux};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use self::behaviour::{
    MAX_ESTABLISHED, MAX_ESTABLISHED_INCOMING, MAX_ESTABLISHED_OUTGOING, MAX_ESTABLISHED_PER_PEER, MAX_FOREIGN,
    MAX_PENDING_INCOMING, MAX_PENDING_OUTGOING,
};
pub use self::codec::{Incoming, SyncCodec};
pub use self::status::{Holder, NatStatus, PeerStatus, Problem, ProblemCode, Reach, RelayStatus, SyncStatus};
use crate::Node;
use crate::error::NodeError;
use engine::{Command, Engine};
pub use libp2p::Multiaddr;

/// How the sync engine runs. Plain data: the CLI fills it from flags and config.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Addresses to listen on.
    pub listen: Vec<Multiaddr>,
    /// Peers to keep connected to, besides the saved ones.
    pub peers: Vec<Multiaddr>,
    /// Announce and discover on the local network with mDNS (off by default:
    /// it tells everyone on a shared wifi that a Convene node is here).
    pub mdns: bool,
    /// How often to reconcile with every connected peer, as a backstop.
    pub reconcile_interval: Duration,
    /// What the node does with attached files.
    pub blobs: BlobPolicy,
    /// Relay for hubs of the network behind NAT (a node with a public
    /// address; `nat.rs`).
    pub relay_server: bool,
    /// Relays to reserve a slot on, each `/ip4/…/tcp/PORT/p2p/RELAY_ID`
    /// ([`peers::check_relay_addr`]); each is also a peer.
    pub relays: Vec<Multiaddr>,
    /// What peers call this node ([`hub::check_name`]); signed and sent to
    /// them (`hub.rs`).
    pub hub_name: Option<String>,
}

/// What a node does with attached files (blobs) on its links.
#[derive(Debug, Clone, Copy, Default)]
pub struct BlobPolicy {
    /// Text and previews only, for a metered link: original files are
    /// neither fetched nor served.
    pub text_only: bool,
    /// Bytes per second of blob groups sent to each peer, at most.
    pub upload_limit: Option<u64>,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            listen: vec!["/ip4/0.0.0.0/tcp/4701".parse().expect("valid multiaddr")],
            peers: Vec::new(),
            mdns: false,
            reconcile_interval: Duration::from_secs(30),
            blobs: BlobPolicy::default(),
            relay_server: false,
            relays: Vec::new(),
            hub_name: None,
        }
    }
}

/// A connection closes after this long without a request in flight, unless
/// the remote speaks the network's sync protocol (`keep_alive.rs`): a
/// standard libp2p client can identify and ping, and goes once idle. Ping
/// does not count as activity (libp2p's own rule).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// A cloneable handle to the running sync engine.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    commands: mpsc::Sender<Command>,
}

fn stopped() -> NodeError {
    NodeError::Sync("the sync engine has stopped".into())
}

impl SyncHandle {
    /// The node's network state.
    pub async fn status(&self) -> Result<SyncStatus, NodeError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::Status(reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }

    /// Keeps a connection to `addr` from now on (and saves it).
    pub async fn add_peer(&self, node: &Node, addr: Multiaddr) -> Result<bool, NodeError> {
        let node = node.clone();
        let saved = {
            let addr = addr.clone();
            tokio::task::spawn_blocking(move || peers::add_peer(node.data_dir(), &addr))
                .await
                .map_err(|_| stopped())??
        };
        self.commands.send(Command::AddPeer(addr)).await.map_err(|_| stopped())?;
        Ok(saved)
    }

    /// Forgets a saved peer and drops its connection.
    pub async fn remove_peer(&self, node: &Node, addr: Multiaddr) -> Result<bool, NodeError> {
        let node = node.clone();
        let removed = {
            let addr = addr.clone();
            tokio::task::spawn_blocking(move || peers::remove_peer(node.data_dir(), &addr))
                .await
                .map_err(|_| stopped())??
        };
        self.commands.send(Command::RemovePeer(addr)).await.map_err(|_| stopped())?;
        Ok(removed)
    }

    /// The peers of the network that hold every one of `ids` (a
    /// document's newest entries) or not, as of the last sync with each;
    /// peers whose holdings sync does not know are left out.
    pub async fn holders(&self, ids: Vec<convene_protocol::entry::EntryId>) -> Result<Vec<Holder>, NodeError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::Holders(ids, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }

    /// Stops the engine.
    pub async fn shutdown(&self) {
        let _ = self.commands.send(Command::Shutdown).await;
    }
}

/// The sync protocol's name for a network: nodes of different networks
/// never agree on it, so they never exchange entries.
pub fn protocol_name(network: &convene_protocol::network::NetworkId) -> String {
    format!("/convene/sync/1/{network}")
}

/// The blob protocol's name for a network.
pub fn blob_protocol_name(network: &convene_protocol::network::NetworkId) -> String {
    format!("/convene/blobs/1/{network}")
}

/// A peer id's last 8 characters, for the log.
fn short(peer: &libp2p::PeerId) -> String {
    let text = peer.to_string();
    text[text.len().saturating_sub(8)..].to_owned()
}

/// Starts the swarm, waits until it listens, and spawns the engine.
pub async fn start(node: Node, config: SyncConfig) -> Result<(SyncHandle, JoinHandle<()>), NodeError> {
    let key = peers::node_key(node.data_dir())?;
    let protocol = StreamProtocol::try_from_owned(protocol_name(&node.network()))
        .map_err(|error| NodeError::Sync(error.to_string()))?;
    let blob_protocol = StreamProtocol::try_from_owned(blob_protocol_name(&node.network()))
        .map_err(|error| NodeError::Sync(error.to_string()))?;
    let net = |error: &dyn std::fmt::Display| NodeError::Sync(error.to_string());
    let hub_name = config.hub_name.clone();
    let record = match &hub_name {
        Some(name) => {
            let secretariat = node.data_dir().secretariat()?;
            Some(hub::sign(&key, &node.network(), name, secretariat.as_ref().map(|keys| &keys.signing))?)
        }
        None => None,
    };
    let options = behaviour::Options {
        agent_version: hub::agent_version(record.as_deref()),
        blob_protocol,
        mdns: config.mdns,
        relay_server: config.relay_server,
        members: nat::Members::default(),
    };
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .map_err(|error| net(&error))?
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(|error| net(&error))?
        .with_behaviour(|key, relay_client| {
            behaviour::Behaviour::new(key, protocol.clone(), relay_client, &options)
                .map_err(|error| Box::new(error) as Box<dyn std::error::Error + Send + Sync>)
        })
        .map_err(|error| net(&error))?
        .with_swarm_config(|swarm| swarm.with_idle_connection_timeout(IDLE_TIMEOUT))
        .build();
    for addr in &config.listen {
        swarm.listen_on(addr.clone()).map_err(|error| NodeError::Sync(format!("cannot listen on {addr}: {error}")))?;
    }
    let mut listen_addrs = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while listen_addrs.len() < config.listen.len() {
        use futures::StreamExt;
        match tokio::time::timeout_at(deadline, swarm.select_next_some()).await {
            Ok(libp2p::swarm::SwarmEvent::NewListenAddr { address, .. }) => listen_addrs.push(address),
            Ok(libp2p::swarm::SwarmEvent::ListenerError { error, .. }) => return Err(net(&error)),
            Ok(libp2p::swarm::SwarmEvent::ListenerClosed { reason: Err(error), .. }) => return Err(net(&error)),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let mut dial = config.peers.clone();
    for relay in &config.relays {
        if !dial.contains(relay) {
            dial.push(relay.clone());
        }
    }
    for saved in peers::saved_peers(node.data_dir())? {
        if !dial.contains(&saved) {
            dial.push(saved);
        }
    }
    let nat = nat::Nat::new(
        &mut swarm,
        protocol.clone(),
        config.relay_server,
        &config.relays,
        options.members,
        &listen_addrs,
        std::time::Instant::now(),
    );
    let mut engine = Engine::new(node, swarm, protocol, listen_addrs, dial, &config, nat)
        .map_err(|error| NodeError::Sync(format!("cannot start the sync engine's store thread: {error}")))?;
    engine.hub_name = hub_name;
    let (commands, receiver) = mpsc::channel(64);
    let task = tokio::spawn(engine.run(receiver));
    Ok((SyncHandle { commands }, task))
}
