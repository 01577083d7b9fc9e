//! Attached files in a node: stored whole and named by a signed change;
//! the blobs a node lacks are listed previews first; a withdrawal erases
//! a blob only once no live document names it; a blob received in groups
//! from another node resumes after the node is reopened.

use convene_node::blobs::Held;
use convene_node::data_dir::SecretariatKeys;
use convene_node::{DataDir, Node, NodeError, now_ms};
use convene_protocol::attachment::Limits;
use convene_protocol::keys::SecretKey;
use convene_protocol::network::Genesis;
use serde_json::{Value, json};

fn case_study(title: &str) -> Value {
    json!({
        "kind": "case_study", "title": title, "language": "en", "country": "KE",
        "implementer": "Civic Tech Lab", "responsible_authority": "R1",
        "dpi_types": ["digital_id"], "lifecycle_stages": ["L1"], "principles": ["F1"], "risks": ["RS1"],
        "context": "c", "challenges": "c", "successes": "s", "lessons": ["l"], "consent_to_publish": true,
        "contact": {"name": "Amina Okafor", "email": "someone@example.org"}
    })
}

fn node(genesis: &Genesis, keys: &SecretariatKeys) -> (tempfile::TempDir, DataDir) {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = DataDir::new(dir.path());
    data_dir.init(genesis, Some(keys)).unwrap();
    (dir, data_dir)
}

/// A PDF of `size` bytes (PDFs are kept as they are: a predictable blob).
fn pdf(size: usize, seed: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..size - bytes.len()).map(|i| (i as u8).wrapping_mul(seed)));
    bytes
}

#[test]
fn attached_blobs_are_named_listed_and_erased_with_the_last_document_naming_them() {
    let keys = SecretariatKeys::generate();
    let genesis = Genesis::create("Demo", now_ms(), &keys.signing, keys.encryption.public(), Limits::DEFAULT).unwrap();
    let (_dir, data_dir) = node(&genesis, &keys);
    let node = Node::open(data_dir).unwrap();
    let author = SecretKey::generate();
    let first = node.submit(&author, &case_study("First")).unwrap().id;
    let second = node.submit(&author, &case_study("Second")).unwrap().id;
    let shared = node.store_file("shared.pdf", &pdf(40_000, 3)).unwrap().attachment;
    let own = node.store_file("own.pdf", &pdf(2_000, 5)).unwrap().attachment;
    assert!(node.attach(&author, &first, &[shared.clone(), own.clone()]).unwrap().is_some());
    assert!(node.attach(&author, &second, std::slice::from_ref(&shared)).unwrap().is_some());
    assert!(node.attach(&author, &second, std::slice::from_ref(&shared)).unwrap().is_none(), "already attached");
    // Only the author (or a co-author) attaches.
    let stranger = SecretKey::generate();
    assert!(matches!(node.attach(&stranger, &first, std::slice::from_ref(&own)), Err(NodeError::Refused(_))));
    assert!(node.wanted_blobs().unwrap().is_empty(), "every named blob is here");

    let hash = |attachment: &convene_protocol::attachment::Attachment| attachment.blobs().next().unwrap();
    node.withdraw(&author, &first, "").unwrap();
    assert!(!node.blobs().has(&hash(&own)), "named by the withdrawn document only: erased");
    assert!(!node.blobs().path(&hash(&own)).exists());
    assert!(node.blobs().has(&hash(&shared)), "the second document still names it");
    node.withdraw(&author, &second, "").unwrap();
    assert!(!node.blobs().has(&hash(&shared)));
}

#[test]
fn a_node_lacking_blobs_lists_them_and_receives_them_in_verified_groups_across_a_restart() {
    let keys = SecretariatKeys::generate();
    let genesis = Genesis::create("Demo", now_ms(), &keys.signing, keys.encryption.public(), Limits::DEFAULT).unwrap();
    let (_a, a_dir) = node(&genesis, &keys);
    let (_b, b_dir) = node(&genesis, &keys);
    let a = Node::open(a_dir).unwrap();
    let author = SecretKey::generate();
    let id = a.submit(&author, &case_study("With a file")).unwrap().id;
    let file = a.store_file("big.pdf", &pdf(100_000, 7)).unwrap().attachment;
    a.attach(&author, &id, std::slice::from_ref(&file)).unwrap();
    let hash = file.blobs().next().unwrap();

    // The entries reach b (as sync would carry them); the blob does not.
    let b = Node::open(b_dir.clone()).unwrap();
    let entries: Vec<Vec<u8>> = a.entry_ids().unwrap().iter().map(|id| a.entry_bytes(id).unwrap().unwrap()).collect();
    b.ingest_encoded(&entries, None).unwrap();
    let wanted = b.wanted_blobs().unwrap();
    assert_eq!(wanted.len(), 1);
    assert_eq!((wanted[0].hash, wanted[0].size, wanted[0].preview), (hash, 100_000, false));
    assert!(b.blob_is_named(&hash).unwrap());

    // Half the groups, then the node is closed and opened again.
    let total = convene_node::blobs::group_count(100_000);
    for index in 0..total / 2 {
        let group = a.blobs().read_group(&hash, index).unwrap();
        b.blobs().write_group(&hash, 100_000, index, &group.data, &group.proof).unwrap();
    }
    drop(b);
    let b = Node::open(b_dir).unwrap();
    let Held::Partial(held) = b.blobs().held(&hash, 100_000).unwrap() else { panic!("partly held") };
    assert_eq!(held.iter().filter(|held| **held).count() as u64, total / 2);
    for index in total / 2..total {
        let group = a.blobs().read_group(&hash, index).unwrap();
        b.blobs().write_group(&hash, 100_000, index, &group.data, &group.proof).unwrap();
    }
    assert_eq!(b.blob(&hash).unwrap(), a.blob(&hash).unwrap());
    assert!(b.wanted_blobs().unwrap().is_empty());
}
