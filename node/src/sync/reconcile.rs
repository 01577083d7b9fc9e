//! The set this node reconciles: every stored entry's timestamp and id,
//! sorted, as negentropy storage. Built from the store once, then kept
//! current as entries are stored (a merge, not a rescan of 100,000
//! records before each reconciliation); a withdrawal purges entries, and
//! the set is built again when next needed.

use std::sync::{Arc, Mutex, MutexGuard};

use negentropy::{Bound, Id, Item, Negentropy, NegentropyStorageBase};

use crate::Node;
use crate::error::NodeError;
use crate::node::StoredEntry;

/// Negentropy frame limit: bounds every reconciliation message.
pub const FRAME_SIZE_LIMIT: u64 = 64 * 1024;

/// An initiator's reconciliation in progress.
pub type Session = Negentropy<'static, Items>;

/// A snapshot of the set, shared with the sessions that read it.
#[derive(Debug, Clone)]
pub struct Items(Arc<Vec<Item>>);

impl Items {
    /// A set of `(timestamp, id)` pairs, in any order.
    pub fn of(items: impl IntoIterator<Item = (u64, [u8; 32])>) -> Self {
        let mut items: Vec<Item> = items.into_iter().map(|(timestamp, id)| item_of(timestamp, id)).collect();
        items.sort_unstable();
        items.dedup();
        Self(Arc::new(items))
    }
}

impl NegentropyStorageBase for Items {
    fn size(&self) -> Result<usize, negentropy::Error> {
        Ok(self.0.len())
    }

    fn get_item(&self, i: usize) -> Result<Option<Item>, negentropy::Error> {
        Ok(self.0.get(i).copied())
    }

    fn iterate(
        &self,
        begin: usize,
        end: usize,
        callback: &mut dyn FnMut(Item, usize) -> Result<bool, negentropy::Error>,
    ) -> Result<(), negentropy::Error> {
        let items = self.0.get(begin..end).ok_or(negentropy::Error::BadRange)?;
        for (offset, item) in items.iter().enumerate() {
            if !callback(*item, begin + offset)? {
                break;
            }
        }
        Ok(())
    }

    fn find_lower_bound(&self, first: usize, last: usize, value: &Bound) -> usize {
        first + self.0[first..last].partition_point(|item| *item < value.item)
    }
}

#[derive(Debug, Default)]
struct State {
    /// The set, when built and current.
    items: Option<Arc<Vec<Item>>>,
    /// While a build scans the store: what was stored meanwhile, merged
    /// in when the scan ends (the scan may or may not have seen it).
    stored_meanwhile: Option<Vec<Item>>,
    /// Bumped by [`SyncSet::forget`]: a build begun before is not kept.
    generation: u64,
    /// The store's set-aside generation the set was built at: damaged
    /// entries set aside since are no longer held.
    store_generation: u64,
}

/// The set, shared by the engine (which hears of stored entries) and the
/// store thread (which builds it and answers from it).
#[derive(Debug, Default)]
pub struct SyncSet(Mutex<State>);

impl SyncSet {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current set; blocking: scans the store when not built.
    pub fn items(&self, node: &Node) -> Result<Items, NodeError> {
        let set_aside = node.store().set_aside_generation();
        {
            let mut state = self.state();
            if state.store_generation != set_aside {
                state.items = None;
                state.generation += 1;
                state.store_generation = set_aside;
            }
        }
        self.items_or_read(|| {
            node.store()
                .sync_items()
                .map(|item| item.map(|(timestamp, id)| item_of(timestamp, id.0)).map_err(NodeError::from))
                .collect()
        })
    }

    /// The current set, or what `read` finds when it is not built.
    fn items_or_read(&self, read: impl FnOnce() -> Result<Vec<Item>, NodeError>) -> Result<Items, NodeError> {
        let generation = {
            let mut state = self.state();
            if let Some(items) = &state.items {
                return Ok(Items(items.clone()));
            }
            state.stored_meanwhile = Some(Vec::new());
            state.generation
        };
        let scanned = read();
        let mut state = self.state();
        let meanwhile = state.stored_meanwhile.take().unwrap_or_default();
        let mut items = scanned?;
        items.extend(meanwhile);
        items.sort_unstable();
        items.dedup();
        let items = Arc::new(items);
        if state.generation == generation {
            state.items = Some(items.clone());
        }
        Ok(Items(items))
    }

    /// Adds entries just stored.
    pub fn stored(&self, entries: &[StoredEntry]) {
        let mut new: Vec<Item> = entries.iter().map(|entry| item_of(entry.timestamp_ms, entry.id.0)).collect();
        let mut state = self.state();
        if let Some(meanwhile) = state.stored_meanwhile.as_mut() {
            meanwhile.extend_from_slice(&new);
        }
        if let Some(items) = state.items.as_mut() {
            new.sort_unstable();
            // Copies the set only while a session still reads the old one.
            merge(Arc::make_mut(items), &new);
        }
    }

    /// Drops the set (entries were purged, or news of stored ones lost):
    /// the next reconciliation builds it again.
    pub fn forget(&self) {
        let mut state = self.state();
        state.items = None;
        state.generation += 1;
    }
}

fn item_of(timestamp: u64, id: [u8; 32]) -> Item {
    Item::with_timestamp_and_id(timestamp, Id::from_byte_array(id))
}

