//! What a valid submission holds, and one plain message per bad field.
//!
//! Three kinds of submission (see `DOMAIN.md`): convening reports, case
//! studies and convening announcements.
//!
//! - [`validate_submission`] checks the interchange JSON (what `convene
//!   submit`, the web form and the corpus generator (`tests/src/corpus.rs`) produce: with `kind` and
//!   a clear `contact`) and splits it into normalised public fields and the
//!   personal [`Contact`], which the node seals to the secretariat.
//! - [`validate_public`] checks a stored document's public fields (no clear
//!   contact; a `sealed_contact` string is allowed and not looked into).
//! - [`Summary::from_fields`] extracts what listings and filters need.
//!
//! Every bad field is reported in one pass, each as a [`FieldError`] that
//! says which field (a JSON path such as `location.country` or `quotes[3]`),
//! what is wrong and what is allowed, in words a convener understands.
//! Values quoted back in messages are shortened, and the contact's values
//! are never quoted (messages end up in logs). Taxonomy codes are checked
//! against [`Taxonomy::v1`].
//!
//! Normalisation: strings are trimmed; code lists are sorted and
//! deduplicated; the language tag gets its conventional letter case (`pt-br`
//! becomes `pt-BR`); an optional field left out, `null` or an empty optional
//! text is left out of the result.

use std::fmt;

use serde_json::{Map, Value};

use crate::taxonomy::{Taxonomy, Term};

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest name (implementer, contact name), in characters.
pub const MAX_NAME_CHARS: usize = 300;
/// Longest long-text field (summary, context, …), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest item of a text list (insights, quotes, lessons, host organisations), in characters.
pub const MAX_ITEM_CHARS: usize = 2_000;
/// Longest short text (locality, announcement topic, photo or attachment hash), in characters.
pub const MAX_SHORT_CHARS: usize = 200;
/// Most items in any list.
pub const MAX_ITEMS: usize = 50;
/// Most host organisations of a convening report.
pub const MAX_HOST_ORGANIZATIONS: usize = 20;
/// Most quotes in a convening report.
pub const MAX_QUOTES: usize = 3;
/// Most photos of a report, or attachments of a case study.
pub const MAX_FILES: usize = 20;
/// Most topics of a convening announcement.
pub const MAX_TOPICS: usize = 20;
/// Most participants a convening report may count.
pub const MAX_PARTICIPANTS: u64 = 1_000_000;
/// Largest size of a submission's public fields as JSON, in bytes, so that
/// every valid submission fits in one entry (256 KiB) with room to spare.
pub const MAX_PUBLIC_BYTES: usize = 192 * 1024;
/// Longest email address, in bytes.
pub const MAX_EMAIL_BYTES: usize = 254;
/// How people can take part in an announced convening.
pub const PARTICIPATION: [&str; 2] = ["open_call", "curated_list"];

/// The kinds of submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// What came out of a convening: summary, insights, quotes.
    ConveningReport,
    /// An implementer's experience of applying the safeguards.
    CaseStudy,
    /// A planned convening, for the calendar.
    ConveningAnnouncement,
}

impl SubmissionKind {
    /// Every kind.
    pub const ALL: [SubmissionKind; 3] = [Self::ConveningReport, Self::CaseStudy, Self::ConveningAnnouncement];

    /// Its code, as in the `kind` field: `convening_report`, `case_study`,
    /// `convening_announcement`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ConveningReport => "convening_report",
            Self::CaseStudy => "case_study",
            Self::ConveningAnnouncement => "convening_announcement",
        }
    }

    /// The kind with this code, if any.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The fields of an interchange submission of this kind, in form order
    /// (including `kind` and `contact`).
    pub fn fields(&self) -> &'static [&'static str] {
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

    /// "a convening report", for messages.
    fn noun(&self) -> &'static str {
        match self {
            Self::ConveningReport => "a convening report",
            Self::CaseStudy => "a case study",
            Self::ConveningAnnouncement => "a convening announcement",
        }
    }
}

impl fmt::Display for SubmissionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The contact person of a submission: personal data, sealed to the
/// secretariat and never stored or relayed in clear.
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
    /// The field's JSON path, e.g. `title`, `location.country` or `quotes[3]`;
    /// `(submission)` for the submission as a whole.
    pub field: String,
    /// What is wrong, in plain English words.
    pub problem: String,
    /// What would be accepted, when that can be said (in English).
    pub allowed: Option<String>,
    /// What is wrong, for a program: what a UI words in its own language.
    pub reason: Problem,
}

/// What is wrong with a field, without words: the same fact as a
/// [`FieldError`]'s English `problem`, for a UI to say in its language.
/// Serialised with a `code` tag, e.g. `{"code": "too_long", "length": 301, "max": 300}`.
/// Quoted values are shortened to 40 characters; contact values are never quoted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// A required field is left out (or `null`).
    Missing,
    /// A required text is empty or only spaces.
    Empty,
    /// The value is of the wrong JSON type.
    WrongType {
        /// What it must be.
        expected: Shape,
        /// What it is.
        found: JsonType,
    },
    /// A text is longer than allowed.
    TooLong {
        /// Its length, in characters.
        length: usize,
        /// The most allowed, in characters.
        max: usize,
    },
    /// A text holds control characters (other than line breaks and tabs).
    ControlCharacters,
    /// A list has fewer items than needed (`count` may be 0).
    TooFew {
        /// How many it has.
        count: usize,
        /// How many it needs at least.
        min: usize,
    },
    /// A list has more items than allowed.
    TooMany {
        /// How many it has.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A value that is not one of the allowed codes (a kind, a taxonomy code,
    /// a way to take part).
    NotOneOf {
        /// The value given.
        value: String,
        /// The codes allowed.
        allowed: Vec<String>,
        /// The code it looks like, when it differs only in case or spelling.
        suggestion: Option<String>,
    },
    /// Not a BCP 47 language tag.
    BadLanguageTag {
        /// The value given.
        value: String,
    },
    /// Not a real `YYYY-MM-DD` date from 1900 to 2100.
    BadDate {
        /// The value given.
        value: String,
        /// What is wrong with it.
        flaw: DateFlaw,
    },
    /// Not an ISO 3166-1 alpha-2 code (two capital letters).
    BadCountry {
        /// The value given.
        value: String,
        /// The same letters in capitals, when that would be a code.
        suggestion: Option<String>,
    },
    /// Not an email address (the address itself is never quoted).
    BadEmail {
        /// What is wrong with it.
        flaw: EmailFlaw,
    },
    /// A count that is not a whole number.
    NotWholeNumber {
        /// The number given.
        value: String,
    },
    /// A count outside `min..=max`.
    OutOfRange {
        /// The number given.
        value: u64,
        /// The least allowed.
        min: u64,
        /// The most allowed.
        max: u64,
    },
    /// The locality is empty, but the convening is not online.
    PlaceNeeded {
        /// The convening's format code (`in_person`, `hybrid`).
        format: String,
    },
    /// A field that this kind of submission (or this group of fields) does not have.
    UnknownField {
        /// The field it looks like, if any.
        suggestion: Option<String>,
    },
    /// Contact details in clear in a stored document (they must be sealed).
    ClearContact,
    /// The public fields are too large together.
    TooLarge {
        /// Their size, in KiB.
        kib: usize,
        /// The most allowed, in KiB.
        max_kib: usize,
    },
}

