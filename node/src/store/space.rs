//! Free space: a full disk is an ordinary condition.
//!
//! - **Before every batch** the store asks the filesystem how much is free
//!   (`statvfs`) and refuses the batch, writing nothing, when it would leave
//!   less than it must keep: [`LOCAL_MARGIN`] for a convener's own writes,
//!   the sync reserve ([`sync_reserve`]) for entries from peers. A write
//!   that fails with `ENOSPC` anyway (something else filled the disk) is the
//!   same refusal; its bytes are cut back from `entries.pack`.
//! - **sled after a failed write** refuses every later write until it is
//!   reopened (its log keeps the error). The store then reopens it in
//!   process, once there is room again, before its next write
//!   ([`super::Backend::heal`]); what the failed batch had applied is
//!   forgotten, and the pack is cut back to what sled records.
//! - **sled writes while it reads** (it consolidates pages) and in the
//!   background (it flushes and cleans its log), and after one such write
//!   fails it refuses reads too; it also writes a snapshot at every open.
//!   So the store keeps a file of [`DISK_RESERVE`] bytes
//!   ([`DISK_RESERVE_FILE`]): when sled meets a full disk the file is
//!   deleted and sled reopened, and the room it held is sled's own for
//!   reads and opens. It is made again before the next write, which is
//!   refused until there is room for it: a full disk never leaves the node
//!   unable to read, and the reserve is never spent on the node's writes.

use std::cell::Cell;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use super::backend::BackendError;

/// What a convener's own writes (submit, edit, withdraw, import) leave free:
/// room for sled's log and snapshot, and for opening the store again.
pub const LOCAL_MARGIN: u64 = 1 << 20;
/// The sync reserve's bounds: a tenth of the filesystem, within these.
pub const SYNC_RESERVE_MIN: u64 = 2 << 20;
/// See [`SYNC_RESERVE_MIN`].
pub const SYNC_RESERVE_MAX: u64 = 32 << 20;
/// Free space, beyond the reserve, that sync wants before it fetches a
/// batch: two replies in flight (512 KiB each) and what storing them costs.
pub const FETCH_ROOM: u64 = 2 << 20;
/// The size of the disk reserve (see the module documentation).
pub const DISK_RESERVE: u64 = 4 << 20;
/// Its name, in the store's directory.
pub const DISK_RESERVE_FILE: &str = "disk-reserve";
/// The name a 1 MiB reserve had before (2026-12): removed at open.
const OLD_RESERVE_FILE: &str = "open-reserve";

/// What sync leaves free for a convener's own writes on a filesystem of
/// `total` bytes: a tenth of it, at least 2 MiB and at most 32 MiB.
pub fn sync_reserve(total: u64) -> u64 {
    (total / 10).clamp(SYNC_RESERVE_MIN, SYNC_RESERVE_MAX)
}

/// The filesystem holding the store, as `status` shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiskSpace {
    /// Bytes free for the node's writes.
    pub free_bytes: u64,
    /// The filesystem's size.
    pub total_bytes: u64,
    /// What sync leaves free for a convener's own writes.
    pub sync_reserve_bytes: u64,
}

impl DiskSpace {
    /// The space of the filesystem holding `path`.
    pub fn of(path: &Path) -> std::io::Result<Self> {
        Ok(Self::from_statvfs(&rustix::fs::statvfs(path)?))
    }

    /// The space of the filesystem holding `file`.
    pub fn of_file(file: &File) -> std::io::Result<Self> {
        Ok(Self::from_statvfs(&rustix::fs::fstatvfs(file)?))
    }

    fn from_statvfs(stat: &rustix::fs::StatVfs) -> Self {
        let total = stat.f_blocks.saturating_mul(stat.f_frsize);
        Self {
            free_bytes: stat.f_bavail.saturating_mul(stat.f_frsize),
            total_bytes: total,
            sync_reserve_bytes: sync_reserve(total),
        }
    }

    /// Whether sync may fetch and store more: the reserve stays free.
    pub fn sync_may_store(&self) -> bool {
        self.free_bytes >= self.sync_reserve_bytes + FETCH_ROOM
    }

    /// Whether a convener's own small write (a submit) would be refused.
    pub fn full(&self) -> bool {
        self.free_bytes < LOCAL_MARGIN + (64 << 10)
    }
}

