//! Bundles: a network's signed entries and their attached files (blobs)
//! in a file, for a USB stick carried to the next town ("a USB stick
//! carried to the next town is a valid link", `../shared/DOMAIN.md`).
//!
//! `convene bundle want FILE` on the receiving node writes a **want file**:
//! the ids of every entry it holds (withdrawal tombstones and purged ids
//! included), so the sender leaves them out, and every blob its documents
//! name with the chunk groups of it held there. `convene bundle export
//! FILE` writes what the receiver lacks: everything, only entries signed
//! since a date, or everything the want file does not list. `convene bundle
//! import FILE…` reads each entry into [`Node::ingest_encoded`], the very
//! path the sync engine stores a fetched batch by: signature, id, network,
//! size, write rule, limits, withdrawals; nothing is trusted for being in a
//! file.
//!
//! **Blobs**, unless exported without them: every blob named by a document
//! some of whose entries the bundle carries (so a bundle of everything
//! carries every file held here whole), and with a want file also every
//! blob the receiver names but lacks; minus what the want file says the
//! receiver holds, group by group (so a blob half carried by an earlier
//! stick is finished by the next). They come after every entry, previews
//! before originals, smallest first, so a part-limited bundle carries text
//! first. Import stores a blob's groups only once the entries are stored,
//! only for a blob a live document names here at that size, each group
//! through [`BlobStore::write_groups`](crate::blobs::BlobStore::write_groups)
//! (a run of up to 1 MiB of one blob, synced once), which checks each
//! against the blob's hash before a byte is written, as sync does: a group
//! that does not verify is refused with the blob and group named, and the
//! rest is kept.
//!
//! # Bundle format, version 1 (big-endian)
//!
//! A bundle is one or more **parts**, each a file that stands alone:
//!
//! | bytes | field |
//! | --- | --- |
//! | 14 | magic `convene-bundle` |
//! | 1 | format version = 1 |
//! | 32 | network id |
//! | 1 + n | the network's name: its length (≤ 255), then UTF-8 |
//! | 1 | what it holds: bit 0 only entries since a date, bit 1 what a want file lacks (neither: everything); bit 2 written without blobs |
//! | 8 | since (ms since the epoch; 0 unless bit 0) |
//! | 32 | BLAKE3 of the want file (zeros unless bit 1) |
//! | 8 | created at (ms since the epoch) |
//! | 4 | part number, from 1 |
//!
//! then records, each `tag (1) ‖ length (4) ‖ body`:
//!
//! | tag | body |
//! | --- | --- |
//! | 1 | a signed entry's encoding, at most [`MAX_ENTRY_BYTES`] |
//! | 2 | chunk groups of one blob, at most [`MAX_BLOB_RECORD_BYTES`]: its BLAKE3 hash (32) ‖ size (8) ‖ n groups (4) ‖ n × (group index (8) ‖ bytes (4) ‖ proof bytes (2) ‖ the group's bytes ‖ its proof) |
//! | 255 | the trailer, last: records before it (8) ‖ last part (1: 1 or 0) ‖ BLAKE3 of every byte of the part before the trailer's tag (32) |
//!
//! Blob records, which earlier readers skipped unread, keep format 1:
//! a group is 16 KiB (the last one of a blob perhaps less) and its proof
//! the chaining values beside its path to the blob's hash (`blobs/tree.rs`);
//! an export writes at most four groups (64 KiB) in a record, so a part cut
//! short loses no more than the record it cuts. A part-limited export fills
//! each part's room, so one blob may continue in the next part.
//!
//! Entries come document by document, each document's in the order they
//! were signed (a create before its changes, a withdrawal last), so a
//! receiver stores them as they come; one that arrives before what it
//! builds on waits in the store's deferred set (`store/deferred.rs`) for it.
//!
//! **Damage:** each entry verifies by itself, so an import stores every
//! entry it reads as it reads it, and a part cut short, altered or garbled
//! is reported with the reason once the framing or the trailer shows it:
//! what verified before is kept, a damaged part loses only its own entries.
//! A group altered inside a record is refused by its hash, named in the
//! report. A part of another network is refused whole, with that network's
//! name. Nothing is ever read whole: a record is at most an entry's size or
//! a blob record's, and importing holds one batch of entries.
//!
//! # Want file format, version 2 (big-endian)
//!
//! `convene-want` (12) ‖ version = 2 (1) ‖ network id (32) ‖ created at
//! (ms, 8) ‖ count (8) ‖ count entry ids, sorted (32 each) ‖ blobs (8) ‖
//! each blob its documents name, sorted by hash: hash (32) ‖ size (8) ‖
//! held (1: 0 nothing, 1 whole, 2 some groups, then ⌈groups / 8⌉ bytes,
//! bit `i % 8` of byte `i / 8` set when group `i` is held) ‖ BLAKE3 of
//! every byte before (32). 100,000 entries make 3.2 MB, 10,000 blobs
//! 410 KB. Version 1 (no blobs) is read too: an export for it sends the
//! blobs of the entries it carries, whole.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use convene_protocol::attachment::{BlobHash, Limits, NamedBlob};
use convene_protocol::entry::{DocumentId, EntryId, MAX_ENTRY_BYTES};
use convene_protocol::network::NetworkId;

use crate::blobs::{BlobError, Held, Incoming, group_count};
use crate::error::NodeError;
use crate::node::{Node, VerifiedBatch, now_ms};
use crate::store::IngestOutcome;

/// The first bytes of every bundle part.
pub const MAGIC: &[u8; 14] = b"convene-bundle";
/// The bundle format this version writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// The first bytes of a want file.
pub const WANT_MAGIC: &[u8; 12] = b"convene-want";
/// The want-file format this version writes (it reads 1 too).
pub const WANT_VERSION: u8 = 2;
/// A record holding a signed entry.
pub const TAG_ENTRY: u8 = 1;
/// A record holding chunk groups of one blob.
pub const TAG_BLOB: u8 = 2;
/// The record that ends a part.
pub const TAG_TRAILER: u8 = 255;
/// The largest blob record a reader takes (an export writes at most four
/// groups in one, about 64 KiB).
pub const MAX_BLOB_RECORD_BYTES: usize = 1024 * 1024 + 1024;
/// The smallest part: room for the largest entry.
pub const MIN_PART_BYTES: u64 = 1024 * 1024;
/// The most ids a want file may list (128 MiB of them).
pub const MAX_WANT_IDS: u64 = 4 * 1024 * 1024;
/// The most blobs a want file may list.
pub const MAX_WANT_BLOBS: u64 = 1024 * 1024;

/// A blob record's bytes before its groups: hash, size, group count.
const BLOB_HEAD: usize = 32 + 8 + 4;
/// A group's bytes before its data: index, data length, proof length.
const GROUP_HEAD: usize = 8 + 4 + 2;
/// The most groups an export puts in a record (64 KiB): a part cut short
/// loses the groups of the record it cuts, no more.
const RECORD_GROUPS: u32 = 4;
/// Blob records of one blob written to the store together (one sync).
const BLOB_BATCH_BYTES: usize = 1024 * 1024;

