//! The [`Node`] handle: the one public way to a node's data. The CLI and the
//! web UI are thin over it; the sync engine reads and writes the store
//! through it too.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use convene_protocol::attachment::{self, Attachment, BlobHash, Limits, NamedBlob, Preview};
use convene_protocol::document;
use convene_protocol::entry::{DocumentId, Entry, EntryHeader, EntryId, EntryKind};
use convene_protocol::keys::{PublicKey, SecretKey};
use convene_protocol::kinds::{Shape, SubmissionKind};
use convene_protocol::network::{Genesis, NetworkId};
use convene_protocol::schema::{self, Contact};
use convene_protocol::seal::{self, Sealer};
use convene_protocol::statement::Origin;
use serde_json::{Map, Value};

use crate::api::StoredFile;
use crate::blobs::{BlobStore, preview};
use crate::data_dir::{DataDir, SecretariatKeys};
use crate::error::NodeError;
use crate::query::{Filter, Page};
use crate::store::space::{self, DiskSpace};
use crate::store::{BackendError, DocumentRow, Head, IngestError, IngestOutcome, Store, StoreCounts, StoreError};
use crate::tally::Tally;

pub(crate) mod custody;
pub(crate) mod desk;
pub(crate) mod publications;

use desk::DeskView;

/// A cloneable handle to an open node.
#[derive(Debug, Clone)]
pub struct Node {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    data_dir: DataDir,
    genesis: Genesis,
    network: NetworkId,
    secretariat: Option<SecretariatKeys>,
    /// A hub that signs custody receipts: its key and name.
    custody: Option<custody::CustodySigner>,
    store: Store,
    stored: tokio::sync::broadcast::Sender<StoredEntry>,
}

/// An entry just stored, as subscribers hear of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredEntry {
    /// Its id.
    pub id: EntryId,
    /// Its timestamp (what reconciliation orders entries by).
    pub timestamp_ms: u64,
    /// A withdrawal: its document's other entries were purged.
    pub withdraws: bool,
}

/// What a submit did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Submitted {
    /// The submission's document id.
    pub id: DocumentId,
    /// True when this exact submission by this author was already stored.
    pub already_stored: bool,
}

/// The outcome of one submission, as `import` and the API report it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubmitReport {
    /// What happened.
    pub status: SubmitStatus,
    /// The submission's id, when it is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<DocumentId>,
    /// Why not, when it was not stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What happened to one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmitStatus {
    /// Newly stored, on disk.
    Stored,
    /// This author had already stored exactly this.
    AlreadyStored,
    /// Not valid: fix the input.
    Invalid,
    /// Refused by a rule (for instance, withdrawn earlier).
    Refused,
}

impl SubmitReport {
    /// The report for one result of [`Node::submit_many`].
    pub fn from_result(result: Result<Submitted, NodeError>) -> Self {
        match result {
            Ok(Submitted { id, already_stored }) => Self {
                status: if already_stored { SubmitStatus::AlreadyStored } else { SubmitStatus::Stored },
                id: Some(id),
                error: None,
            },
            Err(error) => {
                let status = match error {
                    NodeError::Refused(_) | NodeError::Withdrawn(_) | NodeError::NotAuthor(_) => SubmitStatus::Refused,
                    _ => SubmitStatus::Invalid,
                };
                Self { status, id: None, error: Some(error.to_string()) }
            }
        }
    }
}

/// Submissions validated, sealed and signed by [`Node::prepare_many`],
/// waiting for [`Node::store_prepared`].
#[derive(Debug)]
pub struct PreparedBatch {
    items: Vec<Result<Prepared, NodeError>>,
    prepare_time: std::time::Duration,
}

/// Entries from elsewhere verified by [`Node::verify_encoded`], waiting
/// for [`Node::store_verified`].
#[derive(Debug)]
pub struct VerifiedBatch {
    /// A result per entry given: the refused ones filled in.
    results: Vec<Option<Result<IngestOutcome, NodeError>>>,
    /// Where each verified entry's result goes, in `entries`' order.
    slots: Vec<usize>,
    /// The verified entries, oldest first, with a create's fields.
    entries: Vec<(Entry, Option<Map<String, Value>>)>,
}

/// A submission as `convene show` presents it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SubmissionView {
    /// The materialised document.
    #[serde(flatten)]
    pub row: DocumentRow,
    /// The document's newest entries (at most [`HISTORY_SHOWN`]), oldest
    /// first.
    pub history: Vec<HistoryItem>,
    /// How many entries the document holds in all (more than `history`
    /// lists when it has had many changes).
    pub history_total: usize,
    /// Whether every entry listed verified just now.
    pub signatures_verified: bool,
    /// Its place on the secretariat's desk: received, status, tags, a
    /// moderation hiding it (shown whole only to its author's node and the
    /// secretariat's).
    #[serde(default)]
    pub desk: DeskView,
    /// Its chain of custody: the hubs that signed for it, earliest first
    /// (at most [`custody::CUSTODY_SHOWN`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custody: Vec<custody::CustodyView>,
    /// How many more hubs signed custody for it than `custody` lists.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub custody_more: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// Most entries of a document's history [`Node::show`] lists: what a
