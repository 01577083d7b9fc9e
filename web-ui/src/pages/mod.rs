//! The web UI's pages: one file per page, all server-rendered with maud
//! (which escapes every value), all usable without JavaScript.

pub mod browse;
pub mod calendar;
pub mod dashboard;
pub mod desk;
pub mod form;
pub mod guide;
pub mod identities;
pub mod login;
pub mod network;
pub mod submission;
pub mod write;

use axum::Router;
use axum::routing::{get, post};
use convene_protocol::attachment::Limits;

use crate::WebState;
use crate::web;

/// The body limit of a submission form, which may carry files.
fn form_limit(limits: &Limits) -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(write::max_form_bytes(limits))
}

/// Every page route, with the security headers.
pub(crate) fn router(limits: &Limits) -> Router<WebState> {
    Router::new()
        .route("/", get(browse::page))
        .route("/calendar", get(calendar::page))
        .route("/calendar.ics", get(calendar::ics))
        .route("/guide", get(guide::index))
        .route("/guide/{slug}", get(guide::page))
        .route("/dashboard", get(dashboard::page))
        .route("/dashboard/{file}", get(dashboard::csv))
        .route("/s/{id}", get(submission::page))
        .route("/s/{id}/edit", get(write::edit_form).post(write::edit_post).layer(form_limit(limits)))
        .route("/s/{id}/withdraw", get(submission::withdraw_confirm).post(submission::withdraw))
        .route("/s/{id}/curate", post(desk::curate))
        .route("/s/{id}/moderate", post(desk::moderate))
        .route("/inbox", get(desk::inbox).post(desk::inbox_post))
        .route("/new", get(write::choose))
        .route("/new/{kind}", get(write::new_form).post(write::new_post).layer(form_limit(limits)))
        .route("/blobs/{hash}", get(submission::blob))
        .route("/drafts", get(write::drafts_page))
        .route("/drafts/autosave", post(write::autosave))
        .route("/drafts/{id}/discard", post(write::discard))
        .route("/identities", get(identities::page).post(identities::create))
        .route("/identities/choose", post(identities::choose))
        .route("/network", get(network::page))
        .route("/network/peers", post(network::add_peer))
        .route("/network/peers/remove", post(network::remove_peer))
        .route("/network/bundle", get(network::download_bundle).post(network::import_bundle))
        .route("/login", get(login::page).post(login::login))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::set_lang))
        .route("/assets/style.css", get(web::style_css))
        .route("/assets/app.js", get(web::app_js))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(axum::middleware::from_fn(web::security_headers))
}
