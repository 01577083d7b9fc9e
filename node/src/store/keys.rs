//! The key layout: one keyspace, a one-byte prefix per kind of record.
//!
//! | prefix | key | value |
//! | --- | --- | --- |
//! | `V` | (none) | the store's format: `3` (entries and list rows in `entries.pack`) |
//! | `N` | (none) | where `entries.pack` ends after the last applied batch (8, BE) |
//! | `E` | entry id | where its signed encoding lies in `entries.pack`: offset (8, BE) ‖ length (4, BE) |
//! | `D` | document id ‖ entry id | timestamp (8, BE) ‖ the entry's size (4, BE) |
//! | `S` | document id | where its [`super::ListRow`] (compact binary, `list_row.rs`: what listing and filters read) lies in `entries.pack`: offset (8, BE) ‖ length (4, BE) |
//! | `H` | document id | where its head record (`head.rs`: the fields it shows, its heads, JSON) lies in `entries.pack`; none for a document of one create |
//! | `W` | document id | the withdrawal's entry id: a tombstone, kept forever |
//! | `P` | entry id | empty: purged by a withdrawal, refused if offered again |
//! | `G` | document id ‖ public key | empty: a co-author granted by the creator |
//! | `Z` | offset (8, BE) ‖ length (4, BE) | empty: purged bytes of `entries.pack` still to overwrite |
//! | `M` | entry id | its document id: an entry set aside as damaged, to be fetched again from a peer |
//! | `R` | time (8, BE) ‖ sequence (4, BE) | a note of a repair the store made to itself (the last 20) |
//! | `B` | blob hash ‖ document id | size (8, BE) ‖ 1 for a preview, 0 for an original: a live document names the blob (an attached file or its preview) in some change |
//! | `A` | document id ‖ blob hash | empty: the same, found from the document |
//! | `X` | blob hash | empty: a withdrawal dropped a document naming the blob; erased from disk unless a `B` record remains |
//! | `Y` `U` `K` `Q` `L` `J` `O` `F` | | the secretariat's desk: see `desk.rs` |
//! | `C` `I` `T` | | hubs' custody of submissions: see `custody.rs` |
//! | `g` `t` | | pages and taxonomy versions the secretariat publishes: see `publications.rs` |
//!
//! No record holds a submission's text: what a withdrawal must erase lies in
//! `entries.pack`, where it is overwritten in place, never in sled, whose
//! log keeps old values until it rewrites a segment.

use convene_protocol::attachment::BlobHash;
use convene_protocol::entry::{DocumentId, EntryId};
use convene_protocol::keys::PublicKey;

use super::pack::Span;

pub(crate) const FORMAT: &[u8] = b"V";
/// The format [`FORMAT`] holds; version 1 kept entries inside sled, version
/// 2 list rows, version 3 rows without their search words.
pub(crate) const FORMAT_VERSION: u8 = 4;
/// The format whose list rows may lack their search words: opened by
/// building the rows again.
pub(crate) const FORMAT_ROWS_WITHOUT_WORDS: u8 = 3;
/// The format that kept list rows inside sled: opened by moving them out.
pub(crate) const FORMAT_ROWS_IN_SLED: u8 = 2;
pub(crate) const PACK_END: &[u8] = b"N";
pub(crate) const ENTRY: u8 = b'E';
pub(crate) const DOC_ENTRY: u8 = b'D';
pub(crate) const LIST_ROW: u8 = b'S';
pub(crate) const HEAD: u8 = b'H';
pub(crate) const TOMBSTONE: u8 = b'W';
pub(crate) const PURGED: u8 = b'P';
pub(crate) const GRANT: u8 = b'G';
pub(crate) const ERASE: u8 = b'Z';
pub(crate) const MISSING: u8 = b'M';
pub(crate) const REPAIR: u8 = b'R';
pub(crate) const BLOB_REF: u8 = b'B';
pub(crate) const DOC_BLOB: u8 = b'A';
pub(crate) const BLOB_ERASE: u8 = b'X';
pub(crate) const ABOUT: u8 = b'Y';
pub(crate) const DESK_STATE: u8 = b'U';
pub(crate) const RECEIPT: u8 = b'K';
pub(crate) const UNACKNOWLEDGED: u8 = b'Q';
pub(crate) const CURATOR: u8 = b'L';
pub(crate) const MODERATION_PURGE: u8 = b'J';
pub(crate) const BLOCKED: u8 = b'O';
pub(crate) const CUSTODY: u8 = b'C';
pub(crate) const HUB_NAME: u8 = b'I';
pub(crate) const TO_CUSTODY: u8 = b'T';
pub(crate) const REFOLD: &[u8] = b"F";
pub(crate) const PAGE: u8 = b'g';
pub(crate) const TAXONOMY: u8 = b't';

pub(crate) fn entry(id: &EntryId) -> Vec<u8> {
    prefixed(ENTRY, &[&id.0])
}

pub(crate) fn doc_entry(document: &DocumentId, id: &EntryId) -> Vec<u8> {
    prefixed(DOC_ENTRY, &[&document.0, &id.0])
}

