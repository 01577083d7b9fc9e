//! The submission forms (convening report, case study, convening
//! announcement): rendering every field of `DOMAIN.md`, turning the posted
//! values into interchange JSON, and stored fields back into values.
//!
//! Form names are the JSON field names, except where JSON nests:
//! `country`/`locality` (location), `participants_count` and
//! `stakeholder_groups` (participants), `contact_name`/`contact_email`.
//! Lists of text are one item per line; code lists are checkboxes.

use convene_protocol::schema::{FieldError, MAX_QUOTES, PARTICIPATION, SubmissionKind, ValidationErrors, WHOLE};
use convene_protocol::taxonomy::{Taxonomy, Term};
use maud::{Markup, html};
use serde_json::{Map, Value, json};

use crate::web::Ctx;

/// A form's values as posted: names repeat for checkboxes and quotes.
#[derive(Debug, Clone, Default)]
pub struct Values(pub Vec<(String, String)>);

impl Values {
    /// The first value named `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str()).unwrap_or("")
    }

    /// Every value named `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    /// Whether `name` has the value `value` (a ticked checkbox).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(key, have)| key == name && have == value)
    }

    /// The values a draft keeps: without the CSRF token and the buttons.
    pub fn for_draft(&self) -> Vec<(String, String)> {
        self.0.iter().filter(|(key, _)| !matches!(key.as_str(), "csrf" | "action" | "draft")).cloned().collect()
    }
}

/// The code lists of a kind, rendered as checkboxes.
const CODE_LISTS: [&str; 6] =
    ["purposes", "dpi_types", "stakeholder_groups", "principles", "risks", "lifecycle_stages"];
/// The text lists, one item per line.
const LINE_LISTS: [&str; 6] = ["host_organizations", "insights", "photos", "lessons", "attachments", "topics"];

fn lines(text: &str) -> Vec<Value> {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).map(|line| Value::String(line.to_owned())).collect()
}

fn non_empty(text: &str) -> Option<Value> {
    let text = text.trim();
    (!text.is_empty()).then(|| Value::String(text.to_owned()))
}

/// The interchange JSON of a form of `kind`: what the node validates and signs.
pub fn to_submission(kind: SubmissionKind, values: &Values) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!(kind.as_str()));
    for field in kind.fields() {
        let field = *field;
        let value = match field {
            "kind" => continue,
            "location" => {
                let (country, locality) = (values.get("country").trim(), values.get("locality").trim());
                if country.is_empty() && locality.is_empty() {
                    None
                } else {
                    Some(json!({ "country": country.to_uppercase(), "locality": locality }))
                }
            }
            "country" => non_empty(values.get("country")).map(|v| json!(v.as_str().unwrap_or("").to_uppercase())),
            "contact" => {
                let (name, email) = (values.get("contact_name").trim(), values.get("contact_email").trim());
                if name.is_empty() && email.is_empty() { None } else { Some(json!({ "name": name, "email": email })) }
            }
            "participants" => {
                let count = values.get("participants_count").trim();
                let count = match count.parse::<u64>() {
                    Ok(number) => Some(json!(number)),
                    Err(_) if count.is_empty() => None,
                    Err(_) => Some(json!(count)),
                };
                let groups: Vec<&str> = values.all("stakeholder_groups");
                let mut participants = Map::new();
                if let Some(count) = count {
                    participants.insert("count".into(), count);
                }
                participants.insert("stakeholder_groups".into(), json!(groups));
                Some(Value::Object(participants))
            }
            "quotes" => {
                let quotes: Vec<Value> = values.all("quotes").into_iter().filter_map(non_empty).collect();
                (!quotes.is_empty()).then_some(Value::Array(quotes))
            }
            "consent_to_publish" => match values.get("consent_to_publish") {
                "yes" => Some(json!(true)),
                "no" => Some(json!(false)),
                _ => None,
            },
            field if CODE_LISTS.contains(&field) => Some(json!(values.all(field))),
            field if LINE_LISTS.contains(&field) => {
                let items = lines(values.get(field));
                let optional = matches!(field, "photos" | "attachments");
                if optional && items.is_empty() { None } else { Some(Value::Array(items)) }
            }
            field => non_empty(values.get(field)),
        };
        if let Some(value) = value {
            out.insert(field.to_owned(), value);
        }
    }
    Value::Object(out)
}

