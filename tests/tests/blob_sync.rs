//! Attached files over sync, with real node processes on loopback: the text
//! and previews arrive first, an original cut by a kill -9 resumes from its
//! last verified group (not from zero), the upload limit holds, a "text
//! only" node takes previews alone, and a withdrawal erases the files on
//! every node.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use convene_tests::photos::{pdf_of, photo_with_gps};
use convene_tests::{Network, TestNode, generate_corpus, path_str, wait_until, wait_until_or};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(90);
/// 16 KiB groups, as the blob protocol moves them.
const GROUP: u64 = 16 * 1024;

fn blob_path(node: &TestNode, hash: &str) -> PathBuf {
    node.data_dir().join("blobs").join(&hash[..2]).join(hash)
}

fn have_path(node: &TestNode, hash: &str) -> PathBuf {
    node.data_dir().join("blobs/partial").join(format!("{hash}.have"))
}

/// Groups of `hash` verified at `node` while it is partial.
fn groups_held(node: &TestNode, hash: &str) -> u64 {
    std::fs::read(have_path(node, hash)).map_or(0, |have| have.iter().filter(|flag| **flag == 1).count() as u64)
}

/// A hub with one report carrying a photo and a PDF of `pdf_size` bytes:
/// the report's id and its attachments (photo first).
fn hub_with_files(network: &Network, pdf_size: usize) -> (TestNode, String, Vec<Value>) {
    let hub = TestNode::init(network, false);
    hub.run(&["identity", "new", "--name", "amina"]).ok();
    let scratch = hub.scratch();
    let corpus = generate_corpus(&scratch, 4, 11);
    let report = std::fs::read_to_string(corpus)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|value| value["kind"] == "convening_report")
        .expect("a report in four");
    let id = hub.run_with_stdin(&["submit", "-"], &report.to_string()).ok().stdout.trim().to_owned();
    let photo = scratch.join("photo.jpg");
    std::fs::write(&photo, photo_with_gps()).unwrap();
    let notes = scratch.join("notes.pdf");
    std::fs::write(&notes, pdf_of(1, pdf_size)).unwrap();
    hub.run(&["attach", &id, path_str(&photo), path_str(&notes)]).ok();
    let shown = hub.run(&["show", &id, "--json"]).ok().json();
    let attachments = shown["fields"]["attachments"].as_array().expect("attachments").clone();
    assert_eq!(attachments.len(), 2);
    (hub, id, attachments)
}

fn hash(attachment: &Value) -> String {
    attachment["hash"].as_str().expect("a hash").to_owned()
}

/// Bytes of files received from the first peer, per the node's status.
fn blob_bytes_received(node: &TestNode) -> u64 {
    let status = node.sync_status();
    status["peers"]
        .as_array()
        .map_or(0, |peers| peers.iter().map(|peer| peer["blob_bytes_received"].as_u64().unwrap_or(0)).sum())
}

