//! What a node shows and to whom, from outside: bidi controls in user text
//! are shown escaped by the CLI; a node bound beyond loopback serves HTTPS
//! with the certificate whose fingerprint it printed.

use convene_tests::{Network, TestNode, generate_corpus};
use serde_json::Value;

#[test]
fn the_cli_shows_bidi_controls_escaped() {
    let network = Network::create("Demo");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "amina"]).ok();
    let corpus = generate_corpus(&hub.scratch(), 1, 7);
    let line = std::fs::read_to_string(&corpus).unwrap().lines().next().unwrap().to_owned();
    let mut input: Value = serde_json::from_str(&line).unwrap();
    input["title"] = Value::from("Budget \u{202E}lanoitan\u{2066} review");
    let submitted = hub.run_with_stdin(&["submit", "-", "--json"], &input.to_string()).ok().json();
    let id = submitted["id"].as_str().unwrap().to_owned();
    for args in [vec!["list"], vec!["show", id.as_str()]] {
        let run = hub.run(&args).ok();
        assert!(run.stdout.contains("Budget \\u{202E}lanoitan\\u{2066} review"), "{args:?}:\n{}", run.stdout);
        assert!(!run.stdout.contains('\u{202E}') && !run.stdout.contains('\u{2066}'), "{args:?}");
    }
    // JSON keeps the text as it is: a program reads it, not a person.
    let json = hub.run(&["show", &id, "--json"]).ok().json();
    assert_eq!(json["fields"]["title"], input["title"], "{json}");
}
