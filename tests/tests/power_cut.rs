//! Power cuts: what the disk holds at a random moment, mounted as the next
//! boot would find it, keeps every submission acknowledged before that
//! moment, and the store verifies.
//!
//! The data directory lives on an ext4 filesystem in a file, mounted through
//! a loop device. A cut stops every thread of the writing process (SIGSTOP),
//! copies the image (what reached the disk; what sat in the page cache is
//! lost, as in a power cut), lets the process go on, then mounts the copy
//! (the journal is replayed) and checks it with `convene list` and
//! `convene verify`. Needs root, loop devices and mkfs.ext4: without them the
//! test says so and does nothing. `CONVENE_POWER_CUTS=N` sets the cuts per
//! scenario (default 12; run it with 100 when changing the store).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use convene_tests::{Network, TestNode, XorShift, convene_bin, generate_corpus, path_str, wait_until};
use serde_json::Value;

/// An ext4 image mounted through a loop device; unmounted when dropped.
struct Disk {
    dir: tempfile::TempDir,
    mounted: Vec<PathBuf>,
}

impl Disk {
    /// A fresh filesystem of `mb` MB, or why there cannot be one here.
    fn new(mb: u64) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let image = dir.path().join("disk.img");
        let file = std::fs::File::create(&image).map_err(|error| error.to_string())?;
        file.set_len(mb * 1024 * 1024).map_err(|error| error.to_string())?;
        run_quiet("mkfs.ext4", &["-q", "-F", path_str(&image)])?;
        let mut disk = Self { dir, mounted: Vec::new() };
        disk.mount(&image, "live")?;
        Ok(disk)
    }

    fn image(&self) -> PathBuf {
        self.dir.path().join("disk.img")
    }

    fn mount(&mut self, image: &Path, name: &str) -> Result<PathBuf, String> {
        let point = self.dir.path().join(name);
        std::fs::create_dir_all(&point).map_err(|error| error.to_string())?;
        run_quiet("mount", &["-o", "loop", path_str(image), path_str(&point)])?;
        self.mounted.push(point.clone());
        Ok(point)
    }

    fn unmount(&mut self, point: &Path) {
        run_quiet("umount", &[path_str(point)]).expect("umount");
        self.mounted.retain(|mounted| mounted != point);
    }

    /// The disk as it stands now, mounted at a new place.
    fn cut(&mut self, round: usize) -> PathBuf {
        let copy = self.dir.path().join(format!("cut-{round}.img"));
        std::fs::copy(self.image(), &copy).expect("copy the image");
        self.mount(&copy, &format!("cut-{round}")).expect("mount the cut image")
    }

    fn forget_cut(&mut self, point: &Path, round: usize) {
        self.unmount(point);
        let _ = std::fs::remove_file(self.dir.path().join(format!("cut-{round}.img")));
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        for point in self.mounted.drain(..).rev() {
            let _ = Command::new("umount").arg("-l").arg(&point).status();
        }
    }
}

fn run_quiet(program: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(program).args(args).output().map_err(|error| format!("{program}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{program} {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()))
    }
}

fn cuts() -> usize {
    std::env::var("CONVENE_POWER_CUTS").ok().and_then(|text| text.parse().ok()).unwrap_or(12)
}

/// A disk, or `None` after saying plainly why this machine cannot run the test.
fn disk_or_skip(test: &str) -> Option<Disk> {
    match Disk::new(96) {
        Ok(disk) => Some(disk),
        Err(why) => {
            eprintln!("{test}: NOT RUN: it needs root, loop devices and mkfs.ext4 ({why})");
            None
        }
    }
}

/// Stops every thread of `pid` and waits until they are all stopped.
fn freeze(pid: u32) {
    Command::new("kill").args(["-STOP", &pid.to_string()]).status().expect("kill -STOP");
    wait_until("every thread stopped", Duration::from_secs(10), || {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return true };
        tasks.flatten().all(|task| {
            std::fs::read_to_string(task.path().join("stat"))
                .map(|stat| {
                    stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with(['T', 't', 'Z', 'X']))
                })
                .unwrap_or(true)
        })
    });
}

fn thaw(pid: u32) {
    Command::new("kill").args(["-CONT", &pid.to_string()]).status().expect("kill -CONT");
}

