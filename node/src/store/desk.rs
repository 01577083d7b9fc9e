//! The secretariat's desk in the store: statements (`convene_protocol::
//! statement`) and what they add up to.
//!
//! A statement is stored like any entry (its own one-entry document, so it
//! syncs and travels in bundles) and indexed by what it is about:
//!
//! | prefix | key | value |
//! | --- | --- | --- |
//! | `Y` | subject ‖ statement id | empty: a curation or moderation about a submission or an author key, or a tag list (subject [`TAGS_SUBJECT`]) |
//! | `U` | subject | its [`DeskState`] (JSON): the fold of its effective statements |
//! | `K` | entry id | the earliest receipt's time (8, BE): the secretariat holds the entry |
//! | `Q` | entry id | empty: on the secretariat's node, an entry stored and not yet acknowledged |
//! | `L` | curator key ‖ time (8, BE) ‖ statement id | 1 granted, 0 revoked |
//! | `J` | document id | the purge's statement id: purged by moderation, its entries refused |
//! | `O` | author key | the block's statement id: its documents purged, its entries refused |
//! | `F` | (none) | empty: curators changed; every subject is folded again (at the next open if cut) |
//!
//! **A subject's state depends only on the set of statements stored**: it
//! is folded again from all of them (in time order, then by id) whenever
//! one arrives, and every statement is applied alone, so no order or
//! batching of arrival changes it. Receipts keep the earliest time.
//! A curator's statement counts unless the secretariat revoked the
//! curator after the grant it carries and no later than the statement.
//! Only the secretariat's own key purges or blocks (`statement.rs`), since
//! those cannot be undone.

use std::collections::HashSet;

use convene_protocol::entry::{DocumentId, Entry, EntryId, EntryKind};
use convene_protocol::keys::PublicKey;
use convene_protocol::statement::{Action, Authority, Reason, Signed, Statement, Status, Subject, TagDef};

use super::keys;
use super::{Backend, IngestError, Listing, Pending, Store, StoreError, WriteBatch, hex};

/// The subject the tag list is indexed under (no document id or key is
/// all zeros).
pub(crate) const TAGS_SUBJECT: [u8; 32] = [0; 32];

/// What a subject's statements add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeskState {
    /// A submission's status, and when it was set (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<(Status, u64)>,
    /// A submission's tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The statements carrying a submission's sealed notes, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<EntryId>,
    /// The moderation in force: hidden (or purged, or blocked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<Moderation>,
    /// For [`TAGS_SUBJECT`]: the newest tag list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_list: Option<Vec<TagDef>>,
    /// The subject is an author key (moderated as an author).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub author: bool,
}

/// A moderation in force.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Moderation {
    /// Hide, purge or block (never unhide: that leaves none).
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// Why, in words.
    pub text: String,
    /// When (ms).
    pub at_ms: u64,
}

/// What listing must leave out, in memory (loaded at open).
#[derive(Debug, Default)]
pub(crate) struct Hidden {
    documents: HashSet<DocumentId>,
    /// Authors hidden, as `did:key` (as list rows hold them).
    authors: HashSet<String>,
    purged: HashSet<DocumentId>,
    blocked: HashSet<PublicKey>,
}

impl Hidden {
    /// Whether a document of `creator` (a `did:key`) is hidden.
    pub(crate) fn hides(&self, document: &DocumentId, creator: &str) -> bool {
        (!self.documents.is_empty() && self.documents.contains(document))
            || (!self.authors.is_empty() && self.authors.contains(creator))
    }
}

/// A statement to store, with what it says and for whom.
struct Incoming<'a> {
    entry: &'a Entry,
    signed: Signed,
    authority: Authority,
}

impl<B: Backend> Store<B> {
    /// Loads what listing must leave out; finishes a fold a crash cut.
    pub(super) fn open_desk(&self) -> Result<(), StoreError> {
        if self.backend.get(keys::REFOLD)?.is_some() {
            self.refold_all(&mut Vec::new())?;
        }
        let mut hidden = Hidden::default();
        for pair in self.backend.scan_prefix(&[keys::DESK_STATE]) {
            let (key, value) = pair?;
            let subject = keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            let state: DeskState = serde_json::from_slice(&value).map_err(|_| StoreError::Damaged(hex(&key)))?;
            remember(&mut hidden, subject, &state);
        }
        for pair in self.backend.scan_prefix(&[keys::MODERATION_PURGE]) {
            let (key, _) = pair?;
            hidden.purged.insert(DocumentId(keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?));
        }
        for pair in self.backend.scan_prefix(&[keys::BLOCKED]) {
            let (key, _) = pair?;
            let bytes = keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            hidden.blocked.insert(PublicKey::from_bytes(bytes).map_err(|_| StoreError::Damaged(hex(&key)))?);
        }
        *self.hidden_mut() = hidden;
        Ok(())
    }

