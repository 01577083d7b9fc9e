//! The signed entry: the unit of storage and of sync.
//!
//! Every write is one entry. Entries are immutable and content-addressed: the
//! [`EntryId`] is the BLAKE3 hash of the whole signed encoding, so changing
//! any byte changes the id and breaks the signature.
//!
//! ## Encoding, version 1 (all integers big-endian)
//!
//! | bytes | field |
//! | --- | --- |
//! | 1 | format version, `1` |
//! | 32 | network id |
//! | 32 | document creator's public key |
//! | 16 | document nonce |
//! | 32 | author's public key |
//! | 8 | timestamp, milliseconds since the Unix epoch |
//! | 1 | entry kind (1 create, 2 change, 3 grant, 4 withdraw, 5 statement) |
//! | 4 | payload length `n` (at most [`MAX_PAYLOAD_BYTES`]) |
//! | n | payload |
//! | 64 | ed25519 signature by the author over `"convene-entry-v1\0"` and every byte above |
//!
//! The [`DocumentId`] is `BLAKE3("convene-document-v1\0" ‖ creator ‖ nonce)`,
//! so a document is bound to the key that created it and every entry names
//! that key: the write rule (creator or granted co-author) can be checked on
//! receipt.

use std::fmt;

use crate::bytes::Reader;
use crate::document::NewChange;
use crate::keys::{PublicKey, SecretKey};
use crate::network::NetworkId;

/// The encoding version this crate writes and reads.
pub const ENTRY_FORMAT_VERSION: u8 = 1;
/// Largest payload accepted: text only; photos travel as blobs.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;
/// Bytes of an encoded entry besides its payload.
pub const ENTRY_OVERHEAD_BYTES: usize = 1 + 32 + 32 + 16 + 32 + 8 + 1 + 4 + 64;
/// Largest encoded entry.
pub const MAX_ENTRY_BYTES: usize = ENTRY_OVERHEAD_BYTES + MAX_PAYLOAD_BYTES;
/// Longest withdrawal reason.
pub const MAX_WITHDRAW_REASON_BYTES: usize = 2_000;

const SIGNING_CONTEXT: &[u8] = b"convene-entry-v1\0";
const DOCUMENT_ID_CONTEXT: &[u8] = b"convene-document-v1\0";

hash_id!(EntryId, "a signed entry");
hash_id!(DocumentId, "a document (its creator and nonce)");

impl EntryId {
    /// The id of the entry encoded as `encoded`: the BLAKE3 hash of its bytes.
    pub fn of(encoded: &[u8]) -> Self {
        Self(*blake3::hash(encoded).as_bytes())
    }
}

impl DocumentId {
    /// The id of the document `creator` made with `nonce`.
    pub fn derive(creator: &PublicKey, nonce: &[u8; 16]) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(DOCUMENT_ID_CONTEXT);
        hasher.update(creator.as_bytes());
        hasher.update(nonce);
        Self(*hasher.finalize().as_bytes())
    }
}

/// What an entry does to its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The first automerge change of a new document.
    Create,
    /// A later automerge change (an edit).
    Change,
    /// The creator grants the key in the payload the right to add changes.
    Grant,
    /// The creator withdraws the document: every node purges its content.
    Withdraw,
    /// A statement of the secretariat's desk (`statement.rs`): its own
    /// one-entry document, by its creator.
    Statement,
}

impl EntryKind {
    fn to_byte(self) -> u8 {
        match self {
            Self::Create => 1,
            Self::Change => 2,
            Self::Grant => 3,
            Self::Withdraw => 4,
            Self::Statement => 5,
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        Some(match byte {
            1 => Self::Create,
            2 => Self::Change,
            3 => Self::Grant,
            4 => Self::Withdraw,
            5 => Self::Statement,
            _ => return None,
        })
    }
}

/// Why an entry was rejected. Each names the rule it broke.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EntryError {
    /// Shorter than its header says, or with bytes left over.
    #[error("entry is truncated or has trailing bytes")]
    Malformed,
    /// Written by a newer or unknown version.
    #[error("entry format version {0} is not supported (this node reads version 1); upgrade Convene")]
    UnsupportedVersion(u8),
    /// Unknown entry kind byte.
    #[error("unknown entry kind {0}")]
    UnknownKind(u8),
    /// Payload larger than the limit.
    #[error("entry payload of {size} bytes exceeds the limit of {MAX_PAYLOAD_BYTES} bytes")]
    TooLarge {
        /// The payload's size.
        size: usize,
    },
    /// A key in the header is not a valid ed25519 key.
    #[error("entry names an invalid public key")]
    InvalidKey,
    /// The signature does not match the author and the content.
    #[error("signature does not verify: the entry was altered or forged")]
    BadSignature,
    /// The entry belongs to another network.
    #[error("entry belongs to network {found}, not this node's network {expected}")]
    WrongNetwork {
        /// This node's network.
        expected: NetworkId,
        /// The entry's network.
        found: NetworkId,
    },
    /// Only the creator may grant or withdraw.
    #[error("only the document's creator may {0}")]
    NotCreator(&'static str),
    /// The payload does not fit the entry kind.
    #[error("invalid payload for a {kind:?} entry: {reason}")]
    BadPayload {
        /// The entry's kind.
        kind: EntryKind,
        /// What is wrong.
        reason: String,
    },
}

/// The unsigned part of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryHeader {
    /// The network the entry belongs to.
    pub network: NetworkId,
    /// The key that created the document.
    pub creator: PublicKey,
    /// The creator's nonce for the document.
    pub nonce: [u8; 16],
    /// The key that signed this entry.
    pub author: PublicKey,
    /// Milliseconds since the Unix epoch, as the author's clock said.
    pub timestamp_ms: u64,
    /// What the entry does.
    pub kind: EntryKind,
}

