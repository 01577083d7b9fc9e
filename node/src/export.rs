//! Exports of the corpus for analysis: public fields only. Personal data
//! (even sealed) never leaves, and the author's key only when asked for.

use std::io::Write;

use serde_json::{Map, Value};

use crate::store::DocumentRow;

/// The formats `convene export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line, every public field.
    Jsonl,
    /// One row per submission, the fields analysts filter on.
    Csv,
}

const CSV_COLUMNS: [&str; 16] = [
    "id",
    "kind",
    "title",
    "language",
    "country",
    "date",
    "format",
    "participants_count",
    "stakeholder_groups",
    "dpi_types",
    "principles",
    "risks",
    "lifecycle_stages",
    "responsible_authority",
    "consent_to_publish",
    "created",
];

/// The public fields of a row, as exported.
pub fn public_fields(row: &DocumentRow, with_author: bool) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), Value::String(row.id.to_string()));
    for (key, value) in &row.fields {
        if key != "sealed_contact" && key != "contact" {
            fields.insert(key.clone(), value.clone());
        }
    }
    fields.insert("created_ms".into(), Value::from(row.created_ms));
    if with_author {
        fields.insert("author".into(), Value::String(row.creator.to_did_key()));
    }
    fields
}

/// Writes the CSV header.
pub fn write_csv_header(out: &mut impl Write, with_author: bool) -> std::io::Result<()> {
    let mut columns: Vec<&str> = CSV_COLUMNS.to_vec();
    if with_author {
        columns.push("author");
    }
    writeln!(out, "{}", columns.join(","))
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
        ExportFormat::Csv => {
            let get = |path: &[&str]| {
                let mut value = Some(&Value::Object(fields.clone()));
                for key in path {
                    value = value.and_then(|value| value.get(key));
                }
                value.map(cell).unwrap_or_default()
            };
            let mut cells = vec![
                get(&["id"]),
                get(&["kind"]),
                get(&["title"]),
                get(&["language"]),
                first_nonempty(&[get(&["country"]), get(&["location", "country"])]),
                first_nonempty(&[get(&["convened_on"]), get(&["date"])]),
                get(&["format"]),
                get(&["participants", "count"]),
                get(&["participants", "stakeholder_groups"]),
                get(&["dpi_types"]),
                get(&["principles"]),
                get(&["risks"]),
                get(&["lifecycle_stages"]),
                get(&["responsible_authority"]),
                get(&["consent_to_publish"]),
                get(&["created_ms"]),
            ];
            if with_author {
                cells.push(get(&["author"]));
            }
            let line = cells.iter().map(|cell| csv_quote(cell)).collect::<Vec<_>>().join(",");
            writeln!(out, "{line}")
        }
    }
}

fn first_nonempty(options: &[String]) -> String {
    options.iter().find(|option| !option.is_empty()).cloned().unwrap_or_default()
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
fn csv_quote(cell: &str) -> String {
    let defused = if cell.starts_with(['=', '+', '-', '@']) { format!("'{cell}") } else { cell.to_owned() };
    if defused.contains([',', '"', '\n', '\r']) { format!("\"{}\"", defused.replace('"', "\"\"")) } else { defused }
}

#[cfg(test)]
mod tests {
    use super::csv_quote;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_quote("plain"), "plain");
        assert_eq!(csv_quote("a,b"), "\"a,b\"");
        assert_eq!(csv_quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_quote("=cmd()"), "'=cmd()");
    }
}
