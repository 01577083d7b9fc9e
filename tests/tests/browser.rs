//! The web UI in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs) against real
//! `convene node run` processes on 127.0.0.1.

use std::time::Duration;

use convene_tests::browser::{Browser, ENTER, TAB, fill_report, ui_url};
use convene_tests::{Network, TestNode, wait_until};
use serde_json::Value;

#[test]
fn a_report_written_in_the_browser_is_listed_and_reaches_a_second_node() {
    let network = Network::create("Browser");
    let hub = TestNode::init(&network, false);
    let secretariat = TestNode::init(&network, true);
    let run_hub = hub.start(&[]);
    let run_secretariat = secretariat.start(&[hub.p2p_addr()]);
    let browser = Browser::start();
    let base = ui_url(&hub);

    // An identity, made in the browser.
    browser.goto(&format!("{base}/identities"));
    browser.type_in("#f-name", "lakeside");
    browser.click("form[action='/identities'] button[type=submit]");
    browser.wait_for("the identity is listed", |b| b.source().contains("did:key:z"));

    // The form: fill, sign, submit; the stored submission is shown.
    browser.goto(&format!("{base}/new/convening_report"));
    fill_report(&browser, "Kisumu convening on inclusive ID");
    browser.click("button[name=action][value=submit]");
    browser
        .wait_for("the stored submission", |b| b.url().contains("/s/") && b.source().contains("Signatures verified"));
    let page = browser.source();
    assert!(page.contains("Kisumu convening on inclusive ID") && page.contains("F1 Do no harm"));
    assert!(!page.contains("ama@example.org"), "the contact is sealed");

    // The list shows it, and filters find it.
    browser.goto(&format!("{base}/?principle=F1&kind=convening_report"));
    assert!(browser.source().contains("Kisumu convening on inclusive ID"));

    // The second node receives it by sync, and its browser shows it.
    let other = ui_url(&secretariat);
    wait_until("the report reaches the secretariat's node", Duration::from_secs(60), || {
        browser.goto(&format!("{other}/"));
        browser.source().contains("Kisumu convening on inclusive ID")
    });
    browser.click("ol.results a");
    browser.wait_for("the secretariat's page of it", |b| b.source().contains("Show contact"));
    browser.click("a[href$='reveal=true']");
    browser.wait_for("the contact, on the secretariat's node", |b| b.source().contains("ama@example.org"));
    drop(browser);
    run_secretariat.stop();
    run_hub.stop();
}

#[test]
fn an_interrupted_draft_is_resumed() {
    let network = Network::create("Drafts");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    let run = hub.start(&[]);
    let base = ui_url(&hub);
    {
        let browser = Browser::start();
        browser.goto(&format!("{base}/new/case_study"));
        browser.type_in("#f-title", "Half-written case study");
        browser.type_in("#f-context", "The power went out");
        // The script saves the draft as the convener types, and shows ✔
        // once everything typed is saved (a save of the title alone, while
        // the rest was still being typed, does not count).
        let saved = |b: &Browser| {
            b.find_all("#autosave-status").first().is_some_and(|_| {
                b.property("#autosave-status", "textContent").as_str().is_some_and(|text| text.starts_with('✔'))
            })
        };
        browser.wait_for("autosave", saved);
        // Typing more takes the ✔ away until that too is saved.
        browser.execute(
            "const status = document.getElementById('autosave-status');
             window.blanked = false;
             new MutationObserver(() => { if (status.textContent === '') window.blanked = true; })
               .observe(status, { childList: true, characterData: true, subtree: true });",
            vec![],
        );
        browser.type_in("#f-context", " while I was typing.");
        browser.wait_for("autosave of the rest", |b| saved(b) && b.execute("return window.blanked;", vec![]) == true);
        // The tab (and the whole browser) goes away without submitting.
    }
    let browser = Browser::start();
    browser.goto(&format!("{base}/drafts"));
    assert!(browser.source().contains("Half-written case study"));
    browser.click("ul.drafts a.button");
    browser.wait_for("the resumed form", |b| b.url().contains("draft="));
    assert_eq!(browser.property("#f-title", "value"), "Half-written case study");
    assert_eq!(browser.property("#f-context", "value"), "The power went out while I was typing.");
    drop(browser);
    run.stop();
}

