//! Validation of every field of every kind: good values pass, bad ones get
//! one message each that names the field and what is allowed.

use convene_protocol::schema::{SubmissionKind, Summary, validate_public, validate_submission};
use convene_protocol::taxonomy::Taxonomy;
use proptest::prelude::*;
use serde_json::{Value, json};

fn corpus() -> Vec<Value> {
    include_str!("fixtures/corpus40.jsonl").lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

fn report() -> Value {
    corpus().into_iter().find(|value| value["kind"] == "convening_report").unwrap()
}

fn case_study() -> Value {
    corpus().into_iter().find(|value| value["kind"] == "case_study").unwrap()
}

fn announcement() -> Value {
    json!({
        "kind": "convening_announcement", "title": "Data exchange safeguards, Accra", "language": "en",
        "date": "2026-05-12", "format": "hybrid", "location": {"country": "GH", "locality": "Accra"},
        "participation": "open_call", "topics": ["grievance redress", "consent"],
        "description": "An open afternoon.", "principles": ["F1"], "consent_to_publish": true
    })
}

/// The fields reported for `value` with `field` set to `bad`.
fn errors_with(mut value: Value, path: &[&str], bad: Value) -> Vec<String> {
    let mut target = &mut value;
    for key in &path[..path.len() - 1] {
        target = &mut target[*key];
    }
    target[path[path.len() - 1]] = bad;
    match validate_submission(&value) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(|error| error.field.clone()).collect(),
    }
}

#[test]
fn every_generated_submission_is_valid_and_its_public_fields_too() {
    for value in corpus() {
        let validated = validate_submission(&value).unwrap_or_else(|errors| panic!("{errors}\n{value}"));
        assert!(validated.contact.is_some());
        assert!(!validated.fields.contains_key("contact"));
        let mut stored = validated.fields.clone();
        stored.insert("sealed_contact".into(), json!("abcdef"));
        assert_eq!(validate_public(&stored).unwrap(), validated.kind);
    }
    validate_submission(&announcement()).unwrap();
}

#[test]
fn each_bad_field_is_named() {
    let cases: Vec<(Value, Vec<&str>, Value, &str)> = vec![
        (report(), vec!["title"], json!(""), "title"),
        (report(), vec!["title"], json!("x".repeat(301)), "title"),
        (report(), vec!["title"], json!(5), "title"),
        (report(), vec!["language"], json!("english"), "language"),
        (report(), vec!["convened_on"], json!("2025-02-30"), "convened_on"),
        (report(), vec!["format"], json!("radio"), "format"),
        (report(), vec!["location", "country"], json!("Kenya"), "location.country"),
        (report(), vec!["location", "planet"], json!("Earth"), "location.planet"),
        (report(), vec!["host_organizations"], json!([]), "host_organizations"),
        (report(), vec!["contact", "email"], json!("nobody"), "contact.email"),
        (report(), vec!["contact", "name"], json!(""), "contact.name"),
        (report(), vec!["purposes"], json!(["fun"]), "purposes[0]"),
        (report(), vec!["dpi_types"], json!(["blockchain"]), "dpi_types[0]"),
        (report(), vec!["participants", "count"], json!(0), "participants.count"),
        (report(), vec!["participants", "stakeholder_groups"], json!(["aliens"]), "participants.stakeholder_groups[0]"),
        (report(), vec!["principles"], json!(["F1", "F99"]), "principles[1]"),
        (report(), vec!["risks"], json!(["RS9"]), "risks[0]"),
        (report(), vec!["lifecycle_stages"], json!(["L6"]), "lifecycle_stages[0]"),
        (report(), vec!["summary"], json!(""), "summary"),
        (report(), vec!["insights"], json!(["ok", 7]), "insights[1]"),
        (report(), vec!["quotes"], json!(["a", "b", "c", "d"]), "quotes"),
        (report(), vec!["consent_to_publish"], json!("yes"), "consent_to_publish"),
        (report(), vec!["mood"], json!("happy"), "mood"),
        (case_study(), vec!["country"], json!("ke"), "country"),
        (case_study(), vec!["implementer"], json!(""), "implementer"),
        (case_study(), vec!["responsible_authority"], json!("R9"), "responsible_authority"),
        (case_study(), vec!["context"], json!(null), "context"),
        (case_study(), vec!["challenges"], json!(""), "challenges"),
        (case_study(), vec!["successes"], json!([]), "successes"),
        (case_study(), vec!["lessons"], json!("one lesson"), "lessons"),
        (case_study(), vec!["attachments"], json!(vec!["x"; 21]), "attachments"),
        (announcement(), vec!["date"], json!("tomorrow"), "date"),
        (announcement(), vec!["participation"], json!("invite"), "participation"),
        (announcement(), vec!["topics"], json!(vec!["t"; 21]), "topics"),
        (announcement(), vec!["location"], json!("Accra"), "location"),
    ];
    for (value, path, bad, field) in cases {
        let fields = errors_with(value, &path, bad.clone());
        assert_eq!(fields, vec![field.to_owned()], "setting {path:?} to {bad}");
    }
}