/// What a value must be, in a [`Problem::WrongType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A JSON object of a submission's fields.
    Fields,
    /// Text.
    Text,
    /// A list.
    List,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A code (as text).
    Code,
    /// A contact: a name and an email.
    Contact,
    /// A location: a country and a locality.
    Location,
    /// Participants: a count and stakeholder groups.
    Participants,
}

impl Shape {
    /// Every shape.
    pub const ALL: [Shape; 9] = [
        Self::Fields,
        Self::Text,
        Self::List,
        Self::Number,
        Self::Boolean,
        Self::Code,
        Self::Contact,
        Self::Location,
        Self::Participants,
    ];
}

/// The type of a JSON value, in a [`Problem::WrongType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    Text,
    /// An array.
    List,
    /// An object.
    Object,
}

impl JsonType {
    /// Every type.
    pub const ALL: [JsonType; 6] = [Self::Null, Self::Boolean, Self::Number, Self::Text, Self::List, Self::Object];

    /// The type of `value`.
    pub fn of(value: &Value) -> JsonType {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::Text,
            Value::Array(_) => Self::List,
            Value::Object(_) => Self::Object,
        }
    }
}

/// What is wrong with a date, in a [`Problem::BadDate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFlaw {
    /// Not written `YYYY-MM-DD`.
    NotYyyyMmDd,
    /// The month is not 01 to 12.
    NoSuchMonth,
    /// That month has no such day.
    NoSuchDay,
    /// The year is not from 1900 to 2100.
    YearOutOfRange,
}

impl DateFlaw {
    /// Every flaw.
    pub const ALL: [DateFlaw; 4] = [Self::NotYyyyMmDd, Self::NoSuchMonth, Self::NoSuchDay, Self::YearOutOfRange];

    fn english(self) -> &'static str {
        match self {
            Self::NotYyyyMmDd => "is not a date written YYYY-MM-DD",
            Self::NoSuchMonth => "is not a real date: the month must be 01 to 12",
            Self::NoSuchDay => "is not a real date: that month has no such day",
            Self::YearOutOfRange => "is out of range: the year must be between 1900 and 2100",
        }
    }
}

/// What is wrong with an email address, in a [`Problem::BadEmail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailFlaw {
    /// Longer than 254 characters.
    TooLong,
    /// It contains a space.
    Space,
    /// It has no `@`.
    NoAt,
    /// It has more than one `@`.
    SeveralAts,
    /// Nothing comes before the `@`.
    NothingBeforeAt,
    /// The part after the `@` is not a domain.
    BadDomain,
}

impl EmailFlaw {
    /// Every flaw.
    pub const ALL: [EmailFlaw; 6] =
        [Self::TooLong, Self::Space, Self::NoAt, Self::SeveralAts, Self::NothingBeforeAt, Self::BadDomain];

    fn english(self) -> &'static str {
        match self {
            Self::TooLong => "it is longer than 254 characters",
            Self::Space => "it contains a space",
            Self::NoAt => "it has no @",
            Self::SeveralAts => "it has more than one @",
            Self::NothingBeforeAt => "nothing comes before the @",
            Self::BadDomain => "the part after the @ must be a domain such as example.org",
        }
    }
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

/// Every bad field of one submission (never empty when returned as an error).
/// Serialises as a list of [`FieldError`], for a form to show next to its fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// The first error about `field` or anything inside it (`participants`
    /// matches `participants.count` and `principles` matches `principles[2]`).
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

/// A valid submission, split into its public fields and the personal contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// Its kind.
    pub kind: SubmissionKind,
    /// Every public field, normalised: includes `kind`, never `contact`.
    pub fields: Map<String, Value>,
    /// The contact, to be sealed (always present for reports and case studies).
    pub contact: Option<Contact>,
}

/// Validates an interchange submission (the JSON of `DOMAIN.md` and
/// the corpus generator, with `kind` and a clear `contact`), reporting every bad
/// field at once.
pub fn validate_submission(input: &Value) -> Result<Validated, ValidationErrors> {
    let Some(object) = input.as_object() else {
        return Err(ValidationErrors(vec![FieldError {
            field: WHOLE.into(),
            problem: format!("must be a JSON object of fields, not {}", type_name(input)),
            allowed: Some(r#"{"kind": "convening_report", "title": "…", …}"#.into()),
            reason: Problem::WrongType { expected: Shape::Fields, found: JsonType::of(input) },
        }]));
    };
    let mut check = Check::new(object, Mode::Submission);
    let Some(kind) = check.kind() else { return Err(ValidationErrors(check.errors)) };
    check.fields_of(kind);
    let contact = check.contact.take();
    check.finish().map(|fields| Validated { kind, fields, contact })
}

/// Validates the public fields of a stored document: the same rules, but a
/// clear `contact` is refused and a `sealed_contact` string is allowed (and
/// not looked into). Returns the document's kind.
pub fn validate_public(fields: &Map<String, Value>) -> Result<SubmissionKind, ValidationErrors> {
    let mut check = Check::new(fields, Mode::Public);
    let Some(kind) = check.kind() else { return Err(ValidationErrors(check.errors)) };
    check.fields_of(kind);
    check.finish().map(|_| kind)
}

/// What listings and filters need of a submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Its kind.
    pub kind: SubmissionKind,
    /// Its title.
    pub title: String,
    /// Its language tag.
    pub language: String,
    /// Its country code: `location.country`, or `country` for a case study.
    pub country: Option<String>,
    /// `convened_on` for a report, `date` for an announcement, `None` for a case study.
    pub date: Option<String>,
    /// Principle codes.
    pub principles: Vec<String>,
    /// Risk codes.
    pub risks: Vec<String>,
    /// Life cycle stage codes.
    pub lifecycle_stages: Vec<String>,
    /// DPI type codes.
    pub dpi_types: Vec<String>,
    /// Stakeholder group codes of a report's participants.
    pub stakeholder_groups: Vec<String>,
}

