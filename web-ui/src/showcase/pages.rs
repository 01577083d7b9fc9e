//! The showcase's pages, drawn from its [`Model`]: `index.html` (the
//! items), `figures.html` (each count as a chart and a table) and
//! `items/N.html` (one per item), with the UI's stylesheet as `style.css`.
//! Every link is relative; no script; user text isolated in `<bdi>` or
//! `dir="auto"`, escaped by maud.

use std::collections::BTreeMap;
use std::path::PathBuf;

use convene_protocol::kinds::{Shape, SubmissionKind};
use convene_protocol::taxonomy::{Taxonomy, Term};
use maud::{DOCTYPE, Markup, html};
use serde_json::{Map, Value};

use super::suppress::{Cell, ItemFacets, Model, Other, Row, Shown, TreeTable};
use crate::chart::{self, Bar};
use crate::i18n::{Arg, Lang, number, tr, tr_args};
use crate::pages::form::term_words;
use crate::web::STYLE_CSS;
use crate::{dates, names};

/// The folder of the item pages.
pub const ITEMS: &str = "items";

/// Every file of the site: its path in the folder and its text.
pub fn site(
    lang: Lang,
    taxonomy: &Taxonomy,
    model: &Model,
    rows: &[&Map<String, Value>],
    entries: &BTreeMap<String, Vec<String>>,
) -> Vec<(PathBuf, String)> {
    let mut files = vec![
        (PathBuf::from("style.css"), STYLE_CSS.to_owned()),
        (PathBuf::from("index.html"), index(lang, model, rows).into_string()),
        (PathBuf::from("figures.html"), figures(lang, taxonomy, model).into_string()),
    ];
    for (number, item) in model.items.iter().enumerate() {
        let page = item_page(lang, taxonomy, model, item, rows[item.index], entries);
        files.push((PathBuf::from(ITEMS).join(item_file(number)), page.into_string()));
    }
    files
}

/// The file of the `number`th item (from 0).
fn item_file(number: usize) -> String {
    format!("{}.html", number + 1)
}

/// A page: `up` is `"../"` for an item page, `""` at the top.
fn layout(lang: Lang, up: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (crate::bidi::strip(title)) " · " (tr(lang, "showcase.name")) }
                link rel="stylesheet" href={ (up) "style.css" };
            }
            body {
                a.skip href="#main" { (tr(lang, "nav.skip")) }
                header {
                    nav aria-label=(tr(lang, "showcase.name")) {
                        a.brand href={ (up) "index.html" } { (tr(lang, "showcase.name")) }
                        a href={ (up) "index.html" } { (tr(lang, "showcase.items")) }
                        a href={ (up) "figures.html" } { (tr(lang, "showcase.figures")) }
                    }
                }
                main #main { (body) }
                footer { p.hint { (tr(lang, "showcase.footer")) } }
            }
        }
    }
}

fn fewer(lang: Lang, min_cell: u64) -> String {
    tr_args(lang, "showcase.fewer", &[("min", Arg::Count(min_cell))])
}

fn cell_text(lang: Lang, model: &Model, cell: Cell) -> String {
    match cell {
        Cell::Count(count) => number(lang, count),
        Cell::Fewer => fewer(lang, model.min_cell),
    }
}

fn kind_words(lang: Lang, kind: &str) -> &'static str {
    tr(lang, &format!("kind.{kind}"))
}

fn region_words(lang: Lang, code: &str) -> String {
    if code.is_empty() {
        return tr(lang, "showcase.no_country").to_owned();
    }
    names::region_name(lang, code).unwrap_or(code).to_owned()
}

fn month_words(lang: Lang, month: &str) -> String {
    let (year, number) = month.split_once('-').unwrap_or((month, "1"));
    dates::month_text(lang, year.parse().unwrap_or(0), number.parse().unwrap_or(1))
}

fn term_label(lang: Lang, terms: &[Term], code: &str) -> String {
    terms.iter().find(|term| term.code == code).map(|term| term_words(term, lang.code())).unwrap_or(code.to_owned())
}

/// What an item shows of its place.
fn place_words(lang: Lang, shown: &Shown) -> Option<String> {
    match shown {
        Shown::Child(country) => Some(names::shown_country(lang, country)),
        Shown::Parent(region) => Some(region_words(lang, region)),
        Shown::Other => Some(tr(lang, "showcase.another_region").to_owned()),
        Shown::HeldBack => None,
    }
}

