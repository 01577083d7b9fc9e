//! `convene-bench`: measures real `convene` processes and prints the
//! numbers BENCHMARKS.md records. Not a test: nothing here passes or fails.
//!
//! ```text
//! cargo build --release --workspace
//! target/release/convene-bench store --n 10000 --n 100000
//! target/release/convene-bench bundle --n 10000
//! target/release/convene-bench dashboard --n 100000
//! target/release/convene-bench export --n 100000
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod bundle;
mod dashboard;
mod export;
mod field;
mod history;
mod hostile;
mod receipts;
mod sync;
mod web;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

/// Benchmarks of Convene, on real processes and real files.
#[derive(Debug, Parser)]
struct Args {
    /// The `convene` binary to measure [default: next to this binary].
    #[arg(long, global = true)]
    convene: Option<PathBuf>,
    #[command(subcommand)]
    command: Bench,
}

#[derive(Debug, Subcommand)]
enum Bench {
    /// Import throughput, `list` latency and store size, per corpus size.
    Store {
        /// Corpus sizes to measure.
        #[arg(long = "n", default_values_t = [10_000usize, 100_000])]
        sizes: Vec<usize>,
        /// How many times to time each `list` query.
        #[arg(long, default_value_t = 7)]
        repeat: usize,
    },
    /// Cold and incremental sync, memory, a line of nodes, a 64 kbit/s link.
    Sync {
        /// Corpus sizes for cold sync and the one-new-entry case.
        #[arg(long = "n", default_values_t = [10_000usize, 100_000])]
        sizes: Vec<usize>,
        /// Nodes in the line (0 skips it).
        #[arg(long, default_value_t = 5)]
        line: usize,
        /// Submissions sent over the 64 kbit/s link (0 skips it).
        #[arg(long, default_value_t = 100)]
        slow: usize,
    },
    /// A USB bundle's round trip: export and import throughput, peak memory.
    Bundle {
        /// Corpus sizes to measure.
        #[arg(long = "n", default_values_t = [10_000usize])]
        sizes: Vec<usize>,
    },
    /// `convene export` of a whole store to XLSX, CSV and JSON Lines: wall
    /// time and peak memory, the node stopped and running.
    Export {
        /// Corpus sizes to measure.
        #[arg(long = "n", default_values_t = [100_000usize])]
        sizes: Vec<usize>,
    },
    /// Writes a generated corpus (JSON Lines) for a demo or a test by hand.
    Corpus {
        /// How many submissions.
        #[arg(long = "n", default_value_t = 1_000)]
        n: usize,
        /// The seed: the same seed and `--n` always give the same file.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
    },
    /// A node under each flood of a hostile peer: honest sync time, local
    /// submit latency, peak memory, against the same node quiet.
    Hostile {
        /// Submissions the honest peer syncs to the flooded node.
        #[arg(long = "n", default_value_t = 1_000)]
        n: usize,
    },
    /// Three nodes in network namespaces, A → B → C, A–B a slow lossy link
    /// (needs root, `ip`, `tc`, `nft`): when text arrives, goodput, a
    /// report typed mid-transfer, photos after text, memory.
    Field {
        /// Reports A holds at the start.
        #[arg(long = "n", default_value_t = 300)]
        n: usize,
        /// How many of them carry a photo.
        #[arg(long, default_value_t = 0)]
        photos: usize,
        /// The photos' size, KB.
        #[arg(long, default_value_t = 300)]
        photo_kb: usize,
        /// Link rate, kbit/s.
        #[arg(long, default_value_t = 64)]
        rate_kbit: u32,
        /// Packet loss each way, percent.
        #[arg(long, default_value_t = 10)]
        loss: u32,
        /// Cut the link for 15 s of every minute.
        #[arg(long)]
        flap: bool,
    },
    /// What one more change of a document costs as its history grows.
    History {
        /// How many changes the document reaches.
        #[arg(long, default_value_t = 1_004)]
        changes: usize,
    },
    /// What the secretariat's receipts and hubs' custody receipts cost on
    /// the wire, against a plain sync of the same corpus.
    Receipts {
        /// Submissions the hub holds.
        #[arg(long = "n", default_value_t = 10_000)]
        n: usize,
    },
    /// Server time of the web UI's list and submission pages (p50, p95).
    Web {
        /// Submissions on the node.
        #[arg(long = "n", default_value_t = 100_000)]
        n: usize,
        /// Requests per page.
        #[arg(long, default_value_t = 100)]
        repeat: usize,
    },
    /// The dashboard's counts: `Node::tally` in process, then the page and
    /// a CSV over HTTP (p50, p95).
    Dashboard {
        /// Submissions on the node.
        #[arg(long = "n", default_value_t = 100_000)]
        n: usize,
        /// Calls and requests per case.
        #[arg(long, default_value_t = 100)]
        repeat: usize,
    },
}

