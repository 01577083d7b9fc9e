//! Identities (`/identities`): create one, choose which signs, see each as
//! a `did:key`. The secret never leaves the data directory.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use crate::WebState;
use crate::web::{Ctx, PageError, blocking};

/// `GET /identities`
pub(crate) async fn page(ctx: Ctx, State(state): State<WebState>) -> Result<Response, PageError> {
    render(ctx, state, None).await
}

async fn render(ctx: Ctx, state: WebState, problem: Option<(String, String)>) -> Result<Response, PageError> {
    ctx.require_login()?;
    let list = blocking(ctx.lang, &state, |node| node.data_dir().identities()).await?;
    let signer = ctx.signer_among(&list).or_else(|| list.first().map(|info| info.name.clone()));
    let (typed, message) = problem.clone().unwrap_or_default();
    let body = html! {
        p { (ctx.t("ident.intro")) }
        @if list.is_empty() {
            p { (ctx.t("ident.empty")) }
        } @else {
            ul.identities {
                @for info in &list {
                    li {
                        strong { bdi { (info.name) } }
                        @if signer.as_deref() == Some(info.name.as_str()) { " · " em { (ctx.t("ident.signing")) } }
                        br;
                        span { (ctx.t("ident.did")) ": " } code.did { (info.public_key) }
                        @if signer.as_deref() != Some(info.name.as_str()) {
                            form.inline method="post" action="/identities/choose" {
                                (ctx.csrf_field())
                                input type="hidden" name="name" value=(info.name);
                                button.secondary type="submit" { (ctx.t("action.use")) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("ident.new")) }
        form method="post" action="/identities" {
            (ctx.csrf_field())
            div.field.invalid[problem.is_some()] {
                label for="f-name" { (ctx.t("ident.name")) }
                input #f-name name="name" maxlength="64" dir="auto" value=(typed)
                    aria-invalid=[problem.as_ref().map(|_| "true")] aria-describedby=[problem.as_ref().map(|_| "e-name")];
                @if problem.is_some() { p.error #e-name role="alert" { (message) } }
            }
            div.actions { button type="submit" { (ctx.t("action.create")) } }
        }
    };
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(ctx.page_with_status(status, ctx.t("page.identities"), body))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NameForm {
    csrf: String,
    name: String,
}

/// `POST /identities`: create one.
pub(crate) async fn create(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(form): Form<NameForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    let name = form.name.trim().to_owned();
    let wanted = name.clone();
    let created = tokio::task::spawn_blocking({
        let node = state.node.clone();
        move || node.data_dir().create_identity(&wanted)
    })
    .await
    .map_err(|error| PageError::join(ctx.lang, error))?;
    match created {
        Ok(info) => Ok(choose_cookie(&info.public_key.to_did_key(), "/identities")),
        Err(error) => match PageError::node(ctx.lang, error) {
            PageError::Shown(_, _, message) => render(ctx, state, Some((name, message))).await,
            other => Err(other),
        },
    }
}

/// `POST /identities/choose`: which identity signs by default (a cookie).
pub(crate) async fn choose(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(form): Form<NameForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    let name = form.name.clone();
    let (info, _) = blocking(ctx.lang, &state, move |node| node.data_dir().identity(Some(&name))).await?;
    Ok(choose_cookie(&info.public_key.to_did_key(), "/identities"))
}

/// Chooses the identity `did` (a `did:key`, ASCII whatever the name) to sign by default.
fn choose_cookie(did: &str, back: &str) -> Response {
    let mut response = Redirect::to(back).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("signer={did}; Path=/; SameSite=Strict; Max-Age=31536000")) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
