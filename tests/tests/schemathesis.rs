//! The API is what it says: schemathesis, a third-party OpenAPI fuzzer,
//! runs every check it has over every operation of a real node's served
//! document (`/api/v1/openapi.json`), with the operator token, and finds
//! nothing: only documented status codes, the documented JSON error body,
//! schema-valid requests accepted and schema-invalid ones refused.
//!
//! Needs `schemathesis` on `PATH` (`.ci/run` installs the pinned version).
//! Its hooks (`tests/schemathesis/hooks.py`) point every generated peer
//! address at 127.0.0.1, so the node never dials beyond this computer.

use std::process::Command;

use convene_protocol::attachment::Limits;
use convene_tests::{Network, TestNode, generate_corpus, repo_root};
use serde_json::Value;

/// The version `.ci/run` installs.
const VERSION: &str = "4.32.5";
/// Test cases per operation and phase: enough to find every kind of
/// mismatch seen so far, about a minute in all.
const MAX_EXAMPLES: &str = "30";

fn document() -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo_root().join("web-ui/openapi.json")).unwrap()).unwrap()
}

#[test]
fn the_hooks_know_which_peer_addresses_the_node_accepts() {
    let doc = document();
    let pattern = doc["components"]["schemas"]["PeerBody"]["properties"]["addr"]["pattern"].as_str().unwrap();
    let hooks = std::fs::read_to_string(repo_root().join("tests/schemathesis/hooks.py")).unwrap();
    assert!(
        hooks.contains(&format!("re.compile(r\"{pattern}\")")),
        "tests/schemathesis/hooks.py must copy the PeerBody.addr pattern of web-ui/openapi.json:\n{pattern}"
    );
}

#[test]
fn the_hooks_know_the_limits_on_attached_files() {
    let hooks = std::fs::read_to_string(repo_root().join("tests/schemathesis/hooks.py")).unwrap();
    let python = |number: u64| {
        let digits = number.to_string();
        let mut out = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                out.push('_');
            }
            out.push(digit);
        }
        out
    };
    let limits = Limits::DEFAULT;
    for (name, value) in [("MAX_FILE_BYTES", limits.file_bytes), ("MAX_SUBMISSION_BYTES", limits.submission_bytes)] {
        let line = format!("{name} = {}", python(value));
        assert!(
            hooks.contains(&line),
            "tests/schemathesis/hooks.py must say {line} (Limits::DEFAULT in protocol/src/attachment.rs, the test network's limits)"
        );
    }
}

#[test]
fn schemathesis_finds_nothing_against_a_running_node() {
    let version = Command::new("schemathesis").arg("--version").output();
    let installed = version.as_ref().map(|output| String::from_utf8_lossy(&output.stdout).into_owned());
    match &installed {
        Ok(text) if text.contains(VERSION) => {}
        Ok(text) => eprintln!("note: schemathesis {} is installed; .ci/run pins {VERSION}", text.trim()),
        Err(error) => panic!(
            "schemathesis is not installed ({error}); this test runs it against a real node.\n\
             Install it with `python3 -m pip install schemathesis=={VERSION}` (.ci/run does)."
        ),
    }

    let network = Network::create("Demo");
    // The secretariat's node: its desk answers too.
    let node = TestNode::init(&network, true);
    node.run(&["identity", "new", "--name", "ama"]).ok();
    let corpus = generate_corpus(&node.scratch(), 1, 5);
    let line = std::fs::read_to_string(corpus).unwrap();
    let stored = node.run_with_stdin(&["submit", "-", "--json"], &line).ok().json()["id"].as_str().unwrap().to_owned();
    let running = node.start(&[]);
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(node.data_dir().join("node.json")).unwrap()).unwrap();
    let url = info["url"].as_str().expect("node.json names the API's URL");
    let token = info["token"].as_str().expect("node.json holds the operator token");

    let operations: usize =
        document()["paths"].as_object().unwrap().values().map(|operations| operations.as_object().unwrap().len()).sum();
    let output = Command::new("schemathesis")
        .args(["run", &format!("{url}/api/v1/openapi.json"), "--checks", "all"])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", "1", "--no-color", "--generation-database", "none"])
        .args(["--request-timeout", "30"])
        .env("SCHEMATHESIS_HOOKS", "hooks")
        .env("CONVENE_SUBMISSION", &stored)
        .env("PYTHONPATH", repo_root().join("tests/schemathesis"))
        .current_dir(node.scratch())
        .output()
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let log = running.stop();
    assert!(
        output.status.success(),
        "schemathesis found failures ({}):\n{stdout}\n{stderr}\n--- node log (last 4000 bytes)\n{}",
        output.status,
        &log[log.len().saturating_sub(4000)..]
    );
    // Schemathesis leaves out the operation that serves the document it reads.
    let fuzzed = operations - 1;
    assert!(stdout.contains(&format!("Tested: {fuzzed}")), "not every operation was tested:\n{stdout}");
    assert!(stdout.contains("No issues found"), "{stdout}");
    // Every address the node logged (listening, dialing) is on this computer.
    for (at, _) in log.match_indices("/ip4/") {
        let rest = &log[at + "/ip4/".len()..];
        assert!(rest.starts_with("127.0.0.1/"), "an address beyond this computer in the node's log: /ip4/{:.60}", rest);
    }
    for other in ["/ip6/", "/dns/", "/dns4/", "/dns6/"] {
        assert!(!log.contains(other), "the node was given a peer beyond this computer ({other})");
    }

    // Whatever peers the fuzzer added are on this computer.
    let saved = node.run(&["peers", "list", "--json"]).ok().json();
    for addr in saved["saved"].as_array().unwrap() {
        assert!(addr.as_str().unwrap().starts_with("/ip4/127.0.0.1/"), "a peer beyond this computer: {addr}");
    }
}
