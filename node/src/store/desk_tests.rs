//! The desk in the store: receipts, curation, curators, moderation; the
//! same statements in any order and batching give the same state.

use convene_protocol::document;
use convene_protocol::entry::{DocumentId, Entry, EntryHeader, EntryKind};
use convene_protocol::keys::SecretKey;
use convene_protocol::statement::{Action, Reason, Signed, Statement, Status, Subject, TagDef};

use super::tests::{NETWORK, fields};
use super::{DeskState, IngestError, IngestOutcome, Store};
use crate::query::Filter;

fn secretariat() -> SecretKey {
    SecretKey::from_seed([70; 32])
}

fn open(acknowledges: bool) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store"), NETWORK)
        .unwrap()
        .with_desk(secretariat().public(), acknowledges)
        .unwrap();
    (dir, store)
}

fn create(author: &SecretKey, nonce: u8, title: &str) -> Entry {
    let header = EntryHeader {
        network: NETWORK,
        creator: author.public(),
        nonce: [nonce; 16],
        author: author.public(),
        timestamp_ms: 1_000 + u64::from(nonce),
        kind: EntryKind::Create,
    };
    let change = document::create_change(&author.public(), &fields(title), header.timestamp_ms);
    Entry::sign_change(header, change, author).unwrap()
}

fn state(by: &SecretKey, timestamp_ms: u64, delegation: Option<&Entry>, statement: Statement) -> Entry {
    let header = EntryHeader {
        network: NETWORK,
        creator: by.public(),
        nonce: blake3::hash(&timestamp_ms.to_be_bytes()).as_bytes()[..16].try_into().unwrap(),
        author: by.public(),
        timestamp_ms,
        kind: EntryKind::Statement,
    };
    let signed = Signed { delegation: delegation.map(|grant| grant.encoded().to_vec()), statement };
    Entry::sign(header, signed.encode(), by).unwrap()
}

fn curate(document: DocumentId, status: Option<Status>, tags: Option<&[&str]>) -> Statement {
    Statement::Curate {
        document,
        status,
        tags: tags.map(|tags| tags.iter().map(|tag| tag.to_string()).collect()),
        note: None,
    }
}

fn moderate(subject: Subject, action: Action) -> Statement {
    Statement::Moderate { subject, action, reason: Reason::Spam, text: "advertising".into() }
}

fn listed(store: &Store) -> Vec<DocumentId> {
    store.list(&Filter::default(), 0, 100).unwrap().rows.into_iter().map(|row| row.id).collect()
}

fn ingest(store: &Store, entries: &[Entry]) -> Vec<IngestOutcome> {
    store.ingest(entries.iter().map(|entry| (entry.clone(), None))).unwrap()
}

#[test]
fn the_secretariat_acknowledges_what_it_stores_and_a_hub_learns_when() {
    let author = SecretKey::from_seed([1; 32]);
    let report = create(&author, 1, "Kisumu");
    let (_dir, desk) = open(true);
    ingest(&desk, std::slice::from_ref(&report));
    assert_eq!(desk.unacknowledged(10).unwrap(), vec![report.id()]);
    let receipt = state(&secretariat(), 5_000, None, Statement::Receipt { entries: vec![report.id()] });
    assert!(matches!(ingest(&desk, std::slice::from_ref(&receipt))[..], [IngestOutcome::Stored]));
    assert!(desk.unacknowledged(10).unwrap().is_empty());

    // A hub may hear of the receipt before the report: the earliest time counts.
    let (_dir, hub) = open(false);
    let earlier = state(&secretariat(), 4_000, None, Statement::Receipt { entries: vec![report.id()] });
    ingest(&hub, &[receipt.clone(), report.clone(), earlier]);
    assert_eq!(hub.receipt(&report.id()).unwrap(), Some(4_000));
    assert!(hub.unacknowledged(10).unwrap().is_empty(), "only the secretariat's node acknowledges");

    // Anyone else's receipt is refused, and blames whoever relayed it.
    let forged = state(&author, 6_000, None, Statement::Receipt { entries: vec![report.id()] });
    match &ingest(&hub, &[forged])[..] {
        [IngestOutcome::Rejected(error @ IngestError::Statement(_))] => assert!(error.blames_sender()),
        other => panic!("{other:?}"),
    }
}

