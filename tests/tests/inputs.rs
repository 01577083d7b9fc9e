//! Inputs the `convene` command refuses or reports one by one: peer
//! addresses that name no transport, and `import --json`, which prints one
//! result for every input line, in order.

use convene_tests::{Network, TestNode, generate_corpus, path_str};
use serde_json::Value;

fn hub(network: &Network) -> TestNode {
    let node = TestNode::init(network, false);
    node.run(&["identity", "new", "--name", "amina"]).ok();
    node
}

#[test]
fn peer_addresses_must_name_a_transport() {
    let network = Network::create("Demo");
    let node = hub(&network);
    let bare = node.run(&["peers", "add", "192.168.1.20:4701"]).expect_code(2);
    assert!(bare.stderr.contains("did you mean /ip4/192.168.1.20/tcp/4701?"), "{bare}");
    let empty = node.run(&["peers", "add", ""]).expect_code(2);
    assert!(empty.stderr.contains("empty"), "{empty}");
    for bad in ["/ip4/192.168.1.20", "/ip4/192.168.1.20/udp/4701", "not-an-address"] {
        node.run(&["peers", "add", bad]).expect_code(2);
    }
    let saved = node.run(&["peers", "list", "--json"]).ok().json();
    assert_eq!(saved["saved"], serde_json::json!([]), "nothing bad was saved");

    node.run(&["peers", "add", "/ip4/192.168.1.20/tcp/4701"]).ok();
    node.run(&["peers", "add", "/dns/hub.example.org/tcp/4701"]).ok();
    let saved = node.run(&["peers", "list", "--json"]).ok().json();
    assert_eq!(saved["saved"], serde_json::json!(["/ip4/192.168.1.20/tcp/4701", "/dns/hub.example.org/tcp/4701"]));
    node.run(&["peers", "remove", ""]).expect_code(2);
    node.run(&["peers", "remove", "192.168.1.20:4701"]).expect_code(2);
    node.run(&["peers", "remove", "/ip4/192.168.1.20/tcp/4701"]).ok();

    // The same through a running node's API.
    let running = node.start(&[]);
    let bare = node.run(&["peers", "add", "10.0.0.1:4701"]).expect_code(2);
    assert!(bare.stderr.contains("did you mean /ip4/10.0.0.1/tcp/4701?"), "{bare}");
    node.run(&["peers", "add", "/ip4/127.0.0.1/tcp/9"]).ok();
    running.stop();
    let saved = node.run(&["peers", "list", "--json"]).ok().json();
    assert_eq!(saved["saved"], serde_json::json!(["/dns/hub.example.org/tcp/4701", "/ip4/127.0.0.1/tcp/9"]));
}

/// `import --json` prints one result per line, in line order: good lines,
/// lines that are not JSON, lines too long, blank lines and invalid
/// submissions alike, across batches.
fn import_reports_every_line(node: &TestNode) {
    let corpus = generate_corpus(&node.scratch(), 1200, 5);
    let good: Vec<String> = std::fs::read_to_string(&corpus).unwrap().lines().map(str::to_owned).collect();
    let mut lines: Vec<String> = Vec::new();
    let mut expected: Vec<&str> = Vec::new();
    for (index, line) in good.iter().enumerate() {
        match index {
            3 => {
                lines.push("{broken".into());
                expected.push("invalid");
            }
            7 => {
                lines.push(format!("\"{}\"", "x".repeat(1024 * 1024 + 10)));
                expected.push("invalid");
            }
            11 => {
                lines.push(String::new());
                expected.push("skipped");
            }
            13 => {
                lines.push(r#"{"kind":"poem"}"#.into());
                expected.push("invalid");
            }
            999..=1002 => {
                lines.push("[1, 2".into());
                expected.push("invalid");
            }
            _ => {}
        }
        lines.push(line.clone());
        expected.push("stored");
    }
    lines.push("not json at the end".into());
    expected.push("invalid");
    let file = node.scratch().join("mixed.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let run = node.run(&["import", path_str(&file), "--json"]).expect_code(3);
    let results: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}")))
        .collect();
    assert_eq!(results.len(), lines.len(), "one result per line\n{}", run.stderr);
    for (index, (result, status)) in results.iter().zip(&expected).enumerate() {
        assert_eq!(result["line"], index + 1, "in order: {result}");
        assert_eq!(result["status"], *status, "line {}: {result}", index + 1);
    }
    assert!(results[3]["error"].as_str().unwrap().contains("not valid JSON"), "{}", results[3]);
    assert!(results[8]["error"].as_str().unwrap().contains("longer than 1 MiB"), "{}", results[8]);
}

#[test]
fn import_json_prints_one_result_per_line_in_order() {
    let network = Network::create("Demo");
    let node = hub(&network);
    import_reports_every_line(&node);
}

#[test]
fn import_json_through_a_running_node_prints_one_result_per_line_in_order() {
    let network = Network::create("Demo");
    let node = hub(&network);
    let running = node.start(&[]);
    import_reports_every_line(&node);
    running.stop();
}

#[test]
fn node_run_refuses_a_peer_that_names_no_transport() {
    let network = Network::create("Inputs");
    let node = TestNode::init(&network, false);
    let run = node.run(&["node", "run", "--http", "127.0.0.1:0", "--peer", "192.168.1.20:4701"]).expect_code(2);
    assert!(run.stderr.contains("did you mean /ip4/192.168.1.20/tcp/4701?"), "{run}");
    std::fs::write(node.data_dir().join("config.toml"), "peers = [\"/ip4/192.168.1.20\"]\n").unwrap();
    let run = node.run(&["node", "run", "--http", "127.0.0.1:0", "--listen", "/ip4/127.0.0.1/tcp/0"]).expect_code(3);
    assert!(run.stderr.contains("config.toml") && run.stderr.contains("/tcp/PORT"), "{run}");
}
