//! Sync between real `convene node run` processes on 127.0.0.1.

use std::time::Duration;

use convene_tests::{Network, TestNode, generate_corpus, path_str, wait_until};
use serde_json::Value;

const CONVERGE: Duration = Duration::from_secs(60);

fn hub(network: &Network, secretariat: bool) -> TestNode {
    let node = TestNode::init(network, secretariat);
    node.run(&["identity", "new", "--name", "convener"]).ok();
    node
}

fn import(node: &TestNode, n: usize, seed: u64) {
    let corpus = generate_corpus(&node.scratch(), n, seed);
    node.run(&["import", path_str(&corpus)]).ok();
}

fn submit_one(node: &TestNode, seed: u64) -> String {
    let corpus = generate_corpus(&node.scratch(), 1, seed);
    let line = std::fs::read_to_string(corpus).unwrap();
    node.run_with_stdin(&["submit", "-", "--json"], &line).ok().json()["id"].as_str().unwrap().to_owned()
}

fn converged(nodes: &[&TestNode], expected: usize) -> impl FnMut() -> bool {
    move || {
        let sets: Vec<_> = nodes.iter().map(|node| node.ids()).collect();
        sets.iter().all(|set| set.len() == expected && *set == sets[0])
    }
}

#[test]
fn two_nodes_converge_in_both_directions() {
    let network = Network::create("Pair");
    let a = hub(&network, true);
    let b = hub(&network, false);
    import(&a, 40, 1);
    import(&b, 30, 2);
    let run_a = a.start(&[]);
    let run_b = b.start(&[a.p2p_addr()]);
    wait_until("written apart, both sides hold all 70", CONVERGE, converged(&[&a, &b], 70));

    let from_a = submit_one(&a, 3);
    let from_b = submit_one(&b, 4);
    wait_until("written while connected, both arrive", CONVERGE, || {
        a.ids().contains(&from_b) && b.ids().contains(&from_a)
    });
    wait_until("both converge", CONVERGE, converged(&[&a, &b], 72));

    // The secretariat (a) can open contact details that travelled sealed.
    let revealed = a.run(&["show", &from_b, "--reveal", "--json"]).ok().json();
    assert!(revealed["contact"]["email"].as_str().unwrap().contains('@'));
    b.run(&["show", &from_a, "--reveal"]).expect_code(5);

    let status = b.sync_status();
    let peer = &status["peers"][0];
    assert_eq!(peer["connected"], true, "{status}");
    assert!(peer["entries_received"].as_u64().unwrap() >= 41, "{status}");
    assert!(peer["entries_sent"].as_u64().unwrap() >= 31, "{status}");
    assert!(peer["bytes_in"].as_u64().unwrap() > 0 && peer["bytes_out"].as_u64().unwrap() > 0, "{status}");
    wait_until("a last sync time", CONVERGE, || !b.sync_status()["peers"][0]["last_sync_ms"].is_null());
    let log_b = run_b.stop();
    run_a.stop();
    b.run(&["verify"]).ok();
    assert!(log_b.contains("connected"), "{log_b}");
}

