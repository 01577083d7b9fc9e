//! A full disk is an ordinary condition (issue 10, point 3): an import that
//! fills the disk stops with plain words and keeps all it reported; reading
//! works on a full disk; a syncing node pauses fetching, keeps a reserve for
//! a local submit, says so, and resumes by itself when space is freed.
//!
//! The data directory lives on a small tmpfs (`mount -t tmpfs -o size=…`),
//! filled with filler files. Needs root: without it the test says plainly
//! that it did not run.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use convene_tests::tmpfs::{filler, tmpfs_or_skip};
use convene_tests::{Network, TestNode, convene_bin, generate_corpus, path_str, wait_until_or};
use serde_json::Value;

fn free_mb(path: &Path) -> f64 {
    let output = Command::new("df").args(["-k", "--output=avail"]).arg(path).output().expect("df");
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines().nth(1).and_then(|line| line.trim().parse::<f64>().ok()).expect("df output") * 1024.0 / 1e6
}

/// `convene --data-dir DATA_DIR ARGS`: exit code, stdout, stderr.
fn convene_at(data_dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(convene_bin())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("CONVENE_DATA_DIR")
        .env_remove("CONVENE_IDENTITY")
        .output()
        .expect("convene runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

fn ok_at(data_dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = convene_at(data_dir, args);
    assert_eq!(code, 0, "convene {}:\n{stdout}\n{stderr}", args.join(" "));
    stdout
}

fn listed(data_dir: &Path) -> BTreeSet<String> {
    let stdout = ok_at(data_dir, &["list", "--json", "--limit", "0"]);
    let page: Value = serde_json::from_str(&stdout).expect("list --json");
    page["rows"].as_array().expect("rows").iter().map(|row| row["id"].as_str().expect("id").to_owned()).collect()
}

/// The ids an `import --json` reported stored.
fn reported(stdout: &str) -> BTreeSet<String> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|result| result["status"] == "stored" || result["status"] == "already_stored")
        .map(|result| result["id"].as_str().expect("a stored result has its id").to_owned())
        .collect()
}

/// Plain words, never a Rust debug string.
fn assert_plain_full(text: &str) {
    assert!(text.contains("the disk is full: ") && text.contains(" MB free, about "), "{text}");
    assert!(!text.contains("Os {") && !text.contains("StorageFull") && !text.contains("os error"), "{text}");
}

#[test]
fn an_import_that_fills_the_disk_stops_cleanly_reads_go_on_and_it_completes_once_space_is_freed() {
    let test = "an_import_that_fills_the_disk_stops_cleanly";
    let Some(disk) = tmpfs_or_skip(test, 40) else { return };
    let network = Network::create("Full disk");
    let scratch = TestNode::uninitialised();
    let data_dir = disk.point.join("data");
    ok_at(&data_dir, &["init", "--network", path_str(&network.genesis())]);
    ok_at(&data_dir, &["identity", "new", "--name", "hub"]);
    // 12,000 submissions take about 25 MB here; 18 MB of filler leaves less.
    let corpus = generate_corpus(&scratch.scratch(), 12_000, 10);
    let fill = disk.point.join("filler");
    filler(&fill, Some(18_000_000));

    let (code, stdout, stderr) = convene_at(&data_dir, &["import", "--json", path_str(&corpus)]);
    assert_eq!(code, 7, "import on a filling disk exits 7 (disk full):\n{stderr}");
    assert_plain_full(&stderr);
    assert!(stderr.contains("are stored; nothing from line"), "{stderr}");
    let stored = reported(&stdout);
    assert!(stored.len() > 1000 && stored.len() < 12_000, "stored {} before the disk filled", stored.len());
    eprintln!("import stopped after {} of 12000; {:.1} MB free; {}", stored.len(), free_mb(&disk.point), stderr.trim());

    // Now fill it to the last page: every read still works.
    let full = disk.point.join("filler-2");
    filler(&full, None);
    assert!(free_mb(&disk.point) < 0.01, "the disk is full");
    let status = ok_at(&data_dir, &["status"]);
    assert!(status.contains("disk:        FULL"), "{status}");
    let now = listed(&data_dir);
    assert!(stored.is_subset(&now), "{} reported ids are not listed", stored.difference(&now).count());
    let one = stored.iter().next().expect("one");
    let shown = ok_at(&data_dir, &["show", one]);
    assert!(shown.contains(one.as_str()), "{shown}");
    let verified = ok_at(&data_dir, &["verify"]);
    assert!(verified.contains(" 0 failed"), "{verified}");
    // A write is refused with plain words and exit code 7.
    let line = std::fs::read_to_string(&corpus).unwrap().lines().last().unwrap().to_owned();
    let one_file = scratch.scratch().join("one.json");
    std::fs::write(&one_file, &line).unwrap();
    let (code, _, stderr) = convene_at(&data_dir, &["submit", path_str(&one_file)]);
    assert_eq!(code, 7, "{stderr}");
    assert_plain_full(&stderr);
    assert_eq!(listed(&data_dir), now, "a refused write changes nothing");
    // So is a file to attach, before a byte of it is written.
    let pdf = scratch.scratch().join("minutes.pdf");
    std::fs::write(&pdf, [&b"%PDF-1.4\n"[..], &[b'x'; 300_000]].concat()).unwrap();
    let (code, _, stderr) = convene_at(&data_dir, &["attach", one, path_str(&pdf)]);
    assert_eq!(code, 7, "{stderr}");
    assert_plain_full(&stderr);
    let blobs =
        std::fs::read_dir(data_dir.join("blobs")).unwrap().map(|entry| entry.unwrap().file_name()).collect::<Vec<_>>();
    assert_eq!(blobs, ["partial"], "nothing of the file was written");

    // Space freed: the same import completes, and nothing was lost.
    std::fs::remove_file(&full).unwrap();
    std::fs::remove_file(&fill).unwrap();
    let stdout = ok_at(&data_dir, &["import", "--json", path_str(&corpus)]);
    let all = reported(&stdout);
    assert_eq!(all.len(), 12_000);
    assert!(stored.is_subset(&all));
    assert_eq!(listed(&data_dir), all);
    assert!(ok_at(&data_dir, &["verify"]).contains("12000 entries checked, 0 failed"));
}

