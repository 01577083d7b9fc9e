//! Login with the operator token (`/login`), needed when the server is
//! bound beyond loopback; the language switcher (`/lang/{code}`).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use crate::WebState;
use crate::i18n::Lang;
use crate::web::{Ctx, PageError, constant_eq, cookie};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BackQuery {
    back: String,
}

/// Only a local path may be returned to (never `//host` or a scheme).
fn safe_back(back: &str) -> &str {
    let local = back.starts_with('/') && !back.starts_with("//") && !back.contains('\\');
    if local { back } else { "/" }
}

/// `GET /login`
pub(crate) async fn page(ctx: Ctx, Query(query): Query<BackQuery>) -> Response {
    render(&ctx, safe_back(&query.back), false)
}

fn render(ctx: &Ctx, back: &str, wrong: bool) -> Response {
    let body = html! {
        p { (ctx.t("login.intro")) }
        form method="post" action="/login" {
            (ctx.csrf_field())
            input type="hidden" name="back" value=(back);
            div.field.invalid[wrong] {
                label for="f-token" { (ctx.t("login.token")) }
                input #f-token name="token" type="password" autocomplete="current-password"
                    aria-invalid=[wrong.then_some("true")] aria-describedby=[wrong.then_some("e-token")];
                @if wrong { p.error #e-token role="alert" { (ctx.t("login.wrong")) } }
            }
            div.actions { button type="submit" { (ctx.t("action.login")) } }
        }
        @if ctx.allowed && ctx.require_token {
            form method="post" action="/logout" {
                (ctx.csrf_field())
                button.secondary type="submit" { (ctx.t("action.logout")) }
            }
        }
    };
    let status = if wrong { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    ctx.page_with_status(status, ctx.t("page.login"), body)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginForm {
    csrf: String,
    token: String,
    back: String,
}

/// `POST /login`
pub(crate) async fn login(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let presented = form.token.trim();
    if !constant_eq(presented, &state.token) {
        return Ok(render(&ctx, safe_back(&form.back), true));
    }
    let mut response = Redirect::to(safe_back(&form.back)).into_response();
    // A fresh random session, held by the server (the guard adds `Secure`
    // over HTTPS).
    let cookie = format!("session={}; Path=/; HttpOnly; SameSite=Strict", state.sessions.create());
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CsrfOnly {
    csrf: String,
}

/// `POST /logout`: ends the session on the server too.
pub(crate) async fn logout(
    ctx: Ctx,
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    if let Some(id) = cookie(&headers, "session") {
        state.sessions.end(&id);
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(header::SET_COOKIE, HeaderValue::from_static("session=; Path=/; Max-Age=0"));
    Ok(response)
}

/// `GET /lang/{code}?back=PATH`: remember the language in a cookie.
pub(crate) async fn set_lang(Path(code): Path<String>, Query(query): Query<BackQuery>) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::En);
    let mut response = Redirect::to(safe_back(&query.back)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("lang={}; Path=/; SameSite=Lax; Max-Age=31536000", lang.code())) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_local_paths() {
        assert_eq!(safe_back("/s/abc?x=1"), "/s/abc?x=1");
        assert_eq!(safe_back("//evil.example/"), "/");
        assert_eq!(safe_back("https://evil.example/"), "/");
        assert_eq!(safe_back("/\\evil"), "/");
    }
}
