//! The dashboard (`GET /dashboard`): what this node holds, counted by kind,
//! region, sub-region, country, language, principle, risk, life cycle
//! stage, stakeholder group and month, under the browse filters. Each count
//! is a bar chart (SVG drawn here, [`crate::chart`]), a table of the same
//! numbers, and a CSV of them (`GET /dashboard/{dimension}.csv`, same
//! filters). The numbers are the node's [`convene_node::tally::Tally`]: the
//! list index and filter browse reads, so the two always agree.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use convene_node::export::csv_quote;
use convene_node::tally::{Counts, Tally};
use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::Term;
use maud::{Markup, html};

use crate::WebState;
use crate::chart::{self, Bar};
use crate::i18n::{Arg, number};
use crate::pages::browse::{BrowseQuery, filter_form};
use crate::pages::form::term_words;
use crate::pages::write::kind_label;
use crate::web::{Ctx, PageError, blocking};
use crate::{dates, names, regions};

/// Bars a ranked chart draws before one for the rest (its table lists all).
const TOP: usize = 12;
/// Months the months chart draws before one for the earlier ones.
const MONTHS: usize = 24;

/// What the dashboard counts by, in the page's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Kinds,
    Regions,
    Subregions,
    Countries,
    Languages,
    Principles,
    Risks,
    Stages,
    StakeholderGroups,
    Months,
}

impl Dimension {
    const ALL: [Dimension; 10] = [
        Dimension::Kinds,
        Dimension::Regions,
        Dimension::Subregions,
        Dimension::Countries,
        Dimension::Languages,
        Dimension::Principles,
        Dimension::Risks,
        Dimension::Stages,
        Dimension::StakeholderGroups,
        Dimension::Months,
    ];

    /// Its name in the CSV's path and the section's anchor.
    fn slug(self) -> &'static str {
        match self {
            Dimension::Kinds => "kinds",
            Dimension::Regions => "regions",
            Dimension::Subregions => "subregions",
            Dimension::Countries => "countries",
            Dimension::Languages => "languages",
            Dimension::Principles => "principles",
            Dimension::Risks => "risks",
            Dimension::Stages => "stages",
            Dimension::StakeholderGroups => "stakeholder_groups",
            Dimension::Months => "months",
        }
    }

    fn heading(self, ctx: &Ctx) -> &'static str {
        ctx.t(&format!("dashboard.{}", self.slug()))
    }

    /// The header of its table's first column.
    fn column(self, ctx: &Ctx) -> &'static str {
        ctx.t(&format!("dashboard.column.{}", self.slug()))
    }

    /// What a reader should know to read it, if anything.
    fn note(self, ctx: &Ctx) -> Option<&'static str> {
        match self {
            Dimension::Regions | Dimension::Subregions => Some(ctx.t("dashboard.note.regions")),
            Dimension::Principles | Dimension::Risks | Dimension::Stages | Dimension::StakeholderGroups => {
                Some(ctx.t("dashboard.note.several"))
            }
            Dimension::Months => Some(ctx.t("dashboard.note.months")),
            Dimension::Kinds | Dimension::Countries | Dimension::Languages => None,
        }
    }
}

/// One line of a table: a value's code, its words in the page's language,
/// and its count.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    code: String,
    label: String,
    count: u64,
}

/// How a dimension's values are ordered and drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// A fixed list (kinds, a taxonomy list), every value drawn, even at 0.
    Listed,
    /// Most first; the chart draws the first [`TOP`] and one bar for the rest.
    Ranked,
    /// Oldest first; the chart draws the last [`MONTHS`] and one bar before
    /// them for the earlier ones.
    Months,
}

/// A dimension's numbers: its values, then those without one.
#[derive(Debug)]
struct Table {
    lines: Vec<Line>,
    none: Option<Line>,
    order: Order,
}

impl Table {
    /// Every line, the one for "none" last.
    fn all(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().chain(&self.none)
    }

    /// The chart's bars.
    fn bars(&self, ctx: &Ctx) -> Vec<Bar> {
        let bar = |line: &Line| Bar { label: line.label.clone(), count: line.count, rest: false };
        let rest = |label: &str, lines: &[Line]| Bar {
            label: label.to_owned(),
            count: lines.iter().map(|line| line.count).sum(),
            rest: true,
        };
        let mut bars = match self.order {
            Order::Listed => self.lines.iter().map(bar).collect(),
            Order::Ranked if self.lines.len() > TOP + 1 => {
                let mut bars: Vec<Bar> = self.lines[..TOP].iter().map(bar).collect();
                bars.push(rest(ctx.t("dashboard.others"), &self.lines[TOP..]));
                bars
            }
            Order::Ranked => self.lines.iter().map(bar).collect(),
            Order::Months if self.lines.len() > MONTHS + 1 => {
                let (earlier, recent) = self.lines.split_at(self.lines.len() - MONTHS);
                std::iter::once(rest(ctx.t("dashboard.earlier"), earlier)).chain(recent.iter().map(bar)).collect()
            }
            Order::Months => self.lines.iter().map(bar).collect(),
        };
        if let Some(none) = &self.none {
            bars.push(Bar { rest: true, ..bar(none) });
        }
        bars
    }
}