const TRAILER_BYTES: u32 = 8 + 1 + 32;
const FLAG_SINCE: u8 = 1;
const FLAG_WANT: u8 = 2;
const FLAG_NO_BLOBS: u8 = 4;
/// Entries stored per call (one sync each), while the next are verified.
#[cfg(not(test))]
const IMPORT_BATCH: usize = 1024;
/// Small in unit tests, so that their bundles take many batches.
#[cfg(test)]
const IMPORT_BATCH: usize = 8;
const IMPORT_BATCH_BYTES: usize = 16 * 1024 * 1024;
/// Refusals listed by name in a report (all are counted).
const REFUSALS_LISTED: usize = 50;
/// Entries kept aside during an import that are looked up at its end.
const WAITING_TRACKED: usize = 65_536;

/// What an export writes: everything, or less.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only entries signed at or after this time (ms since the epoch).
    pub since_ms: Option<u64>,
    /// Only entries the receiver's want file does not list (and only the
    /// groups of blobs it does not hold).
    pub want: Option<Want>,
    /// Entries only: no attached files.
    pub without_blobs: bool,
}

/// A blob a want file lists: its hash, size and what of it is held there.
type Listed = (BlobHash, u64, Held);

/// The blobs an export carries, in order, each with the groups to write.
type BlobPlan = Vec<(NamedBlob, Vec<u64>)>;

/// A receiver's summary of what it holds, read from its want file.
#[derive(Debug, Clone)]
pub struct Want {
    ids: Vec<EntryId>,
    /// Each blob its documents name, by hash, with its size and what of it
    /// is held there; `None` from a version-1 want file, which does not say.
    blobs: Option<Vec<Listed>>,
    digest: [u8; 32],
}

impl Want {
    /// How many entry ids the receiver listed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it listed none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn holds(&self, id: &EntryId) -> bool {
        self.ids.binary_search(id).is_ok()
    }

    /// How many blobs the receiver names but does not hold whole (0 from a
    /// version-1 want file, which does not list them).
    pub fn blobs_wanted(&self) -> usize {
        self.blobs.iter().flatten().filter(|(_, _, held)| *held != Held::Whole).count()
    }

    /// The size the receiver knows the blob by, and what of it it holds.
    fn blob(&self, hash: &BlobHash) -> Option<(u64, &Held)> {
        let blobs = self.blobs.as_ref()?;
        let at = blobs.binary_search_by(|(listed, _, _)| listed.cmp(hash)).ok()?;
        Some((blobs[at].1, &blobs[at].2))
    }

    /// Reads a want file for `network`, checking its checksum.
    pub fn read(path: &Path, network: &NetworkId) -> Result<Self, NodeError> {
        let bad = |problem: String| NodeError::WantFile { path: path.to_owned(), problem };
        let io_error = |source: io::Error| {
            if source.kind() == io::ErrorKind::UnexpectedEof {
                bad("the want file is cut short".into())
            } else {
                bad(source.to_string())
            }
        };
        let file = File::open(path).map_err(io_error)?;
        let mut input = Hashed::new(BufReader::new(file));
        let magic: [u8; 12] = input.array().map_err(io_error)?;
        if &magic != WANT_MAGIC {
            return Err(bad("not a Convene want file (made by `convene bundle want FILE`)".into()));
        }
        let [version] = input.array().map_err(io_error)?;
        if !(1..=WANT_VERSION).contains(&version) {
            return Err(bad(format!("want file format {version}; this Convene reads formats 1 to {WANT_VERSION}")));
        }
        let found = NetworkId(input.array().map_err(io_error)?);
        if &found != network {
            return Err(bad(format!(
                "this want file was made by a node of network {found}, not this node's {network}"
            )));
        }
        let _created: [u8; 8] = input.array().map_err(io_error)?;
        let count = u64::from_be_bytes(input.array().map_err(io_error)?);
        if count > MAX_WANT_IDS {
            return Err(bad(format!("the want file claims {count} ids; at most {MAX_WANT_IDS} are read")));
        }
        let mut ids = Vec::with_capacity(count as usize);
        for _ in 0..count {
            ids.push(EntryId(input.array().map_err(io_error)?));
        }
        let blobs =
            if version >= 2 { Some(read_want_blobs(&mut input).map_err(io_error)?.map_err(bad)?) } else { None };
        let expected = *input.hasher.finalize().as_bytes();
        let mut digest = [0; 32];
        input.inner.read_exact(&mut digest).map_err(io_error)?;
        if digest != expected {
            return Err(bad("the want file's checksum does not match: it is damaged".into()));
        }
        if input.inner.read(&mut [0]).map_err(io_error)? != 0 {
            return Err(bad("the want file has bytes after its checksum: it is damaged".into()));
        }
        if !ids.is_sorted() {
            return Err(bad("the want file's ids are not sorted".into()));
        }
        if blobs.as_ref().is_some_and(|blobs| !blobs.is_sorted_by(|a, b| a.0 < b.0)) {
            return Err(bad("the want file's blobs are not sorted".into()));
        }
        Ok(Self { ids, blobs, digest })
    }
}

/// The blobs of a version-2 want file; the inner `Err` says why they make
/// no sense, the outer one that the file could not be read.
fn read_want_blobs<R: Read>(input: &mut Hashed<R>) -> io::Result<Result<Vec<Listed>, String>> {
    let count = u64::from_be_bytes(input.array()?);
    if count > MAX_WANT_BLOBS {
        return Ok(Err(format!("the want file claims {count} blobs; at most {MAX_WANT_BLOBS} are read")));
    }
    let mut blobs = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let hash = BlobHash(input.array()?);
        let size = u64::from_be_bytes(input.array()?);
        if size > Limits::CEILING.file_bytes {
            return Ok(Err(format!("the want file claims a blob of {size} bytes, larger than a file may be")));
        }
        let [state] = input.array()?;
        let held = match state {
            0 => Held::None,
            1 => Held::Whole,
            2 => {
                let groups = group_count(size) as usize;
                let mut bits = vec![0; groups.div_ceil(8)];
                input.take(&mut bits)?;
                Held::Partial((0..groups).map(|i| bits[i / 8] & (1 << (i % 8)) != 0).collect())
            }
            other => return Ok(Err(format!("the want file holds a blob in the unknown state {other}"))),
        };
        blobs.push((hash, size, held));
    }
    Ok(Ok(blobs))
}

