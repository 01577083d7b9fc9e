//! The blob store: attached files and their previews, by the BLAKE3 hash of
//! their bytes, as files under `DATA_DIR/blobs/` (never in sled).
//!
//! - A whole blob is `blobs/<first 2 hex>/<hash>` (0600), written
//!   atomically (temporary file, fsync, rename, fsync of the directory),
//!   with `<hash>.cvs` beside it when it has more than one group: the
//!   chaining value of each 16 KiB group, so that a group's proof is made
//!   from 32 bytes per group, not by hashing the blob again.
//! - A blob arriving in groups (from a peer, a bundle) is
//!   `blobs/partial/<hash>` (its full size, written at each group's
//!   offset), `<hash>.cvs` and `<hash>.have` (one byte per group, 1 once it
//!   verified). A group is checked against the blob's hash with its proof
//!   ([`tree`]) before a byte is written; its bytes and CV are synced
//!   before its `.have` byte is set and synced, so a kill -9, a power cut
//!   or a restart resumes from the last verified group and never trusts an
//!   unverified one. When every group is held, the files move to their
//!   place.
//!
//! The API a transfer needs: [`BlobStore::held`] (which groups are here),
//! [`BlobStore::read_group`] (a group and its proof, from a whole blob),
//! [`BlobStore::write_group`] (verify and keep a group;
//! [`BlobStore::write_groups`] several of one blob with one sync),
//! [`BlobStore::has`] (whole?) and [`BlobStore::erase`].

pub mod preview;
pub mod tree;

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use convene_protocol::attachment::BlobHash;

pub use tree::{GROUP_BYTES, group_count, group_span};

/// What went wrong with a blob.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// A file of the store could not be read or written.
    #[error("blob store: {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A group's bytes or proof do not match the blob's hash: refused, nothing written.
    #[error("chunk group {index} of blob {hash} does not match the blob's hash ({why}): refused")]
    Tampered {
        /// The blob.
        hash: BlobHash,
        /// The group.
        index: u64,
        /// What did not match.
        why: &'static str,
    },
    /// A blob partly received with another size than now claimed.
    #[error("blob {hash} is being received as {held} bytes, not {claimed}")]
    SizeMismatch {
        /// The blob.
        hash: BlobHash,
        /// The size of the partial file.
        held: u64,
        /// The size now given.
        claimed: u64,
    },
    /// The blob is not here whole.
    #[error("blob {0} is not here")]
    NotHere(BlobHash),
    /// A whole blob on disk no longer hashes to its name.
    #[error("blob {0} is damaged on disk")]
    Damaged(BlobHash),
}

/// Which groups of a blob are here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// All of it.
    Whole,
    /// Some groups: one flag per group.
    Partial(Vec<bool>),
    /// Nothing.
    None,
}

/// A group and the proof that checks it against the blob's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its bytes (16 KiB, the last group perhaps less).
    pub data: Vec<u8>,
    /// The CVs of the subtrees beside its path, top down, 32 bytes each.
    pub proof: Vec<u8>,
}

/// A group to keep with [`BlobStore::write_groups`].
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// Which group.
    pub index: u64,
    /// Its bytes.
    pub data: &'a [u8],
    /// Its proof.
    pub proof: &'a [u8],
}

/// Where a blob being received stands after a group was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Groups held.
    pub held: u64,
    /// Groups in all.
    pub total: u64,
}

impl Progress {
    /// Whether the blob is whole (and in its place).
    pub fn is_whole(&self) -> bool {
        self.held == self.total
    }
}

/// The blob store of a data directory.
#[derive(Debug)]
pub struct BlobStore {
    dir: PathBuf,
    /// One writer at a time (groups of one partial blob, moves, erasure).
    writer: Mutex<()>,
}

type Result<T> = std::result::Result<T, BlobError>;

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BlobError + '_ {
    move |source| BlobError::Io { path: path.to_owned(), source }
}

