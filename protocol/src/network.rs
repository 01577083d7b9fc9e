//! The network genesis: a small signed file naming a network and its
//! secretariat's keys. The [`NetworkId`] is the hash of the signed genesis,
//! so two networks with the same name are still different networks, and a
//! node can never be talked into another network's secretariat keys.

use crate::attachment::Limits;
use crate::keys::{EncryptionPublicKey, PublicKey, SecretKey};

const GENESIS_CONTEXT: &[u8] = b"convene-genesis-v1\0";
/// Longest network name.
pub const MAX_NETWORK_NAME_CHARS: usize = 100;

hash_id!(NetworkId, "a network (its signed genesis)");

/// Why a genesis file was refused.
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// Not the JSON this format expects.
    #[error("not a Convene network genesis file: {0}")]
    Json(#[from] serde_json::Error),
    /// A version this build does not read.
    #[error("genesis version {0} is not supported (this node reads version 1)")]
    UnsupportedVersion(u8),
    /// The name is empty or too long.
    #[error("network name must be 1 to {MAX_NETWORK_NAME_CHARS} characters")]
    BadName,
    /// The signature does not match.
    #[error("genesis signature does not verify: the file was altered; ask the secretariat for a fresh copy")]
    BadSignature,
    /// Attachment limits no node is built to carry.
    #[error("the network's attachment limits are out of range: {0}")]
    BadLimits(String),
    /// A malformed signature field.
    #[error("genesis signature is not 64 bytes of hex")]
    MalformedSignature,
}

/// The signed genesis of a network, as written to `genesis.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// Format version, 1.
    pub version: u8,
    /// A human name for the network.
    pub name: String,
    /// When it was created, milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// The secretariat's signing key (it signs curation and this file).
    pub secretariat_signing_key: PublicKey,
    /// The key personal data is sealed to.
    pub secretariat_encryption_key: EncryptionPublicKey,
    /// What a submission may attach; [`Limits::DEFAULT`] when left out
    /// (genesis files made before networks set them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_limits: Option<Limits>,
    /// ed25519 signature by the signing key over the fields above, hex.
    pub signature: String,
}

impl Genesis {
    /// Creates and signs a genesis.
    pub fn create(
        name: &str,
        created_at_ms: u64,
        signing: &SecretKey,
        encryption: EncryptionPublicKey,
        limits: Limits,
    ) -> Result<Self, GenesisError> {
        let mut genesis = Self {
            version: 1,
            name: name.trim().to_owned(),
            created_at_ms,
            secretariat_signing_key: signing.public(),
            secretariat_encryption_key: encryption,
            attachment_limits: Some(limits),
            signature: String::new(),
        };
        genesis.check_name()?;
        genesis.check_limits()?;
        genesis.signature = hex::encode(signing.sign(&genesis.signing_bytes()));
        Ok(genesis)
    }

    /// Parses and verifies a genesis file's text.
    pub fn from_json(text: &str) -> Result<Self, GenesisError> {
        let genesis: Self = serde_json::from_str(text)?;
        genesis.verify()?;
        Ok(genesis)
    }

    /// Checks version, name and signature.
    pub fn verify(&self) -> Result<(), GenesisError> {
        if self.version != 1 {
            return Err(GenesisError::UnsupportedVersion(self.version));
        }
        self.check_name()?;
        self.check_limits()?;
        let signature = self.signature_bytes()?;
        if !self.secretariat_signing_key.verify(&self.signing_bytes(), &signature) {
            return Err(GenesisError::BadSignature);
        }
        Ok(())
    }

