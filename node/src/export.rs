//! Exports of the corpus for analysis: public fields only. Personal data
//! (even sealed) never leaves, and the author's key only when asked for.

use std::io::Write;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use convene_protocol::kinds::{Kind, SubmissionKind};

use crate::store::DocumentRow;

/// The formats `convene export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line, every public field.
    Jsonl,
    /// One row per submission, the fields analysts filter on: the columns
    /// the table of kinds gives them.
    Csv,
}

/// A CSV column: its name, and where each kind's fields fill it (a field,
/// or a field inside a group); its cell is the first of these given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvColumn {
    /// Its name, in the header.
    pub name: &'static str,
    /// The paths that fill it: a field's name, then a member's name in a group.
    paths: Vec<Vec<&'static str>>,
}

/// The CSV columns of submissions of `kinds`: `id`, `kind`, the column of
/// every field of the table that has one (each column once, in the order it
/// first appears), `created`.
pub fn csv_columns(kinds: &[&Kind]) -> Vec<CsvColumn> {
    let mut columns =
        vec![CsvColumn { name: "id", paths: vec![vec!["id"]] }, CsvColumn { name: "kind", paths: vec![vec!["kind"]] }];
    for kind in kinds {
        for field in kind.fields.iter().filter(|field| !field.sealed) {
            let members = field.members().iter().map(|member| (member, vec![field.name, member.name]));
            for (filler, path) in std::iter::once((field, vec![field.name])).chain(members) {
                let Some(name) = filler.column else { continue };
                match columns.iter_mut().find(|column| column.name == name) {
                    Some(column) if !column.paths.contains(&path) => column.paths.push(path),
                    Some(_) => {}
                    None => columns.push(CsvColumn { name, paths: vec![path] }),
                }
            }
        }
    }
    columns.push(CsvColumn { name: "created", paths: vec![vec!["created_ms"]] });
    columns
}

/// The CSV header of `columns`.
pub fn csv_header(columns: &[CsvColumn], with_author: bool) -> String {
    let mut names: Vec<&str> = columns.iter().map(|column| column.name).collect();
    if with_author {
        names.push("author");
    }
    names.join(",")
}

/// The CSV line of exported `fields` (as [`public_fields`] gives them).
pub fn csv_line(columns: &[CsvColumn], fields: &Map<String, Value>, with_author: bool) -> String {
    let get = |path: &[&str]| {
        let (first, rest) = path.split_first()?;
        rest.iter().try_fold(fields.get(*first)?, |value, key| value.get(key)).map(cell)
    };
    let mut cells: Vec<String> = columns
        .iter()
        .map(|column| {
            column.paths.iter().filter_map(|path| get(path)).find(|cell| !cell.is_empty()).unwrap_or_default()
        })
        .collect();
    if with_author {
        cells.push(get(&["author"]).unwrap_or_default());
    }
    cells.iter().map(|cell| csv_quote(cell)).collect::<Vec<_>>().join(",")
}

/// The public fields of a row, as exported.
pub fn public_fields(row: &DocumentRow, with_author: bool) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), Value::String(row.id.to_string()));
    fields.insert("kind".into(), Value::String(row.kind.as_str().to_owned()));
    // Only what the table of kinds says is public: a sealed field, in clear
    // or as its sealed form, never leaves.
    let public = |key: &str| row.kind.spec().fields.iter().any(|field| field.name == key && !field.sealed);
    for (key, value) in row.fields.iter().filter(|(key, _)| public(key)) {
        fields.insert(key.clone(), value.clone());
    }
    fields.insert("created_ms".into(), Value::from(row.created_ms));
    if with_author {
        fields.insert("author".into(), Value::String(row.creator.to_did_key()));
    }
    fields
}

/// The CSV columns of the kinds this build knows.
static COLUMNS: LazyLock<Vec<CsvColumn>> = LazyLock::new(|| csv_columns(&SubmissionKind::specs()));

/// Writes the CSV header of the kinds this build knows.
pub fn write_csv_header(out: &mut impl Write, with_author: bool) -> std::io::Result<()> {
    writeln!(out, "{}", csv_header(&COLUMNS, with_author))
}

/// Writes one row in `format`.
pub fn write_row(
    out: &mut impl Write,
    format: ExportFormat,
    row: &DocumentRow,
    with_author: bool,
) -> std::io::Result<()> {
    let fields = public_fields(row, with_author);
    match format {
        ExportFormat::Jsonl => {
            serde_json::to_writer(&mut *out, &fields)?;
            writeln!(out)
        }
        ExportFormat::Csv => writeln!(out, "{}", csv_line(&COLUMNS, &fields, with_author)),
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Quotes a CSV cell when needed, and defuses cells a spreadsheet would
/// run as a formula.
pub fn csv_quote(cell: &str) -> String {
    let defused = if cell.starts_with(['=', '+', '-', '@']) { format!("'{cell}") } else { cell.to_owned() };
    if defused.contains([',', '"', '\n', '\r']) { format!("\"{}\"", defused.replace('"', "\"\"")) } else { defused }
}

#[cfg(test)]
mod tests {
    use super::{DocumentRow, SubmissionKind, csv_quote, public_fields, write_csv_header};

    #[test]
    fn an_export_holds_only_what_the_table_says_is_public() {
        let row = DocumentRow {
            id: convene_protocol::entry::DocumentId([1; 32]),
            kind: SubmissionKind::CaseStudy,
            creator: convene_protocol::keys::SecretKey::from_seed([2; 32]).public(),
            created_ms: 5,
            updated_ms: 5,
            changes: 1,
            fields: serde_json::json!({
                "kind": "case_study", "title": "Kept", "sealed_contact": "00ff",
                "contact": {"name": "Amina"}, "stray": "not a field of the kind"
            })
            .as_object()
            .unwrap()
            .clone(),
        };
        let exported = public_fields(&row, false);
        let keys: Vec<&str> = exported.keys().map(String::as_str).collect();
        assert_eq!(keys, ["created_ms", "id", "kind", "title"]);
    }

    #[test]
    fn the_csv_columns_are_those_of_the_table() {
        let mut header = Vec::new();
        write_csv_header(&mut header, true).unwrap();
        assert_eq!(
            String::from_utf8(header).unwrap(),
            "id,kind,title,language,date,format,country,dpi_types,participants_count,stakeholder_groups,principles,\
             risks,lifecycle_stages,consent_to_publish,responsible_authority,created,author\n"
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_quote("plain"), "plain");
        assert_eq!(csv_quote("a,b"), "\"a,b\"");
        assert_eq!(csv_quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_quote("=cmd()"), "'=cmd()");
    }
}
