//! The secretariat's desk on a node: signing statements (receipts,
//! curation, moderation, curators, the tag list) and reading what they add
//! up to (`store/desk.rs` keeps them).

use convene_protocol::entry::{DocumentId, Entry, EntryHeader, EntryId, EntryKind};
use convene_protocol::keys::{PublicKey, SecretKey};
use convene_protocol::seal;
use convene_protocol::statement::{
    Action, MAX_RECEIPT_ENTRIES, MAX_TAGS, Origin, Reason, Signed, Statement, Status, Subject, TagDef, is_tag_code,
};

use super::{Node, now_ms};
use crate::error::NodeError;
use crate::store::{DeskState, IngestOutcome, Moderation};

/// A submission's place on the secretariat's desk, as every node shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeskView {
    /// When the secretariat first acknowledged the submission (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_ms: Option<u64>,
    /// Its entries (edits) the secretariat has not acknowledged yet.
    #[serde(default)]
    pub unacknowledged: u32,
    /// Its status, once curated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// When the status was set (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_ms: Option<u64>,
    /// Its tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The moderation hiding it (of it, or of its author).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<Moderation>,
    /// How many sealed notes the secretariat holds on it.
    #[serde(default)]
    pub notes: u32,
}

/// A note on a submission, opened (the secretariat's node only).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// When (ms).
    pub at_ms: u64,
    /// Who wrote it (the secretariat's key or a curator's).
    pub by: PublicKey,
    /// What it says.
    pub text: String,
}

/// What the desk is asked to do: the CLI, the API and the pages send these.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeskRequest {
    /// Curate submissions: each part given changes each of them.
    Curate {
        /// Their ids (or unique prefixes).
        ids: Vec<String>,
        /// A new status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<Status>,
        /// Tags to add (from the secretariat's list).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        add_tags: Vec<String>,
        /// Tags to take off.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        remove_tags: Vec<String>,
        /// A note for the secretariat (sealed: hubs relay it blind).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Hide or show again a submission, or every submission of an author
    /// (`did:key:…`); with `purge`, erase for good (an author: blocked).
    Moderate {
        /// A submission id, or an author's `did:key`.
        subject: String,
        /// Hide (true) or show again (false).
        hide: bool,
        /// Erase the content for good (hiding only).
        #[serde(default)]
        purge: bool,
        /// Why.
        #[serde(default = "other")]
        reason: Reason,
        /// Why, in words its author will read.
        #[serde(default)]
        text: String,
    },
    /// Grant or revoke a curator (the secretariat's node only).
    Curator {
        /// The curator's `did:key`.
        key: String,
        /// Granted (else revoked).
        granted: bool,
    },
    /// Change the secretariat's list of tags.
    Tags {
        /// Tags to add, or to give a new title.
        #[serde(default)]
        add: Vec<TagDef>,
        /// Codes to take off the list.
        #[serde(default)]
        remove: Vec<String>,
    },
    /// Publish a page of the guide to every node, or retract it (an empty body).
    Publish {
        /// Its name in addresses (`guiding-questions`).
        slug: String,
        /// Its language tag (`en`).
        lang: String,
        /// Its title (none for a retraction).
        #[serde(default)]
        title: String,
        /// Its text in Markdown; empty retracts the page.
        #[serde(default)]
        body: String,
    },
    /// Publish a new version of the taxonomy to every node (the
    /// secretariat's key only): the same codes, new titles.
    Taxonomy {
        /// The taxonomy document, as JSON.
        json: String,
    },
}

fn other() -> Reason {
    Reason::Other
}

/// Longest note, in characters (at most 4 KiB, sealed whole).
pub const MAX_NOTE_CHARS: usize = seal::MAX_SEALED_PLAINTEXT / 4;
/// Longest moderation text, in characters (its bytes fit the statement's bound).
pub const MAX_REASON_CHARS: usize = convene_protocol::statement::MAX_REASON_TEXT_BYTES / 4;
/// Longest tag title, in characters (its bytes fit the statement's bound).
pub const MAX_TAG_TITLE_CHARS: usize = convene_protocol::statement::MAX_TAG_TITLE_BYTES / 4;

/// What a note is bound to: its document.
fn note_context(document: &DocumentId) -> Vec<u8> {
    [b"convene note on document ".as_slice(), &document.0].concat()
}

