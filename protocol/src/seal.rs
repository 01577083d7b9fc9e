//! Personal data sealed to the secretariat.
//!
//! A sealed box: an x25519 Diffie–Hellman between an ephemeral key and the
//! secretariat's encryption key, a BLAKE3 key derived from the shared
//! secret, both public keys and a random salt, then ChaCha20-Poly1305.
//! Relaying hubs carry the ciphertext and cannot read it; only a node holding
//! the secretariat's secret can open it. Layout: `ephemeral public key (32) ‖
//! salt (16) ‖ ciphertext with tag`.
//!
//! A box is bound to what it belongs to: the caller's `context` (for a
//! contact, its document's id) is the AEAD's associated data, so a box
//! copied into another document fails to open.
//!
//! A [`Sealer`] makes one ephemeral key and one key agreement for many boxes
//! (an import seals thousands; the agreement is the costly part). The salt
//! makes every box's key unique, so the fixed nonce is never reused under
//! one key. Boxes of one sealer share their ephemeral public key, which
//! says only that they were sealed together: by the same author, whose key
//! signs each entry anyway.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use zeroize::Zeroizing;

use crate::keys::{EncryptionPublicKey, EncryptionSecretKey};

const KDF_CONTEXT: &str = "convene seal v1 2026 personal data";
/// Largest plaintext sealed.
pub const MAX_SEALED_PLAINTEXT: usize = 4 * 1024;

/// Why a sealed box could not be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// Too short or too long to be a sealed box.
    #[error("sealed data is malformed")]
    Malformed,
    /// Sealed to another key, for another context, or altered.
    #[error(
        "sealed data cannot be opened with this key (sealed to another network's secretariat, copied from another submission, or altered)"
    )]
    WrongKeyOrAltered,
}

const SALT: usize = 16;
const HEADER: usize = 32 + SALT;

fn cipher(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32], salt: &[u8; SALT]) -> ChaCha20Poly1305 {
    let mut material = Zeroizing::new([0u8; 96 + SALT]);
    material[..32].copy_from_slice(shared);
    material[32..64].copy_from_slice(ephemeral);
    material[64..96].copy_from_slice(recipient);
    material[96..].copy_from_slice(salt);
    let key = Zeroizing::new(blake3::derive_key(KDF_CONTEXT, &*material));
    ChaCha20Poly1305::new(&Key::from(*key))
}

/// Seals many plaintexts to one recipient with one key agreement.
pub struct Sealer {
    recipient: [u8; 32],
    ephemeral_public: [u8; 32],
    shared: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer").field("ephemeral_public", &self.ephemeral_public).finish_non_exhaustive()
    }
}

impl Sealer {
    /// A sealer to `recipient`; `ephemeral_seed` must be fresh randomness.
    pub fn with_seed(recipient: &EncryptionPublicKey, ephemeral_seed: [u8; 32]) -> Self {
        let ephemeral = x25519_dalek::StaticSecret::from(ephemeral_seed);
        let ephemeral_public = x25519_dalek::PublicKey::from(&ephemeral).to_bytes();
        let shared = Zeroizing::new(ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(recipient.0)).to_bytes());
        Self { recipient: recipient.0, ephemeral_public, shared }
    }

    /// A sealer to `recipient` with a fresh ephemeral key.
    pub fn new(recipient: &EncryptionPublicKey) -> Self {
        Self::with_seed(recipient, rand::random())
    }

    /// Seals `plaintext`, bound to `context`, under `salt`, which must be
    /// fresh randomness.
    pub fn seal_with_salt(&self, plaintext: &[u8], context: &[u8], salt: [u8; SALT]) -> Vec<u8> {
        assert!(plaintext.len() <= MAX_SEALED_PLAINTEXT, "caller bounds sealed plaintext");
        let cipher = cipher(&self.shared, &self.ephemeral_public, &self.recipient, &salt);
        // The key is unique per box (its salt), so a fixed nonce is safe.
        let payload = Payload { msg: plaintext, aad: context };
        let ciphertext = cipher.encrypt(&Nonce::from([0; 12]), payload).expect("in-memory encryption");
        let mut out = Vec::with_capacity(HEADER + ciphertext.len());
        out.extend_from_slice(&self.ephemeral_public);
        out.extend_from_slice(&salt);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Seals `plaintext`, bound to `context`, under a fresh salt.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        self.seal_with_salt(plaintext, context, rand::random())
    }
}