impl BlobStore {
    /// Opens (creating, 0700) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        for path in [dir.to_owned(), dir.join("partial")] {
            fs::create_dir_all(&path).map_err(io_error(&path))?;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o700)).map_err(io_error(&path))?;
        }
        Ok(Self { dir: dir.to_owned(), writer: Mutex::new(()) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the whole blob `hash` lies (whether or not it is there).
    pub fn path(&self, hash: &BlobHash) -> PathBuf {
        let hex = hash.to_hex();
        self.dir.join(&hex[..2]).join(hex)
    }

    fn cvs_path(&self, hash: &BlobHash) -> PathBuf {
        self.path(hash).with_extension("cvs")
    }

    fn partial_path(&self, hash: &BlobHash, extension: &str) -> PathBuf {
        let name = hash.to_hex();
        let path = self.dir.join("partial").join(name);
        if extension.is_empty() { path } else { path.with_extension(extension) }
    }

    /// Whether the blob is here whole.
    pub fn has(&self, hash: &BlobHash) -> bool {
        self.path(hash).is_file()
    }

    /// Stores a whole blob; returns its hash. Storing one already here does nothing.
    pub fn insert(&self, bytes: &[u8]) -> Result<BlobHash> {
        let hash = BlobHash::of(bytes);
        let _writer = self.lock();
        if self.has(&hash) {
            return Ok(hash);
        }
        let path = self.path(&hash);
        let cvs: Vec<u8> = tree::group_cvs(bytes).concat();
        if !cvs.is_empty() {
            write_atomic(&self.cvs_path(&hash), &cvs)?;
        }
        write_atomic(&path, bytes)?;
        Ok(hash)
    }

    /// The whole blob's bytes, checked against its hash.
    pub fn read(&self, hash: &BlobHash) -> Result<Vec<u8>> {
        let path = self.path(hash);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(BlobError::NotHere(*hash)),
            Err(error) => return Err(io_error(&path)(error)),
        };
        if BlobHash::of(&bytes) != *hash {
            return Err(BlobError::Damaged(*hash));
        }
        Ok(bytes)
    }

    /// Which groups of the blob `hash` of `size` bytes are here.
    pub fn held(&self, hash: &BlobHash, size: u64) -> Result<Held> {
        if self.has(hash) {
            return Ok(Held::Whole);
        }
        let have_path = self.partial_path(hash, "have");
        match fs::read(&have_path) {
            Ok(have) => {
                let flags: Vec<bool> = (0..group_count(size) as usize).map(|i| have.get(i) == Some(&1)).collect();
                Ok(if flags.iter().any(|held| *held) { Held::Partial(flags) } else { Held::None })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Held::None),
            Err(error) => Err(io_error(&have_path)(error)),
        }
    }

    /// Group `index` of the whole blob `hash`, with its proof.
    pub fn read_group(&self, hash: &BlobHash, index: u64) -> Result<Group> {
        let path = self.path(hash);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(BlobError::NotHere(*hash)),
            Err(error) => return Err(io_error(&path)(error)),
        };
        let size = file.metadata().map_err(io_error(&path))?.len();
        if index >= group_count(size) {
            return Err(BlobError::Tampered { hash: *hash, index, why: "no such group" });
        }
        let (offset, len) = group_span(size, index);
        let mut data = vec![0; len as usize];
        file.read_exact_at(&mut data, offset).map_err(io_error(&path))?;
        if size <= GROUP_BYTES {
            return Ok(Group { data, proof: Vec::new() });
        }
        let cvs = self.cvs(hash, size)?;
        let proof = tree::proof(&cvs, size, index).ok_or(BlobError::Damaged(*hash))?;
        Ok(Group { data, proof })
    }

    /// The group CVs of a whole blob (made again from its bytes if missing).
    fn cvs(&self, hash: &BlobHash, size: u64) -> Result<Vec<[u8; 32]>> {
        let path = self.cvs_path(hash);
        let bytes = match fs::read(&path) {
            Ok(bytes) if bytes.len() as u64 == group_count(size) * 32 => bytes,
            Ok(_) | Err(_) => {
                let blob = self.read(hash)?;
                let cvs = tree::group_cvs(&blob).concat();
                let _writer = self.lock();
                write_atomic(&path, &cvs)?;
                cvs
            }
        };
        Ok(bytes.chunks_exact(32).map(|cv| cv.try_into().expect("32 bytes")).collect())
    }

    /// Verifies group `index` of the blob `hash` of `size` bytes against
    /// the hash and keeps it; once every group is held the blob is whole.
    /// A group that does not verify is refused ([`BlobError::Tampered`])
    /// and nothing is written.
    pub fn write_group(&self, hash: &BlobHash, size: u64, index: u64, data: &[u8], proof: &[u8]) -> Result<Progress> {
        let (mut refused, progress) = self.write_groups(hash, size, &[Incoming { index, data, proof }])?;
        match refused.pop().flatten() {
            Some(tampered) => Err(tampered),
            None => Ok(progress),
        }
    }

    /// Several groups of one blob: each is verified as by
    /// [`BlobStore::write_group`], those that verify are written and synced together (their
    /// bytes and CVs, then their `.have` bytes: one sync of each file, not
    /// one per group). Returns, in order, why each group was refused
    /// (`None` when kept), and where the blob stands.
    pub fn write_groups(
        &self,
        hash: &BlobHash,
        size: u64,
        groups: &[Incoming<'_>],
    ) -> Result<(Vec<Option<BlobError>>, Progress)> {
        let total = group_count(size);
        let mut refused = Vec::with_capacity(groups.len());
        let mut good = Vec::with_capacity(groups.len());
        for group in groups {
            match tree::verify(&hash.0, size, group.index, group.data, group.proof) {
                Ok(cv) => {
                    refused.push(None);
                    good.push((group, cv));
                }
                Err(mismatch) => refused.push(Some(tampered(hash, group.index, mismatch))),
            }
        }
        let _writer = self.lock();
        if self.has(hash) {
            return Ok((refused, Progress { held: total, total }));
        }
        if total == 1 {
            // The blob whole in one group: written atomically as it is.
            let Some((group, _)) = good.first() else { return Ok((refused, Progress { held: 0, total })) };
            write_atomic(&self.path(hash), group.data)?;
            return Ok((refused, Progress { held: 1, total }));
        }
        let data_path = self.partial_path(hash, "");
        let cvs_path = self.partial_path(hash, "cvs");
        let have_path = self.partial_path(hash, "have");
        let open =
            |path: &Path| OpenOptions::new().read(true).write(true).create(true).truncate(false).mode(0o600).open(path);
        let have_file = open(&have_path).map_err(io_error(&have_path))?;
        let mut have = Vec::new();
        (&have_file).read_to_end(&mut have).map_err(io_error(&have_path))?;
        have.resize(total as usize, 0);
        let new: Vec<_> = good.iter().filter(|(group, _)| have[group.index as usize] != 1).collect();
        if !new.is_empty() {
            let file = open(&data_path).map_err(io_error(&data_path))?;
            let held_size = file.metadata().map_err(io_error(&data_path))?.len();
            if held_size == 0 && !have.contains(&1) {
                file.set_len(size).map_err(io_error(&data_path))?;
                sync_dir(&self.dir.join("partial"))?;
            } else if held_size != size {
                return Err(BlobError::SizeMismatch { hash: *hash, held: held_size, claimed: size });
            }
            let cvs = open(&cvs_path).map_err(io_error(&cvs_path))?;
            for (group, cv) in &new {
                file.write_all_at(group.data, group.index * GROUP_BYTES).map_err(io_error(&data_path))?;
                cvs.write_all_at(cv, group.index * 32).map_err(io_error(&cvs_path))?;
            }
            file.sync_data().map_err(io_error(&data_path))?;
            cvs.sync_data().map_err(io_error(&cvs_path))?;
            // Only now, with their bytes on disk, are the groups marked held.
            for (group, _) in &new {
                have_file.write_all_at(&[1], group.index).map_err(io_error(&have_path))?;
                have[group.index as usize] = 1;
            }
            have_file.sync_data().map_err(io_error(&have_path))?;
        }
        let held = have.iter().filter(|flag| **flag == 1).count() as u64;
        if held == total {
            self.move_into_place(hash)?;
        }
        Ok((refused, Progress { held, total }))
    }

    /// Moves a partial blob whose every group is held to its place.
    fn move_into_place(&self, hash: &BlobHash) -> Result<()> {
        let data_path = self.partial_path(hash, "");
        let cvs_path = self.partial_path(hash, "cvs");
        let have_path = self.partial_path(hash, "have");
        let path = self.path(hash);
        let parent = path.parent().expect("in a folder");
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        // After a crash between the two moves, the CVs may be in place already.
        if cvs_path.exists() {
            fs::rename(&cvs_path, self.cvs_path(hash)).map_err(io_error(&cvs_path))?;
        }
        fs::rename(&data_path, &path).map_err(io_error(&data_path))?;
        sync_dir(parent)?;
        fs::remove_file(&have_path).map_err(io_error(&have_path))?;
        sync_dir(&self.dir.join("partial"))
    }

    /// Erases the blob `hash` from disk, whole or partial: its bytes are
    /// overwritten with zeros and synced before the files are removed.
    pub fn erase(&self, hash: &BlobHash) -> Result<()> {
        let _writer = self.lock();
        let paths = [
            self.path(hash),
            self.cvs_path(hash),
            self.partial_path(hash, ""),
            self.partial_path(hash, "cvs"),
            self.partial_path(hash, "have"),
        ];
        for path in &paths {
            let file = match OpenOptions::new().write(true).open(path) {
                Ok(file) => file,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(io_error(path)(error)),
            };
            let len = file.metadata().map_err(io_error(path))?.len();
            let zeros = vec![0; 64 * 1024];
            let mut at = 0;
            while at < len {
                let n = zeros.len().min((len - at) as usize);
                file.write_all_at(&zeros[..n], at).map_err(io_error(path))?;
                at += n as u64;
            }
            file.sync_data().map_err(io_error(path))?;
            fs::remove_file(path).map_err(io_error(path))?;
            sync_dir(path.parent().expect("in a folder"))?;
        }
        Ok(())
    }
}

