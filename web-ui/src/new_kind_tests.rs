//! A kind of submission defined in a test, with the same table type as the
//! real ones (`convene_protocol::kinds`): the web form renders it,
//! validation checks it, the CSV and XLSX exports write its columns and the
//! generated JSON Schema describes it, with no change anywhere else.

use convene_node::export::{Attribution, csv_columns, csv_header, csv_line, sheet_columns};
use convene_protocol::attachment::Limits;
use convene_protocol::json_schema::submission_schemas;
use convene_protocol::kinds::{Codes, Field, Kind, Shape, Slot, field};
use convene_protocol::problem::Problem;
use convene_protocol::schema::validate_in;
use convene_protocol::taxonomy::Taxonomy;
use serde_json::{Value, json};

use crate::i18n::Lang;
use crate::pages::form::{FormSpec, Values, render, to_submission};
use crate::web::Ctx;

const HOST_FIELDS: &[Field] =
    &[field("name", Shape::Text { max_chars: 100 }).key("host_name"), field("email", Shape::Email).key("host_email")];

/// A field visit: a kind no build has, described only here.
static FIELD_VISIT: Kind = Kind {
    name: "field_visit",
    code: 200,
    plural: "Field visits",
    fields: &[
        field("title", Shape::Text { max_chars: 80 }).slot(Slot::Title).column("title"),
        field("visited_on", Shape::Date).slot(Slot::Date).column("date"),
        field("sites", Shape::CodeList { codes: Codes::Fixed(&["clinic", "school", "market"]), min: 1 })
            .column("sites"),
        field("visitors", Shape::Count { min: 1, max: 12 }).column("visitors"),
        field("notes", Shape::TextList { min: 0, max: 2, max_chars: 500, paragraphs: true }).optional(),
        field("host", Shape::Group(HOST_FIELDS)).sealed(),
        field("public", Shape::Flag).column("public"),
    ],
};

fn values(pairs: &[(&str, &str)]) -> Values {
    Values(pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect())
}

fn filled() -> Values {
    values(&[
        ("title", "  Clinic visit in Gulu "),
        ("visited_on", "2025-06-02"),
        ("sites", "school"),
        ("sites", "clinic"),
        ("visitors", "4"),
        ("notes", "Queues were long."),
        ("notes", ""),
        ("host_name", "Ama"),
        ("host_email", "ama@example.org"),
        ("public", "yes"),
    ])
}

#[test]
fn a_kind_defined_in_a_test_is_rendered_validated_exported_and_described() {
    // The form: each field by its shape.
    let ctx = Ctx::for_test(Lang::En);
    let spec = FormSpec {
        kind: &FIELD_VISIT,
        action: "/new/field_visit".into(),
        draft: None,
        identities: &[],
        signer: None,
        editing: false,
        signer_error: None,
    };
    let page = render(&ctx, &spec, &filled(), None).into_string();
    for html in [
        r#"name="kind" value="field_visit""#,
        r#"name="title" type="text""#,
        r#"name="visited_on" type="date""#,
        r#"type="checkbox" name="sites" value="clinic" checked"#,
        r#"type="checkbox" name="sites" value="market">"#,
        r#"name="visitors" type="number""#,
        r#"id="f-notes-2" name="notes""#,
        r#"id="f-host""#,
        r#"name="host_email" type="email""#,
        r#"type="radio" name="public" value="yes" checked"#,
    ] {
        assert!(page.contains(html), "the form has no {html}:\n{page}");
    }

    // Validation: the form's values are a valid field visit, its host sealed.
    let checked = validate_in(&[&FIELD_VISIT], &to_submission(&FIELD_VISIT, &filled()), &Limits::DEFAULT).unwrap();
    assert_eq!(checked.public["title"], "Clinic visit in Gulu");
    assert_eq!(checked.public["sites"], json!(["clinic", "school"]), "codes are sorted");
    assert_eq!(checked.public["notes"], json!(["Queues were long."]));
    assert_eq!(checked.sealed["host"], json!({"name": "Ama", "email": "ama@example.org"}));
    assert!(!checked.public.contains_key("host"));
    let mut bad = to_submission(&FIELD_VISIT, &filled());
    bad["visitors"] = json!(13);
    bad["sites"] = json!(["zoo"]);
    bad["host"] = Value::Null;
    bad["weather"] = json!("sunny");
    let problems: Vec<(String, Problem)> = validate_in(&[&FIELD_VISIT], &bad, &Limits::DEFAULT)
        .unwrap_err()
        .0
        .into_iter()
        .map(|error| (error.path, error.problem))
        .collect();
    let allowed = vec!["clinic".to_owned(), "school".to_owned(), "market".to_owned()];
    assert_eq!(
        problems,
        [
            ("sites[0]".into(), Problem::NotOneOf { value: "zoo".into(), allowed, suggestion: None }),
            ("visitors".into(), Problem::OutOfRange { value: 13, min: 1, max: 12 }),
            ("host".into(), Problem::Missing),
            ("weather".into(), Problem::UnknownField { suggestion: None }),
        ]
    );
    let errors = validate_in(&[&FIELD_VISIT], &bad, &Limits::DEFAULT).unwrap_err();
    let page = render(&ctx, &spec, &filled(), Some(&errors)).into_string();
    assert!(page.contains(r##"<a href="#f-host_name">"##), "an error on the group is shown at its first field");

    // Export: its columns, filled from its fields.
    let columns = csv_columns(&[&FIELD_VISIT], Attribution::Anonymised, Taxonomy::v1());
    assert_eq!(csv_header(&columns), "id,kind,title,date,sites,visitors,public,created,status,tags");
    let mut exported = checked.public.clone();
    exported.insert("id".into(), json!("d0c"));
    exported.insert("created".into(), json!("2025-06"));
    assert_eq!(
        csv_line(&columns, &exported),
        "d0c,field_visit,Clinic visit in Gulu,2025-06-02,clinic;school,4,true,2025-06,,"
    );
    let sheet: Vec<String> = sheet_columns(&FIELD_VISIT, Attribution::Anonymised, Taxonomy::v1())
        .into_iter()
        .map(|column| column.name)
        .collect();
    assert_eq!(
        sheet,
        ["id", "title", "visited_on", "sites", "visitors", "notes", "public", "created", "status", "tags"]
    );

    // The generated schema: exactly its fields, with their limits; the host as a sealed group.
    let schemas = submission_schemas(&[&FIELD_VISIT], &Limits::DEFAULT);
    let visit = &schemas["FieldVisit"];
    let properties: Vec<&str> = visit["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(properties, ["host", "kind", "notes", "public", "sites", "title", "visited_on", "visitors"]);
    assert_eq!(visit["required"], json!(["kind", "title", "visited_on", "sites", "visitors", "host", "public"]));
    assert_eq!(visit["properties"]["kind"]["const"], "field_visit");
    assert_eq!(visit["properties"]["title"]["maxLength"], 80);
    assert_eq!(visit["properties"]["sites"]["items"]["enum"], json!(["clinic", "school", "market"]));
    assert_eq!(visit["properties"]["visitors"]["maximum"], 12);
    assert_eq!(visit["properties"]["notes"]["maxItems"], 2);
    assert_eq!(visit["properties"]["host"]["$ref"], "#/components/schemas/Host");
    assert_eq!(schemas["Host"]["required"], json!(["name", "email"]));
    assert_eq!(schemas["Submission"]["discriminator"]["mapping"]["field_visit"], "#/components/schemas/FieldVisit");
}
