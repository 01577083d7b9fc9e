//! The public showcase (`convene showcase --out DIR`): a static website of
//! the submissions that are published (curation status `published`) and
//! consented (`consent_to_publish`), hidden ones being out of every export
//! already. HTML and one stylesheet; no script; every link relative, nothing
//! loaded from elsewhere, so it can be hosted anywhere or opened from disk.
//!
//! It is drawn from the anonymised export's rows
//! (`convene_node::export::exported_fields`): no author's key, no
//! identifying field (organisations, implementer, locality), no contact,
//! dates to the month. Of those it shows only the text fields and the facts
//! it counts, whose numbers obey small-cell suppression ([`suppress`], pure;
//! the pages in `pages.rs`).

mod pages;
pub mod suppress;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::Taxonomy;
use convene_protocol::text_rules::civil_from_days;
use serde_json::{Map, Value};

use crate::i18n::Lang;
use crate::regions;
use suppress::{Branch, Facts, Tree, Universe};

/// The least threshold a showcase accepts: under 2, "fewer than N" says
/// the count exactly.
pub const LEAST_MIN_CELL: u64 = 2;

/// The parent of submissions without a country (or in a country M49
/// places nowhere).
const NO_REGION: &str = "";

/// Whether an exported row goes in a showcase: published, and its author
/// consented to publication.
pub fn is_showcased(fields: &Map<String, Value>) -> bool {
    fields.get("status").and_then(Value::as_str) == Some("published")
        && fields.get("consent_to_publish") == Some(&Value::Bool(true))
}

/// An exported row's country, where its kind keeps one.
fn country(fields: &Map<String, Value>) -> Option<&str> {
    fields
        .get("country")
        .or_else(|| fields.get("location").and_then(|location| location.get("country")))
        .and_then(Value::as_str)
}

