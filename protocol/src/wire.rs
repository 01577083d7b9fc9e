//! The sync protocol's messages and their binary encoding (version 1).
//!
//! Two nodes of one network speak request/response over a libp2p stream
//! whose protocol name carries the network id
//! (`/convene/sync/1/<network id>`), so nodes of different networks never
//! even agree on a protocol. Every frame is `length (u32 BE) ‖ message`, and
//! every message is `version (1) ‖ tag ‖ body`, bounded by
//! [`MAX_MESSAGE_BYTES`] before anything is allocated.
//!
//! | tag | request | body |
//! | --- | --- | --- |
//! | 1 | `Reconcile` | u32 length ‖ a negentropy (protocol v1) message |
//! | 2 | `Fetch` | u32 count ‖ count × 32-byte entry ids (≤ [`MAX_IDS`]) |
//! | 3 | `Announce` | u32 count ‖ count × 32-byte entry ids (≤ [`MAX_IDS`]) |
//!
//! | tag | response | body |
//! | --- | --- | --- |
//! | 1 | `Reconcile` | u32 length ‖ the negentropy reply |
//! | 2 | `Entries` | u32 count ‖ count × (u32 length ‖ signed entry) |
//! | 3 | `Ack` | empty |
//! | 4 | `Refused` | u16 length ‖ UTF-8 reason (≤ [`MAX_REASON_BYTES`]) |
//!
//! Attached files (blobs) move on a protocol of their own
//! (`/convene/blobs/1/<network id>`), framed the same way, so a node that
//! does not carry blobs simply does not speak it, and the requests of each
//! protocol are bounded apart:
//!
//! | tag | blob request | body |
//! | --- | --- | --- |
//! | 1 | `Groups` | 32-byte BLAKE3 hash ‖ u64 size ‖ u32 count ‖ count × u64 group index (≤ [`MAX_GROUPS`]) |
//! | 2 | `Piece` | 32-byte BLAKE3 hash ‖ u64 size ‖ u64 group index ‖ u32 offset ‖ u32 length (within the group) |
//!
//! | tag | blob response | body |
//! | --- | --- | --- |
//! | 1 | `Groups` | u32 count ‖ count × (u64 index ‖ u32 length ‖ bytes (≤ [`GROUP_BYTES`]) ‖ u16 length ‖ proof (≤ [`MAX_PROOF_BYTES`])) |
//! | 2 | `Refused` | as the sync protocol's `Refused` |
//! | 3 | `Piece` | u64 index ‖ u32 offset ‖ u32 length ‖ bytes ‖ u16 length ‖ proof (the group's, with its last piece only) |
//!
//! A group is 16 KiB of the blob at a multiple of 16 KiB, and its proof the
//! chaining values beside its path in the blob's BLAKE3 tree, so the
//! receiver checks each group against the hash before keeping a byte. On a
//! link where a group takes more than a second, it is asked for in pieces
//! (kept in memory until the group is whole and verified), so that a
//! report's text never waits long behind a picture.

use crate::attachment::BlobHash;
use crate::bytes::Reader;
use crate::entry::{EntryId, MAX_ENTRY_BYTES};

/// The wire format version.
pub const WIRE_VERSION: u8 = 1;
/// Largest message either side accepts.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
/// Largest request: a `Fetch` or `Announce` of [`MAX_IDS`] ids, or a
/// reconciliation message (whose initiator keeps them to 64 KiB), fits.
pub const MAX_REQUEST_BYTES: usize = 512 * 1024;
/// Most ids in one `Fetch` or `Announce`.
pub const MAX_IDS: usize = 8192;
/// A responder stops adding entries to an `Entries` reply past this size.
pub const ENTRIES_REPLY_BUDGET: usize = 512 * 1024;
/// Longest `Refused` reason.
pub const MAX_REASON_BYTES: usize = 1024;

/// Most chunk groups asked for in one blob request.
pub const MAX_GROUPS: usize = 64;
/// Bytes in a chunk group (the last group of a blob may hold fewer).
pub const GROUP_BYTES: usize = 16 * 1024;
/// Longest group proof: 32 bytes per level of the blob's tree.
pub const MAX_PROOF_BYTES: usize = 64 * 32;

