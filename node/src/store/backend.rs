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
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::space;

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
    /// The disk is full: nothing of the write was stored, and nothing
    /// stored before is lost.
    #[error(
        "the disk is full: {} MB free, about {} MB needed; nothing already stored is lost; free space on the disk that holds the data directory, then try again",
        super::space::mb(*free),
        super::space::mb(*needed)
    )]
    DiskFull {
        /// Bytes free.
        free: u64,
        /// About how many bytes the write needed free.
        needed: u64,
    },
    /// Reading or writing failed.
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
    /// Makes the backend writable again after a failed write, if it needs
    /// it and can (sled refuses every write after one failed until it is
    /// reopened); returns whether it was reopened, which forgets batches
    /// applied but not flushed.
    fn heal(&self) -> Result<bool, BackendError> {
        Ok(false)
    }
    /// Bytes of the free space that are the backend's own, not the node's
    /// to write (sled: its disk reserve, when released and not yet made
    /// again; see `space.rs`).
    fn unreserved(&self) -> u64 {
        0
    }
    /// Makes what [`Backend::unreserved`] counts again, if there is room.
    fn keep_reserve(&self) {}
}

/// The sled backend.
#[derive(Debug)]
pub struct SledBackend {
    path: PathBuf,
    /// sled and its log (`db`), opened again to `fsync` it after sled's
    /// flush; replaced when sled is reopened after a failed write.
    /// `None` after a reopen failed: the next use tries again.
    open: RwLock<Option<Opened>>,
    /// A write failed (ours, or sled's own in the background or while
    /// reading): sled refuses every later one until it is reopened.
    failed: AtomicBool,
    /// Reopened since the store last asked ([`Backend::heal`]).
    reopened: AtomicBool,
}

#[derive(Debug, Clone)]
struct Opened {
    db: sled::Db,
    log: Arc<File>,
}

impl SledBackend {
    /// Opens (or creates) the store in `path`. On a full disk it deletes
    /// the disk reserve (`space.rs`) to make room for what sled writes at
    /// every open; a snapshot file that an open cut short by a full disk
    /// left behind (which sled would read as damage) is removed.
    pub fn open(path: &Path) -> Result<Self, BackendError> {
        let mut attempts = 0;
        let opened = loop {
            attempts += 1;
            // sled's own threads may hold a store this process just closed.
            match Self::open_sled_waiting(path, Duration::from_secs(1)) {
                // What sled writes at open (a snapshot) did not fit.
                Err(BackendError::DiskFull { .. }) if attempts < 4 && space::release_disk_reserve(path) => {}
                // Such a failed write leaves a snapshot file sled then reads
                // as damage; without it, a full disk is the word.
                Err(BackendError::Corrupt(_)) if attempts < 4 && remove_unfinished_snapshots(path) => {}
                other => break other?,
            }
        };
        space::keep_disk_reserve(path);
        Ok(Self {
            path: path.to_owned(),
            open: RwLock::new(Some(opened)),
            failed: AtomicBool::new(false),
            reopened: AtomicBool::new(false),
        })
    }