/// The codes of an exported row's list `name`.
fn codes(fields: &Map<String, Value>, name: &str) -> BTreeSet<String> {
    let list = fields.get(name).and_then(Value::as_array);
    list.into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// What the showcase counts of an exported row.
pub fn facts(fields: &Map<String, Value>) -> Facts {
    let place = match country(fields).map(|code| (code, regions::of_country(code))) {
        Some((code, Some(region))) => {
            Branch { parent: region.region.to_owned(), child: Some(code.to_ascii_uppercase()) }
        }
        _ => Branch { parent: NO_REGION.to_owned(), child: None },
    };
    // `created` is `YYYY-MM` in an anonymised export.
    let month = fields.get("created").and_then(Value::as_str).unwrap_or_default();
    let period = Branch { parent: month.get(..4).unwrap_or_default().to_owned(), child: Some(month.to_owned()) };
    Facts {
        kind: fields.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned(),
        place,
        period,
        principles: codes(fields, "principles"),
        risks: codes(fields, "risks"),
    }
}

/// The public categories: the kinds, the M49 regions with their countries
/// (and those without one), the months of `months` by year, the taxonomy's
/// principles and risks.
pub fn universe(months: &[String]) -> Universe {
    let taxonomy = Taxonomy::v1();
    let mut places = Vec::new();
    for region in regions::REGION_CODES {
        places.push((region.to_owned(), regions::countries_of(region)));
    }
    places.push((NO_REGION.to_owned(), Vec::new()));
    let mut periods: Vec<(String, Vec<String>)> = Vec::new();
    for month in months {
        let year = month.get(..4).unwrap_or_default();
        match periods.last_mut() {
            Some((last, list)) if last == year => list.push(month.clone()),
            _ => periods.push((year.to_owned(), vec![month.clone()])),
        }
    }
    Universe {
        kinds: SubmissionKind::ALL.iter().map(|kind| kind.as_str().to_owned()).collect(),
        places: Tree { parents: places },
        periods: Tree { parents: periods },
        principles: taxonomy.principles.iter().map(|term| term.code.clone()).collect(),
        risks: taxonomy.risks.iter().map(|term| term.code.clone()).collect(),
    }
}

/// The months (`YYYY-MM`) a showcase's periods list: from the network's
/// genesis (`first_ms`) to now, widened to any month a row has (a clock set
/// wrong). A month outside them is known to hold nothing, so listing one
/// would let a reader count it out of an "other months" row.
pub fn months(first_ms: u64, now_ms: u64, rows: &[Map<String, Value>]) -> Vec<String> {
    let month_of = |ms: u64| {
        let (year, month, _) = civil_from_days((ms / 86_400_000) as i64);
        (year, month)
    };
    let seen = rows.iter().filter_map(|fields| {
        let month = fields.get("created").and_then(Value::as_str)?;
        Some((month.get(..4)?.parse::<i64>().ok()?, month.get(5..7)?.parse::<u32>().ok()?))
    });
    let (mut low, mut high) = (month_of(first_ms), month_of(now_ms));
    for month in seen {
        low = low.min(month);
        high = high.max(month);
    }
    let mut months = Vec::new();
    let (mut year, mut month) = low;
    while (year, month) <= high {
        months.push(format!("{year:04}-{month:02}"));
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    months
}

/// What was written.
#[derive(Debug)]
pub struct Written {
    /// How many submissions it shows.
    pub items: usize,
    /// Every file written, relative to the folder.
    pub files: Vec<PathBuf>,
}

/// Writes the showcase of `rows` (exported, anonymised; only the showcased
/// ones are kept) into the empty or new folder `dir`. `entries` gives each
/// row's document id the ids of the entries it was built from: its page
/// lists them (`data-document`, `data-entry`), for a signed release to
/// cover and anyone to check. Titles of codes come from `taxonomy`.
pub fn write(
    dir: &Path,
    lang: Lang,
    taxonomy: &Taxonomy,
    min_cell: u64,
    months: &[String],
    rows: &[Map<String, Value>],
    entries: &BTreeMap<String, Vec<String>>,
) -> std::io::Result<Written> {
    let rows: Vec<&Map<String, Value>> = rows.iter().filter(|fields| is_showcased(fields)).collect();
    let facts: Vec<Facts> = rows.iter().map(|fields| facts(fields)).collect();
    let model = suppress::model(&universe(months), &facts, min_cell);
    let site = pages::site(lang, taxonomy, &model, &rows, entries);
    std::fs::create_dir_all(dir.join(pages::ITEMS))?;
    let mut files = Vec::new();
    for (path, text) in site {
        std::fs::write(dir.join(&path), text)?;
        files.push(path);
    }
    Ok(Written { items: model.items.len(), files })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn months_run_from_the_genesis_to_now_and_group_by_year() {
        // 2025-11-15 and 2026-02-03, UTC.
        let (genesis, now) = (1_763_164_800_000, 1_770_076_800_000);
        assert_eq!(months(genesis, now, &[]), ["2025-11", "2025-12", "2026-01", "2026-02"]);
        let ahead = json!({ "created": "2026-04" }).as_object().unwrap().clone();
        assert_eq!(months(genesis, now, &[ahead]).last().map(String::as_str), Some("2026-04"), "a clock set wrong");
        let universe = universe(&months(genesis, now, &[]));
        let years: Vec<(&str, usize)> =
            universe.periods.parents.iter().map(|(year, months)| (year.as_str(), months.len())).collect();
        assert_eq!(years, [("2025", 2), ("2026", 2)], "no month known to be empty is a category");
    }

    #[test]
    fn only_published_and_consented_rows_are_showcased() {
        let row = |status: &str, consent: Value| json!({ "status": status, "consent_to_publish": consent });
        let showcased = |value: Value| is_showcased(value.as_object().unwrap());
        assert!(showcased(row("published", json!(true))));
        assert!(!showcased(row("published", json!(false))));
        assert!(!showcased(row("published", json!("true"))));
        assert!(!showcased(row("in_review", json!(true))));
    }
}
