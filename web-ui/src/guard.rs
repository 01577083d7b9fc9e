//! The request guard: one middleware in front of every route (pages and
//! `/api/v1` alike) that runs before any handler.
//!
//! 1. **Host.** A request whose `Host` is not a name of the address the node
//!    serves is refused with 421: a web page whose name was rebound to this
//!    computer's address (DNS rebinding) reaches nothing. On a loopback bind
//!    the names are `127.0.0.1`, `localhost` and `[::1]` with the served
//!    port; bound to one address, that address; bound to every address
//!    (`0.0.0.0`, `::`), any IP literal (a page can only send an IP literal
//!    as `Host` when its own origin is that address) and `localhost`; plus
//!    the names the operator gives (`--http-name`). A `Host` without port
//!    stands for the scheme's default port.
//! 2. **Origin.** Every state-changing request (any method but GET, HEAD,
//!    OPTIONS) is refused with 403 when its `Origin` is not one of ours, or,
//!    without `Origin`, when `Sec-Fetch-Site` says another site sent it. A
//!    request with neither (curl, the CLI) passes on to the handler, which
//!    still asks for the operator token (API) or the CSRF field (pages).
//! 3. **Login.** When bound beyond loopback, every route but the public
//!    browse pages ([`is_public`]) needs a live login session (pages) or
//!    the operator token (API).
//! 4. **Secure cookies.** When served over HTTPS every cookie set is marked
//!    `Secure`.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::web::{cookie, encode_query};
use crate::{ApiError, WebState};

/// Which `Host` and `Origin` values are this node's, and how it is served.
#[derive(Debug, Clone)]
pub struct Guard {
    /// Accepted host names (lowercase, IPv6 in brackets), besides `any_ip`.
    names: Vec<String>,
    /// Whether any IP literal is accepted as a host name.
    any_ip: bool,
    /// The served port; `None` accepts any (a trusted transport).
    port: Option<u16>,
    /// Whether the server speaks HTTPS.
    https: bool,
    /// Whether the node is reachable beyond this computer.
    wide: bool,
}

impl Guard {
    /// The guard of a server listening on `served` (its real port, not 0),
    /// also known by the operator's `names`.
    pub fn for_addr(served: SocketAddr, https: bool, names: &[String]) -> Guard {
        let ip = served.ip();
        let wide = !ip.is_loopback();
        let mut accepted = Vec::new();
        if !wide || ip.is_unspecified() {
            accepted.extend(["127.0.0.1".to_owned(), "localhost".to_owned(), "[::1]".to_owned()]);
        }
        if !ip.is_unspecified() {
            accepted.push(host_of_ip(ip));
        }
        accepted.extend(names.iter().map(|name| name.trim().to_ascii_lowercase()).filter(|name| !name.is_empty()));
        Guard { names: accepted, any_ip: ip.is_unspecified(), port: Some(served.port()), https, wide }
    }

    /// The guard of a transport only this computer's user can reach (e.g. a
    /// Unix socket of mode 0600): any `Host`, no login.
    pub fn trusted() -> Guard {
        Guard { names: Vec::new(), any_ip: false, port: None, https: false, wide: false }
    }

    /// Whether this is the node's own socket ([`Guard::trusted`]): only its
    /// owner can reach it, so requests may name files on this computer.
    pub fn is_trusted_transport(&self) -> bool {
        self.port.is_none()
    }

    /// Whether the server speaks HTTPS.
    pub fn https(&self) -> bool {
        self.https
    }

    /// Whether the node is reachable beyond this computer (login needed).
    pub fn wide(&self) -> bool {
        self.wide
    }

    /// Whether `host` (a `Host` header value) names this node.
    pub fn allows_host(&self, host: &str) -> bool {
        let Some(wanted) = self.port else { return true };
        let default_port = if self.https { 443 } else { 80 };
        match split_host(host, default_port) {
            Some((name, port)) => port == wanted && self.allows_name(&name),
            None => false,
        }
    }

    /// Whether `origin` (an `Origin` header value) is one of this node's.
    pub fn allows_origin(&self, origin: &str) -> bool {
        let scheme = if self.https { "https://" } else { "http://" };
        let Some(authority) = origin.strip_prefix(scheme) else { return false };
        !authority.is_empty() && !authority.contains(['/', '?', '#', '@']) && self.allows_host(authority)
    }

    fn allows_name(&self, name: &str) -> bool {
        if self.any_ip && parse_ip(name).is_some() {
            return true;
        }
        self.names.iter().any(|known| known == name)
    }
}

fn host_of_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn parse_ip(name: &str) -> Option<IpAddr> {
    match name.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
        None => name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// `host[:port]` to the lowercase name (IPv6 in brackets, normalised) and
/// the port; `None` when malformed.
fn split_host(host: &str, default_port: u16) -> Option<(String, u16)> {
    let host = host.trim();
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        (&host[..=end], &host[end + 1..])
    } else {
        match host.split_once(':') {
            Some((name, _)) => (name, &host[name.len()..]),
            None => (host, ""),
        }
    };
    let port = match port.strip_prefix(':') {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok()?,
        Some(_) => return None,
        None if port.is_empty() => default_port,
        None => return None,
    };
    if name.is_empty() {
        return None;
    }
    let name = match parse_ip(name) {
        Some(ip) if name.starts_with('[') => host_of_ip(ip),
        _ => name.to_ascii_lowercase(),
    };
    Some((name, port))
}

