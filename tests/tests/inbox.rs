//! The secretariat's inbox and a submission's curation in a real browser
//! (headless Chromium against the secretariat's real node), in English on a
//! desktop and in Arabic on a 390 × 844 phone: ticked submissions get a
//! status and a tag together, the filter by status finds them, the
//! submission page's form curates and hides one; axe-core finds nothing
//! and nothing is cut off.

use convene_tests::browser::{Browser, ui_url};
use convene_tests::{Network, TestNode, generate_corpus};
use serde_json::Value;

fn desk(node: &TestNode, id: &str) -> Value {
    node.run(&["show", id, "--json"]).ok().json()["desk"].clone()
}

fn rows(browser: &Browser) -> usize {
    browser.find_all("#inbox tbody tr").len()
}

fn assert_clean(browser: &Browser, what: &str) {
    let found = browser.axe_violations();
    assert!(found.is_empty(), "{what} at {}:\n  {}", browser.url(), found.join("\n  "));
    assert_eq!(browser.overflow(), None, "{what}: nothing cut off");
}

#[test]
fn the_inbox_curates_picked_submissions_and_a_page_curates_and_hides_one_in_english_and_arabic() {
    let network = Network::create("Inbox");
    let node = TestNode::init(&network, true);
    node.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let path = generate_corpus(&node.scratch(), 8, 21);
    node.run(&["import", path.to_str().unwrap()]).ok();
    node.run(&["tags", "add", "payments", "--title", "Payments"]).ok();
    let ids: Vec<String> = node.ids().into_iter().collect();
    let run = node.start(&[]);
    let base = ui_url(&node);
    let browser = Browser::start();

    // English, desktop: all 8 are new; two picked get a status and a tag.
    browser.goto(&format!("{base}/lang/en?back=/inbox"));
    browser.wait_for("the inbox in English", |b| b.source().contains(r#"lang="en""#));
    assert_eq!(browser.find_all("header nav a[href='/inbox']").len(), 1, "the secretariat's menu leads here");
    assert_eq!(rows(&browser), 8);
    assert_clean(&browser, "the inbox");
    for id in &ids[..2] {
        browser.click(&format!("#pick-{id}"));
    }
    browser.click("#f-bulk-status option[value=in_review]");
    browser.click("#f-tag option[value=payments]");
    browser.click("fieldset button[type=submit]");
    browser.wait_for("the change done", |b| b.url().contains("done=2"));
    for id in &ids[..2] {
        let desk = desk(&node, id);
        assert_eq!((&desk["status"], &desk["tags"][0]), (&Value::from("in_review"), &Value::from("payments")), "{id}");
    }
    assert!(desk(&node, &ids[2])["status"].is_null(), "only the picked ones");
    browser.goto(&format!("{base}/inbox?status=in_review"));
    assert_eq!(rows(&browser), 2);
    browser.goto(&format!("{base}/inbox?status=new"));
    assert_eq!(rows(&browser), 6);

    // Arabic, a phone: the inbox, then one submission curated and hidden from its page.
    browser.viewport(390, 844);
    browser.goto(&format!("{base}/lang/ar?back=/inbox"));
    browser.wait_for("the inbox in Arabic", |b| b.source().contains(r#"lang="ar""#));
    assert_eq!(browser.find_all("html[dir=rtl]").len(), 1);
    assert_eq!(rows(&browser), 8);
    assert_clean(&browser, "the inbox in Arabic");

    let id = &ids[3];
    browser.goto(&format!("{base}/s/{id}"));
    assert_clean(&browser, "a submission with the desk's forms, in Arabic");
    browser.click("#f-status option[value=published]");
    browser.type_in("#f-note", "اطلب الشرائح");
    browser.click("form.desk[action$='/curate'] button[type=submit]");
    // Read by a script: the page is replaced under it as the form is sent.
    let status = |b: &Browser| b.execute("return document.querySelector('#desk-status')?.textContent;", vec![]);
    browser.wait_for("the status shown", |b| status(b).as_str() == Some("منشور"));
    assert_eq!(desk(&node, id)["status"], "published");
    assert!(browser.source().contains("اطلب الشرائح"), "the note, opened on the secretariat's node");

    browser.click("#f-reason option[value=spam]");
    browser.click("form.desk[action$='/moderate'] button[type=submit]");
    browser.wait_for("the page says it is hidden", |b| !b.find_all("#desk-hidden").is_empty());
    assert!(!node.ids().contains(id), "gone from the list");
    assert_clean(&browser, "a hidden submission, in Arabic");
    drop(browser);
    run.stop();
}
