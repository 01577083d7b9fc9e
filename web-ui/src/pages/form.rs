//! The submission forms: rendering each field of a kind by its shape in the
//! table of kinds, turning the posted values into interchange JSON, and
//! stored fields back into values. Nothing here names a field.
//!
//! Form names are the fields' keys: the JSON name, or for a field in a group
//! its own key (`participants_count`). Lists of text are one item per line,
//! or one box per item for paragraphs; a code is radio buttons, codes are
//! checkboxes; a field's words are `field.{key}` in the string table.

use convene_protocol::attachment::{Attachment, MediaType};
use convene_protocol::kinds::{Codes, Field, Kind, Need, Shape};
use convene_protocol::problem::{FieldError, ValidationErrors, WHOLE};
use convene_protocol::problem_words;
use convene_protocol::taxonomy::{Taxonomy, Term};
use maud::{Markup, html};
use serde_json::{Map, Value, json};

use crate::i18n::{Arg, Lang};
use crate::names;
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

fn lines(text: &str) -> Vec<Value> {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).map(|line| Value::String(line.to_owned())).collect()
}

fn non_empty(text: &str) -> Option<Value> {
    let text = text.trim();
    (!text.is_empty()).then(|| Value::String(text.to_owned()))
}

/// The interchange JSON of a form of `kind`: what the node validates and signs.
pub fn to_submission(kind: &Kind, values: &Values) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!(kind.name));
    for field in kind.fields {
        if let Some(value) = field_value(field, values) {
            out.insert(field.name.to_owned(), value);
        }
    }
    Value::Object(out)
}

/// The JSON of one field from the form's values; `None` when left empty
/// (a list of codes is always given: no box ticked is an empty list).
fn field_value(field: &Field, values: &Values) -> Option<Value> {
    let given = values.get(field.key);
    let optional = field.need != Need::Required;
    match &field.shape {
        Shape::Group(members) => {
            let group: Map<String, Value> = members
                .iter()
                .filter_map(|member| Some((member.name.to_owned(), member_value(member, values)?)))
                .collect();
            let filled = group.values().any(|value| match value {
                Value::String(text) => !text.is_empty(),
                Value::Array(items) => !items.is_empty(),
                _ => true,
            });
            filled.then_some(Value::Object(group))
        }
        Shape::CodeList { .. } => Some(json!(values.all(field.key))),
        Shape::TextList { paragraphs: true, .. } => {
            let items: Vec<Value> = values.all(field.key).into_iter().filter_map(non_empty).collect();
            (!(optional && items.is_empty())).then_some(Value::Array(items))
        }
        Shape::TextList { paragraphs: false, .. } => {
            let items = lines(given);
            (!(optional && items.is_empty())).then_some(Value::Array(items))
        }
        Shape::Flag => match given {
            "yes" => Some(json!(true)),
            "no" => Some(json!(false)),
            _ => None,
        },
        Shape::Count { .. } => {
            // A number typed is sent as one ("-3" is out of range, "2.5" not
            // whole); anything else as the text it is.
            let count = given.trim();
            if count.is_empty() {
                None
            } else if let Ok(number) = count.parse::<i64>() {
                Some(json!(number))
            } else {
                match count.parse::<f64>() {
                    Ok(number) if number.is_finite() => Some(json!(number)),
                    _ => Some(json!(count)),
                }
            }
        }
        // A name in any UI language or a code; else as typed, for validation to word.
        Shape::Country => non_empty(names::country_code(given).unwrap_or(given.trim())),
        Shape::Language => non_empty(names::language_code(given).unwrap_or(given.trim())),
        Shape::Attachments => {
            // Kept: the stored attachments, as JSON in hidden inputs, but
            // those ticked for removal; new files are added by the handler.
            let removed = values.all(&remove_key(field.key));
            let items: Vec<Value> = values
                .all(field.key)
                .into_iter()
                .filter_map(|text| serde_json::from_str::<Value>(text).ok())
                .filter(|item| !item.get("hash").and_then(Value::as_str).is_some_and(|hash| removed.contains(&hash)))
                .collect();
            (!(optional && items.is_empty())).then_some(Value::Array(items))
        }
        _ => non_empty(given),
    }
}

