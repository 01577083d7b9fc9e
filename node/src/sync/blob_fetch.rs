//! Which groups of which blobs to ask which peer for: the blob half of the
//! machine's decisions, with no I/O.
//!
//! The store lists the blobs live documents name that are not here whole
//! (previews first, then the smallest originals; with "text only", previews
//! alone) and, for each, the 16 KiB groups not yet verified here: a blob cut
//! by a link drop, a kill -9 or a restart is listed with what it still
//! lacks, and is resumed from any peer. A peer is asked for blob groups only
//! while no entry waits to be fetched from it, so on every link entries go
//! before any blob byte; one blob request is in flight per peer, sized (like
//! entry fetches) toward a reply a second on the link, so news never waits
//! long behind a picture: where one 16 KiB group takes longer than that, a
//! group is asked for in pieces (8 to 16 KiB), kept in memory until the
//! group is whole and can be verified (a cut loses at most that group). Different peers fetch different groups of one
//! blob at once; a peer that lacks a blob is not asked for it again for a
//! while.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use convene_protocol::attachment::{BlobHash, NamedBlob};
use convene_protocol::wire::{BlobRequest, BlobResponse, GROUP_BYTES, GroupData, MAX_GROUPS};
use libp2p::PeerId;

use crate::blobs::group_span;

use super::machine::{REPLY_TARGET, Refusal, Ticket};

/// Blobs the store lists at once, the first in order; the next are listed
/// as these complete.
pub(crate) const LISTED: usize = 64;
/// A peer that does not hold a blob is not asked for it again for this long.
const ABSENT_FOR: Duration = Duration::from_secs(5);
/// The list is read again at most this often.
const LIST_EVERY: Duration = Duration::from_secs(1);
/// Groups in a peer's first request: one group (16 KiB) takes two seconds
/// on a 64 kbit/s link; faster links double it each reply.
const BATCH_START: usize = 1;
/// The smallest piece asked for on a slow link: half a group. Smaller
/// pieces end in a lost last packet more often per byte, which TCP recovers
/// only by a time-out, so the link gets slower and the pieces smaller still
/// (measured in the field: 2 KiB pieces moved 2.6 KB/s where whole groups
/// moved 4.7).
const PIECE_MIN: usize = 8 * 1024;

/// A blob to fetch, as the store found it: its groups not held here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    pub(crate) blob: NamedBlob,
    pub(crate) missing: Vec<u64>,
}

/// What the store's listing found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Listing {
    /// The first [`LISTED`] blobs to fetch, in order.
    pub(crate) wants: Vec<Listed>,
    /// Blobs to fetch in all, and their bytes.
    pub(crate) count: u64,
    pub(crate) bytes: u64,
}

/// What to do with a peer's reply.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    /// Verify and keep these groups of `blob`.
    Write { blob: NamedBlob, groups: Vec<GroupData> },
    /// Nothing to write (refused, or a reply to a request given up).
    Nothing,
    /// The reply breaks the protocol: counts against the peer.
    Invalid(String),
}

struct Want {
    blob: NamedBlob,
    /// Groups not held here and not being fetched.
    missing: BTreeSet<u64>,
    /// Groups asked for or being written, and from whom.
    in_flight: HashMap<u64, PeerId>,
    /// Peers that said they lack it, until when.
    absent: HashMap<PeerId, Instant>,
}

struct Asking {
    ticket: Ticket,
    hash: BlobHash,
    indices: Vec<u64>,
    /// A piece of the one group in `indices`, at this offset.
    piece_at: Option<u32>,
    sent: Instant,
}

/// A group arriving in pieces from one peer, not verified yet.
struct Assembly {
    hash: BlobHash,
    index: u64,
    data: Vec<u8>,
}

struct PeerState {
    asking: Option<Asking>,
    batch: usize,
    /// On a link where a whole group takes too long: the bytes of a piece.
    piece: Option<usize>,
    assembly: Option<Assembly>,
    /// When the last reply came: a request sent while another reply was
    /// arriving is timed from then.
    last_reply: Option<Instant>,
    /// It does not speak the blob protocol (an older node).
    unsupported: bool,
}