/// A group refused: what did not match.
fn tampered(hash: &BlobHash, index: u64, mismatch: tree::Mismatch) -> BlobError {
    let why = match mismatch {
        tree::Mismatch::Length => "wrong length or no such group",
        tree::Mismatch::ProofLength => "wrong proof length",
        tree::Mismatch::Hash => "hash mismatch",
    };
    BlobError::Tampered { hash: *hash, index, why }
}

/// Writes `bytes` to `path` (0600) atomically: temporary file, fsync, rename, fsync of the folder.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().expect("in a folder");
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, path));
    if let Err(error) = written {
        // A failed write (a full disk) leaves nothing behind.
        let _ = fs::remove_file(&temporary);
        return Err(io_error(path)(error));
    }
    sync_dir(parent)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|dir| dir.sync_all()).map_err(io_error(dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::seq::SliceRandom;

    fn blob(size: usize) -> Vec<u8> {
        (0..size).map(|i| (i * 31 % 253) as u8).collect()
    }

    #[test]
    fn a_blob_round_trips_through_its_groups_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let source = BlobStore::open(&dir.path().join("a")).unwrap();
        let target = BlobStore::open(&dir.path().join("b")).unwrap();
        for size in [1, 5000, 16 * 1024, 300_001] {
            let bytes = blob(size);
            let hash = source.insert(&bytes).unwrap();
            assert_eq!(hash.to_hex(), blake3::hash(&bytes).to_hex().as_str());
            let size = size as u64;
            let mut order: Vec<u64> = (0..group_count(size)).collect();
            order.shuffle(&mut rand::rng());
            assert_eq!(target.held(&hash, size).unwrap(), Held::None);
            for (done, index) in order.iter().enumerate() {
                let group = source.read_group(&hash, *index).unwrap();
                let progress = target.write_group(&hash, size, *index, &group.data, &group.proof).unwrap();
                assert_eq!(progress.held, done as u64 + 1);
            }
            assert!(target.has(&hash));
            assert_eq!(target.held(&hash, size).unwrap(), Held::Whole);
            assert_eq!(target.read(&hash).unwrap(), bytes);
            // The received blob serves groups in its turn.
            let group = target.read_group(&hash, group_count(size) - 1).unwrap();
            assert_eq!(group, source.read_group(&hash, group_count(size) - 1).unwrap());
            let mode = fs::metadata(target.path(&hash)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(fs::read_dir(dir.path().join("b/partial")).unwrap().count(), 0, "nothing partial left");
    }

    #[test]
    fn a_tampered_group_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let source = BlobStore::open(&dir.path().join("a")).unwrap();
        let target = BlobStore::open(&dir.path().join("b")).unwrap();
        let bytes = blob(100_000);
        let hash = source.insert(&bytes).unwrap();
        let mut group = source.read_group(&hash, 2).unwrap();
        group.data[10] ^= 0x40;
        let error = target.write_group(&hash, 100_000, 2, &group.data, &group.proof).unwrap_err();
        assert!(matches!(error, BlobError::Tampered { index: 2, why: "hash mismatch", .. }), "{error}");
        assert!(error.to_string().contains("chunk group 2 of blob"), "{error}");
        assert_eq!(target.held(&hash, 100_000).unwrap(), Held::None);
        // A group of another blob, or a short proof, is refused too.
        let good = source.read_group(&hash, 2).unwrap();
        assert!(target.write_group(&hash, 100_000, 3, &good.data, &good.proof).is_err());
        assert!(target.write_group(&hash, 100_000, 2, &good.data, &good.proof[32..]).is_err());
        // A tiny blob is checked whole.
        let small = source.insert(b"small").unwrap();
        assert!(target.write_group(&small, 5, 0, b"smalL", &[]).is_err());
        assert!(!target.has(&small));
    }

    #[test]
    fn groups_written_together_are_each_checked_and_resume_like_single_ones() {
        let dir = tempfile::tempdir().unwrap();
        let source = BlobStore::open(&dir.path().join("a")).unwrap();
        let target = BlobStore::open(&dir.path().join("b")).unwrap();
        let bytes = blob(200_000);
        let size = bytes.len() as u64;
        let hash = source.insert(&bytes).unwrap();
        let groups: Vec<Group> = (0..group_count(size)).map(|index| source.read_group(&hash, index).unwrap()).collect();
        let incoming = |range: std::ops::Range<u64>| -> Vec<Incoming<'_>> {
            range
                .map(|index| Incoming {
                    index,
                    data: &groups[index as usize].data,
                    proof: &groups[index as usize].proof,
                })
                .collect()
        };
        // Groups 0 to 4, the third altered: it alone is refused.
        let mut altered = groups[2].data.clone();
        altered[7] ^= 1;
        let mut first = incoming(0..5);
        first[2].data = &altered;
        let (refused, progress) = target.write_groups(&hash, size, &first).unwrap();
        assert!(matches!(refused[2], Some(BlobError::Tampered { index: 2, why: "hash mismatch", .. })), "{refused:?}");
        assert_eq!(refused.iter().filter(|refusal| refusal.is_some()).count(), 1);
        assert_eq!(progress, Progress { held: 4, total: group_count(size) });
        let Held::Partial(flags) = target.held(&hash, size).unwrap() else { panic!("partial expected") };
        assert_eq!(&flags[..6], &[true, true, false, true, true, false]);
        // The rest, one group again among them: the blob is whole.
        let (refused, progress) = target.write_groups(&hash, size, &incoming(2..group_count(size))).unwrap();
        assert!(refused.iter().all(Option::is_none) && progress.is_whole());
        assert_eq!(target.read(&hash).unwrap(), bytes);
        assert_eq!(fs::read_dir(dir.path().join("b/partial")).unwrap().count(), 0);
        // A blob of one group, refused then whole.
        let small = source.insert(b"small").unwrap();
        let bad = [Incoming { index: 0, data: b"smalL", proof: &[] }];
        let (refused, progress) = target.write_groups(&small, 5, &bad).unwrap();
        assert!(refused[0].is_some() && progress.held == 0);
        let good = [Incoming { index: 0, data: b"small", proof: &[] }];
        assert!(target.write_groups(&small, 5, &good).unwrap().1.is_whole());
    }

    #[test]
    fn a_partial_blob_survives_reopening_and_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let source = BlobStore::open(&dir.path().join("a")).unwrap();
        let bytes = blob(200_000);
        let size = bytes.len() as u64;
        let hash = source.insert(&bytes).unwrap();
        let total = group_count(size);
        {
            let target = BlobStore::open(&dir.path().join("b")).unwrap();
            for index in (0..total).step_by(2) {
                let group = source.read_group(&hash, index).unwrap();
                target.write_group(&hash, size, index, &group.data, &group.proof).unwrap();
            }
        }
        let target = BlobStore::open(&dir.path().join("b")).unwrap();
        let Held::Partial(flags) = target.held(&hash, size).unwrap() else { panic!("partial expected") };
        assert_eq!(flags, (0..total).map(|index| index % 2 == 0).collect::<Vec<_>>());
        for index in (1..total).step_by(2) {
            let group = source.read_group(&hash, index).unwrap();
            target.write_group(&hash, size, index, &group.data, &group.proof).unwrap();
        }
        assert_eq!(target.read(&hash).unwrap(), bytes);
        // Erased means gone, whole or partial.
        target.erase(&hash).unwrap();
        assert!(!target.has(&hash) && !target.cvs_path(&hash).exists());
        let group = source.read_group(&hash, 0).unwrap();
        target.write_group(&hash, size, 0, &group.data, &group.proof).unwrap();
        target.erase(&hash).unwrap();
        assert_eq!(target.held(&hash, size).unwrap(), Held::None);
        assert_eq!(fs::read_dir(dir.path().join("b/partial")).unwrap().count(), 0);
    }
}
