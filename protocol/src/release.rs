//! Signed releases: the manifest the secretariat signs over a showcase or an
//! export, so that anyone can check it without a network or its server.
//!
//! **What is signed.** A [`Manifest`]: the network id and the secretariat's
//! signing key, when, each published item (its document id and the ids of
//! the entries it was built from), the Merkle root over all those entry
//! ids, and the BLAKE3 hash of every file of the release but the manifest.
//!
//! **A detached ed25519 signature, not a statement entry.** The manifest
//! lives beside the files it describes, on any web server, and must be
//! checkable by whoever holds it and the secretariat's key; it says nothing
//! nodes need to fold into their desk, so it does not travel as an entry.
//! The signature is over [`SIGNING_DOMAIN`] followed by the manifest's
//! canonical bytes: its JSON without the signature, fields in their
//! declared order, maps sorted by key (serde_json's compact form).
//!
//! **The Merkle root** ([`merkle_root`]): the ids sorted and without
//! duplicates; a leaf is `BLAKE3("convene-release-leaf\0" ‖ id)`, a node
//! `BLAKE3("convene-release-node\0" ‖ left ‖ right)`; a level of odd length
//! carries its last hash up unchanged; no id at all gives
//! `BLAKE3("convene-release-empty\0")`. The domain prefixes keep a leaf
//! from passing for a node.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::entry::{DocumentId, EntryId};
use crate::keys::{PublicKey, SecretKey};
use crate::network::NetworkId;

/// What a manifest's signature is over, before its canonical bytes.
pub const SIGNING_DOMAIN: &[u8] = b"convene-release-v1\0";
/// The manifest format this crate writes and reads.
pub const FORMAT: &str = "convene-release/1";

const LEAF: &[u8] = b"convene-release-leaf\0";
const NODE: &[u8] = b"convene-release-node\0";
const EMPTY: &[u8] = b"convene-release-empty\0";

fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(part);
    }
    *hasher.finalize().as_bytes()
}

/// The Merkle root over `ids` (in any order; duplicates count once).
pub fn merkle_root(ids: &[EntryId]) -> [u8; 32] {
    let mut sorted = ids.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut level: Vec<[u8; 32]> = sorted.iter().map(|id| hash(&[LEAF, &id.0])).collect();
    if level.is_empty() {
        return hash(&[EMPTY]);
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| if let [left, right] = pair { hash(&[NODE, left, right]) } else { pair[0] })
            .collect();
    }
    level[0]
}

/// What a release signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The network's id.
    pub network: NetworkId,
    /// The secretariat's signing key, as a `did:key`.
    pub secretariat: String,
    /// When it was signed (ms since the epoch).
    pub created_ms: u64,
    /// Each item's document and the entries it was built from.
    #[serde(deserialize_with = "unique_keys")]
    pub items: BTreeMap<DocumentId, Vec<EntryId>>,
    /// [`merkle_root`] over every item's entries, as hex.
    pub merkle_root: String,
    /// Every file but the manifest: its path (`/`-separated, relative) and
    /// the BLAKE3 hash of its bytes, as lowercase hex.
    #[serde(deserialize_with = "unique_keys")]
    pub files: BTreeMap<String, String>,
    /// The ed25519 signature, as hex; empty while it is being made.
    pub signature: String,
}

/// A JSON object as a map, refused when a key appears twice (serde's own
/// keeps the last, so what a reader sees could differ from what another
/// parser shows).
fn unique_keys<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + std::fmt::Display,
    V: Deserialize<'de>,
{
    struct Unique<K, V>(PhantomData<(K, V)>);

    impl<'de, K, V> Visitor<'de> for Unique<K, V>
    where
        K: Deserialize<'de> + Ord + std::fmt::Display,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object whose keys are all different")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<K, V>()? {
                if found.contains_key(&key) {
                    return Err(A::Error::custom(format!("{key} appears twice")));
                }
                found.insert(key, value);
            }
            Ok(found)
        }
    }

    deserializer.deserialize_map(Unique(PhantomData))
}

/// Why a manifest does not check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseError {
    /// Not this format.
    Format(String),
    /// Its secretariat field is no key.
    Key(String),
    /// The signature does not verify under its secretariat's key.
    Signature,
    /// The Merkle root is not the one of its entries.
    Root,
}

impl std::fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Format(format) => write!(f, "the manifest's format is {format:?}, not {FORMAT:?}"),
            Self::Key(key) => write!(f, "the manifest's secretariat {key:?} is not a did:key"),
            Self::Signature => f.write_str("the manifest's signature does not verify: it was changed after signing"),
            Self::Root => f.write_str("the manifest's Merkle root is not the root of the entry ids it lists"),
        }
    }
}

impl std::error::Error for ReleaseError {}

impl Manifest {
    /// A manifest of `items` and `files`, signed by `secretariat`.
    pub fn signed(
        network: NetworkId,
        secretariat: &SecretKey,
        created_ms: u64,
        items: BTreeMap<DocumentId, Vec<EntryId>>,
        files: BTreeMap<String, String>,
    ) -> Self {
        let entries: Vec<EntryId> = items.values().flatten().copied().collect();
        let mut manifest = Manifest {
            format: FORMAT.to_owned(),
            network,
            secretariat: secretariat.public().to_did_key(),
            created_ms,
            items,
            merkle_root: hex::encode(merkle_root(&entries)),
            files,
            signature: String::new(),
        };
        manifest.signature = hex::encode(secretariat.sign(&manifest.signed_bytes()));
        manifest
    }

