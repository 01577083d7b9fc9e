//! Saved peers (`DATA_DIR/peers.json`) and the node's persistent libp2p
//! key (`DATA_DIR/node-key`, 0600).

use std::path::PathBuf;

use libp2p::Multiaddr;
use libp2p::identity::Keypair;

use crate::data_dir::{DataDir, write_atomic, write_private};
use crate::error::NodeError;

fn peers_path(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("peers.json")
}

/// The peers saved with `convene peers add`.
pub fn saved_peers(data_dir: &DataDir) -> Result<Vec<Multiaddr>, NodeError> {
    let path = peers_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(NodeError::Io { path, source }),
    };
    let addrs: Vec<String> = serde_json::from_str(&text)
        .map_err(|error| NodeError::BadFile { path: path.clone(), problem: error.to_string() })?;
    addrs
        .iter()
        .map(|addr| {
            addr.parse().map_err(|error| NodeError::BadFile { path: path.clone(), problem: format!("{addr}: {error}") })
        })
        .collect()
}

/// Saves `addr`; returns false if it was already saved.
pub fn add_peer(data_dir: &DataDir, addr: &Multiaddr) -> Result<bool, NodeError> {
    let mut peers = saved_peers(data_dir)?;
    if peers.contains(addr) {
        return Ok(false);
    }
    peers.push(addr.clone());
    write_peers(data_dir, &peers)?;
    Ok(true)
}

/// Forgets `addr`; returns false if it was not saved.
pub fn remove_peer(data_dir: &DataDir, addr: &Multiaddr) -> Result<bool, NodeError> {
    let mut peers = saved_peers(data_dir)?;
    let before = peers.len();
    peers.retain(|peer| peer != addr);
    if peers.len() == before {
        return Ok(false);
    }
    write_peers(data_dir, &peers)?;
    Ok(true)
}

fn write_peers(data_dir: &DataDir, peers: &[Multiaddr]) -> Result<(), NodeError> {
    let text: Vec<String> = peers.iter().map(ToString::to_string).collect();
    write_atomic(&peers_path(data_dir), &serde_json::to_vec_pretty(&text).expect("serialises"), 0o644)
}

/// The node's libp2p key, created on first use.
pub fn node_key(data_dir: &DataDir) -> Result<Keypair, NodeError> {
    let path = data_dir.root().join("node-key");
    match std::fs::read(&path) {
        Ok(bytes) => Keypair::from_protobuf_encoding(&bytes)
            .map_err(|error| NodeError::BadFile { path, problem: format!("not a libp2p key: {error}") }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = Keypair::generate_ed25519();
            let bytes = key
                .to_protobuf_encoding()
                .map_err(|error| NodeError::BadFile { path: path.clone(), problem: error.to_string() })?;
            write_private(&path, &bytes)?;
            Ok(key)
        }
        Err(source) => Err(NodeError::Io { path, source }),
    }
}
