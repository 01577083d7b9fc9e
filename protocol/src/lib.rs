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
//! - [`schema`] and [`taxonomy`]: what a valid submission holds;
//! - [`wire`]: the sync protocol's messages and their size limits.
//!
//! **Architecture invariant:** this crate does no I/O and spawns nothing;
//! callers pass in time and randomness where it matters.

#[macro_use]
mod bytes;

pub mod change_limits;
pub mod document;
pub mod entry;
#[doc(hidden)]
pub mod fuzzing;
pub mod keys;
pub mod network;
pub mod schema;
pub mod seal;
pub mod taxonomy;
pub mod wire;