    pub(super) fn hidden(&self) -> std::sync::RwLockReadGuard<'_, Hidden> {
        self.hidden.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn hidden_mut(&self) -> std::sync::RwLockWriteGuard<'_, Hidden> {
        self.hidden.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Why an entry of a purged document, or by a blocked key, is refused.
    pub(super) fn moderated(&self, entry: &Entry) -> Option<IngestError> {
        let hidden = self.hidden();
        let header = entry.header();
        if !hidden.blocked.is_empty() {
            for key in [header.author, header.creator] {
                if hidden.blocked.contains(&key) {
                    return Some(IngestError::Blocked(key));
                }
            }
        }
        (!hidden.purged.is_empty() && hidden.purged.contains(&entry.document()))
            .then(|| IngestError::Purged(entry.document()))
    }

    /// The secretariat's node marks a create or change it stores, to be acknowledged.
    pub(super) fn to_acknowledge(&self, entry: &Entry, batch: &mut WriteBatch) -> Result<(), StoreError> {
        if self.acknowledges && self.backend.get(&keys::receipt(&entry.id()))?.is_none() {
            batch.put(keys::unacknowledged(&entry.id()), Vec::new());
        }
        Ok(())
    }

    /// Checks and indexes a statement (applied alone: see the module's
    /// documentation); `batch` gets its records, `pending` what changes in
    /// memory once they are written.
    pub(super) fn ingest_statement(
        &self,
        entry: &Entry,
        batch: &mut WriteBatch,
        pending: &mut Pending,
    ) -> Result<Result<(), IngestError>, StoreError> {
        let signed = entry.statement().expect("a verified statement's payload decodes");
        let Some(secretariat) = &self.secretariat else {
            return Ok(Err(IngestError::Statement(
                "this store was opened without its network's secretariat key".into(),
            )));
        };
        let authority = match signed.authority(entry, secretariat, &self.network) {
            Ok(authority) => authority,
            Err(error) => return Ok(Err(IngestError::Statement(error.to_string()))),
        };
        let incoming = Incoming { entry, signed, authority };
        let timestamp = entry.header().timestamp_ms;
        match &incoming.signed.statement {
            Statement::Receipt { entries } => {
                for id in entries {
                    let earlier = self.backend.get(&keys::receipt(id))?.and_then(|value| read_ms(&value));
                    if earlier.is_none_or(|earlier| timestamp < earlier) {
                        batch.put(keys::receipt(id), timestamp.to_be_bytes().to_vec());
                    }
                    batch.delete(keys::unacknowledged(id));
                }
            }
            Statement::Curator { key, granted } => {
                batch.put(keys::curator(key, timestamp, &entry.id()), vec![u8::from(*granted)]);
                batch.put(keys::REFOLD.to_vec(), Vec::new());
                pending.refold = true;
            }
            Statement::Curate { document, .. } => {
                self.index_and_fold(&incoming, document.0, batch, pending)?;
            }
            Statement::TagList { .. } => self.index_and_fold(&incoming, TAGS_SUBJECT, batch, pending)?,
            Statement::Custody { hub, held } => self.ingest_custody(entry, hub, held, batch)?,
            statement @ (Statement::Publication { .. } | Statement::Taxonomy { .. }) => {
                pending.taxonomy |= self.index_publication(entry, statement, batch);
            }
            Statement::Moderate { subject, action, .. } => {
                if let (Action::Purge, Subject::Document(document)) = (action, subject) {
                    self.purge_by_moderation(document, &entry.id(), batch, pending)?;
                }
                if let (Action::Block, Subject::Author(key)) = (action, subject) {
                    self.block(key, &entry.id(), batch, pending)?;
                }
                self.index_and_fold(&incoming, subject.bytes(), batch, pending)?;
            }
        }
        Ok(Ok(()))
    }

    /// Indexes a statement under `subject`, folds the subject again with
    /// it, and has listing follow what it now hides.
    fn index_and_fold(
        &self,
        incoming: &Incoming<'_>,
        subject: [u8; 32],
        batch: &mut WriteBatch,
        pending: &mut Pending,
    ) -> Result<(), StoreError> {
        batch.put(keys::about(&subject, &incoming.entry.id()), Vec::new());
        let before = self.desk_state(&subject)?;
        let after = self.fold(&subject, Some(incoming))?;
        self.write_fold(subject, &before, after, batch, &mut pending.listings, &mut pending.hidden)
    }

