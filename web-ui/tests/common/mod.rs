//! A node in a temporary directory behind the router, and a tiny
//! cookie-keeping client that talks to it with `oneshot` (no socket).

#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use convene_node::data_dir::SecretariatKeys;
use convene_node::{DataDir, Node};
use convene_protocol::attachment::Limits;
use convene_protocol::network::Genesis;
use convene_web::WebState;
use tempfile::TempDir;
use tower::ServiceExt;

pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// The address the test router pretends to serve, and so the `Host` every
/// client sends unless told otherwise.
pub const HOST: &str = "127.0.0.1:4700";

pub struct App {
    pub dir: TempDir,
    pub state: WebState,
}

/// A fresh node; the secretariat's node when `secretariat`; bound to every
/// address (so a login is needed) when `require_token`, else to loopback.
pub fn app(secretariat: bool, require_token: bool) -> App {
    let served = if require_token { "0.0.0.0:4700" } else { HOST };
    app_with(secretariat, convene_web::Guard::for_addr(served.parse().unwrap(), false, &[]))
}

/// A fresh node behind `guard`.
pub fn app_with(secretariat: bool, guard: convene_web::Guard) -> App {
    let dir = tempfile::tempdir().unwrap();
    let keys = SecretariatKeys::generate();
    let genesis = Genesis::create("Test network", 1, &keys.signing, keys.encryption.public(), Limits::DEFAULT).unwrap();
    let data_dir = DataDir::new(dir.path().join("node"));
    data_dir.init(&genesis, secretariat.then_some(&keys)).unwrap();
    let node = Node::open(data_dir).unwrap();
    App { dir, state: WebState::new(node, None, TOKEN.into(), guard) }
}

impl App {
    /// Starts the node's sync engine on 127.0.0.1 (mDNS off) for pages and
    /// endpoints that need one.
    pub async fn start_sync(&mut self) {
        let config = convene_node::sync::SyncConfig {
            listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
            peers: Vec::new(),
            mdns: false,
            reconcile_interval: std::time::Duration::from_secs(30),
            ..convene_node::sync::SyncConfig::default()
        };
        let (sync, _engine) = convene_node::sync::start(self.state.node.clone(), config).await.unwrap();
        self.state.sync = Some(sync);
    }

    pub fn router(&self) -> Router {
        convene_web::router(self.state.clone())
    }

    pub fn client(&self) -> Client {
        Client { router: self.router(), cookies: BTreeMap::new(), headers: Vec::new() }
    }
}

/// An answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body's bytes as sent (compressed, when asked for).
    pub raw: Vec<u8>,
}

impl Answer {
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    }

    /// The CSRF token in the page's first form.
    pub fn csrf(&self) -> String {
        let marker = r#"name="csrf" value=""#;
        let start = self.body.find(marker).unwrap_or_else(|| panic!("no csrf field in:\n{}", self.body)) + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

/// Keeps cookies like a browser; sends `Host: HOST` unless `headers` names
/// another.
pub struct Client {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub async fn request(&mut self, method: Method, uri: &str, content_type: Option<&str>, body: String) -> Answer {
        let mut builder = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let line = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            builder = builder.header(header::COOKIE, line);
        }
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        if !self.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
            builder = builder.header(header::HOST, HOST);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = self.router.clone().oneshot(builder.body(Body::from(body)).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), raw: bytes.to_vec() }
    }

    pub async fn get(&mut self, uri: &str) -> Answer {
        self.request(Method::GET, uri, None, String::new()).await
    }

    /// Posts a form (pairs, urlencoded).
    pub async fn post_form(&mut self, uri: &str, pairs: &[(&str, &str)]) -> Answer {
        let body = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        self.request(Method::POST, uri, Some("application/x-www-form-urlencoded"), body).await
    }

    /// Gets `page` for its CSRF token, then posts the form with it.
    pub async fn submit_form(&mut self, page: &str, action: &str, pairs: &[(&str, &str)]) -> Answer {
        let csrf = self.get(page).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(pairs);
        self.post_form(action, &all).await
    }
}

pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A valid convening report as form pairs, with `text` in every free-text field.
pub fn report_pairs(text: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", text),
        ("language", "en"),
        ("convened_on", "2025-03-14"),
        ("format", "in_person"),
        ("country", "KE"),
        ("locality", text),
        ("host_organizations", text),
        ("contact_name", text),
        ("contact_email", "ama@example.org"),
        ("purposes", "capture_learnings"),
        ("dpi_types", "digital_id"),
        ("participants_count", "12"),
        ("stakeholder_groups", "civil_society"),
        ("principles", "F1"),
        ("risks", "RS1"),
        ("lifecycle_stages", "L4"),
        ("summary", text),
        ("insights", text),
        ("quotes", text),
        ("quotes", ""),
        ("quotes", ""),
        ("consent_to_publish", "yes"),
    ]
}