/// The form values of stored public fields (for the edit form; the contact
/// is sealed and stays empty).
pub fn from_fields(fields: &Map<String, Value>) -> Values {
    let mut out = Vec::new();
    let mut push = |name: &str, value: &str| out.push((name.to_owned(), value.to_owned()));
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("kind" | "sealed_contact", _) => {}
            ("location", Value::Object(location)) => {
                push("country", location.get("country").and_then(Value::as_str).unwrap_or(""));
                push("locality", location.get("locality").and_then(Value::as_str).unwrap_or(""));
            }
            ("participants", Value::Object(participants)) => {
                if let Some(count) = participants.get("count").and_then(Value::as_u64) {
                    push("participants_count", &count.to_string());
                }
                for group in participants.get("stakeholder_groups").and_then(Value::as_array).into_iter().flatten() {
                    push("stakeholder_groups", group.as_str().unwrap_or(""));
                }
            }
            ("consent_to_publish", Value::Bool(consent)) => push(key, if *consent { "yes" } else { "no" }),
            (field, Value::Array(items)) if LINE_LISTS.contains(&field) => {
                let text = items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n");
                push(field, &text);
            }
            (field, Value::Array(items)) => {
                for item in items.iter().filter_map(Value::as_str) {
                    push(field, item);
                }
            }
            (field, Value::String(text)) => push(field, text),
            (field, other) => push(field, &other.to_string()),
        }
    }
    Values(out)
}

/// The form name an error's JSON path belongs to.
pub fn form_name(path: &str) -> &str {
    let head = path.split('[').next().unwrap_or(path);
    match head {
        "location" | "location.country" => "country",
        "location.locality" => "locality",
        "participants" | "participants.count" => "participants_count",
        "participants.stakeholder_groups" => "stakeholder_groups",
        "contact" | "contact.name" => "contact_name",
        "contact.email" => "contact_email",
        other => other.split('.').next().unwrap_or(other),
    }
}

/// Every form name shown for `kind`, in order.
pub fn form_names(kind: SubmissionKind) -> Vec<&'static str> {
    let mut names = Vec::new();
    for field in kind.fields() {
        match *field {
            "kind" => {}
            "location" => names.extend(["country", "locality"]),
            "participants" => names.extend(["participants_count", "stakeholder_groups"]),
            "contact" => names.extend(["contact_name", "contact_email"]),
            other => names.push(other),
        }
    }
    names
}

/// What a form page needs besides the values.
#[derive(Debug)]
pub struct FormSpec<'a> {
    /// Which kind of submission.
    pub kind: SubmissionKind,
    /// Where it posts.
    pub action: String,
    /// The draft it belongs to, if any.
    pub draft: Option<&'a str>,
    /// Identity names that may sign, and the one chosen.
    pub identities: &'a [String],
    /// The identity preselected.
    pub signer: Option<&'a str>,
    /// Editing a stored submission (no drafts, a different button).
    pub editing: bool,
    /// Why the chosen identity could not sign, in the visitor's language.
    pub signer_error: Option<String>,
}

