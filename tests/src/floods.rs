//! Floods a hostile peer sends a node, over real libp2p connections: shared
//! by the flood test (`tests/tests/flood.rs`) and `convene-bench hostile`.
//! Each runs until `stop` is set (the garbage flood also ends once the
//! node refuses its address).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use convene_protocol::entry::EntryId;
use convene_protocol::network::NetworkId;
use convene_protocol::wire::{MAX_IDS, Request};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::request_response::{self, Codec, ProtocolSupport};
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, StreamProtocol};

/// Writes whatever bytes it is given as a request, and, for a `Stall`,
/// a frame header and part of its body, then nothing more, ever.
#[derive(Debug, Clone, Default)]
struct RawCodec;

#[derive(Debug, Clone)]
enum Raw {
    /// Bytes written as they are (a frame of garbage).
    Bytes(Vec<u8>),
    /// A header declaring `declared` bytes, `sent` of them, then silence.
    Stall { declared: u32, sent: usize },
}

impl Codec for RawCodec {
    type Protocol = StreamProtocol;
    type Request = Raw;
    type Response = Vec<u8>;

    async fn read_request<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        _: &mut T,
    ) -> std::io::Result<Raw> {
        Err(std::io::Error::other("this peer takes no requests"))
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        io.take(1 << 20).read_to_end(&mut bytes).await?;
        Ok(bytes)
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: Raw,
    ) -> std::io::Result<()> {
        match request {
            Raw::Bytes(bytes) => {
                io.write_all(&bytes).await?;
                io.close().await
            }
            Raw::Stall { declared, sent } => {
                io.write_all(&declared.to_be_bytes()).await?;
                io.write_all(&vec![7u8; sent]).await?;
                io.flush().await?;
                futures::future::pending().await
            }
        }
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        _: &mut T,
        _: Vec<u8>,
    ) -> std::io::Result<()> {
        Ok(())
    }
}

/// What the floods did, counted as they go.
#[derive(Debug, Default)]
pub struct Counts {
    /// Announcements of random ids sent.
    pub announces_sent: AtomicUsize,
    /// Of those, answered `busy`.
    pub refused_busy: AtomicUsize,
    /// Malformed frames sent.
    pub garbage_sent: AtomicUsize,
    /// Connections of the garbage sender the node closed.
    pub garbage_banned: AtomicUsize,
    /// Connections opened under fresh peer ids.
    pub connections: AtomicUsize,
    /// Streams left holding an unfinished frame.
    pub stalls: AtomicUsize,
}