/// Counts of codes as lines, most first (then by their words).
fn ranked(counts: impl IntoIterator<Item = (String, u64)>, label: impl Fn(&str) -> String) -> Vec<Line> {
    let mut lines: Vec<Line> =
        counts.into_iter().map(|(code, count)| Line { label: label(&code), code, count }).collect();
    lines.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    lines
}

/// Counts by region or sub-region (`pick`), from the counts by country;
/// a country in no region counts with those without a country.
fn by_region(countries: &Counts, pick: fn(regions::Region) -> &'static str) -> (Vec<(String, u64)>, u64) {
    let mut found = std::collections::BTreeMap::<String, u64>::new();
    let mut none = countries.none;
    for (country, &count) in &countries.by_value {
        match regions::of_country(country) {
            Some(region) => *found.entry(pick(region).to_owned()).or_default() += count,
            None => none += count,
        }
    }
    (found.into_iter().collect(), none)
}

/// A dimension's table, in the page's language.
fn table(ctx: &Ctx, dimension: Dimension, tally: &Tally) -> Table {
    let lang = ctx.lang;
    let taxonomy = &ctx.taxonomy.taxonomy;
    let none =
        |key: &str, count: u64| (count > 0).then(|| Line { code: String::new(), label: ctx.t(key).to_owned(), count });
    let listed = |terms: &[Term], counts: &Counts| Table {
        lines: terms
            .iter()
            .map(|term| Line {
                code: term.code.clone(),
                label: term_words(term, lang.code()),
                count: counts.of(&term.code),
            })
            .collect(),
        none: none("dashboard.none.codes", counts.none),
        order: Order::Listed,
    };
    let region = |pick: fn(regions::Region) -> &'static str| {
        let (found, without) = by_region(&tally.countries, pick);
        Table {
            lines: ranked(found, |code| names::region_name(lang, code).unwrap_or(code).to_owned()),
            none: none("dashboard.none.region", without),
            order: Order::Ranked,
        }
    };
    match dimension {
        Dimension::Kinds => Table {
            lines: SubmissionKind::ALL
                .iter()
                .map(|&kind| Line {
                    code: kind.as_str().to_owned(),
                    label: kind_label(ctx, kind).to_owned(),
                    count: tally.kinds.of(kind.as_str()),
                })
                .collect(),
            none: None,
            order: Order::Listed,
        },
        Dimension::Regions => region(|region| region.region),
        Dimension::Subregions => region(|region| region.subregion),
        Dimension::Countries => Table {
            lines: ranked(tally.countries.by_value.clone(), |code| names::shown_country(lang, code)),
            none: none("dashboard.none.country", tally.countries.none),
            order: Order::Ranked,
        },
        Dimension::Languages => Table {
            lines: ranked(tally.languages.by_value.clone(), |code| {
                names::language_name(lang, code).unwrap_or_else(|| code.to_owned())
            }),
            none: none("dashboard.none.language", tally.languages.none),
            order: Order::Ranked,
        },
        Dimension::Principles => listed(&taxonomy.principles, &tally.principles),
        Dimension::Risks => listed(&taxonomy.risks, &tally.risks),
        Dimension::Stages => listed(&taxonomy.lifecycle_stages, &tally.lifecycle_stages),
        Dimension::StakeholderGroups => listed(&taxonomy.stakeholder_groups, &tally.stakeholder_groups),
        Dimension::Months => Table {
            lines: tally
                .months
                .by_value
                .iter()
                .map(|(month, &count)| {
                    let (year, number) = month.split_once('-').unwrap_or((month, "1"));
                    let label = dates::month_text(lang, year.parse().unwrap_or(0), number.parse().unwrap_or(1));
                    Line { code: month.clone(), label, count }
                })
                .collect(),
            none: none("dashboard.none.date", tally.months.none),
            order: Order::Months,
        },
    }
}

/// A CSV link's target: the dimension's numbers under the same filters.
fn csv_href(dimension: Dimension, filters: &str) -> String {
    let query = if filters.is_empty() { String::new() } else { format!("?{filters}") };
    format!("/dashboard/{}.csv{query}", dimension.slug())
}

