//! The libp2p behaviour a node runs: identify, ping, the sync protocol, and
//! mDNS only when asked for.

use std::time::Duration;

use libp2p::identity::Keypair;
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{StreamProtocol, identify, mdns, ping, request_response};

use super::codec::SyncCodec;

/// Slow links (64 kbit/s) need minutes for a full reply.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(180);

/// The composed behaviour.
#[derive(NetworkBehaviour)]
pub struct Behaviour {
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    pub sync: request_response::Behaviour<SyncCodec>,
    pub mdns: Toggle<mdns::tokio::Behaviour>,
}

impl Behaviour {
    pub fn new(key: &Keypair, protocol: StreamProtocol, mdns: bool) -> std::io::Result<Self> {
        let sync_config =
            request_response::Config::default().with_request_timeout(REQUEST_TIMEOUT).with_max_concurrent_streams(32);
        let mdns = if mdns {
            Some(mdns::tokio::Behaviour::new(mdns::Config::default(), key.public().to_peer_id())?)
        } else {
            None
        };
        Ok(Self {
            identify: identify::Behaviour::new(
                identify::Config::new("/convene/id/1".into(), key.public())
                    .with_agent_version(format!("convene/{}", env!("CARGO_PKG_VERSION"))),
            ),
            ping: ping::Behaviour::default(),
            sync: request_response::Behaviour::with_codec(
                SyncCodec,
                [(protocol, request_response::ProtocolSupport::Full)],
                sync_config,
            ),
            mdns: mdns.into(),
        })
    }
}
