//! Counts per field of the submissions a filter matches: what the web UI's
//! dashboard charts. The list index (`store/list_index.rs`) makes one pass
//! over the rows that pass the same [`Filter`](crate::query::Filter) browse
//! asks, handing each to a [`Counter`]; counting runs on the index's own
//! small numbers (bit sets of codes, interned countries and languages) and
//! turns them into codes once, at the end.

use std::collections::BTreeMap;

use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::{Taxonomy, Term};

/// How many submissions have each value of one field, and how many have
/// none. A submission with several values (codes of a list) counts once
/// under each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// By value; values no submission has are left out.
    pub by_value: BTreeMap<String, u64>,
    /// Submissions without a value.
    pub none: u64,
}

impl Counts {
    /// The count of `value` (0 when none has it).
    pub fn of(&self, value: &str) -> u64 {
        self.by_value.get(value).copied().unwrap_or(0)
    }
}

/// The counts of the submissions a filter matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many submissions match.
    pub total: u64,
    /// By kind (`convening_report`, …).
    pub kinds: Counts,
    /// By country (ISO 3166-1 alpha-2, upper case).
    pub countries: Counts,
    /// By language: the primary subtag, lower case (`es` for `es-419`), as
    /// the language filter matches.
    pub languages: Counts,
    /// By principle code; `none` counts those tagged with none.
    pub principles: Counts,
    /// By risk code.
    pub risks: Counts,
    /// By life cycle stage code.
    pub lifecycle_stages: Counts,
    /// By stakeholder group code.
    pub stakeholder_groups: Counts,
    /// By month of the submission's date (`YYYY-MM`): when the convening
    /// is or was held; case studies have no date.
    pub months: Counts,
}

/// What the counter needs of one matching row, in the index's numbers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facets<'a> {
    pub(crate) kind: SubmissionKind,
    /// Index into the index's country table; 0 is none.
    pub(crate) country: u16,
    /// Index into the index's language table; 0 is none.
    pub(crate) language: u16,
    /// Bit sets of codes by the taxonomy lists' order: principles, risks,
    /// life cycle stages, stakeholder groups.
    pub(crate) codes: [u64; 4],
    /// `YYYY-MM-DD`, if it has a date.
    pub(crate) date: Option<&'a [u8]>,
}

/// The taxonomy lists whose codes the bit sets of [`Facets::codes`] hold,
/// in that order.
pub(crate) fn code_lists(taxonomy: &Taxonomy) -> [&[Term]; 4] {
    [&taxonomy.principles, &taxonomy.risks, &taxonomy.lifecycle_stages, &taxonomy.stakeholder_groups]
}

/// Counts rows as the index hands them over.
#[derive(Debug)]
pub(crate) struct Counter {
    total: u64,
    kinds: [u64; SubmissionKind::ALL.len()],
    countries: Vec<u64>,
    languages: Vec<u64>,
    codes: [[u64; 64]; 4],
    codes_none: [u64; 4],
    /// By `year * 12 + month - 1`.
    months: BTreeMap<u32, u64>,
    months_none: u64,
}

