//! A hostile peer (this test process, over real libp2p connections) floods a
//! node at once with announcements of random ids it never serves, hundreds
//! of connections under fresh peer ids, malformed frames, and frames it
//! never finishes. Meanwhile an honest peer syncs 1,000 submissions to the
//! node and a convener submits one: the node stays within 150 MB resident,
//! completes the honest sync, answers the submit, and bans the sender of
//! malformed frames (and, once two of its ids are banned, its address).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use convene_protocol::network::Genesis;
use convene_tests::floods::{self, Counts};
use convene_tests::resident_kb;
use convene_tests::{Network, TestNode, generate_corpus, path_str, peer, wait_until_or};
use libp2p::Multiaddr;

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
        runtime.spawn(floods::announce(addr.clone(), genesis.network_id(), counts.clone(), stop.clone())),
        runtime.spawn(floods::stall(addr.clone(), protocol.clone(), counts.clone(), stop.clone())),
        runtime.spawn(floods::connections(addr.clone(), 300, counts.clone(), stop.clone())),
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
    let garbage = runtime.spawn(floods::garbage(addr.clone(), protocol.clone(), counts.clone(), stop.clone()));
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
