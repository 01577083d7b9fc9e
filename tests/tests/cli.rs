//! End-to-end tests of the `convene` command on real data directories.

use std::os::unix::fs::PermissionsExt;

use convene_tests::{Network, TestNode, generate_corpus, path_str};
use serde_json::Value;

fn first_lines(path: &std::path::Path, n: usize) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().take(n).map(str::to_owned).collect()
}

/// A report of the generated corpus, as a line of JSON.
fn first_report(node: &TestNode) -> String {
    let corpus = generate_corpus(&node.scratch(), 4, 3);
    let lines = first_lines(&corpus, 4);
    lines.into_iter().find(|line| line.contains("convening_report")).expect("a report in four")
}

fn hub_with_identity(network: &Network, secretariat: bool) -> TestNode {
    let node = TestNode::init(network, secretariat);
    node.run(&["identity", "new", "--name", "amina"]).ok();
    node
}

#[test]
fn identities_show_did_keys_and_keep_secrets_private() {
    let network = Network::create("Demo");
    let node = TestNode::init(&network, false);
    let created = node.run(&["identity", "new", "--name", "amina"]).ok();
    assert!(created.stdout.contains("did:key:z6Mk"), "{created}");
    node.run(&["identity", "new", "--name", "Amina"]).expect_code(5);
    node.run(&["identity", "new", "--name", "two\nlines"]).expect_code(3);
    let listed = node.run(&["identity", "list", "--json"]).ok().json();
    assert_eq!(listed[0]["name"], "amina");
    assert!(listed[0]["public_key"].as_str().unwrap().starts_with("did:key:z6Mk"));
    // A name is a person's, in any script: its file is named after its key.
    for name in ["Amina Okafor", "أمينة", "../evil"] {
        node.run(&["identity", "new", "--name", name]).ok();
    }
    let files: Vec<String> = std::fs::read_dir(node.data_dir().join("identities"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(files.iter().all(|file| file.len() == 21 && file.ends_with(".json")), "{files:?}");
    let id = node.run_with_stdin(&["submit", "--as", "amina okafor", "-"], &first_report(&node)).ok();
    let shown = node.run(&["show", id.stdout.trim()]).ok();
    assert!(shown.stdout.contains("author:    you (Amina Okafor), did:key:z6Mk"), "{shown}");

    let amina = listed[0]["public_key"].as_str().unwrap();
    let file = std::fs::read_dir(node.data_dir().join("identities"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| std::fs::read_to_string(path).unwrap().contains(amina))
        .unwrap();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "identity file must be readable by its owner only");
    let secret: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let seed = secret["secret_seed"].as_str().unwrap().to_owned();
    for args in [&["identity", "list"][..], &["identity", "list", "--json"], &["status"], &["status", "--json"]] {
        let run = node.run(args).ok();
        assert!(!run.stdout.contains(&seed) && !run.stderr.contains(&seed), "secret printed by {args:?}");
    }
    let secretariat = network.secretariat_key();
    let mode = std::fs::metadata(secretariat).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn init_checks_the_genesis_and_refuses_another_network() {
    let network = Network::create("Demo");
    let node = TestNode::init(&network, false);
    node.run(&["init", "--network", path_str(&network.genesis())]).ok();
    let other = Network::create("Other");
    let refused = node.run(&["init", "--network", path_str(&other.genesis())]).expect_code(5);
    assert!(refused.stderr.contains("another network"), "{refused}");

    let tampered = node.scratch().join("genesis.json");
    let text = std::fs::read_to_string(network.genesis()).unwrap().replace("Demo", "Dem0");
    std::fs::write(&tampered, text).unwrap();
    let fresh = TestNode::uninitialised();
    let run = fresh.run(&["init", "--network", path_str(&tampered)]).expect_code(3);
    assert!(run.stderr.contains("signature"), "{run}");

    let run = fresh.run(&["list"]).expect_code(2);
    assert!(run.stderr.contains("convene init"), "{run}");
}

#[test]
fn submit_list_show_and_reveal() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network, false);
    let corpus = generate_corpus(&hub.scratch(), 5, 11);
    let line = first_lines(&corpus, 1).remove(0);
    let input: Value = serde_json::from_str(&line).unwrap();

    let submitted = hub.run_with_stdin(&["submit", "-", "--json"], &line).ok().json();
    let id = submitted["id"].as_str().unwrap().to_owned();
    assert_eq!(submitted["status"], "stored");
    let again = hub.run_with_stdin(&["submit", "-", "--json"], &line).ok().json();
    assert_eq!(again["id"], id.as_str());
    assert_eq!(again["status"], "already_stored");

    let listed = hub.run(&["list", "--json"]).ok().json();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["rows"][0]["title"], input["title"]);

    let shown = hub.run(&["show", &id[..8], "--json"]).ok().json();
    assert_eq!(shown["fields"]["title"], input["title"]);
    assert_eq!(shown["signatures_verified"], true);
    assert!(shown["fields"].get("contact").is_none(), "contact must be sealed: {shown}");
    let sealed = shown["fields"]["sealed_contact"].as_str().unwrap();
    let name = input["contact"]["name"].as_str().unwrap();
    assert!(!sealed.contains(name));

    let human = hub.run(&["show", &id]).ok();
    assert!(human.stdout.contains("verified"), "{human}");
    assert!(!human.stdout.contains(name), "a hub must never print contact details\n{human}");
    let refused = hub.run(&["show", &id, "--reveal"]).expect_code(5);
    assert!(refused.stderr.contains("secretariat"), "{refused}");

    // The same entry, at the secretariat's node.
    let secretariat = hub_with_identity(&network, true);
    secretariat.run_with_stdin(&["submit", "-"], &line).ok();
    let sid = secretariat.run(&["list", "--json"]).ok().json()["rows"][0]["id"].as_str().unwrap().to_owned();
    let revealed = secretariat.run(&["show", &sid, "--reveal", "--json"]).ok().json();
    assert_eq!(revealed["contact"], input["contact"]);

    hub.run(&["show", "ffffffff"]).expect_code(4);
}