/// A signed, immutable entry. Construct with [`Entry::sign`] or
/// [`Entry::decode`]; both guarantee a valid signature.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    header: EntryHeader,
    payload: Vec<u8>,
    encoded: Vec<u8>,
    id: EntryId,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("id", &self.id)
            .field("document", &self.document())
            .field("kind", &self.header.kind)
            .field("author", &self.header.author)
            .field("payload_bytes", &self.payload.len())
            .finish()
    }
}

impl Entry {
    /// Signs a new entry. The payload must satisfy the kind's rules.
    pub fn sign(header: EntryHeader, payload: Vec<u8>, secret: &SecretKey) -> Result<Self, EntryError> {
        if secret.public() != header.author {
            return Err(EntryError::BadSignature);
        }
        check_payload(&header, &payload)?;
        Ok(Self::sign_checked(header, payload, secret))
    }

    /// Signs a new `Create` or `Change` entry carrying a change this process
    /// just built: the same checks as [`Entry::sign`] but for parsing the
    /// change again, which its type makes needless.
    pub fn sign_change(header: EntryHeader, change: NewChange, secret: &SecretKey) -> Result<Self, EntryError> {
        if secret.public() != header.author {
            return Err(EntryError::BadSignature);
        }
        let bad = |reason: &str| EntryError::BadPayload { kind: header.kind, reason: reason.to_owned() };
        match header.kind {
            EntryKind::Create if header.author != header.creator => return Err(EntryError::NotCreator("create it")),
            EntryKind::Create | EntryKind::Change => {}
            EntryKind::Grant | EntryKind::Withdraw | EntryKind::Statement => {
                return Err(bad("a change belongs in a create or change entry"));
            }
        }
        if *change.author() != header.author {
            return Err(bad("the change's actor is not the entry's author"));
        }
        if change.bytes().len() > MAX_PAYLOAD_BYTES {
            return Err(EntryError::TooLarge { size: change.bytes().len() });
        }
        Ok(Self::sign_checked(header, change.into(), secret))
    }

    pub(crate) fn sign_checked(header: EntryHeader, payload: Vec<u8>, secret: &SecretKey) -> Self {
        let mut encoded = Vec::with_capacity(ENTRY_OVERHEAD_BYTES + payload.len());
        encode_unsigned(&header, &payload, &mut encoded);
        let signature = secret.sign(&signing_message(&encoded));
        encoded.extend_from_slice(&signature);
        let id = EntryId::of(&encoded);
        Self { header, payload, encoded, id }
    }

