//! The sync engine: one task owns the libp2p `Swarm` and every peer's state.
//!
//! Who owns what:
//! - the engine task owns the swarm, the per-peer state (sessions, fetch
//!   queues, counters) and the dial targets with their backoff;
//! - blocking store work (reading the reconciled set after a withdrawal,
//!   reading entries for a peer, verifying and storing received entries)
//!   runs in order on one store thread (verification fans out to every
//!   core from there) and reports back as a [`Job`] on a bounded channel.
//!   One thread, not tokio's blocking pool: stores are written one at a
//!   time anyway, and every extra thread that allocates kept its own partly
//!   used heap pages, which cost a syncing node tens of MB (BENCHMARKS.md);
//! - [`super::SyncHandle`]s talk to the engine through a bounded command
//!   channel; the engine ends on `Shutdown` or when every handle is gone.
//!
//! A sync with a peer: the initiator reconciles entry ids with negentropy
//! (a few round trips, bytes in proportion to the difference), then fetches
//! what it lacks in bounded batches and announces what the other lacks. New
//! entries (local or received) are announced to every connected peer, who
//! fetch the ones they lack: about one round trip. A periodic reconciliation
//! with every peer guarantees convergence anyway.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use convene_protocol::entry::EntryId;
use convene_protocol::wire::{ENTRIES_REPLY_BUDGET, MAX_IDS, Request, Response};
use futures::StreamExt;
use libp2p::request_response::{self, OutboundRequestId, ResponseChannel};
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm, identify, mdns};
use tokio::sync::{broadcast, mpsc, oneshot};
use tracing::{debug, info, warn};

use super::bans::Bans;
use super::behaviour::{Behaviour, BehaviourEvent, MAX_FOREIGN};
use super::codec::Incoming;
use super::reconcile::{self, Session, SyncSet};
use super::status::{PeerStatus, SyncStatus};
use crate::Node;
use crate::error::NodeError as Error;
use crate::node::{StoredEntry, now_ms};
use crate::store::IngestOutcome;

/// Ids asked for in one `Fetch`: it starts small, doubles after each
/// complete reply and halves after each failed one, so a slow link that
/// keeps dropping still completes replies and a fast one moves big batches.
const FETCH_BATCH_START: usize = 32;
const FETCH_BATCH_MIN: usize = 2;
const FETCH_BATCH_MAX: usize = 512;
/// `Fetch` requests in flight per peer.
const FETCH_IN_FLIGHT: usize = 2;
/// Invalid entries a peer may send before it is disconnected.
const INVALID_LIMIT: u64 = 10;
/// How long a disconnected offender stays banned.
const BAN: Duration = Duration::from_secs(600);
/// Bans held at once; past it the one ending soonest goes.
const BANS_MAX: usize = 1024;
/// Requests of one peer being worked on (queued or running) at once, and of
/// all peers together; past either the peer is told `busy`, which costs
/// this node nothing (an announcement is acknowledged only when taken).
const INBOUND_PER_PEER: usize = 8;
const INBOUND_MAX: usize = 64;
/// Ids waiting to be fetched from one peer, and from all peers together;
/// past them offered ids are left for the next reconciliation.
const WANTED_PER_PEER: usize = 65_536;
const WANTED_MAX: usize = 262_144;
/// Fetches from one peer that fail in a row before the ids waiting on it
/// are given up (the next reconciliation asks again).
const FETCH_FAILURES_MAX: u32 = 3;
/// Peer ids banned from one address before incoming connections from the
/// address are refused too (`gate.rs`).
const BANS_PER_ADDRESS: usize = 2;
/// Work waiting for the store thread; the caps above keep it far below.
const STORE_QUEUE: usize = 1024;
/// How often a node whose fetching is paused for a full disk looks again.
const DISK_CHECK: Duration = Duration::from_secs(2);
/// Redial backoff bounds.
const BACKOFF_MIN: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Requests from [`super::SyncHandle`].
#[derive(Debug)]
pub(crate) enum Command {
    Status(oneshot::Sender<SyncStatus>),
    AddPeer(Multiaddr),
    RemovePeer(Multiaddr),
    Shutdown,
}

/// Results of blocking work, back to the engine.
enum Job {
    Respond { peer: PeerId, channel: ResponseChannel<Response>, response: Response, entries: u64 },
    Started { peer: PeerId, result: Result<(Session, Vec<u8>), Error> },
    Missing { peer: PeerId, ids: Vec<EntryId> },
    Ingested { peer: PeerId, tally: Tally },
}

#[derive(Default)]
struct Tally {
    stored: u64,
    invalid: Vec<String>,
    unreturned: Vec<EntryId>,
    returned: Vec<EntryId>,
    returned_any: bool,
    /// Storing them failed on a full disk: they are fetched again later.
    disk_full: bool,
}

impl Tally {
    /// What a job that panicked while storing `asked` leaves: none stored,
    /// none waited for any more (the next reconciliation asks again).
    fn lost(asked: Vec<EntryId>) -> Self {
        Self { unreturned: asked, ..Self::default() }
    }
}

/// A configured or saved address we keep a connection to.
struct DialTarget {
    addr: Multiaddr,
    peer: Option<PeerId>,
    next_attempt: Instant,
    backoff: Duration,
    dialing: bool,
}

#[derive(Default)]
struct Peer {
    status: PeerStatus,
    session: Option<Session>,
    reconcile_request: Option<OutboundRequestId>,
    reconciled: bool,
    session_rounds: u64,
    session_bytes: u64,
    queue: VecDeque<EntryId>,
    wanted: HashSet<EntryId>,
    fetches: HashMap<OutboundRequestId, Vec<EntryId>>,
    fetch_batch: usize,
    ingesting: usize,
    /// It speaks the network's sync protocol (said so in identify, or sent
    /// a sync request): listed in the status even when not configured.
    member: bool,
    /// Found to be on another network: the failures of requests cut by
    /// our disconnecting it must not hide that in its status.
    other_network: bool,
    /// Malformed requests and requests refused as invalid; with invalid
    /// entries, they count toward a ban.
    strikes: u64,
    /// Fetches that failed in a row.
    fetch_failures: u32,
    /// The address it connected from, for an address ban.
    ip: Option<std::net::IpAddr>,
}

