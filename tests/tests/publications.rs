//! What the secretariat publishes, between real processes: a hub and the
//! secretariat's node, synced over 127.0.0.1. A guiding-questions page
//! (with hostile Markdown) and a taxonomy version 1.1 that retitles F1 in
//! English and Arabic reach the hub, whose running pages show the page,
//! escaped, and the new titles (and its exports) without a restart; a taxonomy that adds a
//! code is refused saying why; a hub cannot publish, a curator it grants
//! can (a page, not a taxonomy); a retraction travels.
//! In a browser, the guide reads in English on a desktop and Arabic on a
//! phone, reached from the Write page, with no axe violation.

use std::time::Duration;

use convene_protocol::kinds::CONVENING_REPORT;
use convene_tests::browser::{Browser, ui_url};
use convene_tests::{Network, TestNode, corpus, path_str, repo_root, wait_until};
use serde_json::Value;

const TRAVEL: Duration = Duration::from_secs(60);

const QUESTIONS: &str = "# Before you write\n\n1. Who *benefits*?\n2. Who bears the risk?\n\n\
    <script>alert('pwned')</script>\n\n[a trap](javascript:alert(1)) and <img src=x onerror=alert(2)>\n";

/// The page at `path` of a running node, in `lang` (`Accept-Language`): its status and text.
fn get(node: &TestNode, path: &str, lang: &str) -> (u16, String) {
    let response = reqwest::blocking::Client::new()
        .get(format!("{}{path}", ui_url(node)))
        .header("accept-language", lang)
        .send()
        .expect("the node answers");
    (response.status().as_u16(), response.text().unwrap())
}

/// The shipped taxonomy with `edit` made, written to a file of `node`'s.
fn taxonomy_file(node: &TestNode, name: &str, edit: impl FnOnce(&mut Value)) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo_root().join("protocol/taxonomy/v1.json")).unwrap();
    let mut taxonomy: Value = serde_json::from_str(&text).unwrap();
    edit(&mut taxonomy);
    let path = node.scratch().join(name);
    std::fs::write(&path, taxonomy.to_string()).unwrap();
    path
}

