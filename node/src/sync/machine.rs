//! The sync engine's state machine: what the node knows of each peer and of
//! each address it keeps a connection to, and every decision on them (when
//! to dial, reconcile, fetch, refuse, ban), with no I/O.
//!
//! [`super::engine`] tells it what happened (a connection opened or closed,
//! a peer identified, a request or reply came, a store job ended, a timer
//! fired), with the time where it matters, and carries out the [`Action`]s
//! it queues: requests to send, dials, disconnections, bans and store work.
//! It holds no swarm, store or channel and reads no clock, so the tests
//! below drive it directly.
//!
//! Requests it asks to send carry a [`Ticket`]; the engine hands the ticket
//! back with the reply or failure, so the machine never sees libp2p's
//! request ids.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use convene_protocol::attachment::{BlobHash, NamedBlob};
use convene_protocol::entry::EntryId;
use convene_protocol::wire::{BlobRequest, BlobResponse, GroupData, MAX_IDS, Request, Response};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::ConnectionId;
use libp2p::{Multiaddr, PeerId};
use tracing::{debug, info, warn};

use super::bans::Bans;
use super::behaviour::MAX_FOREIGN;
use super::blob_fetch::{BlobFetch, Listing, Reply};
use super::gate::ip_of;
use super::holdings::Holdings;
use super::hub::{HubNameError, HubRecord};
use super::reconcile::{self, Session};
use super::short;
use super::status::{Holder, PeerStatus, Problem, ProblemCode, SyncStatus};
use crate::error::NodeError;
use crate::store::IngestOutcome;

/// Ids asked for in one `Fetch`: after each reply the batch is scaled
/// toward what the link carries in `REPLY_TARGET` (at most doubled or
/// halved at a time), and halved after a failed one. A 64 kbit/s link gets
/// replies of a few entries, which a cut costs little of and which never
/// queue long ahead of another request (an announcement, a new report's
/// fetch); a fast one moves big batches.
const FETCH_BATCH_START: usize = 8;
const FETCH_BATCH_MIN: usize = 1;
const FETCH_BATCH_MAX: usize = 512;
/// How long a fetch reply (of entries or blob groups) should take on the link.
pub(super) const REPLY_TARGET: Duration = Duration::from_secs(1);
/// `Fetch` requests in flight (or being stored) per peer: two keep the
/// link busy while a reply is stored; news gets one more.
const FETCH_IN_FLIGHT: usize = 2;
/// An announcement of at most this many ids is news (a report just typed
/// or just passed on, not a reconciliation's list): fetched at once, in a
/// slot of its own, ahead of the bulk.
const NEWS_MAX: usize = 4;
/// An announcement that was lost or refused `busy` is sent again after this.
const ANNOUNCE_RETRY: Duration = Duration::from_secs(1);
/// Ids waiting to be announced to one peer again; past it, the next
/// reconciliation finds them.
const ANNOUNCE_PENDING_MAX: usize = 65_536;
/// Entries sent to one peer whose receipt is awaited (the peer announces
/// what it stored, to us too); past it, sending is no longer tracked.
const UNCONFIRMED_MAX: usize = 65_536;
/// A failed ping closes the connection when nothing else came from the peer
/// for this long: the link is dead, not busy.
const QUIET: Duration = Duration::from_secs(8);
/// Invalid entries and requests a peer may send before it is banned.
const INVALID_LIMIT: u64 = 10;
/// How long an offender (a peer id, or an address) stays banned.
const BAN: Duration = Duration::from_secs(600);
/// Peer ids banned at once; past it the one whose ban ends soonest goes.
const BANS_MAX: usize = 1024;
/// Peer ids banned from one address before incoming connections from the
/// address are refused too (`gate.rs`).
const BANS_PER_ADDRESS: usize = 2;
/// Ids waiting to be fetched from one peer, and from all peers together;
/// past them offered ids are left for the next reconciliation.
const WANTED_PER_PEER: usize = 65_536;
const WANTED_MAX: usize = 262_144;
/// Fetches from one peer that fail in a row before the ids waiting on it
/// are given up (the next reconciliation asks again).
const FETCH_FAILURES_MAX: u32 = 3;
/// Redial backoff bounds.
const BACKOFF_MIN: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Names a request the machine asked to send, so that its reply or failure
/// finds the fetch or reconciliation it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Ticket(pub(super) u64);

/// What the engine is to do, in the order queued.
#[derive(Debug)]
pub(crate) enum Action {
    /// Send `request` to `peer`; its reply or failure comes back with `ticket`.
    Send { peer: PeerId, request: Request, ticket: Ticket },
    /// Ids wait to be fetched from `peer`: if the disk has room, call
    /// [`Machine::fetch`].
    MayFetch(PeerId),
    /// Read the reconciled set and begin a reconciliation with `peer` (store
    /// thread), then report with [`Machine::reconcile_ready`].
    StartReconcile(PeerId),
    /// Verify and store `entries`, sent by `peer` for the ids `asked` (store
    /// thread), then report with [`Machine::ingested`].
    Ingest { peer: PeerId, asked: Vec<EntryId>, entries: Vec<Vec<u8>> },
    /// Send the blob request `request` to `peer`; its reply or failure
    /// comes back with `ticket`.
    SendBlob { peer: PeerId, request: BlobRequest, ticket: Ticket },
    /// List the blobs to fetch (blob thread), then report with
    /// [`Machine::blobs_listed`].
    ListBlobs,
    /// Verify and keep `groups` of `blob`, sent by `peer` (blob thread),
    /// then report with [`Machine::groups_written`].
    WriteGroups { peer: PeerId, blob: NamedBlob, groups: Vec<GroupData> },
    /// Dial `addr`, then report with [`Machine::dialing`].
    Dial { addr: Multiaddr, peer: Option<PeerId> },
    /// Close every connection to `peer`.
    Disconnect(PeerId),
    /// Close one connection.
    Close(ConnectionId),
    /// Refuse incoming connections from `ip` until `until` (`gate.rs`).
    BanAddress { ip: IpAddr, until: Instant },
    /// `peer` is configured: the connection limits do not apply to it.
    Exempt(PeerId),
    /// `peer` is no longer configured: the connection limits apply again.
    Unexempt(PeerId),
}

/// Why a request to a peer failed, as far as blame goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The reply broke the wire format (oversized, malformed): the peer's fault.
    Malformed,
    /// The peer does not speak this network's sync protocol.
    OtherNetwork,
    /// Nothing moved on the stream for a while, or it could not open in
    /// time: the link is slow or busy. Asked again, smaller; no error.
    Slow,
    /// The connection closed under it: its closing is what is reported.
    Cut,
    /// The stream failed otherwise: counted as an error.
    Lost,
}

/// What writing a reply's blob groups came to.
#[derive(Debug, Default)]
pub(crate) struct GroupsWritten {
    /// The groups the reply carried.
    pub(crate) indices: Vec<u64>,
    /// Those verified and kept.
    pub(crate) stored: Vec<u64>,
    /// Why each group that did not verify was refused.
    pub(crate) refused: Vec<String>,
    /// No live document names the blob any more (withdrawn meanwhile).
    pub(crate) gone: bool,
}

/// What storing a fetched batch came to.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) stored: u64,
    /// Why each entry that counts against the peer was dropped.
    pub(crate) invalid: Vec<String>,
    /// Ids asked for and not returned (or, on a full disk, not stored).
    pub(crate) unreturned: Vec<EntryId>,
    pub(crate) returned: Vec<EntryId>,
    pub(crate) returned_any: bool,
    /// Storing them failed on a full disk: they are fetched again later
    /// (the engine pauses fetching).
    pub(crate) disk_full: bool,
}

impl Tally {
    /// What a job that panicked while storing `asked` leaves: none stored,
    /// none waited for any more (the next reconciliation asks again).
    pub(crate) fn lost(asked: Vec<EntryId>) -> Self {
        Self { unreturned: asked, ..Self::default() }
    }

    /// Counts what the store made of one entry from `peer`. Only a fault of
    /// the entry in itself counts against the peer: an entry kept aside until
    /// its past arrives, or refused for what this node holds, does not.
    pub(crate) fn count(&mut self, peer: PeerId, result: Result<IngestOutcome, NodeError>) {
        match result {
            Ok(IngestOutcome::Stored) => self.stored += 1,
            Ok(IngestOutcome::AlreadyStored | IngestOutcome::Deferred(_)) => {}
            Ok(IngestOutcome::Rejected(error)) if !error.blames_sender() => {
                debug!(peer = %short(&peer), "refused an entry: {error}");
            }
            Ok(IngestOutcome::Rejected(error)) => self.invalid.push(error.to_string()),
            Err(error) => self.invalid.push(error.to_string()),
        }
    }
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
    /// This node does not hold the blob asked for whole (or, with "text
    /// only", serves previews alone); ask another peer.
    Missing,
}

impl Failure {
    /// The problem a counted failure is shown as.
    fn code(self) -> ProblemCode {
        match self {
            Self::Malformed => ProblemCode::InvalidData,
            Self::OtherNetwork => ProblemCode::OtherNetwork,
            Self::Slow => ProblemCode::TimedOut,
            Self::Cut | Self::Lost => ProblemCode::Link,
        }
    }
}

impl Refusal {
    /// The code sent to the peer.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::Internal => "internal",
            Self::Busy => "busy",
            Self::Missing => "missing",
        }
    }

    /// The refusal that fits a local error, given what the failing step
    /// (`otherwise`) was. Store and file errors are always `internal`, so
    /// their text (which names paths) stays in the log.
    pub(crate) fn of(error: &NodeError, otherwise: Refusal) -> Refusal {
        match error {
            NodeError::Store(_)
            | NodeError::Io { .. }
            | NodeError::BadFile { .. }
            | NodeError::Document(_)
            | NodeError::NotInitialised { .. }
            | NodeError::Unsealable(_) => Refusal::Internal,
            NodeError::Invalid(_) | NodeError::NotJson(_) | NodeError::Entry(_) | NodeError::Refused(_) => {
                Refusal::Invalid
            }
            _ => otherwise,
        }
    }
}

/// A `Refused` reply carrying only a [`Refusal`] code; the detail goes to the log.
pub(crate) fn refuse(peer: PeerId, doing: &str, error: &NodeError, otherwise: Refusal) -> Response {
    let refusal = Refusal::of(error, otherwise);
    warn!(peer = %short(&peer), %error, code = refusal.code(), "refused a peer's request while {doing}");
    Response::Refused(refusal.code().to_owned())
}

/// A configured, saved or discovered address we keep a connection to.
struct DialTarget {
    addr: Multiaddr,
    peer: Option<PeerId>,
    next_attempt: Instant,
    backoff: Duration,
    /// The dial under way, if any.
    dialing: Option<ConnectionId>,
    /// Failed dials, and the last failure: a target added without a peer
    /// id has no peer row to show them in until it is first reached.
    errors: u64,
    failure: Option<(Problem, String)>,
}

/// A fetch in flight.
struct Fetch {
    ids: Vec<EntryId>,
    sent: Instant,
}

