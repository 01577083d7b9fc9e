//! The submission forms in a real browser (headless Chromium against a real
//! node), in English at desktop size and in Arabic on a 390 × 844 phone:
//! country and language chosen by name in the page's language, required
//! fields marked, and an edit that keeps the sealed contact it cannot show
//! and says which fields it touched. axe-core checks each page.

use convene_tests::browser::{Browser, fill_report, ui_url};
use convene_tests::{Network, TestNode};

/// Sets the value of the field matching `css` to `text` (clearing it first).
fn set(browser: &Browser, css: &str, text: &str) {
    browser.execute(&format!("document.querySelector({css:?}).value = '';"), vec![]);
    browser.type_in(css, text);
}

fn assert_no_axe_violations(browser: &Browser, what: &str) {
    let found = browser.axe_violations();
    assert!(found.is_empty(), "{what} at {}:\n  {}", browser.url(), found.join("\n  "));
}

#[test]
fn a_report_chosen_by_names_and_edited_keeps_its_contact_in_english_and_arabic() {
    let network = Network::create("Forms");
    let node = TestNode::init(&network, true);
    node.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let run = node.start(&[]);
    let base = ui_url(&node);
    let browser = Browser::start();
    for (lang, phone, country, language, country_shown) in
        [("en", false, "Kenya", "Swahili", "Kenya"), ("ar", true, "نيجيريا", "الفرنسية", "نيجيريا")]
    {
        if phone {
            browser.viewport(390, 844);
        }
        browser.goto(&format!("{base}/lang/{lang}?back=/new/convening_report"));
        browser.wait_for("the form in its language", |b| b.source().contains(&format!(r#"lang="{lang}""#)));
        assert!(browser.find_all("[aria-required=true]").len() >= 5, "required fields are marked");
        assert_no_axe_violations(&browser, "the empty form");
        assert_eq!(browser.overflow(), None, "nothing cut off");

        fill_report(&browser, &format!("Convening by names ({lang})"));
        set(&browser, "#f-country", country);
        set(&browser, "#f-language", language);
        browser.click("button[name=action][value=submit]");
        browser.wait_for("the stored submission", |b| b.url().contains("/s/"));
        let page = browser.source();
        assert!(page.contains(&format!("<bdi>{country_shown}</bdi>")), "the country by name:\n{page}");
        assert_no_axe_violations(&browser, "the submission");
        let id = browser.url().split("/s/").nth(1).unwrap().split('?').next().unwrap().to_owned();
        let stored = node.run(&["show", &id, "--json", "--reveal"]).ok().json();
        assert_eq!(stored["contact"]["name"], "Ama Mensah");
        let code = stored["fields"]["location"]["country"].as_str().unwrap().to_owned();
        assert_eq!(code.len(), 2, "stored as its code");

        // Edit: the contact cannot be shown and is not asked for again.
        browser.click("a[href$='/edit']");
        browser.wait_for("the edit form", |b| b.url().ends_with("/edit"));
        assert_eq!(browser.property("#f-country", "value"), country_shown);
        assert_eq!(browser.property("#f-contact_name", "value"), "");
        assert!(browser.find_all(&format!("a[href='/s/{id}']")).len() == 1, "a way back");
        assert_no_axe_violations(&browser, "the edit form");
        let label = browser.property("label[for=f-summary]", "textContent");
        let summary_label = label.as_str().unwrap().split(" (").next().unwrap().to_owned();
        set(&browser, "#f-summary", "A summary written again.");
        browser.click("button[name=action][value=submit]");
        browser.wait_for("the edited submission", |b| b.source().contains("A summary written again."));
        let history = browser.property("ol.history li:last-child", "textContent");
        assert!(history.as_str().unwrap().contains(&summary_label), "which fields the change touched: {history}");
        let edited = node.run(&["show", &id, "--json", "--reveal"]).ok().json();
        assert_eq!(edited["contact"]["name"], "Ama Mensah", "the sealed contact is kept");
    }
    drop(browser);
    run.stop();
}
