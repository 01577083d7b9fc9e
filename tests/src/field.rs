//! The field: three real nodes in network namespaces, hub A → relay hub B →
//! secretariat C, with the A–B link shaped like a shared rural link: a rate
//! (`tc tbf`), random loss each way (nftables, on arrival, so lost packets
//! cost link time as they do on air) and, if asked, cut for a while every
//! minute. B–C is unshaped. A holds the reports (the first of them with a
//! photo each, if asked); B and C start empty.
//!
//! Used by `convene-bench field` (the numbers in BENCHMARKS.md) and, in a
//! short version, by `tests/tests/field.rs`. Needs root, `ip`, `tc` and
//! `nft` (`scripts/test` installs them); [`missing`] says what is absent.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{Network, TestNode, convene_bin, corpus, path_str};

/// How the A–B link behaves.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Link rate, kbit/s, each way.
    pub rate_kbit: u32,
    /// Packets lost at random, percent, each way.
    pub loss_percent: u32,
    /// Cut the link for `.1` after every `.0` it was up.
    pub flap: Option<(Duration, Duration)>,
}

/// What to send and when.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Reports A holds at the start.
    pub reports: usize,
    /// How many of them carry a photo, and its size in KB.
    pub photos: usize,
    pub photo_kb: usize,
    /// Once B holds this many entries, a report is typed at A; then
    /// another a few seconds after each reaches B, while the bulk lasts.
    pub type_after: u64,
    /// Corpus seed.
    pub seed: u64,
    pub shape: Shape,
    /// Give up after this long.
    pub timeout: Duration,
}

/// What the field run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Entries A held at the start, and their bytes.
    pub entries: u64,
    pub entry_bytes: u64,
    /// From the start of the nodes: when B and C held their first entry,
    /// when they held all of them.
    pub first_at_b: Duration,
    pub first_at_c: Duration,
    pub all_at_b: Duration,
    pub all_at_c: Duration,
    /// Each report typed at A mid-transfer: how long until B held it, how
    /// many entries B still lacked then, and whether it was typed while
    /// files (not text) were crossing.
    pub typed: Vec<(Duration, u64, bool)>,
    /// B's entry count never went down.
    pub b_only_grew: bool,
    /// Bytes of the files (photos and previews) A held at the start.
    pub blob_bytes: u64,
    /// When B first held a whole original photo, and when C held every file.
    pub first_photo_at_b: Option<Duration>,
    pub all_files_at_c: Option<Duration>,
    /// Bytes of files B held (whole, or verified groups) never went down.
    pub b_files_only_grew: bool,
    /// Bytes of files B received from A (counting any sent twice).
    pub blob_bytes_from_a: u64,
    /// When the A–B link was cut, from the start of the nodes: (from, to).
    pub cuts: Vec<(Duration, Duration)>,
    /// Peak resident memory of A, B and C, MB.
    pub peak_mb: [f64; 3],
    /// A's status of B, and C's of B, at the end (`convene status --json` `sync.peers`).
    pub a_peers: Value,
}

impl Outcome {
    /// Entry bytes B received per second from its first entry to its last
    /// while the link was up, as a share of the link's rate (the start:
    /// connecting, identifying and reconciling, is counted apart).
    pub fn goodput(&self, shape: &Shape) -> f64 {
        let up = self.up_between(self.first_at_b, self.all_at_b);
        self.entry_bytes as f64 / up.as_secs_f64() / (shape.rate_kbit as f64 * 1000.0 / 8.0)
    }

    /// How long the A–B link was up between `from` and `to`.
    pub fn up_between(&self, from: Duration, to: Duration) -> Duration {
        let down: Duration = self.cuts.iter().map(|(cut, back)| (*back).min(to).saturating_sub((*cut).max(from))).sum();
        to.saturating_sub(from).saturating_sub(down)
    }

    /// Entry and file bytes B received per second from its first entry
    /// until C held every file (B–C is fast), while the link was up, as a
    /// share of the link's rate.
    pub fn goodput_with_files(&self, shape: &Shape) -> Option<f64> {
        let up = self.up_between(self.first_at_b, self.all_files_at_c?);
        Some((self.entry_bytes + self.blob_bytes) as f64 / up.as_secs_f64() / (shape.rate_kbit as f64 * 1000.0 / 8.0))
    }
}

