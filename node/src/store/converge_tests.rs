//! Validity that converges: the same set of entries (creates, edits,
//! concurrent edits, grants, withdrawals and invalid ones), offered to fresh
//! stores in many random orders and split into calls at random, leaves
//! every store with the same stored ids, tombstones, list rows and shown
//! documents, and with the outcome the rules say.

use std::collections::BTreeSet;

use super::tests::{NETWORK, fields};
use super::{DocumentRow, IngestOutcome, ListRow, Store};
use convene_protocol::document;
use convene_protocol::entry::{DocumentId, Entry, EntryHeader, EntryId, EntryKind};
use convene_protocol::keys::SecretKey;
use convene_protocol::network::NetworkId;
use serde_json::{Map, Value, json};

/// How many orders each run tries.
const ORDERS: u64 = 60;

fn with(mut fields: Map<String, Value>, changes: &[(&str, Value)]) -> Map<String, Value> {
    for (key, value) in changes {
        fields.insert((*key).to_owned(), value.clone());
    }
    fields
}

/// 19,000 four-byte characters: 76 KB of a field's 20,000-character limit,
/// so two such fields fit in a submission's 192 KiB and three do not.
fn long_text() -> Value {
    Value::String("𝄞".repeat(19_000))
}

fn sign(
    network: NetworkId,
    author: &SecretKey,
    creator: &SecretKey,
    nonce: u8,
    kind: EntryKind,
    ts: u64,
    payload: Vec<u8>,
) -> Entry {
    let header = EntryHeader {
        network,
        creator: creator.public(),
        nonce: [nonce; 16],
        author: author.public(),
        timestamp_ms: ts,
        kind,
    };
    Entry::sign(header, payload, author).unwrap()
}

/// One document's entries, built as its authors' nodes would build them.
struct Doc<'a> {
    creator: &'a SecretKey,
    nonce: u8,
}

impl Doc<'_> {
    fn id(&self) -> DocumentId {
        DocumentId::derive(&self.creator.public(), &[self.nonce; 16])
    }

    fn create(&self, fields: &Map<String, Value>, ts: u64) -> (Entry, Vec<u8>) {
        let change: Vec<u8> = document::create_change(&self.creator.public(), fields, ts).into();
        (sign(NETWORK, self.creator, self.creator, self.nonce, EntryKind::Create, ts, change.clone()), change)
    }

    /// An edit by `author` made on a node that held exactly `history`.
    fn edit(&self, author: &SecretKey, history: &[&Vec<u8>], fields: &Map<String, Value>, ts: u64) -> (Entry, Vec<u8>) {
        let history: Vec<Vec<u8>> = history.iter().map(|change| change.to_vec()).collect();
        let change: Vec<u8> = document::edit_change(&history, &author.public(), fields, ts).unwrap().unwrap().into();
        (sign(NETWORK, author, self.creator, self.nonce, EntryKind::Change, ts, change.clone()), change)
    }

    fn grant(&self, to: &SecretKey, ts: u64) -> Entry {
        sign(NETWORK, self.creator, self.creator, self.nonce, EntryKind::Grant, ts, to.public().as_bytes().to_vec())
    }

    fn withdraw(&self, reason: &str, ts: u64) -> Entry {
        sign(NETWORK, self.creator, self.creator, self.nonce, EntryKind::Withdraw, ts, reason.as_bytes().to_vec())
    }
}

