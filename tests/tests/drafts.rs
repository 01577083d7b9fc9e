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
fn one_draft_per_form_and_none_once_stored_or_withdrawn_in_english_and_arabic() {
    let network = Network::create("Drafts");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let run = hub.start(&[]);
    let base = ui_url(&hub);
    let browser = Browser::start();
    // English on a desktop, Arabic on a phone: (language, phone, the words "last saved").
    for (lang, phone, last_saved) in [("en", false, "Last saved"), ("ar", true, "آخر حفظ")] {
        if phone {
            browser.viewport(390, 844);
        }
        browser.goto(&format!("{base}/lang/{lang}?back=/drafts"));
        browser.wait_for("the page in its language", |b| b.source().contains(&format!(r#"lang="{lang}""#)));
        drafts_behave(&browser, &hub, &base, &format!("({lang})"), last_saved);
    }
    drop(browser);
    run.stop();
}

/// The three cases, with titles ending in `tag`.
fn drafts_behave(browser: &Browser, hub: &TestNode, base: &str, tag: &str, last_saved: &str) {
    let (failed, hurried) = (format!("Failed twice {tag}"), format!("Sent in a hurry {tag}"));

    // A submit that fails twice: one draft, which the drafts page lists
    // with what it is and when it was last saved.
    browser.goto(&format!("{base}/new/convening_report"));
    browser.type_in("#f-title", &failed);
    browser.type_in("#f-summary", "Only a summary so far.");
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the form with its messages", |b| b.source().contains(r#"class="errors""#));
    browser.type_in("#f-locality", "Kisumu");
    // The page answering the second submit is a new document: marked apart.
    browser.execute("window.before = true;", vec![]);
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the form with its messages again", |b| {
        let fresh = "return !window.before && document.readyState === 'complete' \
                     && document.getElementById('errors') !== null \
                     && document.getElementById('f-locality').value;";
        b.execute(fresh, vec![]) == "Kisumu"
    });
    std::thread::sleep(std::time::Duration::from_secs(3)); // any autosave lands
    assert_eq!(drafts(hub), [("convening_report".to_owned(), failed.clone())]);
    browser.goto(&format!("{base}/drafts"));
    let items = browser.find_all("ul.drafts > li");
    assert_eq!(items.len(), 1, "{}", browser.source());
    let page = browser.source();
    assert!(page.contains(&failed) && page.contains(last_saved) && page.contains("<time"), "{page}");

    // Finished and submitted: its draft goes.
    browser.click("ul.drafts a.button");
    browser.wait_for("the resumed form", |b| b.url().contains("draft="));
    fill_report(browser, " and then sent");
    browser.click("button[name=action][value=submit]");
    browser.wait_for("the stored submission", |b| b.url().contains("/s/"));
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(drafts(hub), [], "the draft goes once its submission is stored");

    // Submitted at once after the last keystroke (the autosave still in
    // flight): no draft left behind.
    browser.goto(&format!("{base}/new/convening_report"));
    fill_report(browser, &hurried);
    browser.execute("document.querySelector('button[name=action][value=submit]').click();", vec![]);
    browser.wait_for("the stored submission", |b| b.url().contains("/s/"));
    let stored = browser.url();
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(drafts(hub), [], "a quick submit leaves no draft");

    // A draft of the same text kept by hand is erased when the submission
    // is withdrawn, and gone from the page.
    browser.goto(&format!("{base}/new/convening_report"));
    fill_report(browser, &hurried);
    browser.click("button[name=action][value=save_draft]");
    browser.wait_for("the saved draft", |b| b.url().contains("saved=true"));
    assert_eq!(drafts(hub).len(), 1);
    browser.goto(&stored);
    browser.click("a.button.danger");
    browser.wait_for("the confirmation", |b| b.url().contains("/withdraw"));
    browser.click("button.danger[type=submit]");
    browser.wait_for("the withdrawal", |b| !b.find_all("main p[role=status]").is_empty());
    assert_eq!(drafts(hub), [], "withdrawn: its text and contact stay nowhere");
    browser.goto(&format!("{base}/drafts"));
    assert!(!browser.source().contains(&hurried));
}
