//! `convene-bench web`: server time of the web UI's pages on a node holding
//! N submissions, measured over HTTP on 127.0.0.1 against a real
//! `convene node run` (mDNS off), as p50 / p95 / max per page; then the
//! node's resident memory and what its list index says it holds.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{corpus, run};

/// A running node, stopped when dropped.
pub struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

/// The sample at `fraction` (0.5: the median, 0.95: p95) of `samples`.
pub fn percentile(samples: &mut [Duration], fraction: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * fraction).round() as usize;
    samples[index.min(samples.len() - 1)]
}

/// A data directory holding `n` generated submissions (seed 7), made with
/// the CLI under `scratch`.
pub fn prepared(convene: &Path, scratch: &Path, n: usize) -> Result<PathBuf> {
    let corpus = corpus(scratch, n)?;
    let network_dir = scratch.join("net");
    let data = scratch.join("node");
    run(convene, &data, &["network", "create", "--name", "Bench", "--out", network_dir.to_str().context("utf-8")?])?;
    run(convene, &data, &["init", "--network", network_dir.join("genesis.json").to_str().context("utf-8")?])?;
    run(convene, &data, &["identity", "new", "--name", "bench"])?;
    run(convene, &data, &["import", corpus.to_str().context("utf-8")?])?;
    Ok(data)
}

/// A running `convene node run` on `data` (stopped when dropped), its web
/// UI's URL and its pid; it logs to `log`.
pub fn serve(convene: &Path, data: &Path, log: &Path) -> Result<(Node, String, u32)> {
    let child = Command::new(convene)
        .arg("--data-dir")
        .arg(data)
        .args(["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log)?)
        .spawn()?;
    let pid = child.id();
    let node = Node(child);
    let node_file = data.join("node.json");
    let deadline = Instant::now() + Duration::from_secs(120);
    let url = loop {
        if let Ok(text) = std::fs::read_to_string(&node_file)
            && let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(url) = value["url"].as_str()
        {
            break url.trim_end_matches('/').to_owned();
        }
        if Instant::now() > deadline {
            bail!("the node did not start");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Ok((node, url, pid))
}

/// Prints the header of [`time_pages`]' table.
pub fn pages_header() {
    println!("| submissions | page | requests | p50 | p95 | max | bytes |");
    println!("|---|---|---|---|---|---|---|");
}

/// Times `repeat` requests of each page (cycling through its paths) after
/// one to warm up, and prints a row per page.
pub fn time_pages(url: &str, n: usize, repeat: usize, pages: &[(&str, Vec<String>)]) -> Result<()> {
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build()?;
    for (name, paths) in pages {
        let mut samples = Vec::with_capacity(repeat);
        let mut bytes = 0;
        // One warm-up request: the first read pulls the list rows into the page cache.
        client.get(format!("{url}{}", paths[0])).send()?.bytes()?;
        for index in 0..repeat {
            let path = &paths[index % paths.len()];
            let started = Instant::now();
            let response = client.get(format!("{url}{path}")).send()?;
            if !response.status().is_success() {
                bail!("{path}: {}", response.status());
            }
            bytes = response.bytes()?.len();
            samples.push(started.elapsed());
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let p50 = percentile(&mut samples, 0.5);
        let p95 = percentile(&mut samples, 0.95);
        let max = percentile(&mut samples, 1.0);
        println!("| {n} | {name} | {repeat} | {:.1} ms | {:.1} ms | {:.1} ms | {bytes} |", ms(p50), ms(p95), ms(max));
    }
    Ok(())
}

/// Prints one table row per page for a node with `n` submissions.
pub fn pages(convene: &Path, n: usize, repeat: usize) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let data = prepared(convene, scratch.path(), n)?;
    let (_, listed, _) = run(convene, &data, &["list", "--json", "--limit", "200"])?;
    let listed: serde_json::Value = serde_json::from_str(&listed)?;
    let ids: Vec<String> = listed["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| row["id"].as_str().map(str::to_owned))
        .collect();
    if ids.is_empty() {
        bail!("the node lists nothing");
    }
    let log = scratch.path().join("node.log");
    let (_node, url, pid) = serve(convene, &data, &log)?;
    let pages: Vec<(&str, Vec<String>)> = vec![
        ("browse, first page", vec!["/".into()]),
        ("browse, principle F1 + risk RS1", vec!["/?principle=F1&risk=RS1".into()]),
        (
            "browse, kind + country + date range + text",
            vec!["/?kind=convening_report&country=KE&from=2024-01-01&to=2026-12-31&text=digital".into()],
        ),
        ("browse, deep page (offset n/2)", vec![format!("/?offset={}", n / 2)]),
        ("search, a word of the insights (wheelchair)", vec!["/?text=wheelchair".into()]),
        ("search, two words (offline counter)", vec!["/?text=offline+counter".into()]),
        ("search, a common beginning (pay)", vec!["/?text=pay".into()]),
        ("search, a word + country + principle", vec!["/?text=consent&country=KE&principle=F1".into()]),
        ("search, past the last page", vec![format!("/?text=wheelchair&offset={n}")]),
        ("submission page", ids.iter().map(|id| format!("/s/{id}")).collect()),
    ];
    pages_header();
    time_pages(&url, n, repeat, &pages)?;
    memory(pid, &log);
    Ok(())
}

/// Prints the node's resident memory and what its list index says it holds.
pub fn memory(pid: u32, log: &Path) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status.lines().find(|line| line.starts_with("VmRSS:")).unwrap_or("VmRSS: ?");
    println!("\nnode {rss}");
    let logged = std::fs::read_to_string(log).unwrap_or_default();
    if let Some(line) = logged.lines().find(|line| line.contains("list index:")) {
        println!("node log: {}", line.trim());
    }
}