/// Merges sorted `new` into sorted `items`, in place, leaving out what it
/// already holds. Entries mostly arrive newer than all before them: then
/// this only appends.
fn merge(items: &mut Vec<Item>, new: &[Item]) {
    let mut new = new.to_vec();
    new.dedup();
    new.retain(|item| items.binary_search(item).is_err());
    let Some(first) = new.first() else { return };
    let start = items.partition_point(|item| item < first);
    // Everything from `start` on moves; merge from the back so each item
    // moves once.
    let old_len = items.len();
    items.resize(old_len + new.len(), Item::new());
    let (mut from, mut next, mut to) = (old_len, new.len(), items.len());
    while next > 0 {
        to -= 1;
        if from > start && items[from - 1] > new[next - 1] {
            from -= 1;
            items[to] = items[from];
        } else {
            next -= 1;
            items[to] = new[next];
        }
    }
}

fn negentropy_error(error: negentropy::Error) -> NodeError {
    NodeError::Sync(format!("reconciliation: {error}"))
}

/// Starts an initiator session: the session and its first message.
pub fn initiate(items: Items) -> Result<(Session, Vec<u8>), NodeError> {
    let mut session = Negentropy::owned(items, FRAME_SIZE_LIMIT).map_err(negentropy_error)?;
    let message = session.initiate().map_err(negentropy_error)?;
    Ok((session, message))
}

/// Answers an initiator's message (the responder keeps no state).
pub fn respond(items: &Items, message: &[u8]) -> Result<Vec<u8>, NodeError> {
    let mut responder = Negentropy::borrowed(items, FRAME_SIZE_LIMIT).map_err(negentropy_error)?;
    responder.reconcile(message).map_err(negentropy_error)
}

/// What one initiator step found.
#[derive(Debug)]
pub struct Step {
    /// Ids we have that the responder lacks.
    pub have: Vec<[u8; 32]>,
    /// Ids the responder has that we lack.
    pub need: Vec<[u8; 32]>,
    /// The next message, or `None` when reconciliation is complete.
    pub next: Option<Vec<u8>>,
}

/// One initiator step over the responder's reply.
pub fn step(session: &mut Session, reply: &[u8]) -> Result<Step, NodeError> {
    let mut have = Vec::new();
    let mut need = Vec::new();
    let next = session.reconcile_with_ids(reply, &mut have, &mut need).map_err(negentropy_error)?;
    let bytes = |ids: Vec<Id>| ids.into_iter().map(|id| *id).collect();
    Ok(Step { have: bytes(have), need: bytes(need), next })
}

#[cfg(test)]
mod tests {
    use convene_protocol::entry::EntryId;

    use super::*;

    fn items(stamps: &[u64]) -> Vec<Item> {
        stamps.iter().map(|&stamp| item_of(stamp, [stamp as u8; 32])).collect()
    }

    #[test]
    fn merging_keeps_the_set_sorted_and_free_of_repeats() {
        let mut set = items(&[1, 3, 5, 7]);
        merge(&mut set, &items(&[8, 9]));
        assert_eq!(set, items(&[1, 3, 5, 7, 8, 9]), "newer: appended");
        merge(&mut set, &items(&[0, 3, 4, 4, 6, 10]));
        assert_eq!(set, items(&[0, 1, 3, 4, 5, 6, 7, 8, 9, 10]), "interleaved, repeats left out");
        merge(&mut set, &[]);
        assert_eq!(set.len(), 10);
    }

    fn entry(stamp: u64) -> StoredEntry {
        StoredEntry { id: EntryId([stamp as u8; 32]), timestamp_ms: stamp, withdraws: false }
    }

    fn read(set: &SyncSet, found: &[u64]) -> Vec<Item> {
        set.items_or_read(|| Ok(items(found))).unwrap().0.to_vec()
    }

    #[test]
    fn the_set_holds_what_was_read_and_everything_stored_since() {
        let set = SyncSet::default();
        set.stored(&[entry(9)]); // not read yet: the read will find it
        assert_eq!(read(&set, &[1, 9]), items(&[1, 9]));
        set.stored(&[entry(5), entry(12)]);
        assert_eq!(read(&set, &[]), items(&[1, 5, 9, 12]), "kept and merged, not read again");

        // Stored while the store is being read: kept whether or not the
        // read saw it.
        set.forget();
        let built = set.items_or_read(|| {
            set.stored(&[entry(20), entry(5)]);
            Ok(items(&[1, 5]))
        });
        assert_eq!(built.unwrap().0.to_vec(), items(&[1, 5, 20]));
        assert_eq!(read(&set, &[]), items(&[1, 5, 20]));

        // Forgotten while being read (a withdrawal purged entries): that
        // read answers once and is not kept.
        set.forget();
        let stale = set.items_or_read(|| {
            set.forget();
            Ok(items(&[1, 5, 20]))
        });
        assert_eq!(stale.unwrap().0.to_vec(), items(&[1, 5, 20]));
        assert_eq!(read(&set, &[1, 20]), items(&[1, 20]), "read again");

        // A failed read leaves nothing behind.
        set.forget();
        assert!(set.items_or_read(|| Err(NodeError::Sync("disk".into()))).is_err());
        set.stored(&[entry(30)]);
        assert_eq!(read(&set, &[1]), items(&[1]), "news from before the read is the read's to find");
    }

    #[test]
    fn sessions_over_shared_items_find_the_differences() {
        let ours = Items(Arc::new(items(&[1, 2, 3, 5])));
        let theirs = Items(Arc::new(items(&[1, 2, 4, 5])));
        let (mut session, mut message) = initiate(ours).unwrap();
        let (mut have, mut need) = (Vec::new(), Vec::new());
        loop {
            let reply = respond(&theirs, &message).unwrap();
            let step = step(&mut session, &reply).unwrap();
            have.extend(step.have);
            need.extend(step.need);
            match step.next {
                Some(next) => message = next,
                None => break,
            }
        }
        assert_eq!((have, need), (vec![[3; 32]], vec![[4; 32]]));
    }
}
