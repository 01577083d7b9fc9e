//! Exports of the corpus for analysts: JSON Lines, CSV, or an XLSX workbook
//! with one sheet per kind.
//!
//! Every format is written from the same exported fields
//! ([`exported_fields`]): the public fields the table of kinds lists, the
//! submission's curation status and tags, when it was created. Sealed
//! personal data never leaves. **Anonymised by default:** no author's key, no
//! field the table marks identifying (host organisations, the implementer,
//! the locality: everything below the country), and dates to the month. An
//! attributed export keeps those, and only the secretariat's node makes one
//! ([`check_attribution`]).

mod columns;
mod xlsx;

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value};

use convene_protocol::kinds::{Field, Shape, SubmissionKind};
use convene_protocol::taxonomy::Taxonomy;
use convene_protocol::text_rules::civil_from_days;

pub use columns::{Cell, Column, csv_columns, sheet_columns};

use crate::data_dir::DataDir;
use crate::error::NodeError;
use crate::node::Node;
use crate::store::DocumentRow;

/// Whom and where an export names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Attribution {
    /// No author's key, no identifying field, dates to the month.
    #[default]
    Anonymised,
    /// The author's `did:key`, identifying fields and full dates: on the
    /// secretariat's node only.
    Attributed,
}

/// What curation says of a submission: its status and its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportCuration {
    /// Its status, if it has one.
    pub status: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
}

/// Refuses an attributed export unless this node holds the secretariat's keys.
pub fn check_attribution(data_dir: &DataDir, attribution: Attribution) -> Result<(), NodeError> {
    if attribution == Attribution::Attributed && data_dir.secretariat()?.is_none() {
        return Err(NodeError::AttributionNotSecretariat);
    }
    Ok(())
}

/// Every live submission as exported, in id order. Call
/// [`check_attribution`] first.
pub fn rows(node: &Node, attribution: Attribution) -> impl Iterator<Item = Result<Map<String, Value>, NodeError>> + '_ {
    node.rows().map(move |row| {
        let row = row?;
        let (status, tags) = node.curation(&row.id)?;
        let curation = ExportCuration { status: status.map(|status| status.as_str().to_owned()), tags };
        Ok(exported_fields(&row, attribution, &curation))
    })
}

/// A row's exported fields: `id`, `kind`, its public fields (anonymised
/// unless `attribution` says otherwise), `created`, `status`, `tags` and,
/// attributed, `author`.
pub fn exported_fields(row: &DocumentRow, attribution: Attribution, curation: &ExportCuration) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), Value::String(row.id.to_string()));
    fields.insert("kind".into(), Value::String(row.kind.as_str().to_owned()));
    // Only what the table of kinds says is public: a sealed field, in clear
    // or as its sealed form, never leaves.
    for field in row.kind.spec().fields.iter().filter(|field| is_exported(field, attribution)) {
        if let Some(value) = row.fields.get(field.name) {
            fields.insert(field.name.into(), exported_value(field, value, attribution));
        }
    }
    fields.insert("created".into(), Value::String(created(row.created_ms, attribution)));
    for (key, value) in curation_fields(curation) {
        fields.insert(key.into(), value);
    }
    if attribution == Attribution::Attributed {
        fields.insert("author".into(), Value::String(row.creator.to_did_key()));
    }
    fields
}

