//! The secretariat's desk in the pages: what every node shows of a
//! submission's place on it (received, status, tags, a moderation), and on
//! the secretariat's node the inbox (`GET /inbox`, bulk changes by
//! `POST /inbox`) and a submission's curation and moderation forms
//! (`POST /s/{id}/curate`, `POST /s/{id}/moderate`).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use convene_node::query::Filter;
use convene_node::{DeskRequest, DeskView, ListRow, Note};
use convene_protocol::statement::{Reason, Status, TagDef};
use maud::{Markup, html};
use serde::Deserialize;

use crate::WebState;
use crate::i18n::Arg;
use crate::pages::write::kind_label;
use crate::web::{Ctx, PageError, blocking};

/// Most submissions the inbox lists on a page.
const INBOX_PAGE: usize = 100;

/// A status in the page's language.
pub(crate) fn status_words(ctx: &Ctx, status: Status) -> &'static str {
    match status {
        Status::Received => ctx.t("desk.status.received"),
        Status::InReview => ctx.t("desk.status.in_review"),
        Status::Incorporated => ctx.t("desk.status.incorporated"),
        Status::Published => ctx.t("desk.status.published"),
        Status::Declined => ctx.t("desk.status.declined"),
    }
}

fn reason_words(ctx: &Ctx, reason: Reason) -> &'static str {
    match reason {
        Reason::Spam => ctx.t("desk.reason.spam"),
        Reason::Abuse => ctx.t("desk.reason.abuse"),
        Reason::Unlawful => ctx.t("desk.reason.unlawful"),
        Reason::Other => ctx.t("desk.reason.other"),
    }
}

/// A tag by its title when the list has it.
fn tag_title<'a>(tags: &'a [TagDef], code: &'a str) -> &'a str {
    tags.iter().find(|tag| tag.code == code).map_or(code, |tag| tag.title.as_str())
}

/// The page of a hidden submission, for a node that is not its author's.
pub(crate) fn hidden_notice(ctx: &Ctx, reason: &str, text: &str) -> Markup {
    let reason = Reason::ALL.into_iter().find(|each| each.as_str() == reason).unwrap_or(Reason::Other);
    html! {
        p.warning role="status" {
            (ctx.tf("desk.hidden", &[("reason", Arg::Text(reason_words(ctx, reason)))]))
            @if !text.is_empty() { " " span dir="auto" { (text) } }
        }
        p { a href="/" { (ctx.t("nav.browse")) } }
    }
}

/// A submission's place on the desk, as every node shows it; with the
/// forms and notes on the secretariat's node.
pub(crate) fn section(ctx: &Ctx, id: &str, desk: &DeskView, secretariat: Option<(&[TagDef], &[Note])>) -> Markup {
    let tags = secretariat.map(|(tags, _)| tags).unwrap_or(&[]);
    html! {
        h2 { (ctx.t("desk.title")) }
        @if let Some(moderation) = &desk.moderation {
            p.warning #desk-hidden role="status" {
                (ctx.tf("desk.hidden_you", &[("reason", Arg::Text(reason_words(ctx, moderation.reason)))]))
                " " (ctx.moment(moderation.at_ms))
                @if !moderation.text.is_empty() { ": " span dir="auto" { (moderation.text) } }
            }
        }
        dl.fields #desk {
            dt { (ctx.t("desk.received")) }
            dd #desk-received {
                @match desk.received_ms {
                    Some(at) => { "✔ " (ctx.moment(at)) }
                    None => { (ctx.t("desk.not_received")) }
                }
                @if desk.received_ms.is_some() && desk.unacknowledged > 0 {
                    " " span.hint { (ctx.tf("desk.changes_waiting", &[("n", Arg::Count(u64::from(desk.unacknowledged)))])) }
                }
            }
            dt { (ctx.t("desk.status")) }
            dd #desk-status {
                @match desk.status {
                    Some(status) => { (status_words(ctx, status)) }
                    None => { (ctx.t("common.none")) }
                }
            }
            @if !desk.tags.is_empty() {
                dt { (ctx.t("desk.tags")) }
                dd #desk-tags { ul { @for tag in &desk.tags { li { bdi { (tag_title(tags, tag)) } } } } }
            }
        }
        @if let Some((tags, notes)) = secretariat {
            @if !notes.is_empty() {
                h3 { (ctx.t("desk.notes")) }
                ul #desk-notes {
                    @for note in notes { li { (ctx.moment(note.at_ms)) ": " span dir="auto" { (note.text) } } }
                }
            }
            form.desk method="post" action={ "/s/" (id) "/curate" } {
                (ctx.csrf_field())
                (status_select(ctx, "f-status", "status", desk.status))
                (tag_select(ctx, tags))
                div.field {
                    label for="f-note" { (ctx.t("desk.note")) }
                    textarea #f-note name="note" maxlength="4000" rows="3" {}
                    p.hint { (ctx.t("desk.note_hint")) }
                }
                div.actions { button type="submit" { (ctx.t("desk.save")) } }
            }
            form.desk method="post" action={ "/s/" (id) "/moderate" } {
                (ctx.csrf_field())
                @if desk.moderation.is_some() {
                    input type="hidden" name="hide" value="false";
                    div.actions { button type="submit" { (ctx.t("desk.unhide")) } }
                } @else {
                    input type="hidden" name="hide" value="true";
                    div.field {
                        label for="f-reason" { (ctx.t("desk.reason")) }
                        select #f-reason name="reason" {
                            @for reason in Reason::ALL { option value=(reason.as_str()) { (reason_words(ctx, reason)) } }
                        }
                    }
                    div.field {
                        label for="f-why" { (ctx.t("desk.why")) }
                        input #f-why name="text" maxlength="500";
                    }
                    div.actions { button.danger type="submit" { (ctx.t("desk.hide")) } }
                }
            }
        }
    }
}

