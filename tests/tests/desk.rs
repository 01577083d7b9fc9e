//! The secretariat's desk between real processes: a hub and the
//! secretariat's node, synced over 127.0.0.1. A submission made at the hub
//! gets a receipt, a status and a tag that show at the hub; a curator the
//! secretariat grants curates from the hub; a hide takes it out of both
//! nodes' lists until it is shown again; a purge erases it on both.

use std::time::Duration;

use convene_tests::{Network, TestNode, generate_corpus, wait_until};
use serde_json::Value;

const TRAVEL: Duration = Duration::from_secs(60);

fn shown(node: &TestNode, id: &str) -> Value {
    node.run(&["show", id, "--json"]).ok().json()
}

#[test]
fn a_hubs_submission_is_received_curated_hidden_and_purged_network_wide() {
    let network = Network::create("Desk");
    let secretariat = TestNode::init(&network, true);
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let corpus = generate_corpus(&hub.scratch(), 1, 7);
    let line = std::fs::read_to_string(corpus).unwrap();
    let id = hub.run_with_stdin(&["submit", "-", "--json"], &line).ok().json()["id"].as_str().unwrap().to_owned();

    // Before any sync, the hub lists it as not received.
    let waiting = hub.run(&["list", "--not-received", "--json"]).ok().json();
    assert_eq!(waiting["rows"][0]["id"], id.as_str(), "{waiting}");
    assert!(shown(&hub, &id)["desk"]["received_ms"].is_null());
    // A hub holds no secretariat key: it cannot curate.
    hub.run(&["curate", &id, "--status", "in_review"]).expect_code(5);

    let at_secretariat = secretariat.start(&[]);
    let at_hub = hub.start(&[secretariat.p2p_addr()]);
    wait_until("the secretariat's receipt reaches the hub", TRAVEL, || {
        shown(&hub, &id)["desk"]["received_ms"].is_u64()
    });
    let waiting = hub.run(&["list", "--not-received", "--json"]).ok().json();
    assert_eq!(waiting["total"], 0, "{waiting}");
    let listed = hub.run(&["list", "--json"]).ok().json();
    assert!(listed["rows"][0]["desk"]["received_ms"].is_u64(), "list --json says it too: {listed}");

    // Curation: a tag from the secretariat's list, a status, a sealed note.
    secretariat.run(&["curate", &id, "--tag", "payments"]).expect_code(5);
    secretariat.run(&["tags", "add", "payments", "--title", "Payments"]).ok();
    secretariat
        .run(&["curate", &id, "--status", "in_review", "--tag", "payments", "--note", "Ask for the slides"])
        .ok();
    wait_until("status and tag reach the hub", TRAVEL, || {
        let desk = &shown(&hub, &id)["desk"];
        desk["status"] == "in_review" && desk["tags"][0] == "payments"
    });
    // Exports carry the status and tags, on the secretariat's node and the hub's.
    for node in [&secretariat, &hub] {
        let exported = node.run(&["export", "--format", "jsonl"]).ok().json();
        assert_eq!((&exported["status"], &exported["tags"][0]), (&Value::from("in_review"), &Value::from("payments")));
    }
    let revealed = secretariat.run(&["show", &id, "--reveal", "--json"]).ok().json();
    assert_eq!(revealed["notes"][0]["text"], "Ask for the slides", "{revealed}");
    hub.run(&["show", &id, "--reveal"]).expect_code(5);
    let tags = hub.run(&["tags", "list"]).ok();
    assert!(tags.stdout.contains("payments") && tags.stdout.contains("Payments"), "{}", tags.stdout);

    // A curator the secretariat grants curates from the hub.
    let curator = hub.new_identity("curator");
    hub.run(&["--as", "curator", "curate", &id, "--status", "incorporated"]).expect_code(5);
    secretariat.run(&["curator", "grant", &curator]).ok();
    wait_until("the grant reaches the hub", TRAVEL, || hub.run(&["curator", "list"]).ok().stdout.contains(&curator));
    hub.run(&["--as", "curator", "curate", &id, "--status", "incorporated"]).ok();
    wait_until("the curator's status reaches the secretariat", TRAVEL, || {
        shown(&secretariat, &id)["desk"]["status"] == "incorporated"
    });

    // Hidden on every node; its author's node still shows it, and why.
    secretariat.run(&["hide", &id, "--reason", "spam", "--text", "advertising"]).ok();
    let absent = |node: &TestNode| !node.ids().contains(&id);
    wait_until("hidden from both lists", TRAVEL, || absent(&secretariat) && absent(&hub));
    let at_author = shown(&hub, &id);
    assert_eq!(at_author["desk"]["moderation"]["reason"], "spam", "{at_author}");
    assert_eq!(at_author["desk"]["moderation"]["text"], "advertising");
    let export = hub.run(&["export", "--format", "jsonl"]);
    assert!(!export.stdout.contains(&id), "hidden means out of exports too");
    secretariat.run(&["unhide", &id]).ok();
    wait_until("shown again on both", TRAVEL, || !absent(&secretariat) && !absent(&hub));

    // Purged: gone from disk on both, and never stored again.
    secretariat.run(&["hide", &id, "--reason", "unlawful", "--purge"]).ok();
    let gone = |node: &TestNode| node.run(&["show", &id]).code == 4;
    wait_until("purged on both", TRAVEL, || gone(&secretariat) && gone(&hub));
    at_hub.stop();
    at_secretariat.stop();
    hub.run(&["verify"]).ok();
    let again = hub.run_with_stdin(&["--as", "Amina Okafor", "submit", "-", "--json"], &line);
    assert_eq!(again.code, 5, "a purged submission is refused\n{again}");
}
