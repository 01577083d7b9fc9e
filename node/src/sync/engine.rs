//! The sync engine: one task owns the libp2p `Swarm` and runs the event loop.
//!
//! Who owns what:
//! - the engine task owns the swarm and the [`Machine`], which holds every
//!   peer's state (sessions, fetch queues, counters, bans) and the dial
//!   targets, and decides; the engine turns swarm events, store results
//!   and timers into calls on the machine and carries out its [`Action`]s;
//! - blocking store work (reading the reconciled set after a withdrawal,
//!   reading entries for a peer, verifying and storing received entries)
//!   runs in order on one store thread (verification fans out to every
//!   core from there) and reports back as a [`Job`] on a bounded channel;
//!   blob work (listing what to fetch, reading groups for a peer, verifying
//!   and keeping received groups, each synced to disk) runs the same way on
//!   a blob thread of its own, so a picture never holds up an entry.
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

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use convene_protocol::attachment::{BlobHash, NamedBlob};
use convene_protocol::entry::EntryId;
use convene_protocol::statement::Origin;
use convene_protocol::wire::{BlobRequest, BlobResponse, ENTRIES_REPLY_BUDGET, GroupData, MAX_IDS, Request, Response};
use futures::StreamExt;
use libp2p::request_response::{self, OutboundRequestId, ResponseChannel};
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm, identify, mdns, ping};
use tokio::sync::{broadcast, mpsc, oneshot};
use tracing::{debug, info, warn};

use super::BlobPolicy;
use super::behaviour::{Behaviour, BehaviourEvent};
use super::blob_fetch::{LISTED, Listed, Listing};
use super::codec::Incoming;
use super::explain;
use super::hub;
use super::machine::{Action, GroupsWritten, Machine, Refusal, Tally, Ticket, refuse};
use super::nat::Nat;
use super::reconcile::{self, Session, SyncSet};
use super::short;
use super::status::{Holder, SyncStatus};
use crate::Node;
use crate::blobs::{self, BlobError, Held, group_count};
use crate::error::NodeError as Error;
use crate::node::{StoredEntry, now_ms};

/// Requests of one peer being worked on (queued or running) at once, and of
/// all peers together; past either the peer is told `busy`, which costs
/// this node nothing (an announcement is acknowledged only when taken).
const INBOUND_PER_PEER: usize = 8;
const INBOUND_MAX: usize = 64;
/// Work waiting for the store thread; the caps on requests and fetches
/// keep it far below.
const STORE_QUEUE: usize = 1024;
/// How often a node whose fetching is paused for a full disk looks again.
const DISK_CHECK: Duration = Duration::from_secs(2);
/// Blob replies (up to 1 MiB each) held back by the upload rate limit, for
/// one peer and for all; past them blob requests are refused `busy`.
const DELAYED_PER_PEER: usize = 2;
const DELAYED_MAX: usize = 32;

/// Requests from [`super::SyncHandle`].
#[derive(Debug)]
pub(crate) enum Command {
    Status(oneshot::Sender<SyncStatus>),
    Holders(Vec<EntryId>, oneshot::Sender<Vec<Holder>>),
    AddPeer(Multiaddr),
    RemovePeer(Multiaddr),
    Shutdown,
}

/// Results of blocking work, back to the engine.
enum Job {
    Respond { peer: PeerId, channel: ResponseChannel<Response>, response: Response, sent: Vec<EntryId> },
    Started { peer: PeerId, result: Result<(Session, Vec<u8>), Error> },
    Missing { peer: PeerId, ids: Vec<EntryId> },
    Ingested { peer: PeerId, tally: Tally },
    BlobsListed(Listing),
    BlobRespond { peer: PeerId, channel: ResponseChannel<BlobResponse>, response: BlobResponse, delayed: bool },
    GroupsWritten { peer: PeerId, hash: BlobHash, written: GroupsWritten, disk_full: bool },
}