/// What one node asks another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A negentropy message from the reconciliation's initiator.
    Reconcile(Vec<u8>),
    /// Send me these entries.
    Fetch(Vec<EntryId>),
    /// I have these new entries; fetch the ones you lack.
    Announce(Vec<EntryId>),
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The negentropy reply.
    Reconcile(Vec<u8>),
    /// The requested entries this node holds (possibly fewer than asked,
    /// within [`ENTRIES_REPLY_BUDGET`]; ask again for the rest).
    Entries(Vec<Vec<u8>>),
    /// Noted.
    Ack,
    /// Not answered, with the reason.
    Refused(String),
}

/// A message that breaks the format.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
    /// Over [`MAX_MESSAGE_BYTES`].
    #[error("message of {0} bytes exceeds the limit of {MAX_MESSAGE_BYTES}")]
    TooLarge(usize),
    /// From another protocol version.
    #[error("wire version {0} is not supported (this node speaks version {WIRE_VERSION})")]
    UnsupportedVersion(u8),
    /// Unknown message tag.
    #[error("unknown message tag {0}")]
    UnknownTag(u8),
    /// Too many ids, an entry over its limit, a truncated body or trailing bytes.
    #[error("malformed message: {0}")]
    Malformed(&'static str),
}

impl Request {
    /// The encoded message (without the frame length).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![WIRE_VERSION];
        match self {
            Self::Reconcile(message) => {
                out.push(1);
                put_bytes(&mut out, message);
            }
            Self::Fetch(ids) => {
                out.push(2);
                put_ids(&mut out, ids);
            }
            Self::Announce(ids) => {
                out.push(3);
                put_ids(&mut out, ids);
            }
        }
        out
    }

    /// Decodes a message, enforcing every limit.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let (tag, mut reader) = open(bytes)?;
        let request = match tag {
            1 => Self::Reconcile(get_bytes(&mut reader, MAX_MESSAGE_BYTES)?),
            2 => Self::Fetch(get_ids(&mut reader)?),
            3 => Self::Announce(get_ids(&mut reader)?),
            other => return Err(WireError::UnknownTag(other)),
        };
        finish(&reader)?;
        Ok(request)
    }
}

impl Response {
    /// The encoded message (without the frame length).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![WIRE_VERSION];
        match self {
            Self::Reconcile(message) => {
                out.push(1);
                put_bytes(&mut out, message);
            }
            Self::Entries(entries) => {
                out.push(2);
                out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
                for entry in entries {
                    put_bytes(&mut out, entry);
                }
            }
            Self::Ack => out.push(3),
            Self::Refused(reason) => {
                out.push(4);
                let reason = truncate_utf8(reason, MAX_REASON_BYTES);
                out.extend_from_slice(&(reason.len() as u16).to_be_bytes());
                out.extend_from_slice(reason.as_bytes());
            }
        }
        out
    }

    /// Decodes a message, enforcing every limit.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let (tag, mut reader) = open(bytes)?;
        let response = match tag {
            1 => Self::Reconcile(get_bytes(&mut reader, MAX_MESSAGE_BYTES)?),
            2 => {
                let count = reader.u32().ok_or(WireError::Malformed("truncated count"))? as usize;
                // Each entry takes at least its 4-byte length: bound before allocating.
                if count > reader.remaining() / 4 {
                    return Err(WireError::Malformed("more entries than bytes"));
                }
                let mut entries = Vec::with_capacity(count);
                for _ in 0..count {
                    entries.push(get_bytes(&mut reader, MAX_ENTRY_BYTES)?);
                }
                Self::Entries(entries)
            }
            3 => Self::Ack,
            4 => {
                let length = reader.array::<2>().map(u16::from_be_bytes).ok_or(WireError::Malformed("truncated"))?;
                if usize::from(length) > MAX_REASON_BYTES {
                    return Err(WireError::Malformed("reason over its size limit"));
                }
                let text = reader.take(length as usize).ok_or(WireError::Malformed("truncated reason"))?;
                // Read strictly, as written: a lossy read would turn bytes
                // into replacement characters and the message into another.
                let text = std::str::from_utf8(text).map_err(|_| WireError::Malformed("reason is not UTF-8"))?;
                Self::Refused(text.to_owned())
            }
            other => return Err(WireError::UnknownTag(other)),
        };
        finish(&reader)?;
        Ok(response)
    }
}

/// What one node asks another of a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobRequest {
    /// Send me these groups of the blob `hash` of `size` bytes.
    Groups {
        /// The blob.
        hash: BlobHash,
        /// Its size, as the document naming it says.
        size: u64,
        /// Group indices, at most [`MAX_GROUPS`].
        indices: Vec<u64>,
    },
    /// Send me `len` bytes at `offset` of group `index` of the blob `hash`.
    Piece {
        /// The blob.
        hash: BlobHash,
        /// Its size, as the document naming it says.
        size: u64,
        /// Which group.
        index: u64,
        /// Where in the group.
        offset: u32,
        /// How many bytes.
        len: u32,
    },
}