/// Every entry of the scenario, and what must come of it.
struct Scenario {
    entries: Vec<Entry>,
    documents: Vec<DocumentId>,
    stored: BTreeSet<EntryId>,
    never_stored: Vec<(&'static str, EntryId)>,
    /// Document → the title it must show (`None`: not shown).
    titles: Vec<(DocumentId, Option<&'static str>)>,
    tombstone: (DocumentId, EntryId),
    /// Changes that wait for ever: their grant or past never comes.
    deferred: u64,
}

fn scenario() -> Scenario {
    let creator = SecretKey::from_seed([1; 32]);
    let coauthor = SecretKey::from_seed([2; 32]);
    let stranger = SecretKey::from_seed([3; 32]);
    let mut entries = Vec::new();
    let mut stored = BTreeSet::new();
    let mut never_stored = Vec::new();
    let mut titles = Vec::new();
    let mut deferred = 0;

    // 1. Concurrent edits that merge: the creator's title and a granted
    // co-author's successes, then the creator's edit on both. Around them:
    // a stranger's change (never granted), an edit that turns the case
    // study into something invalid, one that depends on that invalid one,
    // and one that changes the kind.
    let one = Doc { creator: &creator, nonce: 1 };
    let (create, c) = one.create(&fields("One"), 10);
    let grant = one.grant(&coauthor, 11);
    let (title, e1) = one.edit(&creator, &[&c], &fields("One, retitled"), 12);
    let (successes, e2) = one.edit(&coauthor, &[&c], &with(fields("One"), &[("successes", json!("shared"))]), 13);
    let merged = with(fields("One, final"), &[("successes", json!("shared"))]);
    let (last, _) = one.edit(&creator, &[&c, &e1, &e2], &merged, 14);
    let (strangers, _) = one.edit(&stranger, &[&c], &fields("Hijacked"), 15);
    let (invalid, i1) = one.edit(&creator, &[&c, &e1], &with(fields("Bad"), &[("principles", json!(["F99"]))]), 16);
    let (on_invalid, _) = one.edit(&creator, &[&c, &e1, &i1], &fields("On bad"), 17);
    let mut report = fields("Report");
    report.insert("kind".into(), json!("convening_report"));
    let (kind_change, _) = one.edit(&creator, &[&c, &e1], &report, 18);
    stored.extend([&create, &grant, &title, &successes, &last].map(Entry::id));
    never_stored.extend([
        ("a change by a key never granted", strangers.id()),
        ("an edit that makes the document invalid", invalid.id()),
        ("a change on an invalid one", on_invalid.id()),
        ("an edit that changes the kind", kind_change.id()),
    ]);
    deferred += 2; // the stranger's, and the one on the invalid edit
    titles.push((one.id(), Some("One, final")));
    entries.extend([create, grant, title, successes, last, strangers, invalid, on_invalid, kind_change]);

    // 2. Two concurrent edits, each valid alone, over the size limit together
    // (and a later edit on both that does not fix it): both are stored
    // everywhere, and every store shows the newer one's state.
    let two = Doc { creator: &creator, nonce: 2 };
    let (create, c) = two.create(&fields("Two"), 20);
    let grant = two.grant(&coauthor, 21);
    let long_two = with(fields("Two, long"), &[("context", long_text()), ("challenges", long_text())]);
    let (older, x1) = two.edit(&creator, &[&c], &long_two, 22);
    let (newer, x2) = two.edit(&coauthor, &[&c], &with(fields("Two, long too"), &[("successes", long_text())]), 23);
    let all_long = with(long_two.clone(), &[("successes", long_text()), ("title", json!("Two, all"))]);
    let (on_both, _) = two.edit(&creator, &[&c, &x1, &x2], &all_long, 24);
    stored.extend([&create, &grant, &older, &newer].map(Entry::id));
    never_stored.push(("an edit on both that is over the limit", on_both.id()));
    titles.push((two.id(), Some("Two, long too")));
    entries.extend([create, grant, older, newer, on_both]);

    // 3. One author's two edits made on two nodes: the same sequence number,
    // so automerge cannot merge them. Both are valid on their past; the
    // newer is shown.
    let three = Doc { creator: &creator, nonce: 3 };
    let (create, c) = three.create(&fields("Three"), 30);
    let (first, _) = three.edit(&creator, &[&c], &fields("Three, here"), 31);
    let (second, _) = three.edit(&creator, &[&c], &fields("Three, there"), 32);
    stored.extend([&create, &first, &second].map(Entry::id));
    titles.push((three.id(), Some("Three, there")));
    entries.extend([create, first, second]);

    // 4. Withdrawn twice, concurrently, with a co-author's change: the
    // smaller withdrawal is the tombstone, and nothing else stays.
    let four = Doc { creator: &creator, nonce: 4 };
    let (create, c) = four.create(&fields("Four"), 40);
    let grant = four.grant(&coauthor, 41);
    let (edit, _) = four.edit(&coauthor, &[&c], &fields("Four, edited"), 42);
    let withdrawals = [four.withdraw("duplicate", 43), four.withdraw("mistake", 44)];
    let (kept, other) = if withdrawals[0].id() < withdrawals[1].id() {
        (&withdrawals[0], &withdrawals[1])
    } else {
        (&withdrawals[1], &withdrawals[0])
    };
    stored.insert(kept.id());
    never_stored.extend([
        ("the withdrawn create", create.id()),
        ("the larger withdrawal", other.id()),
        ("a withdrawn change", edit.id()),
    ]);
    titles.push((four.id(), None));
    let tombstone = (four.id(), kept.id());
    entries.extend([create, grant, edit]);
    entries.extend(withdrawals.iter().cloned());

    // 5. A create whose content is invalid, and a change on it (which waits
    // for a create that no store accepts).
    let five = Doc { creator: &creator, nonce: 5 };
    let (create, c) = five.create(&with(fields("Five"), &[("risks", json!(["XX9"]))]), 50);
    let (edit, _) = five.edit(&creator, &[&c], &fields("Five, fixed"), 51);
    never_stored.extend([("an invalid create", create.id()), ("a change on an invalid create", edit.id())]);
    deferred += 1;
    titles.push((five.id(), None));
    entries.extend([create, edit]);

    // 6. The creator signed two creates for one nonce (the same file
    // imported at two hubs at different times): both stay, the newer is
    // shown, and an edit on the older is stored too.
    let six = Doc { creator: &creator, nonce: 6 };
    let (older, c) = six.create(&fields("Six"), 60);
    let (newer, _) = six.create(&fields("Six"), 61);
    let (edit, _) = six.edit(&creator, &[&c], &fields("Six, edited"), 62);
    stored.extend([&older, &newer, &edit].map(Entry::id));
    titles.push((six.id(), Some("Six, edited")));
    entries.extend([older, newer, edit]);

    // 7. Another network's entry.
    let elsewhere = sign(
        NetworkId([8; 32]),
        &creator,
        &creator,
        7,
        EntryKind::Create,
        70,
        document::create_change(&creator.public(), &fields("Seven"), 70).into(),
    );
    never_stored.push(("another network's create", elsewhere.id()));
    entries.push(elsewhere);

    let documents = [&one, &two, &three, &four, &five, &six].map(Doc::id).to_vec();
    Scenario { entries, documents, stored, never_stored, titles, tombstone, deferred }
}

/// Everything a store shows of the scenario.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    ids: BTreeSet<EntryId>,
    tombstones: Vec<Option<EntryId>>,
    rows: Vec<Option<DocumentRow>>,
    list: Vec<ListRow>,
    entries: u64,
    documents: std::collections::BTreeMap<String, u64>,
    withdrawn: u64,
    deferred: u64,
}

fn snapshot(store: &Store, documents: &[DocumentId]) -> Snapshot {
    let mut list: Vec<ListRow> = store.list_rows().map(Result::unwrap).collect();
    list.sort_by_key(|row| row.id);
    let counts = store.counts().unwrap();
    Snapshot {
        ids: store.sync_items().map(|item| item.unwrap().1).collect(),
        tombstones: documents.iter().map(|document| store.tombstone(document).unwrap()).collect(),
        rows: documents.iter().map(|document| store.row(document).unwrap()).collect(),
        list,
        entries: counts.entries,
        documents: counts.documents,
        withdrawn: counts.withdrawn,
        deferred: counts.deferred,
    }
}

/// xorshift64: a failing order can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for index in (1..items.len()).rev() {
            items.swap(index, self.below(index + 1));
        }
    }
}