/// The engine's state; see the module documentation.
pub(crate) struct Engine {
    pub(crate) node: Node,
    pub(crate) swarm: Swarm<Behaviour>,
    pub(crate) protocol: StreamProtocol,
    pub(crate) listen_addrs: Vec<Multiaddr>,
    pub(crate) reconcile_interval: Duration,
    peers: HashMap<PeerId, Peer>,
    targets: Vec<DialTarget>,
    pending_dials: HashMap<ConnectionId, usize>,
    /// Offenders, until when, and the address each came from; bounded by
    /// `BANS_MAX`. Kept apart from `peers`, whose rows for peers that are
    /// not configured go on disconnect.
    banned: Bans<PeerId, Option<std::net::IpAddr>>,
    /// Requests of each peer queued for or running on the store thread,
    /// which takes them off as it finishes each.
    inbound: Arc<std::sync::Mutex<HashMap<PeerId, usize>>>,
    /// Open connections of peers that are not configured and do not speak
    /// the sync protocol; at most `MAX_FOREIGN`.
    foreign: HashSet<ConnectionId>,
    set: Arc<SyncSet>,
    /// Which peer each entry being stored came from, so its announcement
    /// skips that peer (it has it). Filled before storing, emptied as the
    /// stored ids are announced or when they turn out not to be new.
    sources: Arc<std::sync::Mutex<HashMap<EntryId, PeerId>>>,
    /// Work for the store thread, which ends when this is dropped.
    store_work: std::sync::mpsc::SyncSender<StoreWork>,
    jobs_tx: mpsc::Sender<Job>,
    jobs_rx: mpsc::Receiver<Job>,
    new_entries: broadcast::Receiver<StoredEntry>,
    /// Fetching is paused: the disk holds less than the sync reserve
    /// (`store/space.rs`) and room to store a batch.
    disk_paused: bool,
}

/// A piece of work for the store thread.
struct StoreWork {
    run: Box<dyn FnOnce() -> Job + Send>,
    /// Reported instead should `run` panic or the work not fit the queue,
    /// so that no peer waits for a result that never comes.
    on_panic: Option<Job>,
    /// For a peer's request: given back when the work ends.
    release: Option<Release>,
    jobs: mpsc::Sender<Job>,
}

/// Gives back one admitted request of `peer` when dropped (also when its
/// work panicked).
struct Release {
    counts: Arc<std::sync::Mutex<HashMap<PeerId, usize>>>,
    peer: PeerId,
}

impl Drop for Release {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = counts.get_mut(&self.peer) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.peer);
            }
        }
    }
}

/// Starts the store thread: it runs each piece of work in turn until every
/// sender is gone. A piece that panics is logged, its `on_panic` reported,
/// and the thread goes on, as one blocking task's panic would leave the
/// others running.
fn store_thread() -> std::io::Result<std::sync::mpsc::SyncSender<StoreWork>> {
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<StoreWork>(STORE_QUEUE);
    std::thread::Builder::new().name("convene-sync-store".into()).spawn(move || {
        for StoreWork { run, on_panic, release, jobs } in work_rx {
            let job = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
                Ok(job) => Some(job),
                Err(_) => {
                    warn!("a sync store job panicked; the sync engine goes on without its result");
                    on_panic
                }
            };
            if let Some(job) = job {
                let _ = jobs.blocking_send(job);
            }
            drop(release);
        }
    })?;
    Ok(work_tx)
}

/// Why a peer's request is refused, as the short code it is told in a
/// `Refused` reply (`invalid`, `internal`; more codes, such as `busy`, may
/// come with new refusals). Peers get only the code, never local error text (paths,
/// store internals); the local log keeps the detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The request itself is malformed or breaks the protocol.
    Invalid,
    /// This node failed (disk, store); nothing the peer can fix.
    Internal,
    /// This node has too much work from peers now; ask again later.
    Busy,
}

impl Refusal {
    /// The code sent to the peer.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::Internal => "internal",
            Self::Busy => "busy",
        }
    }

    /// The refusal that fits a local error, given what the failing step
    /// (`otherwise`) was. Store and file errors are always `internal`, so
    /// their text (which names paths) stays in the log.
    pub(crate) fn of(error: &Error, otherwise: Refusal) -> Refusal {
        match error {
            Error::Store(_)
            | Error::Io { .. }
            | Error::BadFile { .. }
            | Error::Document(_)
            | Error::NotInitialised { .. }
            | Error::Unsealable(_) => Refusal::Internal,
            Error::Invalid(_) | Error::NotJson(_) | Error::Entry(_) | Error::Refused(_) => Refusal::Invalid,
            _ => otherwise,
        }
    }
}

/// A `Refused` reply carrying only a [`Refusal`] code; the detail goes to the log.
fn refuse(peer: PeerId, doing: &str, error: &Error, otherwise: Refusal) -> Response {
    let refusal = Refusal::of(error, otherwise);
    warn!(peer = %short(&peer), %error, code = refusal.code(), "refused a peer's request while {doing}");
    Response::Refused(refusal.code().to_owned())
}

fn short(peer: &PeerId) -> String {
    let text = peer.to_string();
    text[text.len().saturating_sub(8)..].to_owned()
}

impl Engine {
    pub(crate) fn new(
        node: Node,
        swarm: Swarm<Behaviour>,
        protocol: StreamProtocol,
        listen_addrs: Vec<Multiaddr>,
        dial: Vec<Multiaddr>,
        reconcile_interval: Duration,
    ) -> std::io::Result<Self> {
        let (jobs_tx, jobs_rx) = mpsc::channel(256);
        let new_entries = node.subscribe();
        let mut engine = Self {
            node,
            swarm,
            protocol,
            listen_addrs,
            reconcile_interval,
            peers: HashMap::new(),
            targets: Vec::new(),
            pending_dials: HashMap::new(),
            banned: Bans::new(BANS_MAX),
            inbound: Arc::default(),
            foreign: HashSet::new(),
            set: Arc::new(SyncSet::default()),
            sources: Arc::default(),
            store_work: store_thread()?,
            jobs_tx,
            jobs_rx,
            new_entries,
            disk_paused: false,
        };
        for addr in dial {
            engine.add_target(addr);
        }
        // The set is read now, on the thread starting the node and before
        // it serves, not when the first peer is waiting for it.
        if let Err(error) = engine.set.items(&engine.node) {
            warn!(%error, "cannot read the entries to reconcile");
        }
        Ok(engine)
    }

