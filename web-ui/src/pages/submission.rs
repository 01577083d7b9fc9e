//! One submission (`GET /s/{id}`): its fields, author, verified mark and
//! history; reveal of the contact on the secretariat's node; withdraw with
//! a confirmation.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use convene_node::data_dir::IdentityInfo;
use convene_node::sync::Holder;
use convene_node::{CustodyView, NodeError, SubmissionView, drafts};
use std::collections::HashSet;

use axum::http::header;
use convene_protocol::attachment::{Attachment, BlobHash, MediaType, Removed};
use convene_protocol::entry::EntryKind;
use convene_protocol::keys::PublicKey;
use convene_protocol::kinds::{Field, Shape, Slot, SubmissionKind};
use convene_protocol::schema::{self, Contact, sealed_name};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::WebState;
use crate::i18n::{Arg, isolate};
use crate::names;
use crate::pages::form::{self, code_words, short_label};
use crate::pages::write::kind_label;
use crate::web::{Ctx, PageError, blocking, notice};

/// Attached files: each preview (when here), and a link to the original
/// once it has arrived, or word that it has not.
fn attachments(ctx: &Ctx, value: &Value, here: &HashSet<String>) -> Markup {
    let list: Vec<Attachment> = serde_json::from_value(value.clone()).unwrap_or_default();
    html! {
        ul.attachments {
            @for attachment in &list {
                li {
                    @if let Some(preview) = attachment.preview.as_ref().filter(|preview| here.contains(&preview.hash)) {
                        img.preview src={ "/blobs/" (preview.hash) } alt=(ctx.tf("attachment.preview_of", &[("name", Arg::Text(&attachment.name))]));
                    }
                    bdi { (attachment.name) } " (" (attachment.media_type.as_str()) ", " (kilobytes(attachment.size)) ") "
                    @if here.contains(&attachment.hash) {
                        a href={ "/blobs/" (attachment.hash) } download=(attachment.name) { (ctx.t("attachment.original")) }
                    } @else {
                        span.hint { (ctx.t("attachment.not_here")) }
                    }
                }
            }
        }
    }
}

