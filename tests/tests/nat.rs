//! Hubs behind NAT (`tests/src/nat.rs`): two hubs, each behind its own
//! masquerading NAT, meet through a relay outside and sync both ways.
//! Behind NATs that keep source ports, hole punching (DCUtR) replaces the
//! relayed connection with a direct one; behind NATs that pick a random
//! port per connection it cannot, and the relay carries the sync. Each
//! test prints what it saw. Where namespaces cannot be made (not root, no
//! `ip`/`nft`), it says so and does nothing. Last, on 127.0.0.1: a relay
//! gives a slot to a node of its network and refuses any other libp2p peer.

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

/// A libp2p client that asks a relay for a slot: with identify, and with
/// the sync protocol of `member`'s network if given (so that its identify
/// names it).
#[derive(libp2p::swarm::NetworkBehaviour)]
struct SlotSeeker {
    relay: libp2p::relay::client::Behaviour,
    identify: libp2p::identify::Behaviour,
    sync: libp2p::swarm::behaviour::toggle::Toggle<libp2p::request_response::Behaviour<convene_node::sync::SyncCodec>>,
}

/// What a relay answered to a request for a slot.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Slot,
    Refused,
}

/// Asks the relay at `relay` for a slot once both sides identified. A
/// relay on 127.0.0.1 offers no address of its own in a slot (loopback is
/// of no use to a hub elsewhere), which libp2p's client reports after the
/// relay said yes: that counts as a slot here.
async fn ask_for_a_slot(relay: &libp2p::Multiaddr, member: Option<&convene_protocol::network::NetworkId>) -> Answer {
    use futures::StreamExt;
    use libp2p::relay::outbound::hop::{ProtocolViolation, ReserveError};
    use libp2p::swarm::SwarmEvent;
    let mut client = convene_tests::peer::relay_swarm(|key, relay| SlotSeeker {
        relay,
        identify: libp2p::identify::Behaviour::new(libp2p::identify::Config::new("/seeker/1".into(), key.public())),
        sync: member
            .map(|network| {
                libp2p::request_response::Behaviour::with_codec(
                    convene_node::sync::SyncCodec::default(),
                    [(convene_tests::peer::sync_protocol(network), libp2p::request_response::ProtocolSupport::Full)],
                    libp2p::request_response::Config::default(),
                )
            })
            .into(),
    });
    client.dial(relay.clone()).expect("dial the relay");
    // The relay decides on a slot by what the client said in identify: the
    // client asks once it has both heard the relay's and sent its own.
    let (mut heard, mut told) = (false, false);
    while !(heard && told) {
        match client.select_next_some().await {
            SwarmEvent::Behaviour(SlotSeekerEvent::Identify(libp2p::identify::Event::Received { .. })) => heard = true,
            SwarmEvent::Behaviour(SlotSeekerEvent::Identify(libp2p::identify::Event::Sent { .. })) => told = true,
            SwarmEvent::OutgoingConnectionError { error, .. } => panic!("cannot reach the relay: {error}"),
            _ => {}
        }
    }
    client.listen_on(relay.clone().with(libp2p::multiaddr::Protocol::P2pCircuit)).expect("listen through the relay");
    loop {
        match client.select_next_some().await {
            SwarmEvent::Behaviour(SlotSeekerEvent::Relay(libp2p::relay::client::Event::ReservationReqAccepted {
                ..
            })) => return Answer::Slot,
            SwarmEvent::ListenerClosed { reason: Err(error), .. } => {
                let mut link: Option<&(dyn std::error::Error + 'static)> = Some(&error);
                while let Some(current) = link {
                    // libp2p's `Either` errors pass on their inner error's
                    // source, so the refusal itself is looked for.
                    if let Some(refused) = current.downcast_ref::<ReserveError>() {
                        return match refused {
                            ReserveError::ResourceLimitExceeded => Answer::Refused,
                            ReserveError::Protocol(ProtocolViolation::NoAddressesInReservation) => Answer::Slot,
                            other => panic!("the relay answered otherwise than yes or no: {other:?}"),
                        };
                    }
                    link = match current.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
                        Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
                        None => current.source(),
                    };
                }
                panic!("the slot was refused, not by the relay: {error}");
            }
            _ => {}
        }
    }
}

#[test]
fn a_relay_gives_slots_to_nodes_of_its_network_only() {
    let network = convene_tests::Network::create("Relay");
    let node = convene_tests::TestNode::init(&network, false);
    let running = node.start_with(&[], &["--relay-server"]);
    let relay: libp2p::Multiaddr = node.p2p_addr().parse().unwrap();
    let genesis: convene_protocol::network::Genesis =
        serde_json::from_str(&std::fs::read_to_string(network.genesis()).unwrap()).unwrap();
    let id = genesis.network_id();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stranger = runtime.block_on(ask_for_a_slot(&relay, None));
    assert_eq!(stranger, Answer::Refused, "a peer that is not of the network gets no slot\n{}", running.log());
    let member = runtime.block_on(ask_for_a_slot(&relay, Some(&id)));
    assert_eq!(member, Answer::Slot, "a node of the network gets a slot\n{}", running.log());
}