fn section(ctx: &Ctx, dimension: Dimension, tally: &Tally, filters: &str) -> Markup {
    let table = table(ctx, dimension, tally);
    let heading = dimension.heading(ctx);
    let slug = dimension.slug();
    html! {
        section.dimension #(slug) aria-labelledby={ "h-" (slug) } {
            h2 #{ "h-" (slug) } { (heading) }
            @if let Some(note) = dimension.note(ctx) { p.hint { (note) } }
            (chart::bars(ctx.lang, &ctx.tf("dashboard.chart", &[("what", Arg::Text(heading))]), &table.bars(ctx)))
            div.scroll {
                table.counts {
                    caption { (heading) }
                    thead { tr { th scope="col" { (dimension.column(ctx)) } th.count scope="col" { (ctx.t("dashboard.submissions")) } } }
                    tbody {
                        @for line in table.all() {
                            tr data-code=(line.code) {
                                th scope="row" { bdi { (line.label) } }
                                td.count { (number(ctx.lang, line.count)) }
                            }
                        }
                    }
                }
            }
            p { a.csv href=(csv_href(dimension, filters)) download { (ctx.tf("dashboard.csv", &[("what", Arg::Text(heading))])) } }
        }
    }
}

/// `GET /dashboard`
pub(crate) async fn page(
    ctx: Ctx,
    State(state): State<WebState>,
    Query(query): Query<BrowseQuery>,
) -> Result<Response, PageError> {
    let filter = query.filter();
    let tally = blocking(ctx.lang, &state, move |node| node.tally(&filter)).await?;
    let filters = query.query_string();
    let body = html! {
        p { (ctx.t("dashboard.intro")) }
        (filter_form(&ctx, &query, "/dashboard"))
        @if tally.total == 0 {
            p #dashboard-total { (ctx.t("browse.empty")) }
        } @else {
            p #dashboard-total {
                (ctx.tf("dashboard.total", &[("n", Arg::Count(tally.total)), ("count", Arg::Text(&number(ctx.lang, tally.total)))]))
            }
            nav.contents aria-label=(ctx.t("dashboard.contents")) {
                ul { @for dimension in Dimension::ALL { li { a href={ "#" (dimension.slug()) } { (dimension.heading(&ctx)) } } } }
            }
            @for dimension in Dimension::ALL { (section(&ctx, dimension, &tally, &filters)) }
        }
    };
    Ok(ctx.page(ctx.t("page.dashboard"), body))
}

/// `GET /dashboard/{dimension}.csv`: code, words in the page's language,
/// count; cells a spreadsheet would run are defused.
pub(crate) async fn csv(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(file): Path<String>,
    Query(query): Query<BrowseQuery>,
) -> Result<Response, PageError> {
    let dimension = file
        .strip_suffix(".csv")
        .and_then(|slug| Dimension::ALL.into_iter().find(|dimension| dimension.slug() == slug))
        .ok_or(PageError::NotFound(ctx.lang))?;
    let filter = query.filter();
    let tally = blocking(ctx.lang, &state, move |node| node.tally(&filter)).await?;
    let body = csv_text(&table(&ctx, dimension, &tally));
    let disposition = format!("attachment; filename=\"convene-{}.csv\"", dimension.slug());
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response())
}

