//! The request guard (`src/guard.rs`), route by route: a foreign `Host` is
//! refused on every route, a foreign `Origin` on every state-changing one,
//! bound wide everything but the public pages needs a login or the token,
//! and our own names still work.
//!
//! [`ROUTES`] must list every route: a test reads the routers' source and
//! the OpenAPI document and fails on any route the table lacks.

mod common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::{App, Client, TOKEN, app, app_with};
use convene_web::Guard;

/// Every route: method, template (as routed), a concrete path.
const ROUTES: &[(&str, &str, &str)] = &[
    // Pages.
    ("GET", "/", "/"),
    ("GET", "/calendar", "/calendar"),
    ("GET", "/calendar.ics", "/calendar.ics"),
    ("GET", "/guide", "/guide"),
    ("GET", "/guide/{slug}", "/guide/guiding-questions"),
    ("GET", "/dashboard", "/dashboard"),
    ("GET", "/dashboard/{file}", "/dashboard/countries.csv"),
    ("GET", "/s/{id}", "/s/00000000"),
    ("GET", "/s/{id}/edit", "/s/00000000/edit"),
    ("POST", "/s/{id}/edit", "/s/00000000/edit"),
    ("GET", "/s/{id}/withdraw", "/s/00000000/withdraw"),
    ("POST", "/s/{id}/withdraw", "/s/00000000/withdraw"),
    ("POST", "/s/{id}/curate", "/s/00000000/curate"),
    ("POST", "/s/{id}/moderate", "/s/00000000/moderate"),
    ("GET", "/inbox", "/inbox"),
    ("POST", "/inbox", "/inbox"),
    ("GET", "/new", "/new"),
    ("GET", "/new/{kind}", "/new/case_study"),
    ("POST", "/new/{kind}", "/new/case_study"),
    ("GET", "/drafts", "/drafts"),
    ("POST", "/drafts/autosave", "/drafts/autosave"),
    ("POST", "/drafts/{id}/discard", "/drafts/00000000/discard"),
    ("GET", "/identities", "/identities"),
    ("POST", "/identities", "/identities"),
    ("POST", "/identities/choose", "/identities/choose"),
    ("GET", "/network", "/network"),
    ("POST", "/network/peers", "/network/peers"),
    ("POST", "/network/peers/remove", "/network/peers/remove"),
    ("GET", "/network/bundle", "/network/bundle"),
    ("POST", "/network/bundle", "/network/bundle"),
    ("GET", "/login", "/login"),
    ("POST", "/login", "/login"),
    ("POST", "/logout", "/logout"),
    ("GET", "/lang/{code}", "/lang/fr"),
    ("GET", "/assets/style.css", "/assets/style.css"),
    ("GET", "/assets/app.js", "/assets/app.js"),
    ("GET", "/blobs/{hash}", "/blobs/00000000"),
    // The API.
    ("GET", "/api/v1/health", "/api/v1/health"),
    ("GET", "/api/v1/status", "/api/v1/status"),
    ("GET", "/api/v1/identities", "/api/v1/identities"),
    ("GET", "/api/v1/submissions", "/api/v1/submissions"),
    ("POST", "/api/v1/submissions", "/api/v1/submissions"),
    ("POST", "/api/v1/import", "/api/v1/import"),
    ("GET", "/api/v1/submissions/{id}", "/api/v1/submissions/00000000"),
    ("POST", "/api/v1/submissions/{id}/withdraw", "/api/v1/submissions/00000000/withdraw"),
    ("POST", "/api/v1/submissions/{id}/attachments", "/api/v1/submissions/00000000/attachments"),
    ("POST", "/api/v1/blobs", "/api/v1/blobs"),
    ("GET", "/api/v1/peers", "/api/v1/peers"),
    ("POST", "/api/v1/peers", "/api/v1/peers"),
    ("DELETE", "/api/v1/peers", "/api/v1/peers"),
    ("POST", "/api/v1/verify", "/api/v1/verify"),
    ("GET", "/api/v1/desk", "/api/v1/desk"),
    ("POST", "/api/v1/desk", "/api/v1/desk"),
    ("GET", "/api/v1/desk/not-received", "/api/v1/desk/not-received"),
    ("GET", "/api/v1/taxonomy", "/api/v1/taxonomy"),
    ("POST", "/api/v1/bundle/want", "/api/v1/bundle/want"),
    ("POST", "/api/v1/bundle/export", "/api/v1/bundle/export"),
    ("POST", "/api/v1/bundle/import", "/api/v1/bundle/import"),
    ("GET", "/api/v1/export", "/api/v1/export"),
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json"),
];

