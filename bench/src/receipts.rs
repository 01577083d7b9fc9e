//! `convene-bench receipts`: what the secretariat's receipts and hubs'
//! custody receipts cost on the wire. A hub holding `n` submissions syncs
//! with a second node (real processes on 127.0.0.1) three times: a plain
//! node (no statements), the secretariat's node (which acknowledges what
//! it stores), and the secretariat's node with the hub signing custody.
//! Each run ends once both nodes hold the same entries and nothing has
//! moved for a few seconds; the differences in bytes on the wire (both
//! ways, as the hub's peer counters see them) are what the statements
//! cost, and are scaled to 100,000 submissions and 10 hubs.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::sync::{BenchNode, network, time_until};

/// One run's outcome.
struct Sync {
    wire: u64,
    entries: u64,
}

/// How long both nodes must hold still before a run counts as done: more
/// than the receipts' and custody's gathering (1 s, 2 s) and an announcement.
const SETTLED: Duration = Duration::from_secs(6);

fn sync_once(convene: &Path, corpus: &Path, secretariat: bool, custody: bool) -> Result<Sync> {
    let scratch = tempfile::tempdir()?;
    let genesis = network(convene, scratch.path())?;
    let mut hub = BenchNode::init(convene, scratch.path(), "hub", &genesis)?;
    let key = scratch.path().join("net/secretariat-secret.json");
    let mut other = if secretariat {
        BenchNode::init_with(
            convene,
            scratch.path(),
            "secretariat",
            &genesis,
            &["--secretariat-key", key.to_str().context("utf-8")?],
        )?
    } else {
        BenchNode::init(convene, scratch.path(), "plain", &genesis)?
    };
    if custody {
        hub.cli(&["custody", "on"])?;
    }
    hub.cli(&["import", corpus.to_str().context("utf-8")?])?;
    hub.start(&[])?;
    other.start(&[hub.p2p_addr()?])?;
    let mut last = (0, 0);
    let mut still_since = Instant::now();
    time_until(Duration::from_secs(1200), || {
        let now = (hub.entries()?, other.entries()?);
        if now != last {
            last = now;
            still_since = Instant::now();
        }
        Ok(now.0 == now.1 && now.0 > 0 && still_since.elapsed() >= SETTLED)
    })?;
    let peer = hub.first_peer()?;
    let wire = peer["bytes_in"].as_u64().unwrap_or(0) + peer["bytes_out"].as_u64().unwrap_or(0);
    Ok(Sync { wire, entries: last.0 })
}

/// Prints the table for `n` submissions.
pub fn run(convene: &Path, corpus: &Path, n: usize) -> Result<()> {
    let plain = sync_once(convene, corpus, false, false)?;
    let receipts = sync_once(convene, corpus, true, false)?;
    let custody = sync_once(convene, corpus, true, true)?;
    let per = |bytes: i64| bytes as f64 / n as f64;
    let receipt_bytes = receipts.wire as i64 - plain.wire as i64;
    let custody_bytes = custody.wire as i64 - receipts.wire as i64;
    println!("| {n} submissions, one hub | entries held at the end | bytes on the wire | added | added a submission |");
    println!("|---|---|---|---|---|");
    println!("| plain sync (no secretariat) | {} | {} | | |", plain.entries, plain.wire);
    println!(
        "| + the secretariat's receipts | {} | {} | {receipt_bytes} | {:.1} B |",
        receipts.entries,
        receipts.wire,
        per(receipt_bytes)
    );
    println!(
        "| + the hub's custody receipts | {} | {} | {custody_bytes} | {:.1} B |",
        custody.entries,
        custody.wire,
        per(custody_bytes)
    );
    let scale = |bytes_each: f64| bytes_each * 100_000.0 / 1e6;
    println!(
        "\nat 100,000 submissions and 10 hubs, each node receives once: receipts {:.1} MB; \
         custody {:.1} MB a hub that signs it, {:.1} MB if all 10 do; the corpus itself {:.0} MB",
        scale(per(receipt_bytes)),
        scale(per(custody_bytes)),
        10.0 * scale(per(custody_bytes)),
        scale(per(plain.wire as i64))
    );
    Ok(())
}
