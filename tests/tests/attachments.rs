//! Attachments end to end: a photo with GPS tags attached from the CLI
//! (store opened here, and through a running node's socket) and by path in
//! `submit`/`import` JSON; what is stored, shown and exported holds no
//! location or camera data; previews are small; a withdrawal erases the
//! blobs no other submission names.

use std::path::{Path, PathBuf};

use convene_tests::photos::photo_with_gps;
use convene_tests::{Network, TestNode, generate_corpus, path_str};
use serde_json::{Value, json};

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Nothing of the location or the camera in `bytes`.
fn assert_clean(bytes: &[u8], what: &str) {
    for needle in [&b"GPS"[..], b"Exif", b"CameraCo", b"xmpmeta", &5678u32.to_be_bytes()] {
        assert!(!find(bytes, needle), "{what} holds {:?}", String::from_utf8_lossy(needle));
    }
}

fn blob_path(node: &TestNode, hash: &str) -> PathBuf {
    node.data_dir().join("blobs").join(&hash[..2]).join(hash)
}

/// A report from the generated corpus, as JSON.
fn report(dir: &Path, seed: u64) -> Value {
    let corpus = generate_corpus(dir, 4, seed);
    std::fs::read_to_string(corpus)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|value| value["kind"] == "convening_report")
        .expect("a report in four")
}

#[test]
fn a_photo_loses_its_location_and_travels_with_a_small_preview() {
    let network = Network::create("Demo");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "amina"]).ok();
    let scratch = hub.scratch();
    let photo = photo_with_gps();
    assert!(find(&photo, b"GPS") && find(&photo, b"Exif"));
    let photo_path = scratch.join("photo.jpg");
    std::fs::write(&photo_path, &photo).unwrap();

    let input = report(&scratch, 7);
    let id = hub.run_with_stdin(&["submit", "-"], &input.to_string()).ok().stdout.trim().to_owned();

    // Attach from the CLI, the store opened here.
    let attached = hub.run(&["attach", &id, path_str(&photo_path)]).ok();
    assert!(
        attached.stderr.contains("removed location and camera data (EXIF, XMP) from photo.jpg"),
        "the convener is told: {attached}"
    );
    let text = hub.run(&["show", &id]).ok();
    assert!(text.stdout.contains("attachments: photo.jpg (image/jpeg, "), "{text}");
    assert_clean(text.stdout.as_bytes(), "show");
    let shown = hub.run(&["show", &id, "--json"]).ok();
    assert_clean(shown.stdout.as_bytes(), "show");
    let fields = &shown.json()["fields"];
    let attachment = &fields["attachments"][0];
    assert_eq!(attachment["type"], "image/jpeg");
    assert_eq!(attachment["name"], "photo.jpg");
    let hash = attachment["hash"].as_str().unwrap();
    let stored = std::fs::read(blob_path(&hub, hash)).unwrap();
    assert_clean(&stored, "the stored blob");
    assert_eq!(blake3::hash(&stored).to_hex().as_str(), hash, "named by the plain BLAKE3 of its bytes");
    assert_eq!(attachment["size"], stored.len());
    image::load_from_memory_with_format(&stored, image::ImageFormat::Jpeg).expect("still a photo");
    let preview_hash = attachment["preview"]["hash"].as_str().unwrap();
    let preview = std::fs::read(blob_path(&hub, preview_hash)).unwrap();
    assert!(preview.len() < 20_000, "preview of {} bytes", preview.len());
    let small = image::load_from_memory_with_format(&preview, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((small.width(), small.height()), (320, 240));
    for format in ["jsonl", "csv"] {
        assert_clean(hub.run(&["export", "--format", format]).ok().stdout.as_bytes(), "the export");
    }
    // Attaching the same photo again changes nothing.
    let again = hub.run(&["attach", &id, path_str(&photo_path)]).ok();
    assert!(again.stdout.contains("nothing new"), "{again}");
    // Not a picture nor a PDF: refused, by its bytes whatever its name.
    let fake = scratch.join("fake.jpg");
    std::fs::write(&fake, b"GIF89a not a jpeg").unwrap();
    let refused = hub.run(&["attach", &id, path_str(&fake)]).expect_code(3);
    assert!(refused.stderr.contains("first bytes"), "{refused}");

    // By path in `import` JSON (relative to the file), through a running node.
    let running = hub.start(&[]);
    let mut second = report(&scratch, 8);
    second["attachments"] = json!([{ "path": "photo.jpg" }, { "path": "notes.pdf", "name": "minutes.pdf" }]);
    std::fs::write(scratch.join("notes.pdf"), b"%PDF-1.4\n/Author (Amina)\n%%EOF\n").unwrap();
    let lines = scratch.join("with-files.jsonl");
    std::fs::write(&lines, format!("{second}\n")).unwrap();
    let imported = hub.run(&["import", path_str(&lines), "--json"]).ok();
    assert!(imported.stderr.contains("from photo.jpg"), "{imported}");
    assert!(imported.stderr.contains("a PDF may carry"), "{imported}");
    let second_id = imported.json()["id"].as_str().unwrap().to_owned();
    let second_shown = hub.run(&["show", &second_id, "--json"]).ok();
    assert_clean(second_shown.stdout.as_bytes(), "show through the node");
    let second_fields = &second_shown.json()["fields"];
    assert_eq!(second_fields["attachments"][0]["hash"], hash, "the same photo is the same blob");
    assert_eq!(second_fields["attachments"][1]["name"], "minutes.pdf");
    assert_eq!(second_fields["attachments"][1]["type"], "application/pdf");
    assert!(second_fields["attachments"][1].get("preview").is_none());
    running.stop();

    // A withdrawal erases the blobs no other live submission names.
    hub.run(&["withdraw", &id]).ok();
    assert!(blob_path(&hub, hash).exists(), "the second submission still names the photo");
    hub.run(&["withdraw", &second_id]).ok();
    assert!(!blob_path(&hub, hash).exists(), "the photo is erased");
    assert!(!blob_path(&hub, preview_hash).exists(), "its preview too");
}

