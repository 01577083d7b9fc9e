//! A hostile peer (this test process, speaking the sync protocol over a real
//! libp2p connection) offers tampered, forged, oversized, wrong-network and
//! invalid entries: none is stored or forwarded, and honest sync goes on.

use std::collections::HashMap;
use std::time::Duration;

use convene_node::sync::Incoming;
use convene_protocol::attachment::Limits;
use convene_protocol::document;
use convene_protocol::entry::{Entry, EntryHeader, EntryId, EntryKind, MAX_ENTRY_BYTES};
use convene_protocol::keys::SecretKey;
use convene_protocol::network::{Genesis, NetworkId};
use convene_protocol::schema;
use convene_protocol::wire::{Request, Response};
use convene_tests::{Network, TestNode, generate_corpus, peer, wait_until};
use futures::StreamExt;
use libp2p::Multiaddr;
use libp2p::request_response;
use libp2p::swarm::SwarmEvent;
use serde_json::Value;

fn signed(network: NetworkId, secret: &SecretKey, fields: &serde_json::Map<String, Value>, nonce: u8) -> Entry {
    let header = EntryHeader {
        network,
        creator: secret.public(),
        nonce: [nonce; 16],
        author: secret.public(),
        timestamp_ms: 1_700_000_000_000 + u64::from(nonce),
        kind: EntryKind::Create,
    };
    Entry::sign_change(header, document::create_change(&secret.public(), fields, 1), secret).unwrap()
}

