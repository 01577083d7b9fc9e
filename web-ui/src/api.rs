//! The JSON API under `/api/v1`: what the CLI uses while a node runs.
//!
//! Reads are open to whoever can reach the server (it binds 127.0.0.1 by
//! default); every write, and the export of the whole corpus, needs
//! `Authorization: Bearer TOKEN`, the token the running node writes to
//! `DATA_DIR/node.json` (readable by its owner only).
//! JSON bodies need `Content-Type: application/json`, which a cross-site
//! form cannot send.
//!
//! Every answer is documented in `openapi.json`, errors included: requests
//! are read through [`Body`], [`Params`] and [`Id`], which turn whatever
//! axum refuses (not JSON, wrong content type, wrong shape, a malformed
//! query) into the documented JSON error, and an unknown path under
//! `/api/v1` is a JSON 404 too.

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use convene_node::api::{
    AttachRequest, Attached, BundleRequest, DeskDone, DeskSummary, FullStatus, ImportRequest, MAX_IMPORT_BATCH, Shown,
    StoredFile, TaxonomyShown, WantRequest,
};
use convene_node::bundle::{ExportReport, ImportReport, WantReport};
use convene_node::export::{self, Attribution};
use convene_node::query::{Filter, Page};
use convene_node::sync::{Multiaddr, PeerStatus, peers};
use convene_node::{DeskRequest, ListRow, Node, NodeError, SubmitReport, VerifyReport};
use convene_protocol::attachment::{BlobHash, Limits};
use convene_protocol::schema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{ApiError, WebState};

/// Largest request body.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// How much of an export is sent at a time.
const EXPORT_CHUNK_BYTES: usize = 64 * 1024;
/// Longest file name given to `/blobs` (folders included; the node keeps the last 200 characters' worth).
const MAX_GIVEN_NAME_CHARS: usize = 1000;
/// Largest file sent to `/blobs`: the largest attachment, and room for metadata to remove.
/// Largest body of a file upload in a network with these `limits`: the
/// largest file, and room for the metadata removed.
fn max_upload_bytes(limits: &Limits) -> usize {
    limits.file_bytes as usize + 1024 * 1024
}

pub(crate) fn router(limits: &Limits) -> Router<WebState> {
    Router::new()
        .route("/health", get(health))
        .route("/status", get(status))
        .route("/identities", get(identities))
        .route("/submissions", get(list).post(submit))
        .route("/import", post(import))
        .route("/submissions/{id}", get(show))
        .route("/submissions/{id}/withdraw", post(withdraw))
        .route("/submissions/{id}/attachments", post(attach))
        .route("/blobs", post(upload).layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes(limits))))
        .route("/peers", get(peers).post(add_peer).delete(remove_peer))
        .route("/verify", post(verify))
        .route("/desk", get(desk).post(desk_act))
        .route("/desk/not-received", get(not_received))
        .route("/taxonomy", get(taxonomy))
        .route("/bundle/want", post(bundle_want))
        .route("/bundle/export", post(bundle_export))
        .route("/bundle/import", post(bundle_import))
        .route("/export", get(export))
        .fallback(unknown_path)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A JSON body. Whatever axum refuses becomes the documented JSON error
/// (see `From<JsonRejection> for ApiError`): 415 when not sent as
/// `application/json`, 400 when not JSON, 422 when JSON of the wrong shape,
/// 413 when too large.
pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Ok(Body(Json::<T>::from_request(request, state).await?.0))
    }
}

/// Query parameters; a malformed query is the documented JSON error (400).
pub(crate) struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Ok(Params(Query::<T>::from_request_parts(parts, state).await?.0))
    }
}

/// The `{id}` of a path; one that cannot be read is the documented JSON error (400).
pub(crate) struct Id(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Ok(Id(Path::<String>::from_request_parts(parts, state).await?.0))
    }
}

/// Any path under `/api/v1` that is not an operation.
async fn unknown_path() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API operation; see /api/v1/openapi.json")
}

/// `?as=NAME`: which identity signs.
#[derive(Debug, Deserialize)]
pub(crate) struct Signer {
    #[serde(rename = "as")]
    identity: Option<String>,
}