/// A document-entry record's value: the entry's timestamp and size.
pub(crate) fn doc_entry_value(timestamp_ms: u64, size: u32) -> Vec<u8> {
    let mut value = timestamp_ms.to_be_bytes().to_vec();
    value.extend_from_slice(&size.to_be_bytes());
    value
}

/// A document-entry record read back: its entry id, timestamp and size;
/// `None` when it is damaged.
pub(crate) fn read_doc_entry(key: &[u8], value: &[u8]) -> Option<(EntryId, u64, u32)> {
    let id = EntryId(id_at(key, 32)?);
    let timestamp = u64::from_be_bytes(value.get(..8)?.try_into().ok()?);
    let size = u32::from_be_bytes(value.get(8..12)?.try_into().ok()?);
    Some((id, timestamp, size))
}

pub(crate) fn doc(prefix: u8, document: &DocumentId) -> Vec<u8> {
    prefixed(prefix, &[&document.0])
}

pub(crate) fn purged(id: &EntryId) -> Vec<u8> {
    prefixed(PURGED, &[&id.0])
}

pub(crate) fn grant(document: &DocumentId, key: &PublicKey) -> Vec<u8> {
    prefixed(GRANT, &[&document.0, key.as_bytes()])
}

pub(crate) fn missing(id: &EntryId) -> Vec<u8> {
    prefixed(MISSING, &[&id.0])
}

pub(crate) fn blob_ref(hash: &BlobHash, document: &DocumentId) -> Vec<u8> {
    prefixed(BLOB_REF, &[&hash.0, &document.0])
}

/// A blob record's value: its size and whether it is a preview.
pub(crate) fn blob_ref_value(size: u64, preview: bool) -> Vec<u8> {
    let mut value = size.to_be_bytes().to_vec();
    value.push(u8::from(preview));
    value
}

/// A blob record's value read back: size and preview flag.
pub(crate) fn read_blob_ref_value(value: &[u8]) -> Option<(u64, bool)> {
    let size = u64::from_be_bytes(value.get(..8)?.try_into().ok()?);
    Some((size, *value.get(8)? == 1))
}

pub(crate) fn doc_blob(document: &DocumentId, hash: &BlobHash) -> Vec<u8> {
    prefixed(DOC_BLOB, &[&document.0, &hash.0])
}

pub(crate) fn blob_erase(hash: &BlobHash) -> Vec<u8> {
    prefixed(BLOB_ERASE, &[&hash.0])
}

pub(crate) fn blob_refs(hash: &BlobHash) -> Vec<u8> {
    prefixed(BLOB_REF, &[&hash.0])
}

/// The blob hash at `at` in a key.
pub(crate) fn blob_at(key: &[u8], at: usize) -> Option<BlobHash> {
    Some(BlobHash(key.get(1 + at..1 + at + 32)?.try_into().ok()?))
}

pub(crate) fn about(subject: &[u8; 32], statement: &EntryId) -> Vec<u8> {
    prefixed(ABOUT, &[subject, &statement.0])
}

pub(crate) fn about_prefix(subject: &[u8; 32]) -> Vec<u8> {
    prefixed(ABOUT, &[subject])
}

pub(crate) fn desk_state(subject: &[u8; 32]) -> Vec<u8> {
    prefixed(DESK_STATE, &[subject])
}

pub(crate) fn receipt(id: &EntryId) -> Vec<u8> {
    prefixed(RECEIPT, &[&id.0])
}

pub(crate) fn unacknowledged(id: &EntryId) -> Vec<u8> {
    prefixed(UNACKNOWLEDGED, &[&id.0])
}

pub(crate) fn curator(key: &PublicKey, timestamp_ms: u64, statement: &EntryId) -> Vec<u8> {
    prefixed(CURATOR, &[key.as_bytes(), &timestamp_ms.to_be_bytes(), &statement.0])
}

pub(crate) fn curator_prefix(key: &PublicKey) -> Vec<u8> {
    prefixed(CURATOR, &[key.as_bytes()])
}

pub(crate) fn blocked(key: &PublicKey) -> Vec<u8> {
    prefixed(BLOCKED, &[key.as_bytes()])
}

pub(crate) fn custody(document: &DocumentId, hub: &PublicKey) -> Vec<u8> {
    prefixed(CUSTODY, &[&document.0, hub.as_bytes()])
}

pub(crate) fn custody_prefix(document: &DocumentId) -> Vec<u8> {
    prefixed(CUSTODY, &[&document.0])
}

pub(crate) fn hub_name(hub: &PublicKey) -> Vec<u8> {
    prefixed(HUB_NAME, &[hub.as_bytes()])
}

pub(crate) fn to_custody(document: &DocumentId) -> Vec<u8> {
    prefixed(TO_CUSTODY, &[&document.0])
}

pub(crate) fn erase(span: Span) -> Vec<u8> {
    prefixed(ERASE, &[&span.encode()])
}

fn prefixed(prefix: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + parts.iter().map(|part| part.len()).sum::<usize>());
    key.push(prefix);
    for part in parts {
        key.extend_from_slice(part);
    }
    key
}

/// The 32 bytes after the prefix (and after `skip` more bytes).
pub(crate) fn id_at(key: &[u8], skip: usize) -> Option<[u8; 32]> {
    key.get(1 + skip..1 + skip + 32)?.try_into().ok()
}
