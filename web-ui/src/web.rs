//! What every page shares: the request context (language, CSRF nonce,
//! login), the layout with the sync status, CSRF and login checks, the HTML
//! error page, security headers and the embedded assets.
//!
//! **CSRF:** a random nonce lives in the `csrf` cookie (HttpOnly,
//! SameSite=Strict); every form carries `keyed_hash(key, nonce)` in a hidden
//! `csrf` field, where the key is derived from the operator token. A POST
//! whose field does not match its cookie is refused with 403.
//!
//! **Login:** when the server is bound beyond loopback (`require_token`),
//! every page but the public browse pages needs the `session` cookie: a
//! random id the login page makes after the operator token is entered, held
//! in [`crate::session::Sessions`] (the [`crate::guard`] checks it before
//! any handler; handlers that write check it again).

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use convene_node::NodeError;
use convene_node::data_dir::IdentityInfo;
use convene_node::disk as space;
use convene_node::sync::SyncStatus;
use convene_protocol::attachment::Limits;
use convene_protocol::text_rules::civil_from_days;
use maud::{DOCTYPE, Markup, html};

use crate::WebState;
use crate::i18n::{Arg, Lang, tr, tr_args};

/// The stylesheet, embedded.
pub const STYLE_CSS: &str = include_str!("../assets/style.css");
/// The progressive script (autosave, confirmations), embedded.
pub const APP_JS: &str = include_str!("../assets/app.js");

/// The Content-Security-Policy of every page: nothing from elsewhere, no
/// inline script or style.
pub const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|value| value.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    })
}

/// Per-request context every page handler takes.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The UI language.
    pub lang: Lang,
    /// The CSRF nonce (from the cookie, or fresh).
    nonce: String,
    /// Whether the nonce is fresh and must be set as a cookie.
    new_nonce: bool,
    /// Whether the visitor may write and reveal (always true on loopback).
    pub allowed: bool,
    /// Whether a login is needed at all.
    pub require_token: bool,
    /// The identity chosen to sign (the `signer` cookie: its `did:key`, or
    /// its name as cookies set before names could be anything held).
    pub signer: Option<String>,
    /// The path asked for, for the language switcher and login.
    pub path: String,
    /// The sync engine's status, for the status bar.
    pub sync: Option<SyncStatus>,
    /// What the network lets a submission attach, for the forms.
    pub limits: Limits,
    /// Whether this is the secretariat's node (its inbox is in the menu).
    pub secretariat: bool,
    /// The taxonomy titles are shown from (the newest the secretariat
    /// published, else the shipped one), as it stood when the request came.
    pub taxonomy: std::sync::Arc<convene_node::TaxonomyInUse>,
    csrf_key: [u8; 32],
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let (nonce, new_nonce) = match cookie(headers, "csrf").filter(|nonce| is_nonce(nonce)) {
            Some(nonce) => (nonce, false),
            None => (hex::encode(rand::random::<[u8; 16]>()), true),
        };
        let logged_in = state.require_token && crate::guard::logged_in(state, headers);
        let sync = match &state.sync {
            Some(sync) => sync.status().await.ok(),
            None => None,
        };
        let path = parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_else(|| "/".into());
        Ok(Ctx {
            lang: Lang::from_headers(headers),
            nonce,
            new_nonce,
            allowed: !state.require_token || logged_in,
            require_token: state.require_token,
            signer: cookie(headers, "signer").filter(|value| value.len() <= 64),
            path,
            sync,
            limits: state.node.limits(),
            secretariat: state.node.is_secretariat(),
            taxonomy: state.node.taxonomy(),
            csrf_key: csrf_key(state),
        })
    }
}

#[cfg(test)]
impl Ctx {
    /// A visitor in `lang` on loopback, for rendering pages in unit tests.
    pub(crate) fn for_test(lang: Lang) -> Ctx {
        Ctx {
            lang,
            nonce: "0".repeat(32),
            new_nonce: false,
            allowed: true,
            require_token: false,
            signer: None,
            path: "/".into(),
            sync: None,
            limits: Limits::DEFAULT,
            secretariat: false,
            taxonomy: std::sync::Arc::new(convene_node::TaxonomyInUse::shipped()),
            csrf_key: [0; 32],
        }
    }
}