/// reader takes in, and a cost that does not grow with a long history.
pub const HISTORY_SHOWN: usize = 50;

/// One entry in a document's history.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HistoryItem {
    /// The entry id.
    pub entry: EntryId,
    /// What it did.
    pub kind: EntryKind,
    /// Who signed it.
    pub author: PublicKey,
    /// When (ms since the epoch).
    pub timestamp_ms: u64,
    /// The top-level fields it changed (`sealed_contact` for the contact);
    /// empty for a create (it sets them all) and a withdrawal.
    #[serde(default)]
    pub fields: Vec<String>,
    /// For a grant: the co-author it grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted: Option<PublicKey>,
}

/// The result of re-verifying the store.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct VerifyReport {
    /// Entries checked.
    pub checked: u64,
    /// Entries that failed, with the reason.
    pub failures: Vec<(String, String)>,
    /// Of those, how many were set aside, to be fetched again from a peer.
    #[serde(default)]
    pub set_aside: u64,
    /// Entries set aside (now or before) still waiting to be fetched again.
    #[serde(default)]
    pub damaged_waiting: u64,
    /// What opening the store found damaged and repaired.
    #[serde(default)]
    pub repairs: Vec<crate::store::Repair>,
}

/// A node's state for `convene status`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NodeStatus {
    /// The network's name.
    pub network_name: String,
    /// The network id.
    pub network_id: NetworkId,
    /// The data directory.
    pub data_dir: String,
    /// Whether this node holds the secretariat's keys.
    pub secretariat: bool,
    /// Store counts.
    pub store: StoreCounts,
    /// The filesystem holding the store (absent when it cannot be read).
    #[serde(default)]
    pub disk: Option<DiskSpace>,
    /// Local identities.
    pub identities: Vec<crate::data_dir::IdentityInfo>,
    /// What opening the store found damaged and repaired.
    #[serde(default)]
    pub repairs: Vec<crate::store::Repair>,
}

/// The contact sealed to the secretariat and bound to its document, as
/// stored in `sealed_contact`: copied into another document, it fails to open.
fn seal_contact(sealer: &Sealer, document: &DocumentId, contact: &Contact) -> Value {
    let plaintext = serde_json::to_vec(contact).expect("contact serialises");
    Value::String(hex::encode(sealer.seal(&plaintext, &contact_context(document))))
}

/// What a sealed contact is bound to: its document.
fn contact_context(document: &DocumentId) -> Vec<u8> {
    [b"convene contact of document ".as_slice(), &document.0].concat()
}

/// A local submission's document nonce: from its author and its public
/// content, so submitting or importing the same thing again is a no-op. The
/// clear contact is left out: the nonce is public, and a hash over the
/// contact would let anyone test guesses of it offline.
fn document_nonce(author: &PublicKey, input: &Value) -> [u8; 16] {
    let mut hasher = blake3::Hasher::new_derive_key("convene document nonce v2");
    hasher.update(author.as_bytes());
    match input {
        Value::Object(map) if map.contains_key("contact") => {
            let mut public = map.clone();
            public.remove("contact");
            hasher.update(&serde_json::to_vec(&public).expect("JSON serialises"));
        }
        other => {
            hasher.update(&serde_json::to_vec(other).expect("JSON serialises"));
        }
    }
    hasher.finalize().as_bytes()[..16].try_into().expect("16 bytes")
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// `work` over every item, on every core, results in order. The worker
/// threads live as long as the process: a thread per call left the
/// allocator's per-thread pages abandoned, and a syncing node resident
/// tens of MB larger.
fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(&work).collect()
}

/// Runs `sign` (receipts, custody) for what is waiting, then again after
/// each entry stored, gathering what arrives within `gathering` into one
/// round, until the node's entries stop coming (it is dropped).
async fn sign_as_stored(
    node: Node,
    gathering: std::time::Duration,
    what: &'static str,
    sign: impl Fn(&Node) -> Result<usize, NodeError> + Clone + Send + 'static,
) {
    use tokio::sync::broadcast::error::{RecvError, TryRecvError};
    let mut stored = node.subscribe();
    loop {
        let (work, sign) = (node.clone(), sign.clone());
        match tokio::task::spawn_blocking(move || sign(&work)).await {
            Ok(Ok(_)) => {}
            // Tried again with the next entry stored (a full disk, say).
            Ok(Err(error)) => tracing::warn!("cannot sign {what} now: {error}"),
            Err(error) => tracing::warn!("signing {what} failed: {error}"),
        }
        if let Err(RecvError::Closed) = stored.recv().await {
            return;
        }
        tokio::time::sleep(gathering).await;
        while !matches!(stored.try_recv(), Err(TryRecvError::Empty | TryRecvError::Closed)) {}
    }
}