#[test]
fn a_syncing_node_pauses_on_a_full_disk_keeps_the_reserve_for_a_submit_and_resumes_by_itself() {
    let test = "a_syncing_node_pauses_on_a_full_disk";
    let Some(disk) = tmpfs_or_skip(test, 40) else { return };
    let network = Network::create("Full disk sync");
    let source = TestNode::init(&network, false);
    source.run(&["identity", "new", "--name", "hub"]).ok();
    let corpus = generate_corpus(&source.scratch(), 10_000, 11);
    source.run(&["import", path_str(&corpus)]).ok();
    let _source_node = source.start(&[]);

    let data_dir = disk.point.join("data");
    ok_at(&data_dir, &["init", "--network", path_str(&network.genesis())]);
    ok_at(&data_dir, &["identity", "new", "--name", "local"]);
    // The 10,000 entries take about 21 MB here; 22 MB of filler leaves ~17.
    let fill = disk.point.join("filler");
    filler(&fill, Some(22_000_000));
    let receiver = TestNode::uninitialised();
    let log = receiver.scratch().join("receiver.log");
    let mut node = Command::new(convene_bin())
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0", "--sync-interval", "2"])
        .args(["--peer", &source.p2p_addr()])
        .env("CONVENE_LOG", "info,convene_node=debug")
        .env_remove("CONVENE_DATA_DIR")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("node run");
    struct Kill<'a>(&'a mut std::process::Child);
    impl Drop for Kill<'_> {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let node = Kill(&mut node);
    let status = || -> Value {
        let (code, stdout, _) = convene_at(&data_dir, &["status", "--json"]);
        if code == 0 { serde_json::from_str(&stdout).unwrap_or(Value::Null) } else { Value::Null }
    };
    let describe = || format!("status: {}\nlog tail:\n{}", status(), tail(&log));

    wait_until_or(
        "the receiver to pause fetching on the filling disk",
        Duration::from_secs(120),
        || status()["sync"]["paused_disk_full"] == true,
        describe,
    );
    // Replies already in flight (two at most) are still stored, within the
    // reserve: wait until what is stored holds still for longer than a
    // reconciliation interval (2 s here).
    let pack = data_dir.join("store/entries.pack");
    let stored = || (status()["store"]["entries"].clone(), std::fs::metadata(&pack).unwrap().len());
    let mut last = (stored(), Instant::now());
    wait_until_or(
        "what is stored to hold still after the pause",
        Duration::from_secs(60),
        || {
            let now = stored();
            if now != last.0 {
                last = (now, Instant::now());
            }
            last.1.elapsed() > Duration::from_secs(3)
        },
        describe,
    );
    let paused = status();
    let pack_when_paused = std::fs::metadata(&pack).unwrap().len();
    assert_eq!(paused["sync"]["paused_disk_full"], true, "{paused}");
    let entries = paused["store"]["entries"].as_u64().unwrap();
    let free = paused["disk"]["free_bytes"].as_u64().unwrap();
    let reserve = paused["disk"]["sync_reserve_bytes"].as_u64().unwrap();
    eprintln!(
        "paused at {entries} of 10000 entries, {:.1} MB free, reserve {:.1} MB",
        free as f64 / 1e6,
        reserve as f64 / 1e6
    );
    assert!(entries > 1000 && entries < 10_000, "{paused}");
    assert!(free >= reserve, "sync kept the reserve free: {paused}");
    let text = ok_at(&data_dir, &["status"]);
    assert!(text.contains("sync:        PAUSED: the disk is nearly full"), "{text}");
    // The page's status line says so too.
    let running: Value = serde_json::from_str(&std::fs::read_to_string(data_dir.join("node.json")).unwrap()).unwrap();
    let url = running["url"].as_str().unwrap().to_owned();
    let page = reqwest::blocking::get(format!("{url}/")).unwrap().text().unwrap();
    assert!(page.contains("disk full: fetching paused"), "the browse page's status line");

    // No repeated downloads while paused: two exchanges later, no entry
    // more came in and no byte was appended to the pack, where
    // fetched entries land (the peers still reconcile their id lists, which
    // is not counted here; sled may rewrite pages it reads, so its own files
    // are not the measure).
    // Watched, not slept through: any change in two more intervals fails.
    let watch_until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < watch_until {
        // Each look runs `convene status`: a few tens of ms apart.
        assert_eq!(stored(), (paused["store"]["entries"].clone(), pack_when_paused), "stored more while paused");
    }
    let later = status();
    assert_eq!(later["store"]["entries"], paused["store"]["entries"], "{later}");
    assert_eq!(
        later["sync"]["peers"][0]["entries_received"], paused["sync"]["peers"][0]["entries_received"],
        "{later}"
    );
    assert_eq!(std::fs::metadata(&pack).unwrap().len(), pack_when_paused, "{later}");

    // A convener's own submit still fits in the reserve.
    let lines: Vec<String> = std::fs::read_to_string(&corpus).unwrap().lines().map(str::to_owned).collect();
    let one_file = receiver.scratch().join("one.json");
    std::fs::write(&one_file, &lines[0]).unwrap();
    let (code, stdout, stderr) = convene_at(&data_dir, &["submit", "--as", "local", path_str(&one_file)]);
    assert_eq!(code, 0, "a local submit fits in the reserve:\n{stdout}\n{stderr}");
    let local_id = stdout.split_whitespace().next().expect("the id").to_owned();

    // Filled to the last page: the API refuses a write with a documented
    // 507 `disk_full`, the CLI with exit code 7, and pages still read.
    let full = disk.point.join("filler-2");
    filler(&full, None);
    let answer = reqwest::blocking::Client::new()
        .post(format!("{url}/api/v1/submissions"))
        .bearer_auth(running["token"].as_str().unwrap())
        .header("content-type", "application/json")
        .body(lines[3].clone())
        .send()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 507);
    let body: Value = answer.json().unwrap();
    assert_eq!(body["code"], "disk_full", "{body}");
    assert_plain_full(body["error"].as_str().unwrap());
    // So do an import and a withdrawal (a withdrawal needs room too: it
    // writes an entry before it erases).
    for (path, body) in [
        ("/api/v1/import".to_owned(), format!("[{}]", lines[4])),
        (format!("/api/v1/submissions/{local_id}/withdraw"), r#"{"reason": "full"}"#.to_owned()),
    ] {
        let answer = reqwest::blocking::Client::new()
            .post(format!("{url}{path}"))
            .bearer_auth(running["token"].as_str().unwrap())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .unwrap();
        assert_eq!(answer.status().as_u16(), 507, "{path}");
        let body: Value = answer.json().unwrap();
        assert_eq!(body["code"], "disk_full", "{path}: {body}");
        assert_plain_full(body["error"].as_str().unwrap());
    }
    let two_file = receiver.scratch().join("two.json");
    std::fs::write(&two_file, &lines[5]).unwrap();
    let (code, _, stderr) = convene_at(&data_dir, &["submit", "--as", "local", path_str(&two_file)]);
    assert_eq!(code, 7, "{stderr}");
    assert_plain_full(&stderr);
    let page = reqwest::blocking::get(format!("{url}/")).unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let (code, stdout, stderr) = convene_at(&data_dir, &["verify"]);
    assert!(code == 0 && stdout.contains(" 0 failed"), "verify on a full disk: {stdout}{stderr}\n{}", tail(&log));

    // Space freed: the node resumes by itself and completes the sync.
    std::fs::remove_file(&full).unwrap();
    std::fs::remove_file(&fill).unwrap();
    wait_until_or(
        "the receiver to resume and hold all 10,000 entries and its own",
        Duration::from_secs(180),
        || {
            let now = status();
            now["store"]["entries"] == 10_001 && now["sync"]["paused_disk_full"] == false
        },
        describe,
    );
    assert!(ok_at(&data_dir, &["verify"]).contains("10001 entries checked, 0 failed"));
    assert!(std::fs::read_to_string(&log).unwrap().contains("fetching from peers resumes"), "{}", tail(&log));
    // Nothing was downloaded over and over: what came in is about what is kept.
    let done = status();
    let bytes_in = done["sync"]["peers"][0]["bytes_in"].as_u64().unwrap();
    let kept = std::fs::metadata(&pack).unwrap().len();
    assert!(bytes_in < kept * 3 / 2, "{bytes_in} bytes came in for a pack of {kept}: {done}");
    drop(node);
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
