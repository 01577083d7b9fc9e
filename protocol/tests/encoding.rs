//! Property tests: every encoding round-trips, and any altered byte fails.

use convene_protocol::attachment::Limits;
use convene_protocol::document;
use convene_protocol::entry::{Entry, EntryHeader, EntryKind, MAX_WITHDRAW_REASON_BYTES};
use convene_protocol::keys::{EncryptionSecretKey, PublicKey, SecretKey};
use convene_protocol::network::{Genesis, NetworkId};
use convene_protocol::seal;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn header(secret: &SecretKey, kind: EntryKind, timestamp_ms: u64, nonce: [u8; 16]) -> EntryHeader {
    EntryHeader {
        network: NetworkId([7; 32]),
        creator: secret.public(),
        nonce,
        author: secret.public(),
        timestamp_ms,
        kind,
    }
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
    ]
}

fn json_fields() -> impl Strategy<Value = Map<String, Value>> {
    let value = json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("[a-z_]{1,12}", value, 0..8).prop_map(|map| map.into_iter().collect())
}

proptest! {
    #[test]
    fn withdraw_entries_round_trip(seed in any::<[u8; 32]>(), timestamp in any::<u64>(), nonce in any::<[u8; 16]>(),
                                   reason in ".{0,200}") {
        prop_assume!(reason.len() <= MAX_WITHDRAW_REASON_BYTES);
        let secret = SecretKey::from_seed(seed);
        let entry = Entry::sign(header(&secret, EntryKind::Withdraw, timestamp, nonce), reason.into_bytes(), &secret).unwrap();
        let decoded = Entry::decode(entry.encoded()).unwrap();
        prop_assert_eq!(decoded.id(), entry.id());
        prop_assert_eq!(decoded, entry);
    }

    #[test]
    fn fields_round_trip_through_signed_create_entries(seed in any::<[u8; 32]>(), fields in json_fields(), timestamp in 0u64..1 << 50) {
        let secret = SecretKey::from_seed(seed);
        let change = document::create_change(&secret.public(), &fields, timestamp);
        let entry = Entry::sign_change(header(&secret, EntryKind::Create, timestamp, [0; 16]), change, &secret).unwrap();
        let decoded = Entry::decode(entry.encoded()).unwrap();
        prop_assert_eq!(document::materialise(&[decoded.payload().to_vec()]).unwrap(), fields);
    }

    #[test]
    fn any_altered_byte_of_a_create_entry_fails(fields in json_fields(), index in any::<prop::sample::Index>(), bit in 0u8..8) {
        let secret = SecretKey::from_seed([3; 32]);
        let change = document::create_change(&secret.public(), &fields, 1);
        let entry = Entry::sign(header(&secret, EntryKind::Create, 1, [0; 16]), change.into(), &secret).unwrap();
        let mut bytes = entry.encoded().to_vec();
        let at = index.index(bytes.len());
        bytes[at] ^= 1 << bit;
        prop_assert!(Entry::decode(&bytes).is_err());
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = Entry::decode(&bytes);
    }

    #[test]
    fn sealed_data_round_trips(plaintext in prop::collection::vec(any::<u8>(), 0..512)) {
        let secret = EncryptionSecretKey::generate();
        let sealed = seal::seal(&secret.public(), &plaintext, b"context");
        prop_assert_eq!(seal::open(&secret, &sealed, b"context").unwrap(), plaintext);
    }

    #[test]
    fn did_keys_round_trip(seed in any::<[u8; 32]>()) {
        let key = SecretKey::from_seed(seed).public();
        prop_assert_eq!(key.to_did_key().parse::<PublicKey>().unwrap(), key);
    }

    #[test]
    fn genesis_round_trips(name in "[a-zA-Z0-9 ]{1,40}", created in any::<u64>()) {
        prop_assume!(!name.trim().is_empty());
        let signing = SecretKey::from_seed([5; 32]);
        let genesis = Genesis::create(&name, created, &signing, EncryptionSecretKey::generate().public(), Limits::DEFAULT).unwrap();
        let again = Genesis::from_json(&serde_json::to_string(&genesis).unwrap()).unwrap();
        prop_assert_eq!(again.network_id(), genesis.network_id());
    }
}

#[test]
fn a_change_signed_by_one_key_cannot_be_attributed_to_another() {
    let author = SecretKey::from_seed([1; 32]);
    let thief = SecretKey::from_seed([2; 32]);
    let change = document::create_change(&author.public(), &Map::new(), 1);
    let mut forged_header = header(&thief, EntryKind::Create, 1, [0; 16]);
    forged_header.creator = thief.public();
    assert!(
        Entry::sign(forged_header.clone(), change.clone().into(), &thief).is_err(),
        "the change's actor must be the entry's author"
    );
    assert!(Entry::sign_change(forged_header, change, &thief).is_err(), "also when signed as a new change");
}