/// The whole form. Validation messages are worded in the visitor's
/// language, each next to its field and all in a summary at the top.
pub fn render(ctx: &Ctx, spec: &FormSpec<'_>, values: &Values, errors: Option<&ValidationErrors>) -> Markup {
    let kind = spec.kind;
    let errors: &[FieldError] = errors.map(|errors| errors.0.as_slice()).unwrap_or_default();
    let message = |name: &str| -> Option<String> {
        let found: Vec<String> = errors
            .iter()
            .filter(|error| form_name(&error.field) == name)
            .map(|error| field_message(ctx, error))
            .collect();
        (!found.is_empty()).then(|| found.join(" "))
    };
    let names = form_names(kind);
    let placed = |error: &FieldError| names.iter().any(|name| *name == form_name(&error.field));
    html! {
        @if !errors.is_empty() || spec.signer_error.is_some() {
            div.errors role="alert" tabindex="-1" #errors {
                p { strong { (ctx.t("error.summary")) } }
                ul {
                    @for error in errors {
                        li {
                            @if placed(error) {
                                a href={ "#f-" (form_name(&error.field)) } { (field_words(ctx, &error.field)) }
                            } @else {
                                (field_words(ctx, &error.field))
                            }
                            (ctx.t("common.colon")) (field_message(ctx, error))
                        }
                    }
                    @if let Some(signer_error) = &spec.signer_error {
                        li { a href="#f-identity" { (ctx.t("field.identity")) } (ctx.t("common.colon")) (signer_error) }
                    }
                }
            }
        }
        form method="post" action=(spec.action) #submission-form data-kind=(kind.as_str()) data-autosave=[(!spec.editing).then_some("1")] novalidate {
            (ctx.csrf_field())
            input type="hidden" name="kind" value=(kind.as_str());
            @if let Some(draft) = spec.draft { input type="hidden" name="draft" value=(draft); }
            @for field in kind.fields() {
                @match *field {
                    "kind" => {}
                    "location" => {
                        fieldset {
                            legend { (ctx.t("field.location")) }
                            (text_input(ctx, "country", values, message("country"), "text", Some(2)))
                            (text_input(ctx, "locality", values, message("locality"), "text", None))
                        }
                    }
                    "country" => (text_input(ctx, "country", values, message("country"), "text", Some(2))),
                    "contact" => {
                        fieldset #f-contact {
                            legend { (ctx.t("field.contact")) @if kind == SubmissionKind::ConveningAnnouncement { " (" (ctx.t("form.optional")) ")" } }
                            p.hint { (ctx.t("form.contact_note")) }
                            @if spec.editing { p.hint { (ctx.t("form.edit_contact_note")) } }
                            (text_input(ctx, "contact_name", values, message("contact_name"), "text", None))
                            (text_input(ctx, "contact_email", values, message("contact_email"), "email", None))
                        }
                    }
                    "participants" => {
                        fieldset {
                            legend { (ctx.t("field.participants_count")) }
                            (text_input(ctx, "participants_count", values, message("participants_count"), "number", None))
                            (checkboxes(ctx, "stakeholder_groups", &Taxonomy::v1().stakeholder_groups, values, message("stakeholder_groups")))
                        }
                    }
                    "format" => (radios(ctx, "format", &Taxonomy::v1().formats, values, message("format"))),
                    "responsible_authority" => (radios(ctx, "responsible_authority", &Taxonomy::v1().responsible_authorities, values, message("responsible_authority"))),
                    "participation" => (participation(ctx, values, message("participation"))),
                    "purposes" => (checkboxes(ctx, "purposes", &Taxonomy::v1().purposes, values, message("purposes"))),
                    "dpi_types" => (checkboxes(ctx, "dpi_types", &Taxonomy::v1().dpi_types, values, message("dpi_types"))),
                    "principles" => (checkboxes(ctx, "principles", &Taxonomy::v1().principles, values, message("principles"))),
                    "risks" => (checkboxes(ctx, "risks", &Taxonomy::v1().risks, values, message("risks"))),
                    "lifecycle_stages" => (checkboxes(ctx, "lifecycle_stages", &Taxonomy::v1().lifecycle_stages, values, message("lifecycle_stages"))),
                    "quotes" => (quotes(ctx, values, message("quotes"))),
                    "consent_to_publish" => (consent(ctx, values, message("consent_to_publish"))),
                    "convened_on" | "date" => (text_input(ctx, field, values, message(field), "date", None)),
                    "summary" | "context" | "challenges" | "successes" | "description" => (textarea(ctx, field, values, message(field), 8)),
                    other => {
                        @if LINE_LISTS.contains(&other) {
                            (textarea(ctx, other, values, message(other), 4))
                        } @else {
                            (text_input(ctx, other, values, message(other), "text", None))
                        }
                    }
                }
            }
            @if spec.identities.is_empty() {
                p.warning #f-identity tabindex="-1" { a href="/identities" { (ctx.t("form.no_identity")) } }
            } @else {
                div.field.invalid[spec.signer_error.is_some()] {
                    label for="f-identity" { (ctx.t("field.identity")) }
                    select #f-identity name="identity" aria-invalid=[spec.signer_error.as_ref().map(|_| "true")]
                        aria-describedby=[described_by("identity", &spec.signer_error)] {
                        @for name in spec.identities {
                            option value=(name) selected[spec.signer == Some(name.as_str())] { (name) }
                        }
                    }
                    (error_line("identity", &spec.signer_error))
                }
            }
            div.actions {
                @if spec.editing {
                    button type="submit" name="action" value="submit" { (ctx.t("action.save_edit")) }
                } @else {
                    button type="submit" name="action" value="submit" { (ctx.t("action.submit")) }
                    button.secondary type="submit" name="action" value="save_draft" { (ctx.t("action.save_draft")) }
                    span #autosave-status role="status" aria-live="polite" {}
                }
            }
        }
    }
}

/// The field's label for an error path (`quotes[2]` → "Quotes …"), or the
/// path itself when the form has no such field.
fn field_words(ctx: &Ctx, path: &str) -> String {
    if path == WHOLE {
        return ctx.t("form.whole").to_owned();
    }
    let key = label_key(form_name(path));
    if crate::i18n::has(&key) { ctx.t(&key).to_owned() } else { path.to_owned() }
}