impl Default for PeerState {
    fn default() -> Self {
        Self { asking: None, batch: BATCH_START, piece: None, assembly: None, last_reply: None, unsupported: false }
    }
}

/// The blobs this node fetches and the requests in flight; see the module
/// documentation.
#[derive(Default)]
pub(crate) struct BlobFetch {
    wants: Vec<Want>,
    peers: HashMap<PeerId, PeerState>,
    /// The list may be out of date: entries were stored, a blob completed.
    dirty: bool,
    listing: bool,
    listed_at: Option<Instant>,
    count: u64,
    bytes: u64,
}

impl BlobFetch {
    /// A fetcher whose list is yet to be read.
    pub(crate) fn new() -> Self {
        Self { dirty: true, ..Self::default() }
    }

    /// The list may be out of date (entries were stored, time passed).
    pub(crate) fn touch(&mut self) {
        self.dirty = true;
    }

    /// Whether the list is to be read again now.
    pub(crate) fn list_due(&self, now: Instant) -> bool {
        self.dirty && !self.listing && self.listed_at.is_none_or(|at| now.saturating_duration_since(at) >= LIST_EVERY)
    }

    /// The list is being read again: marks it so until [`BlobFetch::listed`].
    pub(crate) fn listing(&mut self, now: Instant) {
        self.dirty = false;
        self.listing = true;
        self.listed_at = Some(now);
    }

    /// What the store listed: the groups in flight stay in flight.
    pub(crate) fn listed(&mut self, listing: Listing) {
        self.listing = false;
        self.count = listing.count;
        self.bytes = listing.bytes;
        let mut old: HashMap<BlobHash, Want> = self.wants.drain(..).map(|want| (want.blob.hash, want)).collect();
        for Listed { blob, missing } in listing.wants {
            let (in_flight, absent) = match old.remove(&blob.hash) {
                Some(want) if want.blob == blob => (want.in_flight, want.absent),
                _ => (HashMap::new(), HashMap::new()),
            };
            let missing = missing.into_iter().filter(|index| !in_flight.contains_key(index)).collect();
            self.wants.push(Want { blob, missing, in_flight, absent });
        }
    }

    /// Blobs waiting, and their bytes.
    pub(crate) fn waiting(&self) -> (u64, u64) {
        (self.count, self.bytes)
    }

    /// Whether there may be blob groups to ask for: some wanted, or the
    /// list out of date.
    pub(crate) fn has_work(&self) -> bool {
        self.dirty || self.wants.iter().any(|want| !want.missing.is_empty())
    }

    /// Whether `peer` has no blob request in flight and holds, as far as
    /// is known, a group this node lacks that no one is fetching.
    pub(crate) fn may_ask(&self, peer: PeerId, now: Instant) -> bool {
        let state = self.peers.get(&peer);
        if state.is_some_and(|state| state.asking.is_some() || state.unsupported) {
            return false;
        }
        self.wants.iter().any(|want| !want.missing.is_empty() && !want.absent_at(peer, now))
    }

