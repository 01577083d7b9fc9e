//! What each kind of submission holds, as one table: the single place a
//! kind or a field is described.
//!
//! A [`Kind`] is a name, a code stored on disk and its [`Field`]s in form
//! order; a field is a name, a [`Shape`] with its limits, whether it is
//! required, whether it is sealed to the secretariat, whether it names who
//! or where (left out of an anonymised export), and where it appears in a
//! listing ([`Slot`]) and an export (its column). Validation (`schema`),
//! the listing summary, the JSON Schema of a submission (`json_schema`),
//! the web form, the exports and the corpus generator all read this table; a new kind is one more [`Kind`] here, with a code
//! never used before.

use serde::{Deserialize, Serialize};

use crate::taxonomy::{Taxonomy, Term};

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest name (implementer, contact name), in characters.
pub const MAX_NAME_CHARS: usize = 300;
/// Longest long-text field (summary, context, …), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest item of a text list (insights, quotes, lessons, host organisations), in characters.
pub const MAX_ITEM_CHARS: usize = 2_000;
/// Longest short text (locality, announcement topic), in characters.
pub const MAX_SHORT_CHARS: usize = 200;
/// Most codes in a code list.
pub const MAX_CODES: usize = 50;
/// Most participants a convening report may count.
pub const MAX_PARTICIPANTS: u64 = 1_000_000;
/// Longest email address, in bytes.
pub const MAX_EMAIL_BYTES: usize = 254;

/// One kind of submission.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// Its name, as in a submission's `kind` field: `convening_report`.
    pub name: &'static str,
    /// Its code on disk (a list row's kind byte). Stored rows keep it, so a
    /// code is never changed nor given to another kind.
    pub code: u8,
    /// Its name in the plural, in English: the sheet of an XLSX export
    /// (`Convening reports`; at most 31 characters, none of `[]:*?/\`).
    pub plural: &'static str,
    /// Its fields, in form order (`kind` itself is not one of them).
    pub fields: &'static [Field],
}

/// One field of a kind, or of a group.
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    /// Its name in the submission's JSON.
    pub name: &'static str,
    /// Its name in forms, drafts and translations (`field.{key}`): the name,
    /// or for a field in a group a name unique in the kind (`participants_count`).
    pub key: &'static str,
    /// What it holds, with its limits.
    pub shape: Shape,
    /// Whether it must be given.
    pub need: Need,
    /// Personal data: sealed to the secretariat, never stored or relayed in
    /// clear (stored as the text `sealed_{name}`).
    pub sealed: bool,
    /// Public, but names who or where below the country (an organisation, a
    /// town): exported only in an attributed export, on the secretariat's node.
    pub identifying: bool,
    /// Where it appears in a listing's summary, if it does.
    pub slot: Option<Slot>,
    /// The export column it fills, if any (kinds may share one: `date`).
    pub column: Option<&'static str>,
}

/// What a field holds. Texts are trimmed and may not hold control
/// characters other than line breaks and tabs; lengths are in characters.
#[derive(Debug, PartialEq, Eq)]
pub enum Shape {
    /// One line of text.
    Text {
        /// Most characters.
        max_chars: usize,
    },
    /// Paragraphs of text.
    LongText {
        /// Most characters.
        max_chars: usize,
    },
    /// A list of texts, none empty.
    TextList {
        /// Fewest items.
        min: usize,
        /// Most items.
        max: usize,
        /// Most characters of an item.
        max_chars: usize,
        /// Each item is paragraphs of its own (a form gives each a box);
        /// otherwise items are lines.
        paragraphs: bool,
    },
    /// One code of a list.
    Code(Codes),
    /// Codes of a list, stored sorted and without repeats.
    CodeList {
        /// Which codes.
        codes: Codes,
        /// Fewest codes (at most [`MAX_CODES`]).
        min: usize,
    },
    /// A real date, `YYYY-MM-DD`, from 1900 to 2100.
    Date,
    /// A whole number.
    Count {
        /// The least allowed.
        min: u64,
        /// The most allowed.
        max: u64,
    },
    /// An assigned ISO 3166-1 alpha-2 country code, in capitals.
    Country,
    /// A BCP 47 language tag, stored in its conventional case.
    Language,
    /// An email address.
    Email,
    /// `true` or `false`.
    Flag,
    /// Fields of their own, given as one JSON object; in a group, an optional
    /// text left out is stored empty.
    Group(&'static [Field]),
    /// Attached files ([`crate::attachment::Attachment`]): each an object
    /// `{hash, size, type, name, preview?: {hash, size}}` naming a blob,
    /// within the network's [`crate::attachment::Limits`] (how many, each
    /// file, and all together).
    Attachments,
}

/// Where the codes of a [`Shape::Code`] or [`Shape::CodeList`] come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codes {
    /// A list of the taxonomy.
    Taxonomy(TermList),
    /// A fixed list; a form words each as `field.{key}.{code}`.
    Fixed(&'static [&'static str]),
}