/// Routes anyone may use when the node is bound wide.
const PUBLIC: &[&str] = &[
    "GET /",
    "GET /calendar",
    "GET /calendar.ics",
    "GET /guide",
    "GET /guide/{slug}",
    "GET /dashboard",
    "GET /dashboard/{file}",
    "GET /s/{id}",
    "GET /login",
    "POST /login",
    "POST /logout",
    "GET /lang/{code}",
    "GET /assets/style.css",
    "GET /assets/app.js",
    "GET /api/v1/health",
    "GET /api/v1/submissions",
    "GET /api/v1/submissions/{id}",
    "GET /api/v1/openapi.json",
];

/// `(METHOD, template)` of every `.route(…)` in `source`, under `prefix`.
fn routes_in(source: &str, prefix: &str) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (start, _) in source.match_indices(".route(") {
        let rest = &source[start + ".route(".len()..];
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(at, _)| at)
            .expect("closed");
        let call = &rest[..end];
        let path = call.split('"').nth(1).expect("a path literal");
        for method in ["get", "post", "put", "delete", "patch"] {
            let named = call.match_indices(&format!("{method}(")).any(|(at, _)| {
                at == 0 || !call[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if named {
                found.insert((method.to_uppercase(), format!("{prefix}{path}")));
            }
        }
    }
    found
}

#[test]
fn the_table_lists_every_route() {
    let table: BTreeSet<(String, String)> =
        ROUTES.iter().map(|(method, template, _)| (method.to_string(), template.to_string())).collect();
    assert_eq!(table.len(), ROUTES.len(), "a route is listed twice");
    let mut routed = routes_in(include_str!("../src/pages/mod.rs"), "");
    routed.extend(routes_in(include_str!("../src/api.rs"), "/api/v1"));
    routed.extend(routes_in(include_str!("../src/lib.rs"), "/api/v1"));
    assert!(routed.len() > 30, "the routers' source was not understood: {routed:?}");
    let missing: Vec<_> = routed.difference(&table).collect();
    let stale: Vec<_> = table.difference(&routed).collect();
    assert!(missing.is_empty() && stale.is_empty(), "not in ROUTES: {missing:?}; no longer routed: {stale:?}");
    let document: serde_json::Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let route = (method.to_uppercase(), format!("/api/v1{path}"));
            if ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&route.0.as_str()) {
                assert!(table.contains(&route), "documented but not in ROUTES: {route:?}");
            }
        }
    }
    for public in PUBLIC {
        let (method, template) = public.split_once(' ').unwrap();
        assert!(table.contains(&(method.to_owned(), template.to_owned())), "{public}");
    }
}

fn method(name: &str) -> Method {
    name.parse().unwrap()
}

/// A request to `uri` with a body fit for its route.
async fn send(client: &mut Client, method_name: &str, uri: &str) -> common::Answer {
    if method_name == "GET" {
        return client.get(uri).await;
    }
    if uri.starts_with("/api/") {
        let body = if uri.ends_with("/import") { "[]" } else { r#"{"addr":"/ip4/127.0.0.1/tcp/1"}"# };
        client.request(method(method_name), uri, Some("application/json"), body.into()).await
    } else {
        client.request(method(method_name), uri, Some("application/x-www-form-urlencoded"), "a=b".into()).await
    }
}

fn assert_api_error(answer: &common::Answer, route: &str) {
    let body: serde_json::Value =
        serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("{route}: not JSON: {}", answer.body));
    assert!(body["error"].is_string() && body["code"].is_string(), "{route}: {body}");
}

