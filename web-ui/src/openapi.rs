//! The OpenAPI document of `/api/v1`: the endpoints are a static file next
//! to the code they describe (`web-ui/openapi.json`), the schema of a
//! submission is generated from the table of kinds
//! ([`convene_protocol::json_schema`]) so the two cannot disagree; tests
//! check that every endpoint in it answers as documented.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use convene_protocol::json_schema::submission_schemas;
use convene_protocol::kinds::SubmissionKind;
use serde_json::Value;

/// The endpoints, embedded; without the submission's schemas.
const ENDPOINTS_JSON: &str = include_str!("../openapi.json");

/// The whole document, built on first use.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| build().to_string());

/// The whole document: the endpoints, with the schemas of a submission.
fn build() -> Value {
    let mut document: Value = serde_json::from_str(ENDPOINTS_JSON).expect("openapi.json is JSON (a test reads it)");
    if let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.extend(submission_schemas(&SubmissionKind::specs()));
    }
    document
}

/// `GET /api/v1/openapi.json`
pub(crate) async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}
