//! # convene-node
//!
//! A Convene node: the data directory and its keys ([`data_dir`]), the store
//! of signed entries and materialised rows (private: sled behind a narrow
//! `Backend` trait), queries ([`query`]) and their counts ([`tally`]),
//! exports ([`export`]), the sync engine ([`sync`]: libp2p, negentropy),
//! and the one public handle over the data, [`Node`].
//!
//! **Architecture invariant:** only this crate touches sled (and, with the
//! sync engine, libp2p). The web UI and the CLI go through [`Node`] and
//! [`sync::SyncHandle`]; the store, its records and its keys are private.

pub mod api;
pub mod blobs;
pub mod bundle;
pub mod calendar;
pub mod data_dir;
pub mod drafts;
pub mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod query;
mod store;
pub mod sync;
pub mod tally;

mod node;

pub use data_dir::DataDir;
pub use error::{ErrorClass, NodeError};
pub use node::custody::{CustodyView, custody_enabled, set_custody, sign_custody_as_stored};
pub use node::desk::{DeskRequest, DeskView, Note, acknowledge_as_stored};
pub use node::{
    HISTORY_SHOWN, HistoryItem, Node, NodeStatus, PreparedBatch, StoredEntry, SubmissionView, SubmitReport,
    SubmitStatus, Submitted, VerifiedBatch, VerifyReport, now_ms,
};
/// Free space, and the room the node keeps (what `status` shows).
pub use store::space as disk;
pub use store::{
    BackendError, DocumentRow, GuidePage, IngestError, IngestOutcome, ListRow, Moderation, Repair, StoreCounts,
    StoreError, TaxonomyInUse,
};
