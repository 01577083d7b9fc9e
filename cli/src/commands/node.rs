//! `convene node run`: the long-running node: sync over libp2p, and the web
//! UI and JSON API on 127.0.0.1.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Subcommand};
use convene_node::data_dir::write_private;
use convene_node::sync::{self, Multiaddr, SyncConfig, hub};
use convene_node::{DataDir, Node};
use convene_web::WebState;

/// How long a stopping node waits for CLI connections that send nothing.
const SOCKET_CLIENTS_LIMIT: Duration = Duration::from_secs(10);

mod draining;
mod https;

use super::Context;
use crate::access::{NodeLock, RunningNode, open_store_for_node, recorded_pid, running_node_path, socket_path};
use crate::exit::{self, Failure};

/// Node subcommands.
#[derive(Debug, Subcommand)]
pub enum NodeCommand {
    /// Run the node until Ctrl-C or SIGTERM: sync with peers, serve the web UI and API.
    #[command(after_help = "Examples:\n  convene node run\n  \
        convene node run --listen /ip4/0.0.0.0/tcp/4701 --peer /ip4/192.0.2.7/tcp/4701\n  \
        convene node run --http 127.0.0.1:8080\n  \
        convene node run --http 0.0.0.0:4700 --http-name hub.lan   # HTTPS for a LAN, login with the token\n  \
        convene node run --text-only --blob-upload-limit 16   # a metered link\n  \
        convene node run --listen /ip4/0.0.0.0/tcp/4701 --relay-server   # a public node relays for hubs behind NAT\n  \
        convene node run --relay /ip4/203.0.113.5/tcp/4701/p2p/RELAY_ID   # a hub behind NAT\n\n\
        Settings may also come from DATA_DIR/config.toml (keys: listen, peers, http, mdns,\n\
        sync_interval_secs, text_only, blob_upload_limit_kib, relay_server, relays, hub_name); flags win;\n\
        hub_name there wins over `convene hub-name`.\n\
        mDNS is off unless --mdns: announcing a node on a shared network can expose a convener.")]
    Run(RunArgs),
}

/// Arguments of `convene node run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Listen for peers here (repeatable) [default: /ip4/0.0.0.0/tcp/4701].
    #[arg(long = "listen", value_name = "MULTIADDR")]
    listen: Vec<Multiaddr>,
    /// Keep a connection to this peer (repeatable); see also `convene peers add`.
    #[arg(long = "peer", value_name = "MULTIADDR", value_parser = peer_addr)]
    peers: Vec<Multiaddr>,
    /// Serve the web UI and API here [default: 127.0.0.1:4700]. Beyond
    /// loopback it serves HTTPS, and every page but the public browse pages
    /// needs a login with the operator token.
    #[arg(long, value_name = "ADDR")]
    http: Option<SocketAddr>,
    #[command(flatten)]
    web: https::WebArgs,
    /// Discover peers on the local network with mDNS.
    #[arg(long)]
    mdns: bool,
    /// Reconcile with every peer this often, in seconds [default: 30].
    #[arg(long, value_name = "SECS")]
    sync_interval: Option<u64>,
    /// Carry text and previews only (a metered link): original photos and
    /// files are neither fetched nor served.
    #[arg(long)]
    text_only: bool,
    /// Send attached files to each peer at most this fast, in KiB per second.
    #[arg(long, value_name = "KIB_PER_S", value_parser = clap::value_parser!(u64).range(1..))]
    blob_upload_limit: Option<u64>,
    /// Relay for hubs of this network behind NAT (for a node with a
    /// public address; reservations and circuits are bounded).
    #[arg(long)]
    relay_server: bool,
    /// Behind NAT: reserve a slot on this relay (repeatable), given as
    /// /ip4/ADDRESS/tcp/PORT/p2p/RELAY_ID. Peers then reach this node at
    /// RELAY_ADDRESS/p2p-circuit/p2p/THIS_ID (`convene status` shows it).
    #[arg(long = "relay", value_name = "MULTIADDR", value_parser = relay_addr)]
    relays: Vec<Multiaddr>,
}

/// `DATA_DIR/config.toml`: every key optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    /// Multiaddrs to listen on.
    listen: Option<Vec<Multiaddr>>,
    /// Multiaddrs of peers to keep connected to.
    peers: Option<Vec<Multiaddr>>,
    /// Address of the web UI and API.
    http: Option<SocketAddr>,
    /// Whether to use mDNS.
    mdns: Option<bool>,
    /// Seconds between reconciliations.
    sync_interval_secs: Option<u64>,
    /// Text and previews only.
    text_only: Option<bool>,
    /// Upload limit for attached files, KiB per second per peer.
    blob_upload_limit_kib: Option<u64>,
    /// Whether to relay for hubs behind NAT.
    relay_server: Option<bool>,
    /// Multiaddrs (with peer id) of relays to reserve a slot on.
    relays: Option<Vec<Multiaddr>>,
    /// What peers call this node (else `convene hub-name`'s).
    pub(crate) hub_name: Option<String>,
}