fn authorize(state: &WebState, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    // Constant-time comparison: the token guards writes.
    let ok = presented.is_some_and(|token| {
        token.len() == state.token.len()
            && token.bytes().zip(state.token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    });
    if ok { Ok(()) } else { Err(ApiError::unauthorized()) }
}

/// Runs blocking node work off the async workers.
async fn blocking<T: Send + 'static>(
    node: &Node,
    work: impl FnOnce(&Node) -> Result<T, NodeError> + Send + 'static,
) -> Result<T, ApiError> {
    let node = node.clone();
    tokio::task::spawn_blocking(move || work(&node))
        .await
        .map_err(|error| ApiError::internal("a storage task", error))?
        .map_err(ApiError::from)
}

/// A cheap liveness check: the network this node serves.
async fn health(State(state): State<WebState>) -> Json<Value> {
    Json(serde_json::json!({ "ok": true, "network": state.node.network() }))
}

async fn status(State(state): State<WebState>) -> Result<Json<FullStatus>, ApiError> {
    let node = blocking(&state.node, Node::status).await?;
    let sync = match &state.sync {
        Some(sync) => Some(sync.status().await?),
        None => None,
    };
    Ok(Json(FullStatus { node, sync }))
}

async fn identities(State(state): State<WebState>) -> Result<Json<Value>, ApiError> {
    let list = blocking(&state.node, |node| node.data_dir().identities()).await?;
    Ok(Json(serde_json::to_value(list).unwrap_or_default()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(flatten)]
    filter: Filter,
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

async fn list(State(state): State<WebState>, Params(query): Params<ListQuery>) -> Result<Json<Page>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    let page = blocking(&state.node, move |node| node.list_on_desk(&query.filter, query.offset, limit)).await?;
    Ok(Json(page))
}

async fn submit(
    State(state): State<WebState>,
    headers: HeaderMap,
    Params(signer): Params<Signer>,
    Body(submission): Body<Map<String, Value>>,
) -> Result<(StatusCode, Json<SubmitReport>), ApiError> {
    authorize(&state, &headers)?;
    let submitted = blocking(&state.node, move |node| {
        let (_, secret) = node.data_dir().identity(signer.identity.as_deref())?;
        node.submit(&secret, &Value::Object(submission))
    })
    .await?;
    let status = if submitted.already_stored { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(SubmitReport::from_result(Ok(submitted)))))
}

async fn import(
    State(state): State<WebState>,
    headers: HeaderMap,
    Params(signer): Params<Signer>,
    Body(batch): Body<Vec<Map<String, Value>>>,
) -> Result<Json<Vec<SubmitReport>>, ApiError> {
    authorize(&state, &headers)?;
    if batch.len() > MAX_IMPORT_BATCH {
        return Err(ApiError::bad_request(format!("send at most {MAX_IMPORT_BATCH} submissions per call")));
    }
    let batch: Vec<Value> = batch.into_iter().map(Value::Object).collect();
    let reports = blocking(&state.node, move |node| {
        let (_, secret) = node.data_dir().identity(signer.identity.as_deref())?;
        Ok(node.submit_many(&secret, &batch)?.into_iter().map(SubmitReport::from_result).collect())
    })
    .await?;
    Ok(Json(reports))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    reveal: bool,
}

async fn show(
    State(state): State<WebState>,
    headers: HeaderMap,
    Id(id): Id,
    Params(query): Params<ShowQuery>,
) -> Result<Json<Shown>, ApiError> {
    if query.reveal {
        authorize(&state, &headers)?;
    }
    let shown = blocking(&state.node, move |node| {
        let id = node.resolve(&id)?;
        let view = node.show(&id)?;
        let contact = if query.reveal { node.reveal(&id)? } else { None };
        let notes = if query.reveal { node.notes(&id)? } else { Vec::new() };
        Ok(Shown { view, contact, notes })
    })
    .await?;
    Ok(Json(shown))
}

async fn desk(State(state): State<WebState>) -> Result<Json<DeskSummary>, ApiError> {
    let summary = blocking(&state.node, |node| {
        Ok(DeskSummary { secretariat: node.is_secretariat(), tags: node.tag_list()?, curators: node.curators()? })
    })
    .await?;
    Ok(Json(summary))
}

async fn taxonomy(State(state): State<WebState>) -> Json<TaxonomyShown> {
    Json(TaxonomyShown::from(state.node.taxonomy().as_ref()))
}