/// The form name of the boxes that remove stored attachments of the field `key`.
pub fn remove_key(key: &str) -> String {
    format!("{key}_remove")
}

/// The form name of the file input of the attachments field `key`.
pub fn files_key(key: &str) -> String {
    format!("{key}_files")
}

/// The file types a file input accepts.
fn accepted_types() -> String {
    MediaType::ALL.map(MediaType::as_str).join(",")
}

/// The JSON of a field inside a group: a text is kept even empty, so the
/// group says which of its fields were left empty.
fn member_value(member: &Field, values: &Values) -> Option<Value> {
    match &member.shape {
        Shape::Text { .. } | Shape::LongText { .. } | Shape::Email => Some(json!(values.get(member.key).trim())),
        Shape::Country => {
            let given = values.get(member.key).trim();
            Some(json!(names::country_code(given).unwrap_or(given)))
        }
        _ => field_value(member, values),
    }
}

/// The form values of stored public fields of `kind` (for the edit form;
/// sealed fields stay empty).
pub fn from_fields(kind: &Kind, fields: &Map<String, Value>) -> Values {
    let mut out = Vec::new();
    for field in kind.fields {
        if let Some(value) = fields.get(field.name) {
            push_values(field, value, &mut out);
        }
    }
    Values(out)
}

fn push_values(field: &Field, value: &Value, out: &mut Vec<(String, String)>) {
    let mut push = |text: &str| out.push((field.key.to_owned(), text.to_owned()));
    match (&field.shape, value) {
        (Shape::Group(members), Value::Object(group)) => {
            for member in *members {
                if let Some(value) = group.get(member.name) {
                    push_values(member, value, out);
                }
            }
        }
        (Shape::Flag, Value::Bool(flag)) => push(if *flag { "yes" } else { "no" }),
        (Shape::Attachments, Value::Array(items)) => items.iter().for_each(|item| push(&item.to_string())),
        (Shape::TextList { paragraphs: false, .. }, Value::Array(items)) => {
            push(&items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n"));
        }
        (_, Value::Array(items)) => items.iter().filter_map(Value::as_str).for_each(push),
        (_, Value::String(text)) => push(text),
        (_, other) => push(&other.to_string()),
    }
}

/// The field of `kind` an error's JSON path is about, and the form name it
/// shows at: a field in a group at its own key, the group itself at its
/// first field's.
pub fn form_name<'k>(kind: &'k Kind, path: &'k str) -> &'k str {
    let head = path.split('[').next().unwrap_or(path);
    let mut names = head.split('.');
    let Some(field) = names.next().and_then(|name| kind.field(name)) else { return head };
    let members = field.members();
    match names.next() {
        Some(name) => members.iter().find(|member| member.name == name).map_or(head, |member| member.key),
        None => members.first().map_or(field.key, |member| member.key),
    }
}

/// Every form name shown for `kind`, in order.
pub fn form_names(kind: &Kind) -> Vec<&'static str> {
    kind.fields
        .iter()
        .flat_map(|field| if field.members().is_empty() { std::slice::from_ref(field) } else { field.members() })
        .map(|field| field.key)
        .collect()
}

/// What a form page needs besides the values.
#[derive(Debug)]
pub struct FormSpec<'a> {
    /// Which kind of submission.
    pub kind: &'static Kind,
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

