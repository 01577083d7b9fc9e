//! Chains of custody in the store: which hubs hold a submission, since
//! when, and from whom they got it (custody statements, `convene_protocol::
//! statement::Statement::Custody`, signed by each hub's node key).
//!
//! | prefix | key | value |
//! | --- | --- | --- |
//! | `C` | document id ‖ hub key | held since (8, BE) ‖ origin (1: 0 here, 1 a bundle, 2 a peer) ‖ the peer's key (32, for 2) |
//! | `I` | hub key | the newest custody statement's time (8, BE) ‖ its id (32) ‖ the hub's name (UTF-8) |
//! | `T` | document id | held since (8, BE) ‖ origin, as `C`: on a hub that signs custody, a submission stored and not signed for yet |
//!
//! A time later than the statement's own is not believed (left out).
//! **What a hub says is folded the same in any order**: of its statements
//! on one submission, the earliest time counts (then the smallest origin);
//! its name is the newest statement's. Custody is of submissions (their
//! first entry stored), not of each edit: a chain shows how a report
//! travelled, at 41 bytes a hub and a submission on the wire.

use convene_protocol::entry::{DocumentId, Entry, EntryKind};
use convene_protocol::keys::PublicKey;
use convene_protocol::statement::{Held, Origin};

use super::keys;
use super::{Backend, Store, StoreError, WriteBatch, hex};

/// One hub's custody of a submission, as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Custody {
    /// The hub's node key.
    pub hub_key: PublicKey,
    /// Its name (from its newest custody statement).
    pub hub: String,
    /// When it first stored the submission (ms).
    pub held_ms: u64,
    /// Where it got it from.
    #[serde(flatten)]
    pub from: Origin,
}

impl<B: Backend> Store<B> {
    /// The store of a hub that signs custody with `hub_key`: what it
    /// stores from now on waits to be signed for.
    pub fn with_custody(mut self, hub_key: PublicKey) -> Self {
        self.custody = Some(hub_key);
        self
    }

    /// On a hub that signs custody, marks a new submission to be signed for.
    pub(super) fn to_custody(&self, entry: &Entry, origin: Option<Origin>, batch: &mut WriteBatch) {
        if let Some(origin) = origin
            && self.custody.is_some()
            && entry.header().kind == EntryKind::Create
        {
            batch.put(keys::to_custody(&entry.document()), encode(crate::node::now_ms(), origin));
        }
    }

    /// Folds a hub's custody statement in (`signer` is its node key).
    pub(super) fn ingest_custody(
        &self,
        statement: &Entry,
        hub: &str,
        held: &[Held],
        batch: &mut WriteBatch,
    ) -> Result<(), StoreError> {
        let signer = statement.header().author;
        for each in held {
            if self.custody == Some(signer) {
                batch.delete(keys::to_custody(&each.document));
            }
            // A hub cannot have held a submission later than it says so.
            if each.held_ms > statement.header().timestamp_ms {
                continue;
            }
            let key = keys::custody(&each.document, &signer);
            let new = encode(each.held_ms, each.from);
            // Time first (big-endian), then the origin: bytes order them.
            if self.backend.get(&key)?.is_none_or(|old| new < old) {
                batch.put(key, new);
            }
        }
        let name_key = keys::hub_name(&signer);
        let order = [&statement.header().timestamp_ms.to_be_bytes()[..], &statement.id().0].concat();
        if self.backend.get(&name_key)?.is_none_or(|old| old.get(..40).is_none_or(|old| old < order.as_slice())) {
            batch.put(name_key, [order, hub.as_bytes().to_vec()].concat());
        }
        Ok(())
    }

    /// Up to `limit` submissions this hub stored and has not signed for yet.
    pub fn unsigned_custody(&self, limit: usize) -> Result<Vec<Held>, StoreError> {
        let mut out = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::TO_CUSTODY]).take(limit) {
            let (key, value) = pair?;
            let damaged = || StoreError::Damaged(hex(&key));
            let document = DocumentId(keys::id_at(&key, 0).ok_or_else(damaged)?);
            let (held_ms, from) = decode(&value).ok_or_else(damaged)?;
            out.push(Held { document, held_ms, from });
        }
        Ok(out)
    }

    /// Every hub's custody of a submission, earliest first.
    pub fn custody_of(&self, document: &DocumentId) -> Result<Vec<Custody>, StoreError> {
        let mut out = Vec::new();
        for pair in self.backend.scan_prefix(&keys::custody_prefix(document)) {
            let (key, value) = pair?;
            let damaged = || StoreError::Damaged(hex(&key));
            let hub_key = PublicKey::from_bytes(keys::id_at(&key, 32).ok_or_else(damaged)?).map_err(|_| damaged())?;
            let (held_ms, from) = decode(&value).ok_or_else(damaged)?;
            let hub = self.hub_name_of(&hub_key)?.unwrap_or_default();
            out.push(Custody { hub_key, hub, held_ms, from });
        }
        out.sort_by_key(|custody| (custody.held_ms, *custody.hub_key.as_bytes()));
        Ok(out)
    }

    /// The name a hub gave in its newest custody statement.
    pub fn hub_name_of(&self, hub_key: &PublicKey) -> Result<Option<String>, StoreError> {
        Ok(self
            .backend
            .get(&keys::hub_name(hub_key))?
            .and_then(|value| value.get(40..).map(|name| String::from_utf8_lossy(name).into_owned())))
    }
}

fn encode(held_ms: u64, origin: Origin) -> Vec<u8> {
    let mut out = held_ms.to_be_bytes().to_vec();
    match origin {
        Origin::Here => out.push(0),
        Origin::Bundle => out.push(1),
        Origin::Peer(key) => {
            out.push(2);
            out.extend_from_slice(key.as_bytes());
        }
    }
    out
}

fn decode(value: &[u8]) -> Option<(u64, Origin)> {
    let held_ms = u64::from_be_bytes(value.get(..8)?.try_into().ok()?);
    let origin = match (value.get(8)?, value.len()) {
        (0, 9) => Origin::Here,
        (1, 9) => Origin::Bundle,
        (2, 41) => Origin::Peer(PublicKey::from_bytes(value[9..41].try_into().ok()?).ok()?),
        _ => return None,
    };
    Some((held_ms, origin))
}
