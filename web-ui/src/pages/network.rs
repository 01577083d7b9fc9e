//! The network page (`/network`): this node's identity and network, its
//! peers with their counters, a form to add a peer, and bundles for a USB
//! stick: a download (everything, or since a date) and an upload
//! (`multipart/form-data`, no script needed; the CSRF token rides in the
//! form's query string so it is checked before a byte of the body is read,
//! and the body is streamed to a file in the data directory, at most
//! [`MAX_UPLOAD_BYTES`], then imported from there and removed).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use axum::Form;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use convene_node::bundle::{ImportReport, PartProblem, Selection, parse_date_ms};
use convene_node::sync::{Multiaddr, NatStatus, PeerStatus, Problem, ProblemCode, Reach, SyncHandle, SyncStatus};
use convene_node::{Node, NodeError};
use futures::StreamExt;
use maud::{Markup, html};
use serde::Deserialize;

use convene_protocol::kinds::SubmissionKind;

use crate::WebState;
use crate::i18n::Arg;
use crate::pages::write::kind_label;
use crate::web::{Ctx, PageError, blocking, format_time, notice};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NetworkQuery {
    added: bool,
    removed: bool,
}

/// `GET /network`
pub(crate) async fn page(
    ctx: Ctx,
    State(state): State<WebState>,
    Query(query): Query<NetworkQuery>,
) -> Result<Response, PageError> {
    let done = match (query.added, query.removed) {
        (true, _) => Some("net.added"),
        (_, true) => Some("net.removed"),
        _ => None,
    };
    render(ctx, state, done, None, None).await
}

