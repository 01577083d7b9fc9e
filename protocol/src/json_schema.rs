//! The JSON Schema (OpenAPI 3.1) of a submission, generated from the table
//! of kinds ([`crate::kinds`]) so that it cannot disagree with validation.
//! The web UI serves it in its OpenAPI document.

use serde_json::{Map, Value, json};

use crate::attachment::{Limits, MAX_NAME_CHARS, MAX_PREVIEW_BYTES, MediaType};
use crate::kinds::{Field, Kind, MAX_CODES, MAX_EMAIL_BYTES, Need, Shape};
use crate::schema::{MAX_CODE_CHARS, MAX_PUBLIC_BYTES};
use crate::text_rules::country_codes;

/// Control characters a text may not hold (line breaks and tabs are allowed).
/// A file name: one line holding something besides spaces, without `/` or `\\`.
pub const FILE_NAME_PATTERN: &str =
    r"^[^\u0000-\u001F\u007F-\u009F/\\]*[^\s\u0000-\u001F\u007F-\u009F/\\][^\u0000-\u001F\u007F-\u009F/\\]*$";
const CONTROLS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// A sanity check of an email address: what the validator accepts.
const EMAIL_PATTERN: &str = r"^[!-?A-~]+@[!-\-/-?A-~]+(?:\.[!-\-/-?A-~]+)+$";
/// A real date from 1900 to 2100, leap days included.
const DATE_PATTERN: &str = r"^(?:(?:19[0-9]{2}|20[0-9]{2}|2100)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))-02-29)$";
/// A BCP 47 language tag, as the validator reads one.
const LANGUAGE_PATTERN: &str = r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$";

/// The schemas of a submission of one of `kinds`, by component name:
/// `Submission` (one of the kinds, by their `kind`), one per kind
/// (`ConveningReport`), one per sealed group (`Contact`), and `Country`,
/// `Date` and `Language`, which they refer to. Attachments are described
/// within the network's `limits`.
pub fn submission_schemas(kinds: &[&Kind], limits: &Limits) -> Map<String, Value> {
    let mut schemas = Map::new();
    let refs: Vec<Value> = kinds.iter().map(|kind| json!({ "$ref": reference(&pascal(kind.name)) })).collect();
    let mapping: Map<String, Value> =
        kinds.iter().map(|kind| (kind.name.to_owned(), json!(reference(&pascal(kind.name))))).collect();
    schemas.insert(
        "Submission".into(),
        json!({
            "description": format!(
                "A submission in the interchange format of DOMAIN.md (see protocol/src/kinds.rs): `kind` plus \
                 exactly the fields of that kind, with a clear `contact` that the node seals to the secretariat. \
                 Texts are trimmed; a required text must not be blank; no text may hold control characters other \
                 than line breaks and tabs; lengths are in characters. Besides what this schema says, the server \
                 refuses public fields larger than {} KiB together.",
                MAX_PUBLIC_BYTES / 1024
            ),
            "oneOf": refs,
            "discriminator": { "propertyName": "kind", "mapping": mapping },
        }),
    );
    for kind in kinds {
        schemas.insert(pascal(kind.name), kind_schema(kind, limits));
        for field in kind.fields.iter().filter(|field| field.sealed) {
            let mut schema = group_schema(field.members(), limits);
            schema.insert(
                "description".into(),
                json!("Sealed by the node to the secretariat; never stored or relayed in clear"),
            );
            schemas.insert(pascal(field.name), Value::Object(schema));
        }
    }
    schemas.insert(
        "Country".into(),
        json!({
            "type": "string",
            "enum": country_codes().collect::<Vec<_>>(),
            "description": "An assigned ISO 3166-1 alpha-2 code, in capitals (not XX; GB, not UK)",
        }),
    );
    schemas.insert(
        "Date".into(),
        json!({ "type": "string", "pattern": DATE_PATTERN, "description": "A real date YYYY-MM-DD from 1900 to 2100" }),
    );
    schemas.insert(
        "Language".into(),
        json!({
            "type": "string",
            "maxLength": MAX_CODE_CHARS,
            "pattern": LANGUAGE_PATTERN,
            "description": "A BCP 47 language tag, e.g. en, es-419, pt-BR",
        }),
    );
    schemas
}