    /// What the signature is over.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = Manifest { signature: String::new(), ..self.clone() };
        let mut bytes = SIGNING_DOMAIN.to_vec();
        bytes.extend(serde_json::to_vec(&unsigned).expect("a manifest serialises"));
        bytes
    }

    /// The key it says signed it.
    pub fn signer(&self) -> Result<PublicKey, ReleaseError> {
        self.secretariat.parse().map_err(|_| ReleaseError::Key(self.secretariat.clone()))
    }

    /// Checks its format, its signature under its own key (the caller
    /// compares that key with one it trusts) and its Merkle root.
    pub fn check(&self) -> Result<PublicKey, ReleaseError> {
        if self.format != FORMAT {
            return Err(ReleaseError::Format(self.format.clone()));
        }
        let key = self.signer()?;
        let signature: [u8; 64] =
            hex::decode(&self.signature).ok().and_then(|bytes| bytes.try_into().ok()).ok_or(ReleaseError::Signature)?;
        if !key.verify(&self.signed_bytes(), &signature) {
            return Err(ReleaseError::Signature);
        }
        let entries: Vec<EntryId> = self.items.values().flatten().copied().collect();
        if hex::encode(merkle_root(&entries)) != self.merkle_root {
            return Err(ReleaseError::Root);
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> EntryId {
        EntryId([byte; 32])
    }

    fn b3(parts: &[&[u8]]) -> [u8; 32] {
        let mut all = Vec::new();
        for part in parts {
            all.extend_from_slice(part);
        }
        *blake3::hash(&all).as_bytes()
    }

    #[test]
    fn the_root_of_three_ids_is_computed_as_documented() {
        let leaf = |byte: u8| b3(&[b"convene-release-leaf\0", &[byte; 32]]);
        let left = b3(&[b"convene-release-node\0", &leaf(1), &leaf(2)]);
        // The third leaf is carried up unchanged, then joined.
        let root = b3(&[b"convene-release-node\0", &left, &leaf(3)]);
        assert_eq!(merkle_root(&[id(1), id(2), id(3)]), root);
        assert_eq!(merkle_root(&[id(7)]), leaf(7));
        assert_eq!(merkle_root(&[]), b3(&[b"convene-release-empty\0"]));
    }

    #[test]
    fn the_root_ignores_order_and_duplicates_and_changes_with_any_id() {
        let ids: Vec<EntryId> = (0..9).map(id).collect();
        let mut shuffled = ids.clone();
        shuffled.reverse();
        shuffled.push(id(4));
        assert_eq!(merkle_root(&ids), merkle_root(&shuffled));
        for at in 0..ids.len() {
            let mut changed = ids.clone();
            changed[at].0[31] ^= 1;
            assert_ne!(merkle_root(&changed), merkle_root(&ids), "changing id {at}");
        }
        assert_ne!(merkle_root(&ids[..8]), merkle_root(&ids), "one id fewer");
    }

    fn manifest(key: &SecretKey) -> Manifest {
        let items = BTreeMap::from([(DocumentId([9; 32]), vec![id(1), id(2)]), (DocumentId([8; 32]), vec![id(3)])]);
        let files = BTreeMap::from([("index.html".to_owned(), "ab".repeat(32))]);
        Manifest::signed(NetworkId([5; 32]), key, 1_780_000_000_000, items, files)
    }

    #[test]
    fn a_signed_manifest_checks_and_any_change_breaks_it() {
        let key = SecretKey::generate();
        let good = manifest(&key);
        assert_eq!(good.check(), Ok(key.public()));
        assert_eq!(good.merkle_root, hex::encode(merkle_root(&[id(1), id(2), id(3)])));
        let text = serde_json::to_string(&good).unwrap();
        let read: Manifest = serde_json::from_str(&text).unwrap();
        assert_eq!(read.check(), Ok(key.public()), "it survives its JSON");

        let mut file = good.clone();
        file.files.insert("index.html".into(), "cd".repeat(32));
        assert_eq!(file.check(), Err(ReleaseError::Signature));
        let mut item = good.clone();
        item.items.insert(DocumentId([7; 32]), vec![id(4)]);
        assert_eq!(item.check(), Err(ReleaseError::Signature));
        let mut when = good.clone();
        when.created_ms += 1;
        assert_eq!(when.check(), Err(ReleaseError::Signature));

        // Signed by another key: it checks under that key, which is why the
        // caller compares it with the key it trusts.
        let other = SecretKey::generate();
        let mut forged = manifest(&other);
        forged.secretariat = good.secretariat.clone();
        assert_eq!(forged.check(), Err(ReleaseError::Signature));
        assert_eq!(manifest(&other).check(), Ok(other.public()));

        let mut root = good.clone();
        root.merkle_root = "00".repeat(32);
        root.signature = hex::encode(key.sign(&root.signed_bytes()));
        assert_eq!(root.check(), Err(ReleaseError::Root), "a root that is not its entries' fails even signed");
        assert!(serde_json::from_str::<Manifest>(&text.replace("\"format\"", "\"extra\":1,\"format\"")).is_err());
    }

    #[test]
    fn a_key_twice_in_files_or_items_is_refused() {
        let good = manifest(&SecretKey::generate());
        let text = serde_json::to_string(&good).unwrap();
        let file = format!("\"index.html\":\"{}\"", "ab".repeat(32));
        let twice = text.replace(&file, &format!("\"index.html\":\"{}\",{file}", "cd".repeat(32)));
        let error = serde_json::from_str::<Manifest>(&twice).unwrap_err().to_string();
        assert!(error.contains("index.html appears twice"), "{error}");
        let document = DocumentId([8; 32]).to_string();
        let item = format!("\"{document}\":[\"{}\"]", id(3));
        assert!(text.contains(&item), "{text}");
        let twice = text.replace(&item, &format!("{item},\"{document}\":[]"));
        let error = serde_json::from_str::<Manifest>(&twice).unwrap_err().to_string();
        assert!(error.contains(&format!("{document} appears twice")), "{error}");
    }
}
