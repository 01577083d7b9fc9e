//! The store: signed entries on disk, and a list row per document.
//!
//! [`Store::ingest_reporting`] is the one way in. It takes verified entries (from a
//! local write, an import or a peer), applies the write rule and withdrawals,
//! keeps each document's list row current, and flushes to disk before it
//! returns: an entry reported stored has been flushed. A changed document
//! has a head record (`head.rs`) that [`Store::row`] reads; a document of
//! one create is built from that entry. Listing reads the list index
//! (`list_index.rs`: a hundred bytes per document) and the page's list rows;
//! the documents most recently changed are kept built (`doc_cache.rs`).

mod backend;
#[cfg(test)]
mod converge_tests;
mod custody;
mod deferred;
mod desk;
#[cfg(test)]
mod desk_tests;
mod doc_cache;
mod head;
mod keys;
mod list_index;
mod list_row;
mod pack;
mod publications;
#[cfg(test)]
mod publications_tests;
pub mod space;
#[cfg(test)]
mod tests;
mod validity;
mod words;

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use convene_protocol::attachment::{Attachment, BlobHash, Limits, NamedBlob};
use convene_protocol::change_limits::{MAX_DOCUMENT_BYTES, MAX_DOCUMENT_CHANGES};
use convene_protocol::document::{self, ChangeHash, Doc, DocumentError, ParsedChange};
use convene_protocol::entry::{DocumentId, Entry, EntryId, EntryKind};
use convene_protocol::keys::PublicKey;
use convene_protocol::kinds::SubmissionKind;
use convene_protocol::network::NetworkId;
use convene_protocol::problem::ValidationErrors;
use convene_protocol::schema::{self, Summary};
use convene_protocol::statement::Origin;
use serde_json::{Map, Value};

use crate::blobs::BlobStore;
use crate::query::{Filter, Page};
use crate::tally::Tally;
use deferred::Deferred;
use doc_cache::DocCache;
pub(crate) use head::Head;
use list_index::ListIndex;
use pack::{Pack, Span};
use validity::{ChangeFault, History, within_limits};

pub use backend::{Backend, BackendError, SledBackend, WriteBatch};
pub use deferred::Awaited;
pub(crate) use desk::DeskState;
pub use desk::Moderation;
pub(crate) use desk::TAGS_SUBJECT;
pub use publications::{GuidePage, TaxonomyInUse};

/// A document as materialised from its entries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DocumentRow {
    /// The document id.
    pub id: DocumentId,
    /// What it is.
    pub kind: SubmissionKind,
    /// The key that created it.
    pub creator: PublicKey,
    /// When its first entry was signed (ms).
    pub created_ms: u64,
    /// When its latest change was signed (ms).
    pub updated_ms: u64,
    /// How many changes build it.
    pub changes: u32,
    /// Its fields, with personal data only in sealed form (`sealed_contact`).
    pub fields: Map<String, Value>,
}

/// What listing and filtering read: small, one per live document.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListRow {
    /// The document id.
    pub id: DocumentId,
    /// The key that created it, as a `did:key` (kept as text: listing
    /// 100,000 rows should not re-check 100,000 curve points).
    pub creator: String,
    /// When it was created (ms).
    pub created_ms: u64,
    /// Its searchable public fields.
    #[serde(flatten)]
    pub summary: Summary,
    /// Its place on the secretariat's desk, when listed (not stored with the row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<crate::DeskView>,
}

/// What happened to one entry offered to [`Store::ingest`].
#[derive(Debug)]
pub enum IngestOutcome {
    /// Newly stored and flushed.
    Stored,
    /// Already held; nothing to do.
    AlreadyStored,
    /// A change whose causal past (or its author's grant) is not all
    /// stored yet: kept aside, neither stored nor refused, and checked
    /// again when what it waits for is stored (`deferred.rs`).
    Deferred(Awaited),
    /// Refused, with the reason.
    Rejected(IngestError),
}

/// Why the store refused an entry.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The document was withdrawn by its author.
    #[error("document {0} was withdrawn by its author; its entries are purged and cannot be stored again")]
    Withdrawn(DocumentId),
    /// The secretariat purged the document.
    #[error("document {0} was purged by the secretariat; its entries cannot be stored again")]
    Purged(DocumentId),
    /// The secretariat blocked the key.
    #[error("{0} is blocked by the secretariat; its entries are refused")]
    Blocked(PublicKey),
    /// A statement signed by a key that may not make it.
    #[error("statement refused: {0}")]
    Statement(String),
    /// The entry belongs to another network.
    #[error("entry belongs to network {found}, not this node's network {expected}")]
    WrongNetwork {
        /// This node's network.
        expected: NetworkId,
        /// The entry's.
        found: NetworkId,
    },
    /// A change by a key the creator never granted (a local edit; one
    /// from elsewhere waits for its grant instead).
    #[error("{author} is not the creator of document {document} and holds no grant from its creator")]
    NotGranted {
        /// The entry's author.
        author: PublicKey,
        /// The document.
        document: DocumentId,
    },
    /// A create whose document is not a valid submission.
    #[error("the document would not be a valid submission:\n{0}")]
    Invalid(ValidationErrors),
    /// A create whose change does not build a document.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// A change that, with the changes it depends on, builds an invalid
    /// submission.
    #[error("with the changes it depends on, this change makes the document an invalid submission:\n{0}")]
    ChangeInvalid(ValidationErrors),
    /// A change that cannot be applied to the changes it depends on.
    #[error("this change cannot be applied to the changes it depends on: {0}")]
    ChangeUnbuildable(DocumentError),
    /// A change whose dependencies do not reach its document's create.
    #[error("this change does not build on its document's create (its dependencies do not lead to it)")]
    NoCreateInPast,
    /// A change tried to change what kind of submission the document is.
    #[error("a change may not turn a {from} into a {to}")]
    KindChanged {
        /// The stored kind.
        from: &'static str,
        /// The new one.
        to: &'static str,
    },
    /// A change that, with the changes it depends on, makes a document
    /// longer than a document may be.
    #[error(
        "with the changes it depends on, this change makes a document of {changes} changes and {bytes} bytes; \
         a document may hold at most {MAX_DOCUMENT_CHANGES} changes and {MAX_DOCUMENT_BYTES} bytes: \
         submit what it has become as a new submission"
    )]
    DocumentTooLarge {
        /// Changes, with this one.
        changes: usize,
        /// Bytes, with this one.
        bytes: usize,
    },
}

impl IngestError {
    /// Whether the peer that relayed the entry is to blame: only for a
    /// fault of the entry in itself, which every node finds whatever else
    /// it holds and in whatever order entries came (signature, id, size and
    /// the creator-only kinds are checked when decoding, before the store).
    /// A verdict that needs other entries (a change on its past, a
    /// withdrawn document, a missing grant) never blames: an honest peer
    /// may have relayed the entry before it knew better, or not at all.
    pub fn blames_sender(&self) -> bool {
        match self {
            Self::WrongNetwork { .. } | Self::Invalid(_) | Self::Document(_) | Self::Statement(_) => true,
            Self::Withdrawn(_)
            | Self::Purged(_)
            | Self::Blocked(_)
            | Self::NotGranted { .. }
            | Self::ChangeInvalid(_)
            | Self::ChangeUnbuildable(_)
            | Self::NoCreateInPast
            | Self::KindChanged { .. }
            | Self::DocumentTooLarge { .. } => false,
        }
    }
}

impl From<ChangeFault> for IngestError {
    fn from(fault: ChangeFault) -> Self {
        match fault {
            ChangeFault::NoCreate => Self::NoCreateInPast,
            ChangeFault::Unbuildable(error) => Self::ChangeUnbuildable(error),
            ChangeFault::Invalid(errors) => Self::ChangeInvalid(errors),
            ChangeFault::KindChanged { from, to } => Self::KindChanged { from: from.as_str(), to: to.as_str() },
            ChangeFault::TooLarge { changes, bytes } => Self::DocumentTooLarge { changes, bytes },
        }
    }
}

/// Any store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// A stored record failed to decode.
    #[error("the store is damaged: record {0} does not decode; run `convene verify`")]
    Damaged(String),
    /// The store was written by an older Convene, in a format this one does not read.
    #[error(
        "the store at {0} was written by an older Convene (entries inside sled); move it aside and start the node: it re-syncs from its peers (or run `convene import` again)"
    )]
    OldFormat(String),
}

/// A stored entry's id and its bytes, or why they cannot be read.
pub type RawEntry = (EntryId, Result<Vec<u8>, StoreError>);

