//! What a valid submission holds, and one clear message per bad field.
//!
//! Three kinds (see `DOMAIN.md`): convening reports, case studies and
//! convening announcements. [`validate_submission`] checks the interchange
//! JSON (as `convene submit` and `bench/gen_corpus.py` write it) and returns
//! the normalised public fields apart from the personal contact, which the
//! node seals. [`validate_public`] checks a stored document's fields.
//! Taxonomy codes come from [`crate::taxonomy`].

use std::fmt;

use serde_json::{Map, Value};

use crate::taxonomy::{Taxonomy, Term};

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest free-text field, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest list item, in characters.
pub const MAX_ITEM_CHARS: usize = 2_000;
/// Most items in a list.
pub const MAX_ITEMS: usize = 50;

/// The kinds of submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// What came out of a convening.
    ConveningReport,
    /// An implementer's experience applying the safeguards.
    CaseStudy,
    /// A planned convening, for the calendar.
    ConveningAnnouncement,
}

impl SubmissionKind {
    /// Every kind.
    pub const ALL: [SubmissionKind; 3] = [Self::ConveningReport, Self::CaseStudy, Self::ConveningAnnouncement];

    /// The code, e.g. `convening_report`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ConveningReport => "convening_report",
            Self::CaseStudy => "case_study",
            Self::ConveningAnnouncement => "convening_announcement",
        }
    }

    /// Reads a code.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    fn fields(&self) -> &'static [&'static str] {
        match self {
            Self::ConveningReport => &[
                "kind",
                "title",
                "language",
                "convened_on",
                "format",
                "location",
                "host_organizations",
                "contact",
                "purposes",
                "dpi_types",
                "participants",
                "principles",
                "risks",
                "lifecycle_stages",
                "summary",
                "insights",
                "quotes",
                "photos",
                "consent_to_publish",
            ],
            Self::CaseStudy => &[
                "kind",
                "title",
                "language",
                "country",
                "implementer",
                "responsible_authority",
                "contact",
                "dpi_types",
                "lifecycle_stages",
                "principles",
                "risks",
                "context",
                "challenges",
                "successes",
                "lessons",
                "attachments",
                "consent_to_publish",
            ],
            Self::ConveningAnnouncement => &[
                "kind",
                "title",
                "language",
                "date",
                "format",
                "location",
                "participation",
                "topics",
                "description",
                "principles",
                "contact",
                "consent_to_publish",
            ],
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Self::ConveningReport => "a convening report",
            Self::CaseStudy => "a case study",
            Self::ConveningAnnouncement => "a convening announcement",
        }
    }
}

/// The personal contact: sealed to the secretariat, never stored in clear.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    /// The contact person's name.
    pub name: String,
    /// Their email address.
    pub email: String,
}

/// One bad field: which, what is wrong, what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// The field's path, e.g. `location.country` or `quotes[3]`.
    pub field: String,
    /// What is wrong, in plain words.
    pub problem: String,
    /// What would be accepted.
    pub allowed: Option<String>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.problem)?;
        if let Some(allowed) = &self.allowed {
            write!(f, "; allowed: {allowed}")?;
        }
        Ok(())
    }
}

/// Every bad field of one submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// The error for `field`, if any (for a form to show next to it).
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|error| {
            error.field == field
                || error.field.strip_prefix(field).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// A valid submission, split into public fields and the personal contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// Its kind.
    pub kind: SubmissionKind,
    /// Every public field, normalised, including `kind`, never `contact`.
    pub fields: Map<String, Value>,
    /// The contact, to be sealed.
    pub contact: Option<Contact>,
}

/// Validates an interchange submission (with `kind` and a clear `contact`).
pub fn validate_submission(input: &Value) -> Result<Validated, ValidationErrors> {
    let Some(object) = input.as_object() else {
        return Err(ValidationErrors(vec![FieldError {
            field: "(submission)".into(),
            problem: "must be a JSON object".into(),
            allowed: Some("{\"kind\": \"convening_report\", \"title\": …}".into()),
        }]));
    };
    let mut check = Check::new(object);
    let kind = check.kind();
    let contact = match kind {
        Some(kind) => {
            check.fields_of(kind);
            let required = kind != SubmissionKind::ConveningAnnouncement;
            check.contact(required)
        }
        None => None,
    };
    check.finish().map(|fields| Validated { kind: kind.expect("errors otherwise"), fields, contact })
}

