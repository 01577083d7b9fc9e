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

/// `POST /bundle/want`: where the running node writes its want file.
#[derive(Debug, Serialize, Deserialize)]
pub struct WantRequest {
    /// An absolute path.
    pub file: std::path::PathBuf,
}

/// `POST /bundle/export`: what to write, and where.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BundleRequest {
    /// Where (an absolute path; with `part_size`, `FILE.001`, …).
    pub file: std::path::PathBuf,
    /// Only entries signed at or after this time (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
    /// Only what the receiver's want file (an absolute path) does not list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub want: Option<std::path::PathBuf>,
    /// Split into parts of at most this many bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_size: Option<u64>,
}

/// `POST /bundle/import`: the bundle files (absolute paths), any parts, any order.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImportRequest {
    /// The files.
    pub files: Vec<std::path::PathBuf>,
}

impl BundleRequest {
    /// Writes the bundle it asks for, on `node`.
    pub fn run(&self, node: &crate::Node) -> Result<crate::bundle::ExportReport, crate::NodeError> {
        let want = self.want.as_deref().map(|path| crate::bundle::Want::read(path, &node.network())).transpose()?;
        let selection = crate::bundle::Selection { since_ms: self.since_ms, want };
        node.export_bundle(&self.file, &selection, self.part_size)
    }
}
