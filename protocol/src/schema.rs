//! Validation of a submission against its kind's description in the table
//! ([`crate::kinds`]), and the summary listings need.
//!
//! - [`validate_submission`] checks the interchange JSON (what `convene
//!   submit`, the web form and the corpus generator produce: with `kind` and
//!   the sealed fields, such as the `contact`, in clear) and splits it into
//!   normalised public fields and the personal [`Contact`], which the node
//!   seals to the secretariat. [`validate_in`] does the same against any
//!   list of kinds.
//! - [`validate_public`] checks a stored document's public fields (no sealed
//!   field in clear; a `sealed_contact` string is allowed and not looked into).
//! - [`Summary::from_fields`] extracts what listings and filters need.
//!
//! Every bad field is reported in one pass, each as a [`FieldError`]: its
//! JSON path (`location.country`, `quotes[3]`) and a [`Problem`] with its
//! parameters, worded by [`crate::problem_words`]. Taxonomy codes are
//! checked against [`crate::taxonomy::Taxonomy::v1`].
//!
//! Normalisation: strings are trimmed; code lists are sorted and
//! deduplicated; the language tag gets its conventional letter case (`pt-br`
//! becomes `pt-BR`); an optional field left out, `null` or an empty optional
//! text is left out of the result (in a group, an optional text is kept empty).

use serde_json::{Map, Value};

use crate::attachment::{Attachment, BlobHash, Limits, MAX_NAME_CHARS, MAX_PREVIEW_BYTES, MediaType};
use crate::kinds::{CASE_STUDY, Codes, Field, Kind, MAX_CODES, Need, Shape, Slot, SubmissionKind};
use crate::problem::{Expected, FieldError, JsonType, Problem, ValidationErrors, WHOLE};
use crate::text_rules::{
    canonical_language, country_suggestion, date_problem, email_problem, is_assigned_country, loose, short,
};

/// Largest size of a submission's public fields as JSON, in bytes, so that
/// every valid submission fits in one entry (256 KiB) with room to spare.
pub const MAX_PUBLIC_BYTES: usize = 192 * 1024;
/// Longest text checked as a date, a language tag or a country code, in characters.
pub(crate) const MAX_CODE_CHARS: usize = 64;
/// The file types an attachment may have, by MIME type.
const MEDIA_TYPES: [&str; 4] =
    [MediaType::Jpeg.as_str(), MediaType::Png.as_str(), MediaType::Webp.as_str(), MediaType::Pdf.as_str()];
/// Longest text checked as an email address, in characters (the address rules then allow 254 bytes).
const MAX_EMAIL_CHARS: usize = 1024;

/// The contact person of a submission: personal data, sealed to the
/// secretariat and never stored or relayed in clear.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    /// The contact person's name.
    pub name: String,
    /// Their email address.
    pub email: String,
}

/// A valid submission of a kind of the table, split into its public fields
/// and its sealed ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// Its kind.
    pub kind: &'static Kind,
    /// Every public field, normalised: includes `kind`, never a sealed field.
    pub public: Map<String, Value>,
    /// The sealed fields given, normalised, to be sealed to the secretariat.
    pub sealed: Map<String, Value>,
}

/// A valid submission of a kind this build knows, split into its public
/// fields and the personal contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// Its kind.
    pub kind: SubmissionKind,
    /// Every public field, normalised: includes `kind`, never `contact`.
    pub fields: Map<String, Value>,
    /// The contact, to be sealed (always present for reports and case studies).
    pub contact: Option<Contact>,
}

/// Validates an interchange submission (the JSON of `DOMAIN.md` and the
/// corpus generator, with `kind` and a clear `contact`), reporting every bad
/// field at once. Attachments are held to the network's `limits`.
pub fn validate_submission(input: &Value, limits: &Limits) -> Result<Validated, ValidationErrors> {
    let (index, public, mut sealed) = check_submission(&SubmissionKind::specs(), input, limits, Mode::Submission)?;
    let contact = sealed.remove("contact").and_then(|contact| serde_json::from_value(contact).ok());
    Ok(Validated { kind: SubmissionKind::ALL[index], fields: public, contact })
}

