//! Writing: choose a kind, fill the form, save drafts (button or autosave),
//! sign and submit; edit a stored submission; the drafts list.

use axum::Form;
use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use convene_node::NodeError;
use convene_node::api::StoredFile;
use convene_node::data_dir::IdentityInfo;
use convene_protocol::attachment::Limits;
use convene_protocol::kinds::{Shape, SubmissionKind};
use convene_protocol::problem::{Problem, ValidationErrors};
use convene_protocol::problem_words;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::WebState;
use crate::i18n::{Arg, isolate};
use crate::pages::form::{self, FormSpec, Values};
use crate::web::{Ctx, PageError, blocking, notice};
use convene_node::drafts;

/// Largest body of a submission form in a network with these `limits`:
/// every file it may attach, and room for the fields and the metadata removed.
pub(crate) fn max_form_bytes(limits: &Limits) -> usize {
    limits.submission_bytes as usize + 2 * 1024 * 1024
}

fn parse_kind(ctx: &Ctx, text: &str) -> Result<SubmissionKind, PageError> {
    SubmissionKind::parse(text).ok_or(PageError::NotFound(ctx.lang))
}

/// The title of a kind, in the visitor's language.
pub fn kind_label(ctx: &Ctx, kind: SubmissionKind) -> &'static str {
    ctx.t(&format!("kind.{}", kind.as_str()))
}