    /// Decodes and verifies an entry: layout, version, sizes, keys, payload
    /// rules and signature. Any altered byte fails here.
    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        Self::decode_parsed(bytes).map(|(entry, _)| entry)
    }

    /// Decodes and verifies like [`Entry::decode_for`], and for a `Create`
    /// also reads the fields its change sets, from the change parsed for
    /// the check (so it is parsed once). The fields are `None` for other
    /// kinds, and when the change builds no document (storing says why).
    pub fn decode_create(
        bytes: &[u8],
        network: &NetworkId,
    ) -> Result<(Self, Option<serde_json::Map<String, serde_json::Value>>), EntryError> {
        let (entry, change) = Self::decode_parsed(bytes)?;
        entry.check_network(network)?;
        let fields = match (entry.header.kind, change) {
            (EntryKind::Create, Some(change)) => crate::document::materialise_one(change).ok(),
            _ => None,
        };
        Ok((entry, fields))
    }

    fn decode_parsed(bytes: &[u8]) -> Result<(Self, Option<automerge::Change>), EntryError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge { size: bytes.len().saturating_sub(ENTRY_OVERHEAD_BYTES) });
        }
        let mut reader = Reader::new(bytes);
        let version = reader.u8().ok_or(EntryError::Malformed)?;
        if version != ENTRY_FORMAT_VERSION {
            return Err(EntryError::UnsupportedVersion(version));
        }
        let network = NetworkId(reader.array().ok_or(EntryError::Malformed)?);
        let creator = read_key(&mut reader)?;
        let nonce = reader.array().ok_or(EntryError::Malformed)?;
        let author = read_key(&mut reader)?;
        let timestamp_ms = reader.u64().ok_or(EntryError::Malformed)?;
        let kind_byte = reader.u8().ok_or(EntryError::Malformed)?;
        let kind = EntryKind::from_byte(kind_byte).ok_or(EntryError::UnknownKind(kind_byte))?;
        let length = reader.u32().ok_or(EntryError::Malformed)? as usize;
        if length > MAX_PAYLOAD_BYTES {
            return Err(EntryError::TooLarge { size: length });
        }
        let payload = reader.take(length).ok_or(EntryError::Malformed)?.to_vec();
        let signature: [u8; 64] = reader.array().ok_or(EntryError::Malformed)?;
        if reader.remaining() != 0 {
            return Err(EntryError::Malformed);
        }
        let header = EntryHeader { network, creator, nonce, author, timestamp_ms, kind };
        let unsigned = &bytes[..bytes.len() - 64];
        if !author.verify(&signing_message(unsigned), &signature) {
            return Err(EntryError::BadSignature);
        }
        let change = check_payload(&header, &payload)?;
        let id = EntryId::of(bytes);
        Ok((Self { header, payload, encoded: bytes.to_vec(), id }, change))
    }

    /// Decodes and verifies, and checks the entry belongs to `network`.
    pub fn decode_for(bytes: &[u8], network: &NetworkId) -> Result<Self, EntryError> {
        let entry = Self::decode(bytes)?;
        entry.check_network(network)?;
        Ok(entry)
    }

    fn check_network(&self, network: &NetworkId) -> Result<(), EntryError> {
        if self.header.network != *network {
            return Err(EntryError::WrongNetwork { expected: *network, found: self.header.network });
        }
        Ok(())
    }

    /// The content address.
    pub fn id(&self) -> EntryId {
        self.id
    }

    /// The document this entry belongs to.
    pub fn document(&self) -> DocumentId {
        DocumentId::derive(&self.header.creator, &self.header.nonce)
    }

    /// The signed header.
    pub fn header(&self) -> &EntryHeader {
        &self.header
    }

    /// The payload: an automerge change, a granted key or a reason.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The full signed encoding, as stored and sent.
    pub fn encoded(&self) -> &[u8] {
        &self.encoded
    }

    /// For a grant: the key granted.
    pub fn granted_key(&self) -> Option<PublicKey> {
        (self.header.kind == EntryKind::Grant)
            .then(|| PublicKey::from_bytes(self.payload.as_slice().try_into().ok()?).ok())
            .flatten()
    }
}

fn read_key(reader: &mut Reader<'_>) -> Result<PublicKey, EntryError> {
    let bytes = reader.array().ok_or(EntryError::Malformed)?;
    PublicKey::from_bytes(bytes).map_err(|_| EntryError::InvalidKey)
}

fn encode_unsigned(header: &EntryHeader, payload: &[u8], out: &mut Vec<u8>) {
    out.push(ENTRY_FORMAT_VERSION);
    out.extend_from_slice(&header.network.0);
    out.extend_from_slice(header.creator.as_bytes());
    out.extend_from_slice(&header.nonce);
    out.extend_from_slice(header.author.as_bytes());
    out.extend_from_slice(&header.timestamp_ms.to_be_bytes());
    out.push(header.kind.to_byte());
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
}

fn signing_message(unsigned: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIGNING_CONTEXT.len() + unsigned.len());
    message.extend_from_slice(SIGNING_CONTEXT);
    message.extend_from_slice(unsigned);
    message
}