impl Summary {
    /// The summary of already-validated public fields (missing fields give
    /// empty values; nothing here panics on unexpected input).
    pub fn from_fields(kind: SubmissionKind, fields: &Map<String, Value>) -> Summary {
        let text = |value: Option<&Value>| value.and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let list = |value: Option<&Value>| -> Vec<String> {
            value
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let country = match kind {
            SubmissionKind::CaseStudy => text(fields.get("country")),
            _ => text(fields.get("location").and_then(|location| location.get("country"))),
        };
        let date = match kind {
            SubmissionKind::ConveningReport => text(fields.get("convened_on")),
            SubmissionKind::ConveningAnnouncement => text(fields.get("date")),
            SubmissionKind::CaseStudy => None,
        };
        Summary {
            kind,
            title: text(fields.get("title")).unwrap_or_default(),
            language: text(fields.get("language")).unwrap_or_default(),
            country,
            date,
            principles: list(fields.get("principles")),
            risks: list(fields.get("risks")),
            lifecycle_stages: list(fields.get("lifecycle_stages")),
            dpi_types: list(fields.get("dpi_types")),
            stakeholder_groups: list(fields.get("participants").and_then(|p| p.get("stakeholder_groups"))),
        }
    }
}

/// The `field` of an error about the submission as a whole.
pub const WHOLE: &str = "(submission)";

/// Which input is being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Interchange JSON, with a clear contact.
    Submission,
    /// A stored document's public fields, with at most a sealed contact.
    Public,
}

/// Whether a field must be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Must be present (and, for text, not empty).
    Required,
    /// May be left out or `null`.
    Optional,
}

/// Collects errors and normalised fields in one pass.
struct Check<'a> {
    input: &'a Map<String, Value>,
    mode: Mode,
    errors: Vec<FieldError>,
    out: Map<String, Value>,
    contact: Option<Contact>,
}

impl<'a> Check<'a> {
    fn new(input: &'a Map<String, Value>, mode: Mode) -> Self {
        Self { input, mode, errors: Vec::new(), out: Map::new(), contact: None }
    }

    /// Records a bad field: what is wrong (`reason`, and `problem` in English) and what is allowed.
    fn fail(&mut self, field: &str, (reason, problem): Flaw, allowed: impl Into<Option<String>>) {
        self.errors.push(FieldError { field: field.to_owned(), problem, allowed: allowed.into(), reason });
    }