/// `GET /new`: which kind to write.
pub(crate) async fn choose(ctx: Ctx, State(state): State<WebState>) -> Result<Response, PageError> {
    ctx.require_login()?;
    let questions = crate::pages::guide::GUIDING_QUESTIONS;
    let published =
        blocking(ctx.lang, &state, move |node| node.pages()).await?.iter().any(|page| page.slug == questions);
    let body = html! {
        p.guide-link {
            a href=(if published { format!("/guide/{questions}") } else { "/guide".to_owned() }) {
                (ctx.t("guide.read_first"))
            }
        }
        ul.kinds {
            @for kind in SubmissionKind::ALL {
                li { a href={ "/new/" (kind.as_str()) } { (kind_label(&ctx, kind)) } }
            }
        }
    };
    Ok(ctx.page(ctx.t("page.new"), body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewQuery {
    draft: Option<String>,
    #[serde(default)]
    saved: bool,
}

/// The node's identity names, and the one to sign with (see [`chosen_signer`]).
async fn signers(ctx: &Ctx, state: &WebState, values: &Values) -> Result<(Vec<String>, Option<String>), PageError> {
    let list = blocking(ctx.lang, state, |node| node.data_dir().identities()).await?;
    let signer = chosen_signer(ctx, values, &list);
    Ok((list.into_iter().map(|info| info.name).collect(), signer))
}

/// `GET /new/{kind}`: an empty form, or a resumed draft.
pub(crate) async fn new_form(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(kind): Path<String>,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    ctx.require_login()?;
    let mut kind = parse_kind(&ctx, &kind)?;
    let mut values = Values(vec![("language".into(), ctx.lang.code().into())]);
    // One form being written, one draft: its id is given now, so every
    // save of this page writes the same draft.
    let mut draft_id = Some(drafts::new_draft_id());
    if let Some(id) = query.draft {
        let draft = blocking(ctx.lang, &state, move |node| drafts::load(node.data_dir(), &id)).await?;
        kind = draft.kind;
        values = Values(draft.values);
        draft_id = Some(draft.id);
    }
    let (identities, signer) = signers(&ctx, &state, &values).await?;
    let spec = FormSpec {
        kind: kind.spec(),
        action: format!("/new/{}", kind.as_str()),
        draft: draft_id.as_deref(),
        identities: &identities,
        signer: signer.as_deref(),
        editing: false,
        signer_error: None,
    };
    let body = html! {
        @if query.saved { (notice(ctx.t("drafts.saved"))) }
        (form::render(&ctx, &spec, &values, None))
    };
    Ok(ctx.page(kind_label(&ctx, kind), body))
}

/// The identity a form signs with: the one posted, else the one chosen on
/// the identities page, else the first.
fn chosen_signer(ctx: &Ctx, values: &Values, identities: &[IdentityInfo]) -> Option<String> {
    let posted = values.get("identity");
    if let Some(info) = identities.iter().find(|info| info.name == posted) {
        return Some(info.name.clone());
    }
    ctx.signer_among(identities).or_else(|| identities.first().map(|info| info.name.clone()))
}

/// `POST /new/{kind}`: save a draft, or sign and submit.
pub(crate) async fn new_post(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(kind): Path<String>,
    Query(query): Query<CsrfQuery>,
    request: Request,
) -> Result<Response, PageError> {
    let kind = parse_kind(&ctx, &kind)?;
    let (mut values, files) = read_form(&ctx, &state.node.limits(), query, request).await?;
    ctx.require_login()?;
    let notes = match store_files(&ctx, &state, kind, &mut values, files).await? {
        Ok(notes) => notes,
        Err(message) => {
            let (identities, signer) = signers(&ctx, &state, &values).await?;
            let draft = Some(values.get("draft").to_owned()).filter(|id| drafts::is_draft_id(id));
            let spec = FormSpec {
                kind: kind.spec(),
                action: format!("/new/{}", kind.as_str()),
                draft: draft.as_deref(),
                identities: &identities,
                signer: signer.as_deref(),
                editing: false,
                signer_error: Some(message),
            };
            let body = form::render(&ctx, &spec, &values, None);
            return Ok(ctx.page_with_status(StatusCode::UNPROCESSABLE_ENTITY, kind_label(&ctx, kind), body));
        }
    };
    let draft_id = Some(values.get("draft").to_owned()).filter(|id| drafts::is_draft_id(id));
    if values.get("action") == "save_draft" {
        let kept = values.for_draft();
        let draft = blocking(ctx.lang, &state, move |node| {
            drafts::save_values(node.data_dir(), draft_id.as_deref(), kind, kept)
        })
        .await?;
        return Ok(Redirect::to(&format!("/new/{}?draft={}&saved=true", kind.as_str(), draft.id)).into_response());
    }
    let submission = form::to_submission(kind.spec(), &values);
    let identity = values.get("identity").to_owned();
    let outcome = blocking(ctx.lang, &state, move |node| {
        let signer = (!identity.is_empty()).then_some(identity.as_str());
        let result = node.data_dir().identity(signer).and_then(|(_, secret)| node.submit(&secret, &submission));
        Ok(result)
    })
    .await?;
    match outcome {
        Ok(submitted) => {
            // Stored: its draft, and any other draft of the same content,
            // holds nothing that is not in the store (but the clear contact).
            let stored = form::to_submission(kind.spec(), &values);
            blocking(ctx.lang, &state, move |node| {
                if let Some(id) = draft_id {
                    drafts::discard(node.data_dir(), &id)?;
                }
                drafts::discard_where(node.data_dir(), |draft| {
                    draft.kind == kind && form::to_submission(kind.spec(), &Values(draft.values.clone())) == stored
                })
            })
            .await?;
            Ok(Redirect::to(&saved_address(submitted.id, &notes)).into_response())
        }
        Err(error) => {
            // Keep what was typed: as a draft too, so a closed tab after an
            // error loses nothing.
            let kept = values.for_draft();
            let draft = blocking(ctx.lang, &state, move |node| {
                drafts::save_values(node.data_dir(), draft_id.as_deref(), kind, kept)
            })
            .await?;
            let (errors, signer_error) = refusal(&ctx, error)?;
            let (identities, signer) = signers(&ctx, &state, &values).await?;
            let spec = FormSpec {
                kind: kind.spec(),
                action: format!("/new/{}", kind.as_str()),
                draft: Some(&draft.id),
                identities: &identities,
                signer: signer.as_deref(),
                editing: false,
                signer_error,
            };
            let body = form::render(&ctx, &spec, &values, errors.as_ref());
            Ok(ctx.page_with_status(StatusCode::UNPROCESSABLE_ENTITY, kind_label(&ctx, kind), body))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CsrfQuery {
    #[serde(default)]
    csrf: Option<String>,
}

/// Files chosen in a form: the field's key, the file's name and bytes.
type Files = Vec<(String, String, Vec<u8>)>;

/// Reads a posted submission form. A multipart form (the one pages send,
/// with files) carries its CSRF token in the address, checked before a
/// byte of the body is read; a plain form carries it in its fields.
async fn read_form(
    ctx: &Ctx,
    limits: &Limits,
    query: CsrfQuery,
    request: Request,
) -> Result<(Values, Files), PageError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    if !multipart {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|_| PageError::Shown(ctx.lang, StatusCode::BAD_REQUEST, ctx.t("error.bad_form").to_owned()))?;
        let values = Values(pairs);
        ctx.check_csrf(Some(values.get("csrf")))?;
        return Ok((values, Vec::new()));
    }
    ctx.check_csrf(query.csrf.as_deref())?;
    let bad = || PageError::Shown(ctx.lang, StatusCode::BAD_REQUEST, ctx.t("error.bad_form").to_owned());
    let too_large = || {
        PageError::Shown(
            ctx.lang,
            StatusCode::PAYLOAD_TOO_LARGE,
            problem_words::words(
                ctx.lang.code(),
                &Problem::FilesTooLarge {
                    mb: (max_form_bytes(limits) as u64).div_ceil(1_000_000),
                    max_mb: limits.submission_bytes / 1_000_000,
                },
            ),
        )
    };
    let mut multipart = Multipart::from_request(request, &()).await.map_err(|_| bad())?;
    let (mut values, mut files) = (Vec::new(), Vec::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| if error.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { bad() })?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| too_large())?;
                if !bytes.is_empty() {
                    files.push((name, file_name, bytes.to_vec()));
                }
            }
            None => values.push((name, field.text().await.map_err(|_| bad())?)),
        }
    }
    Ok((Values(values), files))
}

