//! The dashboard in a real browser (headless Chromium against a real node
//! holding a small generated corpus), in English at desktop size and in
//! Arabic on a 390 × 844 phone: its tables give the corpus's own numbers
//! (counted here from the corpus file), a filter chosen in the form changes
//! them, each CSV link gives the same numbers, the charts are images with a
//! name (mirrored right to left in Arabic), axe-core finds nothing and
//! nothing is cut off.

use std::collections::BTreeMap;

use convene_tests::browser::{Browser, ui_url};
use convene_tests::{Network, TestNode, generate_corpus};
use serde_json::Value;

type Numbers = BTreeMap<String, u64>;

/// The corpus's submissions.
fn corpus(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("the corpus");
    text.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect()
}

fn country(submission: &Value) -> &str {
    submission["country"].as_str().or(submission["location"]["country"].as_str()).expect("every one has a country")
}

/// Counts of the submissions passing `keep`, by what `values` gives of each.
fn count<'a>(
    submissions: &'a [Value],
    keep: impl Fn(&Value) -> bool,
    values: impl Fn(&'a Value) -> Vec<&'a str>,
) -> Numbers {
    let mut numbers = Numbers::new();
    for submission in submissions.iter().filter(|submission| keep(submission)) {
        for value in values(submission) {
            *numbers.entry(value.to_owned()).or_default() += 1;
        }
    }
    numbers
}

/// A submission's principles; with none, the table's line for none (its
/// code is empty).
fn principles(submission: &Value) -> Vec<&str> {
    let codes: Vec<&str> =
        submission["principles"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if codes.is_empty() { vec![""] } else { codes }
}

/// A count as the page shows it, in any of its languages (`1,234`).
fn digits(text: &str) -> u64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("a count: {text:?}"))
}

/// The table of section `slug` as the browser shows it: code → count, rows
/// with a count of 0 left out (the corpus counts only what it has).
fn table(browser: &Browser, slug: &str) -> Numbers {
    let rows = browser.execute(
        "return [...document.querySelectorAll(`#${arguments[0]} tbody tr`)]
            .map((tr) => [tr.dataset.code, tr.querySelector('td').textContent]);",
        vec![Value::from(slug)],
    );
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|row| (row[0].as_str().unwrap_or_default().to_owned(), digits(row[1].as_str().unwrap_or_default())))
        .filter(|(_, count)| *count > 0)
        .collect()
}

/// The numbers of section `slug`'s CSV, fetched from the link the page gives.
fn csv(browser: &Browser, base: &str, slug: &str) -> Numbers {
    let href = browser.property(&format!("#{slug} a.csv"), "href");
    let href = href.as_str().expect("a link");
    assert!(href.starts_with(base), "{href}");
    let response = reqwest::blocking::get(href).expect("the CSV");
    assert!(response.status().is_success(), "{href}: {}", response.status());
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let text = response.text().expect("text");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("code,title,count"));
    lines
        .map(|line| {
            let (code, rest) = line.split_once(',').expect("three cells");
            (code.to_owned(), rest.rsplit(',').next().unwrap().parse::<u64>().expect("a count"))
        })
        .filter(|(_, count)| *count > 0)
        .collect()
}

fn assert_no_axe_violations(browser: &Browser, what: &str) {
    let found = browser.axe_violations();
    assert!(found.is_empty(), "{what} at {}:\n  {}", browser.url(), found.join("\n  "));
}

/// Chooses `kind` in the filters and sends the form.
fn filter_by_kind(browser: &Browser, kind: &str) {
    browser.click("details.more-filters summary");
    browser.click(&format!("#q-kind option[value={kind}]"));
    browser.click("details.more-filters button[type=submit]");
    browser.wait_for("the filtered dashboard", |b| b.url().contains(&format!("kind={kind}")));
}

