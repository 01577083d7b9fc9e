//! What is wrong with a submission, without words: the [`Problem`] of each
//! bad field, with its parameters. [`crate::problem_words`] words them in
//! each language; `Display` is English, for the CLI and logs.
//!
//! Quoted values are shortened to 40 characters, and the contact's values
//! are never quoted (problems end up in logs).

use std::fmt;

use serde_json::Value;

use crate::problem_words;

/// One bad field: which, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// The field's JSON path, e.g. `title`, `location.country` or `quotes[3]`;
    /// [`WHOLE`] for the submission as a whole.
    pub path: String,
    /// What is wrong, for a program; [`crate::problem_words`] words it in a language.
    pub problem: Problem,
}

/// The `path` of an error about the submission as a whole.
pub const WHOLE: &str = "(submission)";

/// What is wrong with a field, without words: each language words it from
/// its message table ([`crate::problem_words`]).
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
        expected: Expected,
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
        /// The number given (one past `i64` counts as `i64::MAX`).
        value: i64,
        /// The least allowed.
        min: u64,
        /// The most allowed.
        max: u64,
    },
    /// A text needed unless the convening is online is empty, and it is not online.
    PlaceNeeded {
        /// The convening's format code (`in_person`, `hybrid`).
        format: String,
    },
    /// A field that this kind of submission (or this group of fields) does not have.
    UnknownField {
        /// The field it looks like, if any.
        suggestion: Option<String>,
    },
    /// A sealed field (the contact) in clear in a stored document.
    ClearContact,
    /// The public fields are too large together.
    TooLarge {
        /// Their size, in KiB.
        kib: usize,
        /// The most allowed, in KiB.
        max_kib: usize,
    },
    /// Not a BLAKE3 hash written as 64 lowercase hex digits.
    BadHash {
        /// The value given.
        value: String,
    },
    /// A file name with a folder in it (`/` or `\\`), or `.` or `..`.
    NotAFileName {
        /// The value given.
        value: String,
    },
    /// The attached files are too large together.
    FilesTooLarge {
        /// Their size, in MB (rounded up).
        mb: u64,
        /// The most allowed, in MB.
        max_mb: u64,
    },
}

/// What a value must be, in a [`Problem::WrongType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
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
    /// A group of fields (a JSON object), such as a location.
    Group,
}

impl Expected {
    /// Every expectation.
    pub const ALL: [Expected; 7] =
        [Self::Fields, Self::Text, Self::List, Self::Number, Self::Boolean, Self::Code, Self::Group];
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
}

impl fmt::Display for FieldError {
    /// In English: the CLI and the node's messages show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.path, problem_words::words(problem_words::ENGLISH, &self.problem))
    }
}

/// Every bad field of one submission (never empty when returned as an error).
/// Serialises as a list of [`FieldError`], for a form to show next to its fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// The first error about the field at `path` or anything inside it
    /// (`participants` matches `participants.count` and `principles` matches `principles[2]`).
    pub fn for_field(&self, path: &str) -> Option<&FieldError> {
        self.0.iter().find(|error| {
            error.path == path
                || error.path.strip_prefix(path).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
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