#[test]
fn a_hostile_peer_cannot_plant_anything_and_honest_sync_continues() {
    let network = Network::create("Hostile");
    let genesis = Genesis::from_json(&std::fs::read_to_string(network.genesis()).unwrap()).unwrap();
    let network_id = genesis.network_id();
    let target = TestNode::init(&network, false);
    let honest = TestNode::init(&network, false);
    target.run(&["identity", "new", "--name", "hub"]).ok();
    let run_target = target.start(&[]);
    let run_honest = honest.start(&[target.p2p_addr()]);

    // Entries the hostile peer will offer.
    let corpus = generate_corpus(&target.scratch(), 2, 70);
    let lines: Vec<Value> =
        std::fs::read_to_string(corpus).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut fields = schema::validate_submission(&lines[0], &Limits::DEFAULT).unwrap().fields;
    fields.insert("sealed_contact".into(), Value::String("00".into()));
    let attacker = SecretKey::from_seed([66; 32]);
    let victim = SecretKey::from_seed([67; 32]);
    let good = signed(network_id, &attacker, &fields, 1);

    let mut tampered = signed(network_id, &attacker, &fields, 2).encoded().to_vec();
    let last = tampered.len() - 80;
    tampered[last] ^= 0x01;
    let mut forged = signed(network_id, &attacker, &fields, 3).encoded().to_vec();
    forged[33..65].copy_from_slice(victim.public().as_bytes());
    forged[81..113].copy_from_slice(victim.public().as_bytes());
    let wrong_network = signed(NetworkId([0xab; 32]), &attacker, &fields, 4).encoded().to_vec();
    let mut bad_fields = fields.clone();
    bad_fields.insert("principles".into(), serde_json::json!(["F99"]));
    let invalid_content = signed(network_id, &attacker, &bad_fields, 5).encoded().to_vec();
    let oversized = vec![1u8; MAX_ENTRY_BYTES + 100];

    let bad: Vec<Vec<u8>> = vec![tampered, forged, wrong_network, invalid_content];
    let mut offers: HashMap<EntryId, Vec<u8>> = bad.iter().map(|bytes| (EntryId::of(bytes), bytes.clone())).collect();
    offers.insert(good.id(), good.encoded().to_vec());
    let oversized_id = EntryId::of(&oversized);
    offers.insert(oversized_id, oversized);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let target_addr: Multiaddr = target.p2p_addr().parse().unwrap();
    let announced: Vec<EntryId> = offers.keys().copied().collect();
    // The peer stays connected (the task goes on answering) until the
    // node's view of it has been checked.
    let (served_tx, served_rx) = tokio::sync::oneshot::channel();
    let hostile_peer = runtime.spawn(async move {
        let mut swarm = peer::sync_client(&network_id);
        swarm.dial(target_addr).unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let mut served = 0;
        let mut asked = std::collections::HashSet::new();
        // Announce everything; answer the node's fetches with the poisoned
        // entries until every offer was asked for (fetch batches vary in size).
        while !announced.iter().all(|id| asked.contains(id)) {
            let event =
                tokio::time::timeout_at(deadline, swarm.select_next_some()).await.expect("the node fetches the offers");
            match event {
                SwarmEvent::ConnectionEstablished { peer_id, .. } => {
                    // First the oversized entry alone; the rest once it was fetched.
                    swarm.behaviour_mut().send_request(&peer_id, Request::Announce(vec![oversized_id]).into());
                }
                SwarmEvent::Behaviour(request_response::Event::Message {
                    peer,
                    message: request_response::Message::Request { request, channel, .. },
                    ..
                }) => {
                    let response = match request {
                        Incoming::Malformed(_) => Response::Refused("malformed".into()),
                        Incoming::Request(Request::Fetch(ids)) => {
                            served += 1;
                            asked.extend(ids.iter().copied());
                            if served == 1 {
                                let rest = announced.iter().copied().filter(|id| *id != oversized_id).collect();
                                swarm.behaviour_mut().send_request(&peer, Request::Announce(rest).into());
                            }
                            Response::Entries(ids.iter().filter_map(|id| offers.get(id).cloned()).collect())
                        }
                        Incoming::Request(Request::Announce(_)) => Response::Ack,
                        Incoming::Request(Request::Reconcile(_)) => Response::Refused("not telling".into()),
                    };
                    let _ = swarm.behaviour_mut().send_response(channel, response);
                }
                _ => {}
            }
        }
        let _ = served_tx.send(swarm.local_peer_id().to_string());
        loop {
            swarm.select_next_some().await;
        }
    });
    let hostile_id = runtime.block_on(served_rx).unwrap();

    wait_until("the one valid entry is stored", Duration::from_secs(30), || {
        target.run(&["status", "--json"]).json()["store"]["entries"] == 1
    });
    let status = target.run(&["status", "--json"]).ok().json();
    let hostile = status["sync"]["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|peer| peer["invalid_entries"].as_u64().unwrap_or(0) > 0)
        .unwrap_or_else(|| panic!("no peer has invalid entries counted\n{status}"));
    assert!(hostile["invalid_entries"].as_u64().unwrap() >= 5, "{status}");
    assert_eq!(hostile["peer_id"], hostile_id.as_str(), "{status}");
    // Once it leaves, nothing is kept of a peer that is not configured.
    hostile_peer.abort();
    wait_until("the hostile peer's row goes with it", Duration::from_secs(20), || {
        let status = target.run(&["status", "--json"]).json();
        !status["sync"]["peers"].as_array().unwrap().iter().any(|peer| peer["peer_id"] == hostile_id.as_str())
    });
    let log = run_target.log();
    assert!(log.contains("dropped an invalid entry"), "{log}");

    // Honest sync goes on, and carries only the valid entry.
    let report = {
        let corpus = generate_corpus(&target.scratch(), 1, 71);
        let line = std::fs::read_to_string(corpus).unwrap();
        target.run_with_stdin(&["submit", "-", "--json"], &line).ok().json()["id"].as_str().unwrap().to_owned()
    };
    wait_until("an honest report reaches the honest peer", Duration::from_secs(60), || honest.ids().contains(&report));
    wait_until("the honest peer holds exactly the two valid entries", Duration::from_secs(60), || {
        honest.run(&["status", "--json"]).json()["store"]["entries"] == 2
    });
    run_honest.stop();
    run_target.stop();
    target.run(&["verify"]).ok();
}
