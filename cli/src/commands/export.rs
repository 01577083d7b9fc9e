//! `convene export`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use convene_node::export::{ExportFormat, write_csv_header, write_row};

use super::Context;
use crate::exit::{self, Failure};

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

/// Arguments of `convene export`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  convene export --format csv --out corpus.csv\n  convene export --format jsonl | jq .title\n\n\
    Public fields only: contact details are never exported, and authors' keys only with --with-author."
)]
pub struct ExportArgs {
    /// jsonl or csv.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Include each submission's author key (did:key).
    #[arg(long)]
    with_author: bool,
}

/// Runs `convene export`.
pub fn run(context: &Context, args: ExportArgs) -> Result<(), Failure> {
    let node = context.node()?;
    let format = match args.format {
        Format::Jsonl => ExportFormat::Jsonl,
        Format::Csv => ExportFormat::Csv,
    };
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|error| Failure::new(exit::FAILED, format!("{}: {error}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    if format == ExportFormat::Csv {
        write_csv_header(&mut out, args.with_author)?;
    }
    let mut count = 0usize;
    for row in node.rows() {
        write_row(&mut out, format, &row?, args.with_author)?;
        count += 1;
    }
    out.flush()?;
    if let Some(path) = &args.out {
        eprintln!("exported {count} submissions to {}", path.display());
    }
    Ok(())
}