    /// The top-level field `key`; `null` counts as left out.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.input.get(key).filter(|value| !value.is_null())
    }

    fn finish(mut self) -> Result<Map<String, Value>, ValidationErrors> {
        if self.errors.is_empty() {
            let size = map_size(&self.out);
            if size > MAX_PUBLIC_BYTES {
                let (kib, max_kib) = (size.div_ceil(1024), MAX_PUBLIC_BYTES / 1024);
                self.fail(
                    WHOLE,
                    (Problem::TooLarge { kib, max_kib }, format!("is too large as a whole ({kib} KiB of text)")),
                    format!("at most {max_kib} KiB: shorten the longest texts or lists"),
                );
            }
        }
        if self.errors.is_empty() { Ok(self.out) } else { Err(ValidationErrors(self.errors)) }
    }

    fn kind(&mut self) -> Option<SubmissionKind> {
        let allowed = || Some(codes_of(SubmissionKind::ALL.iter().map(SubmissionKind::as_str)));
        match self.get("kind") {
            None => {
                self.fail("kind", (Problem::Missing, "is missing: say what this submission is".into()), allowed());
                None
            }
            Some(value) => match value.as_str().map(str::trim).and_then(SubmissionKind::parse) {
                Some(kind) => {
                    self.out.insert("kind".into(), Value::String(kind.as_str().into()));
                    Some(kind)
                }
                None => {
                    let reason = match value.as_str() {
                        Some(text) => Problem::NotOneOf {
                            value: short(text),
                            allowed: SubmissionKind::ALL.iter().map(|kind| kind.as_str().to_owned()).collect(),
                            suggestion: None,
                        },
                        None => Problem::WrongType { expected: Shape::Code, found: JsonType::of(value) },
                    };
                    self.fail("kind", (reason, format!("{} is not a kind of submission", shown(value))), allowed());
                    None
                }
            },
        }
    }

    /// The fields this input may have besides those of the kind.
    fn allowed_fields(&self, kind: SubmissionKind) -> Vec<&'static str> {
        let mut fields: Vec<&'static str> = kind.fields().to_vec();
        if self.mode == Mode::Public {
            fields.retain(|field| *field != "contact");
            fields.push("sealed_contact");
        }
        fields
    }

    fn fields_of(&mut self, kind: SubmissionKind) {
        let taxonomy = Taxonomy::v1();
        self.text("title", Need::Required, MAX_TITLE_CHARS, "a title of 1 to 300 characters");
        self.language();
        match kind {
            SubmissionKind::ConveningReport => {
                self.date("convened_on", "the date the convening took place");
                let format = self.code("format", &taxonomy.formats, "format");
                self.location(format.as_deref());
                self.text_list(
                    "host_organizations",
                    Need::Required,
                    (1, MAX_HOST_ORGANIZATIONS),
                    MAX_ITEM_CHARS,
                    "the names of the 1 to 20 organisations that hosted the convening",
                );
                self.contact(Need::Required);
                self.codes("purposes", Need::Required, 1, &taxonomy.purposes, "purpose");
                self.codes("dpi_types", Need::Required, 1, &taxonomy.dpi_types, "DPI type");
                self.participants();
                self.codes("principles", Need::Required, 0, &taxonomy.principles, "principle");
                self.codes("risks", Need::Required, 0, &taxonomy.risks, "risk");
                self.codes("lifecycle_stages", Need::Required, 0, &taxonomy.lifecycle_stages, "life cycle stage");
                self.text(
                    "summary",
                    Need::Required,
                    MAX_TEXT_CHARS,
                    "a summary of the discussion, 1 to 20000 characters",
                );
                self.text_list(
                    "insights",
                    Need::Required,
                    (1, MAX_ITEMS),
                    MAX_ITEM_CHARS,
                    "1 to 50 key insights or recommendations, each at most 2000 characters",
                );
                self.text_list(
                    "quotes",
                    Need::Optional,
                    (0, MAX_QUOTES),
                    MAX_ITEM_CHARS,
                    "at most 3 quotes from the discussion, each at most 2000 characters, never saying who said them",
                );
                self.text_list(
                    "photos",
                    Need::Optional,
                    (0, MAX_FILES),
                    MAX_SHORT_CHARS,
                    "at most 20 photo references (content hashes)",
                );
            }
            SubmissionKind::CaseStudy => {
                self.country("country", self.get("country"), "the country where it happened");
                self.text("implementer", Need::Required, MAX_NAME_CHARS, "the implementer's name, 1 to 300 characters");
                self.code("responsible_authority", &taxonomy.responsible_authorities, "responsible authority");
                self.contact(Need::Required);
                self.codes("dpi_types", Need::Required, 1, &taxonomy.dpi_types, "DPI type");
                self.codes("lifecycle_stages", Need::Required, 0, &taxonomy.lifecycle_stages, "life cycle stage");
                self.codes("principles", Need::Required, 0, &taxonomy.principles, "principle");
                self.codes("risks", Need::Required, 0, &taxonomy.risks, "risk");
                let long = "text of 1 to 20000 characters";
                self.text("context", Need::Required, MAX_TEXT_CHARS, long);
                self.text("challenges", Need::Required, MAX_TEXT_CHARS, long);
                self.text("successes", Need::Required, MAX_TEXT_CHARS, long);
                self.text_list(
                    "lessons",
                    Need::Required,
                    (1, MAX_ITEMS),
                    MAX_ITEM_CHARS,
                    "1 to 50 lessons learned, each at most 2000 characters",
                );
                self.text_list(
                    "attachments",
                    Need::Optional,
                    (0, MAX_FILES),
                    MAX_SHORT_CHARS,
                    "at most 20 attachment references (content hashes)",
                );
            }
            SubmissionKind::ConveningAnnouncement => {
                self.date("date", "the date the convening will take place");
                let format = self.code("format", &taxonomy.formats, "format");
                self.location(format.as_deref());
                self.participation();
                self.text_list(
                    "topics",
                    Need::Required,
                    (1, MAX_TOPICS),
                    MAX_SHORT_CHARS,
                    "1 to 20 short topics, each at most 200 characters",
                );
                self.text(
                    "description",
                    Need::Optional,
                    MAX_TEXT_CHARS,
                    "a description of at most 20000 characters (optional)",
                );
                self.codes("principles", Need::Optional, 0, &taxonomy.principles, "principle");
                self.contact(Need::Optional);
            }
        }
        self.consent();
        self.sealed_contact();
        self.unknown_fields(kind);
    }

    fn unknown_fields(&mut self, kind: SubmissionKind) {
        let allowed = self.allowed_fields(kind);
        let input = self.input;
        for key in input.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            if self.mode == Mode::Public && key == "contact" {
                let problem = "contact details must never be stored in clear: they are sealed so only the secretariat \
                               can read them";
                self.fail("contact", (Problem::ClearContact, problem.into()), Some("sealed_contact".to_owned()));
                continue;
            }
            let mut problem = format!("unknown field: {} has no field of this name", kind.noun());
            let near = allowed.iter().find(|field| loose(field) == loose(key));
            if let Some(near) = near {
                problem.push_str(&format!(" (did you mean `{near}`?)"));
            }
            let reason = Problem::UnknownField { suggestion: near.map(|near| (*near).to_owned()) };
            self.fail(key, (reason, problem), format!("the fields of {}: {}", kind.noun(), allowed.join(", ")));
        }
    }

    /// Checks a string; `None` when it is bad (reported) or left out. An
    /// optional string may come back empty.
    fn string(&mut self, field: &str, value: Option<&Value>, need: Need, max: usize, allowed: &str) -> Option<String> {
        match check_string(value, need, max) {
            Ok(text) => text,
            Err(flaw) => {
                self.fail(field, flaw, allowed.to_owned());
                None
            }
        }
    }

    /// A top-level text field; an empty optional one is left out.
    fn text(&mut self, key: &str, need: Need, max: usize, allowed: &str) {
        if let Some(text) = self.string(key, self.get(key), need, max, allowed)
            && !text.is_empty()
        {
            self.out.insert(key.into(), Value::String(text));
        }
    }

    /// Checks a list's presence, type and length; its items are the caller's.
    /// `allowed` is only called when something is wrong.
    fn list<'v>(
        &mut self,
        field: &str,
        value: Option<&'v Value>,
        need: Need,
        bounds: (usize, usize),
        allowed: impl FnOnce() -> String,
    ) -> Option<&'v [Value]> {
        match check_list(value, need, bounds) {
            Ok(items) => items,
            Err(flaw) => {
                self.fail(field, flaw, allowed());
                None
            }
        }
    }

    /// A top-level list of texts, each trimmed and not empty.
    fn text_list(&mut self, key: &str, need: Need, bounds: (usize, usize), max_chars: usize, allowed: &str) {
        let Some(items) = self.list(key, self.get(key), need, bounds, || allowed.to_owned()) else { return };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match check_string(Some(item), Need::Required, max_chars) {
                Ok(Some(text)) => out.push(Value::String(text)),
                Ok(None) => {}
                Err(flaw) => {
                    self.fail(&format!("{key}[{index}]"), flaw, format!("text of 1 to {max_chars} characters"));
                }
            }
        }
        if out.len() == items.len() {
            self.out.insert(key.into(), Value::Array(out));
        }
    }

    /// Checks a list of codes from `terms`; returns them sorted and deduplicated.
    fn code_list(
        &mut self,
        field: &str,
        value: Option<&Value>,
        need: Need,
        min: usize,
        terms: &[Term],
        noun: &str,
    ) -> Option<Vec<Value>> {
        let items = self.list(field, value, need, (min, MAX_ITEMS), || {
            let codes = Taxonomy::codes(terms);
            match min {
                0 => format!("a list of {noun} codes, which may be empty: {codes}"),
                1 => format!("a list of at least one {noun} code: {codes}"),
                _ => format!("a list of at least {min} {noun} codes: {codes}"),
            }
        })?;
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match check_code(item, terms, noun) {
                Ok(code) => out.push(code),
                Err(flaw) => self.fail(&format!("{field}[{index}]"), flaw, Taxonomy::codes(terms)),
            }
        }
        if out.len() < items.len() {
            return None;
        }
        out.sort_unstable();
        out.dedup();
        Some(out.into_iter().map(|code| Value::String(code.to_owned())).collect())
    }

    /// A top-level list of codes; an optional one left out stays out.
    fn codes(&mut self, key: &str, need: Need, min: usize, terms: &[Term], noun: &str) {
        if let Some(codes) = self.code_list(key, self.get(key), need, min, terms, noun) {
            self.out.insert(key.into(), Value::Array(codes));
        }
    }

    /// A required top-level code; returns it when good.
    fn code(&mut self, key: &str, terms: &[Term], noun: &str) -> Option<String> {
        let Some(value) = self.get(key) else {
            self.fail(key, (Problem::Missing, format!("is missing: choose a {noun}")), Taxonomy::codes(terms));
            return None;
        };
        match check_code(value, terms, noun) {
            Ok(code) => {
                self.out.insert(key.into(), Value::String(code.to_owned()));
                Some(code.to_owned())
            }
            Err(flaw) => {
                self.fail(key, flaw, Taxonomy::codes(terms));
                None
            }
        }
    }

    fn language(&mut self) {
        let allowed = "a language tag (BCP 47): a 2 or 3 letter language code, optionally followed by a region \
                       or script, e.g. en, fr, es, ar, es-419, pt-BR";
        let Some(tag) = self.string("language", self.get("language"), Need::Required, 64, allowed) else { return };
        match canonical_language(&tag) {
            Some(tag) => {
                self.out.insert("language".into(), Value::String(tag));
            }
            None => {
                let reason = Problem::BadLanguageTag { value: short(&tag) };
                self.fail(
                    "language",
                    (reason, format!("{} is not a language tag", shown_str(&tag))),
                    allowed.to_owned(),
                );
            }
        }
    }

    fn date(&mut self, key: &str, what: &str) {
        let allowed = format!("{what}, written YYYY-MM-DD, e.g. 2025-03-14");
        let Some(text) = self.string(key, self.get(key), Need::Required, 64, &allowed) else { return };
        match date_problem(&text) {
            None => {
                self.out.insert(key.into(), Value::String(text));
            }
            Some(flaw) => {
                let problem = format!("{} {}", shown_str(&text), flaw.english());
                self.fail(key, (Problem::BadDate { value: short(&text), flaw }, problem), allowed);
            }
        }
    }

    /// A required country code at `field`: an assigned ISO 3166-1 alpha-2
    /// code; top-level `country` is stored.
    fn country(&mut self, field: &str, value: Option<&Value>, what: &str) -> Option<String> {
        let allowed = format!("{what}, e.g. KE, FR");
        let text = self.string(field, value, Need::Required, 64, &allowed)?;
        if is_assigned_country(&text) {
            if field == "country" {
                self.out.insert("country".into(), Value::String(text.clone()));
            }
            return Some(text);
        }
        let suggestion = country_suggestion(&text);
        let two_capitals = text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase());
        let problem = if two_capitals {
            format!("{} is not an assigned ISO 3166-1 alpha-2 country code", shown_str(&text))
        } else {
            format!("must be an ISO 3166-1 alpha-2 country code (two capital letters), not {}", shown_str(&text))
        };
        let hint = match &suggestion {
            Some(code) => format!(" (did you mean {code}?)"),
            None => String::new(),
        };
        let reason = Problem::BadCountry { value: short(&text), suggestion };
        self.fail(field, (reason, format!("{problem}{hint}")), allowed);
        None
    }

    /// `location`: a country, and a locality that may be empty only online.
    fn location(&mut self, format: Option<&str>) {
        let allowed = r#"{"country": "KE", "locality": "Kisumu"} (the locality may be empty for an online convening)"#;
        let Some(value) = self.get("location") else {
            let problem = "is missing: say in which country (and town or place) it takes place";
            self.fail("location", (Problem::Missing, problem.into()), allowed.to_owned());
            return;
        };
        let Some(object) = value.as_object() else {
            let problem = format!("must be a country and a locality, not {}", type_name(value));
            self.fail("location", (wrong_type(Shape::Location, value), problem), allowed.to_owned());
            return;
        };
        for key in object.keys().filter(|key| !matches!(key.as_str(), "country" | "locality")) {
            let problem = "unknown field: a location has only a country and a locality";
            let reason = Problem::UnknownField { suggestion: None };
            self.fail(&format!("location.{key}"), (reason, problem.into()), Some("country, locality".to_owned()));
        }
        let country = self.country("location.country", object.get("country"), "the country where it takes place");
        let locality_allowed = "the town or place, at most 200 characters (empty only for an online convening)";
        let locality =
            self.string("location.locality", object.get("locality"), Need::Optional, MAX_SHORT_CHARS, locality_allowed);
        let given = object.get("locality").is_some_and(|value| !value.is_null());
        let locality = match locality {
            None if given => None, // reported
            locality => {
                let locality = locality.unwrap_or_default();
                match format {
                    Some(format) if locality.is_empty() && format != "online" => {
                        let problem = format!(
                            "is empty: say where the convening takes place (only an online one may leave it empty, \
                             and this one is {})",
                            format.replace('_', " ")
                        );
                        let reason = Problem::PlaceNeeded { format: format.to_owned() };
                        self.fail("location.locality", (reason, problem), locality_allowed.to_owned());
                        None
                    }
                    _ => Some(locality),
                }
            }
        };
        if let (Some(country), Some(locality)) = (country, locality) {
            let mut location = Map::new();
            location.insert("country".into(), Value::String(country));
            location.insert("locality".into(), Value::String(locality));
            self.out.insert("location".into(), Value::Object(location));
        }
    }

    fn participants(&mut self) {
        let allowed = r#"{"count": 24, "stakeholder_groups": ["civil_society", "government"]}"#;
        let Some(value) = self.get("participants") else {
            let problem = "is missing: say how many took part and from which groups";
            self.fail("participants", (Problem::Missing, problem.into()), allowed.to_owned());
            return;
        };
        let Some(object) = value.as_object() else {
            let problem = format!("must be a count and stakeholder groups, not {}", type_name(value));
            self.fail("participants", (wrong_type(Shape::Participants, value), problem), allowed.to_owned());
            return;
        };
        for key in object.keys().filter(|key| !matches!(key.as_str(), "count" | "stakeholder_groups")) {
            let problem = "unknown field: participants have only a count and stakeholder groups";
            let reason = Problem::UnknownField { suggestion: None };
            self.fail(
                &format!("participants.{key}"),
                (reason, problem.into()),
                Some("count, stakeholder_groups".to_owned()),
            );
        }
        let count_allowed = format!("a whole number of people from 1 to {MAX_PARTICIPANTS}");
        let count = match object.get("count").filter(|value| !value.is_null()) {
            None => {
                let problem = "is missing: say how many people took part";
                self.fail("participants.count", (Problem::Missing, problem.into()), count_allowed);
                None
            }
            // A whole number written with a fraction (`24.0`) is a whole number, as in JSON Schema.
            Some(value) => match value.as_u64().or_else(|| {
                value
                    .as_f64()
                    .filter(|n| n.fract() == 0.0 && (0.0..=MAX_PARTICIPANTS as f64 + 1.0).contains(n))
                    .map(|n| n as u64)
            }) {
                Some(count) if (1..=MAX_PARTICIPANTS).contains(&count) => Some(count),
                Some(count) => {
                    let problem = if count == 0 {
                        "is 0: at least one person took part".to_owned()
                    } else {
                        format!("{count} is more than {MAX_PARTICIPANTS}")
                    };
                    let reason = Problem::OutOfRange { value: count, min: 1, max: MAX_PARTICIPANTS };
                    self.fail("participants.count", (reason, problem), count_allowed);
                    None
                }
                None if value.is_number() => {
                    let problem = format!("{value} is not a whole number of people");
                    let reason = Problem::NotWholeNumber { value: short(&value.to_string()) };
                    self.fail("participants.count", (reason, problem), count_allowed);
                    None
                }
                None => {
                    let problem = format!("must be a number, not {}", type_name(value));
                    self.fail("participants.count", (wrong_type(Shape::Number, value), problem), count_allowed);
                    None
                }
            },
        };
        let groups = self.code_list(
            "participants.stakeholder_groups",
            object.get("stakeholder_groups"),
            Need::Required,
            1,
            &Taxonomy::v1().stakeholder_groups,
            "stakeholder group",
        );
        if let (Some(count), Some(groups)) = (count, groups) {
            let mut participants = Map::new();
            participants.insert("count".into(), Value::from(count));
            participants.insert("stakeholder_groups".into(), Value::Array(groups));
            self.out.insert("participants".into(), Value::Object(participants));
        }
    }

    fn participation(&mut self) {
        let allowed = "open_call (anyone may join) or curated_list (by invitation)";
        let Some(text) = self.string("participation", self.get("participation"), Need::Required, 64, allowed) else {
            return;
        };
        if PARTICIPATION.contains(&text.as_str()) {
            self.out.insert("participation".into(), Value::String(text));
        } else {
            let reason = Problem::NotOneOf {
                value: short(&text),
                allowed: PARTICIPATION.iter().map(|code| (*code).to_owned()).collect(),
                suggestion: None,
            };
            let problem = format!("{} is not a way to take part", shown_str(&text));
            self.fail("participation", (reason, problem), allowed.to_owned());
        }
    }

    fn consent(&mut self) {
        let allowed =
            "true (yes, the secretariat may curate it and show it publicly without naming anyone) or false (no)";
        match self.get("consent_to_publish") {
            Some(Value::Bool(consent)) => {
                self.out.insert("consent_to_publish".into(), Value::Bool(*consent));
            }
            None => self.fail(
                "consent_to_publish",
                (Problem::Missing, "is missing: say whether you consent to publication".into()),
                allowed.to_owned(),
            ),
            Some(other) => self.fail(
                "consent_to_publish",
                (wrong_type(Shape::Boolean, other), format!("must be true or false, not {}", type_name(other))),
                allowed.to_owned(),
            ),
        }
    }

    /// In a stored document: a `sealed_contact` must be a string; it is not
    /// looked into (nor kept in the normalised fields).
    fn sealed_contact(&mut self) {
        if self.mode == Mode::Public
            && let Some(value) = self.get("sealed_contact")
            && !value.is_string()
        {
            self.fail(
                "sealed_contact",
                (wrong_type(Shape::Text, value), format!("must be text, not {}", type_name(value))),
                Some("the sealed contact, as text".to_owned()),
            );
        }
    }

    /// The clear contact of an interchange submission. Its values are never
    /// quoted in messages.
    fn contact(&mut self, need: Need) {
        if self.mode == Mode::Public {
            return; // A clear contact is refused as an unknown field.
        }
        let allowed = r#"{"name": "…", "email": "…"}: the contact person, readable only by the secretariat"#;
        let Some(value) = self.get("contact") else {
            if need == Need::Required {
                let problem = "is missing: give a contact person's name and email";
                self.fail("contact", (Problem::Missing, problem.into()), allowed.to_owned());
            }
            return;
        };
        let Some(object) = value.as_object() else {
            let problem = format!("must be a name and an email, not {}", type_name(value));
            self.fail("contact", (wrong_type(Shape::Contact, value), problem), allowed.to_owned());
            return;
        };
        for key in object.keys().filter(|key| !matches!(key.as_str(), "name" | "email")) {
            let problem = "unknown field: a contact has only a name and an email";
            let reason = Problem::UnknownField { suggestion: None };
            self.fail(&format!("contact.{key}"), (reason, problem.into()), Some("name, email".to_owned()));
        }
        let name = self.string(
            "contact.name",
            object.get("name"),
            Need::Required,
            MAX_NAME_CHARS,
            "the contact person's name, 1 to 300 characters",
        );
        let email_allowed = "an email address such as name@example.org";
        let email = self.string("contact.email", object.get("email"), Need::Required, 1024, email_allowed);
        let email = email.filter(|email| match email_problem(email) {
            None => true,
            Some(flaw) => {
                let problem = format!("is not a valid email address: {}", flaw.english());
                self.fail("contact.email", (Problem::BadEmail { flaw }, problem), email_allowed.to_owned());
                false
            }
        });
        if let (Some(name), Some(email)) = (name, email) {
            self.contact = Some(Contact { name, email });
        }
    }
}

