//! Hub names: what an operator calls their node (`DATA_DIR/hub-name`, set
//! with `convene init --hub-name` or `convene hub-name`), and the signed
//! record that carries it to peers.
//!
//! The record travels in identify's agent version (`convene/VERSION
//! hub/HEX`), so every peer learns it as they meet. It is signed by the
//! node's libp2p key over the network id and the node's peer id, so it
//! cannot be replayed for another node or network; the secretariat's node
//! adds the secretariat's signature (its key is in the genesis) over the
//! same, which makes "this is the secretariat's node" checkable by every
//! hub. A record that is oversized, malformed, names a name with control
//! characters, or does not verify is ignored (and counted by the engine).
//!
//! | bytes | what |
//! | --- | --- |
//! | 1 | version (1) |
//! | 1 | flags: bit 0, the secretariat's node |
//! | 1 + n | name length, then the name (UTF-8, ≤ [`MAX_NAME_BYTES`]) |
//! | 1 + n | signature length, then the node key's signature |
//! | 64 | with flag 0 only: the secretariat key's signature |

use std::path::PathBuf;

use convene_protocol::keys::{PublicKey, SecretKey};
use convene_protocol::network::NetworkId;
use libp2p::PeerId;
use libp2p::identity::{self, Keypair};

use crate::data_dir::{DataDir, write_atomic};
use crate::error::NodeError;

/// Most characters in a hub name.
pub const MAX_NAME_CHARS: usize = 64;
/// Most bytes in a hub name (UTF-8).
pub const MAX_NAME_BYTES: usize = 200;
/// Most bytes in an encoded record; longer ones are not even decoded.
pub const MAX_RECORD_BYTES: usize = 3 + MAX_NAME_BYTES + 1 + 255 + 64;

const VERSION: u8 = 1;
const SECRETARIAT: u8 = 1;
const NODE_CONTEXT: &[u8] = b"convene hub record 1";
const SECRETARIAT_CONTEXT: &[u8] = b"convene secretariat node 1";
/// The agent version's word that carries the record.
const TAG: &str = "hub/";

/// Why a hub name or record is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HubNameError {
    /// Empty once trimmed.
    #[error("a hub name cannot be empty")]
    Empty,
    /// Over [`MAX_NAME_CHARS`] or [`MAX_NAME_BYTES`].
    #[error("a hub name has at most {MAX_NAME_CHARS} characters")]
    TooLong,
    /// A control or bidirectional-override character.
    #[error("a hub name cannot hold control characters (line breaks, tabs, direction overrides)")]
    Control,
    /// A record that breaks the format or is over its size.
    #[error("malformed hub record")]
    Malformed,
    /// A signature that does not verify.
    #[error("the hub record's signature does not verify")]
    Forged,
}

/// Checks a hub name typed by an operator: trimmed, 1 to
/// [`MAX_NAME_CHARS`] characters, no control or direction-override
/// characters. Returns it trimmed.
pub fn check_name(name: &str) -> Result<String, HubNameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(HubNameError::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS || name.len() > MAX_NAME_BYTES {
        return Err(HubNameError::TooLong);
    }
    let refused = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if name.chars().any(refused) {
        return Err(HubNameError::Control);
    }
    Ok(name.to_owned())
}

/// What a verified record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubRecord {
    /// The hub's name.
    pub name: String,
    /// The secretariat's key vouches that this node is the secretariat's.
    pub secretariat: bool,
}

fn node_message(network: &NetworkId, peer: &PeerId, flags: u8, name: &str) -> Vec<u8> {
    let mut message = NODE_CONTEXT.to_vec();
    message.extend_from_slice(&network.0);
    message.extend_from_slice(&peer.to_bytes());
    message.push(flags);
    message.extend_from_slice(name.as_bytes());
    message
}

fn secretariat_message(network: &NetworkId, peer: &PeerId) -> Vec<u8> {
    let mut message = SECRETARIAT_CONTEXT.to_vec();
    message.extend_from_slice(&network.0);
    message.extend_from_slice(&peer.to_bytes());
    message
}

/// The record for `name`, signed by `key` (and by the secretariat's
/// `secretariat` key on its node).
pub fn sign(
    key: &Keypair,
    network: &NetworkId,
    name: &str,
    secretariat: Option<&SecretKey>,
) -> Result<Vec<u8>, HubNameError> {
    let name = check_name(name)?;
    let peer = key.public().to_peer_id();
    let flags = if secretariat.is_some() { SECRETARIAT } else { 0 };
    let signature = key.sign(&node_message(network, &peer, flags, &name)).map_err(|_| HubNameError::Forged)?;
    let signature_len = u8::try_from(signature.len()).map_err(|_| HubNameError::Malformed)?;
    let mut out = vec![VERSION, flags, name.len() as u8];
    out.extend_from_slice(name.as_bytes());
    out.push(signature_len);
    out.extend_from_slice(&signature);
    if let Some(secretariat) = secretariat {
        out.extend_from_slice(&secretariat.sign(&secretariat_message(network, &peer)));
    }
    Ok(out)
}

