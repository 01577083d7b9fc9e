//! The list index: what filtering needs of every live document, in memory,
//! newest first, so a filtered page over 100,000 submissions takes a few
//! milliseconds instead of a scan of the store.
//!
//! It is built from the stored list rows on first use and kept current by
//! [`super::Store::ingest`]; it holds no document and no personal data.
//! Per submission it keeps about 100 bytes in a handful of large
//! allocations: its key (created, id), taxonomy codes as bit sets, interned
//! country and language, the date; and for search an inverted index of the
//! words of its public text (`words.rs`): each distinct word once, with the
//! sorted slots of the documents that hold it, 4 bytes per word of a
//! document. Taking a document out looks through every word's slots (a
//! binary search each), which spares keeping each document's words.
//! A query word matches the words it begins; all query words must match.
//! The page's rows are then read from the store. The dashboard's counts
//! ([`crate::tally`]) come from the same pass over the same matching rows.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::ops::Bound;

use convene_protocol::entry::DocumentId;
use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::{Taxonomy, Term};

use super::ListRow;
use super::words::tokens;
use crate::query::Filter;
use crate::tally::{Counter, Facets, Tally};

type Key = (Reverse<u64>, DocumentId);

/// What a filter tests of one submission.
#[derive(Debug)]
struct Indexed {
    principles: u64,
    risks: u64,
    stages: u64,
    stakeholders: u64,
    /// Its place in the search's bit sets and postings.
    slot: u32,
    country: u16,
    language: u16,
    /// `YYYY-MM-DD` (the schema's only form), or zeros when the submission
    /// has no date.
    date: [u8; 10],
    kind: SubmissionKind,
}

impl Indexed {
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

/// The inverted index of the search.
#[derive(Debug, Default)]
struct Words {
    /// Every word met, sorted (a prefix is a range), with its number.
    numbers: BTreeMap<Box<str>, u32>,
    /// By word number: the slots of the documents that hold it, sorted.
    postings: Vec<Vec<u32>>,
    /// Slots of removed documents, to be given again.
    free_slots: Vec<u32>,
    /// Slots given so far.
    slots: u32,
}

impl Words {
    fn slot(&mut self) -> u32 {
        self.free_slots.pop().unwrap_or_else(|| {
            self.slots += 1;
            self.slots - 1
        })
    }

    /// Adds a document's words (repeats allowed) at `slot`.
    fn add(&mut self, slot: u32, words: impl Iterator<Item = String>) {
        for word in words {
            let next = self.postings.len() as u32;
            let number = *self.numbers.entry(word.into_boxed_str()).or_insert(next);
            if number == next {
                self.postings.push(Vec::new());
            }
            let postings = &mut self.postings[number as usize];
            if let Err(at) = postings.binary_search(&slot) {
                postings.insert(at, slot);
            }
        }
    }

    /// Takes a document's words out and frees its slot.
    fn remove(&mut self, slot: u32) {
        for postings in &mut self.postings {
            if let Ok(at) = postings.binary_search(&slot) {
                postings.remove(at);
            }
        }
        self.free_slots.push(slot);
    }

    /// The slots of the documents holding a word that `prefix` begins, as
    /// a bit set.
    fn matching(&self, prefix: &str) -> Vec<u64> {
        let mut bits = vec![0u64; (self.slots as usize).div_ceil(64)];
        for (_, &number) in self
            .numbers
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(word, _)| word.starts_with(prefix))
        {
            for &slot in &self.postings[number as usize] {
                bits[slot as usize / 64] |= 1 << (slot % 64);
            }
        }
        bits
    }

