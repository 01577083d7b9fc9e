//! `convene bundle want|export|import`: entries and their attached files
//! carried on a USB stick.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use convene_node::bundle::{ExportReport, ImportReport, PartProblem, parse_date_ms, parse_size};

use super::Context;
use crate::exit::{self, Failure};
use crate::output::{format_ms, print_json, shown};
use convene_node::api::BundleRequest;

/// `convene bundle …`
#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// On the receiving node: write a small file listing what it holds,
    /// to carry to the node that exports.
    Want(WantArgs),
    /// Write what another node lacks to a file (everything unless told),
    /// with the photos and files its submissions attach.
    Export(ExportArgs),
    /// Check and store every entry and file chunk of bundle files (any
    /// parts, any order).
    Import(ImportArgs),
}

/// Arguments of `convene bundle want`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  convene bundle want /media/usb/village-hall.want\n\n\
    Lists the ids of every entry this node holds (32 bytes each: 100,000 entries make 3.2 MB),\n\
    and the attached files its submissions name with the parts of each already here.\n\
    The exporting node then writes only what is missing here: convene bundle export FILE --want WANT_FILE")]
pub struct WantArgs {
    /// Where to write it.
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `convene bundle export`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene bundle export /media/usb/reports.bundle\n  \
    convene bundle export /media/usb/reports.bundle --since 2026-11-01\n  \
    convene bundle export /media/usb/reports.bundle --want /media/usb/village-hall.want --part-size 100M\n\n\
    Photos and files attached to the submissions it carries go too, after every entry (previews first),\n\
    so a bundle cut short or split still carries all the text first; --no-blobs leaves them out.\n\
    With --part-size the bundle is split into FILE.001, FILE.002, …: each part is checked on its own,\n\
    so a damaged one loses only its own entries. Import takes any of them, in any order.")]
pub struct ExportArgs {
    /// Where to write it (with --part-size, FILE.001, FILE.002, …).
    file: PathBuf,
    /// Only entries signed on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only entries the receiving node lacks, by the file `convene bundle want` wrote there.
    #[arg(long, value_name = "WANT_FILE")]
    want: Option<PathBuf>,
    /// Split into parts of at most this size (bytes, or with K, M, G: 100M; at least 1M).
    #[arg(long, value_name = "SIZE")]
    part_size: Option<String>,
    /// Entries only: leave out attached photos and files.
    #[arg(long)]
    no_blobs: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `convene bundle import`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene bundle import /media/usb/reports.bundle\n  \
    convene bundle import /media/usb/reports.bundle.*\n\n\
    Every entry is checked as sync checks it (signature, network, write rule, limits, withdrawals),\n\
    and every 16 KiB piece of an attached file against the file's hash before it is written.\n\
    A damaged part keeps what verified before the damage; a bundle of another network is refused.\n\
    Exits with 6 when a part is damaged, 5 when one is refused whole or entries or pieces were refused.")]
pub struct ImportArgs {
    /// Bundle files or parts.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `convene bundle …`.
pub fn run(context: &Context, command: BundleCommand) -> Result<(), Failure> {
    match command {
        BundleCommand::Want(args) => want(context, args),
        BundleCommand::Export(args) => export(context, args),
        BundleCommand::Import(args) => import(context, args),
    }
}

/// A path the running node can open too (it may run elsewhere in the tree).
fn absolute(path: &Path) -> Result<PathBuf, Failure> {
    std::path::absolute(path).map_err(|error| Failure::usage(format!("{}: {error}", path.display())))
}

fn want(context: &Context, args: WantArgs) -> Result<(), Failure> {
    let file = absolute(&args.file)?;
    let report = context.access()?.bundle_want(&file)?;
    if args.json {
        return print_json(&report);
    }
    println!("wrote {}: {} entry ids ({} bytes)", report.file, report.ids, report.bytes);
    if report.blobs_wanted > 0 {
        println!("it asks for {} attached files not (wholly) here", report.blobs_wanted);
    }
    println!("carry it to the other node and run there: convene bundle export FILE --want {}", report.file);
    Ok(())
}

fn export(context: &Context, args: ExportArgs) -> Result<(), Failure> {
    let since_ms = args.since.as_deref().map(parse_date_ms).transpose().map_err(Failure::usage)?;
    let part_size = args.part_size.as_deref().map(parse_size).transpose().map_err(Failure::usage)?;
    let request = BundleRequest {
        file: absolute(&args.file)?,
        since_ms,
        want: args.want.as_deref().map(absolute).transpose()?,
        part_size,
        no_blobs: args.no_blobs,
    };
    let report: ExportReport = context.access()?.bundle_export(&request)?;
    if args.json {
        return print_json(&report);
    }
    let parts = report.files.len();
    println!(
        "wrote {} entries in {parts} {} ({} bytes):",
        report.entries,
        if parts == 1 { "file" } else { "parts" },
        report.bytes
    );
    for file in &report.files {
        println!("  {file}");
    }
    if args.no_blobs {
        println!("without attached files (--no-blobs)");
    } else if report.blobs > 0 {
        println!("with {} attached files and previews ({} pieces of 16 KiB)", report.blobs, report.groups);
    }
    if report.blobs_not_here > 0 {
        println!(
            "{} attached files are not whole on this node either (still arriving): left out",
            report.blobs_not_here
        );
    }
    Ok(())
}

fn import(context: &Context, args: ImportArgs) -> Result<(), Failure> {
    let files = args.files.iter().map(|file| absolute(file)).collect::<Result<Vec<_>, _>>()?;
    let report: ImportReport = context.access()?.bundle_import(&files)?;
    if args.json {
        print_json(&report)?;
    } else {
        print_import(&report);
    }
    if report.damaged() {
        Err(Failure::new(exit::VERIFY_FAILED, "a bundle part is damaged; what verified before the damage was kept"))
    } else if report.refused_whole() {
        Err(Failure::new(exit::REFUSED, "a bundle was refused whole"))
    } else if report.refused > 0 {
        Err(Failure::new(exit::REFUSED, format!("{} entries were refused", report.refused)))
    } else if report.groups_refused > 0 {
        Err(Failure::new(exit::REFUSED, format!("{} pieces of attached files were refused", report.groups_refused)))
    } else {
        Ok(())
    }
}

fn print_import(report: &ImportReport) {
    for part in &report.parts {
        let what = match &part.header {
            Some(header) => format!(
                "part {}{} of a bundle of \"{}\" made {}",
                header.part,
                if part.last == Some(true) { " (the last)" } else { "" },
                shown(&header.network_name),
                format_ms(header.created_ms)
            ),
            None => "not read".to_owned(),
        };
        let pieces =
            if part.groups > 0 { format!(", {} pieces of attached files", part.groups) } else { String::new() };
        match &part.problem {
            None => println!("{}: {what}: {} entries{pieces}, checked whole", part.name, part.entries),
            Some(problem @ (PartProblem::OtherNetwork { .. } | PartProblem::NewerFormat { .. })) => {
                println!("{}: REFUSED: {problem}", part.name);
            }
            Some(problem) => {
                println!("{}: {what}: {} entries{pieces} read; DAMAGED: {problem}", part.name, part.entries);
            }
        }
    }
    for refusal in &report.refusals {
        println!("REFUSED entry {}: {}", refusal.entry, refusal.reason);
    }
    if report.refused as usize > report.refusals.len() {
        println!("… and {} more refused", report.refused as usize - report.refusals.len());
    }
    for refusal in &report.blob_refusals {
        match refusal.group {
            Some(group) => println!("REFUSED piece {group} of file {}: {}", refusal.blob, refusal.reason),
            None => println!("REFUSED file {}: {}", refusal.blob, refusal.reason),
        }
    }
    println!(
        "{} new, {} already held, {} refused, {} waiting for entries they build on",
        report.new, report.already_held, report.refused, report.waiting
    );
    let pieces = report.groups_stored + report.groups_held + report.groups_unnamed + report.groups_refused;
    if pieces > 0 {
        println!(
            "attached files: {} completed; pieces: {} stored, {} already here, {} refused",
            report.blobs_completed, report.groups_stored, report.groups_held, report.groups_refused
        );
    }
    if report.groups_unnamed > 0 {
        println!("{} pieces belong to files no submission here names (yet): not stored", report.groups_unnamed);
    }
    if report.waiting > 0 {
        println!(
            "entries that wait are stored once what they build on arrives (another part, or a peer); \
             importing the missing parts, then this one again, stores them"
        );
    }
}