/// The whole form: each field of the kind rendered by its shape.
/// Validation messages are worded in the visitor's language, each next to
/// its field and all in a summary at the top.
pub fn render(ctx: &Ctx, spec: &FormSpec<'_>, values: &Values, errors: Option<&ValidationErrors>) -> Markup {
    let kind = spec.kind;
    let errors: &[FieldError] = errors.map(|errors| errors.0.as_slice()).unwrap_or_default();
    let names = form_names(kind);
    let placed = |error: &FieldError| names.iter().any(|name| *name == form_name(kind, &error.path));
    let form = Form { ctx, kind, values, errors, editing: spec.editing, sealed_group: false };
    // The CSRF token rides in the address too: a multipart body is checked
    // before it is read.
    let action = format!("{}?csrf={}", spec.action, ctx.csrf_token());
    html! {
        @if !errors.is_empty() || spec.signer_error.is_some() {
            div.errors role="alert" tabindex="-1" #errors {
                p { strong { (ctx.t("error.summary")) } }
                ul {
                    @for error in errors {
                        li {
                            @if placed(error) {
                                a href={ "#f-" (form_name(kind, &error.path)) } { (field_words(ctx, kind, &error.path)) }
                            } @else {
                                (field_words(ctx, kind, &error.path))
                            }
                            (ctx.t("common.colon")) (field_message(ctx, kind, error))
                        }
                    }
                    @if let Some(signer_error) = &spec.signer_error {
                        li { a href="#f-identity" { (ctx.t("field.identity")) } (ctx.t("common.colon")) (signer_error) }
                    }
                }
            }
        }
        form method="post" action=(action) enctype="multipart/form-data" #submission-form data-kind=(kind.name) data-autosave=[(!spec.editing).then_some("1")] novalidate {
            (ctx.csrf_field())
            input type="hidden" name="kind" value=(kind.name);
            @if let Some(draft) = spec.draft { input type="hidden" name="draft" value=(draft); }
            @for field in kind.fields {
                (form.field(field))
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
            (names::datalists(ctx.lang))
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

/// What rendering a field needs.
#[derive(Clone, Copy)]
struct Form<'a> {
    ctx: &'a Ctx,
    kind: &'a Kind,
    values: &'a Values,
    errors: &'a [FieldError],
    editing: bool,
    /// Rendering the members of a sealed group.
    sealed_group: bool,
}

impl Form<'_> {
    /// The messages about the form field named `name`, if any.
    fn message(&self, name: &str) -> Option<String> {
        let found: Vec<String> = self
            .errors
            .iter()
            .filter(|error| form_name(self.kind, &error.path) == name)
            .map(|error| field_message(self.ctx, self.kind, error))
            .collect();
        (!found.is_empty()).then(|| found.join(" "))
    }

    /// A field, by its shape.
    fn field(&self, field: &Field) -> Markup {
        let (ctx, values, key) = (self.ctx, self.values, field.key);
        let message = self.message(key);
        // What cannot be shown (the sealed contact) may be left empty in an edit.
        let need = if self.editing && (self.sealed_group || field.sealed) { Need::Optional } else { field.need };
        match &field.shape {
            Shape::Group(members) => html! {
                fieldset id=[field.sealed.then(|| format!("f-{key}"))] {
                    legend {
                        (label_words(ctx, key, need))
                        @if need == Need::Optional { " " span.need { "(" (ctx.t("form.optional")) ")" } }
                    }
                    @if field.sealed {
                        p.hint { (ctx.t("form.sealed_note")) }
                        @if self.editing { p.hint { (ctx.t("form.edit_sealed_note")) } }
                    }
                    @for member in *members { (Form { sealed_group: field.sealed, ..*self }.field(member)) }
                }
            },
            Shape::Text { .. } => text_input(ctx, (field, need), values, message, "text"),
            Shape::Language => {
                let shown = names::shown_language(ctx.lang, values.get(key));
                by_name(ctx, (field, need), &shown, names::LANGUAGES, message)
            }
            Shape::Country => {
                let shown = names::shown_country(ctx.lang, values.get(key));
                by_name(ctx, (field, need), &shown, names::COUNTRIES, message)
            }
            Shape::Date => text_input(ctx, (field, need), values, message, "date"),
            Shape::Email => text_input(ctx, (field, need), values, message, "email"),
            Shape::Count { .. } => text_input(ctx, (field, need), values, message, "number"),
            Shape::LongText { .. } => textarea(ctx, (field, need), values, message, 8),
            Shape::TextList { paragraphs: false, .. } => textarea(ctx, (field, need), values, message, 4),
            Shape::TextList { paragraphs: true, max, .. } => paragraphs(ctx, (field, need), *max, values, message),
            Shape::Code(codes) => choices(ctx, (field, need), "radio", *codes, values, message),
            Shape::CodeList { codes, .. } => choices(ctx, (field, need), "checkbox", *codes, values, message),
            Shape::Flag => flag(ctx, (field, need), values, message),
            Shape::Attachments if ctx.limits.files == 0 => html! {},
            Shape::Attachments => attachments(ctx, key, values, message),
        }
    }
}