/// `convene` on a data directory with no node running for it.
fn convene_at(data_dir: &Path, args: &[&str]) -> (i32, String, String) {
    // The copy holds the live node's files; no node runs for it.
    let _ = std::fs::remove_file(data_dir.join("node.json"));
    let _ = std::fs::remove_file(data_dir.join("node.sock"));
    let output = Command::new(convene_bin()).arg("--data-dir").arg(data_dir).args(args).output().expect("convene runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

/// Checks a cut: the store opens and verifies and holds every acknowledged id.
fn check_cut(data_dir: &Path, acknowledged: &BTreeSet<String>, what: &str) {
    let (code, stdout, stderr) = convene_at(data_dir, &["list", "--json", "--limit", "0"]);
    assert_eq!(code, 0, "{what}: the store does not open after the cut\n{stdout}\n{stderr}");
    let listed: Value = serde_json::from_str(&stdout).expect("list --json");
    let held: BTreeSet<String> =
        listed["rows"].as_array().unwrap().iter().map(|row| row["id"].as_str().unwrap().to_owned()).collect();
    let lost: Vec<_> = acknowledged.difference(&held).collect();
    assert!(
        lost.is_empty(),
        "{what}: {} of {} acknowledged submissions lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    let (code, stdout, stderr) = convene_at(data_dir, &["verify"]);
    assert_eq!(code, 0, "{what}: the store does not verify after the cut\n{stdout}\n{stderr}");
}

fn seed() -> u64 {
    std::env::var("CONVENE_CRASH_SEED").ok().and_then(|text| text.parse().ok()).unwrap_or(0xc0ffee)
}

#[test]
fn a_power_cut_during_submits_loses_nothing_acknowledged() {
    let Some(mut disk) = disk_or_skip("a_power_cut_during_submits_loses_nothing_acknowledged") else { return };
    let network = Network::create("PowerCut");
    let scratch = TestNode::uninitialised();
    let corpus = generate_corpus(&scratch.scratch(), 4000, 41);
    let data_dir = disk.mounted[0].join("data");
    let init = |args: &[&str]| {
        let (code, stdout, stderr) = convene_at(&data_dir, args);
        assert_eq!(code, 0, "{args:?}\n{stdout}\n{stderr}");
    };
    init(&["init", "--network", path_str(&network.genesis())]);
    init(&["identity", "new", "--name", "hub"]);

    let mut random = XorShift(seed());
    let mut acknowledged = BTreeSet::new();
    let mut round = 0;
    // Imports one after another (a finished one starts the next, on more of
    // the same corpus: already stored lines are acknowledged again).
    while round < cuts() {
        let mut child = Command::new(convene_bin())
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["import", path_str(&corpus), "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("import starts");
        // Every line the child prints is kept, however slowly the test reads.
        #[expect(clippy::disallowed_methods, reason = "the reader must never block the child's output")]
        let (lines_tx, lines_rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        loop {
            std::thread::sleep(Duration::from_millis(20 + random.below(400)));
            if child.try_wait().unwrap().is_some() {
                break;
            }
            freeze(child.id());
            // What it printed before it stopped was acknowledged before the
            // cut: take lines until the stopped process's pipe is drained.
            while let Ok(line) = lines_rx.recv_timeout(Duration::from_millis(50)) {
                record(std::iter::once(line), &mut acknowledged);
            }
            let point = disk.cut(round);
            check_cut(&point.join("data"), &acknowledged, &format!("submits, cut {round} (seed {})", seed()));
            disk.forget_cut(&point, round);
            round += 1;
            thaw(child.id());
            if round >= cuts() {
                child.kill().ok();
                break;
            }
        }
        child.wait().unwrap();
        reader.join().unwrap();
        record(lines_rx.try_iter(), &mut acknowledged);
    }
    assert!(!acknowledged.is_empty(), "the cuts came after some submissions were acknowledged");
}

/// `convene node run` on `data_dir`, with its log in `log`; waits until it answers.
fn start_node(data_dir: &Path, log: &Path, peers: &[String]) -> std::process::Child {
    let log = std::fs::File::create(log).unwrap();
    let mut command = Command::new(convene_bin());
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0", "--sync-interval", "2"])
        .env("CONVENE_LOG", "info")
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    for peer in peers {
        command.args(["--peer", peer]);
    }
    let child = command.spawn().expect("the node starts");
    wait_until("the node to answer", Duration::from_secs(30), || {
        let output = Command::new(convene_bin()).arg("--data-dir").arg(data_dir).args(["status", "--json"]).output();
        output.is_ok_and(|output| {
            serde_json::from_slice::<Value>(&output.stdout).is_ok_and(|status| !status["sync"].is_null())
        })
    });
    child
}

#[test]
fn a_power_cut_after_a_convener_submits_to_a_running_node_loses_nothing_acknowledged() {
    let test = "a_power_cut_after_a_convener_submits_to_a_running_node_loses_nothing_acknowledged";
    let Some(mut disk) = disk_or_skip(test) else { return };
    let network = Network::create("PowerCutSubmit");
    let scratch = TestNode::uninitialised();
    let corpus = generate_corpus(&scratch.scratch(), 400, 43);
    let lines: Vec<String> = std::fs::read_to_string(&corpus).unwrap().lines().map(str::to_owned).collect();
    let data_dir = disk.mounted[0].join("data");
    for args in [&["init", "--network", path_str(&network.genesis())][..], &["identity", "new", "--name", "hub"]] {
        let (code, stdout, stderr) = convene_at(&data_dir, args);
        assert_eq!(code, 0, "{args:?}\n{stdout}\n{stderr}");
    }
    let mut node = start_node(&data_dir, &scratch.scratch().join("node.log"), &[]);
    let mut random = XorShift(seed());
    let mut acknowledged = BTreeSet::new();
    let mut round = 0;
    for line in &lines {
        if round >= cuts() {
            break;
        }
        let mut child = Command::new(convene_bin())
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["submit", "-", "--json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), line.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "submit failed: {}", String::from_utf8_lossy(&output.stdout));
        let submitted: Value = serde_json::from_slice(&output.stdout).expect("submit --json");
        if matches!(submitted["status"].as_str(), Some("stored" | "already_stored")) {
            acknowledged.insert(submitted["id"].as_str().unwrap().to_owned());
        }
        // Cut now and then, a moment after the convener saw "stored".
        if random.below(3) == 0 {
            std::thread::sleep(Duration::from_millis(random.below(200)));
            freeze(node.id());
            let point = disk.cut(round);
            check_cut(&point.join("data"), &acknowledged, &format!("submit, cut {round} (seed {})", seed()));
            disk.forget_cut(&point, round);
            thaw(node.id());
            round += 1;
        }
    }
    node.kill().ok();
    node.wait().ok();
    assert!(round >= cuts(), "only {round} cuts");
}

fn record(lines: impl Iterator<Item = String>, acknowledged: &mut BTreeSet<String>) {
    for line in lines {
        let value: Value = serde_json::from_str(&line).unwrap_or_else(|error| panic!("bad line {line:?}: {error}"));
        if matches!(value["status"].as_str(), Some("stored" | "already_stored")) {
            acknowledged.insert(value["id"].as_str().unwrap().to_owned());
        }
    }
}

#[test]
fn a_power_cut_during_a_sync_loses_nothing_listed() {
    let Some(mut disk) = disk_or_skip("a_power_cut_during_a_sync_loses_nothing_listed") else { return };
    let network = Network::create("PowerCutSync");
    let source = TestNode::init(&network, false);
    source.run(&["identity", "new", "--name", "convener"]).ok();
    let corpus = generate_corpus(&source.scratch(), 3000, 42);
    source.run(&["import", path_str(&corpus)]).ok();
    let run_source = source.start(&[]);

    let data_dir = disk.mounted[0].join("data");
    let (code, _, stderr) = convene_at(&data_dir, &["init", "--network", path_str(&network.genesis())]);
    assert_eq!(code, 0, "{stderr}");
    let mut receiver = start_node(&data_dir, &source.scratch().join("receiver.log"), &[source.p2p_addr()]);
    let listed = || -> BTreeSet<String> {
        let output = Command::new(convene_bin())
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["list", "--json", "--limit", "0"])
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&output.stdout)
            .ok()
            .and_then(|value| value["rows"].as_array().cloned())
            .map(|rows| rows.iter().filter_map(|row| row["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let mut random = XorShift(seed());
    let mut acknowledged = BTreeSet::new();
    for round in 0..cuts() {
        std::thread::sleep(Duration::from_millis(random.below(300)));
        // What the running node lists has been flushed.
        acknowledged.extend(listed());
        freeze(receiver.id());
        let point = disk.cut(round);
        check_cut(&point.join("data"), &acknowledged, &format!("sync, cut {round} (seed {})", seed()));
        disk.forget_cut(&point, round);
        thaw(receiver.id());
    }
    receiver.kill().ok();
    receiver.wait().ok();
    run_source.stop();
    assert!(!acknowledged.is_empty(), "the cuts came while entries arrived");
}