/// A signed entry ready to store, with the fields it was built from.
type Prepared = (Entry, Map<String, Value>);

impl Node {
    /// Opens the node in `data_dir`.
    pub fn open(data_dir: DataDir) -> Result<Self, NodeError> {
        let genesis = data_dir.genesis()?;
        let network = genesis.network_id();
        let secretariat = data_dir.secretariat()?;
        let custody = custody::signer(&data_dir)?;
        let blobs = BlobStore::open(&data_dir.blobs_path())?;
        let mut store = Store::open(&data_dir.store_path(), network)?
            .with_limits(genesis.limits())
            .with_blobs(blobs)?
            .with_desk(genesis.secretariat_signing_key, secretariat.is_some())?;
        if let Some(signer) = &custody {
            store = store.with_custody(signer.secret.public());
        }
        let (stored, _) = tokio::sync::broadcast::channel(4096);
        let inner = Inner { data_dir, genesis, network, secretariat, custody, store, stored };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &DataDir {
        &self.inner.data_dir
    }

    /// The network's genesis.
    pub fn genesis(&self) -> &Genesis {
        &self.inner.genesis
    }

    /// What the network lets a submission attach.
    pub fn limits(&self) -> Limits {
        self.inner.genesis.limits()
    }

    /// The network id.
    pub fn network(&self) -> NetworkId {
        self.inner.network
    }

    /// The store (for the sync engine).
    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Entries as they are stored, from here or from peers.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<StoredEntry> {
        self.inner.stored.subscribe()
    }

    /// Stores entries and tells subscribers about the new ones (and about
    /// entries kept aside earlier that these let through).
    fn ingest(
        &self,
        entries: Vec<(Entry, Option<Map<String, Value>>)>,
        origin: Option<Origin>,
    ) -> Result<Vec<IngestOutcome>, NodeError> {
        let stored_entry = |entry: &Entry| StoredEntry {
            id: entry.id(),
            timestamp_ms: entry.header().timestamp_ms,
            withdraws: entry.header().kind == EntryKind::Withdraw,
        };
        let stored: Vec<StoredEntry> = entries.iter().map(|(entry, _)| stored_entry(entry)).collect();
        let ingested = self.inner.store.ingest_reporting(entries, origin)?;
        let new =
            stored.into_iter().zip(&ingested.outcomes).filter(|(_, outcome)| matches!(outcome, IngestOutcome::Stored));
        for stored in new.map(|(stored, _)| stored).chain(ingested.released.iter().map(stored_entry)) {
            // Nobody listening (no sync engine) is fine.
            let _ = self.inner.stored.send(stored);
        }
        Ok(ingested.outcomes)
    }

    /// Validates, seals, signs and stores one submission; returns once it is
    /// on disk.
    pub fn submit(&self, author: &SecretKey, input: &Value) -> Result<Submitted, NodeError> {
        self.submit_many(author, std::slice::from_ref(input))?.pop().expect("one result per input")
    }

    /// Submits many at once: prepared on every core, stored with one flush.
    /// One result per input, in order; an error only when the store fails,
    /// and then nothing of this call was acknowledged.
    pub fn submit_many(
        &self,
        author: &SecretKey,
        inputs: &[Value],
    ) -> Result<Vec<Result<Submitted, NodeError>>, NodeError> {
        self.store_prepared(self.prepare_many(author, inputs))
    }

    /// Validates, seals and signs submissions on every core, without
    /// storing them: an import prepares the next batch while the previous
    /// one is being flushed.
    pub fn prepare_many(&self, author: &SecretKey, inputs: &[Value]) -> PreparedBatch {
        let timestamp_ms = now_ms();
        let started = std::time::Instant::now();
        let sealer = self.sealer();
        let items = parallel_map(inputs, |input| self.prepare(author, &sealer, input, timestamp_ms));
        PreparedBatch { items, prepare_time: started.elapsed() }
    }

    /// Stores a prepared batch with one flush; one result per input.
    pub fn store_prepared(&self, batch: PreparedBatch) -> Result<Vec<Result<Submitted, NodeError>>, NodeError> {
        let started = std::time::Instant::now();
        let PreparedBatch { items: prepared, prepare_time } = batch;
        let count = prepared.len();
        let mut results: Vec<Option<Result<Submitted, NodeError>>> = Vec::with_capacity(count);
        let mut to_store = Vec::new();
        let mut slots = Vec::new();
        for (index, item) in prepared.into_iter().enumerate() {
            match item {
                Ok((entry, fields)) => match self.precheck(&entry) {
                    Ok(Some(done)) => results.push(Some(Ok(done))),
                    Ok(None) => {
                        results.push(None);
                        slots.push((index, entry.document()));
                        to_store.push((entry, Some(fields)));
                    }
                    Err(error) => results.push(Some(Err(error))),
                },
                Err(error) => results.push(Some(Err(error))),
            }
        }
        let outcomes = self.ingest(to_store, Some(Origin::Here))?;
        tracing::debug!(
            count,
            prepare_ms = prepare_time.as_secs_f64() * 1000.0,
            store_ms = started.elapsed().as_secs_f64() * 1000.0,
            "stored batch"
        );
        for ((index, id), outcome) in slots.into_iter().zip(outcomes) {
            results[index] = Some(match outcome {
                IngestOutcome::Stored => Ok(Submitted { id, already_stored: false }),
                IngestOutcome::AlreadyStored => Ok(Submitted { id, already_stored: true }),
                IngestOutcome::Rejected(error) => Err(error.into()),
                IngestOutcome::Deferred(_) => unreachable!("a create depends on nothing"),
            });
        }
        Ok(results.into_iter().map(|result| result.expect("every slot filled")).collect())
    }

    /// Validates one input and builds its signed create entry.
    fn prepare(
        &self,
        author: &SecretKey,
        sealer: &Sealer,
        input: &Value,
        timestamp_ms: u64,
    ) -> Result<Prepared, NodeError> {
        let validated = schema::validate_submission(input, &self.limits()).map_err(NodeError::Invalid)?;
        // The same author submitting the same content gets the same document:
        // re-running an interrupted import stores nothing twice.
        let nonce = document_nonce(&author.public(), input);
        let mut fields = validated.fields;
        if let Some(contact) = &validated.contact {
            let document = DocumentId::derive(&author.public(), &nonce);
            fields.insert("sealed_contact".into(), seal_contact(sealer, &document, contact));
        }
        let header = EntryHeader {
            network: self.inner.network,
            creator: author.public(),
            nonce,
            author: author.public(),
            timestamp_ms,
            kind: EntryKind::Create,
        };
        let change = document::create_change(&author.public(), &fields, timestamp_ms);
        let entry = Entry::sign_change(header, change, author)?;
        Ok((entry, fields))
    }

    /// A sealer to this network's secretariat: one key agreement for a batch.
    fn sealer(&self) -> Sealer {
        Sealer::new(&self.inner.genesis.secretariat_encryption_key)
    }

    /// Answers without writing when the document already exists (a
    /// withdrawn one is refused by the store itself).
    fn precheck(&self, entry: &Entry) -> Result<Option<Submitted>, NodeError> {
        let id = entry.document();
        if self.inner.store.is_listed(&id)? {
            return Ok(Some(Submitted { id, already_stored: true }));
        }
        Ok(None)
    }

    /// Stores entries received from elsewhere (`origin`: a peer, a file;
    /// none where unknown): each is verified for this network first.
    pub fn ingest_encoded(
        &self,
        encoded: &[Vec<u8>],
        origin: Option<Origin>,
    ) -> Result<Vec<Result<IngestOutcome, NodeError>>, NodeError> {
        self.store_verified(self.verify_encoded(encoded), origin)
    }

    /// The first half of [`Node::ingest_encoded`], which writes nothing:
    /// verifies entries from elsewhere on every core and orders them, so
    /// that a bundle import verifies the next batch while this one is
    /// stored.
    pub fn verify_encoded(&self, encoded: &[Vec<u8>]) -> VerifiedBatch {
        let mut results: Vec<Option<Result<IngestOutcome, NodeError>>> = Vec::new();
        let mut valid = Vec::new();
        let mut slots = Vec::new();
        // Verifying (signature, payload) and reading a new document's fields
        // are pure work: spread them over the cores. The store validates the
        // fields and uses them only if the document has no other entries.
        let network = self.inner.network;
        let decoded = parallel_map(encoded, |bytes| Entry::decode_create(bytes, &network));
        for decoded in decoded {
            match decoded {
                Ok(pair) => {
                    slots.push(results.len());
                    results.push(None);
                    valid.push(pair);
                }
                Err(error) => results.push(Some(Err(error.into()))),
            }
        }
        // Grants and creates before the changes that depend on them.
        let mut order: Vec<usize> = (0..valid.len()).collect();
        order.sort_by_key(|&index| valid[index].0.header().timestamp_ms);
        let mut sorted_slots = Vec::with_capacity(order.len());
        let mut sorted = Vec::with_capacity(order.len());
        let mut valid: Vec<Option<_>> = valid.into_iter().map(Some).collect();
        for index in order {
            sorted_slots.push(slots[index]);
            sorted.push(valid[index].take().expect("each once"));
        }
        VerifiedBatch { results, slots: sorted_slots, entries: sorted }
    }

    /// The second half of [`Node::ingest_encoded`]: stores what
    /// [`Node::verify_encoded`] verified; one result per entry given.
    pub fn store_verified(
        &self,
        batch: VerifiedBatch,
        origin: Option<Origin>,
    ) -> Result<Vec<Result<IngestOutcome, NodeError>>, NodeError> {
        let VerifiedBatch { mut results, slots, entries } = batch;
        // Entries from elsewhere leave the sync reserve free for a
        // convener's own writes (`store/space.rs`).
        let outcomes = space::keeping_sync_reserve(|| self.ingest(entries, origin))?;
        for (slot, outcome) in slots.into_iter().zip(outcomes) {
            results[slot] = Some(Ok(outcome));
        }
        Ok(results.into_iter().map(|result| result.expect("every slot filled")).collect())
    }

    /// Lists submissions matching `filter`, newest first, `offset`/`limit` paged.
    pub fn list(&self, filter: &Filter, offset: usize, limit: usize) -> Result<Page, NodeError> {
        Ok(self.inner.store.list(filter, offset, limit)?)
    }

    /// [`Node::list`] with each row's place on the desk (a few reads a
    /// row: for the API and the inbox, not for every page that lists).
    pub fn list_on_desk(&self, filter: &Filter, offset: usize, limit: usize) -> Result<Page, NodeError> {
        let mut page = self.list(filter, offset, limit)?;
        for row in &mut page.rows {
            if let Ok(creator) = row.creator.parse::<PublicKey>() {
                row.desk = Some(self.desk_view(&row.id, &creator)?);
            }
        }
        Ok(page)
    }

    /// Counts the submissions matching `filter` by kind, country, language,
    /// taxonomy code and month (the dashboard's numbers), from the same
    /// list index and filter as [`Node::list`].
    pub fn tally(&self, filter: &Filter) -> Result<Tally, NodeError> {
        Ok(self.inner.store.tally(filter)?)
    }

    /// Builds the list index and the status counts now rather than on the
    /// first `list` or `status`: a long running node calls this once at
    /// start, before it serves, so the scans run one after the other on one
    /// thread (each thread that allocates keeps heap pages of its own).
    pub fn warm_up(&self) -> Result<(), NodeError> {
        self.inner.store.build_list_index()?;
        self.inner.store.counts()?;
        Ok(())
    }

    /// Resolves a full id or a unique hex prefix of at least 4 digits.
    pub fn resolve(&self, text: &str) -> Result<DocumentId, NodeError> {
        let text = text.trim().to_ascii_lowercase();
        if let Ok(id) = text.parse::<DocumentId>() {
            return Ok(id);
        }
        let not_found = || NodeError::NotFound(text.clone());
        if text.len() < 4 || !text.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(not_found());
        }
        let even = &text[..text.len() - text.len() % 2];
        let prefix = hex::decode(even).map_err(|_| not_found())?;
        let mut matches = self.inner.store.documents_with_prefix(&prefix)?;
        matches.retain(|id| id.to_string().starts_with(&text));
        matches.dedup();
        match matches.as_slice() {
            [] => Err(not_found()),
            [one] => Ok(*one),
            _ => Err(NodeError::Ambiguous(text.clone())),
        }
    }