/// A size in bytes, in kB.
fn kilobytes(size: u64) -> String {
    format!("{} kB", size.div_ceil(1000))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ShowQuery {
    saved: bool,
    reveal: bool,
    /// Files just attached, what was removed from each: `HASH~exif~xmp`, joined by `.`.
    cleaned: String,
}

/// What was removed from the files just attached, in the visitor's language.
fn cleaned_notes(ctx: &Ctx, cleaned: &str, fields: &serde_json::Map<String, Value>) -> Vec<String> {
    let attachments = Attachment::all_of(fields);
    cleaned
        .split('.')
        .filter_map(|item| {
            let mut parts = item.split('~');
            let hash = parts.next()?;
            let attachment = attachments.iter().find(|attachment| attachment.hash == hash)?;
            let removed: Vec<&str> = parts
                .filter_map(|code| Removed::ALL.into_iter().find(|removed| removed.code() == code))
                .map(Removed::as_str)
                .collect();
            if attachment.media_type == MediaType::Pdf {
                Some(ctx.tf("attachment.pdf_note", &[("name", Arg::Text(&isolate(&attachment.name)))]))
            } else if removed.is_empty() {
                None
            } else {
                Some(ctx.tf(
                    "attachment.removed",
                    &[("what", Arg::Text(&removed.join(", "))), ("name", Arg::Text(&isolate(&attachment.name)))],
                ))
            }
        })
        .collect()
}

/// `GET /blobs/{hash}`: an attached file or preview a live submission
/// names, with its type from its first bytes; a PDF as a download.
pub(crate) async fn blob(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(hash): Path<String>,
) -> Result<Response, PageError> {
    ctx.require_login()?;
    let Some(hash) = BlobHash::parse(&hash) else { return Err(PageError::NotFound(ctx.lang)) };
    let bytes = blocking(ctx.lang, &state, move |node| {
        if !node.blob_is_named(&hash)? || !node.blobs().has(&hash) {
            return Ok(None);
        }
        node.blob(&hash).map(Some)
    })
    .await?;
    let Some(bytes) = bytes else { return Err(PageError::NotFound(ctx.lang)) };
    let Some(media_type) = MediaType::sniff(&bytes) else { return Err(PageError::NotFound(ctx.lang)) };
    let disposition =
        if media_type == MediaType::Pdf { format!("attachment; filename=\"{hash}.pdf\"") } else { "inline".to_owned() };
    let headers = [
        (header::CONTENT_TYPE, media_type.as_str().to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_owned()),
    ];
    Ok((headers, bytes).into_response())
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
            Err(NodeError::Withdrawn(_)) => return Ok(Err(None)),
            Err(NodeError::Hidden { reason, text, .. }) => return Ok(Err(Some((reason, text)))),
            other => other?,
        };
        let contact = if reveal { node.reveal(&id)? } else { None };
        let secretariat = node.is_secretariat();
        let desk = if secretariat { Some((node.tag_list()?, node.notes(&id)?)) } else { None };
        let here: HashSet<String> = Attachment::all_of(&view.row.fields)
            .iter()
            .flat_map(|attachment| attachment.blobs().collect::<Vec<_>>())
            .filter(|hash| node.blobs().has(hash))
            .map(|hash| hash.to_hex())
            .collect();
        Ok(Ok((view, contact, secretariat, node.data_dir().identities()?, here, desk)))
    })
    .await?;
    let (view, contact, secretariat, identities, here, desk) = match shown {
        Ok(shown) => shown,
        Err(None) => {
            let body = html! { p.warning role="status" { (ctx.t("sub.withdrawn")) } p { a href="/" { (ctx.t("nav.browse")) } } };
            return Ok(ctx.page_with_status(StatusCode::GONE, ctx.t("sub.entry.withdraw"), body));
        }
        Err(Some((reason, text))) => {
            let body = super::desk::hidden_notice(&ctx, reason, &text);
            return Ok(ctx.page_with_status(StatusCode::GONE, ctx.t("desk.hidden_title"), body));
        }
    };
    let holders = match &state.sync {
        Some(sync) => sync.holders(view.history.iter().map(|item| item.entry).collect()).await.ok(),
        None => None,
    };
    let row = &view.row;
    let author_here = identities.iter().find(|info| info.public_key == row.creator);
    let body = html! {
        @if query.saved { (notice(ctx.t("sub.saved"))) }
        @for note in cleaned_notes(&ctx, &query.cleaned, &row.fields) { (notice(&note)) }
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
            dd { (author_words(&ctx, &row.creator, &identities)) }
            dt { (ctx.t("sub.created")) }
            dd { (ctx.moment(row.created_ms)) }
            @for field in row.kind.spec().fields.iter().filter(|field| field.slot != Some(Slot::Title)) {
                @if field.sealed {
                    dt { (short_label(&ctx, field.key)) }
                    dd { (contact_cell(&ctx, &row.id.to_string(), contact.as_ref(), secretariat, row.fields.contains_key(&sealed_name(field)))) }
                } @else if let Some(value) = row.fields.get(field.name) {
                    dt { (short_label(&ctx, field.key)) }
                    dd { (field_value(&ctx, field, value, &here)) }
                }
            }
        }
        h2 { (ctx.t("sub.changes")) }
        @if view.history_total > view.history.len() {
            p.hint { (ctx.tf("sub.earlier", &[("n", Arg::Count((view.history_total - view.history.len()) as u64))])) }
        }
        ol.history {
            @for item in &view.history {
                li {
                    (ctx.moment(item.timestamp_ms)) " · " (entry_kind(&ctx, item.kind))
                    @if !item.fields.is_empty() {
                        ": " (touched_words(&ctx, row.kind, &item.fields))
                    }
                    " · " (author_words(&ctx, &item.author, &identities))
                }
            }
        }
        (super::desk::section(&ctx, &row.id.to_string(), &view.desk, desk.as_ref().map(|(tags, notes)| (tags.as_slice(), notes.as_slice()))))
        h2 { (ctx.t("sub.where")) }
        (held_by(&ctx, secretariat, holders.as_deref()))
        (custody_chain(&ctx, &view.custody, view.custody_more))
        @if let Some(author) = author_here {
            p.actions {
                a.button href={ "/s/" (row.id) "/edit" } { (ctx.t("action.edit")) }
                " "
                a.button.danger href={ "/s/" (row.id) "/withdraw?as=" (author.public_key.to_did_key()) } { (ctx.t("action.withdraw")) }
            }
        }
    };
    let title = row.fields.get("title").and_then(Value::as_str).unwrap_or("").to_owned();
    Ok(ctx.page(&title, body))
}