/// Seals one plaintext, bound to `context`, to `recipient` with a fresh
/// ephemeral key.
pub fn seal(recipient: &EncryptionPublicKey, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
    Sealer::new(recipient).seal(plaintext, context)
}

/// Opens a sealed box with the secretariat's secret; `context` must be the
/// one it was sealed with.
pub fn open(secret: &EncryptionSecretKey, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < HEADER + 16 || sealed.len() > HEADER + 16 + MAX_SEALED_PLAINTEXT {
        return Err(SealError::Malformed);
    }
    let (ephemeral, rest) = sealed.split_at(32);
    let (salt, ciphertext) = rest.split_at(SALT);
    let ephemeral: [u8; 32] = ephemeral.try_into().map_err(|_| SealError::Malformed)?;
    let salt: [u8; SALT] = salt.try_into().map_err(|_| SealError::Malformed)?;
    let shared = Zeroizing::new(secret.0.diffie_hellman(&x25519_dalek::PublicKey::from(ephemeral)).to_bytes());
    let cipher = cipher(&shared, &ephemeral, &secret.public().0, &salt);
    let payload = Payload { msg: ciphertext, aad: context };
    cipher.decrypt(&Nonce::from([0; 12]), payload).map_err(|_| SealError::WrongKeyOrAltered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_the_right_key() {
        let secretariat = EncryptionSecretKey::generate();
        let sealed = seal(&secretariat.public(), b"Amina Okafor <amina@example.org>", b"doc 1");
        assert!(!sealed.windows(5).any(|w| w == b"Amina"));
        assert_eq!(open(&secretariat, &sealed, b"doc 1").unwrap(), b"Amina Okafor <amina@example.org>");
        let other = EncryptionSecretKey::generate();
        assert_eq!(open(&other, &sealed, b"doc 1"), Err(SealError::WrongKeyOrAltered));
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(open(&secretariat, &altered, b"doc 1"), Err(SealError::WrongKeyOrAltered));
        assert_eq!(open(&secretariat, &sealed[..10], b"doc 1"), Err(SealError::Malformed));
    }

    #[test]
    fn a_box_opens_only_in_its_own_context() {
        let secretariat = EncryptionSecretKey::generate();
        let sealed = seal(&secretariat.public(), b"Amina Okafor <amina@example.org>", b"doc 1");
        assert_eq!(open(&secretariat, &sealed, b"doc 2"), Err(SealError::WrongKeyOrAltered));
        assert_eq!(open(&secretariat, &sealed, b""), Err(SealError::WrongKeyOrAltered));
    }

    #[test]
    fn boxes_of_one_sealer_have_keys_of_their_own() {
        let secretariat = EncryptionSecretKey::generate();
        let sealer = Sealer::with_seed(&secretariat.public(), [7; 32]);
        let first = sealer.seal(b"same text", b"doc");
        let second = sealer.seal(b"same text", b"doc");
        assert_eq!(first[..32], second[..32], "one ephemeral key");
        assert_ne!(first[HEADER..], second[HEADER..], "but other keys, so other ciphertexts");
        assert_eq!(open(&secretariat, &first, b"doc").unwrap(), b"same text");
        assert_eq!(open(&secretariat, &second, b"doc").unwrap(), b"same text");
        let mut salted = first.clone();
        salted[40] ^= 1;
        assert_eq!(open(&secretariat, &salted, b"doc"), Err(SealError::WrongKeyOrAltered));
    }
}