/// The rules an entry's payload must follow, checkable without any state.
/// (Whether a non-creator author was granted is the store's to check.)
/// Checks the payload against its kind's rules; a change comes back parsed.
fn check_payload(header: &EntryHeader, payload: &[u8]) -> Result<Option<automerge::Change>, EntryError> {
    let bad = |reason: &str| EntryError::BadPayload { kind: header.kind, reason: reason.to_owned() };
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(EntryError::TooLarge { size: payload.len() });
    }
    match header.kind {
        EntryKind::Create | EntryKind::Change => {
            if header.kind == EntryKind::Create && header.author != header.creator {
                return Err(EntryError::NotCreator("create it"));
            }
            crate::document::check_change(payload, &header.author).map(Some).map_err(|reason| bad(&reason))
        }
        EntryKind::Grant => {
            if header.author != header.creator {
                return Err(EntryError::NotCreator("grant co-authorship"));
            }
            let key: [u8; 32] = payload.try_into().map_err(|_| bad("expected a 32-byte public key"))?;
            PublicKey::from_bytes(key).map_err(|_| bad("not a valid ed25519 key"))?;
            Ok(None)
        }
        EntryKind::Withdraw => {
            if header.author != header.creator {
                return Err(EntryError::NotCreator("withdraw it"));
            }
            if payload.len() > MAX_WITHDRAW_REASON_BYTES {
                return Err(bad("reason is too long"));
            }
            std::str::from_utf8(payload).map_err(|_| bad("reason is not UTF-8 text"))?;
            Ok(None)
        }
        EntryKind::Statement => {
            if header.author != header.creator {
                return Err(EntryError::NotCreator("make a statement"));
            }
            crate::statement::Signed::decode(payload).map_err(|error| bad(&error.to_string()))?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(secret: &SecretKey, kind: EntryKind) -> EntryHeader {
        EntryHeader {
            network: NetworkId([3; 32]),
            creator: secret.public(),
            nonce: [5; 16],
            author: secret.public(),
            timestamp_ms: 1_700_000_000_000,
            kind,
        }
    }

    #[test]
    fn a_create_decodes_with_its_fields_and_other_kinds_without() {
        let secret = SecretKey::from_seed([4; 32]);
        let fields = serde_json::json!({"kind": "case_study", "title": "Kisumu"}).as_object().unwrap().clone();
        let change = crate::document::create_change(&secret.public(), &fields, 1);
        let create = Entry::sign_change(header(&secret, EntryKind::Create), change, &secret).unwrap();
        let network = NetworkId([3; 32]);
        let (decoded, read) = Entry::decode_create(create.encoded(), &network).unwrap();
        assert_eq!((decoded, read), (create.clone(), Some(fields)));
        let withdraw = Entry::sign(header(&secret, EntryKind::Withdraw), b"gone".to_vec(), &secret).unwrap();
        assert_eq!(Entry::decode_create(withdraw.encoded(), &network).unwrap(), (withdraw, None));
        assert!(matches!(
            Entry::decode_create(create.encoded(), &NetworkId([9; 32])),
            Err(EntryError::WrongNetwork { .. })
        ));
    }

    #[test]
    fn withdraw_entry_round_trips() {
        let secret = SecretKey::from_seed([1; 32]);
        let entry = Entry::sign(header(&secret, EntryKind::Withdraw), b"duplicate".to_vec(), &secret).unwrap();
        let again = Entry::decode(entry.encoded()).unwrap();
        assert_eq!(again, entry);
        assert_eq!(again.id(), entry.id());
        assert_eq!(entry.encoded().len(), ENTRY_OVERHEAD_BYTES + 9);
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        let secret = SecretKey::from_seed([1; 32]);
        let entry = Entry::sign(header(&secret, EntryKind::Withdraw), b"why".to_vec(), &secret).unwrap();
        for index in 0..entry.encoded().len() {
            for bit in 0..8 {
                let mut bytes = entry.encoded().to_vec();
                bytes[index] ^= 1 << bit;
                assert!(Entry::decode(&bytes).is_err(), "byte {index} bit {bit}");
            }
        }
    }

    #[test]
    fn only_the_creator_may_withdraw_or_grant() {
        let creator = SecretKey::from_seed([1; 32]);
        let other = SecretKey::from_seed([2; 32]);
        let mut forged = header(&creator, EntryKind::Withdraw);
        forged.author = other.public();
        assert_eq!(Entry::sign(forged, vec![], &other), Err(EntryError::NotCreator("withdraw it")));
        let mut grant = header(&creator, EntryKind::Grant);
        grant.author = other.public();
        let payload = other.public().as_bytes().to_vec();
        assert!(Entry::sign(grant, payload, &other).is_err());
    }

    #[test]
    fn wrong_network_is_refused() {
        let secret = SecretKey::from_seed([1; 32]);
        let entry = Entry::sign(header(&secret, EntryKind::Withdraw), vec![], &secret).unwrap();
        let error = Entry::decode_for(entry.encoded(), &NetworkId([4; 32])).unwrap_err();
        assert!(matches!(error, EntryError::WrongNetwork { .. }));
    }

    #[test]
    fn oversized_entries_are_refused_before_parsing() {
        let bytes = vec![1u8; MAX_ENTRY_BYTES + 1];
        assert!(matches!(Entry::decode(&bytes), Err(EntryError::TooLarge { .. })));
    }
}