#[test]
fn invalid_submissions_get_one_message_per_field() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network, false);
    let bad = r#"{"kind":"convening_report","title":"","language":"english","convened_on":"2025-02-30",
        "format":"in_person","location":{"country":"Kenya","locality":"Kisumu"},"host_organizations":["A"],
        "contact":{"name":"A B","email":"not-an-email"},"purposes":["educate_advocate"],"dpi_types":["digital_id"],
        "participants":{"count":5,"stakeholder_groups":["academia"]},"principles":["F99"],"risks":[],
        "lifecycle_stages":["L1"],"summary":"s","insights":["i"],"quotes":[],"consent_to_publish":true}"#;
    let run = hub.run_with_stdin(&["submit", "-"], bad).expect_code(3);
    for field in ["title", "language", "convened_on", "location.country", "contact.email", "principles"] {
        assert!(run.stderr.contains(field), "no message for {field}\n{run}");
    }
    let run = hub.run_with_stdin(&["submit", "-"], "{not json").expect_code(3);
    assert!(run.stderr.contains("not valid JSON"), "{run}");
    assert_eq!(hub.run(&["list", "--json"]).ok().json()["total"], 0);
}

#[test]
fn import_keeps_good_lines_reports_bad_ones_and_filters_work() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network, false);
    let corpus = generate_corpus(&hub.scratch(), 300, 3);
    let mut lines = first_lines(&corpus, 300);
    lines.insert(9, "{broken".into());
    lines.insert(20, r#"{"kind":"poem","title":"x"}"#.into());
    let file = hub.scratch().join("mixed.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let run = hub.run(&["import", path_str(&file)]).expect_code(3);
    assert!(run.stderr.contains("line 10: not valid JSON"), "{run}");
    assert!(run.stderr.contains("line 21:"), "{run}");
    assert!(run.stderr.contains("300 new"), "{run}");
    let rerun = hub.run(&["import", path_str(&corpus), "--json"]).ok();
    assert_eq!(rerun.stdout.lines().filter(|line| line.contains("already_stored")).count(), 300);

    let all: Vec<Value> = first_lines(&corpus, 300).iter().map(|line| serde_json::from_str(line).unwrap()).collect();
    let count = |predicate: &dyn Fn(&Value) -> bool| all.iter().filter(|value| predicate(value)).count();
    let total = |args: &[&str]| {
        let mut full = vec!["list", "--json", "--limit", "1"];
        full.extend_from_slice(args);
        hub.run(&full).ok().json()["total"].as_u64().unwrap() as usize
    };
    assert_eq!(total(&[]), 300);
    assert_eq!(total(&["--kind", "case_study"]), count(&|v| v["kind"] == "case_study"));
    let in_kenya = |v: &Value| v["country"] == "KE" || v["location"]["country"] == "KE";
    assert_eq!(total(&["--country", "KE"]), count(&in_kenya));
    let has_f1 = |v: &Value| v["principles"].as_array().unwrap().iter().any(|p| p == "F1");
    assert_eq!(total(&["--principle", "F1"]), count(&has_f1));
    assert_eq!(total(&["--language", "fr"]), count(&|v| v["language"] == "fr"));
    assert_eq!(
        total(&["--kind", "case_study", "--language", "fr"]),
        count(&|v| v["kind"] == "case_study" && v["language"] == "fr")
    );
    let text = hub.run(&["list", "--kind", "bogus"]).expect_code(2);
    assert!(text.stderr.contains("convening_report"), "{text}");

    hub.run(&["verify"]).ok();
    let status = hub.run(&["status", "--json"]).ok().json();
    assert_eq!(status["store"]["entries"], 300);
}

#[test]
fn withdrawal_purges_and_refuses_reimport() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network, false);
    let corpus = generate_corpus(&hub.scratch(), 3, 5);
    let results = hub.run(&["import", path_str(&corpus), "--json"]).ok();
    let ids: Vec<String> = results
        .stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    let title =
        serde_json::from_str::<Value>(&first_lines(&corpus, 1)[0]).unwrap()["title"].as_str().unwrap().to_owned();

    hub.run(&["identity", "new", "--name", "other"]).ok();
    let refused = hub.run(&["--as", "other", "withdraw", &ids[0]]).expect_code(5);
    assert!(refused.stderr.contains("only the author"), "{refused}");

    hub.run(&["--as", "amina", "withdraw", &ids[0], "--reason", "duplicate"]).ok();
    hub.run(&["show", &ids[0]]).expect_code(5);
    assert_eq!(hub.run(&["list", "--json"]).ok().json()["total"], 2);
    let export = hub.run(&["export", "--format", "jsonl"]).ok();
    assert!(!export.stdout.contains(&title), "withdrawn content must be gone from exports");
    // Only the two live creates and the signed withdrawal remain.
    assert_eq!(hub.run(&["status", "--json"]).ok().json()["store"]["entries"], 3);

    let again = hub.run(&["--as", "amina", "import", path_str(&corpus)]).expect_code(3);
    assert!(again.stderr.contains("withdrawn"), "{again}");
    assert_eq!(hub.run(&["list", "--json"]).ok().json()["total"], 2);
    assert_eq!(hub.run(&["status", "--json"]).ok().json()["store"]["withdrawn"], 1);
}

