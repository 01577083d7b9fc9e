//! Statements: the secretariat's desk as signed entries.
//!
//! A statement is an entry of kind [`EntryKind::Statement`] whose creator is
//! its author (so it is its own one-entry document, synced, bundled and
//! stored like any other entry). It says something about the corpus
//! without touching an author's text: a receipt, a curation, a moderation,
//! a curator's grant or revocation, the list of tags, a hub's custody, a
//! page the secretariat publishes, a new version of the taxonomy.
//!
//! **Who may say what** is a property of the entry and the network's
//! genesis alone ([`Signed::authority`]), so every node reaches the same
//! verdict in any order: the secretariat's signing key may say anything; a
//! curator may curate, moderate, keep the tags and publish pages, and proves it by
//! carrying the secretariat's signed grant inside its statement (the
//! `delegation`). A revocation takes effect when statements are read:
//! a revoked curator's statements dated after it count for nothing. A
//! custody statement is a hub's word about itself (which submissions it
//! holds, since when, from whom), so any key may sign one: a hub signs with
//! its node key, the one its peer id names.
//!
//! ## Encoding, version 1 (integers big-endian)
//!
//! `1 ‖ delegation: 0 | 1 ‖ u32 length ‖ encoded grant entry ‖ tag ‖ body`,
//! the body by tag: 1 receipt `u16 n ‖ n entry ids`; 2 curate `document ‖
//! flags ‖ [status] ‖ [u8 n ‖ n tags] ‖ [u16 length ‖ sealed note]`; 3
//! moderate `subject tag (1 document, 2 author) ‖ 32 bytes ‖ action ‖ reason
//! ‖ u16 length ‖ text`; 4 curator `key ‖ 0 revoke | 1 grant`; 5 tag list
//! `u16 n ‖ n × (u8 length ‖ code ‖ u8 length ‖ title)`; 6 custody `u8
//! length ‖ hub name ‖ u8 p ‖ p peer keys ‖ u16 n ‖ n × (document id ‖ u64
//! held since, ms ‖ origin: 0 written here, 1 a bundle, 2 + i peer i)`; 7
//! publication `u8 length ‖ slug ‖ u8 length ‖ language ‖ u8 length ‖
//! title ‖ u32 length ‖ Markdown body` (an empty body retracts the page);
//! 8 taxonomy `u32 length ‖ the taxonomy document as JSON`. Text is UTF-8
//! and every length is bounded below; nothing may follow the body.

use std::str::FromStr;

use crate::bytes::Reader;
use crate::entry::{DocumentId, Entry, EntryId, EntryKind};
use crate::keys::PublicKey;
use crate::network::NetworkId;
use crate::taxonomy::Taxonomy;

/// The encoding version this crate writes and reads.
pub const STATEMENT_VERSION: u8 = 1;
/// Most entries one receipt acknowledges (32 bytes each: 128 KiB).
pub const MAX_RECEIPT_ENTRIES: usize = 4_096;
/// Most tags on one submission.
pub const MAX_TAGS: usize = 32;
/// Longest tag code, in bytes: lowercase ASCII letters, digits, `-` and `_`.
pub const MAX_TAG_BYTES: usize = 40;
/// Most tags the secretariat's list holds.
pub const MAX_TAG_LIST: usize = 500;
/// Longest tag title, in bytes.
pub const MAX_TAG_TITLE_BYTES: usize = 120;
/// Longest sealed note, in bytes (a note of up to 4 KiB, sealed).
pub const MAX_SEALED_NOTE_BYTES: usize = crate::seal::MAX_SEALED_PLAINTEXT + 64;
/// Longest moderation text, in bytes.
pub const MAX_REASON_TEXT_BYTES: usize = 2_000;
/// Most submissions one custody statement names (41 bytes each: 164 KiB).
pub const MAX_CUSTODY_ENTRIES: usize = 4_096;
/// Most peers one custody statement names (origins 2 to 255).
pub const MAX_CUSTODY_PEERS: usize = 254;
/// Longest hub name in a custody statement, in bytes.
pub const MAX_HUB_NAME_BYTES: usize = 200;
/// Longest page slug, in bytes: lowercase ASCII letters, digits and `-`.
pub const MAX_SLUG_BYTES: usize = 64;
/// Longest language tag of a page, in bytes.
pub const MAX_LANGUAGE_TAG_BYTES: usize = 35;
/// Longest page title, in bytes.
pub const MAX_PAGE_TITLE_BYTES: usize = 200;
/// Longest page body, in bytes of Markdown (well within an entry's payload).
pub const MAX_PAGE_BODY_BYTES: usize = 192 * 1024;
/// Longest taxonomy document, in bytes of JSON (the shipped one is about 12 KiB).
pub const MAX_TAXONOMY_BYTES: usize = 128 * 1024;

/// A submission's place on the secretariat's desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The secretariat holds it (every acknowledged submission starts here).
    Received,
    /// Being read.
    InReview,
    /// Fed into the framework.
    Incorporated,
    /// Chosen for the public showcase (with its author's consent).
    Published,
    /// Not taken up.
    Declined,
}

impl Status {
    /// Every status, in the desk's order.
    pub const ALL: [Status; 5] =
        [Status::Received, Status::InReview, Status::Incorporated, Status::Published, Status::Declined];