pub(crate) fn file_config(data_dir: &DataDir) -> Result<FileConfig, Failure> {
    let path = data_dir.root().join("config.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            toml::from_str(&text).map_err(|error| Failure::new(exit::INVALID, format!("{}: {error}", path.display())))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
        Err(error) => Err(Failure::new(exit::FAILED, format!("{}: {error}", path.display()))),
    }
}

/// Runs a node subcommand.
pub fn run(context: &Context, command: NodeCommand) -> Result<(), Failure> {
    let NodeCommand::Run(args) = command;
    // Held until this process exits: from now on, commands wait for this
    // node (and then use its socket) instead of taking the store.
    let _lock = match context.data_dir.root().is_dir() {
        true => Some(NodeLock::acquire(&context.data_dir)?.ok_or_else(|| {
            let pid = recorded_pid(&context.data_dir).map(|pid| format!(" (pid {pid})")).unwrap_or_default();
            Failure::new(exit::REFUSED, format!("a node is already running for this data directory{pid}"))
        })?),
        false => None,
    };
    let file = file_config(&context.data_dir)?;
    let node = open_store_for_node(&context.data_dir)?;
    let mut config = SyncConfig::default();
    if let Some(listen) = file.listen {
        config.listen = listen;
    }
    if !args.listen.is_empty() {
        config.listen = args.listen;
    }
    config.peers = file.peers.unwrap_or_default();
    for addr in &config.peers {
        sync::peers::check_peer_addr(addr).map_err(|error| {
            Failure::new(exit::INVALID, format!("{}/config.toml, peers: {error}", context.data_dir.root().display()))
        })?;
    }
    config.peers.extend(args.peers);
    config.relays = file.relays.unwrap_or_default();
    for addr in &config.relays {
        sync::peers::check_relay_addr(addr).map_err(|error| {
            Failure::new(exit::INVALID, format!("{}/config.toml, relays: {error}", context.data_dir.root().display()))
        })?;
    }
    for addr in args.relays {
        if !config.relays.contains(&addr) {
            config.relays.push(addr);
        }
    }
    config.hub_name = match &file.hub_name {
        Some(name) => Some(hub::check_name(name).map_err(|error| {
            Failure::new(exit::INVALID, format!("{}/config.toml, hub_name: {error}", context.data_dir.root().display()))
        })?),
        None => hub::hub_name(&context.data_dir)?,
    };
    config.relay_server = args.relay_server || file.relay_server.unwrap_or(false);
    config.mdns = args.mdns || file.mdns.unwrap_or(false);
    config.blobs.text_only = args.text_only || file.text_only.unwrap_or(false);
    config.blobs.upload_limit = args.blob_upload_limit.or(file.blob_upload_limit_kib).map(|kib| kib.max(1) * 1024);
    config.reconcile_interval =
        Duration::from_secs(args.sync_interval.or(file.sync_interval_secs).unwrap_or(30).max(1));
    let http = args.http.or(file.http).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 4700)));
    if let Err(error) = node.warm_up() {
        // Listing and status will say what is wrong when asked.
        tracing::warn!("cannot prepare the list index and counts: {error}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // The web UI's store calls; the sync engine has its own store
        // thread. Every thread that allocates keeps its own partly used heap
        // pages, so a few threads, not tokio's default 512 (BENCHMARKS.md).
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .map_err(|error| Failure::new(exit::FAILED, error.to_string()))?;
    runtime.block_on(serve(context, node, config, http, args.web))
}

async fn serve(
    context: &Context,
    node: Node,
    config: SyncConfig,
    http: SocketAddr,
    web_args: https::WebArgs,
) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(http).await.map_err(|error| {
        Failure::new(exit::FAILED, format!("cannot serve the web UI on {http}: {error}; choose another with --http"))
    })?;
    let local = listener.local_addr()?;
    let socket = bind_socket(&context.data_dir)?;
    let hub_name = config.hub_name.clone();
    let (sync, engine) = sync::start(node.clone(), config).await?;
    // The secretariat's node acknowledges what it stores; elsewhere this ends at once.
    let receipts = tokio::spawn(convene_node::acknowledge_as_stored(node.clone()));
    // A hub with custody on signs for what it stores; elsewhere this ends at once.
    let custody = tokio::spawn(convene_node::sign_custody_as_stored(node.clone(), hub_name));
    let status = sync.status().await?;
    let token = hex_token();
    let web = https::prepare(&context.data_dir, local, &web_args)?;
    let url = format!("{}://{local}", web.scheme());
    let running = RunningNode { pid: std::process::id(), url: url.clone(), token: token.clone() };
    let path = running_node_path(&context.data_dir);
    write_private(&path, &serde_json::to_vec_pretty(&running).expect("serialises"))?;

    println!("network:   {} ({})", crate::output::shown(&node.genesis().name), node.network());
    println!("peer id:   {}", status.peer_id);
    for addr in &status.listen_addrs {
        println!("listening: {addr}/p2p/{}", status.peer_id);
    }
    if node.signs_custody() {
        println!("custody:   signing custody receipts for what this hub stores (convene custody off to stop)");
    }
    if status.relay_server {
        println!("relay:     relaying for hubs of this network behind NAT");
    }
    for relay in &status.relays {
        println!("relay:     {} (peers reach this node at {} once it holds a slot)", relay.addr, relay.circuit_addr);
    }
    println!("web UI:    {url}/");
    web.announce();
    if !local.ip().is_loopback() {
        println!("operator token (log in with it from another computer): {token}");
    }
    let (stop_socket, socket_stops) = tokio::sync::oneshot::channel::<()>();
    let (socket, drained) = draining::Draining::new(socket, socket_stops)
        .map_err(|error| Failure::new(exit::FAILED, format!("the CLI socket: {error}")))?;
    let on_socket = serve_socket(
        socket,
        WebState::new(node.clone(), Some(sync.clone()), token.clone(), convene_web::Guard::trusted()),
    );
    let guard = convene_web::Guard::for_addr(local, web.tls.is_some(), &web_args.names);
    let state = WebState::new(node, Some(sync.clone()), token, guard);
    let router = convene_web::router(state);
    let served = match web.tls {
        Some(tls) => convene_web::tls::serve(listener, router, tls, shutdown_signal()).await,
        None => axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await,
    };
    // No new CLI connections from here. Those already queued on the socket
    // are still taken, and every connection is answered (closing at once
    // would reset them), then the socket's server ends.
    let _ = std::fs::remove_file(socket_path(&context.data_dir));
    let _ = stop_socket.send(());
    if served.is_ok() && !drained.finished(SOCKET_CLIENTS_LIMIT).await {
        eprintln!("a CLI connection still open after {} s is closed", SOCKET_CLIENTS_LIMIT.as_secs());
    }
    on_socket.abort();
    receipts.abort();
    custody.abort();
    sync.shutdown().await;
    let _ = engine.await;
    let _ = std::fs::remove_file(&path);
    served.map_err(|error| Failure::new(exit::FAILED, format!("web server: {error}")))?;
    eprintln!("node stopped");
    Ok(())
}

