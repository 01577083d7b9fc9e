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