    /// Its name in the API, the CLI and on disk's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::InReview => "in_review",
            Status::Incorporated => "incorporated",
            Status::Published => "published",
            Status::Declined => "declined",
        }
    }

    fn to_byte(self) -> u8 {
        Status::ALL.iter().position(|status| *status == self).expect("listed") as u8 + 1
    }

    fn from_byte(byte: u8) -> Option<Self> {
        Status::ALL.get(usize::from(byte).checked_sub(1)?).copied()
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Status::ALL.into_iter().find(|status| status.as_str() == text.replace('-', "_")).ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(|status| status.as_str()).collect();
            format!("`{text}` is not a status; use one of {}", names.join(", "))
        })
    }
}

/// What a moderation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// One submission.
    Document(DocumentId),
    /// Every submission of an author key.
    Author(PublicKey),
}

impl Subject {
    /// The 32 bytes naming it (a document id or a key).
    pub fn bytes(&self) -> [u8; 32] {
        match self {
            Subject::Document(id) => id.0,
            Subject::Author(key) => *key.as_bytes(),
        }
    }
}

/// What a moderation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Hidden from every list, page, export and dashboard; can be undone.
    Hide,
    /// Shown again.
    Unhide,
    /// A submission's content erased on every node, as a withdrawal would: for good.
    Purge,
    /// Every submission of an author erased, and the author's entries
    /// refused from then on: for good.
    Block,
}

impl Action {
    const ALL: [Action; 4] = [Action::Hide, Action::Unhide, Action::Purge, Action::Block];

    /// Its name in the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Hide => "hide",
            Action::Unhide => "unhide",
            Action::Purge => "purge",
            Action::Block => "block",
        }
    }
}

/// Why a moderation was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Unsolicited or automated junk.
    Spam,
    /// Abusive toward a person or group.
    Abuse,
    /// Content it is unlawful to hold or show.
    Unlawful,
    /// Anything else (the text says what).
    Other,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 4] = [Reason::Spam, Reason::Abuse, Reason::Unlawful, Reason::Other];

    /// Its name in the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Spam => "spam",
            Reason::Abuse => "abuse",
            Reason::Unlawful => "unlawful",
            Reason::Other => "other",
        }
    }
}

impl FromStr for Reason {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Reason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
            .ok_or_else(|| format!("`{text}` is not a reason; use spam, abuse, unlawful or other"))
    }
}

/// A tag the secretariat keeps: its code and its title.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagDef {
    /// The code curation uses (`payments`).
    pub code: String,
    /// Its title (`Payments`).
    pub title: String,
}

/// Where a hub got a submission from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(tag = "from", content = "peer", rename_all = "snake_case")]
pub enum Origin {
    /// Written at the hub.
    Here,
    /// Imported from a bundle (a USB stick).
    Bundle,
    /// Received from the peer with this node key.
    Peer(PublicKey),
}

/// One submission a hub holds, in a custody statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Held {
    /// The submission.
    pub document: DocumentId,
    /// When the hub first stored it (ms).
    pub held_ms: u64,
    /// Where it came from.
    pub from: Origin,
}

/// What a statement says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// The secretariat's node stored these entries (creates and changes).
    Receipt {
        /// The entries acknowledged.
        entries: Vec<EntryId>,
    },
    /// A submission's curation: each part given replaces the one before.
    Curate {
        /// The submission.
        document: DocumentId,
        /// Its new status.
        status: Option<Status>,
        /// Its tags, all of them.
        tags: Option<Vec<String>>,
        /// A note sealed to the secretariat, bound to the document.
        note: Option<Vec<u8>>,
    },
    /// A moderation.
    Moderate {
        /// A submission, or an author key.
        subject: Subject,
        /// What it does.
        action: Action,
        /// Why.
        reason: Reason,
        /// Why, in words the author will read.
        text: String,
    },
    /// A curator granted, or revoked (the secretariat's alone).
    Curator {
        /// The curator's key.
        key: PublicKey,
        /// Granted (else revoked).
        granted: bool,
    },
    /// The tags curation may use, all of them.
    TagList {
        /// The tags.
        tags: Vec<TagDef>,
    },
    /// A hub's custody: the submissions it holds, since when, from whom
    /// (signed by the hub's node key).
    Custody {
        /// The hub's name as its operator set it.
        hub: String,
        /// The submissions.
        held: Vec<Held>,
    },
    /// A page of the guide in one language; the newest for its slug and
    /// language replaces the ones before, and an empty body retracts it.
    Publication {
        /// Its name in addresses (`guiding-questions`).
        slug: String,
        /// Its language tag (`en`, `fr`, `pt-BR`).
        lang: String,
        /// Its title.
        title: String,
        /// Its text, in Markdown (empty: retracted).
        body: String,
    },
    /// A new version of the taxonomy (the secretariat's alone): a document
    /// that [`crate::taxonomy::Taxonomy::from_json`] reads.
    Taxonomy {
        /// The document, as JSON.
        json: String,
    },
}

