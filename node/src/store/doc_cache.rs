//! The documents most recently changed, kept built in memory, so that a
//! change on top of one (`check_change`'s usual case) or an edit of it
//! applies one change instead of building the document from its history.
//!
//! Each is kept with the heads it was built at and used only while they
//! are the stored heads (`head.rs`), so an entry out of date is never
//! used, only rebuilt. Bounded in count and in the bytes of the changes
//! held; the least recently used goes first.

use std::collections::HashMap;

use convene_protocol::document::{ChangeHash, Doc};
use convene_protocol::entry::DocumentId;

/// Most documents kept.
const MAX_DOCS: usize = 32;
/// Most bytes of changes kept, over all documents (a document holds at
/// most `MAX_DOCUMENT_BYTES`).
const MAX_BYTES: usize = 16 * 1024 * 1024;

struct Cached {
    doc: Doc,
    heads: Vec<ChangeHash>,
    bytes: usize,
    used: u64,
}

/// See the module documentation.
#[derive(Default)]
pub(crate) struct DocCache {
    docs: HashMap<DocumentId, Cached>,
    bytes: usize,
    clock: u64,
}

impl std::fmt::Debug for DocCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("DocCache").field("docs", &self.docs.len()).field("bytes", &self.bytes).finish()
    }
}

impl DocCache {
    /// Takes out the document built at `heads`; `None` (and whatever was
    /// kept for it dropped) when it is not kept at those heads.
    pub(crate) fn take(&mut self, document: &DocumentId, heads: &[ChangeHash]) -> Option<Doc> {
        let cached = self.docs.remove(document)?;
        self.bytes -= cached.bytes;
        (cached.heads == heads).then_some(cached.doc)
    }

    /// Keeps `doc`, built at `heads` from changes of `bytes` bytes.
    pub(crate) fn put(&mut self, document: DocumentId, doc: Doc, heads: Vec<ChangeHash>, bytes: usize) {
        self.remove(&document);
        if bytes > MAX_BYTES {
            return;
        }
        while self.docs.len() >= MAX_DOCS || self.bytes + bytes > MAX_BYTES {
            let Some((&oldest, _)) = self.docs.iter().min_by_key(|(_, cached)| cached.used) else { break };
            self.remove(&oldest);
        }
        self.clock += 1;
        self.bytes += bytes;
        self.docs.insert(document, Cached { doc, heads, bytes, used: self.clock });
    }

    /// Forgets a document (withdrawn, or entries of it set aside).
    pub(crate) fn remove(&mut self, document: &DocumentId) {
        if let Some(cached) = self.docs.remove(document) {
            self.bytes -= cached.bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        Doc::build(Vec::new()).unwrap()
    }

    #[test]
    fn a_document_is_given_back_only_at_the_heads_it_was_kept_at() {
        let mut cache = DocCache::default();
        let document = DocumentId([1; 32]);
        cache.put(document, doc(), vec![[1; 32]], 10);
        assert!(cache.take(&document, &[[2; 32]]).is_none(), "other heads");
        assert!(cache.take(&document, &[[1; 32]]).is_none(), "dropped when found out of date");
        cache.put(document, doc(), vec![[1; 32]], 10);
        assert!(cache.take(&document, &[[1; 32]]).is_some());
        assert_eq!(cache.bytes, 0);
    }

    #[test]
    fn the_least_recently_kept_go_first_past_either_bound() {
        let mut cache = DocCache::default();
        for n in 0..MAX_DOCS as u8 + 3 {
            cache.put(DocumentId([n; 32]), doc(), Vec::new(), 1);
        }
        assert_eq!(cache.docs.len(), MAX_DOCS);
        assert!(!cache.docs.contains_key(&DocumentId([0; 32])));
        assert!(cache.docs.contains_key(&DocumentId([MAX_DOCS as u8 + 2; 32])));
        cache.put(DocumentId([200; 32]), doc(), Vec::new(), MAX_BYTES - 5);
        assert!(cache.bytes <= MAX_BYTES);
        assert!(cache.docs.contains_key(&DocumentId([200; 32])));
        cache.put(DocumentId([201; 32]), doc(), Vec::new(), MAX_BYTES + 1);
        assert!(!cache.docs.contains_key(&DocumentId([201; 32])), "larger than the whole cache");
    }
}