impl Node {
    /// Does what `request` asks, signed by `signer` (a curator's identity)
    /// or, without one, by the secretariat's key (its node only). Returns
    /// the statements signed.
    pub fn desk(&self, signer: Option<&SecretKey>, request: &DeskRequest) -> Result<Vec<EntryId>, NodeError> {
        match request {
            DeskRequest::Curate { ids, status, add_tags, remove_tags, note } => {
                if status.is_none() && add_tags.is_empty() && remove_tags.is_empty() && note.is_none() {
                    return Err(NodeError::Usage(
                        "say what to change: a status, tags to add or remove, or a note".into(),
                    ));
                }
                if ids.is_empty() {
                    return Err(NodeError::Usage("name at least one submission".into()));
                }
                if !add_tags.is_empty() {
                    let listed = self.tag_list()?;
                    if let Some(unknown) = add_tags.iter().find(|tag| !listed.iter().any(|def| def.code == **tag)) {
                        return Err(NodeError::DeskRefused(format!(
                            "tag `{unknown}` is not on the secretariat's list; add it first with \
                             `convene tags add {unknown} --title \"…\"`"
                        )));
                    }
                }
                if let Some(note) = note
                    && (note.trim().is_empty() || note.chars().count() > MAX_NOTE_CHARS)
                {
                    return Err(NodeError::Usage(format!("a note holds 1 to {MAX_NOTE_CHARS} characters")));
                }
                let documents = ids.iter().map(|id| self.resolve(id)).collect::<Result<Vec<_>, _>>()?;
                let mut signed = Vec::with_capacity(documents.len());
                for document in documents {
                    if !self.inner.store.is_listed(&document)? {
                        return Err(NodeError::NotFound(document.to_string()));
                    }
                    let tags = if add_tags.is_empty() && remove_tags.is_empty() {
                        None
                    } else {
                        let mut tags = self.inner.store.desk_state(&document.0)?.tags;
                        tags.retain(|tag| !remove_tags.contains(tag));
                        for tag in add_tags {
                            if !tags.contains(tag) {
                                tags.push(tag.clone());
                            }
                        }
                        if tags.len() > MAX_TAGS {
                            return Err(NodeError::DeskRefused(format!(
                                "a submission carries at most {MAX_TAGS} tags; take some off with --untag"
                            )));
                        }
                        Some(tags)
                    };
                    let note = note.as_ref().map(|text| {
                        seal::seal(
                            &self.inner.genesis.secretariat_encryption_key,
                            text.trim().as_bytes(),
                            &note_context(&document),
                        )
                    });
                    let statement = Statement::Curate { document, status: *status, tags, note };
                    signed.push(self.state(signer, statement)?);
                }
                Ok(signed)
            }
            DeskRequest::Moderate { subject, hide, purge, reason, text } => {
                if text.chars().count() > MAX_REASON_CHARS {
                    return Err(NodeError::Usage(format!(
                        "the reason's text is too long (at most {MAX_REASON_CHARS} characters)"
                    )));
                }
                let subject = match subject.trim().parse::<PublicKey>() {
                    Ok(key) => Subject::Author(key),
                    Err(_) => Subject::Document(self.resolve(subject)?),
                };
                let action = match (hide, purge, subject) {
                    (false, true, _) => {
                        return Err(NodeError::DeskRefused(
                            "a purge cannot be undone: there is nothing to show again".into(),
                        ));
                    }
                    (false, false, _) => Action::Unhide,
                    (true, false, _) => Action::Hide,
                    (true, true, Subject::Document(_)) => Action::Purge,
                    (true, true, Subject::Author(_)) => Action::Block,
                };
                let statement = Statement::Moderate { subject, action, reason: *reason, text: text.trim().to_owned() };
                Ok(vec![self.state(signer, statement)?])
            }
            DeskRequest::Curator { key, granted } => {
                let key = key.trim().parse::<PublicKey>().map_err(|_| NodeError::NotAKey(key.clone()))?;
                Ok(vec![self.state(signer, Statement::Curator { key, granted: *granted })?])
            }
            DeskRequest::Tags { add, remove } => {
                let mut tags = self.tag_list()?;
                tags.retain(|tag| !remove.contains(&tag.code));
                for new in add {
                    let code = new.code.clone();
                    let title = new.title.trim().to_owned();
                    if !is_tag_code(&code) || title.is_empty() || new.title.chars().count() > MAX_TAG_TITLE_CHARS {
                        return Err(NodeError::Usage(format!(
                            "tag `{}`: a code is lowercase letters, digits, - and _ (at most 40), and needs a \
                             title of at most {MAX_TAG_TITLE_CHARS} characters",
                            new.code
                        )));
                    }
                    match tags.iter_mut().find(|tag| tag.code == code) {
                        Some(tag) => tag.title = title,
                        None => tags.push(TagDef { code, title }),
                    }
                }
                Ok(vec![self.state(signer, Statement::TagList { tags })?])
            }
            DeskRequest::Publish { slug, lang, title, body } => {
                let statement = super::publications::page_statement(slug, lang, title, body)?;
                // Dated after the page's newest statement, so it replaces it
                // even where that one carries a clock running ahead.
                let after = self.inner.store.newest_page_ms(slug, lang)?.map_or(0, |ms| ms.saturating_add(1));
                Ok(vec![self.state_after(signer, statement, after)?])
            }
            DeskRequest::Taxonomy { json } => {
                let statement = super::publications::taxonomy_statement(json, &self.taxonomy().taxonomy)?;
                Ok(vec![self.state(signer, statement)?])
            }
        }
    }