/// Binds `DATA_DIR/node.sock`, the CLI's way in: mode 0600 before it takes
/// that name (bound under a temporary name, restricted, renamed), in the
/// 0700 data directory. A socket left by a crash is removed once nothing
/// answers on it.
fn bind_socket(data_dir: &DataDir) -> Result<tokio::net::UnixListener, Failure> {
    use std::os::unix::fs::PermissionsExt;
    let path = socket_path(data_dir);
    let failed = |error: std::io::Error| {
        Failure::new(exit::FAILED, format!("cannot create the CLI's socket {}: {error}", path.display()))
    };
    if path.symlink_metadata().is_ok() {
        if std::os::unix::net::UnixStream::connect(&path).is_ok() {
            return Err(Failure::new(
                exit::REFUSED,
                format!(
                    "something already answers on {}; is a node running on a copy of this data directory?",
                    path.display()
                ),
            ));
        }
        std::fs::remove_file(&path).map_err(failed)?;
    }
    let temporary = data_dir.root().join("node.sock.new");
    let _ = std::fs::remove_file(&temporary);
    let listener = tokio::net::UnixListener::bind(&temporary).map_err(failed)?;
    std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
    std::fs::rename(&temporary, &path).map_err(failed)?;
    Ok(listener)
}

/// Serves the web UI's router on the socket (until aborted, once drained). Whoever can
/// open the socket is its owner (0600), so every request over it acts as
/// the operator: the router takes any `Host` ([`convene_web::Guard::trusted`])
/// and the operator's token is added here, on the server, to each request
/// (replacing any it brought). No token travels.
fn serve_socket(listener: draining::Draining, state: WebState) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let bearer = axum::http::HeaderValue::from_str(&format!("Bearer {}", state.token)).expect("a hex token");
    let router = convene_web::router(state).layer(axum::middleware::from_fn(
        move |mut request: axum::extract::Request, next: axum::middleware::Next| {
            request.headers_mut().insert(axum::http::header::AUTHORIZATION, bearer.clone());
            next.run(request)
        },
    ));
    tokio::spawn(async move { axum::serve(listener, router).await })
}

fn hex_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

async fn shutdown_signal() {
    let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

/// A `--peer` value: a multiaddr naming a transport this node dials.
fn peer_addr(text: &str) -> Result<Multiaddr, String> {
    sync::peers::parse_peer_addr(text).map_err(|error| error.to_string())
}

/// A `--relay` value: a transport and the relay's peer id.
fn relay_addr(text: &str) -> Result<Multiaddr, String> {
    let addr = sync::peers::parse_peer_addr(text).map_err(|error| error.to_string())?;
    sync::peers::check_relay_addr(&addr).map_err(|error| error.to_string())?;
    Ok(addr)
}
