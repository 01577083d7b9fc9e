//! The OpenAPI document of `/api/v1`, kept as a static file next to the
//! code it describes (`web-ui/openapi.json`); tests check that every
//! endpoint in it answers as documented.

use axum::http::header;
use axum::response::IntoResponse;

/// The document, embedded.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// `GET /api/v1/openapi.json`
pub(crate) async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}