    /// Signs and stores a statement by `signer`, or by the secretariat's key.
    fn state(&self, signer: Option<&SecretKey>, statement: Statement) -> Result<EntryId, NodeError> {
        self.state_after(signer, statement, 0)
    }

    /// [`Node::state`], dated no earlier than `after_ms`.
    fn state_after(
        &self,
        signer: Option<&SecretKey>,
        statement: Statement,
        after_ms: u64,
    ) -> Result<EntryId, NodeError> {
        let secretariat = self.inner.secretariat.as_ref();
        let (secret, delegation, not_before) = match signer {
            Some(secret) if secret.public() != self.inner.genesis.secretariat_signing_key => {
                let grant = self
                    .inner
                    .store
                    .curators()?
                    .into_iter()
                    .find(|(key, _)| *key == secret.public())
                    .map(|(_, grant)| grant)
                    .ok_or(NodeError::NotCurator(secret.public()))?;
                let grant = self.inner.store.entry(&grant)?.ok_or(NodeError::NotCurator(secret.public()))?;
                (secret, Some(grant.encoded().to_vec()), grant.header().timestamp_ms)
            }
            Some(secret) => (secret, None, 0),
            None => (&secretariat.ok_or(NodeError::NoDeskKey)?.signing, None, 0),
        };
        self.sign_statement(secret, Signed { delegation, statement }, not_before.max(after_ms))
    }

    /// Signs `signed` with `secret`, dated now (no earlier than `not_before`), and stores it.
    pub(super) fn sign_statement(
        &self,
        secret: &SecretKey,
        signed: Signed,
        not_before: u64,
    ) -> Result<EntryId, NodeError> {
        let payload = signed.encode();
        let timestamp_ms = now_ms().max(not_before);
        let mut hasher = blake3::Hasher::new_derive_key("convene statement nonce v1");
        hasher.update(&payload);
        hasher.update(&timestamp_ms.to_be_bytes());
        let header = EntryHeader {
            network: self.inner.network,
            creator: secret.public(),
            nonce: hasher.finalize().as_bytes()[..16].try_into().expect("16 bytes"),
            author: secret.public(),
            timestamp_ms,
            kind: EntryKind::Statement,
        };
        let entry = Entry::sign(header, payload, secret)?;
        let id = entry.id();
        match self.ingest(vec![(entry, None)], Some(Origin::Here))?.pop() {
            Some(IngestOutcome::Rejected(error)) => Err(error.into()),
            _ => Ok(id),
        }
    }

    /// On the secretariat's node: signs a receipt for what it stored and
    /// has not acknowledged (4,096 entries a receipt). Returns how many
    /// entries it acknowledged.
    pub fn acknowledge(&self) -> Result<usize, NodeError> {
        if self.inner.secretariat.is_none() {
            return Ok(0);
        }
        let mut acknowledged = 0;
        loop {
            let entries = self.inner.store.unacknowledged(MAX_RECEIPT_ENTRIES)?;
            if entries.is_empty() {
                return Ok(acknowledged);
            }
            let count = entries.len();
            self.state(None, Statement::Receipt { entries })?;
            acknowledged += count;
            if count < MAX_RECEIPT_ENTRIES {
                return Ok(acknowledged);
            }
        }
    }

    /// A submission's place on the desk.
    pub fn desk_view(&self, id: &DocumentId, creator: &PublicKey) -> Result<DeskView, NodeError> {
        let store = &self.inner.store;
        let mut entries = store.document_entry_times(id)?;
        entries.sort_unstable();
        let mut view = DeskView::default();
        for (index, (_, entry)) in entries.iter().enumerate() {
            match store.receipt(entry)? {
                Some(at) if index == 0 => view.received_ms = Some(at),
                Some(_) => {}
                None => view.unacknowledged += 1,
            }
        }
        let state = store.desk_state(&id.0)?;
        view.status = state.status.map(|(status, _)| status);
        view.status_ms = state.status.map(|(_, at)| at);
        view.notes = state.notes.len() as u32;
        view.tags = state.tags;
        view.moderation = state.moderation.or(author_moderation(store.desk_state(creator.as_bytes())?));
        Ok(view)
    }