fn main() -> Result<()> {
    let args = Args::parse();
    let convene = || -> Result<PathBuf> {
        let convene = match &args.convene {
            Some(path) => path.clone(),
            None => std::env::current_exe()?.with_file_name("convene"),
        };
        if !convene.is_file() {
            bail!("no convene binary at {}; build with `cargo build --release --workspace`", convene.display());
        }
        Ok(convene)
    };
    match &args.command {
        Bench::Corpus { n, seed, out } => {
            convene_tests::corpus::write(out, *n, *seed).with_context(|| format!("writing {}", out.display()))
        }
        Bench::Store { sizes, repeat } => store(&convene()?, sizes, *repeat),
        Bench::Sync { sizes, line, slow } => {
            let convene = convene()?;
            let scratch = tempfile::tempdir()?;
            for &n in sizes {
                sync::cold_and_incremental(&convene, &corpus(scratch.path(), n)?, n)?;
            }
            if *line > 0 {
                sync::line(&convene, &corpus(scratch.path(), 1)?, *line)?;
            }
            if *slow > 0 {
                sync::slow_link(&convene, &corpus(scratch.path(), *slow)?)?;
            }
            Ok(())
        }
        Bench::Bundle { sizes } => bundle::run_sizes(&convene()?, sizes),
        Bench::Export { sizes } => export::run_sizes(&convene()?, sizes),
        Bench::Web { n, repeat } => web::pages(&convene()?, *n, *repeat),
        Bench::Dashboard { n, repeat } => dashboard::run(&convene()?, *n, *repeat),
        Bench::History { changes } => history::run(*changes),
        Bench::Receipts { n } => {
            let scratch = tempfile::tempdir()?;
            receipts::run(&convene()?, &corpus(scratch.path(), *n)?, *n)
        }
        Bench::Hostile { n } => hostile::run(&convene()?, *n),
        Bench::Field { n, photos, photo_kb, rate_kbit, loss, flap } => {
            field::run(*n, *photos, *photo_kb, *rate_kbit, *loss, *flap)
        }
    }
}

fn run(convene: &Path, data_dir: &Path, args: &[&str]) -> Result<(Duration, String, String)> {
    let started = Instant::now();
    let output = Command::new(convene)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("CONVENE_LOG", "convene_node=debug")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running convene {args:?}"))?;
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        bail!("convene {args:?} failed: {stderr}");
    }
    Ok((elapsed, stdout, stderr))
}

/// Runs `convene ARGS` on `data_dir`, returning its wall time, its peak
/// resident memory (MB, `VmHWM` of `/proc/PID/status` sampled while it
/// runs) and what it printed (standard output, standard error).
fn measured(convene: &Path, data_dir: &Path, args: &[&str]) -> Result<(Duration, f64, String, String)> {
    let started = Instant::now();
    let mut child = Command::new(convene)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running convene {args:?}"))?;
    let pid = child.id();
    let mut peak_kb = 0.0f64;
    while child.try_wait()?.is_none() {
        peak_kb = peak_kb.max(convene_tests::resident_kb(pid, "VmHWM:") as f64);
        std::thread::sleep(Duration::from_millis(2));
    }
    let elapsed = started.elapsed();
    let output = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        bail!("convene {args:?} failed: {stderr}");
    }
    Ok((elapsed, peak_kb / 1024.0, String::from_utf8_lossy(&output.stdout).into_owned(), stderr))
}

/// Writes a generated corpus of `n` submissions (seed 7) and returns its path.
fn corpus(dir: &Path, n: usize) -> Result<PathBuf> {
    let path = dir.join(format!("corpus-{n}.jsonl"));
    convene_tests::corpus::write(&path, n, 7)?;
    Ok(path)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() { dir_size(&path) } else { entry.metadata().map_or(0, |meta| meta.len()) }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Sums the per-batch timings `Node::submit_many` logs at debug level.
fn phases(stderr: &str) -> (f64, f64) {
    let mut prepare = 0.0;
    let mut store = 0.0;
    for line in stderr.lines().filter(|line| line.contains("stored batch")) {
        for (key, total) in [("prepare_ms=", &mut prepare), ("store_ms=", &mut store)] {
            if let Some(rest) = line.split(key).nth(1) {
                *total += rest.split_whitespace().next().and_then(|value| value.parse::<f64>().ok()).unwrap_or(0.0);
            }
        }
    }
    (prepare, store)
}

fn store(convene: &Path, sizes: &[usize], repeat: usize) -> Result<()> {
    println!(
        "| submissions | import wall | submissions/s | prepare (validate, seal, automerge, sign) | store + flush | store on disk | bytes/submission | corpus JSONL bytes/submission | `list` (first 50) | `list --country KE --principle F1` | `list --json --limit 0` |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for &n in sizes {
        let scratch = tempfile::tempdir()?;
        let corpus = corpus(scratch.path(), n)?;
        let network_dir = scratch.path().join("net");
        let data = scratch.path().join("node");
        let out = network_dir.to_str().context("utf-8 path")?;
        run(convene, &data, &["network", "create", "--name", "Bench", "--out", out])?;
        let genesis = network_dir.join("genesis.json");
        run(convene, &data, &["init", "--network", genesis.to_str().context("utf-8")?])?;
        run(convene, &data, &["identity", "new", "--name", "bench"])?;
        let (import_time, _, stderr) = run(convene, &data, &["import", corpus.to_str().context("utf-8")?])?;
        let (prepare_ms, store_ms) = phases(&stderr);
        let on_disk = dir_size(&data.join("store"));
        let corpus_bytes = std::fs::metadata(&corpus)?.len();
        let time = |args: &[&str]| -> Result<Duration> {
            let samples = (0..repeat)
                .map(|_| run(convene, &data, args).map(|(elapsed, _, _)| elapsed))
                .collect::<Result<Vec<_>>>()?;
            Ok(median(samples))
        };
        let list = time(&["list"])?;
        let filtered = time(&["list", "--country", "KE", "--principle", "F1"])?;
        let all = time(&["list", "--json", "--limit", "0"])?;
        println!(
            "| {n} | {:.2} s | {:.0} | {:.2} s | {:.2} s | {:.1} MB | {} | {} | {:.0} ms | {:.0} ms | {:.0} ms |",
            import_time.as_secs_f64(),
            n as f64 / import_time.as_secs_f64(),
            prepare_ms / 1000.0,
            store_ms / 1000.0,
            on_disk as f64 / 1e6,
            on_disk / n as u64,
            corpus_bytes / n as u64,
            list.as_secs_f64() * 1000.0,
            filtered.as_secs_f64() * 1000.0,
            all.as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}