/// Why a statement's payload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// Cut short, an unknown tag or version, bytes left over, or a value
    /// out of bounds.
    #[error("statement is malformed: {0}")]
    Malformed(&'static str),
    /// Signed by a key that may not say it.
    #[error("{0}")]
    NotAuthorised(&'static str),
    /// A taxonomy that may not replace the shipped one (it changes codes,
    /// or its version is not above the shipped one).
    #[error("taxonomy refused: {0}")]
    Taxonomy(String),
}

/// Who a statement speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// The secretariat's own key.
    Secretariat,
    /// A curator the secretariat granted at `granted_ms`.
    Curator {
        /// When the grant it carries was signed.
        granted_ms: u64,
    },
    /// A hub speaking of itself (custody).
    Hub,
}

/// A statement with the grant it carries, as a payload holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The secretariat's grant to the curator signing, as an encoded entry.
    pub delegation: Option<Vec<u8>>,
    /// What it says.
    pub statement: Statement,
}

impl Signed {
    /// The payload of an entry carrying it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![STATEMENT_VERSION];
        match &self.delegation {
            None => out.push(0),
            Some(grant) => {
                out.push(1);
                out.extend_from_slice(&(grant.len() as u32).to_be_bytes());
                out.extend_from_slice(grant);
            }
        }
        encode_statement(&self.statement, &mut out);
        out
    }

    /// Reads a payload: the layout and every bound (not who signed it).
    pub fn decode(payload: &[u8]) -> Result<Self, StatementError> {
        let mut reader = Reader::new(payload);
        if reader.u8() != Some(STATEMENT_VERSION) {
            return Err(StatementError::Malformed("unknown version"));
        }
        let delegation = match reader.u8() {
            Some(0) => None,
            Some(1) => {
                let length = reader.u32().ok_or(short())? as usize;
                if length > crate::entry::ENTRY_OVERHEAD_BYTES + 64 {
                    return Err(StatementError::Malformed("the grant it carries is too long"));
                }
                Some(reader.take(length).ok_or(short())?.to_vec())
            }
            _ => return Err(StatementError::Malformed("bad delegation flag")),
        };
        let statement = decode_statement(&mut reader)?;
        if reader.remaining() != 0 {
            return Err(StatementError::Malformed("bytes after the statement"));
        }
        Ok(Self { delegation, statement })
    }

    /// Whom `entry` (which carries this statement) speaks for in the
    /// network whose secretariat signs with `secretariat`: its own key, or
    /// a curator carrying the secretariat's grant of the same network,
    /// signed no later than the entry.
    pub fn authority(
        &self,
        entry: &Entry,
        secretariat: &PublicKey,
        network: &NetworkId,
    ) -> Result<Authority, StatementError> {
        let author = entry.header().author;
        if let Statement::Taxonomy { json } = &self.statement {
            if author != *secretariat {
                return Err(StatementError::NotAuthorised("only the secretariat's key publishes a taxonomy"));
            }
            let taxonomy = Taxonomy::from_json(json).map_err(|error| StatementError::Taxonomy(error.to_string()))?;
            taxonomy.check_update().map_err(StatementError::Taxonomy)?;
        }
        if author == *secretariat {
            return match self.delegation {
                None => Ok(Authority::Secretariat),
                Some(_) => Err(StatementError::Malformed("the secretariat carries no grant")),
            };
        }
        match self.statement {
            Statement::Custody { .. } => {
                return match self.delegation {
                    None => Ok(Authority::Hub),
                    Some(_) => Err(StatementError::Malformed("a hub's custody carries no grant")),
                };
            }
            Statement::Receipt { .. } => {
                return Err(StatementError::NotAuthorised("only the secretariat's key signs receipts"));
            }
            Statement::Curator { .. } => {
                return Err(StatementError::NotAuthorised("only the secretariat's key grants and revokes curators"));
            }
            Statement::Moderate { action: Action::Purge | Action::Block, .. } => {
                return Err(StatementError::NotAuthorised("only the secretariat's key purges or blocks, for good"));
            }
            _ => {}
        }
        let not_curator = StatementError::NotAuthorised(
            "signed by a key that is neither the secretariat's nor a curator's it granted",
        );
        let grant_bytes = self.delegation.as_ref().ok_or(not_curator.clone())?;
        let grant = Entry::decode_for(grant_bytes, network).map_err(|_| not_curator.clone())?;
        if grant.header().author != *secretariat || grant.header().timestamp_ms > entry.header().timestamp_ms {
            return Err(not_curator);
        }
        match grant.statement() {
            Some(Signed { delegation: None, statement: Statement::Curator { key, granted: true } })
                if key == author =>
            {
                Ok(Authority::Curator { granted_ms: grant.header().timestamp_ms })
            }
            _ => Err(not_curator),
        }
    }
}

impl Entry {
    /// For a statement: what it says (its payload was checked when the
    /// entry was made or decoded).
    pub fn statement(&self) -> Option<Signed> {
        (self.header().kind == EntryKind::Statement).then(|| Signed::decode(self.payload()).ok()).flatten()
    }
}

/// Whether `name` may name a hub in a custody statement: 1 to
/// [`MAX_HUB_NAME_BYTES`] bytes, no control or direction-override characters.
pub fn is_hub_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.len() <= MAX_HUB_NAME_BYTES
        && !name.chars().any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

/// Whether `code` may name a tag.
pub fn is_tag_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_TAG_BYTES
        && code.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' || byte == b'_')
}