/// The one place curation enters an export: its `status` (empty when it has
/// none) and its `tags`.
fn curation_fields(curation: &ExportCuration) -> [(&'static str, Value); 2] {
    [
        ("status", Value::String(curation.status.clone().unwrap_or_default())),
        ("tags", Value::Array(curation.tags.iter().cloned().map(Value::String).collect())),
    ]
}

/// Whether `field` is exported under `attribution`: never when sealed, and
/// when identifying only attributed.
fn is_exported(field: &Field, attribution: Attribution) -> bool {
    !field.sealed && (attribution == Attribution::Attributed || !field.identifying)
}

/// A field's value as exported: a group's exported members only; a date to
/// the month unless attributed.
fn exported_value(field: &Field, value: &Value, attribution: Attribution) -> Value {
    match (&field.shape, value) {
        (Shape::Group(members), Value::Object(object)) => Value::Object(
            members
                .iter()
                .filter(|member| is_exported(member, attribution))
                .filter_map(|member| {
                    let value = object.get(member.name)?;
                    Some((member.name.to_owned(), exported_value(member, value, attribution)))
                })
                .collect(),
        ),
        (Shape::Date, Value::String(date)) if attribution == Attribution::Anonymised => {
            Value::String(date.get(..7).unwrap_or(date).to_owned())
        }
        _ => value.clone(),
    }
}

/// When a submission was created: `2026-05` anonymised, attributed
/// `2026-05-14T09:30:00Z` (UTC).
fn created(ms: u64, attribution: Attribution) -> String {
    let seconds = ms / 1000;
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    match attribution {
        Attribution::Anonymised => format!("{year:04}-{month:02}"),
        Attribution::Attributed => {
            let second = seconds % 86_400;
            format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", second / 3600, second / 60 % 60, second % 60)
        }
    }
}

/// Writes exported rows ([`exported_fields`], as [`rows`] gives them or as
/// the local API sends them) in one format.
#[derive(Debug)]
pub struct Exporter {
    sink: Sink,
    count: usize,
}

enum Sink {
    Jsonl(Box<dyn Write>),
    Csv(Box<dyn Write>, Vec<Column>),
    Xlsx(Box<xlsx::Workbook>),
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Jsonl(_) => "Jsonl",
            Self::Csv(..) => "Csv",
            Self::Xlsx(_) => "Xlsx",
        })
    }
}

impl Exporter {
    /// JSON Lines: one object per submission, every exported field.
    pub fn jsonl(out: Box<dyn Write>) -> Self {
        Self { sink: Sink::Jsonl(out), count: 0 }
    }

    /// CSV: a header, then one line per submission of any kind, the columns
    /// analysts filter on ([`csv_columns`]), codes' titles from `taxonomy`.
    pub fn csv(mut out: Box<dyn Write>, attribution: Attribution, taxonomy: &Taxonomy) -> std::io::Result<Self> {
        let columns = csv_columns(&SubmissionKind::specs(), attribution, taxonomy);
        writeln!(out, "{}", csv_header(&columns))?;
        Ok(Self { sink: Sink::Csv(out, columns), count: 0 })
    }

    /// An XLSX workbook, one sheet per kind ([`sheet_columns`]), written
    /// whole to `file` by [`Exporter::finish`]; until then its rows wait in
    /// temporary files in `dir` (the output's folder), so memory stays flat;
    /// codes' titles from `taxonomy`.
    pub fn xlsx(
        file: std::fs::File,
        dir: &Path,
        attribution: Attribution,
        taxonomy: &Taxonomy,
    ) -> std::io::Result<Self> {
        Ok(Self { sink: Sink::Xlsx(Box::new(xlsx::Workbook::new(file, dir, attribution, taxonomy)?)), count: 0 })
    }

    /// Writes one submission's exported fields.
    pub fn write(&mut self, fields: &Map<String, Value>) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, fields)?;
                writeln!(out)?;
            }
            Sink::Csv(out, columns) => writeln!(out, "{}", csv_line(columns, fields))?,
            Sink::Xlsx(workbook) => workbook.write(fields)?,
        }
        self.count += 1;
        Ok(())
    }

    /// Finishes the output; returns how many submissions it holds.
    pub fn finish(self) -> std::io::Result<usize> {
        match self.sink {
            Sink::Jsonl(mut out) | Sink::Csv(mut out, _) => out.flush()?,
            Sink::Xlsx(workbook) => workbook.finish()?,
        }
        Ok(self.count)
    }
}

/// The CSV header of `columns`.
pub fn csv_header(columns: &[Column]) -> String {
    columns.iter().map(|column| csv_quote(&column.name)).collect::<Vec<_>>().join(",")
}

/// The CSV line of exported `fields`.
pub fn csv_line(columns: &[Column], fields: &Map<String, Value>) -> String {
    columns.iter().map(|column| csv_quote(&column.cell(fields).text())).collect::<Vec<_>>().join(",")
}

/// Quotes a CSV cell when needed, and defuses cells a spreadsheet would
/// run as a formula.
pub fn csv_quote(cell: &str) -> String {
    let defused = if cell.starts_with(['=', '+', '-', '@']) { format!("'{cell}") } else { cell.to_owned() };
    if defused.contains([',', '"', '\n', '\r']) { format!("\"{}\"", defused.replace('"', "\"\"")) } else { defused }
}

#[cfg(test)]
mod tests;
