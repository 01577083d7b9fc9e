//! What the sync engine reports about itself and its peers: the data behind
//! `convene status`, `/api/v1/status` and the web UI's network page.

/// The node's network state.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncStatus {
    /// This node's libp2p peer id.
    pub peer_id: String,
    /// This node's hub name (`convene hub-name`), signed and sent to peers.
    #[serde(default)]
    pub hub_name: Option<String>,
    /// Hub records peers sent that were refused (forged, oversized,
    /// malformed, or a name with control characters): ignored, and counted.
    #[serde(default)]
    pub hub_records_refused: u64,
    /// Addresses the node listens on (multiaddrs).
    pub listen_addrs: Vec<String>,
    /// Every peer known: configured, saved or seen.
    pub peers: Vec<PeerStatus>,
    /// Entries peers have that this node lacks, as far as the last
    /// reconciliations and announcements tell (each counted once).
    pub entries_waiting: u64,
    /// When any peer last completed a sync with us (ms since epoch).
    pub last_sync_ms: Option<u64>,
    /// Fetching is paused: the disk is (nearly) full, and what is left is
    /// kept for this node's own submissions. Resumes by itself.
    #[serde(default)]
    pub paused_disk_full: bool,
    /// Attached files (and previews) live documents name that are not here
    /// whole yet: how many, and their bytes.
    #[serde(default)]
    pub blobs_waiting: u64,
    /// See `blobs_waiting`.
    #[serde(default)]
    pub blob_bytes_waiting: u64,
    /// The node carries text and previews only (a metered link): original
    /// files are neither fetched nor served.
    #[serde(default)]
    pub text_only: bool,
    /// Whether this node can be reached from outside, as AutoNAT last
    /// found by asking peers to dial it back.
    #[serde(default)]
    pub nat: NatStatus,
    /// This node relays for hubs of its network behind NAT (`--relay-server`).
    #[serde(default)]
    pub relay_server: bool,
    /// The relays this node is configured with (`--relay`), and whether
    /// each holds a slot for it.
    #[serde(default)]
    pub relays: Vec<RelayStatus>,
}

/// Whether a node can be reached from outside.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NatStatus {
    /// Not known yet: no peer has been asked to dial back, or none could be.
    #[default]
    Unknown,
    /// Peers dialled back and reached it: others can connect to it directly.
    Public,
    /// Peers could not dial it back: it is behind NAT or a firewall, and
    /// others reach it through a relay.
    Private,
}

/// A relay this node is configured with.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RelayStatus {
    /// The relay's address, with its peer id.
    pub addr: String,
    /// The relay holds a slot for this node: peers reach it at `circuit_addr`.
    pub reserved: bool,
    /// The address peers add to reach this node through the relay.
    pub circuit_addr: String,
}

/// How a connected peer is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// A connection straight to it.
    Direct,
    /// Through a relay (`PeerStatus::relay`): limited in time and bytes,
    /// until a direct connection replaces it.
    Relayed,
    /// Straight to it, opened by hole punching (DCUtR) through both NATs
    /// after first meeting through a relay.
    HolePunched,
}

impl SyncStatus {
    /// How many peers are connected now.
    pub fn connected(&self) -> usize {
        self.peers.iter().filter(|peer| peer.connected).count()
    }
}

/// Why the last attempt to reach or sync with a peer failed, as a code
/// the web UI words in the page's language (the CLI and the log use
/// `PeerStatus::last_error`, in English).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCode {
    /// Nothing listens at the address (connection refused).
    Refused,
    /// No route to the address: the link is down or the address wrong.
    Unreachable,
    /// This machine has no route to the network.
    Offline,
    /// No answer in time.
    TimedOut,
    /// It closed the connection at once: maybe not a Convene node.
    Closed,
    /// Not an address this node can dial.
    NotDialable,
    /// Another node answered at the address (another peer id).
    WrongPeer,
    /// The address is this node's own.
    Itself,
    /// A node of another network.
    OtherNetwork,
    /// Banned here for sending invalid data.
    Banned,
    /// It sent invalid entries or messages.
    InvalidData,
    /// The link went silent (no answer to pings).
    Silent,
    /// The relay holds no slot for that hub.
    RelayNoSlot,
    /// The relay refused to relay.
    RelayRefused,
    /// The relay could not reach that hub, or failed.
    RelayFailed,
    /// The node asked to relay does not relay.
    NotRelay,
    /// Another failure on the link.
    Link,
}

/// A problem with a peer: its code, and the address it concerns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// What kind of problem.
    pub code: ProblemCode,
    /// The address it concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
}

impl Problem {
    /// A problem with no address.
    pub fn new(code: ProblemCode) -> Self {
        Self { code, addr: None }
    }

