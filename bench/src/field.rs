//! `convene-bench field`: the field of `convene_tests::field` (three nodes
//! in network namespaces, A–B slow and lossy), measured.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use convene_tests::field::{self, Plan, Shape};

pub fn run(reports: usize, rate_kbit: u32, loss_percent: u32, flap: bool) -> Result<()> {
    if let Some(why) = field::missing() {
        bail!("the field needs network namespaces: {why}");
    }
    let shape =
        Shape { rate_kbit, loss_percent, flap: flap.then_some((Duration::from_secs(45), Duration::from_secs(15))) };
    let plan = Plan {
        reports,
        type_after: reports as u64 / 3,
        seed: 7,
        shape: shape.clone(),
        timeout: Duration::from_secs(3600),
    };
    let outcome = field::run(&plan).map_err(|error| anyhow!(error))?;
    let flapping = if flap { ", cut 15 s of every minute" } else { "" };
    println!("field: {reports} reports, A–B {rate_kbit} kbit/s, {loss_percent} % loss each way{flapping}");
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
    println!("| link up | {:.0} % of the time |", 100.0 * outcome.up_share);
    println!("| goodput A→B, first entry to last, while up | {:.0} % of the link |", 100.0 * outcome.goodput(&shape));
    let mut delays: Vec<f64> = outcome.typed.iter().map(|(delay, _)| delay.as_secs_f64()).collect();
    delays.sort_by(f64::total_cmp);
    let within = delays.iter().filter(|delay| **delay < 5.0).count();
    println!(
        "| reports typed at A mid-transfer reach B | median {:.1} s, max {:.1} s; {within} of {} in < 5 s |",
        delays.get(delays.len() / 2).copied().unwrap_or_default(),
        delays.last().copied().unwrap_or_default(),
        delays.len()
    );
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