/// Announces random ids, up to 16 requests in flight, and never answers the
/// node's fetches (it keeps their channels, so each waits for its time-out).
pub async fn announce(addr: Multiaddr, network: NetworkId, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut swarm = crate::peer::sync_client(&network);
    swarm.dial(addr).unwrap();
    let mut random = crate::XorShift(0x5eed_f00d);
    let mut held = Vec::new();
    let mut in_flight = 0;
    let mut target = None;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    while !stop.load(Ordering::Relaxed) {
        tokio::select! {
            event = swarm.select_next_some() => match event {
                SwarmEvent::ConnectionEstablished { peer_id, .. } => target = Some(peer_id),
                SwarmEvent::ConnectionClosed { .. } => target = None,
                SwarmEvent::Behaviour(request_response::Event::Message { message, .. }) => match message {
                    request_response::Message::Request { channel, .. } => held.push(channel),
                    request_response::Message::Response { response, .. } => {
                        in_flight -= 1;
                        if matches!(response, convene_protocol::wire::Response::Refused(_)) {
                            counts.refused_busy.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                },
                SwarmEvent::Behaviour(request_response::Event::OutboundFailure { .. }) => in_flight -= 1,
                _ => {}
            },
            _ = tick.tick() => {
                if let Some(peer) = target {
                    while in_flight < 16 {
                        let ids = (0..MAX_IDS)
                            .map(|_| {
                                let mut id = [0u8; 32];
                                for chunk in id.chunks_mut(8) {
                                    chunk.copy_from_slice(&random.below(u64::MAX).to_le_bytes());
                                }
                                EntryId(id)
                            })
                            .collect();
                        swarm.behaviour_mut().send_request(&peer, Request::Announce(ids).into());
                        counts.announces_sent.fetch_add(1, Ordering::Relaxed);
                        in_flight += 1;
                    }
                }
            }
        }
    }
}

/// Sends malformed frames under one fresh peer id after another; returns
/// when the node refuses to let it connect at all (its address is banned)
/// or when told to stop.
pub async fn garbage(addr: Multiaddr, protocol: StreamProtocol, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut refused_in_a_row = 0;
    while !stop.load(Ordering::Relaxed) && refused_in_a_row < 3 {
        let mut swarm = crate::peer::swarm(|_| {
            request_response::Behaviour::with_codec(
                RawCodec,
                [(protocol.clone(), ProtocolSupport::Outbound)],
                request_response::Config::default(),
            )
        });
        swarm.dial(addr.clone()).unwrap();
        let mut connected = false;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let Ok(event) = tokio::time::timeout_at(deadline, swarm.select_next_some()).await else { break };
            match event {
                SwarmEvent::ConnectionEstablished { peer_id, .. } => {
                    connected = true;
                    for round in 0..30u32 {
                        // A well-framed request the node cannot decode.
                        let mut frame = 9u32.to_be_bytes().to_vec();
                        frame.extend_from_slice(&[0xff, 1, 2, 3, 4, 5, 6, 7, round as u8]);
                        swarm.behaviour_mut().send_request(&peer_id, Raw::Bytes(frame));
                        counts.garbage_sent.fetch_add(1, Ordering::Relaxed);
                    }
                }
                SwarmEvent::ConnectionClosed { .. } => {
                    counts.garbage_banned.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                SwarmEvent::OutgoingConnectionError { .. } => {
                    refused_in_a_row += 1;
                    break;
                }
                _ => {}
            }
        }
        if connected {
            refused_in_a_row = 0;
        }
    }
}

/// Opens streams that declare almost the largest request and never finish it.
pub async fn stall(addr: Multiaddr, protocol: StreamProtocol, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut swarm = crate::peer::swarm(|_| {
        request_response::Behaviour::with_codec(
            RawCodec,
            [(protocol, ProtocolSupport::Outbound)],
            request_response::Config::default()
                .with_request_timeout(Duration::from_secs(600))
                .with_max_concurrent_streams(64),
        )
    });
    swarm.dial(addr).unwrap();
    while !stop.load(Ordering::Relaxed) {
        let Ok(event) = tokio::time::timeout(Duration::from_millis(200), swarm.select_next_some()).await else {
            continue;
        };
        if let SwarmEvent::ConnectionEstablished { peer_id, .. } = event {
            for _ in 0..64 {
                let request = Raw::Stall { declared: 500_000, sent: 499_000 };
                swarm.behaviour_mut().send_request(&peer_id, request);
                counts.stalls.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Opens connections under fresh peer ids, in waves of 8 (each dialled once
/// the last has connected or failed, as the node's pending-connection limit
/// wants), and keeps them.
pub async fn connections(addr: Multiaddr, count: usize, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut tasks = Vec::new();
    let (resolved_tx, mut resolved) = tokio::sync::mpsc::channel::<()>(8);
    for wave in 0..count.div_ceil(8) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let size = 8.min(count - wave * 8);
        for _ in 0..size {
            let mut client = crate::peer::swarm(|_| libp2p::ping::Behaviour::default());
            client.dial(addr.clone()).unwrap();
            let (counts, stop, resolved_tx) = (counts.clone(), stop.clone(), resolved_tx.clone());
            tasks.push(tokio::spawn(async move {
                let mut resolved_tx = Some(resolved_tx);
                while !stop.load(Ordering::Relaxed) {
                    let Ok(event) = tokio::time::timeout(Duration::from_millis(200), client.select_next_some()).await
                    else {
                        continue;
                    };
                    match event {
                        SwarmEvent::ConnectionEstablished { .. } => {
                            counts.connections.fetch_add(1, Ordering::Relaxed);
                        }
                        SwarmEvent::OutgoingConnectionError { .. } => {}
                        _ => continue,
                    }
                    if let Some(tx) = resolved_tx.take() {
                        let _ = tx.send(()).await;
                    }
                }
            }));
        }
        for _ in 0..size {
            if tokio::time::timeout(Duration::from_secs(30), resolved.recv()).await.is_err() {
                break;
            }
        }
    }
    for task in tasks {
        let _ = task.await;
    }
}