async fn render(
    ctx: Ctx,
    state: WebState,
    done: Option<&'static str>,
    problem: Option<(String, String)>,
    imported: Option<ImportReport>,
) -> Result<Response, PageError> {
    let status = blocking(ctx.lang, &state, Node::status).await?;
    let (typed, message) = problem.clone().unwrap_or_default();
    let body = html! {
        @if let Some(done) = done { (notice(ctx.t(done))) }
        @if let Some(report) = &imported { (import_notice(&ctx, report)) }
        dl.fields {
            dt { (ctx.t("net.network")) }
            dd { bdi { (status.network_name) } " · " code { (status.network_id) } }
            @if status.secretariat { dt { "" } dd { strong { (ctx.t("net.secretariat")) } } }
            dt { (ctx.t("net.stored")) }
            dd {
                ul {
                    @for (kind, count) in &status.store.documents {
                        li { (count) " × " (SubmissionKind::parse(kind).map(|kind| kind_label(&ctx, kind)).unwrap_or(kind.as_str())) }
                    }
                     li { (ctx.tf("net.entries_signed", &[("n", Arg::Count(status.store.entries as u64))])) " (" (status.store.entry_bytes / 1024) " KiB)" }
                    @if status.store.withdrawn > 0 { li { (status.store.withdrawn) " × " (ctx.t("sub.entry.withdraw")) } }
                }
            }
            @if let Some(sync) = &ctx.sync {
                dt { (ctx.t("net.hub_name")) }
                dd #hub-name {
                    @match &sync.hub_name {
                        Some(name) => { bdi { (name) } }
                        None => { (ctx.t("net.hub_name_none")) " " code { "convene hub-name NAME" } }
                    }
                }
                dt { (ctx.t("net.node_id")) }
                dd { code #node-id { (sync.peer_id) } }
                dt { (ctx.t("net.listen")) }
                dd { ul { @for addr in &sync.listen_addrs { li { code { (addr) } } } } }
                dt { (ctx.t("net.nat")) }
                dd #nat { (ctx.t(nat_key(sync))) }
                @if !sync.relays.is_empty() {
                    dt { (ctx.t("net.relays")) }
                    dd { ul {
                        @for relay in &sync.relays {
                            li {
                                code { (relay.addr) } ": "
                                @if relay.reserved {
                                    (ctx.t("net.relay_reserved")) " " code { (relay.circuit_addr) }
                                } @else {
                                    (ctx.t("net.relay_waiting"))
                                }
                            }
                        }
                    } }
                }
                @if sync.relay_server { dt { "" } dd { (ctx.t("net.relay_server")) } }
                dt { (ctx.t("net.files")) }
                dd {
                    @if sync.blobs_waiting > 0 {
                        (ctx.tf("net.files_waiting", &[("n", Arg::Count(sync.blobs_waiting)), ("mb", Arg::Text(&format!("{:.1}", sync.blob_bytes_waiting as f64 / 1e6)))]))
                    } @else {
                        (ctx.t("net.files_here"))
                    }
                    @if sync.text_only { br; small { (ctx.t("net.text_only")) } }
                }
            }
        }
        h2 #peers-h { (ctx.t("net.peers")) }
        @match &ctx.sync {
            None => { p { (ctx.t("net.no_sync")) } }
            Some(sync) if sync.peers.is_empty() => { p { (ctx.t("net.no_peers")) } }
            Some(sync) => {
                // On a phone each peer's row is a card (`style.css`); the
                // table may still scroll within its own region, named by
                // the heading and reachable from the keyboard.
                div.scroll role="region" aria-labelledby="peers-h" tabindex="0" {
                    table.peers {
                        thead { tr {
                            th scope="col" { (ctx.t("net.peer")) }
                            th scope="col" { (ctx.t("sync.last")) }
                            th scope="col" { (ctx.t("net.entries")) }
                            th scope="col" { (ctx.t("net.bytes")) }
                            th scope="col" { (ctx.t("net.errors")) }
                        } }
                        tbody {
                            @for peer in &sync.peers {
                                tr {
                                    td {
                                        (peer_name(&ctx, peer))
                                        br;
                                        span.dot.on[peer.connected] {}
                                        @if peer.connected { (ctx.t("net.connected")) } @else { (ctx.t("net.disconnected")) }
                                        @if let (true, Some(reach)) = (peer.connected, peer.reached) {
                                            br; small.reach { (reach_words(&ctx, reach, peer.relay.as_deref())) }
                                        }
                                        @if let (true, Some(ms)) = (peer.connected, peer.rtt_ms) {
                                            br; small { (ctx.tf("net.rtt", &[("ms", Arg::Count(ms))])) }
                                        }
                                        @if let (false, Some(at)) = (peer.connected, peer.next_attempt_ms) {
                                            br; small { (ctx.tf("net.reconnecting", &[("time", Arg::Text(&crate::dates::date_time_text(ctx.lang, at)))])) }
                                        }
                                        // Why it is not connected, first thing, where a phone shows it.
                                        @if let (false, Some(problem)) = (peer.connected, &peer.problem) {
                                            br; span.problem { (problem_words(&ctx, problem)) }
                                        }
                                        @for addr in &peer.addrs {
                                            br; code { (addr) }
                                            @if ctx.allowed {
                                                form.inline method="post" action="/network/peers/remove" {
                                                    (ctx.csrf_field())
                                                    input type="hidden" name="addr" value=(addr);
                                                    button.secondary type="submit" { (ctx.t("action.remove_peer")) }
                                                }
                                            }
                                        }
                                    }
                                    td data-label=(ctx.t("sync.last")) { @match peer.last_sync_ms { Some(ms) => (ctx.moment(ms)), None => (ctx.t("sync.never")) } }
                                    td data-label=(ctx.t("net.entries")) {
                                        (peer.entries_received) " / " (peer.entries_sent)
                                        @if peer.unconfirmed > 0 {
                                            br; small { (ctx.tf("net.awaiting_receipt", &[("n", Arg::Count(peer.unconfirmed))])) }
                                        }
                                        @if peer.waiting > 0 {
                                            br; small { (ctx.tf("net.waiting", &[("n", Arg::Count(peer.waiting))])) }
                                        }
                                        @if let (Some(rate), Some(eta)) = (peer.receiving_bytes_per_s, peer.eta_s) {
                                            br; small { (ctx.tf("net.receiving", &[("rate", Arg::Text(&format!("{:.1}", rate as f64 / 1000.0))), ("eta", Arg::Count(eta))])) }
                                        }
                                    }
                                    td data-label=(ctx.t("net.bytes")) {
                                        (peer.bytes_in) " / " (peer.bytes_out)
                                        @if peer.blob_bytes_received + peer.blob_bytes_sent > 0 {
                                            br; small { (ctx.tf("net.file_bytes", &[("in", Arg::Count(peer.blob_bytes_received / 1000)), ("out", Arg::Count(peer.blob_bytes_sent / 1000))])) }
                                        }
                                    }
                                    td data-label=(ctx.t("net.errors")) {
                                        (peer.errors + peer.invalid_entries)
                                        @if let (true, Some(problem)) = (peer.connected, &peer.problem) { br; small.problem { (problem_words(&ctx, problem)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if state.sync.is_some() && ctx.allowed {
            h2 { (ctx.t("action.add_peer")) }
            form method="post" action="/network/peers" {
                (ctx.csrf_field())
                div.field.invalid[problem.is_some()] {
                    label for="f-addr" { (ctx.t("net.add_hint")) }
                    input #f-addr name="addr" dir="ltr" value=(typed) aria-invalid=[problem.as_ref().map(|_| "true")]
                        aria-describedby=[problem.as_ref().map(|_| "e-addr")];
                    @if problem.is_some() { p.error #e-addr role="alert" { (message) } }
                }
                div.actions { button type="submit" { (ctx.t("action.add_peer")) } }
            }
        } @else if state.sync.is_some() {
            p { a href="/login?back=/network" { (ctx.t("action.login")) } }
        }
        h2 #bundles { (ctx.t("net.bundle")) }
        p { (ctx.t("net.bundle_hint")) }
        pre dir="ltr" { code { "convene bundle want FILE\nconvene bundle export FILE [--since DATE] [--want WANT_FILE] [--part-size 100M] [--no-blobs]\nconvene bundle import FILE…" } }
        @if ctx.allowed {
            form method="get" action="/network/bundle" {
                div.field {
                    label for="f-since" { (ctx.t("net.bundle_since")) }
                    input #f-since type="date" name="since";
                }
                div.field {
                    label {
                        input #f-blobs type="checkbox" name="blobs" value="1" checked;
                        " " (ctx.t("net.bundle_blobs"))
                    }
                }
                div.actions { button type="submit" { (ctx.t("net.bundle_download")) } }
            }
            form method="post" enctype="multipart/form-data" action={ "/network/bundle?csrf=" (ctx.csrf_token()) } {
                div.field {
                    label for="f-bundle" { (ctx.t("net.bundle_file")) }
                    input #f-bundle type="file" name="bundle" required;
                }
                div.actions { button type="submit" { (ctx.t("net.bundle_upload")) } }
            }
        } @else {
            p { a href="/login?back=/network" { (ctx.t("action.login")) } }
        }
    };
    let troubled = imported.as_ref().is_some_and(|report| report.damaged() || report.refused_whole());
    let code = if problem.is_some() || troubled { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(ctx.page_with_status(code, ctx.t("page.network"), body))
}

/// A peer's name as shown: its hub name (and whether it is the
/// secretariat's node), else its short peer id, else the address it was
/// added by; the whole peer id on a line of its own.
fn peer_name(ctx: &Ctx, peer: &PeerStatus) -> Markup {
    html! {
        strong.peer-name { bdi { (peer.display_name()) } }
        @if peer.secretariat { " · " (ctx.t("net.is_secretariat")) }
        @if let Some(id) = &peer.peer_id { br; small { code title=(ctx.t("net.peer_id")) { (id) } } }
    }
}

/// A peer's problem in the page's language: what happened and what to do,
/// with the address it concerns kept left-to-right.
fn problem_words(ctx: &Ctx, problem: &Problem) -> Markup {
    let key = match problem.code {
        ProblemCode::Refused => "net.problem_refused",
        ProblemCode::Unreachable => "net.problem_unreachable",
        ProblemCode::Offline => "net.problem_offline",
        ProblemCode::TimedOut => "net.problem_timed_out",
        ProblemCode::Closed => "net.problem_closed",
        ProblemCode::NotDialable => "net.problem_not_dialable",
        ProblemCode::WrongPeer => "net.problem_wrong_peer",
        ProblemCode::Itself => "net.problem_itself",
        ProblemCode::OtherNetwork => "net.problem_other_network",
        ProblemCode::Banned => "net.problem_banned",
        ProblemCode::InvalidData => "net.problem_invalid_data",
        ProblemCode::Silent => "net.problem_silent",
        ProblemCode::RelayNoSlot => "net.problem_relay_no_slot",
        ProblemCode::RelayRefused => "net.problem_relay_refused",
        ProblemCode::RelayFailed => "net.problem_relay_failed",
        ProblemCode::NotRelay => "net.problem_not_relay",
        ProblemCode::Link => "net.problem_link",
    };
    // The address goes where the message puts it, in its own element.
    const ADDR: &str = "\u{E000}";
    let words = ctx.tf(key, &[("addr", Arg::Text(ADDR))]);
    match words.split_once(ADDR) {
        Some((before, after)) => {
            let addr = problem.addr.as_deref().unwrap_or_default();
            html! { (before) code dir="ltr" { (addr) } (after) }
        }
        None => html! { (words) },
    }
}

/// The string saying whether peers can reach this node.
fn nat_key(sync: &SyncStatus) -> &'static str {
    match sync.nat {
        NatStatus::Public => "net.nat_public",
        NatStatus::Private if sync.relays.is_empty() => "net.nat_private_no_relay",
        NatStatus::Private => "net.nat_private",
        NatStatus::Unknown => "net.nat_unknown",
    }
}

/// How a connected peer is reached, in words.
fn reach_words(ctx: &Ctx, reach: Reach, relay: Option<&str>) -> String {
    match reach {
        Reach::Direct => ctx.t("net.reach_direct").to_owned(),
        Reach::HolePunched => ctx.t("net.reach_hole_punched").to_owned(),
        Reach::Relayed => {
            let relay = relay.map_or(String::new(), |id| format!("…{}", &id[id.len().saturating_sub(8)..]));
            ctx.tf("net.reach_relayed", &[("relay", Arg::Text(&relay))])
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PeerForm {
    csrf: String,
    addr: String,
}

/// Checks a form that changes the peers (CSRF, then login) and gives the
/// running sync engine it changes.
fn peer_change(ctx: &Ctx, state: &WebState, form: &PeerForm) -> Result<SyncHandle, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    state
        .sync
        .clone()
        .ok_or_else(|| PageError::Shown(ctx.lang, StatusCode::SERVICE_UNAVAILABLE, ctx.t("net.no_sync").into()))
}

/// `POST /network/peers`: add a peer by multiaddr.
pub(crate) async fn add_peer(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(form): Form<PeerForm>,
) -> Result<Response, PageError> {
    let sync = peer_change(&ctx, &state, &form)?;
    let typed = form.addr.trim().to_owned();
    let addr: Multiaddr = match typed.parse() {
        Ok(addr) => addr,
        Err(_) => {
            let mut message = ctx.t("net.bad_addr").to_owned();
            if let Some(meant) = convene_node::sync::peers::suggest_peer_addr(&typed) {
                message = format!("{message} {}", ctx.tf("net.did_you_mean", &[("addr", Arg::Text(&meant))]));
            }
            return render(ctx, state, None, Some((typed, message)), None).await;
        }
    };
    match sync.add_peer(&state.node, addr).await {
        Ok(_) => Ok(Redirect::to("/network?added=true").into_response()),
        // A multiaddr that names no transport this node dials: said in
        // the page's language, not the node's English.
        Err(NodeError::BadPeerAddr(_)) => {
            let message = ctx.t("net.bad_addr").to_owned();
            render(ctx, state, None, Some((typed, message)), None).await
        }
        Err(error) => match PageError::node(ctx.lang, error) {
            PageError::Shown(_, _, message) => render(ctx, state, None, Some((typed, message)), None).await,
            other => Err(other),
        },
    }
}

/// `POST /network/peers/remove`: forget a saved peer and drop its connection.
pub(crate) async fn remove_peer(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(form): Form<PeerForm>,
) -> Result<Response, PageError> {
    let sync = peer_change(&ctx, &state, &form)?;
    let Ok(addr) = form.addr.trim().parse::<Multiaddr>() else {
        return Err(PageError::Shown(ctx.lang, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("net.bad_addr").into()));
    };
    sync.remove_peer(&state.node, addr).await.map_err(|error| PageError::node(ctx.lang, error))?;
    Ok(Redirect::to("/network?removed=true").into_response())
}

/// What an import did, in the visitor's language.
fn import_notice(ctx: &Ctx, report: &ImportReport) -> Markup {
    html! {
        div.notice role="status" {
            p {
                (ctx.t("net.bundle_imported")) " "
                (report.new) " " (ctx.t("net.bundle_new")) ", "
                (report.already_held) " " (ctx.t("net.bundle_held")) ", "
                (report.refused) " " (ctx.t("net.bundle_refused")) ", "
                (report.waiting) " " (ctx.t("net.bundle_waiting")) "."
            }
            @if report.groups_stored + report.groups_held + report.groups_refused + report.groups_unnamed > 0 {
                p {
                    (ctx.tf("net.bundle_files", &[
                        ("completed", Arg::Count(report.blobs_completed)),
                        ("stored", Arg::Count(report.groups_stored)),
                        ("refused", Arg::Count(report.groups_refused)),
                    ]))
                }
            }
            @for part in &report.parts {
                @match &part.problem {
                    None => {}
                    Some(PartProblem::OtherNetwork { name, network }) => {
                        p.error { (ctx.t("net.bundle_foreign")) " " bdi { (name) } " (" code { (network.short()) } ")" }
                    }
                    Some(PartProblem::Damaged { reason }) => {
                        p.error { (ctx.t("net.bundle_damaged")) br; small dir="ltr" { (reason) } }
                    }
                    Some(PartProblem::NewerFormat { .. }) => { p.error { (ctx.t("net.bundle_newer")) } }
                    Some(PartProblem::NotABundle { .. } | PartProblem::Unreadable { .. }) => {
                        p.error { (ctx.t("net.bundle_unreadable")) }
                    }
                }
            }
            @if !report.refusals.is_empty() || !report.blob_refusals.is_empty() {
                ul {
                    @for refusal in report.refusals.iter().take(10) {
                        li { code { (&refusal.entry[..12]) } " " small dir="ltr" { (refusal.reason) } }
                    }
                    @for refusal in report.blob_refusals.iter().take(10) {
                        li { code { (&refusal.blob[..12]) } " " small dir="ltr" { (refusal.reason) } }
                    }
                }
            }
        }
    }
}

/// `?since=YYYY-MM-DD&blobs=1` of a download. The form always sends
/// `since` (perhaps empty), and `blobs` only when its box is ticked; a
/// bare link carries photos and files, as `convene bundle export` does.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BundleQuery {
    since: Option<String>,
    blobs: Option<String>,
}

impl BundleQuery {
    fn without_blobs(&self) -> bool {
        self.since.is_some() && self.blobs.is_none()
    }
}

/// Writes into a bounded channel a response body reads from: a download
/// streams as it is written, never held whole.
struct ChannelWriter {
    sender: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    const CHUNK: usize = 64 * 1024;

    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(Self::CHUNK)));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was cancelled"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// `GET /network/bundle`: a bundle of this node's entries (all, or signed
/// since `since`) and, unless unticked, their attached files, streamed as
/// it is written.
pub(crate) async fn download_bundle(
    ctx: Ctx,
    State(state): State<WebState>,
    Query(query): Query<BundleQuery>,
) -> Result<Response, PageError> {
    ctx.require_login()?;
    let without_blobs = query.without_blobs();
    let since_ms = match query.since.as_deref().unwrap_or_default().trim() {
        "" => None,
        text => Some(parse_date_ms(text).map_err(|_| {
            PageError::Shown(ctx.lang, StatusCode::BAD_REQUEST, ctx.t("net.bundle_bad_date").to_owned())
        })?),
    };
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let node = state.node.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter { sender: sender.clone(), buffer: Vec::with_capacity(ChannelWriter::CHUNK) };
        if let Err(error) = node.export_bundle_to(&mut out, &Selection { since_ms, want: None, without_blobs }) {
            // The download ends short: the receiver's import sees it cut.
            tracing::warn!(%error, "writing a bundle for a download");
            let _ = sender.blocking_send(Err(std::io::Error::other(error.to_string())));
        }
    });
    let stream = futures::stream::poll_fn(move |context| receiver.poll_recv(context));
    let day = |ms: u64| format_time(ms).chars().take(10).collect::<String>();
    let today = day(convene_node::now_ms());
    // The name says what the stick carries: since when, and whether files.
    let since = since_ms.map(|since| format!("-since-{}", day(since))).unwrap_or_default();
    let files = if without_blobs { "-text-only" } else { "" };
    let name = format!("convene-{today}{since}{files}.bundle");
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The most an uploaded bundle may hold; larger ones go by `convene bundle import`.
pub const MAX_UPLOAD_BYTES: u64 = 1024 * 1024 * 1024;

/// `?csrf=` of the upload form: checked before the body is read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UploadQuery {
    csrf: String,
}

/// `POST /network/bundle`: imports an uploaded bundle (one part).
pub(crate) async fn import_bundle(
    ctx: Ctx,
    State(state): State<WebState>,
    Query(query): Query<UploadQuery>,
    request: Request,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&query.csrf))?;
    ctx.require_login()?;
    let unreadable = || PageError::Shown(ctx.lang, StatusCode::BAD_REQUEST, ctx.t("net.bundle_unreadable").to_owned());
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .filter(|value| value.starts_with("multipart/form-data"))
        .and_then(|value| value.split(';').find_map(|part| part.trim().strip_prefix("boundary=")))
        .map(|boundary| boundary.trim_matches('"').to_owned())
        .filter(|boundary| !boundary.is_empty() && boundary.len() <= 200)
        .ok_or_else(unreadable)?;
    // The body goes to a file in the data directory, written by a blocking
    // task that then imports it: memory holds a few chunks at a time.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Option<Bytes>>(8);
    let node = state.node.clone();
    let ours = format!("upload-{}-", std::process::id());
    let path = node.data_dir().root().join(format!("{ours}{}.bundle", hex::encode(rand::random::<[u8; 8]>())));
    let task = tokio::task::spawn_blocking(move || -> Result<Option<ImportReport>, NodeError> {
        remove_abandoned_uploads(node.data_dir().root(), &ours);
        let io = |source: std::io::Error| NodeError::Io { path: path.clone(), source };
        let result = (|| {
            let mut file = std::fs::File::create(&path).map_err(io)?;
            loop {
                match receiver.blocking_recv() {
                    Some(Some(chunk)) => file.write_all(&chunk).map_err(io)?,
                    Some(None) => break,
                    // The upload was cut or refused.
                    None => return Ok(None),
                }
            }
            import_upload(&node, &path, &boundary)
        })();
        let _ = std::fs::remove_file(&path);
        result
    });
    let mut body = request.into_body().into_data_stream();
    let mut received = 0u64;
    let mut too_large = false;
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else { break };
        received += chunk.len() as u64;
        if received > MAX_UPLOAD_BYTES {
            too_large = true;
            break;
        }
        if sender.send(Some(chunk)).await.is_err() {
            break;
        }
    }
    let whole = !too_large && received > 0;
    if whole {
        let _ = sender.send(None).await;
    }
    drop(sender);
    let report = task
        .await
        .map_err(|error| PageError::join(ctx.lang, error))?
        .map_err(|error| PageError::node(ctx.lang, error))?;
    if too_large {
        return Err(PageError::Shown(
            ctx.lang,
            StatusCode::PAYLOAD_TOO_LARGE,
            ctx.t("net.bundle_too_large").to_owned(),
        ));
    }
    let report = report.ok_or_else(unreadable)?;
    render(ctx, state, None, None, Some(report)).await
}

/// Removes uploads a process that is gone left in the data directory (it
/// was killed mid-import): they hold entries, which a withdrawal must be
/// able to erase.
fn remove_abandoned_uploads(root: &Path, ours: &str) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("upload-") && name.ends_with(".bundle") && !name.starts_with(ours) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Imports the file part of a `multipart/form-data` body saved at `path`;
/// `None` when it holds no file part.
fn import_upload(node: &Node, path: &Path, boundary: &str) -> Result<Option<ImportReport>, NodeError> {
    let io = |source: std::io::Error| NodeError::Io { path: path.to_owned(), source };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let length = file.metadata().map_err(io)?.len();
    let delimiter = format!("--{boundary}");
    // The part's headers: after the opening delimiter, up to a blank line.
    let mut head = vec![0; length.min(16 * 1024) as usize];
    file.read_exact(&mut head).map_err(io)?;
    if !head.starts_with(delimiter.as_bytes()) {
        return Ok(None);
    }
    let Some(start) = find(&head, b"\r\n\r\n").map(|at| at as u64 + 4) else { return Ok(None) };
    let headers = String::from_utf8_lossy(&head[..start as usize]).into_owned();
    let name = headers
        .split("filename=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .filter(|name| !name.is_empty())
        .unwrap_or("upload")
        .to_owned();
    // Its end: the last delimiter, near the end of the body.
    let closing = format!("\r\n{delimiter}");
    let tail_length = length.min(closing.len() as u64 + 4096);
    let mut tail = vec![0; tail_length as usize];
    file.seek(SeekFrom::Start(length - tail_length)).map_err(io)?;
    file.read_exact(&mut tail).map_err(io)?;
    let Some(end) = rfind(&tail, closing.as_bytes()).map(|at| length - tail_length + at as u64) else {
        return Ok(None);
    };
    if end < start {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    let part = std::io::BufReader::with_capacity(1 << 20, file.take(end - start));
    node.import_bundle_from(part, &name).map(Some)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|window| window == needle)
}
