//! The public showcase between real processes: a hub's conveners submit,
//! the secretariat's node receives by sync and curates; `convene showcase`
//! (run while the secretariat's node runs) writes only what is published
//! with consent and not hidden, of a kind with enough submissions, names
//! no author, organisation, contact or locality, and generalises a country
//! whose count is small to its region. The site opens from disk in a real
//! browser, in English and in Arabic, with no axe-core violation.
//!
//! Signed releases: the secretariat signs the showcase and an export; an
//! outsider with no node checks them against the secretariat's pinned key,
//! the secretariat's node also checks authors and consent in its store, and
//! an outsider against a bundle of the entries; a
//! changed, missing or added file, an edited manifest, another key, a
//! symbolic link or a FIFO in the folder and a missing export each fail,
//! saying what.

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use convene_protocol::kinds::{CASE_STUDY, CONVENING_REPORT};
use convene_tests::browser::Browser;
use convene_tests::corpus::lines_of;
use convene_tests::{Network, TestNode, path_str, wait_until};
use serde_json::{Value, json};

const TRAVEL: Duration = Duration::from_secs(60);

/// What the secretariat does with one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Published, consented: in the showcase.
    Shown,
    /// Consented, but only in review.
    InReview,
    /// Published without its author's consent.
    NoConsent,
    /// Published, consented, then hidden by moderation.
    Hidden,
    /// Published, consented, but the only one of its kind.
    LoneKind,
}

/// Eleven submissions: six reports from Kenya and one from Senegal to show,
/// and one of each kind of submission that must stay out.
fn plan() -> Vec<(Fate, &'static str)> {
    let mut plan = vec![(Fate::Shown, "KE"); 6];
    plan.push((Fate::Shown, "SN"));
    plan.extend([(Fate::InReview, "KE"), (Fate::NoConsent, "KE"), (Fate::Hidden, "KE"), (Fate::LoneKind, "KE")]);
    plan
}

/// Marks in identifying fields, none of which may reach the showcase.
fn identifying(i: usize) -> [String; 5] {
    [
        format!("Hostorg{i} Foundation"),
        format!("Localityville{i}"),
        format!("Contactperson{i} Name"),
        format!("contact{i}@example.org"),
        format!("Implementerco{i}"),
    ]
}

fn title(i: usize) -> String {
    format!("Showcase item {i:02}")
}

/// The submissions as JSON lines.
fn lines() -> String {
    let reports: Vec<String> = lines_of(&CONVENING_REPORT, 10, 21).collect();
    let case_study = lines_of(&CASE_STUDY, 1, 22).next().unwrap();
    let mut out = String::new();
    for (i, (fate, country)) in plan().into_iter().enumerate() {
        let line = if fate == Fate::LoneKind { &case_study } else { &reports[i] };
        let mut fields: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
        let [organisation, locality, contact, email, implementer] = identifying(i);
        fields.insert("title".into(), json!(title(i)));
        fields.insert("consent_to_publish".into(), json!(fate != Fate::NoConsent));
        fields.insert("contact".into(), json!({ "name": contact, "email": email }));
        if fate == Fate::LoneKind {
            fields.insert("country".into(), json!(country));
            fields.insert("implementer".into(), json!(implementer));
        } else {
            fields.insert("location".into(), json!({ "country": country, "locality": locality }));
            fields.insert("host_organizations".into(), json!([organisation]));
        }
        out.push_str(&Value::Object(fields).to_string());
        out.push('\n');
    }
    out
}