/// Offers `entries` in a random order, in calls of random sizes, with
/// some offered twice; returns the store.
fn ingest_in_order(dir: &std::path::Path, entries: &[Entry], rng: &mut Rng) -> Store {
    let store = Store::open(dir, NETWORK).unwrap();
    let mut order: Vec<Entry> = entries.to_vec();
    for _ in 0..3 {
        order.push(entries[rng.below(entries.len())].clone());
    }
    rng.shuffle(&mut order);
    let mut rest = &order[..];
    while !rest.is_empty() {
        let take = 1 + rng.below(rest.len().min(6));
        let (call, after) = rest.split_at(take);
        let outcomes = store.ingest(call.iter().map(|entry| (entry.clone(), None))).unwrap();
        assert_eq!(outcomes.len(), call.len());
        rest = after;
    }
    store
}

#[test]
fn every_order_of_the_same_entries_leaves_every_store_the_same() {
    let scenario = scenario();
    let dir = tempfile::tempdir().unwrap();
    let mut reference: Option<Snapshot> = None;
    for seed in 1..=ORDERS {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let path = dir.path().join(format!("store-{seed}"));
        let store = ingest_in_order(&path, &scenario.entries, &mut rng);
        let got = snapshot(&store, &scenario.documents);

        // What the rules say, whatever the order.
        assert_eq!(got.ids, scenario.stored, "order {seed}: the stored ids");
        for (what, id) in &scenario.never_stored {
            assert!(store.entry(id).unwrap().is_none(), "order {seed}: {what} was stored");
        }
        assert_eq!(store.tombstone(&scenario.tombstone.0).unwrap(), Some(scenario.tombstone.1), "order {seed}");
        for (document, title) in &scenario.titles {
            let shown = store.row(document).unwrap().map(|row| row.fields["title"].as_str().unwrap().to_owned());
            assert_eq!(shown.as_deref(), *title, "order {seed}: document {document}");
        }
        assert_eq!(got.deferred, scenario.deferred, "order {seed}: changes still waiting");
        assert_eq!(got.list.len(), 4, "order {seed}: four documents listed");

        // Offering everything again changes nothing.
        store.ingest(scenario.entries.iter().map(|entry| (entry.clone(), None))).unwrap();
        assert_eq!(snapshot(&store, &scenario.documents), got, "order {seed}: offered again");
        // Nor does opening it again, but for what was kept aside in memory.
        drop(store);
        let reopened = Store::open(&path, NETWORK).unwrap();
        assert_eq!(snapshot(&reopened, &scenario.documents), Snapshot { deferred: 0, ..got.clone() });

        match &reference {
            None => reference = Some(got),
            Some(reference) => assert_eq!(&got, reference, "order {seed} ends unlike order 1"),
        }
    }
}

