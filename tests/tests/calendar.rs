//! The calendar of convenings from a real node holding a generated corpus:
//! its iCalendar file holds one event per dated announcement, and its page
//! lists each, in English on a desktop and Arabic on a phone, with no axe
//! violation and nothing cut off.

use convene_protocol::kinds::CONVENING_ANNOUNCEMENT;
use convene_tests::browser::{Browser, ui_url};
use convene_tests::{Network, TestNode, corpus, path_str};
use serde_json::Value;

#[test]
fn the_calendar_lists_every_announcement_and_its_file_holds_each_as_an_event() {
    let network = Network::create("Calendar");
    let node = TestNode::init(&network, false);
    node.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let mut lines: Vec<String> = corpus::lines(10, 31).collect();
    lines.extend(corpus::lines_of(&CONVENING_ANNOUNCEMENT, 12, 31));
    let path = node.scratch().join("corpus.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    node.run(&["import", path_str(&path)]).ok();
    let listed = node.run(&["list", "--kind", "convening_announcement", "--limit", "0", "--json"]).ok().json();
    let announced: Vec<(String, String)> = listed["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| Some((row["id"].as_str()?.to_owned(), row["date"].as_str()?.to_owned())))
        .collect();
    assert!(!announced.is_empty(), "the corpus announces convenings: {listed}");

    let run = node.start(&[]);
    let base = ui_url(&node);
    let file = reqwest::blocking::get(format!("{base}/calendar.ics")).expect("the calendar file");
    assert!(file.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let text = file.text().unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"), "{text}");
    assert_eq!(text.matches("BEGIN:VEVENT\r\n").count(), announced.len(), "{text}");
    let unfolded = text.replace("\r\n ", "");
    for (id, date) in &announced {
        let event =
            unfolded.split("BEGIN:VEVENT").find(|event| event.contains(&format!("UID:{id}@convene"))).expect(id);
        assert!(event.contains(&format!("DTSTART;VALUE=DATE:{}", date.replace('-', ""))), "{event}");
    }

    let browser = Browser::start();
    for (lang, width, height) in [("en", 1280, 900), ("ar", 390, 844)] {
        browser.viewport(width, height);
        browser.goto(&format!("{base}/lang/{lang}?back=/calendar"));
        browser.wait_for("the calendar", |b| b.source().contains(&format!(r#"lang="{lang}""#)));
        assert_eq!(browser.find_all("header nav a[href='/calendar']").len(), 1);
        let links = browser.execute(
            "return [...document.querySelectorAll('ol.calendar a')].map((a) => a.getAttribute('href'));",
            vec![],
        );
        let mut shown: Vec<&str> = links.as_array().unwrap().iter().filter_map(Value::as_str).collect();
        shown.sort_unstable();
        let mut expected: Vec<String> = announced.iter().map(|(id, _)| format!("/s/{id}")).collect();
        expected.sort_unstable();
        assert_eq!(shown, expected, "{lang}: every announcement, once");
        let found = browser.axe_violations();
        assert!(found.is_empty(), "{lang}: {}", found.join("\n  "));
        assert_eq!(browser.overflow(), None, "{lang}: nothing cut off");
    }
    drop(browser);
    run.stop();
}
