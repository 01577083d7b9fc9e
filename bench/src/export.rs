//! `convene-bench export`: the corpus for analysts. A node imports a
//! generated corpus; `convene export` writes all of it to a file as XLSX,
//! CSV and JSON Lines (anonymised), each one real process timed from start
//! to exit (opening the store included), its peak resident memory read from
//! `/proc/PID/status` (`VmHWM`) while it runs. Then the XLSX again while
//! `convene node run` holds the store: the rows stream from the node over
//! its socket, and the node's own peak is reported too.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::sync::BenchNode;
use crate::{corpus, measured, run};

/// Prints one row per corpus size and format.
pub fn run_sizes(convene: &Path, sizes: &[usize]) -> Result<()> {
    println!("| submissions | format | wall | submissions/s | peak RSS (convene export) | file |");
    println!("|---|---|---|---|---|---|");
    for &n in sizes {
        let scratch = tempfile::tempdir()?;
        let utf8 = |path: &Path| path.to_str().map(str::to_owned).context("utf-8 path");
        let network_dir = scratch.path().join("net");
        let data = scratch.path().join("hub");
        run(convene, &data, &["network", "create", "--name", "Bench", "--out", &utf8(&network_dir)?])?;
        let mut node = BenchNode::init(convene, scratch.path(), "hub", &network_dir.join("genesis.json"))?;
        node.cli(&["import", &utf8(&corpus(scratch.path(), n)?)?])?;
        let export = |format: &str, label: &str| -> Result<()> {
            let file = scratch.path().join(format!("corpus.{format}"));
            let args = ["export", "--format", format, "--out", &utf8(&file)?];
            let (elapsed, peak, _, stderr) = measured(convene, &data, &args)?;
            if !stderr.contains(&format!("exported {n} submissions")) {
                bail!("expected {n} submissions exported: {stderr}");
            }
            println!(
                "| {n} | {label} | {:.2} s | {:.0} | {peak:.0} MB | {:.1} MB |",
                elapsed.as_secs_f64(),
                n as f64 / elapsed.as_secs_f64(),
                std::fs::metadata(&file)?.len() as f64 / 1e6,
            );
            Ok(())
        };
        for format in ["xlsx", "csv", "jsonl"] {
            export(format, format)?;
        }
        node.start(&[])?;
        let (_, started_peak) = node.memory_mb()?;
        export("xlsx", "xlsx, node running (streamed)")?;
        let (_, node_peak) = node.memory_mb()?;
        node.stop()?;
        println!();
        println!(
            "The running node's peak resident memory: {started_peak:.0} MB once started, {node_peak:.0} MB once it \
             had streamed the export."
        );
    }
    Ok(())
}