#[test]
fn switching_to_arabic_turns_pages_right_to_left() {
    let network = Network::create("Languages");
    let hub = TestNode::init(&network, false);
    let run = hub.start(&[]);
    let base = ui_url(&hub);
    let browser = Browser::start();
    browser.goto(&format!("{base}/network"));
    assert_eq!(browser.execute("return document.documentElement.dir;", vec![]), "ltr");
    browser.click("nav.langs a[lang=ar]");
    browser.wait_for("Arabic", |b| b.execute("return document.documentElement.lang;", vec![]) == "ar");
    assert_eq!(browser.execute("return document.documentElement.dir;", vec![]), "rtl");
    assert!(browser.url().ends_with("/network"), "the switcher returns to the same page");
    // Remembered on the next page.
    browser.goto(&format!("{base}/new/convening_report"));
    assert_eq!(browser.execute("return document.documentElement.dir;", vec![]), "rtl");
    assert!(browser.source().contains("تقرير لقاء"));
    drop(browser);
    run.stop();
}

/// Accessibility checks run in the page (WCAG 2 points a script can see):
/// returns every problem found, as text. Its argument is the UI language
/// the page should be in.
const ACCESSIBILITY_CHECKS: &str = r##"
const lang = arguments[0];
const problems = [];
const show = (el) => el.outerHTML.slice(0, 160);
const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const text = (el) => (el ? el.textContent : '').replace(/\s+/g, ' ').trim();
const byIds = (ids) => (ids || '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id));
const nameOf = (el) =>
  (el.getAttribute('aria-label') || '').trim() ||
  byIds(el.getAttribute('aria-labelledby')).map(text).join(' ').trim() ||
  text(el) ||
  Array.from(el.querySelectorAll('img[alt]')).map((img) => img.alt).join(' ').trim() ||
  (el.getAttribute('title') || '').trim();

const html = document.documentElement;
if (html.lang !== lang) problems.push(`<html lang="${html.lang}">, expected ${lang}`);
if (html.dir !== (lang === 'ar' ? 'rtl' : 'ltr')) problems.push(`<html dir="${html.dir}"> for ${lang}`);
if (!text(document.querySelector('title'))) problems.push('no page title');

const h1s = document.querySelectorAll('h1');
if (h1s.length !== 1) problems.push(`${h1s.length} h1 elements`);
else if (!text(h1s[0])) problems.push('an empty h1');

const ids = new Map();
for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) || 0) + 1);
for (const [id, count] of ids) if (count > 1) problems.push(`id "${id}" used ${count} times`);

for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push(`no alt: ${show(img)}`);

for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden' || !visible(el)) continue;
  const labels = Array.from(el.labels || []).map(text).filter(Boolean);
  const named = labels.length > 0 || (el.getAttribute('aria-label') || '').trim() ||
    byIds(el.getAttribute('aria-labelledby')).some((label) => text(label));
  if (!named) problems.push(`no label: ${show(el)}`);
  for (const target of byIds(el.getAttribute('aria-describedby'))) {
    if (!target) problems.push(`aria-describedby points nowhere: ${show(el)}`);
  }
  if (el.getAttribute('aria-invalid') === 'true' && !el.getAttribute('aria-describedby')) {
    problems.push(`invalid without a message: ${show(el)}`);
  }
}

for (const fieldset of document.querySelectorAll('fieldset')) {
  if (!text(fieldset.querySelector('legend'))) problems.push(`fieldset without legend: ${show(fieldset)}`);
}