#[test]
fn the_network_sets_what_a_submission_may_attach() {
    // Out of range: refused with the range, and nothing written.
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("net");
    let refused = convene_tests::run_convene(
        None,
        &["network", "create", "--name", "Big", "--out", path_str(&out), "--max-file-mb", "500"],
        None,
    )
    .expect_code(3);
    assert!(refused.stderr.contains("attachment limits are out of range"), "{refused}");
    assert!(!out.join("genesis.json").exists());

    let network = Network::create_with("Small files", &["--max-files", "1", "--max-file-mb", "1"]);
    let genesis: Value = serde_json::from_str(&std::fs::read_to_string(network.genesis()).unwrap()).unwrap();
    assert_eq!(
        genesis["attachment_limits"],
        json!({ "files": 1, "file_bytes": 1_000_000, "submission_bytes": 25_000_000 })
    );
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "amina"]).ok();
    let scratch = hub.scratch();
    let id = hub.run_with_stdin(&["submit", "-"], &report(&scratch, 9).to_string()).ok().stdout.trim().to_owned();

    // A file past the network's limit: refused, saying the limit.
    let large = scratch.join("large.pdf");
    std::fs::write(&large, convene_tests::photos::pdf_of(1, 1_200_000)).unwrap();
    let refused = hub.run(&["attach", &id, path_str(&large)]).expect_code(3);
    assert!(refused.stderr.contains("at most 1000000"), "{refused}");

    // Two files where one is allowed: refused, saying how many.
    std::fs::write(scratch.join("a.pdf"), b"%PDF-1.4\n1\n%%EOF\n").unwrap();
    std::fs::write(scratch.join("b.pdf"), b"%PDF-1.4\n2\n%%EOF\n").unwrap();
    let mut two = report(&scratch, 10);
    two["attachments"] = json!([{ "path": "a.pdf" }, { "path": "b.pdf" }]);
    let lines = scratch.join("two.jsonl");
    std::fs::write(&lines, format!("{two}\n")).unwrap();
    let refused = hub.run(&["import", path_str(&lines)]);
    assert!(refused.stderr.contains("`attachments`: 2 given; at most 1 allowed"), "{refused}");

    // One small file: fine.
    let attached = hub.run(&["attach", &id, path_str(&scratch.join("a.pdf"))]).ok();
    assert!(attached.stdout.contains("a.pdf") || attached.stderr.contains("a.pdf"), "{attached}");
}
