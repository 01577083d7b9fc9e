//! Withdrawn means gone from disk: after a withdrawal, no byte of what was
//! withdrawn (any field's text, the contact) remains in any file under the
//! data directory, even where a kill -9 cut an import or a sync and the
//! same entries were written again after.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use convene_tests::{Network, TestNode, generate_corpus, path_str, wait_until};
use serde_json::Value;

const CONVERGE: Duration = Duration::from_secs(90);

/// Every text of at least 8 bytes in `value` (field values, list items,
/// the contact's name and email), at any depth.
fn texts(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(text) if text.len() >= 8 => {
            out.insert(text.clone());
        }
        Value::Array(items) => items.iter().for_each(|item| texts(item, out)),
        Value::Object(map) => map.values().for_each(|item| texts(item, out)),
        _ => {}
    }
}

fn corpus_texts(corpus: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in std::fs::read_to_string(corpus).unwrap().lines() {
        texts(&serde_json::from_str(line).unwrap(), &mut out);
    }
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for item in std::fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if path.is_file() {
            out.push(path);
        }
    }
    out
}

fn found(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// The texts of `wanted` that some file under `dir` holds, with the file.
fn texts_on_disk(dir: &Path, wanted: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in files_under(dir) {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        for text in wanted.iter().filter(|text| found(&bytes, text.as_bytes())) {
            out.push((path.display().to_string(), text.clone()));
        }
    }
    out
}

/// The corpus texts not already on disk before the corpus was (the
/// genesis, identity names and the like are not withdrawn content).
fn withdrawable(node: &TestNode, corpus: &Path) -> BTreeSet<String> {
    let mut wanted = corpus_texts(corpus);
    for (_, text) in texts_on_disk(&node.data_dir(), &wanted) {
        wanted.remove(&text);
    }
    assert!(wanted.len() > 100, "the corpus gives texts to look for");
    wanted
}

fn withdraw_all(node: &TestNode) {
    let ids = node.ids();
    assert!(!ids.is_empty());
    for id in &ids {
        node.run(&["withdraw", id, "--reason", "withdrawn by the test"]).ok();
    }
    assert!(node.ids().is_empty());
}

#[test]
fn nothing_withdrawn_remains_after_an_import_cut_by_kill_9() {
    const N: usize = 200;
    let network = Network::create("Erase");
    // Kill imports until one is cut with part of the corpus stored; a
    // round that ends first starts again on a fresh node, killed earlier.
    let mut window_ms = 400;
    let mut cut = None;
    for _ in 0..20 {
        let hub = TestNode::init(&network, false);
        hub.run(&["identity", "new", "--name", "hub"]).ok();
        let corpus = generate_corpus(&hub.scratch(), N, 31);
        let wanted = withdrawable(&hub, &corpus);
        let mut child = hub
            .command(&["import", path_str(&corpus)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("import starts");
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(window_ms) && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        if !finished && hub.ids().len() < N {
            cut = Some((hub, corpus, wanted));
            break;
        }
        window_ms = (window_ms * 2 / 3).max(20);
    }
    let (hub, corpus, wanted) = cut.expect("an import cut by the kill");
    hub.run(&["import", path_str(&corpus)]).ok();
    assert_eq!(hub.ids().len(), N);
    hub.run(&["verify"]).ok();
    withdraw_all(&hub);

    let left = texts_on_disk(&hub.data_dir(), &wanted);
    assert!(left.is_empty(), "{} withdrawn texts remain on disk, e.g. {:?}", left.len(), &left[..left.len().min(5)]);
}

#[test]
fn nothing_withdrawn_remains_at_a_node_whose_sync_was_cut() {
    const N: usize = 150;
    let network = Network::create("EraseSync");
    let source = TestNode::init(&network, false);
    source.run(&["identity", "new", "--name", "convener"]).ok();
    let receiver = TestNode::init(&network, false);
    let corpus = generate_corpus(&source.scratch(), N, 32);
    let wanted = withdrawable(&receiver, &corpus);
    source.run(&["import", path_str(&corpus)]).ok();
    let run_source = source.start(&[]);
    let peers = [source.p2p_addr()];

    // Cut the receiver's sync part way, by kill -9, then let it finish.
    let run_receiver = receiver.start(&peers);
    wait_until("part of the corpus arrives", CONVERGE, || !receiver.ids().is_empty());
    run_receiver.kill9();
    let run_receiver = receiver.start(&peers);
    wait_until("the whole corpus arrives", CONVERGE, || receiver.ids().len() == N);

    withdraw_all(&source);
    wait_until("every withdrawal arrives", CONVERGE, || receiver.ids().is_empty());
    // Within a minute of the withdrawal being stored, the text is gone.
    let mut left = Vec::new();
    wait_until("no withdrawn text left at the receiver", Duration::from_secs(60), || {
        left = texts_on_disk(&receiver.data_dir(), &wanted);
        left.is_empty()
    });
    run_receiver.stop();
    run_source.stop();
    for node in [&receiver, &source] {
        let left = texts_on_disk(&node.data_dir(), &wanted);
        assert!(left.is_empty(), "{} withdrawn texts remain, e.g. {:?}", left.len(), &left[..left.len().min(5)]);
    }
}
