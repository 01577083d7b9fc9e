//! Durability: `convene import` killed with SIGKILL at random moments never
//! loses a submission it reported as stored, and the store always reopens.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use convene_tests::{Network, TestNode, XorShift, generate_corpus, path_str};
use serde_json::Value;

#[test]
fn sigkill_during_import_loses_nothing_acknowledged() {
    const SUBMISSIONS: usize = 3000;
    const KILLS: usize = 15;
    let network = Network::create("Crash");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "hub"]).ok();
    let corpus = generate_corpus(&hub.scratch(), SUBMISSIONS, 21);
    let seed = std::env::var("CONVENE_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_u64);
    let mut random = XorShift(seed);
    let mut acknowledged: HashSet<String> = HashSet::new();
    let mut kills = 0;
    // Imports get quicker as more of the corpus is stored; a round that
    // ends before its kill halves the window the next kill is drawn from.
    let mut window_ms = 1200;

    for round in 0..KILLS {
        let mut child = hub
            .command(&["import", path_str(&corpus), "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("import starts");
        let stdout = child.stdout.take().expect("stdout");
        // Every line the child prints is kept, however slowly the test reads.
        #[expect(clippy::disallowed_methods, reason = "the reader must never block the child's output")]
        let (lines_tx, lines_rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Kill at a random moment: while it validates, signs, writes or flushes.
        let deadline = Instant::now() + Duration::from_millis(random.below(window_ms));
        let mut finished = false;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match lines_rx.recv_timeout(remaining) {
                Ok(line) => record(&line, &mut acknowledged),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    finished = true;
                    break;
                }
            }
        }
        if finished {
            window_ms = (window_ms / 2).max(20);
        } else {
            child.kill().expect("SIGKILL");
            kills += 1;
        }
        child.wait().expect("reaped");
        reader.join().expect("reader ends");
        // Lines already written before the kill count as acknowledged too.
        for line in lines_rx.try_iter() {
            record(&line, &mut acknowledged);
        }

        let verify = hub.run(&["verify"]);
        assert_eq!(verify.code, 0, "round {round}: store does not verify after SIGKILL\n{verify}");
        let stored = listed_ids(&hub);
        let lost: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(lost.is_empty(), "round {round} (seed {seed}): {} acknowledged submissions lost: {lost:?}", lost.len());
    }
    assert!(kills >= KILLS / 2, "only {kills} rounds were killed mid-import");

    hub.run(&["import", path_str(&corpus)]).ok();
    assert_eq!(listed_ids(&hub).len(), SUBMISSIONS);
}

fn record(line: &str, acknowledged: &mut HashSet<String>) {
    let value: Value = serde_json::from_str(line).unwrap_or_else(|error| panic!("bad output line {line:?}: {error}"));
    if matches!(value["status"].as_str(), Some("stored" | "already_stored")) {
        acknowledged.insert(value["id"].as_str().expect("id").to_owned());
    }
}

fn listed_ids(hub: &TestNode) -> HashSet<String> {
    let listed = hub.run(&["list", "--json", "--limit", "0"]).ok().json();
    listed["rows"].as_array().expect("rows").iter().map(|row| row["id"].as_str().expect("id").to_owned()).collect()
}