impl Codes {
    /// The codes allowed, in order.
    pub fn codes(self) -> Vec<&'static str> {
        match self {
            Self::Taxonomy(list) => list.terms().iter().map(|term| term.code.as_str()).collect(),
            Self::Fixed(codes) => codes.to_vec(),
        }
    }

    /// The code written `code`, if it is one of these.
    pub fn find(self, code: &str) -> Option<&'static str> {
        match self {
            Self::Taxonomy(list) => list.terms().iter().map(|term| term.code.as_str()).find(|have| *have == code),
            Self::Fixed(codes) => codes.iter().copied().find(|have| *have == code),
        }
    }

    /// The terms, for a list of the taxonomy.
    pub fn terms(self) -> Option<&'static [Term]> {
        match self {
            Self::Taxonomy(list) => Some(list.terms()),
            Self::Fixed(_) => None,
        }
    }
}

/// A list of the taxonomy ([`Taxonomy::v1`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermList {
    /// The framework's principles.
    Principles,
    /// The framework's risks.
    Risks,
    /// The life cycle stages.
    LifecycleStages,
    /// The responsible authorities.
    ResponsibleAuthorities,
    /// Kinds of digital public infrastructure.
    DpiTypes,
    /// Stakeholder groups.
    StakeholderGroups,
    /// Purposes of a convening.
    Purposes,
    /// Formats of a convening.
    Formats,
}

impl TermList {
    /// Its terms in the shipped taxonomy (the codes validation checks).
    pub fn terms(self) -> &'static [Term] {
        self.terms_in(Taxonomy::v1())
    }

    /// Its terms in `taxonomy` (a newer version's titles; the same codes).
    pub fn terms_in(self, taxonomy: &Taxonomy) -> &[Term] {
        match self {
            Self::Principles => &taxonomy.principles,
            Self::Risks => &taxonomy.risks,
            Self::LifecycleStages => &taxonomy.lifecycle_stages,
            Self::ResponsibleAuthorities => &taxonomy.responsible_authorities,
            Self::DpiTypes => &taxonomy.dpi_types,
            Self::StakeholderGroups => &taxonomy.stakeholder_groups,
            Self::Purposes => &taxonomy.purposes,
            Self::Formats => &taxonomy.formats,
        }
    }
}

/// Whether a field must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// It must be there (and a text not empty).
    Required,
    /// It may be left out or `null`.
    Optional,
    /// A text that may be empty only when the submission's `format` is `online`.
    UnlessOnline,
}

/// What a field gives a listing's summary (and the list row stored for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The title.
    Title,
    /// The language tag.
    Language,
    /// The country code.
    Country,
    /// The date it happened or will happen.
    Date,
    /// Principle codes.
    Principles,
    /// Risk codes.
    Risks,
    /// Life cycle stage codes.
    LifecycleStages,
    /// DPI type codes.
    DpiTypes,
    /// Stakeholder group codes.
    StakeholderGroups,
}

/// A required public field named `name` of `shape`, in no summary or column.
pub const fn field(name: &'static str, shape: Shape) -> Field {
    Field { name, key: name, shape, need: Need::Required, sealed: false, identifying: false, slot: None, column: None }
}

impl Field {
    /// The same field, optional.
    pub const fn optional(self) -> Self {
        Self { need: Need::Optional, ..self }
    }

    /// The same field, with this need.
    pub const fn need(self, need: Need) -> Self {
        Self { need, ..self }
    }

    /// The same field, sealed to the secretariat.
    pub const fn sealed(self) -> Self {
        Self { sealed: true, ..self }
    }

