//! Store tests on a real sled directory: the write rule, out-of-order
//! arrival, withdrawal and tamper detection.

use convene_protocol::attachment::Limits;
use convene_protocol::document;
use convene_protocol::entry::{Entry, EntryHeader, EntryKind};
use convene_protocol::keys::SecretKey;
use convene_protocol::network::NetworkId;
use serde_json::{Map, Value, json};
use std::os::unix::fs::FileExt;

use super::*;

pub(super) const NETWORK: NetworkId = NetworkId([9; 32]);

/// A valid case study's fields (its contact sealed), titled `title`.
pub(super) fn fields(title: &str) -> Map<String, Value> {
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

fn sign(
    secret: &SecretKey,
    creator: &SecretKey,
    kind: EntryKind,
    timestamp_ms: u64,
    payload: impl Into<Vec<u8>>,
) -> Entry {
    let header = EntryHeader {
        network: NETWORK,
        creator: creator.public(),
        nonce: [1; 16],
        author: secret.public(),
        timestamp_ms,
        kind,
    };
    Entry::sign(header, payload.into(), secret).unwrap()
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store"), NETWORK).unwrap();
    (dir, store)
}

fn stored(outcomes: Vec<IngestOutcome>) -> bool {
    matches!(outcomes.as_slice(), [IngestOutcome::Stored])
}

#[test]
fn only_the_creator_or_a_granted_coauthor_may_change_a_document() {
    let (_dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let stranger = SecretKey::from_seed([2; 32]);
    let create =
        sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &fields("A"), 1));
    assert!(stored(store.ingest([(create.clone(), None)]).unwrap()));

    let edit =
        document::edit_change(&[create.payload().to_vec()], &stranger.public(), &fields("B"), 2).unwrap().unwrap();
    let forged = sign(&stranger, &creator, EntryKind::Change, 2, edit.clone());
    // Not refused: a grant may be on its way. Kept aside, and not stored.
    let outcome = store.ingest([(forged.clone(), None)]).unwrap();
    assert!(
        matches!(outcome.as_slice(), [IngestOutcome::Deferred(Awaited::Grant(key))] if *key == stranger.public()),
        "{outcome:?}"
    );
    assert!(store.entry(&forged.id()).unwrap().is_none());
    assert_eq!(store.row(&create.document()).unwrap().unwrap().fields["title"], "A");
    assert_eq!(store.counts().unwrap().deferred, 1);

    // The grant lets it through.
    let grant = sign(&creator, &creator, EntryKind::Grant, 3, stranger.public().as_bytes().to_vec());
    let ingested = store.ingest_reporting([(grant, None)], None).unwrap();
    assert!(matches!(ingested.outcomes.as_slice(), [IngestOutcome::Stored]), "{ingested:?}");
    assert_eq!(ingested.released, std::slice::from_ref(&forged));
    assert!(matches!(store.ingest([(forged, None)]).unwrap().as_slice(), [IngestOutcome::AlreadyStored]));
    assert_eq!(store.row(&create.document()).unwrap().unwrap().fields["title"], "B");
    assert_eq!(store.counts().unwrap().deferred, 0);
}