#[test]
fn several_bad_fields_are_reported_together_with_what_is_allowed() {
    let mut value = report();
    value["title"] = json!("");
    value["principles"] = json!(["X1"]);
    value["consent_to_publish"] = json!(null);
    let errors = validate_submission(&value).unwrap_err();
    assert_eq!(errors.0.len(), 3, "{errors}");
    let principle = errors.for_field("principles").unwrap();
    assert!(principle.allowed.as_deref().unwrap().contains("F1, F2"), "{principle}");
    let text = errors.to_string();
    assert!(text.contains("field `title`") && text.contains("field `consent_to_publish`"), "{text}");
}

#[test]
fn kinds_and_shapes_are_checked_first() {
    for bad in [json!([]), json!("report"), json!({"title": "no kind"}), json!({"kind": "poem"})] {
        let errors = validate_submission(&bad).unwrap_err();
        assert!(!errors.0.is_empty());
    }
    let mut stored = validate_submission(&report()).unwrap().fields;
    stored.insert("contact".into(), json!({"name": "x", "email": "x@y.org"}));
    assert!(validate_public(&stored).is_err(), "clear contact details are never valid in a stored document");
}

#[test]
fn values_are_normalised() {
    let mut value = report();
    value["title"] = json!("  Kisumu  ");
    value["principles"] = json!(["O3", "F1", "F1"]);
    let fields = validate_submission(&value).unwrap().fields;
    assert_eq!(fields["title"], "Kisumu");
    assert_eq!(fields["principles"], json!(["F1", "O3"]));
}

#[test]
fn summaries_carry_what_filters_need() {
    let value = report();
    let validated = validate_submission(&value).unwrap();
    let summary = Summary::from_fields(validated.kind, &validated.fields);
    assert_eq!(summary.kind, SubmissionKind::ConveningReport);
    assert_eq!(summary.country.as_deref(), value["location"]["country"].as_str());
    assert_eq!(summary.date.as_deref(), value["convened_on"].as_str());
    let case = validate_submission(&case_study()).unwrap();
    let summary = Summary::from_fields(case.kind, &case.fields);
    assert_eq!(summary.country.as_deref(), case_study()["country"].as_str());
    assert_eq!(summary.date, None);
}

#[test]
fn the_taxonomy_ships_every_code() {
    let taxonomy = Taxonomy::v1();
    assert_eq!(taxonomy.principles.len(), 18);
    assert_eq!(taxonomy.risks.len(), 13);
    assert_eq!(taxonomy.lifecycle_stages.len(), 5);
    assert_eq!(taxonomy.responsible_authorities.len(), 5);
    for term in taxonomy.risks.iter().chain(&taxonomy.lifecycle_stages) {
        for lang in ["en", "fr", "es", "ar"] {
            assert!(term.title.contains_key(lang), "{} has no {lang} title", term.code);
        }
    }
}

proptest! {
    #[test]
    fn any_title_is_accepted_or_rejected_without_panicking(title in ".{0,400}") {
        let mut value = report();
        value["title"] = json!(title.clone());
        let result = validate_submission(&value);
        let trimmed = title.trim();
        let acceptable = !trimmed.is_empty() && trimmed.chars().count() <= 300
            && !trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
        prop_assert_eq!(result.is_ok(), acceptable);
    }
}
