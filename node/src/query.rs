//! Filters and pages: what `convene list` and the web UI's browse page ask.
//! The store's list index answers them (`store/list_index.rs`).

use convene_protocol::kinds::SubmissionKind;

use crate::store::ListRow;

/// Which submissions to list. Empty fields match everything.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Only this kind.
    pub kind: Option<SubmissionKind>,
    /// Only this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Only those tagged with this principle code.
    pub principle: Option<String>,
    /// Only those tagged with this risk code.
    pub risk: Option<String>,
    /// Only those tagged with this life cycle stage code.
    pub stage: Option<String>,
    /// Only this language (primary subtag match: `es` matches `es-419`).
    pub language: Option<String>,
    /// Dates on or after this `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Dates on or before this `YYYY-MM-DD`.
    pub to: Option<String>,
    /// Words that must all begin words of the public text: title, summary,
    /// insights, lessons and the other text fields (case-insensitive).
    pub text: Option<String>,
}

/// A page of results.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Page {
    /// How many rows matched in all.
    pub total: usize,
    /// The rows of this page, newest first.
    pub rows: Vec<ListRow>,
}
