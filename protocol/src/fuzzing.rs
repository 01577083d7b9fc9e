//! The bodies of the fuzz targets that reach this crate (`fuzz/`), shared
//! with the stable test that replays their corpora
//! (`protocol/tests/fuzz_corpus.rs`), so both run exactly the same code.
//! Each takes arbitrary bytes, feeds them to a real decoder, and panics only
//! when a property the decoder promises is broken. Not an API.

use crate::entry::{Entry, EntryHeader, EntryId, EntryKind};
use crate::keys::SecretKey;
use crate::network::NetworkId;
use crate::wire::{BlobRequest, BlobResponse, Request, Response};

/// The network the signed targets' entries belong to.
pub const NETWORK: NetworkId = NetworkId([7; 32]);

/// The creator key of the signed targets.
pub fn creator() -> SecretKey {
    SecretKey::from_seed([1; 32])
}

/// A second key, for entries by someone other than the creator.
pub fn other_author() -> SecretKey {
    SecretKey::from_seed([2; 32])
}

/// `Entry::decode` and `Entry::decode_create` over arbitrary bytes: an
/// entry that decodes is exactly the bytes it came from.
pub fn entry_decode(data: &[u8]) {
    if let Ok(entry) = Entry::decode(data) {
        assert_eq!(entry.encoded(), data);
        assert_eq!(entry.id(), EntryId::of(data));
    }
    let _ = Entry::decode_create(data, &NETWORK);
}

/// Arbitrary payloads in *validly signed* entries, so decoding gets past
/// the signature to the payload rules (automerge changes, grants,
/// withdrawals). Input: `kind byte ‖ flags ‖ payload`; flag bit 0 signs
/// with a key other than the creator's.
pub fn entry_signed(data: &[u8]) {
    let [kind, flags, payload @ ..] = data else { return };
    let kind = [EntryKind::Create, EntryKind::Change, EntryKind::Grant, EntryKind::Withdraw, EntryKind::Statement]
        [usize::from(kind % 5)];
    let creator = creator();
    let author = if flags & 1 == 1 { other_author() } else { self::creator() };
    let header = EntryHeader {
        network: NETWORK,
        creator: creator.public(),
        nonce: [9; 16],
        author: author.public(),
        timestamp_ms: 1_700_000_000_000,
        kind,
    };
    let signed = Entry::sign_checked(header, payload.to_vec(), &author);
    match Entry::decode_create(signed.encoded(), &NETWORK) {
        Ok((entry, _)) => {
            assert_eq!(entry, signed);
            assert_eq!(Entry::decode(signed.encoded()).as_ref(), Ok(&signed));
        }
        Err(_) => assert!(Entry::decode(signed.encoded()).is_err(), "decode and decode_create disagree"),
    }
}

/// The wire decoders: what decodes encodes back to the same message.
pub fn wire(data: &[u8]) {
    if let Ok(request) = Request::decode(data) {
        let encoded = request.encode();
        assert_eq!(encoded, data, "a request has one encoding");
        assert_eq!(Request::decode(&encoded).as_ref(), Ok(&request));
    }
    if let Ok(response) = Response::decode(data) {
        let encoded = response.encode();
        assert_eq!(encoded, data, "a response has one encoding");
        assert_eq!(Response::decode(&encoded).as_ref(), Ok(&response));
    }
    if let Ok(request) = BlobRequest::decode(data) {
        assert_eq!(request.encode(), data, "a blob request has one encoding");
    }
    if let Ok(response) = BlobResponse::decode(data) {
        assert_eq!(response.encode(), data, "a blob response has one encoding");
    }
}