    /// Writes a subject's new state; the list index and the hidden set follow.
    fn write_fold(
        &self,
        subject: [u8; 32],
        before: &DeskState,
        after: DeskState,
        batch: &mut WriteBatch,
        listings: &mut Vec<Listing>,
        hidden: &mut Vec<([u8; 32], DeskState)>,
    ) -> Result<(), StoreError> {
        if *before == after {
            return Ok(());
        }
        let was = hides(before);
        let now = hides(&after);
        if was != now && subject != TAGS_SUBJECT {
            self.relist(subject, after.author, now, listings)?;
        }
        batch.put(keys::desk_state(&subject), serde_json::to_vec(&after).expect("the desk's state serialises"));
        hidden.push((subject, after));
        Ok(())
    }

    /// Takes the documents of `subject` (a document, or every document of
    /// an author key) out of listing, or puts them back.
    fn relist(
        &self,
        subject: [u8; 32],
        is_author: bool,
        hide: bool,
        listings: &mut Vec<Listing>,
    ) -> Result<(), StoreError> {
        let hidden = self.hidden();
        let author = PublicKey::from_bytes(subject).ok().filter(|_| is_author).map(|key| key.to_did_key());
        let mut rows = Vec::new();
        match &author {
            None => rows.extend(self.list_row(&DocumentId(subject))?),
            Some(did) => {
                for row in self.list_rows() {
                    let row = row?;
                    if row.creator == *did {
                        rows.push(row);
                    }
                }
            }
        }
        for row in rows {
            if hide {
                listings.push(Listing::Remove(row.created_ms, row.id));
                continue;
            }
            // Shown again unless still hidden the other way (the document
            // itself, or its author).
            let still = match author {
                Some(_) => hidden.documents.contains(&row.id),
                None => hidden.authors.contains(&row.creator),
            };
            if !still && let Some((row, words)) = self.list_row_with_words(&row.id)? {
                listings.push(Listing::Put(Box::new(row), words));
            }
        }
        Ok(())
    }

    /// Purges a document's content as a withdrawal would, for good.
    fn purge_by_moderation(
        &self,
        document: &DocumentId,
        statement: &EntryId,
        batch: &mut WriteBatch,
        pending: &mut Pending,
    ) -> Result<(), StoreError> {
        if self.backend.get(&keys::doc(keys::MODERATION_PURGE, document))?.is_some() {
            return Ok(());
        }
        batch.put(keys::doc(keys::MODERATION_PURGE, document), statement.0.to_vec());
        if let Some(created_ms) = self.purge_into(document, batch)? {
            pending.listings.push(Listing::Remove(created_ms, *document));
        }
        self.deferred().drop_document(document);
        self.docs().remove(document);
        pending.recount = true;
        pending.purged.push(*document);
        Ok(())
    }

    /// Purges every document of `key` and refuses its entries from now on.
    fn block(
        &self,
        key: &PublicKey,
        statement: &EntryId,
        batch: &mut WriteBatch,
        pending: &mut Pending,
    ) -> Result<(), StoreError> {
        if self.backend.get(&keys::blocked(key))?.is_some() {
            return Ok(());
        }
        batch.put(keys::blocked(key), statement.0.to_vec());
        let did = key.to_did_key();
        let mut theirs = Vec::new();
        for row in self.list_rows() {
            let row = row?;
            if row.creator == did {
                theirs.push(row.id);
            }
        }
        for document in theirs {
            if let Some(created_ms) = self.purge_into(&document, batch)? {
                pending.listings.push(Listing::Remove(created_ms, document));
            }
            self.deferred().drop_document(&document);
            self.docs().remove(&document);
        }
        pending.recount = true;
        pending.blocked.push(*key);
        Ok(())
    }

    /// After a batch is written: what it changed of the hidden set.
    pub(super) fn applied_desk(&self, pending: &mut Pending) {
        if pending.hidden.is_empty() && pending.purged.is_empty() && pending.blocked.is_empty() {
            return;
        }
        let mut hidden = self.hidden_mut();
        for (subject, state) in pending.hidden.drain(..) {
            match PublicKey::from_bytes(subject) {
                Ok(key) if state.author => hidden.authors.remove(&key.to_did_key()),
                _ => hidden.documents.remove(&DocumentId(subject)),
            };
            remember(&mut hidden, subject, &state);
        }
        hidden.purged.extend(pending.purged.drain(..));
        hidden.blocked.extend(pending.blocked.drain(..));
    }