    /// The next request to `peer`, if any, to be sent with `ticket`.
    pub(crate) fn ask(&mut self, peer: PeerId, now: Instant, ticket: Ticket) -> Option<BlobRequest> {
        let state = self.peers.entry(peer).or_default();
        if state.asking.is_some() || state.unsupported {
            return None;
        }
        let (batch, piece) = (state.batch, state.piece);
        // The next piece of a group under way from this peer, if its blob is still wanted.
        if let Some(assembly) = state.assembly.take()
            && let Some(want) = self.wants.iter().find(|want| want.blob.hash == assembly.hash)
        {
            let (hash, size, index) = (want.blob.hash, want.blob.size, assembly.index);
            let offset = assembly.data.len();
            let len = piece.unwrap_or(GROUP_BYTES).min(group_span(size, index).1 as usize - offset);
            let request = BlobRequest::Piece { hash, size, index, offset: offset as u32, len: len as u32 };
            let state = self.peers.entry(peer).or_default();
            state.assembly = Some(assembly);
            state.asking =
                Some(Asking { ticket, hash, indices: vec![index], piece_at: Some(offset as u32), sent: now });
            return Some(request);
        }
        let want = self.wants.iter_mut().find(|want| !want.missing.is_empty() && !want.absent_at(peer, now))?;
        let (hash, size) = (want.blob.hash, want.blob.size);
        let indices: Vec<u64> = want.missing.iter().copied().take(if piece.is_some() { 1 } else { batch }).collect();
        for index in &indices {
            want.missing.remove(index);
            want.in_flight.insert(*index, peer);
        }
        let (request, piece_at) = match piece {
            // A piece of a group longer than one piece; a short last group whole.
            Some(piece) if (group_span(size, indices[0]).1 as usize) > piece => {
                let index = indices[0];
                self.peers.entry(peer).or_default().assembly = Some(Assembly { hash, index, data: Vec::new() });
                (BlobRequest::Piece { hash, size, index, offset: 0, len: piece as u32 }, Some(0))
            }
            _ => (BlobRequest::Groups { hash, size, indices: indices.clone() }, None),
        };
        self.peers.entry(peer).or_default().asking = Some(Asking { ticket, hash, indices, piece_at, sent: now });
        Some(request)
    }

    /// `peer`'s reply to `ticket`.
    pub(crate) fn replied(&mut self, peer: PeerId, ticket: Ticket, response: BlobResponse, now: Instant) -> Reply {
        let Some(state) = self.peers.get_mut(&peer) else { return Reply::Nothing };
        if state.asking.as_ref().is_none_or(|asking| asking.ticket != ticket) {
            return Reply::Nothing;
        }
        let Asking { hash, indices, sent, piece_at, .. } = state.asking.take().expect("checked");
        let start = state.last_reply.map_or(sent, |last| last.max(sent));
        state.last_reply = Some(now);
        let took = now.saturating_duration_since(start).max(Duration::from_millis(1));
        let factor = (REPLY_TARGET.as_secs_f64() / took.as_secs_f64()).clamp(0.5, 2.0);
        match response {
            BlobResponse::Piece { offset, data: piece } => {
                let asked = piece_at == Some(offset) && indices == [piece.index];
                let Some(mut assembly) = state.assembly.take().filter(|assembly| asked && assembly.hash == hash) else {
                    self.give_back(hash, &indices);
                    return Reply::Invalid(format!("sent a piece of blob {hash} that was not asked for"));
                };
                // Pieces follow the link like groups; past a whole group, whole groups again.
                let size = state.piece.unwrap_or(GROUP_BYTES) as f64 * factor;
                state.piece = (size < GROUP_BYTES as f64).then(|| (size as usize / 1024 * 1024).max(PIECE_MIN));
                assembly.data.extend_from_slice(&piece.data);
                let Some(want) = self.wants.iter().find(|want| want.blob.hash == hash) else {
                    self.give_back(hash, &indices);
                    return Reply::Nothing;
                };
                let whole = group_span(want.blob.size, assembly.index).1 as usize;
                if piece.data.is_empty() || assembly.data.len() > whole {
                    self.give_back(hash, &indices);
                    return Reply::Invalid(format!("sent a piece of blob {hash} that does not fit its group"));
                }
                if assembly.data.len() < whole {
                    self.peers.get_mut(&peer).expect("asked").assembly = Some(assembly);
                    return Reply::Nothing;
                }
                let group = GroupData { index: assembly.index, data: assembly.data, proof: piece.proof };
                Reply::Write { blob: want.blob, groups: vec![group] }
            }
            BlobResponse::Groups(_) if piece_at.is_some() => {
                state.assembly = None;
                self.give_back(hash, &indices);
                Reply::Invalid(format!("sent whole groups of blob {hash} for a piece"))
            }
            BlobResponse::Groups(groups) => {
                if let Some(stray) = groups.iter().find(|group| !indices.contains(&group.index)) {
                    self.give_back(hash, &indices);
                    return Reply::Invalid(format!(
                        "sent group {} of blob {hash}, which was not asked for",
                        stray.index
                    ));
                }
                // Toward a reply of `REPLY_TARGET`, as entry fetches: grown
                // only by a whole reply, shrunk by any slow one; below one
                // group, in pieces.
                if factor < 1.0 && state.batch == 1 && groups.len() == 1 {
                    let size = GROUP_BYTES as f64 * factor;
                    state.piece = Some((size as usize / 1024 * 1024).max(PIECE_MIN));
                } else if factor < 1.0 || groups.len() >= indices.len() {
                    state.batch = ((state.batch as f64 * factor).round() as usize).clamp(1, MAX_GROUPS);
                }
                let returned: Vec<u64> = groups.iter().map(|group| group.index).collect();
                let unreturned: Vec<u64> = indices.into_iter().filter(|index| !returned.contains(index)).collect();
                self.give_back(hash, &unreturned);
                match self.wants.iter().find(|want| want.blob.hash == hash) {
                    Some(want) if !groups.is_empty() => Reply::Write { blob: want.blob, groups },
                    _ => Reply::Nothing,
                }
            }
            BlobResponse::Refused(code) => {
                state.assembly = None;
                self.give_back(hash, &indices);
                if code != Refusal::Busy.code()
                    && let Some(want) = self.wants.iter_mut().find(|want| want.blob.hash == hash)
                {
                    want.absent.insert(peer, now + ABSENT_FOR);
                }
                Reply::Nothing
            }
        }
    }