for (const el of document.querySelectorAll('a[href], button, [role=button]')) {
  if (!visible(el) && !el.classList.contains('skip')) continue;
  if (!nameOf(el)) problems.push(`no accessible name: ${show(el)}`);
}

const errors = Array.from(document.querySelectorAll('main .error')).filter(visible);
for (const error of errors) {
  if (!error.id) { problems.push(`error message without id: ${show(error)}`); continue; }
  const owners = Array.from(document.querySelectorAll('[aria-describedby]'))
    .filter((el) => el.getAttribute('aria-describedby').split(/\s+/).includes(error.id))
    .filter((el) => el.matches('input, select, textarea, fieldset'));
  if (owners.length === 0) problems.push(`error #${error.id} is no field's aria-describedby`);
  const announced = error.closest('[role=alert], [aria-live=assertive]') ||
    document.querySelector('#errors[role=alert], #errors[aria-live]');
  if (!announced) problems.push(`error #${error.id} is not announced (no role=alert or aria-live)`);
}
const summary = document.getElementById('errors');
if (summary) {
  if (!(summary.getAttribute('role') === 'alert' || summary.hasAttribute('aria-live'))) {
    problems.push('the error summary is not announced');
  }
  for (const link of summary.querySelectorAll('a[href^="#"]')) {
    if (!document.getElementById(link.getAttribute('href').slice(1))) problems.push(`summary link to nothing: ${show(link)}`);
  }
}
return problems;
"##;

/// What has the keyboard focus: its markup, and whether a focus ring shows.
const FOCUSED: &str = r#"
const el = document.activeElement;
if (!el || el === document.body) {
  return { tag: 'body', ring: false, html: '', hasFocus: document.hasFocus(), visibility: document.visibilityState };
}
const style = getComputedStyle(el);
const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
const box = el.getBoundingClientRect();
return {
  tag: el.tagName.toLowerCase(), id: el.id, ring, outline: style.outline,
  matches: [':focus', ':focus-within', ':focus-visible'].filter((selector) => el.matches(selector)),
  onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0, html: el.outerHTML.slice(0, 160)
};
"#;

/// A phone's viewport, and a desktop's.
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1200, 900);

/// Runs [`ACCESSIBILITY_CHECKS`] and axe-core on the current page, at a
/// desktop's size and then a phone's, and fails with every problem found.
/// The page is left at a desktop's size.
fn assert_accessible(browser: &Browser, lang: &str, what: &str) {
    let problems = browser.execute(ACCESSIBILITY_CHECKS, vec![Value::from(lang)]);
    let problems: Vec<&str> = problems.as_array().expect("a list").iter().filter_map(Value::as_str).collect();
    assert!(problems.is_empty(), "{what} ({lang}, {}):\n  {}", browser.url(), problems.join("\n  "));
    for (width, height) in [DESKTOP, PHONE] {
        browser.viewport(width, height);
        let violations = browser.axe_violations();
        assert!(
            violations.is_empty(),
            "axe-core on {what} ({lang}, {width} × {height}, {}):\n  {}",
            browser.url(),
            violations.join("\n  ")
        );
    }
    browser.viewport(DESKTOP.0, DESKTOP.1);
}

/// Tabs through the next `stops` focusable elements from where the focus
/// is: each must show a focus ring and be on screen.
fn assert_keyboard_focus_visible(browser: &Browser, what: &str, stops: usize) {
    for _ in 0..stops {
        browser.press(TAB);
        let focused = browser.execute(FOCUSED, vec![]);
        if focused["tag"] == "body" {
            break;
        }
        assert_eq!(focused["ring"], true, "{what}: no visible focus ring: {focused}");
        assert_eq!(focused["onScreen"], true, "{what}: focus is off screen on {}", focused["html"]);
    }
}