/// Stores the files chosen for each attachments field of `kind` and adds
/// them to `values`; returns what was removed from each (for the page
/// after saving), or why a file cannot be attached.
async fn store_files(
    ctx: &Ctx,
    state: &WebState,
    kind: SubmissionKind,
    values: &mut Values,
    files: Files,
) -> Result<Result<Vec<StoredFile>, String>, PageError> {
    if files.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let keys: Vec<&'static str> = kind
        .spec()
        .fields
        .iter()
        .filter(|field| matches!(field.shape, Shape::Attachments))
        .map(|field| field.key)
        .collect();
    let stored = blocking(ctx.lang, state, move |node| {
        let mut out = Vec::new();
        for (name, file_name, bytes) in files {
            let Some(key) = keys.iter().find(|key| form::files_key(key) == name) else { continue };
            match node.store_file(&file_name, &bytes) {
                Ok(stored) => out.push((*key, stored)),
                Err(error @ NodeError::File { .. }) => return Ok(Err(error.to_string())),
                Err(other) => return Err(other),
            }
        }
        Ok(Ok(out))
    })
    .await?;
    Ok(stored.map(|stored| {
        stored
            .into_iter()
            .map(|(key, file)| {
                values.0.push((key.to_owned(), serde_json::to_string(&file.attachment).expect("serialises")));
                file
            })
            .collect()
    }))
}

/// The submission's page once saved, saying what was removed from the files attached.
fn saved_address(id: impl std::fmt::Display, notes: &[StoredFile]) -> String {
    let mut address = format!("/s/{id}?saved=true");
    for (index, file) in notes.iter().enumerate() {
        // `cleaned=HASH~exif~xmp.HASH…`: the page words what was removed from which file.
        address.push_str(if index == 0 { "&cleaned=" } else { "." });
        address.push_str(&file.attachment.hash);
        for removed in &file.removed {
            address.push('~');
            address.push_str(removed.code());
        }
    }
    address
}

/// Why the node refused a form: bad fields, or an identity that cannot sign
/// (worded in the visitor's language where the UI knows the case).
fn refusal(ctx: &Ctx, error: NodeError) -> Result<(Option<ValidationErrors>, Option<String>), PageError> {
    let signer_error = match error {
        NodeError::Invalid(errors) => return Ok((Some(errors), None)),
        // A name typed nowhere on this form: the signer choice is wrong.
        NodeError::BadIdentityName(_) => ctx.t("form.choose_identity").to_owned(),
        other => match PageError::node(ctx.lang, other) {
            PageError::Shown(_, _, message) => message,
            other => return Err(other),
        },
    };
    Ok((None, Some(signer_error)))
}

/// `POST /drafts/autosave`: what the script sends as the convener types.
pub(crate) async fn autosave(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let values = Values(pairs);
    ctx.check_csrf(Some(values.get("csrf")))?;
    if !ctx.allowed {
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    }
    let kind = parse_kind(&ctx, values.get("kind"))?;
    let draft_id = Some(values.get("draft").to_owned()).filter(|id| !id.is_empty());
    let kept = values.for_draft();
    let draft = blocking(ctx.lang, &state, move |node| match draft_id {
        // A draft that is gone was submitted or discarded: not brought back.
        Some(id) => drafts::autosave(node.data_dir(), &id, kind, kept),
        None => drafts::save_values(node.data_dir(), None, kind, kept).map(Some),
    })
    .await?;
    let Some(draft) = draft else {
        return Ok((StatusCode::GONE, Json(serde_json::json!({ "gone": true }))).into_response());
    };
    Ok(Json(
        serde_json::json!({ "draft": draft.id, "saved": crate::dates::date_time_text(ctx.lang, draft.updated_ms) }),
    )
    .into_response())
}