/// Validates a stored document's public fields (no clear `contact`; a
/// `sealed_contact` string is allowed).
pub fn validate_public(fields: &Map<String, Value>) -> Result<SubmissionKind, ValidationErrors> {
    let mut check = Check::new(fields);
    check.sealed_ok = true;
    let kind = check.kind();
    if let Some(kind) = kind {
        check.fields_of(kind);
        if fields.contains_key("contact") {
            check.error("contact", "personal data must be sealed, never stored in clear", None);
        }
    }
    check.finish().map(|_| kind.expect("errors otherwise"))
}

/// What listing and filters need of a submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Its kind.
    pub kind: SubmissionKind,
    /// Its title.
    pub title: String,
    /// Its language tag.
    pub language: String,
    /// Its country code.
    pub country: Option<String>,
    /// `convened_on` for reports, `date` for announcements.
    pub date: Option<String>,
    /// Principle codes.
    pub principles: Vec<String>,
    /// Risk codes.
    pub risks: Vec<String>,
    /// Life cycle stage codes.
    pub lifecycle_stages: Vec<String>,
    /// DPI types.
    pub dpi_types: Vec<String>,
    /// Stakeholder groups.
    pub stakeholder_groups: Vec<String>,
}

impl Summary {
    /// The summary of already-validated fields.
    pub fn from_fields(kind: SubmissionKind, fields: &Map<String, Value>) -> Summary {
        let text = |value: Option<&Value>| value.and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let list = |value: Option<&Value>| {
            value
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let location = fields.get("location");
        Summary {
            kind,
            title: text(fields.get("title")).unwrap_or_default(),
            language: text(fields.get("language")).unwrap_or_default(),
            country: text(fields.get("country")).or_else(|| text(location.and_then(|l| l.get("country")))),
            date: text(fields.get("convened_on")).or_else(|| text(fields.get("date"))),
            principles: list(fields.get("principles")),
            risks: list(fields.get("risks")),
            lifecycle_stages: list(fields.get("lifecycle_stages")),
            dpi_types: list(fields.get("dpi_types")),
            stakeholder_groups: list(fields.get("participants").and_then(|p| p.get("stakeholder_groups"))),
        }
    }
}

/// Collects errors and normalised fields in one pass.
struct Check<'a> {
    input: &'a Map<String, Value>,
    errors: Vec<FieldError>,
    out: Map<String, Value>,
    sealed_ok: bool,
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

impl<'a> Check<'a> {
    fn new(input: &'a Map<String, Value>) -> Self {
        Self { input, errors: Vec::new(), out: Map::new(), sealed_ok: false }
    }

    fn error(&mut self, field: &str, problem: &str, allowed: Option<String>) {
        self.errors.push(FieldError { field: field.to_owned(), problem: problem.to_owned(), allowed });
    }

    fn finish(self) -> Result<Map<String, Value>, ValidationErrors> {
        if self.errors.is_empty() { Ok(self.out) } else { Err(ValidationErrors(self.errors)) }
    }

    fn kind(&mut self) -> Option<SubmissionKind> {
        let allowed = || Some("convening_report, case_study, convening_announcement".to_owned());
        match self.input.get("kind") {
            None => {
                self.error("kind", "is missing: say what this submission is", allowed());
                None
            }
            Some(value) => match value.as_str().and_then(SubmissionKind::parse) {
                Some(kind) => {
                    self.out.insert("kind".into(), Value::String(kind.as_str().into()));
                    Some(kind)
                }
                None => {
                    self.error("kind", &format!("{value} is not a kind of submission"), allowed());
                    None
                }
            },
        }
    }