    /// A problem with the address `addr`.
    pub fn at(code: ProblemCode, addr: impl ToString) -> Self {
        Self { code, addr: Some(addr.to_string()) }
    }
}

/// One peer as the sync engine knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PeerStatus {
    /// Its libp2p peer id, once known.
    pub peer_id: Option<String>,
    /// Its hub name, from the record it signed (`hub.rs`), once it sent one.
    #[serde(default)]
    pub hub_name: Option<String>,
    /// The secretariat's key vouches that it is the secretariat's node.
    #[serde(default)]
    pub secretariat: bool,
    /// The addresses we dial it at.
    pub addrs: Vec<String>,
    /// Whether a connection is open now.
    pub connected: bool,
    /// When the last reconciliation with it completed (ms since epoch).
    pub last_sync_ms: Option<u64>,
    /// Entries received from it and stored.
    pub entries_received: u64,
    /// Entries sent to it that it confirmed it stored (it announces what
    /// it stores, to the sender too).
    pub entries_sent: u64,
    /// Entries sent to it whose receipt has not come yet.
    #[serde(default)]
    pub unconfirmed: u64,
    /// Entries it has that this node lacks, as far as the last
    /// reconciliation or announcement tells (kept while disconnected).
    #[serde(default)]
    pub waiting: u64,
    /// While entries arrive from it: their rate (bytes per second, smoothed).
    #[serde(default)]
    pub receiving_bytes_per_s: Option<u64>,
    /// While entries arrive from it: seconds until what waits has arrived, at that rate.
    #[serde(default)]
    pub eta_s: Option<u64>,
    /// While connected: how (directly, through a relay, or directly after
    /// hole punching).
    #[serde(default)]
    pub reached: Option<Reach>,
    /// While reached through a relay: the relay's peer id.
    #[serde(default)]
    pub relay: Option<String>,
    /// The last ping's round trip, while connected.
    #[serde(default)]
    pub rtt_ms: Option<u64>,
    /// Not connected: when the next attempt to connect is due (ms since
    /// epoch; now if one is under way).
    #[serde(default)]
    pub next_attempt_ms: Option<u64>,
    /// Bytes of attached files (blob groups) received from it, verified or not.
    #[serde(default)]
    pub blob_bytes_received: u64,
    /// Bytes of attached files sent to it.
    #[serde(default)]
    pub blob_bytes_sent: u64,
    /// Sync protocol bytes received from it.
    pub bytes_in: u64,
    /// Sync protocol bytes sent to it.
    pub bytes_out: u64,
    /// Invalid entries it sent (dropped).
    pub invalid_entries: u64,
    /// Round trips of the last completed reconciliation we started.
    pub reconcile_rounds: u64,
    /// Bytes both ways of the last completed reconciliation we started
    /// (reconciliation messages only; fetching is counted apart).
    pub reconcile_bytes: u64,
    /// Failures: dials that failed, requests that failed (not those the
    /// link was merely slow for, nor those a closing connection cut),
    /// invalid data, a link gone silent.
    pub errors: u64,
    /// The last error, in words.
    pub last_error: Option<String>,
    /// The last error, as a code and the address it concerns.
    #[serde(default)]
    pub problem: Option<Problem>,
}

impl PeerStatus {
    /// Counts a failure: `problem`, in English `words`.
    pub(crate) fn fail(&mut self, problem: Problem, words: String) {
        self.errors += 1;
        self.note(problem, words);
    }

    /// Notes `problem` (in English `words`) as the last one, uncounted.
    pub(crate) fn note(&mut self, problem: Problem, words: String) {
        self.last_error = Some(words);
        self.problem = Some(problem);
    }

    /// How the peer is shown: its hub name, else its short peer id, else
    /// (never reached, added without `/p2p/…`) its first address.
    pub fn display_name(&self) -> String {
        match (&self.hub_name, &self.peer_id, self.addrs.first()) {
            (Some(name), _, _) => name.clone(),
            (None, Some(id), _) => super::hub::short_id(id),
            (None, None, Some(addr)) => addr.clone(),
            (None, None, None) => String::new(),
        }
    }
}

/// A peer of the network and whether it holds a document's newest entries,
/// as of the last sync with it (what a submission's page says).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    /// Its peer id.
    pub peer_id: String,
    /// Its hub name, if it sent one.
    pub hub_name: Option<String>,
    /// It is the secretariat's node (vouched for by the secretariat's key).
    pub secretariat: bool,
    /// It holds them all.
    pub holds: bool,
    /// When the last sync with it completed (ms since the epoch).
    pub as_of_ms: u64,
}

impl Holder {
    /// How it is shown: its hub name, else its short peer id.
    pub fn display_name(&self) -> String {
        self.hub_name.clone().unwrap_or_else(|| super::hub::short_id(&self.peer_id))
    }
}