/// What is wrong with a field, and the same in English words.
type Flaw = (Problem, String);

/// A [`Problem::WrongType`] for `value`.
fn wrong_type(expected: Shape, value: &Value) -> Problem {
    Problem::WrongType { expected, found: JsonType::of(value) }
}

/// A string, trimmed: `Ok(None)` when left out (and optional), an empty
/// string only when optional; `Err` says what is wrong.
fn check_string(value: Option<&Value>, need: Need, max: usize) -> Result<Option<String>, Flaw> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return if need == Need::Required { Err((Problem::Missing, "is missing".to_owned())) } else { Ok(None) };
    };
    let Some(text) = value.as_str() else {
        return Err((wrong_type(Shape::Text, value), format!("must be text, not {}", type_name(value))));
    };
    let text = text.trim();
    if text.is_empty() && need == Need::Required {
        return Err((Problem::Empty, "is empty: please fill it in".to_owned()));
    }
    // Cheap bound first: a text of at most `max` bytes has at most `max` characters.
    if text.len() > max {
        let length = text.chars().count();
        if length > max {
            let problem = format!("is too long: {length} characters, more than the {max} allowed");
            return Err((Problem::TooLong { length, max }, problem));
        }
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        let problem = "contains invisible control characters: use plain text";
        return Err((Problem::ControlCharacters, problem.to_owned()));
    }
    Ok(Some(text.to_owned()))
}

