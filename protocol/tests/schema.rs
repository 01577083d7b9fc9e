//! The submission schema through the crate's public API: every field of
//! every kind, good and bad; several errors at once; the generated corpus;
//! stored documents; summaries; the taxonomy.

use convene_protocol::attachment::Limits;

use convene_protocol::kinds::SubmissionKind;
use convene_protocol::problem::{DateFlaw, EmailFlaw, Expected, FieldError, JsonType, Problem, ValidationErrors};
use convene_protocol::schema::{Contact, Summary, validate_public, validate_submission};
use convene_protocol::taxonomy::Taxonomy;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// 20 submissions as another tool writes them: the output of
/// `../shared/bench/gen_corpus.py --n 20 --seed 1`.
const CORPUS: &str = include_str!("fixtures/corpus20.jsonl");

fn corpus() -> Vec<Value> {
    CORPUS.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

fn report() -> Value {
    json!({
        "kind": "convening_report", "title": "Convening on digital id safeguards in Kisumu", "language": "en",
        "convened_on": "2025-03-14", "format": "in_person", "location": {"country": "KE", "locality": "Kisumu"},
        "host_organizations": ["Civic Tech Lab"], "contact": {"name": "Amina Okafor", "email": "amina@example.org"},
        "purposes": ["capture_learnings"], "dpi_types": ["digital_id"],
        "participants": {"count": 24, "stakeholder_groups": ["civil_society", "government"]},
        "principles": ["F1", "O3"], "risks": ["RS1"], "lifecycle_stages": ["L4"],
        "summary": "Participants stressed that enrolment must never be a precondition for assistance.",
        "insights": ["Keep a non-digital fallback for every essential service."],
        "quotes": ["Trust is built at the counter, not in the data centre."],
        "consent_to_publish": true
    })
}

fn case_study() -> Value {
    json!({
        "kind": "case_study", "title": "Applying safeguards to a payments rollout", "language": "fr", "country": "SN",
        "implementer": "Civic Tech Lab", "responsible_authority": "R1",
        "contact": {"name": "Léa Moreau", "email": "lea.moreau@example.org"},
        "dpi_types": ["payments"], "lifecycle_stages": ["L3", "L4"], "principles": ["F4"], "risks": ["RI2"],
        "context": "Le contexte.", "challenges": "Les difficultés.", "successes": "Les réussites.",
        "lessons": ["Publier des avis en langage clair."], "consent_to_publish": false
    })
}

fn announcement() -> Value {
    json!({
        "kind": "convening_announcement", "title": "Data exchange safeguards, Accra", "language": "en",
        "date": "2026-05-12", "format": "hybrid", "location": {"country": "GH", "locality": "Accra"},
        "participation": "open_call", "topics": ["grievance redress", "consent"],
        "description": "An open afternoon.", "principles": ["F1"], "consent_to_publish": true
    })
}

fn example(kind: SubmissionKind) -> Value {
    match kind {
        SubmissionKind::ConveningReport => report(),
        SubmissionKind::CaseStudy => case_study(),
        SubmissionKind::ConveningAnnouncement => announcement(),
    }
}

/// `value` with the field at `path` (keys, or `[i]` indexes) set to
/// `new`, or removed when `new` is `None`.
fn with(mut value: Value, path: &str, new: Option<Value>) -> Value {
    let keys: Vec<&str> = path.split('.').collect();
    let mut target = &mut value;
    for key in &keys[..keys.len() - 1] {
        target = &mut target[*key];
    }
    let last = keys[keys.len() - 1];
    let object = target.as_object_mut().unwrap();
    match new {
        Some(new) => object.insert(last.to_owned(), new),
        None => object.remove(last),
    };
    value
}

fn errors_of(value: &Value) -> Vec<FieldError> {
    match validate_submission(value, &Limits::DEFAULT) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0,
    }
}

fn assert_valid(value: &Value) {
    if let Err(errors) = validate_submission(value, &Limits::DEFAULT) {
        panic!("expected valid:\n{errors}\n{value:#}");
    }
}

/// Each bad value gives exactly one error, about the field at `path`.
fn assert_one_error(value: &Value, path: &str) -> FieldError {
    let errors = errors_of(value);
    assert_eq!(errors.len(), 1, "expected one error about `{path}`, got {errors:#?}\n{value:#}");
    let error = errors.into_iter().next().unwrap();
    assert_eq!(error.path, path, "{error}");
    error
}

#[test]
fn every_generated_submission_is_valid_and_so_are_its_public_fields() {
    let corpus = corpus();
    assert_eq!(corpus.len(), 20);
    let mut kinds = std::collections::BTreeSet::new();
    for value in corpus {
        let validated =
            validate_submission(&value, &Limits::DEFAULT).unwrap_or_else(|errors| panic!("{errors}\n{value}"));
        kinds.insert(validated.kind);
        assert_eq!(validated.fields["kind"], value["kind"]);
        assert_eq!(validated.contact, serde_json::from_value::<Contact>(value["contact"].clone()).ok());
        assert!(!validated.fields.contains_key("contact"));
        let mut public = value.as_object().unwrap().clone();
        public.remove("contact");
        assert_eq!(&validated.fields, &public, "generated values are already normal");

        assert_eq!(validate_public(&validated.fields, &Limits::DEFAULT).unwrap(), validated.kind);
        let mut stored = validated.fields.clone();
        stored.insert("sealed_contact".into(), json!("9f86d081884c7d659a2feaa0c55ad015"));
        assert_eq!(validate_public(&stored, &Limits::DEFAULT).unwrap(), validated.kind);
    }
    assert!(kinds.contains(&SubmissionKind::ConveningReport) && kinds.contains(&SubmissionKind::CaseStudy));
}

