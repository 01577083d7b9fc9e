//! The web UI in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs) against real
//! `convene node run` processes on 127.0.0.1.

use std::time::Duration;

use convene_tests::browser::Browser;
use convene_tests::{Network, TestNode, wait_until};
use serde_json::Value;

/// The web UI's address, from the running node's `node.json`.
fn ui_url(node: &TestNode) -> String {
    let text = std::fs::read_to_string(node.data_dir().join("node.json")).expect("node.json");
    let running: Value = serde_json::from_str(&text).expect("node.json is JSON");
    running["url"].as_str().expect("a url").trim_end_matches('/').to_owned()
}

/// Fills the convening report form with `title` (everything else valid).
fn fill_report(browser: &Browser, title: &str) {
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
    browser.type_in("#f-quote-1", "Nobody should be turned away at the clinic.");
    browser.click("input[name=consent_to_publish][value=yes]");
}

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
        browser.type_in("#f-context", "The power went out while I was typing.");
        // The script saves the draft as the convener types.
        browser.wait_for("autosave", |b| {
            b.find_all("#autosave-status").first().is_some_and(|_| {
                b.property("#autosave-status", "textContent").as_str().is_some_and(|text| text.starts_with('✔'))
            })
        });
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
