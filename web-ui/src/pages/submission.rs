//! One submission (`GET /s/{id}`): its fields, author, verified mark and
//! history; reveal of the contact on the secretariat's node; withdraw with
//! a confirmation.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use convene_node::{NodeError, SubmissionView};
use convene_protocol::entry::EntryKind;
use convene_protocol::kinds::{Field, Shape, Slot};
use convene_protocol::schema::{Contact, sealed_name};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::WebState;
use crate::i18n::fill;
use crate::pages::form::{code_words, short_label};
use crate::pages::write::kind_label;
use crate::web::{Ctx, PageError, blocking, format_time, notice};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ShowQuery {
    saved: bool,
    reveal: bool,
}

/// `GET /s/{id}`
pub(crate) async fn page(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    if query.reveal {
        ctx.require_login()?;
    }
    let reveal = query.reveal;
    let shown = blocking(ctx.lang, &state, move |node| {
        let id = node.resolve(&id)?;
        let view = match node.show(&id) {
            Err(NodeError::Withdrawn(_)) => return Ok(None),
            other => other?,
        };
        let contact = if reveal { node.reveal(&id)? } else { None };
        let secretariat = node.data_dir().secretariat_path().exists();
        Ok(Some((view, contact, secretariat, node.data_dir().identities()?)))
    })
    .await?;
    let Some((view, contact, secretariat, identities)) = shown else {
        let body =
            html! { p.warning role="status" { (ctx.t("sub.withdrawn")) } p { a href="/" { (ctx.t("nav.browse")) } } };
        return Ok(ctx.page_with_status(StatusCode::GONE, ctx.t("sub.entry.withdraw"), body));
    };
    let row = &view.row;
    let author_here = identities.iter().find(|info| info.public_key == row.creator);
    let body = html! {
        @if query.saved { (notice(ctx.t("sub.saved"))) }
        p.meta {
            span.kind { (kind_label(&ctx, row.kind)) }
            " · "
            @if view.signatures_verified {
                span.verified { "✔ " (ctx.t("sub.verified")) }
            } @else {
                span.unverified { "✘ " (ctx.t("sub.unverified")) }
            }
        }
        dl.fields {
            dt { (ctx.t("common.author")) }
            dd { code.did { (row.creator) } }
            dt { (ctx.t("sub.created")) }
            dd { (format_time(row.created_ms)) }
            @for field in row.kind.spec().fields.iter().filter(|field| field.slot != Some(Slot::Title)) {
                @if field.sealed {
                    dt { (short_label(&ctx, field.key)) }
                    dd { (contact_cell(&ctx, &row.id.to_string(), contact.as_ref(), secretariat, row.fields.contains_key(&sealed_name(field)))) }
                } @else if let Some(value) = row.fields.get(field.name) {
                    dt { (short_label(&ctx, field.key)) }
                    dd { (field_value(&ctx, field, value)) }
                }
            }
        }
        h2 { (ctx.t("sub.changes")) }
        @if view.history_total > view.history.len() {
            p.hint { (fill(ctx.t("sub.earlier"), &[("n", &(view.history_total - view.history.len()).to_string())])) }
        }
        ol.history {
            @for item in &view.history {
                li {
                    (format_time(item.timestamp_ms)) " · " (entry_kind(&ctx, item.kind)) " · "
                    code.did { (item.author) }
                }
            }
        }
        h2 { (ctx.t("sub.where")) }
        p { (ctx.t("sub.where_text")) }
        @if let Some(sync) = &ctx.sync {
            ul {
                @for peer in sync.peers.iter().filter(|peer| peer.last_sync_ms.is_some_and(|ms| ms >= row.updated_ms)) {
                    li { code { (peer.peer_id.as_deref().unwrap_or("?")) } " · " (ctx.t("sync.last")) " " (format_time(peer.last_sync_ms.unwrap_or(0))) }
                }
            }
        }
        @if let Some(author) = author_here {
            p.actions {
                a.button href={ "/s/" (row.id) "/edit" } { (ctx.t("action.edit")) }
                " "
                a.button.danger href={ "/s/" (row.id) "/withdraw?as=" (author.name) } { (ctx.t("action.withdraw")) }
            }
        }
    };
    let title = row.fields.get("title").and_then(Value::as_str).unwrap_or("").to_owned();
    Ok(ctx.page(&title, body))
}

/// The submission a full id or unique prefix names, read off the async threads.
pub(crate) async fn show(ctx: &Ctx, state: &WebState, id: String) -> Result<SubmissionView, PageError> {
    blocking(ctx.lang, state, move |node| {
        let id = node.resolve(&id)?;
        node.show(&id)
    })
    .await
}