#[test]
fn a_change_that_arrives_before_its_create_is_kept_aside_and_stored_when_the_create_comes() {
    let (_dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let first: Vec<u8> = document::create_change(&creator.public(), &fields("A"), 1).into();
    let second =
        document::edit_change(std::slice::from_ref(&first), &creator.public(), &fields("B"), 2).unwrap().unwrap();
    let create_hash = ParsedChange::parse(&first).unwrap().hash();
    let create = sign(&creator, &creator, EntryKind::Create, 1, first);
    let change = sign(&creator, &creator, EntryKind::Change, 2, second);
    // Neither stored (so neither served nor announced) nor refused.
    let outcome = store.ingest([(change.clone(), None)]).unwrap();
    assert!(
        matches!(outcome.as_slice(), [IngestOutcome::Deferred(Awaited::Change(hash))] if *hash == create_hash),
        "{outcome:?}"
    );
    assert!(matches!(store.ingest([(change.clone(), None)]).unwrap().as_slice(), [IngestOutcome::Deferred(_)]));
    assert!(store.entry(&change.id()).unwrap().is_none());
    assert_eq!(store.sync_items().count(), 0);
    assert!(store.row(&create.document()).unwrap().is_none());
    assert_eq!(store.counts().unwrap().deferred, 1);

    let ingested = store.ingest_reporting([(create.clone(), None)], None).unwrap();
    assert!(matches!(ingested.outcomes.as_slice(), [IngestOutcome::Stored]), "{ingested:?}");
    assert_eq!(ingested.released, std::slice::from_ref(&change), "the change is stored with it, to be announced");
    let row = store.row(&create.document()).unwrap().unwrap();
    assert_eq!(row.fields["title"], "B");
    assert_eq!(row.changes, 2);
    assert_eq!(store.list_row(&create.document()).unwrap().unwrap().summary.title, "B");
    assert_eq!(store.sync_items().count(), 2);
    assert_eq!(store.counts().unwrap().deferred, 0);
}

#[test]
fn invalid_content_and_wrong_networks_are_refused() {
    let (_dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let mut bad = fields("A");
    bad.insert("principles".into(), json!(["F99"]));
    let entry = sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &bad, 1));
    let outcome = store.ingest([(entry, None)]).unwrap();
    assert!(matches!(outcome.as_slice(), [IngestOutcome::Rejected(IngestError::Invalid(_))]), "{outcome:?}");
    assert_eq!(store.counts().unwrap().entries, 0);

    let dir = tempfile::tempdir().unwrap();
    let other = Store::open(&dir.path().join("s"), NetworkId([8; 32])).unwrap();
    let good =
        sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &fields("A"), 1));
    let outcome = other.ingest([(good, None)]).unwrap();
    assert!(matches!(outcome.as_slice(), [IngestOutcome::Rejected(IngestError::WrongNetwork { .. })]));
}

#[test]
fn a_document_past_the_networks_attachment_limits_is_refused_on_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits { files: 1, file_bytes: 1_000_000, submission_bytes: 1_000_000 };
    let store = Store::open(&dir.path().join("store"), NETWORK).unwrap().with_limits(limits);
    let file = |byte: u8, size: u64| json!({ "hash": hex::encode([byte; 32]), "size": size, "type": "application/pdf", "name": "minutes.pdf" });
    let with_files = |title: &str, files: Value| {
        let mut fields = fields(title);
        fields.insert("attachments".into(), files);
        fields
    };
    let creator = SecretKey::from_seed([1; 32]);
    let create = |fields: &Map<String, Value>| {
        sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), fields, 1))
    };
    // Valid under the default limits, not under this network's.
    for (what, files) in
        [("two files", json!([file(1, 1000), file(2, 1000)])), ("a file past the limit", json!([file(1, 1_000_001)]))]
    {
        let outcome = store.ingest([(create(&with_files("A", files)), None)]).unwrap();
        assert!(
            matches!(outcome.as_slice(), [IngestOutcome::Rejected(IngestError::Invalid(_))]),
            "{what}: {outcome:?}"
        );
    }
    // Within them: stored; a change that adds a second file is refused.
    let first = create(&with_files("A", json!([file(1, 1000)])));
    assert!(stored(store.ingest([(first.clone(), None)]).unwrap()));
    let more = with_files("A", json!([file(1, 1000), file(2, 1000)]));
    let edit = document::edit_change(&[first.payload().to_vec()], &creator.public(), &more, 2).unwrap().unwrap();
    let change = sign(&creator, &creator, EntryKind::Change, 2, edit);
    let outcome = store.ingest([(change, None)]).unwrap();
    assert!(matches!(outcome.as_slice(), [IngestOutcome::Rejected(IngestError::ChangeInvalid(_))]), "{outcome:?}");
    assert_eq!(store.counts().unwrap().entries, 1);
}

