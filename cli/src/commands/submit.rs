//! `convene submit` and `convene import`.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::Args;
use convene_node::SubmitStatus;
use serde_json::{Value, json};

use super::Context;
use crate::backend::Backend;
use crate::exit::{self, Failure};

/// Longest line `import` accepts.
const MAX_LINE_BYTES: usize = 1024 * 1024;
/// Lines signed and stored per flush.
const BATCH_LINES: usize = 1000;

/// Arguments of `convene submit`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene submit report.json\n  cat report.json | convene submit -\n\n\
    The JSON is one submission in the interchange format (see the README): a convening_report,\n\
    case_study or convening_announcement. Prints the new submission's id.")]
pub struct SubmitArgs {
    /// The JSON file, or `-` for standard input.
    file: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `convene import`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  convene import corpus.jsonl\n  convene import corpus.jsonl --json > results.jsonl\n\n\
    Every valid line is signed and stored (flushed to disk before it is reported); every bad line\n\
    is reported by number with the reason, and the import goes on. Running it again is safe:\n\
    lines already stored are skipped."
)]
pub struct ImportArgs {
    /// The JSON Lines file, or `-` for standard input.
    file: PathBuf,
    /// Print one JSON result per line on stdout, each after it is on disk.
    #[arg(long)]
    json: bool,
}

fn open_input(path: &PathBuf) -> Result<(Box<dyn Read>, Option<u64>), Failure> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin().lock()), None));
    }
    let file = std::fs::File::open(path)
        .map_err(|error| Failure::new(exit::INVALID, format!("{}: {error}", path.display())))?;
    let size = file.metadata().ok().map(|meta| meta.len());
    Ok((Box::new(file), size))
}

/// Runs `convene submit`.
pub fn submit(context: &Context, args: SubmitArgs) -> Result<(), Failure> {
    let (mut input, _) = open_input(&args.file)?;
    let mut text = String::new();
    input
        .by_ref()
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_to_string(&mut text)
        .map_err(|error| Failure::new(exit::INVALID, format!("{}: {error}", args.file.display())))?;
    if text.len() > MAX_LINE_BYTES {
        return Err(Failure::new(
            exit::INVALID,
            format!("{} is larger than 1 MiB; is it one submission?", args.file.display()),
        ));
    }
    let value: Value = serde_json::from_str(&text)
        .map_err(|error| Failure::new(exit::INVALID, format!("{} is not valid JSON: {error}", args.file.display())))?;
    let backend = context.backend()?;
    let report = backend.submit_many(&context.data_dir, context.identity.as_deref(), &[value])?.remove(0);
    if args.json {
        crate::output::print_json(&report)?;
    }
    match (report.status, report.id) {
        (SubmitStatus::Stored, Some(id)) if !args.json => println!("{id}"),
        (SubmitStatus::AlreadyStored, Some(id)) if !args.json => println!("{id} (already stored)"),
        (SubmitStatus::Invalid, _) => return Err(Failure::new(exit::INVALID, report.error.unwrap_or_default())),
        (SubmitStatus::Refused, _) => return Err(Failure::new(exit::REFUSED, report.error.unwrap_or_default())),
        _ => {}
    }
    Ok(())
}

/// Runs `convene import`.
pub fn import(context: &Context, args: ImportArgs) -> Result<(), Failure> {
    // Fail early, before reading the file, when no identity can sign.
    context.data_dir.identity(context.identity.as_deref())?;
    let backend = context.backend()?;
    let signer = context.identity.as_deref();
    let (input, size) = open_input(&args.file)?;
    let progress = progress_bar(size);
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut tally = Tally::default();
    let mut batch: Vec<(usize, Value)> = Vec::with_capacity(BATCH_LINES);
    let mut line_number = 0usize;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|error| Failure::new(exit::FAILED, format!("reading {}: {error}", args.file.display())))?;
        if read == 0 {
            break;
        }
        line_number += 1;
        progress.inc(read as u64);
        if line.len() > MAX_LINE_BYTES && !line.ends_with(b"\n") {
            tally.bad(&progress, line_number, "line is longer than 1 MiB");
            skip_rest_of_line(&mut reader)?;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => batch.push((line_number, value)),
            Err(error) => tally.bad(&progress, line_number, &format!("not valid JSON: {error}")),
        }
        if batch.len() >= BATCH_LINES {
            store_batch(&backend, context, signer, &mut batch, &mut tally, &progress, args.json)?;
        }
    }
    store_batch(&backend, context, signer, &mut batch, &mut tally, &progress, args.json)?;
    progress.finish_and_clear();
    let summary = format!(
        "imported {} new, {} already stored, {} refused, {} bad lines (of {} lines)",
        tally.stored, tally.already, tally.refused, tally.bad, line_number
    );
    eprintln!("{summary}");
    if tally.bad > 0 || tally.refused > 0 {
        return Err(Failure::new(exit::INVALID, ""));
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    stored: usize,
    already: usize,
    refused: usize,
    bad: usize,
}

impl Tally {
    fn bad(&mut self, progress: &indicatif::ProgressBar, line: usize, reason: &str) {
        self.bad += 1;
        progress.suspend(|| eprintln!("line {line}: {}", reason.replace('\n', &format!("\nline {line}: "))));
    }
}

fn store_batch(
    backend: &Backend,
    context: &Context,
    signer: Option<&str>,
    batch: &mut Vec<(usize, Value)>,
    tally: &mut Tally,
    progress: &indicatif::ProgressBar,
    json: bool,
) -> Result<(), Failure> {
    if batch.is_empty() {
        return Ok(());
    }
    let values: Vec<Value> = batch.iter().map(|(_, value)| value.clone()).collect();
    let first_line = batch[0].0;
    let reports = backend.submit_many(&context.data_dir, signer, &values).map_err(|failure| {
        failure.with_note(&format!("lines before {first_line} are stored; nothing from line {first_line} on was"))
    })?;
    let mut out = std::io::stdout().lock();
    for ((line, _), report) in batch.drain(..).zip(reports) {
        match report.status {
            SubmitStatus::Stored => tally.stored += 1,
            SubmitStatus::AlreadyStored => tally.already += 1,
            SubmitStatus::Refused => {
                tally.refused += 1;
                let error = report.error.as_deref().unwrap_or_default();
                progress.suspend(|| eprintln!("line {line}: refused: {error}"));
            }
            SubmitStatus::Invalid => tally.bad(progress, line, report.error.as_deref().unwrap_or_default()),
        }
        if json {
            let mut value = serde_json::to_value(&report).unwrap_or_default();
            value["line"] = json!(line);
            writeln!(out, "{value}")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn skip_rest_of_line(reader: &mut impl BufRead) -> Result<(), Failure> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        if let Some(position) = buffer.iter().position(|byte| *byte == b'\n') {
            reader.consume(position + 1);
            return Ok(());
        }
        let length = buffer.len();
        reader.consume(length);
    }
}

fn progress_bar(size: Option<u64>) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size.unwrap_or(0));
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}
