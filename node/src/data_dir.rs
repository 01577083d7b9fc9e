//! The node's data directory: where everything a node keeps lives, and the
//! files only their owner may read.
//!
//! ```text
//! DATA_DIR/
//!   genesis.json             the network this node belongs to (public)
//!   secretariat-secret.json  only on the secretariat's node (0600)
//!   identities/NAME.json     author identities (0600, directory 0700)
//!   store/                   the sled store
//! ```

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use convene_protocol::keys::{EncryptionSecretKey, PublicKey, SecretKey};
use convene_protocol::network::Genesis;

use crate::error::NodeError;

/// Paths inside a node's data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// The secretariat's secret keys, as kept in `secretariat-secret.json`.
#[derive(serde::Serialize, serde::Deserialize)]
struct SecretariatFile {
    network: String,
    signing_secret: String,
    encryption_secret: String,
}

/// The secretariat's secrets, loaded.
#[derive(Debug)]
pub struct SecretariatKeys {
    /// Signs the genesis and curation.
    pub signing: SecretKey,
    /// Opens sealed personal data.
    pub encryption: EncryptionSecretKey,
}

impl SecretariatKeys {
    /// Fresh keys.
    pub fn generate() -> Self {
        Self { signing: SecretKey::generate(), encryption: EncryptionSecretKey::generate() }
    }

    /// Fresh keys and a network `name` they sign, with the default limits
    /// (for tests).
    #[cfg(test)]
    pub(crate) fn with_network(name: &str) -> (Self, Genesis) {
        let keys = Self::generate();
        let genesis = Genesis::create(
            name,
            crate::now_ms(),
            &keys.signing,
            keys.encryption.public(),
            convene_protocol::attachment::Limits::DEFAULT,
        )
        .expect("a new genesis");
        (keys, genesis)
    }

    /// Writes them, readable only by the owner.
    pub fn write(&self, path: &Path, network_name: &str) -> Result<(), NodeError> {
        let file = SecretariatFile {
            network: network_name.to_owned(),
            signing_secret: self.signing.to_seed_hex().to_string(),
            encryption_secret: self.encryption.to_hex().to_string(),
        };
        write_private(path, &serde_json::to_vec_pretty(&file).expect("serialises"))
    }

    /// Reads keys written by [`SecretariatKeys::write`].
    pub fn read(path: &Path) -> Result<Self, NodeError> {
        let text = read_to_string(path)?;
        let bad = |what: &str| NodeError::BadFile { path: path.to_owned(), problem: what.to_owned() };
        let file: SecretariatFile = serde_json::from_str(&text).map_err(|error| bad(&error.to_string()))?;
        Ok(Self {
            signing: SecretKey::from_seed_hex(&file.signing_secret).map_err(|error| bad(&error.to_string()))?,
            encryption: EncryptionSecretKey::from_hex(&file.encryption_secret)
                .map_err(|error| bad(&error.to_string()))?,
        })
    }
}

/// An identity as listed: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdentityInfo {
    /// The local name.
    pub name: String,
    /// The public key.
    pub public_key: PublicKey,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct IdentityFile {
    name: String,
    public_key: PublicKey,
    secret_seed: String,
}