#[test]
fn withdrawal_purges_content_keeps_a_tombstone_and_refuses_the_old_entries() {
    let (_dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let create =
        sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &fields("A"), 1));
    let document = create.document();
    store.ingest([(create.clone(), None)]).unwrap();
    let withdraw = sign(&creator, &creator, EntryKind::Withdraw, 5, b"duplicate".to_vec());
    // The entry after the withdrawal makes the call apply the withdrawal's
    // batch before its end: the purged bytes must be erased all the same.
    let outcomes = store.ingest([(withdraw.clone(), None), (create.clone(), None)]).unwrap();
    assert!(
        matches!(outcomes.as_slice(), [IngestOutcome::Stored, IngestOutcome::Rejected(IngestError::Withdrawn(_))]),
        "{outcomes:?}"
    );

    assert!(store.row(&document).unwrap().is_none());
    assert!(store.entry(&create.id()).unwrap().is_none());
    assert!(store.is_purged(&create.id()).unwrap());
    assert_eq!(store.tombstone(&document).unwrap(), Some(withdraw.id()));
    assert_eq!(store.list_rows().count(), 0);
    let ids: Vec<_> = store.sync_items().map(|item| item.unwrap().1).collect();
    assert_eq!(ids, vec![withdraw.id()], "only the withdrawal still syncs");
    let pack = std::fs::read(_dir.path().join("store/entries.pack")).unwrap();
    assert!(!contains(&pack, create.encoded()), "the purged entry's bytes are erased on disk");
    assert!(contains(&pack, withdraw.encoded()));
    assert_eq!(store.backend.scan_prefix(&[keys::ERASE]).count(), 0, "nothing left to erase");

    let outcome = store.ingest([(create, None)]).unwrap();
    assert!(matches!(outcome.as_slice(), [IngestOutcome::Rejected(IngestError::Withdrawn(_))]));
}

#[test]
fn a_tampered_stored_entry_fails_when_read() {
    let (_dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let create =
        sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &fields("A"), 1));
    store.ingest([(create.clone(), None)]).unwrap();
    let span = store.span(&create.id()).unwrap().unwrap();
    let middle = create.encoded().len() / 2;
    let pack = std::fs::OpenOptions::new().write(true).open(_dir.path().join("store/entries.pack")).unwrap();
    pack.write_all_at(&[create.encoded()[middle] ^ 0x20], span.offset + middle as u64).unwrap();
    assert!(matches!(store.entry(&create.id()), Err(StoreError::Damaged(_))));
    assert!(matches!(store.entry_bytes(&create.id()), Err(StoreError::Damaged(_))));
    let (_, raw) = store.raw_entries().next().unwrap().unwrap();
    assert!(Entry::decode(&raw.unwrap()).is_err());

    pack.set_len(span.offset + 10).unwrap();
    drop(store);
    let reopened = Store::open(&_dir.path().join("store"), NETWORK).unwrap();
    assert!(reopened.repairs()[0].note.contains("cut short"), "a cut pack is reported: {:?}", reopened.repairs());
    assert!(reopened.entry(&create.id()).unwrap().is_none(), "set aside, to be fetched again");
    assert_eq!(reopened.counts().unwrap().damaged_waiting, 1);
    assert!(reopened.raw_entries().next().is_none(), "no record points past the pack's end");
}

#[test]
fn bytes_a_crash_left_unreferenced_are_skipped_and_appended_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let creator = SecretKey::from_seed([1; 32]);
    let entry = |title: &str, nonce: u8| {
        let header = EntryHeader {
            network: NETWORK,
            creator: creator.public(),
            nonce: [nonce; 16],
            author: creator.public(),
            timestamp_ms: 1,
            kind: EntryKind::Create,
        };
        Entry::sign_change(header, document::create_change(&creator.public(), &fields(title), 1), &creator).unwrap()
    };
    let first = entry("A", 1);
    Store::open(&path, NETWORK).unwrap().ingest([(first.clone(), None)]).unwrap();
    // As if a crash came after an append and before the records pointing at it.
    let mut pack = std::fs::OpenOptions::new().append(true).open(path.join("entries.pack")).unwrap();
    std::io::Write::write_all(&mut pack, &[0xAB; 700]).unwrap();

    let store = Store::open(&path, NETWORK).unwrap();
    let pack = std::fs::read(path.join("entries.pack")).unwrap();
    assert!(!pack.windows(700).any(|window| window == [0xAB; 700]), "the unrecorded tail is cut off at open");
    let second = entry("B", 2);
    assert!(stored(store.ingest([(second.clone(), None)]).unwrap()));
    assert_eq!(store.entry(&first.id()).unwrap().unwrap().encoded(), first.encoded());
    assert_eq!(store.entry(&second.id()).unwrap().unwrap().encoded(), second.encoded());
    assert_eq!(store.counts().unwrap().entries, 2);
}

