//! The narrow storage trait the rest of the node is written against, and its
//! sled implementation.
//!
//! Everything the node keeps is ordered key/value pairs in one keyspace, with
//! a one-byte prefix per kind of record (see [`super::keys`]). A backend must
//! give exactly three guarantees: reads see every applied batch, a batch is
//! applied atomically (all or nothing, across a crash too), and after
//! [`Backend::flush`] returns every applied batch survives a crash or power
//! cut. sled gives the first two with `apply_batch`; its `flush` does not
//! give the third on Linux (it writes its log with `sync_file_range`, which
//! commits no metadata, so blocks appended to the file can be lost in a power
//! cut; its own `fsync` comes from a timer). [`SledBackend::flush`] therefore
//! follows sled's flush with an `fsync` of sled's log file. The power-cut test
//! (`tests/tests/power_cut.rs`) is the arbiter.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// A storage failure, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The store is held by another process.
    #[error(
        "the store at {path} is in use by another Convene process (is `convene node run` running?); stop it or use its HTTP API"
    )]
    Locked {
        /// The store's directory.
        path: String,
    },
    /// Reading or writing failed, e.g. a full disk.
    #[error("storage error: {0}; check that the disk is not full and the data directory is writable")]
    Io(String),
    /// The files on disk are damaged.
    #[error("the store is damaged: {0}; restore the data directory from a backup or re-sync from a peer")]
    Corrupt(String),
}

/// One atomic group of writes.
#[derive(Debug, Default)]
pub struct WriteBatch {
    pub(crate) ops: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

impl WriteBatch {
    /// Sets `key` to `value`.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.ops.push((key, Some(value)));
    }

    /// Removes `key`.
    pub fn delete(&mut self, key: Vec<u8>) {
        self.ops.push((key, None));
    }

    /// Whether the batch holds no write.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Key/value pairs in key order.
pub type Pairs<'a> = Box<dyn Iterator<Item = Result<(Vec<u8>, Vec<u8>), BackendError>> + 'a>;

/// An ordered, durable key/value store.
pub trait Backend: Send + Sync + 'static {
    /// The value under `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError>;
    /// Every pair whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Pairs<'_>;
    /// Applies every write of `batch` atomically.
    fn apply(&self, batch: WriteBatch) -> Result<(), BackendError>;
    /// Returns once every applied batch is on disk.
    fn flush(&self) -> Result<(), BackendError>;
    /// Bytes the store takes on disk.
    fn size_on_disk(&self) -> Result<u64, BackendError>;
}

/// The sled backend.
#[derive(Debug, Clone)]
pub struct SledBackend {
    db: sled::Db,
    /// sled's log (`db`), opened again to `fsync` it after sled's flush.
    log: Arc<File>,
}

impl SledBackend {
    /// Opens (or creates) the store in `path`.
    pub fn open(path: &Path) -> Result<Self, BackendError> {
        let db = sled::Config::new()
            .path(path)
            // We flush explicitly before acknowledging; the periodic flush
            // only bounds how much unacknowledged work a crash can cost.
            .flush_every_ms(Some(1000))
            // Counted in on-disk bytes; sled holds several times that in
            // memory. 4 MB keeps a syncing node's memory down at the cost of
            // a slower import at 100,000 (BENCHMARKS.md).
            .cache_capacity(4 * 1024 * 1024)
            .open()
            .map_err(|error| match error {
                sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                    BackendError::Locked { path: path.display().to_string() }
                }
                other => from_sled(other),
            })?;
        let opened = |name: &str| {
            let file_path = path.join(name);
            let file = File::open(&file_path).and_then(|file| file.sync_all().map(|()| file));
            file.map_err(|error| BackendError::Io(format!("{}: {error}", file_path.display())))
        };
        // The files sled just made (or found) are on disk, and part of the
        // directory, for good: sled writes its `conf` without syncing it.
        opened("conf")?;
        let log = opened("db")?;
        sync_dir(path)?;
        Ok(Self { db, log: Arc::new(log) })
    }
}

/// `fsync`s the directory `path` (and so the names of the files in it) and
/// its parent (the name of `path` itself).
pub(crate) fn sync_dir(path: &Path) -> Result<(), BackendError> {
    for dir in [Some(path), path.parent()].into_iter().flatten() {
        let synced = File::open(dir).and_then(|dir| dir.sync_all());
        synced.map_err(|error| BackendError::Io(format!("syncing directory {}: {error}", dir.display())))?;
    }
    Ok(())
}

fn from_sled(error: sled::Error) -> BackendError {
    match error {
        sled::Error::Corruption { .. } => BackendError::Corrupt(error.to_string()),
        other => BackendError::Io(other.to_string()),
    }
}

fn pairs(iter: sled::Iter) -> Pairs<'static> {
    Box::new(iter.map(|item| item.map(|(key, value)| (key.to_vec(), value.to_vec())).map_err(from_sled)))
}

impl Backend for SledBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        Ok(self.db.get(key).map_err(from_sled)?.map(|value| value.to_vec()))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Pairs<'_> {
        pairs(self.db.scan_prefix(prefix))
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), BackendError> {
        let mut sled_batch = sled::Batch::default();
        for (key, value) in batch.ops {
            match value {
                Some(value) => sled_batch.insert(key, value),
                None => sled_batch.remove(key),
            }
        }
        self.db.apply_batch(sled_batch).map_err(from_sled)
    }

    fn flush(&self) -> Result<(), BackendError> {
        self.db.flush().map_err(from_sled)?;
        self.log.sync_all().map_err(|error| BackendError::Io(format!("syncing the store's log: {error}")))
    }

    fn size_on_disk(&self) -> Result<u64, BackendError> {
        self.db.size_on_disk().map_err(from_sled)
    }
}
