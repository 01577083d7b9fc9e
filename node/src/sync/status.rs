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
