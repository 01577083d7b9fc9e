//! Keeps connections to peers of this node's network open.
//!
//! libp2p closes a connection once no handler asks to keep it and no stream
//! counts (ping's and identify's streams do not), after the swarm's idle
//! timeout (`IDLE_TIMEOUT` in `mod.rs`). This handler asks to keep a
//! connection exactly while the remote says (through identify) that it
//! speaks the network's sync protocol: peers of the network stay connected
//! for pushes, and anything else (a standard libp2p client, a node of
//! another network) is closed once idle.

use std::convert::Infallible;
use std::task::{Context, Poll};

use libp2p::core::transport::PortUse;
use libp2p::core::upgrade::DeniedUpgrade;
use libp2p::core::{Endpoint, Multiaddr};
use libp2p::swarm::handler::{ConnectionEvent, ProtocolsChange};
use libp2p::swarm::{
    ConnectionDenied, ConnectionHandler, ConnectionHandlerEvent, ConnectionId, FromSwarm, NetworkBehaviour,
    SubstreamProtocol, THandler, THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::{PeerId, StreamProtocol};

/// The behaviour: one [`Handler`] per connection, no events.
#[derive(Debug)]
pub struct KeepAlive {
    protocol: StreamProtocol,
}

impl KeepAlive {
    pub fn new(protocol: StreamProtocol) -> Self {
        Self { protocol }
    }
}

impl NetworkBehaviour for KeepAlive {
    type ConnectionHandler = Handler;
    type ToSwarm = Infallible;

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(Handler { protocol: self.protocol.clone(), member: false })
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(Handler { protocol: self.protocol.clone(), member: false })
    }

    fn on_swarm_event(&mut self, _: FromSwarm) {}

    fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, event: THandlerOutEvent<Self>) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

/// Keeps its connection alive while the remote speaks `protocol`.
#[derive(Debug)]
pub struct Handler {
    protocol: StreamProtocol,
    member: bool,
}

impl ConnectionHandler for Handler {
    type FromBehaviour = Infallible;
    type ToBehaviour = Infallible;
    type InboundProtocol = DeniedUpgrade;
    type OutboundProtocol = DeniedUpgrade;
    type InboundOpenInfo = ();
    type OutboundOpenInfo = ();

    fn listen_protocol(&self) -> SubstreamProtocol<Self::InboundProtocol> {
        SubstreamProtocol::new(DeniedUpgrade, ())
    }

    fn connection_keep_alive(&self) -> bool {
        self.member
    }

    fn on_behaviour_event(&mut self, event: Self::FromBehaviour) {
        match event {}
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
