//! Two real nodes that received the same document's entries in orders that
//! used to split them converge, and never hold each other's entries against
//! each other.
//!
//! Before validity depended only on an entry's causal past, node A stored
//! a change that came before its create unchecked and served it; B, which
//! had the create, refused that change at every reconciliation and counted
//! it against A, and A, holding the change, refused B's create (the two
//! built an invalid document) and counted that against B, until both banned
//! each other. Two concurrent withdrawals of one document, one at each
//! node, left each node with the other's as its tombstone.

use std::collections::BTreeSet;
use std::time::Duration;

use convene_node::sync::Incoming;
use convene_node::{DataDir, Node};
use convene_protocol::document;
use convene_protocol::entry::{DocumentId, Entry, EntryHeader, EntryId, EntryKind};
use convene_protocol::keys::SecretKey;
use convene_protocol::network::{Genesis, NetworkId};
use convene_protocol::wire::{Request, Response};
use convene_tests::{Network, TestNode, peer, wait_until, wait_until_or};
use futures::StreamExt;
use libp2p::Multiaddr;
use libp2p::request_response;
use libp2p::swarm::SwarmEvent;
use serde_json::{Map, Value, json};

const CONVERGE: Duration = Duration::from_secs(60);

fn fields(title: &str) -> Map<String, Value> {
    json!({
        "kind": "case_study", "title": title, "language": "en", "country": "KE",
        "implementer": "Civic Tech Lab", "responsible_authority": "R1",
        "dpi_types": ["digital_id"], "lifecycle_stages": ["L1"], "principles": ["F1"], "risks": ["RS1"],
        "context": "c", "challenges": "c", "successes": "s", "lessons": ["l"], "consent_to_publish": true,
        "sealed_contact": "00"
    })
    .as_object()
    .unwrap()
    .clone()
}

/// One document by `creator`, its entries signed as its author's node would.
struct Doc<'a> {
    network: NetworkId,
    creator: &'a SecretKey,
    nonce: u8,
}

impl Doc<'_> {
    fn id(&self) -> DocumentId {
        DocumentId::derive(&self.creator.public(), &[self.nonce; 16])
    }

    fn sign(&self, kind: EntryKind, ts: u64, payload: Vec<u8>) -> Entry {
        let header = EntryHeader {
            network: self.network,
            creator: self.creator.public(),
            nonce: [self.nonce; 16],
            author: self.creator.public(),
            timestamp_ms: ts,
            kind,
        };
        Entry::sign(header, payload, self.creator).unwrap()
    }

    /// The create, and an edit of it to `edited`.
    fn create_and_edit(&self, title: &str, edited: &Map<String, Value>, ts: u64) -> (Entry, Entry) {
        let first: Vec<u8> = document::create_change(&self.creator.public(), &fields(title), ts).into();
        let second = document::edit_change(std::slice::from_ref(&first), &self.creator.public(), edited, ts + 1)
            .unwrap()
            .unwrap();
        (self.sign(EntryKind::Create, ts, first), self.sign(EntryKind::Change, ts + 1, second.into()))
    }
}

