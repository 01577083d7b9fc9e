//! Filters over list rows: what `convene list` and the web UI's browse page
//! ask. They read the small list rows only, never whole documents.

use convene_protocol::schema::SubmissionKind;

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
    /// Words that must all appear in the title (case-insensitive).
    pub text: Option<String>,
}

impl Filter {
    /// Whether `row` passes every filter set.
    pub fn matches(&self, row: &ListRow) -> bool {
        let summary = &row.summary;
        let has = |codes: &[String], wanted: &Option<String>| {
            wanted.as_ref().is_none_or(|code| codes.iter().any(|have| have.eq_ignore_ascii_case(code)))
        };
        let date = summary.date.as_deref().unwrap_or("");
        self.kind.is_none_or(|kind| kind == summary.kind)
            && self
                .country
                .as_ref()
                .is_none_or(|country| summary.country.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(country)))
            && has(&summary.principles, &self.principle)
            && has(&summary.risks, &self.risk)
            && has(&summary.lifecycle_stages, &self.stage)
            && self.language.as_ref().is_none_or(|language| language_matches(&summary.language, language))
            && self.from.as_ref().is_none_or(|from| !date.is_empty() && date >= from.as_str())
            && self.to.as_ref().is_none_or(|to| !date.is_empty() && date <= to.as_str())
            && self.text.as_ref().is_none_or(|text| {
                let title = summary.title.to_lowercase();
                text.to_lowercase().split_whitespace().all(|word| title.contains(word))
            })
    }
}

fn language_matches(have: &str, wanted: &str) -> bool {
    let have = have.to_ascii_lowercase();
    let wanted = wanted.to_ascii_lowercase();
    have == wanted || have.strip_prefix(&wanted).is_some_and(|rest| rest.starts_with('-'))
}

/// A page of results.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Page {
    /// How many rows matched in all.
    pub total: usize,
    /// The rows of this page, newest first.
    pub rows: Vec<ListRow>,
}