impl DataDir {
    /// The data directory at `root` (not yet checked).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The platform's default: `$XDG_DATA_HOME/convene` or its equivalent.
    pub fn platform_default() -> Option<PathBuf> {
        dirs::data_dir().map(|dir| dir.join("convene"))
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The network genesis file.
    pub fn genesis_path(&self) -> PathBuf {
        self.root.join("genesis.json")
    }

    /// The secretariat's secrets, on the secretariat's node only.
    pub fn secretariat_path(&self) -> PathBuf {
        self.root.join("secretariat-secret.json")
    }

    /// The sled store.
    pub fn store_path(&self) -> PathBuf {
        self.root.join("store")
    }

    /// Where attached files and their previews lie (`blobs/`).
    pub fn blobs_path(&self) -> PathBuf {
        self.root.join("blobs")
    }

    fn identities_dir(&self) -> PathBuf {
        self.root.join("identities")
    }

    /// Sets up a new data directory for `genesis`, optionally holding the
    /// secretariat's secrets. Refuses to switch an existing node's network.
    pub fn init(&self, genesis: &Genesis, secretariat: Option<&SecretariatKeys>) -> Result<(), NodeError> {
        if let Ok(existing) = self.genesis() {
            if existing.network_id() == genesis.network_id() {
                return Err(NodeError::AlreadyInitialised { dir: self.root.clone(), same_network: true });
            }
            return Err(NodeError::AlreadyInitialised { dir: self.root.clone(), same_network: false });
        }
        if let Some(keys) = secretariat
            && (keys.signing.public() != genesis.secretariat_signing_key
                || keys.encryption.public() != genesis.secretariat_encryption_key)
        {
            return Err(NodeError::BadFile {
                path: self.secretariat_path(),
                problem: "these secretariat keys do not belong to this network's genesis".into(),
            });
        }
        create_private_dir(&self.root)?;
        create_private_dir(&self.identities_dir())?;
        if let Some(keys) = secretariat {
            keys.write(&self.secretariat_path(), &genesis.name)?;
        }
        write_atomic(&self.genesis_path(), &serde_json::to_vec_pretty(genesis).expect("serialises"), 0o644)
    }

    /// The verified genesis of this node's network.
    pub fn genesis(&self) -> Result<Genesis, NodeError> {
        let path = self.genesis_path();
        if !path.exists() {
            return Err(NodeError::NotInitialised { dir: self.root.clone() });
        }
        Genesis::from_json(&read_to_string(&path)?)
            .map_err(|error| NodeError::BadFile { path, problem: error.to_string() })
    }

    /// The secretariat's keys, if this is the secretariat's node.
    pub fn secretariat(&self) -> Result<Option<SecretariatKeys>, NodeError> {
        let path = self.secretariat_path();
        if !path.exists() {
            return Ok(None);
        }
        SecretariatKeys::read(&path).map(Some)
    }

    /// Creates a new identity called `name`: a person's name in any script,
    /// spaces allowed. Its file is named after its key, never shown.
    pub fn create_identity(&self, name: &str) -> Result<IdentityInfo, NodeError> {
        let name = check_identity_name(name)?;
        if self.identities()?.iter().any(|info| same_name(&info.name, &name)) {
            return Err(NodeError::IdentityExists(name));
        }
        create_private_dir(&self.identities_dir())?;
        let secret = SecretKey::generate();
        let path = self.identities_dir().join(format!("{}.json", &hex::encode(secret.public().as_bytes())[..16]));
        let file = IdentityFile {
            name: name.clone(),
            public_key: secret.public(),
            secret_seed: secret.to_seed_hex().to_string(),
        };
        write_private(&path, &serde_json::to_vec_pretty(&file).expect("serialises"))?;
        Ok(IdentityInfo { name, public_key: secret.public() })
    }

    /// Every identity, by name.
    pub fn identities(&self) -> Result<Vec<IdentityInfo>, NodeError> {
        let files = self.identity_files()?;
        Ok(files.into_iter().map(|(_, file)| IdentityInfo { name: file.name, public_key: file.public_key }).collect())
    }

    /// Every identity file with its path, by name.
    fn identity_files(&self) -> Result<Vec<(PathBuf, IdentityFile)>, NodeError> {
        let dir = self.identities_dir();
        let mut out = Vec::new();
        let listing = match fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(source) => return Err(NodeError::Io { path: dir, source }),
        };
        for item in listing {
            let path = item.map_err(|source| NodeError::Io { path: dir.clone(), source })?.path();
            if path.extension().is_some_and(|ext| ext == "json") {
                let file = read_identity(&path)?;
                out.push((path, file));
            }
        }
        out.sort_by(|(_, a), (_, b)| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The secret key of the identity called `name` (its name, in any
    /// letter case, or its `did:key`), or of the only identity when `name`
    /// is `None`.
    pub fn identity(&self, name: Option<&str>) -> Result<(IdentityInfo, SecretKey), NodeError> {
        let mut files = self.identity_files()?;
        let index = match name {
            Some(name) => {
                let wanted = name.trim();
                files
                    .iter()
                    .position(|(_, file)| same_name(&file.name, wanted) || file.public_key.to_did_key() == wanted)
                    .ok_or_else(|| NodeError::UnknownIdentity(name.to_owned()))?
            }
            None => match files.as_slice() {
                [] => return Err(NodeError::NoIdentity),
                [_] => 0,
                _ => {
                    let names = files.iter().map(|(_, file)| file.name.as_str()).collect::<Vec<_>>().join(", ");
                    return Err(NodeError::WhichIdentity(names));
                }
            },
        };
        let (path, file) = files.swap_remove(index);
        let secret = SecretKey::from_seed_hex(&file.secret_seed)
            .map_err(|error| NodeError::BadFile { path: path.clone(), problem: error.to_string() })?;
        if secret.public() != file.public_key {
            return Err(NodeError::BadFile { path, problem: "the secret does not match the public key".into() });
        }
        Ok((IdentityInfo { name: file.name, public_key: file.public_key }, secret))
    }
}

/// Whether two identity names are the same name (letter case aside).
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn read_identity(path: &Path) -> Result<IdentityFile, NodeError> {
    serde_json::from_str(&read_to_string(path)?)
        .map_err(|error| NodeError::BadFile { path: path.to_owned(), problem: error.to_string() })
}

/// Most characters in an identity's name.
pub const MAX_IDENTITY_NAME_CHARS: usize = 64;

/// An identity's name, trimmed: 1 to 64 characters of any script, spaces
/// allowed, no control characters.
fn check_identity_name(name: &str) -> Result<String, NodeError> {
    let name = name.trim();
    let chars = name.chars().count();
    if (1..=MAX_IDENTITY_NAME_CHARS).contains(&chars) && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(NodeError::BadIdentityName(name.to_owned()))
    }
}

fn read_to_string(path: &Path) -> Result<String, NodeError> {
    fs::read_to_string(path).map_err(|source| NodeError::Io { path: path.to_owned(), source })
}

fn create_private_dir(path: &Path) -> Result<(), NodeError> {
    fs::create_dir_all(path).map_err(|source| NodeError::Io { path: path.to_owned(), source })?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))
        .map_err(|source| NodeError::Io { path: path.to_owned(), source })
}

/// Writes a file only its owner can read (0600), atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), NodeError> {
    write_atomic(path, bytes, 0o600)
}

/// Writes `bytes` to a temporary file with `mode`, syncs it, renames it
/// over `path` and syncs the directory, so a crash or a power cut leaves the
/// old file or the new one, never half, and a file reported written stays.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), NodeError> {
    let io = |source| NodeError::Io { path: path.to_owned(), source };
    let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io)?;
    let temporary = path.with_extension("tmp");
    let mut file =
        fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(&temporary).map_err(io)?;
    file.set_permissions(fs::Permissions::from_mode(mode)).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::rename(&temporary, path).map_err(io)?;
    fs::File::open(parent).and_then(|dir| dir.sync_all()).map_err(io)
}
