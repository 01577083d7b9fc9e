//! The list index: what filtering needs of every live document, in memory,
//! newest first, so a filtered page over 100,000 submissions takes a few
//! milliseconds instead of a scan of the store.
//!
//! It is built from the stored list rows on first use and kept current by
//! [`super::Store::ingest`]; it holds no document and no personal data.
//! Per submission it keeps about 100 bytes in a handful of large
//! allocations: its key (created, id), taxonomy codes as bit sets, interned
//! country and language, the date, and where its lowercased title lies in
//! one shared buffer for text search. The page's rows are then read from
//! the store.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::ops::Range;

use convene_protocol::entry::DocumentId;
use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::{Taxonomy, Term};

use super::ListRow;
use crate::query::Filter;

type Key = (Reverse<u64>, DocumentId);

/// Garbage the title buffer may hold (titles of replaced or removed rows)
/// before it is compacted, when that is also over half of it.
const TITLE_GARBAGE: usize = 1 << 20;

/// What a filter tests of one submission.
#[derive(Debug)]
struct Indexed {
    principles: u64,
    risks: u64,
    stages: u64,
    /// Where the lowercased title lies in [`ListIndex::titles`].
    title_start: usize,
    title_len: u32,
    country: u16,
    language: u16,
    /// `YYYY-MM-DD` (the schema's only form), or zeros when the submission
    /// has no date.
    date: [u8; 10],
    kind: SubmissionKind,
}

impl Indexed {
    fn title_range(&self) -> Range<usize> {
        self.title_start..self.title_start + self.title_len as usize
    }

    fn date(&self) -> Option<&[u8]> {
        (self.date != [0; 10]).then_some(&self.date[..])
    }
}

/// Small tables of the distinct texts rows repeat (countries, languages);
/// index 0 is "none".
#[derive(Debug)]
struct Interner(Vec<Box<str>>);

impl Interner {
    fn new() -> Self {
        Self(vec!["".into()])
    }

    fn intern(&mut self, text: Option<&str>) -> u16 {
        let Some(text) = text.filter(|text| !text.is_empty()) else { return 0 };
        if let Some(index) = self.0.iter().position(|have| &**have == text) {
            return index as u16;
        }
        // Countries and languages number in the hundreds; a table this
        // full means damaged rows, which then share the last slot.
        if self.0.len() < u16::MAX as usize {
            self.0.push(text.into());
        }
        (self.0.len() - 1) as u16
    }

    /// The indices whose text passes `test` (never "none").
    fn matching(&self, test: impl Fn(&str) -> bool) -> Vec<u16> {
        (1..self.0.len()).filter(|&index| test(&self.0[index])).map(|index| index as u16).collect()
    }
}

/// The bit of each code of a taxonomy list (lists are far below 64 codes;
/// a unit test holds the shipped taxonomy to that).
fn mask(terms: &[Term], codes: &[String]) -> u64 {
    codes
        .iter()
        .filter_map(|code| terms.iter().position(|term| term.code.eq_ignore_ascii_case(code)))
        .filter(|&bit| bit < 64)
        .fold(0, |mask, bit| mask | 1 << bit)
}

/// A code wanted by a filter: `None` when the filter does not ask, a mask
/// of zero when the code is unknown (nothing matches).
fn wanted(terms: &[Term], code: &Option<String>) -> Option<u64> {
    code.as_ref().map(|code| mask(terms, std::slice::from_ref(code)))
}

/// Every live document's filterable fields, newest first.
#[derive(Debug)]
pub(crate) struct ListIndex {
    rows: BTreeMap<Key, Indexed>,
    /// Every row's lowercased title, one after the other.
    titles: String,
    /// Bytes of `titles` no row points at any more.
    garbage: usize,
    countries: Interner,
    languages: Interner,
}

impl ListIndex {
    /// The index of `rows`, in any order (the bulk load packs the tree's
    /// nodes full).
    pub(crate) fn build<E>(rows: impl Iterator<Item = Result<ListRow, E>>) -> Result<Self, E> {
        let mut index = Self {
            rows: BTreeMap::new(),
            titles: String::new(),
            garbage: 0,
            countries: Interner::new(),
            languages: Interner::new(),
        };
        let mut loaded = Vec::new();
        for row in rows {
            let row = row?;
            loaded.push(((Reverse(row.created_ms), row.id), index.indexed(&row)));
        }
        index.rows = BTreeMap::from_iter(loaded);
        index.titles.shrink_to_fit();
        Ok(index)
    }

