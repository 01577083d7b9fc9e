//! `convene export` end to end: a corpus of every kind imported on the
//! secretariat's node, exported as XLSX, CSV and JSON Lines with the node
//! stopped and while it runs (rows streamed over its socket). The workbook
//! is opened by a third-party reader, openpyxl (`tests/xlsx/read.py`;
//! `scripts/test` installs it), and checked against what was imported and
//! what `convene list` shows: sheets, rows per kind, ids, titles, codes and
//! their titles, numbers as numbers, texts never formulas, nobody named
//! unless attributed, attributed only on the secretariat's node.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use convene_protocol::kinds::CONVENING_ANNOUNCEMENT;
use convene_protocol::taxonomy::{Taxonomy, Term};
use convene_protocol::text_rules::civil_from_days;
use convene_tests::tmpfs::{filler, tmpfs_or_skip};
use convene_tests::{Network, Run, TestNode, corpus, path_str, repo_root};
use serde_json::{Map, Value};

const SHEETS: [(&str, &str); 3] = [
    ("Convening reports", "convening_report"),
    ("Case studies", "case_study"),
    ("Convening announcements", "convening_announcement"),
];
/// A title a spreadsheet would run as a formula if it were written as one.
const FORMULA_TITLE: &str = "=1+2";
/// What an anonymised export must never hold, beyond the corpus's own
/// organisations and contacts: an author's key.
const NEVER_ANONYMISED: &str = "did:key";