    fn fields_of(&mut self, kind: SubmissionKind) {
        let known = kind.fields();
        for key in self.input.keys() {
            let sealed = self.sealed_ok && key == "sealed_contact";
            if !known.contains(&key.as_str()) && !sealed {
                let allowed = Some(known.join(", "));
                self.error(key, &format!("is not a field of {}", kind.label()), allowed);
            }
        }
        if self.sealed_ok
            && let Some(sealed) = self.input.get("sealed_contact")
        {
            match sealed.as_str() {
                Some(text) if text.len() <= 16_384 && text.chars().all(|c| c.is_ascii_hexdigit()) => {
                    self.out.insert("sealed_contact".into(), sealed.clone());
                }
                _ => self.error("sealed_contact", "must be hexadecimal text", None),
            }
        }
        let taxonomy = Taxonomy::v1();
        self.text("title", true, MAX_TITLE_CHARS);
        self.language();
        self.consent();
        match kind {
            SubmissionKind::ConveningReport => {
                self.date("convened_on", true);
                self.code("format", &taxonomy.formats, true);
                self.location(true);
                self.text_list("host_organizations", 1, 20, 300);
                self.codes("purposes", &taxonomy.purposes, 1);
                self.codes("dpi_types", &taxonomy.dpi_types, 1);
                self.participants();
                self.codes("principles", &taxonomy.principles, 0);
                self.codes("risks", &taxonomy.risks, 0);
                self.codes("lifecycle_stages", &taxonomy.lifecycle_stages, 0);
                self.text("summary", true, MAX_TEXT_CHARS);
                self.text_list("insights", 0, MAX_ITEMS, MAX_ITEM_CHARS);
                self.text_list("quotes", 0, 3, MAX_ITEM_CHARS);
                self.optional_list("photos");
            }
            SubmissionKind::CaseStudy => {
                self.country("country", self.input.get("country"), true);
                self.text("implementer", true, 300);
                self.code("responsible_authority", &taxonomy.responsible_authorities, true);
                self.codes("dpi_types", &taxonomy.dpi_types, 1);
                self.codes("lifecycle_stages", &taxonomy.lifecycle_stages, 0);
                self.codes("principles", &taxonomy.principles, 0);
                self.codes("risks", &taxonomy.risks, 0);
                self.text("context", true, MAX_TEXT_CHARS);
                self.text("challenges", true, MAX_TEXT_CHARS);
                self.text("successes", true, MAX_TEXT_CHARS);
                self.text_list("lessons", 0, MAX_ITEMS, MAX_ITEM_CHARS);
                self.optional_list("attachments");
            }
            SubmissionKind::ConveningAnnouncement => {
                self.date("date", true);
                self.code("format", &taxonomy.formats, true);
                self.location(false);
                self.participation();
                self.text_list("topics", 0, 20, 200);
                self.text("description", false, MAX_TEXT_CHARS);
                self.codes("principles", &taxonomy.principles, 0);
            }
        }
    }

    fn string_at(&mut self, field: &str, value: Option<&Value>, required: bool, max: usize) -> Option<String> {
        match value {
            None | Some(Value::Null) => {
                if required {
                    self.error(field, "is missing", None);
                }
                None
            }
            Some(Value::String(text)) => {
                let text = text.trim();
                if text.is_empty() && required {
                    self.error(field, "is empty", None);
                    None
                } else if chars(text) > max {
                    self.error(
                        field,
                        &format!("is too long ({} characters)", chars(text)),
                        Some(format!("at most {max} characters")),
                    );
                    None
                } else if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
                    self.error(field, "contains control characters", Some("plain text".into()));
                    None
                } else {
                    Some(text.to_owned())
                }
            }
            Some(other) => {
                self.error(field, &format!("must be text, not {}", type_name(other)), None);
                None
            }
        }
    }

    fn text(&mut self, key: &str, required: bool, max: usize) {
        if let Some(text) = self.string_at(key, self.input.get(key), required, max)
            && (!text.is_empty() || required)
        {
            self.out.insert(key.into(), Value::String(text));
        }
    }