    /// The same field, naming who or where: left out of anonymised exports.
    pub const fn identifying(self) -> Self {
        Self { identifying: true, ..self }
    }

    /// The same field, with this key in forms and translations.
    pub const fn key(self, key: &'static str) -> Self {
        Self { key, ..self }
    }

    /// The same field, in this slot of a summary.
    pub const fn slot(self, slot: Slot) -> Self {
        Self { slot: Some(slot), ..self }
    }

    /// The same field, exported in this column.
    pub const fn column(self, column: &'static str) -> Self {
        Self { column: Some(column), ..self }
    }

    /// The fields of a group, or none.
    pub fn members(&self) -> &'static [Field] {
        match self.shape {
            Shape::Group(members) => members,
            _ => &[],
        }
    }
}

impl Kind {
    /// Its field named `name`, if any.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|field| field.name == name)
    }
}

/// How people can take part in an announced convening.
pub const PARTICIPATION: [&str; 2] = ["open_call", "curated_list"];

const fn codes(list: TermList, min: usize) -> Shape {
    Shape::CodeList { codes: Codes::Taxonomy(list), min }
}

const fn lines(min: usize, max: usize, max_chars: usize) -> Shape {
    Shape::TextList { min, max, max_chars, paragraphs: false }
}

const TITLE: Field = field("title", Shape::Text { max_chars: MAX_TITLE_CHARS }).slot(Slot::Title).column("title");
const LANGUAGE: Field = field("language", Shape::Language).slot(Slot::Language).column("language");
const FORMAT: Field = field("format", Shape::Code(Codes::Taxonomy(TermList::Formats))).column("format");
const LOCATION_FIELDS: &[Field] = &[
    field("country", Shape::Country).slot(Slot::Country).column("country"),
    field("locality", Shape::Text { max_chars: MAX_SHORT_CHARS })
        .need(Need::UnlessOnline)
        .identifying()
        .column("locality"),
];
const LOCATION: Field = field("location", Shape::Group(LOCATION_FIELDS));
const CONTACT_FIELDS: &[Field] = &[
    field("name", Shape::Text { max_chars: MAX_NAME_CHARS }).key("contact_name"),
    field("email", Shape::Email).key("contact_email"),
];
const CONTACT: Field = field("contact", Shape::Group(CONTACT_FIELDS)).sealed();
const PARTICIPANTS_FIELDS: &[Field] = &[
    field("count", Shape::Count { min: 1, max: MAX_PARTICIPANTS })
        .key("participants_count")
        .column("participants_count"),
    field("stakeholder_groups", codes(TermList::StakeholderGroups, 1))
        .slot(Slot::StakeholderGroups)
        .column("stakeholder_groups"),
];
const DPI_TYPES: Field = field("dpi_types", codes(TermList::DpiTypes, 1)).slot(Slot::DpiTypes).column("dpi_types");
const PRINCIPLES: Field =
    field("principles", codes(TermList::Principles, 0)).slot(Slot::Principles).column("principles");
const RISKS: Field = field("risks", codes(TermList::Risks, 0)).slot(Slot::Risks).column("risks");
const LIFECYCLE_STAGES: Field = field("lifecycle_stages", codes(TermList::LifecycleStages, 0))
    .slot(Slot::LifecycleStages)
    .column("lifecycle_stages");
const CONSENT: Field = field("consent_to_publish", Shape::Flag).column("consent_to_publish");
const ATTACHMENTS: Field = field("attachments", Shape::Attachments).optional();
const LONG_TEXT: Shape = Shape::LongText { max_chars: MAX_TEXT_CHARS };

/// What came out of a convening: summary, insights, quotes.
pub static CONVENING_REPORT: Kind = Kind {
    name: "convening_report",
    code: 0,
    plural: "Convening reports",
    fields: &[
        TITLE,
        LANGUAGE,
        field("convened_on", Shape::Date).slot(Slot::Date).column("date"),
        FORMAT,
        LOCATION,
        field("host_organizations", lines(1, 20, MAX_ITEM_CHARS)).identifying().column("host_organizations"),
        CONTACT,
        field("purposes", codes(TermList::Purposes, 1)),
        DPI_TYPES,
        field("participants", Shape::Group(PARTICIPANTS_FIELDS)),
        PRINCIPLES,
        RISKS,
        LIFECYCLE_STAGES,
        field("summary", LONG_TEXT),
        field("insights", lines(1, 50, MAX_ITEM_CHARS)),
        field("quotes", Shape::TextList { min: 0, max: 3, max_chars: MAX_ITEM_CHARS, paragraphs: true }).optional(),
        ATTACHMENTS,
        CONSENT,
    ],
};

