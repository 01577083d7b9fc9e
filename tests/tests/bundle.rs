//! Bundles between real `convene` processes: a USB stick is a link. Node A
//! and node B never connect; everything goes by files, through the store
//! directly and through a running node's socket.

use convene_node::{DataDir, Node};
use convene_tests::{Network, TestNode, generate_corpus, path_str};
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
    let running_b = b.start(&[]);
    let want = b.scratch().join("b.want");
    let wanted = b.run(&["bundle", "want", path_str(&want), "--json"]).ok().json();
    assert_eq!(wanted["ids"], 30, "{wanted}");
    assert_eq!(wanted["bytes"], 12 + 1 + 32 + 8 + 8 + 30 * 32 + 32, "{wanted}");

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