    fn list_at<'v>(&mut self, field: &str, value: Option<&'v Value>, min: usize, max: usize) -> Option<&'v Vec<Value>> {
        let value = match value {
            None | Some(Value::Null) if min == 0 => return None,
            None | Some(Value::Null) => {
                self.error(field, "is missing", Some(format!("a list of at least {min}")));
                return None;
            }
            Some(value) => value,
        };
        let Some(items) = value.as_array() else {
            self.error(field, &format!("must be a list, not {}", type_name(value)), None);
            return None;
        };
        if items.len() < min || items.len() > max {
            let allowed = if min == 0 { format!("at most {max} items") } else { format!("{min} to {max} items") };
            self.error(field, &format!("has {} items", items.len()), Some(allowed));
            return None;
        }
        Some(items)
    }

    fn text_list(&mut self, key: &str, min: usize, max: usize, max_chars: usize) {
        let input = self.input;
        let Some(items) = self.list_at(key, input.get(key), min, max) else { return };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let field = format!("{key}[{index}]");
            if let Some(text) = self.string_at(&field, Some(item), true, max_chars) {
                out.push(Value::String(text));
            }
        }
        self.out.insert(key.into(), Value::Array(out));
    }

    fn optional_list(&mut self, key: &str) {
        self.text_list(key, 0, 20, 200);
    }

    fn codes_at(&mut self, field: &str, value: Option<&Value>, terms: &[Term], min: usize) -> Option<Vec<Value>> {
        let items = self.list_at(field, value, min, terms.len().max(1))?;
        let mut codes = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(code) if Taxonomy::has(terms, code) => codes.push(code.to_owned()),
                _ => self.error(
                    &format!("{field}[{index}]"),
                    &format!("{item} is not a known code"),
                    Some(Taxonomy::codes(terms)),
                ),
            }
        }
        codes.sort();
        codes.dedup();
        Some(codes.into_iter().map(Value::String).collect())
    }

    fn codes(&mut self, key: &str, terms: &[Term], min: usize) {
        let input = self.input;
        match self.codes_at(key, input.get(key), terms, min) {
            Some(codes) => {
                self.out.insert(key.into(), Value::Array(codes));
            }
            None if min == 0 && self.input.get(key).is_none_or(Value::is_null) => {
                self.out.insert(key.into(), Value::Array(Vec::new()));
            }
            None => {}
        }
    }

    fn code(&mut self, key: &str, terms: &[Term], required: bool) {
        let Some(text) = self.string_at(key, self.input.get(key), required, 64) else { return };
        if Taxonomy::has(terms, &text) {
            self.out.insert(key.into(), Value::String(text));
        } else {
            self.error(key, &format!("\"{text}\" is not a known code"), Some(Taxonomy::codes(terms)));
        }
    }

    fn language(&mut self) {
        let Some(tag) = self.string_at("language", self.input.get("language"), true, 35) else { return };
        let mut parts = tag.split('-');
        let primary = parts.next().unwrap_or("");
        let ok = (2..=3).contains(&primary.len())
            && primary.chars().all(|c| c.is_ascii_alphabetic())
            && parts.all(|part| (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric()));
        if ok {
            self.out.insert("language".into(), Value::String(tag));
        } else {
            self.error(
                "language",
                &format!("\"{tag}\" is not a language tag"),
                Some("a BCP 47 tag such as en, fr, es, ar, es-419, pt-BR".into()),
            );
        }
    }

    fn date(&mut self, key: &str, required: bool) {
        let Some(text) = self.string_at(key, self.input.get(key), required, 10) else { return };
        if valid_date(&text) {
            self.out.insert(key.into(), Value::String(text));
        } else {
            self.error(key, &format!("\"{text}\" is not a real date"), Some("YYYY-MM-DD, e.g. 2025-03-14".into()));
        }
    }

    fn country(&mut self, field: &str, value: Option<&Value>, required: bool) -> Option<String> {
        let text = self.string_at(field, value, required, 2 + 10)?;
        if text.len() == 2 && text.chars().all(|c| c.is_ascii_uppercase()) {
            Some(text)
        } else if text.is_empty() {
            None
        } else {
            self.error(
                field,
                &format!("\"{text}\" is not a country code"),
                Some("an ISO 3166-1 alpha-2 code in capitals, e.g. KE, FR, BR".into()),
            );
            None
        }
        .inspect(|code| {
            if field == "country" {
                self.out.insert("country".into(), Value::String(code.clone()));
            }
        })
    }

    fn location(&mut self, required: bool) {
        let value = self.input.get("location");
        let Some(object) = value.and_then(Value::as_object) else {
            if value.is_some_and(|v| !v.is_null()) {
                self.error(
                    "location",
                    "must be an object",
                    Some("{\"country\": \"KE\", \"locality\": \"Kisumu\"}".into()),
                );
            } else if required {
                self.error("location", "is missing", Some("{\"country\": \"KE\", \"locality\": \"Kisumu\"}".into()));
            }
            return;
        };
        for key in object.keys().filter(|key| !matches!(key.as_str(), "country" | "locality")) {
            self.error(&format!("location.{key}"), "is not part of a location", Some("country, locality".into()));
        }
        let country = self.country("location.country", object.get("country"), true);
        let locality = self.string_at("location.locality", object.get("locality"), false, 200).unwrap_or_default();
        if let Some(country) = country {
            let mut location = Map::new();
            location.insert("country".into(), Value::String(country));
            location.insert("locality".into(), Value::String(locality));
            self.out.insert("location".into(), Value::Object(location));
        }
    }

    fn participants(&mut self) {
        let Some(object) = self.input.get("participants").and_then(Value::as_object) else {
            self.error(
                "participants",
                "is missing or not an object",
                Some("{\"count\": 24, \"stakeholder_groups\": [\"civil_society\"]}".into()),
            );
            return;
        };
        for key in object.keys().filter(|key| !matches!(key.as_str(), "count" | "stakeholder_groups")) {
            self.error(
                &format!("participants.{key}"),
                "is not part of participants",
                Some("count, stakeholder_groups".into()),
            );
        }
        let count = match object.get("count").and_then(Value::as_u64) {
            Some(count) if (1..=1_000_000).contains(&count) => Some(count),
            _ => {
                self.error("participants.count", "must be a whole number of people", Some("1 to 1000000".into()));
                None
            }
        };
        let groups = self.codes_at(
            "participants.stakeholder_groups",
            object.get("stakeholder_groups"),
            &Taxonomy::v1().stakeholder_groups,
            1,
        );
        if let (Some(count), Some(groups)) = (count, groups) {
            let mut participants = Map::new();
            participants.insert("count".into(), Value::from(count));
            participants.insert("stakeholder_groups".into(), Value::Array(groups));
            self.out.insert("participants".into(), Value::Object(participants));
        }
    }

    fn participation(&mut self) {
        let Some(text) = self.string_at("participation", self.input.get("participation"), true, 20) else { return };
        if matches!(text.as_str(), "open_call" | "curated_list") {
            self.out.insert("participation".into(), Value::String(text));
        } else {
            self.error(
                "participation",
                &format!("\"{text}\" is not a way to take part"),
                Some("open_call, curated_list".into()),
            );
        }
    }

    fn consent(&mut self) {
        match self.input.get("consent_to_publish") {
            Some(Value::Bool(consent)) => {
                self.out.insert("consent_to_publish".into(), Value::Bool(*consent));
            }
            _ => self.error(
                "consent_to_publish",
                "must say yes (true) or no (false): may the secretariat curate and showcase this, without naming anyone",
                Some("true, false".into()),
            ),
        }
    }

    fn contact(&mut self, required: bool) -> Option<Contact> {
        let value = self.input.get("contact");
        let Some(object) = value.and_then(Value::as_object) else {
            if required || value.is_some_and(|v| !v.is_null()) {
                self.error(
                    "contact",
                    "is missing or not an object",
                    Some("{\"name\": \"…\", \"email\": \"…\"} (sealed: only the secretariat can read it)".into()),
                );
            }
            return None;
        };
        for key in object.keys().filter(|key| !matches!(key.as_str(), "name" | "email")) {
            self.error(&format!("contact.{key}"), "is not part of a contact", Some("name, email".into()));
        }
        let name = self.string_at("contact.name", object.get("name"), true, 200);
        let email = self.string_at("contact.email", object.get("email"), true, 254);
        let email = email.filter(|email| {
            let ok = valid_email(email);
            if !ok {
                self.error(
                    "contact.email",
                    &format!("\"{email}\" is not an email address"),
                    Some("name@example.org".into()),
                );
            }
            ok
        });
        Some(Contact { name: name?, email: email? })
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 254
}

fn valid_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        text.get(range).filter(|s| s.chars().all(|c| c.is_ascii_digit())).and_then(|s| s.parse::<u32>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else { return false };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2100).contains(&year) && (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_calendar_dates() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2025-02-29"));
        assert!(!valid_date("2025-13-01"));
        assert!(!valid_date("25-01-01"));
    }

    #[test]
    fn emails_are_checked_for_sanity() {
        assert!(valid_email("amina.okafor@example.org"));
        for bad in ["", "a", "a@b", "@b.org", "a @b.org", "a@b@c.org", "a@.org"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
