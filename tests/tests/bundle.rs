//! Bundles between real `convene` processes: a USB stick is a link. Node A
//! and node B never connect; everything goes by files, through the store
//! directly and through a running node's socket: reports, edits and
//! withdrawals, and the photos attached to them.

use std::path::PathBuf;
use std::time::Duration;

use convene_node::{DataDir, Node};
use convene_tests::photos::photo_with_gps;
use convene_tests::{Network, TestNode, generate_corpus, path_str, wait_until};
use serde_json::{Value, json};

fn hub(network: &Network) -> TestNode {
    let node = TestNode::init(network, false);
    node.run(&["identity", "new", "--name", "convener"]).ok();
    node
}

/// The submissions of a generated corpus, as JSON values.
fn corpus(node: &TestNode, n: usize, seed: u64) -> (String, Vec<Value>) {
    let path = generate_corpus(&node.scratch(), n, seed);
    let lines = std::fs::read_to_string(&path).unwrap();
    let values = lines.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    (path_str(&path).to_owned(), values)
}

fn title_of(node: &TestNode, id: &str) -> String {
    node.run(&["show", id, "--json"]).ok().json()["fields"]["title"].as_str().unwrap().to_owned()
}

#[test]
fn bundles_carry_reports_edits_and_withdrawals_and_a_want_file_carries_only_the_difference() {
    let network = Network::create("Village hall");
    let a = hub(&network);
    let b = TestNode::init(&network, true);
    let (path, first) = corpus(&a, 30, 1);
    a.run(&["import", &path]).ok();

    // Everything, A to B, with no node running.
    let stick = a.scratch().join("stick.bundle");
    let exported = a.run(&["bundle", "export", path_str(&stick), "--json"]).ok().json();
    assert_eq!(exported["entries"], 30, "{exported}");
    let imported = b.run(&["bundle", "import", path_str(&stick), "--json"]).ok().json();
    assert_eq!((imported["new"].as_u64(), imported["refused"].as_u64()), (Some(30), Some(0)), "{imported}");
    assert_eq!(b.ids(), a.ids());
    b.run(&["verify"]).ok();

    // B runs now: its want file and the next import go through its socket.
    // B is the secretariat's node: it acknowledges the 30 in one receipt.
    let running_b = b.start(&[]);
    wait_until("B's receipt", Duration::from_secs(30), || {
        b.run(&["status", "--json"]).ok().json()["store"]["entries"] == 31
    });
    let want = b.scratch().join("b.want");
    let wanted = b.run(&["bundle", "want", path_str(&want), "--json"]).ok().json();
    assert_eq!(wanted["ids"], 31, "{wanted}");
    assert_eq!(wanted["bytes"], 12 + 1 + 32 + 8 + 8 + 31 * 32 + 8 + 32, "{wanted}");

    // More at A: five new reports, an edit (the CLI has no edit command:
    // the library signs it) and a withdrawal.
    let (path, _) = corpus(&a, 5, 2);
    a.run(&["import", &path]).ok();
    let edited_id = {
        let node = Node::open(DataDir::new(a.data_dir())).unwrap();
        let (_, author) = node.data_dir().identity(None).unwrap();
        let id = node.submit(&author, &first[0]).unwrap().id;
        let mut input = first[0].clone();
        input["title"] = json!("Edited on the way to town");
        node.edit(&author, &id, &input).unwrap().unwrap();
        id.to_string()
    };
    let withdrawn = b.ids().into_iter().find(|id| *id != edited_id).unwrap();
    let withdrawn_title = title_of(&a, &withdrawn);
    assert_eq!(title_of(&b, &withdrawn), withdrawn_title);
    a.run(&["withdraw", &withdrawn, "--reason", "published by mistake"]).ok();

    let difference = a.scratch().join("difference.bundle");
    let exported = a.run(&["bundle", "export", path_str(&difference), "--want", path_str(&want), "--json"]).ok().json();
    assert_eq!(exported["entries"], 5 + 1 + 1, "only what B lacks: {exported}");
    let imported = b.run(&["bundle", "import", path_str(&difference), "--json"]).ok().json();
    assert_eq!(imported["new"], 7, "{imported}");
    assert_eq!(b.ids(), a.ids());
    assert_eq!(title_of(&b, &edited_id), "Edited on the way to town");
    let gone = b.run(&["show", &withdrawn]).expect_code(5);
    assert!(gone.stderr.contains("withdrawn"), "{gone}");
    b.run(&["verify"]).ok();
    running_b.stop();
    let listing = b.run(&["list", "--json", "--limit", "0"]).ok().stdout;
    assert!(!listing.contains(&withdrawn_title), "the withdrawn report is gone at B");

    // Split into parts: any order imports.
    let parts = a.scratch().join("parts.bundle");
    let exported = a.run(&["bundle", "export", path_str(&parts), "--part-size", "1M", "--json"]).ok().json();
    let files: Vec<String> =
        exported["files"].as_array().unwrap().iter().map(|file| file.as_str().unwrap().to_owned()).collect();
    assert!(files[0].ends_with("parts.bundle.001"), "{exported}");
    let c = TestNode::init(&network, false);
    let mut args = vec!["bundle", "import"];
    args.extend(files.iter().rev().map(String::as_str));
    let imported = c.run(&args).ok();
    assert!(imported.stdout.contains("checked whole"), "{imported}");
    assert_eq!(c.ids(), a.ids());
}