/// A list's items: `Ok(None)` when left out (and optional); `Err` says what is wrong.
fn check_list(value: Option<&Value>, need: Need, (min, max): (usize, usize)) -> Result<Option<&[Value]>, Flaw> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return if need == Need::Required { Err((Problem::Missing, "is missing".to_owned())) } else { Ok(None) };
    };
    let Some(items) = value.as_array() else {
        let hint = if value.is_string() { ": put the text in a list, like [\"…\"]" } else { "" };
        return Err((wrong_type(Shape::List, value), format!("must be a list, not {}{hint}", type_name(value))));
    };
    let count = items.len();
    if count < min {
        let problem = if items.is_empty() && min == 1 {
            "is empty: give at least one".to_owned()
        } else if items.is_empty() {
            format!("is empty: give at least {min}")
        } else {
            format!("has {count} items, fewer than {min}")
        };
        return Err((Problem::TooFew { count, min }, problem));
    }
    if count > max {
        return Err((Problem::TooMany { count, max }, format!("has {count} items, more than the {max} allowed")));
    }
    Ok(Some(items))
}

/// The code of `terms` that `value` names; `Err` says what is wrong.
fn check_code<'t>(value: &Value, terms: &'t [Term], noun: &str) -> Result<&'t str, Flaw> {
    let Some(text) = value.as_str() else {
        return Err((wrong_type(Shape::Code, value), format!("must be a {noun} code, not {}", type_name(value))));
    };
    let code = text.trim();
    if let Some(term) = Taxonomy::find(terms, code) {
        return Ok(&term.code);
    }
    let mut problem = format!("{} is not a {noun} code", shown_str(text));
    let near = terms.iter().find(|term| loose(&term.code) == loose(code));
    if let Some(term) = near {
        problem.push_str(&format!(" (codes are written exactly as listed: did you mean {}?)", term.code));
    }
    let reason = Problem::NotOneOf {
        value: short(text),
        allowed: terms.iter().map(|term| term.code.clone()).collect(),
        suggestion: near.map(|term| term.code.clone()),
    };
    Err((reason, problem))
}

