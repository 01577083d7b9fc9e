//! `convene-bench hostile`: a node under each flood of a hostile peer
//! (`convene_tests::floods`, real libp2p connections from this process),
//! one flood at a time and then the first three at once (not the garbage
//! sender: the ban on its address, 127.0.0.1 like the others', would cut
//! them off), against the same node quiet.
//! For each: how long an honest peer's N submissions take to reach the
//! flooded node, how long a local `convene submit` takes (median of 5, and
//! the slowest), and the node's peak resident memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use convene_protocol::network::Genesis;
use convene_tests::floods::{self, Counts};
use convene_tests::peer::sync_protocol;

use crate::median;
use crate::sync::{BenchNode, network, time_until};

/// What the hostile peer does while the honest one syncs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Flood {
    Quiet,
    /// Announcements of random ids it never serves.
    Announce,
    /// Streams holding a frame of almost the largest size, never finished.
    Stall,
    /// Hundreds of connections under fresh peer ids.
    Connections,
    /// Malformed frames under one fresh peer id after another.
    Garbage,
    /// Announce, stall and connections together.
    All,
}

impl Flood {
    fn has(self, flood: Flood) -> bool {
        self == flood || (self == Flood::All && flood != Flood::Garbage)
    }

    fn describe(self) -> &'static str {
        match self {
            Flood::Quiet => "none (quiet)",
            Flood::Announce => "announcements of random ids, 16 in flight",
            Flood::Stall => "64 streams stalled in a 500 KB frame",
            Flood::Connections => "300 connections, fresh peer ids",
            Flood::Garbage => "malformed frames, fresh ids until its address is banned",
            Flood::All => "announcements, stalled streams and connections at once",
        }
    }

    /// Whether the flood is under way by `counts`.
    fn under_way(self, counts: &Counts) -> bool {
        let load = |count: &std::sync::atomic::AtomicUsize| count.load(Ordering::Relaxed);
        (!self.has(Flood::Announce) || load(&counts.announces_sent) > 100)
            && (!self.has(Flood::Stall) || load(&counts.stalls) >= 64)
            && (!self.has(Flood::Connections) || load(&counts.connections) > 50)
            && (!self.has(Flood::Garbage) || load(&counts.garbage_sent) > 0)
    }
}

/// Prints one row per flood for an honest sync of `n` submissions.
pub fn run(convene: &std::path::Path, n: usize) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let corpus = scratch.path().join("corpus.jsonl");
    convene_tests::corpus::write(&corpus, n + 5, 7)?;
    let lines: Vec<String> = std::fs::read_to_string(&corpus)?.lines().map(str::to_owned).collect();
    let honest_corpus = scratch.path().join("honest.jsonl");
    std::fs::write(&honest_corpus, lines[..n].join("\n"))?;
    println!("| flood | honest sync of {n} | `convene submit` p50 (max of 5) | peak resident | the flood did |");
    println!("|---|---|---|---|---|");
    for flood in [Flood::Quiet, Flood::Announce, Flood::Stall, Flood::Connections, Flood::Garbage, Flood::All] {
        measure(convene, flood, &honest_corpus, &lines[n..], n)
            .with_context(|| format!("under {}", flood.describe()))?;
    }
    Ok(())
}

fn measure(
    convene: &std::path::Path,
    flood: Flood,
    honest_corpus: &std::path::Path,
    own: &[String],
    n: usize,
) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let genesis_path = network(convene, scratch.path())?;
    let genesis = Genesis::from_json(&std::fs::read_to_string(&genesis_path)?)?;
    let mut victim = BenchNode::init(convene, scratch.path(), "victim", &genesis_path)?;
    let mut honest = BenchNode::init(convene, scratch.path(), "honest", &genesis_path)?;
    honest.cli(&["import", honest_corpus.to_str().context("utf-8")?])?;
    victim.start(&[])?;
    honest.start(&[])?;
    let addr = victim.p2p_addr()?;
    let protocol = sync_protocol(&genesis.network_id());

    let runtime = tokio::runtime::Runtime::new()?;
    let counts = Arc::new(Counts::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let (c, s) = (counts.clone(), stop.clone());
    if flood.has(Flood::Announce) {
        tasks.push(runtime.spawn(floods::announce(addr.parse()?, genesis.network_id(), c.clone(), s.clone())));
    }
    if flood.has(Flood::Stall) {
        tasks.push(runtime.spawn(floods::stall(addr.parse()?, protocol.clone(), c.clone(), s.clone())));
    }
    if flood.has(Flood::Connections) {
        tasks.push(runtime.spawn(floods::connections(addr.parse()?, 300, c.clone(), s.clone())));
    }
    if flood.has(Flood::Garbage) {
        tasks.push(runtime.spawn(floods::garbage(addr.parse()?, protocol, c, s)));
    }
    time_until(Duration::from_secs(60), || Ok(flood.under_way(&counts)))?;

    let started = Instant::now();
    victim.cli(&["peers", "add", &honest.p2p_addr()?])?;
    time_until(Duration::from_secs(600), || Ok(victim.entries()? >= n as u64))?;
    let synced = started.elapsed();

    let mut submits = Vec::new();
    for (index, line) in own.iter().enumerate() {
        let file = scratch.path().join(format!("own-{index}.json"));
        std::fs::write(&file, line)?;
        let started = Instant::now();
        victim.cli(&["submit", "--as", "victim", file.to_str().context("utf-8")?])?;
        submits.push(started.elapsed());
    }
    let slowest = submits.iter().max().copied().unwrap_or_default();
    let (_, peak) = victim.memory_mb()?;
    let stored = victim.entries()?;

    stop.store(true, Ordering::Relaxed);
    runtime.block_on(async {
        for task in tasks {
            let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(5));
    if stored != (n + own.len()) as u64 {
        bail!("the flooded node holds {stored} entries, not the {} expected", n + own.len());
    }
    let mut did = Vec::new();
    for (count, what) in [
        (&counts.announces_sent, "announcements"),
        (&counts.refused_busy, "of them refused busy"),
        (&counts.stalls, "stalled streams"),
        (&counts.connections, "connections"),
        (&counts.garbage_sent, "malformed frames"),
        (&counts.garbage_banned, "of its connections cut"),
    ] {
        let count = count.load(Ordering::Relaxed);
        if count > 0 {
            did.push(format!("{count} {what}"));
        }
    }
    let did = did.join(", ");
    println!(
        "| {} | {:.2} s | {:.0} ms ({:.0} ms) | {peak:.0} MB | {did} |",
        flood.describe(),
        synced.as_secs_f64(),
        median(submits).as_secs_f64() * 1000.0,
        slowest.as_secs_f64() * 1000.0,
    );
    Ok(())
}
