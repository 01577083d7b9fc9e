//! `convene-bench field`: the field of `convene_tests::field` (three nodes
//! in network namespaces, A–B slow and lossy), measured.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use convene_tests::field::{self, Plan, Shape};

pub fn run(
    reports: usize,
    photos: usize,
    photo_kb: usize,
    rate_kbit: u32,
    loss_percent: u32,
    flap: bool,
) -> Result<()> {
    if let Some(why) = field::missing() {
        bail!("the field needs network namespaces: {why}");
    }
    let shape =
        Shape { rate_kbit, loss_percent, flap: flap.then_some((Duration::from_secs(45), Duration::from_secs(15))) };
    let plan = Plan {
        reports,
        photos,
        photo_kb,
        type_after: reports as u64 / 3,
        seed: 7,
        shape: shape.clone(),
        timeout: Duration::from_secs(3600),
    };
    let outcome = field::run(&plan).map_err(|error| anyhow!(error))?;
    let flapping = if flap { ", cut 15 s of every minute" } else { "" };
    println!(
        "field: {reports} reports ({photos} with a photo of about {photo_kb} KB), A–B {rate_kbit} kbit/s, {loss_percent} % loss each way{flapping}"
    );
    println!("| measure | value |");
    println!("| --- | --- |");
    println!("| entries (bytes) | {} ({} B) |", outcome.entries, outcome.entry_bytes);
    println!(
        "| first text at B / at C | {:.1} s / {:.1} s |",
        outcome.first_at_b.as_secs_f64(),
        outcome.first_at_c.as_secs_f64()
    );
    println!("| all text at B | {:.1} s |", outcome.all_at_b.as_secs_f64());
    println!("| all text at C | {:.1} s |", outcome.all_at_c.as_secs_f64());
    let end = outcome.all_files_at_c.unwrap_or(outcome.all_at_b).max(outcome.all_at_b);
    let up = outcome.up_between(Duration::ZERO, end).as_secs_f64() / end.as_secs_f64();
    println!("| link up | {:.0} % of the time ({} cuts) |", 100.0 * up, outcome.cuts.len());
    println!("| goodput A→B, first entry to last, while up | {:.0} % of the link |", 100.0 * outcome.goodput(&shape));
    if photos > 0 {
        let seconds = |at: Option<Duration>| at.map_or("never".to_owned(), |at| format!("{:.1} s", at.as_secs_f64()));
        println!("| file bytes (photos and previews) | {} B |", outcome.blob_bytes);
        println!("| first whole photo at B | {} |", seconds(outcome.first_photo_at_b));
        println!("| every file at C | {} |", seconds(outcome.all_files_at_c));
        if let Some(goodput) = outcome.goodput_with_files(&shape) {
            println!("| goodput A→B, text and files, while up | {:.0} % of the link |", 100.0 * goodput);
        }
        let twice = outcome.blob_bytes_from_a.saturating_sub(outcome.blob_bytes);
        println!(
            "| file bytes B received from A | {} B ({:.1} % sent twice) |",
            outcome.blob_bytes_from_a,
            100.0 * twice as f64 / outcome.blob_bytes.max(1) as f64
        );
        println!("| B's file bytes only grew | {} |", outcome.b_files_only_grew);
    }
    for (during_files, what) in [(false, "text"), (true, "files")] {
        let mut delays: Vec<f64> = outcome
            .typed
            .iter()
            .filter(|typed| typed.2 == during_files)
            .map(|(delay, _, _)| delay.as_secs_f64())
            .collect();
        if delays.is_empty() {
            continue;
        }
        delays.sort_by(f64::total_cmp);
        let within = delays.iter().filter(|delay| **delay < 5.0).count();
        println!(
            "| reports typed at A while {what} crossed reach B | median {:.1} s, max {:.1} s; {within} of {} in < 5 s |",
            delays[delays.len() / 2],
            delays[delays.len() - 1],
            delays.len()
        );
    }
    println!("| B's count only grew | {} |", outcome.b_only_grew);
    println!(
        "| peak memory A / B / C | {:.0} / {:.0} / {:.0} MB |",
        outcome.peak_mb[0], outcome.peak_mb[1], outcome.peak_mb[2]
    );
    let b = &outcome.a_peers[0];
    println!(
        "| A's status of B at the end | sent {} (unconfirmed {}), errors {}, last error {} |",
        b["entries_sent"], b["unconfirmed"], b["errors"], b["last_error"]
    );
    Ok(())
}