/// Signs statements of the desk: by the identity `as` names (a curator),
/// else by the secretariat's key.
async fn desk_act(
    State(state): State<WebState>,
    headers: HeaderMap,
    Params(signer): Params<Signer>,
    Body(request): Body<DeskRequest>,
) -> Result<Json<DeskDone>, ApiError> {
    authorize(&state, &headers)?;
    let statements = blocking(&state.node, move |node| {
        let secret = match signer.identity.as_deref() {
            Some(name) => Some(node.data_dir().identity(Some(name))?.1),
            None => None,
        };
        node.desk(secret.as_ref(), &request)
    })
    .await?;
    Ok(Json(DeskDone { statements }))
}

async fn not_received(State(state): State<WebState>) -> Result<Json<Vec<ListRow>>, ApiError> {
    Ok(Json(blocking(&state.node, |node| node.not_received()).await?))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct WithdrawBody {
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    State(state): State<WebState>,
    headers: HeaderMap,
    Id(id): Id,
    Params(signer): Params<Signer>,
    Body(body): Body<WithdrawBody>,
) -> Result<Json<Value>, ApiError> {
    authorize(&state, &headers)?;
    let (id, entry) = blocking(&state.node, move |node| {
        let (_, secret) = node.data_dir().identity(signer.identity.as_deref())?;
        let id = node.resolve(&id)?;
        Ok((id, node.withdraw(&secret, &id, &body.reason)?))
    })
    .await?;
    Ok(Json(serde_json::json!({ "id": id, "entry": entry })))
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadQuery {
    name: String,
}

/// Stores a file to attach (its bytes are the body): type checked by its
/// first bytes, metadata removed, preview made.
async fn upload(
    State(state): State<WebState>,
    headers: HeaderMap,
    Params(query): Params<UploadQuery>,
    request: Request,
) -> Result<(StatusCode, Json<StoredFile>), ApiError> {
    authorize(&state, &headers)?;
    if query.name.chars().count() > MAX_GIVEN_NAME_CHARS {
        return Err(ApiError::bad_request(format!("a file name may be at most {MAX_GIVEN_NAME_CHARS} characters")));
    }
    let limits = state.node.limits();
    let bytes = axum::body::to_bytes(request.into_body(), max_upload_bytes(&limits)).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "usage",
            format!("this network lets a file be at most {} bytes once its metadata is removed", limits.file_bytes),
        )
    })?;
    let stored = blocking(&state.node, move |node| node.store_file(&query.name, &bytes)).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Adds stored files to a submission by a signed change.
async fn attach(
    State(state): State<WebState>,
    headers: HeaderMap,
    Id(id): Id,
    Params(signer): Params<Signer>,
    Body(body): Body<AttachRequest>,
) -> Result<Json<Attached>, ApiError> {
    authorize(&state, &headers)?;
    let entry = blocking(&state.node, move |node| {
        let (_, secret) = node.data_dir().identity(signer.identity.as_deref())?;
        let id = node.resolve(&id)?;
        // A file not stored here is named first (409), whatever else is wrong.
        let named = body.attachments.iter().flat_map(|file| [file.get("hash"), file.pointer("/preview/hash")]);
        for hash in named.flatten().filter_map(Value::as_str).filter_map(BlobHash::parse) {
            if !node.blobs().has(&hash) {
                return Err(NodeError::FileNotHere(hash));
            }
        }
        let attachments = schema::validate_attachments(&Value::Array(body.attachments), &node.limits())
            .map_err(NodeError::Invalid)?;
        node.attach(&secret, &id, &attachments)
    })
    .await?;
    Ok(Json(Attached { entry: entry.map(|entry| entry.to_string()) }))
}

async fn verify(State(state): State<WebState>, headers: HeaderMap) -> Result<Json<VerifyReport>, ApiError> {
    authorize(&state, &headers)?;
    Ok(Json(blocking(&state.node, Node::verify).await?))
}

/// Bundle operations name files on this computer: only over the node's
/// own socket (the `convene bundle` commands), with absolute paths. Over
/// TCP the network page's download and upload carry bundles instead.
fn files_allowed(state: &WebState, paths: &[&std::path::Path]) -> Result<(), ApiError> {
    if !state.guard.is_trusted_transport() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "refused",
            "bundle files are named by path only over the node's own socket (the `convene bundle` commands); \
             over HTTP, use the network page's download and upload",
        ));
    }
    match paths.iter().find(|path| !path.is_absolute()) {
        Some(path) => Err(ApiError::bad_request(format!("{}: give an absolute path", path.display()))),
        None => Ok(()),
    }
}