/// One group of a blob with its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupData {
    /// Which group.
    pub index: u64,
    /// Its bytes.
    pub data: Vec<u8>,
    /// The chaining values beside its path, top down.
    pub proof: Vec<u8>,
}

/// The answer to a [`BlobRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobResponse {
    /// The groups asked for (all of them, in the order asked).
    Groups(Vec<GroupData>),
    /// Not answered, with the reason (`missing`: not held whole here).
    Refused(String),
    /// The piece asked for; `data.proof` is the group's proof with the
    /// group's last piece, and empty otherwise.
    Piece {
        /// Where in the group the bytes start.
        offset: u32,
        /// The group's index, the bytes, and the proof (see above).
        data: GroupData,
    },
}

impl BlobRequest {
    /// The encoded message (without the frame length).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::Groups { hash, size, indices } => {
                let mut out = vec![WIRE_VERSION, 1];
                out.extend_from_slice(&hash.0);
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(&(indices.len() as u32).to_be_bytes());
                for index in indices {
                    out.extend_from_slice(&index.to_be_bytes());
                }
                out
            }
            Self::Piece { hash, size, index, offset, len } => {
                let mut out = vec![WIRE_VERSION, 2];
                out.extend_from_slice(&hash.0);
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(&index.to_be_bytes());
                out.extend_from_slice(&offset.to_be_bytes());
                out.extend_from_slice(&len.to_be_bytes());
                out
            }
        }
    }

    /// Decodes a message, enforcing every limit.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let (tag, mut reader) = open(bytes)?;
        if tag != 1 && tag != 2 {
            return Err(WireError::UnknownTag(tag));
        }
        let hash = BlobHash(reader.array().ok_or(WireError::Malformed("truncated hash"))?);
        let size = reader.u64().ok_or(WireError::Malformed("truncated size"))?;
        let request = if tag == 1 {
            let count = reader.u32().ok_or(WireError::Malformed("truncated count"))? as usize;
            if count > MAX_GROUPS {
                return Err(WireError::Malformed("too many groups"));
            }
            let indices = (0..count)
                .map(|_| reader.u64().ok_or(WireError::Malformed("truncated index")))
                .collect::<Result<_, _>>()?;
            Self::Groups { hash, size, indices }
        } else {
            let index = reader.u64().ok_or(WireError::Malformed("truncated index"))?;
            let offset = reader.u32().ok_or(WireError::Malformed("truncated offset"))?;
            let len = reader.u32().ok_or(WireError::Malformed("truncated length"))?;
            if offset as usize >= GROUP_BYTES || len == 0 || (offset as usize + len as usize) > GROUP_BYTES {
                return Err(WireError::Malformed("a piece outside its group"));
            }
            Self::Piece { hash, size, index, offset, len }
        };
        finish(&reader)?;
        Ok(request)
    }
}

impl BlobResponse {
    /// The encoded message (without the frame length).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::Groups(groups) => {
                let mut out = vec![WIRE_VERSION, 1];
                out.extend_from_slice(&(groups.len() as u32).to_be_bytes());
                for group in groups {
                    out.extend_from_slice(&group.index.to_be_bytes());
                    put_group_bytes(&mut out, group);
                }
                out
            }
            Self::Refused(reason) => {
                let mut out = Response::Refused(reason.clone()).encode();
                out[1] = 2;
                out
            }
            Self::Piece { offset, data } => {
                let mut out = vec![WIRE_VERSION, 3];
                out.extend_from_slice(&data.index.to_be_bytes());
                out.extend_from_slice(&offset.to_be_bytes());
                put_group_bytes(&mut out, data);
                out
            }
        }
    }

    /// Decodes a message, enforcing every limit.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let (tag, mut reader) = open(bytes)?;
        match tag {
            1 => {
                let count = reader.u32().ok_or(WireError::Malformed("truncated count"))? as usize;
                if count > MAX_GROUPS {
                    return Err(WireError::Malformed("too many groups"));
                }
                let mut groups = Vec::with_capacity(count);
                for _ in 0..count {
                    let index = reader.u64().ok_or(WireError::Malformed("truncated index"))?;
                    groups.push(get_group_bytes(&mut reader, index)?);
                }
                finish(&reader)?;
                Ok(Self::Groups(groups))
            }
            3 => {
                let index = reader.u64().ok_or(WireError::Malformed("truncated index"))?;
                let offset = reader.u32().ok_or(WireError::Malformed("truncated offset"))?;
                let data = get_group_bytes(&mut reader, index)?;
                if offset as usize + data.data.len() > GROUP_BYTES {
                    return Err(WireError::Malformed("a piece outside its group"));
                }
                finish(&reader)?;
                Ok(Self::Piece { offset, data })
            }
            2 => {
                let mut as_sync = bytes.to_vec();
                as_sync[1] = 4;
                match Response::decode(&as_sync)? {
                    Response::Refused(reason) => Ok(Self::Refused(reason)),
                    _ => unreachable!("tag 4 is Refused"),
                }
            }
            other => Err(WireError::UnknownTag(other)),
        }
    }
}