#[test]
fn the_examples_of_each_kind_are_valid() {
    for kind in SubmissionKind::ALL {
        let validated = validate_submission(&example(kind), &Limits::DEFAULT).unwrap();
        assert_eq!(validated.kind, kind);
        assert_eq!(validate_public(&validated.fields, &Limits::DEFAULT).unwrap(), kind);
    }
    let validated = validate_submission(&report(), &Limits::DEFAULT).unwrap();
    assert_eq!(validated.contact, Some(Contact { name: "Amina Okafor".into(), email: "amina@example.org".into() }));
    assert_eq!(
        validate_submission(&announcement(), &Limits::DEFAULT).unwrap().contact,
        None,
        "an announcement's contact is optional"
    );
}

#[test]
fn submission_kinds_have_codes() {
    for kind in SubmissionKind::ALL {
        assert_eq!(SubmissionKind::parse(kind.as_str()), Some(kind));
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        assert_eq!(kind.spec().fields[0].name, "title");
    }
    assert_eq!(SubmissionKind::parse("ConveningReport"), None);
    assert_eq!(SubmissionKind::CaseStudy.as_str(), "case_study");
}

#[test]
fn good_values_of_every_field_are_accepted() {
    let long_title: String = "é".repeat(300);
    let cases: Vec<(Value, &str, Option<Value>)> = vec![
        (report(), "title", Some(json!(long_title))),
        (report(), "title", Some(json!("  Kisumu, 14 March  "))),
        (report(), "language", Some(json!("es-419"))),
        (report(), "language", Some(json!("pt-BR"))),
        (report(), "language", Some(json!("ar"))),
        (report(), "language", Some(json!("ast"))),
        (report(), "convened_on", Some(json!("2024-02-29"))),
        (report(), "format", Some(json!("hybrid"))),
        (report(), "location", Some(json!({"country": "FR", "locality": "Paris"}))),
        (report(), "host_organizations", Some(json!(vec!["Hub"; 20]))),
        (report(), "contact", Some(json!({"name": "Ravi Nair", "email": "ravi+convene@mail.example.co.in"}))),
        (report(), "purposes", Some(json!(["educate_advocate", "explore_adoption", "capture_learnings"]))),
        (report(), "dpi_types", Some(json!(["health_records", "social_protection", "civil_registration"]))),
        (report(), "participants", Some(json!({"count": 1, "stakeholder_groups": ["media"]}))),
        (report(), "participants", Some(json!({"count": 1_000_000, "stakeholder_groups": ["funder", "academia"]}))),
        (report(), "participants", Some(json!({"count": 24.0, "stakeholder_groups": ["media"]}))),
        (report(), "principles", Some(json!([]))),
        (report(), "principles", Some(json!(["O9", "F9", "F2"]))),
        (report(), "risks", Some(json!([]))),
        (report(), "risks", Some(json!(["SV5", "RI4", "RS4"]))),
        (report(), "lifecycle_stages", Some(json!(["L1", "L2", "L3", "L4", "L5"]))),
        (report(), "summary", Some(json!("ا".repeat(20_000)))),
        (report(), "summary", Some(json!("Line one.\nLine two.\tTabbed."))),
        (report(), "insights", Some(json!(vec!["x".repeat(2_000); 50]))),
        (report(), "quotes", Some(json!([]))),
        (report(), "quotes", Some(json!(["one", "two", "three"]))),
        (report(), "quotes", None),
        (report(), "quotes", Some(Value::Null)),
        (
            report(),
            "attachments",
            Some(json!(vec![
                json!({"hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 1234, "type": "image/jpeg", "name": "photo.jpg", "preview": {"hash": "0f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 900}});
                20
            ])),
        ),
        (report(), "consent_to_publish", Some(json!(false))),
        (case_study(), "country", Some(json!("BR"))),
        (case_study(), "responsible_authority", Some(json!("R5"))),
        (case_study(), "lifecycle_stages", Some(json!([]))),
        (case_study(), "lessons", Some(json!(vec!["lesson"; 50]))),
        (
            case_study(),
            "attachments",
            Some(
                json!([{"hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 10_000_000, "type": "application/pdf", "name": "report 2025 (final).pdf"}]),
            ),
        ),
        (case_study(), "attachments", Some(json!([]))),
        (announcement(), "format", Some(json!("online"))),
        (announcement(), "participation", Some(json!("curated_list"))),
        (announcement(), "topics", Some(json!(vec!["topic"; 20]))),
        (announcement(), "description", None),
        (announcement(), "description", Some(json!(""))),
        (announcement(), "principles", None),
        (announcement(), "principles", Some(json!([]))),
        (announcement(), "contact", Some(json!({"name": "Grace Achieng", "email": "grace@example.org"}))),
    ];
    for (value, path, new) in cases {
        assert_valid(&with(value, path, new));
    }
}

#[test]
fn an_online_convening_may_leave_its_locality_empty_but_not_an_in_person_one() {
    let online = with(report(), "format", Some(json!("online")));
    assert_valid(&with(online.clone(), "location.locality", Some(json!(""))));
    assert_valid(&with(online.clone(), "location.locality", None));
    assert_valid(&with(online, "location.locality", Some(json!("Kisumu"))));
    for format in ["in_person", "hybrid"] {
        let value = with(report(), "format", Some(json!(format)));
        let error = assert_one_error(&with(value, "location.locality", Some(json!("  "))), "location.locality");
        assert_eq!(error.problem, Problem::PlaceNeeded { format: format.into() });
        assert!(error.to_string().contains("online"), "{error}");
    }
    let announced = with(announcement(), "format", Some(json!("online")));
    assert_valid(&with(announced, "location.locality", Some(json!(""))));
}

#[test]
fn each_bad_field_is_named_with_what_is_allowed() {
    let cases: Vec<(Value, &str, Option<Value>, &str)> = vec![
        // Convening report.
        (report(), "title", None, "title"),
        (report(), "title", Some(json!("")), "title"),
        (report(), "title", Some(json!("   ")), "title"),
        (report(), "title", Some(json!("x".repeat(301))), "title"),
        (report(), "title", Some(json!(5)), "title"),
        (report(), "title", Some(json!("bell\u{7}")), "title"),
        (report(), "language", None, "language"),
        (report(), "language", Some(json!("english")), "language"),
        (report(), "language", Some(json!("en_US")), "language"),
        (report(), "language", Some(json!("e")), "language"),
        (report(), "language", Some(json!("en-toolongsubtag")), "language"),
        (report(), "convened_on", None, "convened_on"),
        (report(), "convened_on", Some(json!("2025-02-29")), "convened_on"),
        (report(), "convened_on", Some(json!("2025-02-30")), "convened_on"),
        (report(), "convened_on", Some(json!("2025-13-01")), "convened_on"),
        (report(), "convened_on", Some(json!("14/03/2025")), "convened_on"),
        (report(), "convened_on", Some(json!(20250314)), "convened_on"),
        (report(), "format", None, "format"),
        (report(), "format", Some(json!("radio")), "format"),
        (report(), "location", None, "location"),
        (report(), "location", Some(json!("Kisumu")), "location"),
        (report(), "location.country", None, "location.country"),
        (report(), "location.country", Some(json!("Kenya")), "location.country"),
        (report(), "location.country", Some(json!("ke")), "location.country"),
        (report(), "location.country", Some(json!("K1")), "location.country"),
        (report(), "location.country", Some(json!("ÉT")), "location.country"),
        (report(), "location.country", Some(json!("XX")), "location.country"),
        (report(), "location.country", Some(json!("UK")), "location.country"),
        (report(), "location.locality", Some(json!(7)), "location.locality"),
        (report(), "location.locality", Some(json!("x".repeat(201))), "location.locality"),
        (report(), "location.planet", Some(json!("Earth")), "location.planet"),
        (report(), "host_organizations", None, "host_organizations"),
        (report(), "host_organizations", Some(json!([])), "host_organizations"),
        (report(), "host_organizations", Some(json!("Civic Tech Lab")), "host_organizations"),
        (report(), "host_organizations", Some(json!(vec!["Hub"; 21])), "host_organizations"),
        (report(), "host_organizations", Some(json!(["Hub", ""])), "host_organizations[1]"),
        (report(), "host_organizations", Some(json!(["x".repeat(2_001)])), "host_organizations[0]"),
        (report(), "contact", None, "contact"),
        (report(), "contact", Some(json!("amina@example.org")), "contact"),
        (report(), "contact.name", None, "contact.name"),
        (report(), "contact.name", Some(json!("")), "contact.name"),
        (report(), "contact.email", None, "contact.email"),
        (report(), "contact.email", Some(json!("nobody")), "contact.email"),
        (report(), "contact.email", Some(json!("a@b@example.org")), "contact.email"),
        (report(), "contact.email", Some(json!("@example.org")), "contact.email"),
        (report(), "contact.email", Some(json!("amina@localhost")), "contact.email"),
        (report(), "contact.email", Some(json!("amina okafor@example.org")), "contact.email"),
        (report(), "contact.email", Some(json!(format!("{}@example.org", "a".repeat(250)))), "contact.email"),
        (report(), "contact.phone", Some(json!("+254 700 000000")), "contact.phone"),
        (report(), "purposes", None, "purposes"),
        (report(), "purposes", Some(json!([])), "purposes"),
        (report(), "purposes", Some(json!(["fun"])), "purposes[0]"),
        (report(), "dpi_types", Some(json!([])), "dpi_types"),
        (report(), "dpi_types", Some(json!(["blockchain"])), "dpi_types[0]"),
        (report(), "dpi_types", Some(json!("digital_id")), "dpi_types"),
        (report(), "participants", None, "participants"),
        (report(), "participants", Some(json!(24)), "participants"),
        (report(), "participants.count", None, "participants.count"),
        (report(), "participants.count", Some(json!(0)), "participants.count"),
        (report(), "participants.count", Some(json!(-3)), "participants.count"),
        (report(), "participants.count", Some(json!(2.5)), "participants.count"),
        (report(), "participants.count", Some(json!(1_000_001)), "participants.count"),
        (report(), "participants.count", Some(json!("24")), "participants.count"),
        (report(), "participants.stakeholder_groups", None, "participants.stakeholder_groups"),
        (report(), "participants.stakeholder_groups", Some(json!([])), "participants.stakeholder_groups"),
        (report(), "participants.stakeholder_groups", Some(json!(["aliens"])), "participants.stakeholder_groups[0]"),
        (report(), "participants.groups", Some(json!(["academia"])), "participants.groups"),
        (report(), "principles", None, "principles"),
        (report(), "principles", Some(json!(["F1", "F99"])), "principles[1]"),
        (report(), "principles", Some(json!(["f1"])), "principles[0]"),
        (report(), "principles", Some(json!([1])), "principles[0]"),
        (report(), "principles", Some(json!(vec!["F1"; 51])), "principles"),
        (report(), "risks", None, "risks"),
        (report(), "risks", Some(json!(["RS9"])), "risks[0]"),
        (report(), "lifecycle_stages", None, "lifecycle_stages"),
        (report(), "lifecycle_stages", Some(json!(["L6"])), "lifecycle_stages[0]"),
        (report(), "summary", None, "summary"),
        (report(), "summary", Some(json!("")), "summary"),
        (report(), "summary", Some(json!("x".repeat(20_001))), "summary"),
        (report(), "insights", None, "insights"),
        (report(), "insights", Some(json!([])), "insights"),
        (report(), "insights", Some(json!(["ok", 7])), "insights[1]"),
        (report(), "insights", Some(json!(vec!["x"; 51])), "insights"),
        (report(), "insights", Some(json!(["x".repeat(2_001)])), "insights[0]"),
        (report(), "quotes", Some(json!(["a", "b", "c", "d"])), "quotes"),
        (report(), "quotes", Some(json!(["a", ""])), "quotes[1]"),
        (report(), "quotes", Some(json!("a quote")), "quotes"),
        (
            report(),
            "attachments",
            Some(json!(vec![
                json!({"hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 1234, "type": "image/jpeg", "name": "photo.jpg", "preview": {"hash": "0f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 900}});
                21
            ])),
            "attachments",
        ),
        (report(), "attachments", Some(json!(["photo.jpg"])), "attachments[0]"),
        (report(), "attachments", Some(json!([attachment("hash", json!("x"))])), "attachments[0].hash"),
        (report(), "attachments", Some(json!([attachment("size", Value::Null)])), "attachments[0].size"),
        (report(), "attachments", Some(json!([attachment("type", json!(7))])), "attachments[0].type"),
        (report(), "attachments", Some(json!([attachment("name", json!(["a"]))])), "attachments[0].name"),
        (report(), "attachments", Some(json!([attachment("preview", json!("small"))])), "attachments[0].preview"),
        (
            report(),
            "attachments",
            Some(json!([attachment(
                "hash",
                json!("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08")
            )])),
            "attachments[0].hash",
        ),
        (report(), "attachments", Some(json!([attachment("size", json!(10_000_001))])), "attachments[0].size"),
        (report(), "attachments", Some(json!([attachment("size", json!(0))])), "attachments[0].size"),
        (report(), "attachments", Some(json!([attachment("type", json!("image/gif"))])), "attachments[0].type"),
        (report(), "attachments", Some(json!([attachment("name", json!("../etc/passwd"))])), "attachments[0].name"),
        (report(), "attachments", Some(json!([attachment("name", json!(""))])), "attachments[0].name"),
        (
            report(),
            "attachments",
            Some(json!([attachment(
                "preview",
                json!({"hash": "0f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 70_000})
            )])),
            "attachments[0].preview.size",
        ),
        (report(), "attachments", Some(json!([attachment("camera", json!("x"))])), "attachments[0].camera"),
        (report(), "attachments", Some(json!(vec![attachment("size", json!(9_000_000)); 3])), "attachments"),
        (report(), "photos", Some(json!([])), "photos"),
        (report(), "consent_to_publish", None, "consent_to_publish"),
        (report(), "consent_to_publish", Some(json!("yes")), "consent_to_publish"),
        (report(), "consent_to_publish", Some(json!(1)), "consent_to_publish"),
        (report(), "mood", Some(json!("happy")), "mood"),
        (report(), "country", Some(json!("KE")), "country"),
        (report(), "sealed_contact", Some(json!("00")), "sealed_contact"),
        // Case study.
        (case_study(), "title", Some(json!("")), "title"),
        (case_study(), "language", Some(json!("français")), "language"),
        (case_study(), "country", None, "country"),
        (case_study(), "country", Some(json!("ke")), "country"),
        (case_study(), "country", Some(json!("KEN")), "country"),
        (case_study(), "country", Some(json!("XX")), "country"),
        (case_study(), "country", Some(json!("UK")), "country"),
        (case_study(), "implementer", None, "implementer"),
        (case_study(), "implementer", Some(json!("")), "implementer"),
        (case_study(), "implementer", Some(json!("x".repeat(301))), "implementer"),
        (case_study(), "responsible_authority", None, "responsible_authority"),
        (case_study(), "responsible_authority", Some(json!("R9")), "responsible_authority"),
        (case_study(), "responsible_authority", Some(json!(["R1"])), "responsible_authority"),
        (case_study(), "contact", None, "contact"),
        (case_study(), "contact.email", Some(json!("lea.moreau@")), "contact.email"),
        (case_study(), "dpi_types", None, "dpi_types"),
        (case_study(), "dpi_types", Some(json!(["radio"])), "dpi_types[0]"),
        (case_study(), "lifecycle_stages", Some(json!(["L0"])), "lifecycle_stages[0]"),
        (case_study(), "principles", Some(json!(["O10"])), "principles[0]"),
        (case_study(), "risks", Some(json!(["SV6"])), "risks[0]"),
        (case_study(), "context", None, "context"),
        (case_study(), "context", Some(json!(null)), "context"),
        (case_study(), "challenges", Some(json!("")), "challenges"),
        (case_study(), "successes", Some(json!([])), "successes"),
        (case_study(), "successes", Some(json!("x".repeat(20_001))), "successes"),
        (case_study(), "lessons", None, "lessons"),
        (case_study(), "lessons", Some(json!("one lesson")), "lessons"),
        (case_study(), "lessons", Some(json!([""])), "lessons[0]"),
        (case_study(), "attachments", Some(json!(["x".repeat(201)])), "attachments[0]"),
        (case_study(), "consent_to_publish", Some(json!("true")), "consent_to_publish"),
        (case_study(), "location", Some(json!({"country": "SN", "locality": "Dakar"})), "location"),
        (case_study(), "photos", Some(json!([])), "photos"),
        // Convening announcement.
        (announcement(), "title", Some(json!("x".repeat(301))), "title"),
        (announcement(), "language", None, "language"),
        (announcement(), "date", None, "date"),
        (announcement(), "date", Some(json!("tomorrow")), "date"),
        (announcement(), "date", Some(json!("2026-06-31")), "date"),
        (announcement(), "format", Some(json!("webinar")), "format"),
        (announcement(), "location", None, "location"),
        (announcement(), "location", Some(json!("Accra")), "location"),
        (announcement(), "location.country", Some(json!("Ghana")), "location.country"),
        (announcement(), "location.locality", Some(json!("")), "location.locality"),
        (announcement(), "participation", None, "participation"),
        (announcement(), "participation", Some(json!("invite")), "participation"),
        (announcement(), "topics", None, "topics"),
        (announcement(), "topics", Some(json!([])), "topics"),
        (announcement(), "topics", Some(json!(vec!["t"; 21])), "topics"),
        (announcement(), "topics", Some(json!(["x".repeat(201)])), "topics[0]"),
        (announcement(), "description", Some(json!(5)), "description"),
        (announcement(), "description", Some(json!("x".repeat(20_001))), "description"),
        (announcement(), "principles", Some(json!(["F0"])), "principles[0]"),
        (announcement(), "contact", Some(json!({"name": "Grace"})), "contact.email"),
        (announcement(), "contact", Some(json!({"name": "Grace", "email": "grace"})), "contact.email"),
        (announcement(), "consent_to_publish", None, "consent_to_publish"),
        (announcement(), "convened_on", Some(json!("2026-05-12")), "convened_on"),
    ];
    for (value, path, new, field) in cases {
        assert_one_error(&with(value, path, new), field);
    }
}

#[test]
fn messages_say_in_english_which_field_and_what_is_wrong() {
    let error = assert_one_error(&with(report(), "location.country", Some(json!("Kenya"))), "location.country");
    let text = error.to_string();
    assert!(text.starts_with("field `location.country`: “Kenya” is not a country:"), "{text}");
    assert!(text.contains("KE"), "{text}");

    let error = assert_one_error(&with(report(), "location.country", Some(json!("ke"))), "location.country");
    assert!(error.to_string().contains("Did you mean KE?"), "a lower-case code gets a hint: {error}");

    // Two capitals are not enough: the code must be assigned.
    let error = assert_one_error(&with(report(), "location.country", Some(json!("XX"))), "location.country");
    assert_eq!(error.problem, Problem::BadCountry { value: "XX".into(), suggestion: None });
    let error = assert_one_error(&with(case_study(), "country", Some(json!("UK"))), "country");
    assert!(error.to_string().contains("Did you mean GB?"), "{error}");
    assert_eq!(error.problem, Problem::BadCountry { value: "UK".into(), suggestion: Some("GB".into()) });

    let error = assert_one_error(&with(report(), "mood", Some(json!("happy"))), "mood");
    assert_eq!(error.problem, Problem::UnknownField { suggestion: None });

    let error = assert_one_error(&with(report(), "insight", Some(json!(["x"]))), "insight");
    assert!(error.to_string().contains("insights"), "near misses are suggested: {error}");

    let error = assert_one_error(&with(report(), "principles", Some(json!(["F99"]))), "principles[0]");
    let text = error.to_string();
    assert!(text.contains("F99") && text.contains("F1, F2") && text.contains("O9"), "{text}");

    let error = assert_one_error(&with(report(), "principles", Some(json!(["f1"]))), "principles[0]");
    assert!(error.to_string().contains("Did you mean F1"), "{error}");

    let error = assert_one_error(&with(report(), "quotes", Some(json!(["a", "b", "c", "d"]))), "quotes");
    assert!(error.to_string().contains("4 given; at most 3"), "quotes say how many: {error}");

    let error = assert_one_error(&with(report(), "title", Some(json!("x".repeat(301)))), "title");
    assert!(error.to_string().contains("301 characters, at most 300"), "titles say how long: {error}");

    let error = assert_one_error(&with(report(), "convened_on", Some(json!("2025-02-29"))), "convened_on");
    assert!(error.to_string().contains("2025-02-29"), "{error}");

    let error = assert_one_error(&with(report(), "participants.count", Some(json!(0))), "participants.count");
    assert!(error.to_string().contains("from 1 to 1000000"), "{error}");

    let long = "y".repeat(5_000);
    let error = assert_one_error(&with(report(), "format", Some(json!(long))), "format");
    assert!(error.to_string().len() < 300, "bad values are shortened when quoted back: {error}");
}

#[test]
fn contact_details_are_never_quoted_back() {
    let value = with(report(), "contact", Some(json!({"name": "Secret Name", "email": "secret.person@nowhere"})));
    let errors = validate_submission(&value, &Limits::DEFAULT).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    let text = errors.to_string();
    assert!(!text.contains("secret") && !text.contains("Secret"), "{text}");
}

#[test]
fn several_bad_fields_are_reported_together() {
    let mut value = report();
    value["title"] = json!("");
    value["language"] = json!("english");
    value["location"]["country"] = json!("Kenya");
    value["contact"]["email"] = json!("not-an-email");
    value["principles"] = json!(["X1", "F1", "Y2"]);
    value["participants"]["count"] = json!(0);
    value["consent_to_publish"] = json!(null);
    value["mood"] = json!("happy");
    let errors = validate_submission(&value, &Limits::DEFAULT).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|error| error.path.as_str()).collect();
    assert_eq!(
        fields,
        [
            "title",
            "language",
            "location.country",
            "contact.email",
            "participants.count",
            "principles[0]",
            "principles[2]",
            "consent_to_publish",
            "mood"
        ],
        "{errors}"
    );
    let text = errors.to_string();
    assert_eq!(text.lines().count(), errors.0.len(), "one error per line:\n{text}");
    assert!(text.lines().all(|line| line.starts_with("field `")), "{text}");
    assert_eq!(errors.for_field("principles").unwrap().path, "principles[0]");
    assert_eq!(errors.for_field("participants").unwrap().path, "participants.count");
    assert!(errors.for_field("summary").is_none());
    assert!(errors.for_field("principle").is_none());
}

#[test]
fn errors_serialise_for_a_form() {
    let errors = validate_submission(&with(report(), "title", Some(json!(""))), &Limits::DEFAULT).unwrap_err();
    let value = serde_json::to_value(&errors).unwrap();
    let list = value.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["path"], "title");
    assert_eq!(list[0]["problem"], json!({"code": "empty"}));
    let back: ValidationErrors = serde_json::from_value(value).unwrap();
    assert_eq!(back, errors);
    let _: &dyn std::error::Error = &errors;
}

#[test]
fn every_error_says_what_is_wrong_without_words_too() {
    let reason = |value: Value, path: &str| assert_one_error(&value, path).problem;
    assert_eq!(reason(with(report(), "title", Some(json!(""))), "title"), Problem::Empty);
    assert_eq!(reason(with(report(), "title", None), "title"), Problem::Missing);
    assert_eq!(
        reason(with(report(), "title", Some(json!("x".repeat(301)))), "title"),
        Problem::TooLong { length: 301, max: 300 }
    );
    assert_eq!(reason(with(report(), "title", Some(json!("a\u{7}"))), "title"), Problem::ControlCharacters);
    assert_eq!(
        reason(with(report(), "title", Some(json!(5))), "title"),
        Problem::WrongType { expected: Expected::Text, found: JsonType::Number }
    );
    assert_eq!(
        reason(with(report(), "quotes", Some(json!(["a", "b", "c", "d"]))), "quotes"),
        Problem::TooMany { count: 4, max: 3 }
    );
    assert_eq!(reason(with(report(), "insights", Some(json!([]))), "insights"), Problem::TooFew { count: 0, min: 1 });
    let Problem::NotOneOf { value, allowed, suggestion } =
        reason(with(report(), "principles", Some(json!(["f1"]))), "principles[0]")
    else {
        panic!("not a code")
    };
    assert_eq!((value.as_str(), suggestion.as_deref()), ("f1", Some("F1")));
    assert!(allowed.contains(&"O9".to_owned()));
    assert_eq!(
        reason(with(report(), "convened_on", Some(json!("2025-02-29"))), "convened_on"),
        Problem::BadDate { value: "2025-02-29".into(), flaw: DateFlaw::NoSuchDay }
    );
    assert_eq!(
        reason(with(report(), "location.country", Some(json!("ke"))), "location.country"),
        Problem::BadCountry { value: "ke".into(), suggestion: Some("KE".into()) }
    );
    assert_eq!(
        reason(with(report(), "contact.email", Some(json!("amina.example.org"))), "contact.email"),
        Problem::BadEmail { flaw: EmailFlaw::NoAt }
    );
    assert_eq!(
        reason(with(report(), "participants.count", Some(json!(0))), "participants.count"),
        Problem::OutOfRange { value: 0, min: 1, max: 1_000_000 }
    );
    assert_eq!(
        reason(with(report(), "participants.count", Some(json!(2.5))), "participants.count"),
        Problem::NotWholeNumber { value: "2.5".into() }
    );
    assert_eq!(
        reason(with(report(), "location.locality", Some(json!(""))), "location.locality"),
        Problem::PlaceNeeded { format: "in_person".into() }
    );
    assert_eq!(
        reason(with(report(), "insight", Some(json!(["x"]))), "insight"),
        Problem::UnknownField { suggestion: Some("insights".into()) }
    );
    assert_eq!(
        reason(with(report(), "language", Some(json!("english"))), "language"),
        Problem::BadLanguageTag { value: "english".into() }
    );
    // A long value is kept short; the contact's values are never kept.
    let Problem::NotOneOf { value, .. } = reason(with(report(), "format", Some(json!("y".repeat(5_000)))), "format")
    else {
        panic!("not a code")
    };
    assert_eq!(value.chars().count(), 41);
    let errors = serde_json::to_string(&errors_of(&with(report(), "contact.email", Some(json!("secret @x"))))).unwrap();
    assert!(!errors.contains("secret"), "{errors}");
    // Serialised with a code and its parameters, without words.
    let errors =
        validate_submission(&with(report(), "title", Some(json!("x".repeat(301)))), &Limits::DEFAULT).unwrap_err();
    let value = serde_json::to_value(&errors).unwrap();
    assert_eq!(value[0]["problem"], json!({"code": "too_long", "length": 301, "max": 300}));
}

#[test]
fn kinds_and_shapes_are_checked_first() {
    for bad in [json!([]), json!("report"), json!(null), json!({"title": "no kind"}), json!({"kind": "poem"})] {
        let errors = validate_submission(&bad, &Limits::DEFAULT).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
    }
    let errors = validate_submission(&json!({"kind": "poem"}), &Limits::DEFAULT).unwrap_err();
    assert_eq!(errors.0[0].path, "kind");
    assert!(errors.to_string().contains("convening_report"), "{errors}");
    let errors = validate_submission(&json!({"kind": "case_study"}), &Limits::DEFAULT).unwrap_err();
    assert!(errors.0.len() > 10, "every missing field is named: {errors}");
}

#[test]
fn values_are_normalised() {
    let mut value = report();
    value["title"] = json!("  Kisumu  ");
    value["language"] = json!("PT-br");
    value["principles"] = json!(["O3", "F1", " F1 "]);
    value["participants"]["stakeholder_groups"] = json!(["media", "academia", "media"]);
    value["insights"] = json!(["  one  ", "two"]);
    value["contact"] = json!({"name": " Amina ", "email": " amina@example.org "});
    value["location"] = json!({"country": "KE"});
    value["format"] = json!("online");
    let validated = validate_submission(&value, &Limits::DEFAULT).unwrap();
    let fields = &validated.fields;
    assert_eq!(fields["title"], "Kisumu");
    assert_eq!(fields["language"], "pt-BR");
    assert_eq!(fields["principles"], json!(["F1", "O3"]));
    assert_eq!(fields["participants"]["stakeholder_groups"], json!(["academia", "media"]));
    assert_eq!(fields["insights"], json!(["one", "two"]));
    assert_eq!(fields["location"], json!({"country": "KE", "locality": ""}));
    assert_eq!(validated.contact, Some(Contact { name: "Amina".into(), email: "amina@example.org".into() }));

    let mut optional = announcement();
    optional["description"] = json!("   ");
    optional["principles"] = json!(null);
    let fields = validate_submission(&optional, &Limits::DEFAULT).unwrap().fields;
    assert!(!fields.contains_key("description") && !fields.contains_key("principles"), "{fields:?}");
}

#[test]
fn stored_documents_never_hold_a_clear_contact() {
    let fields = validate_submission(&report(), &Limits::DEFAULT).unwrap().fields;
    let mut stored = fields.clone();
    stored.insert("contact".into(), json!({"name": "x", "email": "x@example.org"}));
    let errors = validate_public(&stored, &Limits::DEFAULT).unwrap_err();
    assert_eq!(errors.0.len(), 1);
    assert_eq!(errors.0[0].path, "contact");
    assert_eq!(errors.0[0].problem, Problem::ClearContact);

    let mut stored = fields.clone();
    stored.insert("sealed_contact".into(), json!({"name": "x"}));
    assert_eq!(validate_public(&stored, &Limits::DEFAULT).unwrap_err().0[0].path, "sealed_contact");

    let mut stored = fields.clone();
    stored.insert("sealed_contact".into(), json!("anything at all: it is not looked into"));
    assert_eq!(validate_public(&stored, &Limits::DEFAULT).unwrap(), SubmissionKind::ConveningReport);

    let mut stored = fields;
    stored.insert("title".into(), json!(""));
    stored.remove("summary");
    let errors = validate_public(&stored, &Limits::DEFAULT).unwrap_err();
    assert_eq!(errors.0.len(), 2, "{errors}");
    assert!(validate_public(&Map::new(), &Limits::DEFAULT).is_err());
}

#[test]
fn a_submission_too_large_as_a_whole_is_refused() {
    // Each insight is within bounds, but together they would not fit one entry.
    let value = with(report(), "insights", Some(json!(vec!["é".repeat(2_000); 50])));
    let errors = validate_submission(&value, &Limits::DEFAULT).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert_eq!(errors.0[0].path, "(submission)");
    assert!(matches!(errors.0[0].problem, Problem::TooLarge { max_kib: 192, .. }), "{errors}");
}

#[test]
fn summaries_carry_what_listings_and_filters_need() {
    let validated = validate_submission(&report(), &Limits::DEFAULT).unwrap();
    let summary = Summary::from_fields(validated.kind, &validated.fields);
    assert_eq!(
        summary,
        Summary {
            kind: SubmissionKind::ConveningReport,
            title: "Convening on digital id safeguards in Kisumu".into(),
            language: "en".into(),
            country: Some("KE".into()),
            date: Some("2025-03-14".into()),
            principles: vec!["F1".into(), "O3".into()],
            risks: vec!["RS1".into()],
            lifecycle_stages: vec!["L4".into()],
            dpi_types: vec!["digital_id".into()],
            stakeholder_groups: vec!["civil_society".into(), "government".into()],
        }
    );

    let case = validate_submission(&case_study(), &Limits::DEFAULT).unwrap();
    let summary = Summary::from_fields(case.kind, &case.fields);
    assert_eq!(summary.kind, SubmissionKind::CaseStudy);
    assert_eq!(summary.country.as_deref(), Some("SN"));
    assert_eq!(summary.date, None);
    assert_eq!(summary.lifecycle_stages, ["L3", "L4"]);
    assert!(summary.stakeholder_groups.is_empty());

    let announced = validate_submission(&announcement(), &Limits::DEFAULT).unwrap();
    let summary = Summary::from_fields(announced.kind, &announced.fields);
    assert_eq!(summary.date.as_deref(), Some("2026-05-12"));
    assert_eq!(summary.country.as_deref(), Some("GH"));
    assert_eq!(summary.principles, ["F1"]);

    let back: Summary = serde_json::from_value(serde_json::to_value(&summary).unwrap()).unwrap();
    assert_eq!(back, summary);
    let empty = Summary::from_fields(SubmissionKind::CaseStudy, &Map::new());
    assert_eq!(empty.title, "");

    for value in corpus() {
        let validated = validate_submission(&value, &Limits::DEFAULT).unwrap();
        let summary = Summary::from_fields(validated.kind, &validated.fields);
        assert_eq!(summary.title, value["title"].as_str().unwrap());
        assert!(summary.country.is_some());
        assert_eq!(summary.date.is_some(), validated.kind == SubmissionKind::ConveningReport);
    }
}

#[test]
fn the_taxonomy_ships_every_code() {
    let taxonomy = Taxonomy::v1();
    assert_eq!(taxonomy.principles.len(), 18);
    assert_eq!(taxonomy.risks.len(), 13);
    assert_eq!(taxonomy.lifecycle_stages.len(), 5);
    assert_eq!(taxonomy.responsible_authorities.len(), 5);
    let terms = [&taxonomy.principles, &taxonomy.risks, &taxonomy.lifecycle_stages, &taxonomy.responsible_authorities];
    for term in terms.into_iter().flatten() {
        for lang in ["en", "fr", "es", "ar"] {
            assert!(term.title.contains_key(lang), "{} has no {lang} title", term.code);
        }
    }
    assert_eq!(taxonomy.principles[0].label("en"), "F1 Do no harm");
    assert_eq!(taxonomy.principles[1].label("ar"), "F2 عدم التمييز");
    assert_eq!(taxonomy.risks[0].label("es"), "RS1 Vulnerabilidad de la privacidad");
    assert_eq!(taxonomy.lifecycle_stages[4].title_in("en"), Some("Operations and maintenance"));
    // Every code the generator uses is known.
    for value in corpus() {
        for code in value["principles"].as_array().unwrap() {
            assert!(Taxonomy::has(&taxonomy.principles, code.as_str().unwrap()));
        }
    }
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,30}".prop_map(Value::String),
        "(F|O|RS|L|R)[0-9]{1,2}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_title_is_accepted_or_rejected_without_panicking(title in ".{0,400}") {
        let result = validate_submission(&with(report(), "title", Some(json!(title.clone()))), &Limits::DEFAULT);
        let trimmed = title.trim();
        let acceptable = !trimmed.is_empty() && trimmed.chars().count() <= 300
            && !trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
        prop_assert_eq!(result.is_ok(), acceptable);
        if trimmed.chars().count() > 300 {
            let errors = result.unwrap_err();
            prop_assert_eq!(errors.0.len(), 1);
            prop_assert_eq!(&errors.0[0].path, "title");
        }
    }

    #[test]
    fn long_titles_are_rejected(extra in 1usize..2_000, c in "[a-zA-Zé漢ا]") {
        let title = c.repeat(300 + extra);
        let errors = validate_submission(&with(report(), "title", Some(json!(title))), &Limits::DEFAULT).unwrap_err();
        prop_assert_eq!(&errors.0[0].path, "title");
    }

    #[test]
    fn any_value_in_any_field_gives_a_result_without_panicking(
        kind in prop::sample::select(SubmissionKind::ALL.to_vec()),
        index in any::<prop::sample::Index>(),
        new in any_json(),
    ) {
        let value = example(kind);
        let field = index.get(kind.spec().fields).name;
        let value = with(value, field, Some(new));
        match validate_submission(&value, &Limits::DEFAULT) {
            Ok(validated) => {
                prop_assert_eq!(validate_public(&validated.fields, &Limits::DEFAULT), Ok(kind));
                let _ = Summary::from_fields(kind, &validated.fields);
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                for error in &errors.0 {
                    prop_assert!(!error.to_string().is_empty());
                }
            }
        }
        if let Some(object) = value.as_object() {
            let _ = validate_public(object, &Limits::DEFAULT);
            let _ = Summary::from_fields(kind, object);
        }
    }
}

