//! `convene-bench dashboard`: the dashboard's counts on a node holding N
//! submissions. First `Node::tally` in process (the store the CLI made,
//! opened by this process): the first call, which builds the list index,
//! then p50 / p95 / max of R calls with no filter and with filters. Then
//! the whole dashboard page and a CSV over HTTP against a real
//! `convene node run`, as `convene-bench web` times the other pages.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use convene_node::query::Filter;
use convene_node::{DataDir, Node};
use convene_protocol::kinds::SubmissionKind;

use crate::web;

/// Prints the in-process table, then the pages' table.
pub fn run(convene: &Path, n: usize, repeat: usize) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let data = web::prepared(convene, scratch.path(), n)?;
    tally(&data, n, repeat)?;
    let log = scratch.path().join("node.log");
    let (_node, url, pid) = web::serve(convene, &data, &log)?;
    let filtered = "kind=convening_report&country=KE&principle=F1";
    let pages: Vec<(&str, Vec<String>)> = vec![
        ("dashboard, no filter", vec!["/dashboard".into()]),
        ("dashboard, principle F1 + risk RS1", vec!["/dashboard?principle=F1&risk=RS1".into()]),
        ("dashboard, kind + country + principle", vec![format!("/dashboard?{filtered}")]),
        ("dashboard, a word of the insights (wheelchair)", vec!["/dashboard?text=wheelchair".into()]),
        ("dashboard CSV, countries, no filter", vec!["/dashboard/countries.csv".into()]),
        ("dashboard CSV, months, kind + country + principle", vec![format!("/dashboard/months.csv?{filtered}")]),
    ];
    println!();
    web::pages_header();
    web::time_pages(&url, n, repeat, &pages)?;
    web::memory(pid, &log);
    Ok(())
}

fn tally(data: &Path, n: usize, repeat: usize) -> Result<()> {
    let node = Node::open(DataDir::new(data))?;
    let started = Instant::now();
    let everything = node.tally(&Filter::default())?;
    let first = started.elapsed();
    anyhow::ensure!(everything.total == n as u64, "the node counts {} of {n}", everything.total);
    let filters = [
        ("no filter", Filter::default()),
        (
            "principle F1 + risk RS1",
            Filter { principle: Some("F1".into()), risk: Some("RS1".into()), ..Filter::default() },
        ),
        (
            "kind + country + principle",
            Filter {
                kind: Some(SubmissionKind::ConveningReport),
                country: Some("KE".into()),
                principle: Some("F1".into()),
                ..Filter::default()
            },
        ),
        (
            "date range (2025)",
            Filter { from: Some("2025-01-01".into()), to: Some("2025-12-31".into()), ..Filter::default() },
        ),
        ("a word of the insights (wheelchair)", Filter { text: Some("wheelchair".into()), ..Filter::default() }),
    ];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("first `Node::tally` at {n} (builds the list index): {:.0} ms\n", ms(first));
    println!("| submissions | `Node::tally` | calls | matched | p50 | p95 | max |");
    println!("|---|---|---|---|---|---|---|");
    for (name, filter) in filters {
        let mut samples = Vec::with_capacity(repeat);
        let mut matched = 0;
        for _ in 0..repeat {
            let started = Instant::now();
            matched = node.tally(&filter)?.total;
            samples.push(started.elapsed());
        }
        let p50 = web::percentile(&mut samples, 0.5);
        let p95 = web::percentile(&mut samples, 0.95);
        let max = web::percentile(&mut samples, 1.0);
        println!("| {n} | {name} | {repeat} | {matched} | {:.1} ms | {:.1} ms | {:.1} ms |", ms(p50), ms(p95), ms(max));
    }
    Ok(())
}