/// Which hubs hold the submission's newest changes, and whether the
/// secretariat's node does, as of the last sync with each peer (`None`:
/// this node does not sync).
fn held_by(ctx: &Ctx, secretariat_here: bool, holders: Option<&[Holder]>) -> Markup {
    let secretariat = holders.and_then(|holders| holders.iter().find(|holder| holder.secretariat));
    html! {
        p { (ctx.t("sub.held_here")) }
        @if secretariat_here {
            p #held-secretariat { (ctx.t("sub.held_here_secretariat")) }
        } @else if holders.is_some() {
            p #held-secretariat {
                @match secretariat {
                    Some(holder) if holder.holds => { "✔ " (ctx.t("sub.held_secretariat_yes")) }
                    Some(_) => { (ctx.t("sub.held_secretariat_no")) }
                    None => { (ctx.t("sub.held_secretariat_unknown")) }
                }
            }
        }
        @if let Some(holders) = holders {
            @if holders.is_empty() {
                p { (ctx.t("sub.held_none")) }
            } @else {
                p.hint { (ctx.t("sub.held_by_hint")) }
                ul #held-by aria-label=(ctx.t("sub.held_by")) {
                    @for holder in holders {
                        li {
                            strong { bdi title=(holder.peer_id) { (holder.display_name()) } }
                            @if holder.secretariat { " (" (ctx.t("net.is_secretariat")) ")" }
                            " · "
                            @if holder.holds { (ctx.t("sub.held_yes")) } @else { (ctx.t("sub.held_no")) }
                            " · " small { (ctx.t("sync.last")) " " (ctx.moment(holder.as_of_ms)) }
                        }
                    }
                }
            }
        }
    }
}

/// The hubs that signed custody receipts for the submission, earliest first.
fn custody_chain(ctx: &Ctx, chain: &[CustodyView], more: usize) -> Markup {
    html! {
        @if !chain.is_empty() {
            h3 #custody-title { (ctx.t("sub.custody")) }
            p.hint { (ctx.t("sub.custody_hint")) }
            ol #custody aria-labelledby="custody-title" {
                @for custody in chain {
                    li {
                        strong { bdi { (custody.hub) } } " "
                        small title=(custody.hub_peer) { (convene_node::sync::hub::short_id(&custody.hub_peer)) }
                        @if custody.this_node { " (" (ctx.t("sub.custody_this")) ")" }
                        " · " (ctx.moment(custody.held_ms)) " · "
                        @match (custody.from.as_str(), &custody.from_peer) {
                            ("here", _) => { (ctx.t("sub.custody_here")) }
                            ("bundle", _) => { (ctx.t("sub.custody_bundle")) }
                            (_, Some(peer)) => { (ctx.tf("sub.custody_from", &[("peer", Arg::Text(&isolate(peer)))])) }
                            (other, None) => { (other) }
                        }
                    }
                }
            }
            @if more > 0 {
                p.hint { (ctx.tf("sub.custody_more", &[("n", Arg::Count(more as u64))])) }
            }
        }
    }
}

/// The submission a full id or unique prefix names, read off the async threads.
pub(crate) async fn show(ctx: &Ctx, state: &WebState, id: String) -> Result<SubmissionView, PageError> {
    blocking(ctx.lang, state, move |node| {
        let id = node.resolve(&id)?;
        node.show(&id)
    })
    .await
}