/// `YYYY-MM…` as `year * 12 + month - 1`, if it starts so.
fn month_number(date: &[u8]) -> Option<u32> {
    let digits = |range: std::ops::Range<usize>| {
        date.get(range)?
            .iter()
            .try_fold(0u32, |value, &byte| byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0')))
    };
    let month = digits(5..7).filter(|month| (1..=12).contains(month))?;
    (date.get(4) == Some(&b'-')).then_some(())?;
    Some(digits(0..4)? * 12 + month - 1)
}

impl Counter {
    /// A counter for an index with `countries` and `languages` entries in
    /// its tables (none included).
    pub(crate) fn new(countries: usize, languages: usize) -> Self {
        Counter {
            total: 0,
            kinds: [0; SubmissionKind::ALL.len()],
            countries: vec![0; countries],
            languages: vec![0; languages],
            codes: [[0; 64]; 4],
            codes_none: [0; 4],
            months: BTreeMap::new(),
            months_none: 0,
        }
    }

    /// Counts one row.
    pub(crate) fn add(&mut self, row: Facets<'_>) {
        self.total += 1;
        self.kinds[row.kind as usize] += 1;
        self.countries[usize::from(row.country)] += 1;
        self.languages[usize::from(row.language)] += 1;
        for (list, mut bits) in row.codes.into_iter().enumerate() {
            if bits == 0 {
                self.codes_none[list] += 1;
            }
            while bits != 0 {
                self.codes[list][bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
        }
        match row.date.and_then(month_number) {
            Some(month) => *self.months.entry(month).or_default() += 1,
            None => self.months_none += 1,
        }
    }

    /// The counts by code, given the index's tables of countries and
    /// languages (entry 0 is none).
    pub(crate) fn finish(self, countries: &[Box<str>], languages: &[Box<str>]) -> Tally {
        let taxonomy = Taxonomy::v1();
        let by_table = |counts: &[u64], table: &[Box<str>], value: fn(&str) -> String| {
            let mut out = Counts { none: counts.first().copied().unwrap_or(0), ..Counts::default() };
            for (text, &count) in table.iter().zip(counts).skip(1).filter(|(_, count)| **count > 0) {
                *out.by_value.entry(value(text)).or_default() += count;
            }
            out
        };
        let primary = |tag: &str| tag.split('-').next().unwrap_or(tag).to_owned();
        let [principles, risks, lifecycle_stages, stakeholder_groups] = {
            let lists = code_lists(taxonomy);
            [0, 1, 2, 3].map(|list| Counts {
                by_value: lists[list]
                    .iter()
                    .zip(self.codes[list])
                    .filter(|(_, count)| *count > 0)
                    .map(|(term, count)| (term.code.clone(), count))
                    .collect(),
                none: self.codes_none[list],
            })
        };
        Tally {
            total: self.total,
            kinds: Counts {
                by_value: SubmissionKind::ALL
                    .iter()
                    .map(|&kind| (kind.as_str().to_owned(), self.kinds[kind as usize]))
                    .filter(|(_, count)| *count > 0)
                    .collect(),
                none: 0,
            },
            countries: by_table(&self.countries, countries, str::to_owned),
            languages: by_table(&self.languages, languages, primary),
            principles,
            risks,
            lifecycle_stages,
            stakeholder_groups,
            months: Counts {
                by_value: self
                    .months
                    .into_iter()
                    .map(|(month, count)| (format!("{:04}-{:02}", month / 12, month % 12 + 1), count))
                    .collect(),
                none: self.months_none,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_from_dates_and_nonsense_is_none() {
        assert_eq!(month_number(b"2025-03-14"), Some(2025 * 12 + 2));
        assert_eq!(month_number(b"2025-12-01"), Some(2025 * 12 + 11));
        for bad in [&b"2025-13-01"[..], b"2025-00-01", b"2025/03/01", b"25-03-01", b"", b"abcd-03-01"] {
            assert_eq!(month_number(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn codes_countries_and_languages_are_counted_by_their_codes() {
        let countries: Vec<Box<str>> = vec!["".into(), "KE".into(), "SN".into()];
        let languages: Vec<Box<str>> = vec!["".into(), "es-419".into(), "es".into(), "fr".into()];
        let mut counter = Counter::new(countries.len(), languages.len());
        let row =
            |country, language, codes, date| Facets { kind: SubmissionKind::CaseStudy, country, language, codes, date };
        counter.add(row(1, 1, [0b11, 0, 0, 0], Some(&b"2025-03-14"[..])));
        counter.add(row(1, 2, [0b10, 1, 0, 0], Some(&b"2025-03-01"[..])));
        counter.add(row(0, 3, [0, 0, 0, 1 << 9], None));
        let tally = counter.finish(&countries, &languages);
        let taxonomy = Taxonomy::v1();
        assert_eq!(tally.total, 3);
        assert_eq!(tally.kinds.of("case_study"), 3);
        assert_eq!(tally.kinds.by_value.len(), 1, "kinds none has are left out");
        assert_eq!((tally.countries.of("KE"), tally.countries.of("SN"), tally.countries.none), (2, 0, 1));
        assert_eq!((tally.languages.of("es"), tally.languages.of("fr")), (2, 1), "es-419 counts as es");
        assert_eq!(tally.principles.of(&taxonomy.principles[0].code), 1);
        assert_eq!(tally.principles.of(&taxonomy.principles[1].code), 2);
        assert_eq!(tally.principles.none, 1);
        assert_eq!((tally.risks.of(&taxonomy.risks[0].code), tally.risks.none), (1, 2));
        assert_eq!(tally.stakeholder_groups.of(&taxonomy.stakeholder_groups[9].code), 1);
        assert_eq!((tally.months.of("2025-03"), tally.months.none), (2, 1));
    }
}