#[test]
fn a_foreign_or_damaged_bundle_is_refused_with_the_reason_and_what_verified_is_kept() {
    let network = Network::create("Village hall");
    let a = hub(&network);
    let (path, _) = corpus(&a, 40, 3);
    a.run(&["import", &path]).ok();
    let stick = a.scratch().join("stick.bundle");
    a.run(&["bundle", "export", path_str(&stick)]).ok();

    let elsewhere = TestNode::init(&Network::create("Another town"), false);
    let refused = elsewhere.run(&["bundle", "import", path_str(&stick)]).expect_code(5);
    assert!(refused.stdout.contains("is for the network \"Village hall\""), "{refused}");
    assert!(elsewhere.ids().is_empty());

    // Cut in the middle, as a stick pulled out too early leaves it.
    let bytes = std::fs::read(&stick).unwrap();
    let cut = a.scratch().join("cut.bundle");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let b = TestNode::init(&network, false);
    let damaged = b.run(&["bundle", "import", path_str(&cut)]).expect_code(6);
    assert!(damaged.stdout.contains("DAMAGED") && damaged.stdout.contains("cut short"), "{damaged}");
    let kept = b.ids();
    assert!(!kept.is_empty() && kept.len() < 40 && kept.is_subset(&a.ids()), "{damaged}");
    b.run(&["verify"]).ok();
    // The whole bundle, later, brings the rest.
    b.run(&["bundle", "import", path_str(&stick)]).ok();
    assert_eq!(b.ids(), a.ids());
}

fn blob_path(node: &TestNode, hash: &str) -> PathBuf {
    node.data_dir().join("blobs").join(&hash[..2]).join(hash)
}

/// Where `needle` first is in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).position(|window| window == needle).expect("found")
}