/// `GET /drafts`: every draft, with resume and discard.
pub(crate) async fn drafts_page(ctx: Ctx, State(state): State<WebState>) -> Result<Response, PageError> {
    ctx.require_login()?;
    let list = blocking(ctx.lang, &state, |node| drafts::list(node.data_dir())).await?;
    let body = html! {
        p { (ctx.t("drafts.intro")) }
        @if list.is_empty() {
            p { (ctx.t("drafts.empty")) }
        } @else {
            ul.drafts {
                @for draft in &list {
                    li {
                        a href={ "/new/" (draft.kind.as_str()) "?draft=" (draft.id) } {
                            bdi { (draft.title().unwrap_or(ctx.t("drafts.untitled"))) }
                        }
                        " · " (kind_label(&ctx, draft.kind))
                        " · " (ctx.t("drafts.updated")) " " (ctx.moment(draft.updated_ms))
                        " "
                        a.button href={ "/new/" (draft.kind.as_str()) "?draft=" (draft.id) } { (ctx.t("action.resume")) }
                        form.inline method="post" action={ "/drafts/" (draft.id) "/discard" } {
                            (ctx.csrf_field())
                            button.secondary type="submit" { (ctx.t("action.discard")) }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.page(ctx.t("page.drafts"), body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /drafts/{id}/discard`
pub(crate) async fn discard(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    blocking(ctx.lang, &state, move |node| drafts::discard(node.data_dir(), &id)).await?;
    Ok(Redirect::to("/drafts").into_response())
}

/// `GET /s/{id}/edit`: the form, filled with the stored fields.
pub(crate) async fn edit_form(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    ctx.require_login()?;
    let view = crate::pages::submission::show(&ctx, &state, id).await?;
    let values = form::from_fields(view.row.kind.spec(), &view.row.fields);
    let (identities, signer) = signers(&ctx, &state, &values).await?;
    let spec = FormSpec {
        kind: view.row.kind.spec(),
        action: format!("/s/{}/edit", view.row.id),
        draft: None,
        identities: &identities,
        signer: signer.as_deref(),
        editing: true,
        signer_error: None,
    };
    let title = view.row.fields.get("title").and_then(Value::as_str).unwrap_or_default().to_owned();
    let body = edit_body(&ctx, &view.row.id.to_string(), form::render(&ctx, &spec, &values, None));
    Ok(ctx.page(&edit_title(&ctx, &title), body))
}

/// The edit page's title: which submission is being edited.
fn edit_title(ctx: &Ctx, title: &str) -> String {
    if title.trim().is_empty() {
        ctx.t("page.edit").to_owned()
    } else {
        ctx.tf("edit.title", &[("title", Arg::Text(&isolate(title)))])
    }
}

/// The edit form with a way back to the submission, unchanged.
fn edit_body(ctx: &Ctx, id: &str, form: Markup) -> Markup {
    html! {
        p { a href={ "/s/" (id) } { "← " (ctx.t("edit.back")) } }
        (form)
    }
}

/// `POST /s/{id}/edit`: sign a change.
pub(crate) async fn edit_post(
    ctx: Ctx,
    State(state): State<WebState>,
    Path(id): Path<String>,
    Query(query): Query<CsrfQuery>,
    request: Request,
) -> Result<Response, PageError> {
    let (mut values, files) = read_form(&ctx, &state.node.limits(), query, request).await?;
    ctx.require_login()?;
    let kind = parse_kind(&ctx, values.get("kind"))?;
    let stored = store_files(&ctx, &state, kind, &mut values, files).await?;
    let (notes, file_error) = match stored {
        Ok(notes) => (notes, None),
        Err(message) => (Vec::new(), Some(message)),
    };
    let submission = form::to_submission(kind.spec(), &values);
    let identity = values.get("identity").to_owned();
    let outcome = blocking(ctx.lang, &state, move |node| {
        let id = node.resolve(&id)?;
        let signer = (!identity.is_empty()).then_some(identity.as_str());
        if let Some(problem) = file_error {
            return Ok((id, Err(NodeError::File { name: String::new(), problem })));
        }
        let result = node.data_dir().identity(signer).and_then(|(_, secret)| node.edit(&secret, &id, &submission));
        Ok((id, result))
    })
    .await?;
    match outcome {
        (id, Ok(_)) => Ok(Redirect::to(&saved_address(id, &notes)).into_response()),
        (id, Err(error)) => {
            let (errors, signer_error) = match error {
                NodeError::File { problem, .. } => (None, Some(problem)),
                error => refusal(&ctx, error)?,
            };
            let (identities, signer) = signers(&ctx, &state, &values).await?;
            let spec = FormSpec {
                kind: kind.spec(),
                action: format!("/s/{id}/edit"),
                draft: None,
                identities: &identities,
                signer: signer.as_deref(),
                editing: true,
                signer_error,
            };
            let body = edit_body(&ctx, &id.to_string(), form::render(&ctx, &spec, &values, errors.as_ref()));
            let title = edit_title(&ctx, values.get("title"));
            Ok(ctx.page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &title, body))
        }
    }
}
