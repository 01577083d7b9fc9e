//! Sync benchmarks: real `convene node run` processes on 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use convene_tests::proxy::{Link, Proxy};
use serde_json::Value;

/// A node's data directory, and its process while it runs.
pub struct BenchNode {
    convene: PathBuf,
    pub data: PathBuf,
    child: Option<Child>,
}

impl BenchNode {
    /// A node initialised for the network whose genesis is `genesis`.
    pub fn init(convene: &Path, root: &Path, name: &str, genesis: &Path) -> Result<Self> {
        Self::init_with(convene, root, name, genesis, &[])
    }

    /// Like [`BenchNode::init`], with more `convene init` arguments (the
    /// secretariat's key, say).
    pub fn init_with(convene: &Path, root: &Path, name: &str, genesis: &Path, more: &[&str]) -> Result<Self> {
        let node = Self { convene: convene.to_owned(), data: root.join(name), child: None };
        let mut args = vec!["init", "--network", genesis.to_str().context("utf-8")?];
        args.extend_from_slice(more);
        node.cli(&args)?;
        node.cli(&["identity", "new", "--name", name])?;
        Ok(node)
    }

    /// Runs a one-shot `convene` command against this node.
    pub fn cli(&self, args: &[&str]) -> Result<String> {
        let output =
            Command::new(&self.convene).arg("--data-dir").arg(&self.data).args(args).stdin(Stdio::null()).output()?;
        if !output.status.success() {
            bail!("convene {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Starts `convene node run` and waits until its API answers.
    pub fn start(&mut self, peers: &[String]) -> Result<()> {
        let _ = std::fs::remove_file(self.data.join("node.json"));
        let mut args = vec!["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0"];
        for peer in peers {
            args.extend(["--peer", peer.as_str()]);
        }
        let log = std::fs::File::create(self.data.with_extension("log"))?;
        let child = Command::new(&self.convene)
            .arg("--data-dir")
            .arg(&self.data)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.status().is_err() {
            if Instant::now() > deadline {
                bail!("node {} did not start", self.data.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Stops the node with SIGTERM.
    pub fn stop(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
            child.wait()?;
        }
        Ok(())
    }

    fn running(&self) -> Result<Value> {
        Ok(serde_json::from_str(&std::fs::read_to_string(self.data.join("node.json"))?)?)
    }

    /// `GET /api/v1/status` of the running node.
    pub fn status(&self) -> Result<Value> {
        let url = self.running()?["url"].as_str().context("url")?.to_owned();
        let address = url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(stream, "GET /api/v1/status HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let body = response.split("\r\n\r\n").nth(1).context("no body")?;
        // The body may be chunked; the JSON object is between the outer braces.
        let start = body.find('{').context("no JSON")?;
        let end = body.rfind('}').context("no JSON")?;
        Ok(serde_json::from_str(&body[start..=end])?)
    }

    /// Entries held (from the running node).
    pub fn entries(&self) -> Result<u64> {
        self.status()?["store"]["entries"].as_u64().context("entries")
    }

    /// The first listen address with the peer id.
    pub fn p2p_addr(&self) -> Result<String> {
        let status = self.status()?;
        let peer = status["sync"]["peer_id"].as_str().context("peer id")?;
        let addr = status["sync"]["listen_addrs"][0].as_str().context("listen address")?;
        Ok(format!("{addr}/p2p/{peer}"))
    }

    /// Resident and peak resident memory of the running node, in MB.
    pub fn memory_mb(&self) -> Result<(f64, f64)> {
        let pid = self.child.as_ref().context("not running")?.id();
        let field = |name: &str| convene_tests::resident_kb(pid, name) as f64 / 1024.0;
        Ok((field("VmRSS:"), field("VmHWM:")))
    }

    /// The first peer's counters.
    pub fn first_peer(&self) -> Result<Value> {
        Ok(self.status()?["sync"]["peers"][0].clone())
    }
}

impl Drop for BenchNode {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Waits until `condition` holds; returns how long it took.
pub fn time_until(timeout: Duration, mut condition: impl FnMut() -> Result<bool>) -> Result<Duration> {
    let started = Instant::now();
    loop {
        if condition()? {
            return Ok(started.elapsed());
        }
        if started.elapsed() > timeout {
            bail!("timed out after {timeout:?}");
        }
        // Polling the node's API costs it work: not too often.
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A network in `root` and its genesis path.
pub fn network(convene: &Path, root: &Path) -> Result<PathBuf> {
    let out = root.join("net");
    let status = Command::new(convene)
        .args(["network", "create", "--name", "Bench", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("network create failed");
    }
    Ok(out.join("genesis.json"))
}

/// Node A holding a corpus and running; node B initialised, not started.
struct Pair {
    scratch: tempfile::TempDir,
    a: BenchNode,
    b: BenchNode,
    total: u64,
    stored_bytes: u64,
}

impl Pair {
    fn seeded(convene: &Path, corpus: &Path) -> Result<Self> {
        let scratch = tempfile::tempdir()?;
        let genesis = network(convene, scratch.path())?;
        let mut a = BenchNode::init(convene, scratch.path(), "a", &genesis)?;
        let b = BenchNode::init(convene, scratch.path(), "b", &genesis)?;
        a.cli(&["import", corpus.to_str().context("utf-8")?])?;
        a.start(&[])?;
        let total = a.entries()?;
        let stored_bytes = a.status()?["store"]["entry_bytes"].as_u64().context("entry bytes")?;
        Ok(Self { scratch, a, b, total, stored_bytes })
    }
}

/// Cold sync of `n` submissions, memory, and one new entry against `n` shared.
pub fn cold_and_incremental(convene: &Path, corpus: &Path, n: usize) -> Result<()> {
    let Pair { scratch, a, mut b, total, stored_bytes } = Pair::seeded(convene, corpus)?;
    let (idle_rss, _) = a.memory_mb()?;
    let addr = a.p2p_addr()?;
    let started = Instant::now();
    b.start(std::slice::from_ref(&addr))?;
    let mut b_peak = 0.0f64;
    time_until(Duration::from_secs(1200), || {
        b_peak = b_peak.max(b.memory_mb().map(|(rss, _)| rss).unwrap_or(0.0));
        Ok(b.entries()? >= total)
    })?;
    let cold = started.elapsed();
    let peer = b.first_peer()?;
    let wire = peer["bytes_in"].as_u64().unwrap_or(0) + peer["bytes_out"].as_u64().unwrap_or(0);
    let (_, a_peak) = a.memory_mb()?;
    let (_, b_hwm) = b.memory_mb()?;
    println!(
        "| cold sync {n} | {:.2} s | {} B on the wire | stored {} B | ratio {:.3} | A idle RSS {idle_rss:.0} MB | A peak {a_peak:.0} MB | B peak {:.0} MB |",
        cold.as_secs_f64(),
        wire,
        stored_bytes,
        wire as f64 / stored_bytes as f64,
        b_hwm.max(b_peak)
    );

    // One new entry while connected: pushed by announcement.
    let line = std::fs::read_to_string(corpus)?.lines().next().context("corpus line")?.to_owned();
    let mut changed: Value = serde_json::from_str(&line)?;
    changed["title"] = Value::String(format!("{} (new)", changed["title"].as_str().unwrap_or("")));
    let file = scratch.path().join("one.json");
    std::fs::write(&file, changed.to_string())?;
    let submitted = Instant::now();
    a.cli(&["submit", file.to_str().context("utf-8")?])?;
    let submit_time = submitted.elapsed();
    let arrival = time_until(Duration::from_secs(60), || Ok(b.entries()? > total))?;
    println!(
        "| one new entry, {n} shared, connected | arrives {:.0} ms after `convene submit` returned (submit took {:.0} ms) |",
        arrival.as_secs_f64() * 1000.0,
        submit_time.as_secs_f64() * 1000.0
    );

    // Apart, then reconnected: reconciliation finds the one difference.
    b.stop()?;
    changed["title"] = Value::String(format!("{} (newer)", changed["title"].as_str().unwrap_or("")));
    std::fs::write(&file, changed.to_string())?;
    a.cli(&["submit", file.to_str().context("utf-8")?])?;
    let restarted_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64;
    b.start(std::slice::from_ref(&addr))?;
    let arrival = time_until(Duration::from_secs(60), || Ok(b.entries()? > total + 1))?;
    // Only one side of a pair starts a reconciliation: read whichever did,
    // once it has completed one since the restart.
    let mut session = Value::Null;
    time_until(Duration::from_secs(60), || {
        for node in [&a, &b] {
            let peer = node.first_peer()?;
            let fresh = peer["last_sync_ms"].as_u64().is_some_and(|ms| ms >= restarted_ms);
            if fresh && peer["reconcile_rounds"].as_u64().unwrap_or(0) > 0 {
                session = peer;
                return Ok(true);
            }
        }
        Ok(false)
    })?;
    println!(
        "| one new entry, {n} shared, on reconnect | reconciliation {} round trips, {} B | arrived {:.0} ms after the node answered |",
        session["reconcile_rounds"],
        session["reconcile_bytes"],
        arrival.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// A line of `length` nodes: how long a new report takes to reach the far end.
pub fn line(convene: &Path, corpus: &Path, length: usize) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let genesis = network(convene, scratch.path())?;
    let mut nodes: Vec<BenchNode> = Vec::new();
    for index in 0..length {
        let mut node = BenchNode::init(convene, scratch.path(), &format!("n{index}"), &genesis)?;
        let peers = match nodes.last() {
            Some(previous) => vec![previous.p2p_addr()?],
            None => Vec::new(),
        };
        node.start(&peers)?;
        nodes.push(node);
    }
    let last = nodes.last().context("nodes")?;
    time_until(Duration::from_secs(60), || Ok(last.status()?["sync"]["peers"][0]["connected"] == true))?;
    let line = std::fs::read_to_string(corpus)?.lines().next().context("corpus line")?.to_owned();
    let file = scratch.path().join("one.json");
    std::fs::write(&file, line)?;
    nodes[0].cli(&["submit", file.to_str().context("utf-8")?])?;
    let arrival = time_until(Duration::from_secs(60), || Ok(last.entries()? >= 1))?;
    println!(
        "| line of {length} nodes | a new report reaches the far end in {:.0} ms |",
        arrival.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Goodput over a 64 kbit/s link (the in-process relay of the test harness).
pub fn slow_link(convene: &Path, corpus: &Path) -> Result<()> {
    const RATE: u64 = 8000;
    let Pair { scratch: _scratch, a, mut b, total, stored_bytes } = Pair::seeded(convene, corpus)?;
    let addr = a.p2p_addr()?;
    let parts: Vec<&str> = addr.split('/').collect();
    let target = format!("127.0.0.1:{}", parts[4]).parse()?;
    let proxy = Proxy::start(target, Link { bytes_per_second: RATE, cut_after_bytes: None });
    let via = format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", proxy.addr().port(), parts[6]);
    let started = Instant::now();
    b.start(&[via])?;
    time_until(Duration::from_secs(3600), || Ok(b.entries()? >= total))?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "| 64 kbit/s link, {total} submissions ({stored_bytes} B) | {elapsed:.0} s | goodput {:.0} % of the link | {} B relayed |",
        100.0 * stored_bytes as f64 / (elapsed * RATE as f64),
        proxy.bytes()
    );
    Ok(())
}