    /// The fields each change of `latest` (the newest entries of document
    /// `id`, oldest first, of `total`) changed, replaying the document's
    /// changes in the order they were signed.
    fn fields_touched(
        &self,
        id: &DocumentId,
        latest: &[Entry],
        total: usize,
    ) -> Result<HashMap<EntryId, Vec<String>>, NodeError> {
        let mut all = if latest.len() == total { latest.to_vec() } else { self.inner.store.document_entries(id)? };
        all.retain(|entry| matches!(entry.header().kind, EntryKind::Create | EntryKind::Change));
        all.sort_by_key(|entry| (entry.header().timestamp_ms, entry.id()));
        let ids: Vec<EntryId> = all.iter().map(Entry::id).collect();
        let changes = all.iter().map(|entry| document::ParsedChange::parse(entry.payload())).collect::<Result<_, _>>();
        let touched = changes.and_then(document::fields_touched).map_err(|error| {
            NodeError::Store(StoreError::Damaged(format!("document {id}: its stored changes do not build: {error}")))
        })?;
        Ok(ids.into_iter().zip(touched).collect())
    }

    /// One submission with its history; verifies its entries as it reads them.
    pub fn show(&self, id: &DocumentId) -> Result<SubmissionView, NodeError> {
        if self.inner.store.tombstone(id)?.is_some() {
            return Err(NodeError::Withdrawn(*id));
        }
        let row = self.inner.store.row(id)?.ok_or_else(|| NodeError::NotFound(id.to_string()))?;
        let desk = self.desk_view(id, &row.creator)?;
        if let Some(moderation) = &desk.moderation
            && !self.is_secretariat()
            && !self.inner.data_dir.identities()?.iter().any(|identity| identity.public_key == row.creator)
        {
            return Err(NodeError::Hidden {
                id: *id,
                reason: moderation.reason.as_str(),
                text: moderation.text.clone(),
            });
        }
        // Decoding re-verifies each entry listed.
        let (entries, history_total) = self.inner.store.latest_entries(id, HISTORY_SHOWN)?;
        let touched = self.fields_touched(id, &entries, history_total)?;
        let history = entries
            .iter()
            .map(|entry| HistoryItem {
                entry: entry.id(),
                kind: entry.header().kind,
                author: entry.header().author,
                timestamp_ms: entry.header().timestamp_ms,
                fields: if entry.header().kind == EntryKind::Change {
                    touched.get(&entry.id()).cloned().unwrap_or_default()
                } else {
                    Vec::new()
                },
                granted: entry.granted_key(),
            })
            .collect();
        let (custody, custody_more) = self.custody(id)?;
        Ok(SubmissionView { row, history, history_total, signatures_verified: true, desk, custody, custody_more })
    }