/// Offers `entries` to the node at `target` as a peer of the network would
/// (announce, then answer its fetches), and keeps the connection open
/// until the task is aborted. Returns once every entry was fetched.
fn feed(
    runtime: &tokio::runtime::Runtime,
    network: NetworkId,
    target: &str,
    entries: Vec<Entry>,
) -> tokio::task::JoinHandle<()> {
    let target: Multiaddr = target.parse().unwrap();
    let (fed_tx, fed_rx) = tokio::sync::oneshot::channel();
    let task = runtime.spawn(async move {
        let mut swarm = peer::sync_client(&network);
        swarm.dial(target).unwrap();
        let mut unfetched: BTreeSet<EntryId> = entries.iter().map(Entry::id).collect();
        let mut fed_tx = Some(fed_tx);
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::ConnectionEstablished { peer_id, .. } => {
                    let ids = entries.iter().map(Entry::id).collect();
                    swarm.behaviour_mut().send_request(&peer_id, Request::Announce(ids).into());
                }
                SwarmEvent::Behaviour(request_response::Event::Message {
                    message: request_response::Message::Request { request, channel, .. },
                    ..
                }) => {
                    let response = match request {
                        Incoming::Malformed(_) => Response::Refused("malformed".into()),
                        Incoming::Request(Request::Fetch(ids)) => {
                            let asked: Vec<Vec<u8>> = entries
                                .iter()
                                .filter(|entry| ids.contains(&entry.id()))
                                .map(|entry| entry.encoded().to_vec())
                                .collect();
                            for id in &ids {
                                unfetched.remove(id);
                            }
                            Response::Entries(asked)
                        }
                        Incoming::Request(Request::Announce(_)) => Response::Ack,
                        Incoming::Request(Request::Reconcile(_)) => Response::Refused("a feeder only offers".into()),
                    };
                    let _ = swarm.behaviour_mut().send_response(channel, response);
                    if unfetched.is_empty()
                        && let Some(fed) = fed_tx.take()
                    {
                        let _ = fed.send(());
                    }
                }
                _ => {}
            }
        }
    });
    runtime
        .block_on(async { tokio::time::timeout(CONVERGE, fed_rx).await })
        .expect("the node fetches what is offered")
        .unwrap();
    task
}

fn store_counts(node: &TestNode) -> Value {
    node.run(&["status", "--json"]).ok().json()["store"].clone()
}

/// The row each node keeps of the other.
fn peer_row(node: &TestNode, other: &str) -> Value {
    let sync = node.sync_status();
    let peers = sync["peers"].as_array().unwrap();
    peers.iter().find(|peer| peer["peer_id"] == other).cloned().unwrap_or(Value::Null)
}

fn peer_id(addr: &str) -> String {
    addr.rsplit('/').next().unwrap().to_owned()
}

/// What a node holds, read after the node stopped.
#[derive(Debug, PartialEq)]
struct Held {
    ids: BTreeSet<EntryId>,
    titles: Vec<Option<String>>,
}

fn held(node: &TestNode, documents: &[DocumentId]) -> Held {
    let node = Node::open(DataDir::new(node.data_dir())).unwrap();
    let title = |document: &DocumentId| match node.show(document) {
        Ok(view) => Some(view.row.fields["title"].as_str().unwrap().to_owned()),
        Err(error) if error.is_withdrawn() => None,
        Err(error) => panic!("{document}: {error}"),
    };
    Held { ids: node.entry_ids().unwrap(), titles: documents.iter().map(title).collect() }
}