/// Curation by the secretariat and a curator, a revocation, a hide and a
/// show-again, and the tag list: every order and batching of arrival gives
/// the same state.
#[test]
fn curation_and_moderation_fold_to_the_same_state_in_any_order() {
    let author = SecretKey::from_seed([1; 32]);
    let curator = SecretKey::from_seed([2; 32]);
    let report = create(&author, 1, "Kisumu");
    let document = report.document();
    let grant = state(&secretariat(), 10, None, Statement::Curator { key: curator.public(), granted: true });
    let statements = vec![
        report.clone(),
        grant.clone(),
        state(&secretariat(), 20, None, curate(document, Some(Status::InReview), Some(&["payments"]))),
        state(&curator, 30, Some(&grant), curate(document, Some(Status::Incorporated), None)),
        state(&secretariat(), 40, None, Statement::Curator { key: curator.public(), granted: false }),
        // After its revocation: counts for nothing.
        state(&curator, 50, Some(&grant), curate(document, Some(Status::Declined), Some(&[]))),
        state(&curator, 35, Some(&grant), moderate(Subject::Document(document), Action::Hide)),
        state(&secretariat(), 45, None, moderate(Subject::Document(document), Action::Unhide)),
        state(
            &secretariat(),
            60,
            None,
            Statement::TagList { tags: vec![TagDef { code: "payments".into(), title: "Payments".into() }] },
        ),
    ];
    let expected =
        DeskState { status: Some((Status::Incorporated, 30)), tags: vec!["payments".into()], ..DeskState::default() };
    for seed in 0..24u64 {
        let mut order = statements.clone();
        let mut random = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for index in (1..order.len()).rev() {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            order.swap(index, (random % (index as u64 + 1)) as usize);
        }
        let (_dir, store) = open(false);
        let split = (random % order.len() as u64) as usize;
        for part in [&order[..split], &order[split..]] {
            for outcome in ingest(&store, part) {
                assert!(matches!(outcome, IngestOutcome::Stored), "seed {seed}: {outcome:?}");
            }
        }
        assert_eq!(store.desk_state(&document.0).unwrap(), expected, "seed {seed}");
        assert_eq!(store.desk_state(&super::TAGS_SUBJECT).unwrap().tag_list.unwrap().len(), 1);
        assert_eq!(listed(&store), vec![document], "seed {seed}: shown again");
    }
}

#[test]
fn a_curator_without_a_grant_or_purging_is_refused() {
    let curator = SecretKey::from_seed([2; 32]);
    let author = SecretKey::from_seed([1; 32]);
    let report = create(&author, 1, "Kisumu");
    let (_dir, store) = open(false);
    ingest(&store, std::slice::from_ref(&report));
    let ungranted = state(&curator, 30, None, curate(report.document(), Some(Status::Published), None));
    let grant = state(&secretariat(), 10, None, Statement::Curator { key: curator.public(), granted: true });
    let purge = state(&curator, 30, Some(&grant), moderate(Subject::Document(report.document()), Action::Purge));
    for refused in [ungranted, purge] {
        assert!(matches!(ingest(&store, &[refused])[..], [IngestOutcome::Rejected(IngestError::Statement(_))]));
    }
    assert_eq!(listed(&store), vec![report.document()]);
}

#[test]
fn hiding_takes_submissions_out_of_lists_and_exports_until_shown_again() {
    let author = SecretKey::from_seed([1; 32]);
    let other = SecretKey::from_seed([3; 32]);
    let (first, second, theirs) = (create(&author, 1, "One"), create(&author, 2, "Two"), create(&other, 3, "Three"));
    let (_dir, store) = open(false);
    ingest(&store, &[first.clone(), second.clone(), theirs.clone()]);
    assert_eq!(listed(&store).len(), 3);

    ingest(&store, &[state(&secretariat(), 10, None, moderate(Subject::Document(first.document()), Action::Hide))]);
    assert_eq!(listed(&store), vec![theirs.document(), second.document()]);
    assert!(store.rows().all(|row| row.unwrap().id != first.document()), "exports leave it out");

    // Hiding the author hides the rest; showing the author again keeps
    // the submission hidden on its own.
    let by_author = Subject::Author(author.public());
    ingest(&store, &[state(&secretariat(), 20, None, moderate(by_author, Action::Hide))]);
    assert_eq!(listed(&store), vec![theirs.document()]);
    // A new submission of a hidden author is stored, not listed.
    let third = create(&author, 4, "Four");
    assert!(matches!(ingest(&store, std::slice::from_ref(&third))[..], [IngestOutcome::Stored]));
    assert_eq!(listed(&store), vec![theirs.document()]);
    ingest(&store, &[state(&secretariat(), 30, None, moderate(by_author, Action::Unhide))]);
    assert_eq!(listed(&store), vec![third.document(), theirs.document(), second.document()]);

    // What is hidden stays hidden when the store opens again (the index is built anew).
    let path = _dir.path().join("store");
    drop(store);
    let store = Store::open(&path, NETWORK).unwrap().with_desk(secretariat().public(), false).unwrap();
    assert_eq!(listed(&store), vec![third.document(), theirs.document(), second.document()]);
}