#[test]
fn the_dashboard_counts_the_corpus_under_its_filters_in_english_and_arabic() {
    let network = Network::create("Dashboard");
    let node = TestNode::init(&network, true);
    node.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let path = generate_corpus(&node.scratch(), 60, 11);
    node.run(&["import", path.to_str().unwrap()]).ok();
    let submissions = corpus(&path);
    let all = |_: &Value| true;
    let by_kind = count(&submissions, all, |s| vec![s["kind"].as_str().unwrap()]);
    let by_country = count(&submissions, all, |s| vec![country(s)]);
    let by_principle = count(&submissions, all, principles);
    assert!(by_kind.len() == 2 && by_country.len() > 5, "the corpus varies: {by_kind:?} {by_country:?}");

    let run = node.start(&[]);
    let base = ui_url(&node);
    let browser = Browser::start();

    // English, desktop: everything, then case studies only.
    browser.goto(&format!("{base}/lang/en?back=/dashboard"));
    browser.wait_for("the dashboard in English", |b| b.source().contains(r#"lang="en""#));
    assert!(browser.find_all("header nav a[href='/dashboard']").len() == 1, "the navigation leads here");
    assert_eq!(digits(browser.property("#dashboard-total", "textContent").as_str().unwrap()), 60);
    assert_eq!(table(&browser, "kinds"), by_kind);
    assert_eq!(table(&browser, "countries"), by_country);
    assert_eq!(table(&browser, "principles"), by_principle);
    assert_eq!(table(&browser, "regions").values().sum::<u64>(), 60, "every country lies in a region");
    assert_eq!(csv(&browser, &base, "countries"), by_country);
    assert_eq!(browser.find_all("section.dimension svg[role=img] title").len(), 10, "ten charts, each named");
    assert_no_axe_violations(&browser, "the dashboard");
    assert_eq!(browser.overflow(), None, "nothing cut off");

    filter_by_kind(&browser, "case_study");
    let case_study = |s: &Value| s["kind"] == "case_study";
    let case_countries = count(&submissions, case_study, |s| vec![country(s)]);
    assert_ne!(case_countries, by_country);
    assert_eq!(table(&browser, "kinds"), count(&submissions, case_study, |s| vec![s["kind"].as_str().unwrap()]));
    assert_eq!(table(&browser, "countries"), case_countries);
    assert_eq!(table(&browser, "principles"), count(&submissions, case_study, principles));
    assert_eq!(csv(&browser, &base, "countries"), case_countries, "the CSV keeps the filter");
    assert_eq!(csv(&browser, &base, "principles"), count(&submissions, case_study, principles));
    assert_no_axe_violations(&browser, "the filtered dashboard");

    // Arabic, a phone: right to left, bars grown from the right.
    browser.viewport(390, 844);
    browser.goto(&format!("{base}/lang/ar?back=/dashboard"));
    browser.wait_for("the dashboard in Arabic", |b| b.source().contains(r#"lang="ar""#));
    assert_eq!(browser.find_all("html[dir=rtl]").len(), 1);
    assert_eq!(table(&browser, "countries"), by_country);
    let bar = browser.execute(
        "const bar = document.querySelector('#kinds svg rect.bar');
         return [Number(bar.getAttribute('x')) + Number(bar.getAttribute('width')), bar.getBoundingClientRect().right,
                 bar.ownerSVGElement.getBoundingClientRect().right];",
        vec![],
    );
    assert_eq!(bar[0].as_f64(), Some(360.0), "the bar ends at the drawing's right edge: {bar}");
    assert!((bar[1].as_f64().unwrap() - bar[2].as_f64().unwrap()).abs() < 1.0, "and at the chart's: {bar}");
    assert_no_axe_violations(&browser, "the dashboard in Arabic");
    assert_eq!(browser.overflow(), None, "nothing cut off on a phone");

    filter_by_kind(&browser, "convening_report");
    let report = |s: &Value| s["kind"] == "convening_report";
    assert_eq!(table(&browser, "countries"), count(&submissions, report, |s| vec![country(s)]));
    assert_eq!(csv(&browser, &base, "principles"), count(&submissions, report, principles));
    assert_no_axe_violations(&browser, "the filtered dashboard in Arabic");
    assert_eq!(browser.overflow(), None, "nothing cut off on a phone, filters open");
    drop(browser);
    run.stop();
}