/// What an item shows of its period.
fn period_words(lang: Lang, shown: &Shown) -> Option<String> {
    match shown {
        Shown::Child(month) => Some(month_words(lang, month)),
        Shown::Parent(year) => Some(year.clone()),
        Shown::Other => Some(tr(lang, "showcase.another_year").to_owned()),
        Shown::HeldBack => None,
    }
}

fn title_of(fields: &Map<String, Value>) -> &str {
    fields.get("title").and_then(Value::as_str).unwrap_or_default()
}

fn index(lang: Lang, model: &Model, rows: &[&Map<String, Value>]) -> Markup {
    let title = tr(lang, "showcase.title");
    let body = html! {
        h1 { (title) }
        p { (tr(lang, "showcase.intro")) }
        p { (tr_args(lang, "showcase.threshold", &[("min", Arg::Count(model.min_cell))])) }
        @if model.items.is_empty() {
            p { (tr(lang, "showcase.nothing")) }
        } @else {
            p { (tr_args(lang, "showcase.total", &[("count", Arg::Count(model.total))])) }
            ul.showcase-items {
                @for (number, item) in model.items.iter().enumerate() {
                    li {
                        a href={ (ITEMS) "/" (item_file(number)) } { bdi { (title_of(rows[item.index])) } }
                        " · " (kind_words(lang, &item.kind))
                        @if let Some(place) = place_words(lang, &item.place) { " · " (place) }
                        @if let Some(period) = period_words(lang, &item.period) { " · " (period) }
                    }
                }
            }
        }
    };
    layout(lang, "", title, body)
}

/// One table: a heading, a chart of the shown counts, and every row.
fn section(lang: Lang, model: &Model, slug: &str, heading: &str, column: &str, rows: &[(String, Cell)]) -> Markup {
    let bars: Vec<Bar> = rows
        .iter()
        .filter_map(|(label, cell)| match cell {
            Cell::Count(count) => Some(Bar { label: label.clone(), count: *count, rest: false }),
            Cell::Fewer => None,
        })
        .collect();
    html! {
        section.dimension #(slug) aria-labelledby={ "h-" (slug) } {
            h2 #{ "h-" (slug) } { (heading) }
            @if !bars.is_empty() {
                (chart::bars(lang, &tr_args(lang, "dashboard.chart", &[("what", Arg::Text(heading))]), &bars))
                p.hint { (tr(lang, "showcase.chart_note")) }
            }
            div.scroll {
                table.counts {
                    caption { (heading) }
                    thead { tr { th scope="col" { (column) } th.count scope="col" { (tr(lang, "dashboard.submissions")) } } }
                    tbody {
                        @for (label, cell) in rows {
                            tr { th scope="row" { bdi { (label) } } td.count { (cell_text(lang, model, *cell)) } }
                        }
                    }
                }
            }
        }
    }
}

/// An "other" row's words: `label`, and that some count is held back.
fn other_row(lang: Lang, label: &str, other: &Other) -> (String, Cell) {
    let label =
        if other.held_back { format!("{label} ({})", tr(lang, "showcase.held_back")) } else { label.to_owned() };
    (label, other.cell)
}

/// A tree's rows: each named parent, its named children indented, its
/// other children; then the other parents.
fn tree_rows(
    lang: Lang,
    table: &TreeTable,
    parent: impl Fn(&str) -> String,
    child: impl Fn(&str) -> String,
    other_children: &str,
    other_parents: &str,
) -> Vec<(String, Cell)> {
    let mut rows = Vec::new();
    for named in &table.parents {
        let name = parent(&named.row.code);
        rows.push((name.clone(), named.row.cell));
        for row in &named.children {
            rows.push((format!("{name} › {}", child(&row.code)), row.cell));
        }
        if let Some(other) = &named.other {
            rows.push(other_row(lang, &format!("{name} › {other_children}"), other));
        }
    }
    if let Some(other) = &table.other {
        rows.push(other_row(lang, other_parents, other));
    }
    rows
}

fn code_rows(lang: Lang, terms: &[Term], rows: &[Row]) -> Vec<(String, Cell)> {
    rows.iter().map(|row| (term_label(lang, terms, &row.code), row.cell)).collect()
}

