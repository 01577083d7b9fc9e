//! Custody receipts on a node: a hub that opts in (`convene custody on`)
//! signs, with its node key, which submissions it stored, when, and from
//! which peer; every node reads them as a submission's chain of custody
//! (`store/custody.rs` keeps them).

use convene_protocol::entry::DocumentId;
use convene_protocol::keys::{PublicKey, SecretKey};
use convene_protocol::statement::{MAX_CUSTODY_ENTRIES, MAX_CUSTODY_PEERS, Origin, Signed, Statement};

use super::Node;
use crate::data_dir::{DataDir, write_atomic};
use crate::error::NodeError;

/// How long a hub gathers what it stores into one custody statement.
pub const CUSTODY_GATHERING: std::time::Duration = std::time::Duration::from_secs(2);

/// The key a hub signs custody with, and the name it signs under
/// unless told another.
#[derive(Debug)]
pub(super) struct CustodySigner {
    /// The node key (the one its peer id names), as an entry-signing key.
    pub(super) secret: SecretKey,
    /// The hub name `convene hub-name` set, or its short peer id.
    pub(super) hub: String,
}

/// One hub's custody of a submission, as pages and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustodyView {
    /// The hub's name (as it signed it).
    pub hub: String,
    /// The hub's node key, as `did:key`.
    pub hub_key: String,
    /// When it first stored the submission (ms).
    pub held_ms: u64,
    /// `here` (written there), `bundle` or `peer`.
    pub from: String,
    /// For `peer`: the peer's name where it signs custody too, else its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_peer: Option<String>,
    /// This node signed it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub this_node: bool,
}

fn setting_path(data_dir: &DataDir) -> std::path::PathBuf {
    data_dir.root().join("custody")
}

/// Whether this node signs custody receipts (`DATA_DIR/custody` says `on`).
pub fn custody_enabled(data_dir: &DataDir) -> Result<bool, NodeError> {
    let path = setting_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => match text.trim() {
            "on" => Ok(true),
            "off" => Ok(false),
            other => Err(NodeError::BadFile { path, problem: format!("says `{other}`, not `on` or `off`") }),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(NodeError::Io { path, source }),
    }
}

/// Turns custody receipts on or off (from the node's next start).
pub fn set_custody(data_dir: &DataDir, on: bool) -> Result<(), NodeError> {
    write_atomic(&setting_path(data_dir), if on { b"on\n" } else { b"off\n" }, 0o644)
}

/// The signer of a hub with custody on: its node key and hub name.
pub(super) fn signer(data_dir: &DataDir) -> Result<Option<CustodySigner>, NodeError> {
    if !custody_enabled(data_dir)? {
        return Ok(None);
    }
    let keypair = crate::sync::peers::node_key(data_dir)?;
    let peer_id = keypair.public().to_peer_id().to_string();
    let ed25519 = keypair.try_into_ed25519().map_err(|_| NodeError::BadFile {
        path: data_dir.root().join("node-key"),
        problem: "not an Ed25519 key: custody receipts need one (move it aside to make a new one)".into(),
    })?;
    let seed: [u8; 32] = ed25519.secret().as_ref().try_into().expect("an Ed25519 secret is 32 bytes");
    let hub = crate::sync::hub::hub_name(data_dir)?.unwrap_or_else(|| crate::sync::hub::short_id(&peer_id));
    Ok(Some(CustodySigner { secret: SecretKey::from_seed(seed), hub }))
}

/// The node key a peer id names, as a Convene key (Ed25519 peer ids only).
pub fn peer_key(peer: &libp2p::PeerId) -> Option<PublicKey> {
    let key = libp2p::identity::PublicKey::try_decode_protobuf(peer.as_ref().digest()).ok()?;
    PublicKey::from_bytes(key.try_into_ed25519().ok()?.to_bytes()).ok()
}

impl Node {
    /// Whether this node signs custody receipts.
    pub fn signs_custody(&self) -> bool {
        self.inner.custody.is_some()
    }

    /// On a hub with custody on: signs for what it stored and has not
    /// signed for yet (4,096 submissions and 254 peers a statement), as
    /// `hub` (else the name `convene hub-name` set, else its short peer
    /// id). Returns how many submissions it signed for.
    pub fn sign_custody(&self, hub: Option<&str>) -> Result<usize, NodeError> {
        let Some(signer) = &self.inner.custody else { return Ok(0) };
        let hub = hub.unwrap_or(&signer.hub);
        let mut signed = 0;
        loop {
            let mut held = self.inner.store.unsigned_custody(MAX_CUSTODY_ENTRIES)?;
            if held.is_empty() {
                return Ok(signed);
            }
            // A statement's peer table has room for 254 peers.
            let mut peers: Vec<PublicKey> = Vec::new();
            held.retain(|each| match each.from {
                Origin::Peer(key) if !peers.contains(&key) => {
                    peers.push(key);
                    peers.len() <= MAX_CUSTODY_PEERS
                }
                _ => true,
            });
            let count = held.len();
            let statement = Statement::Custody { hub: hub.to_owned(), held };
            self.sign_statement(&signer.secret, Signed { delegation: None, statement }, 0)?;
            signed += count;
            if count < MAX_CUSTODY_ENTRIES && peers.len() <= MAX_CUSTODY_PEERS {
                return Ok(signed);
            }
        }
    }

    /// A submission's chain of custody: every hub that signed for it,
    /// earliest first.
    pub fn custody(&self, id: &DocumentId) -> Result<Vec<CustodyView>, NodeError> {
        let own = self.inner.custody.as_ref().map(|signer| signer.secret.public());
        let mut out = Vec::new();
        for custody in self.inner.store.custody_of(id)? {
            let (from, from_peer) = match custody.from {
                Origin::Here => ("here", None),
                Origin::Bundle => ("bundle", None),
                Origin::Peer(key) => {
                    let name = self.inner.store.hub_name_of(&key)?.unwrap_or_else(|| key.to_did_key());
                    ("peer", Some(name))
                }
            };
            out.push(CustodyView {
                hub: custody.hub,
                hub_key: custody.hub_key.to_did_key(),
                held_ms: custody.held_ms,
                from: from.to_owned(),
                from_peer,
                this_node: own == Some(custody.hub_key),
            });
        }
        Ok(out)
    }
}

/// On a hub with custody on: signs for what it stores as `hub` (see
/// [`Node::sign_custody`]; what is waiting at start first), gathering a
/// sync's many submissions for [`CUSTODY_GATHERING`] into shared
/// statements, until the node's entries stop coming (it is dropped).
/// Elsewhere it returns at once.
pub async fn sign_custody_as_stored(node: Node, hub: Option<String>) {
    if node.signs_custody() {
        let sign = move |node: &Node| node.sign_custody(hub.as_deref());
        super::sign_as_stored(node, CUSTODY_GATHERING, "custody receipts", sign).await;
    }
}