/// Validates the new fields of an edit: as [`validate_submission`], but a
/// sealed field left out (the editor cannot read the sealed contact back,
/// so did not retype it) is no fault: the stored sealed value stays.
pub fn validate_edit(input: &Value, limits: &Limits) -> Result<Validated, ValidationErrors> {
    let (index, public, mut sealed) = check_submission(&SubmissionKind::specs(), input, limits, Mode::Edit)?;
    let contact = sealed.remove("contact").and_then(|contact| serde_json::from_value(contact).ok());
    Ok(Validated { kind: SubmissionKind::ALL[index], fields: public, contact })
}

/// Validates an interchange submission whose `kind` is one of `kinds`.
pub fn validate_in(kinds: &[&'static Kind], input: &Value, limits: &Limits) -> Result<Checked, ValidationErrors> {
    let (index, public, sealed) = check_submission(kinds, input, limits, Mode::Submission)?;
    Ok(Checked { kind: kinds[index], public, sealed })
}

/// The index in `kinds` of the submission's kind, its public fields and its sealed ones.
type Split = (usize, Map<String, Value>, Map<String, Value>);

fn check_submission(
    kinds: &[&'static Kind],
    input: &Value,
    limits: &Limits,
    mode: Mode,
) -> Result<Split, ValidationErrors> {
    let Some(object) = input.as_object() else {
        let problem = Problem::WrongType { expected: Expected::Fields, found: JsonType::of(input) };
        return Err(ValidationErrors(vec![FieldError { path: WHOLE.into(), problem }]));
    };
    let mut check = Check::new(object, mode, limits);
    let Some(index) = check.kind(kinds) else { return Err(ValidationErrors(check.errors)) };
    let sealed = check.fields_of(kinds[index]);
    check.finish().map(|public| (index, public, sealed))
}

/// Validates the public fields of a stored document: the same rules, but a
/// sealed field in clear is refused and its `sealed_…` string is allowed
/// (and not looked into). Returns the document's kind.
pub fn validate_public(fields: &Map<String, Value>, limits: &Limits) -> Result<SubmissionKind, ValidationErrors> {
    let mut check = Check::new(fields, Mode::Public, limits);
    let Some(index) = check.kind(&SubmissionKind::specs()) else { return Err(ValidationErrors(check.errors)) };
    check.fields_of(SubmissionKind::ALL[index].spec());
    check.finish()?;
    Ok(SubmissionKind::ALL[index])
}

/// Checks and normalises a list of attachments given on its own (as the
/// `attachments` field of a report or case study), reporting every bad one.
pub fn validate_attachments(value: &Value, limits: &Limits) -> Result<Vec<Attachment>, ValidationErrors> {
    let field = CASE_STUDY.field("attachments").expect("case studies have attachments");
    let empty = Map::new();
    let mut check = Check::new(&empty, Mode::Submission, limits);
    let checked = check.value(field, field.name, Some(value));
    match checked {
        Ok(checked) if check.errors.is_empty() => {
            let checked = checked.unwrap_or_else(|| Value::Array(Vec::new()));
            Ok(serde_json::from_value(checked).expect("checked attachments deserialise"))
        }
        _ => Err(ValidationErrors(check.errors)),
    }
}

/// The name a sealed field is stored under: `sealed_contact`.
pub fn sealed_name(field: &Field) -> String {
    format!("sealed_{}", field.name)
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
    /// Its country code.
    pub country: Option<String>,
    /// The date it happened or will happen, if its kind has one.
    pub date: Option<String>,
    /// Principle codes.
    pub principles: Vec<String>,
    /// Risk codes.
    pub risks: Vec<String>,
    /// Life cycle stage codes.
    pub lifecycle_stages: Vec<String>,
    /// DPI type codes.
    pub dpi_types: Vec<String>,
    /// Stakeholder group codes.
    pub stakeholder_groups: Vec<String>,
}

impl Summary {
    /// The summary of already-validated public fields: each field of the
    /// table with a [`Slot`] fills it (missing fields give empty values;
    /// nothing here panics on unexpected input).
    pub fn from_fields(kind: SubmissionKind, fields: &Map<String, Value>) -> Summary {
        let mut summary = Summary {
            kind,
            title: String::new(),
            language: String::new(),
            country: None,
            date: None,
            principles: Vec::new(),
            risks: Vec::new(),
            lifecycle_stages: Vec::new(),
            dpi_types: Vec::new(),
            stakeholder_groups: Vec::new(),
        };
        for field in kind.spec().fields {
            let value = fields.get(field.name);
            summary.fill(field, value);
            for member in field.members() {
                summary.fill(member, value.and_then(|group| group.get(member.name)));
            }
        }
        summary
    }

    fn fill(&mut self, field: &Field, value: Option<&Value>) {
        let Some(slot) = field.slot else { return };
        let text = || value.and_then(Value::as_str).filter(|text| !text.is_empty()).map(str::to_owned);
        let list = || -> Vec<String> {
            value
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        match slot {
            Slot::Title => self.title = text().unwrap_or_default(),
            Slot::Language => self.language = text().unwrap_or_default(),
            Slot::Country => self.country = text(),
            Slot::Date => self.date = text(),
            Slot::Principles => self.principles = list(),
            Slot::Risks => self.risks = list(),
            Slot::LifecycleStages => self.lifecycle_stages = list(),
            Slot::DpiTypes => self.dpi_types = list(),
            Slot::StakeholderGroups => self.stakeholder_groups = list(),
        }
    }
}

/// Which input is being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Interchange JSON, with sealed fields in clear.
    Submission,
    /// Interchange JSON of an edit: a sealed field may be left out (kept).
    Edit,
    /// A stored document's public fields, with sealed fields only sealed.
    Public,
}

/// Collects errors and normalised fields in one pass.
struct Check<'a> {
    input: &'a Map<String, Value>,
    mode: Mode,
    limits: &'a Limits,
    errors: Vec<FieldError>,
    out: Map<String, Value>,
}

/// A field's value: `Ok(None)` when left out, `Err` when bad (and reported).
type Checking<T> = Result<Option<T>, ()>;

impl<'a> Check<'a> {
    fn new(input: &'a Map<String, Value>, mode: Mode, limits: &'a Limits) -> Self {
        Self { input, mode, limits, errors: Vec::new(), out: Map::new() }
    }

    fn fail(&mut self, path: &str, problem: Problem) {
        self.errors.push(FieldError { path: path.to_owned(), problem });
    }

    /// Reports `problem` at `path`, as the value's outcome.
    fn reject<T>(&mut self, path: &str, problem: Problem) -> Result<T, ()> {
        self.fail(path, problem);
        Err(())
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
                self.fail(WHOLE, Problem::TooLarge { kib, max_kib });
            }
        }
        if self.errors.is_empty() { Ok(self.out) } else { Err(ValidationErrors(self.errors)) }
    }

    /// The index in `kinds` of the input's kind.
    fn kind(&mut self, kinds: &[&'static Kind]) -> Option<usize> {
        let Some(value) = self.get("kind") else {
            self.fail("kind", Problem::Missing);
            return None;
        };
        match value.as_str().map(str::trim).and_then(|name| kinds.iter().position(|kind| kind.name == name)) {
            Some(index) => {
                self.out.insert("kind".into(), Value::String(kinds[index].name.into()));
                Some(index)
            }
            None => {
                let problem = match value.as_str() {
                    Some(text) => Problem::NotOneOf {
                        value: short(text),
                        allowed: kinds.iter().map(|kind| kind.name.to_owned()).collect(),
                        suggestion: None,
                    },
                    None => wrong_type(Expected::Code, value),
                };
                self.fail("kind", problem);
                None
            }
        }
    }

    /// Checks every field of `kind`, in table order, then the fields it
    /// does not have; returns the sealed fields given.
    fn fields_of(&mut self, kind: &Kind) -> Map<String, Value> {
        let mut sealed = Map::new();
        for field in kind.fields {
            if field.sealed && self.mode == Mode::Public {
                self.sealed_text(field);
                continue;
            }
            if field.sealed && self.mode == Mode::Edit && self.get(field.name).is_none() {
                continue;
            }
            if let Ok(Some(value)) = self.value(field, field.name, self.get(field.name)) {
                let into = if field.sealed { &mut sealed } else { &mut self.out };
                into.insert(field.name.into(), value);
            }
        }
        self.unknown_fields(kind);
        sealed
    }

    /// In a stored document: a sealed field's `sealed_…` value must be a
    /// string; it is not looked into (nor kept in the normalised fields).
    fn sealed_text(&mut self, field: &Field) {
        let name = sealed_name(field);
        if let Some(value) = self.get(&name)
            && !value.is_string()
        {
            self.fail(&name, wrong_type(Expected::Text, value));
        }
    }

    fn unknown_fields(&mut self, kind: &Kind) {
        let known = |key: &str| {
            key == "kind"
                || kind.fields.iter().any(|field| match self.mode {
                    Mode::Public if field.sealed => key.strip_prefix("sealed_") == Some(field.name),
                    _ => field.name == key,
                })
        };
        if self.input.keys().all(|key| known(key)) {
            return;
        }
        let mut allowed: Vec<String> = std::iter::once("kind")
            .chain(kind.fields.iter().filter(|field| !(field.sealed && self.mode == Mode::Public)).map(|f| f.name))
            .map(str::to_owned)
            .collect();
        let sealed: Vec<&Field> = kind.fields.iter().filter(|field| field.sealed).collect();
        if self.mode == Mode::Public {
            allowed.extend(sealed.iter().map(|field| sealed_name(field)));
        }
        let input = self.input;
        for key in input.keys() {
            if allowed.contains(key) {
                continue;
            }
            if self.mode == Mode::Public && sealed.iter().any(|field| field.name == key) {
                self.fail(key, Problem::ClearContact);
                continue;
            }
            let suggestion = allowed.iter().find(|field| loose(field) == loose(key)).cloned();
            self.fail(key, Problem::UnknownField { suggestion });
        }
    }

    /// Checks the value of `field` at `path`.
    fn value(&mut self, field: &Field, path: &str, value: Option<&Value>) -> Checking<Value> {
        let value = value.filter(|value| !value.is_null());
        match &field.shape {
            Shape::Text { max_chars } | Shape::LongText { max_chars } => {
                let text = self.string(path, value, field.need, *max_chars)?;
                if field.need == Need::UnlessOnline {
                    let text = text.unwrap_or_default();
                    let format = self.out.get("format").and_then(Value::as_str).map(str::to_owned);
                    if let Some(format) = format.filter(|format| text.is_empty() && format != "online") {
                        return self.reject(path, Problem::PlaceNeeded { format });
                    }
                    return Ok(Some(Value::String(text)));
                }
                Ok(text.filter(|text| !text.is_empty()).map(Value::String))
            }
            Shape::TextList { min, max, max_chars, .. } => {
                let Some(items) = self.list(path, value, field.need, (*min, *max))? else { return Ok(None) };
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    match check_string(Some(item), Need::Required, *max_chars) {
                        Ok(text) => out.extend(text.map(Value::String)),
                        Err(problem) => self.fail(&format!("{path}[{index}]"), problem),
                    }
                }
                if out.len() < items.len() { Err(()) } else { Ok(Some(Value::Array(out))) }
            }
            Shape::Code(codes) => {
                let Some(value) = self.present(path, value, field.need)? else { return Ok(None) };
                match check_code(value, *codes) {
                    Ok(code) => Ok(Some(Value::String(code.to_owned()))),
                    Err(problem) => self.reject(path, problem),
                }
            }
            Shape::CodeList { codes, min } => {
                let Some(items) = self.list(path, value, field.need, (*min, MAX_CODES))? else { return Ok(None) };
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    match check_code(item, *codes) {
                        Ok(code) => out.push(code),
                        Err(problem) => self.fail(&format!("{path}[{index}]"), problem),
                    }
                }
                if out.len() < items.len() {
                    return Err(());
                }
                out.sort_unstable();
                out.dedup();
                Ok(Some(Value::Array(out.into_iter().map(|code| Value::String(code.to_owned())).collect())))
            }
            Shape::Date => {
                let Some(text) = self.string(path, value, field.need, MAX_CODE_CHARS)? else { return Ok(None) };
                match date_problem(&text) {
                    None => Ok(Some(Value::String(text))),
                    Some(flaw) => self.reject(path, Problem::BadDate { value: short(&text), flaw }),
                }
            }
            Shape::Language => {
                let Some(tag) = self.string(path, value, field.need, MAX_CODE_CHARS)? else { return Ok(None) };
                match canonical_language(&tag) {
                    Some(tag) => Ok(Some(Value::String(tag))),
                    None => self.reject(path, Problem::BadLanguageTag { value: short(&tag) }),
                }
            }
            Shape::Country => {
                let Some(text) = self.string(path, value, field.need, MAX_CODE_CHARS)? else { return Ok(None) };
                if is_assigned_country(&text) {
                    return Ok(Some(Value::String(text)));
                }
                let suggestion = country_suggestion(&text);
                self.reject(path, Problem::BadCountry { value: short(&text), suggestion })
            }
            Shape::Email => {
                let Some(email) = self.string(path, value, field.need, MAX_EMAIL_CHARS)? else { return Ok(None) };
                match email_problem(&email) {
                    None => Ok(Some(Value::String(email))),
                    Some(flaw) => self.reject(path, Problem::BadEmail { flaw }),
                }
            }
            Shape::Count { min, max } => {
                let Some(value) = self.present(path, value, field.need)? else { return Ok(None) };
                self.count(path, value, (*min, *max)).map(|count| Some(Value::from(count)))
            }
            Shape::Flag => match self.present(path, value, field.need)? {
                None => Ok(None),
                Some(Value::Bool(flag)) => Ok(Some(Value::Bool(*flag))),
                Some(other) => self.reject(path, wrong_type(Expected::Boolean, other)),
            },
            Shape::Attachments => {
                let max = usize::from(self.limits.files);
                let Some(items) = self.list(path, value, field.need, (0, max))? else { return Ok(None) };
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    if let Ok(attachment) = self.attachment(&format!("{path}[{index}]"), item) {
                        out.push(attachment);
                    }
                }
                if out.len() < items.len() {
                    return Err(());
                }
                let total: u64 = out.iter().filter_map(|item| item.get("size").and_then(Value::as_u64)).sum();
                if total > self.limits.submission_bytes {
                    let (mb, max_mb) = (total.div_ceil(1_000_000), self.limits.submission_bytes / 1_000_000);
                    return self.reject(path, Problem::FilesTooLarge { mb, max_mb });
                }
                Ok(Some(Value::Array(out)))
            }
            Shape::Group(members) => {
                let Some(value) = self.present(path, value, field.need)? else { return Ok(None) };
                let Some(object) = value.as_object() else {
                    return self.reject(path, wrong_type(Expected::Group, value));
                };
                for key in object.keys().filter(|key| !members.iter().any(|member| member.name == key.as_str())) {
                    self.fail(&format!("{path}.{key}"), Problem::UnknownField { suggestion: None });
                }
                let mut out = Map::new();
                let mut good = true;
                for member in *members {
                    match self.value(member, &format!("{path}.{}", member.name), object.get(member.name)) {
                        Ok(Some(value)) => {
                            out.insert(member.name.into(), value);
                        }
                        Ok(None) if matches!(member.shape, Shape::Text { .. } | Shape::LongText { .. }) => {
                            out.insert(member.name.into(), Value::String(String::new()));
                        }
                        Ok(None) => {}
                        Err(()) => good = false,
                    }
                }
                if good { Ok(Some(Value::Object(out))) } else { Err(()) }
            }
        }
    }

    /// One attached file: `{hash, size, type, name, preview?: {hash, size}}`.
    fn attachment(&mut self, path: &str, value: &Value) -> Result<Value, ()> {
        const KEYS: [&str; 5] = ["hash", "size", "type", "name", "preview"];
        let Some(object) = value.as_object() else { return self.reject(path, wrong_type(Expected::Group, value)) };
        let mut good = true;
        for key in object.keys().filter(|key| !KEYS.contains(&key.as_str())) {
            self.fail(&format!("{path}.{key}"), Problem::UnknownField { suggestion: None });
            good = false;
        }
        let hash = self.blob_hash(&format!("{path}.hash"), object.get("hash"));
        let size = self.blob_size(&format!("{path}.size"), object.get("size"), self.limits.file_bytes);
        let media_type = match object.get("type").filter(|value| !value.is_null()) {
            None => self.reject(&format!("{path}.type"), Problem::Missing),
            Some(value) => match check_code(value, Codes::Fixed(&MEDIA_TYPES)) {
                Ok(code) => Ok(code),
                Err(problem) => self.reject(&format!("{path}.type"), problem),
            },
        };
        let name_path = format!("{path}.name");
        let name = match self.string(&name_path, object.get("name"), Need::Required, MAX_NAME_CHARS) {
            Ok(Some(name)) if name.contains(['/', '\\']) => {
                self.reject(&name_path, Problem::NotAFileName { value: short(&name) })
            }
            // One line: no line break or tab either.
            Ok(Some(name)) if name.chars().any(char::is_control) => self.reject(&name_path, Problem::ControlCharacters),
            Ok(name) => Ok(name.unwrap_or_default()),
            Err(()) => Err(()),
        };
        let preview = match object.get("preview").filter(|value| !value.is_null()) {
            None => Ok(None),
            Some(Value::Object(preview)) => {
                let preview_path = format!("{path}.preview");
                let mut fine = true;
                for key in preview.keys().filter(|key| !matches!(key.as_str(), "hash" | "size")) {
                    self.fail(&format!("{preview_path}.{key}"), Problem::UnknownField { suggestion: None });
                    fine = false;
                }
                let hash = self.blob_hash(&format!("{preview_path}.hash"), preview.get("hash"));
                let size = self.blob_size(&format!("{preview_path}.size"), preview.get("size"), MAX_PREVIEW_BYTES);
                match (hash, size) {
                    (Ok(hash), Ok(size)) if fine => Ok(Some(serde_json::json!({ "hash": hash, "size": size }))),
                    _ => Err(()),
                }
            }
            Some(other) => self.reject(&format!("{path}.preview"), wrong_type(Expected::Group, other)),
        };
        let (Ok(hash), Ok(size), Ok(media_type), Ok(name), Ok(preview), true) =
            (hash, size, media_type, name, preview, good)
        else {
            return Err(());
        };
        let mut out = Map::new();
        out.insert("hash".into(), Value::String(hash));
        out.insert("size".into(), Value::from(size));
        out.insert("type".into(), Value::String(media_type.to_owned()));
        out.insert("name".into(), Value::String(name));
        if let Some(preview) = preview {
            out.insert("preview".into(), preview);
        }
        Ok(Value::Object(out))
    }

    /// A blob's hash: 64 lowercase hex digits.
    fn blob_hash(&mut self, path: &str, value: Option<&Value>) -> Result<String, ()> {
        let hash = self.string(path, value, Need::Required, MAX_CODE_CHARS * 2)?.unwrap_or_default();
        match BlobHash::parse(&hash) {
            Some(_) => Ok(hash),
            None => self.reject(path, Problem::BadHash { value: short(&hash) }),
        }
    }

    /// A blob's size in bytes, from 1 to `max`.
    fn blob_size(&mut self, path: &str, value: Option<&Value>, max: u64) -> Result<u64, ()> {
        match value.filter(|value| !value.is_null()) {
            None => self.reject(path, Problem::Missing),
            Some(value) => self.count(path, value, (1, max)),
        }
    }

    /// `value` when given; `Ok(None)` when left out and not required.
    fn present<'v>(&mut self, path: &str, value: Option<&'v Value>, need: Need) -> Checking<&'v Value> {
        match value {
            Some(value) => Ok(Some(value)),
            None if need == Need::Required => self.reject(path, Problem::Missing),
            None => Ok(None),
        }
    }

    /// A string, trimmed: `Ok(None)` when left out (and not required); an
    /// empty string only when not required.
    fn string(&mut self, path: &str, value: Option<&Value>, need: Need, max: usize) -> Checking<String> {
        check_string(value, need, max).or_else(|problem| self.reject(path, problem))
    }

    /// A list's items, checked for type and length; `Ok(None)` when left out (and optional).
    fn list<'v>(
        &mut self,
        path: &str,
        value: Option<&'v Value>,
        need: Need,
        (min, max): (usize, usize),
    ) -> Checking<&'v [Value]> {
        let Some(value) = self.present(path, value, need)? else { return Ok(None) };
        let Some(items) = value.as_array() else { return self.reject(path, wrong_type(Expected::List, value)) };
        let count = items.len();
        if count < min {
            return self.reject(path, Problem::TooFew { count, min });
        }
        if count > max {
            return self.reject(path, Problem::TooMany { count, max });
        }
        Ok(Some(items))
    }

    /// A whole number in `min..=max`; one written with a fraction (`24.0`)
    /// is a whole number, as in JSON Schema.
    fn count(&mut self, path: &str, value: &Value, (min, max): (u64, u64)) -> Result<u64, ()> {
        // A whole number, negative ones too ("-3 is out of range", not "not a number").
        let whole = value
            .as_i64()
            .or_else(|| value.as_u64().map(|_| i64::MAX))
            .or_else(|| value.as_f64().filter(|n| n.fract() == 0.0 && n.abs() < 1e18).map(|n| n as i64));
        match whole {
            Some(count) if count >= 0 && (min..=max).contains(&(count as u64)) => Ok(count as u64),
            Some(count) => self.reject(path, Problem::OutOfRange { value: count, min, max }),
            None if value.is_number() => {
                self.reject(path, Problem::NotWholeNumber { value: short(&value.to_string()) })
            }
            None => self.reject(path, wrong_type(Expected::Number, value)),
        }
    }
}

