//! The framework's taxonomy (version 1.0) and the schema's code lists, as
//! data: `protocol/taxonomy/v1.json`, which the secretariat can update
//! without a code change. Codes are stable; titles are translated, and a
//! title not yet known is simply absent (the code is shown alone).

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One code with its titles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Term {
    /// The stable code, e.g. `F1` or `digital_id`.
    pub code: String,
    /// The group it belongs to, e.g. `foundational` or `safety`.
    #[serde(default)]
    pub group: Option<String>,
    /// Titles by language tag; may be empty.
    #[serde(default)]
    pub title: BTreeMap<String, String>,
}

impl Term {
    /// The title in `lang`, else in English.
    pub fn title_in(&self, lang: &str) -> Option<&str> {
        self.title.get(lang).or_else(|| self.title.get("en")).map(String::as_str)
    }

    /// `F1 Do no harm`, or the code alone when no title is known.
    pub fn label(&self, lang: &str) -> String {
        match self.title_in(lang) {
            Some(title) if self.code.chars().any(|c| c.is_ascii_digit()) => format!("{} {title}", self.code),
            Some(title) => title.to_owned(),
            None => self.code.clone(),
        }
    }
}

/// Every code list a submission draws on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Taxonomy {
    /// The taxonomy's version.
    pub version: String,
    /// Principles F1–F9, O1–O9.
    pub principles: Vec<Term>,
    /// Risks RS1–RS4, RI1–RI4, SV1–SV5.
    pub risks: Vec<Term>,
    /// Life cycle stages L1–L5.
    pub lifecycle_stages: Vec<Term>,
    /// Responsible authorities R1–R5.
    pub responsible_authorities: Vec<Term>,
    /// Kinds of digital public infrastructure.
    pub dpi_types: Vec<Term>,
    /// Stakeholder groups of participants.
    pub stakeholder_groups: Vec<Term>,
    /// Purposes of a convening.
    pub purposes: Vec<Term>,
    /// Formats of a convening.
    pub formats: Vec<Term>,
}

static V1: LazyLock<Taxonomy> =
    LazyLock::new(|| Taxonomy::from_json(include_str!("../taxonomy/v1.json")).expect("the shipped taxonomy parses"));

impl Taxonomy {
    /// The shipped taxonomy, version 1.0.
    pub fn v1() -> &'static Taxonomy {
        &V1
    }

    /// Parses a taxonomy document.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Whether `code` is in `terms`.
    pub fn has(terms: &[Term], code: &str) -> bool {
        terms.iter().any(|term| term.code == code)
    }

    /// The codes of `terms`, for messages.
    pub fn codes(terms: &[Term]) -> String {
        terms.iter().map(|term| term.code.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_taxonomy_has_every_code() {
        let taxonomy = Taxonomy::v1();
        assert_eq!(taxonomy.principles.len(), 18);
        assert_eq!(taxonomy.risks.len(), 13);
        assert_eq!(taxonomy.lifecycle_stages.len(), 5);
        assert_eq!(taxonomy.responsible_authorities.len(), 5);
        let f1 = &taxonomy.principles[0];
        assert_eq!(f1.label("en"), "F1 Do no harm");
        assert_eq!(f1.label("fr"), "F1 Ne pas nuire");
        let f2 = &taxonomy.principles[1];
        assert_eq!(f2.label("en"), "F2", "unknown titles are not invented");
    }
}