#[test]
fn files_follow_the_text_resume_after_a_kill_and_go_when_withdrawn() {
    let network = Network::create("Demo");
    let size = 3_000_000;
    let (hub, id, attachments) = hub_with_files(&network, size);
    let (photo, notes) = (&attachments[0], &attachments[1]);
    let preview = photo["preview"]["hash"].as_str().expect("a preview").to_owned();
    // 256 KiB/s: the PDF takes about 11 s, long enough to cut it halfway.
    let _hub_running = hub.start_with(&[], &["--blob-upload-limit", "256"]);
    let peer = hub.p2p_addr();

    let relay = TestNode::init(&network, false);
    let running = relay.start(std::slice::from_ref(&peer));
    wait_until("the report to reach the second node", WAIT, || relay.ids().contains(&id));
    wait_until("the preview to arrive", WAIT, || blob_path(&relay, &preview).is_file());
    let total = size.div_ceil(GROUP as usize) as u64;
    let started = Instant::now();
    wait_until_or(
        "part of the PDF to arrive",
        WAIT,
        || groups_held(&relay, &hash(notes)) >= total / 3,
        || running.log(),
    );
    let partial_after = started.elapsed();
    // Cut halfway: what verified is kept, the rest comes after a restart.
    running.kill9();
    let held = groups_held(&relay, &hash(notes));
    assert!(held < total, "not whole yet: {held} of {total} groups");
    assert!(!blob_path(&relay, &hash(notes)).exists());
    // The limit held: a third of 3 MB at 256 KiB/s takes about 4 s.
    assert!(partial_after >= Duration::from_secs(2), "{total} groups / 3 arrived in {partial_after:?}");

    let running = relay.start(&[peer]);
    wait_until_or("the PDF to be whole", WAIT, || blob_path(&relay, &hash(notes)).is_file(), || running.log());
    wait_until("the photo to be whole", WAIT, || blob_path(&relay, &hash(photo)).is_file());
    for attachment in [photo, notes] {
        let here = std::fs::read(blob_path(&hub, &hash(attachment))).unwrap();
        let there = std::fs::read(blob_path(&relay, &hash(attachment))).unwrap();
        assert!(here == there, "{} arrived whole and the same", attachment["name"]);
    }
    // Resumed, not restarted: what came after the restart is what was missing.
    let missing = size as u64 - held * GROUP;
    let photo_size = photo["size"].as_u64().unwrap();
    let received = blob_bytes_received(&relay);
    assert!(
        received <= missing + photo_size + size as u64 / 20,
        "{received} bytes received after the restart for {missing} missing of the PDF and a {photo_size}-byte photo"
    );
    wait_until("nothing waits", WAIT, || relay.sync_status()["blobs_waiting"] == 0);
    assert!(!relay.data_dir().join("blobs/partial").read_dir().unwrap().any(|_| true), "nothing partial left");

    // A withdrawal erases the files on every node.
    hub.run(&["withdraw", &id]).ok();
    wait_until_or(
        "the files to be erased at the second node",
        WAIT,
        || [&hash(photo), &hash(notes), &preview].iter().all(|hash| !blob_path(&relay, hash).exists()),
        || running.log(),
    );
}

#[test]
fn a_text_only_node_takes_previews_and_serves_no_originals() {
    let network = Network::create("Demo");
    let (hub, id, attachments) = hub_with_files(&network, 200_000);
    let photo = &attachments[0];
    let preview = photo["preview"]["hash"].as_str().expect("a preview").to_owned();
    let _hub_running = hub.start(&[]);

    let metered = TestNode::init(&network, false);
    let running = metered.start_with(&[hub.p2p_addr()], &["--text-only"]);
    wait_until("the report to arrive", WAIT, || metered.ids().contains(&id));
    wait_until_or("the preview to arrive", WAIT, || blob_path(&metered, &preview).is_file(), || running.log());
    let status = metered.sync_status();
    assert_eq!(status["text_only"], true);
    wait_until("nothing waits on a text-only node once previews are here", WAIT, || {
        metered.sync_status()["blobs_waiting"] == 0
    });
    for attachment in &attachments {
        assert!(!blob_path(&metered, &hash(attachment)).exists(), "{} is not fetched", attachment["name"]);
        assert_eq!(groups_held(&metered, &hash(attachment)), 0);
    }
    let text = metered.run(&["status"]).ok().stdout;
    assert!(text.contains("text and previews only"), "{text}");

    // A node that reaches the hub only through the text-only node gets the
    // preview from it, and no original.
    let far = TestNode::init(&network, false);
    let far_running = far.start(&[metered.p2p_addr()]);
    wait_until_or("the preview to travel on", WAIT, || blob_path(&far, &preview).is_file(), || far_running.log());
    wait_until_or(
        "the photo and the PDF to wait for a node that serves them",
        WAIT,
        || far.sync_status()["blobs_waiting"] == 2,
        || format!("{}\n{}", far.sync_status(), far_running.log()),
    );
    assert!(!blob_path(&far, &hash(photo)).exists());
}
