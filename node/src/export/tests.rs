use serde_json::{Map, Value, json};

use convene_protocol::entry::DocumentId;
use convene_protocol::keys::SecretKey;
use convene_protocol::kinds::SubmissionKind;

use super::*;

/// A convening report as stored: public fields, its contact sealed (in
/// clear too, as a store never holds it, to show it never leaves).
fn report() -> DocumentRow {
    DocumentRow {
        id: DocumentId([1; 32]),
        kind: SubmissionKind::ConveningReport,
        creator: SecretKey::from_seed([2; 32]).public(),
        // 2026-05-14 09:30:05 UTC.
        created_ms: 1_778_751_005_000,
        updated_ms: 1_778_751_005_000,
        changes: 1,
        fields: object(json!({
            "kind": "convening_report",
            "title": "=HYPERLINK(\"x\")",
            "language": "en",
            "convened_on": "2026-03-21",
            "format": "in_person",
            "location": {"country": "KE", "locality": "Mombasa"},
            "host_organizations": ["Rural Voices Trust", "Data Justice Council"],
            "sealed_contact": "00ff",
            "contact": {"name": "Amina", "email": "amina@example.org"},
            "purposes": ["capture_learnings"],
            "dpi_types": ["digital_id"],
            "participants": {"count": 40, "stakeholder_groups": ["civil_society", "government"]},
            "principles": ["F1", "O3"],
            "risks": [],
            "lifecycle_stages": ["L2"],
            "summary": "What was said.",
            "insights": ["One", "Two"],
            "consent_to_publish": true,
            "stray": "not a field of the kind"
        })),
    }
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

fn keys(fields: &Map<String, Value>) -> Vec<&str> {
    fields.keys().map(String::as_str).collect()
}

#[test]
fn an_anonymised_export_names_no_one_and_nowhere_below_the_country() {
    let exported = exported_fields(&report(), Attribution::Anonymised, &ExportCuration::default());
    assert_eq!(
        keys(&exported),
        [
            "consent_to_publish",
            "convened_on",
            "created",
            "dpi_types",
            "format",
            "id",
            "insights",
            "kind",
            "language",
            "lifecycle_stages",
            "location",
            "participants",
            "principles",
            "purposes",
            "risks",
            "status",
            "summary",
            "tags",
            "title"
        ]
    );
    assert_eq!(exported["location"], json!({"country": "KE"}));
    assert_eq!(exported["convened_on"], "2026-03");
    assert_eq!(exported["created"], "2026-05");
    let text = serde_json::to_string(&exported).unwrap();
    for leak in ["Amina", "amina@", "00ff", "Mombasa", "Rural Voices", "did:key", "2026-03-21", "2026-05-14"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

#[test]
fn an_attributed_export_names_the_author_organisations_and_places_with_full_dates() {
    let exported = exported_fields(&report(), Attribution::Attributed, &ExportCuration::default());
    assert_eq!(exported["location"], json!({"country": "KE", "locality": "Mombasa"}));
    assert_eq!(exported["host_organizations"], json!(["Rural Voices Trust", "Data Justice Council"]));
    assert_eq!(exported["convened_on"], "2026-03-21");
    assert_eq!(exported["created"], "2026-05-14T09:30:05Z");
    assert!(exported["author"].as_str().unwrap().starts_with("did:key:z6Mk"));
    // Sealed personal data never leaves, attributed or not.
    let text = serde_json::to_string(&exported).unwrap();
    assert!(!text.contains("Amina") && !text.contains("00ff") && !exported.contains_key("stray"), "{text}");
}

#[test]
fn curation_fills_status_and_tags_in_every_format() {
    let none = exported_fields(&report(), Attribution::Anonymised, &ExportCuration::default());
    assert_eq!((&none["status"], &none["tags"]), (&json!(""), &json!([])));
    let curation = ExportCuration { status: Some("reviewed".into()), tags: vec!["health".into(), "ID".into()] };
    let curated = exported_fields(&report(), Attribution::Anonymised, &curation);
    assert_eq!((&curated["status"], &curated["tags"]), (&json!("reviewed"), &json!(["health", "ID"])));
    let columns = csv_columns(&SubmissionKind::specs(), Attribution::Anonymised, Taxonomy::v1());
    assert!(csv_line(&columns, &curated).ends_with(",reviewed,health;ID"), "{}", csv_line(&columns, &curated));
    let sheet = sheet_columns(SubmissionKind::ConveningReport.spec(), Attribution::Anonymised, Taxonomy::v1());
    let cells: Vec<Cell> = sheet.iter().rev().take(2).map(|column| column.cell(&curated)).collect();
    assert_eq!(cells, [Cell::Text("health;ID".into()), Cell::Text("reviewed".into())]);
}

#[test]
fn csv_columns_are_the_tables_with_titles_beside_codes() {
    let header = |attribution| csv_header(&csv_columns(&SubmissionKind::specs(), attribution, Taxonomy::v1()));
    assert_eq!(
        header(Attribution::Anonymised),
        "id,kind,title,language,date,format,format_titles,country,dpi_types,dpi_types_titles,participants_count,\
         stakeholder_groups,stakeholder_groups_titles,principles,principles_titles,risks,risks_titles,\
         lifecycle_stages,lifecycle_stages_titles,consent_to_publish,responsible_authority,\
         responsible_authority_titles,created,status,tags"
    );
    assert_eq!(
        header(Attribution::Attributed),
        "id,kind,title,language,date,format,format_titles,country,locality,host_organizations,dpi_types,\
         dpi_types_titles,participants_count,stakeholder_groups,stakeholder_groups_titles,principles,\
         principles_titles,risks,risks_titles,lifecycle_stages,lifecycle_stages_titles,consent_to_publish,\
         implementer,responsible_authority,responsible_authority_titles,created,status,tags,author"
    );
    let columns = csv_columns(&SubmissionKind::specs(), Attribution::Anonymised, Taxonomy::v1());
    let line = csv_line(&columns, &exported_fields(&report(), Attribution::Anonymised, &ExportCuration::default()));
    assert_eq!(
        line,
        "0101010101010101010101010101010101010101010101010101010101010101,convening_report,\
         \"'=HYPERLINK(\"\"x\"\")\",en,2026-03,in_person,In person,KE,digital_id,Digital ID,40,\
         civil_society;government,Civil society; Government,F1;O3,Do no harm; Ensure data privacy by design,,,\
         L2,Strategy and design,true,,,2026-05,,"
    );
}

#[test]
fn a_sheet_has_every_exported_field_of_its_kind_in_form_order() {
    let names = |kind: SubmissionKind, attribution| -> Vec<String> {
        sheet_columns(kind.spec(), attribution, Taxonomy::v1()).into_iter().map(|column| column.name).collect()
    };
    assert_eq!(
        names(SubmissionKind::ConveningReport, Attribution::Anonymised),
        [
            "id",
            "title",
            "language",
            "convened_on",
            "format",
            "format_titles",
            "country",
            "purposes",
            "purposes_titles",
            "dpi_types",
            "dpi_types_titles",
            "participants_count",
            "stakeholder_groups",
            "stakeholder_groups_titles",
            "principles",
            "principles_titles",
            "risks",
            "risks_titles",
            "lifecycle_stages",
            "lifecycle_stages_titles",
            "summary",
            "insights",
            "quotes",
            "attachments",
            "consent_to_publish",
            "created",
            "status",
            "tags"
        ]
    );
    let attributed = names(SubmissionKind::CaseStudy, Attribution::Attributed);
    assert!(attributed.contains(&"implementer".to_owned()) && attributed.last().unwrap() == "author");
    assert!(!names(SubmissionKind::CaseStudy, Attribution::Anonymised).contains(&"implementer".to_owned()));
    // A fixed list's codes (participation) have no titles here.
    let announcement = names(SubmissionKind::ConveningAnnouncement, Attribution::Anonymised);
    assert!(announcement.contains(&"participation".to_owned()));
    assert!(!announcement.contains(&"participation_titles".to_owned()));

    let exported = exported_fields(&report(), Attribution::Anonymised, &ExportCuration::default());
    let cell = |name: &str| {
        let columns = sheet_columns(SubmissionKind::ConveningReport.spec(), Attribution::Anonymised, Taxonomy::v1());
        columns.iter().find(|column| column.name == name).unwrap().cell(&exported)
    };
    assert_eq!(cell("participants_count"), Cell::Number(40.0));
    assert_eq!(cell("consent_to_publish"), Cell::Flag(true));
    assert_eq!(cell("insights"), Cell::Text("One\nTwo".into()));
    assert_eq!(cell("principles"), Cell::Text("F1;O3".into()));
    assert_eq!(cell("quotes"), Cell::Empty);
    assert_eq!(cell("title"), Cell::Text("=HYPERLINK(\"x\")".into()), "a sheet writes it as a text");
}

#[test]
fn an_attributed_export_is_refused_unless_this_is_the_secretariats_node() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = DataDir::new(dir.path().to_owned());
    assert!(check_attribution(&data_dir, Attribution::Anonymised).is_ok());
    let refused = check_attribution(&data_dir, Attribution::Attributed).unwrap_err();
    assert_eq!(refused.class(), crate::ErrorClass::NotSecretariat);
    assert!(refused.to_string().contains("secretariat's node"), "{refused}");
}

#[test]
fn csv_cells_are_quoted_and_formulas_defused() {
    assert_eq!(csv_quote("plain"), "plain");
    assert_eq!(csv_quote("a,b"), "\"a,b\"");
    assert_eq!(csv_quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_quote("=cmd()"), "'=cmd()");
}

#[test]
fn a_workbook_is_written_whole_with_a_sheet_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.xlsx");
    let mut exporter =
        Exporter::xlsx(std::fs::File::create(&path).unwrap(), dir.path(), Attribution::Anonymised, Taxonomy::v1())
            .unwrap();
    for _ in 0..3 {
        exporter.write(&exported_fields(&report(), Attribution::Anonymised, &ExportCuration::default())).unwrap();
    }
    assert_eq!(exporter.finish().unwrap(), 3);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip");
    // Its temporary files are gone.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(left, [std::ffi::OsString::from("corpus.xlsx")]);
}
