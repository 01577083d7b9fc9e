//! # convene-web
//!
//! The HTTP face of a running node: the JSON API under `/api/v1` (what the
//! `convene` CLI talks to while `convene node run` holds the store, described
//! by `openapi.json` and the schema of a submission generated from the table
//! of kinds) and the web UI's pages ([`pages`], over [`web`], [`i18n`] and
//! [`drafts`]). Everything goes through [`convene_node::Node`] and the
//! sync engine's [`convene_node::sync::SyncHandle`].
//!
//! **Security invariants:** the server binds 127.0.0.1 unless told
//! otherwise; every request passes the [`guard`] before any handler (its
//! `Host` must name this node; a state-changing request's `Origin` must be
//! this node's; bound wider, everything but the public browse pages needs a
//! login or the operator token); errors never show internals.

mod api;
pub mod bidi;
mod chart;
#[cfg(test)]
mod contrast;
pub mod dates;
mod error;
pub mod guard;
pub mod i18n;
mod markdown;
mod names;
#[cfg(test)]
mod new_kind_tests;
mod openapi;
pub mod pages;
mod regions;
pub mod session;
pub mod showcase;
pub mod tls;
pub mod web;

use axum::Router;
use convene_node::Node;
use convene_node::sync::SyncHandle;

use std::sync::Arc;

pub use error::ApiError;
pub use guard::Guard;
pub use session::Sessions;
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
    /// True when the server listens beyond loopback: everything but the
    /// public browse pages needs a login or the token.
    pub require_token: bool,
    /// Which `Host` and `Origin` values are this node's.
    pub guard: Arc<Guard>,
    /// Login sessions.
    pub sessions: Sessions,
}

impl WebState {
    /// The state of a server `guard` describes (login needed when it is
    /// reachable beyond this computer).
    pub fn new(node: Node, sync: Option<SyncHandle>, token: String, guard: Guard) -> Self {
        WebState {
            node,
            sync,
            token,
            require_token: guard.wide(),
            guard: Arc::new(guard),
            sessions: Sessions::default(),
        }
    }
}

/// The whole HTTP surface, behind the request guard.
pub fn router(state: WebState) -> Router {
    let limits = state.node.limits();
    Router::new()
        .nest("/api/v1", api::router(&limits).route("/openapi.json", axum::routing::get(openapi::document(&limits))))
        .merge(pages::router(&limits))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::check))
        // Pages, styles and scripts gzipped for a browser that takes it:
        // hubs pay for every kilobyte (the home page: 19 KB, 4 KB gzipped).
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}