/// An error's message in the visitor's language; an error about one item
/// of a list says which ("Quote 2: …", "Item 3: …").
fn field_message(ctx: &Ctx, error: &FieldError) -> String {
    let words = crate::i18n::problem(ctx.lang, &error.reason);
    let item = error.field.split_once('[').and_then(|(_, rest)| rest.trim_end_matches(']').parse::<usize>().ok());
    let name = form_name(&error.field);
    let colon = ctx.t("common.colon");
    match item {
        Some(index) if name == "quotes" => format!("{} {}{colon}{words}", ctx.t("form.quote"), index + 1),
        Some(index) if LINE_LISTS.contains(&name) => format!("{} {}{colon}{words}", ctx.t("form.item"), index + 1),
        _ => words,
    }
}

fn label_key(name: &str) -> String {
    format!("field.{name}")
}

fn error_line(name: &str, message: &Option<String>) -> Markup {
    html! {
        @if let Some(message) = message { p.error id={ "e-" (name) } { (message) } }
    }
}

fn described_by(name: &str, message: &Option<String>) -> Option<String> {
    message.as_ref().map(|_| format!("e-{name}"))
}

fn text_input(
    ctx: &Ctx,
    name: &str,
    values: &Values,
    message: Option<String>,
    input_type: &str,
    max_length: Option<u32>,
) -> Markup {
    html! {
        div.field.invalid[message.is_some()] {
            label for={ "f-" (name) } { (ctx.t(&label_key(name))) }
            input id={ "f-" (name) } name=(name) type=(input_type) value=(values.get(name)) dir="auto"
                maxlength=[max_length] aria-invalid=[message.as_ref().map(|_| "true")]
                aria-describedby=[described_by(name, &message)]
                min=[(input_type == "number").then_some("1")];
            (error_line(name, &message))
        }
    }
}

fn textarea(ctx: &Ctx, name: &str, values: &Values, message: Option<String>, rows: u32) -> Markup {
    html! {
        div.field.invalid[message.is_some()] {
            label for={ "f-" (name) } { (ctx.t(&label_key(name))) }
            textarea id={ "f-" (name) } name=(name) rows=(rows) dir="auto" aria-invalid=[message.as_ref().map(|_| "true")]
                aria-describedby=[described_by(name, &message)] { (values.get(name)) }
            (error_line(name, &message))
        }
    }
}

/// How a term reads in a form or a page: framework codes (F1, RS2, L4, R1)
/// with their title, other codes (`digital_id`) by their title alone.
pub fn term_words(term: &Term, lang: &str) -> String {
    let framework = term.code.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    match term.title_in(lang) {
        Some(title) if !framework => title.to_owned(),
        _ => term.label(lang),
    }
}

/// A field's label without its typing hint ("Country (two-letter code…)" →
/// "Country"), for showing a stored value.
pub fn short_label(ctx: &Ctx, name: &str) -> &'static str {
    let label = ctx.t(&label_key(name));
    label.split(" (").next().unwrap_or(label)
}

fn checkboxes(ctx: &Ctx, name: &str, terms: &[Term], values: &Values, message: Option<String>) -> Markup {
    let lang = ctx.lang.code();
    html! {
        fieldset.choices.invalid[message.is_some()] id={ "f-" (name) } aria-describedby=[described_by(name, &message)] {
            legend { (ctx.t(&label_key(name))) }
            @for term in terms {
                label.choice {
                    input type="checkbox" name=(name) value=(term.code) checked[values.has(name, &term.code)];
                    " " (term_words(term, lang))
                }
            }
            (error_line(name, &message))
        }
    }
}

fn radios(ctx: &Ctx, name: &str, terms: &[Term], values: &Values, message: Option<String>) -> Markup {
    let lang = ctx.lang.code();
    html! {
        fieldset.choices.invalid[message.is_some()] id={ "f-" (name) } aria-describedby=[described_by(name, &message)] {
            legend { (ctx.t(&label_key(name))) }
            @for term in terms {
                label.choice {
                    input type="radio" name=(name) value=(term.code) checked[values.has(name, &term.code)];
                    " " (term_words(term, lang))
                }
            }
            (error_line(name, &message))
        }
    }
}

fn participation(ctx: &Ctx, values: &Values, message: Option<String>) -> Markup {
    html! {
        fieldset.choices.invalid[message.is_some()] #f-participation aria-describedby=[described_by("participation", &message)] {
            legend { (ctx.t("field.participation")) }
            @for code in PARTICIPATION {
                label.choice {
                    input type="radio" name="participation" value=(code) checked[values.has("participation", code)];
                    " " (participation_label(ctx, code))
                }
            }
            (error_line("participation", &message))
        }
    }
}