    /// Bytes it holds on the heap, about.
    fn heap_bytes(&self) -> usize {
        let words: usize = self.numbers.keys().map(|word| word.len() + 16 + 4 + 16).sum();
        let postings: usize = self.postings.iter().map(|slots| slots.capacity() * 4 + 24).sum();
        words + postings + self.free_slots.capacity() * 4
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
    words: Words,
    countries: Interner,
    languages: Interner,
}

impl ListIndex {
    /// The index of `rows` and their words, in any order (the bulk load
    /// packs the tree's nodes full).
    pub(crate) fn build<E>(rows: impl Iterator<Item = Result<(ListRow, String), E>>) -> Result<Self, E> {
        let mut index = Self {
            rows: BTreeMap::new(),
            words: Words::default(),
            countries: Interner::new(),
            languages: Interner::new(),
        };
        let mut loaded = Vec::new();
        for row in rows {
            let (row, words) = row?;
            loaded.push(((Reverse(row.created_ms), row.id), index.indexed(&row, &words)));
        }
        index.rows = BTreeMap::from_iter(loaded);
        for postings in &mut index.words.postings {
            postings.shrink_to_fit();
        }
        tracing::info!(
            "list index: {} documents, {} distinct words, about {} MB",
            index.rows.len(),
            index.words.numbers.len(),
            index.heap_bytes() / 1_000_000
        );
        Ok(index)
    }

    /// What the index keeps of `row`; its words (and its title's, for rows
    /// stored before rows had words) go into the search.
    fn indexed(&mut self, row: &ListRow, words: &str) -> Indexed {
        let taxonomy = Taxonomy::v1();
        let summary = &row.summary;
        let slot = self.words.slot();
        self.words.add(slot, tokens(&summary.title).chain(tokens(words)));
        let mut date = [0; 10];
        if let Some(text) = summary.date.as_deref().filter(|text| text.len() == date.len()) {
            date.copy_from_slice(text.as_bytes());
        }
        Indexed {
            principles: mask(&taxonomy.principles, &summary.principles),
            risks: mask(&taxonomy.risks, &summary.risks),
            stages: mask(&taxonomy.lifecycle_stages, &summary.lifecycle_stages),
            stakeholders: mask(&taxonomy.stakeholder_groups, &summary.stakeholder_groups),
            slot,
            country: self.countries.intern(summary.country.as_deref().map(str::to_ascii_uppercase).as_deref()),
            language: self.languages.intern(Some(&summary.language.to_ascii_lowercase())),
            date,
            kind: summary.kind,
        }
    }

    /// Adds or replaces a document's row and words.
    pub(crate) fn insert(&mut self, row: &ListRow, words: &str) {
        if let Some(old) = self.rows.remove(&(Reverse(row.created_ms), row.id)) {
            self.words.remove(old.slot);
        }
        let indexed = self.indexed(row, words);
        self.rows.insert((Reverse(row.created_ms), row.id), indexed);
    }

    /// Removes a document's row.
    pub(crate) fn remove(&mut self, created_ms: u64, id: DocumentId) {
        if let Some(old) = self.rows.remove(&(Reverse(created_ms), id)) {
            self.words.remove(old.slot);
        }
    }

    /// Bytes the index holds on the heap, about.
    pub(crate) fn heap_bytes(&self) -> usize {
        // A B-tree entry: the key (40 bytes), the row (about 64) and the
        // tree's own share.
        self.rows.len() * 120 + self.words.heap_bytes()
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
        let mut total = 0;
        let mut page = Vec::new();
        for ((Reverse(created_ms), id), _) in self.matching(filter) {
            if total >= offset && page.len() < limit {
                page.push((*created_ms, *id));
            }
            total += 1;
        }
        (total, page)
    }

    /// The counts per field of the documents passing `filter`.
    pub(crate) fn tally(&self, filter: &Filter) -> Tally {
        let mut counter = Counter::new(self.countries.0.len(), self.languages.0.len());
        for (_, row) in self.matching(filter) {
            counter.add(Facets {
                kind: row.kind,
                country: row.country,
                language: row.language,
                codes: [row.principles, row.risks, row.stages, row.stakeholders],
                date: row.date(),
            });
        }
        counter.finish(&self.countries.0, &self.languages.0)
    }

