//! The browse page: the corpus, filtered and paged (`GET /`), and its
//! filters, which the dashboard shares.

use axum::extract::{Query, State};
use axum::response::Response;
use convene_node::query::Filter;
use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::{Taxonomy, Term};
use maud::{Markup, html};
use serde::Deserialize;

use crate::WebState;
use crate::i18n::Arg;
use crate::names;
use crate::pages::write::kind_label;
use crate::web::{Ctx, PageError, blocking, encode_query};

/// Rows per page.
pub const PAGE_SIZE: usize = 25;

/// The browse form's query (the dashboard's too): every filter is
/// optional; empty means any.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BrowseQuery {
    kind: String,
    country: String,
    principle: String,
    risk: String,
    stage: String,
    language: String,
    from: String,
    to: String,
    text: String,
    offset: usize,
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl BrowseQuery {
    /// The node's filter for these fields.
    pub(crate) fn filter(&self) -> Filter {
        Filter {
            kind: SubmissionKind::parse(self.kind.trim()),
            // A name in any UI language, or a code.
            country: some(&self.country)
                .map(|country| names::country_code(&country).map_or_else(|| country.to_uppercase(), str::to_owned)),
            principle: some(&self.principle),
            risk: some(&self.risk),
            stage: some(&self.stage),
            language: some(&self.language)
                .map(|language| names::language_code(&language).map_or(language, str::to_owned)),
            from: some(&self.from),
            to: some(&self.to),
            text: some(&self.text),
        }
    }

    /// Whether a filter other than the words is set.
    fn filtering(&self) -> bool {
        [&self.kind, &self.country, &self.principle, &self.risk, &self.stage, &self.language, &self.from, &self.to]
            .iter()
            .any(|value| !value.trim().is_empty())
    }

    /// The query string of these filters at another offset.
    fn at(&self, offset: usize) -> String {
        let filters = self.query_string();
        if filters.is_empty() { format!("?offset={offset}") } else { format!("?offset={offset}&{filters}") }
    }

    /// The filters that are set, as a query string without its `?` (empty
    /// when none is).
    pub(crate) fn query_string(&self) -> String {
        let pairs = [
            ("kind", &self.kind),
            ("country", &self.country),
            ("principle", &self.principle),
            ("risk", &self.risk),
            ("stage", &self.stage),
            ("language", &self.language),
            ("from", &self.from),
            ("to", &self.to),
            ("text", &self.text),
        ];
        let set = pairs.into_iter().filter(|(_, value)| !value.trim().is_empty());
        set.map(|(name, value)| format!("{name}={}", encode_query(value.trim()))).collect::<Vec<_>>().join("&")
    }
}

/// `GET /`
pub(crate) async fn page(
    ctx: Ctx,
    State(state): State<WebState>,
    Query(query): Query<BrowseQuery>,
) -> Result<Response, PageError> {
    let filter = query.filter();
    let offset = query.offset;
    let page = blocking(ctx.lang, &state, move |node| node.list(&filter, offset, PAGE_SIZE)).await?;
    let taxonomy = &ctx.taxonomy.taxonomy;
    let lang = ctx.lang.code();
    let pages = page.total.div_ceil(PAGE_SIZE).max(1);
    let past_end = page.total > 0 && offset >= page.total;
    let last_page = (pages - 1) * PAGE_SIZE;
    let pages_arg = Arg::Count(pages as u64);
    let body = html! {
        section.welcome {
            p { (ctx.t("home.welcome")) }
            p { a.button #welcome-write href="/new" { (ctx.t("home.write")) } }
        }
        (filter_form(&ctx, &query, "/"))
        @if page.total == 0 {
            p #result-count { (ctx.t("browse.empty")) }
        } @else {
            p #result-count {
                (ctx.tf("browse.results", &[("n", Arg::Count(page.total as u64))]))
                @if !past_end {
                    " · " span #page-of { (ctx.tf("browse.page", &[("page", Arg::Count((offset / PAGE_SIZE + 1) as u64)), ("pages", pages_arg)])) }
                }
            }
        }
        @if past_end {
            p #past-end {
                (ctx.tf("browse.past_end", &[("pages", pages_arg)])) " "
                a href={ "/" (query.at(last_page)) } { (ctx.t("browse.last_page")) }
            }
        } @else if !page.rows.is_empty() {
            ol.results start=(offset + 1) {
                @for row in &page.rows {
                    li {
                        a href={ "/s/" (row.id) } { bdi { (row.summary.title) } }
                        div.meta {
                            span.kind { (kind_label(&ctx, row.summary.kind)) }
                            @if let Some(date) = &row.summary.date { " · " (crate::dates::date(ctx.lang, date)) }
                            @if let Some(country) = &row.summary.country { " · " bdi { (names::shown_country(ctx.lang, country)) } }
                            " · " bdi { (names::shown_language(ctx.lang, &row.summary.language)) }
                        }
                        @let codes = row.summary.principles.iter().chain(&row.summary.risks).chain(&row.summary.lifecycle_stages);
                        div.codes { @for code in codes { span.code title=(code_title(taxonomy, code, lang)) { (code) } " " } }
                    }
                }
            }
        }
        @if page.total > PAGE_SIZE && !past_end {
            nav.paging aria-label=(ctx.t("browse.pages")) {
                @if offset > 0 {
                    a rel="prev" href={ "/" (query.at(offset.saturating_sub(PAGE_SIZE))) } { (ctx.t("browse.prev")) }
                }
                @if offset + PAGE_SIZE < page.total {
                    a rel="next" href={ "/" (query.at(offset + PAGE_SIZE)) } { (ctx.t("browse.next")) }
                }
            }
        }
    };
    Ok(ctx.page(ctx.t("page.browse"), body))
}

