//! Hubs behind NAT (`tests/src/nat.rs`): two hubs, each behind its own
//! masquerading NAT, meet through a relay outside and sync both ways.
//! Behind NATs that keep source ports, hole punching (DCUtR) replaces the
//! relayed connection with a direct one; behind NATs that pick a random
//! port per connection it cannot, and the relay carries the sync. Each
//! test prints what it saw. Where namespaces cannot be made (not root, no
//! `ip`/`nft`), it says so and does nothing.

use convene_tests::field;
use convene_tests::nat::{self, Mapping, Outcome};

/// Runs the scenario and checks what must hold whichever way B is reached.
fn run(mapping: Mapping) -> Option<Outcome> {
    if let Some(why) = field::missing() {
        eprintln!("SKIPPED: the NAT test needs network namespaces: {why}");
        return None;
    }
    let outcome = nat::run(mapping).unwrap_or_else(|error| panic!("{error}"));
    let [r, a, b] = &outcome.nat;
    eprintln!(
        "{mapping:?} NATs: AutoNAT says relay {r}, hub A {a}, hub B {b}; A reached B first {:?}, at the end {:?}; \
         a report A→B took {:?}, B→A {:?}",
        outcome.first_reach, outcome.last_reach, outcome.a_to_b, outcome.b_to_a,
    );
    assert_eq!((a.as_str(), b.as_str()), ("private", "private"), "the hubs learn they are behind NAT");
    assert_eq!(r, "public", "the relay learns it is reachable");
    assert!(outcome.b_circuit.contains(&format!("/p2p/{}/p2p-circuit/p2p/", outcome.relay_id)), "{outcome:?}");
    // First through the relay, then through it (named) or directly after
    // hole punching (which may be done before the status is first read).
    assert!(outcome.met_through_relay, "A's log shows no connection to B through the relay: {outcome:?}");
    for (reached, relay) in [&outcome.first_reach, &outcome.last_reach] {
        match reached.as_str() {
            "relayed" => assert_eq!(relay.as_deref(), Some(outcome.relay_id.as_str()), "{outcome:?}"),
            "hole-punched" => assert_eq!(*relay, None, "{outcome:?}"),
            other => panic!("A reaches B neither through the relay nor by hole punching: {other:?}\n{outcome:?}"),
        }
    }
    assert_eq!(outcome.a_sees_b["errors"].as_u64(), Some(0), "meeting through a relay is no failure: {outcome:?}");
    // And `convene status` says so in words.
    eprintln!("convene status at A:\n{}\nat R:\n{}", outcome.a_status, outcome.r_status);
    assert!(
        outcome.a_status.contains("reachable:   behind NAT: peers reach this node through its relay"),
        "{outcome:?}"
    );
    assert!(outcome.a_status.contains("holds a slot; peers add this node as"), "{outcome:?}");
    let words = if outcome.last_reach.0 == "relayed" { "connected, through relay …" } else { "direct (hole punched" };
    assert!(outcome.a_status.contains(words), "{outcome:?}");
    assert!(
        outcome.r_status.contains("reachable:   public") && outcome.r_status.contains("this node relays"),
        "{outcome:?}"
    );
    Some(outcome)
}

#[test]
fn hubs_behind_port_preserving_nats_meet_through_a_relay_and_punch_a_hole() {
    if let Some(outcome) = run(Mapping::PortPreserving) {
        assert_eq!(outcome.last_reach.0, "hole-punched", "{outcome:?}");
    }
}

#[test]
fn hubs_behind_symmetric_nats_sync_through_the_relay() {
    if let Some(outcome) = run(Mapping::Random) {
        assert_eq!(outcome.last_reach.0, "relayed", "no hole can be punched through such NATs: {outcome:?}");
    }
}