/// The workbook at `path` as openpyxl reads it.
fn read_workbook(path: &Path) -> Value {
    let output =
        Command::new("python3").arg(repo_root().join("tests/xlsx/read.py")).arg(path).output().expect("python3 runs");
    assert!(
        output.status.success(),
        "openpyxl could not read {}:\n{}\n(install it: python3 -m pip install openpyxl==3.1.5; scripts/test does)",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The CSV at `path` as Python's csv module reads it: one map per row.
fn read_csv(path: &Path) -> Vec<Map<String, Value>> {
    let script = "import csv, json, sys\njson.dump(list(csv.DictReader(open(sys.argv[1], newline=''))), sys.stdout)";
    let output = Command::new("python3").args(["-c", script]).arg(path).output().expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A sheet's header and its rows as maps of column → cell (`{"v", "t"}`).
fn records(sheet: &Value) -> (Vec<String>, Vec<BTreeMap<String, Value>>) {
    let rows = sheet["rows"].as_array().unwrap();
    let header: Vec<String> =
        rows[0].as_array().unwrap().iter().map(|cell| cell["v"].as_str().unwrap().into()).collect();
    let records = rows[1..]
        .iter()
        .map(|row| header.iter().cloned().zip(row.as_array().unwrap().iter().cloned()).collect())
        .collect();
    (header, records)
}

/// A cell's value as text ("" for an empty cell).
fn text(cell: &Value) -> String {
    match &cell["v"] {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn lines(run: &Run) -> Vec<Value> {
    run.stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// The taxonomy list behind a column of codes.
fn terms(column: &str) -> &'static [Term] {
    let taxonomy = Taxonomy::v1();
    match column {
        "principles" => &taxonomy.principles,
        "risks" => &taxonomy.risks,
        "lifecycle_stages" => &taxonomy.lifecycle_stages,
        "responsible_authority" => &taxonomy.responsible_authorities,
        "dpi_types" => &taxonomy.dpi_types,
        "stakeholder_groups" => &taxonomy.stakeholder_groups,
        "purposes" => &taxonomy.purposes,
        "format" => &taxonomy.formats,
        other => panic!("no taxonomy list for column {other}"),
    }
}

/// The English titles of `codes` (`;`-separated) in the list of `column`.
fn titles(column: &str, codes: &str) -> String {
    codes
        .split(';')
        .filter(|code| !code.is_empty())
        .map(|code| Taxonomy::find(terms(column), code).unwrap().title_in("en").unwrap_or(code).to_owned())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A list of texts or codes as a cell holds it.
fn joined(value: &Value, separator: &str) -> String {
    match value {
        Value::Array(items) => items.iter().map(|item| item.as_str().unwrap()).collect::<Vec<_>>().join(separator),
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The codes of a cell (`;`-separated), in order.
fn sorted(codes: &str) -> Vec<&str> {
    let mut codes: Vec<&str> = codes.split(';').filter(|code| !code.is_empty()).collect();
    codes.sort_unstable();
    codes
}

/// The month of `ms` since the epoch, `YYYY-MM`.
fn month(ms: u64) -> String {
    let (year, month, _) = civil_from_days((ms / 86_400_000) as i64);
    format!("{year:04}-{month:02}")
}

/// The store's truth: what was imported (by title) and what `list` shows (by id).
struct Truth {
    imported: BTreeMap<String, Value>,
    listed: BTreeMap<String, Value>,
}

impl Truth {
    /// The submission with this id: its list row and its imported fields.
    fn of(&self, id: &str) -> (&Value, &Value) {
        let listed = self.listed.get(id).unwrap_or_else(|| panic!("{id} is not in the store"));
        (listed, &self.imported[listed["title"].as_str().unwrap()])
    }

    /// Words of the corpus an anonymised export must not hold: host
    /// organisations, implementers, contacts. (Towns are left out of it by
    /// their column, but a title may name one: free text is the author's.)
    fn identifying_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        for fields in self.imported.values() {
            words.extend(
                fields
                    .get("host_organizations")
                    .map(|list| joined(list, "\n"))
                    .into_iter()
                    .flat_map(|list| list.lines().map(str::to_owned).collect::<Vec<_>>()),
            );
            for pointer in ["/implementer", "/contact/name", "/contact/email"] {
                if let Some(word) = fields.pointer(pointer).and_then(Value::as_str).filter(|word| !word.is_empty()) {
                    words.push(word.to_owned());
                }
            }
        }
        words.sort();
        words.dedup();
        words
    }
}

/// Checks a workbook against the store; `attributed` says which kind of export it is.
fn check_workbook(book: &Value, truth: &Truth, attributed: bool) {
    let sheets = book["sheets"].as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|sheet| sheet["name"].as_str().unwrap()).collect();
    assert_eq!(names, SHEETS.map(|(name, _)| name));
    let mut seen = Vec::new();
    let identifying = truth.identifying_words();
    for (sheet, (name, kind)) in sheets.iter().zip(SHEETS) {
        let (header, rows) = records(sheet);
        let expected = truth.listed.values().filter(|row| row["kind"] == kind).count();
        assert_eq!(rows.len(), expected, "{name}: one row per submission of its kind");
        assert!(expected > 0, "{name}: the corpus has some of every kind");
        assert_eq!(sheet["freeze"], "A2", "{name}: the header stays in view");
        let filter = sheet["filter"].as_str().unwrap();
        assert!(filter.starts_with("A1:") && filter.ends_with(&(rows.len() + 1).to_string()), "{name}: {filter}");
        let identifying_columns: &[&str] = match kind {
            "convening_report" => &["host_organizations", "locality"],
            "case_study" => &["implementer"],
            _ => &["locality"],
        };
        for column in ["author", "host_organizations", "locality", "implementer"] {
            let wanted = attributed && (column == "author" || identifying_columns.contains(&column));
            assert_eq!(
                header.contains(&column.to_owned()),
                wanted,
                "{name}: column {column} (attributed: {attributed})"
            );
        }
        for row in &rows {
            let id = text(&row["id"]);
            let (listed, imported) = truth.of(&id);
            assert_eq!(listed["kind"], kind, "{id} on the sheet of its kind");
            seen.push(id.clone());
            assert_eq!(text(&row["title"]), listed["title"].as_str().unwrap());
            assert_eq!(row["title"]["t"], "s", "{id}: a title is a text, never a formula");
            for column in header.iter().filter(|column| column.ends_with("_titles")) {
                let codes_column = column.trim_end_matches("_titles");
                let codes = text(&row[codes_column]);
                let path = if codes_column == "stakeholder_groups" { "/participants/stakeholder_groups" } else { "" };
                let given = if path.is_empty() { &imported[codes_column] } else { imported.pointer(path).unwrap() };
                assert_eq!(sorted(&codes), sorted(&joined(given, ";")), "{id}: {codes_column} (stored sorted)");
                assert_eq!(text(&row[column.as_str()]), titles(codes_column, &codes), "{id}: {column}");
            }
            let country = imported.get("country").or_else(|| imported.pointer("/location/country")).unwrap();
            assert_eq!(text(&row["country"]), country.as_str().unwrap(), "{id}: country");
            if let Some(count) = imported.pointer("/participants/count") {
                assert_eq!(row["participants_count"], serde_json::json!({"v": count, "t": "n"}), "{id}");
            }
            assert_eq!(row["consent_to_publish"]["t"], "b", "{id}: a flag");
            let date_column = if kind == "convening_report" { "convened_on" } else { "date" };
            if let Some(date) = imported.get(date_column).and_then(Value::as_str) {
                let shown = if attributed { date } else { &date[..7] };
                assert_eq!(text(&row[date_column]), shown, "{id}: {date_column}");
            }
            let created = text(&row["created"]);
            let created_ms = listed["created_ms"].as_u64().unwrap();
            if attributed {
                assert!(created.starts_with(&month(created_ms)) && created.ends_with('Z') && created.len() == 20);
                assert_eq!(text(&row["author"]), listed["creator"].as_str().unwrap(), "{id}: its author");
                if let Some(hosts) = imported.get("host_organizations") {
                    assert_eq!(text(&row["host_organizations"]), joined(hosts, "\n"), "{id}");
                }
            } else {
                assert_eq!(created, month(created_ms), "{id}: created, to the month");
            }
            // Nothing is curated yet.
            assert_eq!((text(&row["status"]), text(&row["tags"])), (String::new(), String::new()), "{id}");
            if !attributed {
                let all: String = row.values().map(text).collect::<Vec<_>>().join("\u{1f}");
                for word in identifying.iter().map(String::as_str).chain([NEVER_ANONYMISED]) {
                    assert!(!all.contains(word), "{id}: `{word}` in an anonymised export");
                }
            }
        }
    }
    seen.sort();
    assert_eq!(seen, truth.listed.keys().cloned().collect::<Vec<_>>(), "every submission, once");
}

#[test]
fn exports_open_in_a_third_party_reader_and_match_the_store() {
    let network = Network::create("Demo");
    let secretariat = TestNode::init(&network, true);
    secretariat.run(&["identity", "new", "--name", "amina"]).ok();
    let scratch = secretariat.scratch();

    // Reports and case studies, announcements, and a title a spreadsheet
    // would run as a formula.
    let mut submissions: Vec<String> = corpus::lines(12, 3).collect();
    submissions.extend(corpus::lines_of(&CONVENING_ANNOUNCEMENT, 3, 3));
    let mut formula: Map<String, Value> = serde_json::from_str(&submissions[0]).unwrap();
    formula.insert("title".into(), Value::String(FORMULA_TITLE.into()));
    submissions.push(Value::Object(formula).to_string());
    let file = scratch.join("corpus.jsonl");
    std::fs::write(&file, submissions.join("\n") + "\n").unwrap();
    secretariat.run(&["import", path_str(&file)]).ok();
    let imported: BTreeMap<String, Value> = submissions
        .iter()
        .map(|line| {
            let fields: Value = serde_json::from_str(line).unwrap();
            (fields["title"].as_str().unwrap().to_owned(), fields)
        })
        .collect();
    assert_eq!(imported.len(), submissions.len(), "titles are unique");
    let listed = secretariat.run(&["list", "--json", "--limit", "0"]).ok().json();
    let listed: BTreeMap<String, Value> = listed["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["id"].as_str().unwrap().to_owned(), row.clone()))
        .collect();
    assert_eq!(listed.len(), submissions.len());
    let truth = Truth { imported, listed };

    // The node stopped: the store is read here.
    let workbook = scratch.join("corpus.xlsx");
    let done = secretariat.run(&["export", "--format", "xlsx", "--out", path_str(&workbook)]).ok();
    assert!(done.stderr.contains("exported 16 submissions") && done.stderr.contains("anonymised"), "{done}");
    let anonymised = read_workbook(&workbook);
    check_workbook(&anonymised, &truth, false);
    let attributed_file = scratch.join("attributed.xlsx");
    secretariat.run(&["export", "--format", "xlsx", "--attributed", "--out", path_str(&attributed_file)]).ok();
    check_workbook(&read_workbook(&attributed_file), &truth, true);

    // CSV: every kind in one file, codes with their titles beside them.
    let csv_file = scratch.join("corpus.csv");
    secretariat.run(&["export", "--format", "csv", "--out", path_str(&csv_file)]).ok();
    let csv = read_csv(&csv_file);
    assert_eq!(csv.len(), truth.listed.len());
    for row in &csv {
        let id = row["id"].as_str().unwrap();
        let (listed, _) = truth.of(id);
        let title = listed["title"].as_str().unwrap();
        // A cell a spreadsheet would run as a formula is defused.
        let shown = if title.starts_with(['=', '+', '-', '@']) { format!("'{title}") } else { title.to_owned() };
        assert_eq!(row["title"], shown, "{id}");
        let principles = row["principles"].as_str().unwrap();
        assert_eq!(principles, joined(&listed["principles"], ";"), "{id}");
        assert_eq!(row["principles_titles"].as_str().unwrap(), titles("principles", principles), "{id}");
        assert_eq!(row["created"].as_str().unwrap(), month(listed["created_ms"].as_u64().unwrap()), "{id}");
        assert_eq!((&row["status"], &row["tags"]), (&Value::from(""), &Value::from("")), "{id}");
    }
    assert!(csv.iter().any(|row| row["title"] == format!("'{FORMULA_TITLE}")), "the formula's row is there");
    let csv_text = std::fs::read_to_string(&csv_file).unwrap();
    for word in truth.identifying_words().iter().map(String::as_str).chain([NEVER_ANONYMISED]) {
        assert!(!csv_text.contains(word), "`{word}` in an anonymised CSV");
    }

    // JSON Lines: to standard output; attributed, with each author.
    let jsonl = secretariat.run(&["export"]).ok();
    assert_eq!(lines(&jsonl).len(), truth.listed.len());
    for line in lines(&jsonl) {
        let id = line["id"].as_str().unwrap();
        for key in ["author", "host_organizations", "implementer", "contact", "sealed_contact"] {
            assert!(line.get(key).is_none(), "{id}: {key} in an anonymised export");
        }
        assert!(line.pointer("/location/locality").is_none(), "{id}: a locality in an anonymised export");
        assert_eq!(line["created"].as_str().unwrap().len(), 7, "{id}: created, to the month");
    }
    let attributed_lines = secretariat.run(&["export", "--format", "jsonl", "--attributed"]).ok();
    for line in lines(&attributed_lines) {
        let (listed, _) = truth.of(line["id"].as_str().unwrap());
        assert_eq!(line["author"], listed["creator"]);
    }

    // The node running: the same exports, streamed from it over its socket.
    let running = secretariat.start(&[]);
    let while_running = scratch.join("running.xlsx");
    secretariat.run(&["export", "--format", "xlsx", "--out", path_str(&while_running)]).ok();
    assert_eq!(read_workbook(&while_running), anonymised, "the same workbook whether the node runs or not");
    assert_eq!(secretariat.run(&["export"]).ok().stdout, jsonl.stdout);
    assert_eq!(secretariat.run(&["export", "--attributed"]).ok().stdout, attributed_lines.stdout);
    let csv_running = scratch.join("running.csv");
    secretariat.run(&["export", "--format", "csv", "--out", path_str(&csv_running)]).ok();
    assert_eq!(std::fs::read_to_string(&csv_running).unwrap(), csv_text);
    running.stop();
}

#[test]
fn attribution_is_the_secretariats_and_mistakes_are_refused_clearly() {
    let network = Network::create("Demo");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "kofi"]).ok();
    hub.run(&["import", path_str(&convene_tests::generate_corpus(&hub.scratch(), 3, 1))]).ok();
    let out = hub.scratch().join("attributed.xlsx");
    for running in [false, true] {
        let node = running.then(|| hub.start(&[]));
        let refused = hub.run(&["export", "--format", "xlsx", "--attributed", "--out", path_str(&out)]).expect_code(5);
        assert!(refused.stderr.contains("only on the secretariat's node"), "{refused}");
        assert!(!out.exists(), "nothing written");
        let refused = hub.run(&["export", "--format", "jsonl", "--attributed"]).expect_code(5);
        assert!(refused.stdout.is_empty(), "{refused}");
        if let Some(node) = node {
            node.stop();
        }
    }
    let binary = hub.run(&["export", "--format", "xlsx"]).expect_code(2);
    assert!(binary.stderr.contains("give --out"), "{binary}");
    let nowhere = hub.scratch().join("no/such/folder/corpus.xlsx");
    let unwritable = hub.run(&["export", "--format", "xlsx", "--out", path_str(&nowhere)]).expect_code(1);
    assert!(unwritable.stderr.contains("cannot write") && unwritable.stderr.contains("--out"), "{unwritable}");
    let anonymised = hub.scratch().join("corpus.xlsx");
    hub.run(&["export", "--format", "xlsx", "--out", path_str(&anonymised)]).ok();
    let book = read_workbook(&anonymised);
    let rows: usize = book["sheets"].as_array().unwrap().iter().map(|sheet| records(sheet).1.len()).sum();
    assert_eq!(rows, 3, "any node exports anonymised");
}

#[test]
fn a_full_disk_is_said_and_no_half_written_file_is_left() {
    let test = "a_full_disk_is_said_and_no_half_written_file_is_left";
    let Some(disk) = tmpfs_or_skip(test, 8) else { return };
    let network = Network::create("Demo");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "kofi"]).ok();
    hub.run(&["import", path_str(&convene_tests::generate_corpus(&hub.scratch(), 20, 2))]).ok();
    // A workbook's rows wait in temporary files beside it: refused while
    // the disk holding it is nearly full.
    let workbook = disk.point.join("corpus.xlsx");
    let full = hub.run(&["export", "--format", "xlsx", "--out", path_str(&workbook)]).expect_code(7);
    assert!(full.stderr.contains("is full") && full.stderr.contains("free space, or give --out"), "{full}");
    assert!(std::fs::read_dir(&disk.point).unwrap().next().is_none(), "nothing left on the disk");
    // A disk that is full: the write fails, is said, and the file is removed.
    filler(&disk.point.join("filler"), None);
    let csv = disk.point.join("corpus.csv");
    let full = hub.run(&["export", "--format", "csv", "--out", path_str(&csv)]).expect_code(7);
    assert!(full.stderr.contains("is full") && full.stderr.contains("run it again"), "{full}");
    assert!(!csv.exists(), "no half-written file");
}
