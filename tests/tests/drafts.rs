//! Drafts in a real browser (headless Chromium against a real node), the
//! way a convener meets them: one draft per form being written, however
//! often a submit fails; none left once the submission is stored, however
//! quickly after the last keystroke it was sent; none once it is withdrawn.

use convene_tests::browser::{Browser, fill_report, ui_url};
use convene_tests::{Network, TestNode};
use serde_json::Value;

/// The node's drafts as `(kind, title)`, read from the drafts folder.
fn drafts(node: &TestNode) -> Vec<(String, String)> {
    let Ok(dir) = std::fs::read_dir(node.data_dir().join("drafts")) else { return Vec::new() };
    let files = dir.map(|entry| entry.unwrap().path()).filter(|path| path.extension().is_some_and(|ext| ext == "json"));
    files
        .map(|path| {
            let draft: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let title = draft["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|pair| pair[0] == "title")
                .map_or(String::new(), |pair| pair[1].as_str().unwrap().to_owned());
            (draft["kind"].as_str().unwrap().to_owned(), title)
        })
        .collect()
}

#[test]
fn one_draft_per_form_and_none_once_stored_or_withdrawn() {
    let network = Network::create("Drafts");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let run = hub.start(&[]);
    let base = ui_url(&hub);
    let browser = Browser::start();

    // A submit that fails twice: one draft, which the drafts page lists
    // with what it is and when it was last saved.
    browser.goto(&format!("{base}/new/convening_report"));
    browser.type_in("#f-title", "Failed twice");
    browser.type_in("#f-summary", "Only a summary so far.");
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the form with its messages", |b| b.source().contains(r#"class="errors""#));
    browser.type_in("#f-locality", "Kisumu");
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the form with its messages again", |b| {
        b.source().contains(r#"class="errors""#) && b.property("#f-locality", "value") == "Kisumu"
    });
    std::thread::sleep(std::time::Duration::from_secs(3)); // any autosave lands
    assert_eq!(drafts(&hub), [("convening_report".to_owned(), "Failed twice".to_owned())]);
    browser.goto(&format!("{base}/drafts"));
    let page = browser.source();
    assert_eq!(page.matches("Failed twice").count(), 1, "{page}");
    assert!(page.contains("Convening report") && page.contains("Last saved"), "{page}");

    // Finished and submitted: its draft goes.
    browser.click("ul.drafts a.button");
    browser.wait_for("the resumed form", |b| b.url().contains("draft="));
    fill_report(&browser, " and then sent");
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the stored submission", |b| b.url().contains("/s/"));
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(drafts(&hub), [], "the draft goes once its submission is stored");

    // Submitted at once after the last keystroke (the autosave still in
    // flight): no draft left behind.
    browser.goto(&format!("{base}/new/convening_report"));
    fill_report(&browser, "Sent in a hurry");
    browser.execute("document.querySelector('button[name=action][value=submit]').click();", vec![]);
    browser.wait_for("the stored submission", |b| b.url().contains("/s/"));
    let stored = browser.url();
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(drafts(&hub), [], "a quick submit leaves no draft");

    // A draft of the same text kept by hand is erased when the submission
    // is withdrawn, and gone from the page.
    browser.goto(&format!("{base}/new/convening_report"));
    fill_report(&browser, "Sent in a hurry");
    browser.click("button[name=action][value=save_draft]");
    browser.wait_for("the saved draft", |b| b.url().contains("saved=true"));
    assert_eq!(drafts(&hub).len(), 1);
    browser.goto(&stored);
    browser.click("a.button.danger");
    browser.wait_for("the confirmation", |b| b.url().contains("/withdraw"));
    browser.click("button.danger[type=submit]");
    browser.wait_for("the withdrawal", |b| b.source().contains("Withdrawn."));
    assert_eq!(drafts(&hub), [], "withdrawn: its text and contact stay nowhere");
    browser.goto(&format!("{base}/drafts"));
    assert!(!browser.source().contains("Sent in a hurry"));
    drop(browser);
    run.stop();
}
