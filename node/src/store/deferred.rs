//! Entries kept aside until what they depend on arrives.
//!
//! A change whose dependencies (the changes it names, its document's create
//! among them) or whose author's grant are not stored yet is neither valid
//! nor invalid: it waits here, in memory, and is checked again when the
//! change or grant it waits for is stored. It is not stored, listed, served
//! or announced meanwhile. The room is bounded in count and bytes; the
//! oldest go first when it is full, and a restart forgets them all: a
//! dropped entry is simply fetched again by a later reconciliation (a peer
//! that stores it also stores everything it depends on).

use std::collections::{BTreeMap, HashMap, HashSet};

use convene_protocol::document::ChangeHash;
use convene_protocol::entry::{DocumentId, Entry, EntryId};
use convene_protocol::keys::PublicKey;

/// Most entries kept aside.
pub const MAX_DEFERRED_ENTRIES: usize = 4_096;
/// Most bytes of entries kept aside (64 of the largest entries).
pub const MAX_DEFERRED_BYTES: usize = 16 << 20;

/// What a deferred entry waits for, within its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Awaited {
    /// A change (or create) with this hash.
    Change(ChangeHash),
    /// The creator's grant to this key.
    Grant(PublicKey),
}

/// The entries kept aside, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    /// Insertion number → the entry and what it waits for.
    by_age: BTreeMap<u64, (Entry, Awaited)>,
    ids: HashMap<EntryId, u64>,
    waiting: HashMap<(DocumentId, Awaited), HashSet<u64>>,
    documents: HashMap<DocumentId, HashSet<u64>>,
    bytes: usize,
    next: u64,
}

impl Deferred {
    /// How many entries wait.
    pub(crate) fn len(&self) -> usize {
        self.by_age.len()
    }

    /// What this entry waits for, if it waits here.
    pub(crate) fn awaited(&self, id: &EntryId) -> Option<Awaited> {
        self.ids.get(id).and_then(|age| self.by_age.get(age)).map(|(_, awaited)| *awaited)
    }

    /// Whether any entry of `document` waits here.
    pub(crate) fn holds_document(&self, document: &DocumentId) -> bool {
        self.documents.contains_key(document)
    }

    /// Keeps `entry` aside until `awaited` is stored (replacing what it
    /// waited for, if it was here), dropping the oldest when full.
    pub(crate) fn insert(&mut self, entry: Entry, awaited: Awaited) {
        self.remove(&entry.id());
        let age = self.next;
        self.next += 1;
        let document = entry.document();
        self.bytes += entry.encoded().len();
        self.ids.insert(entry.id(), age);
        self.waiting.entry((document, awaited)).or_default().insert(age);
        self.documents.entry(document).or_default().insert(age);
        self.by_age.insert(age, (entry, awaited));
        while self.by_age.len() > MAX_DEFERRED_ENTRIES || self.bytes > MAX_DEFERRED_BYTES {
            let Some((&oldest, _)) = self.by_age.first_key_value() else { break };
            if let Some((entry, _)) = self.take(oldest) {
                tracing::debug!(entry = %entry.id().short(), "no room to keep an entry aside; it is fetched again later");
            }
        }
    }

    /// Takes out the entries that wait for `awaited` in `document`, oldest first.
    pub(crate) fn take_waiting(&mut self, document: &DocumentId, awaited: Awaited) -> Vec<Entry> {
        let Some(ages) = self.waiting.remove(&(*document, awaited)) else { return Vec::new() };
        let mut ages: Vec<u64> = ages.into_iter().collect();
        ages.sort_unstable();
        ages.into_iter().filter_map(|age| self.take(age)).map(|(entry, _)| entry).collect()
    }

    /// Forgets every entry of `document` (it was withdrawn).
    pub(crate) fn drop_document(&mut self, document: &DocumentId) {
        for age in self.documents.remove(document).unwrap_or_default() {
            self.take(age);
        }
    }

    fn remove(&mut self, id: &EntryId) {
        if let Some(&age) = self.ids.get(id) {
            self.take(age);
        }
    }

    fn take(&mut self, age: u64) -> Option<(Entry, Awaited)> {
        let (entry, awaited) = self.by_age.remove(&age)?;
        let document = entry.document();
        self.bytes -= entry.encoded().len();
        self.ids.remove(&entry.id());
        if let Some(set) = self.documents.get_mut(&document) {
            set.remove(&age);
            if set.is_empty() {
                self.documents.remove(&document);
            }
        }
        if let Some(set) = self.waiting.get_mut(&(document, awaited)) {
            set.remove(&age);
            if set.is_empty() {
                self.waiting.remove(&(document, awaited));
            }
        }
        Some((entry, awaited))
    }
}