thread_local! {
    /// What the batches stored on this thread must leave free.
    static KEEP_SYNC_RESERVE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work` (which stores entries from peers) so that every batch it
/// stores leaves the sync reserve free, not just [`LOCAL_MARGIN`].
pub fn keeping_sync_reserve<T>(work: impl FnOnce() -> T) -> T {
    let before = KEEP_SYNC_RESERVE.with(|keep| keep.replace(true));
    let out = work();
    KEEP_SYNC_RESERVE.with(|keep| keep.set(before));
    out
}

/// Refuses a batch that would leave less free than this thread must keep.
/// `writing`: the bytes the batch adds to the pack and to sled (estimated);
/// `unreserved`: the bytes of the disk reserve that must be made again first.
pub(crate) fn check_room(space: std::io::Result<DiskSpace>, writing: u64, unreserved: u64) -> Result<(), BackendError> {
    // Not knowing (statvfs failed) is no reason to refuse: the write will say.
    let Ok(space) = space else { return Ok(()) };
    let keep =
        if KEEP_SYNC_RESERVE.with(Cell::get) { space.sync_reserve_bytes.max(LOCAL_MARGIN) } else { LOCAL_MARGIN };
    let needed = writing + keep + unreserved;
    if space.free_bytes < needed {
        return Err(BackendError::DiskFull { free: space.free_bytes, needed });
    }
    Ok(())
}

/// What a batch of `pack` bytes and `records` bytes of sled records costs
/// on disk, about: sled writes each record into its log with its page and
/// rewrites pages as it goes.
pub(crate) fn estimate(pack: u64, records: u64) -> u64 {
    pack + records * 3 + (16 << 10)
}

/// Whether an I/O error says the disk (or the user's quota) is full.
pub fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull
        || error.raw_os_error().is_some_and(|code| {
            code == rustix::io::Errno::NOSPC.raw_os_error() || code == rustix::io::Errno::DQUOT.raw_os_error()
        })
}

/// The refusal for a write that failed on a full disk, with what is free
/// now on the filesystem of `dir` and about what the write `needed`.
pub(crate) fn full_error(dir: Option<&Path>, file: Option<&File>, needed: u64) -> BackendError {
    let space = match (file, dir) {
        (Some(file), _) => DiskSpace::of_file(file).ok(),
        (None, Some(dir)) => DiskSpace::of(dir).ok(),
        (None, None) => None,
    };
    BackendError::DiskFull { free: space.map_or(0, |space| space.free_bytes), needed: needed.max(LOCAL_MARGIN) }
}

/// Makes the disk reserve in `dir` when it is missing and there is room
/// for it beside a convener's margin; on failure, none is left half made.
pub(crate) fn keep_disk_reserve(dir: &Path) {
    if disk_reserve_missing(dir) == 0 {
        return;
    }
    let path = dir.join(DISK_RESERVE_FILE);
    let _ = std::fs::remove_file(dir.join(OLD_RESERVE_FILE));
    let Ok(space) = DiskSpace::of(dir) else { return };
    if space.free_bytes < DISK_RESERVE + LOCAL_MARGIN {
        return;
    }
    // Written, not just sized: a sparse file would hold no blocks.
    let made = File::create(&path).and_then(|mut file| {
        file.write_all(&vec![0; DISK_RESERVE as usize])?;
        file.sync_all()
    });
    if let Err(error) = made {
        tracing::debug!("cannot make {}: {error}", path.display());
        let _ = std::fs::remove_file(&path);
    }
}

/// The bytes of the disk reserve in `dir` that are missing: all of it
/// while it is released, else 0.
pub(crate) fn disk_reserve_missing(dir: &Path) -> u64 {
    let held = dir.join(DISK_RESERVE_FILE).metadata().is_ok_and(|meta| meta.len() == DISK_RESERVE);
    if held { 0 } else { DISK_RESERVE }
}

/// Deletes the disk reserve in `dir`, if there is one, so that sled has
/// room on a full disk. Returns whether it did.
pub(crate) fn release_disk_reserve(dir: &Path) -> bool {
    let released = [DISK_RESERVE_FILE, OLD_RESERVE_FILE]
        .iter()
        .filter(|name| std::fs::remove_file(dir.join(name)).is_ok())
        .count()
        > 0;
    if released {
        tracing::warn!(
            "the disk is full: released the {} MB kept in {} so the store can go on reading; \
             writes wait until it can be made again",
            mb(DISK_RESERVE),
            dir.join(DISK_RESERVE_FILE).display()
        );
    }
    released
}

/// Bytes as MB with one decimal, for messages.
pub fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1e6)
}

/// What the store does about free space (see the module documentation).
impl<B: super::Backend> super::Store<B> {
    /// The filesystem holding the store. Room the disk reserve must take
    /// back (it was released on a full disk) is not counted free.
    pub fn disk_space(&self) -> std::io::Result<DiskSpace> {
        let mut space = self.pack.space()?;
        space.free_bytes = space.free_bytes.saturating_sub(self.backend.unreserved());
        Ok(space)
    }

    /// Refuses a batch that would leave less free than this thread keeps.
    pub(super) fn check_room(&self, pack: &[u8], batch: &super::WriteBatch) -> Result<(), BackendError> {
        let records: usize = batch.ops.iter().map(|(key, value)| key.len() + value.as_ref().map_or(0, Vec::len)).sum();
        self.backend.keep_reserve();
        check_room(self.pack.space(), estimate(pack.len() as u64, records as u64), self.backend.unreserved())
    }

    /// Reopens the backend if a failed write left it refusing writes;
    /// then what it forgot (batches applied, never flushed) leaves the
    /// counts, the list index and the pack's tail too.
    pub(super) fn heal(&self) -> Result<(), super::StoreError> {
        if !self.backend.heal()? {
            return Ok(());
        }
        *self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        *self.list_index.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        if let Some(end) = self.recorded_pack_end()?
            && self.pack.end() > end
        {
            self.pack.cut_back(end)?;
        }
        Ok(())
    }

    /// Runs a write that opening the store does, unless the disk is full:
    /// then it is left for the next open, with a warning.
    pub(super) fn unless_full(
        &self,
        what: &str,
        work: impl FnOnce(&Self) -> Result<(), super::StoreError>,
    ) -> Result<(), super::StoreError> {
        if self.disk_space().is_ok_and(|space| space.free_bytes < LOCAL_MARGIN) {
            tracing::debug!("the disk is full: {what}, if needed, waits for the next open");
            return Ok(());
        }
        match work(self) {
            Err(super::StoreError::Backend(BackendError::DiskFull { .. })) => {
                tracing::warn!("the disk is full: {what} waits for the next open");
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sync_reserve_is_a_tenth_within_bounds() {
        assert_eq!(sync_reserve(10 << 20), SYNC_RESERVE_MIN);
        assert_eq!(sync_reserve(100 << 20), 10 << 20);
        assert_eq!(sync_reserve(1 << 40), SYNC_RESERVE_MAX);
    }

    #[test]
    fn a_batch_is_refused_with_plain_numbers_and_sync_keeps_the_reserve() {
        let space = |free| Ok(DiskSpace { free_bytes: free, total_bytes: 100 << 20, sync_reserve_bytes: 10 << 20 });
        assert!(check_room(space(5 << 20), 1 << 20, 0).is_ok());
        let refused = keeping_sync_reserve(|| check_room(space(5 << 20), 1 << 20, 0)).unwrap_err();
        let text = refused.to_string();
        assert!(text.starts_with("the disk is full: 5.2 MB free, about 11.5 MB needed"), "{text}");
        assert!(!text.contains("Os {") && !text.contains("os error"), "{text}");
        // The thread's setting ends with the call.
        assert!(check_room(space(5 << 20), 1 << 20, 0).is_ok());
        assert!(matches!(check_room(space(1 << 20), 4096, 0), Err(BackendError::DiskFull { .. })));
        // A released disk reserve must fit again before a write.
        assert!(matches!(check_room(space(5 << 20), 1 << 20, DISK_RESERVE), Err(BackendError::DiskFull { .. })));
    }

    #[test]
    fn enospc_and_quota_are_a_full_disk() {
        assert!(is_disk_full(&std::io::Error::from_raw_os_error(28)));
        assert!(is_disk_full(&std::io::Error::from_raw_os_error(122)));
        assert!(!is_disk_full(&std::io::Error::from_raw_os_error(13)));
    }
}
