//! Personal data sealed to the secretariat.
//!
//! A sealed box: a fresh x25519 key pair per message, Diffie–Hellman with the
//! secretariat's encryption key, BLAKE3 key derivation, ChaCha20-Poly1305.
//! Relaying hubs carry the ciphertext and cannot read it; only a node holding
//! the secretariat's secret can open it. Layout: `ephemeral public key (32) ‖
//! ciphertext with tag`.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

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
    /// Sealed to another key, or altered.
    #[error("sealed data cannot be opened with this key (sealed to another network's secretariat, or altered)")]
    WrongKeyOrAltered,
}

fn cipher(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> ChaCha20Poly1305 {
    let mut material = [0u8; 96];
    material[..32].copy_from_slice(shared);
    material[32..64].copy_from_slice(ephemeral);
    material[64..].copy_from_slice(recipient);
    let key = blake3::derive_key(KDF_CONTEXT, &material);
    ChaCha20Poly1305::new(&Key::from(key))
}

/// Seals `plaintext` to `recipient`. `ephemeral_seed` must be fresh randomness.
pub fn seal_with(recipient: &EncryptionPublicKey, plaintext: &[u8], ephemeral_seed: [u8; 32]) -> Vec<u8> {
    assert!(plaintext.len() <= MAX_SEALED_PLAINTEXT, "caller bounds sealed plaintext");
    let ephemeral = x25519_dalek::StaticSecret::from(ephemeral_seed);
    let ephemeral_public = x25519_dalek::PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(recipient.0));
    let cipher = cipher(shared.as_bytes(), &ephemeral_public, &recipient.0);
    // The key is unique per message, so a fixed nonce is safe.
    let ciphertext = cipher.encrypt(&Nonce::from([0; 12]), plaintext).expect("in-memory encryption");
    let mut out = Vec::with_capacity(32 + ciphertext.len());
    out.extend_from_slice(&ephemeral_public);
    out.extend_from_slice(&ciphertext);
    out
}

/// Seals with fresh operating-system randomness.
pub fn seal(recipient: &EncryptionPublicKey, plaintext: &[u8]) -> Vec<u8> {
    seal_with(recipient, plaintext, rand::random())
}

/// Opens a sealed box with the secretariat's secret.
pub fn open(secret: &EncryptionSecretKey, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < 32 + 16 || sealed.len() > 32 + 16 + MAX_SEALED_PLAINTEXT {
        return Err(SealError::Malformed);
    }
    let (ephemeral, ciphertext) = sealed.split_at(32);
    let ephemeral: [u8; 32] = ephemeral.try_into().map_err(|_| SealError::Malformed)?;
    let shared = secret.0.diffie_hellman(&x25519_dalek::PublicKey::from(ephemeral));
    let cipher = cipher(shared.as_bytes(), &ephemeral, &secret.public().0);
    cipher.decrypt(&Nonce::from([0; 12]), ciphertext).map_err(|_| SealError::WrongKeyOrAltered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_the_right_key() {
        let secretariat = EncryptionSecretKey::generate();
        let sealed = seal(&secretariat.public(), b"Amina Okafor <amina@example.org>");
        assert!(!sealed.windows(5).any(|w| w == b"Amina"));
        assert_eq!(open(&secretariat, &sealed).unwrap(), b"Amina Okafor <amina@example.org>");
        let other = EncryptionSecretKey::generate();
        assert_eq!(open(&other, &sealed), Err(SealError::WrongKeyOrAltered));
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(open(&secretariat, &altered), Err(SealError::WrongKeyOrAltered));
        assert_eq!(open(&secretariat, &sealed[..10]), Err(SealError::Malformed));
    }
}
