//! Identities and keys.
//!
//! An author is an ed25519 key pair; its public half is shown to people as a
//! `did:key` (multicodec `0xed01`, base58btc). The secretariat also holds an
//! x25519 key pair that personal data is sealed to (see [`crate::seal`]).
//! Secret types never implement `Display` or `Serialize`, and their `Debug`
//! prints only the public half, so no log line can leak them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use ed25519_dalek::Signer;
use zeroize::Zeroizing;

/// What went wrong reading a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The text is not a `did:key` for an ed25519 key.
    #[error("`{0}` is not an ed25519 did:key (expected `did:key:z6Mk...`)")]
    NotDidKey(String),
    /// The bytes are not a valid ed25519 point.
    #[error("the public key is not a valid ed25519 key")]
    InvalidPublicKey,
    /// Hex text of the wrong form or length.
    #[error("expected {expected} bytes as hexadecimal text")]
    BadHex {
        /// How many bytes were expected.
        expected: usize,
    },
}

/// The decompressed form of a key: decompressing costs a square root, and
/// a node checks the same few authors' keys thousands of times. Each thread
/// keeps the last keys it saw (forgetting all at 1,024, so hostile input
/// cannot grow it).
fn verifying_key(bytes: &[u8; 32]) -> Option<ed25519_dalek::VerifyingKey> {
    thread_local! {
        static KNOWN: RefCell<HashMap<[u8; 32], ed25519_dalek::VerifyingKey>> = RefCell::new(HashMap::new());
    }
    KNOWN.with_borrow_mut(|known| {
        if let Some(key) = known.get(bytes) {
            return Some(*key);
        }
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).ok()?;
        if known.len() >= 1024 {
            known.clear();
        }
        known.insert(*bytes, key);
        Some(key)
    })
}

const DID_KEY_PREFIX: &str = "did:key:z";
const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];

/// An author's public key (ed25519).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// Checks that the bytes are a valid ed25519 public key.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
        verifying_key(&bytes).ok_or(KeyError::InvalidPublicKey)?;
        Ok(Self(bytes))
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The `did:key:z6Mk…` form.
    pub fn to_did_key(&self) -> String {
        let mut raw = Vec::with_capacity(34);
        raw.extend_from_slice(&ED25519_MULTICODEC);
        raw.extend_from_slice(&self.0);
        format!("{DID_KEY_PREFIX}{}", bs58::encode(raw).into_string())
    }

    /// Verifies an ed25519 signature over `message` (strict: rejects
    /// malleable and small-order forms; what passes also passes the
    /// ordinary check).
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let Some(key) = verifying_key(&self.0) else {
            return false;
        };
        key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature)).is_ok()
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_did_key())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_did_key())
    }
}

impl FromStr for PublicKey {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        let not_did = || KeyError::NotDidKey(text.to_owned());
        let encoded = text.strip_prefix(DID_KEY_PREFIX).ok_or_else(not_did)?;
        let raw = bs58::decode(encoded).into_vec().map_err(|_| not_did())?;
        let (codec, key) = raw.split_at_checked(2).ok_or_else(not_did)?;
        if codec != ED25519_MULTICODEC {
            return Err(not_did());
        }
        let key: [u8; 32] = key.try_into().map_err(|_| not_did())?;
        Self::from_bytes(key)
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_did_key())
    }
}

impl<'de> serde::Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An author's secret signing key. Never printed, never serialised.
pub struct SecretKey(ed25519_dalek::SigningKey);

impl SecretKey {
    /// A new key from 32 bytes of fresh randomness supplied by the caller.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// A new random key (uses the operating system's randomness).
    pub fn generate() -> Self {
        Self::from_seed(rand::random())
    }

    /// The seed, for writing to a file only the owner can read.
    pub fn to_seed_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.to_bytes()))
    }

    /// Reads a seed written by [`SecretKey::to_seed_hex`].
    pub fn from_seed_hex(text: &str) -> Result<Self, KeyError> {
        Ok(Self::from_seed(decode_hex32(text)?))
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(public: {})", self.public())
    }
}

/// The secretariat's public encryption key (x25519).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EncryptionPublicKey(pub [u8; 32]);

impl fmt::Debug for EncryptionPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionPublicKey({})", hex::encode(self.0))
    }
}

impl serde::Serialize for EncryptionPublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(self.0))
    }
}

impl<'de> serde::Deserialize<'de> for EncryptionPublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode_hex32(&text).map(Self).map_err(serde::de::Error::custom)
    }
}

/// The secretariat's secret decryption key (x25519). Never printed.
pub struct EncryptionSecretKey(pub(crate) x25519_dalek::StaticSecret);

impl EncryptionSecretKey {
    /// A new random key.
    pub fn generate() -> Self {
        Self(x25519_dalek::StaticSecret::from(rand::random::<[u8; 32]>()))
    }

    /// The public half that submissions are sealed to.
    pub fn public(&self) -> EncryptionPublicKey {
        EncryptionPublicKey(x25519_dalek::PublicKey::from(&self.0).to_bytes())
    }

    /// The secret as hex, for a file only the owner can read.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.to_bytes()))
    }

    /// Reads a key written by [`EncryptionSecretKey::to_hex`].
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Ok(Self(x25519_dalek::StaticSecret::from(decode_hex32(text)?)))
    }
}

impl fmt::Debug for EncryptionSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionSecretKey(public: {:?})", self.public())
    }
}

pub(crate) fn decode_hex32(text: &str) -> Result<[u8; 32], KeyError> {
    let mut out = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(text.trim(), out.as_mut()).map_err(|_| KeyError::BadHex { expected: 32 })?;
    Ok(*out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_key_round_trips_and_has_the_ed25519_prefix() {
        let key = SecretKey::from_seed([7; 32]).public();
        let did = key.to_did_key();
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        assert_eq!(did.parse::<PublicKey>().unwrap(), key);
    }

    #[test]
    fn malformed_did_keys_are_rejected() {
        for text in ["", "did:key:", "did:key:z", "did:web:x", "did:key:z6Mk0OIl"] {
            assert!(text.parse::<PublicKey>().is_err(), "{text}");
        }
    }

    #[test]
    fn signatures_verify_and_detect_tampering() {
        let secret = SecretKey::from_seed([1; 32]);
        let signature = secret.sign(b"hello");
        assert!(secret.public().verify(b"hello", &signature));
        assert!(!secret.public().verify(b"hellp", &signature));
        let other = SecretKey::from_seed([2; 32]).public();
        assert!(!other.verify(b"hello", &signature));
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let secret = SecretKey::from_seed([9; 32]);
        let shown = format!("{secret:?}");
        assert!(!shown.contains(secret.to_seed_hex().as_str()));
        let enc = EncryptionSecretKey::generate();
        assert!(!format!("{enc:?}").contains(enc.to_hex().as_str()));
    }

    #[test]
    fn seeds_round_trip_through_hex() {
        let secret = SecretKey::generate();
        let again = SecretKey::from_seed_hex(&secret.to_seed_hex()).unwrap();
        assert_eq!(again.public(), secret.public());
    }
}