/// What a want file holds, as `bundle want` reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WantReport {
    /// The file written.
    pub file: String,
    /// Entry ids it lists.
    pub ids: u64,
    /// Blobs this node's documents name that it does not hold whole (the
    /// file lists them with the groups held, and the whole ones too).
    pub blobs_wanted: u64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportReport {
    /// The parts written, in order.
    pub files: Vec<String>,
    /// Entries written.
    pub entries: u64,
    /// Blobs (attached files and previews) of which groups were written.
    pub blobs: u64,
    /// Chunk groups of them written (16 KiB each, the last of a blob less).
    pub groups: u64,
    /// Blobs it would have carried that this node does not hold whole
    /// either (still arriving, or never fetched): left out.
    pub blobs_not_here: u64,
    /// Bytes written, all parts.
    pub bytes: u64,
}

/// A part's header: which network, what it holds, which part.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartHeader {
    /// The network it is for.
    pub network: NetworkId,
    /// That network's name.
    pub network_name: String,
    /// Only entries since this time, when it says so.
    pub since_ms: Option<u64>,
    /// The BLAKE3 of the want file it answers, when it does (hex).
    pub want: Option<String>,
    /// When the bundle was made.
    pub created_ms: u64,
    /// Which part (from 1).
    pub part: u32,
    /// Written without blobs (entries only).
    #[serde(default)]
    pub without_blobs: bool,
}

impl PartHeader {
    fn encode(&self) -> Vec<u8> {
        let mut name = self.network_name.as_str();
        while name.len() > 255 {
            let mut end = 255.min(name.len() - 1);
            while !name.is_char_boundary(end) {
                end -= 1;
            }
            name = &name[..end];
        }
        let mut out = Vec::with_capacity(128 + name.len());
        out.extend_from_slice(MAGIC);
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&self.network.0);
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        let want = self.want.as_deref().and_then(|text| hex::decode(text).ok()).filter(|bytes| bytes.len() == 32);
        let flags = if self.since_ms.is_some() { FLAG_SINCE } else { 0 }
            | if want.is_some() { FLAG_WANT } else { 0 }
            | if self.without_blobs { FLAG_NO_BLOBS } else { 0 };
        out.push(flags);
        out.extend_from_slice(&self.since_ms.unwrap_or(0).to_be_bytes());
        out.extend_from_slice(&want.unwrap_or_else(|| vec![0; 32]));
        out.extend_from_slice(&self.created_ms.to_be_bytes());
        out.extend_from_slice(&self.part.to_be_bytes());
        out
    }

    fn read<R: Read>(input: &mut Hashed<R>) -> Result<Self, PartProblem> {
        let truncated = |error: io::Error| match error.kind() {
            io::ErrorKind::UnexpectedEof => PartProblem::NotABundle { reason: "too short to be a bundle".into() },
            _ => PartProblem::Unreadable { reason: error.to_string() },
        };
        let magic: [u8; 14] = input.array().map_err(truncated)?;
        if &magic != MAGIC {
            return Err(PartProblem::NotABundle {
                reason: "it does not start as a Convene bundle (made by `convene bundle export`)".into(),
            });
        }
        let [version] = input.array().map_err(truncated)?;
        if version != FORMAT_VERSION {
            return Err(PartProblem::NewerFormat { version });
        }
        let network = NetworkId(input.array().map_err(truncated)?);
        let [length] = input.array().map_err(truncated)?;
        let mut name = vec![0; usize::from(length)];
        input.take(&mut name).map_err(truncated)?;
        let [flags] = input.array().map_err(truncated)?;
        let since = u64::from_be_bytes(input.array().map_err(truncated)?);
        let want: [u8; 32] = input.array().map_err(truncated)?;
        let created_ms = u64::from_be_bytes(input.array().map_err(truncated)?);
        let part = u32::from_be_bytes(input.array().map_err(truncated)?);
        Ok(Self {
            network,
            network_name: String::from_utf8_lossy(&name).into_owned(),
            since_ms: (flags & FLAG_SINCE != 0).then_some(since),
            want: (flags & FLAG_WANT != 0).then(|| hex::encode(want)),
            created_ms,
            part,
            without_blobs: flags & FLAG_NO_BLOBS != 0,
        })
    }
}

/// Why a part was not read to its end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartProblem {
    /// Not a bundle at all.
    NotABundle {
        /// Why not.
        reason: String,
    },
    /// A bundle format this version does not read.
    NewerFormat {
        /// The part's format version.
        version: u8,
    },
    /// A bundle of another network: refused whole.
    OtherNetwork {
        /// Its network id.
        network: NetworkId,
        /// Its network's name.
        name: String,
    },
    /// Cut short, altered or garbled: what verified before is kept.
    Damaged {
        /// What is wrong, and where.
        reason: String,
    },
    /// The file could not be read.
    Unreadable {
        /// The system's words.
        reason: String,
    },
}

impl std::fmt::Display for PartProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotABundle { reason } => write!(f, "not a Convene bundle: {reason}"),
            Self::NewerFormat { version } => write!(
                f,
                "bundle format {version}, written by another version of Convene; this one reads format {FORMAT_VERSION}"
            ),
            Self::OtherNetwork { network, name } => write!(
                f,
                "this bundle is for the network \"{name}\" ({network}), not this node's: nothing of it was imported"
            ),
            Self::Damaged { reason } => {
                write!(f, "the bundle is damaged ({reason}); what verified before the damage was kept")
            }
            Self::Unreadable { reason } => write!(f, "cannot read it: {reason}"),
        }
    }
}

/// One part as an import read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartReport {
    /// The file (or upload) it came from.
    pub name: String,
    /// Its header, when it could be read.
    pub header: Option<PartHeader>,
    /// Whether its trailer says it is the bundle's last part (known only
    /// once read whole).
    pub last: Option<bool>,
    /// Entry records read.
    pub entries: u64,
    /// Blob chunk groups read.
    pub groups: u64,
    /// Why it was not read whole and checked; `None` when it was.
    pub problem: Option<PartProblem>,
}

/// One entry an import refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    /// The entry's id (the hash of its bytes as read).
    pub entry: String,
    /// Why.
    pub reason: String,
}

/// A blob's chunk group (or a whole record of them) an import refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlobRefusal {
    /// The blob's hash (hex).
    pub blob: String,
    /// The group, when one group was refused (not the record's every group).
    pub group: Option<u64>,
    /// Why.
    pub reason: String,
}

/// What `bundle import` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    /// Each part, in the order read.
    pub parts: Vec<PartReport>,
    /// Entries newly stored.
    pub new: u64,
    /// Entries this node already held.
    pub already_held: u64,
    /// Changes whose past (or grant) is in no part read yet: they wait in
    /// memory and are stored when it comes, else fetched again later.
    pub waiting: u64,
    /// Entries refused.
    pub refused: u64,
    /// The first refusals, with reasons.
    pub refusals: Vec<Refusal>,
    /// Blobs made whole by this import.
    pub blobs_completed: u64,
    /// Chunk groups verified and stored.
    pub groups_stored: u64,
    /// Chunk groups verified that this node held already.
    pub groups_held: u64,
    /// Chunk groups of blobs no live document here names (yet): not
    /// stored; a document that arrives later names them, and a bundle or
    /// a peer brings them again.
    pub groups_unnamed: u64,
    /// Chunk groups refused: they did not verify against the blob's hash.
    pub groups_refused: u64,
    /// The first refused groups, with the blob, group and reason.
    pub blob_refusals: Vec<BlobRefusal>,
}