fn is_nonce(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn csrf_key(state: &WebState) -> [u8; 32] {
    blake3::derive_key("convene-web 2026 csrf", state.token.as_bytes())
}

/// Compares secrets in constant time.
pub(crate) fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Ctx {
    /// A UI string in the visitor's language.
    pub fn t(&self, key: &str) -> &'static str {
        tr(self.lang, key)
    }

    /// A UI message with arguments in the visitor's language (a count
    /// picks its plural form).
    pub fn tf(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        tr_args(self.lang, key, args)
    }

    /// A moment as a `<time>` in the visitor's language.
    pub fn moment(&self, ms: u64) -> Markup {
        crate::dates::moment(self.lang, ms)
    }

    /// The CSRF token for this visitor's forms.
    pub fn csrf_token(&self) -> String {
        blake3::keyed_hash(&self.csrf_key, self.nonce.as_bytes()).to_hex().to_string()
    }

    /// The hidden CSRF field every form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf_token()); }
    }

    /// Refuses a POST whose CSRF field does not match its cookie (a fresh
    /// nonce means the cookie was missing: refused too).
    pub fn check_csrf(&self, presented: Option<&str>) -> Result<(), PageError> {
        let ok = !self.new_nonce && presented.is_some_and(|token| constant_eq(token, &self.csrf_token()));
        if ok { Ok(()) } else { Err(PageError::Csrf) }
    }

    /// The name of the identity among `identities` that the `signer`
    /// cookie chose, if any.
    pub fn signer_among(&self, identities: &[IdentityInfo]) -> Option<String> {
        let chosen = self.signer.as_deref()?;
        let info = identities.iter().find(|info| info.public_key.to_did_key() == chosen || info.name == chosen)?;
        Some(info.name.clone())
    }

    /// Refuses a visitor who must log in first.
    pub fn require_login(&self) -> Result<(), PageError> {
        if self.allowed { Ok(()) } else { Err(PageError::Login(self.path.clone())) }
    }

    /// A full page: layout around `body`, with the CSRF cookie when fresh.
    pub fn page(&self, title: &str, body: Markup) -> Response {
        self.page_with_status(StatusCode::OK, title, body)
    }

    /// A full page with a status code (e.g. 422 for a form with errors).
    pub fn page_with_status(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        let markup = layout(self, title, body);
        let mut response = (status, Html(markup.into_string())).into_response();
        self.set_cookies(&mut response);
        response
    }

    /// Adds the CSRF cookie to a response when the nonce is fresh.
    pub fn set_cookies(&self, response: &mut Response) {
        if self.new_nonce
            && let Ok(value) = HeaderValue::from_str(&format!("csrf={}; Path=/; HttpOnly; SameSite=Strict", self.nonce))
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

/// The layout: header with navigation, language switcher and sync status.
fn layout(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let lang = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (crate::bidi::strip(title)) " · Convene" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { (ctx.t("nav.skip")) }
                header {
                    nav aria-label="Convene" {
                        a.brand href="/" { "Convene" }
                        a href="/" { (ctx.t("nav.browse")) }
                        a href="/dashboard" { (ctx.t("nav.dashboard")) }
                        a href="/new" { (ctx.t("nav.new")) }
                        a href="/drafts" { (ctx.t("nav.drafts")) }
                        a href="/identities" { (ctx.t("nav.identities")) }
                        a href="/calendar" { (ctx.t("nav.calendar")) }
                        a href="/guide" { (ctx.t("nav.guide")) }
                        a href="/network" { (ctx.t("nav.network")) }
                        @if ctx.secretariat { a href="/inbox" { (ctx.t("nav.inbox")) } }
                    }
                    nav.langs aria-label=(ctx.t("nav.language")) {
                        @for other in Lang::ALL {
                            @if other == lang {
                                span lang=(other.code()) aria-current="true" { (other.name()) }
                            } @else {
                                a lang=(other.code()) hreflang=(other.code())
                                    href={ "/lang/" (other.code()) "?back=" (encode_query(&ctx.path)) } { (other.name()) }
                            }
                        }
                    }
                    (sync_bar(ctx))
                }
                main #main tabindex="-1" {
                    h1 { bdi { (title) } }
                    (body)
                }
            }
        }
    }
}