#[test]
fn a_store_of_the_older_format_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let old = SledBackend::open(&path).unwrap();
        let mut batch = WriteBatch::default();
        batch.put(keys::entry(&EntryId([1; 32])), vec![1; 300]);
        old.apply(batch).unwrap();
        old.flush().unwrap();
    }
    let error = Store::open(&path, NETWORK).unwrap_err();
    assert!(matches!(error, StoreError::OldFormat(_)), "{error}");
    assert!(error.to_string().contains("re-syncs from its peers"), "{error}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[test]
fn the_list_index_follows_creates_edits_and_withdrawals_and_agrees_with_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let store = Store::open(&path, NETWORK).unwrap();
    let creator = SecretKey::from_seed([1; 32]);
    let titles = |page: Page| page.rows.into_iter().map(|row| row.summary.title).collect::<Vec<_>>();
    let create = |title: &str, timestamp_ms: u64| {
        let payload = document::create_change(&creator.public(), &fields(title), timestamp_ms);
        let header = EntryHeader {
            network: NETWORK,
            creator: creator.public(),
            nonce: [timestamp_ms as u8; 16],
            author: creator.public(),
            timestamp_ms,
            kind: EntryKind::Create,
        };
        Entry::sign_change(header, payload, &creator).unwrap()
    };
    let first = create("Payments in Nairobi", 1);
    store.ingest([(first.clone(), None)]).unwrap();
    assert_eq!(titles(store.list(&Filter::default(), 0, 10).unwrap()), ["Payments in Nairobi"]);

    // Stored after the index was built: it must show at once.
    let second = create("Digital ID review", 2);
    store.ingest([(second.clone(), None)]).unwrap();
    let search = Filter { text: Some("digital".into()), ..Filter::default() };
    assert_eq!(titles(store.list(&search, 0, 10).unwrap()), ["Digital ID review"]);

    let edit = document::edit_change(&[second.payload().to_vec()], &creator.public(), &fields("Digital ID, edited"), 3)
        .unwrap()
        .unwrap();
    let header = EntryHeader { timestamp_ms: 3, kind: EntryKind::Change, ..second.header().clone() };
    store.ingest([(Entry::sign_change(header, edit, &creator).unwrap(), None)]).unwrap();
    assert_eq!(titles(store.list(&Filter::default(), 0, 10).unwrap()), ["Digital ID, edited", "Payments in Nairobi"]);

    let header = EntryHeader { timestamp_ms: 4, kind: EntryKind::Withdraw, ..first.header().clone() };
    store.ingest([(Entry::sign(header, b"duplicate".to_vec(), &creator).unwrap(), None)]).unwrap();
    let page = store.list(&Filter::default(), 0, 10).unwrap();
    assert_eq!((page.total, titles(page)), (1, vec!["Digital ID, edited".to_owned()]));

    drop(store);
    let reopened = Store::open(&path, NETWORK).unwrap();
    assert_eq!(titles(reopened.list(&Filter::default(), 0, 10).unwrap()), ["Digital ID, edited"]);
}