    /// Folds every subject again (the curators changed); `listings` gets
    /// what changes in the list index.
    pub(super) fn refold_all(&self, listings: &mut Vec<Listing>) -> Result<(), StoreError> {
        let mut subjects: Vec<[u8; 32]> = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::ABOUT]) {
            let (key, _) = pair?;
            let subject = keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            if subjects.last() != Some(&subject) {
                subjects.push(subject);
            }
        }
        let mut batch = WriteBatch::default();
        let mut changed = Vec::new();
        for subject in subjects {
            let before = self.desk_state(&subject)?;
            let after = self.fold(&subject, None)?;
            self.write_fold(subject, &before, after, &mut batch, listings, &mut changed)?;
        }
        batch.delete(keys::REFOLD.to_vec());
        self.backend.apply(batch)?;
        let mut pending = Pending { hidden: changed, ..Pending::default() };
        self.applied_desk(&mut pending);
        Ok(())
    }

    /// A subject's state as stored.
    pub fn desk_state(&self, subject: &[u8; 32]) -> Result<DeskState, StoreError> {
        match self.backend.get(&keys::desk_state(subject))? {
            None => Ok(DeskState::default()),
            Some(value) => {
                serde_json::from_slice(&value).map_err(|_| StoreError::Damaged(format!("desk state {}", hex(subject))))
            }
        }
    }

    /// The statements stored about `subject`, each with what it says.
    fn statements_about(&self, subject: &[u8; 32]) -> Result<Vec<(Entry, Signed)>, StoreError> {
        let mut out = Vec::new();
        for pair in self.backend.scan_prefix(&keys::about_prefix(subject)) {
            let (key, _) = pair?;
            let id = EntryId(keys::id_at(&key, 32).ok_or_else(|| StoreError::Damaged(hex(&key)))?);
            if let Some(entry) = self.entry(&id)?
                && let Some(signed) = entry.statement()
            {
                out.push((entry, signed));
            }
        }
        Ok(out)
    }

    /// The state `subject`'s effective statements (with `incoming`) make.
    fn fold(&self, subject: &[u8; 32], incoming: Option<&Incoming<'_>>) -> Result<DeskState, StoreError> {
        let mut said: Vec<(u64, EntryId, Statement)> = Vec::new();
        let Some(secretariat) = &self.secretariat else { return Ok(DeskState::default()) };
        for (entry, signed) in self.statements_about(subject)? {
            let Ok(authority) = signed.authority(&entry, secretariat, &self.network) else { continue };
            if self.counts_for(&entry, authority)? {
                said.push((entry.header().timestamp_ms, entry.id(), signed.statement));
            }
        }
        if let Some(incoming) = incoming
            && self.counts_for(incoming.entry, incoming.authority)?
            && !said.iter().any(|(_, id, _)| *id == incoming.entry.id())
        {
            said.push((incoming.entry.header().timestamp_ms, incoming.entry.id(), incoming.signed.statement.clone()));
        }
        said.sort_by_key(|(timestamp, id, _)| (*timestamp, *id));
        let mut state = DeskState::default();
        for (timestamp, id, statement) in said {
            match statement {
                Statement::Curate { status, tags, note, .. } => {
                    if let Some(status) = status {
                        state.status = Some((status, timestamp));
                    }
                    if let Some(tags) = tags {
                        state.tags = tags;
                    }
                    if note.is_some() {
                        state.notes.push(id);
                    }
                }
                Statement::Moderate { subject, action, reason, text } => {
                    state.author |= matches!(subject, Subject::Author(_));
                    let permanent = state
                        .moderation
                        .as_ref()
                        .is_some_and(|shown| matches!(shown.action, Action::Purge | Action::Block));
                    if !permanent {
                        state.moderation = match action {
                            Action::Unhide => None,
                            _ => Some(Moderation { action, reason, text, at_ms: timestamp }),
                        };
                    }
                }
                Statement::TagList { tags } => state.tag_list = Some(tags),
                Statement::Receipt { .. }
                | Statement::Curator { .. }
                | Statement::Custody { .. }
                | Statement::Publication { .. }
                | Statement::Taxonomy { .. } => {}
            }
        }
        Ok(state)
    }

    /// Whether a statement counts: the secretariat's always; a curator's
    /// unless the curator was revoked after the grant it carries and no
    /// later than it (and not granted again in between).
    pub(super) fn counts_for(&self, entry: &Entry, authority: Authority) -> Result<bool, StoreError> {
        let Authority::Curator { granted_ms } = authority else { return Ok(true) };
        let at = entry.header().timestamp_ms;
        let mut last: Option<((u64, EntryId), bool)> = None;
        for pair in self.backend.scan_prefix(&keys::curator_prefix(&entry.header().author)) {
            let (key, value) = pair?;
            let damaged = || StoreError::Damaged(hex(&key));
            let time = key.get(33..41).and_then(read_ms).ok_or_else(damaged)?;
            let id = EntryId(keys::id_at(&key, 40).ok_or_else(damaged)?);
            if (granted_ms..=at).contains(&time) && last.is_none_or(|(order, _)| (time, id) > order) {
                last = Some(((time, id), value.first() == Some(&1)));
            }
        }
        Ok(last.is_none_or(|(_, granted)| granted))
    }

    /// When the secretariat first acknowledged an entry.
    pub fn receipt(&self, id: &EntryId) -> Result<Option<u64>, StoreError> {
        Ok(self.backend.get(&keys::receipt(id))?.and_then(|value| read_ms(&value)))
    }

    /// Up to `limit` entries the secretariat's node stored and has not acknowledged.
    pub fn unacknowledged(&self, limit: usize) -> Result<Vec<EntryId>, StoreError> {
        let mut out = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::UNACKNOWLEDGED]).take(limit) {
            let (key, _) = pair?;
            out.push(EntryId(keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?));
        }
        Ok(out)
    }

    /// The submissions whose status is `status` (one pass over the curated
    /// subjects, not over every submission).
    pub fn with_status(&self, status: Status) -> Result<Vec<DocumentId>, StoreError> {
        let mut out = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::DESK_STATE]) {
            let (key, value) = pair?;
            let subject = keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            let state: DeskState = serde_json::from_slice(&value).map_err(|_| StoreError::Damaged(hex(&key)))?;
            if state.status.is_some_and(|(have, _)| have == status) {
                out.push(DocumentId(subject));
            }
        }
        Ok(out)
    }

    /// Whether listing leaves the document out.
    pub fn is_hidden(&self, document: &DocumentId, creator: &PublicKey) -> bool {
        let hidden = self.hidden();
        hidden.documents.contains(document)
            || (!hidden.authors.is_empty() && hidden.authors.contains(&creator.to_did_key()))
    }

    /// The curator keys the secretariat granted and has not revoked since,
    /// each with its newest grant statement.
    pub fn curators(&self) -> Result<Vec<(PublicKey, EntryId)>, StoreError> {
        let mut latest: Vec<(PublicKey, (u64, EntryId), bool)> = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::CURATOR]) {
            let (key, value) = pair?;
            let damaged = || StoreError::Damaged(hex(&key));
            let curator = PublicKey::from_bytes(keys::id_at(&key, 0).ok_or_else(damaged)?).map_err(|_| damaged())?;
            let time = key.get(33..41).and_then(read_ms).ok_or_else(damaged)?;
            let id = EntryId(keys::id_at(&key, 40).ok_or_else(damaged)?);
            let granted = value.first() == Some(&1);
            match latest.iter_mut().find(|(key, _, _)| *key == curator) {
                Some(slot) if (time, id) > slot.1 => *slot = (curator, (time, id), granted),
                Some(_) => {}
                None => latest.push((curator, (time, id), granted)),
            }
        }
        Ok(latest.into_iter().filter(|(_, _, granted)| *granted).map(|(key, (_, id), _)| (key, id)).collect())
    }

    /// The statement ids about a subject (its history on the desk).
    pub fn statements_on(&self, subject: &[u8; 32]) -> Result<Vec<Entry>, StoreError> {
        let mut entries: Vec<Entry> = self.statements_about(subject)?.into_iter().map(|(entry, _)| entry).collect();
        entries.sort_by_key(|entry| (entry.header().timestamp_ms, entry.id()));
        Ok(entries)
    }
}

/// Whether a state hides its subject from listing.
fn hides(state: &DeskState) -> bool {
    state.moderation.as_ref().is_some_and(|moderation| moderation.action != Action::Unhide)
}

fn remember(hidden: &mut Hidden, subject: [u8; 32], state: &DeskState) {
    if !hides(state) || subject == TAGS_SUBJECT {
        return;
    }
    match PublicKey::from_bytes(subject) {
        Ok(key) if state.author => hidden.authors.insert(key.to_did_key()),
        _ => hidden.documents.insert(DocumentId(subject)),
    };
}

fn read_ms(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?))
}

/// Whether an entry is a statement (stored alone: see the module's documentation).
pub(super) fn is_statement(entry: &Entry) -> bool {
    entry.header().kind == EntryKind::Statement
}
