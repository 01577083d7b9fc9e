//! Bundles: a network's signed entries in a file, for a USB stick carried
//! to the next town ("a USB stick carried to the next town is a valid
//! link", `../shared/DOMAIN.md`).
//!
//! `convene bundle want FILE` on the receiving node writes a **want file**:
//! the ids of every entry it holds (withdrawal tombstones and purged ids
//! included), so the sender leaves them out. `convene bundle export FILE`
//! writes what the receiver lacks: everything, only entries signed since a
//! date, or everything the want file does not list. `convene bundle import
//! FILE…` reads each entry into [`Node::ingest_encoded`], the very path the
//! sync engine stores a fetched batch by: signature, id, network, size,
//! write rule, limits, withdrawals; nothing is trusted for being in a file.
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
//! | 1 | what it holds: bit 0 only entries since a date, bit 1 what a want file lacks (neither: everything) |
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
//! | 2 | reserved for blobs (attachments); a reader of this version skips them, counted, up to [`MAX_BLOB_RECORD_BYTES`] |
//! | 255 | the trailer, last: records before it (8) ‖ last part (1: 1 or 0) ‖ BLAKE3 of every byte of the part before the trailer's tag (32) |
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
//! A part of another network is refused whole, with that network's name.
//! Nothing is ever read whole: a record is at most an entry's size, and
//! importing holds one batch of entries.
//!
//! # Want file format, version 1 (big-endian)
//!
//! `convene-want` (12) ‖ version = 1 (1) ‖ network id (32) ‖ created at
//! (ms, 8) ‖ count (8) ‖ count entry ids, sorted (32 each) ‖ BLAKE3 of every
//! byte before (32). 100,000 entries make 3.2 MB.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use convene_protocol::entry::{EntryId, MAX_ENTRY_BYTES};
use convene_protocol::network::NetworkId;

use crate::error::NodeError;
use crate::node::{Node, VerifiedBatch, now_ms};
use crate::store::IngestOutcome;

/// The first bytes of every bundle part.
pub const MAGIC: &[u8; 14] = b"convene-bundle";
/// The bundle format this version writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// The first bytes of a want file.
pub const WANT_MAGIC: &[u8; 12] = b"convene-want";
/// The want-file format this version writes and reads.
pub const WANT_VERSION: u8 = 1;
/// A record holding a signed entry.
pub const TAG_ENTRY: u8 = 1;
/// Reserved: a record holding (a chunk of) a blob.
pub const TAG_BLOB: u8 = 2;
/// The record that ends a part.
pub const TAG_TRAILER: u8 = 255;
/// The largest blob record a reader skips (a later version's chunks).
pub const MAX_BLOB_RECORD_BYTES: usize = 1024 * 1024 + 1024;
/// The smallest part: room for the largest entry.
pub const MIN_PART_BYTES: u64 = 1024 * 1024;
/// The most ids a want file may list (128 MiB of them).
pub const MAX_WANT_IDS: u64 = 4 * 1024 * 1024;

const TRAILER_BYTES: u32 = 8 + 1 + 32;
const FLAG_SINCE: u8 = 1;
const FLAG_WANT: u8 = 2;
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
    /// Only entries the receiver's want file does not list.
    pub want: Option<Want>,
}

/// A receiver's summary of what it holds, read from its want file.
#[derive(Debug, Clone)]
pub struct Want {
    ids: Vec<EntryId>,
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
        if version != WANT_VERSION {
            return Err(bad(format!("want file format {version}; this Convene reads format {WANT_VERSION}")));
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
        Ok(Self { ids, digest })
    }
}

/// What a want file holds, as `bundle want` reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WantReport {
    /// The file written.
    pub file: String,
    /// Entry ids it lists.
    pub ids: u64,
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
        let flags = if self.since_ms.is_some() { FLAG_SINCE } else { 0 } | if want.is_some() { FLAG_WANT } else { 0 };
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
                write!(f, "the bundle is damaged ({reason}); the entries that verified before the damage were kept")
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
    /// Blob records skipped (this version does not store blobs).
    pub blobs_skipped: u64,
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
    fn entry(&mut self, bytes: &[u8]) -> Result<(), NodeError>;
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
    fn entry(&mut self, bytes: &[u8]) -> Result<(), NodeError> {
        self.writer.record(TAG_ENTRY, bytes).map_err(download_failed)
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

impl Sink for FileSink {
    fn entry(&mut self, bytes: &[u8]) -> Result<(), NodeError> {
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
        writer.record(TAG_ENTRY, bytes).map_err(|source| NodeError::Io { path: path.clone(), source })
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

/// A batch being verified on other threads, with its bytes.
type Verifying = std::thread::JoinHandle<(Vec<Vec<u8>>, VerifiedBatch)>;

/// What import counts across parts, and the batch being verified while
/// the one before it is stored.
#[derive(Debug, Default)]
struct Tally {
    report: ImportReport,
    waiting: Vec<EntryId>,
    verifying: Option<Verifying>,
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
        let results = node.store_verified(verified)?;
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
        out.write_all(hasher.finalize().as_bytes()).map_err(io)?;
        let file = out.into_inner().map_err(|error| io(error.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&partial, path).map_err(io)?;
        let bytes = std::fs::metadata(path).map_err(io)?.len();
        Ok(WantReport { file: path.display().to_string(), ids: ids.len() as u64, bytes })
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
        }
    }

    fn export_into(&self, selection: &Selection, mut sink: Box<dyn Sink + '_>) -> Result<ExportReport, NodeError> {
        let mut entries = 0u64;
        let mut document = None;
        let mut group: Vec<(u64, EntryId)> = Vec::new();
        let mut write_group = |group: &mut Vec<(u64, EntryId)>, sink: &mut Box<dyn Sink + '_>| {
            // In the order they were signed: a create before its changes.
            group.sort_unstable();
            for (_, id) in group.drain(..) {
                if let Some(bytes) = self.entry_bytes(&id)? {
                    sink.entry(&bytes)?;
                    entries += 1;
                }
            }
            Ok::<(), NodeError>(())
        };
        for item in self.store().document_entry_items() {
            let (of, timestamp_ms, id) = item?;
            if document != Some(of) {
                write_group(&mut group, &mut sink)?;
                document = Some(of);
            }
            let recent = selection.since_ms.is_none_or(|since| timestamp_ms >= since);
            let lacked = selection.want.as_ref().is_none_or(|want| !want.holds(&id));
            if recent && lacked {
                group.push((timestamp_ms, id));
            }
        }
        write_group(&mut group, &mut sink)?;
        let (files, bytes) = sink.finish()?;
        Ok(ExportReport { files, entries, bytes })
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
                    blobs_skipped: 0,
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
        let mut part = PartReport { name, header: None, last: None, entries: 0, blobs_skipped: 0, problem: None };
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
        // Entries read before any damage verify by themselves: keep them.
        let stored = tally.store(self, &mut batch).and_then(|()| tally.store(self, &mut Vec::new()));
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
                    let mut left = length;
                    let mut buffer = [0u8; 8192];
                    while left > 0 {
                        let now = left.min(buffer.len());
                        input.take(&mut buffer[..now]).map_err(|error| cut(records, error))?;
                        left -= now;
                    }
                    part.blobs_skipped += 1;
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