#[test]
fn one_call_may_carry_a_document_its_grant_its_changes_and_repeats() {
    let (_dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let coauthor = SecretKey::from_seed([2; 32]);
    let first: Vec<u8> = document::create_change(&creator.public(), &fields("A"), 1).into();
    let second =
        document::edit_change(std::slice::from_ref(&first), &coauthor.public(), &fields("B"), 3).unwrap().unwrap();
    let create = sign(&creator, &creator, EntryKind::Create, 1, first);
    let grant = sign(&creator, &creator, EntryKind::Grant, 2, coauthor.public().as_bytes().to_vec());
    let change = sign(&coauthor, &creator, EntryKind::Change, 3, second);
    let other = Entry::sign_change(
        EntryHeader { nonce: [2; 16], ..create.header().clone() },
        document::create_change(&creator.public(), &fields("Other"), 1),
        &creator,
    )
    .unwrap();
    store.counts().unwrap(); // counted now, then kept up to date
    let outcomes = store
        .ingest([create.clone(), other.clone(), grant, change, create.clone(), other].map(|entry| (entry, None)))
        .unwrap();
    let kinds: Vec<&str> = outcomes
        .iter()
        .map(|outcome| match outcome {
            IngestOutcome::Stored => "stored",
            IngestOutcome::AlreadyStored => "already",
            IngestOutcome::Rejected(_) => "rejected",
            IngestOutcome::Deferred(_) => "deferred",
        })
        .collect();
    assert_eq!(kinds, ["stored", "stored", "stored", "stored", "already", "already"]);
    assert_eq!(store.row(&create.document()).unwrap().unwrap().fields["title"], "B");
    let counts = store.counts().unwrap();
    assert_eq!((counts.entries, counts.documents["case_study"]), (4, 2));
    assert_eq!(
        store.count_all().unwrap(),
        StoreCounts { bytes_on_disk: 0, ..counts },
        "kept up to date = counted again"
    );
    store.build_list_index().unwrap();
    assert_eq!(
        store.count_all().unwrap(),
        StoreCounts { bytes_on_disk: 0, ..store.counts().unwrap() },
        "documents counted from the list index"
    );
}

/// Every file under `dir`, read whole.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for item in std::fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

#[test]
fn a_withdrawn_document_leaves_no_byte_of_its_text_in_any_file() {
    let (dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let first_title = "Zanzibar ledger pilot";
    let second_title = "Quixotic registry rollout";
    let create = sign(
        &creator,
        &creator,
        EntryKind::Create,
        1,
        document::create_change(&creator.public(), &fields(first_title), 1),
    );
    let document = create.document();
    store.ingest([(create.clone(), None)]).unwrap();
    let edit = document::edit_change(&[create.payload().to_vec()], &creator.public(), &fields(second_title), 2)
        .unwrap()
        .unwrap();
    store.ingest([(sign(&creator, &creator, EntryKind::Change, 2, edit), None)]).unwrap();
    assert_eq!(store.list_row(&document).unwrap().unwrap().summary.title, second_title);
    let files = files_under(dir.path());
    let holding = |text: &str| -> Vec<String> {
        files
            .iter()
            .filter(|(_, bytes)| contains(bytes, text.as_bytes()))
            .map(|(path, _)| path.display().to_string())
            .collect()
    };
    assert!(holding(first_title).iter().all(|path| path.ends_with("entries.pack")), "{:?}", holding(first_title));
    assert!(!holding(second_title).is_empty(), "the test looks where the text is");

    store.ingest([(sign(&creator, &creator, EntryKind::Withdraw, 5, b"mistake".to_vec()), None)]).unwrap();
    drop(store);
    for (path, bytes) in files_under(dir.path()) {
        for text in [first_title, second_title, "Civic Tech Lab"] {
            assert!(!contains(&bytes, text.as_bytes()), "{} still holds {text:?}", path.display());
        }
    }
}

#[test]
fn a_failed_batch_leaves_no_bytes_behind_and_the_store_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let creator = SecretKey::from_seed([1; 32]);
    let create = sign(
        &creator,
        &creator,
        EntryKind::Create,
        1,
        document::create_change(&creator.public(), &fields("Kept title"), 1),
    );
    let store = Store::open(&path, NETWORK).unwrap();
    store.ingest([(create.clone(), None)]).unwrap();
    let end = store.pack.end();
    // The bytes of a batch whose records never landed, cut back at once.
    store.pack.append(b"Orphaned text of a cut batch").unwrap();
    store.pack.cut_back(end).unwrap();
    assert_eq!(std::fs::metadata(path.join("entries.pack")).unwrap().len(), end);
    drop(store);
    let reopened = Store::open(&path, NETWORK).unwrap();
    assert_eq!(reopened.list_row(&create.document()).unwrap().unwrap().summary.title, "Kept title");
}

#[test]
fn a_store_that_kept_list_rows_in_sled_moves_them_to_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let creator = SecretKey::from_seed([1; 32]);
    let create =
        sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &fields("Old"), 1));
    let document = create.document();
    {
        let store = Store::open(&path, NETWORK).unwrap();
        store.ingest([(create, None)]).unwrap();
        // Back to format 2: the row itself in sled, no recorded pack end.
        let row = store.list_row(&document).unwrap().unwrap();
        let mut batch = WriteBatch::default();
        batch.put(keys::doc(keys::LIST_ROW, &document), list_row::encode(&row, ""));
        batch.put(keys::FORMAT.to_vec(), vec![keys::FORMAT_ROWS_IN_SLED]);
        batch.delete(keys::PACK_END.to_vec());
        store.backend.apply(batch).unwrap();
        store.backend.flush().unwrap();
    }
    let store = Store::open(&path, NETWORK).unwrap();
    assert_eq!(store.list_row(&document).unwrap().unwrap().summary.title, "Old");
    assert_eq!(store.backend.get(keys::FORMAT).unwrap(), Some(vec![keys::FORMAT_VERSION]));
    assert_eq!(store.list_rows().count(), 1);
}