fn entry_kind(ctx: &Ctx, kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Create => ctx.t("sub.entry.create"),
        EntryKind::Change => ctx.t("sub.entry.change"),
        EntryKind::Grant => ctx.t("sub.entry.grant"),
        EntryKind::Withdraw => ctx.t("sub.entry.withdraw"),
    }
}

fn contact_cell(ctx: &Ctx, id: &str, contact: Option<&Contact>, secretariat: bool, sealed: bool) -> Markup {
    html! {
        @if let Some(contact) = contact {
            bdi { (contact.name) } " <" bdi { (contact.email) } ">"
        } @else if sealed {
            (ctx.t("sub.contact_sealed"))
            @if secretariat {
                " " a.button href={ "/s/" (id) "?reveal=true" } { (ctx.t("action.reveal")) }
            }
        } @else {
            (ctx.t("common.none"))
        }
    }
}

/// A stored value, shown by its field's shape.
fn field_value(ctx: &Ctx, field: &Field, value: &Value) -> Markup {
    match (&field.shape, value) {
        (Shape::Group(members), Value::Object(group)) => {
            let given: Vec<(&Field, &Value)> = members
                .iter()
                .filter_map(|member| Some((member, group.get(member.name)?)))
                .filter(|(_, value)| value.as_str() != Some(""))
                .collect();
            html! {
                @for (index, (member, value)) in given.into_iter().enumerate() {
                    @if index > 0 && !value.is_array() { ", " }
                    (field_value(ctx, member, value))
                }
            }
        }
        (Shape::Flag, Value::Bool(yes)) => html! { (if *yes { ctx.t("common.yes") } else { ctx.t("common.no") }) },
        (Shape::Code(codes), Value::String(code)) => html! { bdi { (code_words(ctx, field.key, *codes, code)) } },
        (Shape::CodeList { codes, .. }, Value::Array(items)) => html! {
            ul { @for code in items.iter().filter_map(Value::as_str) { li { bdi { (code_words(ctx, field.key, *codes, code)) } } } }
        },
        (Shape::Text { .. } | Shape::LongText { .. }, Value::String(text)) => html! { span.text dir="auto" { (text) } },
        (_, Value::Array(items)) => html! {
            ul {
                @for item in items {
                    li { bdi { @match item.as_str() { Some(text) => (text), None => (item.to_string()) } } }
                }
            }
        },
        (_, Value::String(text)) => html! { bdi { (text) } },
        (_, other) => html! { bdi { (other.to_string()) } },
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WithdrawQuery {
    #[serde(rename = "as")]
    identity: String,
}

/// `GET /s/{id}/withdraw`: the confirmation.
pub(crate) async fn withdraw_confirm(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
    Query(query): Query<WithdrawQuery>,
) -> Result<Response, PageError> {
    ctx.require_login()?;
    let view = show(&ctx, &state, id).await?;
    let title = view.row.fields.get("title").and_then(Value::as_str).unwrap_or("");
    let body = html! {
        p { strong { bdi { (title) } } }
        p.warning { (ctx.t("withdraw.explain")) }
        form method="post" action={ "/s/" (view.row.id) "/withdraw" } {
            (ctx.csrf_field())
            input type="hidden" name="identity" value=(query.identity);
            div.field {
                label for="f-reason" { (ctx.t("withdraw.reason")) }
                input #f-reason name="reason" maxlength="500";
            }
            div.actions {
                button.danger type="submit" { (ctx.t("action.withdraw_confirm")) }
                " " a href={ "/s/" (view.row.id) } { (ctx.t("common.no")) }
            }
        }
    };
    Ok(ctx.page(ctx.t("page.withdraw"), body))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WithdrawForm {
    csrf: String,
    identity: String,
    reason: String,
}

/// `POST /s/{id}/withdraw`
pub(crate) async fn withdraw(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    blocking(ctx.lang, &state, move |node| {
        let signer = (!form.identity.is_empty()).then_some(form.identity.as_str());
        let (_, secret) = node.data_dir().identity(signer)?;
        let id = node.resolve(&id)?;
        node.withdraw(&secret, &id, form.reason.trim())
    })
    .await?;
    let body = html! { p role="status" { (ctx.t("sub.withdrawn")) } p { a href="/" { (ctx.t("nav.browse")) } } };
    Ok(ctx.page(ctx.t("action.withdraw"), body).into_response())
}