impl ImportReport {
    /// Whether some part was damaged or unreadable.
    pub fn damaged(&self) -> bool {
        self.parts.iter().any(|part| {
            matches!(
                part.problem,
                Some(PartProblem::Damaged { .. } | PartProblem::NotABundle { .. } | PartProblem::Unreadable { .. })
            )
        })
    }

    /// Whether some part was refused whole (another network, another format).
    pub fn refused_whole(&self) -> bool {
        self.parts.iter().any(|part| {
            matches!(part.problem, Some(PartProblem::OtherNetwork { .. } | PartProblem::NewerFormat { .. }))
        })
    }
}

/// Why reading a part's records stopped early.
#[derive(Debug)]
enum Stop {
    /// The part is damaged there: what came before is kept.
    Damaged(PartProblem),
    /// The store failed (the disk is full, say): the import ends.
    Store(NodeError),
}

/// A reader that hashes what it reads.
struct Hashed<R> {
    inner: R,
    hasher: blake3::Hasher,
}

impl<R: Read> Hashed<R> {
    fn new(inner: R) -> Self {
        Self { inner, hasher: blake3::Hasher::new() }
    }

    fn take(&mut self, buffer: &mut [u8]) -> io::Result<()> {
        self.inner.read_exact(buffer)?;
        self.hasher.update(buffer);
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        let mut out = [0; N];
        self.take(&mut out)?;
        Ok(out)
    }
}

/// One part being written: hashes what it writes, ends with the trailer.
#[derive(Debug)]
struct PartWriter<W: Write> {
    out: W,
    hasher: blake3::Hasher,
    records: u64,
    bytes: u64,
}

impl<W: Write> PartWriter<W> {
    fn start(out: W, header: &PartHeader) -> io::Result<Self> {
        let mut writer = Self { out, hasher: blake3::Hasher::new(), records: 0, bytes: 0 };
        writer.put(&header.encode())?;
        Ok(writer)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    fn record(&mut self, tag: u8, body: &[u8]) -> io::Result<()> {
        let mut head = [0; 5];
        head[0] = tag;
        head[1..].copy_from_slice(&(body.len() as u32).to_be_bytes());
        self.put(&head)?;
        self.put(body)?;
        self.records += 1;
        Ok(())
    }

    /// Writes the trailer; returns the output and the part's size.
    fn finish(mut self, last: bool) -> io::Result<(W, u64)> {
        let digest = self.hasher.finalize();
        let mut trailer = Vec::with_capacity(5 + TRAILER_BYTES as usize);
        trailer.push(TAG_TRAILER);
        trailer.extend_from_slice(&TRAILER_BYTES.to_be_bytes());
        trailer.extend_from_slice(&self.records.to_be_bytes());
        trailer.push(u8::from(last));
        trailer.extend_from_slice(digest.as_bytes());
        self.out.write_all(&trailer)?;
        self.out.flush()?;
        Ok((self.out, self.bytes + trailer.len() as u64))
    }
}

/// Where an export's records go.
trait Sink {
    fn record(&mut self, tag: u8, body: &[u8]) -> Result<(), NodeError>;
    /// The largest record body the next [`Sink::record`] takes without
    /// going over a part's size: what is left of the current part when
    /// that is at least `at_least`, else what a new part holds.
    fn room(&self, at_least: usize) -> usize;
    /// Ends the last part; returns the files written and the bytes.
    fn finish(self: Box<Self>) -> Result<(Vec<String>, u64), NodeError>;
}

/// One part on any output (an HTTP download).
struct StreamSink<'a> {
    writer: PartWriter<&'a mut dyn Write>,
}

/// A failure writing a download.
fn download_failed(source: io::Error) -> NodeError {
    NodeError::Io { path: PathBuf::from("(download)"), source }
}

impl Sink for StreamSink<'_> {
    fn record(&mut self, tag: u8, body: &[u8]) -> Result<(), NodeError> {
        self.writer.record(tag, body).map_err(download_failed)
    }

    fn room(&self, _: usize) -> usize {
        usize::MAX
    }

    fn finish(self: Box<Self>) -> Result<(Vec<String>, u64), NodeError> {
        let (_, bytes) = self.writer.finish(true).map_err(download_failed)?;
        Ok((Vec::new(), bytes))
    }
}

/// Parts in files: `FILE`, or `FILE.001`, `FILE.002`, … of at most
/// `part_size` bytes each.
struct FileSink {
    base: PathBuf,
    part_size: Option<u64>,
    header: PartHeader,
    current: Option<(PathBuf, PartWriter<BufWriter<File>>)>,
    files: Vec<String>,
    bytes: u64,
}

impl FileSink {
    fn part_path(&self, part: u32) -> PathBuf {
        match self.part_size {
            None => self.base.clone(),
            Some(_) => {
                let mut name = self.base.clone().into_os_string();
                name.push(format!(".{part:03}"));
                PathBuf::from(name)
            }
        }
    }

    fn open(&mut self, part: u32) -> Result<(), NodeError> {
        let path = self.part_path(part);
        let file = File::create(&path).map_err(|source| NodeError::Io { path: path.clone(), source })?;
        let header = PartHeader { part, ..self.header.clone() };
        let writer = PartWriter::start(BufWriter::with_capacity(1 << 20, file), &header)
            .map_err(|source| NodeError::Io { path: path.clone(), source })?;
        self.current = Some((path, writer));
        Ok(())
    }

    /// Ends the current part, synced (a USB stick is pulled out soon after).
    fn close(&mut self, last: bool) -> Result<(), NodeError> {
        if let Some((path, writer)) = self.current.take() {
            let io = |source: io::Error| NodeError::Io { path: path.clone(), source };
            let (out, bytes) = writer.finish(last).map_err(io)?;
            out.into_inner().map_err(|error| io(error.into_error()))?.sync_all().map_err(io)?;
            self.bytes += bytes;
            self.files.push(path.display().to_string());
        }
        Ok(())
    }
}

/// A record's tag and length, and the trailer's tag, length and body.
const RECORD_OVERHEAD: u64 = 5 + 5 + TRAILER_BYTES as u64;

impl Sink for FileSink {
    fn room(&self, at_least: usize) -> usize {
        let Some(size) = self.part_size else { return usize::MAX };
        let fresh = size.saturating_sub(self.header.encode().len() as u64 + RECORD_OVERHEAD);
        let left = self.current.as_ref().map_or(0, |(_, writer)| size.saturating_sub(writer.bytes + RECORD_OVERHEAD));
        usize::try_from(if left >= at_least as u64 { left } else { fresh }).unwrap_or(usize::MAX)
    }

