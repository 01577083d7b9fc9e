//! Which of this node's entries a peer holds, as far as sync knows: what a
//! submission's page says of the hubs that have it. No I/O; the machine
//! keeps one per peer.
//!
//! Nothing is kept per entry a peer holds, only the entries it is known to
//! lack (at most [`LACKS_MAX`]; past it the peer's holdings are unknown
//! until the next sync):
//! - a reconciliation this node starts finds exactly what the peer lacks;
//! - when the peer starts one, it fetches what it lacks, and those entries
//!   wait for its receipt (the machine's `unconfirmed`);
//! - an entry stored here after that is lacked until the peer says it
//!   stored it (its announcement, the receipt) or sent it here.

use std::collections::HashSet;

use convene_protocol::entry::EntryId;

/// Entries a peer is known to lack, at most; past it its holdings are
/// unknown until the next sync.
pub(crate) const LACKS_MAX: usize = 8_192;

/// What one peer lacks of this node's entries.
#[derive(Debug, Default)]
pub(crate) struct Holdings {
    lacks: HashSet<EntryId>,
    /// While a reconciliation this node started runs: what it found the
    /// peer lacks so far (`None` past the cap).
    session: Option<HashSet<EntryId>>,
    session_overflow: bool,
    /// A sync completed and no cap was passed since: `lacks` is whole.
    known: bool,
}

impl Holdings {
    /// The peer lacks `ids` (stored here since, or found by reconciling).
    pub(crate) fn lacks(&mut self, ids: &[EntryId]) {
        self.lacks.extend(ids.iter().copied());
        if self.lacks.len() > LACKS_MAX {
            self.lacks.clear();
            self.known = false;
        }
        self.found(ids);
    }

    /// The peer holds `ids`: it sent them, or said it stored them.
    pub(crate) fn holds(&mut self, ids: &[EntryId]) {
        for id in ids {
            self.lacks.remove(id);
            if let Some(session) = &mut self.session {
                session.remove(id);
            }
        }
    }

    /// This node starts a reconciliation with the peer.
    pub(crate) fn session_started(&mut self) {
        self.session = Some(HashSet::new());
        self.session_overflow = false;
    }

    /// The reconciliation found the peer lacks `ids`.
    pub(crate) fn found(&mut self, ids: &[EntryId]) {
        let Some(session) = &mut self.session else { return };
        session.extend(ids.iter().copied());
        if session.len() > LACKS_MAX {
            session.clear();
            self.session_overflow = true;
        }
    }

    /// The reconciliation this node started ended: what it found is what
    /// the peer lacks.
    pub(crate) fn session_ended(&mut self) {
        if let Some(session) = self.session.take() {
            self.known = !self.session_overflow;
            self.lacks = if self.known { session } else { HashSet::new() };
        }
    }

    /// The reconciliation was cut.
    pub(crate) fn session_dropped(&mut self) {
        self.session = None;
    }

    /// The peer reconciled with this node: it fetches what it lacks, and
    /// those entries wait for its receipt (`unconfirmed`).
    pub(crate) fn answered(&mut self) {
        self.lacks.clear();
        self.known = true;
    }

    /// Whether the peer holds every one of `ids`, unless that is unknown;
    /// `unconfirmed`: entries sent to it whose receipt has not come.
    pub(crate) fn has_all(&self, ids: &[EntryId], unconfirmed: &HashSet<EntryId>) -> Option<bool> {
        self.known.then(|| ids.iter().all(|id| !self.lacks.contains(id) && !unconfirmed.contains(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u32) -> EntryId {
        let mut id = [0; 32];
        id[..4].copy_from_slice(&n.to_be_bytes());
        EntryId(id)
    }

    #[test]
    fn a_reconciliation_this_node_starts_says_what_the_peer_lacks_and_receipts_clear_it() {
        let none = HashSet::new();
        let mut holdings = Holdings::default();
        assert_eq!(holdings.has_all(&[id(1)], &none), None, "unknown before any sync");
        holdings.session_started();
        holdings.found(&[id(2), id(3)]);
        // Stored here during the session: lacked too.
        holdings.lacks(&[id(4)]);
        assert_eq!(holdings.has_all(&[id(1)], &none), None, "unknown until it ends");
        holdings.session_ended();
        assert_eq!(holdings.has_all(&[id(1)], &none), Some(true));
        assert_eq!(holdings.has_all(&[id(1), id(2)], &none), Some(false));
        assert_eq!(holdings.has_all(&[id(4)], &none), Some(false));
        holdings.holds(&[id(2), id(4)]);
        assert_eq!(holdings.has_all(&[id(1), id(2), id(4)], &none), Some(true));
        // Sent to it, receipt awaited.
        assert_eq!(holdings.has_all(&[id(1)], &HashSet::from([id(1)])), Some(false));
    }

    #[test]
    fn past_the_cap_the_holdings_are_unknown_until_the_next_sync() {
        let none = HashSet::new();
        let mut holdings = Holdings::default();
        holdings.answered();
        let many: Vec<EntryId> = (0..=LACKS_MAX as u32).map(id).collect();
        holdings.lacks(&many);
        assert_eq!(holdings.has_all(&[id(1)], &none), None);
        holdings.session_started();
        holdings.found(&many);
        holdings.session_ended();
        assert_eq!(holdings.has_all(&[id(1)], &none), None, "the session passed the cap too");
        holdings.session_started();
        holdings.found(&[id(1)]);
        holdings.session_ended();
        assert_eq!(holdings.has_all(&[id(1)], &none), Some(false));
        assert_eq!(holdings.has_all(&[id(2)], &none), Some(true));
    }
}