fn sync_bar(ctx: &Ctx) -> Markup {
    html! {
        p.sync role="status" {
            @match &ctx.sync {
                Some(sync) => {
                    a href="/network" {
                        span.dot.on[sync.connected() > 0] {}
                        (ctx.tf("sync.peers_online", &[("n", Arg::Count(sync.connected() as u64))]))
                        " · " (ctx.t("sync.last")) ": "
                        @match sync.last_sync_ms {
                            Some(ms) => (ctx.moment(ms)),
                            None => (ctx.t("sync.never")),
                        }
                        " · " (ctx.tf("sync.entries_waiting", &[("n", Arg::Count(sync.entries_waiting))]))
                        @if sync.paused_disk_full {
                            " · " strong { (ctx.t("sync.paused_disk_full")) }
                        }
                    }
                }
                None => { span.dot {} (ctx.t("sync.offline")) }
            }
        }
    }
}

/// Percent-encodes `text` for a query value.
pub fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `ms` since the epoch as `YYYY-MM-DD HH:MM UTC`.
pub fn format_time(ms: u64) -> String {
    let seconds = ms / 1000;
    let days = (seconds / 86_400) as i64;
    let (year, month, day) = civil_from_days(days);
    let minute_of_day = (seconds % 86_400) / 60;
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", minute_of_day / 60, minute_of_day % 60)
}

/// A page handler's error: shown as an HTML page, never with internals.
#[derive(Debug)]
pub enum PageError {
    /// The CSRF field is missing or wrong (403).
    Csrf,
    /// A login is needed; carries where to come back to.
    Login(String),
    /// Not found (404).
    NotFound(Lang),
    /// Refused or bad input: the message is safe to show.
    Shown(Lang, StatusCode, String),
    /// Anything else (500), logged.
    Internal(Lang),
}

impl PageError {
    /// Maps a node error for the visitor, in their language where the
    /// refusal is one a visitor can meet.
    pub fn node(lang: Lang, error: NodeError) -> Self {
        let translated = refusal_words(lang, &error);
        let api = crate::ApiError::from(error);
        match api.status() {
            StatusCode::NOT_FOUND => PageError::NotFound(lang),
            StatusCode::INTERNAL_SERVER_ERROR => PageError::Internal(lang),
            status => PageError::Shown(lang, status, translated.unwrap_or_else(|| api.message().to_owned())),
        }
    }

    /// A failed blocking task.
    pub fn join(lang: Lang, error: tokio::task::JoinError) -> Self {
        tracing::error!("a storage task failed: {error}");
        PageError::Internal(lang)
    }
}