    /// Opens the sealed contact details: only on the secretariat's node.
    pub fn reveal(&self, id: &DocumentId) -> Result<Option<Contact>, NodeError> {
        let secretariat = self.inner.secretariat.as_ref().ok_or(NodeError::NotSecretariat)?;
        let row = self.inner.store.row(id)?.ok_or_else(|| NodeError::NotFound(id.to_string()))?;
        let Some(sealed) = row.fields.get("sealed_contact").and_then(Value::as_str) else {
            return Ok(None);
        };
        let sealed = hex::decode(sealed).map_err(|_| NodeError::Unsealable(*id))?;
        let plaintext = seal::open(&secretariat.encryption, &sealed, &contact_context(id))
            .map_err(|_| NodeError::Unsealable(*id))?;
        serde_json::from_slice(&plaintext).map(Some).map_err(|_| NodeError::Unsealable(*id))
    }

    /// Edits a submission: validates the new fields and signs a change that
    /// turns the stored document into them. The author, or a granted
    /// co-author, only. Returns `None` when nothing changed.
    pub fn edit(&self, author: &SecretKey, id: &DocumentId, input: &Value) -> Result<Option<EntryId>, NodeError> {
        if self.inner.store.tombstone(id)?.is_some() {
            return Err(NodeError::Withdrawn(*id));
        }
        let head = self.inner.store.head(id)?.ok_or_else(|| NodeError::NotFound(id.to_string()))?;
        let row = &head.row;
        if author.public() != row.creator && !self.inner.store.is_granted(id, &author.public())? {
            return Err(NodeError::Refused(IngestError::NotGranted { author: author.public(), document: *id }));
        }
        let validated = schema::validate_edit(input, &self.limits()).map_err(NodeError::Invalid)?;
        if validated.kind != row.kind {
            return Err(NodeError::Refused(IngestError::KindChanged {
                from: row.kind.as_str(),
                to: validated.kind.as_str(),
            }));
        }
        let mut fields = validated.fields;
        match &validated.contact {
            Some(contact) => {
                fields.insert("sealed_contact".into(), seal_contact(&self.sealer(), id, contact));
            }
            None => {
                // Keep the sealed contact when the editor did not retype it.
                if let Some(sealed) = row.fields.get("sealed_contact") {
                    fields.insert("sealed_contact".into(), sealed.clone());
                }
            }
        }
        self.sign_edit(author, id, &head, &fields)
    }