fn csv_text(table: &Table) -> String {
    let mut out = String::from("code,title,count\r\n");
    for line in table.all() {
        out.push_str(&format!("{},{},{}\r\n", csv_quote(&line.code), csv_quote(&line.label), line.count));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use convene_protocol::taxonomy::Taxonomy;

    fn tally() -> Tally {
        let counts = |pairs: &[(&str, u64)], none: u64| Counts {
            by_value: pairs.iter().map(|(code, count)| (code.to_string(), *count)).collect(),
            none,
        };
        Tally {
            total: 10,
            kinds: counts(&[("convening_report", 7), ("case_study", 3)], 0),
            countries: counts(&[("KE", 4), ("TZ", 2), ("SN", 2), ("AQ", 1)], 1),
            languages: counts(&[("en", 6), ("ar", 4)], 0),
            principles: counts(&[("F1", 5), ("O3", 2)], 4),
            risks: counts(&[], 10),
            lifecycle_stages: counts(&[("L2", 10)], 0),
            stakeholder_groups: counts(&[("civil_society", 3)], 7),
            months: counts(&[("2025-03", 6), ("2024-11", 1)], 3),
        }
    }

    fn lines(lang: Lang, dimension: Dimension) -> Vec<(String, String, u64)> {
        let table = table(&Ctx::for_test(lang), dimension, &tally());
        table.all().map(|line| (line.code.clone(), line.label.clone(), line.count)).collect()
    }

    #[test]
    fn regions_gather_their_countries_and_the_placeless_count_as_none() {
        assert_eq!(
            lines(Lang::En, Dimension::Regions),
            [("002".into(), "Africa".into(), 8), (String::new(), "No region".into(), 2)]
        );
        assert_eq!(
            lines(Lang::Fr, Dimension::Subregions),
            [
                ("014".into(), "Afrique orientale".into(), 6),
                ("011".into(), "Afrique occidentale".into(), 2),
                (String::new(), "Aucune région".into(), 2)
            ]
        );
        assert_eq!(lines(Lang::Ar, Dimension::Countries)[0], ("KE".into(), "كينيا".into(), 4));
    }

    #[test]
    fn listed_dimensions_show_every_code_and_months_run_oldest_first() {
        let principles = lines(Lang::En, Dimension::Principles);
        assert_eq!(principles.len(), Taxonomy::v1().principles.len() + 1, "every principle, then none");
        assert_eq!(principles[0], ("F1".into(), "F1 Do no harm".into(), 5));
        assert_eq!(principles.last().unwrap().2, 4);
        let groups = lines(Lang::En, Dimension::StakeholderGroups);
        assert!(groups.contains(&("civil_society".into(), "Civil society".into(), 3)), "{groups:?}");
        assert_eq!(
            lines(Lang::Es, Dimension::Months),
            [
                ("2024-11".into(), "nov 2024".into(), 1),
                ("2025-03".into(), "mar 2025".into(), 6),
                (String::new(), "Sin fecha".into(), 3)
            ]
        );
        assert_eq!(lines(Lang::En, Dimension::Kinds).iter().map(|line| line.2).sum::<u64>(), 10);
    }

    #[test]
    fn long_rankings_draw_the_top_and_one_bar_for_the_rest() {
        let ctx = Ctx::for_test(Lang::En);
        let many = Table {
            lines: (0..20).map(|n| Line { code: format!("C{n}"), label: format!("c{n}"), count: 100 - n }).collect(),
            none: Some(Line { code: String::new(), label: "None".into(), count: 5 }),
            order: Order::Ranked,
        };
        let bars = many.bars(&ctx);
        assert_eq!(bars.len(), TOP + 2);
        assert_eq!(
            bars[TOP],
            Bar { label: "Others".into(), count: (TOP as u64..20).map(|n| 100 - n).sum(), rest: true }
        );
        assert_eq!(bars[TOP + 1], Bar { label: "None".into(), count: 5, rest: true });
        let months = Table {
            lines: (0..30).map(|n| Line { code: format!("m{n}"), label: format!("m{n}"), count: 1 }).collect(),
            none: None,
            order: Order::Months,
        };
        let bars = months.bars(&ctx);
        assert_eq!((bars.len(), bars[0].count, bars[0].rest), (MONTHS + 1, 6, true), "the earlier months first");
        assert_eq!(bars[MONTHS].label, "m29", "the latest last");
    }

    #[test]
    fn the_csv_gives_every_line_with_its_code_and_defuses_formulas() {
        let table = Table {
            lines: vec![
                Line { code: "KE".into(), label: "Kenya".into(), count: 4 },
                Line { code: "=1+1".into(), label: "a, \"quoted\" name".into(), count: 2 },
                Line { code: "@SUM".into(), label: "-minus".into(), count: 1 },
            ],
            none: Some(Line { code: String::new(), label: "No country".into(), count: 1 }),
            order: Order::Ranked,
        };
        assert_eq!(
            csv_text(&table),
            "code,title,count\r\nKE,Kenya,4\r\n'=1+1,\"a, \"\"quoted\"\" name\",2\r\n'@SUM,'-minus,1\r\n,No country,1\r\n"
        );
        assert_eq!(csv_href(Dimension::StakeholderGroups, ""), "/dashboard/stakeholder_groups.csv");
        assert_eq!(csv_href(Dimension::Countries, "kind=case_study"), "/dashboard/countries.csv?kind=case_study");
    }

    #[test]
    fn every_section_has_a_chart_a_table_and_its_csv_in_the_pages_language() {
        for lang in Lang::ALL {
            let ctx = Ctx::for_test(lang);
            for dimension in Dimension::ALL {
                let html = section(&ctx, dimension, &tally(), "country=KE").into_string();
                assert!(html.contains(r#"<svg class="chart" role="img""#), "{html}");
                assert!(html.contains(&format!(r#"<caption>{}</caption>"#, dimension.heading(&ctx))));
                assert!(html.contains(r#"<th scope="row">"#) && html.contains(r#"scope="col""#));
                assert!(html.contains(&format!(r#"href="/dashboard/{}.csv?country=KE""#, dimension.slug())));
                assert!(!html.contains("style=") && !html.contains("<script"), "{html}");
                assert!(!html.contains(">?<"), "a missing message: {html}");
            }
        }
    }
}