/// An implementer's experience of applying the safeguards.
pub static CASE_STUDY: Kind = Kind {
    name: "case_study",
    code: 1,
    plural: "Case studies",
    fields: &[
        TITLE,
        LANGUAGE,
        field("country", Shape::Country).slot(Slot::Country).column("country"),
        field("implementer", Shape::Text { max_chars: MAX_NAME_CHARS }).identifying().column("implementer"),
        field("responsible_authority", Shape::Code(Codes::Taxonomy(TermList::ResponsibleAuthorities)))
            .column("responsible_authority"),
        CONTACT,
        DPI_TYPES,
        LIFECYCLE_STAGES,
        PRINCIPLES,
        RISKS,
        field("context", LONG_TEXT),
        field("challenges", LONG_TEXT),
        field("successes", LONG_TEXT),
        field("lessons", lines(1, 50, MAX_ITEM_CHARS)),
        ATTACHMENTS,
        CONSENT,
    ],
};

/// A planned convening, for the calendar.
pub static CONVENING_ANNOUNCEMENT: Kind = Kind {
    name: "convening_announcement",
    code: 2,
    plural: "Convening announcements",
    fields: &[
        TITLE,
        LANGUAGE,
        field("date", Shape::Date).slot(Slot::Date).column("date"),
        FORMAT,
        LOCATION,
        field("participation", Shape::Code(Codes::Fixed(&PARTICIPATION))),
        field("topics", lines(1, 20, MAX_SHORT_CHARS)),
        field("description", LONG_TEXT).optional(),
        PRINCIPLES.optional(),
        CONTACT.optional(),
        CONSENT,
    ],
};

/// The kinds of submission this build knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

    /// Its description in the table.
    pub fn spec(self) -> &'static Kind {
        match self {
            Self::ConveningReport => &CONVENING_REPORT,
            Self::CaseStudy => &CASE_STUDY,
            Self::ConveningAnnouncement => &CONVENING_ANNOUNCEMENT,
        }
    }

    /// Every kind's description.
    pub fn specs() -> [&'static Kind; 3] {
        Self::ALL.map(Self::spec)
    }

    /// Its name, as in the `kind` field: `convening_report`, `case_study`,
    /// `convening_announcement`.
    pub fn as_str(&self) -> &'static str {
        self.spec().name
    }

    /// The kind with this name, if any.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The kind stored with this code, if any.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.spec().code == code)
    }
}

impl std::fmt::Display for SubmissionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_on_disk_are_the_ones_rows_were_stored_with_and_never_shared() {
        let codes: Vec<u8> = SubmissionKind::specs().iter().map(|kind| kind.code).collect();
        assert_eq!(codes, [0, 1, 2], "stored list rows hold these bytes");
        for kind in SubmissionKind::ALL {
            assert_eq!(SubmissionKind::from_code(kind.spec().code), Some(kind));
            assert_eq!(SubmissionKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn plurals_are_sheet_names_and_unique() {
        let mut plurals: Vec<&str> = SubmissionKind::specs().iter().map(|kind| kind.plural).collect();
        for plural in &plurals {
            assert!(!plural.is_empty() && plural.chars().count() <= 31, "{plural}");
            assert!(!plural.contains(['[', ']', ':', '*', '?', '/', '\\']), "{plural}");
        }
        plurals.sort_unstable();
        plurals.dedup();
        assert_eq!(plurals.len(), SubmissionKind::ALL.len());
    }

    #[test]
    fn keys_are_unique_in_a_kind() {
        for kind in SubmissionKind::specs() {
            let mut keys: Vec<&str> = kind
                .fields
                .iter()
                .flat_map(|field| std::iter::once(field).chain(field.members()))
                .map(|f| f.key)
                .collect();
            let count = keys.len();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), count, "{}", kind.name);
        }
    }
}
