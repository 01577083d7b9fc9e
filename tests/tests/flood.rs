//! A hostile peer (this test process, over real libp2p connections) floods a
//! node at once with announcements of random ids it never serves, hundreds
//! of connections under fresh peer ids, malformed frames, and frames it
//! never finishes. Meanwhile an honest peer syncs 1,000 submissions to the
//! node and a convener submits one: the node stays within 150 MB resident,
//! completes the honest sync, answers the submit, and bans the sender of
//! malformed frames (and, once two of its ids are banned, its address).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use convene_protocol::entry::EntryId;
use convene_protocol::network::{Genesis, NetworkId};
use convene_protocol::wire::{MAX_IDS, Request};
use convene_tests::{Network, TestNode, XorShift, generate_corpus, path_str, peer, wait_until_or};
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

fn resident_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[derive(Default)]
struct Counts {
    announces_sent: AtomicUsize,
    refused_busy: AtomicUsize,
    garbage_sent: AtomicUsize,
    garbage_banned: AtomicUsize,
    connections: AtomicUsize,
    stalls: AtomicUsize,
}

/// Announces random ids, up to 16 requests in flight, and never answers the
/// node's fetches (it keeps their channels, so each waits for its time-out).
async fn announce_flood(addr: Multiaddr, network: NetworkId, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut swarm = peer::sync_client(&network);
    swarm.dial(addr).unwrap();
    let mut random = XorShift(0x5eed_f00d);
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
async fn garbage_flood(addr: Multiaddr, protocol: StreamProtocol, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut refused_in_a_row = 0;
    while !stop.load(Ordering::Relaxed) && refused_in_a_row < 3 {
        let mut swarm = peer::swarm(|_| {
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
async fn stall_flood(addr: Multiaddr, protocol: StreamProtocol, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut swarm = peer::swarm(|_| {
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
async fn connection_flood(addr: Multiaddr, count: usize, counts: Arc<Counts>, stop: Arc<AtomicBool>) {
    let mut tasks = Vec::new();
    let (resolved_tx, mut resolved) = tokio::sync::mpsc::channel::<()>(8);
    for wave in 0..count.div_ceil(8) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let size = 8.min(count - wave * 8);
        for _ in 0..size {
            let mut client = peer::swarm(|_| libp2p::ping::Behaviour::default());
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

#[test]
fn a_flooded_node_stays_small_syncs_an_honest_peer_and_serves_its_convener() {
    let network = Network::create("Flood");
    let genesis = Genesis::from_json(&std::fs::read_to_string(network.genesis()).unwrap()).unwrap();
    let protocol = peer::sync_protocol(&genesis.network_id());
    let victim = TestNode::init(&network, false);
    victim.run(&["identity", "new", "--name", "hub"]).ok();
    let honest = TestNode::init(&network, false);
    honest.run(&["identity", "new", "--name", "other"]).ok();
    let corpus = generate_corpus(&honest.scratch(), 1_001, 91);
    let lines: Vec<String> = std::fs::read_to_string(&corpus).unwrap().lines().map(str::to_owned).collect();
    let honest_corpus = honest.scratch().join("honest.jsonl");
    std::fs::write(&honest_corpus, lines[..1_000].join("\n")).unwrap();
    honest.run(&["import", path_str(&honest_corpus)]).ok();
    let running = victim.start(&[]);
    let pid = running.pid();
    let _honest_node = honest.start(&[]);
    let addr: Multiaddr = victim.p2p_addr().parse().unwrap();
    let before_kb = resident_kb(pid, "VmRSS:");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let counts = Arc::new(Counts::default());
    let stop = Arc::new(AtomicBool::new(false));
    let floods = vec![
        runtime.spawn(announce_flood(addr.clone(), genesis.network_id(), counts.clone(), stop.clone())),
        runtime.spawn(stall_flood(addr.clone(), protocol.clone(), counts.clone(), stop.clone())),
        runtime.spawn(connection_flood(addr.clone(), 300, counts.clone(), stop.clone())),
    ];
    let describe = |counts: &Counts| {
        format!(
            "announces sent {}, refused {}; garbage frames {}, garbage peers cut off {}; stalled streams {}; connections {}; \
             resident {} kB (peak {} kB)\nnode log tail:\n{}",
            counts.announces_sent.load(Ordering::Relaxed),
            counts.refused_busy.load(Ordering::Relaxed),
            counts.garbage_sent.load(Ordering::Relaxed),
            counts.garbage_banned.load(Ordering::Relaxed),
            counts.stalls.load(Ordering::Relaxed),
            counts.connections.load(Ordering::Relaxed),
            resident_kb(pid, "VmRSS:"),
            resident_kb(pid, "VmHWM:"),
            running.log().lines().rev().take(15).collect::<Vec<_>>().join("\n")
        )
    };
    // Under way before the honest peer is added.
    wait_until_or(
        "the floods to be under way",
        Duration::from_secs(60),
        || counts.announces_sent.load(Ordering::Relaxed) > 100 && counts.connections.load(Ordering::Relaxed) > 50,
        || describe(&counts),
    );

    // The honest peer's 1,000 submissions arrive in spite of it all.
    victim.run(&["peers", "add", &honest.p2p_addr()]).ok();
    wait_until_or(
        "the honest peer's 1,000 submissions at the flooded node",
        Duration::from_secs(180),
        || victim.run(&["status", "--json"]).json()["store"]["entries"].as_u64().unwrap_or(0) >= 1_000,
        || describe(&counts),
    );

    // A convener's submit answers.
    let one = victim.scratch().join("one.json");
    std::fs::write(&one, &lines[1_000]).unwrap();
    let submitted = victim.run(&["submit", "--as", "hub", path_str(&one)]);
    assert_eq!(submitted.code, 0, "a local submit during the flood: {}\n{}", submitted.stderr, describe(&counts));

    stop.store(true, Ordering::Relaxed);
    for flood in floods {
        runtime.block_on(async { tokio::time::timeout(Duration::from_secs(30), flood).await }).ok();
    }
    let peak_kb = resident_kb(pid, "VmHWM:");
    eprintln!("{}\nresident before the flood: {before_kb} kB", describe(&counts));

    // Malformed frames get their senders banned, and then their address.
    let stop = Arc::new(AtomicBool::new(false));
    let garbage = runtime.spawn(garbage_flood(addr.clone(), protocol.clone(), counts.clone(), stop.clone()));
    runtime.block_on(async { tokio::time::timeout(Duration::from_secs(120), garbage).await }).ok();
    stop.store(true, Ordering::Relaxed);
    let log = running.log();
    assert!(log.contains("too much invalid data; disconnecting"), "{}", describe(&counts));
    assert!(log.contains("refusing connections from it"), "{}", describe(&counts));
    assert!(counts.garbage_banned.load(Ordering::Relaxed) >= 2, "{}", describe(&counts));
    assert!(counts.refused_busy.load(Ordering::Relaxed) > 0, "announcements past the caps are refused");
    assert!(peak_kb < 150 * 1024, "peak resident {peak_kb} kB\n{}", describe(&counts));
    // Nothing was planted: the honest 1,000 and the convener's own.
    assert_eq!(victim.run(&["status", "--json"]).json()["store"]["entries"], 1_001);
}