/// About how many bytes `value` takes as JSON (strings counted unescaped):
/// cheap enough to run on every submission.
fn json_size(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => 8,
        Value::String(text) => text.len() + 2,
        Value::Array(items) => 2 + items.iter().map(|item| json_size(item) + 1).sum::<usize>(),
        Value::Object(map) => map_size(map),
    }
}

/// [`json_size`] of a map.
fn map_size(map: &Map<String, Value>) -> usize {
    2 + map.iter().map(|(key, item)| key.len() + 4 + json_size(item)).sum::<usize>()
}

/// The assigned ISO 3166-1 alpha-2 codes, as data: `protocol/data/iso3166-1-alpha2.txt`.
const COUNTRY_CODES_FILE: &str = include_str!("../data/iso3166-1-alpha2.txt");

/// Every assigned ISO 3166-1 alpha-2 country code (249), sorted.
pub fn country_codes() -> impl Iterator<Item = &'static str> {
    COUNTRY_CODES_FILE.lines().filter(|line| !line.starts_with('#')).flat_map(str::split_whitespace)
}

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code, written in capitals
/// (`KE` is; `ke`, `XX` and `UK` are not).
pub fn is_assigned_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) && country_codes().any(|known| known == code)
}

/// The assigned code a bad country code probably means: the same letters in
/// capitals (`ke` → `KE`), or the code of a well-known reserved alias
/// (`UK` → `GB`, `EL` → `GR`).
fn country_suggestion(text: &str) -> Option<String> {
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    let alias = match upper.as_str() {
        "UK" => "GB",
        "EL" => "GR",
        _ => upper.as_str(),
    };
    (is_assigned_country(alias) && alias != text).then(|| alias.to_owned())
}

