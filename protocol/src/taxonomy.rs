//! The framework's taxonomy (version 1.0) and the other code lists a
//! submission draws on, shipped as data: `protocol/taxonomy/v1.json`,
//! embedded at build time and parsed once, so the secretariat can update
//! titles and translations without touching code.
//!
//! Codes (`F1`, `RS2`, `L4`, `digital_id`, …) are stable and are what
//! submissions carry. Titles are translations keyed by language tag; a title
//! that is not known yet is simply absent, and the code is shown alone
//! (see [`Term::label`]). Titles are never invented in code.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde::de::Error as _;

/// Longest title of a code, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Whether `title` may title a code: not blank, at most [`MAX_TITLE_CHARS`]
/// characters, no control or direction-override character (a page shows it
/// beside other text).
fn is_title(title: &str) -> bool {
    !title.trim().is_empty()
        && title.chars().count() <= MAX_TITLE_CHARS
        && !title.chars().any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

/// One code of a list, with its group and its titles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Term {
    /// The stable code, e.g. `F1`, `RS2` or `digital_id`.
    pub code: String,
    /// The group it belongs to, e.g. `foundational` or `safety`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Titles by language tag (`en`, `fr`, …); empty while the title is unknown.
    #[serde(default)]
    pub title: BTreeMap<String, String>,
}

impl Term {
    /// The title in `lang`; else in its primary language (`fr` for `fr-CA`);
    /// else in English; `None` when no title is known.
    pub fn title_in(&self, lang: &str) -> Option<&str> {
        let primary = lang.split('-').next().unwrap_or(lang);
        self.title.get(lang).or_else(|| self.title.get(primary)).or_else(|| self.title.get("en")).map(String::as_str)
    }

    /// The code and its title, e.g. `F1 Do no harm`, or the code alone
    /// (`F2`) while its title is unknown.
    pub fn label(&self, lang: &str) -> String {
        match self.title_in(lang) {
            Some(title) => format!("{} {title}", self.code),
            None => self.code.clone(),
        }
    }
}

/// Every code list a submission draws on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Taxonomy {
    /// The taxonomy's version, e.g. `1.0`.
    pub version: String,
    /// The 18 principles: foundational F1–F9 and operational O1–O9.
    pub principles: Vec<Term>,
    /// The 13 risks: safety RS1–RS4, inclusion RI1–RI4, society SV1–SV5.
    pub risks: Vec<Term>,
    /// The life cycle stages L1–L5.
    pub lifecycle_stages: Vec<Term>,
    /// The responsible authorities R1–R5 (of a case study).
    pub responsible_authorities: Vec<Term>,
    /// Kinds of digital public infrastructure, e.g. `digital_id`.
    pub dpi_types: Vec<Term>,
    /// Stakeholder groups of a convening's participants, e.g. `civil_society`.
    pub stakeholder_groups: Vec<Term>,
    /// Purposes of a convening, e.g. `capture_learnings`.
    pub purposes: Vec<Term>,
    /// Formats of a convening: `in_person`, `online`, `hybrid`.
    pub formats: Vec<Term>,
}

static V1: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::from_json(include_str!("../taxonomy/v1.json")).expect("the shipped taxonomy v1.json is valid")
});