#[test]
fn rows_stored_without_their_search_words_get_them_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let creator = SecretKey::from_seed([1; 32]);
    let mut old = fields("Old");
    old.insert("context".into(), json!("Waterpoint outreach in every ward"));
    let create = sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &old, 1));
    let document = create.document();
    let search = Filter { text: Some("waterpoint".into()), ..Filter::default() };
    {
        let store = Store::open(&path, NETWORK).unwrap();
        store.ingest([(create, None)]).unwrap();
        assert_eq!(store.list(&search, 0, 10).unwrap().rows.len(), 1);
        // Back to format 3: the row as it was stored before it held words.
        let row = store.list_row(&document).unwrap().unwrap();
        let encoded = list_row::encode(&row, "");
        let span = Span { offset: store.pack.end(), len: encoded.len() as u32 };
        store.pack.append(&encoded).unwrap();
        let mut batch = WriteBatch::default();
        batch.put(keys::doc(keys::LIST_ROW, &document), span.encode());
        batch.put(keys::PACK_END.to_vec(), store.pack.end().to_be_bytes().to_vec());
        batch.put(keys::FORMAT.to_vec(), vec![keys::FORMAT_ROWS_WITHOUT_WORDS]);
        store.backend.apply(batch).unwrap();
        store.backend.flush().unwrap();
        assert_eq!(store.list(&Filter::default(), 0, 10).unwrap().rows.len(), 1);
    }
    let store = Store::open(&path, NETWORK).unwrap();
    assert_eq!(store.backend.get(keys::FORMAT).unwrap(), Some(vec![keys::FORMAT_VERSION]));
    assert_eq!(store.list(&search, 0, 10).unwrap().rows.len(), 1, "found by a word of its context again");
}

fn three_documents(creator: &SecretKey) -> Vec<Entry> {
    (1..=3u8)
        .map(|n| {
            let header = EntryHeader {
                network: NETWORK,
                creator: creator.public(),
                nonce: [n; 16],
                author: creator.public(),
                timestamp_ms: u64::from(n),
                kind: EntryKind::Create,
            };
            let change = document::create_change(&creator.public(), &fields(&format!("Document {n}")), u64::from(n));
            Entry::sign_change(header, change, creator).unwrap()
        })
        .collect()
}

#[test]
fn a_torn_pack_tail_sets_its_entries_aside_until_they_arrive_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let creator = SecretKey::from_seed([1; 32]);
    let entries = three_documents(&creator);
    {
        let store = Store::open(&path, NETWORK).unwrap();
        for entry in &entries {
            store.ingest([(entry.clone(), None)]).unwrap();
        }
    }
    // A power cut tore the last write: the pack ends inside the last entry.
    let pack_path = path.join("entries.pack");
    let len = std::fs::metadata(&pack_path).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&pack_path).unwrap().set_len(len - 100).unwrap();

    let store = Store::open(&path, NETWORK).unwrap();
    assert!(store.repairs()[0].note.contains("cut short"), "{:?}", store.repairs());
    assert!(store.entry(&entries[2].id()).unwrap().is_none(), "the torn entry is no longer held");
    assert_eq!(store.counts().unwrap().damaged_waiting, 1);
    assert_eq!(store.list(&Filter::default(), 0, 10).unwrap().total, 2, "the others are listed");
    let ids: Vec<_> = store.sync_items().map(|item| item.unwrap().1).collect();
    assert!(!ids.contains(&entries[2].id()), "reconciliation asks peers for it again");
    assert_eq!(store.pack.end(), std::fs::metadata(&pack_path).unwrap().len());

    // It arrives again from a peer: stored, and no longer missing.
    assert!(stored(store.ingest([(entries[2].clone(), None)]).unwrap()));
    assert_eq!(store.counts().unwrap().damaged_waiting, 0);
    assert_eq!(store.list(&Filter::default(), 0, 10).unwrap().total, 3);
    drop(store);
    let reopened = Store::open(&path, NETWORK).unwrap();
    assert_eq!(reopened.repairs().len(), 1, "the note is kept; nothing new is found");
    assert_eq!(reopened.counts().unwrap().damaged_waiting, 0);
    for entry in &entries {
        assert_eq!(reopened.entry(&entry.id()).unwrap().unwrap().encoded(), entry.encoded());
    }
}

