//! The network page (`/network`): this node's identity and network, its
//! peers with their counters, and a form to add a peer.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use convene_node::Node;
use convene_node::sync::Multiaddr;
use maud::html;
use serde::Deserialize;

use convene_protocol::kinds::SubmissionKind;

use crate::WebState;
use crate::i18n::fill;
use crate::pages::write::kind_label;
use crate::web::{Ctx, PageError, blocking, format_time, notice};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NetworkQuery {
    added: bool,
}

/// `GET /network`
pub(crate) async fn page(
    ctx: Ctx,
    State(state): State<WebState>,
    Query(query): Query<NetworkQuery>,
) -> Result<Response, PageError> {
    render(ctx, state, query.added, None).await
}

async fn render(
    ctx: Ctx,
    state: WebState,
    added: bool,
    problem: Option<(String, String)>,
) -> Result<Response, PageError> {
    let status = blocking(ctx.lang, &state, Node::status).await?;
    let (typed, message) = problem.clone().unwrap_or_default();
    let body = html! {
        @if added { (notice(ctx.t("net.added"))) }
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
                    li { (status.store.entries) " " (ctx.t("net.entries_signed")) " (" (status.store.entry_bytes / 1024) " KiB)" }
                    @if status.store.withdrawn > 0 { li { (status.store.withdrawn) " × " (ctx.t("sub.entry.withdraw")) } }
                }
            }
            @if let Some(sync) = &ctx.sync {
                dt { (ctx.t("net.node_id")) }
                dd { code #node-id { (sync.peer_id) } }
                dt { (ctx.t("net.listen")) }
                dd { ul { @for addr in &sync.listen_addrs { li { code { (addr) } } } } }
            }
        }
        h2 { (ctx.t("net.peers")) }
        @match &ctx.sync {
            None => { p { (ctx.t("net.no_sync")) } }
            Some(sync) if sync.peers.is_empty() => { p { (ctx.t("net.no_peers")) } }
            Some(sync) => {
                div.scroll {
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
                                        span.dot.on[peer.connected] {}
                                        @if peer.connected { (ctx.t("net.connected")) } @else { (ctx.t("net.disconnected")) }
                                        @if let (true, Some(ms)) = (peer.connected, peer.rtt_ms) {
                                            br; small { (fill(ctx.t("net.rtt"), &[("ms", &ms.to_string())])) }
                                        }
                                        @if let (false, Some(at)) = (peer.connected, peer.next_attempt_ms) {
                                            br; small { (fill(ctx.t("net.reconnecting"), &[("time", &format_time(at))])) }
                                        }
                                        br;
                                        code { (peer.peer_id.as_deref().unwrap_or("?")) }
                                        @for addr in &peer.addrs { br; code { (addr) } }
                                    }
                                    td { @match peer.last_sync_ms { Some(ms) => (format_time(ms)), None => (ctx.t("sync.never")) } }
                                    td {
                                        (peer.entries_received) " / " (peer.entries_sent)
                                        @if peer.unconfirmed > 0 {
                                            br; small { (fill(ctx.t("net.awaiting_receipt"), &[("n", &peer.unconfirmed.to_string())])) }
                                        }
                                        @if peer.waiting > 0 {
                                            br; small { (fill(ctx.t("net.waiting"), &[("n", &peer.waiting.to_string())])) }
                                        }
                                        @if let (Some(rate), Some(eta)) = (peer.receiving_bytes_per_s, peer.eta_s) {
                                            br; small { (fill(ctx.t("net.receiving"), &[("rate", &format!("{:.1}", rate as f64 / 1000.0)), ("eta", &eta.to_string())])) }
                                        }
                                    }
                                    td { (peer.bytes_in) " / " (peer.bytes_out) }
                                    td {
                                        (peer.errors + peer.invalid_entries)
                                        @if let Some(error) = &peer.last_error { br; small dir="auto" title=(ctx.t("net.last_error")) { (error) } }
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
    };
    let code = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(ctx.page_with_status(code, ctx.t("page.network"), body))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PeerForm {
    csrf: String,
    addr: String,
}

/// `POST /network/peers`: add a peer by multiaddr.
pub(crate) async fn add_peer(
    ctx: Ctx,
    State(state): State<WebState>,
    Form(form): Form<PeerForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    ctx.require_login()?;
    let Some(sync) = state.sync.clone() else {
        return Err(PageError::Shown(ctx.lang, StatusCode::SERVICE_UNAVAILABLE, ctx.t("net.no_sync").into()));
    };
    let typed = form.addr.trim().to_owned();
    let addr: Multiaddr = match typed.parse() {
        Ok(addr) => addr,
        Err(_) => {
            let message = ctx.t("net.bad_addr").to_owned();
            return render(ctx, state, false, Some((typed, message))).await;
        }
    };
    match sync.add_peer(&state.node, addr).await {
        Ok(_) => Ok(Redirect::to("/network?added=true").into_response()),
        Err(error) => match PageError::node(ctx.lang, error) {
            PageError::Shown(_, _, message) => render(ctx, state, false, Some((typed, message))).await,
            other => Err(other),
        },
    }
}
