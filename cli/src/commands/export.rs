//! `convene export`: the corpus for analysts, as JSON Lines, CSV or an XLSX
//! workbook. Works whether or not the node runs: the rows come from the
//! store, or stream from the running node; the file is written here.

use std::fs::File;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use convene_node::disk::is_disk_full;
use convene_node::export::{Attribution, Exporter, check_attribution};

use super::Context;
use crate::access::Access;
use crate::exit::{self, Failure};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
    Xlsx,
}

/// Arguments of `convene export`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene export --format xlsx --out corpus.xlsx\n  \
    convene export --format csv --out corpus.csv\n  convene export --format jsonl | jq .title\n\n\
    Anonymised by default: no author's key, no host organisation, implementer or locality (the \
    country stays), dates to the month. --attributed keeps them, with full dates, on the \
    secretariat's node only. Contact details are never exported. Works while the node runs.")]
pub struct ExportArgs {
    /// jsonl, csv, or xlsx (a workbook with a sheet per kind; needs --out).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Name authors (did:key), organisations and localities, with full
    /// dates: on the secretariat's node only.
    #[arg(long)]
    attributed: bool,
}

/// Runs `convene export`.
pub fn run(context: &Context, args: ExportArgs) -> Result<(), Failure> {
    let attribution = if args.attributed { Attribution::Attributed } else { Attribution::Anonymised };
    check_attribution(&context.data_dir, attribution)?;
    if args.format == Format::Xlsx && args.out.is_none() {
        return Err(Failure::usage(
            "an XLSX workbook is a binary file, not for a terminal or a pipe: give --out FILE.xlsx",
        ));
    }
    let access = context.access()?;
    let taxonomy = access.taxonomy()?.taxonomy;
    let Some(path) = &args.out else {
        let out = Box::new(std::io::BufWriter::new(std::io::stdout().lock()));
        // Not XLSX: refused above without --out.
        let exporter =
            if args.format == Format::Csv { Exporter::csv(out, attribution, &taxonomy)? } else { Exporter::jsonl(out) };
        write_all(&access, exporter, attribution, Failure::from)?;
        return Ok(());
    };
    let file = File::create(path).map_err(|error| {
        if is_disk_full(&error) {
            return writing_failed(path, &error);
        }
        Failure::new(
            exit::FAILED,
            format!("cannot write {}: {error}; give --out a file in a folder you can write to", path.display()),
        )
    })?;
    let failed = |error: std::io::Error| writing_failed(path, &error);
    let exporter = match args.format {
        Format::Jsonl => Ok(Exporter::jsonl(Box::new(std::io::BufWriter::new(file)))),
        Format::Csv => Exporter::csv(Box::new(std::io::BufWriter::new(file)), attribution, &taxonomy),
        Format::Xlsx => {
            // The workbook's rows wait in temporary files beside it.
            let folder = path.parent().filter(|folder| !folder.as_os_str().is_empty()).unwrap_or(Path::new("."));
            Exporter::xlsx(file, folder, attribution, &taxonomy)
        }
    };
    let written = exporter.map_err(failed).and_then(|exporter| write_all(&access, exporter, attribution, failed));
    // Nothing half-written is left behind.
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    let count = written?;
    let how = if args.attributed { "attributed" } else { "anonymised" };
    eprintln!("exported {count} submissions to {} ({how})", path.display());
    Ok(())
}

/// Writes every exported row with `exporter`; returns how many.
fn write_all(
    access: &Access,
    mut exporter: Exporter,
    attribution: Attribution,
    failed: impl Fn(std::io::Error) -> Failure,
) -> Result<usize, Failure> {
    access.export(attribution, &mut |fields| exporter.write(fields).map_err(&failed))?;
    exporter.finish().map_err(failed)
}

/// What went wrong writing `path`, and what to do.
fn writing_failed(path: &Path, error: &std::io::Error) -> Failure {
    let place = path.display();
    if is_disk_full(error) {
        return Failure::new(
            exit::DISK_FULL,
            format!(
                "the disk holding {place} is full ({error}); nothing was written: free space, or give --out a \
                 file on another disk, and run it again"
            ),
        );
    }
    Failure::new(
        exit::FAILED,
        format!("writing {place} failed: {error}; nothing was written: give --out another file, or run it again"),
    )
}