fn figures(lang: Lang, taxonomy: &Taxonomy, model: &Model) -> Markup {
    let title = tr(lang, "showcase.figures");
    let kinds: Vec<(String, Cell)> =
        model.kinds.iter().map(|row| (kind_words(lang, &row.code).to_owned(), row.cell)).collect();
    let places = tree_rows(
        lang,
        &model.places,
        |code| region_words(lang, code),
        |code| names::shown_country(lang, code),
        tr(lang, "showcase.other_countries"),
        tr(lang, "showcase.other_regions"),
    );
    let periods = tree_rows(
        lang,
        &model.periods,
        str::to_owned,
        |month| month_words(lang, month),
        tr(lang, "showcase.other_months"),
        tr(lang, "showcase.other_years"),
    );
    let body = html! {
        h1 { (title) }
        p { (tr_args(lang, "showcase.threshold", &[("min", Arg::Count(model.min_cell))])) }
        p { (tr_args(lang, "showcase.total", &[("count", Arg::Count(model.total))])) }
        (section(lang, model, "kinds", tr(lang, "dashboard.kinds"), tr(lang, "dashboard.column.kinds"), &kinds))
        p.hint { (tr(lang, "showcase.kinds_note")) }
        @if !model.places.held_back {
            (section(lang, model, "places", tr(lang, "showcase.places"), tr(lang, "showcase.place"), &places))
        }
        @if !model.periods.held_back {
            (section(lang, model, "periods", tr(lang, "showcase.periods"), tr(lang, "showcase.period"), &periods))
        }
        (section(lang, model, "principles", tr(lang, "dashboard.principles"), tr(lang, "dashboard.column.principles"), &code_rows(lang, &taxonomy.principles, &model.principles)))
        (section(lang, model, "risks", tr(lang, "dashboard.risks"), tr(lang, "dashboard.column.risks"), &code_rows(lang, &taxonomy.risks, &model.risks)))
        p.hint { (tr(lang, "dashboard.note.several")) }
    };
    layout(lang, "", title, body)
}

/// A field's words without its typing hint ("Quotes (up to three…)" →
/// "Quotes").
fn field_words(lang: Lang, name: &str) -> &'static str {
    let label = tr(lang, &format!("field.{name}"));
    label.split(" (").next().unwrap_or(label)
}