#[test]
fn every_main_page_passes_the_accessibility_checks_in_english_and_arabic() {
    let network = Network::create("Accessible");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    let run = hub.start(&[]);
    let base = ui_url(&hub);
    let browser = Browser::start();

    // A submission to show, written in the browser.
    browser.goto(&format!("{base}/new/convening_report"));
    fill_report(&browser, "Accessible convening");
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the stored submission", |b| b.url().contains("/s/") && b.source().contains("Accessible"));
    let submission = browser.url().split('?').next().unwrap_or_default().to_owned();

    // Keyboard: the skip link comes first, is shown when focused, and moves
    // the focus to the content; every stop shows a focus ring.
    browser.goto(&format!("{base}/"));
    browser.press(TAB);
    let skip = browser.execute(FOCUSED, vec![]);
    assert!(skip["html"].as_str().unwrap_or_default().contains(r#"class="skip""#), "first Tab: {skip}");
    assert_eq!((&skip["ring"], &skip["onScreen"]), (&Value::Bool(true), &Value::Bool(true)), "{skip}");
    browser.press(ENTER);
    browser.wait_for("the focus on the content", |b| b.execute(FOCUSED, vec![])["id"] == "main");
    browser.goto(&format!("{base}/"));
    assert_keyboard_focus_visible(&browser, "browse", 25);

    // The checks see defects: an input without a label, a second h1, an
    // unnamed button, an error message no field points at.
    browser.goto(&format!("{base}/"));
    browser.execute(
        "const main = document.getElementById('main');
         main.insertAdjacentHTML('beforeend', '<input name=x><h1>Again</h1><button></button><p class=error id=e-x>Bad</p>');",
        vec![],
    );
    let found = browser.execute(ACCESSIBILITY_CHECKS, vec![Value::from("en")]);
    let found = found.as_array().expect("a list");
    for defect in ["no label", "2 h1", "no accessible name", "e-x is no field's"] {
        assert!(
            found.iter().any(|problem| problem.as_str().is_some_and(|p| p.contains(defect))),
            "{defect}: {found:?}"
        );
    }
    // So does axe-core.
    let found = browser.axe_violations().join("\n");
    for rule in ["label", "button-name"] {
        assert!(found.contains(rule), "axe-core finds {rule}:\n{found}");
    }

    for lang in ["en", "ar"] {
        browser.goto(&format!("{base}/lang/{lang}?back=/"));
        let pages = [
            ("login", format!("{base}/login")),
            ("browse", format!("{base}/")),
            ("list, filtered", format!("{base}/?kind=convening_report&principle=F1")),
            ("a submission", submission.clone()),
            ("write", format!("{base}/new")),
            ("drafts", format!("{base}/drafts")),
            ("identities", format!("{base}/identities")),
            ("network", format!("{base}/network")),
        ];
        for (what, url) in &pages {
            browser.goto(url);
            assert_accessible(&browser, lang, what);
        }
        // Each write form, empty and then sent, with every message shown.
        for kind in ["convening_report", "case_study", "convening_announcement"] {
            browser.goto(&format!("{base}/new/{kind}"));
            assert_accessible(&browser, lang, kind);
            browser.click("button[name=action][value=submit]");
            browser.wait_for("the focus on the error summary", |b| {
                b.execute("return document.activeElement.id;", vec![]) == "errors"
            });
            assert!(browser.find_all("main .error").len() > 3, "{kind}: messages next to the fields");
            assert_accessible(&browser, lang, &format!("{kind} with errors"));
            assert_keyboard_focus_visible(&browser, kind, 12);
        }
        // An identity name that is refused (blank).
        browser.goto(&format!("{base}/identities"));
        browser.type_in("#f-name", "   ");
        browser.click("form[action='/identities'] button[type=submit]");
        browser.wait_for("the message", |b| !b.find_all("#e-name").is_empty());
        assert_accessible(&browser, lang, "identities with an error");
    }
    drop(browser);
    run.stop();
}

#[test]
fn a_bundle_uploads_from_the_network_page_as_a_plain_form() {
    let network = Network::create("Stick");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    let corpus = convene_tests::generate_corpus(&hub.scratch(), 12, 5);
    hub.run(&["import", convene_tests::path_str(&corpus)]).ok();
    let stick = hub.scratch().join("stick.bundle");
    hub.run(&["bundle", "export", convene_tests::path_str(&stick)]).ok();

    let town = TestNode::init(&network, false);
    let run = town.start(&[]);
    let base = ui_url(&town);
    let browser = Browser::start();
    browser.goto(&format!("{base}/network"));
    // A plain multipart form: the page's script does not touch it.
    browser.type_in("#f-bundle", convene_tests::path_str(&stick));
    browser.click("form[enctype='multipart/form-data'] button[type=submit]");
    browser.wait_for("the import's report", |b| b.source().contains("Bundle imported: 12 new"));
    assert_eq!(town.ids(), hub.ids());
    drop(browser);
    run.stop();
}

#[test]
fn a_photo_attached_in_the_form_loses_its_location_and_shows_its_preview() {
    let network = Network::create("Photos");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    let run = hub.start(&[]);
    let base = ui_url(&hub);
    let photo = hub.scratch().join("hall.jpg");
    std::fs::write(&photo, convene_tests::photos::photo_with_gps()).unwrap();
    let browser = Browser::start();
    for (lang, title, removed) in [
        ("en", "Convening with a photo", "Removed location and camera data (EXIF, XMP) from \u{2068}hall.jpg\u{2069}."),
        ("ar", "اجتماع مع صورة", "أُزيلت بيانات الموقع والكاميرا (EXIF, XMP) من \u{2068}hall.jpg\u{2069}."),
    ] {
        browser.goto(&format!("{base}/lang/{lang}?back=/"));
        browser.goto(&format!("{base}/new/convening_report"));
        // The form is sent as multipart, with no script involved.
        assert_eq!(browser.property("#submission-form", "enctype"), "multipart/form-data");
        fill_report(&browser, title);
        // WebDriver hands a file to a file input by its path.
        browser.type_in("#f-attachments_files", photo.to_str().unwrap());
        browser.click("button[name=action][value=submit]");
        browser.wait_for("the stored submission", |b| b.url().contains("/s/") && b.source().contains(title));
        let page = browser.source();
        assert!(page.contains(removed), "{lang}: the convener is told what was removed");
        let preview = browser.find_all("img.preview");
        assert_eq!(preview.len(), 1, "{lang}: the preview is shown");
        let loaded = browser.execute(
            "const img = document.querySelector('img.preview'); return img.complete && img.naturalWidth;",
            vec![],
        );
        assert_eq!(loaded, 320, "{lang}: the preview loads (the page's CSP allows it)");
        assert!(browser.find_all("a[download='hall.jpg']").len() == 1, "{lang}: a link to the original");
    }
    drop(browser);
    run.stop();
    // What the node stored holds no location.
    let listed = hub.run(&["export", "--format", "jsonl"]).ok();
    assert!(!listed.stdout.contains("GPS") && !listed.stdout.contains("Exif"));
    for entry in walk(&hub.data_dir().join("blobs")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!bytes.windows(3).any(|window| window == b"GPS"), "{} holds GPS", entry.display());
    }
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// Where the first and the last character of the first text in `css` are
/// drawn, and how the element is laid out: `[tag, direction, unicode-bidi,
/// left of the first character, left of the last, the page's dir]`.
const TEXT_ENDS: &str = r#"
const element = document.querySelector(arguments[0]);
const text = element.firstChild;
const range = document.createRange();
range.setStart(text, 0); range.setEnd(text, 1);
const first = range.getBoundingClientRect().left;
range.setStart(text, text.length - 1); range.setEnd(text, text.length);
const last = range.getBoundingClientRect().left;
const style = getComputedStyle(element);
return [element.tagName, style.direction, style.unicodeBidi, first, last, document.documentElement.dir];
"#;

#[test]
fn the_home_page_welcomes_searches_every_text_and_pages_in_english_and_arabic_on_desktop_and_phone() {
    let network = Network::create("Browse");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    // 60 generated submissions and one whose words are known.
    let mut lines: Vec<String> = convene_tests::corpus::lines(60, 11).collect();
    let mut known: Value = lines
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
        .find(|submission| submission["kind"] == "convening_report")
        .expect("a report");
    known["title"] = "Water points in Kisumu.".into();
    known["language"] = "en".into();
    known["convened_on"] = "2026-11-20".into();
    known["insights"] = serde_json::json!(["Zebracrossing outreach reached every ward"]);
    lines.push(known.to_string());
    let corpus = hub.scratch().join("corpus.jsonl");
    std::fs::write(&corpus, lines.join("\n") + "\n").expect("write the corpus");
    hub.run(&["import", corpus.to_str().expect("utf-8")]).ok();
    let run = hub.start(&[]);
    let base = ui_url(&hub);
    let browser = Browser::start();
    let text =
        |b: &Browser, css: &str| b.execute(&format!("return document.querySelector({css:?}).textContent;"), vec![]);
    for (width, height) in [DESKTOP, PHONE] {
        browser.viewport(width, height);
        for (lang, page_1, page_2, page_3) in [
            ("en", "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"),
            ("ar", "الصفحة 1 من 3", "الصفحة 2 من 3", "الصفحة 3 من 3"),
        ] {
            let what = format!("{lang}, {width} × {height}");
            browser.goto(&format!("{base}/lang/{lang}?back=/"));
            assert_eq!(browser.execute("return window.innerWidth;", vec![]), width, "{what}: the viewport");

            // The welcome leads to Write.
            browser.click("#welcome-write");
            browser.wait_for("the Write page", |b| b.url().ends_with("/new"));

            // The results come first: the filters are folded and the first
            // result is on the first screen.
            browser.goto(&format!("{base}/"));
            assert_eq!(browser.property("details.more-filters", "open"), false, "{what}: filters folded");
            let bottom = browser.execute(
                "return document.querySelector('ol.results li').getBoundingClientRect().bottom <= window.innerHeight;",
                vec![],
            );
            assert_eq!(bottom, true, "{what}: the first result is within the first screen");

            // Page x of y, the next page, and past the last one.
            assert_eq!(text(&browser, "#page-of"), page_1, "{what}");
            browser.click("a[rel=next]");
            browser.wait_for("page 2", |b| b.url().contains("offset=25"));
            assert_eq!(text(&browser, "#page-of"), page_2, "{what}");
            browser.goto(&format!("{base}/?offset=500"));
            assert!(browser.find_all("#past-end").len() == 1, "{what}: past the end is said");
            assert!(browser.find_all("ol.results").is_empty() && browser.find_all("#page-of").is_empty(), "{what}");
            assert!(!browser.source().contains("Nothing matches"), "{what}: not 'nothing matches' beside a count");
            browser.click("#past-end a");
            browser.wait_for("the last page", |b| b.url().contains("offset=50"));
            assert_eq!(text(&browser, "#page-of"), page_3, "{what}");

            // A word of the insights finds its submission.
            browser.goto(&format!("{base}/"));
            browser.type_in("#q-text", "zebracrossing");
            browser.press(ENTER);
            browser.wait_for("the search", |b| b.url().contains("text=zebracrossing"));
            let found = browser.find_all("ol.results > li");
            assert_eq!(found.len(), 1, "{what}: one result");
            assert_eq!(text(&browser, "ol.results a bdi"), "Water points in Kisumu.", "{what}");

            // The English title keeps its full stop at its end, in an
            // isolating element, and the date follows the page's language.
            let ends = browser.execute(TEXT_ENDS, vec![Value::from("ol.results a bdi")]);
            assert_eq!(ends[0], "BDI", "{what}: {ends}");
            assert_eq!(ends[1], "ltr", "{what}: {ends}");
            assert_eq!(ends[2], "isolate", "{what}: {ends}");
            assert!(ends[4].as_f64() > ends[3].as_f64(), "{what}: the full stop is drawn after the words: {ends}");
            assert_eq!(ends[5], if lang == "ar" { "rtl" } else { "ltr" }, "{what}");
            let date = if lang == "ar" { "20\u{200F}/11\u{200F}/2026" } else { "Nov 20, 2026" };
            assert_eq!(text(&browser, "ol.results time"), date, "{what}");
            assert_eq!(browser.property("ol.results time", "dateTime"), "2026-11-20", "{what}");
            // And on the submission's own page.
            browser.click("ol.results a");
            browser.wait_for("the submission", |b| b.url().contains("/s/"));
            let ends = browser.execute(TEXT_ENDS, vec![Value::from("h1 bdi")]);
            assert!(ends[4].as_f64() > ends[3].as_f64(), "{what}: the heading's full stop: {ends}");
            assert!(browser.source().contains(date), "{what}: the date of the convening");
            // A moment reads in the page's direction: its first character
            // (the day's) is drawn before its last (the zone's).
            let ends = browser.execute(TEXT_ENDS, vec![Value::from("dl.fields time")]);
            let (first, last) = (ends[3].as_f64().expect("a place"), ends[4].as_f64().expect("a place"));
            assert!(
                if lang == "ar" { first > last } else { first < last },
                "{what}: a moment in reading order: {ends}"
            );
        }
    }
    drop(browser);
    run.stop();
}

/// The Network page as a hub operator uses it: peers by their hub names
/// (the id kept at hand), a peer that cannot be reached said in plain
/// words in the page's language, `IP:port` answered with the address that
/// was meant, removing a peer without JavaScript, and nothing cut off on a
/// phone.
#[test]
fn the_network_page_names_hubs_says_what_is_wrong_in_plain_words_and_fits_a_phone() {
    let network = Network::create("Hubs");
    let secretariat = TestNode::init(&network, true);
    secretariat.run(&["hub-name", "Secretariat, Nairobi"]).ok();
    let hub = TestNode::init(&network, false);
    hub.run(&["hub-name", "Lakeside Hub"]).ok();
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    let run_secretariat = secretariat.start(&[]);
    let run_hub = hub.start(&[secretariat.p2p_addr()]);
    let base = ui_url(&hub);
    let browser = Browser::start();

    browser.goto(&format!("{base}/network"));
    browser.wait_for("the secretariat by its name", |b| {
        b.goto(&format!("{base}/network"));
        b.source().contains("Secretariat, Nairobi")
    });
    let own = browser.execute("return document.getElementById('hub-name').textContent;", vec![]);
    assert!(own.as_str().unwrap_or_default().contains("Lakeside Hub"), "{own}");
    let secretariat_id = secretariat.sync_status()["peer_id"].as_str().unwrap().to_owned();
    assert!(browser.source().contains(&secretariat_id), "the peer id is kept at hand");

    // A peer that is not there: 127.0.0.1 on a port nothing listens on,
    // added without /p2p/.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable = format!("/ip4/127.0.0.1/tcp/{closed}");
    // Typed as IP:port, it is answered with the address that was meant.
    browser.type_in("#f-addr", &format!("127.0.0.1:{closed}"));
    browser.click("form[action='/network/peers'] button[type=submit]");
    browser.wait_for("the suggestion", |b| b.source().contains(&unreachable));
    assert_eq!(browser.property("#f-addr", "value"), format!("127.0.0.1:{closed}"));
    browser.execute("document.getElementById('f-addr').value = '';", vec![]);
    browser.type_in("#f-addr", &unreachable);
    browser.click("form[action='/network/peers'] button[type=submit]");
    browser.wait_for("the peer added", |b| b.url().contains("added=true"));

    for (lang, words) in [("en", "Nothing answers at"), ("ar", "لا شيء يجيب على")] {
        browser.goto(&format!("{base}/lang/{lang}?back=/network"));
        browser.wait_for("the problem in plain words", |b| {
            b.goto(&format!("{base}/network"));
            b.source().contains(words)
        });
        let page = browser.source();
        assert!(!page.contains("os error") && !page.contains("Transport"), "no libp2p text: {page}");
        assert!(!page.contains(">?<"), "no \"?\" for a peer without an id");
        for (width, height) in [DESKTOP, PHONE] {
            browser.viewport(width, height);
            assert_eq!(browser.overflow(), None, "{lang}, {width} px: nothing is cut off");
            let violations = browser.axe_violations();
            assert!(violations.is_empty(), "axe-core, {lang}, {width} px:\n  {}", violations.join("\n  "));
        }
        browser.viewport(DESKTOP.0, DESKTOP.1);
    }

    // Removing it is a plain form (the page's script handles only the
    // write forms), so it works without JavaScript.
    browser.goto(&format!("{base}/network"));
    let form =
        format!("form[method=post][action='/network/peers/remove']:has(input[name=addr][value='{unreachable}'])");
    assert_eq!(browser.find_all(&form).len(), 1, "one remove button for it");
    assert_eq!(browser.find_all(&format!("{form} input[name=csrf]")).len(), 1);
    browser.click(&format!("{form} button[type=submit]"));
    browser.wait_for("the peer removed", |b| b.url().contains("removed=true"));
    assert!(!browser.source().contains(&unreachable));
    assert!(browser.source().contains("Secretariat, Nairobi"), "the other peer stays");
    drop(browser);
    run_hub.stop();
    run_secretariat.stop();
}

/// A submission's page says which hubs hold it and whether the
/// secretariat's node does, as of the last sync with each.
#[test]
fn a_submission_page_says_whether_the_secretariat_has_it() {
    let network = Network::create("Held");
    let secretariat = TestNode::init(&network, true);
    secretariat.run(&["hub-name", "Secretariat"]).ok();
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    let run_secretariat = secretariat.start(&[]);
    let run_hub = hub.start(&[secretariat.p2p_addr()]);
    let base = ui_url(&hub);
    let browser = Browser::start();
    browser.goto(&format!("{base}/new/convening_report"));
    fill_report(&browser, "Held by the secretariat");
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the stored submission", |b| b.url().contains("/s/"));
    let page = browser.url().split('?').next().unwrap_or_default().to_owned();
    for (lang, words) in [("en", "The secretariat's node has it."), ("ar", "هي لدى عقدة الأمانة.")] {
        browser.goto(&format!("{base}/lang/{lang}?back=/"));
        browser.wait_for("the secretariat's receipt", |b| {
            b.goto(&page);
            b.source().contains(words)
        });
        assert!(browser.find_all("#held-by li").len() == 1, "{lang}: one peer listed");
        assert!(browser.source().contains("Secretariat"));
        for (width, height) in [DESKTOP, PHONE] {
            browser.viewport(width, height);
            let violations = browser.axe_violations();
            assert!(violations.is_empty(), "axe-core, {lang}, {width} px:\n  {}", violations.join("\n  "));
        }
        browser.viewport(DESKTOP.0, DESKTOP.1);
    }
    // On the secretariat's node: it says so, and lists the hub (which has
    // no name) by its short peer id as holding it.
    let hub_id = hub.sync_status()["peer_id"].as_str().unwrap().to_owned();
    let short = format!("…{}", &hub_id[hub_id.len() - 8..]);
    let there = page.replace(&base, &ui_url(&secretariat));
    browser.goto(&format!("{}/lang/en?back=/", ui_url(&secretariat)));
    browser.wait_for("the hub listed as holding it", |b| {
        b.goto(&there);
        b.source().contains(&format!("{short}</bdi></strong> · has it"))
    });
    assert!(browser.source().contains("This is the secretariat's node: it has it."));
    drop(browser);
    run_hub.stop();
    run_secretariat.stop();
}
