//! Custody receipts between real processes: a report written at one hub
//! travels through a second hub to the secretariat's node (the first hub
//! never meets the secretariat); both hubs sign custody, and the author's
//! hub shows the chain from itself to the secretariat: in `convene show`,
//! its JSON and the submission's page.

use std::time::Duration;

use convene_tests::browser::ui_url;
use convene_tests::{Network, TestNode, generate_corpus, wait_until};
use serde_json::Value;

const TRAVEL: Duration = Duration::from_secs(60);

fn shown(node: &TestNode, id: &str) -> Value {
    node.run(&["show", id, "--json"]).ok().json()
}

#[test]
fn a_report_shows_its_chain_of_custody_from_the_conveners_hub_to_the_secretariat() {
    let network = Network::create("Custody");
    let secretariat = TestNode::init(&network, true);
    let lakeside = TestNode::init(&network, false);
    let riverside = TestNode::init(&network, false);
    for (hub, name) in [(&lakeside, "Lakeside Hub"), (&riverside, "مركز النهر")] {
        hub.run(&["hub-name", name]).ok();
        let set = hub.run(&["custody", "on"]).ok();
        assert!(set.stdout.contains("custody receipts: on"), "{set}");
        assert!(hub.run(&["custody"]).ok().stdout.contains("on"));
    }
    assert!(secretariat.run(&["custody"]).ok().stdout.contains("off"), "off unless a hub opts in");
    lakeside.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let corpus = generate_corpus(&lakeside.scratch(), 1, 11);
    let line = std::fs::read_to_string(corpus).unwrap();
    let id = lakeside.run_with_stdin(&["submit", "-", "--json"], &line).ok().json()["id"].as_str().unwrap().to_owned();

    // Lakeside ↔ Riverside ↔ secretariat: Lakeside never meets the secretariat.
    let at_riverside = riverside.start(&[]);
    let at_lakeside = lakeside.start(&[riverside.p2p_addr()]);
    assert!(at_lakeside.log().contains("custody:"), "node run says it signs custody");
    wait_until("Riverside's custody reaches the author's hub", TRAVEL, || {
        shown(&lakeside, &id)["custody"].as_array().is_some_and(|chain| chain.len() == 2)
    });
    let text = lakeside.run(&["show", &id]).ok().stdout;
    assert!(text.contains("not received yet; last seen at مركز النهر"), "{text}");
    let at_secretariat = secretariat.start(&[riverside.p2p_addr()]);
    wait_until("the chain and the receipt reach the author's hub", TRAVEL, || {
        let view = shown(&lakeside, &id);
        view["desk"]["received_ms"].is_u64() && view["custody"].as_array().is_some_and(|chain| chain.len() == 2)
    });
    let view = shown(&lakeside, &id);
    let chain = view["custody"].as_array().unwrap();
    assert_eq!((&chain[0]["hub"], &chain[0]["from"]), (&Value::from("Lakeside Hub"), &Value::from("here")), "{view}");
    assert_eq!(chain[0]["this_node"], true);
    assert_eq!((&chain[1]["hub"], &chain[1]["from"]), (&Value::from("مركز النهر"), &Value::from("peer")), "{view}");
    assert_eq!(chain[1]["from_peer"], "Lakeside Hub", "named by the custody it signs");
    assert!(chain[0]["held_ms"].as_u64() <= chain[1]["held_ms"].as_u64());
    assert!(view["desk"]["received_ms"].as_u64() >= chain[1]["held_ms"].as_u64(), "received after Riverside had it");
    // Every node reads the same chain; the secretariat signs none of its own.
    wait_until("the secretariat holds the same chain", TRAVEL, || {
        shown(&secretariat, &id)["custody"].as_array().is_some_and(|other| other.len() == 2)
    });

    let text = lakeside.run(&["show", &id]).ok().stdout;
    let line = |hub: &str| text.lines().find(|line| line.contains(hub) && line.contains(" […")).unwrap_or_default();
    assert!(text.contains("custody:") && line("Lakeside Hub").ends_with("(this node), written there"), "{text}");
    assert!(line("مركز النهر").ends_with(", from Lakeside Hub"), "{text}");
    let peer = chain[1]["hub_peer"].as_str().unwrap();
    assert!(peer.starts_with("12D3Koo"), "a hub's key is its peer id too: {peer}");
    let page = reqwest::blocking::get(format!("{}/s/{id}", ui_url(&lakeside))).unwrap().text().unwrap();
    let section = &page[page.find("id=\"custody\"").expect("the page shows the chain")..];
    let lakeside_at = section.find("Lakeside Hub").expect("Lakeside in the chain");
    let riverside_at = section.find("مركز النهر").expect("Riverside in the chain");
    assert!(lakeside_at < riverside_at, "earliest first");

    at_lakeside.stop();
    at_riverside.stop();
    at_secretariat.stop();
}