#[test]
fn nodes_that_saw_a_documents_entries_in_different_orders_converge_and_never_ban_each_other() {
    let network = Network::create("Converge");
    let genesis = Genesis::from_json(&std::fs::read_to_string(network.genesis()).unwrap()).unwrap();
    let network_id = genesis.network_id();
    let creator = SecretKey::from_seed([71; 32]);
    let base = 1_700_000_000_000;

    // Kept: a valid edit that reaches A before its create, which only B has.
    let kept = Doc { network: network_id, creator: &creator, nonce: 1 };
    let (kept_create, kept_edit) = kept.create_and_edit("Kept", &fields("Kept, edited"), base);
    // Refused: an edit that makes its document invalid, at A before its create.
    let refused = Doc { network: network_id, creator: &creator, nonce: 2 };
    let mut invalid = fields("Refused");
    invalid.insert("principles".into(), json!(["F99"]));
    let (refused_create, refused_edit) = refused.create_and_edit("Refused", &invalid, base + 10);
    // Withdrawn: both have it; each gets one of two concurrent withdrawals.
    let withdrawn = Doc { network: network_id, creator: &creator, nonce: 3 };
    let withdrawn_create = withdrawn.sign(
        EntryKind::Create,
        base + 20,
        document::create_change(&creator.public(), &fields("Gone"), base + 20).into(),
    );
    let withdrawals = [
        withdrawn.sign(EntryKind::Withdraw, base + 21, b"withdrawn at A".to_vec()),
        withdrawn.sign(EntryKind::Withdraw, base + 22, b"withdrawn at B".to_vec()),
    ];
    let tombstone = withdrawals.iter().map(Entry::id).min().unwrap();

    let a = TestNode::init(&network, false);
    let b = TestNode::init(&network, false);
    let run_a = a.start(&[]);
    let run_b = b.start(&[]);
    let runtime = tokio::runtime::Runtime::new().unwrap();

    // Each node gets its half, apart.
    let to_b = vec![kept_create.clone(), refused_create.clone(), withdrawn_create.clone(), withdrawals[1].clone()];
    let feeding_b = feed(&runtime, network_id, &b.p2p_addr(), to_b);
    wait_until_or("B stores its half", CONVERGE, || store_counts(&b)["entries"] == 3, || store_counts(&b).to_string());
    let to_a = vec![withdrawn_create.clone(), withdrawals[0].clone(), kept_edit.clone(), refused_edit.clone()];
    let feeding_a = feed(&runtime, network_id, &a.p2p_addr(), to_a);
    // The two edits wait at A for their creates: neither stored nor refused.
    wait_until_or(
        "A stores the withdrawal and keeps both edits aside",
        CONVERGE,
        || {
            let counts = store_counts(&a);
            counts["entries"] == 1 && counts["deferred"] == 2
        },
        || store_counts(&a).to_string(),
    );
    feeding_a.abort();
    feeding_b.abort();

    // Now they meet.
    let (addr_a, addr_b) = (a.p2p_addr(), b.p2p_addr());
    a.run(&["peers", "add", &addr_b]).ok();
    let describe = || format!("A: {}\nB: {}\nA's log:\n{}", store_counts(&a), store_counts(&b), run_a.log());
    wait_until_or(
        "both hold the kept document's create and edit, the refused one's create and one tombstone",
        CONVERGE,
        || [&a, &b].iter().all(|node| store_counts(node)["entries"] == 4 && store_counts(node)["deferred"] == 0),
        describe,
    );
    // Several more reconciliations (every 2 s) pass without blame.
    let synced = |node: &TestNode, other: &str| peer_row(node, other)["last_sync_ms"].as_u64().unwrap_or(0);
    let since = synced(&a, &peer_id(&addr_b)).max(synced(&b, &peer_id(&addr_a)));
    wait_until("two more syncs both ways", CONVERGE, || {
        synced(&a, &peer_id(&addr_b)) > since + 2_000 && synced(&b, &peer_id(&addr_a)) > since + 2_000
    });
    for (node, other) in [(&a, &addr_b), (&b, &addr_a)] {
        let row = peer_row(node, &peer_id(other));
        assert_eq!(row["connected"], true, "{row}");
        assert_eq!(row["invalid_entries"], 0, "no entry counted against an honest peer: {row}");
    }
    assert_eq!(a.ids(), b.ids(), "the same documents listed");
    let show =
        |node: &TestNode| node.run(&["show", &kept.id().to_string(), "--json"]).ok().json()["fields"]["title"].clone();
    assert_eq!((show(&a), show(&b)), (json!("Kept, edited"), json!("Kept, edited")));

    let logs = [run_a.stop(), run_b.stop()];
    for log in &logs {
        assert!(!log.contains("dropped an invalid entry"), "{log}");
        assert!(!log.contains("too many invalid entries"), "{log}");
    }
    let documents = [kept.id(), refused.id(), withdrawn.id()];
    let at_a = held(&a, &documents);
    let at_b = held(&b, &documents);
    assert_eq!(at_a, at_b, "both stores hold the same");
    // Of the two withdrawals, both hold the smaller (the tombstone) and not the larger.
    let expected: BTreeSet<EntryId> = [kept_create.id(), kept_edit.id(), refused_create.id(), tombstone].into();
    assert_eq!(at_a.ids, expected);
    assert_eq!(at_a.titles, [Some("Kept, edited".to_owned()), Some("Refused".to_owned()), None]);
}
