//! The set this node reconciles: every entry id with its timestamp, as
//! negentropy storage, rebuilt from the store only when it changed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use negentropy::{Id, Negentropy, NegentropyStorageVector};

use crate::Node;
use crate::error::NodeError;

/// Negentropy frame limit: bounds every reconciliation message.
pub const FRAME_SIZE_LIMIT: u64 = 64 * 1024;

/// An initiator's reconciliation in progress.
pub type Session = Negentropy<'static, NegentropyStorageVector>;

/// The cached negentropy storage and the generation it was built at.
#[derive(Debug, Default)]
pub struct StorageCache {
    generation: AtomicU64,
    cached: Mutex<Option<(u64, Arc<NegentropyStorageVector>)>>,
}

impl StorageCache {
    /// Marks the cache stale: the store gained or lost entries.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The current storage; blocking (reads the store when stale).
    pub fn storage(&self, node: &Node) -> Result<Arc<NegentropyStorageVector>, NodeError> {
        let generation = self.generation.load(Ordering::SeqCst);
        let mut cached = self.cached.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((built_at, storage)) = cached.as_ref()
            && *built_at == generation
        {
            return Ok(storage.clone());
        }
        let mut storage = NegentropyStorageVector::new();
        for item in node.store().sync_items() {
            let (timestamp, id) = item?;
            storage.insert(timestamp, Id::from_byte_array(id.0)).map_err(negentropy_error)?;
        }
        storage.seal().map_err(negentropy_error)?;
        let storage = Arc::new(storage);
        *cached = Some((generation, storage.clone()));
        Ok(storage)
    }
}

fn negentropy_error(error: negentropy::Error) -> NodeError {
    NodeError::Sync(format!("reconciliation: {error}"))
}

/// Starts an initiator session: the session and its first message.
pub fn initiate(storage: &NegentropyStorageVector) -> Result<(Session, Vec<u8>), NodeError> {
    let mut session = Negentropy::owned(storage.clone(), FRAME_SIZE_LIMIT).map_err(negentropy_error)?;
    let message = session.initiate().map_err(negentropy_error)?;
    Ok((session, message))
}

/// Answers an initiator's message (the responder keeps no state).
pub fn respond(storage: &NegentropyStorageVector, message: &[u8]) -> Result<Vec<u8>, NodeError> {
    let mut responder = Negentropy::borrowed(storage, FRAME_SIZE_LIMIT).map_err(negentropy_error)?;
    responder.reconcile(message).map_err(negentropy_error)
}

/// What one initiator step found.
#[derive(Debug)]
pub struct Step {
    /// Ids we have that the responder lacks.
    pub have: Vec<[u8; 32]>,
    /// Ids the responder has that we lack.
    pub need: Vec<[u8; 32]>,
    /// The next message, or `None` when reconciliation is complete.
    pub next: Option<Vec<u8>>,
}

/// One initiator step over the responder's reply.
pub fn step(session: &mut Session, reply: &[u8]) -> Result<Step, NodeError> {
    let mut have = Vec::new();
    let mut need = Vec::new();
    let next = session.reconcile_with_ids(reply, &mut have, &mut need).map_err(negentropy_error)?;
    let bytes = |ids: Vec<Id>| ids.into_iter().map(|id| *id).collect();
    Ok(Step { have: bytes(have), need: bytes(need), next })
}
