//! Standard libp2p peers (this test process: Rust swarms with identify and
//! ping only, no Convene protocol) against a real `convene node run` on
//! 127.0.0.1: they can connect, identify and ping; they are not the
//! network's peers; the connection limits hold; idle ones close while
//! peers of the network stay connected and keep syncing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use convene_node::sync::{IDLE_TIMEOUT, MAX_ESTABLISHED_INCOMING, MAX_ESTABLISHED_PER_PEER, MAX_FOREIGN, SyncCodec};
use convene_protocol::network::Genesis;
use convene_protocol::wire::{Request, Response};
use convene_tests::{Network, TestNode, generate_corpus, peer, wait_until, wait_until_or};
use futures::StreamExt;
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{Multiaddr, StreamProtocol, Swarm, identify, ping};
use serde_json::Value;

/// What a standard libp2p client runs: identify and ping, nothing else.
#[derive(NetworkBehaviour)]
struct Standard {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
}

fn standard_client() -> Swarm<Standard> {
    peer::swarm(|key| Standard {
        identify: identify::Behaviour::new(identify::Config::new("/standard/1.0.0".into(), key.public())),
        ping: ping::Behaviour::new(ping::Config::new().with_interval(Duration::from_secs(1))),
    })
}

fn ping_only_client() -> Swarm<ping::Behaviour> {
    peer::swarm(|_| ping::Behaviour::new(ping::Config::new().with_interval(Duration::from_secs(1))))
}

fn hub(network: &Network) -> TestNode {
    let node = TestNode::init(network, false);
    node.run(&["identity", "new", "--name", "convener"]).ok();
    node
}

fn submit_one(node: &TestNode, seed: u64) -> String {
    let corpus = generate_corpus(&node.scratch(), 1, seed);
    let line = std::fs::read_to_string(corpus).unwrap();
    node.run_with_stdin(&["submit", "-", "--json"], &line).ok().json()["id"].as_str().unwrap().to_owned()
}

fn listed_peers(node: &TestNode) -> Vec<String> {
    let status = node.sync_status();
    status["peers"].as_array().unwrap().iter().filter_map(|peer| peer["peer_id"].as_str().map(str::to_owned)).collect()
}

/// What a client saw, shared with the test's thread.
#[derive(Default)]
struct Seen {
    identified_convene: AtomicUsize,
    pings: AtomicUsize,
    established: AtomicUsize,
    closed: AtomicUsize,
    failed: AtomicUsize,
}

impl Seen {
    fn open(&self) -> usize {
        self.established.load(Ordering::SeqCst).saturating_sub(self.closed.load(Ordering::SeqCst))
    }

    /// Connections refused: closed by the node or never established.
    fn refused(&self) -> usize {
        self.closed.load(Ordering::SeqCst) + self.failed.load(Ordering::SeqCst)
    }

    fn resolved(&self) -> usize {
        self.established.load(Ordering::SeqCst) + self.failed.load(Ordering::SeqCst)
    }

    fn describe(&self) -> String {
        format!(
            "identified {} pings {} established {} closed {} failed {}",
            self.identified_convene.load(Ordering::SeqCst),
            self.pings.load(Ordering::SeqCst),
            self.established.load(Ordering::SeqCst),
            self.closed.load(Ordering::SeqCst),
            self.failed.load(Ordering::SeqCst)
        )
    }
}

