//! Keeps connections to peers of this node's network open.
//!
//! libp2p closes a connection once no handler asks to keep it and no stream
//! counts (ping's and identify's streams do not), after the swarm's idle
//! timeout (`IDLE_TIMEOUT` in `mod.rs`). This handler asks to keep a
//! connection exactly while the remote says (through identify) that it
//! speaks the network's sync protocol: peers of the network stay connected
//! for pushes, and anything else (a standard libp2p client, a node of
//! another network) is closed once idle.
//!
//! Only one connection per peer is kept so, the oldest open one: others
//! (AutoNAT's dial-backs, a second dial that crossed the first, a direct
//! connection while a relayed one still closes) go once idle, and the next
//! oldest is kept when the kept one closes.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::task::{Context, Poll, Waker};

use libp2p::core::transport::PortUse;
use libp2p::core::upgrade::DeniedUpgrade;
use libp2p::core::{Endpoint, Multiaddr};
use libp2p::swarm::behaviour::{ConnectionClosed, ConnectionEstablished};
use libp2p::swarm::handler::{ConnectionEvent, ProtocolsChange};
use libp2p::swarm::{
    ConnectionDenied, ConnectionHandler, ConnectionHandlerEvent, ConnectionId, FromSwarm, NetworkBehaviour,
    NotifyHandler, SubstreamProtocol, THandler, THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::{PeerId, StreamProtocol};

/// The behaviour: one [`Handler`] per connection, no events.
#[derive(Debug)]
pub struct KeepAlive {
    protocol: StreamProtocol,
    /// Each connected peer's open connections, oldest first.
    open: HashMap<PeerId, Vec<ConnectionId>>,
    /// Handlers to tell they are now their peer's kept connection.
    promote: VecDeque<(PeerId, ConnectionId)>,
    waker: Option<Waker>,
}

impl KeepAlive {
    pub fn new(protocol: StreamProtocol) -> Self {
        Self { protocol, open: HashMap::new(), promote: VecDeque::new(), waker: None }
    }

    /// A handler for a new connection to `peer`: the kept one if it has none.
    fn handler(&self, peer: PeerId) -> Handler {
        let kept = self.open.get(&peer).is_none_or(Vec::is_empty);
        Handler { protocol: self.protocol.clone(), member: false, kept }
    }
}

impl NetworkBehaviour for KeepAlive {
    type ConnectionHandler = Handler;
    type ToSwarm = Infallible;

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler(peer))
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler(peer))
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            FromSwarm::ConnectionEstablished(ConnectionEstablished { peer_id, connection_id, .. }) => {
                self.open.entry(peer_id).or_default().push(connection_id);
            }
            FromSwarm::ConnectionClosed(ConnectionClosed { peer_id, connection_id, .. }) => {
                let Some(open) = self.open.get_mut(&peer_id) else { return };
                let was_kept = open.first() == Some(&connection_id);
                open.retain(|id| *id != connection_id);
                match open.first() {
                    None => {
                        self.open.remove(&peer_id);
                    }
                    Some(next) if was_kept => {
                        self.promote.push_back((peer_id, *next));
                        if let Some(waker) = self.waker.take() {
                            waker.wake();
                        }
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }

    fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, event: THandlerOutEvent<Self>) {
        match event {}
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        match self.promote.pop_front() {
            Some((peer_id, connection)) => {
                Poll::Ready(ToSwarm::NotifyHandler { peer_id, handler: NotifyHandler::One(connection), event: Kept })
            }
            None => {
                self.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Tells a handler its connection is now the one kept for its peer.
#[derive(Debug, Clone, Copy)]
pub struct Kept;

/// Keeps its connection alive while the remote speaks `protocol` and this
/// is the peer's kept connection.
#[derive(Debug)]
pub struct Handler {
    protocol: StreamProtocol,
    member: bool,
    kept: bool,
}

impl ConnectionHandler for Handler {
    type FromBehaviour = Kept;
    type ToBehaviour = Infallible;
    type InboundProtocol = DeniedUpgrade;
    type OutboundProtocol = DeniedUpgrade;
    type InboundOpenInfo = ();
    type OutboundOpenInfo = ();

    fn listen_protocol(&self) -> SubstreamProtocol<Self::InboundProtocol> {
        SubstreamProtocol::new(DeniedUpgrade, ())
    }

    fn connection_keep_alive(&self) -> bool {
        self.member && self.kept
    }

    fn on_behaviour_event(&mut self, Kept: Self::FromBehaviour) {
        self.kept = true;
    }

    fn poll(
        &mut self,
        _: &mut Context<'_>,
    ) -> Poll<ConnectionHandlerEvent<Self::OutboundProtocol, (), Self::ToBehaviour>> {
        Poll::Pending
    }

    fn on_connection_event(&mut self, event: ConnectionEvent<Self::InboundProtocol, Self::OutboundProtocol>) {
        match event {
            ConnectionEvent::RemoteProtocolsChange(ProtocolsChange::Added(mut added)) => {
                self.member = self.member || added.any(|protocol| *protocol == self.protocol);
            }
            ConnectionEvent::RemoteProtocolsChange(ProtocolsChange::Removed(mut removed)) => {
                self.member = self.member && !removed.any(|protocol| *protocol == self.protocol);
            }
            _ => {}
        }
    }
}