fn status_select(ctx: &Ctx, id: &str, name: &str, current: Option<Status>) -> Markup {
    html! {
        div.field {
            label for=(id) { (ctx.t("desk.status")) }
            select #(id) name=(name) {
                option value="" { (ctx.t("desk.unchanged")) }
                @for status in Status::ALL {
                    option value=(status.as_str()) selected[current == Some(status)] { (status_words(ctx, status)) }
                }
            }
        }
    }
}

fn tag_select(ctx: &Ctx, tags: &[TagDef]) -> Markup {
    html! {
        div.field {
            label for="f-tag" { (ctx.t("desk.add_tag")) }
            select #f-tag name="tag" {
                option value="" { (ctx.t("desk.unchanged")) }
                @for tag in tags { option value=(tag.code) { (tag.title) } }
            }
            @if tags.is_empty() { p.hint { (ctx.t("desk.no_tags")) } }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CurateForm {
    csrf: String,
    status: String,
    tag: String,
    note: String,
}

/// The parts of a curation form that change something.
fn curate_request(ids: Vec<String>, status: &str, tag: &str, note: &str) -> Result<DeskRequest, String> {
    let status = match status {
        "" => None,
        text => Some(text.parse::<Status>()?),
    };
    let add_tags = if tag.is_empty() { Vec::new() } else { vec![tag.to_owned()] };
    let note = Some(note.trim().to_owned()).filter(|note| !note.is_empty());
    Ok(DeskRequest::Curate { ids, status, add_tags, remove_tags: Vec::new(), note })
}

/// A form the page never offers (a status it does not list): say what was wrong.
fn bad_form(ctx: &Ctx, error: String) -> PageError {
    PageError::Shown(ctx.lang, axum::http::StatusCode::BAD_REQUEST, error)
}

/// `POST /s/{id}/curate` (the secretariat's node).
pub(crate) async fn curate(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
    Form(form): Form<CurateForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    let back = format!("/s/{}", id.chars().filter(char::is_ascii_hexdigit).collect::<String>());
    if form.status.is_empty() && form.tag.is_empty() && form.note.trim().is_empty() {
        return Ok(Redirect::to(&back).into_response());
    }
    let request =
        curate_request(vec![id], &form.status, &form.tag, &form.note).map_err(|error| bad_form(&ctx, error))?;
    blocking(ctx.lang, &state, move |node| node.desk(None, &request)).await?;
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ModerateForm {
    csrf: String,
    hide: bool,
    reason: String,
    text: String,
}

/// `POST /s/{id}/moderate` (the secretariat's node).
pub(crate) async fn moderate(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    let back = format!("/s/{}", id.chars().filter(char::is_ascii_hexdigit).collect::<String>());
    let reason = form.reason.parse::<Reason>().unwrap_or(Reason::Other);
    let request = DeskRequest::Moderate { subject: id, hide: form.hide, purge: false, reason, text: form.text };
    blocking(ctx.lang, &state, move |node| node.desk(None, &request)).await?;
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InboxQuery {
    /// A status, `new` (never curated), or empty for all.
    status: String,
    done: usize,
}

/// `GET /inbox`: the secretariat's submissions, newest first, with their
/// place on the desk; pick some and change them together.
pub(crate) async fn inbox(
    ctx: Ctx,
    State(state): State<WebState>,
    Query(query): Query<InboxQuery>,
) -> Result<Response, PageError> {
    ctx.require_login()?;
    let wanted = query.status.clone();
    let (rows, tags, secretariat) = blocking(ctx.lang, &state, move |node| {
        let mut rows: Vec<ListRow> = Vec::new();
        if let Ok(status) = wanted.parse::<Status>() {
            rows = node.on_desk_with_status(status, INBOX_PAGE)?;
        }
        // All, or new ones: newest first, a page of rows at a time, until
        // the inbox's page is full (with no filter, one page).
        let mut offset = 0;
        while matches!(wanted.as_str(), "" | "new") && rows.len() < INBOX_PAGE {
            let page = node.list_on_desk(&Filter::default(), offset, INBOX_PAGE)?;
            offset += page.rows.len();
            let exhausted = page.rows.len() < INBOX_PAGE;
            let new_only = wanted == "new";
            rows.extend(
                page.rows
                    .into_iter()
                    .filter(|row| !new_only || row.desk.as_ref().and_then(|desk| desk.status).is_none()),
            );
            if exhausted {
                break;
            }
        }
        rows.truncate(INBOX_PAGE);
        Ok((rows, node.tag_list()?, node.is_secretariat()))
    })
    .await?;
    if !secretariat {
        return Err(PageError::NotFound(ctx.lang));
    }
    let body = html! {
        @if query.done > 0 {
            p.notice role="status" { (ctx.tf("desk.done", &[("n", Arg::Count(query.done as u64))])) }
        }
        form.filters method="get" action="/inbox" {
            div.field {
                label for="f-show" { (ctx.t("desk.show")) }
                select #f-show name="status" {
                    option value="" { (ctx.t("desk.all")) }
                    option value="new" selected[query.status == "new"] { (ctx.t("desk.new")) }
                    @for status in Status::ALL {
                        option value=(status.as_str()) selected[query.status == status.as_str()] { (status_words(&ctx, status)) }
                    }
                }
            }
            div.actions { button type="submit" { (ctx.t("action.filter")) } }
        }
        @if rows.is_empty() {
            p { (ctx.t("desk.inbox_empty")) }
        } @else {
            form method="post" action="/inbox" {
                (ctx.csrf_field())
                table #inbox {
                    caption { (ctx.tf("desk.inbox_count", &[("n", Arg::Count(rows.len() as u64))])) }
                    thead { tr {
                        th scope="col" { span.visually-hidden { (ctx.t("desk.pick")) } }
                        th scope="col" { (ctx.t("common.title")) }
                        th scope="col" { (ctx.t("desk.status")) }
                        th scope="col" { (ctx.t("desk.tags")) }
                        th scope="col" { (ctx.t("desk.received")) }
                    } }
                    tbody {
                        @for row in &rows {
                            @let desk = row.desk.clone().unwrap_or_default();
                            @let pick = format!("pick-{}", row.id);
                            tr {
                                td { input type="checkbox" name="ids" value=(row.id) id=(pick) aria-label=(row.summary.title); }
                                td { label for=(pick) { bdi { (row.summary.title) } } " " small { (kind_label(&ctx, row.summary.kind)) } " " a href={ "/s/" (row.id) } { (ctx.t("desk.open")) } }
                                td { @match desk.status { Some(status) => (status_words(&ctx, status)), None => (ctx.t("desk.new")) } }
                                td { @for tag in &desk.tags { bdi { (tag_title(&tags, tag)) } " " } }
                                td { @match desk.received_ms { Some(at) => (ctx.moment(at)), None => (ctx.t("desk.not_received")) } }
                            }
                        }
                    }
                }
                fieldset {
                    legend { (ctx.t("desk.bulk")) }
                    (status_select(&ctx, "f-bulk-status", "status", None))
                    (tag_select(&ctx, &tags))
                    div.actions { button type="submit" { (ctx.t("desk.apply")) } }
                }
            }
        }
    };
    Ok(ctx.page(ctx.t("page.inbox"), body))
}

/// `POST /inbox`: the picked submissions changed together.
pub(crate) async fn inbox_post(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut csrf = String::new();
    let mut ids = Vec::new();
    let (mut status, mut tag) = (String::new(), String::new());
    for (key, value) in pairs {
        match key.as_str() {
            "csrf" => csrf = value,
            "ids" => ids.push(value),
            "status" => status = value,
            "tag" => tag = value,
            _ => {}
        }
    }
    ctx.check_csrf(Some(&csrf))?;
    ctx.require_login()?;
    if ids.is_empty() || (status.is_empty() && tag.is_empty()) {
        return Ok(Redirect::to("/inbox").into_response());
    }
    let request = curate_request(ids, &status, &tag, "").map_err(|error| bad_form(&ctx, error))?;
    let done = blocking(ctx.lang, &state, move |node| node.desk(None, &request)).await?.len();
    Ok(Redirect::to(&format!("/inbox?done={done}")).into_response())
}