/// A string, trimmed: `Ok(None)` when left out (and not required); an
/// empty string only when not required.
fn check_string(value: Option<&Value>, need: Need, max: usize) -> Result<Option<String>, Problem> {
    let Some(value) = value else { return if need == Need::Required { Err(Problem::Missing) } else { Ok(None) } };
    let Some(text) = value.as_str() else { return Err(wrong_type(Expected::Text, value)) };
    let text = text.trim();
    if text.is_empty() && need == Need::Required {
        return Err(Problem::Empty);
    }
    // Cheap bound first: a text of at most `max` bytes has at most `max` characters.
    if text.len() > max {
        let length = text.chars().count();
        if length > max {
            return Err(Problem::TooLong { length, max });
        }
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Problem::ControlCharacters);
    }
    Ok(Some(text.to_owned()))
}

/// The code of `codes` that `value` names.
fn check_code(value: &Value, codes: Codes) -> Result<&'static str, Problem> {
    let Some(text) = value.as_str() else { return Err(wrong_type(Expected::Code, value)) };
    let code = text.trim();
    if let Some(found) = codes.find(code) {
        return Ok(found);
    }
    let allowed = codes.codes();
    let suggestion = allowed.iter().find(|have| loose(have) == loose(code)).map(|have| (*have).to_owned());
    let allowed = allowed.into_iter().map(str::to_owned).collect();
    Err(Problem::NotOneOf { value: short(text), allowed, suggestion })
}

/// A [`Problem::WrongType`] for `value`.
fn wrong_type(expected: Expected, value: &Value) -> Problem {
    Problem::WrongType { expected, found: JsonType::of(value) }
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
