//! `convene-bench bundle`: a USB stick's round trip. A node imports a
//! generated corpus; `convene bundle export` writes it to a file and a
//! fresh node's `convene bundle import` checks and stores every entry.
//! Each is one real process, timed from start to exit (opening the store
//! included), its peak resident memory read from `/proc/PID/status`
//! (`VmHWM`) while it runs. Then the receiver's want file, and an export
//! against it (nothing to carry). Last, attached files: 20 PDFs of 5 MB
//! (incompressible bytes) on 10 submissions, carried the same way, every
//! 16 KiB group verified against its file's hash on import.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::{corpus, run};

/// Runs `convene ARGS` on `data_dir`, returning its wall time, its peak
/// resident memory (MB) and its standard output as JSON.
fn measured(convene: &Path, data_dir: &Path, args: &[&str]) -> Result<(Duration, f64, Value)> {
    let (elapsed, peak, stdout, _) = crate::measured(convene, data_dir, args)?;
    Ok((elapsed, peak, serde_json::from_str(&stdout).context("JSON output")?))
}

/// Prints one row per corpus size.
pub fn run_sizes(convene: &Path, sizes: &[usize]) -> Result<()> {
    println!(
        "| submissions | bundle | export wall | export submissions/s | export peak RSS | import wall | import submissions/s | import peak RSS | want file (wall) | export against it |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &n in sizes {
        let scratch = tempfile::tempdir()?;
        let corpus = corpus(scratch.path(), n)?;
        let network_dir = scratch.path().join("net");
        let a = scratch.path().join("a");
        let b = scratch.path().join("b");
        let utf8 = |path: &Path| path.to_str().map(str::to_owned).context("utf-8 path");
        run(convene, &a, &["network", "create", "--name", "Bench", "--out", &utf8(&network_dir)?])?;
        let genesis = utf8(&network_dir.join("genesis.json"))?;
        for node in [&a, &b] {
            run(convene, node, &["init", "--network", &genesis])?;
        }
        run(convene, &a, &["identity", "new", "--name", "bench"])?;
        run(convene, &a, &["import", &utf8(&corpus)?])?;

        let file = utf8(&scratch.path().join("stick.bundle"))?;
        let (export_time, export_peak, exported) = measured(convene, &a, &["bundle", "export", &file, "--json"])?;
        let (import_time, import_peak, imported) = measured(convene, &b, &["bundle", "import", &file, "--json"])?;
        if imported["new"].as_u64() != Some(n as u64) || exported["entries"].as_u64() != Some(n as u64) {
            bail!("expected {n} entries each way: exported {exported}, imported {imported}");
        }
        let want = utf8(&scratch.path().join("b.want"))?;
        let (want_time, _, wanted) = measured(convene, &b, &["bundle", "want", &want, "--json"])?;
        let difference = utf8(&scratch.path().join("difference.bundle"))?;
        let (difference_time, _, difference_report) =
            measured(convene, &a, &["bundle", "export", &difference, "--want", &want, "--json"])?;
        println!(
            "| {n} | {:.1} MB | {:.2} s | {:.0} | {:.0} MB | {:.2} s | {:.0} | {:.0} MB | {:.2} MB ({:.2} s) | {} entries, {:.2} s |",
            exported["bytes"].as_f64().unwrap_or(0.0) / 1e6,
            export_time.as_secs_f64(),
            n as f64 / export_time.as_secs_f64(),
            export_peak,
            import_time.as_secs_f64(),
            n as f64 / import_time.as_secs_f64(),
            import_peak,
            wanted["bytes"].as_f64().unwrap_or(0.0) / 1e6,
            want_time.as_secs_f64(),
            difference_report["entries"],
            difference_time.as_secs_f64(),
        );
    }
    blobs(convene)
}

/// Files attached, and their size: 100 MB.
const FILES: usize = 20;
const FILE_BYTES: usize = 5_000_000;

/// Prints one row: a bundle of attached files, export and import.
fn blobs(convene: &Path) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let utf8 = |path: &Path| path.to_str().map(str::to_owned).context("utf-8 path");
    let (a, b) = (scratch.path().join("a"), scratch.path().join("b"));
    let network_dir = scratch.path().join("net");
    run(convene, &a, &["network", "create", "--name", "Bench", "--out", &utf8(&network_dir)?])?;
    let genesis = utf8(&network_dir.join("genesis.json"))?;
    for node in [&a, &b] {
        run(convene, node, &["init", "--network", &genesis])?;
    }
    run(convene, &a, &["identity", "new", "--name", "bench"])?;
    run(convene, &a, &["import", &utf8(&corpus(scratch.path(), 40)?)?])?;
    let (_, listed, _) = run(convene, &a, &["list", "--json", "--limit", "0"])?;
    let listed: Value = serde_json::from_str(&listed)?;
    let ids: Vec<String> = listed["rows"]
        .as_array()
        .context("rows")?
        .iter()
        .filter(|row| matches!(row["kind"].as_str(), Some("case_study" | "convening_report")))
        .filter_map(|row| row["id"].as_str().map(str::to_owned))
        .collect();
    if ids.len() < FILES / 2 {
        bail!("{} submissions take attachments; {} needed", ids.len(), FILES / 2);
    }
    for (index, pair) in (0..FILES).collect::<Vec<_>>().chunks(2).enumerate() {
        let mut paths = Vec::new();
        for file in pair {
            let bytes = convene_tests::photos::pdf_of(*file as u64 + 1, FILE_BYTES);
            let path = scratch.path().join(format!("file-{file}.pdf"));
            std::fs::write(&path, &bytes)?;
            paths.push(utf8(&path)?);
        }
        let mut args = vec!["attach", ids[index].as_str()];
        args.extend(paths.iter().map(String::as_str));
        run(convene, &a, &args)?;
    }
    let file = utf8(&scratch.path().join("files.bundle"))?;
    let (export_time, export_peak, exported) = measured(convene, &a, &["bundle", "export", &file, "--json"])?;
    let (import_time, import_peak, imported) = measured(convene, &b, &["bundle", "import", &file, "--json"])?;
    // Each PDF, and no preview (a PDF has none).
    if exported["blobs"].as_u64() != Some(FILES as u64) || imported["blobs_completed"].as_u64() != Some(FILES as u64) {
        bail!("expected {FILES} files each way: exported {exported}, imported {imported}");
    }
    let megabytes = (FILES * FILE_BYTES) as f64 / 1e6;
    println!();
    println!(
        "| attached files | bundle | export wall | export MB/s | export peak RSS | import wall | import MB/s | import peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {FILES} × {:.0} MB ({} groups) | {:.1} MB | {:.2} s | {:.0} | {:.0} MB | {:.2} s | {:.0} | {:.0} MB |",
        FILE_BYTES as f64 / 1e6,
        exported["groups"],
        exported["bytes"].as_f64().unwrap_or(0.0) / 1e6,
        export_time.as_secs_f64(),
        megabytes / export_time.as_secs_f64(),
        export_peak,
        import_time.as_secs_f64(),
        megabytes / import_time.as_secs_f64(),
        import_peak,
    );
    Ok(())
}