/// The attachments field: the stored files (kept as JSON in hidden inputs,
/// each with a box to remove it) and a file input for more. Works without
/// script: the form is sent as `multipart/form-data`.
fn attachments(ctx: &Ctx, name: &str, values: &Values, message: Option<String>) -> Markup {
    let stored: Vec<(String, Attachment)> = values
        .all(name)
        .into_iter()
        .filter_map(|text| Some((text.to_owned(), serde_json::from_str::<Attachment>(text).ok()?)))
        .collect();
    let files = files_key(name);
    html! {
        fieldset.field.invalid[message.is_some()] #{ "f-" (name) } tabindex="-1" {
            legend { (ctx.t(&label_key(name))) " (" (ctx.t("form.optional")) ")" }
            @if !stored.is_empty() {
                ul.attachments {
                    @for (json, attachment) in &stored {
                        li {
                            input type="hidden" name=(name) value=(json);
                            label {
                                input type="checkbox" name=(remove_key(name)) value=(attachment.hash);
                                " " (ctx.t("form.attachment_remove")) " "
                                bdi { (attachment.name) }
                            }
                        }
                    }
                }
            }
            label for=(format!("f-{files}")) { (ctx.t("form.attachment_add")) }
            input type="file" id=(format!("f-{files}")) name=(files) multiple accept=(accepted_types())
                aria-invalid=[message.as_ref().map(|_| "true")]
                aria-describedby=(described_by(name, &message).map_or(format!("h-{files}"), |error| format!("h-{files} {error}")));
            p.hint #{ "h-" (files) } { (attachment_hint(ctx)) }
            (error_line(name, &message))
        }
    }
}

/// What the network lets a submission attach, and what happens to a
/// file's metadata.
fn attachment_hint(ctx: &Ctx) -> String {
    // A decimal comma where the language writes one (as the full-disk message does).
    let mb = |bytes: u64| match ctx.lang {
        Lang::Fr | Lang::Es => format!("{}", bytes as f64 / 1e6).replace('.', ","),
        _ => format!("{}", bytes as f64 / 1e6),
    };
    let (file_mb, total_mb) = (mb(ctx.limits.file_bytes), mb(ctx.limits.submission_bytes));
    ctx.tf(
        "form.attachment_hint",
        &[
            ("files", Arg::Count(u64::from(ctx.limits.files))),
            ("file_mb", Arg::Text(&file_mb)),
            ("total_mb", Arg::Text(&total_mb)),
        ],
    )
}

/// A field's label, saying when it must be filled (in words, for sight
/// and screen readers alike): "(required)", or "(required unless online)"
/// for a place.
fn label_words(ctx: &Ctx, name: &str, need: Need) -> Markup {
    let note = match need {
        Need::Required => Some("form.required"),
        Need::UnlessOnline => Some("form.required_unless_online"),
        Need::Optional => None,
    };
    html! {
        (ctx.t(&label_key(name)))
        @if let Some(note) = note { " " span.need { "(" (ctx.t(note)) ")" } }
    }
}

/// The field's label for an error path (`quotes[2]` → "Quotes …"), or the
/// path itself when the form has no such field.
fn field_words(ctx: &Ctx, kind: &Kind, path: &str) -> String {
    if path == WHOLE {
        return ctx.t("form.whole").to_owned();
    }
    let key = label_key(form_name(kind, path));
    if crate::i18n::has(&key) { ctx.t(&key).to_owned() } else { path.to_owned() }
}