    /// Signs and stores a change turning the document at `head` into `fields`.
    fn sign_edit(
        &self,
        author: &SecretKey,
        id: &DocumentId,
        head: &Head,
        fields: &Map<String, Value>,
    ) -> Result<Option<EntryId>, NodeError> {
        let row = &head.row;
        let timestamp_ms = now_ms().max(row.updated_ms + 1);
        let change = self.inner.store.with_doc(head, |doc| doc.edit_change(&author.public(), fields, timestamp_ms))?;
        let Some(change) = change? else {
            return Ok(None);
        };
        let header = EntryHeader {
            network: self.inner.network,
            creator: row.creator,
            nonce: head.nonce,
            author: author.public(),
            timestamp_ms,
            kind: EntryKind::Change,
        };
        let entry = Entry::sign_change(header, change, author)?;
        let entry_id = entry.id();
        match self.ingest(vec![(entry, None)], Some(Origin::Here))?.pop() {
            Some(IngestOutcome::Rejected(error)) => Err(error.into()),
            // Built on every stored change, so it waits only if one was set
            // aside meanwhile: not stored, so not acknowledged.
            Some(IngestOutcome::Deferred(_)) => Err(NodeError::Store(StoreError::Damaged(format!(
                "document {id}: part of its history was set aside as damaged while it was edited; edit again once it is fetched again"
            )))),
            _ => Ok(Some(entry_id)),
        }
    }