    /// The documents passing `filter`, newest first.
    fn matching<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = (&'a Key, &'a Indexed)> + 'a {
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
        // The documents holding every query word, as a bit set by slot.
        let found: Option<Vec<u64>> = filter.text.as_deref().and_then(|text| {
            tokens(text).map(|word| self.words.matching(&word)).reduce(|mut all, next| {
                all.iter_mut().zip(next).for_each(|(bits, more)| *bits &= more);
                all
            })
        });
        let has = |mask: u64, wanted: Option<u64>| wanted.is_none_or(|wanted| mask & wanted != 0);
        let among = |index: u16, set: &Option<Vec<u16>>| set.as_ref().is_none_or(|set| set.contains(&index));
        let from = filter.from.as_deref().map(str::as_bytes);
        let to = filter.to.as_deref().map(str::as_bytes);
        let matches = move |row: &Indexed| {
            found.as_ref().is_none_or(|bits| bits[row.slot as usize / 64] & (1 << (row.slot % 64)) != 0)
                && filter.kind.is_none_or(|kind| kind == row.kind)
                && has(row.principles, principle)
                && has(row.risks, risk)
                && has(row.stages, stage)
                && among(row.country, &countries)
                && among(row.language, &languages)
                && from.is_none_or(|from| row.date().is_some_and(|date| date >= from))
                && to.is_none_or(|to| row.date().is_some_and(|date| date <= to))
        };
        self.rows.iter().filter(move |(_, row)| matches(row))
    }
}

#[cfg(test)]
mod tests {
    use convene_protocol::schema::Summary;