/// An error's message in the visitor's language; an error about one item
/// of a list says which ("Quote 2: …", "Item 3: …").
fn field_message(ctx: &Ctx, kind: &Kind, error: &FieldError) -> String {
    let words = problem_words::words(ctx.lang.code(), &error.problem);
    let item = error.path.split_once('[').and_then(|(_, rest)| rest.trim_end_matches(']').parse::<usize>().ok());
    let field = error.path.split(['[', '.']).next().and_then(|name| kind.field(name));
    let colon = ctx.t("common.colon");
    match (item, field.map(|field| &field.shape)) {
        (Some(index), Some(Shape::TextList { paragraphs: true, .. })) => {
            let key = field.map(|field| field.key).unwrap_or_default();
            format!("{} {}{colon}{words}", ctx.t(&item_key(key)), index + 1)
        }
        (Some(index), Some(Shape::TextList { .. })) => format!("{} {}{colon}{words}", ctx.t("form.item"), index + 1),
        _ => words,
    }
}

fn label_key(name: &str) -> String {
    format!("field.{name}")
}

/// The words of one item of a list of paragraphs ("Quote").
fn item_key(name: &str) -> String {
    format!("field.{name}.item")
}

/// The words of a fixed code, or of a flag's `yes` and `no`.
fn choice_key(name: &str, code: &str) -> String {
    format!("field.{name}.{code}")
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
    (field, need): (&Field, Need),
    values: &Values,
    message: Option<String>,
    input_type: &str,
) -> Markup {
    let name = field.key;
    html! {
        div.field.invalid[message.is_some()] {
            label for={ "f-" (name) } { (label_words(ctx, name, need)) }
            input id={ "f-" (name) } name=(name) type=(input_type) value=(values.get(name)) dir="auto"
                aria-required=[(need == Need::Required).then_some("true")]
                aria-invalid=[message.as_ref().map(|_| "true")]
                aria-describedby=[described_by(name, &message)]
                min=[(input_type == "number").then_some("1")];
            (error_line(name, &message))
        }
    }
}

/// A country or a language, typed or chosen by name from the page's list
/// `list` (a `<datalist>`: the browser offers the names as one types, no
/// script needed); `shown` is the stored code's name.
fn by_name(ctx: &Ctx, (field, need): (&Field, Need), shown: &str, list: &str, message: Option<String>) -> Markup {
    let name = field.key;
    html! {
        div.field.invalid[message.is_some()] {
            label for={ "f-" (name) } { (label_words(ctx, name, need)) }
            input id={ "f-" (name) } name=(name) type="text" value=(shown) dir="auto" list=(list) autocomplete="off"
                aria-required=[(need == Need::Required).then_some("true")]
                aria-invalid=[message.as_ref().map(|_| "true")]
                aria-describedby=[described_by(name, &message)];
            (error_line(name, &message))
        }
    }
}