/// What is wrong with an email address, if anything (a sanity check, not RFC 5322).
fn email_problem(email: &str) -> Option<EmailFlaw> {
    if email.len() > MAX_EMAIL_BYTES {
        return Some(EmailFlaw::TooLong);
    }
    if email.chars().any(char::is_whitespace) {
        return Some(EmailFlaw::Space);
    }
    let Some((local, domain)) = email.split_once('@') else { return Some(EmailFlaw::NoAt) };
    if domain.contains('@') {
        return Some(EmailFlaw::SeveralAts);
    }
    if local.is_empty() {
        return Some(EmailFlaw::NothingBeforeAt);
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Some(EmailFlaw::BadDomain);
    }
    None
}

/// What is wrong with a `YYYY-MM-DD` date, if anything.
fn date_problem(text: &str) -> Option<DateFlaw> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return Some(DateFlaw::NotYyyyMmDd);
    }
    let number = |from: usize, to: usize| text[from..to].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0, 4), number(5, 7), number(8, 10));
    if !(1..=12).contains(&month) {
        return Some(DateFlaw::NoSuchMonth);
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Some(DateFlaw::NoSuchDay);
    }
    if !(1900..=2100).contains(&year) {
        return Some(DateFlaw::YearOutOfRange);
    }
    None
}

/// A BCP 47 tag in its conventional case (`pt-br` → `pt-BR`, `zh-hant` →
/// `zh-Hant`), or `None` when it is not one: a 2–3 letter language, then
/// subtags of 1–8 letters or digits.
fn canonical_language(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = primary.to_ascii_lowercase();
    let mut extension = false;
    for part in parts {
        if !(1..=8).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let alphabetic = part.bytes().all(|b| b.is_ascii_alphabetic());
        out.push('-');
        if part.len() == 1 {
            extension = true;
        }
        if !extension && alphabetic && part.len() == 2 {
            out.push_str(&part.to_ascii_uppercase());
        } else if !extension && alphabetic && part.len() == 4 {
            out.push_str(&part[..1].to_ascii_uppercase());
            out.push_str(&part[1..].to_ascii_lowercase());
        } else {
            out.push_str(&part.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// A name compared loosely: lower case, `-` and spaces as `_`, no final `s`.
fn loose(name: &str) -> String {
    let lowered = name.trim().to_lowercase().replace(['-', ' '], "_");
    lowered.strip_suffix('s').map(str::to_owned).unwrap_or(lowered)
}

fn codes_of<'s>(codes: impl Iterator<Item = &'s str>) -> String {
    codes.collect::<Vec<_>>().join(", ")
}

/// A value quoted back in a message, shortened.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => shown_str(text),
        Value::Array(_) | Value::Object(_) => type_name(value).to_owned(),
        other => other.to_string(),
    }
}

/// Most characters of a value quoted back in a message.
const MAX_QUOTED_CHARS: usize = 40;

/// A text quoted back in a message: at most 40 characters, control characters escaped.
fn shown_str(text: &str) -> String {
    if text.chars().count() > MAX_QUOTED_CHARS {
        let short: String = text.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{short:?}…")
    } else {
        format!("{text:?}")
    }
}

/// A value kept in a [`Problem`]: at most 40 characters (then `…`), control
/// characters dropped.
fn short(text: &str) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(MAX_QUOTED_CHARS).collect();
    if text.chars().filter(|c| !c.is_control()).count() > MAX_QUOTED_CHARS {
        out.push('…');
    }
    out
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a group of fields",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_calendar_dates() {
        for good in ["2024-02-29", "2000-02-29", "2025-12-31", "2025-04-30", "1900-01-01", "2100-12-31"] {
            assert_eq!(date_problem(good), None, "{good}");
        }
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2025-04-31",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "25-01-01",
            "2025-1-01",
            "2025/01/01",
            "2025-01-01T00:00",
            "+025-01-01",
            "1899-12-31",
            "2101-01-01",
            "２０２５-01-01",
        ] {
            assert!(date_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn emails_are_checked_for_sanity() {
        assert_eq!(email_problem("amina.okafor@example.org"), None);
        assert_eq!(email_problem("x@sub.example.co.ke"), None);
        for bad in ["", "a", "a@b", "@b.org", "a @b.org", "a@b@c.org", "a@.org", "a@b.", "a@b..org"] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(email_problem(&long).is_some());
    }

    #[test]
    fn language_tags_are_checked_and_cased() {
        for (tag, canonical) in [
            ("en", "en"),
            ("EN", "en"),
            ("es-419", "es-419"),
            ("pt-br", "pt-BR"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("ast", "ast"),
            ("de-CH-1996", "de-CH-1996"),
            ("en-US-u-ca-gregory", "en-US-u-ca-gregory"),
        ] {
            assert_eq!(canonical_language(tag).as_deref(), Some(canonical), "{tag}");
        }
        for bad in ["", "e", "engl", "english", "en-", "en--US", "en_US", "en-toolongsubtag", "é", "12"] {
            assert_eq!(canonical_language(bad), None, "{bad}");
        }
    }

    #[test]
    fn country_codes_are_the_249_assigned_ones() {
        let codes: Vec<&str> = country_codes().collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "sorted and unique");
        assert!(codes.iter().all(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())));
        for good in ["KE", "GB", "FR", "SS", "BQ", "AX", "TW", "PS"] {
            assert!(is_assigned_country(good), "{good}");
        }
        for bad in ["XX", "UK", "EU", "EL", "AA", "ZZ", "QM", "XK", "ke", "K", "KEN", ""] {
            assert!(!is_assigned_country(bad), "{bad}");
        }
        assert_eq!(country_suggestion("UK").as_deref(), Some("GB"));
        assert_eq!(country_suggestion("uk").as_deref(), Some("GB"));
        assert_eq!(country_suggestion("ke").as_deref(), Some("KE"));
        assert_eq!(country_suggestion("XX"), None);
        assert_eq!(country_suggestion("KE"), None);
    }

    #[test]
    fn quoted_values_are_short() {
        assert_eq!(shown_str("ke"), "\"ke\"");
        assert!(shown_str(&"x".repeat(1000)).chars().count() < 50);
        assert_eq!(shown_str("a\u{7}"), "\"a\\u{7}\"");
        assert_eq!(short("ke"), "ke");
        assert_eq!(short("a\u{7}b"), "ab");
        assert_eq!(short(&"é".repeat(41)), format!("{}…", "é".repeat(40)));
    }
}
