//! One error type for every handler: a status, a stable code the CLI maps
//! to its exit codes, and a message that says what to do. Internal errors
//! are logged and answered without details.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use convene_node::{ErrorClass, NodeError};

/// An API error, as JSON: `{"error": "…", "code": "…"}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with this status, code (one of those `openapi.json` lists) and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    /// The documented error for a request axum could not read: its status
    /// (400, 413, 415, 422) and its words, as JSON.
    fn rejected(status: StatusCode, text: String) -> Self {
        let code = if status == StatusCode::UNPROCESSABLE_ENTITY { "invalid" } else { "usage" };
        let message = if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            "send the body as JSON, with `Content-Type: application/json`".to_owned()
        } else {
            text
        };
        Self { status, code, message }
    }

    /// A 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code: "usage", message: message.into() }
    }

    /// A 401: the operator token is missing or wrong.
    pub fn unauthorized() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: "this node is reachable beyond this computer: present the operator token".into(),
        }
    }

    /// Its HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Its message, safe to show.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A 503 for a node without a sync engine.
    pub fn no_sync() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "failed",
            message: "this node is not running sync".into(),
        }
    }

    /// A 500 that hides its cause from the client.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!("{context}: {error}");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "failed",
            message: format!("{context} failed; see the node's log"),
        }
    }
}

impl From<NodeError> for ApiError {
    fn from(error: NodeError) -> Self {
        let (status, code) = match error.class() {
            ErrorClass::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ErrorClass::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ErrorClass::Refused => (StatusCode::CONFLICT, "refused"),
            ErrorClass::NotSecretariat => (StatusCode::FORBIDDEN, "refused"),
            ErrorClass::Usage => (StatusCode::BAD_REQUEST, "usage"),
            ErrorClass::DiskFull => (StatusCode::INSUFFICIENT_STORAGE, "disk_full"),
            ErrorClass::Storage => (StatusCode::INSUFFICIENT_STORAGE, "failed"),
            ErrorClass::Failed => return Self::internal("the request", error),
        };
        Self { status, code, message: error.to_string() }
    }
}

/// A body that is not JSON, not sent as JSON, of the wrong shape or too large.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        Self::rejected(rejection.status(), rejection.body_text())
    }
}

/// A malformed query string.
impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::rejected(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

/// A path parameter that cannot be read.
impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        let status = if rejection.status().is_server_error() { rejection.status() } else { StatusCode::BAD_REQUEST };
        Self::rejected(status, rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message, "code": self.code });
        (self.status, Json(body)).into_response()
    }
}
