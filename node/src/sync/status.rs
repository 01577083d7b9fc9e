//! What the sync engine reports about itself and its peers: the data behind
//! `convene status`, `/api/v1/status` and the web UI's network page.

/// The node's network state.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncStatus {
    /// This node's libp2p peer id.
    pub peer_id: String,
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

/// One peer as the sync engine knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PeerStatus {
    /// Its libp2p peer id, once known.
    pub peer_id: Option<String>,
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
}