#[test]
fn two_nodes_see_each_others_signed_hub_names_and_which_is_the_secretariats() {
    let network = Network::create("Names");
    let secretariat = TestNode::uninitialised();
    let genesis = network.genesis();
    let key = network.secretariat_key();
    secretariat
        .run(&[
            "init",
            "--network",
            path_str(&genesis),
            "--secretariat-key",
            path_str(&key),
            "--hub-name",
            "Secretariat, Nairobi",
        ])
        .ok();
    let hub = TestNode::init(&network, false);
    hub.run(&["hub-name", "Lake\nside"]).expect_code(3);
    hub.run(&["hub-name", &"x".repeat(65)]).expect_code(3);
    hub.run(&["hub-name", "مركز كيسومو"]).ok();
    assert_eq!(hub.run(&["hub-name"]).ok().stdout.trim(), "مركز كيسومو");
    let run_secretariat = secretariat.start(&[]);
    let run_hub = hub.start(&[secretariat.p2p_addr()]);
    let named = |node: &TestNode, name: &str, is_secretariat: bool| {
        let status = node.run(&["status", "--json"]).ok().json();
        status["sync"]["peers"].as_array().is_some_and(|peers| {
            peers.iter().any(|peer| peer["hub_name"] == name && peer["secretariat"] == is_secretariat)
        })
    };
    wait_until("the hub sees the secretariat's name, vouched for", CONVERGE, || {
        named(&hub, "Secretariat, Nairobi", true)
    });
    wait_until("the secretariat sees the hub's name", CONVERGE, || named(&secretariat, "مركز كيسومو", false));
    let own = hub.run(&["status", "--json"]).ok().json();
    assert_eq!(own["sync"]["hub_name"], "مركز كيسومو");
    assert_eq!(own["sync"]["hub_records_refused"], 0);
    let text = hub.run(&["status"]).ok().stdout;
    assert!(text.contains("Secretariat, Nairobi (the secretariat's node)"), "{text}");
    let peers = secretariat.run(&["peers", "list"]).ok().stdout;
    assert!(peers.contains("مركز كيسومو"), "{peers}");
    run_hub.stop();
    run_secretariat.stop();
}

#[test]
fn a_line_carries_reports_and_withdrawals_between_nodes_that_never_meet() {
    let network = Network::create("Line");
    let a = hub(&network, false);
    let b = TestNode::init(&network, false);
    let c = TestNode::init(&network, true);
    let run_a = a.start(&[]);
    let run_c = c.start(&[]);
    let _run_b = b.start(&[a.p2p_addr(), c.p2p_addr()]);
    let report = submit_one(&a, 10);
    wait_until("A's report reaches C through B", CONVERGE, || c.ids().contains(&report));
    assert_eq!(a.sync_status()["peers"].as_array().unwrap().len(), 1, "A only ever meets B");

    // The convener carries their key to C and withdraws there.
    let carried = c.data_dir().join("identities");
    std::fs::create_dir_all(&carried).unwrap();
    for file in std::fs::read_dir(a.data_dir().join("identities")).unwrap() {
        let file = file.unwrap();
        std::fs::copy(file.path(), carried.join(file.file_name())).unwrap();
    }
    c.run(&["withdraw", &report, "--reason", "asked by the community"]).ok();
    wait_until("the withdrawal purges the report at A", CONVERGE, || !a.ids().contains(&report));
    a.run(&["show", &report]).expect_code(5);
    run_a.stop();
    run_c.stop();
}

#[test]
fn a_partition_heals_and_all_three_converge() {
    let network = Network::create("Partition");
    let a = hub(&network, false);
    let b = TestNode::init(&network, false);
    let c = hub(&network, false);
    let run_a = a.start(&[]);
    let run_c = c.start(&[]);
    let peers = [a.p2p_addr(), c.p2p_addr()];
    let run_b = b.start(&peers);
    let first = submit_one(&a, 20);
    wait_until("first report everywhere", CONVERGE, converged(&[&a, &b, &c], 1));
    assert!(c.ids().contains(&first));

    run_b.stop();
    let on_a = submit_one(&a, 21);
    let on_c = submit_one(&c, 22);
    assert!(!c.ids().contains(&on_a) && !a.ids().contains(&on_c), "nothing flows without B");
    let _run_b = b.start(&peers);
    wait_until("all three converge after B returns", CONVERGE, converged(&[&a, &b, &c], 3));
    run_a.stop();
    run_c.stop();
}