#[test]
fn garbage_after_the_pack_is_cut_off_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let creator = SecretKey::from_seed([1; 32]);
    let entries = three_documents(&creator);
    let end = {
        let store = Store::open(&path, NETWORK).unwrap();
        store.ingest(entries.iter().map(|entry| (entry.clone(), None))).unwrap();
        store.pack.end()
    };
    let mut pack = std::fs::OpenOptions::new().append(true).open(path.join("entries.pack")).unwrap();
    std::io::Write::write_all(&mut pack, &[0x5A; 1000]).unwrap();
    let store = Store::open(&path, NETWORK).unwrap();
    assert!(store.repairs()[0].note.contains("1000 bytes past its last whole record"), "{:?}", store.repairs());
    assert_eq!(std::fs::metadata(path.join("entries.pack")).unwrap().len(), end);
    assert_eq!(store.list(&Filter::default(), 0, 10).unwrap().total, 3);
}

#[test]
fn a_damaged_entry_set_aside_leaves_the_others_served_and_listed() {
    let (dir, store) = open();
    let creator = SecretKey::from_seed([1; 32]);
    let entries = three_documents(&creator);
    store.ingest(entries.iter().map(|entry| (entry.clone(), None))).unwrap();
    store.build_list_index().unwrap();
    let span = store.span(&entries[1].id()).unwrap().unwrap();
    let pack = std::fs::OpenOptions::new().write(true).open(dir.path().join("store/entries.pack")).unwrap();
    pack.write_all_at(&[0xFF], span.offset + 40).unwrap();
    assert!(store.entry_bytes(&entries[1].id()).is_err());
    let generation = store.set_aside_generation();
    assert_eq!(store.set_aside(&[entries[1].id()]).unwrap(), 1);
    assert!(store.set_aside_generation() > generation);
    assert!(store.entry_bytes(&entries[1].id()).unwrap().is_none());
    assert_eq!(store.entry_bytes(&entries[0].id()).unwrap().unwrap(), entries[0].encoded());
    let page = store.list(&Filter::default(), 0, 10).unwrap();
    assert_eq!(page.total, 2, "the damaged document is not listed until it arrives again");
    assert!(stored(store.ingest([(entries[1].clone(), None)]).unwrap()));
    assert_eq!(store.list(&Filter::default(), 0, 10).unwrap().total, 3);
    assert_eq!(store.counts().unwrap().damaged_waiting, 0);
}

#[test]
fn withdrawn_entries_give_their_disk_blocks_back() {
    let (dir, store) = open();
    let pack = dir.path().join("store/entries.pack");
    let probe = dir.path().join("probe");
    std::fs::write(&probe, vec![1u8; 64 << 10]).unwrap();
    let flags = rustix::fs::FallocateFlags::PUNCH_HOLE | rustix::fs::FallocateFlags::KEEP_SIZE;
    if rustix::fs::fallocate(std::fs::File::options().write(true).open(&probe).unwrap(), flags, 0, 64 << 10).is_err() {
        eprintln!("skipped: the filesystem of {} cannot punch holes", dir.path().display());
        return;
    }
    let allocated = || std::os::unix::fs::MetadataExt::blocks(&std::fs::metadata(&pack).unwrap()) * 512;
    // Text that does not compress, so each entry takes several blocks.
    let mut state = 7u64;
    let mut noise = |len: usize| -> String {
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                char::from(b'a' + (state >> 59) as u8 % 26)
            })
            .collect()
    };
    let creators: Vec<SecretKey> = (10..20).map(|seed| SecretKey::from_seed([seed; 32])).collect();
    for creator in &creators {
        let mut fields = fields("Long");
        for field in ["context", "challenges", "successes"] {
            fields.insert(field.into(), Value::String(noise(20_000)));
        }
        let create =
            sign(creator, creator, EntryKind::Create, 1, document::create_change(&creator.public(), &fields, 1));
        assert!(stored(store.ingest([(create, None)]).unwrap()));
    }
    let before = allocated();
    for creator in &creators {
        let withdraw = sign(creator, creator, EntryKind::Withdraw, 5, b"mistake".to_vec());
        assert!(stored(store.ingest([(withdraw, None)]).unwrap()));
    }
    let after = allocated();
    assert!(after < before / 2, "{after} bytes still allocated of {before}");
}