    /// Withdraws a submission: signs a withdrawal and purges its content.
    pub fn withdraw(&self, author: &SecretKey, id: &DocumentId, reason: &str) -> Result<EntryId, NodeError> {
        if self.inner.store.tombstone(id)?.is_some() {
            return Err(NodeError::Withdrawn(*id));
        }
        let entries = self.inner.store.document_entries(id)?;
        let first = entries.first().ok_or_else(|| NodeError::NotFound(id.to_string()))?;
        if first.header().creator != author.public() {
            return Err(NodeError::NotAuthor(*id));
        }
        let header = EntryHeader {
            network: self.inner.network,
            creator: first.header().creator,
            nonce: first.header().nonce,
            author: author.public(),
            timestamp_ms: now_ms().max(entries.iter().map(|e| e.header().timestamp_ms + 1).max().unwrap_or(0)),
            kind: EntryKind::Withdraw,
        };
        let entry = Entry::sign(header, reason.as_bytes().to_vec(), author)?;
        let entry_id = entry.id();
        match self.ingest(vec![(entry, None)], Some(Origin::Here))?.pop() {
            Some(IngestOutcome::Rejected(error)) => Err(error.into()),
            _ => Ok(entry_id),
        }
    }

    /// The blob store: attached files and previews, for transfers.
    pub fn blobs(&self) -> &BlobStore {
        self.inner.store.blobs().expect("a node's store has its blobs")
    }

    /// Whether a live document names the blob (a transfer carries only those).
    pub fn blob_is_named(&self, hash: &BlobHash) -> Result<bool, NodeError> {
        Ok(self.inner.store.blob_is_named(hash)?)
    }

    /// The blob as a live document names it (its size, whether a
    /// preview), or `None` when none does.
    pub fn named_blob(&self, hash: &BlobHash) -> Result<Option<NamedBlob>, NodeError> {
        Ok(self.inner.store.named_blob(hash)?)
    }

    /// Refuses, before a byte is written, `bytes` more of blobs that would
    /// leave less free space than the store keeps (as a local write does).
    pub(crate) fn check_blob_room(&self, bytes: u64) -> Result<(), NodeError> {
        let unreserved = space::disk_reserve_missing(&self.inner.data_dir.store_path());
        space::check_room(DiskSpace::of(&self.inner.data_dir.blobs_path()), bytes, unreserved)
            .map_err(|error| NodeError::Store(StoreError::Backend(error)))
    }

    /// The blobs live documents name that are not here whole, in the order
    /// to fetch them: previews first, then the smallest originals.
    pub fn wanted_blobs(&self) -> Result<Vec<NamedBlob>, NodeError> {
        let mut wanted: Vec<NamedBlob> =
            self.inner.store.named_blobs()?.into_iter().filter(|blob| !self.blobs().has(&blob.hash)).collect();
        wanted.sort_by_key(|blob| (!blob.preview, blob.size));
        Ok(wanted)
    }

    /// A whole blob's bytes, checked against its hash.
    pub fn blob(&self, hash: &BlobHash) -> Result<Vec<u8>, NodeError> {
        Ok(self.blobs().read(hash)?)
    }

    /// Readies a file to attach: checks its type by its first bytes,
    /// removes location and device metadata, stores it and, for a picture,
    /// a preview; returns what a submission's `attachments` says of it.
    /// Nothing names it until a submission does.
    pub fn store_file(&self, name: &str, bytes: &[u8]) -> Result<StoredFile, NodeError> {
        let name = attachment::file_name(name);
        let file_error = |problem: String| NodeError::File { name: name.clone(), problem };
        let cleaned =
            attachment::clean(bytes, self.limits().file_bytes).map_err(|error| file_error(error.to_string()))?;
        // A full disk refuses it before a byte is written, as it does a local
        // write (a file and its preview, with room to spare, and the store's
        // disk reserve made again first).
        let writing = cleaned.bytes.len() as u64 + attachment::MAX_PREVIEW_BYTES;
        let unreserved = space::disk_reserve_missing(&self.inner.data_dir.store_path());
        space::check_room(DiskSpace::of(&self.inner.data_dir.blobs_path()), writing, unreserved)
            .map_err(|error| NodeError::Store(StoreError::Backend(error)))?;
        let preview = if cleaned.media_type.is_image() {
            let preview = preview::make(&cleaned.bytes, cleaned.media_type, cleaned.orientation).map_err(file_error)?;
            let hash = self.blobs().insert(&preview)?;
            Some(Preview { hash: hash.to_hex(), size: preview.len() as u64 })
        } else {
            None
        };
        let hash = self.blobs().insert(&cleaned.bytes)?;
        let note = cleaned.report(&name);
        let attachment = Attachment {
            hash: hash.to_hex(),
            size: cleaned.bytes.len() as u64,
            media_type: cleaned.media_type,
            name,
            preview,
        };
        Ok(StoredFile { attachment, removed: cleaned.removed, note })
    }

