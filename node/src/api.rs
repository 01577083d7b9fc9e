//! What the local API (`/api/v1`) sends and accepts beyond `Node`'s own
//! types: defined here, once, for its server (the web UI crate) and its
//! client (the CLI), so that neither takes them from the other.

use convene_protocol::schema::Contact;
use serde::{Deserialize, Serialize};

use crate::sync::SyncStatus;
use crate::{NodeStatus, SubmissionView};

/// Most submissions in one `/import` call.
pub const MAX_IMPORT_BATCH: usize = 1000;

/// Everything `convene status` shows.
#[derive(Debug, Serialize, Deserialize)]
pub struct FullStatus {
    /// Network, store, identities.
    #[serde(flatten)]
    pub node: NodeStatus,
    /// Peers and sync, when the node runs sync.
    pub sync: Option<SyncStatus>,
}

/// A submission, with its contact when revealed.
#[derive(Debug, Serialize, Deserialize)]
pub struct Shown {
    /// The submission.
    #[serde(flatten)]
    pub view: SubmissionView,
    /// The opened contact details (secretariat only, on request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// A file stored to be attached: what the document will say of it, and
/// what was removed from it (`POST /api/v1/blobs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// The attachment, to put in a submission's `attachments`.
    pub attachment: convene_protocol::attachment::Attachment,
    /// The metadata removed before it was hashed.
    pub removed: Vec<convene_protocol::attachment::Removed>,
    /// What the convener is told, in English: what was removed, or that a
    /// PDF may carry metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Attachments to add to a submission (`POST /api/v1/submissions/{id}/attachments`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttachRequest {
    /// Files already stored with `POST /api/v1/blobs`, as a submission's
    /// `attachments` names them (checked by the node).
    pub attachments: Vec<serde_json::Value>,
}

/// What attaching did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attached {
    /// The change signed, if anything was new.
    pub entry: Option<String>,
}