/// The engine's state; see the module documentation.
pub(crate) struct Engine {
    pub(crate) node: Node,
    pub(crate) swarm: Swarm<Behaviour>,
    pub(crate) protocol: StreamProtocol,
    pub(crate) listen_addrs: Vec<Multiaddr>,
    pub(crate) reconcile_interval: Duration,
    machine: Machine,
    /// The machine's ticket for each request in flight, per protocol.
    tickets: HashMap<OutboundRequestId, Ticket>,
    blob_tickets: HashMap<OutboundRequestId, Ticket>,
    blob_policy: BlobPolicy,
    /// Per peer, when the upload rate limit lets the next blob reply go,
    /// and how many replies wait for that.
    upload_free: HashMap<PeerId, Instant>,
    delayed: HashMap<PeerId, usize>,
    /// Requests of each peer queued for or running on the store thread,
    /// which takes them off as it finishes each.
    inbound: Arc<std::sync::Mutex<HashMap<PeerId, usize>>>,
    set: Arc<SyncSet>,
    /// Work for the store thread, which ends when this is dropped.
    store_work: std::sync::mpsc::SyncSender<StoreWork>,
    /// Work for the blob thread, likewise.
    blob_work: std::sync::mpsc::SyncSender<StoreWork>,
    jobs_tx: mpsc::Sender<Job>,
    jobs_rx: mpsc::Receiver<Job>,
    new_entries: broadcast::Receiver<StoredEntry>,
    /// Fetching is paused: the disk holds less than the sync reserve
    /// (`store/space.rs`) and room to store a batch.
    disk_paused: bool,
    /// Relays, reservations, and how each peer is reached (`nat.rs`).
    nat: Nat,
    /// This node's hub name, as its record tells peers.
    pub(crate) hub_name: Option<String>,
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

/// Starts a worker thread (the store's or the blobs'): it runs each piece
/// of work in turn until every sender is gone. A piece that panics is
/// logged, its `on_panic` reported, and the thread goes on, as one blocking
/// task's panic would leave the others running.
fn store_thread(name: &str) -> std::io::Result<std::sync::mpsc::SyncSender<StoreWork>> {
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<StoreWork>(STORE_QUEUE);
    std::thread::Builder::new().name(name.into()).spawn(move || {
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

impl Engine {
    pub(crate) fn new(
        node: Node,
        swarm: Swarm<Behaviour>,
        protocol: StreamProtocol,
        listen_addrs: Vec<Multiaddr>,
        dial: Vec<Multiaddr>,
        config: &super::SyncConfig,
        nat: Nat,
    ) -> std::io::Result<Self> {
        let (jobs_tx, jobs_rx) = mpsc::channel(256);
        let new_entries = node.subscribe();
        let mut machine = Machine::new(*swarm.local_peer_id(), protocol.to_string());
        let now = Instant::now();
        for addr in dial {
            machine.add_target(addr, now);
        }
        let mut engine = Self {
            node,
            swarm,
            protocol,
            listen_addrs,
            reconcile_interval: config.reconcile_interval,
            machine,
            tickets: HashMap::new(),
            blob_tickets: HashMap::new(),
            blob_policy: config.blobs,
            upload_free: HashMap::new(),
            delayed: HashMap::new(),
            inbound: Arc::default(),
            set: Arc::new(SyncSet::default()),
            store_work: store_thread("convene-sync-store")?,
            blob_work: store_thread("convene-sync-blobs")?,
            jobs_tx,
            jobs_rx,
            new_entries,
            disk_paused: false,
            nat,
            hub_name: None,
        };
        // What waits to arrive shows from the start, peers or not.
        engine.machine.list_blobs(now);
        engine.carry_out();
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
                _ = redial.tick() => {
                    let now = Instant::now();
                    self.machine.redial(now);
                    self.machine.retry_announcements(now);
                    if !self.disk_paused {
                        self.machine.retry_fetches(now);
                    }
                    self.nat_tick(now);
                }
                _ = periodic.tick() => self.machine.reconcile_all(),
                _ = disk.tick(), if self.disk_paused => self.check_disk(),
            }
            self.carry_out();
        }
        info!("sync engine stopped");
    }

    /// Does what the machine decided, in order, until it decides no more.
    fn carry_out(&mut self) {
        loop {
            let actions = self.machine.actions();
            if actions.is_empty() {
                return;
            }
            for action in actions {
                self.act(action);
            }
        }
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Send { peer, request, ticket } => {
                let request_id = self.swarm.behaviour_mut().sync.send_request(&peer, request.into());
                self.tickets.insert(request_id, ticket);
            }
            Action::MayFetch(peer) => {
                if self.may_store() {
                    self.machine.fetch(peer, Instant::now());
                }
            }
            Action::StartReconcile(peer) => self.spawn_job(move |node, set| Job::Started {
                peer,
                result: set.items(node).and_then(reconcile::initiate),
            }),
            Action::Ingest { peer, asked, entries } => self.ingest(peer, asked, entries),
            Action::SendBlob { peer, request, ticket } => {
                let request_id = self.swarm.behaviour_mut().blobs.send_request(&peer, request.into());
                self.blob_tickets.insert(request_id, ticket);
            }
            Action::ListBlobs => {
                let text_only = self.blob_policy.text_only;
                let on_panic = Job::BlobsListed(Listing::default());
                self.queue(Thread::Blobs, None, Some(on_panic), move |node, _| {
                    Job::BlobsListed(list_blobs(node, text_only))
                });
            }
            Action::WriteGroups { peer, blob, groups } => self.write_groups(peer, blob, groups),
            Action::Dial { addr, peer } => {
                let opts = match peer {
                    Some(peer) => DialOpts::peer_id(peer).addresses(vec![addr.clone()]).build(),
                    None => DialOpts::unknown_peer_id().address(addr.clone()).build(),
                };
                let connection = opts.connection_id();
                match self.swarm.dial(opts) {
                    Ok(()) => self.machine.dialing(&addr, connection),
                    Err(error) => debug!(%addr, %error, "dial failed"),
                }
            }
            Action::Disconnect(peer) => {
                let _ = self.swarm.disconnect_peer_id(peer);
            }
            Action::Close(connection) => {
                self.swarm.close_connection(connection);
            }
            Action::BanAddress { ip, until } => self.swarm.behaviour_mut().gate.ban(ip, until),
            Action::Exempt(peer) => self.swarm.behaviour_mut().limits.bypass_peer_id(&peer),
            Action::Unexempt(peer) => {
                self.swarm.behaviour_mut().limits.remove_peer_id(&peer);
            }
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Status(reply) => {
                let _ = reply.send(self.status());
            }
            Command::Holders(ids, reply) => {
                let _ = reply.send(self.machine.holders(&ids, Instant::now(), now_ms()));
            }
            Command::AddPeer(addr) => self.machine.add_target(addr, Instant::now()),
            Command::RemovePeer(addr) => self.machine.remove_target(&addr),
            Command::Shutdown => {}
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        let now = Instant::now();
        self.nat.on_swarm_event(&mut self.swarm, &event, now);
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                info!("listening on {address}");
                if !self.listen_addrs.contains(&address) {
                    self.listen_addrs.push(address);
                }
            }
            // A relay's slot ends (or is refused): that address is gone.
            SwarmEvent::ExpiredListenAddr { address, .. } => self.listen_addrs.retain(|addr| *addr != address),
            SwarmEvent::ListenerClosed { addresses, .. } => self.listen_addrs.retain(|addr| !addresses.contains(addr)),
            SwarmEvent::ConnectionEstablished { peer_id, connection_id, endpoint, num_established, .. } => {
                self.machine.connected(
                    peer_id,
                    connection_id,
                    endpoint.get_remote_address(),
                    endpoint.is_dialer(),
                    num_established.get() == 1,
                    now,
                );
            }
            SwarmEvent::ConnectionClosed { peer_id, connection_id, num_established, cause, .. } => {
                self.machine.disconnected(peer_id, connection_id, num_established, &cause, now);
            }
            SwarmEvent::OutgoingConnectionError { connection_id, peer_id, error } => {
                let (problem, words) = explain::dial_error(&error);
                self.machine.dial_failed(connection_id, peer_id, problem, &words);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event { peer, connection, result })) => {
                self.machine.ping(peer, connection, result.ok(), now);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                connection_id,
                info,
            })) => {
                let member = info.protocols.contains(&self.protocol);
                let record = if info.public_key.to_peer_id() == peer_id {
                    let genesis = self.node.genesis();
                    hub::from_agent_version(
                        &info.agent_version,
                        &info.public_key,
                        &self.node.network(),
                        &genesis.secretariat_signing_key,
                    )
                } else {
                    Err(hub::HubNameError::Forged)
                };
                self.machine.identified(peer_id, connection_id, member, &info.agent_version, record, now);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => self.on_sync_event(event, now),
            SwarmEvent::Behaviour(BehaviourEvent::Blobs(event)) => self.on_blob_event(event, now),
            SwarmEvent::Behaviour(BehaviourEvent::Mdns(mdns::Event::Discovered(found))) => {
                for (_, addr) in found {
                    self.machine.add_target(addr, now);
                }
            }
            _ => {}
        }
    }

    fn on_sync_event(&mut self, event: request_response::Event<Incoming, Response>, now: Instant) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request { request: Incoming::Request(request), channel, .. } => {
                    self.on_request(peer, request, channel)
                }
                request_response::Message::Request { request: Incoming::Malformed(reason), channel, .. } => {
                    let refused = Response::Refused(Refusal::Invalid.code().into());
                    let _ = self.swarm.behaviour_mut().sync.send_response(channel, refused);
                    self.machine.malformed(peer, &reason, now);
                }
                request_response::Message::Response { request_id, response } => {
                    if let Some(ticket) = self.tickets.remove(&request_id) {
                        self.machine.response(peer, ticket, response, now);
                    }
                }
            },
            request_response::Event::OutboundFailure { peer, request_id, error, .. } => {
                let (failure, words) = explain::outbound_failure(&error);
                if let Some(ticket) = self.tickets.remove(&request_id) {
                    self.machine.request_failed(peer, ticket, failure, &words, now);
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                let (counted, words) = explain::inbound_failure(&error);
                self.machine.inbound_failed(peer, &words, counted);
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    fn spawn_job(&self, work: impl FnOnce(&Node, &SyncSet) -> Job + Send + 'static) {
        self.spawn_job_with(None, None, work);
    }

    /// Queues `work` for the store thread; see [`Engine::queue`].
    fn spawn_job_with(
        &self,
        inbound: Option<PeerId>,
        on_panic: Option<Job>,
        work: impl FnOnce(&Node, &SyncSet) -> Job + Send + 'static,
    ) {
        self.queue(Thread::Store, inbound, on_panic, work);
    }

    /// Queues `work` for `thread`. `inbound`: the peer whose request it
    /// answers (admitted by [`Engine::admit`]), released when the work
    /// ends. `on_panic`: the job reported should the work panic or not fit
    /// in the queue, so that no peer waits for a result that never comes.
    fn queue(
        &self,
        thread: Thread,
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
        let worker = match thread {
            Thread::Store => &self.store_work,
            Thread::Blobs => &self.blob_work,
        };
        if let Err(refused) = worker.try_send(work) {
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

    fn on_request(&mut self, peer: PeerId, request: Request, channel: ResponseChannel<Response>) {
        if !self.machine.request(peer, &request, Instant::now()) || !self.admit(peer) {
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
                Job::Respond { peer, channel, response, sent: Vec::new() }
            }),
            Request::Fetch(ids) => self.spawn_job_with(inbound, None, move |node, _| {
                let mut entries = Vec::new();
                let mut sent = Vec::new();
                let mut budget = 0usize;
                for id in ids {
                    match node.store().entry_bytes(&id) {
                        Ok(Some(bytes)) => {
                            if budget + bytes.len() > ENTRIES_REPLY_BUDGET && !entries.is_empty() {
                                break;
                            }
                            budget += bytes.len();
                            entries.push(bytes);
                            sent.push(id);
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
                Job::Respond { peer, channel, response: Response::Entries(entries), sent }
            }),
            Request::Announce(ids) => {
                let _ = self.swarm.behaviour_mut().sync.send_response(channel, Response::Ack);
                self.spawn_job_with(inbound, None, move |node, _| {
                    let missing = ids
                        .into_iter()
                        .filter(|id| {
                            matches!(node.store().has_entry(id), Ok(false))
                                && matches!(node.store().is_purged(id), Ok(false))
                        })
                        .collect();
                    Job::Missing { peer, ids: missing }
                });
            }
        }
    }

    /// Verifies and stores `entries` that `peer` sent for the ids `asked`.
    fn ingest(&mut self, peer: PeerId, asked: Vec<EntryId>, entries: Vec<Vec<u8>>) {
        let on_panic = Job::Ingested { peer, tally: Tally::lost(asked.clone()) };
        // Where a hub's custody receipts say the entries came from.
        // (none for a peer whose key is not Ed25519: its custody is not signed).
        let origin = crate::node::custody::peer_key(&peer).map(Origin::Peer);
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
            match node.ingest_encoded(&accepted, origin) {
                Ok(results) => {
                    for result in results {
                        tally.count(peer, result);
                    }
                }
                Err(error) => {
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
        let now = Instant::now();
        // Jobs that stand whether or not their peer is still here.
        let job = match job {
            Job::BlobsListed(listing) => return self.machine.blobs_listed(listing, now),
            Job::GroupsWritten { peer, hash, written, disk_full } => {
                if disk_full {
                    self.pause_for_full_disk();
                }
                return self.machine.groups_written(peer, hash, written, now);
            }
            job => job,
        };
        if let Job::Ingested { tally, .. } = &job
            && tally.disk_full
        {
            self.pause_for_full_disk();
        }
        if let Job::BlobRespond { peer, delayed: true, .. } = &job
            && let Some(count) = self.delayed.get_mut(peer)
        {
            *count -= 1;
            if *count == 0 {
                self.delayed.remove(peer);
            }
        }
        let peer = match &job {
            Job::Respond { peer, .. }
            | Job::Started { peer, .. }
            | Job::Missing { peer, .. }
            | Job::Ingested { peer, .. }
            | Job::BlobRespond { peer, .. } => *peer,
            Job::BlobsListed(_) | Job::GroupsWritten { .. } => unreachable!("handled above"),
        };
        if !self.machine.known(peer) {
            // It left and was not configured: its row is gone, and so is this.
            return;
        }
        match job {
            Job::Respond { peer, channel, response, sent } => {
                self.machine.responded(peer, &response, &sent, now);
                let _ = self.swarm.behaviour_mut().sync.send_response(channel, response);
            }
            Job::Started { peer, result } => {
                self.machine.reconcile_ready(peer, result.map_err(|error| error.to_string()))
            }
            Job::Missing { peer, ids } => self.machine.missing(peer, ids, now),
            Job::Ingested { peer, tally } => self.machine.ingested(peer, tally, now),
            Job::BlobRespond { peer, channel, response, delayed } => {
                self.blob_respond(peer, channel, response, delayed)
            }
            Job::BlobsListed(_) | Job::GroupsWritten { .. } => unreachable!("handled above"),
        }
    }

    /// Storing failed on a full disk: fetching pauses until there is room.
    fn pause_for_full_disk(&mut self) {
        if !self.disk_paused {
            self.disk_paused = true;
            warn!("the disk is full: fetching from peers is paused until there is room");
        }
    }

    fn on_blob_event(&mut self, event: request_response::Event<Incoming<BlobRequest>, BlobResponse>, now: Instant) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request { request: Incoming::Request(request), channel, .. } => {
                    self.on_blob_request(peer, request, channel, now)
                }
                request_response::Message::Request { request: Incoming::Malformed(reason), channel, .. } => {
                    let refused = BlobResponse::Refused(Refusal::Invalid.code().into());
                    let _ = self.swarm.behaviour_mut().blobs.send_response(channel, refused);
                    self.machine.malformed(peer, &reason, now);
                }
                request_response::Message::Response { request_id, response } => {
                    if let Some(ticket) = self.blob_tickets.remove(&request_id) {
                        self.machine.blob_response(peer, ticket, response, now);
                    }
                }
            },
            request_response::Event::OutboundFailure { peer, request_id, error, .. } => {
                let Some(ticket) = self.blob_tickets.remove(&request_id) else { return };
                if matches!(error, request_response::OutboundFailure::UnsupportedProtocols) {
                    // An older node: it carries no blobs.
                    self.machine.blobs_unsupported(peer, ticket);
                } else {
                    let (failure, words) = explain::outbound_failure(&error);
                    self.machine.blob_request_failed(peer, ticket, failure, &words, now);
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                let (counted, words) = explain::inbound_failure(&error);
                self.machine.inbound_failed(peer, &words, counted);
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    /// Serves groups of a whole blob a live document names; with "text
    /// only", previews alone. A peer past its share of work, or with
    /// replies held back by the upload limit, is told `busy`.
    fn on_blob_request(
        &mut self,
        peer: PeerId,
        request: BlobRequest,
        channel: ResponseChannel<BlobResponse>,
        now: Instant,
    ) {
        self.machine.blob_request(peer, wire_len(&request.encode()), now);
        let held_back = self.delayed.get(&peer).copied().unwrap_or(0);
        let held_back_all: usize = self.delayed.values().sum();
        if held_back >= DELAYED_PER_PEER || held_back_all >= DELAYED_MAX || !self.admit(peer) {
            let busy = BlobResponse::Refused(Refusal::Busy.code().into());
            let _ = self.swarm.behaviour_mut().blobs.send_response(channel, busy);
            return;
        }
        let text_only = self.blob_policy.text_only;
        self.queue(Thread::Blobs, Some(peer), None, move |node, _| {
            let response = serve_groups(node, peer, &request, text_only);
            Job::BlobRespond { peer, channel, response, delayed: false }
        });
    }

    /// Sends a blob reply, held back first if the upload limit says so.
    fn blob_respond(
        &mut self,
        peer: PeerId,
        channel: ResponseChannel<BlobResponse>,
        response: BlobResponse,
        delayed: bool,
    ) {
        let now = Instant::now();
        if !delayed && let (Some(limit), BlobResponse::Groups(groups)) = (self.blob_policy.upload_limit, &response) {
            let bytes: u64 = groups.iter().map(|group| group.data.len() as u64).sum();
            let free = self.upload_free.get(&peer).copied().unwrap_or(now).max(now);
            self.upload_free.insert(peer, free + Duration::from_secs_f64(bytes as f64 / limit.max(1) as f64));
            if free > now {
                *self.delayed.entry(peer).or_default() += 1;
                let jobs = self.jobs_tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep_until(free.into()).await;
                    let _ = jobs.send(Job::BlobRespond { peer, channel, response, delayed: true }).await;
                });
                return;
            }
        }
        self.machine.blob_responded(peer, &response, now);
        let _ = self.swarm.behaviour_mut().blobs.send_response(channel, response);
    }

    /// Verifies and keeps `groups` of `blob` sent by `peer` (blob thread).
    fn write_groups(&mut self, peer: PeerId, blob: NamedBlob, groups: Vec<GroupData>) {
        let indices: Vec<u64> = groups.iter().map(|group| group.index).collect();
        let on_panic = Job::GroupsWritten {
            peer,
            hash: blob.hash,
            written: GroupsWritten { indices: indices.clone(), ..GroupsWritten::default() },
            disk_full: false,
        };
        self.queue(Thread::Blobs, None, Some(on_panic), move |node, _| {
            let mut written = GroupsWritten { indices, ..GroupsWritten::default() };
            let mut disk_full = false;
            let named = |node: &Node| matches!(node.named_blob(&blob.hash), Ok(Some(named)) if named == blob);
            let bytes: u64 = groups.iter().map(|group| group.data.len() as u64).sum();
            if named(node) {
                if let Err(error) = node.check_blob_room(bytes) {
                    // Fetched again once there is room (the engine pauses fetching).
                    debug!(%error, "no room for blob groups from a peer");
                    disk_full = true;
                } else {
                    let incoming: Vec<blobs::Incoming<'_>> = groups
                        .iter()
                        .map(|group| blobs::Incoming { index: group.index, data: &group.data, proof: &group.proof })
                        .collect();
                    // Verified one by one, written and synced together.
                    match node.blobs().write_groups(&blob.hash, blob.size, &incoming) {
                        Ok((refused, _)) => {
                            for (group, refusal) in groups.iter().zip(refused) {
                                match refusal {
                                    None => written.stored.push(group.index),
                                    Some(error) => written.refused.push(error.to_string()),
                                }
                            }
                        }
                        Err(error) => {
                            disk_full = matches!(&error, BlobError::Io { source, .. } if crate::store::space::is_disk_full(source));
                            warn!(%error, "keeping blob groups from a peer failed");
                        }
                    }
                }
            }
            // Withdrawn before or while being written: nothing of it stays.
            if !named(node) {
                if let Err(error) = node.blobs().erase(&blob.hash) {
                    warn!(%error, "erasing a withdrawn blob");
                }
                written.gone = true;
            }
            Job::GroupsWritten { peer, hash: blob.hash, written, disk_full }
        });
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
        self.machine.announce(&ids);
    }

    /// News of stored entries was lost to lag: the set is built again, and
    /// what the announcements would have said is found by reconciling.
    fn lost_news(&mut self) {
        self.set.forget();
        self.machine.reconcile_all();
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
            self.machine.resume();
        }
    }

    fn status(&self) -> SyncStatus {
        let mut status = SyncStatus {
            peer_id: self.swarm.local_peer_id().to_string(),
            hub_name: self.hub_name.clone(),
            listen_addrs: self.listen_addrs.iter().map(ToString::to_string).collect(),
            paused_disk_full: self.disk_paused,
            text_only: self.blob_policy.text_only,
            ..self.machine.status(Instant::now(), now_ms())
        };
        self.nat.fill(&mut status);
        status
    }

    /// Reserves slots on relays, and reconciles again once relayed
    /// connections were closed for direct ones (what their requests were
    /// doing was cut).
    fn nat_tick(&mut self, now: Instant) {
        if self.nat.tick(&mut self.swarm, now) {
            self.machine.reconcile_all();
        }
    }
}

/// Which worker thread a piece of work runs on.
#[derive(Clone, Copy)]
enum Thread {
    Store,
    Blobs,
}

/// Bytes a message takes on the wire, with its length prefix.
fn wire_len(encoded: &[u8]) -> u64 {
    encoded.len() as u64 + 4
}

/// The blobs to fetch, in order (previews first; with `text_only`,
/// previews alone), the first [`LISTED`] with the groups not held here.
fn list_blobs(node: &Node, text_only: bool) -> Listing {
    let wanted = match node.wanted_blobs() {
        Ok(wanted) => wanted,
        Err(error) => {
            warn!(%error, "cannot list the blobs to fetch");
            return Listing::default();
        }
    };
    let wanted: Vec<NamedBlob> = wanted.into_iter().filter(|blob| !text_only || blob.preview).collect();
    let wants = wanted
        .iter()
        .take(LISTED)
        .filter_map(|blob| {
            let missing = match node.blobs().held(&blob.hash, blob.size) {
                Ok(Held::Whole) => return None,
                Ok(Held::Partial(held)) => {
                    held.iter().enumerate().filter(|(_, held)| !**held).map(|(index, _)| index as u64).collect()
                }
                Ok(Held::None) => (0..group_count(blob.size)).collect(),
                Err(error) => {
                    warn!(%error, "cannot read what is held of a blob");
                    return None;
                }
            };
            Some(Listed { blob: *blob, missing })
        })
        .collect();
    Listing { wants, count: wanted.len() as u64, bytes: wanted.iter().map(|blob| blob.size).sum() }
}

/// The groups (or the piece of one) `request` asks for, from a whole blob
/// a live document names.
fn serve_groups(node: &Node, peer: PeerId, request: &BlobRequest, text_only: bool) -> BlobResponse {
    let (hash, size, indices, piece) = match request {
        BlobRequest::Groups { hash, size, indices } => (hash, *size, &indices[..], None),
        BlobRequest::Piece { hash, size, index, offset, len } => {
            (hash, *size, std::slice::from_ref(index), Some((*offset as usize, *len as usize)))
        }
    };
    let named = match node.named_blob(hash) {
        Ok(named) => named,
        Err(error) => {
            warn!(peer = %short(&peer), %error, "reading a blob's name for a peer");
            return BlobResponse::Refused(Refusal::Internal.code().into());
        }
    };
    let Some(named) = named.filter(|named| named.size == size && (named.preview || !text_only)) else {
        return BlobResponse::Refused(Refusal::Missing.code().into());
    };
    if !node.blobs().has(hash) {
        return BlobResponse::Refused(Refusal::Missing.code().into());
    }
    if indices.iter().any(|index| *index >= group_count(named.size)) {
        return BlobResponse::Refused(Refusal::Invalid.code().into());
    }
    let read = |index: u64| {
        node.blobs().read_group(hash, index).map_err(|error| {
            warn!(peer = %short(&peer), %error, "reading a blob group for a peer");
            BlobResponse::Refused(Refusal::Internal.code().into())
        })
    };
    if let Some((offset, len)) = piece {
        let group = match read(indices[0]) {
            Ok(group) => group,
            Err(refused) => return refused,
        };
        let Some(bytes) = group.data.get(offset..offset + len) else {
            return BlobResponse::Refused(Refusal::Invalid.code().into());
        };
        // The proof goes with the group's last piece.
        let proof = if offset + len == group.data.len() { group.proof } else { Vec::new() };
        let data = GroupData { index: indices[0], data: bytes.to_vec(), proof };
        return BlobResponse::Piece { offset: offset as u32, data };
    }
    let mut groups = Vec::with_capacity(indices.len());
    for index in indices {
        match read(*index) {
            Ok(group) => groups.push(GroupData { index: *index, data: group.data, proof: group.proof }),
            Err(refused) => return refused,
        }
    }
    BlobResponse::Groups(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_job_that_panics_reports_its_fallback_and_releases_its_peer() {
        let store = store_thread("test").unwrap();
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