/// A group's (or piece's) bytes and proof: u32 length ‖ bytes ‖ u16 length ‖ proof.
fn put_group_bytes(out: &mut Vec<u8>, group: &GroupData) {
    put_bytes(out, &group.data);
    out.extend_from_slice(&(group.proof.len() as u16).to_be_bytes());
    out.extend_from_slice(&group.proof);
}

fn get_group_bytes(reader: &mut Reader<'_>, index: u64) -> Result<GroupData, WireError> {
    let data = get_bytes(reader, GROUP_BYTES)?;
    let length = reader.array::<2>().map(u16::from_be_bytes).ok_or(WireError::Malformed("truncated"))?;
    if usize::from(length) > MAX_PROOF_BYTES || length % 32 != 0 {
        return Err(WireError::Malformed("a proof is not whole chaining values within its limit"));
    }
    let proof = reader.take(length.into()).ok_or(WireError::Malformed("truncated proof"))?.to_vec();
    Ok(GroupData { index, data, proof })
}

fn open(bytes: &[u8]) -> Result<(u8, Reader<'_>), WireError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(WireError::TooLarge(bytes.len()));
    }
    let mut reader = Reader::new(bytes);
    let version = reader.u8().ok_or(WireError::Malformed("empty message"))?;
    if version != WIRE_VERSION {
        return Err(WireError::UnsupportedVersion(version));
    }
    let tag = reader.u8().ok_or(WireError::Malformed("no tag"))?;
    Ok((tag, reader))
}

