//! The columns of the CSV and XLSX exports, read from the table of kinds:
//! which exported field fills each, and beside every column of taxonomy
//! codes a column of their English titles in the taxonomy in use
//! (`principles` = `F1;O3`, `principles_titles` = `Do no harm; …`).

use serde_json::{Map, Value};

use convene_protocol::kinds::{Codes, Field, Kind, Shape};
use convene_protocol::taxonomy::{Taxonomy, Term};

use super::{Attribution, is_exported};

/// One column: its name, the exported fields that fill it (the first given
/// wins) and what of them it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name, in the header.
    pub name: String,
    /// The paths that fill it: a field's name, then a member's name in a group.
    paths: Vec<Vec<&'static str>>,
    /// What it shows of the value.
    content: Content,
    /// Whether it holds texts (a sheet shows it wider).
    pub wide: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Content {
    /// The value: a text, number or flag; a list's items joined by `;`.
    Value,
    /// A list of texts, one item a line.
    Lines,
    /// The English titles of the codes, joined by `; ` (a code whose
    /// title is not known stands for itself).
    Titles(Vec<Term>),
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// A text, never a formula.
    Text(String),
    /// A number.
    Number(f64),
    /// A flag.
    Flag(bool),
}

impl Cell {
    /// The cell as CSV writes it.
    pub fn text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(text) => text.clone(),
            Self::Number(number) => number.to_string(),
            Self::Flag(flag) => flag.to_string(),
        }
    }
}

impl Column {
    fn new(name: impl Into<String>, path: Vec<&'static str>, content: Content) -> Self {
        Self { name: name.into(), paths: vec![path], content, wide: false }
    }

    /// The column of `field`'s values.
    fn of(name: impl Into<String>, path: Vec<&'static str>, field: &Field) -> Self {
        let (content, wide) = match field.shape {
            Shape::TextList { .. } => (Content::Lines, true),
            Shape::Text { .. } | Shape::LongText { .. } => (Content::Value, true),
            _ => (Content::Value, false),
        };
        Self { wide, ..Self::new(name, path, content) }
    }

    /// Its cell in a row of exported `fields` (as `export::exported_fields`
    /// gives them).
    pub fn cell(&self, fields: &Map<String, Value>) -> Cell {
        let get = |path: &Vec<&str>| {
            let (first, rest) = path.split_first()?;
            rest.iter().try_fold(fields.get(*first)?, |value, key| value.get(key))
        };
        let Some(value) = self.paths.iter().filter_map(get).find(|value| !value.is_null()) else {
            return Cell::Empty;
        };
        match (&self.content, value) {
            (Content::Titles(terms), value) => Cell::Text(titles(terms, value)),
            (_, Value::String(text)) => Cell::Text(text.clone()),
            (_, Value::Number(number)) => number.as_f64().map_or(Cell::Empty, Cell::Number),
            (_, Value::Bool(flag)) => Cell::Flag(*flag),
            (content, Value::Array(items)) => {
                let joiner = if *content == Content::Lines { "\n" } else { ";" };
                Cell::Text(items.iter().map(item).collect::<Vec<_>>().join(joiner))
            }
            (_, other) => Cell::Text(other.to_string()),
        }
    }
}

/// A list's item as a cell shows it: a text as it is, an attached file by
/// its name.
fn item(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Object(object) => object.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
        other => other.to_string(),
    }
}

/// The English titles of the codes in `value` (a code or a list of codes).
fn titles(terms: &[Term], value: &Value) -> String {
    let title = |code: &Value| {
        let code = code.as_str().unwrap_or_default();
        Taxonomy::find(terms, code).and_then(|term| term.title_in("en")).unwrap_or(code).to_owned()
    };
    match value {
        Value::Array(codes) => codes.iter().map(title).collect::<Vec<_>>().join("; "),
        code => title(code),
    }
}

/// The terms of `taxonomy` behind a field of codes, if it is one.
fn taxonomy_terms<'t>(field: &Field, taxonomy: &'t Taxonomy) -> Option<&'t [Term]> {
    match field.shape {
        Shape::Code(Codes::Taxonomy(list)) | Shape::CodeList { codes: Codes::Taxonomy(list), .. } => {
            Some(list.terms_in(taxonomy))
        }
        _ => None,
    }
}

/// The public fields of `kind`, groups opened: each with its path and the
/// name of its column in a sheet (a member's key: `participants_count`).
fn leaf_fields(kind: &Kind, attribution: Attribution) -> Vec<(&'static Field, Vec<&'static str>, &'static str)> {
    let mut leaves = Vec::new();
    for field in kind.fields.iter().filter(|field| is_exported(field, attribution)) {
        match field.shape {
            Shape::Group(members) => leaves.extend(
                members
                    .iter()
                    .filter(|member| is_exported(member, attribution))
                    .map(|member| (member, vec![field.name, member.name], member.key)),
            ),
            _ => leaves.push((field, vec![field.name], field.name)),
        }
    }
    leaves
}

/// The columns every export ends with: when it was created, what curation
/// says of it, and in an attributed export its author.
fn closing_columns(attribution: Attribution) -> Vec<Column> {
    let mut columns: Vec<Column> =
        ["created", "status", "tags"].into_iter().map(|name| Column::new(name, vec![name], Content::Value)).collect();
    if attribution == Attribution::Attributed {
        columns.push(Column::new("author", vec!["author"], Content::Value));
    }
    columns
}

/// The CSV columns of submissions of `kinds`: `id`, `kind`, the column of
/// every exported field of the table that has one (each column once, in the
/// order it first appears, a column of codes followed by its titles), then
/// `created`, `status`, `tags` and, attributed, `author`. Titles come
/// from `taxonomy` (the one in use).
pub fn csv_columns(kinds: &[&Kind], attribution: Attribution, taxonomy: &Taxonomy) -> Vec<Column> {
    let mut columns =
        vec![Column::new("id", vec!["id"], Content::Value), Column::new("kind", vec!["kind"], Content::Value)];
    for kind in kinds {
        for (field, path, _) in leaf_fields(kind, attribution) {
            let Some(name) = field.column else { continue };
            let mut fills = vec![Column::of(name, path.clone(), field)];
            if let Some(terms) = taxonomy_terms(field, taxonomy) {
                fills.push(Column::new(format!("{name}_titles"), path.clone(), Content::Titles(terms.to_vec())));
            }
            for fill in fills {
                match columns.iter_mut().find(|column| column.name == fill.name) {
                    Some(column) if !column.paths.contains(&path) => column.paths.push(path.clone()),
                    Some(_) => {}
                    None => columns.push(fill),
                }
            }
        }
    }
    columns.extend(closing_columns(attribution));
    columns
}

/// The columns of `kind`'s sheet in a workbook: `id`, every exported field
/// in form order (a group's members by their keys, a field of codes followed
/// by its titles from `taxonomy`), then `created`, `status`, `tags` and,
/// attributed, `author`.
pub fn sheet_columns(kind: &Kind, attribution: Attribution, taxonomy: &Taxonomy) -> Vec<Column> {
    let mut columns = vec![Column::new("id", vec!["id"], Content::Value)];
    for (field, path, name) in leaf_fields(kind, attribution) {
        columns.push(Column::of(name, path.clone(), field));
        if let Some(terms) = taxonomy_terms(field, taxonomy) {
            columns.push(Column::new(format!("{name}_titles"), path, Content::Titles(terms.to_vec())));
        }
    }
    columns.extend(closing_columns(attribution));
    columns
}