/// A valid attachment with `key` set to `value`.
fn attachment(key: &str, value: Value) -> Value {
    let mut attachment = json!({"hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 1234, "type": "image/jpeg", "name": "photo.jpg"});
    attachment[key] = value;
    attachment
}

#[test]
fn attachments_given_alone_are_checked_and_normalised_like_the_field() {
    use convene_protocol::schema::validate_attachments;
    let given = json!([attachment("size", json!(503.0)), attachment("name", json!("  minutes.pdf "))]);
    let checked = validate_attachments(&given, &Limits::DEFAULT).unwrap();
    assert_eq!(checked[0].size, 503, "a whole number written with a fraction is a whole number");
    assert_eq!(checked[1].name, "minutes.pdf", "trimmed");
    let errors = validate_attachments(
        &json!([attachment("name", json!("a\tb.pdf")), attachment("size", json!(0))]),
        &Limits::DEFAULT,
    )
    .unwrap_err();
    let paths: Vec<&str> = errors.0.iter().map(|error| error.path.as_str()).collect();
    assert_eq!(paths, ["attachments[0].name", "attachments[1].size"]);
    assert!(validate_attachments(&json!([]), &Limits::DEFAULT).unwrap().is_empty());
}

#[test]
fn an_edit_may_leave_the_sealed_contact_out_and_it_is_still_checked_when_given() {
    use convene_protocol::schema::validate_edit;
    let mut value = report();
    value.as_object_mut().unwrap().remove("contact");
    assert!(validate_submission(&value, &Limits::DEFAULT).is_err(), "a new submission needs its contact");
    let edit = validate_edit(&value, &Limits::DEFAULT).unwrap();
    assert_eq!(edit.contact, None);
    assert!(!edit.fields.contains_key("contact"));
    let bad = with(report(), "contact.email", Some(json!("not an address")));
    let errors = validate_edit(&bad, &Limits::DEFAULT).unwrap_err();
    assert_eq!(errors.0[0].path, "contact.email");
}
