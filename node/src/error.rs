//! The node's errors: each says what went wrong and what to do.

use std::path::PathBuf;

use convene_protocol::entry::{DocumentId, EntryError};
use convene_protocol::problem::ValidationErrors;

use crate::blobs::BlobError;
use crate::store::{BackendError, IngestError, StoreError};

/// Anything the [`crate::Node`] handle can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// No `genesis.json` in the data directory.
    #[error(
        "{dir} is not a Convene data directory yet; run `convene init --network GENESIS.json` (or `convene network create` for a new network)"
    )]
    NotInitialised {
        /// The data directory.
        dir: PathBuf,
    },
    /// `init` on a directory that already has a network.
    #[error("{dir} is already initialised {}", if *same_network { "for this network; nothing to do" } else { "for another network; use another --data-dir" })]
    AlreadyInitialised {
        /// The data directory.
        dir: PathBuf,
        /// Whether it is the same network.
        same_network: bool,
    },
    /// A file that exists but is not what it should be.
    #[error("{path}: {problem}")]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A file that cannot be attached.
    #[error("{name}: {problem}")]
    File {
        /// The file's name.
        name: String,
        /// Why.
        problem: String,
    },
    /// Files attached to a kind of submission that has no attachments.
    #[error("a {kind} has no attachments")]
    NoAttachments {
        /// The kind.
        kind: &'static str,
    },
    /// Attaching a file that is not stored on this node.
    #[error("file {0} is not stored on this node: store it first (attach the file itself, or POST /api/v1/blobs)")]
    FileNotHere(convene_protocol::attachment::BlobHash),
    /// The blob store failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No identity yet.
    #[error("no identity yet; create one with `convene identity new --name NAME`")]
    NoIdentity,
    /// Several identities and none chosen.
    #[error("several identities ({0}); choose one with `--as NAME`")]
    WhichIdentity(String),
    /// An identity name that does not exist.
    #[error("no identity named `{0}`; see `convene identity list`")]
    UnknownIdentity(String),
    /// An identity name already in use.
    #[error("an identity named `{0}` already exists; choose another name")]
    IdentityExists(String),
    /// A name that cannot be a file name.
    #[error(
        "`{0}` is not a valid identity name: use 1 to 64 characters (any letters, digits, spaces), no control characters"
    )]
    BadIdentityName(String),
    /// The submission is not valid.
    #[error("the submission is not valid:\n{0}")]
    Invalid(ValidationErrors),
    /// Input that is not JSON of the expected shape.
    #[error("not valid JSON: {0}")]
    NotJson(String),
    /// An entry was refused by the store.
    #[error(transparent)]
    Refused(#[from] IngestError),
    /// An entry failed verification.
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// No document with this id.
    #[error("no submission with id `{0}` on this node; see `convene list`")]
    NotFound(String),
    /// A short id that matches several documents.
    #[error("`{0}` matches several submissions; give more of the id")]
    Ambiguous(String),
    /// Only the creator may do this.
    #[error("only the author of submission {0} can withdraw it")]
    NotAuthor(DocumentId),
    /// The document was withdrawn.
    #[error("submission {0} was withdrawn by its author; its content was purged")]
    Withdrawn(DocumentId),
    /// Personal data cannot be shown on this node.
    #[error(
        "contact details are sealed to the secretariat; only the secretariat's node (holding secretariat-secret.json) can reveal them"
    )]
    NotSecretariat,
    /// An attributed export asked of a node that is not the secretariat's.
    #[error(
        "an attributed export (authors' keys, organisations, localities, full dates) is made only on the secretariat's node (holding secretariat-secret.json); leave out --attributed (attributed=true) for the anonymised export"
    )]
    AttributionNotSecretariat,
    /// A stored document could not be rebuilt.
    #[error(transparent)]
    Document(#[from] convene_protocol::document::DocumentError),
    /// A peer address that does not name a transport (the message says what would).
    #[error("{0}")]
    BadPeerAddr(String),
    /// A hub name that cannot be one.
    #[error("{0}")]
    BadHubName(#[from] crate::sync::hub::HubNameError),
    /// The network layer failed.
    #[error("network: {0}")]
    Sync(String),
    /// A draft larger than a draft may be.
    #[error("the draft is larger than {limit} bytes; shorten it, or submit what is there")]
    DraftTooLarge {
        /// The most a draft may hold.
        limit: usize,
    },
    /// As many drafts as a node keeps.
    #[error("{limit} drafts are saved already; discard some on the Drafts page first")]
    TooManyDrafts {
        /// The most drafts a node keeps.
        limit: usize,
    },
    /// A want file (`convene bundle want`) that cannot be used.
    #[error("{path}: {problem}")]
    WantFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A bundle part size too small to hold an entry.
    #[error("a bundle part of {0} bytes cannot hold the largest entry; give at least 1M")]
    PartTooSmall(u64),
    /// A desk request by a node that holds no key for it.
    #[error(
        "only the secretariat's node (holding secretariat-secret.json) or a curator it granted (`--as NAME`) can do this"
    )]
    NoDeskKey,
    /// A desk request signed by a key the secretariat has not granted.
    #[error("{0} is not a curator: the secretariat grants curators with `convene curator grant DID_KEY`")]
    NotCurator(convene_protocol::keys::PublicKey),
    /// A request that does not say what to do, or says it wrongly.
    #[error("{0}")]
    Usage(String),
    /// A desk request a rule refuses (a tag not on the list, undoing a purge).
    #[error("{0}")]
    DeskRefused(String),
    /// Text given as a key that is no one's key.
    #[error("`{0}` is not anyone's did:key (expected did:key:z6Mk…, as `convene identity list` prints it)")]
    NotAKey(String),
    /// A submission the secretariat hid, seen from a node that is not its author's.
    #[error("submission {id} was hidden by the secretariat ({reason}){}", if text.is_empty() { String::new() } else { format!(": {text}") })]
    Hidden {
        /// The submission.
        id: DocumentId,
        /// Why, as a code (spam, abuse, unlawful, other).
        reason: &'static str,
        /// Why, in words.
        text: String,
    },
    /// Sealed data that does not open.
    #[error("the sealed contact details of {0} cannot be opened with this node's secretariat key")]
    Unsealable(DocumentId),
}