/// Counts for `convene status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoreCounts {
    /// Signed entries held (including withdrawals).
    pub entries: u64,
    /// Their encoded size in bytes: what a peer must receive to hold them.
    pub entry_bytes: u64,
    /// Live documents per kind.
    pub documents: BTreeMap<String, u64>,
    /// Withdrawn documents (tombstones).
    pub withdrawn: u64,
    /// Bytes on disk.
    pub bytes_on_disk: u64,
    /// Entries set aside as damaged, waiting to be fetched again from a peer.
    #[serde(default)]
    pub damaged_waiting: u64,
    /// Changes received before what they depend on, kept aside (in memory)
    /// until it arrives.
    #[serde(default)]
    pub deferred: u64,
}

/// Entries and rows of one network, over a [`Backend`].
#[derive(Debug)]
pub struct Store<B = SledBackend> {
    backend: B,
    /// Attached files, erased when no live document names them.
    blobs: Option<BlobStore>,
    /// The entries' bytes; `backend` holds where each lies.
    pack: Pack,
    network: NetworkId,
    /// What the network lets a document attach ([`Store::with_limits`]).
    limits: Limits,
    /// One writer at a time: an entry's checks and writes must not
    /// interleave with another's (say, a create and its change).
    writer: Mutex<()>,
    /// Counts for status, once scanned.
    counts: Mutex<Option<StoreCounts>>,
    /// The list index, once built; changed only after the store is.
    list_index: RwLock<Option<ListIndex>>,
    /// Entries set aside as damaged and not yet fetched again.
    missing: AtomicU64,
    /// Bumped whenever entries are set aside: what a reader built from the
    /// stored set before is out of date.
    set_aside_generation: AtomicU64,
    /// Changes waiting for their causal past or their grant.
    deferred: Mutex<Deferred>,
    /// Documents recently changed, kept built.
    docs: Mutex<DocCache>,
    /// The key the network's statements answer to ([`Store::with_desk`]);
    /// without it, statements are refused.
    secretariat: Option<PublicKey>,
    /// The secretariat's own store: what it stores, it acknowledges.
    acknowledges: bool,
    /// What the desk hides from listing (`desk.rs`).
    hidden: RwLock<desk::Hidden>,
    /// A hub that signs custody: its node key ([`Store::with_custody`]).
    custody: Option<PublicKey>,
    /// The taxonomy titles are shown from (`publications.rs`).
    taxonomy: RwLock<std::sync::Arc<TaxonomyInUse>>,
}

/// What [`Store::ingest_reporting`] did.
#[derive(Debug, Default)]
pub struct Ingested {
    /// One per entry offered, in order.
    pub outcomes: Vec<IngestOutcome>,
    /// Entries kept aside earlier and stored now, because what they waited
    /// for arrived.
    pub released: Vec<Entry>,
}

/// How many repair notes the store keeps.
const REPAIRS_KEPT: usize = 20;

/// A repair the store made to itself: when, and what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Repair {
    /// When (ms since the epoch).
    pub at_ms: u64,
    /// What was found and done.
    pub note: String,
}

/// Writes of entries of distinct documents, not yet applied.
#[derive(Default)]
struct Pending {
    batch: WriteBatch,
    /// The new entries' bytes, appended to the pack before `batch` is applied.
    pack: Vec<u8>,
    documents: HashSet<DocumentId>,
    listings: Vec<Listing>,
    new_documents: Vec<SubmissionKind>,
    entries: u64,
    entry_bytes: u64,
    /// A withdrawal removed an unknown number of entries.
    recount: bool,
    /// Entries set aside as damaged that arrived again.
    found_again: u64,
    /// Documents built with their new change, kept once it is written.
    docs: Vec<(DocumentId, Doc, Vec<ChangeHash>, usize)>,
    /// The curators changed: every desk subject is folded again once written.
    refold: bool,
    /// Desk subjects whose state changed, for the hidden set.
    hidden: Vec<([u8; 32], DeskState)>,
    /// Documents purged by moderation.
    purged: Vec<DocumentId>,
    /// Keys blocked.
    blocked: Vec<PublicKey>,
    /// A taxonomy statement was stored: the one in use is chosen again once written.
    taxonomy: bool,
}

/// A create's or change's verdict, and what its document then shows.
enum Checked {
    Shown(Box<ShownRow>),
    Deferred(Awaited),
    Rejected(IngestError),
}

/// What a document shows once an entry is stored: its list row's makings.
struct ShownRow {
    fields: Map<String, Value>,
    kind: SubmissionKind,
    creator: PublicKey,
    created_ms: u64,
    /// The kind counted or the date listed may have changed (a second
    /// create of the same document): count again.
    recount: bool,
    /// The document's head record once the entry is stored (none for a
    /// document of one create).
    head: Option<Head>,
    /// The document built with the entry, to keep.
    doc: Option<Doc>,
}

/// How an ingested entry changes the list index.
enum Listing {
    Unchanged,
    /// A row and its words.
    Put(Box<ListRow>, String),
    Remove(u64, DocumentId),
}

impl Store<SledBackend> {
    /// Opens the sled store in `path` for `network`.
    /// The entries' bytes go to `entries.pack` in the same directory.
    pub fn open(path: &std::path::Path, network: NetworkId) -> Result<Self, StoreError> {
        let backend = SledBackend::open(path)?;
        let format = backend.get(keys::FORMAT)?;
        match format.as_deref() {
            Some([keys::FORMAT_VERSION] | [keys::FORMAT_ROWS_WITHOUT_WORDS] | [keys::FORMAT_ROWS_IN_SLED]) => {}
            Some(_) => return Err(StoreError::OldFormat(path.display().to_string())),
            None if backend.scan_prefix(&[keys::ENTRY]).next().is_some() => {
                return Err(StoreError::OldFormat(path.display().to_string()));
            }
            None => {
                let mut batch = WriteBatch::default();
                batch.put(keys::FORMAT.to_vec(), vec![keys::FORMAT_VERSION]);
                batch.put(keys::PACK_END.to_vec(), 0u64.to_be_bytes().to_vec());
                backend.apply(batch)?;
                backend.flush()?;
            }
        }
        let pack = Pack::open(&path.join("entries.pack"))?;
        backend::sync_dir(path)?;
        let store = Self {
            backend,
            blobs: None,
            pack,
            network,
            limits: Limits::DEFAULT,
            writer: Mutex::new(()),
            counts: Mutex::new(None),
            list_index: RwLock::new(None),
            missing: AtomicU64::new(0),
            set_aside_generation: AtomicU64::new(0),
            deferred: Mutex::new(Deferred::default()),
            docs: Mutex::new(DocCache::default()),
            secretariat: None,
            acknowledges: false,
            hidden: RwLock::new(desk::Hidden::default()),
            custody: None,
            taxonomy: RwLock::new(std::sync::Arc::new(TaxonomyInUse::shipped())),
        };
        store.missing.store(store.backend.scan_prefix(&[keys::MISSING]).count() as u64, Ordering::Relaxed);
        if format.as_deref() == Some(&[keys::FORMAT_ROWS_IN_SLED]) {
            store.move_rows_to_pack()?;
        }
        if matches!(format.as_deref(), Some([keys::FORMAT_ROWS_IN_SLED] | [keys::FORMAT_ROWS_WITHOUT_WORDS])) {
            store.add_words_to_rows()?;
        }
        // On a full disk, these wait for the next open (space.rs).
        store.unless_full("repairing the pack's tail", Self::repair_pack_tail)?;
        // A crash may have come between a withdrawal and the erasure of its purged bytes.
        store.unless_full("erasing purged bytes", Self::erase_purged)?;
        Ok(store)
    }
}

impl<B: Backend> Store<B> {
    /// The store checking documents against the network's attachment
    /// `limits` (without this, [`Limits::DEFAULT`]).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The store answering statements to the network's `secretariat` key
    /// (and, on the secretariat's own node, acknowledging what it stores),
    /// with what the desk hides loaded.
    pub fn with_desk(mut self, secretariat: PublicKey, acknowledges: bool) -> Result<Self, StoreError> {
        self.secretariat = Some(secretariat);
        self.acknowledges = acknowledges;
        self.open_desk()?;
        self.choose_taxonomy()?;
        Ok(self)
    }

    /// The store with its blob store, whose blobs a withdrawal erases
    /// (those a crash kept from being erased go now).
    pub fn with_blobs(mut self, blobs: BlobStore) -> Result<Self, StoreError> {
        self.blobs = Some(blobs);
        self.unless_full("erasing withdrawn blobs", Self::erase_blobs)?;
        Ok(self)
    }

    /// The blob store.
    pub fn blobs(&self) -> Option<&BlobStore> {
        self.blobs.as_ref()
    }

    /// Whether a live document names the blob.
    pub fn blob_is_named(&self, hash: &BlobHash) -> Result<bool, StoreError> {
        Ok(self.named_blob(hash)?.is_some())
    }

    /// The blob as a live document names it (size, preview or not), if one does.
    pub fn named_blob(&self, hash: &BlobHash) -> Result<Option<NamedBlob>, StoreError> {
        let Some((key, value)) = self.backend.scan_prefix(&keys::blob_refs(hash)).next().transpose()? else {
            return Ok(None);
        };
        let (size, preview) = keys::read_blob_ref_value(&value).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
        Ok(Some(NamedBlob { hash: *hash, size, preview }))
    }

