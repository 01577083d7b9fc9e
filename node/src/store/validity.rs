//! Validity that converges: whether a change is accepted depends only on the
//! change and its causal past, and what a document shows depends only on
//! the set of its accepted changes, never on the order they arrived in.
//!
//! - A create is checked alone: the document its change builds must be a
//!   valid submission.
//! - A change is checked on its causal past: the changes its automerge
//!   dependencies name, and theirs, down to the document's create. The
//!   document they build with the change must be a valid submission of the
//!   create's kind. Concurrent siblings play no part, so every node that
//!   holds the change's past reaches the same verdict. A change whose past
//!   is not all stored yet waits (`deferred.rs`).
//! - The document shown is the merge of every accepted create and change.
//!   Two concurrent changes may each be valid and their merge not (say,
//!   together over the size limit, or the same author's two edits made
//!   with the same sequence number on two nodes): then the document shown
//!   is the state of the newest head (the accepted change no other
//!   accepted change depends on, latest by timestamp, then entry id) that
//!   builds a valid submission. Either way it is a function of the set of
//!   accepted changes, so nodes that hold the same set show the same.

use std::collections::{HashMap, HashSet};

use convene_protocol::attachment::Limits;
use convene_protocol::change_limits::{MAX_DOCUMENT_BYTES, MAX_DOCUMENT_CHANGES};
use convene_protocol::document::{self, ChangeHash, Doc, DocumentError, ParsedChange};
use convene_protocol::entry::{Entry, EntryKind};
use convene_protocol::keys::PublicKey;
use convene_protocol::kinds::SubmissionKind;
use convene_protocol::problem::ValidationErrors;
use convene_protocol::schema;
use serde_json::{Map, Value};

/// A document's creates and changes, each parsed once.
pub(crate) struct History {
    items: Vec<(Entry, ParsedChange)>,
    by_hash: HashMap<ChangeHash, usize>,
}

/// What a document shows.
pub(crate) struct Shown {
    pub(crate) fields: Map<String, Value>,
    pub(crate) kind: SubmissionKind,
    pub(crate) creator: PublicKey,
    /// The earliest create's timestamp.
    pub(crate) created_ms: u64,
    /// The latest create's or change's timestamp.
    pub(crate) updated_ms: u64,
    /// How many creates and changes it holds.
    pub(crate) changes: u32,
}

/// Why a change is refused on its past.
pub(crate) enum ChangeFault {
    /// Its past holds no create of its document.
    NoCreate,
    /// It and its past do not build a document.
    Unbuildable(DocumentError),
    /// They build an invalid submission.
    Invalid(ValidationErrors),
    /// They build a submission of another kind than the create's.
    KindChanged { from: SubmissionKind, to: SubmissionKind },
    /// It and its past hold more changes or bytes than a document may.
    TooLarge { changes: usize, bytes: usize },
}

/// The document limits (`change_limits.rs`) on a change of `size` bytes
/// whose past holds `changes` creates and changes of `bytes` bytes.
pub(crate) fn within_limits(changes: usize, bytes: usize, size: usize) -> Result<(), ChangeFault> {
    let (changes, bytes) = (changes + 1, bytes + size);
    if changes > MAX_DOCUMENT_CHANGES || bytes > MAX_DOCUMENT_BYTES {
        return Err(ChangeFault::TooLarge { changes, bytes });
    }
    Ok(())
}

impl History {
    /// No creates or changes.
    pub(crate) fn empty() -> Self {
        Self { items: Vec::new(), by_hash: HashMap::new() }
    }

    /// The creates and changes among `entries` (grants and withdrawals are
    /// left out), parsed.
    pub(crate) fn of(entries: Vec<Entry>) -> Result<Self, DocumentError> {
        let mut history = Self::empty();
        for entry in entries {
            if matches!(entry.header().kind, EntryKind::Create | EntryKind::Change) {
                let parsed = ParsedChange::parse(entry.payload())?;
                history.push(entry, parsed);
            }
        }
        Ok(history)
    }