    /// Adds attachments (stored first with [`Node::store_file`]) to a
    /// submission by a signed change; one already there (by hash) is not
    /// added again. Returns `None` when nothing was new.
    pub fn attach(
        &self,
        author: &SecretKey,
        id: &DocumentId,
        attachments: &[Attachment],
    ) -> Result<Option<EntryId>, NodeError> {
        if self.inner.store.tombstone(id)?.is_some() {
            return Err(NodeError::Withdrawn(*id));
        }
        let head = self.inner.store.head(id)?.ok_or_else(|| NodeError::NotFound(id.to_string()))?;
        if author.public() != head.row.creator && !self.inner.store.is_granted(id, &author.public())? {
            return Err(NodeError::Refused(IngestError::NotGranted { author: author.public(), document: *id }));
        }
        let kind = head.row.kind;
        if !kind.spec().fields.iter().any(|field| matches!(field.shape, Shape::Attachments)) {
            return Err(NodeError::NoAttachments { kind: kind.as_str() });
        }
        if attachments.is_empty() {
            return Ok(None);
        }
        for attachment in attachments {
            for hash in attachment.blobs() {
                if !self.blobs().has(&hash) {
                    return Err(NodeError::FileNotHere(hash));
                }
            }
        }
        // The stored fields (the sealed contact kept as it is) with the files added.
        let mut fields = head.row.fields.clone();
        let mut list = Attachment::all_of(&fields);
        for attachment in attachments {
            if !list.iter().any(|have| have.hash == attachment.hash) {
                list.push(attachment.clone());
            }
        }
        fields.insert("attachments".into(), serde_json::to_value(&list).expect("attachments serialise"));
        schema::validate_public(&fields, &self.limits()).map_err(NodeError::Invalid)?;
        self.sign_edit(author, id, &head, &fields)
    }

    /// The ids of every stored entry: what reconciliation offers peers.
    pub fn entry_ids(&self) -> Result<std::collections::BTreeSet<EntryId>, NodeError> {
        let items = self.inner.store.sync_items().map(|item| item.map(|(_, id)| id));
        Ok(items.collect::<Result<_, StoreError>>()?)
    }

    /// One stored entry's signed encoding, as a peer would receive it.
    pub fn entry_bytes(&self, id: &EntryId) -> Result<Option<Vec<u8>>, NodeError> {
        Ok(self.inner.store.entry_bytes(id)?)
    }

    /// Re-verifies every stored entry.
    pub fn verify(&self) -> Result<VerifyReport, NodeError> {
        let mut report = VerifyReport::default();
        let mut damaged = Vec::new();
        for item in self.inner.store.raw_entries() {
            let (id, bytes) = item?;
            report.checked += 1;
            let bytes = match bytes {
                Ok(bytes) => bytes,
                Err(error) => {
                    // Bytes that are not there are damage; a read that
                    // failed (I/O) says nothing about the entry.
                    if matches!(error, StoreError::Damaged(_) | StoreError::Backend(BackendError::Corrupt(_))) {
                        damaged.push(id);
                    }
                    report.failures.push((id.to_string(), error.to_string()));
                    continue;
                }
            };
            match Entry::decode_for(&bytes, &self.inner.network) {
                Ok(entry) if entry.id() == id => continue,
                Ok(_) => report.failures.push((id.to_string(), "stored under the wrong id".into())),
                Err(error) => report.failures.push((id.to_string(), error.to_string())),
            }
            damaged.push(id);
        }
        // A damaged entry is no use to anyone: set aside, it is fetched
        // again from a peer, and the others are served meanwhile. Setting
        // aside writes; on a full disk it waits for the next verify.
        report.set_aside = match self.inner.store.set_aside(&damaged) {
            Ok(count) => count as u64,
            Err(error) => {
                tracing::warn!("cannot set damaged entries aside now: {error}");
                0
            }
        };
        report.damaged_waiting = self.inner.store.counts()?.damaged_waiting;
        report.repairs = self.inner.store.repairs();
        Ok(report)
    }

    /// Every live document row (for export).
    pub fn rows(&self) -> impl Iterator<Item = Result<DocumentRow, NodeError>> + '_ {
        self.inner.store.rows().map(|row| row.map_err(NodeError::from))
    }

    /// Whether a submission kind is valid text (for filters).
    pub fn parse_kind(text: &str) -> Option<SubmissionKind> {
        SubmissionKind::parse(text)
    }

    /// The node's state.
    pub fn status(&self) -> Result<NodeStatus, NodeError> {
        Ok(NodeStatus {
            network_name: self.inner.genesis.name.clone(),
            network_id: self.inner.network,
            data_dir: self.inner.data_dir.root().display().to_string(),
            secretariat: self.inner.secretariat.is_some(),
            store: self.inner.store.counts()?,
            disk: self.inner.store.disk_space().ok(),
            identities: self.inner.data_dir.identities()?,
            repairs: self.inner.store.repairs(),
        })
    }
}
