//! # convene-node
//!
//! A Convene node: the data directory and its keys ([`data_dir`]), the store
//! of signed entries and materialised rows ([`store`], sled behind the narrow
//! [`store::Backend`] trait), queries ([`query`]), exports ([`export`]), and
//! the sync engine ([`sync`]: libp2p, negentropy), and the one public handle
//! over the data, [`Node`].
//!
//! **Architecture invariant:** only this crate touches sled (and, with the
//! sync engine, libp2p). The web UI and the CLI go through [`Node`].

pub mod data_dir;
pub mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod query;
pub mod store;
pub mod sync;

mod node;

pub use data_dir::DataDir;
pub use error::NodeError;
pub use node::{
    HistoryItem, Node, NodeStatus, PreparedBatch, StoredEntry, SubmissionView, SubmitReport, SubmitStatus, Submitted,
    VerifyReport, now_ms,
};