/// What the machine knows of one peer.
#[derive(Default)]
struct Peer {
    status: PeerStatus,
    /// When the last sync with it completed.
    synced_at: Option<Instant>,
    session: Option<Session>,
    reconcile_request: Option<Ticket>,
    reconciled: bool,
    session_rounds: u64,
    session_bytes: u64,
    /// Ids to fetch: announced ones at the front, newest announcement
    /// first (a report typed at a hub goes ahead of a bulk transfer),
    /// reconciled ones at the back.
    queue: VecDeque<EntryId>,
    /// Ids of news (see `NEWS_MAX`), fetched before `queue` in an extra slot.
    news: VecDeque<EntryId>,
    wanted: HashSet<EntryId>,
    /// Ids it has and this node lacks that are not in `wanted` (past the
    /// caps, or known before the connection was cut); reset by the next
    /// reconciliation or announcement.
    waiting_beyond: usize,
    fetches: HashMap<Ticket, Fetch>,
    fetch_batch: usize,
    ingesting: usize,
    /// When the last fetch reply arrived: a reply sent while another was
    /// arriving is timed from then.
    last_reply: Option<Instant>,
    /// Bytes per second of fetch replies, smoothed.
    rate_in: f64,
    /// Bytes per entry in fetch replies, smoothed.
    entry_bytes: f64,
    /// Announcements in flight, and those to send again.
    announcing: HashMap<Ticket, Vec<EntryId>>,
    to_announce: Vec<EntryId>,
    announce_at: Option<Instant>,
    /// Entries sent to it that it has not yet said it stored.
    unconfirmed: HashSet<EntryId>,
    /// When anything last came from it.
    heard: Option<Instant>,
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
    ip: Option<IpAddr>,
    /// Which of this node's entries it lacks, as far as sync knows.
    holdings: Holdings,
}

impl Peer {
    /// Nothing waits to be fetched or stored.
    fn idle(&self) -> bool {
        self.queue.is_empty() && self.news.is_empty() && self.fetches.is_empty() && self.ingesting == 0
    }

    /// No entry waits to be fetched from it or is in flight: blob groups
    /// may use the link.
    fn entries_idle(&self) -> bool {
        self.queue.is_empty() && self.news.is_empty() && self.fetches.is_empty()
    }

    /// Fetches in flight or being stored.
    fn busy_slots(&self) -> usize {
        self.fetches.len() + self.ingesting
    }
}

/// Bytes a message takes on the wire, with its length prefix.
fn wire_len(encoded: &[u8]) -> u64 {
    encoded.len() as u64 + 4
}

/// The state machine; see the module documentation.
pub(crate) struct Machine {
    local: PeerId,
    /// The sync protocol's name, for the log.
    protocol: String,
    peers: HashMap<PeerId, Peer>,
    targets: Vec<DialTarget>,
    /// Peers with at least one open connection.
    connected: HashSet<PeerId>,
    /// Offenders, until when, and the address each came from; bounded by
    /// `BANS_MAX`. Kept apart from `peers`, whose rows for peers that are
    /// not configured go on disconnect.
    banned: Bans<PeerId, Option<IpAddr>>,
    /// Open connections of peers that are not configured and do not speak
    /// the sync protocol; at most `MAX_FOREIGN`.
    foreign: HashSet<ConnectionId>,
    next_ticket: u64,
    actions: Vec<Action>,
    /// Blob groups to fetch, and from whom.
    blobs: BlobFetch,
    /// Hub records peers sent that were refused (`hub.rs`).
    hub_records_refused: u64,
}

impl Machine {
    /// A machine for the node `local`, speaking `protocol`.
    pub(crate) fn new(local: PeerId, protocol: String) -> Self {
        Self {
            local,
            protocol,
            peers: HashMap::new(),
            targets: Vec::new(),
            connected: HashSet::new(),
            banned: Bans::new(BANS_MAX),
            foreign: HashSet::new(),
            next_ticket: 0,
            actions: Vec::new(),
            blobs: BlobFetch::new(),
            hub_records_refused: 0,
        }
    }

    /// The actions queued since the last call, oldest first.
    pub(crate) fn actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    /// Keeps a connection to `addr` from now on. Its peer is the last peer
    /// id in it: through a relay, `…/p2p/RELAY/p2p-circuit/p2p/PEER`.
    pub(crate) fn add_target(&mut self, addr: Multiaddr, now: Instant) {
        if self.targets.iter().any(|target| target.addr == addr) {
            return;
        }
        let peer = addr
            .iter()
            .filter_map(|part| match part {
                Protocol::P2p(peer) => Some(peer),
                _ => None,
            })
            .last();
        if let Some(peer) = peer {
            self.actions.push(Action::Exempt(peer));
        }
        self.targets.push(DialTarget {
            addr,
            peer,
            next_attempt: now,
            backoff: BACKOFF_MIN,
            dialing: None,
            errors: 0,
            failure: None,
        });
    }

    /// Stops keeping a connection to `addr`, and drops it.
    pub(crate) fn remove_target(&mut self, addr: &Multiaddr) {
        let Some(index) = self.targets.iter().position(|target| target.addr == *addr) else { return };
        let target = self.targets.remove(index);
        if let Some(peer) = target.peer {
            if !self.configured(peer) {
                self.actions.push(Action::Unexempt(peer));
            }
            self.actions.push(Action::Disconnect(peer));
        }
    }

    /// Dials every target that is not connected, not being dialled, and
    /// whose backoff has passed; each dial doubles its backoff, up to
    /// `BACKOFF_MAX`.
    pub(crate) fn redial(&mut self, now: Instant) {
        for target in &mut self.targets {
            let connected = target.peer.is_some_and(|peer| self.connected.contains(&peer));
            if connected || target.dialing.is_some() || target.next_attempt > now {
                continue;
            }
            target.next_attempt = now + target.backoff;
            target.backoff = (target.backoff * 2).min(BACKOFF_MAX);
            self.actions.push(Action::Dial { addr: target.addr.clone(), peer: target.peer });
        }
    }

    /// Asks to fetch from every connected peer that has ids waiting and a
    /// fetch slot free: what a `busy` refusal put back is asked again on
    /// the engine's next tick, not left for the next reconciliation.
    pub(crate) fn retry_fetches(&mut self, now: Instant) {
        for (peer, state) in &self.peers {
            let bulk = state.busy_slots() < FETCH_IN_FLIGHT && !state.queue.is_empty();
            let news = state.busy_slots() <= FETCH_IN_FLIGHT && !state.news.is_empty();
            let blobs =
                state.entries_idle() && state.member && (self.blobs.may_ask(*peer, now) || self.blobs.list_due(now));
            if state.status.connected && (bulk || news || blobs) {
                self.actions.push(Action::MayFetch(*peer));
            }
        }
    }

