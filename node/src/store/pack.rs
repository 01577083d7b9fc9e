//! The entries' bytes, and the documents' list rows: one append-only file
//! beside sled (`entries.pack`).
//!
//! sled keeps only small records; an entry's record there is its
//! [`Span`] in this file. Keeping the 1.3 KB entries out of sled's leaves
//! is what bounds a syncing node's memory: sled copies a whole leaf on every
//! insert and holds far more of what passes through it than its cache
//! capacity (BENCHMARKS.md).
//!
//! Crash safety rests on one order: bytes are appended and synced to disk
//! *before* the sled batch that points at them is applied, so a span sled
//! holds always covers bytes on disk. A crash between the two leaves bytes
//! no record points at; they are never read, and the next append goes after
//! them; the store records where the pack ends with each batch, and cuts
//! such bytes off when it next opens (or at once, when the batch failed).
//! A withdrawal's purged entries and list row, and the list rows an edit
//! replaced, are overwritten with zeros after the sled batch that forgets
//! them is flushed (the store keeps a record of each span to erase until it
//! is done, so a crash cannot skip it), and the whole disk blocks among them
//! are given back to the filesystem (a hole punched in the file).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::backend::BackendError;

/// Where one entry's bytes lie in the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) offset: u64,
    pub(crate) len: u32,
}

impl Span {
    /// Its 12-byte record: offset (8, BE) ‖ length (4, BE).
    pub(crate) fn encode(self) -> Vec<u8> {
        let mut out = self.offset.to_be_bytes().to_vec();
        out.extend_from_slice(&self.len.to_be_bytes());
        out
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; 12] = bytes.try_into().ok()?;
        let offset = u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
        let len = u32::from_be_bytes(bytes[8..].try_into().expect("4 bytes"));
        Some(Self { offset, len })
    }
}

/// The append-only file of entry bytes.
#[derive(Debug)]
pub(crate) struct Pack {
    file: File,
    /// Where the next append goes. Only the store's writer appends.
    end: AtomicU64,
}

impl Pack {
    /// Opens (or creates, readable by the owner only) the pack at `path`.
    pub(crate) fn open(path: &Path) -> Result<Self, BackendError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(|error| io(path, error))?;
        let end = file.metadata().map_err(|error| io(path, error))?.len();
        Ok(Self { file, end: AtomicU64::new(end) })
    }

    /// Where the next append goes.
    pub(crate) fn end(&self) -> u64 {
        self.end.load(Ordering::Acquire)
    }

    /// Writes `bytes` at the end and syncs them to disk. On failure (a
    /// full disk, say) the end does not move, and whatever part was
    /// written is cut off again (a full disk gets its room back).
    pub(crate) fn append(&self, bytes: &[u8]) -> Result<(), BackendError> {
        let end = self.end();
        let written = self.file.write_all_at(bytes, end).and_then(|()| self.file.sync_data());
        if let Err(error) = written {
            if let Err(cut) = self.cut_back(end) {
                tracing::warn!("entries.pack: cannot cut back a failed append now ({cut}); the next open will");
            }
            if super::space::is_disk_full(&error) {
                return Err(super::space::full_error(None, Some(&self.file), bytes.len() as u64));
            }
            return Err(write_failed(error));
        }
        self.end.store(end + bytes.len() as u64, Ordering::Release);
        Ok(())
    }

    /// The space of the filesystem holding the pack.
    pub(crate) fn space(&self) -> std::io::Result<super::space::DiskSpace> {
        super::space::DiskSpace::of_file(&self.file)
    }

    /// Cuts the pack back to `end`, after overwriting what lies beyond
    /// with zeros (bytes a cut batch left, which nothing points at), and
    /// syncs. The next append goes at `end`.
    pub(crate) fn cut_back(&self, end: u64) -> Result<(), BackendError> {
        let len = self.file.metadata().map_err(write_failed)?.len();
        if len > end {
            let zeros = vec![0; 64 * 1024];
            let mut at = end;
            while at < len {
                let count = (len - at).min(zeros.len() as u64) as usize;
                self.file.write_all_at(&zeros[..count], at).map_err(write_failed)?;
                at += count as u64;
            }
            self.file.set_len(end).map_err(write_failed)?;
            self.file.sync_all().map_err(write_failed)?;
        }
        self.end.store(end.min(len), Ordering::Release);
        Ok(())
    }

    /// The bytes of one span.
    pub(crate) fn read(&self, span: Span) -> Result<Vec<u8>, BackendError> {
        if span.offset.saturating_add(u64::from(span.len)) > self.end() {
            return Err(BackendError::Corrupt(format!(
                "entries.pack ends at byte {} but the store points to bytes {}..{}",
                self.end(),
                span.offset,
                span.offset.saturating_add(u64::from(span.len))
            )));
        }
        let mut out = vec![0; span.len as usize];
        self.file.read_exact_at(&mut out, span.offset).map_err(|error| BackendError::Io(error.to_string()))?;
        Ok(out)
    }

    /// Overwrites the spans with zeros and syncs.
    pub(crate) fn erase(&self, spans: &[Span]) -> Result<(), BackendError> {
        for span in spans {
            let len = u64::from(span.len).min(self.end().saturating_sub(span.offset));
            self.file.write_all_at(&vec![0; len as usize], span.offset).map_err(write_failed)?;
            // The disk blocks wholly inside go back to the filesystem; where
            // it cannot punch holes, the zeros stay.
            let flags = rustix::fs::FallocateFlags::PUNCH_HOLE | rustix::fs::FallocateFlags::KEEP_SIZE;
            let _ = rustix::fs::fallocate(&self.file, flags, span.offset, len);
        }
        self.file.sync_data().map_err(write_failed)
    }
}

fn io(path: &Path, error: std::io::Error) -> BackendError {
    BackendError::Io(format!("{}: {error}", path.display()))
}

fn write_failed(error: std::io::Error) -> BackendError {
    BackendError::Io(format!("writing entries.pack: {error}"))
}