    /// Every blob a live document names, once each (by hash).
    pub fn named_blobs(&self) -> Result<Vec<NamedBlob>, StoreError> {
        let mut out: Vec<NamedBlob> = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::BLOB_REF]) {
            let (key, value) = pair?;
            let hash = keys::blob_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            let (size, preview) = keys::read_blob_ref_value(&value).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            // Records are sorted by hash: a blob several documents name comes once.
            if out.last().is_none_or(|last| last.hash != hash) {
                out.push(NamedBlob { hash, size, preview });
            }
        }
        Ok(out)
    }

    /// Every blob a live document names, with each document naming it, by
    /// blob (a blob several documents name comes once per document).
    pub fn blob_namings(&self) -> impl Iterator<Item = Result<(NamedBlob, DocumentId), StoreError>> + '_ {
        self.backend.scan_prefix(&[keys::BLOB_REF]).map(|pair| {
            let (key, value) = pair?;
            let damaged = || StoreError::Damaged(hex(&key));
            let hash = keys::blob_at(&key, 0).ok_or_else(damaged)?;
            let document = DocumentId(keys::id_at(&key, 32).ok_or_else(damaged)?);
            let (size, preview) = keys::read_blob_ref_value(&value).ok_or_else(damaged)?;
            Ok((NamedBlob { hash, size, preview }, document))
        })
    }

    /// Erases from disk each blob a withdrawal dropped that no live
    /// document names any more.
    fn erase_blobs(&self) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        for pair in self.backend.scan_prefix(&[keys::BLOB_ERASE]) {
            let (key, _) = pair?;
            let hash = keys::blob_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            if !self.blob_is_named(&hash)?
                && let Some(blobs) = &self.blobs
            {
                blobs.erase(&hash).map_err(|error| StoreError::Damaged(error.to_string()))?;
            }
            batch.delete(key);
        }
        if batch.is_empty() {
            return Ok(());
        }
        // Not flushed: should these deletions be lost, erasing again is harmless.
        Ok(self.backend.apply(batch)?)
    }

    /// [`Store::ingest_reporting`]'s outcomes alone (for tests).
    #[cfg(test)]
    pub fn ingest(
        &self,
        entries: impl IntoIterator<Item = (Entry, Option<Map<String, Value>>)>,
    ) -> Result<Vec<IngestOutcome>, StoreError> {
        self.ingest_reporting(entries, Some(Origin::Here)).map(|ingested| ingested.outcomes)
    }

    /// Stores verified entries from `origin` (if known), in order, and flushes once.
    /// `known_fields` may carry the fields a `Create`'s payload builds (read on another
    /// core, or written here), which saves materialising it again; they
    /// are validated all the same.
    ///
    /// Entries of distinct documents are written in one batch: an entry's
    /// checks read only its own document's records, so a batch is applied
    /// before an entry of a document it already touches.
    ///
    /// Entries kept aside earlier that this call lets through are stored
    /// too, and returned (to be announced like the others).
    pub fn ingest_reporting(
        &self,
        entries: impl IntoIterator<Item = (Entry, Option<Map<String, Value>>)>,
        origin: Option<Origin>,
    ) -> Result<Ingested, StoreError> {
        let _writer = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // After a failed write, sled takes writes again only once reopened.
        self.heal()?;
        let mut ingested = Ingested::default();
        // Listing shows what is on disk: the list index changes only once
        // the batches are flushed (or have failed: sled then holds what
        // was applied, and the index must agree with it).
        let mut listings = Vec::new();
        let written = self.ingest_flushed(entries, origin, &mut ingested, &mut listings);
        if let Some(index) = self.list_index.write().unwrap_or_else(|poisoned| poisoned.into_inner()).as_mut() {
            for listing in listings {
                match listing {
                    Listing::Unchanged => {}
                    Listing::Put(row, words) => index.insert(&row, &words),
                    Listing::Remove(created_ms, id) => index.remove(created_ms, id),
                }
            }
        }
        written.map(|()| ingested)
    }

    fn ingest_flushed(
        &self,
        entries: impl IntoIterator<Item = (Entry, Option<Map<String, Value>>)>,
        origin: Option<Origin>,
        ingested: &mut Ingested,
        listings: &mut Vec<Listing>,
    ) -> Result<(), StoreError> {
        let mut pending = Pending::default();
        let mut wrote = false;
        let mut entries = entries.into_iter();
        // Entries kept aside that a stored entry lets through, checked
        // before the next one offered.
        let mut woken: VecDeque<Entry> = VecDeque::new();
        loop {
            let (entry, known_fields, offered) = match woken.pop_front() {
                Some(entry) => (entry, None, false),
                None => match entries.next() {
                    Some((entry, known_fields)) => (entry, known_fields, true),
                    None => break,
                },
            };
            // A statement is written alone: what it changes, later
            // entries see (`desk.rs`).
            let statement = desk::is_statement(&entry);
            if statement || pending.documents.contains(&entry.document()) {
                self.apply(std::mem::take(&mut pending), listings)?;
            }
            let outcome = self.ingest_one(&entry, known_fields, origin, &mut pending)?;
            if statement {
                self.apply(std::mem::take(&mut pending), listings)?;
            }
            if matches!(outcome, IngestOutcome::Stored) {
                wrote = true;
                woken.extend(self.waiting_for(&entry));
                if !offered {
                    ingested.released.push(entry);
                }
            }
            if offered {
                ingested.outcomes.push(outcome);
            }
        }
        self.apply(pending, listings)?;
        if wrote {
            self.backend.flush()?;
            // The spans a withdrawal purged are on record until erased; with
            // none, this is one empty scan.
            self.erase_purged()?;
            self.erase_blobs()?;
        }
        Ok(())
    }

    /// Makes the pack agree with the records at open. Bytes past the
    /// recorded end (a batch cut by a crash, or garbage) are cut off: nothing
    /// points at them, and they may hold text that must not outlive a
    /// withdrawal. A pack shorter than recorded (a torn tail) loses the
    /// entries that lay past its end: they are set aside, so reconciliation
    /// fetches them again from a peer, and the pack is cut back to its
    /// last whole record.
    fn repair_pack_tail(&self) -> Result<(), StoreError> {
        let Some(end) = self.recorded_pack_end()? else { return Ok(()) };
        let len = self.pack.end();
        if len > end {
            self.pack.cut_back(end)?;
            self.repaired(format!(
                "entries.pack held {} bytes past its last whole record (a write cut short, or garbage): cut off",
                len - end
            ))?;
        } else if len < end {
            let mut lost = Vec::new();
            let mut rows_lost = HashSet::new();
            let mut whole = 0;
            for prefix in [keys::ENTRY, keys::LIST_ROW] {
                for pair in self.backend.scan_prefix(&[prefix]) {
                    let (key, value) = pair?;
                    let Some(span) = Span::decode(&value) else { continue };
                    let span_end = span.offset + u64::from(span.len);
                    if span_end > len {
                        if prefix == keys::ENTRY {
                            lost.extend(keys::id_at(&key, 0).map(EntryId));
                        } else {
                            rows_lost.extend(keys::id_at(&key, 0).map(DocumentId));
                        }
                    } else {
                        whole = whole.max(span_end);
                    }
                }
            }
            self.pack.cut_back(whole)?;
            let mut batch = WriteBatch::default();
            batch.put(keys::PACK_END.to_vec(), whole.to_be_bytes().to_vec());
            self.backend.apply(batch)?;
            self.backend.flush()?;
            let count = self.set_aside(&lost)?;
            if !rows_lost.is_empty() {
                let _writer = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                self.rebuild_rows(&rows_lost)?;
            }
            self.repaired(format!(
                "entries.pack ended at byte {len} of {end} (cut short): {count} entries set aside, to be fetched again from a peer"
            ))?;
        }
        Ok(())
    }

    /// Keeps a note of a repair, dated, for `status` and `verify` (the
    /// process that repairs may be a one-shot command); the last
    /// [`REPAIRS_KEPT`] are kept.
    fn repaired(&self, note: String) -> Result<(), StoreError> {
        tracing::warn!("{note}");
        let mut batch = WriteBatch::default();
        let mut key = vec![keys::REPAIR];
        key.extend_from_slice(&crate::node::now_ms().to_be_bytes());
        key.extend_from_slice(&(self.backend.scan_prefix(&[keys::REPAIR]).count() as u32).to_be_bytes());
        batch.put(key, note.into_bytes());
        let kept: Vec<_> = self.backend.scan_prefix(&[keys::REPAIR]).collect::<Result<_, _>>()?;
        for (old, _) in kept.iter().rev().skip(REPAIRS_KEPT - 1) {
            batch.delete(old.clone());
        }
        self.backend.apply(batch)?;
        Ok(self.backend.flush()?)
    }

    /// What opening the store found damaged and repaired, oldest first.
    pub fn repairs(&self) -> Vec<Repair> {
        let notes = self.backend.scan_prefix(&[keys::REPAIR]).filter_map(Result::ok);
        notes
            .filter_map(|(key, note)| {
                let ms = u64::from_be_bytes(key.get(1..9)?.try_into().ok()?);
                Some(Repair { at_ms: ms, note: String::from_utf8_lossy(&note).into_owned() })
            })
            .collect()
    }

    /// Sets damaged entries aside: their records go (so they are no longer
    /// held, served, listed or reconciled, and reconciliation fetches them
    /// again from any peer that holds them), a record says they are
    /// missing, and each document they belong to gets its list row built
    /// again from what remains (or loses it, without its first entry).
    /// Returns how many were set aside.
    pub fn set_aside(&self, ids: &[EntryId]) -> Result<usize, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let _writer = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let wanted: HashSet<EntryId> = ids.iter().copied().collect();
        let mut found = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::DOC_ENTRY]) {
            let (key, _) = pair?;
            if let (Some(document), Some(id)) = (keys::id_at(&key, 0), keys::id_at(&key, 32))
                && wanted.contains(&EntryId(id))
            {
                found.push((DocumentId(document), EntryId(id)));
            }
        }
        let mut batch = WriteBatch::default();
        for id in &wanted {
            batch.delete(keys::entry(id));
        }
        for (document, id) in &found {
            batch.delete(keys::doc_entry(document, id));
            batch.put(keys::missing(id), document.0.to_vec());
        }
        self.backend.apply(batch)?;
        let documents: HashSet<DocumentId> = found.iter().map(|(document, _)| *document).collect();
        self.rebuild_rows(&documents)?;
        // Rebuilt when next needed: rows went, and their dates may be unknown.
        *self.list_index.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        *self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        self.missing.fetch_add(found.len() as u64, Ordering::Relaxed);
        self.set_aside_generation.fetch_add(1, Ordering::Relaxed);
        tracing::warn!("set aside {} damaged entries; they will be fetched again from a peer", wanted.len());
        Ok(wanted.len())
    }

    /// Builds the list rows of `documents` again from their stored
    /// entries (a document without its first entry loses its row). The
    /// caller holds the writer lock and drops the list index after.
    fn rebuild_rows(&self, documents: &HashSet<DocumentId>) -> Result<(), StoreError> {
        let mut pending = Pending::default();
        for document in documents {
            let old = self.row_span(document)?;
            let rebuilt = self.document_entries(document).ok().and_then(|entries| {
                let row = head_from_entries(document, &entries, &self.limits).ok().flatten()?.row;
                let listed = ListRow {
                    id: *document,
                    creator: row.creator.to_did_key(),
                    created_ms: row.created_ms,
                    summary: Summary::from_fields(row.kind, &row.fields),
                    desk: None,
                };
                Some((listed, words::of_fields(row.kind, &row.fields)))
            });
            if let Some(old) = old {
                pending.batch.put(keys::erase(old), Vec::new());
            }
            // Its head record is built again from the entries when next needed.
            if let Some(head) = self.head_span(document)? {
                pending.batch.put(keys::erase(head), Vec::new());
                pending.batch.delete(keys::doc(keys::HEAD, document));
            }
            self.docs().remove(document);
            match rebuilt {
                Some((row, words)) => {
                    let encoded = list_row::encode(&row, &words);
                    let span = Span { offset: self.pack.end() + pending.pack.len() as u64, len: encoded.len() as u32 };
                    pending.pack.extend_from_slice(&encoded);
                    pending.batch.put(keys::doc(keys::LIST_ROW, document), span.encode());
                }
                None => pending.batch.delete(keys::doc(keys::LIST_ROW, document)),
            }
        }
        self.apply(pending, &mut Vec::new())?;
        self.backend.flush()?;
        self.erase_purged()
    }

    /// Bumped each time entries are set aside.
    pub fn set_aside_generation(&self) -> u64 {
        self.set_aside_generation.load(Ordering::Relaxed)
    }

    /// Where the last applied batch left the pack's end.
    fn recorded_pack_end(&self) -> Result<Option<u64>, StoreError> {
        let Some(bytes) = self.backend.get(keys::PACK_END)? else { return Ok(None) };
        let bytes: [u8; 8] = bytes.as_slice().try_into().map_err(|_| StoreError::Damaged("pack end".into()))?;
        Ok(Some(u64::from_be_bytes(bytes)))
    }

    /// Opens a store of format 2, which kept list rows in sled: each row
    /// moves to the pack, and the format becomes 3. (sled's log keeps the
    /// old rows until it rewrites those segments.)
    fn move_rows_to_pack(&self) -> Result<(), StoreError> {
        let mut bytes = Vec::new();
        let mut batch = WriteBatch::default();
        let start = self.pack.end();
        for pair in self.backend.scan_prefix(&[keys::LIST_ROW]) {
            let (key, row) = pair?;
            let span = Span { offset: start + bytes.len() as u64, len: row.len() as u32 };
            bytes.extend_from_slice(&row);
            batch.put(key, span.encode());
        }
        self.pack.append(&bytes)?;
        batch.put(keys::PACK_END.to_vec(), self.pack.end().to_be_bytes().to_vec());
        batch.put(keys::FORMAT.to_vec(), vec![keys::FORMAT_VERSION]);
        self.backend.apply(batch)?;
        Ok(self.backend.flush()?)
    }

    /// Opens a store of format 3, whose rows may lack their search words
    /// (rows stored before search read every text): every row is built
    /// again from its entries, a thousand documents a batch, and the format
    /// becomes 4. Once, at the first open after the upgrade.
    fn add_words_to_rows(&self) -> Result<(), StoreError> {
        let _writer = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut documents = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::LIST_ROW]) {
            let (key, _) = pair?;
            let id = keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            documents.push(DocumentId(id));
        }
        tracing::info!(documents = documents.len(), "building list rows again with their search words (once)");
        for chunk in documents.chunks(1000) {
            self.rebuild_rows(&chunk.iter().copied().collect())?;
        }
        let mut batch = WriteBatch::default();
        batch.put(keys::FORMAT.to_vec(), vec![keys::FORMAT_VERSION]);
        self.backend.apply(batch)?;
        *self.list_index.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        Ok(self.backend.flush()?)
    }

    /// Overwrites the pack bytes of purged entries (their records are
    /// flushed away by now) and forgets that they were to be erased.
    fn erase_purged(&self) -> Result<(), StoreError> {
        let mut spans = Vec::new();
        let mut batch = WriteBatch::default();
        for pair in self.backend.scan_prefix(&[keys::ERASE]) {
            let (key, _) = pair?;
            spans.push(Span::decode(&key[1..]).ok_or_else(|| StoreError::Damaged(hex(&key)))?);
            batch.delete(key);
        }
        if spans.is_empty() {
            return Ok(());
        }
        self.pack.erase(&spans)?;
        // Not flushed: should these deletions be lost, erasing again is harmless.
        Ok(self.backend.apply(batch)?)
    }

    /// Writes what [`Store::ingest_one`] gathered (the entries' bytes
    /// first, synced, then the records that point at them), brings the
    /// counts up to date and hands the list index's changes to `listings`.
    fn apply(&self, mut pending: Pending, listings: &mut Vec<Listing>) -> Result<(), StoreError> {
        if pending.batch.is_empty() {
            return Ok(());
        }
        self.check_room(&pending.pack, &pending.batch)?;
        let start = self.pack.end();
        if !pending.pack.is_empty() {
            self.pack.append(&pending.pack)?;
            pending.batch.put(keys::PACK_END.to_vec(), self.pack.end().to_be_bytes().to_vec());
        }
        if let Err(error) = self.backend.apply(std::mem::take(&mut pending.batch)) {
            *self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
            // Nothing points at the bytes just appended: erase them now.
            if let Err(cut) = self.pack.cut_back(start) {
                tracing::warn!("entries.pack: cannot cut back a failed batch's bytes now ({cut}); the next open will");
            }
            return Err(error.into());
        }
        listings.extend(std::mem::take(&mut pending.listings));
        self.applied_desk(&mut pending);
        if pending.taxonomy {
            self.choose_taxonomy()?;
        }
        if pending.refold {
            self.refold_all(listings)?;
        }
        let mut docs = self.docs();
        for (document, doc, heads, bytes) in pending.docs {
            docs.put(document, doc, heads, bytes);
        }
        drop(docs);
        self.missing.fetch_sub(pending.found_again.min(self.missing.load(Ordering::Relaxed)), Ordering::Relaxed);
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if pending.recount {
            // A withdrawal removes an unknown number of entries: count again when asked.
            *counts = None;
        } else if let Some(counts) = counts.as_mut() {
            counts.entries += pending.entries;
            counts.entry_bytes += pending.entry_bytes;
            for kind in pending.new_documents {
                *counts.documents.entry(kind.as_str().to_owned()).or_default() += 1;
            }
        }
        Ok(())
    }

    fn ingest_one(
        &self,
        entry: &Entry,
        known_fields: Option<Map<String, Value>>,
        origin: Option<Origin>,
        pending: &mut Pending,
    ) -> Result<IngestOutcome, StoreError> {
        let header = entry.header();
        if header.network != self.network {
            let error = IngestError::WrongNetwork { expected: self.network, found: header.network };
            return Ok(IngestOutcome::Rejected(error));
        }
        let id = entry.id();
        let document = entry.document();
        // A document with no document-entry record at all (the common case:
        // a new one) has no stored entry and no tombstone, since a
        // withdrawal keeps its own record: one scan answers all three.
        let known = self.backend.scan_prefix(&keys::doc(keys::DOC_ENTRY, &document)).next().transpose()?.is_some();
        if known && self.backend.get(&keys::entry(&id))?.is_some() {
            return Ok(IngestOutcome::AlreadyStored);
        }
        if let Some(awaited) = self.deferred().awaited(&id) {
            return Ok(IngestOutcome::Deferred(awaited));
        }
        if let Some(refused) = self.moderated(entry) {
            return Ok(IngestOutcome::Rejected(refused));
        }
        // Entries are purged only by a withdrawal, whose tombstone stays:
        // without one there is nothing purged to look for. Of concurrent
        // withdrawals, the one with the smallest id is the tombstone, in
        // whatever order they come: a smaller one replaces it (and purges
        // it), a larger one is refused.
        if known && let Some(tombstone) = self.tombstone(&document)? {
            let replaces = header.kind == EntryKind::Withdraw && id < tombstone;
            if !replaces {
                return Ok(IngestOutcome::Rejected(IngestError::Withdrawn(document)));
            }
        }
        let mut batch = WriteBatch::default();
        let mut listing = Listing::Unchanged;
        match header.kind {
            EntryKind::Create | EntryKind::Change => {
                let checked = if header.kind == EntryKind::Create {
                    self.check_create(entry, known, known_fields)?
                } else {
                    self.check_change(entry, known)?
                };
                let shown = match checked {
                    Checked::Shown(shown) => shown,
                    Checked::Deferred(awaited) => {
                        self.deferred().insert(entry.clone(), awaited);
                        return Ok(IngestOutcome::Deferred(awaited));
                    }
                    Checked::Rejected(error) => return Ok(IngestOutcome::Rejected(error)),
                };
                // Blobs its attachments name, until a withdrawal (an edit
                // that drops one keeps it: the history still names it).
                for attachment in Attachment::all_of(&shown.fields) {
                    for blob in attachment.named_blobs() {
                        batch.put(keys::blob_ref(&blob.hash, &document), keys::blob_ref_value(blob.size, blob.preview));
                        batch.put(keys::doc_blob(&document, &blob.hash), Vec::new());
                    }
                }
                let row = ListRow {
                    id: document,
                    creator: shown.creator.to_did_key(),
                    created_ms: shown.created_ms,
                    summary: Summary::from_fields(shown.kind, &shown.fields),
                    desk: None,
                };
                let old = if known { self.row_span(&document)? } else { None };
                match old {
                    None => pending.new_documents.push(row.summary.kind),
                    Some(old) => {
                        if shown.recount {
                            // Another create: the date listed, or the kind
                            // counted, may change.
                            pending.recount = true;
                            if let Some(previous) = self.list_row(&document)? {
                                pending.listings.push(Listing::Remove(previous.created_ms, document));
                            }
                        }
                        // The row's text lies in the pack, where a withdrawal
                        // can overwrite it; the row it replaces is erased.
                        batch.put(keys::erase(old), Vec::new());
                    }
                }
                let words = words::of_fields(shown.kind, &shown.fields);
                let encoded = list_row::encode(&row, &words);
                let span = Span { offset: self.pack.end() + pending.pack.len() as u64, len: encoded.len() as u32 };
                pending.pack.extend_from_slice(&encoded);
                batch.put(keys::doc(keys::LIST_ROW, &document), span.encode());
                if !self.hidden().hides(&document, &row.creator) {
                    listing = Listing::Put(Box::new(row), words);
                }
                self.to_acknowledge(entry, &mut batch)?;
                self.to_custody(entry, origin, &mut batch);
                if let Some(head) = shown.head {
                    if let Some(old) = self.head_span(&document)? {
                        batch.put(keys::erase(old), Vec::new());
                    }
                    let encoded = head::encode(&head);
                    let span = Span { offset: self.pack.end() + pending.pack.len() as u64, len: encoded.len() as u32 };
                    pending.pack.extend_from_slice(&encoded);
                    batch.put(keys::doc(keys::HEAD, &document), span.encode());
                    if let Some(doc) = shown.doc {
                        pending.docs.push((document, doc, head.heads, head.bytes));
                    }
                }
            }
            EntryKind::Grant => {
                let grantee = entry.granted_key().expect("verified grant payload");
                batch.put(keys::grant(&document, &grantee), Vec::new());
            }
            EntryKind::Statement => {
                if let Err(refused) = self.ingest_statement(entry, &mut batch, pending)? {
                    return Ok(IngestOutcome::Rejected(refused));
                }
            }
            EntryKind::Withdraw => {
                pending.recount = true;
                if let Some(created_ms) = self.purge_into(&document, &mut batch)? {
                    listing = Listing::Remove(created_ms, document);
                }
                self.deferred().drop_document(&document);
                self.docs().remove(&document);
            }
        }
        let span = Span { offset: self.pack.end() + pending.pack.len() as u64, len: entry.encoded().len() as u32 };
        pending.pack.extend_from_slice(entry.encoded());
        add_entry(entry, span, &mut batch);
        if self.missing.load(Ordering::Relaxed) > 0 && self.backend.get(&keys::missing(&id))?.is_some() {
            batch.delete(keys::missing(&id));
            pending.found_again += 1;
        }
        pending.batch.ops.append(&mut batch.ops);
        pending.listings.push(listing);
        pending.documents.insert(document);
        pending.entries += 1;
        pending.entry_bytes += entry.encoded().len() as u64;
        Ok(IngestOutcome::Stored)
    }

    fn deferred(&self) -> std::sync::MutexGuard<'_, Deferred> {
        self.deferred.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn docs(&self) -> std::sync::MutexGuard<'_, DocCache> {
        self.docs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The entries kept aside that waited for `stored`, taken out to be
    /// checked again.
    fn waiting_for(&self, stored: &Entry) -> Vec<Entry> {
        let document = stored.document();
        let mut deferred = self.deferred();
        if !deferred.holds_document(&document) {
            return Vec::new();
        }
        let awaited = match stored.header().kind {
            EntryKind::Create | EntryKind::Change => match ParsedChange::parse(stored.payload()) {
                Ok(parsed) => Awaited::Change(parsed.hash()),
                Err(_) => return Vec::new(),
            },
            EntryKind::Grant => match stored.granted_key() {
                Some(key) => Awaited::Grant(key),
                None => return Vec::new(),
            },
            EntryKind::Withdraw | EntryKind::Statement => return Vec::new(),
        };
        deferred.take_waiting(&document, awaited)
    }

    /// A document's stored creates and changes, parsed.
    fn history(&self, document: &DocumentId) -> Result<History, StoreError> {
        History::of(self.document_entries(document)?)
            .map_err(|error| StoreError::Damaged(format!("document {document}: {error}")))
    }

    /// A create is checked alone; the document then shows the merge of it
    /// with whatever else it holds (another create of the same nonce).
    fn check_create(
        &self,
        entry: &Entry,
        known: bool,
        known_fields: Option<Map<String, Value>>,
    ) -> Result<Checked, StoreError> {
        let fields = match known_fields {
            Some(fields) => fields,
            None => match document::materialise(&[entry.payload().to_vec()]) {
                Ok(fields) => fields,
                Err(error) => return Ok(Checked::Rejected(error.into())),
            },
        };
        let kind = match schema::validate_public(&fields, &self.limits) {
            Ok(kind) => kind,
            Err(errors) => return Ok(Checked::Rejected(IngestError::Invalid(errors))),
        };
        let header = entry.header();
        let alone = ShownRow {
            fields,
            kind,
            creator: header.creator,
            created_ms: header.timestamp_ms,
            recount: false,
            head: None,
            doc: None,
        };
        if !known {
            return Ok(Checked::Shown(Box::new(alone)));
        }
        let mut history = self.history(&entry.document())?;
        if history.is_empty() {
            return Ok(Checked::Shown(Box::new(alone)));
        }
        let Ok(parsed) = ParsedChange::parse(entry.payload()) else { return Ok(Checked::Shown(Box::new(alone))) };
        history.push(entry.clone(), parsed);
        self.shown(entry, &history, true)
    }

    /// A change is checked on its causal past (`validity.rs`); it waits
    /// while its grant or any of its past is missing.
    fn check_change(&self, entry: &Entry, known: bool) -> Result<Checked, StoreError> {
        let header = entry.header();
        let document = entry.document();
        if header.author != header.creator && self.backend.get(&keys::grant(&document, &header.author))?.is_none() {
            return Ok(Checked::Deferred(Awaited::Grant(header.author)));
        }
        let parsed = match ParsedChange::parse(entry.payload()) {
            Ok(parsed) => parsed,
            Err(error) => return Ok(Checked::Rejected(IngestError::ChangeUnbuildable(error))),
        };
        if known
            && let Some(head) = self.head(&document)?
            && head.creates == 1
            && head.heads == sorted(parsed.deps())
        {
            return self.check_on_head(entry, parsed, head);
        }
        let mut history = if known { self.history(&document)? } else { History::empty() };
        let past = match history.past(parsed.deps()) {
            Ok(past) => past,
            Err(missing) => return Ok(Checked::Deferred(Awaited::Change(missing))),
        };
        if let Err(fault) = history.check_change(&past, &parsed, &self.limits) {
            return Ok(Checked::Rejected(fault.into()));
        }
        history.push(entry.clone(), parsed);
        let recount = history.creates() > 1;
        self.shown(entry, &history, recount)
    }

    /// A change on top of every stored change of its document (the usual
    /// case): its past is all of them, which the head record describes and
    /// the document kept built holds, so checking it applies one change.
    /// The verdict is the one [`History::check_change`] would reach.
    fn check_on_head(&self, entry: &Entry, parsed: ParsedChange, head: Head) -> Result<Checked, StoreError> {
        let document = entry.document();
        if let Err(fault) = within_limits(head.row.changes as usize, head.bytes, parsed.size()) {
            return Ok(Checked::Rejected(fault.into()));
        }
        let mut doc = match self.docs().take(&document, &head.heads) {
            Some(doc) => doc,
            None => self.build_doc(&document)?,
        };
        let (hash, size) = (parsed.hash(), parsed.size());
        let fields = match doc.apply(parsed).and_then(|()| doc.fields()) {
            Ok(fields) => fields,
            Err(error) => return Ok(Checked::Rejected(IngestError::ChangeUnbuildable(error))),
        };
        let kind = match schema::validate_public(&fields, &self.limits) {
            Ok(kind) => kind,
            Err(errors) => return Ok(Checked::Rejected(IngestError::ChangeInvalid(errors))),
        };
        if kind != head.row.kind {
            let (from, to) = (head.row.kind.as_str(), kind.as_str());
            return Ok(Checked::Rejected(IngestError::KindChanged { from, to }));
        }
        let row = DocumentRow {
            fields: fields.clone(),
            updated_ms: head.row.updated_ms.max(entry.header().timestamp_ms),
            changes: head.row.changes + 1,
            ..head.row
        };
        let (creator, created_ms) = (row.creator, row.created_ms);
        let head = Head { row, nonce: head.nonce, heads: vec![hash], creates: 1, bytes: head.bytes + size };
        Ok(Checked::Shown(Box::new(ShownRow {
            fields,
            kind,
            creator,
            created_ms,
            recount: false,
            head: Some(head),
            doc: Some(doc),
        })))
    }

    /// What the document shows once `history`, which holds `entry`, is
    /// stored.
    fn shown(&self, entry: &Entry, history: &History, recount: bool) -> Result<Checked, StoreError> {
        let document = entry.document();
        let head = head_of(&document, entry.header().nonce, history, &self.limits)?
            .ok_or_else(|| StoreError::Damaged(format!("document {document}: no create")))?;
        Ok(Checked::Shown(Box::new(ShownRow {
            fields: head.row.fields.clone(),
            kind: head.row.kind,
            creator: head.row.creator,
            created_ms: head.row.created_ms,
            recount,
            head: Some(head),
            doc: None,
        })))
    }

    /// A document's head record, or, for a document without one (of one
    /// create, or stored before head records), one built from its entries;
    /// `None` while it has no create.
    pub(crate) fn head(&self, document: &DocumentId) -> Result<Option<Head>, StoreError> {
        // An edit stored between reading the span and the bytes may have
        // erased the old record: the second read finds the new one.
        for attempt in 0..2 {
            let Some(span) = self.head_span(document)? else { break };
            match head::decode(document, &self.pack.read(span)?) {
                Some(head) => return Ok(Some(head)),
                None if attempt == 0 => continue,
                None => tracing::warn!("head record of {document} is damaged; built again from its entries"),
            }
        }
        head_from_entries(document, &self.document_entries(document)?, &self.limits)
    }

    /// Where a document's head record lies in the pack.
    fn head_span(&self, document: &DocumentId) -> Result<Option<Span>, StoreError> {
        let damaged = || StoreError::Damaged(format!("head record {document}"));
        self.backend
            .get(&keys::doc(keys::HEAD, document))?
            .map(|record| Span::decode(&record).ok_or_else(damaged))
            .transpose()
    }

    /// The document every stored create and change of `document` build.
    fn build_doc(&self, document: &DocumentId) -> Result<Doc, StoreError> {
        self.history(document)?.doc().map_err(|error| StoreError::Damaged(format!("document {document}: {error}")))
    }

    /// Runs `work` on the document `head` describes, kept built (or built
    /// now from its entries, and kept).
    pub(crate) fn with_doc<R>(&self, head: &Head, work: impl FnOnce(&mut Doc) -> R) -> Result<R, StoreError> {
        let document = head.row.id;
        let taken = self.docs().take(&document, &head.heads);
        let mut doc = match taken {
            Some(doc) => doc,
            None => self.build_doc(&document)?,
        };
        let result = work(&mut doc);
        self.docs().put(document, doc, head.heads.clone(), head.bytes);
        Ok(result)
    }

    /// Deletes everything a document holds and leaves a tombstone; returns
    /// when it was created, if it was listed.
    fn purge_into(&self, document: &DocumentId, batch: &mut WriteBatch) -> Result<Option<u64>, StoreError> {
        let listed = self.list_row(document)?.map(|row| row.created_ms);
        for (id, span) in self.document_spans(document)? {
            batch.delete(keys::entry(&id));
            batch.delete(keys::doc_entry(document, &id));
            batch.put(keys::purged(&id), Vec::new());
            batch.put(keys::erase(span), Vec::new());
        }
        for pair in self.backend.scan_prefix(&keys::doc(keys::GRANT, document)) {
            batch.delete(pair?.0);
        }
        for span in [self.row_span(document)?, self.head_span(document)?].into_iter().flatten() {
            batch.put(keys::erase(span), Vec::new());
        }
        batch.delete(keys::doc(keys::LIST_ROW, document));
        batch.delete(keys::doc(keys::HEAD, document));
        for pair in self.backend.scan_prefix(&keys::doc(keys::DOC_BLOB, document)) {
            let (key, _) = pair?;
            let hash = keys::blob_at(&key, 32).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            batch.delete(key);
            batch.delete(keys::blob_ref(&hash, document));
            batch.put(keys::blob_erase(&hash), Vec::new());
        }
        Ok(listed)
    }

    /// Every stored entry of a document.
    pub fn document_entries(&self, document: &DocumentId) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        for (id, span) in self.document_spans(document)? {
            out.push(decode_entry(&id, &self.pack.read(span)?)?);
        }
        out.sort_by_key(|entry| (entry.header().timestamp_ms, entry.id()));
        Ok(out)
    }

    /// The newest `limit` stored entries of a document, oldest first (each
    /// verified as it is read), and how many it holds in all. Reads the
    /// document's index records and only the entries returned.
    pub fn latest_entries(&self, document: &DocumentId, limit: usize) -> Result<(Vec<Entry>, usize), StoreError> {
        let mut stamped = Vec::new();
        for pair in self.backend.scan_prefix(&keys::doc(keys::DOC_ENTRY, document)) {
            let (key, value) = pair?;
            let (id, timestamp, _) =
                keys::read_doc_entry(&key, &value).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            stamped.push((timestamp, id));
        }
        let total = stamped.len();
        stamped.sort_unstable();
        let mut out = Vec::with_capacity(limit.min(total));
        for (_, id) in &stamped[total.saturating_sub(limit)..] {
            if let Some(span) = self.span(id)? {
                out.push(decode_entry(id, &self.pack.read(span)?)?);
            }
        }
        Ok((out, total))
    }

    /// Each stored entry of a document with its time, from the index records.
    pub fn document_entry_times(&self, document: &DocumentId) -> Result<Vec<(u64, EntryId)>, StoreError> {
        let mut out = Vec::new();
        for pair in self.backend.scan_prefix(&keys::doc(keys::DOC_ENTRY, document)) {
            let (key, value) = pair?;
            let (id, timestamp, _) =
                keys::read_doc_entry(&key, &value).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            out.push((timestamp, id));
        }
        Ok(out)
    }

    /// Where each stored entry of a document lies in the pack.
    fn document_spans(&self, document: &DocumentId) -> Result<Vec<(EntryId, Span)>, StoreError> {
        let mut out = Vec::new();
        for pair in self.backend.scan_prefix(&keys::doc(keys::DOC_ENTRY, document)) {
            let (key, _) = pair?;
            let id = EntryId(keys::id_at(&key, 32).ok_or_else(|| StoreError::Damaged(hex(&key)))?);
            if let Some(span) = self.span(&id)? {
                out.push((id, span));
            }
        }
        Ok(out)
    }

    fn span(&self, id: &EntryId) -> Result<Option<Span>, StoreError> {
        let damaged = || StoreError::Damaged(format!("entry {id}"));
        self.backend.get(&keys::entry(id))?.map(|record| Span::decode(&record).ok_or_else(damaged)).transpose()
    }

    /// One entry, verified again as it is read.
    pub fn entry(&self, id: &EntryId) -> Result<Option<Entry>, StoreError> {
        match self.span(id)? {
            None => Ok(None),
            Some(span) => decode_entry(id, &self.pack.read(span)?).map(Some),
        }
    }

    /// Whether the entry is stored here (without reading it).
    pub fn has_entry(&self, id: &EntryId) -> Result<bool, StoreError> {
        Ok(self.span(id)?.is_some())
    }

    /// One entry's raw encoding, as sent to peers, checked against its id.
    pub fn entry_bytes(&self, id: &EntryId) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(span) = self.span(id)? else { return Ok(None) };
        let bytes = self.pack.read(span)?;
        if EntryId::of(&bytes) != *id {
            return Err(StoreError::Damaged(format!("entry {id}: its bytes in entries.pack do not hash to its id")));
        }
        Ok(Some(bytes))
    }

    /// The document as its stored entries build it (read from its head
    /// record, or built from its entries, each verified as it is read);
    /// `None` while its first entry is missing.
    pub fn row(&self, document: &DocumentId) -> Result<Option<DocumentRow>, StoreError> {
        Ok(self.head(document)?.map(|head| head.row))
    }

    /// Whether the document is live and has its first entry (it is listed).
    pub fn is_listed(&self, document: &DocumentId) -> Result<bool, StoreError> {
        Ok(self.backend.get(&keys::doc(keys::LIST_ROW, document))?.is_some())
    }

    /// Whether the document's creator granted `key` co-authorship.
    pub fn is_granted(&self, document: &DocumentId, key: &PublicKey) -> Result<bool, StoreError> {
        Ok(self.backend.get(&keys::grant(document, key))?.is_some())
    }

    /// The withdrawal entry of a withdrawn document.
    pub fn tombstone(&self, document: &DocumentId) -> Result<Option<EntryId>, StoreError> {
        Ok(self
            .backend
            .get(&keys::doc(keys::TOMBSTONE, document))?
            .and_then(|bytes| bytes.try_into().ok().map(EntryId)))
    }

    /// Where one document's list row lies in the pack.
    fn row_span(&self, document: &DocumentId) -> Result<Option<Span>, StoreError> {
        let damaged = || StoreError::Damaged(format!("list row {document}"));
        self.backend
            .get(&keys::doc(keys::LIST_ROW, document))?
            .map(|record| Span::decode(&record).ok_or_else(damaged))
            .transpose()
    }

    /// One document's list row.
    pub fn list_row(&self, document: &DocumentId) -> Result<Option<ListRow>, StoreError> {
        Ok(self.list_row_with_words(document)?.map(|(row, _)| row))
    }

    /// One document's list row and its words.
    fn list_row_with_words(&self, document: &DocumentId) -> Result<Option<(ListRow, String)>, StoreError> {
        // An edit stored between reading the span and the bytes may have
        // erased the old row: the second read finds the new one.
        for attempt in 0..2 {
            let Some(span) = self.row_span(document)? else { return Ok(None) };
            match list_row::decode_with_words(*document, &self.pack.read(span)?) {
                Some(row) => return Ok(Some(row)),
                None if attempt == 0 => continue,
                None => {}
            }
        }
        Err(StoreError::Damaged(format!("list row {document}")))
    }

    /// The live documents passing `filter`, newest first: how many, and the
    /// list rows of `limit` of them from `offset`. Reads the list index
    /// (built from the list rows on first use) and then only the page's rows.
    pub fn list(&self, filter: &Filter, offset: usize, limit: usize) -> Result<Page, StoreError> {
        self.build_list_index()?;
        let (total, ids) = {
            let index = self.list_index.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            index.as_ref().expect("built above; never unset").query(filter, offset, limit)
        };
        let mut rows = Vec::with_capacity(ids.len());
        for (_, id) in ids {
            // A withdrawal between the query and this read drops the row.
            match self.list_row(&id) {
                Ok(row) => rows.extend(row),
                // A damaged row is built again, or left out with a warning.
                Err(StoreError::Damaged(_)) => match self.rebuilt_row(&id) {
                    Ok(row) => rows.push(row),
                    Err(error) => tracing::warn!("leaving {id} out of the list: {error}"),
                },
                Err(error) => return Err(error),
            }
        }
        Ok(Page { total, rows })
    }

    /// The counts per field of the live documents passing `filter`: one
    /// pass over the list index (built on first use), no row read.
    pub fn tally(&self, filter: &Filter) -> Result<Tally, StoreError> {
        self.build_list_index()?;
        let index = self.list_index.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(index.as_ref().expect("built above; never unset").tally(filter))
    }

    /// Builds the list index if it is not built yet (a scan of the list
    /// rows: about half a second at 100,000). Writers wait meanwhile, so
    /// the index misses nothing stored during the scan.
    pub fn build_list_index(&self) -> Result<(), StoreError> {
        if self.list_index.read().unwrap_or_else(|poisoned| poisoned.into_inner()).is_some() {
            return Ok(());
        }
        let mut slot = self.list_index.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.is_none() {
            // A row that can be neither read nor built again is left out
            // (`convene verify` names its damaged entries); listing goes on.
            let hidden = self.hidden();
            let rows = self.rows_with_words().filter(|row| match row {
                Err(StoreError::Damaged(why)) => {
                    tracing::warn!("leaving a document out of the list: {why}");
                    false
                }
                Ok((row, _)) => !hidden.hides(&row.id, &row.creator),
                Err(_) => true,
            });
            *slot = Some(ListIndex::build(rows)?);
        }
        Ok(())
    }

    /// Every list row and its words, in key order, for the list index.
    fn rows_with_words(&self) -> impl Iterator<Item = Result<(ListRow, String), StoreError>> + '_ {
        self.backend.scan_prefix(&[keys::LIST_ROW]).map(|pair| {
            let (key, value) = pair?;
            let damaged = || StoreError::Damaged(format!("list row {}", hex(&key)));
            let id = DocumentId(keys::id_at(&key, 0).ok_or_else(damaged)?);
            let span = Span::decode(&value).ok_or_else(damaged)?;
            let read = self.pack.read(span).ok().and_then(|bytes| list_row::decode_with_words(id, &bytes));
            match read {
                Some(row) => Ok(row),
                // Replaced by an edit while this scan ran, or damaged on
                // disk: built again from the document's entries (found by
                // its title alone until it is next stored).
                None => self
                    .list_row_with_words(&id)
                    .ok()
                    .flatten()
                    .map_or_else(|| self.rebuilt_row(&id).map(|row| (row, String::new())), Ok),
            }
        })
    }

    /// Every list row, in key order.
    pub fn list_rows(&self) -> impl Iterator<Item = Result<ListRow, StoreError>> + '_ {
        self.backend.scan_prefix(&[keys::LIST_ROW]).map(|pair| {
            let (key, value) = pair?;
            let damaged = || StoreError::Damaged(format!("list row {}", hex(&key)));
            let id = DocumentId(keys::id_at(&key, 0).ok_or_else(damaged)?);
            let span = Span::decode(&value).ok_or_else(damaged)?;
            let read = self.pack.read(span).ok().and_then(|bytes| list_row::decode(id, &bytes));
            match read {
                Some(row) => Ok(row),
                // Replaced by an edit while this scan ran, or damaged on
                // disk: built again from the document's entries.
                None => self.list_row(&id).ok().flatten().map_or_else(|| self.rebuilt_row(&id), Ok),
            }
        })
    }

    /// A document's list row built from its entries, when the stored one
    /// cannot be read (a damaged pack must not stop listing the others).
    fn rebuilt_row(&self, document: &DocumentId) -> Result<ListRow, StoreError> {
        let damaged = |why: String| StoreError::Damaged(format!("list row {document}: {why}"));
        let entries = self.document_entries(document).map_err(|error| damaged(error.to_string()))?;
        let row = head_from_entries(document, &entries, &self.limits)?
            .ok_or_else(|| damaged("its first entry is missing".into()))?
            .row;
        tracing::warn!("list row of {document} could not be read from entries.pack; built again from its entries");
        Ok(ListRow {
            id: *document,
            creator: row.creator.to_did_key(),
            created_ms: row.created_ms,
            summary: Summary::from_fields(row.kind, &row.fields),
            desk: None,
        })
    }

    /// Every live document the desk does not hide, in id order, built from
    /// its entries: 256 at a time, on every core.
    pub fn rows(&self) -> impl Iterator<Item = Result<DocumentRow, StoreError>> + '_ {
        use rayon::prelude::*;
        let mut ids = self.backend.scan_prefix(&[keys::LIST_ROW]).map(|pair| {
            pair.map_err(StoreError::from)
                .and_then(|(key, _)| keys::id_at(&key, 0).map(DocumentId).ok_or_else(|| StoreError::Damaged(hex(&key))))
        });
        std::iter::from_fn(move || {
            let chunk: Vec<_> = ids.by_ref().take(256).collect();
            let rows: Vec<_> = chunk.into_par_iter().map(|id| id.and_then(|id| self.row(&id))).collect();
            (!rows.is_empty()).then_some(rows)
        })
        .flatten()
        .filter_map(Result::transpose)
        // What the desk hides is in no export.
        .filter(|row| row.as_ref().map_or(true, |row| !self.is_hidden(&row.id, &row.creator)))
    }

    /// Document ids starting with the hex `prefix` (for short ids).
    pub fn documents_with_prefix(&self, prefix: &[u8]) -> Result<Vec<DocumentId>, StoreError> {
        let mut out = Vec::new();
        for table in [keys::LIST_ROW, keys::TOMBSTONE] {
            let mut key = vec![table];
            key.extend_from_slice(prefix);
            for pair in self.backend.scan_prefix(&key) {
                let (key, _) = pair?;
                out.push(DocumentId(keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?));
            }
        }
        Ok(out)
    }

    /// Every entry id with its timestamp: the set peers reconcile, read
    /// from the document-entry records (in document order; the
    /// reconciliation sorts them).
    pub fn sync_items(&self) -> impl Iterator<Item = Result<(u64, EntryId), StoreError>> + '_ {
        self.backend.scan_prefix(&[keys::DOC_ENTRY]).map(|pair| {
            let (key, value) = pair?;
            let (id, timestamp, _) =
                keys::read_doc_entry(&key, &value).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            Ok((timestamp, id))
        })
    }

    /// Every entry's document, id and timestamp, in document order: what a
    /// bundle carries (`bundle.rs` sorts each document's entries by time).
    pub fn document_entry_items(&self) -> impl Iterator<Item = Result<(DocumentId, u64, EntryId), StoreError>> + '_ {
        self.backend.scan_prefix(&[keys::DOC_ENTRY]).map(|pair| {
            let (key, value) = pair?;
            let document = keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            let (id, timestamp, _) =
                keys::read_doc_entry(&key, &value).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            Ok((DocumentId(document), timestamp, id))
        })
    }

    /// The ids of every entry a withdrawal purged (refused if offered
    /// again): a bundle's want file lists them, so no one sends them.
    pub fn purged_ids(&self) -> impl Iterator<Item = Result<EntryId, StoreError>> + '_ {
        self.backend.scan_prefix(&[keys::PURGED]).map(|pair| {
            let (key, _) = pair?;
            Ok(EntryId(keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?))
        })
    }

    /// Every stored entry's id and raw bytes, for `convene verify`; an
    /// entry whose bytes cannot be read comes with why, and the rest follow.
    pub fn raw_entries(&self) -> impl Iterator<Item = Result<RawEntry, StoreError>> + '_ {
        self.backend.scan_prefix(&[keys::ENTRY]).map(|pair| {
            let (key, value) = pair?;
            let id = EntryId(keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?);
            let bytes = Span::decode(&value)
                .ok_or_else(|| StoreError::Damaged(format!("entry {id}")))
                .and_then(|span| Ok(self.pack.read(span)?));
            Ok((id, bytes))
        })
    }

    /// Whether the entry was purged by a withdrawal.
    pub fn is_purged(&self, id: &EntryId) -> Result<bool, StoreError> {
        Ok(self.backend.get(&keys::purged(id))?.is_some())
    }

    /// Counts for status: scanned once, then kept up to date as entries
    /// are stored.
    pub fn counts(&self) -> Result<StoreCounts, StoreError> {
        let mut cached = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cached.is_none() {
            *cached = Some(self.count_all()?);
        }
        let mut counts = cached.clone().expect("just filled");
        counts.bytes_on_disk = self.backend.size_on_disk()? + self.pack.end();
        counts.damaged_waiting = self.missing.load(Ordering::Relaxed);
        counts.deferred = self.deferred().len() as u64;
        Ok(counts)
    }

    fn count_all(&self) -> Result<StoreCounts, StoreError> {
        // The document→entry records carry each entry's size: counting
        // reads them, not the entries.
        let mut counts = StoreCounts::default();
        for pair in self.backend.scan_prefix(&[keys::DOC_ENTRY]) {
            let (key, value) = pair?;
            let (_, _, size) = keys::read_doc_entry(&key, &value).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            counts.entries += 1;
            counts.entry_bytes += u64::from(size);
        }
        let index = self.list_index.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        match index.as_ref() {
            // A running node has it: no second scan of the list rows.
            Some(index) => {
                for (kind, count) in index.count_kinds() {
                    *counts.documents.entry(kind.as_str().to_owned()).or_default() += count;
                }
            }
            None => {
                for row in self.list_rows() {
                    *counts.documents.entry(row?.summary.kind.as_str().to_owned()).or_default() += 1;
                }
            }
        }
        drop(index);
        for pair in self.backend.scan_prefix(&[keys::TOMBSTONE]) {
            pair?;
            counts.withdrawn += 1;
        }
        Ok(counts)
    }
}

