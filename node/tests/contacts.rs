//! A sealed contact: opened only by the secretariat, only in its own
//! document, and never guessable from the public document id.

use convene_node::IngestOutcome;
use convene_node::data_dir::SecretariatKeys;
use convene_node::{DataDir, Node, NodeError, now_ms};
use convene_protocol::attachment::Limits;
use convene_protocol::document;
use convene_protocol::entry::{Entry, EntryHeader, EntryKind};
use convene_protocol::keys::SecretKey;
use convene_protocol::network::Genesis;
use serde_json::{Value, json};

fn case_study(title: &str, name: &str) -> Value {
    json!({
        "kind": "case_study", "title": title, "language": "en", "country": "KE",
        "implementer": "Civic Tech Lab", "responsible_authority": "R1",
        "dpi_types": ["digital_id"], "lifecycle_stages": ["L1"], "principles": ["F1"], "risks": ["RS1"],
        "context": "c", "challenges": "c", "successes": "s", "lessons": ["l"], "consent_to_publish": true,
        "contact": {"name": name, "email": "someone@example.org"}
    })
}

fn secretariat_node() -> (tempfile::TempDir, Node) {
    let dir = tempfile::tempdir().unwrap();
    let keys = SecretariatKeys::generate();
    let genesis = Genesis::create("Demo", now_ms(), &keys.signing, keys.encryption.public(), Limits::DEFAULT).unwrap();
    let data_dir = DataDir::new(dir.path());
    data_dir.init(&genesis, Some(&keys)).unwrap();
    (dir, Node::open(data_dir).unwrap())
}

#[test]
fn the_document_id_does_not_depend_on_the_clear_contact() {
    let (_dir, node) = secretariat_node();
    let author = SecretKey::generate();
    let first = node.submit(&author, &case_study("Same content", "Amina Okafor")).unwrap();
    let second = node.submit(&author, &case_study("Same content", "Someone Else")).unwrap();
    assert_eq!(first.id, second.id, "the same public content is the same document");
    assert!(second.already_stored);
    let contact = node.reveal(&first.id).unwrap().unwrap();
    assert_eq!(contact.name, "Amina Okafor");
}

#[test]
fn a_sealed_contact_copied_into_another_document_does_not_open() {
    let (_dir, node) = secretariat_node();
    let author = SecretKey::generate();
    let original = node.submit(&author, &case_study("Original", "Amina Okafor")).unwrap();
    let row = node.rows().next().unwrap().unwrap();
    assert_eq!(row.id, original.id);

    // A hostile author signs a document of their own around the copied box.
    let thief = SecretKey::generate();
    let mut fields = row.fields.clone();
    fields.insert("title".into(), json!("Copy"));
    let header = EntryHeader {
        network: node.status().unwrap().network_id,
        creator: thief.public(),
        nonce: [7; 16],
        author: thief.public(),
        timestamp_ms: now_ms(),
        kind: EntryKind::Create,
    };
    let change = document::create_change(&thief.public(), &fields, header.timestamp_ms);
    let entry = Entry::sign_change(header, change, &thief).unwrap();
    let copy = entry.document();
    let outcomes = node.ingest_encoded(&[entry.encoded().to_vec()], None).unwrap();
    assert!(matches!(outcomes.as_slice(), [Ok(IngestOutcome::Stored)]), "{outcomes:?}");
    assert!(matches!(node.reveal(&copy), Err(NodeError::Unsealable(id)) if id == copy));
    assert_eq!(node.reveal(&original.id).unwrap().unwrap().name, "Amina Okafor");
}
