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
    /// The secretariat's notes on it, opened (secretariat only, on request).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<crate::Note>,
}

/// `GET /desk`: what the desk keeps for the whole network.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeskSummary {
    /// Whether this node holds the secretariat's keys.
    pub secretariat: bool,
    /// The tags curation may use.
    pub tags: Vec<convene_protocol::statement::TagDef>,
    /// The curators the secretariat granted and has not revoked.
    pub curators: Vec<convene_protocol::keys::PublicKey>,
}

/// `GET /taxonomy`: the taxonomy every title is shown from.
#[derive(Debug, Serialize, Deserialize)]
pub struct TaxonomyShown {
    /// The statement that published it; `null` for the shipped one.
    pub statement: Option<convene_protocol::entry::EntryId>,
    /// The taxonomy document.
    pub taxonomy: convene_protocol::taxonomy::Taxonomy,
}

impl From<&crate::TaxonomyInUse> for TaxonomyShown {
    fn from(in_use: &crate::TaxonomyInUse) -> Self {
        Self { statement: in_use.statement, taxonomy: in_use.taxonomy.clone() }
    }
}

/// `POST /desk`: the statements signed.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeskDone {
    /// Their entry ids.
    pub statements: Vec<convene_protocol::entry::EntryId>,
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
    #[serde(default, deserialize_with = "whole_number", skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
    /// Only what the receiver's want file (an absolute path) does not list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub want: Option<std::path::PathBuf>,
    /// Split into parts of at most this many bytes.
    #[serde(default, deserialize_with = "whole_number", skip_serializing_if = "Option::is_none")]
    pub part_size: Option<u64>,
    /// Entries only, without attached files (photos, PDFs) and previews.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_blobs: bool,
}

/// A whole number of at least 0, written as JSON Schema's `integer` allows:
/// `4472752` or `4472752.0`.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    use serde::de::Error as _;
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else { return Ok(None) };
    let whole = number.as_u64().or_else(|| {
        number
            .as_f64()
            .filter(|value| value.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(value))
            .map(|value| value as u64)
    });
    whole.map(Some).ok_or_else(|| D::Error::custom(format!("{number} is not a whole number of at least 0")))
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
        let selection = crate::bundle::Selection { since_ms: self.since_ms, want, without_blobs: self.no_blobs };
        node.export_bundle(&self.file, &selection, self.part_size)
    }
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

#[cfg(test)]
mod tests {
    use super::BundleRequest;

    /// Found by schemathesis: JSON Schema's `integer` allows `4472752.0`.
    #[test]
    fn a_bundle_request_takes_whole_numbers_written_either_way() {
        let parsed: BundleRequest =
            serde_json::from_str(r#"{"file":"/x","part_size":4472752.0,"since_ms":5}"#).unwrap();
        assert_eq!((parsed.part_size, parsed.since_ms), (Some(4_472_752), Some(5)));
        let none: BundleRequest = serde_json::from_str(r#"{"file":"/x"}"#).unwrap();
        assert_eq!((none.part_size, none.since_ms), (None, None));
        for bad in [r#"{"file":"/x","part_size":1.5}"#, r#"{"file":"/x","since_ms":-1}"#] {
            assert!(serde_json::from_str::<BundleRequest>(bad).is_err(), "{bad}");
        }
    }
}