    fn record(&mut self, tag: u8, bytes: &[u8]) -> Result<(), NodeError> {
        let record = 5 + bytes.len() as u64;
        let (part, full) = match &self.current {
            Some((_, writer)) => (
                self.header.part,
                self.part_size.is_some_and(|size| {
                    writer.records > 0 && writer.bytes + record + 5 + u64::from(TRAILER_BYTES) > size
                }),
            ),
            None => (0, true),
        };
        if full {
            self.close(false)?;
            self.header.part = part + 1;
            self.open(self.header.part)?;
        }
        let (path, writer) = self.current.as_mut().expect("a part is open");
        writer.record(tag, bytes).map_err(|source| NodeError::Io { path: path.clone(), source })
    }

    fn finish(mut self: Box<Self>) -> Result<(Vec<String>, u64), NodeError> {
        if self.current.is_none() {
            self.header.part = 1;
            self.open(1)?;
        }
        self.close(true)?;
        Ok((std::mem::take(&mut self.files), self.bytes))
    }
}

/// A blob record's body read: the blob's hash, size and groups, or why it
/// makes no sense.
fn parse_blob_record(body: &[u8]) -> Result<(BlobHash, u64, Vec<Incoming<'_>>), String> {
    let short = || "it ends inside a group".to_owned();
    let (head, mut rest) =
        body.split_at_checked(BLOB_HEAD).ok_or_else(|| "it is too short for a blob record".to_owned())?;
    let hash = BlobHash(head[..32].try_into().expect("32 bytes"));
    let size = u64::from_be_bytes(head[32..40].try_into().expect("8 bytes"));
    let count = u32::from_be_bytes(head[40..44].try_into().expect("4 bytes"));
    let mut groups = Vec::with_capacity((count as usize).min(body.len() / GROUP_HEAD));
    for _ in 0..count {
        let (group_head, after) = rest.split_at_checked(GROUP_HEAD).ok_or_else(short)?;
        let index = u64::from_be_bytes(group_head[..8].try_into().expect("8 bytes"));
        let length = u32::from_be_bytes(group_head[8..12].try_into().expect("4 bytes")) as usize;
        let proof_length = usize::from(u16::from_be_bytes(group_head[12..14].try_into().expect("2 bytes")));
        let (data, after) = after.split_at_checked(length).ok_or_else(short)?;
        let (proof, after) = after.split_at_checked(proof_length).ok_or_else(short)?;
        groups.push(Incoming { index, data, proof });
        rest = after;
    }
    if !rest.is_empty() {
        return Err(format!("it has {} bytes after its {count} groups", rest.len()));
    }
    Ok((hash, size, groups))
}

/// A batch being verified on other threads, with its bytes.
type Verifying = std::thread::JoinHandle<(Vec<Vec<u8>>, VerifiedBatch)>;

/// What import counts across parts, and the batch being verified while
/// the one before it is stored.
#[derive(Debug, Default)]
struct Tally {
    report: ImportReport,
    waiting: Vec<EntryId>,
    verifying: Option<Verifying>,
    /// What is held of each blob met so far (read once, kept up to date).
    held: HashMap<BlobHash, Held>,
    /// Blob records read, of one blob, not yet written.
    pending: Vec<Vec<u8>>,
    /// Which blob (hash, size) they are of.
    pending_blob: Option<(BlobHash, u64)>,
    /// Their bytes.
    pending_bytes: usize,
}

impl Tally {
    /// Starts verifying `batch` (taken) and stores the batch verified
    /// before it: verification (every core) overlaps the store's writes
    /// (one thread). An empty `batch` stores what is in flight.
    fn store(&mut self, node: &Node, batch: &mut Vec<Vec<u8>>) -> Result<(), NodeError> {
        let next = (!batch.is_empty()).then(|| {
            let (node, bytes) = (node.clone(), std::mem::take(batch));
            std::thread::spawn(move || {
                let verified = node.verify_encoded(&bytes);
                (bytes, verified)
            })
        });
        let Some(previous) = std::mem::replace(&mut self.verifying, next) else { return Ok(()) };
        let (bytes, verified) = previous.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let results = node.store_verified(verified, Some(convene_protocol::statement::Origin::Bundle))?;
        for (bytes, result) in bytes.iter().zip(results) {
            let report = &mut self.report;
            match result {
                Ok(IngestOutcome::Stored) => report.new += 1,
                Ok(IngestOutcome::AlreadyStored) => report.already_held += 1,
                Ok(IngestOutcome::Deferred(_)) => {
                    if self.waiting.len() < WAITING_TRACKED {
                        self.waiting.push(EntryId::of(bytes));
                    } else {
                        report.waiting += 1;
                    }
                }
                Ok(IngestOutcome::Rejected(error)) => self.refuse(bytes, error.to_string()),
                Err(error) => self.refuse(bytes, error.to_string()),
            }
        }
        Ok(())
    }

    fn refuse(&mut self, bytes: &[u8], reason: String) {
        self.report.refused += 1;
        if self.report.refusals.len() < REFUSALS_LISTED {
            self.report.refusals.push(Refusal { entry: EntryId::of(bytes).to_string(), reason });
        }
    }

    /// Whether entries are read but not yet stored.
    fn storing(&self, batch: &[Vec<u8>]) -> bool {
        !batch.is_empty() || self.verifying.is_some()
    }

    /// Checks and stores groups of one blob, by
    /// [`BlobStore::write_groups`](crate::blobs::BlobStore::write_groups);
    /// only a blob a live document names here, at the size it names.
    fn blob(&mut self, node: &Node, hash: BlobHash, size: u64, groups: &[Incoming<'_>]) -> Result<(), NodeError> {
        let count = groups.len() as u64;
        let Some(named) = node.named_blob(&hash)? else {
            self.report.groups_unnamed += count;
            return Ok(());
        };
        if named.size != size {
            self.report.groups_refused += count;
            let reason = format!("the bundle gives it {size} bytes, the document here {} bytes", named.size);
            self.refuse_blob(hash, None, reason);
            return Ok(());
        }
        let held = match self.held.entry(hash) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(match node.blobs().held(&hash, size)? {
                Held::None => Held::Partial(vec![false; group_count(size) as usize]),
                other => other,
            }),
        };
        let is_held = |held: &Held, index: u64| match held {
            Held::Whole => true,
            Held::Partial(flags) => flags.get(index as usize).copied().unwrap_or(false),
            Held::None => false,
        };
        let new_bytes: u64 =
            groups.iter().filter(|group| !is_held(held, group.index)).map(|group| group.data.len() as u64).sum();
        if new_bytes > 0 {
            node.check_blob_room(new_bytes)?;
        }
        let (refused, progress) = match node.blobs().write_groups(&hash, size, groups) {
            Ok(written) => written,
            Err(error @ BlobError::SizeMismatch { .. }) => {
                self.report.groups_refused += count;
                self.refuse_blob(hash, None, error.to_string());
                return Ok(());
            }
            Err(error) => return Err(error.into()),
        };
        let mut refusals = Vec::new();
        for (group, refusal) in groups.iter().zip(refused) {
            match refusal {
                Some(error) => refusals.push((group.index, error.to_string())),
                None if is_held(held, group.index) => self.report.groups_held += 1,
                None => {
                    self.report.groups_stored += 1;
                    if let Held::Partial(flags) = held {
                        flags[group.index as usize] = true;
                    }
                }
            }
        }
        if progress.is_whole() && *held != Held::Whole {
            self.report.blobs_completed += 1;
            *held = Held::Whole;
        }
        for (index, reason) in refusals {
            self.report.groups_refused += 1;
            self.refuse_blob(hash, Some(index), reason);
        }
        Ok(())
    }