    /// A submission's status and tags alone (what an export carries),
    /// without the receipts [`Node::desk_view`] reads too.
    pub fn curation(&self, id: &DocumentId) -> Result<(Option<Status>, Vec<String>), NodeError> {
        let state = self.inner.store.desk_state(&id.0)?;
        Ok((state.status.map(|(status, _)| status), state.tags))
    }

    /// The sealed notes on a submission, opened: the secretariat's node only.
    pub fn notes(&self, id: &DocumentId) -> Result<Vec<Note>, NodeError> {
        let secretariat = self.inner.secretariat.as_ref().ok_or(NodeError::NotSecretariat)?;
        let mut notes = Vec::new();
        let state = self.inner.store.desk_state(&id.0)?;
        for statement in self.inner.store.statements_on(&id.0)? {
            if !state.notes.contains(&statement.id()) {
                continue;
            }
            let Some(Signed { statement: Statement::Curate { note: Some(sealed), .. }, .. }) = statement.statement()
            else {
                continue;
            };
            let text = seal::open(&secretariat.encryption, &sealed, &note_context(id))
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or(NodeError::Unsealable(*id))?;
            notes.push(Note { at_ms: statement.header().timestamp_ms, by: statement.header().author, text });
        }
        Ok(notes)
    }

    /// The tags the secretariat keeps.
    pub fn tag_list(&self) -> Result<Vec<TagDef>, NodeError> {
        Ok(self.inner.store.desk_state(&crate::store::TAGS_SUBJECT)?.tag_list.unwrap_or_default())
    }

    /// The curators the secretariat granted and has not revoked.
    pub fn curators(&self) -> Result<Vec<PublicKey>, NodeError> {
        Ok(self.inner.store.curators()?.into_iter().map(|(key, _)| key).collect())
    }

    /// Whether this node may curate: it holds the secretariat's keys.
    pub fn is_secretariat(&self) -> bool {
        self.inner.secretariat.is_some()
    }

    /// The listed submissions with `status`, newest first, at most
    /// `limit`, each with its place on the desk (read from the curated
    /// ones alone: the inbox's filter by status).
    pub fn on_desk_with_status(&self, status: Status, limit: usize) -> Result<Vec<crate::store::ListRow>, NodeError> {
        let mut rows = Vec::new();
        for id in self.inner.store.with_status(status)? {
            let Some(mut row) = self.inner.store.list_row(&id)? else { continue };
            let Ok(creator) = row.creator.parse::<PublicKey>() else { continue };
            if self.inner.store.is_hidden(&id, &creator) {
                continue;
            }
            row.desk = Some(self.desk_view(&id, &creator)?);
            rows.push(row);
        }
        rows.sort_by_key(|row| std::cmp::Reverse((row.created_ms, row.id)));
        rows.truncate(limit);
        Ok(rows)
    }

    /// The listed submissions whose first entry the secretariat has not
    /// acknowledged yet, newest first.
    pub fn not_received(&self) -> Result<Vec<crate::store::ListRow>, NodeError> {
        let mut out = Vec::new();
        for row in self.inner.store.list_rows() {
            let row = row?;
            let mut entries = self.inner.store.document_entry_times(&row.id)?;
            entries.sort_unstable();
            if let Some((_, first)) = entries.first()
                && self.inner.store.receipt(first)?.is_none()
            {
                out.push(row);
            }
        }
        out.sort_by_key(|row| std::cmp::Reverse(row.created_ms));
        Ok(out)
    }
}

/// How long the secretariat's node gathers what it stores into one receipt.
pub const RECEIPT_GATHERING: std::time::Duration = std::time::Duration::from_secs(1);

/// On the secretariat's node: acknowledges what it stores (what is
/// waiting at start first), gathering a sync's many entries for
/// [`RECEIPT_GATHERING`] into shared receipts, until the node's entries
/// stop coming (it is dropped). Elsewhere it returns at once.
pub async fn acknowledge_as_stored(node: Node) {
    if node.is_secretariat() {
        super::sign_as_stored(node, RECEIPT_GATHERING, "receipts", Node::acknowledge).await;
    }
}

/// An author's moderation, as it shows on each of their submissions.
fn author_moderation(state: DeskState) -> Option<Moderation> {
    state.moderation.filter(|_| state.author)
}