/// Edits `context` between two long texts until the document limits
/// refuse a change; returns the change numbers stored and the refusal.
/// With `sibling`, a small concurrent change is stored first, so that no
/// change of the chain builds on every stored one (the path that reads
/// the document's history instead of its head record).
fn edit_until_refused(store: &Store, sibling: bool) -> (usize, IngestError) {
    use convene_protocol::document::Doc;
    let creator = SecretKey::from_seed([3; 32]);
    let texts = [Value::String("𝄞".repeat(19_000)), Value::String("♪".repeat(19_000))];
    let mut fields = fields("Long");
    fields.insert("context".into(), texts[0].clone());
    let create = sign(&creator, &creator, EntryKind::Create, 1, document::create_change(&creator.public(), &fields, 1));
    assert!(stored(store.ingest([(create.clone(), None)]).unwrap()));
    let parsed = ParsedChange::parse(create.payload()).unwrap();
    let mut bytes = parsed.size();
    let mut doc = Doc::build(vec![parsed]).unwrap();
    if sibling {
        let mut retitled = fields.clone();
        retitled.insert("title".into(), json!("A concurrent title"));
        let change = doc.edit_change(&creator.public(), &retitled, 2).unwrap().unwrap();
        assert!(stored(store.ingest([(sign(&creator, &creator, EntryKind::Change, 2, change), None)]).unwrap()));
    }
    for change_number in 2.. {
        fields.insert("context".into(), texts[(change_number + 1) % 2].clone());
        let timestamp = 10 + change_number as u64;
        let change = doc.edit_change(&creator.public(), &fields, timestamp).unwrap().unwrap();
        let parsed = ParsedChange::parse(change.bytes()).unwrap();
        let entry = sign(&creator, &creator, EntryKind::Change, timestamp, change);
        let outcome = store.ingest([(entry, None)]).unwrap().pop().unwrap();
        if bytes + parsed.size() > MAX_DOCUMENT_BYTES {
            let IngestOutcome::Rejected(error) = outcome else {
                panic!("change {change_number} over the limit: {outcome:?}")
            };
            assert!(
                matches!(error, IngestError::DocumentTooLarge { changes, bytes: total }
                if changes == change_number && total == bytes + parsed.size()),
                "{error}"
            );
            assert!(!error.blames_sender(), "a verdict on the past never blames the relay");
            return (change_number, error);
        }
        assert!(matches!(outcome, IngestOutcome::Stored), "change {change_number}: {outcome:?}");
        bytes += parsed.size();
        doc.apply(parsed).unwrap();
    }
    unreachable!()
}

#[test]
fn a_change_past_the_document_limits_is_refused_whichever_way_it_is_checked() {
    let (_one, on_head) = open();
    let (_two, on_history) = open();
    let (refused, error) = edit_until_refused(&on_head, false);
    assert!(refused > 40, "about 4 MiB of 60-80 KB changes");
    assert_eq!(edit_until_refused(&on_history, true).0, refused);
    assert!(error.to_string().contains("new submission"), "{error}");
    // The head record and the document built from the entries agree.
    let document = DocumentId::derive(&SecretKey::from_seed([3; 32]).public(), &[1; 16]);
    let row = on_head.row(&document).unwrap().unwrap();
    assert_eq!(
        Some(row),
        head_from_entries(&document, &on_head.document_entries(&document).unwrap(), &Limits::DEFAULT)
            .unwrap()
            .map(|head| head.row)
    );
    assert_eq!(on_head.row(&document).unwrap().unwrap().changes as usize, refused - 1);
    // A long history is listed from its newest entries, oldest first.
    let (latest, total) = on_head.latest_entries(&document, 10).unwrap();
    assert_eq!(total, refused - 1);
    let times: Vec<u64> = latest.iter().map(|entry| entry.header().timestamp_ms).collect();
    assert_eq!(times, (refused as u64..refused as u64 + 10).collect::<Vec<_>>(), "the last ten, in order");
}
