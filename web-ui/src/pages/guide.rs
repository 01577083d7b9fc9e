//! The guide (`GET /guide`, `GET /guide/{slug}`): the pages the
//! secretariat publishes to every node (guiding questions, toolkit pages),
//! each in the page's language when it is published in it, else in
//! English, else in any; the Markdown rendered safely (`markdown.rs`).
//! The index also says which taxonomy version the node shows titles from.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use convene_node::GuidePage;
use maud::{PreEscaped, html};
use serde::Deserialize;

use crate::WebState;
use crate::i18n::Arg;
use crate::markdown;
use crate::web::{Ctx, PageError, blocking};

/// The slug the Write page points to.
pub const GUIDING_QUESTIONS: &str = "guiding-questions";

/// `?lang=` of a page: one of the languages it is published in.
#[derive(Debug, Deserialize)]
pub(crate) struct GuideQuery {
    lang: Option<String>,
}

/// The version of `slug` to show: in `wanted`, else in the page's
/// language, else in English, else the first.
fn pick<'p>(pages: &'p [GuidePage], slug: &str, wanted: Option<&str>, lang: &str) -> Option<&'p GuidePage> {
    let versions: Vec<&GuidePage> = pages.iter().filter(|page| page.slug == slug).collect();
    let primary = |page: &&&GuidePage| page.lang.split('-').next() == Some(lang);
    wanted
        .and_then(|wanted| versions.iter().find(|page| page.lang == wanted))
        .or_else(|| versions.iter().find(|page| page.lang == lang))
        .or_else(|| versions.iter().find(primary))
        .or_else(|| versions.iter().find(|page| page.lang == "en"))
        .or_else(|| versions.first())
        .copied()
}

/// `GET /guide`
pub(crate) async fn index(ctx: Ctx, State(state): State<WebState>) -> Result<Response, PageError> {
    let pages = blocking(ctx.lang, &state, |node| node.pages()).await?;
    let lang = ctx.lang.code();
    let mut slugs: Vec<&str> = pages.iter().map(|page| page.slug.as_str()).collect();
    slugs.dedup();
    let in_use = &ctx.taxonomy;
    let version = Arg::Text(&in_use.taxonomy.version);
    let body = html! {
        p { (ctx.t("guide.intro")) }
        @if slugs.is_empty() {
            p { (ctx.t("guide.none")) }
        } @else {
            ul.guide {
                @for page in slugs.iter().filter_map(|slug| pick(&pages, slug, None, lang)) {
                    li lang=(page.lang) dir="auto" { a href={ "/guide/" (page.slug) } { bdi { (page.title) } } }
                }
            }
        }
        h2 { (ctx.t("guide.taxonomy")) }
        p #taxonomy-version {
            @match in_use.statement {
                Some(_) => (ctx.tf("guide.taxonomy_published", &[("version", version)])),
                None => (ctx.tf("guide.taxonomy_shipped", &[("version", version)])),
            }
        }
    };
    Ok(ctx.page(ctx.t("page.guide"), body))
}

/// `GET /guide/{slug}`
pub(crate) async fn page(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(slug): Path<String>,
    Query(query): Query<GuideQuery>,
) -> Result<Response, PageError> {
    let pages = blocking(ctx.lang, &state, |node| node.pages()).await?;
    let shown = pick(&pages, &slug, query.lang.as_deref(), ctx.lang.code()).ok_or(PageError::NotFound(ctx.lang))?;
    let others: Vec<&GuidePage> =
        pages.iter().filter(|page| page.slug == shown.slug && page.lang != shown.lang).collect();
    let body = html! {
        p.meta { (ctx.t("guide.published")) " " (crate::dates::moment(ctx.lang, shown.at_ms)) }
        article.guide lang=(shown.lang) dir="auto" { (PreEscaped(markdown::render(&shown.body))) }
        @if !others.is_empty() {
            nav aria-label=(ctx.t("guide.other_languages")) {
                (ctx.t("guide.other_languages")) ": "
                @for other in others {
                    a lang=(other.lang) hreflang=(other.lang) href={ "/guide/" (other.slug) "?lang=" (other.lang) } {
                        bdi { (other.title) } " (" (other.lang) ")"
                    } " "
                }
            }
        }
        p { a href="/guide" { (ctx.t("guide.all")) } }
    };
    Ok(ctx.page(&shown.title, body))
}