/// Whether a method may change state (everything but GET, HEAD, OPTIONS).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The routes anyone who reaches the node may use, even when it is bound
/// beyond loopback: the browse pages, a submission's public page, the
/// dashboard and its CSVs (counts of the same public data), the calendar and its file, the guide's pages, the assets, login, logout and the language switcher; in the API, health,
/// the OpenAPI document, and listing and showing submissions (the same
/// public data). A contact is revealed only after a login (the handlers
/// check it too).
pub fn is_public(method: &Method, path: &str) -> bool {
    let read = matches!(*method, Method::GET | Method::HEAD);
    let one_segment =
        |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    if let Some(api) = path.strip_prefix("/api/v1") {
        let api_one =
            |prefix: &str| api.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
        return read && (matches!(api, "/health" | "/openapi.json" | "/submissions") || api_one("/submissions/"));
    }
    match path {
        "/login" => matches!(*method, Method::GET | Method::HEAD | Method::POST),
        "/logout" => *method == Method::POST,
        "/" | "/dashboard" | "/calendar" | "/calendar.ics" | "/guide" | "/assets/style.css" | "/assets/app.js" => read,
        _ => {
            read && (one_segment("/s/")
                || one_segment("/lang/")
                || one_segment("/dashboard/")
                || one_segment("/guide/"))
        }
    }
}

/// Page routes only the script calls: refused with 401, not sent to the
/// login page.
const SCRIPT_ENDPOINTS: [&str; 1] = ["/drafts/autosave"];