#[tokio::test]
async fn a_foreign_host_is_refused_on_every_route() {
    for wide in [false, true] {
        let app = app(true, wide);
        for host in ["evil.example:4700", "evil.example", "127.0.0.1:4701", "localhost.:4700", ""] {
            let mut client = app.client();
            client.headers.push(("host".into(), host.into()));
            client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
            for (method_name, template, uri) in ROUTES {
                let answer = send(&mut client, method_name, uri).await;
                let route = format!("{method_name} {template} with Host {host:?} (wide: {wide})");
                assert_eq!(answer.status, StatusCode::MISDIRECTED_REQUEST, "{route}: {}", answer.body);
                if uri.starts_with("/api/") {
                    assert_api_error(&answer, &route);
                } else {
                    assert!(!answer.body.contains('<'), "{route}: a short plain message");
                }
            }
            assert_eq!(client.get("/no/such/page").await.status, StatusCode::MISDIRECTED_REQUEST);
        }
    }
    // What was asked for was never done.
    let app = app(true, false);
    let mut client = app.client();
    client.headers.push(("host".into(), "rebound.example:4700".into()));
    let reveal = client.get("/s/00000000?reveal=true").await;
    assert_eq!(reveal.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(app.state.node.data_dir().identities().unwrap().is_empty());
}

#[tokio::test]
async fn a_foreign_origin_is_refused_on_every_state_changing_route() {
    let app = app(false, false);
    // `Origin: null` (a page with a no-referrer policy) is judged by
    // `Sec-Fetch-Site`, as browsers send both.
    let foreign: [&[(&str, &str)]; 6] = [
        &[("origin", "http://evil.example")],
        &[("origin", "null"), ("sec-fetch-site", "cross-site")],
        &[("origin", "https://127.0.0.1:4700")],
        &[("origin", "http://evil.example"), ("sec-fetch-site", "same-origin")],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
    ];
    for headers in foreign {
        let mut client = app.client();
        client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
        for (name, value) in headers {
            client.headers.push(((*name).into(), (*value).into()));
        }
        let (name, value) = (headers[0].0, headers.iter().map(|(_, value)| *value).collect::<Vec<_>>().join(" + "));
        let mut changing = 0;
        for (method_name, template, uri) in ROUTES {
            let answer = send(&mut client, method_name, uri).await;
            let route = format!("{method_name} {template} with {name}: {value}");
            if *method_name == "GET" {
                assert_ne!(answer.status, StatusCode::FORBIDDEN, "{route}: reads do not look at Origin");
                continue;
            }
            changing += 1;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{route}: {}", answer.body);
            if uri.starts_with("/api/") {
                assert_api_error(&answer, &route);
            }
        }
        assert!(changing >= 15);
    }
    // With a valid CSRF field (read through a rebound name the guard would
    // stop anyway) the Origin alone stops a write.
    let mut client = app.client();
    let csrf = client.get("/identities").await.csrf();
    client.headers.push(("origin".into(), "http://evil.example".into()));
    let answer = client.post_form("/identities", &[("csrf", &csrf), ("name", "mallory")]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(app.state.node.data_dir().identity(Some("mallory")).is_err());
}

async fn create_identity(client: &mut Client, name: &str) -> StatusCode {
    let csrf = client.get("/identities").await.csrf();
    client.post_form("/identities", &[("csrf", &csrf), ("name", name)]).await.status
}

#[tokio::test]
async fn our_own_names_and_origins_still_work() {
    let app = app(false, false);
    let own: [(&str, &[(&str, &str)]); 7] = [
        ("127.0.0.1:4700", &[("origin", "http://127.0.0.1:4700")]),
        ("localhost:4700", &[("origin", "http://localhost:4700")]),
        ("[::1]:4700", &[("origin", "http://[::1]:4700")]),
        ("localhost:4700", &[("sec-fetch-site", "same-origin")]),
        ("localhost:4700", &[("sec-fetch-site", "none")]),
        // What Chromium sends for a form posted from our own no-referrer page.
        ("127.0.0.1:4700", &[("origin", "null"), ("sec-fetch-site", "same-origin")]),
        ("127.0.0.1:4700", &[]),
    ];
    for (host, origin) in own {
        let mut client = app.client();
        client.headers.push(("host".into(), host.into()));
        for (name, value) in origin {
            client.headers.push(((*name).into(), (*value).into()));
        }
        let name = format!("id{}", app.state.node.data_dir().identities().unwrap().len());
        assert_eq!(create_identity(&mut client, &name).await, StatusCode::SEE_OTHER, "{host} {origin:?}");
        assert_eq!(client.get("/").await.status, StatusCode::OK);
        // The API: the token still decides, with or without Origin.
        let answer = client.request(Method::POST, "/api/v1/verify", Some("application/json"), String::new()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{host} {origin:?}: {}", answer.body);
        client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
        let answer = client.request(Method::POST, "/api/v1/verify", Some("application/json"), String::new()).await;
        assert_eq!(answer.status, StatusCode::OK, "{host} {origin:?}: {}", answer.body);
    }
    // A page form POST without Origin still needs its CSRF field.
    let mut client = app.client();
    client.get("/identities").await;
    let answer = client.post_form("/identities", &[("csrf", "forged"), ("name", "nope")]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // A name the operator gives.
    let named = app_with(false, Guard::for_addr("0.0.0.0:4700".parse().unwrap(), false, &["hub.lan".into()]));
    let mut client = named.client();
    client.headers.push(("host".into(), "hub.lan:4700".into()));
    assert_eq!(client.get("/").await.status, StatusCode::OK);
}

async fn login(app: &App) -> Client {
    let mut client = app.client();
    let answer = client.submit_form("/login", "/login", &[("token", TOKEN), ("back", "/drafts")]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    client
}

#[tokio::test]
async fn bound_wide_only_the_public_pages_answer_without_login() {
    let app = app(true, true);
    let mut anonymous = app.client();
    let mut with_token = app.client();
    with_token.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
    let mut logged_in = login(&app).await;
    for (method_name, template, uri) in ROUTES {
        let route = format!("{method_name} {template}");
        let public = PUBLIC.contains(&route.as_str());
        let answer = send(&mut anonymous, method_name, uri).await;
        if uri.starts_with("/api/") {
            if public {
                assert_ne!(answer.status, StatusCode::UNAUTHORIZED, "{route}");
            } else {
                assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{route}: {}", answer.body);
                assert_api_error(&answer, &route);
                let answer = send(&mut with_token, method_name, uri).await;
                assert_ne!(answer.status, StatusCode::UNAUTHORIZED, "{route} with the token: {}", answer.body);
            }
        } else if public {
            assert!(!answer.location().starts_with("/login"), "{route} is public");
        } else {
            let refused = answer.location().starts_with("/login?back=") || answer.status == StatusCode::UNAUTHORIZED;
            assert!(refused, "{route} without login: {} {}", answer.status, answer.body);
            // With the login, it is not sent back to the login page.
            let answer = send(&mut logged_in, method_name, uri).await;
            assert!(!answer.location().starts_with("/login"), "{route} after login");
            assert_ne!(answer.status, StatusCode::UNAUTHORIZED, "{route} after login");
        }
    }
    // The bearer token is not a page login, and a session is not an API token.
    assert!(with_token.get("/drafts").await.location().starts_with("/login"));
    assert_eq!(logged_in.get("/api/v1/status").await.status, StatusCode::UNAUTHORIZED);
    let status = with_token.get("/api/v1/status").await;
    assert_eq!(status.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = app(false, true);
    let mut client = login(&app).await;
    let session = client.cookies["session"].clone();
    assert_eq!(session.len(), 64);
    assert_eq!(client.get("/drafts").await.status, StatusCode::OK);
    // Another login makes another session.
    let other = login(&app).await;
    assert_ne!(other.cookies["session"], session, "random, not a function of the token");
    let answer = client.submit_form("/login", "/logout", &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(!client.cookies.contains_key("session"));
    // The old cookie, kept by whoever copied it, no longer works.
    let mut copied = app.client();
    copied.cookies.insert("session".into(), session);
    assert!(copied.get("/drafts").await.location().starts_with("/login"));
    // A made-up one never did.
    let mut made_up = app.client();
    made_up.cookies.insert("session".into(), "ab".repeat(32));
    assert!(made_up.get("/drafts").await.location().starts_with("/login"));
}

#[tokio::test]
async fn cookies_are_secure_over_https_only() {
    let https = app_with(false, Guard::for_addr("0.0.0.0:4700".parse().unwrap(), true, &[]));
    let mut client = https.client();
    client.headers.push(("origin".into(), "https://127.0.0.1:4700".into()));
    let page = client.get("/login").await;
    let cookies: Vec<_> = page.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(!cookies.is_empty() && cookies.iter().all(|c| c.ends_with("; Secure")), "{cookies:?}");
    let answer = client.post_form("/login", &[("csrf", &page.csrf()), ("token", TOKEN), ("back", "/")]).await;
    let session = answer.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(session.starts_with("session=") && session.contains("HttpOnly") && session.ends_with("; Secure"));
    // Plain HTTP on loopback: no Secure (the browser would drop the cookie).
    let plain = app(false, false);
    let page = plain.client().get("/login").await;
    assert!(!page.headers.get("set-cookie").unwrap().to_str().unwrap().contains("Secure"));
}