#[test]
fn a_page_and_a_taxonomy_version_reach_the_hub_and_show_without_a_restart() {
    let network = Network::create("Publications");
    let secretariat = TestNode::init(&network, true);
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let mut report: Value = serde_json::from_str(&corpus::lines_of(&CONVENING_REPORT, 1, 3).next().unwrap()).unwrap();
    report["principles"] = serde_json::json!(["F1"]);
    let id = hub.run_with_stdin(&["submit", "-", "--json"], &report.to_string()).ok().json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Published while the secretariat's node is stopped (it opens the store itself).
    let page = secretariat.scratch().join("questions.md");
    std::fs::write(&page, QUESTIONS).unwrap();
    let publish = ["publish", path_str(&page), "--slug", "guiding-questions", "--lang", "en"];
    secretariat.run(&[&publish[..], &["--title", "Guiding questions"]].concat()).ok();
    let bad_slug =
        secretariat.run(&["publish", path_str(&page), "--slug", "Guiding Questions", "--lang", "en", "--title", "Q"]);
    assert!(bad_slug.code != 0 && bad_slug.stderr.contains("is not a page slug"), "{bad_slug}");
    // A hub holds no secretariat key, nor a curator's grant: it cannot publish.
    hub.run(&[&publish[..], &["--title", "Forged"]].concat()).expect_code(5);
    hub.run(&["taxonomy", "show"]).ok();

    let at_secretariat = secretariat.start(&[]);
    let at_hub = hub.start(&[secretariat.p2p_addr()]);
    assert!(get(&hub, "/guide", "en").1.contains("version 1.0, shipped with Convene"));

    // Published while the secretariat's node runs (through its socket).
    let added = taxonomy_file(&secretariat, "added.json", |taxonomy| {
        taxonomy["version"] = "1.1".into();
        taxonomy["risks"].as_array_mut().unwrap().push(serde_json::json!({"code": "RS9"}));
    });
    let refused = secretariat.run(&["taxonomy", "publish", path_str(&added)]);
    assert!(refused.code != 0 && refused.stderr.contains("adds code `RS9`"), "{refused}");
    assert!(refused.stderr.contains("never codes"), "{refused}");
    let retitled = taxonomy_file(&secretariat, "retitled.json", |taxonomy| {
        taxonomy["version"] = "1.1".into();
        taxonomy["principles"][0]["title"]["en"] = "Avoid all harm".into();
        taxonomy["principles"][0]["title"]["ar"] = "تجنب كل ضرر".into();
    });
    secretariat.run(&["taxonomy", "publish", path_str(&retitled)]).ok();
    assert!(secretariat.run(&["taxonomy", "show"]).ok().stdout.contains("taxonomy 1.1 (published"));

    wait_until("the taxonomy reaches the hub", TRAVEL, || {
        hub.run(&["taxonomy", "show"]).ok().stdout.contains("taxonomy 1.1 (published by the secretariat")
    });
    wait_until("the page reaches the hub", TRAVEL, || get(&hub, "/guide/guiding-questions", "en").0 == 200);

    // The hub's running pages: the new titles, the page rendered and escaped.
    let (_, browse) = get(&hub, "/", "en");
    assert!(browse.contains("F1 Avoid all harm") && !browse.contains("F1 Do no harm"), "browse shows the new title");
    let (_, browse_ar) = get(&hub, "/", "ar");
    assert!(browse_ar.contains("F1 تجنب كل ضرر"), "in Arabic too");
    let (_, submission) = get(&hub, &format!("/s/{id}"), "en");
    assert!(submission.contains("F1 Avoid all harm"), "the submission's page shows the new title");
    let (_, french) = get(&hub, &format!("/s/{id}"), "fr");
    assert!(french.contains("F1 Ne pas nuire"), "a title the version keeps stays");
    let (_, guide) = get(&hub, "/guide/guiding-questions", "en");
    assert!(guide.contains("<h1><bdi>Guiding questions</bdi></h1>"), "{guide}");
    assert!(guide.contains("<em>benefits</em>"), "Markdown is rendered: {guide}");
    assert!(guide.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"), "raw HTML shows as text: {guide}");
    assert!(!guide.contains("<script>alert") && !guide.contains("<img"), "{guide}");
    assert!(!guide.contains("href=\"javascript"), "{guide}");
    let (_, index) = get(&hub, "/guide", "en");
    assert!(index.contains("href=\"/guide/guiding-questions\"") && index.contains("version 1.1, published"));
    let (_, arabic_index) = get(&hub, "/guide", "ar");
    assert!(arabic_index.contains("1.1") && arabic_index.contains("Guiding questions"), "English stands in");
    // Exports' title columns too, through the running node's socket.
    let csv = hub.run(&["export", "--format", "csv"]).ok().stdout;
    assert!(csv.contains("Avoid all harm") && !csv.contains("Do no harm"), "{csv}");
    let (_, write) = get(&hub, "/new", "en");
    assert!(write.contains("href=\"/guide/guiding-questions\""), "the Write page points to the questions");

    // A curator the secretariat grants publishes a page from the hub, but no taxonomy.
    let curator = hub.new_identity("curator");
    secretariat.run(&["curator", "grant", &curator]).ok();
    wait_until("the grant reaches the hub", TRAVEL, || hub.run(&["curator", "list"]).ok().stdout.contains(&curator));
    let toolkit = hub.scratch().join("toolkit.md");
    std::fs::write(&toolkit, "Budgets, **line by line**.").unwrap();
    let by_curator = ["--as", "curator", "publish", path_str(&toolkit), "--slug", "toolkit-budgets", "--lang", "fr"];
    hub.run(&[&by_curator[..], &["--title", "Budgets"]].concat()).ok();
    let retitled_by_curator = taxonomy_file(&hub, "curator.json", |taxonomy| taxonomy["version"] = "1.2".into());
    let refused = hub.run(&["--as", "curator", "taxonomy", "publish", path_str(&retitled_by_curator)]);
    assert!(refused.code == 5 && refused.stderr.contains("only the secretariat's key"), "{refused}");
    wait_until("the curator's page reaches the secretariat", TRAVEL, || {
        get(&secretariat, "/guide/toolkit-budgets", "en").1.contains("<strong>line by line</strong>")
    });

    // A retraction travels too.
    secretariat.run(&["publish", "--slug", "guiding-questions", "--lang", "en", "--retract"]).ok();
    wait_until("the retraction reaches the hub", TRAVEL, || get(&hub, "/guide/guiding-questions", "en").0 == 404);
    at_hub.stop();
    at_secretariat.stop();
    // Chosen again when the hub's store opens.
    assert!(hub.run(&["taxonomy", "show"]).ok().stdout.contains("taxonomy 1.1"));
    assert!(hub.run(&["export", "--format", "csv"]).ok().stdout.contains("Avoid all harm"));
}

#[test]
fn the_guide_reads_in_english_on_a_desktop_and_arabic_on_a_phone() {
    let network = Network::create("Guide");
    let secretariat = TestNode::init(&network, true);
    let pages = [
        (
            "en",
            "Guiding questions",
            "## Before the convening\n\n1. Who *benefits*?\n2. Who bears the risk?\n\n\
          | Principle | Question |\n| --- | --- |\n| F1 | What harm could come, and to whom? |\n\n\
          > Read [the toolkit](/guide/toolkit) first.\n\n```\nconvene submit report.json\n```\n",
        ),
        (
            "ar",
            "أسئلة توجيهية",
            "## قبل اللقاء\n\n1. من *المستفيد*؟\n2. من يتحمل المخاطر؟\n\n\
          | المبدأ | السؤال |\n| --- | --- |\n| F1 | ما الضرر الذي قد يقع، ولمن؟ |\n",
        ),
    ];
    for (lang, title, body) in pages {
        let file = secretariat.scratch().join(format!("questions-{lang}.md"));
        std::fs::write(&file, body).unwrap();
        secretariat
            .run(&["publish", path_str(&file), "--slug", "guiding-questions", "--lang", lang, "--title", title])
            .ok();
    }
    let run = secretariat.start(&[]);
    let base = ui_url(&secretariat);
    let browser = Browser::start();
    for ((lang, title, _), (width, height)) in pages.iter().zip([(1280, 900), (390, 844)]) {
        browser.viewport(width, height);
        browser.goto(&format!("{base}/lang/{lang}?back=/new"));
        browser.wait_for("the Write page", |b| b.source().contains(&format!(r#"lang="{lang}""#)));
        browser.click("p.guide-link a");
        browser.wait_for("the guiding questions", |b| b.url().ends_with("/guide/guiding-questions"));
        let heading = browser.execute("return document.querySelector('h1').textContent;", vec![]);
        assert_eq!(heading, *title, "{lang}: the page in the reader's language");
        assert_eq!(browser.find_all("article.guide table th").len(), 2, "{lang}");
        assert_eq!(browser.find_all("header nav a[href='/guide']").len(), 1);
        let found = browser.axe_violations();
        assert!(found.is_empty(), "{lang} page: {}", found.join("\n  "));
        assert_eq!(browser.overflow(), None, "{lang}: nothing cut off");
        browser.goto(&format!("{base}/guide"));
        let version = browser.execute("return document.getElementById('taxonomy-version').textContent;", vec![]);
        assert!(version.as_str().unwrap().contains("1.0"), "{lang}: {version}");
        let found = browser.axe_violations();
        assert!(found.is_empty(), "{lang} index: {}", found.join("\n  "));
        assert_eq!(browser.overflow(), None, "{lang}: nothing cut off");
    }
    drop(browser);
    run.stop();
}