#[test]
fn a_photo_travels_is_resumed_by_the_next_stick_and_an_altered_piece_is_refused() {
    let network = Network::create("Village hall");
    let a = hub(&network);
    let scratch = a.scratch();
    let (_, reports) = corpus(&a, 4, 7);
    let report = reports.iter().find(|value| value["kind"] == "convening_report").expect("a report in four");
    let id = a.run_with_stdin(&["submit", "-"], &report.to_string()).ok().stdout.trim().to_owned();
    let photo_path = scratch.join("photo.jpg");
    std::fs::write(&photo_path, photo_with_gps()).unwrap();
    a.run(&["attach", &id, path_str(&photo_path)]).ok();
    let attachment = a.run(&["show", &id, "--json"]).ok().json()["fields"]["attachments"][0].clone();
    let hash = attachment["hash"].as_str().unwrap().to_owned();
    let preview = attachment["preview"]["hash"].as_str().unwrap().to_owned();
    let photo = std::fs::read(blob_path(&a, &hash)).unwrap();
    let groups = photo.len().div_ceil(16 * 1024) as u64;
    assert!(groups >= 4, "a photo of {} bytes", photo.len());

    // Text only: the photo stays behind.
    let text = scratch.join("text.bundle");
    let exported = a.run(&["bundle", "export", path_str(&text), "--no-blobs", "--json"]).ok().json();
    assert_eq!((exported["entries"].as_u64(), exported["blobs"].as_u64()), (Some(2), Some(0)), "{exported}");
    let c = TestNode::init(&network, false);
    c.run(&["bundle", "import", path_str(&text)]).ok();
    assert_eq!(c.ids(), a.ids());
    assert!(!blob_path(&c, &hash).exists() && !blob_path(&c, &preview).exists());

    // With photos (the default): the stick is pulled out halfway through the photo.
    let stick = scratch.join("stick.bundle");
    let exported = a.run(&["bundle", "export", path_str(&stick), "--json"]).ok().json();
    assert_eq!((exported["blobs"].as_u64(), exported["groups"].as_u64()), (Some(2), Some(groups + 1)), "{exported}");
    let whole = std::fs::read(&stick).unwrap();
    let photo_at = find(&whole, &photo[..16 * 1024]);
    assert!(find(&whole, &std::fs::read(blob_path(&a, &preview)).unwrap()) < photo_at, "the preview first");
    let cut = scratch.join("cut.bundle");
    std::fs::write(&cut, &whole[..photo_at + photo.len() / 2]).unwrap();
    let b = TestNode::init(&network, false);
    let damaged = b.run(&["bundle", "import", path_str(&cut)]).expect_code(6);
    assert!(damaged.stdout.contains("cut short"), "{damaged}");
    assert!(damaged.stdout.contains("attached files: 1 completed"), "the preview: {damaged}");
    assert_eq!(b.ids(), a.ids());
    assert!(blob_path(&b, &preview).exists() && !blob_path(&b, &hash).exists());

    // The next stick carries B's want file there and only the rest back.
    let want = b.scratch().join("b.want");
    let wanted = b.run(&["bundle", "want", path_str(&want), "--json"]).ok().json();
    assert_eq!(wanted["blobs_wanted"], 1, "{wanted}");
    let rest = scratch.join("rest.bundle");
    let exported = a.run(&["bundle", "export", path_str(&rest), "--want", path_str(&want), "--json"]).ok().json();
    let sent = exported["groups"].as_u64().unwrap();
    assert!(exported["entries"] == 0 && sent > 0 && sent < groups, "only the missing pieces: {exported}");
    let imported = b.run(&["bundle", "import", path_str(&rest), "--json"]).ok().json();
    assert_eq!((imported["blobs_completed"].as_u64(), imported["groups_stored"].as_u64()), (Some(1), Some(sent)));

    // B serves the photo, as A does.
    let running_b = b.start(&[]);
    let node: Value = serde_json::from_str(&std::fs::read_to_string(b.data_dir().join("node.json")).unwrap()).unwrap();
    let url = format!("{}/blobs/{hash}", node["url"].as_str().unwrap().trim_end_matches('/'));
    let served = reqwest::blocking::get(&url).unwrap();
    assert_eq!(served.status(), 200, "{url}");
    assert_eq!(served.bytes().unwrap().as_ref(), photo.as_slice());
    running_b.stop();

    // A piece altered on the stick: refused by name, the rest kept; a good copy finishes it.
    let mut altered = whole.clone();
    altered[find(&whole, &photo[2 * 16 * 1024..3 * 16 * 1024]) + 500] ^= 0x20;
    let altered_path = scratch.join("altered.bundle");
    std::fs::write(&altered_path, &altered).unwrap();
    let refused = c.run(&["bundle", "import", path_str(&altered_path)]).expect_code(6);
    assert!(refused.stdout.contains(&format!("REFUSED piece 2 of file {hash}")), "{refused}");
    assert!(refused.stdout.contains("chunk group 2 of blob") && refused.stdout.contains("hash mismatch"), "{refused}");
    assert!(refused.stdout.contains(&format!("pieces: {groups} stored, 0 already here, 1 refused")), "{refused}");
    assert!(blob_path(&c, &preview).exists() && !blob_path(&c, &hash).exists());
    let finished = c.run(&["bundle", "import", path_str(&stick), "--json"]).ok().json();
    assert_eq!((finished["groups_stored"].as_u64(), finished["blobs_completed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(std::fs::read(blob_path(&c, &hash)).unwrap(), photo);
}