fn textarea(ctx: &Ctx, (field, need): (&Field, Need), values: &Values, message: Option<String>, rows: u32) -> Markup {
    let name = field.key;
    html! {
        div.field.invalid[message.is_some()] {
            label for={ "f-" (name) } { (label_words(ctx, name, need)) }
            textarea id={ "f-" (name) } name=(name) rows=(rows) dir="auto"
                aria-required=[(need == Need::Required).then_some("true")] aria-invalid=[message.as_ref().map(|_| "true")]
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

/// A code's words: a taxonomy term's, or a fixed code's from the string table.
pub fn code_words(ctx: &Ctx, key: &str, codes: Codes, code: &str) -> String {
    let terms = match codes {
        Codes::Taxonomy(list) => Some(list.terms_in(&ctx.taxonomy.taxonomy)),
        Codes::Fixed(_) => None,
    };
    match terms {
        Some(terms) => {
            Taxonomy::find(terms, code).map_or_else(|| code.to_owned(), |term| term_words(term, ctx.lang.code()))
        }
        None => ctx.t(&choice_key(key, code)).to_owned(),
    }
}

/// Radio buttons (one code) or checkboxes (codes) for each code of `codes`.
fn choices(
    ctx: &Ctx,
    (field, need): (&Field, Need),
    input_type: &str,
    codes: Codes,
    values: &Values,
    message: Option<String>,
) -> Markup {
    let name = field.key;
    html! {
        fieldset.choices.invalid[message.is_some()] id={ "f-" (name) } aria-describedby=[described_by(name, &message)] {
            legend { (label_words(ctx, name, need)) }
            @for code in codes.codes() {
                label.choice {
                    input type=(input_type) name=(name) value=(code) checked[values.has(name, code)];
                    " " (code_words(ctx, name, codes, code))
                }
            }
            (error_line(name, &message))
        }
    }
}

/// One box per item of a list of paragraphs, as many as it may hold.
fn paragraphs(
    ctx: &Ctx,
    (field, need): (&Field, Need),
    max: usize,
    values: &Values,
    message: Option<String>,
) -> Markup {
    let name = field.key;
    let given = values.all(name);
    html! {
        fieldset.invalid[message.is_some()] id={ "f-" (name) } aria-describedby=[described_by(name, &message)] {
            legend { (label_words(ctx, name, need)) }
            @for index in 0..max {
                div.field {
                    label for={ "f-" (name) "-" (index + 1) } { (ctx.t(&item_key(name))) " " (index + 1) }
                    textarea id={ "f-" (name) "-" (index + 1) } name=(name) rows="2" dir="auto" { (given.get(index).copied().unwrap_or("")) }
                }
            }
            (error_line(name, &message))
        }
    }
}

/// Yes and no, in the field's own words.
fn flag(ctx: &Ctx, (field, need): (&Field, Need), values: &Values, message: Option<String>) -> Markup {
    let name = field.key;
    html! {
        fieldset.choices.invalid[message.is_some()] id={ "f-" (name) } aria-describedby=[described_by(name, &message)] {
            legend { (label_words(ctx, name, need)) }
            @for answer in ["yes", "no"] {
                label.choice {
                    input type="radio" name=(name) value=(answer) checked[values.has(name, answer)];
                    " " (ctx.t(&choice_key(name, answer)))
                }
            }
            (error_line(name, &message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::attachment::Limits;
    use convene_protocol::kinds::SubmissionKind;
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
    fn the_files_field_states_the_networks_limits_and_goes_in_a_text_only_network() {
        let spec = |kind| FormSpec {
            kind,
            action: "/new/case_study".into(),
            draft: None,
            identities: &[],
            signer: None,
            editing: false,
            signer_error: None,
        };
        let case_study = SubmissionKind::CaseStudy.spec();
        let mut ctx = Ctx::for_test(Lang::En);
        ctx.limits = Limits { files: 3, file_bytes: 2_500_000, submission_bytes: 5_000_000 };
        let page = render(&ctx, &spec(case_study), &Values::default(), None).into_string();
        assert!(page.contains("Up to 3 files of at most 2.5 MB each, 5 MB in all."), "{page}");
        assert!(page.contains(r#"type="file""#));
        // The count picks its plural form; French writes a decimal comma.
        ctx.lang = Lang::Fr;
        assert!(
            attachment_hint(&ctx).starts_with("Jusqu'à 3 fichiers d'au plus 2,5 Mo chacun, 5 Mo en tout."),
            "{}",
            attachment_hint(&ctx)
        );
        ctx.lang = Lang::Ar;
        assert!(
            attachment_hint(&ctx).starts_with("حتى 3 ملفات، لا يزيد كل منها على 2.5 ميغابايت"),
            "{}",
            attachment_hint(&ctx)
        );
        ctx.limits.files = 1;
        ctx.lang = Lang::En;
        assert!(
            attachment_hint(&ctx).starts_with("1 file of at most 2.5 MB, 5 MB in all."),
            "{}",
            attachment_hint(&ctx)
        );
        ctx.limits.files = 0;
        let page = render(&ctx, &spec(case_study), &Values::default(), None).into_string();
        assert!(!page.contains(r#"type="file""#) && !page.contains("Up to"), "a text-only network offers no files");
    }

    #[test]
    fn required_fields_say_so_and_a_count_typed_wrong_gets_the_right_message() {
        let report = SubmissionKind::ConveningReport.spec();
        let spec = FormSpec {
            kind: report,
            action: "/new/convening_report".into(),
            draft: None,
            identities: &[],
            signer: None,
            editing: false,
            signer_error: None,
        };
        let ctx = Ctx::for_test(Lang::En);
        let page = render(&ctx, &spec, &Values::default(), None).into_string();
        assert!(page.contains(r#"Title <span class="need">(required)</span>"#), "{page}");
        assert!(page.contains(r#"name="title" type="text" value="" dir="auto" aria-required="true""#), "{page}");
        let required = report.fields.iter().filter(|field| field.need == Need::Required && !field.sealed).count();
        assert!(page.matches("(required)").count() >= required, "every required field is marked");
        assert!(page.contains("(required unless the convening is online)"));
        // Editing: the sealed contact may be left empty, so it is not marked required.
        let editing = render(&ctx, &FormSpec { editing: true, ..spec }, &Values::default(), None).into_string();
        let contact = &editing[editing.find(r#"id="f-contact""#).unwrap()..];
        let contact = &contact[..contact.find("</fieldset>").unwrap()];
        assert!(!contact.contains("required"), "{contact}");

        for (typed, message) in [
            ("-3", "-3 is out of range: give a number from 1 to"),
            ("2.5", "2.5 is not a whole number."),
            ("twelve", "Must be a number, not text."),
        ] {
            let mut values = report_values();
            values.0.retain(|(name, _)| name != "participants_count");
            values.0.push(("participants_count".into(), typed.into()));
            let errors = validate_submission(&to_submission(report, &values), &Limits::DEFAULT).unwrap_err();
            let words = problem_words::words("en", &errors.0[0].problem);
            assert!(words.starts_with(message), "{typed}: {words}");
        }
    }

    #[test]
    fn a_filled_report_validates_and_round_trips() {
        let report = SubmissionKind::ConveningReport.spec();
        let submission = to_submission(report, &report_values());
        let validated = validate_submission(&submission, &Limits::DEFAULT).unwrap_or_else(|errors| panic!("{errors}"));
        assert_eq!(validated.fields["host_organizations"], json!(["Hub A", "Hub B"]));
        assert_eq!(validated.fields["location"]["country"], json!("KE"));
        let back = from_fields(report, &validated.fields);
        assert_eq!(back.get("locality"), "Kisumu");
        assert_eq!(back.all("stakeholder_groups").len(), 2);
        let mut again = back.clone();
        again.0.push(("contact_name".into(), "Ama".into()));
        again.0.push(("contact_email".into(), "ama@example.org".into()));
        let resubmitted = validate_submission(&to_submission(report, &again), &Limits::DEFAULT).unwrap();
        assert_eq!(resubmitted.fields, validated.fields);
    }

    /// The keys of the string table a field's form needs.
    fn keys_of(field: &Field) -> Vec<String> {
        let mut keys = vec![label_key(field.key)];
        match &field.shape {
            Shape::TextList { paragraphs: true, .. } => keys.push(item_key(field.key)),
            Shape::Code(Codes::Fixed(codes)) | Shape::CodeList { codes: Codes::Fixed(codes), .. } => {
                keys.extend(codes.iter().map(|code| choice_key(field.key, code)));
            }
            Shape::Flag => keys.extend(["yes", "no"].map(|answer| choice_key(field.key, answer))),
            Shape::Group(members) => keys.extend(members.iter().flat_map(keys_of)),
            _ => {}
        }
        keys
    }

    #[test]
    fn every_field_and_kind_has_words_in_every_language() {
        for kind in SubmissionKind::ALL {
            assert!(crate::i18n::has(&format!("kind.{}", kind.as_str())));
            for key in kind.spec().fields.iter().flat_map(keys_of) {
                // Present in the table, which has every language for every key (a test in i18n checks).
                assert!(crate::i18n::has(&key), "no words for {key}");
            }
        }
    }

    #[test]
    fn every_error_path_has_a_form_field() {
        for kind in SubmissionKind::specs() {
            let errors = validate_submission(&to_submission(kind, &Values::default()), &Limits::DEFAULT).unwrap_err();
            let names = form_names(kind);
            for error in &errors.0 {
                assert!(
                    names.iter().any(|name| *name == form_name(kind, &error.path)),
                    "{}: {} has no field",
                    kind.name,
                    error.path
                );
            }
        }
    }
}