/// The schema of one kind: an object of exactly its fields.
fn kind_schema(kind: &Kind, limits: &Limits) -> Value {
    let mut properties = Map::new();
    properties.insert("kind".into(), json!({ "type": "string", "const": kind.name }));
    let mut required = vec![json!("kind")];
    for field in kind.fields {
        properties.insert(field.name.into(), field_schema(field, limits));
        if field.need == Need::Required {
            required.push(json!(field.name));
        }
    }
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    });
    // A group text needed unless the convening is online: required (and not blank) unless `format` is `online`.
    for field in kind.fields {
        let Some(place) = field.members().iter().find(|member| member.need == Need::UnlessOnline) else { continue };
        let mut needed: Vec<&str> =
            field.members().iter().filter(|member| member.need == Need::Required).map(|member| member.name).collect();
        needed.push(place.name);
        let strict = shape_schema(&place.shape, Need::Required, limits);
        schema["if"] = json!({ "properties": { "format": { "const": "online" } } });
        schema["else"] = json!({
            "properties": { field.name: { "required": needed, "properties": { place.name: strict } } }
        });
    }
    schema
}

/// The schema of a field's value: a sealed group by reference, the rest by shape.
fn field_schema(field: &Field, limits: &Limits) -> Value {
    if field.sealed {
        let reference = json!({ "$ref": reference(&pascal(field.name)) });
        return if field.need == Need::Required {
            reference
        } else {
            json!({ "oneOf": [{ "type": "null" }, reference] })
        };
    }
    let mut schema = shape_schema(&field.shape, field.need, limits);
    if field.need == Need::UnlessOnline {
        schema["description"] = json!("May be empty only when the format is online");
    }
    schema
}

/// The schema of a value of `shape`; one not required may also be `null`.
fn shape_schema(shape: &Shape, need: Need, limits: &Limits) -> Value {
    let required = need == Need::Required;
    let nullable = |kind: &str| if required { json!(kind) } else { json!([kind, "null"]) };
    let text = |max_chars: usize| {
        // A required text must hold something besides spaces.
        let pattern = if required {
            format!("^[^{CONTROLS}]*[^\\s{CONTROLS}][^{CONTROLS}]*$")
        } else {
            format!("^[^{CONTROLS}]*$")
        };
        json!({ "type": nullable("string"), "maxLength": max_chars, "pattern": pattern })
    };
    let schema = match shape {
        Shape::Text { max_chars } | Shape::LongText { max_chars } => return text(*max_chars),
        Shape::TextList { min, max, max_chars, .. } => {
            let item = shape_schema(&Shape::Text { max_chars: *max_chars }, Need::Required, limits);
            return json!({ "type": nullable("array"), "minItems": min, "maxItems": max, "items": item });
        }
        Shape::CodeList { codes, min } => {
            let item = json!({ "type": "string", "enum": codes.codes() });
            return json!({ "type": nullable("array"), "minItems": min, "maxItems": MAX_CODES, "items": item });
        }
        Shape::Code(codes) => json!({ "type": "string", "enum": codes.codes() }),
        Shape::Date => json!({ "$ref": reference("Date") }),
        Shape::Country => json!({ "$ref": reference("Country") }),
        Shape::Language => json!({ "$ref": reference("Language") }),
        Shape::Email => json!({ "type": "string", "maxLength": MAX_EMAIL_BYTES, "pattern": EMAIL_PATTERN }),
        Shape::Count { min, max } => json!({ "type": "integer", "minimum": min, "maximum": max }),
        Shape::Flag => json!({ "type": "boolean" }),
        Shape::Group(members) => Value::Object(group_schema(members, limits)),
        Shape::Attachments => {
            let blob = |max_size: u64| {
                json!({
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["hash", "size"],
                    "properties": {
                        "hash": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                        "size": { "type": "integer", "minimum": 1, "maximum": max_size },
                    },
                })
            };
            let mut item = blob(limits.file_bytes);
            item["required"] = json!(["hash", "size", "type", "name"]);
            item["properties"]["type"] = json!({ "type": "string", "enum": MediaType::ALL.map(MediaType::as_str) });
            item["properties"]["name"] = json!({
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_NAME_CHARS,
                "pattern": FILE_NAME_PATTERN,
            });
            item["properties"]["preview"] = json!({ "oneOf": [{ "type": "null" }, blob(MAX_PREVIEW_BYTES)] });
            return json!({ "type": nullable("array"), "maxItems": limits.files, "items": item });
        }
    };
    if required { schema } else { json!({ "oneOf": [{ "type": "null" }, schema] }) }
}

/// An object of exactly `members`.
fn group_schema(members: &[Field], limits: &Limits) -> Map<String, Value> {
    let required: Vec<&str> =
        members.iter().filter(|member| member.need == Need::Required).map(|member| member.name).collect();
    let properties: Map<String, Value> =
        members.iter().map(|member| (member.name.to_owned(), field_schema(member, limits))).collect();
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("additionalProperties".into(), json!(false));
    schema.insert("required".into(), json!(required));
    schema.insert("properties".into(), Value::Object(properties));
    schema
}

fn reference(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// `convening_report` → `ConveningReport`.
fn pascal(name: &str) -> String {
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}
