//! A minimal WebDriver client (W3C protocol over HTTP, with reqwest) that
//! drives Debian's headless Chromium through `chromedriver`, for the web
//! UI's real-browser tests and nothing else: open a page, find elements,
//! type, click, read the page, set the viewport, and check the page with
//! axe-core.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};

use crate::{TestNode, wait_until_or};

/// Where Debian installs them (`apt-get install chromium chromium-driver`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The driver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The axe-core release the accessibility checks run (`scripts/test`
/// installs it from npm into the cache directory [`axe_path`] names).
pub const AXE_VERSION: &str = "4.14.1";

/// Where axe-core's `axe.min.js` is: `CONVENE_AXE`, else where
/// `scripts/test` installs it
/// (`~/.cache/convene/axe-core-VERSION/node_modules/axe-core/axe.min.js`).
pub fn axe_path() -> PathBuf {
    if let Some(path) = std::env::var_os("CONVENE_AXE") {
        return PathBuf::from(path);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join(format!("convene/axe-core-{AXE_VERSION}/node_modules/axe-core/axe.min.js"))
}

/// axe-core's script, read once.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = axe_path();
        std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "{}: {error}: the accessibility checks need axe-core {AXE_VERSION}; scripts/test installs it \
                 (npm install --prefix ~/.cache/convene/axe-core-{AXE_VERSION} axe-core@{AXE_VERSION}), or set CONVENE_AXE",
                path.display()
            )
        })
    })
}