    /// [`SledBackend::open_sled`], waiting up to `wait` (backing off from
    /// 10 ms to 200 ms between tries) while the store is held: by handles of
    /// this process about to let go, or by sled's own threads.
    fn open_sled_waiting(path: &Path, wait: Duration) -> Result<Opened, BackendError> {
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(10);
        loop {
            match Self::open_sled(path) {
                Err(BackendError::Locked { .. }) if Instant::now() + pause < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    fn open_sled(path: &Path) -> Result<Opened, BackendError> {
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
                other => from_sled(other, path),
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
        Ok(Opened { db, log: Arc::new(log) })
    }

    /// sled, opened again if a reopen failed before.
    fn opened(&self) -> Result<Opened, BackendError> {
        if let Some(opened) = self.open.read().unwrap_or_else(|poisoned| poisoned.into_inner()).as_ref() {
            return Ok(opened.clone());
        }
        let mut open = self.open.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(opened) = open.as_ref() {
            return Ok(opened.clone());
        }
        let opened = Self::open_sled(&self.path)?;
        *open = Some(opened.clone());
        Ok(opened)
    }

    /// Runs a read; when sled says the disk is full (it writes while it
    /// reads and in the background, and then refuses reads too), reopens
    /// it with the room of the disk reserve and reads once more.
    fn reading<T>(&self, read: impl Fn(&sled::Db) -> sled::Result<T>) -> Result<T, BackendError> {
        let attempt = || read(&self.opened()?.db).map_err(|error| from_sled(error, &self.path));
        match attempt() {
            Err(BackendError::DiskFull { .. }) => {
                self.failed.store(true, Ordering::Release);
                self.reopen_if_failed()?;
                attempt()
            }
            other => other,
        }
    }

    /// Notes a failed write: sled must be reopened before the next.
    fn failing<T>(&self, result: Result<T, BackendError>) -> Result<T, BackendError> {
        if result.is_err() {
            self.failed.store(true, Ordering::Release);
        }
        result
    }
}

/// Removes the snapshot files sled began and never finished
/// (`snap.*.generating`, left when a write failed, e.g. on a full disk);
/// sled reads the newest snapshot file and takes an empty one for damage.
/// Finished snapshots are renamed, so these hold nothing sled needs.
/// Returns whether there was one.
fn remove_unfinished_snapshots(path: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(path) else { return false };
    let mut removed = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") && std::fs::remove_file(entry.path()).is_ok() {
            tracing::warn!(
                "removed {name}, a snapshot of the store that a failed write (a full disk?) left unfinished"
            );
            removed = true;
        }
    }
    removed
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

fn from_sled(error: sled::Error, path: &Path) -> BackendError {
    match error {
        sled::Error::Corruption { .. } => BackendError::Corrupt(error.to_string()),
        sled::Error::Io(io) if space::is_disk_full(&io) => space::full_error(Some(path), None, 0),
        other => BackendError::Io(other.to_string()),
    }
}

/// The pairs under a prefix, read again from the last one after sled,
/// meeting a full disk, had to be reopened ([`SledBackend::reading`]).
struct Scan<'a> {
    backend: &'a SledBackend,
    prefix: Vec<u8>,
    /// The last key returned.
    after: Option<sled::IVec>,
    iter: Option<sled::Iter>,
    reopened: bool,
    done: bool,
}

impl Iterator for Scan<'_> {
    type Item = Result<(Vec<u8>, Vec<u8>), BackendError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let iter = match self.iter.as_mut() {
                Some(iter) => iter,
                None => match self.backend.opened() {
                    Ok(opened) => self.iter.insert(match &self.after {
                        None => opened.db.scan_prefix(&self.prefix),
                        Some(after) => opened.db.range::<&[u8], _>((Bound::Excluded(&after[..]), Bound::Unbounded)),
                    }),
                    Err(error) => {
                        self.done = true;
                        return Some(Err(error));
                    }
                },
            };
            match iter.next() {
                None => self.done = true,
                Some(Ok((key, _))) if !key.starts_with(&self.prefix) => self.done = true,
                Some(Ok((key, value))) => {
                    let pair = (key.to_vec(), value.to_vec());
                    self.after = Some(key);
                    return Some(Ok(pair));
                }
                Some(Err(error)) => {
                    let error = from_sled(error, &self.backend.path);
                    // Our handle goes first: the reopen waits for every one.
                    self.iter = None;
                    if matches!(error, BackendError::DiskFull { .. }) && !self.reopened {
                        self.reopened = true;
                        self.backend.failed.store(true, Ordering::Release);
                        if self.backend.reopen_if_failed().is_ok() {
                            continue;
                        }
                    }
                    self.done = true;
                    return Some(Err(error));
                }
            }
        }
        None
    }
}

impl Backend for SledBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        Ok(self.reading(|db| db.get(key))?.map(|value| value.to_vec()))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Pairs<'_> {
        Box::new(Scan { backend: self, prefix: prefix.to_vec(), after: None, iter: None, reopened: false, done: false })
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), BackendError> {
        let mut sled_batch = sled::Batch::default();
        for (key, value) in batch.ops {
            match value {
                Some(value) => sled_batch.insert(key, value),
                None => sled_batch.remove(key),
            }
        }
        self.failing(self.opened()?.db.apply_batch(sled_batch).map_err(|error| from_sled(error, &self.path)))
    }

    fn flush(&self) -> Result<(), BackendError> {
        let opened = self.opened()?;
        self.failing(opened.db.flush().map_err(|error| from_sled(error, &self.path)))?;
        let synced = opened.log.sync_all().map_err(|error| {
            if space::is_disk_full(&error) {
                space::full_error(Some(&self.path), None, 0)
            } else {
                BackendError::Io(format!("syncing the store's log: {error}"))
            }
        });
        self.failing(synced)
    }

    fn size_on_disk(&self) -> Result<u64, BackendError> {
        self.reading(sled::Db::size_on_disk)
    }

    /// Reopens sled after a failed write, once there is room for what an
    /// open writes (until then the old one goes on serving reads). Waits up
    /// to 5 s for readers still holding the old one to let it go.
    fn heal(&self) -> Result<bool, BackendError> {
        self.reopen_if_failed()?;
        Ok(self.reopened.swap(false, Ordering::AcqRel))
    }

    fn unreserved(&self) -> u64 {
        space::disk_reserve_missing(&self.path)
    }

    fn keep_reserve(&self) {
        space::keep_disk_reserve(&self.path);
    }
}

impl SledBackend {
    /// Reopens sled if a write failed; see [`Backend::heal`]. On a disk
    /// too full for what an open writes, the disk reserve makes the room.
    fn reopen_if_failed(&self) -> Result<bool, BackendError> {
        if !self.failed.load(Ordering::Acquire) {
            return Ok(false);
        }
        let space = space::DiskSpace::of(&self.path).map_err(|error| BackendError::Io(error.to_string()))?;
        // The reserve is for exactly this: sled's own writes on a full disk.
        if !space::release_disk_reserve(&self.path) && space.free_bytes < space::LOCAL_MARGIN {
            return Err(BackendError::DiskFull { free: space.free_bytes, needed: space::LOCAL_MARGIN });
        }
        let mut open = self.open.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !self.failed.load(Ordering::Acquire) {
            return Ok(false);
        }
        tracing::warn!("reopening the store after a failed write");
        // sled's lock goes with the last handle to the old one.
        drop(open.take());
        let reopened = Self::open_sled_waiting(&self.path, Duration::from_secs(5))?;
        *open = Some(reopened);
        self.failed.store(false, Ordering::Release);
        self.reopened.store(true, Ordering::Release);
        tracing::info!("the store is open again and takes writes");
        Ok(true)
    }
}