fn is_api(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

fn refusal(api: bool, status: StatusCode, message: &str) -> Response {
    if api {
        (status, Json(serde_json::json!({ "error": message, "code": "refused" }))).into_response()
    } else {
        (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response()
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Whether the request carries the operator token.
pub fn has_token(state: &WebState, headers: &HeaderMap) -> bool {
    header_str(headers, header::AUTHORIZATION)
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|token| crate::web::constant_eq(token, &state.token))
}

/// Whether the request carries a live login session.
pub fn logged_in(state: &WebState, headers: &HeaderMap) -> bool {
    cookie(headers, "session").is_some_and(|value| state.sessions.check(&value))
}

/// The middleware: Host, then Origin, then login; marks cookies `Secure`
/// over HTTPS.
pub async fn check(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let guard = &state.guard;
    let path = request.uri().path().to_owned();
    let api = is_api(&path);
    let headers = request.headers();
    // HTTP/1.1 puts the host in `Host`; a client that sends an absolute URI
    // (or HTTP/2) has it in the URI.
    let host = header_str(headers, header::HOST)
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    if !host.as_deref().is_some_and(|host| guard.allows_host(host)) {
        return refusal(
            api,
            StatusCode::MISDIRECTED_REQUEST,
            "this node does not answer to that name: open it at the address it serves (Host refused)",
        );
    }
    if changes_state(request.method()) {
        // Browsers send `Origin: null` for a form posted from a page whose
        // referrer policy is `no-referrer` (ours): then `Sec-Fetch-Site` says
        // who sent it.
        let same_origin = match header_str(headers, header::ORIGIN).filter(|origin| *origin != "null") {
            Some(origin) => guard.allows_origin(origin),
            None => match header_str(headers, header::HeaderName::from_static("sec-fetch-site")) {
                Some(site) => matches!(site, "same-origin" | "none"),
                // Not a browser (curl, the CLI): the token or the CSRF field decides.
                None => true,
            },
        };
        if !same_origin {
            return refusal(api, StatusCode::FORBIDDEN, "refused: this request came from another site (Origin)");
        }
    }
    if state.require_token && !is_public(request.method(), &path) {
        if api {
            if !has_token(&state, headers) {
                return ApiError::unauthorized().into_response();
            }
        } else if !logged_in(&state, headers) {
            if SCRIPT_ENDPOINTS.contains(&path.as_str()) {
                return refusal(false, StatusCode::UNAUTHORIZED, "log in first");
            }
            let back = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
            return Redirect::to(&format!("/login?back={}", encode_query(back))).into_response();
        }
    }
    let https = guard.https();
    let mut response = next.run(request).await;
    if https {
        mark_secure(response.headers_mut());
    }
    response
}

/// Adds `Secure` to every `Set-Cookie` that lacks it.
fn mark_secure(headers: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).iter().cloned().collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for value in cookies {
        let text = value.to_str().unwrap_or_default();
        let secure = text.split(';').any(|part| part.trim().eq_ignore_ascii_case("secure"));
        let value = if secure { value } else { HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(value) };
        headers.append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> Guard {
        Guard::for_addr("127.0.0.1:4700".parse().unwrap(), false, &[])
    }

    #[test]
    fn loopback_names_with_their_port() {
        let guard = loopback();
        for host in ["127.0.0.1:4700", "localhost:4700", "LOCALHOST:4700", "[::1]:4700", "[0:0:0:0:0:0:0:1]:4700"] {
            assert!(guard.allows_host(host), "{host}");
        }
        for host in [
            "evil.example:4700",
            "127.0.0.1:4701",
            "127.0.0.1",
            "localhost",
            "localhost.:4700",
            "127.0.0.1:4700:1",
            "127.0.0.1:",
            ":4700",
            "127.0.0.2:4700",
            "[::1]",
            "[::2]:4700",
            "",
            "evil.example",
            "localhost:4700@evil.example",
        ] {
            assert!(!guard.allows_host(host), "{host}");
        }
    }

    #[test]
    fn default_ports_may_be_left_out() {
        let http = Guard::for_addr("127.0.0.1:80".parse().unwrap(), false, &[]);
        assert!(http.allows_host("localhost") && http.allows_host("localhost:80"));
        let https = Guard::for_addr("0.0.0.0:443".parse().unwrap(), true, &["hub.lan".into()]);
        assert!(https.allows_host("hub.lan") && https.allows_host("192.168.1.5") && !https.allows_host("hub.lan:80"));
    }

    #[test]
    fn wide_binds() {
        let every = Guard::for_addr("0.0.0.0:4700".parse().unwrap(), true, &["Hub.Example.org".into()]);
        assert!(every.wide());
        for host in ["192.168.1.5:4700", "[fe80::1]:4700", "localhost:4700", "hub.example.org:4700", "127.0.0.1:4700"] {
            assert!(every.allows_host(host), "{host}");
        }
        for host in ["evil.example:4700", "192.168.1.5:4701", "1.2.3:4700"] {
            assert!(!every.allows_host(host), "{host}");
        }
        let one = Guard::for_addr("192.168.1.5:4700".parse().unwrap(), true, &[]);
        assert!(one.allows_host("192.168.1.5:4700"));
        assert!(!one.allows_host("192.168.1.6:4700") && !one.allows_host("localhost:4700"));
    }

    #[test]
    fn origins() {
        let guard = loopback();
        assert!(guard.allows_origin("http://127.0.0.1:4700") && guard.allows_origin("http://localhost:4700"));
        for origin in [
            "null",
            "https://127.0.0.1:4700",
            "http://evil.example:4700",
            "http://127.0.0.1:4700/",
            "http://x@127.0.0.1:4700",
            "http://127.0.0.1",
            "",
        ] {
            assert!(!guard.allows_origin(origin), "{origin}");
        }
        let https = Guard::for_addr("0.0.0.0:4443".parse().unwrap(), true, &[]);
        assert!(https.allows_origin("https://192.168.1.5:4443") && !https.allows_origin("http://192.168.1.5:4443"));
    }

    #[test]
    fn trusted_transport_takes_any_host() {
        let guard = Guard::trusted();
        assert!(guard.allows_host("localhost") && guard.allows_host("anything") && !guard.wide());
    }

    #[test]
    fn public_routes() {
        for (method, path) in [
            (Method::GET, "/"),
            (Method::GET, "/s/abcd"),
            (Method::GET, "/dashboard"),
            (Method::GET, "/dashboard/countries.csv"),
            (Method::GET, "/assets/app.js"),
            (Method::GET, "/login"),
            (Method::POST, "/login"),
            (Method::POST, "/logout"),
            (Method::GET, "/lang/fr"),
            (Method::GET, "/api/v1/health"),
            (Method::GET, "/api/v1/submissions"),
            (Method::GET, "/api/v1/submissions/abcd"),
        ] {
            assert!(is_public(&method, path), "{method} {path}");
        }
        for (method, path) in [
            (Method::GET, "/s/abcd/edit"),
            (Method::GET, "/s/abcd/withdraw"),
            (Method::GET, "/s/"),
            (Method::GET, "/new"),
            (Method::GET, "/drafts"),
            (Method::GET, "/identities"),
            (Method::GET, "/network"),
            (Method::POST, "/"),
            (Method::POST, "/dashboard"),
            (Method::GET, "/dashboard/a/b"),
            (Method::GET, "/api/v1/status"),
            (Method::GET, "/api/v1/identities"),
            (Method::GET, "/api/v1/peers"),
            (Method::GET, "/api/v1/export"),
            (Method::POST, "/api/v1/submissions"),
            (Method::GET, "/api/v1/submissions/abcd/withdraw"),
        ] {
            assert!(!is_public(&method, path), "{method} {path}");
        }
    }

    #[test]
    fn cookies_marked_secure() {
        let mut headers = HeaderMap::new();
        headers.append(header::SET_COOKIE, HeaderValue::from_static("a=1; Path=/"));
        headers.append(header::SET_COOKIE, HeaderValue::from_static("b=2; Secure"));
        mark_secure(&mut headers);
        let all: Vec<_> = headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        assert_eq!(all, ["a=1; Path=/; Secure", "b=2; Secure"]);
    }
}
