//! The OpenAPI document of `/api/v1`: the endpoints are a static file next
//! to the code they describe (`web-ui/openapi.json`), the schema of a
//! submission is generated from the table of kinds
//! ([`convene_protocol::json_schema`]) so the two cannot disagree; tests
//! check that every endpoint in it answers as documented.

use std::future::Ready;

use axum::http::{HeaderName, header};
use convene_protocol::attachment::Limits;
use convene_protocol::json_schema::submission_schemas;
use convene_protocol::kinds::SubmissionKind;
use serde_json::Value;

/// The endpoints, embedded; without the submission's schemas.
const ENDPOINTS_JSON: &str = include_str!("../openapi.json");

/// The whole document: the endpoints, with the schemas of a submission
/// in a network with these attachment `limits`.
fn build(limits: &Limits) -> Value {
    let mut document: Value = serde_json::from_str(ENDPOINTS_JSON).expect("openapi.json is JSON (a test reads it)");
    if let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.extend(submission_schemas(&SubmissionKind::specs(), limits));
    }
    document
}

/// The handler of `GET /api/v1/openapi.json`: the document, built once
/// for the node's network.
pub(crate) fn document(limits: &Limits) -> impl FnOnce() -> Ready<(Json, String)> + Clone + Send + Sync + 'static {
    let document = build(limits).to_string();
    move || std::future::ready(([(header::CONTENT_TYPE, "application/json")], document))
}

/// The header of a JSON document.
type Json = [(HeaderName, &'static str); 1];