    /// The network id: BLAKE3 of the signed bytes and the signature.
    pub fn network_id(&self) -> NetworkId {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&self.signing_bytes());
        hasher.update(&self.signature_bytes().unwrap_or([0; 64]));
        NetworkId(*hasher.finalize().as_bytes())
    }

    /// What a submission may attach in this network.
    pub fn limits(&self) -> Limits {
        self.attachment_limits.unwrap_or(Limits::DEFAULT)
    }

    fn check_limits(&self) -> Result<(), GenesisError> {
        self.limits().check().map_err(GenesisError::BadLimits)
    }

    fn check_name(&self) -> Result<(), GenesisError> {
        let chars = self.name.chars().count();
        if chars == 0 || chars > MAX_NETWORK_NAME_CHARS || self.name.chars().any(char::is_control) {
            return Err(GenesisError::BadName);
        }
        Ok(())
    }

    fn signature_bytes(&self) -> Result<[u8; 64], GenesisError> {
        let mut out = [0u8; 64];
        hex::decode_to_slice(&self.signature, &mut out).map_err(|_| GenesisError::MalformedSignature)?;
        Ok(out)
    }

    fn signing_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.name.len());
        out.extend_from_slice(GENESIS_CONTEXT);
        out.push(self.version);
        out.extend_from_slice(&(self.name.len() as u16).to_be_bytes());
        out.extend_from_slice(self.name.as_bytes());
        out.extend_from_slice(&self.created_at_ms.to_be_bytes());
        out.extend_from_slice(self.secretariat_signing_key.as_bytes());
        out.extend_from_slice(&self.secretariat_encryption_key.0);
        // Appended only when set, so files made before limits still verify
        // (their signed bytes end with the key, which has a fixed length).
        if let Some(limits) = self.attachment_limits {
            out.push(1);
            out.extend_from_slice(&limits.files.to_be_bytes());
            out.extend_from_slice(&limits.file_bytes.to_be_bytes());
            out.extend_from_slice(&limits.submission_bytes.to_be_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::EncryptionSecretKey;

    #[test]
    fn genesis_round_trips_and_detects_edits() {
        let signing = SecretKey::from_seed([4; 32]);
        let encryption = EncryptionSecretKey::generate().public();
        let genesis = Genesis::create("Demo", 1, &signing, encryption, Limits::DEFAULT).unwrap();
        let text = serde_json::to_string_pretty(&genesis).unwrap();
        let again = Genesis::from_json(&text).unwrap();
        assert_eq!(again.network_id(), genesis.network_id());
        let edited = text.replace("Demo", "Dem0");
        assert!(matches!(Genesis::from_json(&edited), Err(GenesisError::BadSignature)));
    }

    #[test]
    fn attachment_limits_are_signed_and_bounded() {
        let signing = SecretKey::from_seed([4; 32]);
        let encryption = EncryptionSecretKey::generate().public();
        let small = Limits { files: 3, file_bytes: 2_000_000, submission_bytes: 5_000_000 };
        let genesis = Genesis::create("Demo", 1, &signing, encryption, small).unwrap();
        let text = serde_json::to_string(&genesis).unwrap();
        assert_eq!(Genesis::from_json(&text).unwrap().limits(), small);
        // Raising a limit in the file breaks the signature.
        let raised = text.replace("\"files\":3", "\"files\":30");
        assert!(matches!(Genesis::from_json(&raised), Err(GenesisError::BadSignature)));
        // A genesis made before limits (none signed) verifies, with the defaults.
        let mut old = genesis.clone();
        old.attachment_limits = None;
        old.signature = hex::encode(signing.sign(&old.signing_bytes()));
        let old = Genesis::from_json(&serde_json::to_string(&old).unwrap()).unwrap();
        assert_eq!(old.limits(), Limits::DEFAULT);
        assert_ne!(old.network_id(), genesis.network_id());
        // Nothing past what every node is built to carry.
        for limits in [
            Limits { files: Limits::CEILING.files + 1, ..small },
            Limits {
                file_bytes: Limits::CEILING.file_bytes + 1,
                submission_bytes: Limits::CEILING.submission_bytes,
                ..small
            },
            Limits { submission_bytes: small.file_bytes - 1, ..small },
            Limits { file_bytes: 10, ..small },
        ] {
            let refused = Genesis::create("Demo", 1, &signing, encryption, limits);
            assert!(matches!(refused, Err(GenesisError::BadLimits(_))), "{limits:?}");
        }
        assert!(Genesis::create("Demo", 1, &signing, encryption, Limits { files: 0, ..small }).is_ok());
    }

    #[test]
    fn same_name_gives_different_networks() {
        let encryption = EncryptionSecretKey::generate().public();
        let a = Genesis::create("Demo", 1, &SecretKey::from_seed([1; 32]), encryption, Limits::DEFAULT).unwrap();
        let b = Genesis::create("Demo", 1, &SecretKey::from_seed([2; 32]), encryption, Limits::DEFAULT).unwrap();
        assert_ne!(a.network_id(), b.network_id());
    }
}