/// Who signed: "you (Amina)" for one of this node's identities, with the
/// `did:key` every node shows (names stay on the node that holds them).
fn author_words(ctx: &Ctx, key: &PublicKey, identities: &[IdentityInfo]) -> Markup {
    html! {
        @if let Some(info) = identities.iter().find(|info| info.public_key == *key) {
            strong { (ctx.tf("common.you", &[("name", Arg::Text(&isolate(&info.name)))])) } " "
        }
        code.did { (key) }
    }
}

/// The fields a change touched, by their labels in the page's language.
fn touched_words(ctx: &Ctx, kind: SubmissionKind, names: &[String]) -> String {
    let label = |name: &String| {
        let name = name.strip_prefix("sealed_").unwrap_or(name);
        match kind.spec().fields.iter().find(|field| field.name == name) {
            Some(field) => short_label(ctx, field.key).to_owned(),
            None => name.to_owned(),
        }
    };
    names.iter().map(label).collect::<Vec<_>>().join(", ")
}

fn entry_kind(ctx: &Ctx, kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Create => ctx.t("sub.entry.create"),
        EntryKind::Change => ctx.t("sub.entry.change"),
        EntryKind::Grant => ctx.t("sub.entry.grant"),
        EntryKind::Withdraw => ctx.t("sub.entry.withdraw"),
        EntryKind::Statement => ctx.t("desk.title"),
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
fn field_value(ctx: &Ctx, field: &Field, value: &Value, here: &HashSet<String>) -> Markup {
    match (&field.shape, value) {
        (Shape::Group(members), Value::Object(group)) => {
            let given: Vec<(&Field, &Value)> = members
                .iter()
                .filter_map(|member| Some((member, group.get(member.name)?)))
                .filter(|(_, value)| value.as_str() != Some(""))
                .collect();
            html! {
                @for (index, (member, value)) in given.into_iter().enumerate() {
                    @if index > 0 && !value.is_array() { (ctx.t("common.list_separator")) }
                    (field_value(ctx, member, value, here))
                }
            }
        }
        (Shape::Flag, Value::Bool(yes)) => html! { (if *yes { ctx.t("common.yes") } else { ctx.t("common.no") }) },
        (Shape::Attachments, Value::Array(_)) => attachments(ctx, value, here),
        (Shape::Code(codes), Value::String(code)) => html! { bdi { (code_words(ctx, field.key, *codes, code)) } },
        (Shape::CodeList { codes, .. }, Value::Array(items)) => html! {
            ul { @for code in items.iter().filter_map(Value::as_str) { li { bdi { (code_words(ctx, field.key, *codes, code)) } } } }
        },
        (Shape::Date, Value::String(text)) => crate::dates::date(ctx.lang, text),
        (Shape::Text { .. } | Shape::LongText { .. }, Value::String(text)) => html! { span.text dir="auto" { (text) } },
        (Shape::Country, Value::String(code)) => html! { bdi { (names::shown_country(ctx.lang, code)) } },
        (Shape::Language, Value::String(tag)) => html! { bdi { (names::shown_language(ctx.lang, tag)) } },
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
        let row = node.show(&id)?.row;
        node.withdraw(&secret, &id, form.reason.trim())?;
        // A draft of what was withdrawn keeps its text and contact nowhere.
        let mut public = row.fields;
        public.remove("sealed_contact");
        let limits = node.limits();
        drafts::discard_where(node.data_dir(), |draft| {
            let typed = form::to_submission(draft.kind.spec(), &form::Values(draft.values.clone()));
            draft.kind == row.kind && schema::validate_submission(&typed, &limits).is_ok_and(|ok| ok.fields == public)
        })
    })
    .await?;
    let body = html! { p role="status" { (ctx.t("sub.withdrawn")) } p { a href="/" { (ctx.t("nav.browse")) } } };
    Ok(ctx.page(ctx.t("action.withdraw"), body).into_response())
}