#[test]
fn a_purge_erases_for_good_and_a_block_refuses_the_author_from_then_on() {
    let author = SecretKey::from_seed([1; 32]);
    let spammer = SecretKey::from_seed([4; 32]);
    let report = create(&author, 1, "Kisumu");
    let spam = create(&spammer, 2, "Buy now");
    let (_dir, store) = open(false);
    ingest(&store, &[report.clone(), spam.clone()]);

    let purge = state(&secretariat(), 10, None, moderate(Subject::Document(report.document()), Action::Purge));
    ingest(&store, &[purge]);
    assert!(store.entry(&report.id()).unwrap().is_none());
    assert!(matches!(
        ingest(&store, std::slice::from_ref(&report))[..],
        [IngestOutcome::Rejected(IngestError::Purged(_))]
    ));
    let unhide = state(&secretariat(), 20, None, moderate(Subject::Document(report.document()), Action::Unhide));
    ingest(&store, &[unhide]);
    assert!(store.desk_state(&report.document().0).unwrap().moderation.is_some(), "a purge is not undone");

    let block = state(&secretariat(), 30, None, moderate(Subject::Author(spammer.public()), Action::Block));
    ingest(&store, &[block]);
    assert!(store.entry(&spam.id()).unwrap().is_none());
    assert!(listed(&store).is_empty());
    let again = create(&spammer, 3, "Buy more");
    let outcome = ingest(&store, &[again]);
    match &outcome[..] {
        [IngestOutcome::Rejected(error @ IngestError::Blocked(key))] => {
            assert_eq!(*key, spammer.public());
            assert!(!error.blames_sender(), "a peer may relay it before it hears of the block");
        }
        other => panic!("{other:?}"),
    }
}

/// A hub that signs custody marks what it stores, with where from, until
/// its own statement names it; every store folds hubs' statements to the
/// same chain in any order (the earliest time of each hub counts).
#[test]
fn custody_is_marked_signed_and_folded_in_any_order() {
    use convene_protocol::statement::{Held, Origin};
    let author = SecretKey::from_seed([1; 32]);
    let lakeside = SecretKey::from_seed([2; 32]);
    let riverside = SecretKey::from_seed([3; 32]);
    let report = create(&author, 1, "Kisumu");
    let other = create(&author, 2, "Nakuru");
    let document = report.document();

    let dir = tempfile::tempdir().unwrap();
    let hub = Store::open(&dir.path().join("store"), NETWORK)
        .unwrap()
        .with_desk(secretariat().public(), false)
        .unwrap()
        .with_custody(lakeside.public());
    hub.ingest_reporting([(report.clone(), None)], Some(Origin::Peer(riverside.public()))).unwrap();
    hub.ingest_reporting([(other.clone(), None)], None).unwrap();
    let waiting = hub.unsigned_custody(10).unwrap();
    assert_eq!(waiting.len(), 1, "an entry of unknown origin is not signed for: {waiting:?}");
    assert_eq!((waiting[0].document, waiting[0].from), (document, Origin::Peer(riverside.public())));
    let held_ms = waiting[0].held_ms;
    let custody = |by: &SecretKey, at: u64, hub: &str, held: Vec<Held>| {
        state(by, at, None, Statement::Custody { hub: hub.into(), held })
    };
    let signed = custody(&lakeside, held_ms + 1, "Lakeside", waiting);
    assert!(matches!(ingest(&hub, std::slice::from_ref(&signed))[..], [IngestOutcome::Stored]));
    assert!(hub.unsigned_custody(10).unwrap().is_empty(), "its own statement clears what it names");

    let first = custody(&riverside, 2_000, "Riverside", vec![Held { document, held_ms: 1_500, from: Origin::Here }]);
    let later =
        custody(&riverside, 3_000, "Riverside Hub", vec![Held { document, held_ms: 2_500, from: Origin::Bundle }]);
    // A time later than its own statement's is not believed.
    let boaster = SecretKey::from_seed([4; 32]);
    let boast = custody(&boaster, 3_500, "Secretariat", vec![Held { document, held_ms: 9_999, from: Origin::Here }]);
    let orders: [Vec<Entry>; 2] = [
        vec![report.clone(), signed.clone(), first.clone(), later.clone(), boast.clone()],
        vec![boast.clone(), later.clone(), first.clone(), signed.clone(), report.clone()],
    ];
    let mut chains = Vec::new();
    for order in orders {
        let (_dir, store) = open(false);
        for entry in &order {
            ingest(&store, std::slice::from_ref(entry));
        }
        assert!(store.unsigned_custody(10).unwrap().is_empty(), "only a hub with custody on marks");
        chains.push(store.custody_of(&document).unwrap());
    }
    assert_eq!(chains[0], chains[1]);
    let chain: Vec<(&str, u64, Origin)> =
        chains[0].iter().map(|custody| (custody.hub.as_str(), custody.held_ms, custody.from)).collect();
    assert_eq!(
        chain,
        vec![("Riverside Hub", 1_500, Origin::Here), ("Lakeside", held_ms, Origin::Peer(riverside.public()))],
        "the earliest time of each hub, under its newest name"
    );
}
