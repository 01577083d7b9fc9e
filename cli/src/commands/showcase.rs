//! `convene showcase`: the public showcase, a static website of what is
//! published with consent, unattributed, under small-cell suppression
//! (`convene_web::showcase`). Works whether or not the node runs: the rows
//! are the anonymised export's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use convene_node::export::Attribution;
use convene_node::{HISTORY_SHOWN, now_ms};
use convene_web::i18n::Lang;
use convene_web::showcase::{self, LEAST_MIN_CELL};
use serde_json::Value;

use super::Context;
use crate::exit::{self, Failure};
use crate::provenance::listed_entries;

/// Arguments of `convene showcase`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  convene showcase --out site\n  convene showcase --out site-ar --lang ar --min-cell 10\n\n\
    Writes index.html, figures.html, items/N.html and style.css: no script, every link relative, \
    so the folder can be put on any web server or opened from disk. Only submissions whose status \
    is published and whose author consented to publication; no author's key, organisation, \
    contact or locality; dates to the month. Every count under --min-cell is shown as \"fewer \
    than N\", and places and months are generalised so that none can be worked out."
)]
pub struct ShowcaseArgs {
    /// A new or empty folder to write the site in.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The site's language: en, fr, es or ar (right to left).
    #[arg(long, default_value = "en")]
    lang: String,
    /// Counts under this are shown as "fewer than N" (at least 2).
    #[arg(long, value_name = "N", default_value_t = 5)]
    min_cell: u64,
}

/// Runs `convene showcase`.
pub fn run(context: &Context, args: ShowcaseArgs) -> Result<(), Failure> {
    let lang = Lang::parse(&args.lang)
        .filter(|lang| lang.code() == args.lang)
        .ok_or_else(|| Failure::usage(format!("--lang {}: give en, fr, es or ar", args.lang)))?;
    if args.min_cell < LEAST_MIN_CELL {
        return Err(Failure::usage(format!(
            "--min-cell {}: under {LEAST_MIN_CELL}, \"fewer than N\" would give the count away; give {LEAST_MIN_CELL} or more",
            args.min_cell
        )));
    }
    check_empty(&args.out)?;
    let mut rows = Vec::new();
    let access = context.access()?;
    access.export(Attribution::Anonymised, &mut |fields| {
        if showcase::is_showcased(fields) {
            rows.push(fields.clone());
        }
        Ok(())
    })?;
    let mut entries = BTreeMap::new();
    let mut left_out = Vec::new();
    for fields in &rows {
        let document = fields.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        match listed_entries(&access, &document)? {
            Some((_, ids)) => {
                entries.insert(document, ids.iter().map(ToString::to_string).collect());
            }
            // One author's long history must not stop everyone's showcase.
            None => left_out.push(document),
        }
    }
    rows.retain(|fields| fields.get("id").and_then(Value::as_str).is_some_and(|id| entries.contains_key(id)));
    for document in &left_out {
        eprintln!(
            "left out {document}: more than {HISTORY_SHOWN} entries (edits), more than a signed release can list for \
             one item; curate it to another status, or publish a fresh submission of its text"
        );
    }
    let months = showcase::months(context.data_dir.genesis()?.created_at_ms, now_ms(), &rows);
    // Titles from the taxonomy the node uses (the newest the secretariat published).
    let taxonomy = access.taxonomy()?.taxonomy;
    let written =
        showcase::write(&args.out, lang, &taxonomy, args.min_cell, &months, &rows, &entries).map_err(|error| {
            Failure::new(
                exit::FAILED,
                format!(
                    "writing the showcase in {} failed: {error}; give --out a new folder you can write to",
                    args.out.display()
                ),
            )
        })?;
    eprintln!(
        "wrote the showcase of {} submissions in {} ({} files; counts under {} shown as fewer)",
        written.items,
        args.out.display(),
        written.files.len(),
        args.min_cell
    );
    Ok(())
}

/// Refuses a folder that holds anything: old pages would stay beside the
/// new ones.
fn check_empty(dir: &Path) -> Result<(), Failure> {
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) => Err(Failure::usage(format!(
            "{} is not empty: give --out a new or empty folder, so that no old page stays in the site",
            dir.display()
        ))),
        Ok(false) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => {
            Err(Failure::usage(format!("cannot read {}: {error}; give --out a folder you can write to", dir.display())))
        }
    }
}
