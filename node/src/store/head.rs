//! A document's head record: what its stored creates and changes show (the
//! fields that `show`, `edit`, `reveal` and export read) and what checking
//! one more change on top of all of them needs (their heads, how many, how
//! many bytes), so that none of these reads the document's history.
//!
//! Kept in `entries.pack` like a list row (it holds the document's text,
//! which a withdrawal must erase), written again with every create or
//! change stored after the first create, and erased when replaced. A
//! document of one create has none: that entry is read instead, which
//! costs as little. A store written before head records gets one for a
//! document when it is next changed.

use convene_protocol::document::ChangeHash;
use convene_protocol::entry::DocumentId;

use super::DocumentRow;

/// See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Head {
    /// What the document shows.
    pub(crate) row: DocumentRow,
    /// Its creator's nonce (with the creator, what its entries' headers hold).
    pub(crate) nonce: [u8; 16],
    /// The hashes of the stored changes no other stored change depends on,
    /// sorted: a change that names exactly these builds on all of them.
    pub(crate) heads: Vec<ChangeHash>,
    /// How many creates are stored (more than one when its creator signed
    /// two for the same nonce).
    pub(crate) creates: usize,
    /// The size of every stored create and change
    /// ([`convene_protocol::document::ParsedChange::size`]).
    pub(crate) bytes: usize,
}

/// The stored form: JSON, the fields being JSON already.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    row: DocumentRow,
    nonce: String,
    heads: Vec<String>,
    creates: usize,
    bytes: usize,
}

/// Encodes a head record.
pub(crate) fn encode(head: &Head) -> Vec<u8> {
    let stored = Stored {
        row: head.row.clone(),
        nonce: hex::encode(head.nonce),
        heads: head.heads.iter().map(hex::encode).collect(),
        creates: head.creates,
        bytes: head.bytes,
    };
    serde_json::to_vec(&stored).expect("a head record serialises")
}

/// Decodes the head record of `document`; `None` when the bytes are
/// damaged or belong to another document.
pub(crate) fn decode(document: &DocumentId, bytes: &[u8]) -> Option<Head> {
    let stored: Stored = serde_json::from_slice(bytes).ok()?;
    let nonce = hex::decode(&stored.nonce).ok()?.try_into().ok()?;
    let heads =
        stored.heads.iter().map(|head| hex::decode(head).ok()?.try_into().ok()).collect::<Option<Vec<ChangeHash>>>()?;
    (stored.row.id == *document).then_some(Head {
        row: stored.row,
        nonce,
        heads,
        creates: stored.creates,
        bytes: stored.bytes,
    })
}

#[cfg(test)]
mod tests {
    use convene_protocol::keys::SecretKey;
    use convene_protocol::kinds::SubmissionKind;
    use serde_json::json;

    use super::*;

    #[test]
    fn head_records_round_trip_and_damage_is_detected() {
        let head = Head {
            row: DocumentRow {
                id: DocumentId([3; 32]),
                kind: SubmissionKind::CaseStudy,
                creator: SecretKey::generate().public(),
                created_ms: 1,
                updated_ms: 2,
                changes: 2,
                fields: json!({"title": "Paiements numériques à Dakar"}).as_object().unwrap().clone(),
            },
            nonce: [5; 16],
            heads: vec![[1; 32], [2; 32]],
            creates: 1,
            bytes: 900,
        };
        let bytes = encode(&head);
        assert_eq!(decode(&head.row.id, &bytes), Some(head.clone()));
        assert_eq!(decode(&DocumentId([4; 32]), &bytes), None, "another document's record");
        assert_eq!(decode(&head.row.id, &bytes[..bytes.len() - 1]), None);
    }
}
