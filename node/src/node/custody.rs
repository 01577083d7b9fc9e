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

/// Most hubs a submission's chain of custody lists (the earliest): any key
/// may sign custody, so a chain is bounded where it is shown.
pub const CUSTODY_SHOWN: usize = 20;

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
    /// The same key as a libp2p peer id (what the network page shows).
    pub hub_peer: String,
    /// When it first stored the submission (ms).
    pub held_ms: u64,
    /// `here` (written there), `bundle` or `peer`.
    pub from: String,
    /// For `peer`: the peer's name where it signs custody too, else its peer id.
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
pub(crate) fn peer_key(peer: &libp2p::PeerId) -> Option<PublicKey> {
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
            // A statement's peer table has room for 254 peers: what came
            // from more waits for the next statement.
            let mut peers: Vec<PublicKey> = Vec::new();
            let mut full = false;
            held.retain(|each| match each.from {
                Origin::Peer(key) if !peers.contains(&key) => {
                    if peers.len() == MAX_CUSTODY_PEERS {
                        full = true;
                        return false;
                    }
                    peers.push(key);
                    true
                }
                _ => true,
            });
            let count = held.len();
            let statement = Statement::Custody { hub: hub.to_owned(), held };
            self.sign_statement(&signer.secret, Signed { delegation: None, statement }, 0)?;
            signed += count;
            if count < MAX_CUSTODY_ENTRIES && !full {
                return Ok(signed);
            }
        }
    }

    /// A submission's chain of custody: the hubs that signed for it,
    /// earliest first, at most [`CUSTODY_SHOWN`]; and how many more did.
    pub fn custody(&self, id: &DocumentId) -> Result<(Vec<CustodyView>, usize), NodeError> {
        let own = self.inner.custody.as_ref().map(|signer| signer.secret.public());
        let chain = self.inner.store.custody_of(id)?;
        let more = chain.len().saturating_sub(CUSTODY_SHOWN);
        let mut out = Vec::new();
        for custody in chain.into_iter().take(CUSTODY_SHOWN) {
            let (from, from_peer) = match custody.from {
                Origin::Here => ("here", None),
                Origin::Bundle => ("bundle", None),
                Origin::Peer(key) => {
                    let name = self.inner.store.hub_name_of(&key)?.unwrap_or_else(|| peer_id_of(&key));
                    ("peer", Some(name))
                }
            };
            out.push(CustodyView {
                hub: custody.hub,
                hub_key: custody.hub_key.to_did_key(),
                hub_peer: peer_id_of(&custody.hub_key),
                held_ms: custody.held_ms,
                from: from.to_owned(),
                from_peer,
                this_node: own == Some(custody.hub_key),
            });
        }
        Ok((out, more))
    }
}

/// A node key as the libp2p peer id it names.
fn peer_id_of(key: &PublicKey) -> String {
    libp2p::identity::ed25519::PublicKey::try_from_bytes(key.as_bytes())
        .map(|key| libp2p::identity::PublicKey::from(key).to_peer_id().to_string())
        .unwrap_or_else(|_| key.to_did_key())
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

#[cfg(test)]
mod tests {
    use convene_protocol::keys::SecretKey;
    use convene_protocol::statement::Origin;

    use super::set_custody;
    use crate::data_dir::SecretariatKeys;
    use crate::{DataDir, Node};

    /// Submissions from more peers than one statement's table holds are
    /// signed for in several statements, none lost, none refused.
    #[test]
    fn custody_from_hundreds_of_peers_is_signed_in_several_statements() {
        let dir = tempfile::tempdir().unwrap();
        let (_, genesis) = SecretariatKeys::with_network("Custody");
        let author_dir = DataDir::new(dir.path().join("author"));
        author_dir.init(&genesis, None).unwrap();
        let author_node = Node::open(author_dir).unwrap();
        let hub_dir = DataDir::new(dir.path().join("hub"));
        hub_dir.init(&genesis, None).unwrap();
        set_custody(&hub_dir, true).unwrap();
        let hub = Node::open(hub_dir).unwrap();
        assert!(hub.signs_custody());
        let author = SecretKey::from_seed([3; 32]);
        let mut ids = Vec::new();
        for peer in 0..260u32 {
            let from = Origin::Peer(SecretKey::from_seed(blake3::hash(&peer.to_be_bytes()).into()).public());
            for copy in 0..2 {
                let report = serde_json::json!({
                    "kind": "case_study", "title": format!("Peer {peer} copy {copy}"), "language": "en",
                    "country": "KE", "implementer": "Civic Tech Lab", "responsible_authority": "R1",
                    "dpi_types": ["digital_id"], "lifecycle_stages": ["L1"], "principles": ["F1"],
                    "risks": ["RS1"], "context": "Context.", "challenges": "Challenges.",
                    "successes": "Successes.", "lessons": ["A lesson"], "consent_to_publish": true,
                    "contact": {"name": "Amina Okafor", "email": "amina@example.org"}
                });
                let id = author_node.submit(&author, &report).unwrap().id;
                let entry = author_node.show(&id).unwrap().history[0].entry;
                let bytes = author_node.entry_bytes(&entry).unwrap().unwrap();
                for outcome in hub.ingest_encoded(&[bytes], Some(from)).unwrap() {
                    outcome.unwrap();
                }
                ids.push(id);
            }
        }
        assert_eq!(hub.sign_custody(Some("Lakeside")).unwrap(), ids.len());
        assert_eq!(hub.sign_custody(Some("Lakeside")).unwrap(), 0, "nothing left to sign");
        for id in &ids {
            let (chain, more) = hub.custody(id).unwrap();
            assert_eq!(more, 0);
            assert_eq!(chain.len(), 1, "{id}");
            assert_eq!((chain[0].hub.as_str(), chain[0].from.as_str(), chain[0].this_node), ("Lakeside", "peer", true));
        }
    }
}