/// The filter form, sent to `action` (`/` to browse, `/dashboard` to count):
/// words, then the other filters folded unless one is set.
pub(crate) fn filter_form(ctx: &Ctx, query: &BrowseQuery, action: &str) -> Markup {
    let taxonomy = &ctx.taxonomy.taxonomy;
    html! {
        form.filters method="get" action=(action) role="search" {
            div.search {
                div.field {
                    label for="q-text" { (ctx.t("browse.text")) }
                    input #q-text type="search" name="text" dir="auto" value=(query.text);
                }
                div.actions { button type="submit" { (ctx.t("action.filter")) } }
            }
            // Folded unless a filter is set: on a phone the results come
            // first; without JavaScript the summary still opens it.
            details.more-filters open[query.filtering()] {
                summary { (ctx.t("browse.filters")) }
                div.filter-grid {
                    div.field {
                        label for="q-kind" { (ctx.t("common.kind")) }
                        select #q-kind name="kind" {
                            option value="" { (ctx.t("browse.all")) }
                            @for kind in SubmissionKind::ALL {
                                option value=(kind.as_str()) selected[query.kind == kind.as_str()] { (kind_label(ctx, kind)) }
                            }
                        }
                    }
                    (code_select(ctx, "principle", ctx.t("field.principles"), &taxonomy.principles, &query.principle))
                    (code_select(ctx, "risk", ctx.t("field.risks"), &taxonomy.risks, &query.risk))
                    (code_select(ctx, "stage", ctx.t("field.lifecycle_stages"), &taxonomy.lifecycle_stages, &query.stage))
                    div.field {
                        label for="q-country" { (ctx.t("field.country")) }
                        input #q-country name="country" list=(names::COUNTRIES) autocomplete="off" dir="auto"
                            value=(names::shown_country(ctx.lang, &query.country));
                    }
                    div.field {
                        label for="q-language" { (ctx.t("common.language")) }
                        input #q-language name="language" list=(names::LANGUAGES) autocomplete="off" dir="auto"
                            value=(names::shown_language(ctx.lang, &query.language));
                    }
                    div.field {
                        label for="q-from" { (ctx.t("browse.from")) }
                        input #q-from type="date" name="from" value=(query.from);
                    }
                    div.field {
                        label for="q-to" { (ctx.t("browse.to")) }
                        input #q-to type="date" name="to" value=(query.to);
                    }
                    (names::datalists(ctx.lang))
                }
                div.actions { button type="submit" { (ctx.t("action.filter")) } }
            }
        }
    }
}

fn code_title(taxonomy: &Taxonomy, code: &str, lang: &str) -> String {
    [&taxonomy.principles, &taxonomy.risks, &taxonomy.lifecycle_stages]
        .into_iter()
        .find_map(|terms| Taxonomy::find(terms, code))
        .map(|term| term.label(lang))
        .unwrap_or_else(|| code.to_owned())
}

fn code_select(ctx: &Ctx, name: &str, label: &str, terms: &[Term], chosen: &str) -> Markup {
    let lang = ctx.lang.code();
    html! {
        div.field {
            label for={ "q-" (name) } { (label) }
            select id={ "q-" (name) } name=(name) {
                option value="" { (ctx.t("browse.all")) }
                @for term in terms {
                    option value=(term.code) selected[chosen == term.code] { (term.label(lang)) }
                }
            }
        }
    }
}