/// The head record that `entries` (all of a document's stored entries)
/// make, as the store shows the document (`validity.rs`); `None` while it
/// has no create.
fn head_from_entries(document: &DocumentId, entries: &[Entry], limits: &Limits) -> Result<Option<Head>, StoreError> {
    let Some(nonce) = entries.first().map(|entry| entry.header().nonce) else { return Ok(None) };
    let history =
        History::of(entries.to_vec()).map_err(|error| StoreError::Damaged(format!("document {document}: {error}")))?;
    head_of(document, nonce, &history, limits)
}

/// The head record of `document` (creator's nonce `nonce`) once `history`
/// is stored; `None` without a create.
fn head_of(
    document: &DocumentId,
    nonce: [u8; 16],
    history: &History,
    limits: &Limits,
) -> Result<Option<Head>, StoreError> {
    // Every stored create and change was checked when it was stored:
    // failing now means the store was altered.
    let shown = history.shown(limits).map_err(|why| StoreError::Damaged(format!("document {document}: {why}")))?;
    Ok(shown.map(|shown| Head {
        row: DocumentRow {
            id: *document,
            kind: shown.kind,
            creator: shown.creator,
            created_ms: shown.created_ms,
            updated_ms: shown.updated_ms,
            changes: shown.changes,
            fields: shown.fields,
        },
        nonce,
        heads: history.heads(),
        creates: history.creates(),
        bytes: history.bytes(),
    }))
}

/// `hashes`, sorted.
fn sorted(hashes: impl Iterator<Item = ChangeHash>) -> Vec<ChangeHash> {
    let mut hashes: Vec<ChangeHash> = hashes.collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// An entry read back from the pack: verified again, and checked to be the one asked for.
fn decode_entry(id: &EntryId, bytes: &[u8]) -> Result<Entry, StoreError> {
    match Entry::decode(bytes) {
        Ok(entry) if entry.id() == *id => Ok(entry),
        Ok(_) => Err(StoreError::Damaged(format!("entry {id}: entries.pack holds another entry where it should be"))),
        Err(error) => Err(StoreError::Damaged(format!("entry {id}: {error}"))),
    }
}

/// The records of an entry whose bytes lie at `span` in the pack.
fn add_entry(entry: &Entry, span: Span, batch: &mut WriteBatch) {
    let id = entry.id();
    let header = entry.header();
    let document = entry.document();
    batch.put(keys::entry(&id), span.encode());
    batch
        .put(keys::doc_entry(&document, &id), keys::doc_entry_value(header.timestamp_ms, entry.encoded().len() as u32));
    if header.kind == EntryKind::Withdraw {
        batch.put(keys::doc(keys::TOMBSTONE, &document), id.0.to_vec());
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