/// The words for a way to take part.
pub fn participation_label(ctx: &Ctx, code: &str) -> &'static str {
    match code {
        "open_call" => ctx.t("part.open_call"),
        _ => ctx.t("part.curated_list"),
    }
}

fn quotes(ctx: &Ctx, values: &Values, message: Option<String>) -> Markup {
    let given = values.all("quotes");
    html! {
        fieldset.invalid[message.is_some()] #f-quotes aria-describedby=[described_by("quotes", &message)] {
            legend { (ctx.t("field.quotes")) }
            @for index in 0..MAX_QUOTES {
                div.field {
                    label for={ "f-quote-" (index + 1) } { (ctx.t("form.quote")) " " (index + 1) }
                    textarea id={ "f-quote-" (index + 1) } name="quotes" rows="2" dir="auto" { (given.get(index).copied().unwrap_or("")) }
                }
            }
            (error_line("quotes", &message))
        }
    }
}

fn consent(ctx: &Ctx, values: &Values, message: Option<String>) -> Markup {
    html! {
        fieldset.choices.invalid[message.is_some()] #f-consent_to_publish aria-describedby=[described_by("consent_to_publish", &message)] {
            legend { (ctx.t("field.consent_to_publish")) }
            label.choice {
                input type="radio" name="consent_to_publish" value="yes" checked[values.has("consent_to_publish", "yes")];
                " " (ctx.t("form.consent_yes"))
            }
            label.choice {
                input type="radio" name="consent_to_publish" value="no" checked[values.has("consent_to_publish", "no")];
                " " (ctx.t("form.consent_no"))
            }
            (error_line("consent_to_publish", &message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::schema::validate_submission;

    fn report_values() -> Values {
        let pairs = [
            ("title", "Village hall convening"),
            ("language", "en"),
            ("convened_on", "2025-03-14"),
            ("format", "in_person"),
            ("country", "ke"),
            ("locality", "Kisumu"),
            ("host_organizations", "Hub A\n\nHub B\n"),
            ("contact_name", "Ama"),
            ("contact_email", "ama@example.org"),
            ("purposes", "capture_learnings"),
            ("dpi_types", "digital_id"),
            ("participants_count", "12"),
            ("stakeholder_groups", "civil_society"),
            ("stakeholder_groups", "government"),
            ("principles", "F1"),
            ("summary", "We talked."),
            ("insights", "One\nTwo"),
            ("quotes", "Said once"),
            ("quotes", ""),
            ("quotes", ""),
            ("consent_to_publish", "yes"),
        ];
        Values(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_filled_report_validates_and_round_trips() {
        let submission = to_submission(SubmissionKind::ConveningReport, &report_values());
        let validated = validate_submission(&submission).unwrap_or_else(|errors| panic!("{errors}"));
        assert_eq!(validated.fields["host_organizations"], json!(["Hub A", "Hub B"]));
        assert_eq!(validated.fields["location"]["country"], json!("KE"));
        let back = from_fields(&validated.fields);
        assert_eq!(back.get("locality"), "Kisumu");
        assert_eq!(back.all("stakeholder_groups").len(), 2);
        let mut again = back.clone();
        again.0.push(("contact_name".into(), "Ama".into()));
        again.0.push(("contact_email".into(), "ama@example.org".into()));
        let resubmitted = validate_submission(&to_submission(SubmissionKind::ConveningReport, &again)).unwrap();
        assert_eq!(resubmitted.fields, validated.fields);
    }

    #[test]
    fn every_field_and_kind_has_translated_words() {
        for kind in SubmissionKind::ALL {
            assert!(crate::i18n::has(&format!("kind.{}", kind.as_str())));
            for name in form_names(kind).into_iter().chain(kind.fields().iter().copied()) {
                if !matches!(name, "kind") {
                    assert!(crate::i18n::has(&label_key(name)), "no words for field.{name}");
                }
            }
        }
    }

    #[test]
    fn every_error_path_has_a_form_field() {
        for kind in SubmissionKind::ALL {
            let errors = validate_submission(&to_submission(kind, &Values::default())).unwrap_err();
            let names = form_names(kind);
            for error in &errors.0 {
                assert!(
                    names.iter().any(|name| *name == form_name(&error.field)),
                    "{kind}: {} has no field",
                    error.field
                );
            }
        }
    }
}