    /// Keeps a blob record (checked) to write with the next ones of the
    /// same blob: one sync for up to [`BLOB_BATCH_BYTES`] of groups.
    fn queue_blob(&mut self, node: &Node, hash: BlobHash, size: u64, body: Vec<u8>) -> Result<(), NodeError> {
        if self.pending_blob.is_some_and(|pending| pending != (hash, size)) {
            self.flush_blob(node)?;
        }
        self.pending_blob = Some((hash, size));
        self.pending_bytes += body.len();
        self.pending.push(body);
        if self.pending_bytes >= BLOB_BATCH_BYTES {
            self.flush_blob(node)?;
        }
        Ok(())
    }

    /// Writes the blob records kept by [`Tally::queue_blob`].
    fn flush_blob(&mut self, node: &Node) -> Result<(), NodeError> {
        let Some((hash, size)) = self.pending_blob.take() else { return Ok(()) };
        let bodies = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let mut groups = Vec::new();
        for body in &bodies {
            let (_, _, parsed) = parse_blob_record(body).expect("checked when it was read");
            groups.extend(parsed);
        }
        self.blob(node, hash, size, &groups)
    }

    fn refuse_blob(&mut self, hash: BlobHash, group: Option<u64>, reason: String) {
        if self.report.blob_refusals.len() < REFUSALS_LISTED {
            self.report.blob_refusals.push(BlobRefusal { blob: hash.to_hex(), group, reason });
        }
    }

    /// Entries kept aside that a later part let through are new.
    fn finish(mut self, node: &Node) -> Result<ImportReport, NodeError> {
        for id in &self.waiting {
            if node.entry_bytes(id)?.is_some() {
                self.report.new += 1;
            } else {
                self.report.waiting += 1;
            }
        }
        Ok(self.report)
    }
}

impl Node {
    /// Writes this node's want file to `path` (atomically: a file beside
    /// it, synced, renamed).
    pub fn write_want(&self, path: &Path) -> Result<WantReport, NodeError> {
        let io = |source: io::Error| NodeError::Io { path: path.to_owned(), source };
        let mut ids = Vec::new();
        for item in self.store().document_entry_items() {
            ids.push(item?.2);
        }
        for id in self.store().purged_ids() {
            ids.push(id?);
        }
        ids.sort_unstable();
        ids.dedup();
        // Sorted by hash, once each.
        let mut blobs = Vec::new();
        for blob in self.store().named_blobs()? {
            let held = self.blobs().held(&blob.hash, blob.size)?;
            blobs.push((blob, held));
        }
        let mut hasher = blake3::Hasher::new();
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(io)?;
        let mut out = BufWriter::new(file);
        let mut put = |bytes: &[u8]| -> io::Result<()> {
            hasher.update(bytes);
            out.write_all(bytes)
        };
        put(WANT_MAGIC).map_err(io)?;
        put(&[WANT_VERSION]).map_err(io)?;
        put(&self.network().0).map_err(io)?;
        put(&now_ms().to_be_bytes()).map_err(io)?;
        put(&(ids.len() as u64).to_be_bytes()).map_err(io)?;
        for id in &ids {
            put(&id.0).map_err(io)?;
        }
        put(&(blobs.len() as u64).to_be_bytes()).map_err(io)?;
        for (blob, held) in &blobs {
            put(&blob.hash.0).map_err(io)?;
            put(&blob.size.to_be_bytes()).map_err(io)?;
            match held {
                Held::None => put(&[0]),
                Held::Whole => put(&[1]),
                Held::Partial(flags) => {
                    let mut bits = vec![0u8; flags.len().div_ceil(8)];
                    for (index, _) in flags.iter().enumerate().filter(|(_, held)| **held) {
                        bits[index / 8] |= 1 << (index % 8);
                    }
                    put(&[2]).and_then(|()| put(&bits))
                }
            }
            .map_err(io)?;
        }
        out.write_all(hasher.finalize().as_bytes()).map_err(io)?;
        let file = out.into_inner().map_err(|error| io(error.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&partial, path).map_err(io)?;
        let bytes = std::fs::metadata(path).map_err(io)?.len();
        let blobs_wanted = blobs.iter().filter(|(_, held)| *held != Held::Whole).count() as u64;
        Ok(WantReport { file: path.display().to_string(), ids: ids.len() as u64, blobs_wanted, bytes })
    }

    /// Writes a bundle of what `selection` asks for to `path`, split into
    /// parts of at most `part_size` bytes (`PATH.001`, …) when given.
    pub fn export_bundle(
        &self,
        path: &Path,
        selection: &Selection,
        part_size: Option<u64>,
    ) -> Result<ExportReport, NodeError> {
        if let Some(size) = part_size.filter(|&size| size < MIN_PART_BYTES) {
            return Err(NodeError::PartTooSmall(size));
        }
        self.export_parts(path, selection, part_size)
    }

    /// [`Node::export_bundle`] without the smallest part's check (tests
    /// split small corpora).
    fn export_parts(
        &self,
        path: &Path,
        selection: &Selection,
        part_size: Option<u64>,
    ) -> Result<ExportReport, NodeError> {
        let sink = FileSink {
            base: path.to_owned(),
            part_size,
            header: self.part_header(selection),
            current: None,
            files: Vec::new(),
            bytes: 0,
        };
        self.export_into(selection, Box::new(sink))
    }

    /// Writes a bundle of one part to `out` (a download).
    pub fn export_bundle_to(&self, out: &mut dyn Write, selection: &Selection) -> Result<ExportReport, NodeError> {
        let writer = PartWriter::start(out, &self.part_header(selection)).map_err(download_failed)?;
        self.export_into(selection, Box::new(StreamSink { writer }))
    }

    fn part_header(&self, selection: &Selection) -> PartHeader {
        PartHeader {
            network: self.network(),
            network_name: self.genesis().name.clone(),
            since_ms: selection.since_ms,
            want: selection.want.as_ref().map(|want| hex::encode(want.digest)),
            created_ms: now_ms(),
            part: 1,
            without_blobs: selection.without_blobs,
        }
    }

    fn export_into(&self, selection: &Selection, mut sink: Box<dyn Sink + '_>) -> Result<ExportReport, NodeError> {
        let mut report = ExportReport::default();
        // The documents some of whose entries are written: their blobs go too.
        let mut documents = HashSet::new();
        let mut document = None;
        let mut group: Vec<(u64, EntryId)> = Vec::new();
        let mut write_group =
            |of: Option<DocumentId>, group: &mut Vec<(u64, EntryId)>, sink: &mut Box<dyn Sink + '_>| {
                // In the order they were signed: a create before its changes.
                group.sort_unstable();
                for (_, id) in group.drain(..) {
                    if let Some(bytes) = self.entry_bytes(&id)? {
                        sink.record(TAG_ENTRY, &bytes)?;
                        report.entries += 1;
                        documents.extend(of);
                    }
                }
                Ok::<(), NodeError>(())
            };
        for item in self.store().document_entry_items() {
            let (of, timestamp_ms, id) = item?;
            if document != Some(of) {
                write_group(document, &mut group, &mut sink)?;
                document = Some(of);
            }
            let recent = selection.since_ms.is_none_or(|since| timestamp_ms >= since);
            let lacked = selection.want.as_ref().is_none_or(|want| !want.holds(&id));
            if recent && lacked {
                group.push((timestamp_ms, id));
            }
        }
        write_group(document, &mut group, &mut sink)?;
        if !selection.without_blobs {
            let (plan, not_here) = self.blob_plan(selection, &documents)?;
            report.blobs_not_here = not_here;
            for (blob, groups) in plan {
                report.groups += self.write_blob(&blob, &groups, &mut *sink)?;
                report.blobs += 1;
            }
        }
        (report.files, report.bytes) = sink.finish()?;
        Ok(report)
    }

