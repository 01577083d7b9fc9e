//! Peers of the tests' own that speak libp2p to a node: a swarm on TCP,
//! Noise and Yamux, and a client of a network's sync protocol (which a test
//! then drives as an honest, a hostile or a feeding peer).

use std::time::Duration;

use convene_node::sync::{SyncCodec, protocol_name};
use convene_protocol::network::NetworkId;
use libp2p::identity::Keypair;
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{StreamProtocol, Swarm, noise, relay, tcp, yamux};

/// A swarm with a fresh identity running `behaviour`. It keeps its side of
/// a connection open: whoever closes one, it is the node.
pub fn swarm<B: NetworkBehaviour>(behaviour: impl FnOnce(&Keypair) -> B) -> Swarm<B> {
    libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default(), noise::Config::new, yamux::Config::default)
        .expect("TCP transport")
        .with_behaviour(behaviour)
        .expect("behaviour")
        .with_swarm_config(|config| config.with_idle_connection_timeout(Duration::from_secs(600)))
        .build()
}

/// Like [`swarm`], with libp2p's relay client: it can ask a relay for a
/// slot and dial through one.
pub fn relay_swarm<B: NetworkBehaviour>(behaviour: impl FnOnce(&Keypair, relay::client::Behaviour) -> B) -> Swarm<B> {
    libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default(), noise::Config::new, yamux::Config::default)
        .expect("TCP transport")
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .expect("relay client")
        .with_behaviour(behaviour)
        .expect("behaviour")
        .with_swarm_config(|config| config.with_idle_connection_timeout(Duration::from_secs(600)))
        .build()
}

/// The sync protocol of `network`.
pub fn sync_protocol(network: &NetworkId) -> StreamProtocol {
    StreamProtocol::try_from_owned(protocol_name(network)).expect("a protocol name")
}

/// A swarm that speaks `network`'s sync protocol both ways, with the
/// node's own codec.
pub fn sync_client(network: &NetworkId) -> Swarm<request_response::Behaviour<SyncCodec>> {
    swarm(|_| {
        request_response::Behaviour::with_codec(
            SyncCodec::default(),
            [(sync_protocol(network), ProtocolSupport::Full)],
            request_response::Config::default(),
        )
    })
}