/// The text fields an item page shows: every public text field of its kind
/// but the title (quotes as they are, never attributed).
fn texts(kind: &str, fields: &Map<String, Value>) -> Vec<(&'static str, Vec<String>)> {
    let Some(kind) = SubmissionKind::ALL.into_iter().find(|each| each.as_str() == kind) else {
        return Vec::new();
    };
    kind.spec()
        .fields
        .iter()
        .filter(|field| field.name != "title")
        .filter(|field| matches!(field.shape, Shape::Text { .. } | Shape::LongText { .. } | Shape::TextList { .. }))
        .filter_map(|field| {
            let texts: Vec<String> = match fields.get(field.name)? {
                Value::String(text) => vec![text.clone()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                _ => return None,
            };
            (!texts.is_empty()).then_some((field.name, texts))
        })
        .collect()
}

/// The ids a release covers: the item's document and its entries.
fn provenance(lang: Lang, fields: &Map<String, Value>, entries: &BTreeMap<String, Vec<String>>) -> Markup {
    let document = fields.get("id").and_then(Value::as_str).unwrap_or_default();
    html! {
        section.provenance {
            h2 { (tr(lang, "showcase.provenance")) }
            p.hint { (tr(lang, "showcase.provenance_note")) }
            dl {
                dt { (tr(lang, "showcase.document")) }
                dd { code data-document=(document) { (document) } }
                dt { (tr(lang, "showcase.entries")) }
                @for entry in entries.get(document).into_iter().flatten() {
                    dd { code data-entry=(entry) { (entry) } }
                }
            }
        }
    }
}

fn item_page(
    lang: Lang,
    taxonomy: &Taxonomy,
    model: &Model,
    item: &ItemFacets,
    fields: &Map<String, Value>,
    entries: &BTreeMap<String, Vec<String>>,
) -> Markup {
    let title = title_of(fields);
    let list = |terms: &[Term], codes: &[String]| {
        codes.iter().map(|code| term_label(lang, terms, code)).collect::<Vec<_>>().join(", ")
    };
    let principles = list(&taxonomy.principles, &item.principles);
    let risks = list(&taxonomy.risks, &item.risks);
    let body = html! {
        h1 dir="auto" { (title) }
        dl.facts {
            dt { (tr(lang, "dashboard.column.kinds")) } dd { (kind_words(lang, &item.kind)) }
            @if let Some(place) = place_words(lang, &item.place) { dt { (tr(lang, "showcase.place")) } dd { (place) } }
            @if let Some(period) = period_words(lang, &item.period) { dt { (tr(lang, "showcase.period")) } dd { (period) } }
            @if !principles.is_empty() { dt { (tr(lang, "dashboard.principles")) } dd { (principles) } }
            @if !risks.is_empty() { dt { (tr(lang, "dashboard.risks")) } dd { (risks) } }
        }
        @for (name, texts) in texts(&item.kind, fields) {
            section {
                h2 { (field_words(lang, name)) }
                @if texts.len() == 1 {
                    p.text dir="auto" { (texts[0]) }
                } @else {
                    ul { @for text in &texts { li dir="auto" { (text) } } }
                }
            }
        }
        (provenance(lang, fields, entries))
        p.hint { (tr_args(lang, "showcase.threshold", &[("min", Arg::Count(model.min_cell))])) }
    };
    layout(lang, "../", title, body)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::showcase::{facts, suppress, universe};

    fn row(number: u8, country: &str) -> Map<String, Value> {
        let fields = json!({
            "id": hex_id(number),
            "kind": "convening_report",
            "title": format!("<script>alert({number})</script> & co"),
            "location": { "country": country },
            "created": "2026-03",
            "status": "published",
            "consent_to_publish": true,
            "principles": ["F1"],
            "summary": "A <b>bold</b> summary",
            "quotes": ["We said so", "And so on"],
        });
        fields.as_object().unwrap().clone()
    }

    fn hex_id(number: u8) -> String {
        format!("{number:02x}").repeat(32)
    }

    fn site_of(lang: Lang) -> BTreeMap<PathBuf, String> {
        let mut rows: Vec<Map<String, Value>> = (1..=5).map(|number| row(number, "KE")).collect();
        rows.push(row(6, "SN"));
        let months = ["2026-02".to_owned(), "2026-03".to_owned()];
        let model = suppress::model(&universe(&months), &rows.iter().map(facts).collect::<Vec<_>>(), 5);
        let entries = BTreeMap::from([(hex_id(6), vec![hex_id(7), hex_id(8)])]);
        site(lang, Taxonomy::v1(), &model, &rows.iter().collect::<Vec<_>>(), &entries).into_iter().collect()
    }

    #[test]
    fn pages_escape_user_text_link_relatively_and_say_fewer() {
        let site = site_of(Lang::En);
        assert_eq!(site.len(), 3 + 6, "style, index, figures and an item page each");
        for (path, text) in site.iter().filter(|(path, _)| path.extension().is_some_and(|ext| ext == "html")) {
            assert!(!text.contains("<script") && !text.contains("<b>"), "{}: user text escaped", path.display());
            assert!(text.contains("&lt;script&gt;") || path.ends_with("figures.html"), "{}", path.display());
            assert!(
                !text.contains("href=\"/") && !text.contains("src=") && !text.contains("http"),
                "{}",
                path.display()
            );
        }
        let figures = &site[&PathBuf::from("figures.html")];
        assert!(figures.contains("Kenya") && !figures.contains("Senegal"), "a small country is not named");
        assert!(figures.contains("Africa › other countries") && figures.contains("fewer than 5"), "{figures}");
        let senegal = &site[&PathBuf::from("items/6.html")];
        assert!(senegal.contains("<dd>Africa</dd>") && !senegal.contains("Senegal"), "{senegal}");
        assert!(senegal.contains(&format!(r#"data-entry="{}""#, hex_id(8))), "{senegal}");
        assert!(senegal.contains(r#"href="../style.css""#) && senegal.contains(r#"href="../index.html""#));
        assert!(senegal.contains("We said so") && senegal.contains("Mar 2026"), "{senegal}");
    }

    #[test]
    fn arabic_pages_run_right_to_left_in_arabic_words() {
        let site = site_of(Lang::Ar);
        let index = &site[&PathBuf::from("index.html")];
        assert!(index.contains(r#"<html lang="ar" dir="rtl">"#), "{index}");
        assert!(site[&PathBuf::from("figures.html")].contains("أقل من 5"));
    }
}