    /// What the index keeps of `row`; its title goes into the buffer.
    fn indexed(&mut self, row: &ListRow) -> Indexed {
        let taxonomy = Taxonomy::v1();
        let summary = &row.summary;
        let title_start = self.titles.len();
        self.titles.push_str(&summary.title.to_lowercase());
        let mut date = [0; 10];
        if let Some(text) = summary.date.as_deref().filter(|text| text.len() == date.len()) {
            date.copy_from_slice(text.as_bytes());
        }
        Indexed {
            principles: mask(&taxonomy.principles, &summary.principles),
            risks: mask(&taxonomy.risks, &summary.risks),
            stages: mask(&taxonomy.lifecycle_stages, &summary.lifecycle_stages),
            title_start,
            title_len: (self.titles.len() - title_start) as u32,
            country: self.countries.intern(summary.country.as_deref().map(str::to_ascii_uppercase).as_deref()),
            language: self.languages.intern(Some(&summary.language.to_ascii_lowercase())),
            date,
            kind: summary.kind,
        }
    }

    /// Adds or replaces a document's row.
    pub(crate) fn insert(&mut self, row: &ListRow) {
        let indexed = self.indexed(row);
        if let Some(old) = self.rows.insert((Reverse(row.created_ms), row.id), indexed) {
            self.forget_title(&old);
        }
    }

    /// Removes a document's row.
    pub(crate) fn remove(&mut self, created_ms: u64, id: DocumentId) {
        if let Some(old) = self.rows.remove(&(Reverse(created_ms), id)) {
            self.forget_title(&old);
        }
    }

    /// Counts a row's title as garbage, and compacts the buffer when
    /// garbage is most of it.
    fn forget_title(&mut self, old: &Indexed) {
        self.garbage += old.title_len as usize;
        if self.garbage < TITLE_GARBAGE || self.garbage < self.titles.len() / 2 {
            return;
        }
        let mut titles = String::with_capacity(self.titles.len() - self.garbage);
        for row in self.rows.values_mut() {
            let start = titles.len();
            titles.push_str(&self.titles[row.title_range()]);
            row.title_start = start;
        }
        self.titles = titles;
        self.garbage = 0;
    }

    /// How many documents of each kind it holds (kinds with none left out).
    pub(crate) fn count_kinds(&self) -> Vec<(SubmissionKind, u64)> {
        SubmissionKind::ALL
            .iter()
            .map(|&kind| (kind, self.rows.values().filter(|row| row.kind == kind).count() as u64))
            .filter(|(_, count)| *count > 0)
            .collect()
    }

    /// The documents passing `filter`, newest first: how many in all, and
    /// the ids of `limit` of them from `offset`.
    pub(crate) fn query(&self, filter: &Filter, offset: usize, limit: usize) -> (usize, Vec<(u64, DocumentId)>) {
        let taxonomy = Taxonomy::v1();
        let principle = wanted(&taxonomy.principles, &filter.principle);
        let risk = wanted(&taxonomy.risks, &filter.risk);
        let stage = wanted(&taxonomy.lifecycle_stages, &filter.stage);
        let countries =
            filter.country.as_ref().map(|wanted| self.countries.matching(|have| have.eq_ignore_ascii_case(wanted)));
        let languages = filter.language.as_ref().map(|wanted| {
            let wanted = wanted.to_ascii_lowercase();
            self.languages.matching(|have| {
                have == wanted || have.strip_prefix(wanted.as_str()).is_some_and(|rest| rest.starts_with('-'))
            })
        });
        let words: Option<Vec<String>> =
            filter.text.as_ref().map(|text| text.to_lowercase().split_whitespace().map(str::to_owned).collect());
        let has = |mask: u64, wanted: Option<u64>| wanted.is_none_or(|wanted| mask & wanted != 0);
        let among = |index: u16, set: &Option<Vec<u16>>| set.as_ref().is_none_or(|set| set.contains(&index));
        let from = filter.from.as_deref().map(str::as_bytes);
        let to = filter.to.as_deref().map(str::as_bytes);
        let matches = |row: &Indexed| {
            filter.kind.is_none_or(|kind| kind == row.kind)
                && has(row.principles, principle)
                && has(row.risks, risk)
                && has(row.stages, stage)
                && among(row.country, &countries)
                && among(row.language, &languages)
                && from.is_none_or(|from| row.date().is_some_and(|date| date >= from))
                && to.is_none_or(|to| row.date().is_some_and(|date| date <= to))
                && words.as_ref().is_none_or(|words| {
                    let title = &self.titles[row.title_range()];
                    words.iter().all(|word| title.contains(word.as_str()))
                })
        };
        let mut total = 0;
        let mut page = Vec::new();
        for ((Reverse(created_ms), id), row) in &self.rows {
            if matches(row) {
                if total >= offset && page.len() < limit {
                    page.push((*created_ms, *id));
                }
                total += 1;
            }
        }
        (total, page)
    }
}

#[cfg(test)]
mod tests {
    use convene_protocol::schema::Summary;

    use super::*;