async fn bundle_want(
    State(state): State<WebState>,
    headers: HeaderMap,
    Body(request): Body<WantRequest>,
) -> Result<Json<WantReport>, ApiError> {
    authorize(&state, &headers)?;
    files_allowed(&state, &[&request.file])?;
    Ok(Json(blocking(&state.node, move |node| node.write_want(&request.file)).await?))
}

async fn bundle_export(
    State(state): State<WebState>,
    headers: HeaderMap,
    Body(request): Body<BundleRequest>,
) -> Result<Json<ExportReport>, ApiError> {
    authorize(&state, &headers)?;
    let mut paths = vec![request.file.as_path()];
    paths.extend(request.want.as_deref());
    files_allowed(&state, &paths)?;
    Ok(Json(blocking(&state.node, move |node| request.run(node)).await?))
}

async fn bundle_import(
    State(state): State<WebState>,
    headers: HeaderMap,
    Body(request): Body<ImportRequest>,
) -> Result<Json<ImportReport>, ApiError> {
    authorize(&state, &headers)?;
    let paths: Vec<&std::path::Path> = request.files.iter().map(std::path::PathBuf::as_path).collect();
    files_allowed(&state, &paths)?;
    Ok(Json(blocking(&state.node, move |node| node.import_bundle_files(&request.files)).await?))
}

async fn peers(State(state): State<WebState>) -> Result<Json<Vec<PeerStatus>>, ApiError> {
    let sync = state.sync.as_ref().ok_or_else(ApiError::no_sync)?;
    Ok(Json(sync.status().await?.peers))
}

#[derive(Debug, Deserialize)]
pub(crate) struct PeerBody {
    addr: String,
}

fn parse_addr(text: &str) -> Result<Multiaddr, ApiError> {
    Ok(peers::parse_peer_addr(text)?)
}

async fn add_peer(
    State(state): State<WebState>,
    headers: HeaderMap,
    Body(body): Body<PeerBody>,
) -> Result<Json<Value>, ApiError> {
    authorize(&state, &headers)?;
    let addr = parse_addr(&body.addr)?;
    let sync = state.sync.as_ref().ok_or_else(ApiError::no_sync)?;
    let added = sync.add_peer(&state.node, addr).await?;
    Ok(Json(serde_json::json!({ "added": added })))
}

async fn remove_peer(
    State(state): State<WebState>,
    headers: HeaderMap,
    Body(body): Body<PeerBody>,
) -> Result<Json<Value>, ApiError> {
    authorize(&state, &headers)?;
    let addr = parse_addr(&body.addr)?;
    let sync = state.sync.as_ref().ok_or_else(ApiError::no_sync)?;
    let removed = sync.remove_peer(&state.node, addr).await?;
    Ok(Json(serde_json::json!({ "removed": removed })))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExportQuery {
    #[serde(default)]
    attributed: bool,
}

/// Every live submission as `convene export` writes it, one JSON object a
/// line (`application/x-ndjson`), streamed as the store is read: memory
/// stays flat whatever the corpus. Attributed only on the secretariat's node.
async fn export(
    State(state): State<WebState>,
    headers: HeaderMap,
    Params(query): Params<ExportQuery>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let attribution = if query.attributed { Attribution::Attributed } else { Attribution::Anonymised };
    blocking(&state.node, move |node| export::check_attribution(node.data_dir(), attribution)).await?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    let node = state.node.clone();
    tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        for row in export::rows(&node, attribution) {
            let sent = match row {
                Ok(fields) => {
                    serde_json::to_writer(&mut lines, &fields).expect("a JSON map serialises");
                    lines.push(b'\n');
                    if lines.len() < EXPORT_CHUNK_BYTES {
                        continue;
                    }
                    sender.blocking_send(Ok(std::mem::take(&mut lines)))
                }
                // The answer is cut short: the client sees it unfinished.
                Err(error) => {
                    tracing::warn!("export stopped: {error}");
                    let _ = sender.blocking_send(Err(std::io::Error::other(error.to_string())));
                    return;
                }
            };
            // The client went away.
            if sent.is_err() {
                return;
            }
        }
        if !lines.is_empty() {
            let _ = sender.blocking_send(Ok(lines));
        }
    });
    // Polled again after its end by the compression layer: it answers the end again.
    let body = futures::stream::poll_fn(move |context| receiver.poll_recv(context));
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], axum::body::Body::from_stream(body)).into_response())
}