/// Runs axe-core (every rule of its default set) on the page and hands
/// back each violation as `rule: help`, then each offending node.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then((results) => done(results.violations.map((violation) =>
    `${violation.id} (${violation.impact}): ${violation.help}\n      ` +
    violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary.replace(/\s+/g, ' ')}`).join('\n      '))))
  .catch((error) => done([`axe failed: ${error}`]));
"#;

/// The Tab key, for [`Browser::press`].
pub const TAB: &str = "\u{E004}";
/// The Enter key, for [`Browser::press`].
pub const ENTER: &str = "\u{E007}";

/// The web UI's address, from the running node's `node.json`.
pub fn ui_url(node: &TestNode) -> String {
    let text = std::fs::read_to_string(node.data_dir().join("node.json")).expect("node.json");
    let running: Value = serde_json::from_str(&text).expect("node.json is JSON");
    running["url"].as_str().expect("a url").trim_end_matches('/').to_owned()
}

/// Fills the convening report form with `title` (everything else valid).
pub fn fill_report(browser: &Browser, title: &str) {
    browser.type_in("#f-title", title);
    browser.execute("document.getElementById('f-convened_on').value = '2025-03-14';", vec![]);
    browser.click("input[name=format][value=hybrid]");
    browser.type_in("#f-country", "KE");
    browser.type_in("#f-locality", "Kisumu");
    browser.type_in("#f-host_organizations", "Lakeside Hub\nKisumu Civic Lab");
    browser.type_in("#f-contact_name", "Ama Mensah");
    browser.type_in("#f-contact_email", "ama@example.org");
    browser.click("input[name=purposes][value=capture_learnings]");
    browser.click("input[name=dpi_types][value=digital_id]");
    browser.type_in("#f-participants_count", "24");
    browser.click("input[name=stakeholder_groups][value=civil_society]");
    browser.click("input[name=stakeholder_groups][value=government]");
    browser.click("input[name=principles][value=F1]");
    browser.click("input[name=risks][value=RS1]");
    browser.click("input[name=lifecycle_stages][value=L4]");
    browser.type_in("#f-summary", "We discussed enrolment without exclusion.");
    browser.type_in("#f-insights", "Offer an offline fallback\nPublish data-sharing agreements");
    browser.type_in("#f-quotes-1", "Nobody should be turned away at the clinic.");
    browser.click("input[name=consent_to_publish][value=yes]");
}

/// A running chromedriver with one headless Chromium session.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::blocking::Client,
    _profile: tempfile::TempDir,
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a session.
    /// Panics with the fix when Chromium is not installed (`.ci/run`
    /// installs it).
    pub fn start() -> Browser {
        for path in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: the browser tests need `apt-get install -y chromium chromium-driver` (.ci/run does it)"
            );
        }
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port").port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
        wait_until_or(
            "chromedriver to be ready",
            Duration::from_secs(30),
            || {
                http.get(format!("{base}/status"))
                    .send()
                    .ok()
                    .and_then(|response| response.json::<Value>().ok())
                    .is_some_and(|status| status["value"]["ready"] == true)
            },
            String::new,
        );
        let profile = tempfile::TempDir::new().expect("profile directory");
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1200,900".to_owned(),
            "--lang=en-US".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": CHROMIUM, "args": args }
            } }
        });
        let mut browser = Browser { driver, base, session: String::new(), http, _profile: profile };
        let created = browser.call("POST", "/session", Some(capabilities));
        browser.session = created["sessionId"].as_str().expect("a session id").to_owned();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let request = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self.http.post(&url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let response = request.send().unwrap_or_else(|error| panic!("{method} {url}: {error}"));
        let status = response.status();
        let value: Value = response.json().unwrap_or(Value::Null);
        assert!(status.is_success(), "WebDriver {method} {path} failed ({status}): {value}");
        value["value"].clone()
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// The current URL.
    pub fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or_default().to_owned()
    }

    /// The page's HTML as it is now.
    pub fn source(&self) -> String {
        self.call("GET", "/source", None).as_str().unwrap_or_default().to_owned()
    }

    /// Runs `script` (with `arguments`) in the page and returns its result.
    pub fn execute(&self, script: &str, arguments: Vec<Value>) -> Value {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": arguments })))
    }

    /// The first element matching `css`; panics with the page when none does.
    pub fn find(&self, css: &str) -> Element {
        let found = self.find_all(css);
        found
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches `{css}` in {}\n{}", self.url(), self.source()))
    }

    /// Every element matching `css`.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.call("POST", "/elements", Some(json!({ "using": "css selector", "value": css })));
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned())))
            .collect()
    }

    /// Types `text` into `element`.
    pub fn type_into(&self, element: &Element, text: &str) {
        self.painted();
        self.call("POST", &format!("/element/{}/value", element.0), Some(json!({ "text": text })));
    }

    /// Types `text` into the element matching `css`.
    pub fn type_in(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.type_into(&element, text);
    }

    /// Clicks the element matching `css`.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.click_element(&element);
    }

    /// Clicks `element`.
    pub fn click_element(&self, element: &Element) {
        self.painted();
        self.call("POST", &format!("/element/{}/click", element.0), Some(json!({})));
    }

    /// The `property` of the element matching `css` (e.g. `value`).
    pub fn property(&self, css: &str, property: &str) -> Value {
        let element = self.find(css);
        self.call("GET", &format!("/element/{}/property/{property}", element.0), None)
    }

    /// Waits until the page has painted a frame. Chromium drops input sent
    /// to a page that has loaded but not yet rendered one (seen on a busy CI
    /// machine as a first Tab that moved no focus), so every key and click
    /// waits for this first.
    fn painted(&self) {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({
                "script": "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                "args": []
            })),
        );
    }

    /// Presses and releases `key` (a WebDriver key code such as
    /// [`TAB`] or [`ENTER`]) wherever the focus is.
    pub fn press(&self, key: &str) {
        self.painted();
        let actions = json!({ "actions": [{
            "type": "key",
            "id": "keyboard",
            "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }]
        }] });
        self.call("POST", "/actions", Some(actions));
    }

    /// Sets the viewport to `width` × `height` CSS pixels (a phone is
    /// 390 × 844), as a phone's: narrow, touch, no scroll bars taking room.
    pub fn viewport(&self, width: u32, height: u32) {
        let mobile = width < 600;
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({
                "cmd": "Emulation.setDeviceMetricsOverride",
                "params": { "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }
            })),
        );
    }

    /// axe-core's violations on the page as it is now, in words; empty when
    /// it finds none.
    pub fn axe_violations(&self) -> Vec<String> {
        let loaded = self.execute("return typeof axe !== 'undefined';", vec![]);
        if loaded != Value::Bool(true) {
            // It sets `window.axe` itself.
            self.execute(&format!("{}\nreturn true;", axe_source()), vec![]);
        }
        let found = self.call("POST", "/execute/async", Some(json!({ "script": AXE_RUN, "args": [] })));
        found.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
    }

    /// Whether the page is wider than the viewport (something is cut off or
    /// must be scrolled sideways): the page's width and the viewport's.
    pub fn overflow(&self) -> Option<(u64, u64)> {
        let widths = self.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]);
        let page = widths[0].as_u64().unwrap_or_default();
        let viewport = widths[1].as_u64().unwrap_or_default();
        (page > viewport).then_some((page, viewport))
    }

    /// Waits until `condition(self)` holds.
    pub fn wait_for(&self, what: &str, mut condition: impl FnMut(&Browser) -> bool) {
        wait_until_or(
            what,
            Duration::from_secs(30),
            || condition(self),
            || format!("at {}\n{}", self.url(), self.source()),
        );
    }

    /// Saves a PNG screenshot of the viewport to `path`.
    pub fn screenshot(&self, path: &Path) {
        let encoded = self.call("GET", "/screenshot", None);
        let bytes = decode_base64(encoded.as_str().unwrap_or_default());
        std::fs::write(path, bytes).expect("write the screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.http.delete(format!("{}/session/{}", self.base, self.session)).send();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut buffer = 0u32;
        for (index, digit) in chunk.iter().enumerate() {
            buffer |= digit << (18 - 6 * index);
        }
        let bytes = [(buffer >> 16) as u8, (buffer >> 8) as u8, buffer as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64() {
        assert_eq!(super::decode_base64("aGVsbG8="), b"hello");
        assert_eq!(super::decode_base64("aGk="), b"hi");
        assert_eq!(super::decode_base64("YWJj"), b"abc");
    }
}