    fn row(byte: u8, created_ms: u64, title: &str, language: &str, principles: &[&str]) -> ListRow {
        ListRow {
            id: DocumentId([byte; 32]),
            creator: "did:key:z6Mkexample".into(),
            created_ms,
            summary: Summary {
                kind: SubmissionKind::ConveningReport,
                title: title.into(),
                language: language.into(),
                country: Some("KE".into()),
                date: Some(format!("2025-0{byte}-01")),
                principles: principles.iter().map(|code| code.to_string()).collect(),
                risks: vec!["RS1".into()],
                lifecycle_stages: vec!["L2".into()],
                dpi_types: vec![],
                stakeholder_groups: vec![],
            },
        }
    }

    fn ids(index: &ListIndex, filter: &Filter) -> Vec<u8> {
        index.query(filter, 0, usize::MAX).1.into_iter().map(|(_, id)| id.0[0]).collect()
    }

    #[test]
    fn the_shipped_taxonomy_fits_the_bit_sets() {
        let taxonomy = Taxonomy::v1();
        for terms in [&taxonomy.principles, &taxonomy.risks, &taxonomy.lifecycle_stages] {
            assert!(terms.len() <= 64, "a list of {} codes does not fit a u64 bit set", terms.len());
        }
    }

    #[test]
    fn filters_match_like_the_rows_say_newest_first_and_paged() {
        let mut index = ListIndex::build(std::iter::empty::<Result<ListRow, ()>>()).expect("empty");
        index.insert(&row(1, 10, "Payments in Nairobi", "en", &["F1"]));
        index.insert(&row(2, 30, "Paiements à Dakar", "fr", &["F1", "O3"]));
        index.insert(&row(3, 20, "Digital ID review", "es-419", &["O3"]));
        assert_eq!(ids(&index, &Filter::default()), [2, 3, 1]);
        assert_eq!(ids(&index, &Filter { principle: Some("f1".into()), ..Filter::default() }), [2, 1]);
        assert_eq!(ids(&index, &Filter { principle: Some("ZZ".into()), ..Filter::default() }), Vec::<u8>::new());
        assert_eq!(ids(&index, &Filter { language: Some("es".into()), ..Filter::default() }), [3]);
        assert_eq!(ids(&index, &Filter { language: Some("e".into()), ..Filter::default() }), Vec::<u8>::new());
        assert_eq!(ids(&index, &Filter { country: Some("ke".into()), ..Filter::default() }), [2, 3, 1]);
        assert_eq!(ids(&index, &Filter { text: Some("PAIEMENTS dakar".into()), ..Filter::default() }), [2]);
        let range = Filter { from: Some("2025-02-01".into()), to: Some("2025-03-01".into()), ..Filter::default() };
        assert_eq!(ids(&index, &range), [2, 3]);
        assert_eq!(index.query(&Filter::default(), 1, 1), (3, vec![(20, DocumentId([3; 32]))]));

        index.insert(&row(3, 20, "Digital ID review, edited", "es-419", &["F1"]));
        assert_eq!(ids(&index, &Filter { principle: Some("F1".into()), ..Filter::default() }), [2, 3, 1]);
        index.remove(30, DocumentId([2; 32]));
        assert_eq!(ids(&index, &Filter::default()), [3, 1]);
    }

    #[test]
    fn a_bulk_load_answers_like_inserts_and_titles_survive_compaction() {
        let rows = [row(1, 10, "Payments in Nairobi", "en", &["F1"]), row(2, 30, "Paiements à Dakar", "fr", &["O3"])];
        let mut index = ListIndex::build(rows.iter().cloned().map(Ok::<_, ()>)).expect("built");
        assert_eq!(ids(&index, &Filter::default()), [2, 1]);
        assert_eq!(ids(&index, &Filter { text: Some("DAKAR".into()), ..Filter::default() }), [2]);
        assert_eq!(ids(&index, &Filter { from: Some("2025-02".into()), ..Filter::default() }), [2]);

        // Retitling one row over and over leaves garbage until the buffer
        // is compacted; every title still reads right afterwards.
        let long = "x".repeat(64 * 1024);
        for round in 0..40 {
            index.insert(&row(1, 10, &format!("{long} round {round}"), "en", &["F1"]));
        }
        assert!(index.garbage < TITLE_GARBAGE, "compacted: {} bytes of garbage", index.garbage);
        assert_eq!(ids(&index, &Filter { text: Some("round 39".into()), ..Filter::default() }), [1]);
        assert_eq!(ids(&index, &Filter { text: Some("round 38".into()), ..Filter::default() }), Vec::<u8>::new());
        assert_eq!(ids(&index, &Filter { text: Some("dakar".into()), ..Filter::default() }), [2]);
        index.remove(10, DocumentId([1; 32]));
        assert_eq!(ids(&index, &Filter::default()), [2]);
    }
}