/// Whether `slug` may name a page: lowercase ASCII letters, digits and
/// single `-` between them, at most [`MAX_SLUG_BYTES`].
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_BYTES
        && slug
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit()))
}

/// Whether `tag` is a simple BCP 47 language tag: a language of 2 or 3
/// lowercase letters, then subtags of 2 to 8 letters or digits (`en`,
/// `pt-BR`, `zh-Hant`, `es-419`), at most [`MAX_LANGUAGE_TAG_BYTES`].
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    tag.len() <= MAX_LANGUAGE_TAG_BYTES
        && (2..=3).contains(&language.len())
        && language.bytes().all(|byte| byte.is_ascii_lowercase())
        && parts.all(|part| (2..=8).contains(&part.len()) && part.bytes().all(|byte| byte.is_ascii_alphanumeric()))
}

fn short() -> StatementError {
    StatementError::Malformed("cut short")
}

fn encode_statement(statement: &Statement, out: &mut Vec<u8>) {
    match statement {
        Statement::Receipt { entries } => {
            out.push(1);
            out.extend_from_slice(&(entries.len() as u16).to_be_bytes());
            for id in entries {
                out.extend_from_slice(&id.0);
            }
        }
        Statement::Curate { document, status, tags, note } => {
            out.push(2);
            out.extend_from_slice(&document.0);
            out.push(u8::from(status.is_some()) | u8::from(tags.is_some()) << 1 | u8::from(note.is_some()) << 2);
            if let Some(status) = status {
                out.push(status.to_byte());
            }
            if let Some(tags) = tags {
                out.push(tags.len() as u8);
                for tag in tags {
                    short_text(tag, out);
                }
            }
            if let Some(note) = note {
                out.extend_from_slice(&(note.len() as u16).to_be_bytes());
                out.extend_from_slice(note);
            }
        }
        Statement::Moderate { subject, action, reason, text } => {
            out.push(3);
            out.push(match subject {
                Subject::Document(_) => 1,
                Subject::Author(_) => 2,
            });
            out.extend_from_slice(&subject.bytes());
            out.push(Action::ALL.iter().position(|each| each == action).expect("listed") as u8 + 1);
            out.push(Reason::ALL.iter().position(|each| each == reason).expect("listed") as u8 + 1);
            out.extend_from_slice(&(text.len() as u16).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        Statement::Curator { key, granted } => {
            out.push(4);
            out.extend_from_slice(key.as_bytes());
            out.push(u8::from(*granted));
        }
        Statement::TagList { tags } => {
            out.push(5);
            out.extend_from_slice(&(tags.len() as u16).to_be_bytes());
            for tag in tags {
                short_text(&tag.code, out);
                short_text(&tag.title, out);
            }
        }
        Statement::Custody { hub, held } => {
            out.push(6);
            short_text(hub, out);
            let mut peers: Vec<PublicKey> = Vec::new();
            for each in held {
                if let Origin::Peer(key) = each.from
                    && !peers.contains(&key)
                {
                    peers.push(key);
                }
            }
            out.push(peers.len() as u8);
            for key in &peers {
                out.extend_from_slice(key.as_bytes());
            }
            out.extend_from_slice(&(held.len() as u16).to_be_bytes());
            for each in held {
                out.extend_from_slice(&each.document.0);
                out.extend_from_slice(&each.held_ms.to_be_bytes());
                out.push(match each.from {
                    Origin::Here => 0,
                    Origin::Bundle => 1,
                    Origin::Peer(key) => 2 + peers.iter().position(|peer| *peer == key).expect("listed") as u8,
                });
            }
        }
        Statement::Publication { slug, lang, title, body } => {
            out.push(7);
            short_text(slug, out);
            short_text(lang, out);
            short_text(title, out);
            long_text(body, out);
        }
        Statement::Taxonomy { json } => {
            out.push(8);
            long_text(json, out);
        }
    }
}

fn long_text(text: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn read_long_text(reader: &mut Reader<'_>, max: usize) -> Result<String, StatementError> {
    let length = reader.u32().ok_or(short())? as usize;
    read_text(reader, length, max)
}

fn short_text(text: &str, out: &mut Vec<u8>) {
    out.push(text.len() as u8);
    out.extend_from_slice(text.as_bytes());
}

fn read_text(reader: &mut Reader<'_>, length: usize, max: usize) -> Result<String, StatementError> {
    if length > max {
        return Err(StatementError::Malformed("a text is too long"));
    }
    let bytes = reader.take(length).ok_or(short())?;
    String::from_utf8(bytes.to_vec()).map_err(|_| StatementError::Malformed("a text is not UTF-8"))
}

fn read_short_text(reader: &mut Reader<'_>, max: usize) -> Result<String, StatementError> {
    let length = usize::from(reader.u8().ok_or(short())?);
    read_text(reader, length, max)
}

fn read_u16(reader: &mut Reader<'_>) -> Result<usize, StatementError> {
    Ok(usize::from(u16::from_be_bytes(reader.array().ok_or(short())?)))
}

fn read_key(reader: &mut Reader<'_>) -> Result<PublicKey, StatementError> {
    PublicKey::from_bytes(reader.array().ok_or(short())?).map_err(|_| StatementError::Malformed("not a valid key"))
}

fn decode_statement(reader: &mut Reader<'_>) -> Result<Statement, StatementError> {
    let malformed = StatementError::Malformed;
    Ok(match reader.u8().ok_or(short())? {
        1 => {
            let count = read_u16(reader)?;
            if count == 0 || count > MAX_RECEIPT_ENTRIES {
                return Err(malformed("a receipt acknowledges 1 to 4,096 entries"));
            }
            let entries = (0..count).map(|_| reader.array().map(EntryId).ok_or(short())).collect::<Result<_, _>>()?;
            Statement::Receipt { entries }
        }
        2 => {
            let document = DocumentId(reader.array().ok_or(short())?);
            let flags = reader.u8().ok_or(short())?;
            if flags == 0 || flags > 0b111 {
                return Err(malformed("a curation changes something"));
            }
            let status = match flags & 1 {
                0 => None,
                _ => Some(Status::from_byte(reader.u8().ok_or(short())?).ok_or(malformed("unknown status"))?),
            };
            let tags = match flags & 2 {
                0 => None,
                _ => {
                    let count = usize::from(reader.u8().ok_or(short())?);
                    if count > MAX_TAGS {
                        return Err(malformed("too many tags"));
                    }
                    let mut tags: Vec<String> = Vec::with_capacity(count);
                    for _ in 0..count {
                        let tag = read_short_text(reader, MAX_TAG_BYTES)?;
                        if !is_tag_code(&tag) || tags.contains(&tag) {
                            return Err(malformed("a tag is not a code, or is given twice"));
                        }
                        tags.push(tag);
                    }
                    Some(tags)
                }
            };
            let note = match flags & 4 {
                0 => None,
                _ => {
                    let length = read_u16(reader)?;
                    if length == 0 || length > MAX_SEALED_NOTE_BYTES {
                        return Err(malformed("a note is empty or too long"));
                    }
                    Some(reader.take(length).ok_or(short())?.to_vec())
                }
            };
            Statement::Curate { document, status, tags, note }
        }
        3 => {
            let subject_tag = reader.u8().ok_or(short())?;
            let subject = match subject_tag {
                1 => Subject::Document(DocumentId(reader.array().ok_or(short())?)),
                2 => Subject::Author(read_key(reader)?),
                _ => return Err(malformed("unknown subject")),
            };
            let action = usize::from(reader.u8().ok_or(short())?)
                .checked_sub(1)
                .and_then(|at| Action::ALL.get(at).copied())
                .ok_or(malformed("unknown action"))?;
            match (subject, action) {
                (Subject::Document(_), Action::Block) => return Err(malformed("a block names an author")),
                (Subject::Author(_), Action::Purge) => return Err(malformed("a purge names a submission")),
                _ => {}
            }
            let reason = usize::from(reader.u8().ok_or(short())?)
                .checked_sub(1)
                .and_then(|at| Reason::ALL.get(at).copied())
                .ok_or(malformed("unknown reason"))?;
            let length = read_u16(reader)?;
            let text = read_text(reader, length, MAX_REASON_TEXT_BYTES)?;
            Statement::Moderate { subject, action, reason, text }
        }
        4 => {
            let key = read_key(reader)?;
            let granted = match reader.u8().ok_or(short())? {
                0 => false,
                1 => true,
                _ => return Err(malformed("bad grant flag")),
            };
            Statement::Curator { key, granted }
        }
        5 => {
            let count = read_u16(reader)?;
            if count > MAX_TAG_LIST {
                return Err(malformed("too many tags in the list"));
            }
            let mut tags: Vec<TagDef> = Vec::with_capacity(count);
            for _ in 0..count {
                let code = read_short_text(reader, MAX_TAG_BYTES)?;
                let title = read_short_text(reader, MAX_TAG_TITLE_BYTES)?;
                if !is_tag_code(&code) || tags.iter().any(|tag| tag.code == code) || title.trim().is_empty() {
                    return Err(malformed("a listed tag is not a code, is given twice or has no title"));
                }
                tags.push(TagDef { code, title });
            }
            Statement::TagList { tags }
        }
        6 => {
            let hub = read_short_text(reader, MAX_HUB_NAME_BYTES)?;
            if !is_hub_name(&hub) {
                return Err(malformed("a hub name is empty or holds control characters"));
            }
            let count = usize::from(reader.u8().ok_or(short())?);
            if count > MAX_CUSTODY_PEERS {
                return Err(malformed("too many peers"));
            }
            let mut peers: Vec<PublicKey> = Vec::with_capacity(count);
            for _ in 0..count {
                let key = read_key(reader)?;
                if peers.contains(&key) {
                    return Err(malformed("a peer is listed twice"));
                }
                peers.push(key);
            }
            let count = read_u16(reader)?;
            if count == 0 || count > MAX_CUSTODY_ENTRIES {
                return Err(malformed("a custody statement names 1 to 4,096 submissions"));
            }
            let mut held = Vec::with_capacity(count);
            for _ in 0..count {
                let document = DocumentId(reader.array().ok_or(short())?);
                let held_ms = u64::from_be_bytes(reader.array().ok_or(short())?);
                let from = match reader.u8().ok_or(short())? {
                    0 => Origin::Here,
                    1 => Origin::Bundle,
                    at => Origin::Peer(*peers.get(usize::from(at - 2)).ok_or(malformed("an origin names no peer"))?),
                };
                held.push(Held { document, held_ms, from });
            }
            Statement::Custody { hub, held }
        }
        7 => {
            let slug = read_short_text(reader, MAX_SLUG_BYTES)?;
            let lang = read_short_text(reader, MAX_LANGUAGE_TAG_BYTES)?;
            let title = read_short_text(reader, MAX_PAGE_TITLE_BYTES)?;
            let body = read_long_text(reader, MAX_PAGE_BODY_BYTES)?;
            if !is_slug(&slug) || !is_language_tag(&lang) {
                return Err(malformed("a page's slug or language tag is not well formed"));
            }
            if !body.is_empty() && title.trim().is_empty() {
                return Err(malformed("a page has no title"));
            }
            Statement::Publication { slug, lang, title, body }
        }
        8 => {
            let json = read_long_text(reader, MAX_TAXONOMY_BYTES)?;
            if Taxonomy::from_json(&json).is_err() {
                return Err(malformed("the taxonomy is not a taxonomy document"));
            }
            Statement::Taxonomy { json }
        }
        _ => return Err(malformed("unknown statement")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryHeader;
    use crate::keys::SecretKey;

    const NETWORK: NetworkId = NetworkId([7; 32]);

    fn sign(secret: &SecretKey, timestamp_ms: u64, signed: &Signed) -> Entry {
        let header = EntryHeader {
            network: NETWORK,
            creator: secret.public(),
            nonce: [timestamp_ms as u8; 16],
            author: secret.public(),
            timestamp_ms,
            kind: EntryKind::Statement,
        };
        Entry::sign(header, signed.encode(), secret).unwrap()
    }

    fn plain(statement: Statement) -> Signed {
        Signed { delegation: None, statement }
    }

    fn every_kind() -> Vec<Statement> {
        let key = SecretKey::from_seed([9; 32]).public();
        vec![
            Statement::Receipt { entries: vec![EntryId([1; 32]), EntryId([2; 32])] },
            Statement::Curate {
                document: DocumentId([3; 32]),
                status: Some(Status::InReview),
                tags: Some(vec!["payments".into(), "id-systems".into()]),
                note: Some(vec![5; 80]),
            },
            Statement::Curate { document: DocumentId([3; 32]), status: None, tags: Some(vec![]), note: None },
            Statement::Moderate {
                subject: Subject::Author(key),
                action: Action::Block,
                reason: Reason::Spam,
                text: "روابط إعلانية".into(),
            },
            Statement::Moderate {
                subject: Subject::Document(DocumentId([4; 32])),
                action: Action::Purge,
                reason: Reason::Unlawful,
                text: String::new(),
            },
            Statement::Curator { key, granted: false },
            Statement::TagList { tags: vec![TagDef { code: "payments".into(), title: "Payments".into() }] },
            Statement::Custody {
                hub: "Nairobi Hub".into(),
                held: vec![
                    Held { document: DocumentId([1; 32]), held_ms: 5, from: Origin::Here },
                    Held { document: DocumentId([2; 32]), held_ms: 6, from: Origin::Peer(key) },
                    Held { document: DocumentId([3; 32]), held_ms: 7, from: Origin::Bundle },
                    Held { document: DocumentId([4; 32]), held_ms: 8, from: Origin::Peer(key) },
                ],
            },
            Statement::Publication {
                slug: "guiding-questions".into(),
                lang: "ar".into(),
                title: "أسئلة توجيهية".into(),
                body: "# Questions\n\n- Who *benefits*?".into(),
            },
            Statement::Publication {
                slug: "toolkit-1".into(),
                lang: "pt-BR".into(),
                title: String::new(),
                body: String::new(),
            },
            Statement::Taxonomy { json: tiny_taxonomy("1.1") },
        ]
    }

    fn tiny_taxonomy(version: &str) -> String {
        format!(
            r#"{{"version": "{version}", "principles": [{{"code": "F1", "title": {{"en": "Avoid harm"}}}}], "risks": [],
            "lifecycle_stages": [], "responsible_authorities": [], "dpi_types": [], "stakeholder_groups": [],
            "purposes": [], "formats": []}}"#
        )
    }

    fn taxonomy_1_1(edit: impl FnOnce(&mut Taxonomy)) -> Statement {
        let mut taxonomy = Taxonomy::v1().clone();
        taxonomy.version = "1.1".into();
        edit(&mut taxonomy);
        Statement::Taxonomy { json: serde_json::to_string(&taxonomy).unwrap() }
    }

    #[test]
    fn every_statement_round_trips_and_every_cut_is_refused() {
        for statement in every_kind() {
            let encoded = plain(statement.clone()).encode();
            assert_eq!(Signed::decode(&encoded).unwrap().statement, statement);
            for end in 0..encoded.len() {
                assert!(Signed::decode(&encoded[..end]).is_err(), "{statement:?} cut at {end}");
            }
            let mut longer = encoded.clone();
            longer.push(0);
            assert!(Signed::decode(&longer).is_err());
        }
    }

    #[test]
    fn bounds_are_held() {
        let too_many = Statement::Receipt { entries: vec![EntryId([1; 32]); MAX_RECEIPT_ENTRIES + 1] };
        assert!(Signed::decode(&plain(too_many).encode()).is_err());
        let bad_tag = Statement::Curate {
            document: DocumentId([3; 32]),
            status: None,
            tags: Some(vec!["Has Space".into()]),
            note: None,
        };
        assert!(Signed::decode(&plain(bad_tag).encode()).is_err());
        let twice = Statement::Curate {
            document: DocumentId([3; 32]),
            status: None,
            tags: Some(vec!["a".into(), "a".into()]),
            note: None,
        };
        assert!(Signed::decode(&plain(twice).encode()).is_err());
        let block_a_document = Statement::Moderate {
            subject: Subject::Document(DocumentId([1; 32])),
            action: Action::Block,
            reason: Reason::Spam,
            text: String::new(),
        };
        assert!(Signed::decode(&plain(block_a_document).encode()).is_err());
        let held = |n| vec![Held { document: DocumentId([1; 32]), held_ms: 1, from: Origin::Here }; n];
        assert!(Signed::decode(&plain(Statement::Custody { hub: "Hub".into(), held: held(0) }).encode()).is_err());
        let most = plain(Statement::Custody { hub: "Hub".into(), held: held(MAX_CUSTODY_ENTRIES) }).encode();
        assert!(most.len() + crate::entry::ENTRY_OVERHEAD_BYTES <= crate::entry::MAX_ENTRY_BYTES);
        assert!(Signed::decode(&most).is_ok());
        let over = Statement::Custody { hub: "Hub".into(), held: held(MAX_CUSTODY_ENTRIES + 1) };
        assert!(Signed::decode(&plain(over).encode()).is_err());
        for hub in ["", "  ", "a\nb", "\u{202e}evil"] {
            assert!(Signed::decode(&plain(Statement::Custody { hub: hub.into(), held: held(1) }).encode()).is_err());
        }
        // An origin past the peer table.
        let mut bad_origin = plain(Statement::Custody { hub: "Hub".into(), held: held(1) }).encode();
        *bad_origin.last_mut().unwrap() = 2;
        assert!(Signed::decode(&bad_origin).is_err());
        let page = |slug: &str, lang: &str, title: &str, body: String| {
            Signed::decode(
                &plain(Statement::Publication { slug: slug.into(), lang: lang.into(), title: title.into(), body })
                    .encode(),
            )
        };
        assert!(page("toolkit-2", "es-419", "T", "x".repeat(MAX_PAGE_BODY_BYTES)).is_ok());
        assert!(page("toolkit-2", "en", "T", "x".repeat(MAX_PAGE_BODY_BYTES + 1)).is_err());
        // The largest page or taxonomy, carried with the largest grant, fits an entry.
        let grant = Some(vec![0; crate::entry::ENTRY_OVERHEAD_BYTES + 64]);
        let largest = [
            Statement::Publication {
                slug: "a".repeat(MAX_SLUG_BYTES),
                lang: "a".repeat(MAX_LANGUAGE_TAG_BYTES),
                title: "t".repeat(MAX_PAGE_TITLE_BYTES),
                body: "x".repeat(MAX_PAGE_BODY_BYTES),
            },
            Statement::Taxonomy { json: "x".repeat(MAX_TAXONOMY_BYTES) },
        ];
        for statement in largest {
            let encoded = Signed { delegation: grant.clone(), statement }.encode();
            assert!(encoded.len() <= crate::entry::MAX_PAYLOAD_BYTES, "{}", encoded.len());
        }
        assert!(page(&"a".repeat(MAX_SLUG_BYTES), "en", "T", "x".into()).is_ok());
        assert!(page(&"a".repeat(MAX_SLUG_BYTES + 1), "en", "T", "x".into()).is_err());
        assert!(page("toolkit", "en", &"t".repeat(MAX_PAGE_TITLE_BYTES + 1), "x".into()).is_err());
        assert!(page("toolkit", "en", " ", "x".into()).is_err(), "a page needs a title");
        assert!(page("toolkit", "en", "", String::new()).is_ok(), "a retraction needs none");
        for slug in ["", "Toolkit", "tool kit", "-toolkit", "toolkit-", "tool--kit", "tool_kit", "../etc", "outil-é"] {
            assert!(page(slug, "en", "T", "x".into()).is_err(), "{slug}");
        }
        for lang in ["", "e", "EN", "english", "en-", "en_GB", "en-a", "en-abcdefghi", "<b>"] {
            assert!(page("toolkit", lang, "T", "x".into()).is_err(), "{lang}");
        }
        let mut not_utf8 =
            plain(Statement::Publication { slug: "a".into(), lang: "en".into(), title: "T".into(), body: "xy".into() })
                .encode();
        let last = not_utf8.len() - 1;
        not_utf8[last] = 0xff;
        assert!(Signed::decode(&not_utf8).is_err());
        let too_long =
            Statement::Taxonomy { json: format!("{}{}", tiny_taxonomy("1.1"), " ".repeat(MAX_TAXONOMY_BYTES)) };
        assert!(Signed::decode(&plain(too_long).encode()).is_err());
        assert!(Signed::decode(&plain(Statement::Taxonomy { json: "{}".into() }).encode()).is_err());
    }

    #[test]
    fn only_the_secretariat_publishes_a_taxonomy_and_only_new_titles() {
        let secretariat = SecretKey::from_seed([1; 32]);
        let curator = SecretKey::from_seed([2; 32]);
        let hub = SecretKey::from_seed([3; 32]);
        let check = |entry: &Entry| entry.statement().unwrap().authority(entry, &secretariat.public(), &NETWORK);
        let retitled = taxonomy_1_1(|taxonomy| {
            taxonomy.principles[0].title.insert("en".into(), "Avoid harm".into());
        });
        assert_eq!(check(&sign(&secretariat, 10, &plain(retitled.clone()))), Ok(Authority::Secretariat));
        assert!(matches!(check(&sign(&hub, 10, &plain(retitled.clone()))), Err(StatementError::NotAuthorised(_))));
        let grant = sign(&secretariat, 5, &plain(Statement::Curator { key: curator.public(), granted: true }));
        let delegated = |statement| Signed { delegation: Some(grant.encoded().to_vec()), statement };
        assert!(matches!(check(&sign(&curator, 10, &delegated(retitled))), Err(StatementError::NotAuthorised(_))));
        // A curator publishes pages; a stranger does not.
        let page =
            Statement::Publication { slug: "toolkit".into(), lang: "en".into(), title: "T".into(), body: "x".into() };
        assert_eq!(check(&sign(&curator, 10, &delegated(page.clone()))), Ok(Authority::Curator { granted_ms: 5 }));
        assert!(check(&sign(&hub, 10, &plain(page))).is_err());
        // A new code, a dropped one, or a version not above the shipped: refused, saying why.
        let added = taxonomy_1_1(|taxonomy| {
            let mut extra = taxonomy.principles[0].clone();
            extra.code = "F10".into();
            taxonomy.principles.push(extra);
        });
        let Err(StatementError::Taxonomy(why)) = check(&sign(&secretariat, 10, &plain(added))) else { panic!() };
        assert!(why.contains("adds code `F10`") && why.contains("never codes"), "{why}");
        let dropped = taxonomy_1_1(|taxonomy| {
            taxonomy.risks.remove(0);
        });
        assert!(matches!(check(&sign(&secretariat, 10, &plain(dropped))), Err(StatementError::Taxonomy(_))));
        let same_version = taxonomy_1_1(|taxonomy| taxonomy.version = "1.0".into());
        assert!(matches!(check(&sign(&secretariat, 10, &plain(same_version))), Err(StatementError::Taxonomy(_))));
    }

    #[test]
    fn any_key_speaks_of_its_own_custody_and_of_nothing_else() {
        let secretariat = SecretKey::from_seed([1; 32]);
        let hub = SecretKey::from_seed([4; 32]);
        let custody = plain(Statement::Custody {
            hub: "Lakeside".into(),
            held: vec![Held { document: DocumentId([1; 32]), held_ms: 1, from: Origin::Here }],
        });
        let entry = sign(&hub, 10, &custody);
        assert_eq!(custody.authority(&entry, &secretariat.public(), &NETWORK), Ok(Authority::Hub));
        let receipt = plain(Statement::Receipt { entries: vec![EntryId([1; 32])] });
        assert!(receipt.authority(&sign(&hub, 10, &receipt), &secretariat.public(), &NETWORK).is_err());
    }

    #[test]
    fn the_secretariat_says_anything_and_a_curator_only_with_its_grant() {
        let secretariat = SecretKey::from_seed([1; 32]);
        let curator = SecretKey::from_seed([2; 32]);
        let stranger = SecretKey::from_seed([3; 32]);
        let curate = Statement::Curate {
            document: DocumentId([3; 32]),
            status: Some(Status::Published),
            tags: None,
            note: None,
        };
        let by_secretariat = sign(&secretariat, 10, &plain(curate.clone()));
        let check = |entry: &Entry| entry.statement().unwrap().authority(entry, &secretariat.public(), &NETWORK);
        assert_eq!(check(&by_secretariat), Ok(Authority::Secretariat));

        let grant = sign(&secretariat, 20, &plain(Statement::Curator { key: curator.public(), granted: true }));
        let delegated = Signed { delegation: Some(grant.encoded().to_vec()), statement: curate.clone() };
        assert_eq!(check(&sign(&curator, 30, &delegated)), Ok(Authority::Curator { granted_ms: 20 }));
        // Dated before its grant, carried by another key, or without one: refused.
        assert!(check(&sign(&curator, 19, &delegated)).is_err());
        assert!(check(&sign(&stranger, 30, &delegated)).is_err());
        assert!(check(&sign(&curator, 30, &plain(curate))).is_err());
        // A curator may not acknowledge or grant.
        for statement in [
            Statement::Receipt { entries: vec![EntryId([1; 32])] },
            Statement::Curator { key: stranger.public(), granted: true },
        ] {
            let signed = Signed { delegation: Some(grant.encoded().to_vec()), statement };
            assert!(matches!(check(&sign(&curator, 30, &signed)), Err(StatementError::NotAuthorised(_))));
        }
        // A revocation carried as a grant proves nothing.
        let revoked = sign(&secretariat, 20, &plain(Statement::Curator { key: curator.public(), granted: false }));
        let with_revocation =
            Signed { delegation: Some(revoked.encoded().to_vec()), statement: Statement::TagList { tags: vec![] } };
        assert!(check(&sign(&curator, 30, &with_revocation)).is_err());
    }
}