fn finish(reader: &Reader<'_>) -> Result<(), WireError> {
    if reader.remaining() == 0 { Ok(()) } else { Err(WireError::Malformed("trailing bytes")) }
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn get_bytes(reader: &mut Reader<'_>, limit: usize) -> Result<Vec<u8>, WireError> {
    let length = reader.u32().ok_or(WireError::Malformed("truncated length"))? as usize;
    if length > limit {
        return Err(WireError::Malformed("a field exceeds its size limit"));
    }
    Ok(reader.take(length).ok_or(WireError::Malformed("truncated field"))?.to_vec())
}

fn put_ids(out: &mut Vec<u8>, ids: &[EntryId]) {
    out.extend_from_slice(&(ids.len() as u32).to_be_bytes());
    for id in ids {
        out.extend_from_slice(&id.0);
    }
}

fn get_ids(reader: &mut Reader<'_>) -> Result<Vec<EntryId>, WireError> {
    let count = reader.u32().ok_or(WireError::Malformed("truncated count"))? as usize;
    if count > MAX_IDS {
        return Err(WireError::Malformed("too many ids"));
    }
    (0..count).map(|_| reader.array().map(EntryId).ok_or(WireError::Malformed("truncated id"))).collect()
}

fn truncate_utf8(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_round_trips() {
        let ids = vec![EntryId([1; 32]), EntryId([2; 32])];
        for request in [Request::Reconcile(vec![0x61, 1, 2]), Request::Fetch(ids.clone()), Request::Announce(vec![])] {
            assert_eq!(Request::decode(&request.encode()).unwrap(), request);
        }
        for response in [
            Response::Reconcile(vec![0x61]),
            Response::Entries(vec![vec![1, 2, 3], vec![]]),
            Response::Ack,
            Response::Refused("busy".into()),
        ] {
            assert_eq!(Response::decode(&response.encode()).unwrap(), response);
        }
    }

    #[test]
    fn limits_are_enforced_before_allocation() {
        let mut huge = vec![WIRE_VERSION, 2];
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(Request::decode(&huge).is_err());
        assert!(Response::decode(&huge).is_err());
        assert_eq!(Request::decode(&[9, 1]), Err(WireError::UnsupportedVersion(9)));
        assert_eq!(Request::decode(&[WIRE_VERSION, 7]), Err(WireError::UnknownTag(7)));
        let mut trailing = Request::Announce(vec![]).encode();
        trailing.push(0);
        assert!(Request::decode(&trailing).is_err());
    }

    #[test]
    fn blob_messages_round_trip_within_their_limits() {
        let hash = BlobHash([3; 32]);
        let request = BlobRequest::Groups { hash, size: 100_000, indices: vec![0, 5, 6] };
        assert_eq!(BlobRequest::decode(&request.encode()), Ok(request));
        let groups = BlobResponse::Groups(vec![
            GroupData { index: 0, data: vec![1; GROUP_BYTES], proof: vec![2; 96] },
            GroupData { index: 6, data: vec![3; 10], proof: vec![] },
        ]);
        assert_eq!(BlobResponse::decode(&groups.encode()), Ok(groups));
        let refused = BlobResponse::Refused("missing".into());
        assert_eq!(BlobResponse::decode(&refused.encode()), Ok(refused));
        let piece = BlobRequest::Piece { hash, size: 100_000, index: 3, offset: 4096, len: 4096 };
        assert_eq!(BlobRequest::decode(&piece.encode()), Ok(piece));
        let outside = BlobRequest::Piece { hash, size: 100_000, index: 3, offset: 16_000, len: 4096 };
        assert!(BlobRequest::decode(&outside.encode()).is_err());
        let empty = BlobRequest::Piece { hash, size: 100_000, index: 3, offset: 0, len: 0 };
        assert!(BlobRequest::decode(&empty.encode()).is_err());
        let data = GroupData { index: 3, data: vec![7; 4096], proof: vec![1; 64] };
        let piece = BlobResponse::Piece { offset: 12_288, data };
        assert_eq!(BlobResponse::decode(&piece.encode()), Ok(piece));
        let past =
            BlobResponse::Piece { offset: 12_289, data: GroupData { index: 3, data: vec![7; 4096], proof: vec![] } };
        assert!(BlobResponse::decode(&past.encode()).is_err());
        let too_many = BlobRequest::Groups { hash, size: 1, indices: vec![0; MAX_GROUPS + 1] };
        assert_eq!(BlobRequest::decode(&too_many.encode()), Err(WireError::Malformed("too many groups")));
        let oversized =
            BlobResponse::Groups(vec![GroupData { index: 0, data: vec![0; GROUP_BYTES + 1], proof: vec![] }]);
        assert!(BlobResponse::decode(&oversized.encode()).is_err());
        let ragged = BlobResponse::Groups(vec![GroupData { index: 0, data: vec![], proof: vec![0; 33] }]);
        assert!(BlobResponse::decode(&ragged.encode()).is_err());
        // The largest reply fits a frame.
        let largest = BlobResponse::Groups(
            (0..MAX_GROUPS as u64)
                .map(|index| GroupData { index, data: vec![0; GROUP_BYTES], proof: vec![0; MAX_PROOF_BYTES] })
                .collect(),
        );
        assert!(largest.encode().len() <= MAX_MESSAGE_BYTES);
    }

    /// Found by the `wire` fuzz target: a `Refused` reason that was not
    /// UTF-8, or longer than the limit, decoded (lossily) into a message
    /// that encodes to other bytes.
    #[test]
    fn a_refused_reason_is_strict_utf8_within_its_limit() {
        let refused = |reason: &[u8]| {
            let mut message = vec![WIRE_VERSION, 4];
            message.extend_from_slice(&(reason.len() as u16).to_be_bytes());
            message.extend_from_slice(reason);
            Response::decode(&message)
        };
        assert_eq!(refused(&[0xff, 0xf6]), Err(WireError::Malformed("reason is not UTF-8")));
        assert_eq!(refused(&[b'a'; MAX_REASON_BYTES + 1]), Err(WireError::Malformed("reason over its size limit")));
        assert_eq!(refused("é".as_bytes()), Ok(Response::Refused("é".into())));
        let longest = Response::Refused("x".repeat(MAX_REASON_BYTES));
        assert_eq!(Response::decode(&longest.encode()), Ok(longest));
        let crash = include_bytes!("../../fuzz/regressions/wire/refused-reason-not-utf8");
        assert!(Response::decode(crash).is_err());
    }
}