    /// The blobs an export carries, in the order it writes them, each
    /// with the groups to write; and how many it lacks itself.
    fn blob_plan(&self, selection: &Selection, documents: &HashSet<DocumentId>) -> Result<(BlobPlan, u64), NodeError> {
        let want = selection.want.as_ref();
        let mut plan = Vec::new();
        let mut not_here = 0;
        let mut last = None;
        // By blob, then by each document naming it.
        for item in self.store().blob_namings() {
            let (blob, document) = item?;
            let listed = want.and_then(|want| want.blob(&blob.hash));
            let wanted_there = listed.is_some_and(|(_, held)| *held != Held::Whole);
            if last == Some(blob.hash) || !(documents.contains(&document) || wanted_there) {
                continue;
            }
            last = Some(blob.hash);
            let total = group_count(blob.size);
            let groups: Vec<u64> = match listed {
                Some((_, Held::Whole)) => continue,
                Some((size, Held::Partial(flags))) if size == blob.size => {
                    (0..total).filter(|&index| !flags[index as usize]).collect()
                }
                _ => (0..total).collect(),
            };
            if !self.blobs().has(&blob.hash) {
                not_here += 1;
                continue;
            }
            plan.push((blob, groups));
        }
        // Previews first, then the smallest originals.
        plan.sort_by_key(|(blob, _)| (!blob.preview, blob.size));
        Ok((plan, not_here))
    }

    /// Writes `groups` of `blob` in records that fit the sink's parts;
    /// returns how many were written.
    fn write_blob(&self, blob: &NamedBlob, groups: &[u64], sink: &mut dyn Sink) -> Result<u64, NodeError> {
        let mut body = Vec::new();
        let mut count = 0u32;
        let mut limit = 0;
        let mut written = 0;
        let mut flush = |body: &mut Vec<u8>, count: &mut u32, sink: &mut dyn Sink| {
            body[40..44].copy_from_slice(&count.to_be_bytes());
            written += u64::from(*count);
            *count = 0;
            sink.record(TAG_BLOB, body)
        };
        for &index in groups {
            let group = self.blobs().read_group(&blob.hash, index)?;
            let need = GROUP_HEAD + group.data.len() + group.proof.len();
            if count == RECORD_GROUPS || (count > 0 && body.len() + need > limit) {
                flush(&mut body, &mut count, sink)?;
            }
            if count == 0 {
                body.clear();
                body.extend_from_slice(&blob.hash.0);
                body.extend_from_slice(&blob.size.to_be_bytes());
                body.extend_from_slice(&[0; 4]);
                limit = sink.room(BLOB_HEAD + need).min(MAX_BLOB_RECORD_BYTES);
            }
            body.extend_from_slice(&index.to_be_bytes());
            body.extend_from_slice(&(group.data.len() as u32).to_be_bytes());
            body.extend_from_slice(&(group.proof.len() as u16).to_be_bytes());
            body.extend_from_slice(&group.data);
            body.extend_from_slice(&group.proof);
            count += 1;
        }
        if count > 0 {
            flush(&mut body, &mut count, sink)?;
        }
        Ok(written)
    }

    /// Imports bundle parts from files, in part order whatever order they
    /// are given in; each is read to its end or its first damage.
    pub fn import_bundle_files(&self, paths: &[PathBuf]) -> Result<ImportReport, NodeError> {
        let mut order: Vec<(u64, u32, usize)> = Vec::with_capacity(paths.len());
        for (index, path) in paths.iter().enumerate() {
            let header =
                File::open(path).ok().and_then(|file| PartHeader::read(&mut Hashed::new(BufReader::new(file))).ok());
            order.push(header.map_or((0, 0, index), |header| (header.created_ms, header.part, index)));
        }
        order.sort_unstable();
        let mut tally = Tally::default();
        for (_, _, index) in order {
            let path = &paths[index];
            let name = path.display().to_string();
            match File::open(path) {
                Ok(file) => self.import_part(BufReader::with_capacity(1 << 20, file), name, &mut tally)?,
                Err(error) => tally.report.parts.push(PartReport {
                    name,
                    header: None,
                    last: None,
                    entries: 0,
                    groups: 0,
                    problem: Some(PartProblem::Unreadable { reason: error.to_string() }),
                }),
            }
        }
        tally.finish(self)
    }

    /// Imports one bundle part read from `input` (an upload), named `name`
    /// in the report.
    pub fn import_bundle_from(&self, input: impl Read, name: &str) -> Result<ImportReport, NodeError> {
        let mut tally = Tally::default();
        self.import_part(input, name.to_owned(), &mut tally)?;
        tally.finish(self)
    }