/// Drives a swarm, counting what happens, until the task is aborted.
async fn drive<B>(mut swarm: Swarm<B>, seen: Arc<Seen>, sync: StreamProtocol)
where
    B: NetworkBehaviour,
    B::ToSwarm: Observed,
{
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::ConnectionEstablished { .. } => {
                seen.established.fetch_add(1, Ordering::SeqCst);
            }
            SwarmEvent::ConnectionClosed { .. } => {
                seen.closed.fetch_add(1, Ordering::SeqCst);
            }
            SwarmEvent::OutgoingConnectionError { .. } => {
                seen.failed.fetch_add(1, Ordering::SeqCst);
            }
            SwarmEvent::Behaviour(event) => match event.observed() {
                Some(StandardEvent::Identify(identify::Event::Received { info, .. }))
                    if info.agent_version.starts_with("convene/") && info.protocols.contains(&sync) =>
                {
                    seen.identified_convene.fetch_add(1, Ordering::SeqCst);
                }
                Some(StandardEvent::Ping(ping::Event { result: Ok(_), .. })) => {
                    seen.pings.fetch_add(1, Ordering::SeqCst);
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// The clients' events, as one type.
trait Observed {
    fn observed(self) -> Option<StandardEvent>;
}

impl Observed for ping::Event {
    fn observed(self) -> Option<StandardEvent> {
        Some(StandardEvent::Ping(self))
    }
}

impl Observed for StandardEvent {
    fn observed(self) -> Option<StandardEvent> {
        Some(self)
    }
}

fn sync_protocol(network: &Network) -> StreamProtocol {
    let genesis = Genesis::from_json(&std::fs::read_to_string(network.genesis()).unwrap()).unwrap();
    peer::sync_protocol(&genesis.network_id())
}

/// Starts `count` clients made by `make`, each dialing `addr` once, in
/// waves small enough for the pending-connection limit; returns what they saw.
fn flood<B>(
    runtime: &tokio::runtime::Runtime,
    addr: &Multiaddr,
    sync: &StreamProtocol,
    count: usize,
    make: fn() -> Swarm<B>,
) -> (Arc<Seen>, Vec<tokio::task::JoinHandle<()>>)
where
    B: NetworkBehaviour + Send + 'static,
    B::ToSwarm: Observed + Send,
    libp2p::swarm::THandlerInEvent<B>: Send,
{
    let _enter = runtime.enter();
    let seen = Arc::new(Seen::default());
    let mut tasks = Vec::new();
    for wave in (0..count).collect::<Vec<_>>().chunks(8) {
        for _ in wave {
            let mut client = runtime.block_on(async { make() });
            client.dial(addr.clone()).unwrap();
            tasks.push(runtime.spawn(drive(client, seen.clone(), sync.clone())));
        }
        let dialed = tasks.len();
        wait_until_or(
            "a wave of dials resolves",
            Duration::from_secs(30),
            || seen.resolved() >= dialed,
            || seen.describe(),
        );
    }
    (seen, tasks)
}

#[test]
fn a_standard_libp2p_client_identifies_and_pings_and_is_no_peer_of_the_network() {
    let network = Network::create("Interop");
    let node = hub(&network);
    let running = node.start(&[]);
    let addr: Multiaddr = node.p2p_addr().parse().unwrap();
    let sync = sync_protocol(&network);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let enter = runtime.enter();

    let seen = Arc::new(Seen::default());
    let mut client = runtime.block_on(async { standard_client() });
    let client_id = *client.local_peer_id();
    client.dial(addr.clone()).unwrap();
    let task = runtime.spawn(drive(client, seen.clone(), sync.clone()));
    wait_until_or(
        "the client identifies the node",
        Duration::from_secs(20),
        || seen.identified_convene.load(Ordering::SeqCst) > 0,
        || seen.describe(),
    );
    // Pings go on for more than a few seconds on one connection, never cut.
    let started = Instant::now();
    wait_until_or("8 pings", Duration::from_secs(30), || seen.pings.load(Ordering::SeqCst) >= 8, || seen.describe());
    assert!(started.elapsed() >= Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(seen.established.load(Ordering::SeqCst), 1, "{}", seen.describe());
    assert_eq!(seen.closed.load(Ordering::SeqCst), 0, "the node cut the client: {}", seen.describe());
    // It is no peer of the network.
    let peers = listed_peers(&node);
    assert!(!peers.contains(&client_id.to_string()), "{peers:?}");
    assert!(node.sync_status()["peers"].as_array().unwrap().is_empty(), "{}", node.sync_status());

    // A peer that speaks the sync protocol without being configured is
    // listed while connected, and nothing is kept once it leaves.
    let member_seen = Arc::new(Seen::default());
    let member_id = {
        let mut member = runtime.block_on(async {
            peer::swarm(|_| {
                request_response::Behaviour::with_codec(
                    SyncCodec::default(),
                    [(sync.clone(), ProtocolSupport::Full)],
                    request_response::Config::default(),
                )
            })
        });
        let id = *member.local_peer_id();
        member.dial(addr.clone()).unwrap();
        let seen = member_seen.clone();
        let member_task = runtime.spawn(async move {
            loop {
                match member.select_next_some().await {
                    SwarmEvent::ConnectionEstablished { peer_id, .. } => {
                        seen.established.fetch_add(1, Ordering::SeqCst);
                        member.behaviour_mut().send_request(&peer_id, Request::Announce(Vec::new()).into());
                    }
                    SwarmEvent::Behaviour(request_response::Event::Message {
                        message: request_response::Message::Response { response: Response::Ack, .. },
                        ..
                    }) => {
                        seen.pings.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => {}
                }
            }
        });
        wait_until("the member is listed", Duration::from_secs(20), || listed_peers(&node).contains(&id.to_string()));
        member_task.abort();
        id
    };
    wait_until_or(
        "the member's row goes with it",
        Duration::from_secs(20),
        || !listed_peers(&node).contains(&member_id.to_string()),
        || node.sync_status().to_string(),
    );

    task.abort();
    // Once the client has left too, nothing about either is listed, and
    // the node never took it for a node of another network.
    wait_until_or(
        "no peer listed once both have left",
        Duration::from_secs(20),
        || node.sync_status()["peers"].as_array().is_some_and(Vec::is_empty),
        || node.sync_status().to_string(),
    );
    drop(enter);
    drop(runtime);
    let log = running.stop();
    assert!(!log.contains("not on this node's network"), "{log}");
}

#[test]
fn connections_past_the_limits_are_refused_and_the_network_still_syncs() {
    let network = Network::create("Limits");
    let a = hub(&network);
    let b = TestNode::init(&network, false);
    let run_a = a.start(&[]);
    let run_b = b.start(&[a.p2p_addr()]);
    let addr: Multiaddr = a.p2p_addr().parse().unwrap();
    let sync = sync_protocol(&network);
    let first = submit_one(&a, 80);
    wait_until("B syncs", Duration::from_secs(60), || b.ids().contains(&first));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let enter = runtime.enter();

    // Connections that never identify count against the incoming limit
    // (B's connection is one of them).
    let incoming = MAX_ESTABLISHED_INCOMING as usize;
    let (seen, tasks) = flood(&runtime, &addr, &sync, incoming + 16, ping_only_client);
    wait_until_or(
        "every connection of the flood is established or refused",
        Duration::from_secs(30),
        || seen.resolved() >= incoming + 16 && seen.open() < incoming,
        || seen.describe(),
    );
    eprintln!("flood of connections that do not identify: {}", seen.describe());
    let open = seen.open();
    assert!(open < incoming && open >= incoming / 2, "{} open of {}: {}", open, incoming + 16, seen.describe());
    assert!(seen.refused() > 16, "{}", seen.describe());
    // An honest peer of the network still syncs meanwhile.
    let during = submit_one(&a, 81);
    wait_until("B syncs during the flood", Duration::from_secs(60), || b.ids().contains(&during));
    for task in tasks {
        task.abort();
    }

    // Clients that identify without the sync protocol: at most MAX_FOREIGN stay.
    let foreign = MAX_FOREIGN as usize;
    let (seen, tasks) = flood(&runtime, &addr, &sync, foreign + 16, standard_client);
    wait_until_or(
        "the node closes the foreign connections past its limit",
        Duration::from_secs(20),
        || seen.open() <= foreign && seen.refused() >= 16,
        || seen.describe(),
    );
    eprintln!("flood of clients without the sync protocol: {}", seen.describe());
    assert!(seen.open() >= foreign / 2, "{}", seen.describe());
    let peers = listed_peers(&a);
    assert_eq!(peers.len(), 1, "only B is listed: {peers:?}");
    for task in tasks {
        task.abort();
    }

    // One peer id gets MAX_ESTABLISHED_PER_PEER connections.
    let seen = Arc::new(Seen::default());
    let mut client = runtime.block_on(async { ping_only_client() });
    let dials = MAX_ESTABLISHED_PER_PEER as usize + 3;
    for _ in 0..dials {
        client.dial(addr.clone()).unwrap();
    }
    let task = runtime.spawn(drive(client, seen.clone(), sync.clone()));
    wait_until_or("every dial resolves", Duration::from_secs(20), || seen.resolved() >= dials, || seen.describe());
    wait_until_or(
        "the node closes the connections past the per-peer limit",
        Duration::from_secs(20),
        || seen.refused() >= dials - MAX_ESTABLISHED_PER_PEER as usize,
        || seen.describe(),
    );
    eprintln!("one peer id dialing {dials} times: {}", seen.describe());
    assert!(seen.open() <= MAX_ESTABLISHED_PER_PEER as usize, "{}", seen.describe());
    task.abort();

    let after = submit_one(&a, 82);
    wait_until("B syncs after the floods", Duration::from_secs(60), || b.ids().contains(&after));
    drop(enter);
    drop(runtime);
    run_b.stop();
    run_a.stop();
}

/// A `convene node run` that reconciles only every 10 minutes (the
/// harness's nodes do every 2 s), killed when dropped.
struct Quiet {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl Quiet {
    fn start(node: &TestNode, peers: &[String]) -> Self {
        let log = node.scratch().join("quiet-node.log");
        let file = std::fs::File::create(&log).unwrap();
        let _ = std::fs::remove_file(node.data_dir().join("node.json"));
        let mut args = vec!["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0"];
        args.extend(["--sync-interval", "600"]);
        for peer in peers {
            args.extend(["--peer", peer.as_str()]);
        }
        let child = node
            .command(&args)
            .env("CONVENE_LOG", "info,convene_node=debug")
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap();
        let quiet = Self { child, log };
        wait_until_or(
            "the node to answer",
            Duration::from_secs(30),
            || {
                serde_json::from_str::<Value>(&node.run(&["status", "--json"]).stdout)
                    .is_ok_and(|status| status.get("sync").is_some_and(|sync| !sync.is_null()))
            },
            || quiet.log(),
        );
        quiet
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn idle_foreign_connections_close_and_peers_of_the_network_stay() {
    let network = Network::create("Idle");
    let a = hub(&network);
    let b = TestNode::init(&network, false);
    // Neither reconciles again within the test: nothing but the keep-alive
    // holds their connection open past the idle timeout.
    let run_a = Quiet::start(&a, &[]);
    let run_b = Quiet::start(&b, &[a.p2p_addr()]);
    let first = submit_one(&a, 90);
    wait_until("B syncs", Duration::from_secs(60), || b.ids().contains(&first));
    let addr: Multiaddr = a.p2p_addr().parse().unwrap();
    let sync = sync_protocol(&network);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let enter = runtime.enter();

    let seen = Arc::new(Seen::default());
    let mut client = standard_client();
    client.dial(addr).unwrap();
    let opened = Instant::now();
    let task = runtime.spawn(drive(client, seen.clone(), sync));
    wait_until_or(
        "the node closes the idle client",
        IDLE_TIMEOUT + Duration::from_secs(30),
        || seen.closed.load(Ordering::SeqCst) > 0,
        || seen.describe(),
    );
    let lasted = opened.elapsed();
    // Pinging all along did not keep it open, and it was not cut early.
    assert!(lasted >= IDLE_TIMEOUT - Duration::from_secs(5), "closed after {lasted:?}: {}", seen.describe());
    assert!(seen.pings.load(Ordering::SeqCst) >= 30, "{}", seen.describe());
    task.abort();

    // B stayed connected the whole time, and news still reaches it at once.
    let status: Value = b.sync_status();
    assert_eq!(status["peers"][0]["connected"], true, "{status}");
    let log_b = run_b.log();
    assert!(!log_b.contains("disconnected"), "{log_b}");
    let later = submit_one(&a, 91);
    wait_until("B gets news pushed", Duration::from_secs(10), || b.ids().contains(&later));
    drop(enter);
    drop(runtime);
    drop(run_b);
    drop(run_a);
}
