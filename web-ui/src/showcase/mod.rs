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
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::Taxonomy;
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
/// (and those without one), the years of `years` with their months, the
/// taxonomy's principles and risks.
pub fn universe(years: RangeInclusive<i32>) -> Universe {
    let taxonomy = Taxonomy::v1();
    let mut places = Vec::new();
    for region in regions::REGION_CODES {
        places.push((region.to_owned(), regions::countries_of(region)));
    }
    places.push((NO_REGION.to_owned(), Vec::new()));
    let periods = years.map(|year| (year.to_string(), (1..=12).map(|month| format!("{year:04}-{month:02}")).collect()));
    Universe {
        kinds: SubmissionKind::ALL.iter().map(|kind| kind.as_str().to_owned()).collect(),
        places: Tree { parents: places },
        periods: Tree { parents: periods.collect() },
        principles: taxonomy.principles.iter().map(|term| term.code.clone()).collect(),
        risks: taxonomy.risks.iter().map(|term| term.code.clone()).collect(),
    }
}

/// The years a showcase's periods list: from `first` (the network's
/// genesis) to the current year, widened to any year a row has (a clock set
/// wrong); the same whatever the corpus holds, so that which years are
/// listed says nothing of the counts.
pub fn years(first: i32, current: i32, rows: &[Map<String, Value>]) -> RangeInclusive<i32> {
    let of = |fields: &Map<String, Value>| facts(fields).period.parent.parse::<i32>().ok();
    let seen: Vec<i32> = rows.iter().filter_map(of).collect();
    let low = seen.iter().copied().min().unwrap_or(first).min(first);
    let high = seen.iter().copied().max().unwrap_or(current).max(current);
    low..=high
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
/// cover and anyone to check.
pub fn write(
    dir: &Path,
    lang: Lang,
    min_cell: u64,
    years: RangeInclusive<i32>,
    rows: &[Map<String, Value>],
    entries: &BTreeMap<String, Vec<String>>,
) -> std::io::Result<Written> {
    let rows: Vec<&Map<String, Value>> = rows.iter().filter(|fields| is_showcased(fields)).collect();
    let facts: Vec<Facts> = rows.iter().map(|fields| facts(fields)).collect();
    let model = suppress::model(&universe(years), &facts, min_cell);
    let site = pages::site(lang, &model, &rows, entries);
    std::fs::create_dir_all(dir.join(pages::ITEMS))?;
    let mut files = Vec::new();
    for (path, text) in site {
        std::fs::write(dir.join(&path), text)?;
        files.push(path);
    }
    Ok(Written { items: model.items.len(), files })
}
