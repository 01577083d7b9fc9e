//! # convene-protocol
//!
//! Everything two Convene nodes must agree on, and nothing that touches a
//! disk, a socket or a clock it was not handed:
//!
//! - [`keys`]: ed25519 author identities (shown as `did:key`) and the
//!   secretariat's x25519 encryption key;
//! - [`network`]: the signed network genesis and the network id;
//! - [`entry`]: the signed, content-addressed, immutable entry and its
//!   versioned binary encoding;
//! - [`document`]: how a submission's fields become automerge changes and back;
//! - [`change_limits`]: the limits every change is held to before automerge reads it;
//! - [`seal`]: personal data sealed to the secretariat;
//! - [`statement`]: the secretariat's desk (receipts, curation, moderation)
//!   as signed entries, and who may make them;
//! - [`kinds`]: the table of kinds of submission and their fields, which
//!   [`schema`] (validation and summary), [`json_schema`] and every other
//!   crate read; [`taxonomy`] and [`text_rules`]: the codes and texts they hold;
//! - [`problem`] and [`problem_words`]: what is wrong with a submission, and
//!   its words in each language;
//! - [`wire`]: the sync protocol's messages and their size limits.
//!
//! **Architecture invariant:** this crate does no I/O and spawns nothing;
//! callers pass in time and randomness where it matters.

#[macro_use]
mod bytes;

pub mod attachment;
pub mod change_limits;
pub mod document;
pub mod entry;
#[doc(hidden)]
pub mod fuzzing;
pub mod json_schema;
pub mod keys;
pub mod kinds;
pub mod network;
pub mod problem;
pub mod problem_words;
pub mod release;
pub mod schema;
pub mod seal;
pub mod statement;
pub mod taxonomy;
pub mod text_rules;
pub mod wire;