/// Every file under `dir`, relative path → text.
fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(path.strip_prefix(dir).unwrap().to_owned(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    found
}

/// A copy of folder `from` at `to`.
fn copy_dir(from: &Path, to: &Path) {
    for (path, text) in files(from) {
        let target = to.join(&path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
}

/// Checks a release as an outsider with no node, trusting `key`.
fn verify_outside(path: &Path, key: &str) -> convene_tests::Run {
    TestNode::uninitialised().run(&["release", "verify", path_str(path), "--secretariat", key])
}

/// Tampers with a copy of `site` by `change`; verifying it fails saying `what`.
fn tampered_fails(site: &Path, key: &str, name: &str, change: impl FnOnce(&Path), what: &str) {
    let copy = site.parent().unwrap().join(format!("tampered-{name}"));
    copy_dir(site, &copy);
    change(&copy);
    let run = verify_outside(&copy, key).expect_code(6);
    assert!(run.stderr.contains(what), "{name}: expected {what:?}\n{run}");
}

fn assert_no_axe_violations(browser: &Browser, what: &str) {
    let found = browser.axe_violations();
    assert!(found.is_empty(), "{what} at {}:\n  {}", browser.url(), found.join("\n  "));
}

#[test]
fn the_showcase_shows_only_what_is_published_with_consent_and_names_nobody() {
    let network = Network::create("Showcase");
    let secretariat = TestNode::init(&network, true);
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "Amina Okafor"]).ok();
    let author = hub.run(&["identity", "list", "--json"]).ok().json()[0]["public_key"].as_str().unwrap().to_owned();
    let corpus = hub.scratch().join("showcase.jsonl");
    std::fs::write(&corpus, lines()).unwrap();
    hub.run(&["import", path_str(&corpus)]).ok();
    let listed = hub.run(&["list", "--json", "--limit", "0"]).ok().json();
    let id_of = |i: usize| {
        let rows = listed["rows"].as_array().unwrap();
        rows.iter().find(|row| row["title"] == title(i).as_str()).unwrap_or_else(|| panic!("{listed}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let ids: Vec<String> = (0..plan().len()).map(id_of).collect();

    let at_secretariat = secretariat.start(&[]);
    let at_hub = hub.start(&[secretariat.p2p_addr()]);
    wait_until("every submission reaches the secretariat", TRAVEL, || secretariat.ids().len() == ids.len());
    for (i, (fate, _)) in plan().into_iter().enumerate() {
        let status = if fate == Fate::InReview { "in_review" } else { "published" };
        secretariat.run(&["curate", &ids[i], "--status", status]).ok();
        if fate == Fate::Hidden {
            secretariat.run(&["hide", &ids[i], "--reason", "abuse"]).ok();
        }
    }

    // Refused before anything is written: a threshold that gives counts
    // away, a language it has no words in, a folder that holds something.
    let site = secretariat.scratch().join("site");
    let refused = secretariat.run(&["showcase", "--out", path_str(&site), "--min-cell", "1"]).expect_code(2);
    assert!(refused.stderr.contains("--min-cell 1"), "{refused}");
    secretariat.run(&["showcase", "--out", path_str(&site), "--lang", "de"]).expect_code(2);
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("old.html"), "old").unwrap();
    let full = secretariat.run(&["showcase", "--out", path_str(&site)]).expect_code(2);
    assert!(full.stderr.contains("not empty"), "{full}");
    std::fs::remove_file(site.join("old.html")).unwrap();

    // While the node runs: the rows come over its socket.
    let written = secretariat.run(&["showcase", "--out", path_str(&site)]).ok();
    assert!(written.stderr.contains("showcase of 7 submissions"), "{written}");
    let pages = files(&site);
    let items: Vec<&PathBuf> = pages.keys().filter(|path| path.starts_with("items")).collect();
    assert_eq!(items.len(), 7, "{:?}", pages.keys());
    assert!(pages.contains_key(Path::new("index.html")) && pages.contains_key(Path::new("figures.html")));
    assert!(pages.contains_key(Path::new("style.css")));
    let index = &pages[Path::new("index.html")];
    for (i, (fate, _)) in plan().into_iter().enumerate() {
        assert_eq!(index.contains(&title(i)), fate == Fate::Shown, "{fate:?} {}", title(i));
    }

    // Nobody is named, nothing is loaded from elsewhere, nothing runs.
    for (path, text) in &pages {
        let mut forbidden: Vec<String> = (0..plan().len()).flat_map(identifying).collect();
        forbidden.extend([author.clone(), "did:key".to_owned(), "<script".to_owned(), "http://".to_owned()]);
        forbidden.extend(["https://".to_owned(), "src=\"/".to_owned(), "href=\"/".to_owned()]);
        // Senegal's one submission is counted with Africa's, and shown so.
        forbidden.push("Senegal".to_owned());
        for word in &forbidden {
            assert!(!text.contains(word.as_str()), "{} holds {word:?}", path.display());
        }
    }
    let figures = &pages[Path::new("figures.html")];
    assert!(figures.contains("Kenya") && figures.contains("fewer than 5"), "{figures}");
    let senegal_page = items.iter().map(|path| &pages[*path]).find(|page| page.contains(&title(6))).unwrap();
    assert!(senegal_page.contains("<dd>Africa</dd>"), "{senegal_page}");

    // The same from the store, the node stopped, in Arabic.
    at_hub.stop();
    at_secretariat.stop();
    check_releases(&network, &secretariat, &site, &author);
    let arabic = secretariat.scratch().join("site-ar");
    secretariat.run(&["showcase", "--out", path_str(&arabic), "--lang", "ar"]).ok();
    let arabic_index = std::fs::read_to_string(arabic.join("index.html")).unwrap();
    assert!(arabic_index.contains(r#"<html lang="ar" dir="rtl">"#), "{arabic_index}");

    // Opened from disk in a browser: every page passes axe-core, on a
    // desktop in English and on a phone in Arabic, nothing cut off.
    let browser = Browser::start();
    for (dir, phone) in [(&site, false), (&arabic, true)] {
        if phone {
            browser.viewport(390, 844);
        }
        for page in ["index.html", "figures.html", "items/1.html", "items/7.html"] {
            let url = format!("file://{}", dir.join(page).display());
            browser.goto(&url);
            browser.wait_for("the page", |b| b.source().contains("</main>"));
            assert_no_axe_violations(&browser, page);
            assert_eq!(browser.overflow(), None, "nothing cut off in {page}");
        }
        browser.goto(&format!("file://{}", dir.join("items/1.html").display()));
        browser.click("header nav a.brand");
        browser.wait_for("the index, by a relative link", |b| b.url().ends_with("/index.html"));
    }
}

/// Signs the showcase `site` and an export, and checks them as an outsider
/// and on the secretariat's node; tampering fails.
fn check_releases(network: &Network, secretariat: &TestNode, site: &Path, author: &str) {
    let genesis: Value = serde_json::from_str(&std::fs::read_to_string(network.genesis()).unwrap()).unwrap();
    let key = genesis["secretariat_signing_key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("did:key:"), "{genesis}");
    let refused = TestNode::uninitialised().run(&["release", "create", path_str(site)]).expect_code(5);
    assert!(refused.stderr.contains("only the secretariat's node signs releases"), "{refused}");

    let created = secretariat.run(&["release", "create", path_str(site)]).ok();
    assert!(created.stdout.contains("7 items"), "{created}");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(site.join("release.json")).unwrap()).unwrap();
    assert_eq!(manifest["secretariat"], key.as_str());
    assert_eq!(manifest["files"].as_object().unwrap().len(), 10, "style, index, figures, seven items: {manifest}");

    // An outsider, no node: the signature, the files, the root, the items;
    // not the authors, and it says so.
    let outside = verify_outside(site, &key).ok();
    assert!(outside.stdout.contains(&format!("trusting {key} (given with --secretariat)")), "{outside}");
    assert!(outside.stdout.contains("authors and consent: NOT checked"), "{outside}");
    assert!(outside.stdout.contains("who signed them, consent and the pages' text were not checked"), "{outside}");
    // No key to trust: refused; another key: fails.
    TestNode::uninitialised().run(&["release", "verify", path_str(site)]).expect_code(2);
    let other = verify_outside(site, author).expect_code(6);
    assert!(other.stderr.contains("not by the key you trust"), "{other}");

    // The secretariat's node: its genesis is the key, its store the authors.
    let inside = secretariat.run(&["release", "verify", path_str(site)]).ok();
    assert!(inside.stdout.contains("this node's genesis"), "{inside}");
    assert!(inside.stdout.contains("7 items checked against this node's store"), "{inside}");
    assert!(inside.stdout.contains("with their consent to publish"), "{inside}");
    let proven = "every item's entries are listed, signed by its author or a co-author, and carry consent; each \
                  page's title is the one they build; the pages' other text is not compared with them";
    assert!(inside.stdout.contains(proven), "{inside}");

    // A page whose title is not the one its entries build, signed all the
    // same: the secretariat's node finds it out.
    let retitled = site.parent().unwrap().join("retitled");
    copy_dir(site, &retitled);
    let page = retitled.join("items/1.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let heading = html.find("<h1").unwrap();
    let title = &html[heading..][..html[heading..].find("</h1>").unwrap()];
    let title = &title[title.find('>').unwrap() + 1..];
    assert!(title.starts_with("Showcase item "), "{html}");
    let changed = format!("{}{}", &html[..heading], html[heading..].replacen(title, "Another title", 1));
    std::fs::write(&page, changed).unwrap();
    secretariat.run(&["release", "create", path_str(&retitled)]).ok();
    let wrong = secretariat.run(&["release", "verify", path_str(&retitled)]).expect_code(6);
    assert!(wrong.stderr.contains(&format!("is titled \"Another title\", not \"{title}\"")), "{wrong}");

    tampered_fails(
        site,
        &key,
        "byte",
        |copy| {
            let page = copy.join("items/3.html");
            let mut bytes = std::fs::read(&page).unwrap();
            let at = bytes.len() / 2;
            bytes[at] ^= 1;
            std::fs::write(page, bytes).unwrap();
        },
        "items/3.html was changed",
    );
    tampered_fails(
        site,
        &key,
        "missing",
        |copy| std::fs::remove_file(copy.join("figures.html")).unwrap(),
        "figures.html is missing",
    );
    tampered_fails(
        site,
        &key,
        "added",
        |copy| std::fs::write(copy.join("extra.html"), "<p>hi</p>").unwrap(),
        "extra.html is not in the release",
    );
    tampered_fails(
        site,
        &key,
        "manifest",
        |copy| {
            let path = copy.join("release.json");
            let text = std::fs::read_to_string(&path).unwrap();
            let hash = manifest["files"]["index.html"].as_str().unwrap();
            std::fs::write(&path, text.replace(hash, &"0".repeat(64))).unwrap();
        },
        "signature does not verify",
    );

    // No link is followed and no special file read: each is refused, named,
    // at once (a link to /dev/zero or a FIFO read would never end).
    let link = |target: &'static str, name: &'static str| move |copy: &Path| symlink(target, copy.join(name)).unwrap();
    let not_a_file = "is a symbolic link, not a file: a release holds regular files only";
    tampered_fails(site, &key, "link", link("/dev/zero", "z.html"), &format!("z.html {not_a_file}"));
    tampered_fails(site, &key, "link-root", link("/", "r"), &format!("r {not_a_file}"));
    tampered_fails(site, &key, "link-loop", link(".", "items/a"), &format!("items/a {not_a_file}"));
    tampered_fails(site, &key, "link-dangling", link("gone.html", "d.html"), &format!("d.html {not_a_file}"));
    tampered_fails(
        site,
        &key,
        "fifo",
        |copy| assert!(Command::new("mkfifo").arg(copy.join("f.html")).status().unwrap().success()),
        "f.html is a special file (a FIFO, socket or device), not a file",
    );
    tampered_fails(
        site,
        &key,
        "manifest-link",
        |copy| {
            std::fs::remove_file(copy.join("release.json")).unwrap();
            symlink("/dev/zero", copy.join("release.json")).unwrap();
        },
        &format!("release.json {not_a_file}"),
    );
    let linked = site.parent().unwrap().join("linked");
    copy_dir(site, &linked);
    symlink("/etc/passwd", linked.join("p.html")).unwrap();
    let refused = secretariat.run(&["release", "create", path_str(&linked)]).expect_code(2);
    assert!(refused.stderr.contains(&format!("p.html {not_a_file}")), "{refused}");

    // An export file, signed and checked the same way.
    let export = secretariat.scratch().join("corpus.jsonl");
    secretariat.run(&["export", "--format", "jsonl", "--out", path_str(&export)]).ok();
    let rows = std::fs::read_to_string(&export).unwrap().lines().count();
    let created = secretariat.run(&["release", "create", path_str(&export)]).ok();
    assert!(created.stdout.contains(&format!("{rows} items")), "{created}");
    let signed = secretariat.scratch().join("corpus.jsonl.release.json");
    assert!(signed.exists());
    verify_outside(&export, &key).ok();
    let inside = secretariat.run(&["release", "verify", path_str(&export)]).ok();
    assert!(inside.stdout.contains(&format!("{rows} items checked")), "{inside}");
    std::fs::write(&export, std::fs::read_to_string(&export).unwrap().replacen("2", "3", 1)).unwrap();
    let changed = verify_outside(&export, &key).expect_code(6);
    assert!(changed.stderr.contains("corpus.jsonl was changed"), "{changed}");
    // The export gone, its manifest left: a failed check naming it, not an error.
    std::fs::remove_file(&export).unwrap();
    let gone = verify_outside(&export, &key).expect_code(6);
    assert!(gone.stderr.contains(&format!("cannot read {}", export.display())), "{gone}");

    // A CSV export is not one a release covers: said before anything is signed.
    let csv = secretariat.scratch().join("corpus.csv");
    secretariat.run(&["export", "--format", "csv", "--out", path_str(&csv)]).ok();
    let refused = secretariat.run(&["release", "create", path_str(&csv)]).expect_code(2);
    assert!(refused.stderr.contains("export --format jsonl"), "{refused}");
    assert!(!secretariat.scratch().join("corpus.csv.release.json").exists());
}
