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
#[derive(Debug)]
pub(crate) struct Deferred {
    /// Insertion number → the entry and what it waits for.
    by_age: BTreeMap<u64, (Entry, Awaited)>,
    ids: HashMap<EntryId, u64>,
    waiting: HashMap<(DocumentId, Awaited), HashSet<u64>>,
    documents: HashMap<DocumentId, HashSet<u64>>,
    bytes: usize,
    next: u64,
    max_entries: usize,
    max_bytes: usize,
}

impl Default for Deferred {
    fn default() -> Self {
        Self::with_room(MAX_DEFERRED_ENTRIES, MAX_DEFERRED_BYTES)
    }
}

impl Deferred {
    /// Room for at most `max_entries` entries and `max_bytes` bytes.
    pub(crate) fn with_room(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            by_age: BTreeMap::new(),
            ids: HashMap::new(),
            waiting: HashMap::new(),
            documents: HashMap::new(),
            bytes: 0,
            next: 0,
            max_entries,
            max_bytes,
        }
    }

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
        while self.by_age.len() > self.max_entries || self.bytes > self.max_bytes {
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

#[cfg(test)]
mod tests {
    use convene_protocol::entry::{EntryHeader, EntryKind};
    use convene_protocol::keys::SecretKey;
    use convene_protocol::network::NetworkId;

    use super::*;

    fn entry(nonce: u8, reason: &str) -> Entry {
        let secret = SecretKey::from_seed([1; 32]);
        let header = EntryHeader {
            network: NetworkId([9; 32]),
            creator: secret.public(),
            nonce: [nonce; 16],
            author: secret.public(),
            timestamp_ms: 1,
            kind: EntryKind::Withdraw,
        };
        Entry::sign(header, reason.as_bytes().to_vec(), &secret).unwrap()
    }

    #[test]
    fn the_oldest_go_first_when_count_or_bytes_are_full() {
        let size = entry(1, "a").encoded().len();
        let mut deferred = Deferred::with_room(3, 3 * size + 10);
        let awaited = Awaited::Change([7; 32]);
        let entries: Vec<Entry> = (1..=4).map(|n| entry(n, "a")).collect();
        for entry in &entries {
            deferred.insert(entry.clone(), awaited);
        }
        assert_eq!(deferred.len(), 3);
        assert_eq!(deferred.awaited(&entries[0].id()), None, "the oldest went");
        assert_eq!(deferred.awaited(&entries[3].id()), Some(awaited));
        // One large entry pushes out as many as the bytes need.
        let large = entry(5, &"x".repeat(2 * size));
        deferred.insert(large.clone(), awaited);
        assert_eq!(deferred.len(), 1);
        assert_eq!(deferred.bytes, large.encoded().len());
        assert!(deferred.holds_document(&large.document()));
        assert!(!deferred.holds_document(&entries[3].document()));
    }

    #[test]
    fn entries_come_out_by_what_they_wait_for_or_by_document() {
        let mut deferred = Deferred::default();
        let (first, second, third) = (entry(1, "a"), entry(1, "b"), entry(2, "c"));
        let key = SecretKey::from_seed([2; 32]).public();
        deferred.insert(second.clone(), Awaited::Change([1; 32]));
        deferred.insert(first.clone(), Awaited::Change([1; 32]));
        deferred.insert(third.clone(), Awaited::Grant(key));
        deferred.insert(second.clone(), Awaited::Change([1; 32]));
        assert_eq!(deferred.len(), 3, "inserting again replaces");
        assert!(deferred.take_waiting(&first.document(), Awaited::Change([2; 32])).is_empty());
        assert_eq!(deferred.take_waiting(&first.document(), Awaited::Change([1; 32])), [first.clone(), second]);
        assert!(!deferred.holds_document(&first.document()));
        deferred.drop_document(&third.document());
        assert_eq!((deferred.len(), deferred.bytes), (0, 0));
        assert!(deferred.ids.is_empty() && deferred.waiting.is_empty() && deferred.documents.is_empty());
    }
}