#[test]
fn nodes_that_share_ten_thousand_entries_exchange_only_the_difference() {
    let network = Network::create("Shared");
    let a = hub(&network, false);
    let b = TestNode::init(&network, false);
    import(&a, 10_000, 30);
    // B starts as a copy of A's store: they share every entry.
    copy_dir(&a.data_dir().join("store"), &b.data_dir().join("store"));
    b.run(&["identity", "new", "--name", "other"]).ok();
    for seed in 31..34 {
        submit_one(&a, seed);
    }
    for seed in 34..36 {
        submit_one(&b, seed);
    }
    let run_a = a.start(&[]);
    let run_b = b.start(&[a.p2p_addr()]);
    wait_until("converged on 10005", CONVERGE, converged(&[&a, &b], 10_005));
    let status = b.sync_status();
    let peer = &status["peers"][0];
    let bytes = peer["bytes_in"].as_u64().unwrap() + peer["bytes_out"].as_u64().unwrap();
    // Five entries of about 1.3 KB plus reconciliation; the shared 10,000 (13 MB) never travel.
    assert!(bytes < 100_000, "{bytes} bytes exchanged for a difference of 5 entries\n{status}");
    run_a.stop();
    run_b.stop();
}

#[test]
fn networks_stay_apart() {
    let one = Network::create("One");
    let two = Network::create("Two");
    let a = hub(&one, false);
    let b = hub(&two, false);
    import(&a, 5, 40);
    import(&b, 5, 41);
    let run_a = a.start(&[]);
    let run_b = b.start(&[a.p2p_addr()]);
    convene_tests::wait_until_or(
        "B notices A is on another network",
        CONVERGE,
        || {
            b.sync_status()["peers"].as_array().is_some_and(|peers| {
                peers
                    .iter()
                    .any(|peer| peer["last_error"].as_str().is_some_and(|error| error.contains("another network")))
            })
        },
        || format!("B: {}\nB log:\n{}", b.sync_status(), run_b.log()),
    );
    assert_eq!(a.ids().len(), 5);
    assert_eq!(b.ids().len(), 5);
    let log = run_b.stop();
    run_a.stop();
    assert!(log.contains("not on this node's network"), "{log}");
}

#[test]
fn a_node_killed_mid_sync_loses_nothing_and_converges() {
    let network = Network::create("Crash");
    let a = hub(&network, false);
    let b = TestNode::init(&network, false);
    import(&a, 3000, 50);
    let run_a = a.start(&[]);
    let peer = [a.p2p_addr()];
    let run_b = b.start(&peer);
    wait_until("B has received part of the corpus", CONVERGE, || {
        b.sync_status()["peers"][0]["entries_received"].as_u64().unwrap_or(0) > 0
    });
    run_b.kill9();
    let _run_b = b.start(&peer);
    wait_until("B converges after the crash", CONVERGE, converged(&[&a, &b], 3000));
    // The store reopened cleanly and every entry verifies.
    let status: Value = b.sync_status();
    assert!(status["peers"][0]["connected"].as_bool().unwrap());
    run_a.stop();
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn everything_arrives_over_a_slow_link_that_keeps_being_cut() {
    use convene_tests::proxy::{Link, Proxy};
    let network = Network::create("Slow");
    let a = hub(&network, false);
    let b = TestNode::init(&network, false);
    import(&a, 200, 60);
    let run_a = a.start(&[]);
    let direct = a.p2p_addr();
    // /ip4/127.0.0.1/tcp/PORT/p2p/ID → the proxy's port instead.
    let parts: Vec<&str> = direct.split('/').collect();
    let target: std::net::SocketAddr = format!("127.0.0.1:{}", parts[4]).parse().unwrap();
    let proxy = Proxy::start(target, Link { bytes_per_second: 64 * 1024, cut_after_bytes: Some(120 * 1024) });
    let via_proxy = format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", proxy.addr().port(), parts[6]);
    let run_b = b.start(&[via_proxy]);
    convene_tests::wait_until_or(
        "every entry arrives over the bad link",
        Duration::from_secs(120),
        converged(&[&a, &b], 200),
        || {
            format!(
                "B: {}\nproxy: {} cuts, {} bytes\nB log:\n{}",
                b.sync_status(),
                proxy.cuts(),
                proxy.bytes(),
                run_b.log()
            )
        },
    );
    assert!(proxy.cuts() >= 2, "the link should have been cut several times (cut {} times)", proxy.cuts());
    run_b.stop();
    run_a.stop();
}