    fn import_part(&self, input: impl Read, name: String, tally: &mut Tally) -> Result<(), NodeError> {
        let mut input = Hashed::new(input);
        let mut part = PartReport { name, header: None, last: None, entries: 0, groups: 0, problem: None };
        let header = match PartHeader::read(&mut input) {
            Ok(header) => header,
            Err(problem) => {
                part.problem = Some(problem);
                tally.report.parts.push(part);
                return Ok(());
            }
        };
        part.header = Some(header.clone());
        if header.network != self.network() {
            part.problem = Some(PartProblem::OtherNetwork { network: header.network, name: header.network_name });
            tally.report.parts.push(part);
            return Ok(());
        }
        let mut batch = Vec::new();
        let mut batch_bytes = 0;
        let outcome = self.read_records(&mut input, &mut part, tally, &mut batch, &mut batch_bytes);
        // Entries and groups read before any damage verify by themselves: keep them.
        let stored = tally
            .store(self, &mut batch)
            .and_then(|()| tally.store(self, &mut Vec::new()))
            .and_then(|()| tally.flush_blob(self));
        match outcome {
            Ok(()) => {}
            Err(Stop::Damaged(problem)) => part.problem = Some(problem),
            Err(Stop::Store(error)) => return Err(error),
        }
        tally.report.parts.push(part);
        stored
    }

    /// Reads records to the trailer, storing entries batch by batch; the
    /// inner `Err` says where the part is damaged, the outer one that the
    /// store failed (the disk is full, say), which ends the import.
    fn read_records<R: Read>(
        &self,
        input: &mut Hashed<R>,
        part: &mut PartReport,
        tally: &mut Tally,
        batch: &mut Vec<Vec<u8>>,
        batch_bytes: &mut usize,
    ) -> Result<(), Stop> {
        let mut records = 0u64;
        let cut = |records: u64, error: io::Error| {
            Stop::Damaged(match error.kind() {
                io::ErrorKind::UnexpectedEof => PartProblem::Damaged {
                    reason: format!("it is cut short after {records} records, before its trailer"),
                },
                _ => PartProblem::Unreadable { reason: error.to_string() },
            })
        };
        loop {
            let mut tag = [0u8; 1];
            input.inner.read_exact(&mut tag).map_err(|error| cut(records, error))?;
            if tag[0] == TAG_TRAILER {
                let expected = *input.hasher.finalize().as_bytes();
                let mut trailer = [0u8; 4 + TRAILER_BYTES as usize];
                input.inner.read_exact(&mut trailer).map_err(|error| cut(records, error))?;
                let length = u32::from_be_bytes(trailer[..4].try_into().expect("4 bytes"));
                let count = u64::from_be_bytes(trailer[4..12].try_into().expect("8 bytes"));
                let damaged = |reason: String| Stop::Damaged(PartProblem::Damaged { reason });
                if length != TRAILER_BYTES {
                    return Err(damaged(format!("its trailer has a length of {length} bytes, not {TRAILER_BYTES}")));
                }
                if trailer[45 - 32..] != expected {
                    return Err(damaged("its checksum does not match: bytes were altered".into()));
                }
                if count != records {
                    return Err(damaged(format!("its trailer counts {count} records, {records} were read")));
                }
                if input.inner.read(&mut [0]).map_err(|error| cut(records, error))? != 0 {
                    return Err(damaged("it has bytes after its trailer".into()));
                }
                part.last = Some(trailer[12] == 1);
                return Ok(());
            }
            input.hasher.update(&tag);
            let length = u32::from_be_bytes(input.array().map_err(|error| cut(records, error))?) as usize;
            let at = records + 1;
            match tag[0] {
                TAG_ENTRY => {
                    if length > MAX_ENTRY_BYTES {
                        return Err(Stop::Damaged(PartProblem::Damaged {
                            reason: format!("record {at} claims {length} bytes, more than an entry may hold"),
                        }));
                    }
                    let mut body = vec![0; length];
                    input.take(&mut body).map_err(|error| cut(records, error))?;
                    *batch_bytes += body.len();
                    batch.push(body);
                    part.entries += 1;
                    if batch.len() >= IMPORT_BATCH || *batch_bytes >= IMPORT_BATCH_BYTES {
                        tally.store(self, batch).map_err(Stop::Store)?;
                        *batch_bytes = 0;
                    }
                }
                TAG_BLOB => {
                    if length > MAX_BLOB_RECORD_BYTES {
                        return Err(Stop::Damaged(PartProblem::Damaged {
                            reason: format!("record {at} claims {length} bytes, more than a blob record may hold"),
                        }));
                    }
                    let mut body = vec![0; length];
                    input.take(&mut body).map_err(|error| cut(records, error))?;
                    let (hash, size, groups) = parse_blob_record(&body).map_err(|reason| {
                        Stop::Damaged(PartProblem::Damaged { reason: format!("record {at}: {reason}") })
                    })?;
                    // The documents naming a blob are stored before its groups.
                    if tally.storing(batch) {
                        tally
                            .store(self, batch)
                            .and_then(|()| tally.store(self, &mut Vec::new()))
                            .map_err(Stop::Store)?;
                        *batch_bytes = 0;
                    }
                    part.groups += groups.len() as u64;
                    drop(groups);
                    tally.queue_blob(self, hash, size, body).map_err(Stop::Store)?;
                }
                other => {
                    return Err(Stop::Damaged(PartProblem::Damaged {
                        reason: format!("record {at} has the unknown type {other} (garbled, or from a newer Convene)"),
                    }));
                }
            }
            records += 1;
        }
    }
}

/// A date as `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`, in ms
/// since the epoch.
pub fn parse_date_ms(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time.strip_suffix('Z').unwrap_or(time))),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let mut number = |low: i64, high: i64| -> Result<i64, String> {
        let value: i64 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if (low..=high).contains(&value) { Ok(value) } else { Err(bad()) }
    };
    let (year, month, day) = (number(1970, 9999)?, number(1, 12)?, number(1, 31)?);
    if parts.next().is_some() {
        return Err(bad());
    }
    let mut seconds = 0;
    if let Some(time) = time {
        let mut fields = time.split(':');
        for (scale, high) in [(3600, 23), (60, 59), (1, 59)] {
            let value: i64 = fields.next().unwrap_or("0").parse().map_err(|_| bad())?;
            if !(0..=high).contains(&value) {
                return Err(bad());
            }
            seconds += value * scale;
        }
        if fields.next().is_some() {
            return Err(bad());
        }
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(((days * 86_400 + seconds) * 1000) as u64)
}

/// A size as bytes, or with `K`, `M` or `G` (KiB, MiB, GiB): `100M`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a size: write bytes, or a number with K, M or G (as in 100M)");
    let text = text.trim();
    let (number, scale) = match text.char_indices().last() {
        Some((at, unit @ ('k' | 'K' | 'm' | 'M' | 'g' | 'G'))) => {
            let scale = match unit.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                _ => 1 << 30,
            };
            (&text[..at], scale)
        }
        _ => (text, 1),
    };
    let number: u64 = number.trim().parse().map_err(|_| bad())?;
    number.checked_mul(scale).ok_or_else(bad)
}

#[cfg(test)]
mod tests;