/// What kind of failure a [`NodeError`] is: what a caller answers with (an
/// HTTP status, an exit code) is chosen from this one classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The input is not valid: fix it and try again.
    Invalid,
    /// What was asked for is not here.
    NotFound,
    /// A rule refuses it (withdrawn, not the author, already exists).
    Refused,
    /// Only the secretariat's node may do it.
    NotSecretariat,
    /// Something the command needs is missing: setup, an identity, an address.
    Usage,
    /// The disk is full: nothing of the write was stored, nothing stored is lost.
    DiskFull,
    /// Reading or writing the disk failed.
    Storage,
    /// Anything else (damage, a bug): the message and the log say more.
    Failed,
}

impl NodeError {
    /// Which kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        if self.disk_full().is_some() {
            return ErrorClass::DiskFull;
        }
        match self {
            Self::Invalid(_)
            | Self::NotJson(_)
            | Self::Entry(_)
            | Self::BadIdentityName(_)
            | Self::BadHubName(_)
            | Self::File { .. }
            | Self::DraftTooLarge { .. }
            | Self::WantFile { .. } => ErrorClass::Invalid,
            Self::NotFound(_) | Self::UnknownIdentity(_) | Self::Ambiguous(_) | Self::Blob(BlobError::NotHere(_)) => {
                ErrorClass::NotFound
            }
            Self::Refused(_)
            | Self::NotAuthor(_)
            | Self::Withdrawn(_)
            | Self::IdentityExists(_)
            | Self::TooManyDrafts { .. }
            | Self::NoAttachments { .. }
            | Self::FileNotHere(_)
            | Self::AlreadyInitialised { .. } => ErrorClass::Refused,
            Self::NotSecretariat | Self::NoDeskKey | Self::NotCurator(_) | Self::AttributionNotSecretariat => {
                ErrorClass::NotSecretariat
            }
            Self::Hidden { .. } | Self::NotAKey(_) => ErrorClass::NotFound,
            Self::DeskRefused(_) => ErrorClass::Refused,
            Self::NoIdentity
            | Self::WhichIdentity(_)
            | Self::NotInitialised { .. }
            | Self::BadPeerAddr(_)
            | Self::Usage(_)
            | Self::PartTooSmall(_) => ErrorClass::Usage,
            Self::Store(StoreError::Backend(BackendError::Io(_)))
            | Self::Io { .. }
            | Self::Blob(BlobError::Io { .. } | BlobError::Damaged(_)) => ErrorClass::Storage,
            _ => ErrorClass::Failed,
        }
    }

    /// For the refusal of a write on a full disk: the bytes free and the
    /// bytes the write needed.
    pub fn disk_full(&self) -> Option<(u64, u64)> {
        match self {
            Self::Store(StoreError::Backend(BackendError::DiskFull { free, needed })) => Some((*free, *needed)),
            _ => None,
        }
    }

    /// Whether this is the refusal of a write on a full disk.
    pub fn is_disk_full(&self) -> bool {
        self.disk_full().is_some()
    }

    /// Whether the store is held by another process (a running node).
    pub fn is_store_locked(&self) -> bool {
        matches!(self, Self::Store(StoreError::Backend(BackendError::Locked { .. })))
    }

    /// Whether the submission was withdrawn by its author.
    pub fn is_withdrawn(&self) -> bool {
        matches!(self, Self::Withdrawn(_) | Self::Refused(IngestError::Withdrawn(_)))
    }

    /// Whether an edit tried to change what kind of submission it is.
    pub fn is_kind_changed(&self) -> bool {
        matches!(self, Self::Refused(IngestError::KindChanged { .. }))
    }
}