    /// Adds one more.
    pub(crate) fn push(&mut self, entry: Entry, parsed: ParsedChange) {
        self.by_hash.entry(parsed.hash()).or_insert(self.items.len());
        self.items.push((entry, parsed));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many creates are here: more than one when the creator signed
    /// two for the same nonce.
    pub(crate) fn creates(&self) -> usize {
        self.items.iter().filter(|(entry, _)| entry.header().kind == EntryKind::Create).count()
    }

    /// The size of every create and change here ([`ParsedChange::size`]).
    pub(crate) fn bytes(&self) -> usize {
        self.items.iter().map(|(_, parsed)| parsed.size()).sum()
    }

    /// The hashes of the changes no other one here depends on, sorted.
    pub(crate) fn heads(&self) -> Vec<ChangeHash> {
        let depended_on: HashSet<ChangeHash> = self.items.iter().flat_map(|(_, parsed)| parsed.deps()).collect();
        let mut heads: Vec<ChangeHash> =
            self.items.iter().map(|(_, parsed)| parsed.hash()).filter(|hash| !depended_on.contains(hash)).collect();
        heads.sort_unstable();
        heads.dedup();
        heads
    }

    /// The document all of them build.
    pub(crate) fn doc(&self) -> Result<Doc, DocumentError> {
        Doc::build(self.items.iter().map(|(_, parsed)| parsed.clone()).collect())
    }

    /// The changes `deps` name and, transitively, theirs: their positions,
    /// or the hash of the first one that is not here.
    pub(crate) fn past(&self, deps: impl IntoIterator<Item = ChangeHash>) -> Result<Vec<usize>, ChangeHash> {
        let mut seen = HashSet::new();
        let mut stack: Vec<ChangeHash> = deps.into_iter().collect();
        let mut out = Vec::new();
        while let Some(hash) = stack.pop() {
            let &index = self.by_hash.get(&hash).ok_or(hash)?;
            if seen.insert(index) {
                out.push(index);
                stack.extend(self.items[index].1.deps());
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// The verdict on `parsed` (not yet here) given its past, `past`; the
    /// fields and kind it leaves the document with when it is valid.
    pub(crate) fn check_change(
        &self,
        past: &[usize],
        parsed: &ParsedChange,
        limits: &Limits,
    ) -> Result<(Map<String, Value>, SubmissionKind), ChangeFault> {
        let creates: Vec<usize> =
            past.iter().copied().filter(|&index| self.items[index].0.header().kind == EntryKind::Create).collect();
        let [create] = creates[..] else {
            // None, or several: several creates of one author cannot merge
            // (both are its first change), so building would fail anyway.
            return Err(if creates.is_empty() {
                ChangeFault::NoCreate
            } else {
                ChangeFault::Unbuildable(DocumentError::Automerge("its past holds two creates".into()))
            });
        };
        let past_bytes = past.iter().map(|&index| self.items[index].1.size()).sum();
        within_limits(past.len(), past_bytes, parsed.size())?;
        let mut changes: Vec<ParsedChange> = past.iter().map(|&index| self.items[index].1.clone()).collect();
        changes.push(parsed.clone());
        let fields = document::materialise_parsed(changes).map_err(ChangeFault::Unbuildable)?;
        let kind = schema::validate_public(&fields, limits).map_err(ChangeFault::Invalid)?;
        // The create was checked when it was stored: its kind is valid.
        let created =
            document::materialise_parsed(vec![self.items[create].1.clone()]).map_err(ChangeFault::Unbuildable)?;
        let created_kind = created.get("kind").and_then(Value::as_str).and_then(SubmissionKind::parse);
        match created_kind {
            Some(from) if from != kind => Err(ChangeFault::KindChanged { from, to: kind }),
            _ => Ok((fields, kind)),
        }
    }

    /// What the document shows (see the module documentation); `None`
    /// without a create. An error means that no head builds a valid
    /// submission, which the checks made when storing rule out: the store
    /// was altered.
    pub(crate) fn shown(&self, limits: &Limits) -> Result<Option<Shown>, String> {
        let creates = self.items.iter().filter(|(entry, _)| entry.header().kind == EntryKind::Create);
        let Some(creator) = creates.clone().next().map(|(entry, _)| entry.header().creator) else {
            return Ok(None);
        };
        let created_ms = creates.map(|(entry, _)| entry.header().timestamp_ms).min().unwrap_or(0);
        let updated_ms = self.items.iter().map(|(entry, _)| entry.header().timestamp_ms).max().unwrap_or(0);
        let shown =
            |fields, kind| Shown { fields, kind, creator, created_ms, updated_ms, changes: self.items.len() as u32 };
        let all = self.items.iter().map(|(_, parsed)| parsed.clone()).collect();
        let merged = document::materialise_parsed(all).map_err(|error| error.to_string());
        let why = match merged
            .and_then(|fields| Ok((schema::validate_public(&fields, limits).map_err(|e| e.to_string())?, fields)))
        {
            Ok((kind, fields)) => return Ok(Some(shown(fields, kind))),
            Err(why) => why,
        };
        // The merge is not a valid submission: the newest head that is.
        let depended_on: HashSet<ChangeHash> = self.items.iter().flat_map(|(_, parsed)| parsed.deps()).collect();
        let mut heads: Vec<usize> =
            (0..self.items.len()).filter(|&index| !depended_on.contains(&self.items[index].1.hash())).collect();
        heads.sort_by_key(|&index| {
            let entry = &self.items[index].0;
            std::cmp::Reverse((entry.header().timestamp_ms, entry.id()))
        });
        for head in heads {
            let Ok(mut past) = self.past(self.items[head].1.deps()) else { continue };
            past.push(head);
            let changes = past.iter().map(|&index| self.items[index].1.clone()).collect();
            if let Ok(fields) = document::materialise_parsed(changes)
                && let Ok(kind) = schema::validate_public(&fields, limits)
            {
                return Ok(Some(shown(fields, kind)));
            }
        }
        Err(format!("neither its merge nor any of its heads builds a valid submission: {why}"))
    }
}