    pub(crate) async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut redial = tokio::time::interval(Duration::from_millis(250));
        let mut periodic = tokio::time::interval(self.reconcile_interval);
        periodic.tick().await;
        // While fetching is paused for a full disk, whether room came back.
        let mut disk = tokio::time::interval(DISK_CHECK);
        loop {
            // Local work first (status, a convener's new entry), then the
            // results of store work, then what peers send.
            tokio::select! {
                biased;
                command = commands.recv() => match command {
                    None | Some(Command::Shutdown) => break,
                    Some(command) => self.on_command(command),
                },
                received = self.new_entries.recv() => self.on_new_entries(received),
                Some(job) = self.jobs_rx.recv() => self.on_job(job),
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                _ = redial.tick() => self.redial_due(),
                _ = periodic.tick() => self.reconcile_all(),
                _ = disk.tick(), if self.disk_paused => self.check_disk(),
            }
        }
        info!("sync engine stopped");
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Status(reply) => {
                let _ = reply.send(self.status());
            }
            Command::AddPeer(addr) => self.add_target(addr),
            Command::RemovePeer(addr) => {
                if let Some(index) = self.targets.iter().position(|target| target.addr == addr) {
                    let target = self.targets.remove(index);
                    self.pending_dials.retain(|_, slot| *slot != index);
                    for slot in self.pending_dials.values_mut() {
                        if *slot > index {
                            *slot -= 1;
                        }
                    }
                    if let Some(peer) = target.peer {
                        if !self.configured(peer) {
                            self.swarm.behaviour_mut().limits.remove_peer_id(&peer);
                        }
                        let _ = self.swarm.disconnect_peer_id(peer);
                    }
                }
            }
            Command::Shutdown => {}
        }
    }

    fn add_target(&mut self, addr: Multiaddr) {
        if self.targets.iter().any(|target| target.addr == addr) {
            return;
        }
        let peer = addr.iter().find_map(|part| match part {
            libp2p::multiaddr::Protocol::P2p(peer) => Some(peer),
            _ => None,
        });
        if let Some(peer) = peer {
            // Configured peers bypass the connection limits.
            self.swarm.behaviour_mut().limits.bypass_peer_id(&peer);
        }
        self.targets.push(DialTarget {
            addr,
            peer,
            next_attempt: Instant::now(),
            backoff: BACKOFF_MIN,
            dialing: false,
        });
    }

    fn redial_due(&mut self) {
        let now = Instant::now();
        for index in 0..self.targets.len() {
            let target = &self.targets[index];
            let connected = target.peer.is_some_and(|peer| self.swarm.is_connected(&peer));
            if connected || target.dialing || target.next_attempt > now {
                continue;
            }
            let opts = match target.peer {
                Some(peer) => DialOpts::peer_id(peer).addresses(vec![target.addr.clone()]).build(),
                None => DialOpts::unknown_peer_id().address(target.addr.clone()).build(),
            };
            let connection = opts.connection_id();
            let target = &mut self.targets[index];
            target.dialing = true;
            target.next_attempt = now + target.backoff;
            target.backoff = (target.backoff * 2).min(BACKOFF_MAX);
            match self.swarm.dial(opts) {
                Ok(()) => {
                    self.pending_dials.insert(connection, index);
                }
                Err(error) => {
                    target.dialing = false;
                    debug!(addr = %target.addr, %error, "dial failed");
                }
            }
        }
    }

    /// Whether `peer` is one we keep a connection to (configured, saved or
    /// found by mDNS): its row and counters stay after it disconnects.
    fn configured(&self, peer: PeerId) -> bool {
        self.targets.iter().any(|target| target.peer == Some(peer))
    }

    /// Whether `peer` has a row now or may get one: job results for a peer
    /// that left and is not configured are dropped with its row.
    fn known(&self, peer: PeerId) -> bool {
        self.peers.contains_key(&peer) || self.swarm.is_connected(&peer)
    }

    /// Whether `peer` is synced with: configured, or speaks the protocol.
    fn syncs(&self, peer: PeerId) -> bool {
        self.peers.get(&peer).is_some_and(|state| state.member) || self.configured(peer)
    }

    /// Bans `peer` for [`BAN`]; once [`BANS_PER_ADDRESS`] peer ids from
    /// one address are banned, the address too (`gate.rs`).
    fn ban(&mut self, peer: PeerId) {
        let now = Instant::now();
        let ip = self.peers.get(&peer).and_then(|state| state.ip);
        self.banned.ban(peer, now + BAN, ip);
        if let Some(ip) = ip
            && self.banned.notes().filter(|from| **from == Some(ip)).count() >= BANS_PER_ADDRESS
        {
            warn!(%ip, "{BANS_PER_ADDRESS} peers from one address banned; refusing connections from it for {} s", BAN.as_secs());
            self.swarm.behaviour_mut().gate.ban(ip, now + BAN);
        }
    }

    /// Counts a malformed or invalid request against `peer`, and bans it
    /// at the limit.
    fn strike(&mut self, peer: PeerId, reason: &str) {
        let state = self.peer(peer);
        state.strikes += 1;
        state.status.errors += 1;
        state.status.last_error = Some(reason.to_owned());
        warn!(peer = %short(&peer), "{reason}");
        if state.strikes + state.status.invalid_entries >= INVALID_LIMIT {
            warn!(peer = %short(&peer), "too much invalid data; disconnecting for {} s", BAN.as_secs());
            self.ban(peer);
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }

    fn peer(&mut self, peer: PeerId) -> &mut Peer {
        self.peers.entry(peer).or_insert_with(|| Peer {
            status: PeerStatus { peer_id: Some(peer.to_string()), ..PeerStatus::default() },
            fetch_batch: FETCH_BATCH_START,
            ..Peer::default()
        })
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                info!("listening on {address}");
                if !self.listen_addrs.contains(&address) {
                    self.listen_addrs.push(address);
                }
            }
            SwarmEvent::ConnectionEstablished { peer_id, connection_id, endpoint, num_established, .. } => {
                if let Some(index) = self.pending_dials.remove(&connection_id)
                    && let Some(target) = self.targets.get_mut(index)
                {
                    target.dialing = false;
                    target.peer = Some(peer_id);
                    target.backoff = BACKOFF_MIN;
                    self.swarm.behaviour_mut().limits.bypass_peer_id(&peer_id);
                }
                if self.banned.is_banned(&peer_id) {
                    let _ = self.swarm.disconnect_peer_id(peer_id);
                    return;
                }
                let addr = endpoint.get_remote_address().clone();
                let configured = self.configured(peer_id);
                let peer = self.peer(peer_id);
                peer.status.connected = true;
                peer.ip = super::gate::ip_of(&addr);
                if endpoint.is_dialer() && !peer.status.addrs.contains(&addr.to_string()) {
                    peer.status.addrs.push(addr.to_string());
                }
                if num_established.get() == 1 {
                    info!(peer = %short(&peer_id), %addr, "connected");
                    // Others are reconciled with once they show they speak
                    // the sync protocol (identify, or a request).
                    if configured || peer.member {
                        self.start_reconcile(peer_id);
                    }
                }
            }
            SwarmEvent::ConnectionClosed { connection_id, num_established, .. } if num_established > 0 => {
                self.foreign.remove(&connection_id);
            }
            SwarmEvent::ConnectionClosed { peer_id, connection_id, cause, .. } => {
                self.foreign.remove(&connection_id);
                if !self.configured(peer_id) {
                    // Nothing is kept for a peer we do not keep a connection to.
                    if self.peers.remove(&peer_id).is_some_and(|peer| peer.member) {
                        info!(peer = %short(&peer_id), cause = ?cause, "disconnected");
                    } else {
                        debug!(peer = %short(&peer_id), cause = ?cause, "disconnected");
                    }
                    return;
                }
                info!(peer = %short(&peer_id), cause = ?cause, "disconnected");
                let peer = self.peer(peer_id);
                peer.status.connected = false;
                peer.session = None;
                peer.reconcile_request = None;
                peer.reconciled = false;
                if !peer.fetches.is_empty() {
                    // Replies were cut short: ask for less at a time.
                    peer.fetch_batch = (peer.fetch_batch / 2).max(FETCH_BATCH_MIN);
                }
                peer.fetches.clear();
                peer.queue.clear();
                peer.wanted.clear();
                for target in self.targets.iter_mut().filter(|target| target.peer == Some(peer_id)) {
                    target.next_attempt = Instant::now() + target.backoff;
                }
            }
            SwarmEvent::OutgoingConnectionError { connection_id, peer_id, error } => {
                let message = error.to_string();
                if let Some(index) = self.pending_dials.remove(&connection_id)
                    && let Some(target) = self.targets.get_mut(index)
                {
                    target.dialing = false;
                    debug!(addr = %target.addr, %message, "could not connect; retrying in {:?}", target.backoff);
                }
                if let Some(peer) = peer_id
                    && self.configured(peer)
                {
                    let status = &mut self.peer(peer).status;
                    status.errors += 1;
                    status.last_error = Some(format!("could not connect: {message}"));
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                connection_id,
                info,
            })) => {
                if info.protocols.contains(&self.protocol) {
                    let state = self.peer(peer_id);
                    if !state.member {
                        state.member = true;
                        self.start_reconcile(peer_id);
                    }
                } else if self.configured(peer_id) {
                    self.other_network(peer_id);
                } else {
                    self.foreign_connection(peer_id, connection_id, &info.agent_version);
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => self.on_sync_event(event),
            SwarmEvent::Behaviour(BehaviourEvent::Mdns(mdns::Event::Discovered(found))) => {
                for (_, addr) in found {
                    self.add_target(addr);
                }
            }
            _ => {}
        }
    }

    fn on_sync_event(&mut self, event: request_response::Event<Incoming, Response>) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request { request: Incoming::Request(request), channel, .. } => {
                    self.on_request(peer, request, channel)
                }
                request_response::Message::Request { request: Incoming::Malformed(reason), channel, .. } => {
                    let refused = Response::Refused(Refusal::Invalid.code().into());
                    let _ = self.swarm.behaviour_mut().sync.send_response(channel, refused);
                    self.strike(peer, &format!("malformed request: {reason}"));
                }
                request_response::Message::Response { request_id, response } => {
                    self.on_response(peer, request_id, response)
                }
            },
            request_response::Event::OutboundFailure { peer, .. }
            | request_response::Event::InboundFailure { peer, .. }
                if !self.known(peer) =>
            {
                // Cut by the disconnection of a peer whose row is gone.
            }
            request_response::Event::OutboundFailure { peer, request_id, error, .. } => {
                // A reply that breaks the wire format (oversized, malformed) is
                // the peer's fault; a closed link or a time-out is not.
                let violation = matches!(&error, request_response::OutboundFailure::Io(io) if io.kind() == std::io::ErrorKind::InvalidData);
                let other_network = matches!(error, request_response::OutboundFailure::UnsupportedProtocols);
                let state = self.peer(peer);
                state.status.errors += 1;
                if !state.other_network {
                    state.status.last_error = Some(error.to_string());
                }
                if state.fetches.contains_key(&request_id) {
                    state.fetch_batch = (state.fetch_batch / 2).max(FETCH_BATCH_MIN);
                    state.fetch_failures += 1;
                }
                if state.reconcile_request == Some(request_id) {
                    state.reconcile_request = None;
                    state.session = None;
                }
                if let Some(ids) = state.fetches.remove(&request_id) {
                    if violation {
                        for id in &ids {
                            state.wanted.remove(id);
                        }
                    } else {
                        for id in ids.into_iter().rev() {
                            state.queue.push_front(id);
                        }
                    }
                }
                if other_network {
                    self.other_network(peer);
                } else if violation {
                    warn!(peer = %short(&peer), %error, "dropped a malformed reply");
                    let tally = Tally { invalid: vec![format!("malformed reply: {error}")], ..Tally::default() };
                    self.peer(peer).ingesting += 1;
                    self.on_ingested(peer, tally);
                } else {
                    debug!(peer = %short(&peer), %error, "request failed");
                    self.give_up_if_failing(peer);
                    self.pump_fetches(peer);
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                let status = &mut self.peer(peer).status;
                status.errors += 1;
                status.last_error = Some(error.to_string());
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    /// A connection of a peer that is not configured and does not speak the
    /// sync protocol: it may identify and ping (and is closed once idle),
    /// it has no row, and at most `MAX_FOREIGN` such connections stay open.
    fn foreign_connection(&mut self, peer: PeerId, connection: ConnectionId, agent: &str) {
        self.peers.remove(&peer);
        if self.foreign.len() >= MAX_FOREIGN as usize {
            debug!(peer = %short(&peer), agent, "too many connections without the sync protocol; closing one");
            self.swarm.close_connection(connection);
        } else if self.foreign.insert(connection) {
            debug!(peer = %short(&peer), agent, "a peer without the sync protocol (identify and ping only)");
        }
    }

    /// A peer of another network: say so, drop it, and retry only rarely.
    /// One we did not dial is only forgotten: identify and ping stay open
    /// to it, while the sync protocol, whose name carries the network id,
    /// never was.
    fn other_network(&mut self, peer: PeerId) {
        if !self.configured(peer) {
            self.peers.remove(&peer);
            return;
        }
        warn!(
            peer = %short(&peer),
            "peer is not on this node's network (it does not speak {}); disconnecting",
            self.protocol
        );
        let state = self.peer(peer);
        state.other_network = true;
        state.status.errors += 1;
        state.status.last_error = Some("on another network: entries are never exchanged".into());
        for target in self.targets.iter_mut().filter(|target| target.peer == Some(peer)) {
            target.backoff = BACKOFF_MAX;
            target.next_attempt = Instant::now() + BACKOFF_MAX;
        }
        let _ = self.swarm.disconnect_peer_id(peer);
    }

    fn send(&mut self, peer: PeerId, request: Request) -> OutboundRequestId {
        let bytes = request.encode().len() as u64 + 4;
        self.peer(peer).status.bytes_out += bytes;
        self.swarm.behaviour_mut().sync.send_request(&peer, request.into())
    }

    fn spawn_job(&self, work: impl FnOnce(&Node, &SyncSet) -> Job + Send + 'static) {
        self.spawn_job_with(None, None, work);
    }

    /// Queues `work` for the store thread. `inbound`: the peer whose
    /// request it answers (admitted by [`Engine::admit`]), released when the
    /// work ends. `on_panic`: the job reported should the work panic or not
    /// fit in the queue, so that no peer waits for a result that never comes.
    fn spawn_job_with(
        &self,
        inbound: Option<PeerId>,
        on_panic: Option<Job>,
        work: impl FnOnce(&Node, &SyncSet) -> Job + Send + 'static,
    ) {
        let (node, set) = (self.node.clone(), self.set.clone());
        let work = StoreWork {
            run: Box::new(move || work(&node, &set)),
            on_panic,
            release: inbound.map(|peer| Release { counts: self.inbound.clone(), peer }),
            jobs: self.jobs_tx.clone(),
        };
        if let Err(refused) = self.store_work.try_send(work) {
            // Cannot happen within the caps; should it, nothing is left waiting.
            warn!("the sync store queue is full; a job is dropped");
            let (std::sync::mpsc::TrySendError::Full(work) | std::sync::mpsc::TrySendError::Disconnected(work)) =
                refused;
            if let Some(job) = work.on_panic {
                let _ = self.jobs_tx.try_send(job);
            }
        }
    }

    /// Takes one request of `peer` for the store thread, unless that peer
    /// or all peers together have as many as they may.
    fn admit(&self, peer: PeerId) -> bool {
        let mut counts = self.inbound.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let total: usize = counts.values().sum();
        let mine = counts.entry(peer).or_default();
        if *mine >= INBOUND_PER_PEER || total >= INBOUND_MAX {
            if *mine == 0 {
                counts.remove(&peer);
            }
            return false;
        }
        *mine += 1;
        true
    }

    /// Ids waiting to be fetched, from every peer.
    fn wanted_total(&self) -> usize {
        self.peers.values().map(|peer| peer.wanted.len()).sum()
    }

    /// Queues `ids` to fetch from `peer`, up to the caps on waiting ids;
    /// the rest are left for the next reconciliation.
    fn want(&mut self, peer: PeerId, ids: impl IntoIterator<Item = EntryId>) {
        let room = WANTED_MAX.saturating_sub(self.wanted_total());
        let state = self.peer(peer);
        let room = room.min(WANTED_PER_PEER.saturating_sub(state.wanted.len()));
        let mut taken = 0;
        let mut left = 0;
        for id in ids {
            if taken >= room {
                left += 1;
            } else if state.wanted.insert(id) {
                state.queue.push_back(id);
                taken += 1;
            }
        }
        if left > 0 {
            debug!(peer = %short(&peer), left, "enough ids waiting; the rest wait for the next reconciliation");
        }
    }

    /// After [`FETCH_FAILURES_MAX`] failed fetches in a row from `peer`,
    /// gives up the ids waiting on it (the next reconciliation asks again).
    fn give_up_if_failing(&mut self, peer: PeerId) {
        let state = self.peer(peer);
        if state.fetch_failures < FETCH_FAILURES_MAX || state.queue.is_empty() {
            return;
        }
        let given_up = state.queue.len();
        for id in std::mem::take(&mut state.queue) {
            state.wanted.remove(&id);
        }
        state.fetch_failures = 0;
        state.status.last_error =
            Some(format!("{given_up} entries could not be fetched; the next reconciliation asks again"));
        debug!(peer = %short(&peer), given_up, "fetches keep failing; giving up what waits");
    }

    fn on_request(&mut self, peer: PeerId, request: Request, channel: ResponseChannel<Response>) {
        let bytes = request.encode().len() as u64 + 4;
        let state = self.peer(peer);
        state.status.bytes_in += bytes;
        state.member = true;
        // An announcement whose ids this node has no room to wait for is
        // not worth a look at the store.
        let full = matches!(request, Request::Announce(_))
            && (state.wanted.len() >= WANTED_PER_PEER || self.wanted_total() >= WANTED_MAX);
        if full || !self.admit(peer) {
            debug!(peer = %short(&peer), "busy: refusing a request");
            let _ =
                self.swarm.behaviour_mut().sync.send_response(channel, Response::Refused(Refusal::Busy.code().into()));
            return;
        }
        let inbound = Some(peer);
        match request {
            Request::Reconcile(message) => self.spawn_job_with(inbound, None, move |node, set| {
                let response = match set.items(node) {
                    Err(error) => refuse(peer, "reading the reconciled set", &error, Refusal::Internal),
                    Ok(items) => match reconcile::respond(&items, &message) {
                        Ok(reply) => Response::Reconcile(reply),
                        Err(error) => refuse(peer, "answering a reconciliation", &error, Refusal::Invalid),
                    },
                };
                Job::Respond { peer, channel, response, entries: 0 }
            }),
            Request::Fetch(ids) => self.spawn_job_with(inbound, None, move |node, _| {
                let mut entries = Vec::new();
                let mut budget = 0usize;
                for id in ids {
                    match node.store().entry_bytes(&id) {
                        Ok(Some(bytes)) => {
                            if budget + bytes.len() > ENTRIES_REPLY_BUDGET && !entries.is_empty() {
                                break;
                            }
                            budget += bytes.len();
                            entries.push(bytes);
                        }
                        Ok(None) => {}
                        Err(error) => {
                            // Damaged here: set aside (so it is fetched again
                            // from a peer) and the others are served.
                            warn!(%error, "reading an entry for a peer; setting it aside");
                            if let Err(error) = node.store().set_aside(&[id]) {
                                warn!(%error, "setting a damaged entry aside");
                                break;
                            }
                        }
                    }
                }
                let count = entries.len() as u64;
                Job::Respond { peer, channel, response: Response::Entries(entries), entries: count }
            }),
            Request::Announce(ids) => {
                let _ = self.swarm.behaviour_mut().sync.send_response(channel, Response::Ack);
                self.spawn_job_with(inbound, None, move |node, _| {
                    let missing = ids
                        .into_iter()
                        .filter(|id| {
                            matches!(node.store().entry_bytes(id), Ok(None))
                                && matches!(node.store().is_purged(id), Ok(false))
                        })
                        .collect();
                    Job::Missing { peer, ids: missing }
                });
            }
        }
    }

    fn on_response(&mut self, peer: PeerId, request_id: OutboundRequestId, response: Response) {
        let bytes = response.encode().len() as u64 + 4;
        let state = self.peer(peer);
        state.status.bytes_in += bytes;
        if state.reconcile_request == Some(request_id) {
            state.reconcile_request = None;
            match response {
                Response::Reconcile(reply) => self.continue_reconcile(peer, &reply),
                Response::Refused(reason) => self.note_error(peer, format!("reconciliation refused: {reason}")),
                _ => self.note_error(peer, "unexpected reply to a reconciliation".into()),
            }
            return;
        }
        if let Some(asked) = state.fetches.remove(&request_id) {
            match response {
                Response::Entries(entries) => {
                    state.fetch_failures = 0;
                    self.ingest(peer, asked, entries);
                }
                Response::Refused(reason) if reason == Refusal::Busy.code() => {
                    // Asked again (after what is in flight), unless it keeps refusing.
                    state.fetch_failures += 1;
                    for id in asked.into_iter().rev() {
                        state.queue.push_front(id);
                    }
                    self.give_up_if_failing(peer);
                }
                other => {
                    let state = self.peer(peer);
                    for id in &asked {
                        state.wanted.remove(id);
                    }
                    self.note_error(peer, format!("unexpected reply to a fetch: {other:?}"));
                }
            }
        }
    }

    fn note_error(&mut self, peer: PeerId, message: String) {
        debug!(peer = %short(&peer), %message);
        let status = &mut self.peer(peer).status;
        status.errors += 1;
        status.last_error = Some(message);
    }

    fn start_reconcile(&mut self, peer: PeerId) {
        // One reconciliation per pair serves both directions (we fetch what
        // we need and announce what they need), so only the side with the
        // smaller peer id starts one: half the id lists on the wire.
        if *self.swarm.local_peer_id() > peer || !self.syncs(peer) {
            return;
        }
        let state = self.peer(peer);
        let busy = !state.queue.is_empty() || !state.fetches.is_empty() || state.ingesting > 0;
        // While a transfer is under way, reconciling again would only send
        // the same id lists once more; the next tick after it ends will do.
        if state.session.is_some() || state.reconcile_request.is_some() || !state.status.connected || busy {
            return;
        }
        // Marks a session as starting so a second trigger waits for it.
        state.reconciled = false;
        self.spawn_job(move |node, set| Job::Started { peer, result: set.items(node).and_then(reconcile::initiate) });
    }

    fn continue_reconcile(&mut self, peer: PeerId, reply: &[u8]) {
        let Some(mut session) = self.peer(peer).session.take() else { return };
        self.peer(peer).session_bytes += reply.len() as u64 + 4;
        match reconcile::step(&mut session, reply) {
            Ok(reconcile::Step { have, need, next }) => {
                self.want(peer, need.into_iter().map(EntryId));
                for chunk in have.chunks(MAX_IDS) {
                    let ids: Vec<EntryId> = chunk.iter().copied().map(EntryId).collect();
                    self.send(peer, Request::Announce(ids));
                }
                match next {
                    Some(message) => {
                        let bytes = message.len() as u64 + 4;
                        let request = self.send(peer, Request::Reconcile(message));
                        let state = self.peer(peer);
                        state.session_rounds += 1;
                        state.session_bytes += bytes;
                        state.reconcile_request = Some(request);
                        state.session = Some(session);
                    }
                    None => {
                        let state = self.peer(peer);
                        state.reconciled = true;
                        state.status.reconcile_rounds = state.session_rounds;
                        state.status.reconcile_bytes = state.session_bytes;
                        debug!(peer = %short(&peer), "reconciled");
                    }
                }
                self.pump_fetches(peer);
                self.maybe_synced(peer);
            }
            Err(error) => self.note_error(peer, error.to_string()),
        }
    }

    fn pump_fetches(&mut self, peer: PeerId) {
        if !self.peer(peer).queue.is_empty() && !self.may_store() {
            return;
        }
        loop {
            let state = self.peer(peer);
            if state.fetches.len() + state.ingesting >= FETCH_IN_FLIGHT
                || state.queue.is_empty()
                || !state.status.connected
            {
                return;
            }
            let take = state.queue.len().min(state.fetch_batch);
            let ids: Vec<EntryId> = state.queue.drain(..take).collect();
            let request = self.send(peer, Request::Fetch(ids.clone()));
            self.peer(peer).fetches.insert(request, ids);
        }
    }

    fn maybe_synced(&mut self, peer: PeerId) {
        let state = self.peer(peer);
        let idle = state.queue.is_empty() && state.fetches.is_empty() && state.ingesting == 0;
        if state.reconciled && state.session.is_none() && idle {
            state.reconciled = false;
            state.status.last_sync_ms = Some(now_ms());
        }
    }

    fn ingest(&mut self, peer: PeerId, asked: Vec<EntryId>, entries: Vec<Vec<u8>>) {
        // The fetch slot stays busy until the entries are stored, so the
        // number of batches held in memory stays bounded.
        self.peer(peer).ingesting += 1;
        let sources = self.sources.clone();
        let on_panic = Job::Ingested { peer, tally: Tally::lost(asked.clone()) };
        self.spawn_job_with(None, Some(on_panic), move |node, _| {
            let mut tally = Tally { returned_any: !entries.is_empty(), ..Tally::default() };
            let asked_set: HashSet<EntryId> = asked.iter().copied().collect();
            let mut returned = HashSet::new();
            let mut accepted = Vec::with_capacity(entries.len());
            let mut accepted_ids = Vec::with_capacity(entries.len());
            for bytes in entries {
                let id = EntryId::of(&bytes);
                if asked_set.contains(&id) && returned.insert(id) {
                    accepted.push(bytes);
                    accepted_ids.push(id);
                } else {
                    tally.invalid.push(format!("entry {} was not asked for", id.short()));
                }
            }
            note_sources(&sources, accepted_ids.iter().map(|id| (*id, Some(peer))));
            match node.ingest_encoded(&accepted) {
                Ok(results) => {
                    // Only stored entries are announced; forget the others.
                    let not_new = accepted_ids.iter().zip(&results).filter_map(|(id, result)| {
                        (!matches!(result, Ok(IngestOutcome::Stored))).then_some((*id, None))
                    });
                    note_sources(&sources, not_new);
                    for result in results {
                        match result {
                            Ok(IngestOutcome::Stored) => tally.stored += 1,
                            // Kept aside until its past arrives: neither stored nor the peer's fault.
                            Ok(IngestOutcome::AlreadyStored | IngestOutcome::Deferred(_)) => {}
                            // Only a fault of the entry in itself counts against the peer.
                            Ok(IngestOutcome::Rejected(error)) if !error.blames_sender() => {
                                debug!(peer = %short(&peer), "refused an entry: {error}");
                            }
                            Ok(IngestOutcome::Rejected(error)) => tally.invalid.push(error.to_string()),
                            Err(error) => tally.invalid.push(error.to_string()),
                        }
                    }
                }
                Err(error) => {
                    note_sources(&sources, accepted_ids.iter().map(|id| (*id, None)));
                    warn!(%error, "storing entries from a peer failed");
                    if error.is_disk_full() {
                        // Fetched again once there is room.
                        tally.disk_full = true;
                        returned.clear();
                    }
                }
            }
            tally.unreturned = asked.into_iter().filter(|id| !returned.contains(id)).collect();
            tally.returned = returned.into_iter().collect();
            Job::Ingested { peer, tally }
        });
    }

    fn on_job(&mut self, job: Job) {
        let peer = match &job {
            Job::Respond { peer, .. }
            | Job::Started { peer, .. }
            | Job::Missing { peer, .. }
            | Job::Ingested { peer, .. } => *peer,
        };
        if !self.known(peer) {
            // It left and was not configured: its row is gone, and so is
            // this, but for news of a full disk, which is the node's own.
            if let Job::Ingested { tally, .. } = &job
                && tally.disk_full
                && !self.disk_paused
            {
                self.disk_paused = true;
                warn!("the disk is full: fetching from peers is paused until there is room");
            }
            return;
        }
        match job {
            Job::Respond { peer, channel, response, entries } => {
                if matches!(&response, Response::Refused(code) if code == Refusal::Invalid.code()) {
                    self.strike(peer, "sent an invalid request");
                }
                let bytes = response.encode().len() as u64 + 4;
                let answered_reconcile = matches!(response, Response::Reconcile(_));
                let state = self.peer(peer);
                state.status.bytes_out += bytes;
                state.status.entries_sent += entries;
                let initiating = state.session.is_some();
                let _ = self.swarm.behaviour_mut().sync.send_response(channel, response);
                if answered_reconcile && !initiating {
                    // The peer is reconciling with us: once nothing is left
                    // to fetch, that counts as a sync on this side too.
                    self.peer(peer).reconciled = true;
                    self.maybe_synced(peer);
                }
            }
            Job::Started { peer, result } => match result {
                Ok((session, message)) => {
                    if !self.peer(peer).status.connected {
                        return;
                    }
                    let bytes = message.len() as u64 + 4;
                    let request = self.send(peer, Request::Reconcile(message));
                    let state = self.peer(peer);
                    state.session = Some(session);
                    state.reconcile_request = Some(request);
                    state.session_rounds = 1;
                    state.session_bytes = bytes;
                }
                Err(error) => self.note_error(peer, error.to_string()),
            },
            Job::Missing { peer, ids } => {
                self.want(peer, ids);
                let state = self.peer(peer);
                state.reconciled = state.session.is_none() && state.reconcile_request.is_none();
                self.pump_fetches(peer);
                self.maybe_synced(peer);
            }
            Job::Ingested { peer, tally } => self.on_ingested(peer, tally),
        }
    }

    fn on_ingested(&mut self, peer: PeerId, tally: Tally) {
        if tally.disk_full && !self.disk_paused {
            self.disk_paused = true;
            warn!("the disk is full: fetching from peers is paused until there is room");
        }
        let state = self.peer(peer);
        state.ingesting = state.ingesting.saturating_sub(1);
        state.status.entries_received += tally.stored;
        for id in &tally.returned {
            state.wanted.remove(id);
        }
        if tally.returned_any {
            if tally.unreturned.is_empty() {
                state.fetch_batch = (state.fetch_batch * 2).min(FETCH_BATCH_MAX);
            }
            for id in tally.unreturned.into_iter().rev() {
                state.queue.push_front(id);
            }
        } else {
            for id in &tally.unreturned {
                state.wanted.remove(id);
            }
        }
        if !tally.invalid.is_empty() {
            state.status.invalid_entries += tally.invalid.len() as u64;
            state.status.last_error = tally.invalid.last().cloned();
            for reason in &tally.invalid {
                warn!(peer = %short(&peer), "dropped an invalid entry: {reason}");
            }
            if state.status.invalid_entries + state.strikes >= INVALID_LIMIT {
                warn!(peer = %short(&peer), "too many invalid entries; disconnecting for {} s", BAN.as_secs());
                self.ban(peer);
                let _ = self.swarm.disconnect_peer_id(peer);
                return;
            }
        }
        self.pump_fetches(peer);
        self.maybe_synced(peer);
    }

    fn on_new_entries(&mut self, received: Result<StoredEntry, broadcast::error::RecvError>) {
        let mut stored = Vec::new();
        match received {
            Ok(entry) => stored.push(entry),
            Err(broadcast::error::RecvError::Lagged(_)) => return self.lost_news(),
            Err(broadcast::error::RecvError::Closed) => return,
        }
        while stored.len() < MAX_IDS {
            match self.new_entries.try_recv() {
                Ok(entry) => stored.push(entry),
                Err(broadcast::error::TryRecvError::Lagged(_)) => return self.lost_news(),
                Err(_) => break,
            }
        }
        if stored.iter().any(|entry| entry.withdraws) {
            self.set.forget();
        } else {
            self.set.stored(&stored);
        }
        let ids: Vec<EntryId> = stored.iter().map(|entry| entry.id).collect();
        let sources: Vec<Option<PeerId>> = {
            let mut known = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            ids.iter().map(|id| known.remove(id)).collect()
        };
        let connected: Vec<PeerId> = self.swarm.connected_peers().copied().filter(|peer| self.syncs(*peer)).collect();
        for peer in connected {
            let news: Vec<EntryId> =
                ids.iter().zip(&sources).filter(|(_, source)| **source != Some(peer)).map(|(id, _)| *id).collect();
            if !news.is_empty() {
                self.send(peer, Request::Announce(news));
            }
        }
    }

    /// News of stored entries was lost to lag: the set is built again, and
    /// what the announcements would have said is found by reconciling, so
    /// their sources are no longer needed.
    fn lost_news(&mut self) {
        self.set.forget();
        self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
        self.reconcile_all();
    }

    /// Whether received entries can be stored: the sync reserve and room
    /// for a batch are free. Pauses fetching (and says so once) when not;
    /// [`Engine::check_disk`] resumes it.
    fn may_store(&mut self) -> bool {
        // Not knowing the free space is no reason to stop: a store that
        // fails on a full disk pauses all the same.
        let room = self.node.store().disk_space().map_or(true, |space| space.sync_may_store());
        if !room && !self.disk_paused {
            self.disk_paused = true;
            warn!("the disk is nearly full: fetching from peers is paused, keeping the reserve for local writes");
        }
        room && !self.disk_paused
    }

    /// While paused for a full disk: resumes fetching once there is room.
    fn check_disk(&mut self) {
        let room = self.node.store().disk_space().map_or(true, |space| space.sync_may_store());
        if self.disk_paused && room {
            self.disk_paused = false;
            info!("there is room on the disk again: fetching from peers resumes");
            let connected: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
            for peer in connected {
                self.pump_fetches(peer);
            }
            self.reconcile_all();
        }
    }

    fn reconcile_all(&mut self) {
        let connected: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        for peer in connected {
            self.start_reconcile(peer);
        }
    }

    fn status(&self) -> SyncStatus {
        // Configured peers and peers of the network; a libp2p client that
        // only identifies and pings is none of the network's business.
        let mut peers: Vec<PeerStatus> =
            self.peers.iter().filter(|(id, _)| self.syncs(**id)).map(|(_, peer)| peer.status.clone()).collect();
        for target in &self.targets {
            let addr = target.addr.to_string();
            let known = target.peer.and_then(|peer| {
                let id = peer.to_string();
                peers.iter_mut().find(|status| status.peer_id.as_deref() == Some(id.as_str()))
            });
            match known {
                Some(status) => {
                    if !status.addrs.contains(&addr) {
                        status.addrs.push(addr);
                    }
                }
                None => peers.push(PeerStatus {
                    peer_id: target.peer.map(|peer| peer.to_string()),
                    addrs: vec![addr],
                    ..PeerStatus::default()
                }),
            }
        }
        peers.sort_by(|a, b| b.connected.cmp(&a.connected).then(a.peer_id.cmp(&b.peer_id)));
        let waiting = self.peers.values().map(|peer| peer.wanted.len() as u64).sum();
        SyncStatus {
            peer_id: self.swarm.local_peer_id().to_string(),
            listen_addrs: self.listen_addrs.iter().map(ToString::to_string).collect(),
            last_sync_ms: peers.iter().filter_map(|peer| peer.last_sync_ms).max(),
            peers,
            entries_waiting: waiting,
            paused_disk_full: self.disk_paused,
        }
    }
}

/// Records (`Some`) or forgets (`None`) the peers entries came from.
fn note_sources(
    sources: &std::sync::Mutex<HashMap<EntryId, PeerId>>,
    changes: impl Iterator<Item = (EntryId, Option<PeerId>)>,
) {
    let mut known = sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for (id, peer) in changes {
        match peer {
            Some(peer) => known.insert(id, peer),
            None => known.remove(&id),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_are_refused_with_a_short_code_never_local_text() {
        let path = std::path::PathBuf::from("/home/operator/convene-data/store/entries.pack");
        let io = Error::Io { path: path.clone(), source: std::io::Error::other("disk on fire") };
        let bad_file = Error::BadFile { path: path.clone(), problem: "truncated".into() };
        let negentropy = Error::Sync("reconciliation: invalid frame".into());
        let cases = [
            (&io, Refusal::Invalid, "internal"),
            (&bad_file, Refusal::Invalid, "internal"),
            (&Error::NotJson("x".into()), Refusal::Internal, "invalid"),
            (&negentropy, Refusal::Invalid, "invalid"),
            (&Error::NotFound("x".into()), Refusal::Internal, "internal"),
        ];
        for (error, otherwise, code) in cases {
            assert_eq!(Refusal::of(error, otherwise).code(), code, "{error}");
        }
        for refusal in [Refusal::Invalid, Refusal::Internal] {
            let code = refusal.code();
            assert!(code.len() <= 16 && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{code}");
        }
        let peer = PeerId::random();
        for error in [&io, &bad_file, &negentropy] {
            let Response::Refused(reason) = refuse(peer, "testing", error, Refusal::Invalid) else {
                panic!("not a refusal")
            };
            assert!(["internal", "invalid"].contains(&reason.as_str()), "{reason}");
            assert!(!reason.contains("convene-data") && !reason.contains("disk"), "{reason}");
        }
    }

    #[test]
    fn a_store_job_that_panics_reports_its_fallback_and_releases_its_peer() {
        let store = store_thread().unwrap();
        let (jobs_tx, mut jobs) = mpsc::channel(4);
        let peer = PeerId::random();
        let counts: Arc<std::sync::Mutex<HashMap<PeerId, usize>>> = Arc::default();
        counts.lock().unwrap().insert(peer, 1);
        let asked = vec![EntryId([7; 32])];
        let work = StoreWork {
            run: Box::new(|| panic!("a bug in a store job")),
            on_panic: Some(Job::Ingested { peer, tally: Tally::lost(asked.clone()) }),
            release: Some(Release { counts: counts.clone(), peer }),
            jobs: jobs_tx,
        };
        store.try_send(work).map_err(|_| "queued").unwrap();
        match jobs.blocking_recv() {
            Some(Job::Ingested { peer: reported, tally }) => {
                assert_eq!(reported, peer);
                assert_eq!(tally.unreturned, asked, "the ids it was storing are not waited for any more");
                assert_eq!(tally.stored, 0);
            }
            _ => panic!("the fallback is reported"),
        }
        // The thread goes on, and the peer's request was given back.
        let (jobs_tx, mut jobs) = mpsc::channel(1);
        let ids = vec![EntryId([8; 32])];
        let then = StoreWork {
            run: Box::new(move || Job::Missing { peer, ids }),
            on_panic: None,
            release: None,
            jobs: jobs_tx,
        };
        store.try_send(then).map_err(|_| "queued").unwrap();
        assert!(matches!(jobs.blocking_recv(), Some(Job::Missing { .. })));
        assert!(counts.lock().unwrap().is_empty());
    }
}