/// What this machine lacks to run the field, if anything.
pub fn missing() -> Option<String> {
    // `id -u` prints 0 for root.
    let root = Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.starts_with(b"0\n"));
    if !root {
        return Some("not root: network namespaces need root".into());
    }
    for (tool, args) in [("ip", &["-V"][..]), ("tc", &["-V"][..]), ("nft", &["--version"][..])] {
        let found = Command::new(tool).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status();
        if !found.is_ok_and(|status| status.success()) {
            return Some(format!("`{tool}` is not installed (apt-get install iproute2 nftables)"));
        }
    }
    // Unique within the process too: tests run side by side.
    static PROBES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let probe = format!("cvprobe{}-{}", std::process::id(), PROBES.fetch_add(1, Ordering::Relaxed));
    if !sh("ip", &["netns", "add", &probe]) {
        return Some("cannot create a network namespace here".into());
    }
    sh("ip", &["netns", "del", &probe]);
    None
}

pub(crate) fn sh(tool: &str, args: &[&str]) -> bool {
    Command::new(tool).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

pub(crate) fn must(tool: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(tool).args(args).output().map_err(|error| format!("{tool}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{tool} {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr)))
    }
}

/// Network namespaces, each with its loopback up; removed when dropped.
pub(crate) struct Netns {
    names: Vec<String>,
}

impl Netns {
    pub(crate) fn new(names: &[String]) -> Result<Self, String> {
        let mut made = Self { names: Vec::new() };
        for name in names {
            must("ip", &["netns", "add", name])?;
            made.names.push(name.clone());
            must("ip", &["-n", name, "link", "set", "dev", "lo", "up"])?;
        }
        Ok(made)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for name in &self.names {
            sh("ip", &["netns", "del", name]);
        }
    }
}

/// One end of a veth link: namespace, interface, address with prefix length.
pub(crate) type End<'a> = (&'a str, &'a str, &'a str);

/// A veth link between two namespaces, addressed and up.
pub(crate) fn veth((left, left_if, left_ip): End<'_>, (right, right_if, right_ip): End<'_>) -> Result<(), String> {
    must("ip", &["link", "add", "dev", left_if, "type", "veth", "peer", "name", right_if])?;
    must("ip", &["link", "set", "dev", left_if, "netns", left])?;
    must("ip", &["link", "set", "dev", right_if, "netns", right])?;
    must("ip", &["-n", left, "addr", "add", left_ip, "dev", left_if])?;
    must("ip", &["-n", right, "addr", "add", right_ip, "dev", right_if])?;
    must("ip", &["-n", left, "link", "set", "dev", left_if, "up"])?;
    must("ip", &["-n", right, "link", "set", "dev", right_if, "up"])
}

/// The three namespaces and their links; removed when dropped.
struct Namespaces {
    names: [String; 3],
    /// A's end of the A–B link (the one cut to flap it).
    a_link: String,
    _netns: Netns,
}

const A_IP: &str = "10.231.1.1";
const B_IP_AB: &str = "10.231.1.2";
const B_IP_BC: &str = "10.231.2.1";
const C_IP: &str = "10.231.2.2";

impl Namespaces {
    fn build(shape: &Shape) -> Result<Self, String> {
        let tag = std::process::id() % 100_000;
        let names = [format!("cvf{tag}a"), format!("cvf{tag}b"), format!("cvf{tag}c")];
        let made = Self { names: names.clone(), a_link: format!("cvf{tag}ab"), _netns: Netns::new(&names)? };
        let [a, b, c] = &names;
        let links = [
            (a, format!("cvf{tag}ab"), A_IP, b, format!("cvf{tag}ba"), B_IP_AB),
            (b, format!("cvf{tag}bc"), B_IP_BC, c, format!("cvf{tag}cb"), C_IP),
        ];
        for (left, left_if, left_ip, right, right_if, right_ip) in &links {
            veth((left, left_if, &format!("{left_ip}/24")), (right, right_if, &format!("{right_ip}/24")))?;
        }
        // The A–B link: rate each way, loss on arrival each way.
        let rate = format!("{}kbit", shape.rate_kbit);
        for (ns, dev) in [(a, format!("cvf{tag}ab")), (b, format!("cvf{tag}ba"))] {
            must(
                "tc",
                &[
                    "-n", ns, "qdisc", "add", "dev", &dev, "root", "tbf", "rate", &rate, "burst", "1600", "latency",
                    "400ms",
                ],
            )?;
            if shape.loss_percent > 0 {
                let nft = |args: &[&str]| must("ip", &[&["netns", "exec", ns, "nft"][..], args].concat());
                nft(&["add", "table", "inet", "field"])?;
                nft(&[
                    "add",
                    "chain",
                    "inet",
                    "field",
                    "input",
                    "{ type filter hook input priority 0; policy accept; }",
                ])?;
                let loss = shape.loss_percent.to_string();
                nft(&[
                    "add", "rule", "inet", "field", "input", "iifname", &dev, "numgen", "random", "mod", "100", "<",
                    &loss, "drop",
                ])?;
            }
        }
        // B routes between A and C.
        must("ip", &["netns", "exec", b, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])?;
        Ok(made)
    }
}

/// A `convene node run` inside a namespace.
pub(crate) struct FieldNode {
    pub(crate) node: TestNode,
    child: Option<Child>,
}

impl FieldNode {
    fn start(node: TestNode, ns: &str, ip: &str, peers: &[String]) -> Result<Self, String> {
        let mut args = vec!["--listen".to_owned(), format!("/ip4/{ip}/tcp/4701")];
        for peer in peers {
            args.extend(["--peer".to_owned(), peer.clone()]);
        }
        Self::start_with(node, ns, &args)
    }

    /// `convene node run ARGS` in `ns` (web UI on the namespace's loopback),
    /// once its status answers.
    pub(crate) fn start_with(node: TestNode, ns: &str, args: &[String]) -> Result<Self, String> {
        let log = std::fs::File::create(node.scratch().join("field-node.log")).map_err(|e| e.to_string())?;
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", ns])
            .arg(convene_bin())
            .arg("--data-dir")
            .arg(node.data_dir())
            .args(["node", "run", "--http", "127.0.0.1:0"])
            .args(args)
            .env_remove("CONVENE_DATA_DIR")
            .env("CONVENE_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log);
        let child = command.spawn().map_err(|error| format!("starting a node in {ns}: {error}"))?;
        let started = Self { node, child: Some(child) };
        let deadline = Instant::now() + Duration::from_secs(60);
        while started.sync().is_none_or(|sync| sync.is_null()) {
            if Instant::now() > deadline {
                return Err(format!("the node in {ns} did not start:\n{}", started.log()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(started)
    }

    pub(crate) fn status(&self) -> Option<Value> {
        let run = self.node.run(&["status", "--json"]);
        (run.code == 0).then(|| run.json())
    }

    pub(crate) fn sync(&self) -> Option<Value> {
        self.status().map(|status| status["sync"].clone())
    }

    fn entries(&self) -> u64 {
        self.status().and_then(|status| status["store"]["entries"].as_u64()).unwrap_or(0)
    }

    pub(crate) fn holds(&self, id: &str) -> bool {
        self.node.run(&["show", id, "--json"]).code == 0
    }

    fn peak_mb(&self) -> f64 {
        let Some(child) = &self.child else { return 0.0 };
        // `ip netns exec` execs the node: same pid.
        crate::resident_kb(child.id(), "VmHWM:") as f64 / 1024.0
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.node.scratch().join("field-node.log")).unwrap_or_default()
    }

    fn files(&self) -> Files {
        Files::of(&self.node.data_dir().join("blobs"))
    }
}

/// What a node's blob folder holds.
#[derive(Debug, Default)]
struct Files {
    /// Whole files, and those larger than any preview (originals).
    whole: u64,
    originals: u64,
    /// Bytes held: whole files, and verified groups of partial ones.
    bytes: u64,
}

impl Files {
    /// Each blob counted once: whole, or by the exact bytes of its verified
    /// groups (a partial file has the blob's size; its last group is short),
    /// so finishing a file never looks like losing bytes.
    fn of(dir: &Path) -> Self {
        const GROUP: u64 = 16 * 1024;
        let mut files = Self::default();
        // Partial ones first: one finished between the two readings is then
        // seen whole in the second, and counted once.
        let mut partial_bytes = std::collections::HashMap::new();
        let partial = dir.join("partial");
        for file in std::fs::read_dir(&partial).into_iter().flatten().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let Some(hash) = name.strip_suffix(".have") else { continue };
            let size = std::fs::metadata(partial.join(hash)).map_or(0, |meta| meta.len());
            let flags = std::fs::read(file.path()).unwrap_or_default();
            let held = flags.iter().enumerate().filter(|(_, flag)| **flag == 1);
            let bytes: u64 = held.map(|(index, _)| GROUP.min(size.saturating_sub(index as u64 * GROUP))).sum();
            partial_bytes.insert(hash.to_owned(), bytes);
        }
        let Ok(folders) = std::fs::read_dir(dir) else { return files };
        for folder in folders.flatten().filter(|folder| folder.file_name() != "partial") {
            for file in std::fs::read_dir(folder.path()).into_iter().flatten().flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                if name.len() == 64 {
                    let size = file.metadata().map_or(0, |meta| meta.len());
                    files.whole += 1;
                    files.bytes += size;
                    files.originals += u64::from(size > convene_protocol::attachment::MAX_PREVIEW_BYTES);
                    partial_bytes.remove(&name);
                }
            }
        }
        files.bytes += partial_bytes.values().sum::<u64>();
        files
    }
}

impl Drop for FieldNode {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs the field once.
pub fn run(plan: &Plan) -> Result<Outcome, String> {
    let network = Network::create("Field");
    let [a, b, c] = [TestNode::init(&network, false), TestNode::init(&network, false), TestNode::init(&network, true)];
    a.run(&["identity", "new", "--name", "hub-a"]).ok();
    let corpus_file = crate::generate_corpus(&a.scratch(), plan.reports, plan.seed);
    with_photos(&corpus_file, plan.photos, plan.photo_kb)?;
    a.run(&["import", path_str(&corpus_file)]).ok();
    let typed_reports = typed_reports(&a.scratch(), plan.seed, TYPED_MAX)?;

    let spaces = Namespaces::build(&plan.shape)?;
    let [na, nb, nc] = &spaces.names;
    let c = FieldNode::start(c, nc, C_IP, &[])?;
    let b = FieldNode::start(b, nb, B_IP_AB, &[format!("/ip4/{C_IP}/tcp/4701")])?;
    let started = Instant::now();
    let a = FieldNode::start(a, na, A_IP, &[format!("/ip4/{B_IP_AB}/tcp/4701")])?;
    let status = a.status().ok_or("no status from A")?;
    let entries = status["store"]["entries"].as_u64().unwrap_or(0);
    let entry_bytes = status["store"]["entry_bytes"].as_u64().unwrap_or(0);
    let at_a = a.files();
    let (blob_bytes, files_total) = (at_a.bytes, at_a.whole);

    // Cut the A–B link now and then, counting the time it was down.
    let stop = Arc::new(AtomicBool::new(false));
    let flapper = plan.shape.flap.map(|(up, down)| {
        let (stop, ns, link) = (stop.clone(), na.clone(), spaces.a_link.clone());
        std::thread::spawn(move || {
            let mut cuts = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                if sleep_unless(&stop, up) {
                    break;
                }
                let cut = started.elapsed();
                sh("ip", &["-n", &ns, "link", "set", "dev", &link, "down"]);
                sleep_unless(&stop, down);
                sh("ip", &["-n", &ns, "link", "set", "dev", &link, "up"]);
                cuts.push((cut, started.elapsed()));
            }
            cuts
        })
    });

    let mut first_at_b = None;
    let mut first_at_c = None;
    let mut all_at_b = None;
    let mut all_at_c = None;
    // The report typed and not yet at B, and when it was; when the last arrived.
    let mut typing: Option<(String, Instant, bool)> = None;
    let mut last_arrived: Option<Instant> = None;
    let mut typed = Vec::new();
    let mut b_only_grew = true;
    let mut last_b = 0;
    let mut total = entries;
    let mut first_photo_at_b = None;
    let mut all_files_at_c = None;
    let mut b_files_only_grew = true;
    let mut last_b_files = 0;
    while all_at_c.is_none() || typing.is_some() || typed.is_empty() || all_files_at_c.is_none() {
        if started.elapsed() > plan.timeout {
            stop.store(true, Ordering::Relaxed);
            return Err(format!(
                "the field did not finish in {:?}: B holds {last_b} of {total}, C {}\nA's peers: {}\nB's log tail:\n{}",
                plan.timeout,
                c.entries(),
                a.sync().map(|sync| sync["peers"].to_string()).unwrap_or_default(),
                tail(&b.log(), 40)
            ));
        }
        let at_b = b.entries();
        b_only_grew &= at_b >= last_b;
        last_b = at_b;
        let due = last_arrived.is_none_or(|at| at.elapsed() >= TYPED_PAUSE)
            && (typed.is_empty() || all_at_b.is_none() || all_files_at_c.is_none())
            && typed.len() < typed_reports.len();
        if typing.is_none() && at_b >= plan.type_after && due {
            let out = a.node.run(&["submit", path_str(&typed_reports[typed.len()]), "--as", "hub-a"]);
            if out.code != 0 {
                return Err(format!("typing a report at A failed: {out}"));
            }
            total += 1;
            typing = Some((out.stdout.trim().to_owned(), Instant::now(), all_at_b.is_some()));
        }
        if let Some((id, at, during_files)) = &typing
            && b.holds(id)
        {
            typed.push((at.elapsed(), total.saturating_sub(b.entries()), *during_files));
            typing = None;
            last_arrived = Some(Instant::now());
        }
        if at_b > 0 && first_at_b.is_none() {
            first_at_b = Some(started.elapsed());
        }
        let at_c = c.entries();
        if at_c > 0 && first_at_c.is_none() {
            first_at_c = Some(started.elapsed());
        }
        if at_b >= total && all_at_b.is_none() {
            all_at_b = Some(started.elapsed());
        }
        if at_c >= total && all_at_c.is_none() {
            all_at_c = Some(started.elapsed());
        }
        let files_b = b.files();
        b_files_only_grew &= files_b.bytes >= last_b_files;
        last_b_files = files_b.bytes;
        if files_b.originals > 0 && first_photo_at_b.is_none() {
            first_photo_at_b = Some(started.elapsed());
        }
        if c.files().whole >= files_total && all_files_at_c.is_none() {
            all_files_at_c = Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    let cuts = flapper.map(|thread| thread.join().unwrap_or_default()).unwrap_or_default();
    let all_at_b = all_at_b.unwrap_or_else(|| started.elapsed());
    // B's receipts (its announcements of what it stored) may still be on the
    // way to A: what A says of B is read once they are in, or after a minute.
    let settled = Instant::now() + Duration::from_secs(60);
    let a_peers = loop {
        let peers = a.sync().map(|sync| sync["peers"].clone()).unwrap_or_default();
        if peers[0]["unconfirmed"].as_u64() == Some(0) || Instant::now() > settled {
            break peers;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let a_id = a.sync().map(|sync| sync["peer_id"].clone()).unwrap_or_default();
    let b_peers = b.sync().map(|sync| sync["peers"].clone()).unwrap_or_default();
    let from_a = b_peers.as_array().into_iter().flatten().find(|peer| peer["peer_id"] == a_id);
    let blob_bytes_from_a = from_a.and_then(|peer| peer["blob_bytes_received"].as_u64()).unwrap_or(0);
    let verified = c.node.run(&["verify"]);
    if verified.code != 0 {
        return Err(format!("C does not verify: {verified}"));
    }
    Ok(Outcome {
        entries,
        entry_bytes,
        first_at_b: first_at_b.unwrap_or_default(),
        first_at_c: first_at_c.unwrap_or_default(),
        all_at_b,
        all_at_c: all_at_c.unwrap_or_default(),
        typed,
        b_only_grew,
        blob_bytes,
        first_photo_at_b,
        all_files_at_c,
        b_files_only_grew,
        blob_bytes_from_a,
        cuts,
        peak_mb: [a.peak_mb(), b.peak_mb(), c.peak_mb()],
        a_peers,
    })
}

/// Sleeps `wait`, or less if `stop` is set; whether it was.
fn sleep_unless(stop: &AtomicBool, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    while Instant::now() < until {
        if stop.load(Ordering::Relaxed) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Gives the first `count` reports and case studies of the corpus `file` a
/// photo of about `kb` KB each (by path, beside the file).
fn with_photos(file: &Path, count: usize, kb: usize) -> Result<(), String> {
    if count == 0 {
        return Ok(());
    }
    let text = std::fs::read_to_string(file).map_err(|error| error.to_string())?;
    let dir = file.parent().expect("in a folder");
    let mut given = 0;
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut value: Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
        let kind = value["kind"].as_str().unwrap_or_default();
        if given < count && (kind == "convening_report" || kind == "case_study") {
            let name = format!("photo-{given}.jpg");
            std::fs::write(dir.join(&name), crate::photos::photo_of_about(given as u64 + 1, kb))
                .map_err(|error| error.to_string())?;
            value["attachments"] = serde_json::json!([{ "path": name }]);
            given += 1;
        }
        lines.push(value.to_string());
    }
    if given < count {
        return Err(format!("the corpus holds {given} reports and case studies, fewer than {count} photos"));
    }
    std::fs::write(file, lines.join("\n") + "\n").map_err(|error| error.to_string())
}

/// Reports typed at A mid-transfer, at most; and the pause after one
/// reaches B before the next is typed.
const TYPED_MAX: usize = 40;
const TYPED_PAUSE: Duration = Duration::from_secs(3);

/// `count` reports, each in a file of its own, for A to submit mid-transfer.
pub(crate) fn typed_reports(dir: &Path, seed: u64, count: usize) -> Result<Vec<PathBuf>, String> {
    let lines = dir.join("typed.jsonl");
    corpus::write(&lines, count, seed ^ 0x5eed).map_err(|error| error.to_string())?;
    let text = std::fs::read_to_string(&lines).map_err(|error| error.to_string())?;
    let mut files = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let out = dir.join(format!("typed-{n}.json"));
        std::fs::write(&out, line.trim()).map_err(|error| error.to_string())?;
        files.push(out);
    }
    Ok(files)
}

pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