#[test]
fn a_relaying_peer_is_blamed_only_for_what_is_wrong_with_the_entry_itself() {
    let scenario = scenario();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store"), NETWORK).unwrap();
    let mut blamed = Vec::new();
    for entry in &scenario.entries {
        if let IngestOutcome::Rejected(error) = store.ingest([(entry.clone(), None)]).unwrap().remove(0)
            && error.blames_sender()
        {
            blamed.push(entry.document());
        }
    }
    // The invalid create (5) and the other network's create (7); not the
    // changes refused on their past, the withdrawn ones, or the larger
    // withdrawal.
    let seventh = DocumentId::derive(&SecretKey::from_seed([1; 32]).public(), &[7; 16]);
    assert_eq!(blamed, [scenario.documents[4], seventh]);
}

/// A document whose two accepted concurrent edits are over the size limit
/// together shows the newer; an edit made on it builds on both heads, so
/// the document is whole again.
#[test]
fn an_edit_merges_branches_whose_merge_was_not_a_valid_submission() {
    use crate::data_dir::SecretariatKeys;
    use crate::{DataDir, Node, now_ms};

    let dir = tempfile::tempdir().unwrap();
    let (keys, genesis) = SecretariatKeys::with_network("Demo");
    let data_dir = DataDir::new(dir.path());
    data_dir.init(&genesis, Some(&keys)).unwrap();
    let node = Node::open(data_dir).unwrap();
    let creator = SecretKey::from_seed([1; 32]);
    let coauthor = SecretKey::from_seed([2; 32]);
    let mut input = Value::Object(fields("Branches"));
    input.as_object_mut().unwrap().remove("sealed_contact");
    input["contact"] = json!({"name": "Amina Okafor", "email": "amina@example.org"});
    let id = node.submit(&creator, &input).unwrap().id;

    let create = node.store().document_entries(&id).unwrap().remove(0);
    let header = |author: &SecretKey, kind, ts| EntryHeader {
        author: author.public(),
        kind,
        timestamp_ms: ts,
        ..create.header().clone()
    };
    let history = [create.payload().to_vec()];
    let grant =
        Entry::sign(header(&creator, EntryKind::Grant, 2), coauthor.public().as_bytes().to_vec(), &creator).unwrap();
    let shown = node.show(&id).unwrap().row.fields;
    let edit = |author: &SecretKey, changes: &[(&str, Value)], ts: u64| {
        let change =
            document::edit_change(&history, &author.public(), &with(shown.clone(), changes), ts).unwrap().unwrap();
        Entry::sign_change(header(author, EntryKind::Change, ts), change, author).unwrap()
    };
    let older = edit(&creator, &[("context", long_text()), ("challenges", long_text())], now_ms() + 1);
    let newer = edit(&coauthor, &[("successes", long_text()), ("title", json!("Newer"))], now_ms() + 2);
    let encoded: Vec<Vec<u8>> = [grant, older, newer].iter().map(|entry| entry.encoded().to_vec()).collect();
    let outcomes = node.ingest_encoded(&encoded, None).unwrap();
    assert!(outcomes.iter().all(|outcome| matches!(outcome, Ok(IngestOutcome::Stored))), "{outcomes:?}");
    let view = node.show(&id).unwrap();
    assert_eq!((view.row.fields["title"].as_str(), view.row.changes), (Some("Newer"), 3));
    assert_eq!(view.row.fields["context"], "c", "the older branch is not shown");

    let mut fixed = input.clone();
    fixed["title"] = json!("Whole again");
    fixed["context"] = json!("short");
    node.edit(&creator, &id, &fixed).unwrap().unwrap();
    let view = node.show(&id).unwrap();
    assert_eq!((view.row.fields["title"].as_str(), view.row.changes), (Some("Whole again"), 4));
    assert_eq!(view.row.fields["successes"], "s");
    assert_eq!(view.row.fields["challenges"], "c");
}