    /// The request `ticket` to `peer` failed: its groups are asked again,
    /// and the next request to it is smaller.
    pub(crate) fn failed(&mut self, peer: PeerId, ticket: Ticket) {
        let Some(state) = self.peers.get_mut(&peer) else { return };
        if state.asking.as_ref().is_none_or(|asking| asking.ticket != ticket) {
            return;
        }
        let Asking { hash, indices, .. } = state.asking.take().expect("checked");
        state.batch = (state.batch / 2).max(1);
        state.piece = state.piece.map(|piece| (piece / 2 / 1024 * 1024).max(PIECE_MIN));
        // What arrived of a group in pieces is not verifiable alone: it goes.
        state.assembly = None;
        self.give_back(hash, &indices);
    }

    /// `peer` does not speak the blob protocol: it is not asked again
    /// while connected.
    pub(crate) fn unsupported(&mut self, peer: PeerId) {
        self.peers.entry(peer).or_default().unsupported = true;
    }

    /// Every connection to `peer` closed: what it was asked for is asked of others.
    pub(crate) fn gone(&mut self, peer: PeerId) {
        let Some(state) = self.peers.remove(&peer) else { return };
        if let Some(Asking { hash, indices, .. }) = state.asking {
            self.give_back(hash, &indices);
        }
        // A group it was sending in pieces, between two of them.
        if let Some(Assembly { hash, index, .. }) = state.assembly {
            self.give_back(hash, &[index]);
        }
    }

    /// What writing groups of `hash` came to: `stored` are held now, the
    /// rest of `written` are to be fetched again; `gone`: no live document
    /// names the blob any more.
    pub(crate) fn written(&mut self, hash: BlobHash, written: &[u64], stored: &[u64], gone: bool) {
        let Some(at) = self.wants.iter().position(|want| want.blob.hash == hash) else { return };
        let want = &mut self.wants[at];
        for index in written {
            want.in_flight.remove(index);
            if !stored.contains(index) {
                want.missing.insert(*index);
            }
        }
        if gone || (want.missing.is_empty() && want.in_flight.is_empty()) {
            // Whole (or withdrawn): the list is read again for what follows.
            let done = self.wants.remove(at);
            self.count = self.count.saturating_sub(1);
            self.bytes = self.bytes.saturating_sub(done.blob.size);
            self.dirty = true;
        }
    }