impl Taxonomy {
    /// The shipped taxonomy, version 1.0 (parsed on first use).
    pub fn v1() -> &'static Taxonomy {
        &V1
    }

    /// Parses a taxonomy document, and refuses one with an empty code, the
    /// same code twice in a list, or a title that is blank, too long or
    /// holds control or direction-override characters.
    pub fn from_json(text: &str) -> Result<Taxonomy, serde_json::Error> {
        let taxonomy: Taxonomy = serde_json::from_str(text)?;
        for (name, terms) in taxonomy.lists() {
            let mut seen = BTreeSet::new();
            for term in terms {
                if term.code.trim().is_empty() {
                    return Err(serde_json::Error::custom(format!("an empty code in `{name}`")));
                }
                if !seen.insert(term.code.as_str()) {
                    return Err(serde_json::Error::custom(format!("code `{}` twice in `{name}`", term.code)));
                }
                for (lang, title) in &term.title {
                    if !is_title(title) {
                        return Err(serde_json::Error::custom(format!(
                            "`{name}` {} has a bad title in `{lang}`: 1 to {MAX_TITLE_CHARS} characters, on one \
                             line, no control or direction-override characters",
                            term.code
                        )));
                    }
                }
            }
        }
        Ok(taxonomy)
    }

    /// Every list, by its field name.
    pub fn lists(&self) -> [(&'static str, &[Term]); 8] {
        [
            ("principles", &self.principles),
            ("risks", &self.risks),
            ("lifecycle_stages", &self.lifecycle_stages),
            ("responsible_authorities", &self.responsible_authorities),
            ("dpi_types", &self.dpi_types),
            ("stakeholder_groups", &self.stakeholder_groups),
            ("purposes", &self.purposes),
            ("formats", &self.formats),
        ]
    }

    /// The term with `code` in `terms`, if any.
    pub fn find<'t>(terms: &'t [Term], code: &str) -> Option<&'t Term> {
        terms.iter().find(|term| term.code == code)
    }

    /// Whether `code` is in `terms`.
    pub fn has(terms: &[Term], code: &str) -> bool {
        Self::find(terms, code).is_some()
    }

    /// Its version as numbers (`1.10` is `[1, 10]`, trailing zeros dropped
    /// so `1.0` equals `1`); `None` unless it is dotted decimal numbers.
    pub fn version_numbers(&self) -> Option<Vec<u32>> {
        let mut numbers = Vec::new();
        for part in self.version.split('.') {
            if part.is_empty() || part.len() > 9 || !part.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            numbers.push(part.parse().ok()?);
        }
        while numbers.len() > 1 && numbers.last() == Some(&0) {
            numbers.pop();
        }
        Some(numbers)
    }

    /// Whether this document may replace the shipped taxonomy on every
    /// node: its version is a dotted number above the shipped one, and
    /// every list holds exactly the shipped codes (submissions carry codes
    /// and every node validates them alike; an update changes titles,
    /// translations and groups, never codes). Says what is wrong if not.
    pub fn check_update(&self) -> Result<(), String> {
        let shipped = Taxonomy::v1();
        let Some(version) = self.version_numbers() else {
            return Err(format!("version `{}` is not dotted numbers such as 1.1", self.version));
        };
        if version <= shipped.version_numbers().expect("the shipped version is numeric") {
            return Err(format!(
                "version {} is not above the shipped taxonomy's {}; give it a higher version",
                self.version, shipped.version
            ));
        }
        for ((name, terms), (_, shipped_terms)) in self.lists().into_iter().zip(shipped.lists()) {
            let codes: BTreeSet<&str> = terms.iter().map(|term| term.code.as_str()).collect();
            let expected: BTreeSet<&str> = shipped_terms.iter().map(|term| term.code.as_str()).collect();
            if let Some(added) = codes.difference(&expected).next() {
                return Err(format!(
                    "`{name}` adds code `{added}`: a taxonomy update may change titles, never codes (codes are \
                     what submissions carry, so a new code needs a software release)"
                ));
            }
            if let Some(dropped) = expected.difference(&codes).next() {
                return Err(format!(
                    "`{name}` drops code `{dropped}`: a taxonomy update may change titles, never codes (every \
                     shipped code must stay)"
                ));
            }
        }
        Ok(())
    }

    /// The codes of `terms`, comma-separated (for messages).
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
        assert_eq!(taxonomy.version, "1.0");
        assert_eq!(taxonomy.principles.len(), 18);
        assert_eq!(taxonomy.risks.len(), 13);
        assert_eq!(taxonomy.lifecycle_stages.len(), 5);
        assert_eq!(taxonomy.responsible_authorities.len(), 5);
        assert_eq!(taxonomy.dpi_types.len(), 6);
        assert_eq!(taxonomy.stakeholder_groups.len(), 10);
        assert_eq!(taxonomy.purposes.len(), 3);
        assert_eq!(taxonomy.formats.len(), 3);
    }

    #[test]
    fn all_eighteen_principles_have_groups_and_titles() {
        let taxonomy = Taxonomy::v1();
        assert_eq!(taxonomy.principles.len(), 18);
        for term in &taxonomy.principles {
            let group = if term.code.starts_with('F') { "foundational" } else { "operational" };
            assert_eq!(term.group.as_deref(), Some(group), "{}", term.code);
            assert!(!term.title.is_empty(), "{} has a title", term.code);
        }
        for term in &taxonomy.risks {
            let group = match &term.code[..2] {
                "RS" => "safety",
                "RI" => "inclusion",
                _ => "society",
            };
            assert_eq!(term.group.as_deref(), Some(group), "{}", term.code);
        }
    }

    #[test]
    fn every_title_given_is_translated() {
        for (name, terms) in Taxonomy::v1().lists() {
            for term in terms.iter().filter(|term| !term.title.is_empty()) {
                for lang in ["en", "fr", "es", "ar"] {
                    assert!(term.title.get(lang).is_some_and(|t| !t.trim().is_empty()), "{name} {} {lang}", term.code);
                }
            }
        }
    }

    #[test]
    fn labels_fall_back_to_english_then_to_the_code() {
        let taxonomy = Taxonomy::v1();
        let f1 = &taxonomy.principles[0];
        assert_eq!(f1.label("en"), "F1 Do no harm");
        assert_eq!(f1.label("fr"), "F1 Ne pas nuire");
        assert_eq!(f1.label("fr-CA"), "F1 Ne pas nuire");
        assert_eq!(f1.label("sw"), "F1 Do no harm");
        let untitled = Term { code: "X1".into(), group: None, title: BTreeMap::new() };
        assert_eq!(untitled.title_in("en"), None);
        assert_eq!(untitled.label("en"), "X1", "unknown titles are not invented");
    }

    fn updated(edit: impl FnOnce(&mut Taxonomy)) -> Taxonomy {
        let mut taxonomy = Taxonomy::v1().clone();
        taxonomy.version = "1.1".into();
        edit(&mut taxonomy);
        taxonomy
    }

    #[test]
    fn an_update_changes_titles_never_codes() {
        let retitled = updated(|taxonomy| {
            taxonomy.principles[0].title.insert("en".into(), "Avoid harm".into());
            taxonomy.principles.reverse();
        });
        assert_eq!(retitled.check_update(), Ok(()));
        let added =
            updated(|taxonomy| taxonomy.risks.push(Term { code: "RS9".into(), group: None, title: BTreeMap::new() }));
        assert!(added.check_update().unwrap_err().contains("adds code `RS9`"));
        let dropped = updated(|taxonomy| {
            taxonomy.formats.pop();
        });
        assert!(dropped.check_update().unwrap_err().contains("drops code `hybrid`"));
        let renamed = updated(|taxonomy| taxonomy.principles[0].code = "F10".into());
        assert!(renamed.check_update().unwrap_err().contains("never codes"));
        for (version, fine) in [
            ("1.0", false),
            ("1", false),
            ("0.9", false),
            ("1.0.1", true),
            ("2", true),
            ("1.x", false),
            ("", false),
            ("1..2", false),
        ] {
            let taxonomy = updated(|taxonomy| taxonomy.version = version.into());
            assert_eq!(taxonomy.check_update().is_ok(), fine, "{version}");
        }
        assert!(
            updated(|taxonomy| taxonomy.version = "1.10".into()).version_numbers() > updated(|_| {}).version_numbers()
        );
    }

    #[test]
    fn a_taxonomy_with_a_bad_title_is_refused() {
        let with_title = |title: &str| {
            let mut taxonomy = Taxonomy::v1().clone();
            taxonomy.principles[0].title.insert("en".into(), title.into());
            Taxonomy::from_json(&serde_json::to_string(&taxonomy).unwrap())
        };
        assert!(with_title("Cause no harm").is_ok());
        for bad in ["", "  ", "two\nlines", "\u{202e}reversed", &"t".repeat(MAX_TITLE_CHARS + 1)] {
            let error = with_title(bad).expect_err("refused").to_string();
            assert!(error.contains("F1 has a bad title in `en`"), "{error}");
        }
    }

    #[test]
    fn a_bad_taxonomy_is_refused() {
        let list = r#"[{"code": "A"}]"#;
        let document = |principles: &str| {
            format!(
                r#"{{"version": "x", "principles": {principles}, "risks": [], "lifecycle_stages": [],
                "responsible_authorities": [], "dpi_types": [], "stakeholder_groups": [], "purposes": [],
                "formats": {list}}}"#
            )
        };
        assert!(Taxonomy::from_json(&document(list)).is_ok());
        assert!(Taxonomy::from_json(&document(r#"[{"code": "A"}, {"code": "A"}]"#)).is_err());
        assert!(Taxonomy::from_json(&document(r#"[{"code": " "}]"#)).is_err());
        assert!(Taxonomy::from_json("{}").is_err());
    }
}