#[test]
fn export_has_public_fields_only() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network, false);
    let corpus = generate_corpus(&hub.scratch(), 20, 9);
    hub.run(&["import", path_str(&corpus)]).ok();
    let emails: Vec<String> = first_lines(&corpus, 20)
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["contact"]["email"].as_str().unwrap().to_owned())
        .collect();
    for format in ["jsonl", "csv"] {
        let run = hub.run(&["export", "--format", format]).ok();
        for email in &emails {
            assert!(!run.stdout.contains(email.as_str()), "{format} export leaks contact details");
        }
        assert!(!run.stdout.contains("sealed_contact") && !run.stdout.contains("did:key"), "{format}");
    }
    let jsonl = hub.run(&["export", "--format", "jsonl"]).ok();
    assert_eq!(jsonl.stdout.lines().count(), 20);
    let csv = hub.run(&["export", "--format", "csv"]).ok();
    assert_eq!(csv.stdout.lines().count(), 21);
    assert!(csv.stdout.lines().next().unwrap().ends_with(",created,status,tags"));
}

#[test]
fn every_command_has_help_with_an_example() {
    let node = TestNode::uninitialised();
    let commands: &[&[&str]] = &[
        &["identity", "new"],
        &["identity", "list"],
        &["network", "create"],
        &["init"],
        &["submit"],
        &["import"],
        &["list"],
        &["show"],
        &["withdraw"],
        &["verify"],
        &["export"],
        &["showcase"],
        &["release", "create"],
        &["release", "verify"],
        &["status"],
        &[],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let run = node.run(&args).ok();
        let wanted = if command.is_empty() { "Exit codes" } else { "Example" };
        assert!(run.stdout.contains(wanted), "{run}");
    }
}