/// The words for a refusal a visitor can meet; `None` for the rest (shown
/// as the node words them).
fn refusal_words(lang: Lang, error: &NodeError) -> Option<String> {
    if let Some((free, needed)) = error.disk_full() {
        // A decimal comma where the language writes one.
        let mb = |bytes: u64| match lang {
            Lang::Fr | Lang::Es => space::mb(bytes).replace('.', ","),
            _ => space::mb(bytes),
        };
        return Some(tr_args(
            lang,
            "error.disk_full",
            &[("free", Arg::Text(&mb(free))), ("needed", Arg::Text(&mb(needed)))],
        ));
    }
    let (key, name) = match error {
        NodeError::IdentityExists(name) => ("error.identity_exists", name.as_str()),
        NodeError::BadIdentityName(name) => ("error.bad_identity_name", name.as_str()),
        NodeError::NoIdentity => ("form.no_identity", ""),
        NodeError::WhichIdentity(_) | NodeError::UnknownIdentity(_) => ("form.choose_identity", ""),
        NodeError::NotAuthor(_) => ("error.not_author", ""),
        error if error.is_withdrawn() => ("error.withdrawn", ""),
        error if error.is_kind_changed() => ("error.kind_changed", ""),
        NodeError::Ambiguous(_) => ("error.ambiguous", ""),
        NodeError::NotSecretariat => ("error.not_secretariat", ""),
        NodeError::Unsealable(_) => ("error.unsealable", ""),
        NodeError::DraftTooLarge { .. } => ("error.draft_too_large", ""),
        NodeError::TooManyDrafts { .. } => ("error.too_many_drafts", ""),
        _ => return None,
    };
    if name.is_empty() {
        return Some(tr(lang, key).to_owned());
    }
    Some(tr_args(lang, key, &[("name", Arg::Text(&crate::i18n::isolate(name)))]))
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, lang, message) = match self {
            PageError::Login(back) => {
                return Redirect::to(&format!("/login?back={}", encode_query(&back))).into_response();
            }
            PageError::Csrf => (StatusCode::FORBIDDEN, Lang::En, tr(Lang::En, "error.csrf").to_owned()),
            PageError::NotFound(lang) => (StatusCode::NOT_FOUND, lang, tr(lang, "error.not_found").to_owned()),
            PageError::Shown(lang, status, message) => (status, lang, message),
            PageError::Internal(lang) => {
                (StatusCode::INTERNAL_SERVER_ERROR, lang, tr(lang, "error.internal").to_owned())
            }
        };
        let markup = html! {
            (DOCTYPE)
            html lang=(lang.code()) dir=(lang.dir()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (tr(lang, "error.title")) " · Convene" }
                    link rel="stylesheet" href="/assets/style.css";
                }
                body {
                    main #main {
                        h1 { (tr(lang, "error.title")) }
                        p.error role="alert" { (message) }
                        p { a href="/" { (tr(lang, "nav.browse")) } }
                    }
                }
            }
        };
        (status, Html(markup.into_string())).into_response()
    }
}

/// Runs blocking node work off the async workers, for pages.
pub async fn blocking<T: Send + 'static>(
    lang: Lang,
    state: &WebState,
    work: impl FnOnce(&convene_node::Node) -> Result<T, NodeError> + Send + 'static,
) -> Result<T, PageError> {
    let node = state.node.clone();
    tokio::task::spawn_blocking(move || work(&node))
        .await
        .map_err(|error| PageError::join(lang, error))?
        .map_err(|error| PageError::node(lang, error))
}

/// Adds the security headers to every page response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// `GET /assets/style.css`
pub async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

/// `GET /assets/app.js`
pub async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// A message box (e.g. after saving).
pub fn notice(text: &str) -> Markup {
    html! { p.notice role="status" { (text) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(1_709_251_200_000), "2024-03-01 00:00 UTC");
        assert_eq!(format_time(951_782_400_000 + 3_660_000), "2000-02-29 01:01 UTC");
    }

    #[test]
    fn a_full_disk_is_worded_in_the_visitors_language_and_answered_507() {
        let full = || {
            NodeError::Store(convene_node::StoreError::Backend(convene_node::BackendError::DiskFull {
                free: 400_000,
                needed: 1_500_000,
            }))
        };
        let fr = refusal_words(Lang::Fr, &full()).unwrap();
        assert!(fr.starts_with("Le disque est plein\u{a0}: 0,4 Mo libres, environ 1,5 Mo nécessaires."), "{fr}");
        for lang in [Lang::En, Lang::Fr, Lang::Es, Lang::Ar] {
            let text = refusal_words(lang, &full()).unwrap();
            assert!(!text.contains('{') && !text.contains("Os") && !text.contains("error 28"), "{text}");
        }
        let api = crate::ApiError::from(full());
        assert_eq!(api.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert!(api.message().starts_with("the disk is full: 0.4 MB free, about 1.5 MB needed"), "{}", api.message());
        assert!(matches!(
            PageError::node(Lang::Ar, full()),
            PageError::Shown(Lang::Ar, StatusCode::INSUFFICIENT_STORAGE, _)
        ));
    }

    #[test]
    fn query_encoding() {
        assert_eq!(encode_query("/s/ab?x=1&y=é"), "/s/ab%3Fx%3D1%26y%3D%C3%A9");
    }
}