    fn give_back(&mut self, hash: BlobHash, indices: &[u64]) {
        if let Some(want) = self.wants.iter_mut().find(|want| want.blob.hash == hash) {
            for index in indices {
                if want.in_flight.remove(index).is_some() {
                    want.missing.insert(*index);
                }
            }
        }
    }
}

impl Want {
    fn absent_at(&self, peer: PeerId, now: Instant) -> bool {
        self.absent.get(&peer).is_some_and(|until| *until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(n: u8, size: u64, preview: bool) -> NamedBlob {
        NamedBlob { hash: BlobHash([n; 32]), size, preview }
    }

    fn listing(blobs: &[(NamedBlob, Vec<u64>)]) -> Listing {
        Listing {
            wants: blobs.iter().map(|(blob, missing)| Listed { blob: *blob, missing: missing.clone() }).collect(),
            count: blobs.len() as u64,
            bytes: blobs.iter().map(|(blob, _)| blob.size).sum(),
        }
    }

    fn ask(fetch: &mut BlobFetch, peer: PeerId, now: Instant, next: &mut u64) -> Option<(Ticket, BlobRequest)> {
        *next += 1;
        Some((Ticket(*next), fetch.ask(peer, now, Ticket(*next))?))
    }

    fn groups(request: &BlobRequest) -> Vec<GroupData> {
        let BlobRequest::Groups { indices, .. } = request else { panic!("whole groups asked: {request:?}") };
        indices.iter().map(|index| GroupData { index: *index, data: vec![0; 4], proof: vec![] }).collect()
    }

    #[test]
    fn groups_resume_from_what_is_held_spread_over_peers_and_grow_with_the_link() {
        let (a, b) = (PeerId::random(), PeerId::random());
        let now = Instant::now();
        let mut next = 0;
        let mut fetch = BlobFetch::new();
        assert!(fetch.list_due(now));
        fetch.listing(now);
        assert!(!fetch.list_due(now));
        let preview = blob(1, 10_000, true);
        let photo = blob(2, 200_000, false);
        // The photo was cut after group 3: only the rest is asked for.
        fetch.listed(listing(&[(preview, vec![0]), (photo, (4..13).collect())]));
        assert_eq!(fetch.waiting(), (2, 210_000));
        let (ta, first) = ask(&mut fetch, a, now, &mut next).unwrap();
        assert_eq!(first, BlobRequest::Groups { hash: preview.hash, size: 10_000, indices: vec![0] });
        assert!(ask(&mut fetch, a, now, &mut next).is_none(), "one request in flight per peer");
        let (tb, second) = ask(&mut fetch, b, now, &mut next).unwrap();
        assert_eq!(second, BlobRequest::Groups { hash: photo.hash, size: 200_000, indices: vec![4] });
        // A fast reply doubles the next request.
        let reply = fetch.replied(a, ta, BlobResponse::Groups(groups(&first)), now + Duration::from_millis(100));
        assert_eq!(reply, Reply::Write { blob: preview, groups: groups(&first) });
        fetch.written(preview.hash, &[0], &[0], false);
        let (_, third) = ask(&mut fetch, a, now, &mut next).unwrap();
        assert_eq!(third, BlobRequest::Groups { hash: photo.hash, size: 200_000, indices: vec![5, 6] });
        // A failed request gives its groups back and halves the next one.
        fetch.failed(b, tb);
        let (_, again) = ask(&mut fetch, b, now, &mut next).unwrap();
        assert_eq!(again, BlobRequest::Groups { hash: photo.hash, size: 200_000, indices: vec![4] });
        // Listing again keeps what is in flight out of what is asked.
        fetch.listed(listing(&[(photo, (4..13).collect())]));
        let c = PeerId::random();
        let (_, fourth) = ask(&mut fetch, c, now, &mut next).unwrap();
        assert_eq!(fourth, BlobRequest::Groups { hash: photo.hash, size: 200_000, indices: vec![7] });
    }

    #[test]
    fn on_a_slow_link_a_group_comes_in_pieces_assembled_before_it_is_written() {
        let a = PeerId::random();
        let now = Instant::now();
        let mut next = 0;
        let mut fetch = BlobFetch::new();
        let photo = blob(2, 60_000, false);
        fetch.listed(listing(&[(photo, vec![0, 1, 2])]));
        // A whole group took 4 s: half a group next, in pieces.
        let (ticket, request) = ask(&mut fetch, a, now, &mut next).unwrap();
        let later = now + Duration::from_secs(4);
        assert!(matches!(fetch.replied(a, ticket, BlobResponse::Groups(groups(&request)), later), Reply::Write { .. }));
        fetch.written(photo.hash, &[0], &[0], false);
        let (ticket, request) = ask(&mut fetch, a, later, &mut next).unwrap();
        assert_eq!(request, BlobRequest::Piece { hash: photo.hash, size: 60_000, index: 1, offset: 0, len: 8192 });
        let piece = |index: u64, offset: u32, len: usize, proof: Vec<u8>| BlobResponse::Piece {
            offset,
            data: GroupData { index, data: vec![offset as u8; len], proof },
        };
        // Pieces that take a second each: the same size again.
        let second = |n: u64| later + Duration::from_secs(n);
        assert_eq!(fetch.replied(a, ticket, piece(1, 0, 8192, vec![]), second(1)), Reply::Nothing, "not whole yet");
        let (ticket, request) = ask(&mut fetch, a, second(1), &mut next).unwrap();
        assert_eq!(request, BlobRequest::Piece { hash: photo.hash, size: 60_000, index: 1, offset: 8192, len: 8192 });
        let Reply::Write { groups, .. } = fetch.replied(a, ticket, piece(1, 8192, 8192, vec![5; 64]), second(2)) else {
            panic!("the group is whole")
        };
        assert_eq!(groups[0].data.len(), 16_384);
        assert_eq!((groups[0].data[0], groups[0].data[8192], groups[0].proof.len()), (0, 0, 64));
        // A piece out of order is invalid; a failure drops what arrived of the group.
        let (ticket, _) = ask(&mut fetch, a, second(2), &mut next).unwrap();
        assert!(matches!(fetch.replied(a, ticket, piece(2, 4096, 8192, vec![]), second(3)), Reply::Invalid(_)));
        let (ticket, request) = ask(&mut fetch, a, second(3), &mut next).unwrap();
        assert_eq!(request, BlobRequest::Piece { hash: photo.hash, size: 60_000, index: 2, offset: 0, len: 8192 });
        assert_eq!(fetch.replied(a, ticket, piece(2, 0, 8192, vec![]), second(4)), Reply::Nothing);
        let (ticket, request) = ask(&mut fetch, a, second(4), &mut next).unwrap();
        assert!(matches!(request, BlobRequest::Piece { index: 2, offset: 8192, .. }), "{request:?}");
        fetch.failed(a, ticket);
        let (_, request) = ask(&mut fetch, a, second(4), &mut next).unwrap();
        assert!(
            matches!(request, BlobRequest::Piece { index: 2, offset: 0, len: 8192, .. }),
            "from the group's start, no smaller than half a group: {request:?}"
        );
    }

    #[test]
    fn a_peer_gone_between_two_pieces_gives_its_group_back() {
        let (b, c) = (PeerId::random(), PeerId::random());
        let now = Instant::now();
        let mut next = 0;
        let mut fetch = BlobFetch::new();
        let photo = blob(2, 60_000, false);
        fetch.listed(listing(&[(photo, vec![0, 1, 2])]));
        let (ticket, request) = ask(&mut fetch, b, now, &mut next).unwrap();
        let slow = now + Duration::from_secs(4);
        fetch.replied(b, ticket, BlobResponse::Groups(groups(&request)), slow);
        fetch.written(photo.hash, &[0], &[0], false);
        let (ticket, request) = ask(&mut fetch, b, slow, &mut next).unwrap();
        assert_eq!(request, BlobRequest::Piece { hash: photo.hash, size: 60_000, index: 1, offset: 0, len: 8192 });
        let piece = BlobResponse::Piece { offset: 0, data: GroupData { index: 1, data: vec![1; 8192], proof: vec![] } };
        assert_eq!(fetch.replied(b, ticket, piece, slow + Duration::from_secs(1)), Reply::Nothing);
        fetch.gone(b);
        let (_, request) = ask(&mut fetch, c, slow, &mut next).unwrap();
        assert_eq!(request, BlobRequest::Groups { hash: photo.hash, size: 60_000, indices: vec![1] });
    }

    #[test]
    fn a_peer_that_lacks_a_blob_is_left_alone_a_while_and_a_stray_group_is_invalid() {
        let (a, b) = (PeerId::random(), PeerId::random());
        let now = Instant::now();
        let mut next = 0;
        let mut fetch = BlobFetch::new();
        let photo = blob(2, 50_000, false);
        fetch.listed(listing(&[(photo, vec![0, 1, 2, 3])]));
        let (ticket, _) = ask(&mut fetch, a, now, &mut next).unwrap();
        assert_eq!(fetch.replied(a, ticket, BlobResponse::Refused("missing".into()), now), Reply::Nothing);
        assert!(!fetch.may_ask(a, now + Duration::from_secs(1)));
        assert!(fetch.may_ask(a, now + ABSENT_FOR + Duration::from_millis(1)));
        // Busy is no absence.
        let (ticket, _) = ask(&mut fetch, b, now, &mut next).unwrap();
        fetch.replied(b, ticket, BlobResponse::Refused(Refusal::Busy.code().into()), now);
        assert!(fetch.may_ask(b, now));
        let (ticket, request) = ask(&mut fetch, b, now, &mut next).unwrap();
        let mut stray = groups(&request);
        stray[0].index = 3;
        assert!(matches!(fetch.replied(b, ticket, BlobResponse::Groups(stray), now), Reply::Invalid(_)));
        // Its groups went back: another peer gets them.
        let c = PeerId::random();
        let (_, request) = ask(&mut fetch, c, now, &mut next).unwrap();
        assert_eq!(request, BlobRequest::Groups { hash: photo.hash, size: 50_000, indices: vec![0] });
        // A peer that goes gives back what it was asked for.
        fetch.gone(c);
        assert!(fetch.may_ask(PeerId::random(), now));
        fetch.unsupported(b);
        assert!(!fetch.may_ask(b, now));
    }

    #[test]
    fn a_blob_whole_or_withdrawn_leaves_the_list_which_is_read_again() {
        let a = PeerId::random();
        let now = Instant::now();
        let mut next = 0;
        let mut fetch = BlobFetch::new();
        fetch.listing(now);
        let photo = blob(2, 20_000, false);
        fetch.listed(listing(&[(photo, vec![0, 1])]));
        assert!(!fetch.list_due(now + LIST_EVERY));
        let (ticket, request) = ask(&mut fetch, a, now, &mut next).unwrap();
        let reply = fetch.replied(a, ticket, BlobResponse::Groups(groups(&request)), now);
        assert!(matches!(reply, Reply::Write { .. }));
        // Group 0 did not verify: it is asked again (with group 1, as the
        // fast reply doubled the batch).
        fetch.written(photo.hash, &[0], &[], false);
        let (ticket, request) = ask(&mut fetch, a, now, &mut next).unwrap();
        assert_eq!(request, BlobRequest::Groups { hash: photo.hash, size: 20_000, indices: vec![0, 1] });
        fetch.replied(a, ticket, BlobResponse::Groups(groups(&request)), now);
        fetch.written(photo.hash, &[0, 1], &[], true);
        assert!(!fetch.may_ask(a, now), "withdrawn: not asked for any more");
        assert_eq!(fetch.waiting(), (0, 0), "nor counted as waiting");
        assert!(fetch.list_due(now + LIST_EVERY));
    }
}