/// Verifies `bytes` as `public`'s record on `network`, whose secretariat
/// signs with `secretariat`.
pub fn verify(
    bytes: &[u8],
    public: &identity::PublicKey,
    network: &NetworkId,
    secretariat: &PublicKey,
) -> Result<HubRecord, HubNameError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(HubNameError::Malformed);
    }
    let mut rest = bytes;
    let mut take = |n: usize| -> Result<&[u8], HubNameError> {
        if rest.len() < n {
            return Err(HubNameError::Malformed);
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let [version, flags, name_len] = take(3)? else { unreachable!("three bytes") };
    let (flags, name_len) = (*flags, usize::from(*name_len));
    if *version != VERSION || flags & !SECRETARIAT != 0 {
        return Err(HubNameError::Malformed);
    }
    let name = std::str::from_utf8(take(name_len)?).map_err(|_| HubNameError::Malformed)?;
    if check_name(name)? != name {
        return Err(HubNameError::Malformed);
    }
    let signature_len = usize::from(take(1)?[0]);
    let signature = take(signature_len)?;
    let peer = public.to_peer_id();
    if !public.verify(&node_message(network, &peer, flags, name), signature) {
        return Err(HubNameError::Forged);
    }
    let vouched = if flags & SECRETARIAT != 0 {
        let signature: &[u8; 64] = take(64)?.try_into().expect("64 bytes");
        if !secretariat.verify(&secretariat_message(network, &peer), signature) {
            return Err(HubNameError::Forged);
        }
        true
    } else {
        false
    };
    if !rest.is_empty() {
        return Err(HubNameError::Malformed);
    }
    Ok(HubRecord { name: name.to_owned(), secretariat: vouched })
}

/// The agent version a node sends in identify: the software, then its
/// record if it has a name.
pub fn agent_version(record: Option<&[u8]>) -> String {
    let software = format!("convene/{}", env!("CARGO_PKG_VERSION"));
    match record {
        Some(record) => format!("{software} {TAG}{}", hex::encode(record)),
        None => software,
    }
}

/// The record in a peer's agent version: none if it carries none, an
/// error if the one it carries is refused.
pub fn from_agent_version(
    agent: &str,
    public: &identity::PublicKey,
    network: &NetworkId,
    secretariat: &PublicKey,
) -> Result<Option<HubRecord>, HubNameError> {
    let Some(encoded) = agent.split(' ').find_map(|word| word.strip_prefix(TAG)) else { return Ok(None) };
    if encoded.len() > 2 * MAX_RECORD_BYTES {
        return Err(HubNameError::Malformed);
    }
    let bytes = hex::decode(encoded).map_err(|_| HubNameError::Malformed)?;
    verify(&bytes, public, network, secretariat).map(Some)
}

fn name_path(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("hub-name")
}

/// The node's hub name, if one was set.
pub fn hub_name(data_dir: &DataDir) -> Result<Option<String>, NodeError> {
    let path = name_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            check_name(&text).map(Some).map_err(|error| NodeError::BadFile { path, problem: error.to_string() })
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(NodeError::Io { path, source }),
    }
}

/// Sets the node's hub name (checked with [`check_name`]); returns it as kept.
pub fn set_hub_name(data_dir: &DataDir, name: &str) -> Result<String, NodeError> {
    let name = check_name(name)?;
    write_atomic(&name_path(data_dir), format!("{name}\n").as_bytes(), 0o644)?;
    Ok(name)
}