    /// Sends again the announcements that were lost or refused `busy`, once
    /// their wait is over: a lost announcement never waits for the
    /// periodic reconciliation.
    pub(crate) fn retry_announcements(&mut self, now: Instant) {
        let due: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, state)| {
                state.status.connected && !state.to_announce.is_empty() && state.announce_at.is_none_or(|at| at <= now)
            })
            .map(|(peer, _)| *peer)
            .collect();
        for peer in due {
            let state = self.peer(peer);
            let ids = std::mem::take(&mut state.to_announce);
            state.announce_at = None;
            for chunk in ids.chunks(MAX_IDS) {
                self.send_announce(peer, chunk.to_vec());
            }
        }
    }

    /// The result of a ping on `connection` to `peer`: its round trip, or
    /// a failure. A failed ping closes the connection when nothing else came
    /// from the peer for `QUIET` (a busy link answers slowly, a dead one not
    /// at all), so a dead link shows within the ping's interval and time-out.
    pub(crate) fn ping(&mut self, peer: PeerId, connection: ConnectionId, rtt: Option<Duration>, now: Instant) {
        if !self.known(peer) {
            return;
        }
        let state = self.peer(peer);
        match rtt {
            Some(rtt) => {
                state.heard = Some(now);
                state.status.rtt_ms = Some(rtt.as_millis() as u64);
            }
            None => {
                if state.heard.is_some_and(|heard| now.saturating_duration_since(heard) < QUIET) {
                    return;
                }
                info!(peer = %short(&peer), "no answer to a ping and nothing else heard: the link is down; reconnecting");
                state.status.fail(
                    Problem::new(ProblemCode::Silent),
                    "the link went silent (no answer to a ping): reconnecting when it answers again".into(),
                );
                state.status.rtt_ms = None;
                self.actions.push(Action::Close(connection));
            }
        }
    }

    /// A dial asked for by [`Action::Dial`] is under way as `connection`.
    pub(crate) fn dialing(&mut self, addr: &Multiaddr, connection: ConnectionId) {
        if let Some(target) = self.targets.iter_mut().find(|target| target.addr == *addr) {
            target.dialing = Some(connection);
        }
    }

    /// A dial failed. Only this machine's own dials count as the peer's
    /// failures: libp2p's (hole punching, AutoNAT's dial-back) fail as a
    /// matter of course behind NAT.
    pub(crate) fn dial_failed(
        &mut self,
        connection: ConnectionId,
        peer: Option<PeerId>,
        problem: Problem,
        error: &str,
    ) {
        let Some(target) = self.targets.iter_mut().find(|target| target.dialing == Some(connection)) else {
            debug!(?peer, %error, "a dial of libp2p's own failed");
            return;
        };
        target.dialing = None;
        debug!(addr = %target.addr, %error, "could not connect; retrying in {:?}", target.backoff);
        let words = format!("could not connect: {error}");
        target.errors += 1;
        target.failure = Some((problem.clone(), words.clone()));
        if let Some(peer) = peer
            && self.configured(peer)
        {
            self.peer(peer).status.fail(problem, words);
        }
    }

    /// A connection to `peer` opened; `first`: its only one now.
    pub(crate) fn connected(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        remote: &Multiaddr,
        dialer: bool,
        first: bool,
        now: Instant,
    ) {
        self.connected.insert(peer);
        if let Some(target) = self.targets.iter_mut().find(|target| target.dialing == Some(connection)) {
            target.dialing = None;
            target.peer = Some(peer);
            target.backoff = BACKOFF_MIN;
            target.failure = None;
            self.actions.push(Action::Exempt(peer));
        }
        if self.banned.is_banned(&peer, now) {
            self.actions.push(Action::Disconnect(peer));
            return;
        }
        let configured = self.configured(peer);
        let state = self.peer(peer);
        state.status.connected = true;
        state.heard = Some(now);
        state.ip = ip_of(remote);
        if dialer && !state.status.addrs.contains(&remote.to_string()) {
            state.status.addrs.push(remote.to_string());
        }
        if first {
            info!(peer = %short(&peer), addr = %remote, "connected");
            // Others are reconciled with once they show they speak the sync
            // protocol (identify, or a request).
            if configured || state.member {
                self.start_reconcile(peer);
            }
        }
    }

    /// A connection to `peer` closed, leaving `remaining` open.
    pub(crate) fn disconnected(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        remaining: u32,
        cause: &dyn std::fmt::Debug,
        now: Instant,
    ) {
        self.foreign.remove(&connection);
        if remaining > 0 {
            return;
        }
        self.connected.remove(&peer);
        self.blobs.gone(peer);
        if !self.configured(peer) {
            // Nothing is kept for a peer we do not keep a connection to.
            if self.peers.remove(&peer).is_some_and(|state| state.member) {
                info!(peer = %short(&peer), ?cause, "disconnected");
            } else {
                debug!(peer = %short(&peer), ?cause, "disconnected");
            }
            return;
        }
        info!(peer = %short(&peer), ?cause, "disconnected");
        let state = self.peer(peer);
        state.status.connected = false;
        state.session = None;
        state.holdings.session_dropped();
        state.reconcile_request = None;
        state.reconciled = false;
        if !state.fetches.is_empty() {
            // Replies were cut short: ask for less at a time.
            state.fetch_batch = (state.fetch_batch / 2).max(FETCH_BATCH_MIN);
        }
        state.fetches.clear();
        state.queue.clear();
        state.news.clear();
        // Still waiting on it, as far as this node knows, until the next
        // reconciliation says otherwise.
        state.waiting_beyond += state.wanted.len();
        state.wanted.clear();
        state.last_reply = None;
        state.announcing.clear();
        state.to_announce.clear();
        state.announce_at = None;
        state.status.rtt_ms = None;
        for target in self.targets.iter_mut().filter(|target| target.peer == Some(peer)) {
            target.next_attempt = now + target.backoff;
        }
    }

    /// `peer` identified on `connection`; `member`: it speaks the network's
    /// sync protocol; `record`: the hub record it sent, checked (`hub.rs`).
    pub(crate) fn identified(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        member: bool,
        agent: &str,
        record: Result<Option<HubRecord>, HubNameError>,
        now: Instant,
    ) {
        match record {
            Ok(Some(record)) if member || self.configured(peer) => {
                let status = &mut self.peer(peer).status;
                status.hub_name = Some(record.name);
                status.secretariat = record.secretariat;
            }
            Ok(_) => {}
            Err(error) => {
                self.hub_records_refused += 1;
                warn!(peer = %short(&peer), %error, "ignored the hub record a peer sent");
            }
        }
        if member {
            let state = self.peer(peer);
            if !state.member {
                state.member = true;
                self.start_reconcile(peer);
            }
        } else if self.configured(peer) {
            self.other_network(peer, now);
        } else {
            self.foreign_connection(peer, connection, agent);
        }
    }

    /// A well-formed request from `peer`. Whether this node has room for it:
    /// an announcement whose ids it has no room to wait for is refused
    /// `busy` before any store work.
    pub(crate) fn request(&mut self, peer: PeerId, request: &Request, now: Instant) -> bool {
        let bytes = wire_len(&request.encode());
        let announce = matches!(request, Request::Announce(_));
        let total = if announce { self.wanted_total() } else { 0 };
        let state = self.peer(peer);
        state.status.bytes_in += bytes;
        state.member = true;
        state.heard = Some(now);
        if let Request::Announce(ids) = request {
            state.holdings.holds(ids);
            // It stored these: a receipt for those this node sent it.
            for id in ids {
                if state.unconfirmed.remove(id) {
                    state.status.entries_sent += 1;
                }
            }
        }
        !(announce && (state.wanted.len() >= WANTED_PER_PEER || total >= WANTED_MAX))
    }

    /// `peer` sent a frame that is no request.
    pub(crate) fn malformed(&mut self, peer: PeerId, reason: &str, now: Instant) {
        self.strike(peer, &format!("malformed request: {reason}"), now);
    }

    /// This node answers a request of `peer` with `response`, which carries
    /// the entries `sent`: counted as sent once the peer says it stored them.
    pub(crate) fn responded(&mut self, peer: PeerId, response: &Response, sent: &[EntryId], now: Instant) {
        if matches!(response, Response::Refused(code) if code == Refusal::Invalid.code()) {
            self.strike(peer, "sent an invalid request", now);
        }
        let state = self.peer(peer);
        state.status.bytes_out += wire_len(&response.encode());
        for id in sent {
            if state.unconfirmed.len() >= UNCONFIRMED_MAX {
                break;
            }
            state.unconfirmed.insert(*id);
        }
        if matches!(response, Response::Reconcile(_)) {
            state.waiting_beyond = 0;
        }
        if matches!(response, Response::Reconcile(_)) && state.session.is_none() {
            // The peer is reconciling with us: once nothing is left to
            // fetch, that counts as a sync on this side too.
            state.holdings.answered();
            state.reconciled = true;
            self.maybe_synced(peer, now);
        }
    }

    /// The reply to the request `ticket` of `peer`.
    pub(crate) fn response(&mut self, peer: PeerId, ticket: Ticket, response: Response, now: Instant) {
        let bytes = wire_len(&response.encode());
        let state = self.peer(peer);
        state.status.bytes_in += bytes;
        state.heard = Some(now);
        if let Some(ids) = state.announcing.remove(&ticket) {
            match response {
                Response::Ack => {}
                Response::Refused(reason) if reason == Refusal::Busy.code() => self.announce_later(peer, ids, now),
                other => self.note_error(peer, format!("unexpected reply to an announcement: {other:?}")),
            }
            return;
        }
        if state.reconcile_request == Some(ticket) {
            state.reconcile_request = None;
            match response {
                Response::Reconcile(reply) => self.continue_reconcile(peer, &reply, now),
                Response::Refused(reason) => self.note_error(peer, format!("reconciliation refused: {reason}")),
                _ => self.note_error(peer, "unexpected reply to a reconciliation".into()),
            }
            return;
        }
        let Some(Fetch { ids: asked, sent }) = state.fetches.remove(&ticket) else { return };
        match response {
            Response::Entries(entries) => {
                state.fetch_failures = 0;
                // Timed from when the link was free for it: from the last
                // reply if that arrived after it was asked for.
                let start = state.last_reply.map_or(sent, |last| last.max(sent));
                let took = now.saturating_duration_since(start).max(Duration::from_millis(1));
                state.last_reply = Some(now);
                let rate = bytes as f64 / took.as_secs_f64();
                state.rate_in = if state.rate_in == 0.0 { rate } else { 0.7 * state.rate_in + 0.3 * rate };
                if !entries.is_empty() {
                    let per_entry = bytes as f64 / entries.len() as f64;
                    state.entry_bytes =
                        if state.entry_bytes == 0.0 { per_entry } else { 0.8 * state.entry_bytes + 0.2 * per_entry };
                }
                // Toward a reply of `REPLY_TARGET`: grown only by a reply
                // that held all it asked for, shrunk by any slow one.
                let factor = (REPLY_TARGET.as_secs_f64() / took.as_secs_f64()).clamp(0.5, 2.0);
                if factor < 1.0 || entries.len() >= asked.len() {
                    let scaled = (state.fetch_batch as f64 * factor).round() as usize;
                    state.fetch_batch = scaled.clamp(FETCH_BATCH_MIN, FETCH_BATCH_MAX);
                }
                // The fetch slot stays busy until the entries are stored, so
                // the number of batches held in memory stays bounded.
                state.ingesting += 1;
                self.actions.push(Action::Ingest { peer, asked, entries });
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
                for id in &asked {
                    state.wanted.remove(id);
                }
                self.note_error(peer, format!("unexpected reply to a fetch: {other:?}"));
            }
        }
    }

    /// The request `ticket` to `peer` failed.
    pub(crate) fn request_failed(&mut self, peer: PeerId, ticket: Ticket, failure: Failure, error: &str, now: Instant) {
        if !self.known(peer) {
            // Cut by the disconnection of a peer whose row is gone.
            return;
        }
        let state = self.peer(peer);
        // A slow link or a closed connection is no failure of the request:
        // the one is asked again smaller, the other reported as such.
        let counted = matches!(failure, Failure::Malformed | Failure::OtherNetwork | Failure::Lost);
        if counted {
            state.status.errors += 1;
            if !state.other_network {
                state.status.note(Problem::new(failure.code()), error.to_owned());
            }
        }
        if state.reconcile_request == Some(ticket) {
            state.reconcile_request = None;
            state.session = None;
            state.holdings.session_dropped();
        }
        if let Some(ids) = state.announcing.remove(&ticket) {
            if failure != Failure::Cut {
                self.announce_later(peer, ids, now);
            }
            return;
        }
        let state = self.peer(peer);
        if let Some(Fetch { ids, .. }) = state.fetches.remove(&ticket) {
            state.fetch_batch = (state.fetch_batch / 2).max(FETCH_BATCH_MIN);
            if counted {
                state.fetch_failures += 1;
            }
            if failure == Failure::Malformed {
                for id in &ids {
                    state.wanted.remove(id);
                }
            } else {
                for id in ids.into_iter().rev() {
                    state.queue.push_front(id);
                }
            }
        }
        match failure {
            Failure::OtherNetwork => self.other_network(peer, now),
            Failure::Malformed => {
                warn!(peer = %short(&peer), %error, "dropped a malformed reply");
                let tally = Tally { invalid: vec![format!("malformed reply: {error}")], ..Tally::default() };
                self.peer(peer).ingesting += 1;
                self.ingested(peer, tally, now);
            }
            Failure::Slow | Failure::Cut | Failure::Lost => {
                debug!(peer = %short(&peer), %error, "request failed");
                self.give_up_if_failing(peer);
                self.pump_fetches(peer);
            }
        }
    }

    /// Answering a request of `peer` failed; `counted`: something failed,
    /// rather than the link being slow or the connection closing.
    pub(crate) fn inbound_failed(&mut self, peer: PeerId, error: &str, counted: bool) {
        if !self.known(peer) || !counted {
            return;
        }
        self.peer(peer).status.fail(Problem::new(ProblemCode::Link), error.to_owned());
    }

    /// What [`Action::StartReconcile`] came to: a session and its first
    /// message, or why there is none.
    pub(crate) fn reconcile_ready(&mut self, peer: PeerId, started: Result<(Session, Vec<u8>), String>) {
        match started {
            Ok((session, message)) => {
                if !self.peer(peer).status.connected {
                    return;
                }
                self.peer(peer).waiting_beyond = 0;
                let bytes = wire_len(&message);
                let ticket = self.send(peer, Request::Reconcile(message));
                let state = self.peer(peer);
                state.session = Some(session);
                state.holdings.session_started();
                state.reconcile_request = Some(ticket);
                state.session_rounds = 1;
                state.session_bytes = bytes;
            }
            Err(error) => self.note_error(peer, error),
        }
    }

    /// Of the ids `peer` announced, those this node lacks.
    pub(crate) fn missing(&mut self, peer: PeerId, ids: Vec<EntryId>, now: Instant) {
        self.peer(peer).waiting_beyond = 0;
        if ids.len() <= NEWS_MAX {
            let news = self.take_wanted(peer, ids);
            self.peer(peer).news.extend(news);
        } else {
            self.want_first(peer, ids);
        }
        let state = self.peer(peer);
        state.reconciled = state.session.is_none() && state.reconcile_request.is_none();
        self.pump_fetches(peer);
        self.maybe_synced(peer, now);
    }

    /// What storing a batch fetched from `peer` came to; at
    /// `INVALID_LIMIT` invalid entries and strikes the peer is banned.
    pub(crate) fn ingested(&mut self, peer: PeerId, tally: Tally, now: Instant) {
        let state = self.peer(peer);
        state.ingesting = state.ingesting.saturating_sub(1);
        state.status.entries_received += tally.stored;
        if tally.stored > 0 {
            // They may name blobs.
            self.blobs.touch();
        }
        let state = self.peer(peer);
        state.holdings.holds(&tally.returned);
        for id in &tally.returned {
            state.wanted.remove(id);
        }
        if tally.returned_any {
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
            if let Some(last) = tally.invalid.last() {
                state.status.note(Problem::new(ProblemCode::InvalidData), last.clone());
            }
            for reason in &tally.invalid {
                warn!(peer = %short(&peer), "dropped an invalid entry: {reason}");
            }
            if state.status.invalid_entries + state.strikes >= INVALID_LIMIT {
                warn!(peer = %short(&peer), "too many invalid entries; disconnecting for {} s", BAN.as_secs());
                self.ban(peer, now);
                self.actions.push(Action::Disconnect(peer));
                return;
            }
        }
        self.pump_fetches(peer);
        self.maybe_synced(peer, now);
    }

    /// Announces newly stored entries to every connected peer of the
    /// network. The peer an entry came from is told too: for it, the
    /// announcement is the receipt that counts the entry as sent.
    pub(crate) fn announce(&mut self, ids: &[EntryId]) {
        // Each peer lacks them until it says it stored them (or sent them).
        for state in self.peers.values_mut() {
            state.holdings.lacks(ids);
        }
        let connected: Vec<PeerId> = self.connected.iter().copied().filter(|peer| self.syncs(*peer)).collect();
        for peer in connected {
            for chunk in ids.chunks(MAX_IDS) {
                self.send_announce(peer, chunk.to_vec());
            }
        }
    }

    /// Reconciles with every connected peer that is due.
    pub(crate) fn reconcile_all(&mut self) {
        self.blobs.touch();
        let connected: Vec<PeerId> = self.connected.iter().copied().collect();
        for peer in connected {
            self.start_reconcile(peer);
        }
    }

    /// Fetching may go on again (the disk has room): what waits on every
    /// connected peer, then a reconciliation with each.
    pub(crate) fn resume(&mut self) {
        let connected: Vec<PeerId> = self.connected.iter().copied().collect();
        for peer in connected {
            self.pump_fetches(peer);
        }
        self.reconcile_all();
    }

    /// After [`Action::MayFetch`], when the disk has room: sends as many
    /// fetches to `peer` as its slots allow.
    pub(crate) fn fetch(&mut self, peer: PeerId, now: Instant) {
        loop {
            let state = self.peer(peer);
            if !state.status.connected {
                return;
            }
            let ids: Vec<EntryId> = if !state.news.is_empty() && state.busy_slots() <= FETCH_IN_FLIGHT {
                let take = state.news.len().min(state.fetch_batch.max(NEWS_MAX));
                state.news.drain(..take).collect()
            } else if !state.queue.is_empty() && state.busy_slots() < FETCH_IN_FLIGHT {
                let take = state.queue.len().min(state.fetch_batch);
                state.queue.drain(..take).collect()
            } else {
                break;
            };
            let ticket = self.send(peer, Request::Fetch(ids.clone()));
            self.peer(peer).fetches.insert(ticket, Fetch { ids, sent: now });
        }
        self.ask_blob(peer, now);
    }

    /// Asks `peer` for blob groups, if no entry waits to be fetched from
    /// it (entries go first on every link) and it may hold some this node
    /// lacks; reads the list of blobs to fetch again first when it is due.
    fn ask_blob(&mut self, peer: PeerId, now: Instant) {
        let state = self.peer(peer);
        if !state.status.connected || !state.member || !state.entries_idle() {
            return;
        }
        if self.blobs.list_due(now) {
            self.list_blobs(now);
        }
        let ticket = Ticket(self.next_ticket);
        if let Some(request) = self.blobs.ask(peer, now, ticket) {
            self.next_ticket += 1;
            self.peer(peer).status.bytes_out += wire_len(&request.encode());
            self.actions.push(Action::SendBlob { peer, request, ticket });
        }
    }

    /// Reads the list of blobs to fetch now (as the node starts).
    pub(crate) fn list_blobs(&mut self, now: Instant) {
        self.blobs.listing(now);
        self.actions.push(Action::ListBlobs);
    }

    /// What the blob thread listed to fetch: asked of every connected peer
    /// that has no entry to send first.
    pub(crate) fn blobs_listed(&mut self, listing: Listing, now: Instant) {
        self.blobs.listed(listing);
        let connected: Vec<PeerId> = self.connected.iter().copied().collect();
        for peer in connected {
            if self.blobs.may_ask(peer, now) {
                self.actions.push(Action::MayFetch(peer));
            }
        }
    }

    /// The reply to the blob request `ticket` of `peer`.
    pub(crate) fn blob_response(&mut self, peer: PeerId, ticket: Ticket, response: BlobResponse, now: Instant) {
        let bytes = wire_len(&response.encode());
        let state = self.peer(peer);
        state.status.bytes_in += bytes;
        state.heard = Some(now);
        match self.blobs.replied(peer, ticket, response, now) {
            Reply::Write { blob, groups } => {
                self.peer(peer).status.blob_bytes_received +=
                    groups.iter().map(|group| group.data.len() as u64).sum::<u64>();
                self.actions.push(Action::WriteGroups { peer, blob, groups });
            }
            Reply::Nothing => {}
            Reply::Invalid(reason) => self.strike(peer, &reason, now),
        }
        self.pump_fetches(peer);
    }

    /// The blob request `ticket` to `peer` failed.
    pub(crate) fn blob_request_failed(
        &mut self,
        peer: PeerId,
        ticket: Ticket,
        failure: Failure,
        error: &str,
        now: Instant,
    ) {
        self.blobs.failed(peer, ticket);
        if !self.known(peer) {
            return;
        }
        match failure {
            Failure::Malformed => self.strike(peer, &format!("malformed blob reply: {error}"), now),
            Failure::Lost | Failure::OtherNetwork => {
                self.peer(peer).status.fail(Problem::new(failure.code()), error.to_owned());
            }
            Failure::Slow | Failure::Cut => debug!(peer = %short(&peer), %error, "blob request failed"),
        }
        self.pump_fetches(peer);
    }

    /// `peer` does not speak the blob protocol (an older node): its blobs
    /// are asked of others.
    pub(crate) fn blobs_unsupported(&mut self, peer: PeerId, ticket: Ticket) {
        self.blobs.failed(peer, ticket);
        self.blobs.unsupported(peer);
    }

    /// What writing groups of `hash` from `peer` came to: `stored` verified
    /// and kept, `refused` did not verify (each counts against the peer),
    /// the rest of `written` are fetched again; `gone`: withdrawn meanwhile.
    pub(crate) fn groups_written(&mut self, peer: PeerId, hash: BlobHash, written: GroupsWritten, now: Instant) {
        let GroupsWritten { indices, stored, refused, gone } = written;
        self.blobs.written(hash, &indices, &stored, gone);
        if self.known(peer) {
            for reason in &refused {
                warn!(peer = %short(&peer), "dropped a blob group: {reason}");
            }
            if !refused.is_empty() {
                let state = self.peer(peer);
                state.status.invalid_entries += refused.len() as u64;
                if let Some(last) = refused.last() {
                    state.status.note(Problem::new(ProblemCode::InvalidData), last.clone());
                }
                if state.status.invalid_entries + state.strikes >= INVALID_LIMIT {
                    warn!(peer = %short(&peer), "too many invalid blob groups; disconnecting for {} s", BAN.as_secs());
                    self.ban(peer, now);
                    self.actions.push(Action::Disconnect(peer));
                    return;
                }
            }
        }
        let connected: Vec<PeerId> = self.connected.iter().copied().collect();
        for peer in connected {
            self.pump_fetches(peer);
        }
    }

    /// A blob request from `peer`, `bytes` long: counted; it speaks the network's protocols.
    pub(crate) fn blob_request(&mut self, peer: PeerId, bytes: u64, now: Instant) {
        let state = self.peer(peer);
        state.status.bytes_in += bytes;
        state.member = true;
        state.heard = Some(now);
    }

    /// This node answers a blob request of `peer` with `response`.
    pub(crate) fn blob_responded(&mut self, peer: PeerId, response: &BlobResponse, now: Instant) {
        if matches!(response, BlobResponse::Refused(code) if code == Refusal::Invalid.code()) {
            self.strike(peer, "sent an invalid blob request", now);
        }
        let state = self.peer(peer);
        state.status.bytes_out += wire_len(&response.encode());
        if let BlobResponse::Groups(groups) = response {
            state.status.blob_bytes_sent += groups.iter().map(|group| group.data.len() as u64).sum::<u64>();
        }
    }

    /// Whether `peer` has a row now or may get one: job results for a peer
    /// that left and is not configured are dropped with its row.
    pub(crate) fn known(&self, peer: PeerId) -> bool {
        self.peers.contains_key(&peer) || self.connected.contains(&peer)
    }

    /// Configured peers and peers of the network, as of `now` (`now_ms`
    /// since the epoch); `peer_id` and `listen_addrs` are left for the
    /// engine, which knows them.
    pub(crate) fn status(&self, now: Instant, now_ms: u64) -> SyncStatus {
        // A libp2p client that only identifies and pings is none of the
        // network's business.
        let mut peers: Vec<PeerStatus> = self
            .peers
            .iter()
            .filter(|(id, _)| self.syncs(**id))
            .map(|(_, peer)| {
                let waiting = (peer.wanted.len() + peer.waiting_beyond) as u64;
                let receiving = !peer.fetches.is_empty() && peer.rate_in > 0.0;
                PeerStatus {
                    last_sync_ms: peer
                        .synced_at
                        .map(|at| now_ms.saturating_sub(now.saturating_duration_since(at).as_millis() as u64)),
                    waiting,
                    unconfirmed: peer.unconfirmed.len() as u64,
                    receiving_bytes_per_s: receiving.then_some(peer.rate_in as u64),
                    eta_s: receiving.then(|| (waiting as f64 * peer.entry_bytes / peer.rate_in).ceil() as u64),
                    ..peer.status.clone()
                }
            })
            .collect();
        for target in &self.targets {
            let addr = target.addr.to_string();
            let connected = target.peer.is_some_and(|peer| self.connected.contains(&peer));
            // When it is dialled next, if it is not connected.
            let next_attempt_ms = (!connected).then(|| match target.dialing {
                Some(_) => now_ms,
                None => now_ms + target.next_attempt.saturating_duration_since(now).as_millis() as u64,
            });
            let known = target.peer.and_then(|peer| {
                let id = peer.to_string();
                peers.iter_mut().find(|status| status.peer_id.as_deref() == Some(id.as_str()))
            });
            match known {
                Some(status) => {
                    if !status.addrs.contains(&addr) {
                        status.addrs.push(addr);
                    }
                    status.next_attempt_ms = status.next_attempt_ms.min(next_attempt_ms).or(next_attempt_ms);
                }
                None => peers.push(PeerStatus {
                    peer_id: target.peer.map(|peer| peer.to_string()),
                    addrs: vec![addr],
                    next_attempt_ms,
                    errors: target.errors,
                    last_error: target.failure.as_ref().map(|(_, words)| words.clone()),
                    problem: target.failure.as_ref().map(|(problem, _)| problem.clone()),
                    ..PeerStatus::default()
                }),
            }
        }
        peers.sort_by(|a, b| b.connected.cmp(&a.connected).then(a.peer_id.cmp(&b.peer_id)));
        let (blobs_waiting, blob_bytes_waiting) = self.blobs.waiting();
        SyncStatus {
            last_sync_ms: peers.iter().filter_map(|peer| peer.last_sync_ms).max(),
            peers,
            entries_waiting: self.waiting_total(),
            blobs_waiting,
            blob_bytes_waiting,
            hub_records_refused: self.hub_records_refused,
            ..SyncStatus::default()
        }
    }

    /// The peers of the network whose holdings of `ids` (a document's
    /// entries) sync knows, and whether each holds them all, as of the
    /// last sync with it (`now_ms` since the epoch is `now`).
    pub(crate) fn holders(&self, ids: &[EntryId], now: Instant, now_ms: u64) -> Vec<Holder> {
        let mut holders: Vec<Holder> = self
            .peers
            .iter()
            .filter(|(id, _)| self.syncs(**id))
            .filter_map(|(_, peer)| {
                let holds = peer.holdings.has_all(ids, &peer.unconfirmed)?;
                let synced = peer.synced_at?;
                Some(Holder {
                    peer_id: peer.status.peer_id.clone().unwrap_or_default(),
                    hub_name: peer.status.hub_name.clone(),
                    secretariat: peer.status.secretariat,
                    holds,
                    as_of_ms: now_ms.saturating_sub(now.saturating_duration_since(synced).as_millis() as u64),
                })
            })
            .collect();
        holders.sort_by(|a, b| b.secretariat.cmp(&a.secretariat).then(a.peer_id.cmp(&b.peer_id)));
        holders
    }

    fn peer(&mut self, peer: PeerId) -> &mut Peer {
        self.peers.entry(peer).or_insert_with(|| Peer {
            status: PeerStatus { peer_id: Some(peer.to_string()), ..PeerStatus::default() },
            fetch_batch: FETCH_BATCH_START,
            ..Peer::default()
        })
    }

    /// Whether `peer` is one we keep a connection to (configured, saved or
    /// found by mDNS): its row and counters stay after it disconnects.
    fn configured(&self, peer: PeerId) -> bool {
        self.targets.iter().any(|target| target.peer == Some(peer))
    }

    /// Whether `peer` is synced with: configured, or speaks the protocol.
    fn syncs(&self, peer: PeerId) -> bool {
        self.peers.get(&peer).is_some_and(|state| state.member) || self.configured(peer)
    }

    /// Queues `request` to `peer`.
    fn send(&mut self, peer: PeerId, request: Request) -> Ticket {
        self.peer(peer).status.bytes_out += wire_len(&request.encode());
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        self.actions.push(Action::Send { peer, request, ticket });
        ticket
    }

    /// Sends an announcement whose reply or failure is tracked, so a lost
    /// one is sent again.
    fn send_announce(&mut self, peer: PeerId, ids: Vec<EntryId>) {
        let ticket = self.send(peer, Request::Announce(ids.clone()));
        self.peer(peer).announcing.insert(ticket, ids);
    }

    /// Keeps `ids` to announce to `peer` again after `ANNOUNCE_RETRY`;
    /// past `ANNOUNCE_PENDING_MAX` the next reconciliation finds them.
    fn announce_later(&mut self, peer: PeerId, ids: Vec<EntryId>, now: Instant) {
        let state = self.peer(peer);
        let room = ANNOUNCE_PENDING_MAX.saturating_sub(state.to_announce.len());
        state.to_announce.extend(ids.into_iter().take(room));
        state.announce_at.get_or_insert(now + ANNOUNCE_RETRY);
    }

    fn note_error(&mut self, peer: PeerId, message: String) {
        debug!(peer = %short(&peer), %message);
        self.peer(peer).status.fail(Problem::new(ProblemCode::Link), message);
    }

    /// Bans `peer` for `BAN`; once `BANS_PER_ADDRESS` peer ids from one
    /// address are banned, the address too.
    fn ban(&mut self, peer: PeerId, now: Instant) {
        let ip = self.peers.get(&peer).and_then(|state| state.ip);
        self.banned.ban(peer, now, now + BAN, ip);
        if let Some(state) = self.peers.get_mut(&peer) {
            let words = format!("banned for {} minutes: it sent too much invalid data", BAN.as_secs() / 60);
            state.status.note(Problem::new(ProblemCode::Banned), words);
        }
        if let Some(ip) = ip
            && self.banned.notes(now).filter(|from| **from == Some(ip)).count() >= BANS_PER_ADDRESS
        {
            warn!(%ip, "{BANS_PER_ADDRESS} peers from one address banned; refusing connections from it for {} s", BAN.as_secs());
            self.actions.push(Action::BanAddress { ip, until: now + BAN });
        }
    }

    /// Counts a malformed or invalid request against `peer`, and bans it
    /// at the limit.
    fn strike(&mut self, peer: PeerId, reason: &str, now: Instant) {
        let state = self.peer(peer);
        state.strikes += 1;
        state.status.fail(Problem::new(ProblemCode::InvalidData), reason.to_owned());
        warn!(peer = %short(&peer), "{reason}");
        if state.strikes + state.status.invalid_entries >= INVALID_LIMIT {
            warn!(peer = %short(&peer), "too much invalid data; disconnecting for {} s", BAN.as_secs());
            self.ban(peer, now);
            self.actions.push(Action::Disconnect(peer));
        }
    }

    /// A connection of a peer that is not configured and does not speak the
    /// sync protocol: it may identify and ping (and is closed once idle),
    /// it has no row, and at most `MAX_FOREIGN` such connections stay open.
    fn foreign_connection(&mut self, peer: PeerId, connection: ConnectionId, agent: &str) {
        self.peers.remove(&peer);
        if self.foreign.len() >= MAX_FOREIGN as usize {
            debug!(peer = %short(&peer), agent, "too many connections without the sync protocol; closing one");
            self.actions.push(Action::Close(connection));
        } else if self.foreign.insert(connection) {
            debug!(peer = %short(&peer), agent, "a peer without the sync protocol (identify and ping only)");
        }
    }

    /// A peer of another network: say so, drop it, and retry only rarely.
    /// One we did not dial is only forgotten: identify and ping stay open
    /// to it, while the sync protocol, whose name carries the network id,
    /// never was.
    fn other_network(&mut self, peer: PeerId, now: Instant) {
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
        state
            .status
            .fail(Problem::new(ProblemCode::OtherNetwork), "on another network: entries are never exchanged".into());
        for target in self.targets.iter_mut().filter(|target| target.peer == Some(peer)) {
            target.backoff = BACKOFF_MAX;
            target.next_attempt = now + BACKOFF_MAX;
        }
        self.actions.push(Action::Disconnect(peer));
    }

    /// Entries peers have that this node lacks, as far as it knows: each id
    /// once however many peers have it, plus those known only by count.
    fn waiting_total(&self) -> u64 {
        let beyond: usize = self.peers.values().map(|peer| peer.waiting_beyond).sum();
        let mut with_ids = self.peers.values().filter(|peer| !peer.wanted.is_empty());
        let ids = match (with_ids.next(), with_ids.next()) {
            (None, _) => 0,
            (Some(only), None) => only.wanted.len(),
            _ => self.peers.values().flat_map(|peer| &peer.wanted).collect::<HashSet<_>>().len(),
        };
        (ids + beyond) as u64
    }

    /// Ids waiting to be fetched, from every peer.
    fn wanted_total(&self) -> usize {
        self.peers.values().map(|peer| peer.wanted.len()).sum()
    }

    /// Queues `ids` (found by reconciling) to fetch from `peer` after what
    /// waits, up to the caps on waiting ids; the rest are left for the next
    /// reconciliation.
    fn want(&mut self, peer: PeerId, ids: impl IntoIterator<Item = EntryId>) {
        let taken = self.take_wanted(peer, ids);
        self.peer(peer).queue.extend(taken);
    }

    /// Queues `ids` (just announced) to fetch from `peer` before what
    /// waits: the newest news goes first, so a report typed at a hub
    /// overtakes a bulk transfer on every link.
    fn want_first(&mut self, peer: PeerId, ids: impl IntoIterator<Item = EntryId>) {
        let taken = self.take_wanted(peer, ids);
        let queue = &mut self.peer(peer).queue;
        for id in taken.into_iter().rev() {
            queue.push_front(id);
        }
    }

    /// Of `ids`, those not yet wanted from `peer`, within the caps; counts
    /// the ones past them as waiting beyond.
    fn take_wanted(&mut self, peer: PeerId, ids: impl IntoIterator<Item = EntryId>) -> Vec<EntryId> {
        let room = WANTED_MAX.saturating_sub(self.wanted_total());
        let state = self.peer(peer);
        let room = room.min(WANTED_PER_PEER.saturating_sub(state.wanted.len()));
        let mut taken = Vec::new();
        let mut left = 0;
        for id in ids {
            if taken.len() >= room {
                left += 1;
            } else if state.wanted.insert(id) {
                taken.push(id);
            }
        }
        state.waiting_beyond += left;
        if left > 0 {
            debug!(peer = %short(&peer), left, "enough ids waiting; the rest wait for the next reconciliation");
        }
        taken
    }

    /// After `FETCH_FAILURES_MAX` failed fetches in a row from `peer`,
    /// gives up the ids waiting on it (the next reconciliation asks again).
    fn give_up_if_failing(&mut self, peer: PeerId) {
        let state = self.peer(peer);
        if state.fetch_failures < FETCH_FAILURES_MAX || (state.queue.is_empty() && state.news.is_empty()) {
            return;
        }
        let given_up = state.queue.len() + state.news.len();
        let news = std::mem::take(&mut state.news);
        for id in std::mem::take(&mut state.queue).into_iter().chain(news) {
            state.wanted.remove(&id);
        }
        state.fetch_failures = 0;
        state.status.note(
            Problem::new(ProblemCode::Link),
            format!("{given_up} entries could not be fetched; the next reconciliation asks again"),
        );
        debug!(peer = %short(&peer), given_up, "fetches keep failing; giving up what waits");
    }

    fn start_reconcile(&mut self, peer: PeerId) {
        // One reconciliation per pair serves both directions (we fetch what
        // we need and announce what they need), so only the side with the
        // smaller peer id starts one: half the id lists on the wire.
        if self.local > peer || !self.syncs(peer) {
            return;
        }
        let state = self.peer(peer);
        // While a transfer is under way, reconciling again would only send
        // the same id lists once more; the next tick after it ends will do.
        if state.session.is_some() || state.reconcile_request.is_some() || !state.status.connected || !state.idle() {
            return;
        }
        // Marks a session as starting so a second trigger waits for it.
        state.reconciled = false;
        self.actions.push(Action::StartReconcile(peer));
    }

    fn continue_reconcile(&mut self, peer: PeerId, reply: &[u8], now: Instant) {
        let Some(mut session) = self.peer(peer).session.take() else { return };
        self.peer(peer).session_bytes += wire_len(reply);
        match reconcile::step(&mut session, reply) {
            Ok(reconcile::Step { have, need, next }) => {
                let lacked: Vec<EntryId> = have.iter().copied().map(EntryId).collect();
                self.peer(peer).holdings.found(&lacked);
                self.want(peer, need.into_iter().map(EntryId));
                for chunk in have.chunks(MAX_IDS) {
                    self.send_announce(peer, chunk.iter().copied().map(EntryId).collect());
                }
                match next {
                    Some(message) => {
                        let bytes = wire_len(&message);
                        let ticket = self.send(peer, Request::Reconcile(message));
                        let state = self.peer(peer);
                        state.session_rounds += 1;
                        state.session_bytes += bytes;
                        state.reconcile_request = Some(ticket);
                        state.session = Some(session);
                    }
                    None => {
                        let state = self.peer(peer);
                        state.holdings.session_ended();
                        state.reconciled = true;
                        state.status.reconcile_rounds = state.session_rounds;
                        state.status.reconcile_bytes = state.session_bytes;
                        debug!(peer = %short(&peer), "reconciled");
                    }
                }
                self.pump_fetches(peer);
                self.maybe_synced(peer, now);
            }
            Err(error) => self.note_error(peer, error.to_string()),
        }
    }

    /// Asks the engine to fetch from `peer` when ids wait (it first looks
    /// whether the disk has room).
    fn pump_fetches(&mut self, peer: PeerId) {
        let blobs = self.blobs.has_work();
        let state = self.peer(peer);
        // Blob groups are asked for once the entries are (`fetch`); a peer
        // that holds none now is tried again on the engine's tick.
        if !state.queue.is_empty() || !state.news.is_empty() || (blobs && state.entries_idle() && state.member) {
            self.actions.push(Action::MayFetch(peer));
        }
    }

    fn maybe_synced(&mut self, peer: PeerId, now: Instant) {
        let state = self.peer(peer);
        if state.reconciled && state.session.is_none() && state.idle() {
            state.reconciled = false;
            state.synced_at = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Awaited, IngestError};
    use convene_protocol::network::NetworkId;
    use reconcile::Items;

    const PROTOCOL: &str = "/convene/sync/1/test";

    /// `count` peer ids in order: the first is the local node's, so it is
    /// the one that starts reconciliations with the others.
    fn ids_in_order(count: usize) -> Vec<PeerId> {
        let mut peers: Vec<PeerId> = (0..count).map(|_| PeerId::random()).collect();
        peers.sort();
        peers
    }

    fn entry(n: u32) -> EntryId {
        let mut id = [0; 32];
        id[..4].copy_from_slice(&n.to_be_bytes());
        EntryId(id)
    }

    fn entries(range: std::ops::Range<u32>) -> Vec<EntryId> {
        range.map(entry).collect()
    }

    fn configured(peer: PeerId) -> Multiaddr {
        format!("/ip4/192.0.2.1/tcp/4701/p2p/{peer}").parse().unwrap()
    }

    fn from(ip: &str) -> Multiaddr {
        format!("/ip4/{ip}/tcp/5000").parse().unwrap()
    }

    fn connection(n: usize) -> ConnectionId {
        ConnectionId::new_unchecked(n)
    }

    /// The fetches among `actions`: ticket and ids.
    fn fetches(actions: &[Action]) -> Vec<(Ticket, Vec<EntryId>)> {
        actions
            .iter()
            .filter_map(|action| match action {
                Action::Send { request: Request::Fetch(ids), ticket, .. } => Some((*ticket, ids.clone())),
                _ => None,
            })
            .collect()
    }

    fn dials(actions: &[Action]) -> usize {
        actions.iter().filter(|action| matches!(action, Action::Dial { .. })).count()
    }

    fn disconnects(actions: &[Action], peer: PeerId) -> bool {
        actions.iter().any(|action| matches!(action, Action::Disconnect(p) if *p == peer))
    }

    fn starts_reconcile(actions: &[Action], peer: PeerId) -> bool {
        actions.iter().any(|action| matches!(action, Action::StartReconcile(p) if *p == peer))
    }

    fn row(machine: &Machine, peer: PeerId, now: Instant) -> Option<PeerStatus> {
        let id = peer.to_string();
        machine.status(now, 1_000_000).peers.into_iter().find(|row| row.peer_id.as_deref() == Some(id.as_str()))
    }

    #[test]
    fn redials_back_off_doubling_up_to_the_maximum_and_start_again_after_a_connection() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let addr = configured(remote);
        let mut now = Instant::now();
        machine.add_target(addr.clone(), now);
        assert!(matches!(machine.actions()[..], [Action::Exempt(peer)] if peer == remote), "configured: no limits");
        let mut n = 0;
        let mut attempt = |machine: &mut Machine, at: Instant| {
            machine.redial(at);
            let dialled = dials(&machine.actions());
            if dialled > 0 {
                n += 1;
                machine.dialing(&addr, connection(n));
                machine.dial_failed(
                    connection(n),
                    Some(remote),
                    Problem::new(ProblemCode::Refused),
                    "connection refused",
                );
            }
            dialled
        };
        assert_eq!(attempt(&mut machine, now), 1, "dialled at once");
        for wait_ms in [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000] {
            let wait = Duration::from_millis(wait_ms);
            assert_eq!(attempt(&mut machine, now + wait - Duration::from_millis(1)), 0, "not before {wait:?}");
            now += wait;
            assert_eq!(attempt(&mut machine, now), 1, "again after {wait:?}");
        }
        // A failed dial this machine did not ask for (hole punching) is none of the peer's errors.
        machine.dial_failed(connection(99), Some(remote), Problem::new(ProblemCode::Refused), "connection refused");
        let failed = row(&machine, remote, now).unwrap();
        assert_eq!(failed.errors, 9);
        assert_eq!(failed.last_error.as_deref(), Some("could not connect: connection refused"));

        // A dial that connects resets the backoff; while connected, no dial.
        now += Duration::from_secs(30);
        machine.redial(now);
        assert_eq!(dials(&machine.actions()), 1);
        machine.dialing(&addr, connection(100));
        machine.connected(remote, connection(100), &addr, true, true, now);
        machine.redial(now + Duration::from_secs(60));
        assert_eq!(dials(&machine.actions()), 0, "connected");
        now += Duration::from_secs(60);
        machine.disconnected(remote, connection(100), 0, &"closed", now);
        machine.redial(now + Duration::from_millis(499));
        assert_eq!(dials(&machine.actions()), 0);
        machine.redial(now + Duration::from_millis(500));
        assert_eq!(dials(&machine.actions()), 1, "the backoff started again from its minimum");
    }

    #[test]
    fn a_peer_behind_a_relay_is_known_by_its_own_id_not_the_relays() {
        let [local, relay, hub] = ids_in_order(3)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let addr: Multiaddr = format!("/ip4/192.0.2.1/tcp/4701/p2p/{relay}/p2p-circuit/p2p/{hub}").parse().unwrap();
        let now = Instant::now();
        machine.add_target(addr.clone(), now);
        assert!(matches!(machine.actions()[..], [Action::Exempt(peer)] if peer == hub));
        // Connected to the relay: the hub is still dialled, through it.
        machine.connected(relay, connection(1), &configured(relay), true, true, now);
        machine.actions();
        machine.redial(now);
        assert!(machine.actions().iter().any(|action| matches!(action, Action::Dial { addr: to, peer: Some(peer) }
            if *to == addr && *peer == hub)));
    }

    #[test]
    fn malformed_requests_ban_a_peer_at_the_limit_and_two_banned_ids_ban_their_address() {
        let [local, first, second] = ids_in_order(3)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        let shared = from("203.0.113.9");
        for (n, peer) in [first, second].into_iter().enumerate() {
            machine.connected(peer, connection(n), &shared, false, true, now);
            machine.identified(peer, connection(n), true, "convene", Ok(None), now);
            for strike in 1..INVALID_LIMIT {
                machine.malformed(peer, "not a request", now);
                assert!(!disconnects(&machine.actions(), peer), "still welcome after {strike}");
            }
            machine.malformed(peer, "not a request", now);
            let actions = machine.actions();
            assert!(disconnects(&actions, peer), "banned at {INVALID_LIMIT}");
            let address_banned = actions.iter().any(|action| {
                matches!(action, Action::BanAddress { ip, until } if ip.to_string() == "203.0.113.9" && *until == now + BAN)
            });
            assert_eq!(address_banned, n + 1 == BANS_PER_ADDRESS, "after {} banned ids", n + 1);
            let row = row(&machine, peer, now).unwrap();
            assert_eq!(row.errors, INVALID_LIMIT);
            assert_eq!(row.last_error.as_deref(), Some("banned for 10 minutes: it sent too much invalid data"));
            assert_eq!(row.problem, Some(Problem::new(ProblemCode::Banned)));
        }
        // A banned id that comes back is disconnected until its ban ends.
        machine.connected(first, connection(10), &from("198.51.100.1"), false, true, now + BAN / 2);
        assert!(disconnects(&machine.actions(), first));
        machine.connected(first, connection(11), &from("198.51.100.1"), false, true, now + BAN);
        assert!(!disconnects(&machine.actions(), first), "the ban has ended");
    }

    #[test]
    fn ids_waiting_to_be_fetched_are_capped_per_peer_and_in_all() {
        let peers = ids_in_order(6);
        let mut machine = Machine::new(peers[0], PROTOCOL.into());
        let now = Instant::now();
        let waiting = |machine: &Machine| machine.wanted_total();
        machine.missing(peers[1], entries(0..70_000), now);
        assert_eq!(waiting(&machine), WANTED_PER_PEER, "one peer's ids past its cap wait for a reconciliation");
        assert_eq!(machine.status(now, 0).entries_waiting, 70_000, "and are still counted as waiting");
        assert!(!machine.request(peers[1], &Request::Announce(vec![entry(1)]), now), "busy: no room for its ids");
        assert!(machine.request(peers[2], &Request::Announce(vec![entry(1)]), now), "another peer has room");
        let mut next = 100_000;
        for peer in &peers[2..5] {
            machine.missing(*peer, entries(next..next + WANTED_PER_PEER as u32), now);
            next += WANTED_PER_PEER as u32;
        }
        assert_eq!(waiting(&machine), WANTED_MAX);
        machine.missing(peers[5], entries(next..next + 10), now);
        assert_eq!(waiting(&machine), WANTED_MAX, "no room left in all");
        assert!(!machine.request(peers[5], &Request::Announce(vec![entry(1)]), now), "busy for every peer");
        assert!(machine.request(peers[5], &Request::Fetch(vec![entry(1)]), now), "only announcements wait on the cap");
    }

    /// A peer of the network, connected and identified.
    fn joined(machine: &mut Machine, remote: PeerId, now: Instant) {
        machine.connected(remote, connection(1), &from("192.0.2.7"), false, true, now);
        machine.identified(remote, connection(1), true, "convene", Ok(None), now);
        machine.actions();
    }

    fn blob_requests(actions: &[Action]) -> Vec<(Ticket, BlobRequest)> {
        actions
            .iter()
            .filter_map(|action| match action {
                Action::SendBlob { request, ticket, .. } => Some((*ticket, request.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn blob_groups_wait_until_no_entry_does_and_news_goes_ahead_of_them() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        joined(&mut machine, remote, now);
        machine.list_blobs(now);
        assert!(matches!(machine.actions()[..], [Action::ListBlobs]));
        let photo = NamedBlob { hash: BlobHash([9; 32]), size: 100_000, preview: false };
        let listed = crate::sync::blob_fetch::Listed { blob: photo, missing: (0..7).collect() };
        machine.blobs_listed(Listing { wants: vec![listed], count: 1, bytes: 100_000 }, now);
        machine.actions();
        // Entries wait: no blob byte is asked for.
        machine.want(remote, entries(0..3));
        machine.fetch(remote, now);
        let actions = machine.actions();
        let sent = fetches(&actions);
        assert_eq!(sent.len(), 1);
        assert!(blob_requests(&actions).is_empty(), "entries first");
        let entries_back = Response::Entries(vec![vec![0; 10]; 3]);
        machine.response(remote, sent[0].0, entries_back, now);
        machine.actions();
        machine.ingested(remote, Tally { returned: entries(0..3), returned_any: true, ..Tally::default() }, now);
        assert!(machine.actions().iter().any(|action| matches!(action, Action::MayFetch(peer) if *peer == remote)));
        machine.fetch(remote, now);
        let asked = blob_requests(&machine.actions());
        let [(ticket, BlobRequest::Groups { hash, indices, .. })] = &asked[..] else {
            panic!("one blob request: {asked:?}")
        };
        assert_eq!((*hash, indices.clone()), (photo.hash, vec![0]));
        // News while a group is in flight is fetched at once, in its slot.
        machine.missing(remote, vec![entry(50)], now);
        machine.fetch(remote, now);
        let actions = machine.actions();
        assert_eq!(fetches(&actions).len(), 1, "news goes ahead");
        assert!(blob_requests(&actions).is_empty(), "one blob request in flight per peer");
        // The group's reply is written on the blob thread; the status counts it.
        let group = GroupData { index: 0, data: vec![1; 16 * 1024], proof: vec![0; 96] };
        machine.blob_response(remote, *ticket, BlobResponse::Groups(vec![group]), now);
        let actions = machine.actions();
        assert!(actions.iter().any(|action| matches!(action, Action::WriteGroups { blob, .. } if *blob == photo)));
        assert_eq!(machine.status(now, 0).peers[0].blob_bytes_received, 16 * 1024);
        assert_eq!(machine.status(now, 0).blobs_waiting, 1);
        // A group that did not verify counts against the sender.
        let written =
            GroupsWritten { indices: vec![0], refused: vec!["hash mismatch".into()], ..GroupsWritten::default() };
        machine.groups_written(remote, photo.hash, written, now);
        assert_eq!(machine.status(now, 0).peers[0].invalid_entries, 1);
    }

    #[test]
    fn fetch_batches_follow_the_link_toward_a_reply_a_second_and_give_up_after_three_failures() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        joined(&mut machine, remote, now);
        machine.missing(remote, entries(0..1_000), now);
        assert!(matches!(machine.actions()[..], [Action::MayFetch(peer)] if peer == remote));
        machine.fetch(remote, now);
        let sent = fetches(&machine.actions());
        assert_eq!(sent.iter().map(|(_, ids)| ids.len()).collect::<Vec<_>>(), [8, 8], "two in flight, 8 each");
        let [(first, first_ids), (second, second_ids)] = &sent[..] else { unreachable!() };
        machine.fetch(remote, now);
        assert!(fetches(&machine.actions()).is_empty(), "no third in flight");

        // A whole reply in a tenth of the target: the batch doubles.
        let fast = now + REPLY_TARGET / 10;
        let eight = vec![vec![0u8; 100]; 8];
        machine.response(remote, *first, Response::Entries(eight.clone()), fast);
        assert!(matches!(&machine.actions()[..], [Action::Ingest { asked, .. }] if asked == first_ids));
        let stored = Tally { stored: 8, returned: first_ids.clone(), returned_any: true, ..Tally::default() };
        machine.ingested(remote, stored, fast);
        machine.fetch(remote, fast);
        let sent = fetches(&machine.actions());
        let [(third, third_ids)] = &sent[..] else { panic!("one fetch: {sent:?}") };
        assert_eq!(third_ids.len(), 16, "doubled after a quick complete reply");

        // The second reply arrives four targets after the first: timed from
        // the first (the link carried that one meanwhile), it halves.
        let slow = fast + REPLY_TARGET * 4;
        machine.response(remote, *second, Response::Entries(eight), slow);
        machine.actions();
        let stored = Tally { stored: 8, returned: second_ids.clone(), returned_any: true, ..Tally::default() };
        machine.ingested(remote, stored, slow);
        machine.fetch(remote, slow);
        let sent = fetches(&machine.actions());
        let [(fourth, fourth_ids)] = &sent[..] else { panic!("one fetch: {sent:?}") };
        assert_eq!(fourth_ids.len(), 8, "halved after a slow reply");
        let row_now = row(&machine, remote, slow).unwrap();
        assert!(row_now.receiving_bytes_per_s.is_some() && row_now.eta_s.is_some(), "{row_now:?}");

        // A slow link is no error: asked again, smaller, first.
        machine.request_failed(remote, *third, Failure::Slow, "the link is slow", slow);
        assert_eq!(row(&machine, remote, slow).unwrap().errors, 0, "a slow link is not counted");
        machine.fetch(remote, slow);
        let sent = fetches(&machine.actions());
        let [(fifth, fifth_ids)] = &sent[..] else { panic!("one fetch: {sent:?}") };
        assert_eq!(fifth_ids[..], third_ids[..4], "halved, and the ids of the failed fetch asked again first");

        // Failures on the link count, and three in a row give up what waits.
        for ticket in [fourth, fifth] {
            machine.request_failed(remote, *ticket, Failure::Lost, "a request failed on the link: reset", slow);
        }
        machine.fetch(remote, slow);
        let sent = fetches(&machine.actions());
        assert_eq!(sent.iter().map(|(_, ids)| ids.len()).collect::<Vec<_>>(), [1, 1], "halved twice more: {sent:?}");
        machine.request_failed(remote, sent[0].0, Failure::Lost, "a request failed on the link: reset", slow);
        assert_eq!(machine.status(slow, 0).entries_waiting, 1, "gave up all but the fetch in flight");
        let row = row(&machine, remote, slow).unwrap();
        assert!(row.last_error.unwrap().contains("could not be fetched"));
        assert_eq!((row.entries_received, row.errors), (16, 3));
    }

    #[test]
    fn news_is_fetched_at_once_in_a_slot_of_its_own_and_announced_lists_before_reconciled_ones() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        joined(&mut machine, remote, now);
        machine.want(remote, entries(0..100));
        machine.missing(remote, entries(100..110), now);
        machine.actions();
        machine.fetch(remote, now);
        let sent = fetches(&machine.actions());
        assert_eq!(sent.len(), FETCH_IN_FLIGHT, "{sent:?}");
        assert_eq!(sent[0].1, entries(100..108), "an announced list goes before the reconciled ids");
        assert_eq!(sent[1].1[..2], [entry(108), entry(109)]);
        assert_eq!(sent[1].1[2], entry(0), "then the bulk");

        // A report typed at the peer: news, fetched though both slots are busy.
        machine.missing(remote, vec![entry(500)], now);
        machine.fetch(remote, now);
        let sent = fetches(&machine.actions());
        assert_eq!(sent.iter().map(|(_, ids)| ids.clone()).collect::<Vec<_>>(), [vec![entry(500)]]);
        machine.missing(remote, vec![entry(501)], now);
        machine.fetch(remote, now);
        assert!(fetches(&machine.actions()).is_empty(), "one slot for news: the next waits for it");
    }

    #[test]
    fn a_lost_or_refused_announcement_is_sent_again_soon_and_a_receipt_counts_an_entry_sent() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        joined(&mut machine, remote, now);
        let announced = |actions: &[Action]| -> Vec<(Ticket, Vec<EntryId>)> {
            actions
                .iter()
                .filter_map(|action| match action {
                    Action::Send { request: Request::Announce(ids), ticket, .. } => Some((*ticket, ids.clone())),
                    _ => None,
                })
                .collect()
        };
        machine.announce(&entries(0..3));
        let sent = announced(&machine.actions());
        let [(ticket, ids)] = &sent[..] else { panic!("one announcement: {sent:?}") };
        assert_eq!(ids, &entries(0..3));
        machine.response(remote, *ticket, Response::Refused(Refusal::Busy.code().into()), now);
        machine.retry_announcements(now + ANNOUNCE_RETRY / 2);
        assert!(announced(&machine.actions()).is_empty(), "not before its wait");
        let later = now + ANNOUNCE_RETRY;
        machine.retry_announcements(later);
        let sent = announced(&machine.actions());
        let [(ticket, ids)] = &sent[..] else { panic!("sent again: {sent:?}") };
        assert_eq!(ids, &entries(0..3));
        machine.request_failed(remote, *ticket, Failure::Slow, "the link is slow", later);
        machine.retry_announcements(later + ANNOUNCE_RETRY);
        let sent = announced(&machine.actions());
        let [(ticket, _)] = &sent[..] else { panic!("sent once more: {sent:?}") };
        machine.response(remote, *ticket, Response::Ack, later);
        machine.retry_announcements(later + ANNOUNCE_RETRY * 10);
        assert!(announced(&machine.actions()).is_empty(), "taken: done");
        assert_eq!(row(&machine, remote, later).unwrap().errors, 0, "nothing failed");

        // Entries sent count once the peer announces it stored them.
        let reply = Response::Entries(vec![vec![1], vec![2], vec![3]]);
        machine.responded(remote, &reply, &entries(10..13), later);
        let sending = row(&machine, remote, later).unwrap();
        assert_eq!((sending.entries_sent, sending.unconfirmed), (0, 3));
        assert!(machine.request(remote, &Request::Announce(entries(10..12)), later));
        let confirmed = row(&machine, remote, later).unwrap();
        assert_eq!((confirmed.entries_sent, confirmed.unconfirmed), (2, 1));
    }

    #[test]
    fn a_silent_link_is_closed_within_a_ping_and_shows_as_reconnecting_with_what_still_waits() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        machine.add_target(configured(remote), now);
        machine.connected(remote, connection(1), &configured(remote), true, true, now);
        machine.actions();
        machine.missing(remote, entries(0..50), now);
        machine.ping(remote, connection(1), Some(Duration::from_millis(180)), now);
        assert_eq!(row(&machine, remote, now).unwrap().rtt_ms, Some(180));
        machine.actions();

        // A ping fails while replies still arrive: busy, not dead.
        machine.ping(remote, connection(1), None, now + QUIET / 2);
        assert!(machine.actions().is_empty(), "heard from lately");
        let silent = now + QUIET;
        machine.ping(remote, connection(1), None, silent);
        assert!(
            matches!(machine.actions()[..], [Action::Close(closed)] if closed == connection(1)),
            "nothing heard for {QUIET:?}: closed"
        );
        machine.disconnected(remote, connection(1), 0, &"closed", silent);
        let row = row(&machine, remote, silent).unwrap();
        assert!(!row.connected && row.errors == 1, "{row:?}");
        assert!(row.last_error.as_deref().unwrap().contains("went silent"));
        assert_eq!(row.waiting, 50, "what it has that this node lacks is still known");
        assert!(row.next_attempt_ms.is_some_and(|at| at > 1_000_000), "when it is tried again: {row:?}");
        assert_eq!(machine.status(silent, 0).entries_waiting, 50);
    }

    #[test]
    fn a_fetch_refused_busy_is_asked_again_on_the_next_tick() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        machine.connected(remote, connection(1), &from("192.0.2.7"), false, true, now);
        machine.identified(remote, connection(1), true, "convene", Ok(None), now);
        machine.missing(remote, entries(0..40), now);
        machine.actions();
        machine.fetch(remote, now);
        let sent = fetches(&machine.actions());
        let [(first, first_ids), (_, _)] = &sent[..] else { panic!("two fetches: {sent:?}") };
        machine.response(remote, *first, Response::Refused(Refusal::Busy.code().into()), now);
        assert!(machine.actions().is_empty(), "not at once: the peer is busy");
        machine.retry_fetches(now);
        assert!(matches!(machine.actions()[..], [Action::MayFetch(peer)] if peer == remote));
        machine.fetch(remote, now);
        let sent = fetches(&machine.actions());
        let [(_, retried)] = &sent[..] else { panic!("one fetch: {sent:?}") };
        assert_eq!(retried, first_ids, "the same ids, in the same order");
        machine.retry_fetches(now);
        assert!(machine.actions().is_empty(), "no slot free: nothing to retry");
    }

    #[test]
    fn a_peer_that_is_not_configured_leaves_nothing_behind_while_a_configured_one_keeps_its_row() {
        let [local, kept, stranger] = ids_in_order(3)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        machine.add_target(configured(kept), now);
        machine.connected(kept, connection(1), &configured(kept), true, true, now);
        machine.connected(stranger, connection(2), &from("198.51.100.2"), false, true, now);
        for peer in [kept, stranger] {
            assert!(machine.request(peer, &Request::Announce(vec![entry(1)]), now));
            machine.missing(peer, entries(0..5), now);
        }
        assert_eq!(machine.status(now, 0).peers.len(), 2, "both speak the sync protocol");
        machine.disconnected(stranger, connection(3), 1, &"closed", now);
        assert!(row(&machine, stranger, now).unwrap().connected, "one connection of two closed");
        for (peer, n) in [(kept, 1), (stranger, 2)] {
            machine.disconnected(peer, connection(n), 0, &"closed", now);
        }
        assert!(row(&machine, stranger, now).is_none() && !machine.known(stranger));
        let row = row(&machine, kept, now).unwrap();
        assert!(!row.connected && row.bytes_in > 0, "kept with its counters: {row:?}");
        assert_eq!(row.addrs, [configured(kept).to_string()]);
        assert_eq!(
            machine.status(now, 0).entries_waiting,
            5,
            "what the configured one has stays known until it reconciles again; the stranger's goes with its row"
        );
    }

    #[test]
    fn a_reconciliation_starts_only_when_none_runs_and_nothing_waits() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        machine.add_target(configured(remote), now);
        machine.connected(remote, connection(1), &configured(remote), true, true, now);
        assert!(starts_reconcile(&machine.actions(), remote), "on connecting");

        let (session, message) = reconcile::initiate(Items::of([])).unwrap();
        machine.reconcile_ready(remote, Ok((session, message.clone())));
        let actions = machine.actions();
        let [Action::Send { request: Request::Reconcile(_), ticket, .. }] = &actions[..] else {
            panic!("the first message goes out: {actions:?}")
        };
        machine.reconcile_all();
        assert!(!starts_reconcile(&machine.actions(), remote), "one is running");

        let theirs = Items::of((0..3).map(|n| (n, entry(n as u32).0)));
        let reply = reconcile::respond(&theirs, &message).unwrap();
        machine.response(remote, *ticket, Response::Reconcile(reply), now);
        assert!(matches!(machine.actions()[..], [Action::MayFetch(peer)] if peer == remote), "three ids to fetch");
        // Fetching is held (a full disk: the engine does not call `fetch`).
        machine.reconcile_all();
        assert!(!starts_reconcile(&machine.actions(), remote), "ids wait");
        assert_eq!(row(&machine, remote, now).unwrap().last_sync_ms, None, "not synced while ids wait");

        machine.fetch(remote, now);
        let sent = fetches(&machine.actions());
        let [(fetch, ids)] = &sent[..] else { panic!("one fetch: {sent:?}") };
        machine.response(remote, *fetch, Response::Entries(vec![b"three entries".to_vec()]), now);
        machine.actions();
        let later = now + Duration::from_secs(2);
        let stored = Tally { stored: 3, returned: ids.clone(), returned_any: true, ..Tally::default() };
        machine.ingested(remote, stored, later);
        let synced = machine.status(later + Duration::from_secs(1), 1_000_000);
        assert_eq!(synced.last_sync_ms, Some(999_000), "synced once all was stored");
        machine.reconcile_all();
        assert!(starts_reconcile(&machine.actions(), remote), "due again");

        // The side with the greater peer id never starts one.
        let mut other = Machine::new(remote, PROTOCOL.into());
        other.add_target(configured(local), now);
        other.connected(local, connection(1), &configured(local), true, true, now);
        other.reconcile_all();
        assert!(!starts_reconcile(&other.actions(), local));
    }

    #[test]
    fn only_entries_invalid_in_themselves_count_toward_a_ban() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut tally = Tally::default();
        let wrong_network = IngestError::WrongNetwork { expected: NetworkId([1; 32]), found: NetworkId([2; 32]) };
        tally.count(remote, Ok(IngestOutcome::Stored));
        tally.count(remote, Ok(IngestOutcome::AlreadyStored));
        tally.count(remote, Ok(IngestOutcome::Deferred(Awaited::Change([3; 32]))));
        tally.count(remote, Ok(IngestOutcome::Rejected(IngestError::NoCreateInPast)));
        assert!(tally.invalid.is_empty(), "kept aside, or refused for what this node holds: not the peer's fault");
        tally.count(remote, Ok(IngestOutcome::Rejected(wrong_network)));
        assert_eq!((tally.stored, tally.invalid.len()), (1, 1));

        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        machine.connected(remote, connection(1), &from("192.0.2.8"), false, true, now);
        machine.identified(remote, connection(1), true, "convene", Ok(None), now);
        for _ in 0..INVALID_LIMIT - 3 {
            machine.malformed(remote, "garbage", now);
        }
        machine.actions();
        let two = Tally { invalid: vec!["bad".into(), "worse".into()], returned_any: true, ..Tally::default() };
        machine.ingested(remote, two, now);
        assert!(!disconnects(&machine.actions(), remote), "one short of the limit");
        machine.ingested(remote, Tally { stored: 5, returned_any: true, ..Tally::default() }, now);
        assert!(!disconnects(&machine.actions(), remote), "valid entries do not count");
        machine.ingested(remote, Tally { invalid: vec!["bad".into()], ..Tally::default() }, now);
        assert!(disconnects(&machine.actions(), remote), "strikes and invalid entries add up to the limit");
        assert_eq!(row(&machine, remote, now).unwrap().invalid_entries, 3);
    }

    #[test]
    fn peers_are_refused_with_a_short_code_never_local_text() {
        let path = std::path::PathBuf::from("/home/operator/convene-data/store/entries.pack");
        let io = NodeError::Io { path: path.clone(), source: std::io::Error::other("disk on fire") };
        let bad_file = NodeError::BadFile { path: path.clone(), problem: "truncated".into() };
        let negentropy = NodeError::Sync("reconciliation: invalid frame".into());
        let cases = [
            (&io, Refusal::Invalid, "internal"),
            (&bad_file, Refusal::Invalid, "internal"),
            (&NodeError::NotJson("x".into()), Refusal::Internal, "invalid"),
            (&negentropy, Refusal::Invalid, "invalid"),
            (&NodeError::NotFound("x".into()), Refusal::Internal, "internal"),
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
    fn a_peer_added_without_its_id_shows_why_it_cannot_be_reached_and_a_peer_shows_its_signed_name() {
        let [local, remote] = ids_in_order(2)[..] else { unreachable!() };
        let mut machine = Machine::new(local, PROTOCOL.into());
        let now = Instant::now();
        let bare: Multiaddr = "/ip4/127.0.0.1/tcp/9".parse().unwrap();
        machine.add_target(bare.clone(), now);
        machine.redial(now);
        assert_eq!(dials(&machine.actions()), 1);
        machine.dialing(&bare, connection(1));
        let refused = Problem::at(ProblemCode::Refused, &bare);
        machine.dial_failed(connection(1), None, refused.clone(), "nothing answers");
        let status = machine.status(now, 0);
        let [unreached] = &status.peers[..] else { panic!("one row: {:?}", status.peers) };
        assert_eq!((unreached.peer_id.as_deref(), unreached.errors), (None, 1));
        assert_eq!(unreached.problem.as_ref(), Some(&refused));
        assert_eq!(unreached.display_name(), "/ip4/127.0.0.1/tcp/9", "its address, never \"?\"");

        // A peer of the network with a signed name; a refused record is counted.
        machine.connected(remote, connection(2), &from("192.0.2.5"), false, true, now);
        let record = HubRecord { name: "Lakeside Hub".into(), secretariat: true };
        machine.identified(remote, connection(2), true, "convene", Ok(Some(record)), now);
        let named = row(&machine, remote, now).unwrap();
        assert_eq!((named.hub_name.as_deref(), named.secretariat), (Some("Lakeside Hub"), true));
        assert_eq!(named.display_name(), "Lakeside Hub");
        machine.identified(remote, connection(2), true, "convene", Err(HubNameError::Forged), now);
        assert_eq!(machine.status(now, 0).hub_records_refused, 1);
        assert_eq!(row(&machine, remote, now).unwrap().hub_name.as_deref(), Some("Lakeside Hub"), "kept");
    }
}
