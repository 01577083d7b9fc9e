//! # convene-web
//!
//! The HTTP face of a running node: the JSON API under `/api/v1` (what the
//! `convene` CLI talks to while `convene node run` holds the store, described
//! by `openapi.json`) and the web UI's pages ([`pages`], over [`web`],
//! [`i18n`] and [`drafts`]). Everything goes through [`convene_node::Node`] and the
//! sync engine's [`convene_node::sync::SyncHandle`].
//!
//! **Security invariants:** the server binds 127.0.0.1 unless told
//! otherwise; when it is bound wider, every write needs the operator token
//! (`Authorization: Bearer …`); errors never show internals.

mod api;
#[cfg(test)]
mod contrast;
pub mod drafts;
mod error;
pub mod i18n;
mod openapi;
pub mod pages;
pub mod web;

use axum::Router;
use convene_node::Node;
use convene_node::sync::SyncHandle;

pub use api::{FullStatus, MAX_IMPORT_BATCH, Shown};
pub use error::ApiError;
pub use web::format_time;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct WebState {
    /// The node.
    pub node: Node,
    /// The sync engine, when the node runs one.
    pub sync: Option<SyncHandle>,
    /// The operator token; writes must present it when `require_token`.
    pub token: String,
    /// True when the server listens beyond loopback.
    pub require_token: bool,
}

/// The whole HTTP surface.
pub fn router(state: WebState) -> Router {
    Router::new()
        .nest("/api/v1", api::router().route("/openapi.json", axum::routing::get(openapi::document)))
        .merge(pages::router())
        .with_state(state)
}
