//! `convene submit` and `convene import`.

use std::io::{BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use convene_node::import::{Line, Lines, MAX_LINE_BYTES};
use convene_node::{PreparedBatch, SubmitReport, SubmitStatus};
use serde_json::{Value, json};

use super::Context;
use crate::access::Access;
use crate::exit::{self, Failure};

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

/// The folder attachments given by path are found in: the JSON file's, or
/// the current one for standard input.
fn base_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if file.as_os_str() != "-" => parent.to_owned(),
        _ => PathBuf::from("."),
    }
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
    let mut value: Value = serde_json::from_str(&text)
        .map_err(|error| Failure::new(exit::INVALID, format!("{} is not valid JSON: {error}", args.file.display())))?;
    let access = context.access()?;
    // Attachments given by path: relative to the JSON file (or here, for standard input).
    super::attach::resolve_paths(&access, &base_dir(&args.file), &mut value)?;
    let report = access.submit_many(&context.data_dir, context.identity.as_deref(), &[value])?.remove(0);
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
    let (_, secret) = context.data_dir.identity(context.identity.as_deref())?;
    let access = context.access()?;
    let (input, size) = open_input(&args.file)?;
    let base = base_dir(&args.file);
    let progress = progress_bar(size);
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut read_tally = Tally::default();
    let (batches, receiver) = std::sync::mpsc::sync_channel::<Batch>(1);
    // Two stages: this thread reads, parses, validates and signs the next
    // batch while the other stores and flushes the previous one.
    let store_tally = std::thread::scope(|scope| -> Result<Tally, Failure> {
        let storer = scope.spawn(|| {
            let mut tally = Tally::default();
            for batch in receiver {
                let first_line = batch.lines.first().map_or(0, |(line, _)| *line);
                let reports = match (&access, batch.prepared) {
                    _ if batch.lines.is_empty() => Ok(Vec::new()),
                    (Access::Local(node), Some(prepared)) => node
                        .store_prepared(prepared)
                        .map(|results| results.into_iter().map(SubmitReport::from_result).collect())
                        .map_err(Failure::from),
                    _ => {
                        let values: Vec<Value> = batch.lines.iter().map(|(_, value)| value.clone()).collect();
                        access.submit_many(&context.data_dir, context.identity.as_deref(), &values)
                    }
                }
                .map_err(|failure| {
                    if failure.is_answer_lost() {
                        failure.with_note(&format!(
                            "lines before {first_line} are stored, the batch from line {first_line} may be, \
                             and nothing after it was sent"
                        ))
                    } else {
                        failure.with_note(&format!(
                            "lines before {first_line} are stored; nothing from line {first_line} on was"
                        ))
                    }
                })?;
                report(batch.lines, batch.unread, reports, &mut tally, &progress, args.json)?;
            }
            Ok(tally)
        });
        let mut lines: Vec<(usize, Value)> = Vec::with_capacity(BATCH_LINES);
        let mut unread: Vec<Unread> = Vec::new();
        let send = |lines: Vec<(usize, Value)>, unread: Vec<Unread>| -> bool {
            let prepared = match &access {
                Access::Local(node) if !lines.is_empty() => {
                    let values: Vec<Value> = lines.iter().map(|(_, value)| value.clone()).collect();
                    Some(node.prepare_many(&secret, &values))
                }
                Access::Local(_) | Access::Remote(_) => None,
            };
            batches.send(Batch { lines, unread, prepared }).is_ok()
        };
        let mut input = Lines::new(&mut reader);
        while let Some(read) = input
            .next_line()
            .map_err(|error| Failure::new(exit::FAILED, format!("reading {}: {error}", args.file.display())))?
        {
            read_tally.lines += 1;
            let line_number = read.number;
            progress.inc(read.bytes as u64);
            match read.line {
                Line::Json(mut value) => match super::attach::resolve_paths(&access, &base, &mut value) {
                    Ok(()) => lines.push((line_number, value)),
                    Err(failure) if !failure.is_invalid_input() => return Err(failure),
                    Err(failure) => {
                        let reason = failure.message().to_owned();
                        read_tally.bad(&progress, line_number, &reason);
                        unread.push(Unread { line: line_number, status: "invalid", reason });
                    }
                },
                Line::Blank => {
                    unread.push(Unread { line: line_number, status: "skipped", reason: "blank line".into() })
                }
                Line::Invalid(reason) => {
                    read_tally.bad(&progress, line_number, &reason);
                    unread.push(Unread { line: line_number, status: "invalid", reason });
                }
            }
            // Lines that were not read as JSON travel with the batch, so
            // every line's result is printed in order.
            if lines.len() + unread.len() >= BATCH_LINES
                && !send(std::mem::take(&mut lines), std::mem::take(&mut unread))
            {
                break;
            }
        }
        if !lines.is_empty() || !unread.is_empty() {
            send(lines, unread);
        }
        drop(batches);
        storer.join().expect("the storing thread does not panic")
    })?;
    progress.finish_and_clear();
    let tally = Tally {
        stored: store_tally.stored,
        already: store_tally.already,
        refused: store_tally.refused,
        bad: store_tally.bad + read_tally.bad,
        lines: read_tally.lines,
    };
    eprintln!(
        "imported {} new, {} already stored, {} refused, {} bad lines (of {} lines)",
        tally.stored, tally.already, tally.refused, tally.bad, tally.lines
    );
    if tally.bad > 0 || tally.refused > 0 {
        return Err(Failure::new(exit::INVALID, ""));
    }
    Ok(())
}

/// Lines on their way to the store, signed already when the store is here,
/// and the lines among them that were not JSON (already counted and told).
struct Batch {
    lines: Vec<(usize, Value)>,
    unread: Vec<Unread>,
    prepared: Option<PreparedBatch>,
}

/// A line that never reached the store: too long, not JSON, or blank.
struct Unread {
    line: usize,
    /// `invalid`, or `skipped` for a blank line.
    status: &'static str,
    reason: String,
}

#[derive(Default)]
struct Tally {
    stored: usize,
    already: usize,
    refused: usize,
    bad: usize,
    lines: usize,
}

impl Tally {
    fn bad(&mut self, progress: &indicatif::ProgressBar, line: usize, reason: &str) {
        self.bad += 1;
        progress.suspend(|| eprintln!("line {line}: {}", reason.replace('\n', &format!("\nline {line}: "))));
    }
}

/// Counts and prints the outcome of each line of a stored batch; with
/// `json`, one result per line, in line order, including the `unread` ones.
fn report(
    lines: Vec<(usize, Value)>,
    unread: Vec<Unread>,
    reports: Vec<SubmitReport>,
    tally: &mut Tally,
    progress: &indicatif::ProgressBar,
    json: bool,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let mut unread = unread.into_iter().peekable();
    let mut print_unread_before = |line: usize, out: &mut std::io::StdoutLock<'_>| -> Result<(), Failure> {
        while let Some(skipped) = unread.next_if(|skipped| skipped.line < line) {
            if json {
                let value = json!({ "status": skipped.status, "error": skipped.reason, "line": skipped.line });
                writeln!(out, "{value}")?;
            }
        }
        Ok(())
    };
    for ((line, _), report) in lines.into_iter().zip(reports) {
        print_unread_before(line, &mut out)?;
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
    print_unread_before(usize::MAX, &mut out)?;
    out.flush()?;
    Ok(())
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