    use super::*;
    use crate::tally::code_lists;

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
            desk: None,
        }
    }

    fn ids(index: &ListIndex, filter: &Filter) -> Vec<u8> {
        index.query(filter, 0, usize::MAX).1.into_iter().map(|(_, id)| id.0[0]).collect()
    }

    /// A row drawn from `random`: any kind, country (or none), language,
    /// codes, date (or none) and a word or two.
    fn random_row(random: &mut impl FnMut(usize) -> usize, byte: u8, created_ms: u64) -> (ListRow, String) {
        let taxonomy = Taxonomy::v1();
        let mut codes = |terms: &[Term]| -> Vec<String> {
            terms.iter().filter(|_| random(4) == 0).map(|term| term.code.clone()).collect()
        };
        let principles = codes(&taxonomy.principles);
        let risks = codes(&taxonomy.risks);
        let lifecycle_stages = codes(&taxonomy.lifecycle_stages);
        let stakeholder_groups = codes(&taxonomy.stakeholder_groups);
        let country = [None, Some("KE"), Some("ke"), Some("SN"), Some("BR"), Some("FR")][random(6)];
        let language = ["en", "fr", "es", "es-419", "ar", "EN"][random(6)];
        let date = (random(5) > 0).then(|| format!("202{}-{:02}-{:02}", 4 + random(3), 1 + random(12), 1 + random(28)));
        let words = ["offline fallback", "consent", "payments offline", ""][random(4)];
        // From the fixed row, so that a field ListRow gains is set there.
        let mut row = row(byte, created_ms, "A title", language, &[]);
        let mut id = [0; 32];
        id[..3].copy_from_slice(&[byte, (created_ms % 251) as u8, (created_ms / 251) as u8]);
        row.id = DocumentId(id);
        let summary = &mut row.summary;
        summary.kind = SubmissionKind::ALL[random(SubmissionKind::ALL.len())];
        summary.country = country.map(str::to_owned);
        summary.date = date;
        summary.principles = principles;
        summary.risks = risks;
        summary.lifecycle_stages = lifecycle_stages;
        summary.stakeholder_groups = stakeholder_groups;
        (row, words.to_owned())
    }

    /// What the filter asks, tested on a row as the rows say it, with no
    /// index: the brute force the index must agree with.
    fn passes(filter: &Filter, row: &ListRow, words: &str) -> bool {
        let summary = &row.summary;
        let has = |codes: &[String], wanted: &Option<String>| {
            wanted.as_ref().is_none_or(|wanted| codes.iter().any(|code| code.eq_ignore_ascii_case(wanted)))
        };
        let language = summary.language.to_ascii_lowercase();
        let text: Vec<String> = tokens(&summary.title).chain(tokens(words)).collect();
        filter.kind.is_none_or(|kind| kind == summary.kind)
            && filter
                .country
                .as_ref()
                .is_none_or(|wanted| summary.country.as_ref().is_some_and(|c| c.eq_ignore_ascii_case(wanted)))
            && has(&summary.principles, &filter.principle)
            && has(&summary.risks, &filter.risk)
            && has(&summary.lifecycle_stages, &filter.stage)
            && filter.language.as_ref().is_none_or(|wanted| {
                language.split('-').next() == Some(wanted.to_ascii_lowercase().as_str())
                    || language == wanted.to_ascii_lowercase()
            })
            && filter.from.as_ref().is_none_or(|from| summary.date.as_ref().is_some_and(|date| date >= from))
            && filter.to.as_ref().is_none_or(|to| summary.date.as_ref().is_some_and(|date| date <= to))
            && filter
                .text
                .as_ref()
                .is_none_or(|query| tokens(query).all(|word| text.iter().any(|have| have.starts_with(&word))))
    }

    /// The counts of the rows passing `filter`, one row at a time, from
    /// the rows' own texts.
    fn brute_tally(rows: &[(ListRow, String)], filter: &Filter) -> Tally {
        let mut tally = Tally::default();
        let count = |counts: &mut crate::tally::Counts, values: &[String]| {
            if values.is_empty() {
                counts.none += 1;
            }
            for value in values {
                *counts.by_value.entry(value.clone()).or_default() += 1;
            }
        };
        for (row, _) in rows.iter().filter(|(row, words)| passes(filter, row, words)) {
            let summary = &row.summary;
            tally.total += 1;
            count(&mut tally.kinds, &[summary.kind.as_str().to_owned()]);
            count(&mut tally.countries, &summary.country.iter().map(|c| c.to_ascii_uppercase()).collect::<Vec<_>>());
            let primary = summary.language.to_ascii_lowercase().split('-').next().unwrap_or_default().to_owned();
            count(&mut tally.languages, &[primary]);
            count(&mut tally.principles, &summary.principles);
            count(&mut tally.risks, &summary.risks);
            count(&mut tally.lifecycle_stages, &summary.lifecycle_stages);
            count(&mut tally.stakeholder_groups, &summary.stakeholder_groups);
            count(&mut tally.months, &summary.date.iter().map(|date| date[..7].to_owned()).collect::<Vec<_>>());
        }
        tally
    }

    #[test]
    fn the_tally_counts_what_a_row_by_row_count_finds_under_every_filter() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let rows: Vec<(ListRow, String)> =
            (0..600).map(|n| random_row(&mut random, (n % 200) as u8, 1_000 + n as u64)).collect();
        let mut index = ListIndex::build(rows.iter().cloned().map(Ok::<_, ()>)).expect("built");
        let filters = [
            Filter::default(),
            Filter { kind: Some(SubmissionKind::CaseStudy), ..Filter::default() },
            Filter { country: Some("ke".into()), ..Filter::default() },
            Filter { principle: Some("F1".into()), risk: Some("rs2".into()), ..Filter::default() },
            Filter { stage: Some("L3".into()), language: Some("es".into()), ..Filter::default() },
            Filter { from: Some("2025-01-01".into()), to: Some("2025-06-30".into()), ..Filter::default() },
            Filter { text: Some("offline".into()), country: Some("SN".into()), ..Filter::default() },
            Filter { principle: Some("nothing".into()), ..Filter::default() },
        ];
        for filter in &filters {
            let expected = brute_tally(&rows, filter);
            assert_eq!(index.tally(filter), expected, "{filter:?}");
            assert_eq!(index.query(filter, 0, 0).0 as u64, expected.total, "{filter:?}: as many as browse lists");
        }
        let everything = index.tally(&Filter::default());
        assert_eq!(everything.total, 600);
        assert!(everything.countries.of("KE") > 0 && everything.countries.none > 0 && everything.months.none > 0);
        assert!(everything.stakeholder_groups.by_value.len() > 5, "stakeholder groups are counted");
        assert_eq!(index.tally(&filters[7]), Tally::default(), "an unknown code matches nothing");

        // A removed document leaves the counts.
        let (gone, _) = &rows[0];
        index.remove(gone.created_ms, gone.id);
        let after = brute_tally(&rows[1..], &Filter::default());
        assert_eq!(index.tally(&Filter::default()), after);
    }

    #[test]
    fn the_shipped_taxonomy_fits_the_bit_sets() {
        let taxonomy = Taxonomy::v1();
        for terms in code_lists(taxonomy) {
            assert!(terms.len() <= 64, "a list of {} codes does not fit a u64 bit set", terms.len());
        }
    }

    #[test]
    fn filters_match_like_the_rows_say_newest_first_and_paged() {
        let mut index = ListIndex::build(std::iter::empty::<Result<(ListRow, String), ()>>()).expect("empty");
        index.insert(&row(1, 10, "Payments in Nairobi", "en", &["F1"]), "");
        index.insert(&row(2, 30, "Paiements à Dakar", "fr", &["F1", "O3"]), "");
        index.insert(&row(3, 20, "Digital ID review", "es-419", &["O3"]), "");
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

        index.insert(&row(3, 20, "Digital ID review, edited", "es-419", &["F1"]), "");
        assert_eq!(ids(&index, &Filter { principle: Some("F1".into()), ..Filter::default() }), [2, 3, 1]);
        index.remove(30, DocumentId([2; 32]));
        assert_eq!(ids(&index, &Filter::default()), [3, 1]);
    }

    #[test]
    fn search_finds_words_of_any_public_text_by_their_beginning() {
        let text = |text: &str| Filter { text: Some(text.into()), ..Filter::default() };
        let rows = [
            (row(1, 10, "Payments in Nairobi", "en", &["F1"]), "offer an offline fallback".to_owned()),
            (row(2, 30, "Paiements à Dakar", "fr", &["O3"]), "l accès hors ligne".to_owned()),
            (row(3, 20, "مراجعة الهوية الرقمية", "ar", &["O3"]), "العدالة في التسجيل".to_owned()),
        ];
        let mut index = ListIndex::build(rows.iter().cloned().map(Ok::<_, ()>)).expect("built");
        assert_eq!(ids(&index, &text("OFFLINE")), [1], "a word of the insights");
        assert_eq!(ids(&index, &text("off nairobi")), [1], "beginnings of words, all of them");
        assert_eq!(ids(&index, &text("offline dakar")), Vec::<u8>::new());
        assert_eq!(ids(&index, &text("accès")), [2]);
        assert_eq!(ids(&index, &text("العدالة")), [3]);
        assert_eq!(ids(&index, &text("dakar")), [2], "titles are searched too");
        assert_eq!(ids(&index, &text("airobi")), Vec::<u8>::new(), "the middle of a word is not its beginning");
        assert_eq!(
            ids(&index, &Filter { text: Some("offline".into()), principle: Some("O3".into()), ..Filter::default() }),
            Vec::<u8>::new()
        );

        // An edit replaces the words; a removal frees the slot, which the
        // next document takes without inheriting the old words.
        index.insert(&row(1, 10, "Payments in Nairobi", "en", &["F1"]), "publish agreements");
        assert_eq!(ids(&index, &text("offline")), Vec::<u8>::new());
        assert_eq!(ids(&index, &text("publish")), [1]);
        index.remove(30, DocumentId([2; 32]));
        index.insert(&row(4, 40, "Consent", "en", &[]), "");
        assert_eq!(ids(&index, &text("accès")), Vec::<u8>::new());
        assert_eq!(ids(&index, &text("consent")), [4]);
        assert!(index.heap_bytes() > 0);
    }

    #[test]
    fn rewording_a_row_many_times_leaves_only_its_last_words() {
        let mut index = ListIndex::build(std::iter::empty::<Result<(ListRow, String), ()>>()).expect("empty");
        index.insert(&row(2, 30, "Paiements à Dakar", "fr", &["O3"]), "");
        let many: String = (0..1_000).map(|n| format!("w{n} ")).collect();
        for round in 0..40 {
            index.insert(&row(1, 10, "Payments", "en", &["F1"]), &format!("{many} round{round}"));
        }
        assert_eq!(index.words.slots, 2, "a reworded row keeps its slot");
        assert_eq!(ids(&index, &Filter { text: Some("round39".into()), ..Filter::default() }), [1]);
        assert_eq!(ids(&index, &Filter { text: Some("round38".into()), ..Filter::default() }), Vec::<u8>::new());
        assert_eq!(ids(&index, &Filter { text: Some("dakar".into()), ..Filter::default() }), [2]);
        index.remove(10, DocumentId([1; 32]));
        assert_eq!(ids(&index, &Filter { text: Some("w5".into()), ..Filter::default() }), Vec::<u8>::new());
        assert_eq!(ids(&index, &Filter::default()), [2]);
    }
}