/// A peer's short id: the last 8 characters, as shown where it has no name.
pub fn short_id(peer_id: &str) -> String {
    format!("…{}", &peer_id[peer_id.len().saturating_sub(8)..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> NetworkId {
        NetworkId([7; 32])
    }

    #[test]
    fn a_signed_name_verifies_for_its_node_and_network_only() {
        let key = Keypair::generate_ed25519();
        let secretariat = SecretKey::generate();
        let record = sign(&key, &network(), "  Lakeside Hub, Kisumu ", None).unwrap();
        let checked = verify(&record, &key.public(), &network(), &secretariat.public()).unwrap();
        assert_eq!(checked, HubRecord { name: "Lakeside Hub, Kisumu".into(), secretariat: false });
        // Another node's key, another network: forged.
        let other = Keypair::generate_ed25519();
        assert_eq!(verify(&record, &other.public(), &network(), &secretariat.public()), Err(HubNameError::Forged));
        assert_eq!(
            verify(&record, &key.public(), &NetworkId([8; 32]), &secretariat.public()),
            Err(HubNameError::Forged)
        );
        // A name altered on the way: forged.
        let mut altered = record.clone();
        altered[3] = b'X';
        assert_eq!(verify(&altered, &key.public(), &network(), &secretariat.public()), Err(HubNameError::Forged));
        // Any name script, through the agent version.
        let arabic = sign(&key, &network(), "مركز كيسومو", None).unwrap();
        let agent = agent_version(Some(&arabic));
        assert!(agent.starts_with("convene/"));
        let found = from_agent_version(&agent, &key.public(), &network(), &secretariat.public()).unwrap();
        assert_eq!(found.unwrap().name, "مركز كيسومو");
        assert_eq!(from_agent_version("convene/0.1.0", &key.public(), &network(), &secretariat.public()), Ok(None));
    }

    #[test]
    fn only_the_secretariat_key_vouches_for_the_secretariat_node() {
        let key = Keypair::generate_ed25519();
        let secretariat = SecretKey::generate();
        let record = sign(&key, &network(), "Secretariat", Some(&secretariat)).unwrap();
        assert!(verify(&record, &key.public(), &network(), &secretariat.public()).unwrap().secretariat);
        // Signed by a key that is not the genesis's.
        let pretender = sign(&key, &network(), "Secretariat", Some(&SecretKey::generate())).unwrap();
        assert_eq!(verify(&pretender, &key.public(), &network(), &secretariat.public()), Err(HubNameError::Forged));
        // The flag without the signature.
        let mut flag_only = sign(&key, &network(), "Secretariat", None).unwrap();
        flag_only[1] = SECRETARIAT;
        assert_eq!(verify(&flag_only, &key.public(), &network(), &secretariat.public()), Err(HubNameError::Forged));
    }

    #[test]
    fn oversized_malformed_and_control_character_names_are_refused() {
        let key = Keypair::generate_ed25519();
        let secretariat = SecretKey::generate().public();
        assert_eq!(check_name("   "), Err(HubNameError::Empty));
        assert_eq!(check_name(&"a".repeat(MAX_NAME_CHARS + 1)), Err(HubNameError::TooLong));
        assert!(check_name(&"أ".repeat(MAX_NAME_CHARS)).is_ok());
        for bad in ["Lake\nside", "Lake\tside", "Lake\u{7}", "Lake\u{202e}edis", "\u{2067}Hub"] {
            assert_eq!(check_name(bad), Err(HubNameError::Control), "{bad:?}");
            assert!(sign(&key, &network(), bad, None).is_err());
        }
        // A record whose name carries a control character, signed all the same.
        let flags = 0;
        let name = "Lake\nside";
        let signature = key.sign(&node_message(&network(), &key.public().to_peer_id(), flags, name)).unwrap();
        let mut record = vec![VERSION, flags, name.len() as u8];
        record.extend_from_slice(name.as_bytes());
        record.push(signature.len() as u8);
        record.extend_from_slice(&signature);
        assert_eq!(verify(&record, &key.public(), &network(), &secretariat), Err(HubNameError::Control));
        // Oversized, truncated, trailing bytes, bad hex.
        let good = sign(&key, &network(), "Lakeside", None).unwrap();
        assert_eq!(
            verify(&vec![1; MAX_RECORD_BYTES + 1], &key.public(), &network(), &secretariat),
            Err(HubNameError::Malformed)
        );
        assert_eq!(
            verify(&good[..good.len() - 1], &key.public(), &network(), &secretariat),
            Err(HubNameError::Malformed)
        );
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(verify(&trailing, &key.public(), &network(), &secretariat), Err(HubNameError::Malformed));
        let huge = format!("convene/1 hub/{}", "ab".repeat(MAX_RECORD_BYTES + 1));
        assert_eq!(from_agent_version(&huge, &key.public(), &network(), &secretariat), Err(HubNameError::Malformed));
        assert_eq!(
            from_agent_version("convene/1 hub/zz", &key.public(), &network(), &secretariat),
            Err(HubNameError::Malformed)
        );
    }

    #[test]
    fn the_name_is_kept_in_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = DataDir::new(dir.path());
        assert_eq!(hub_name(&data_dir).unwrap(), None);
        assert_eq!(set_hub_name(&data_dir, " Lakeside Hub ").unwrap(), "Lakeside Hub");
        assert_eq!(hub_name(&data_dir).unwrap().as_deref(), Some("Lakeside Hub"));
        assert!(matches!(set_hub_name(&data_dir, "a\nb"), Err(NodeError::BadHubName(HubNameError::Control))));
        assert_eq!(short_id("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"), "…eQAJU5SA");
    }
}
