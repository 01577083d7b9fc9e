//! Where a command's work happens: in this process, on the store directly,
//! or in the running node (`convene node run` holds the store; sled allows
//! one process) through its HTTP API on the Unix socket `DATA_DIR/node.sock`.
//! Commands are written once against [`Access`]; the user never has to know
//! which.
//!
//! **Reaching the node:** the socket is the node's owner's only (0600, in the
//! 0700 data directory), so a request over it acts as the operator and no
//! token travels; nothing else can pose as the node (a TCP port can be bound
//! by any local user once the node is gone). `node.json` stays for remote
//! tools, which use the TCP API with its token; the CLI never sends the token.
//!
//! **Is a node there?** `convene node run` holds an exclusive lock on
//! `DATA_DIR/node.lock` from before it opens the store until it exits (the
//! system drops it when the process dies, even by kill -9). A node that holds
//! the lock but does not answer on the socket is starting or stopping: a
//! command waits for it, bounded. Without the lock, a `node.json` or socket
//! left behind is stale: it is reported, removed, and the command opens the
//! store itself.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use convene_node::api::{
    AttachRequest, Attached, BundleRequest, DeskDone, DeskSummary, FullStatus, ImportRequest, MAX_IMPORT_BATCH, Shown,
    StoredFile, TaxonomyShown, WantRequest,
};
use convene_node::bundle::{ExportReport, ImportReport, WantReport};
use convene_node::error::NodeError;
use convene_node::export::{self, Attribution};
use convene_node::query::{Filter, Page};
use convene_node::sync::PeerStatus;
use convene_node::{DataDir, DeskRequest, ListRow, Node, SubmitReport, VerifyReport};
use convene_protocol::attachment::{Attachment, Limits};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::chunked::Chunked;
use crate::exit::{self, Failure, Undelivered};

/// What `convene node run` writes for remote tools (the TCP API and its
/// token). The CLI reads only `pid`, to name a node in messages.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RunningNode {
    /// The node's process id.
    pub pid: u32,
    /// The HTTP API's base URL.
    pub url: String,
    /// The operator token for writes over TCP.
    pub token: String,
}

/// The file the running node describes itself in.
pub fn running_node_path(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("node.json")
}

/// The running node's Unix socket: its HTTP API, for the CLI.
pub fn socket_path(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("node.sock")
}

/// The file `convene node run` holds locked for its whole life.
pub fn node_lock_path(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("node.lock")
}

/// How long a command waits for a node that is starting or stopping, or
/// for a store another command holds. A node waits up to
/// [`STORE_WAIT`] for the store before it serves, so this is longer.
pub const NODE_WAIT: Duration = Duration::from_secs(20);
/// How long `convene node run` waits for a store a command holds.
pub const STORE_WAIT: Duration = Duration::from_secs(10);
/// Pause between two tries.
const RETRY: Duration = Duration::from_millis(50);
/// Say what we wait for once it takes this long.
const SAY_AFTER: Duration = Duration::from_secs(1);

/// The lock `convene node run` holds while it lives: proof that a node is
/// starting, serving or stopping for this data directory.
#[derive(Debug)]
pub struct NodeLock {
    _file: File,
}

impl NodeLock {
    /// Takes the lock; `None` when another node holds it. A command's brief
    /// shared look at the lock (see [`node_alive`]) is waited out.
    pub fn acquire(data_dir: &DataDir) -> Result<Option<Self>, Failure> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = node_lock_path(data_dir);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(|error| Failure::new(exit::FAILED, format!("{}: {error}", path.display())))?;
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(Self { _file: file })),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(RETRY),
                Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(Failure::new(exit::FAILED, format!("{}: {error}", path.display())));
                }
            }
        }
    }
}

/// Whether a `convene node run` lives for this data directory (it holds
/// `node.lock`).
pub fn node_alive(data_dir: &DataDir) -> bool {
    let Ok(file) = File::open(node_lock_path(data_dir)) else { return false };
    matches!(file.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock))
}

/// The pid `node.json` records, if it can be read.
pub fn recorded_pid(data_dir: &DataDir) -> Option<u32> {
    let text = std::fs::read_to_string(running_node_path(data_dir)).ok()?;
    serde_json::from_str::<RunningNode>(&text).ok().map(|running| running.pid)
}

/// Whether opening the store failed only because another process holds it.
pub fn store_locked(error: &NodeError) -> bool {
    error.is_store_locked()
}

/// Removes what a node that is no longer running left behind (`node.json`,
/// `node.sock`) and says so. Call only while holding the store and with no
/// node alive: no node can then be writing them.
pub fn clear_stale(data_dir: &DataDir) {
    let json = running_node_path(data_dir);
    let socket = socket_path(data_dir);
    let left: Vec<&Path> = [json.as_path(), socket.as_path()].into_iter().filter(|path| path.exists()).collect();
    if left.is_empty() {
        return;
    }
    let pid = recorded_pid(data_dir).map(|pid| format!(" (pid {pid})")).unwrap_or_default();
    let names: Vec<String> = left.iter().map(|path| path.display().to_string()).collect();
    eprintln!(
        "note: the node that left {} is no longer running{pid}; removed, and working on the store directly",
        names.join(" and ")
    );
    for path in left {
        let _ = std::fs::remove_file(path);
    }
}

/// Prints once, after a second, what a command is waiting for.
struct Waiting {
    since: Instant,
    said: bool,
}

impl Waiting {
    fn new() -> Self {
        Self { since: Instant::now(), said: false }
    }

    fn pause(&mut self, what: &str) {
        if !self.said && self.since.elapsed() >= SAY_AFTER {
            eprintln!("waiting for {what}…");
            self.said = true;
        }
        std::thread::sleep(RETRY);
    }

    fn over(&self, limit: Duration) -> bool {
        self.since.elapsed() >= limit
    }
}

/// The store opened here, for commands that need it to themselves
/// (`init`): waits (bounded) for another command or a stopping node to let
/// go; refuses at once while a node serves it.
pub fn open_store(data_dir: &DataDir) -> Result<Node, Failure> {
    let mut waiting = Waiting::new();
    loop {
        let alive = node_alive(data_dir);
        match Node::open(data_dir.clone()) {
            Ok(node) => {
                if !alive {
                    clear_stale(data_dir);
                }
                return Ok(node);
            }
            Err(error) if store_locked(&error) => {
                if alive && Remote::connect(data_dir, Duration::from_secs(10)).is_ok() {
                    let pid = recorded_pid(data_dir).map(|pid| format!(" (pid {pid})")).unwrap_or_default();
                    return Err(Failure::new(
                        exit::REFUSED,
                        format!("the running node{pid} holds the store; stop it first (Ctrl-C or SIGTERM)"),
                    ));
                }
                if waiting.over(NODE_WAIT) {
                    return Err(Failure::from(error).with_note(&format!("waited {} s", NODE_WAIT.as_secs())));
                }
                waiting.pause("the store (another Convene process has it)");
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// The store, for `convene node run` (which holds [`NodeLock`], so new
/// commands wait for it): waits up to [`STORE_WAIT`] for a command that
/// has it to finish.
pub fn open_store_for_node(data_dir: &DataDir) -> Result<Node, Failure> {
    let mut waiting = Waiting::new();
    loop {
        match Node::open(data_dir.clone()) {
            Ok(node) => return Ok(node),
            Err(error) if store_locked(&error) && !waiting.over(STORE_WAIT) => {
                waiting.pause("the store (a Convene command is using it)");
            }
            Err(error) if store_locked(&error) => {
                return Err(Failure::from(error).with_note(&format!("waited {} s", STORE_WAIT.as_secs())));
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// A node to work with.
#[derive(Debug)]
pub enum Access {
    /// The store, opened here.
    Local(Node),
    /// The running node's HTTP API, over its Unix socket.
    Remote(Remote),
}

impl Access {
    /// The running node if one answers on its socket, else the store opened
    /// here. Waits (bounded) for a node that is starting or stopping and
    /// for a store another command holds.
    pub fn connect(data_dir: &DataDir) -> Result<Self, Failure> {
        let mut waiting = Waiting::new();
        loop {
            if let Ok(remote) = Remote::connect(data_dir, Duration::from_secs(10)) {
                return Ok(Self::Remote(remote));
            }
            let alive = node_alive(data_dir);
            if !alive {
                match Node::open(data_dir.clone()) {
                    Ok(node) => {
                        clear_stale(data_dir);
                        return Ok(Self::Local(node));
                    }
                    Err(error) if store_locked(&error) => {
                        if waiting.over(NODE_WAIT) {
                            return Err(Failure::from(error).with_note(&format!(
                                "waited {} s for another Convene command to finish",
                                NODE_WAIT.as_secs()
                            )));
                        }
                        waiting.pause("the store (another Convene command has it)");
                        continue;
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            if waiting.over(NODE_WAIT) {
                let pid = recorded_pid(data_dir).map(|pid| format!(" (pid {pid})")).unwrap_or_default();
                return Err(Failure::new(
                    exit::FAILED,
                    format!(
                        "the node for this data directory{pid} is running but did not answer on {} within {} s; \
                         try again, or stop it and run the command again",
                        socket_path(data_dir).display(),
                        NODE_WAIT.as_secs()
                    ),
                ));
            }
            waiting.pause("the node (it is starting or stopping)");
        }
    }

    /// Signs and stores submissions as identity `signer`.
    pub fn submit_many(
        &self,
        data_dir: &DataDir,
        signer: Option<&str>,
        values: &[Value],
    ) -> Result<Vec<SubmitReport>, Failure> {
        match self {
            Self::Local(node) => {
                let (_, secret) = data_dir.identity(signer)?;
                let results = node.submit_many(&secret, values)?;
                Ok(results.into_iter().map(SubmitReport::from_result).collect())
            }
            Self::Remote(remote) => {
                let mut reports = Vec::with_capacity(values.len());
                let mut chunks = values.chunks(MAX_IMPORT_BATCH);
                while let Some(chunk) = chunks.next() {
                    let what = if chunk.len() == 1 { "the submission" } else { "these submissions" };
                    let sent = remote.write::<Vec<SubmitReport>>(
                        "POST",
                        "/import",
                        &signer_query(signer),
                        &json!(chunk),
                        &format!(
                            "{what} may be stored; running the same command again is safe \
                             (what is already stored is reported as `already stored`)"
                        ),
                    );
                    match sent {
                        Ok(chunk_reports) => reports.extend(chunk_reports),
                        // The node went away before it got this chunk: the rest goes
                        // wherever the work can be done now.
                        Err(failure) if failure.how_undelivered() == Some(Undelivered::NotSent) => {
                            let rest: Vec<Value> = chunk.iter().chain(chunks.by_ref().flatten()).cloned().collect();
                            reports.extend(remote.reconnect()?.submit_many(data_dir, signer, &rest)?);
                            break;
                        }
                        Err(failure) => return Err(failure),
                    }
                }
                Ok(reports)
            }
        }
    }

    /// A page of submissions.
    pub fn list(&self, filter: &Filter, offset: usize, limit: usize) -> Result<Page, Failure> {
        match self {
            Self::Local(node) => Ok(node.list_on_desk(filter, offset, limit)?),
            Self::Remote(remote) => {
                let mut query = serde_json::to_value(filter).unwrap_or_default();
                if let Some(object) = query.as_object_mut() {
                    object.retain(|_, value| !value.is_null());
                    object.insert("offset".into(), json!(offset));
                    object.insert("limit".into(), json!(limit));
                }
                let pairs: Vec<(String, String)> = query
                    .as_object()
                    .map(|object| {
                        object
                            .iter()
                            .map(|(key, value)| (key.clone(), value.as_str().map_or(value.to_string(), str::to_owned)))
                            .collect()
                    })
                    .unwrap_or_default();
                remote.read(remote.get("/submissions", &pairs), |again| again.list(filter, offset, limit))
            }
        }
    }

    /// One submission; with its contact when `reveal`.
    pub fn show(&self, id: &str, reveal: bool) -> Result<Shown, Failure> {
        match self {
            Self::Local(node) => {
                let id = node.resolve(id)?;
                let view = node.show(&id)?;
                let contact = if reveal { node.reveal(&id)? } else { None };
                let notes = if reveal { node.notes(&id)? } else { Vec::new() };
                Ok(Shown { view, contact, notes })
            }
            Self::Remote(remote) => {
                let query = vec![("reveal".to_owned(), reveal.to_string())];
                remote.read(remote.get(&format!("/submissions/{}", encode(id)), &query), |again| again.show(id, reveal))
            }
        }
    }

    /// Withdraws a submission; returns (document id, withdrawal entry id).
    pub fn withdraw(
        &self,
        data_dir: &DataDir,
        signer: Option<&str>,
        id: &str,
        reason: &str,
    ) -> Result<(String, String), Failure> {
        match self {
            Self::Local(node) => {
                let (_, secret) = data_dir.identity(signer)?;
                let id = node.resolve(id)?;
                let entry = node.withdraw(&secret, &id, reason)?;
                Ok((id.to_string(), entry.to_string()))
            }
            Self::Remote(remote) => {
                let path = format!("/submissions/{}/withdraw", encode(id));
                let answer: Value = match remote.post(&path, &signer_query(signer), &json!({ "reason": reason })) {
                    Err(failure) if failure.how_undelivered() == Some(Undelivered::NotSent) => {
                        return remote.reconnect()?.withdraw(data_dir, signer, id, reason);
                    }
                    answer => answer?,
                };
                let field = |key: &str| answer[key].as_str().unwrap_or_default().to_owned();
                Ok((field("id"), field("entry")))
            }
        }
    }

    /// What the network lets a submission attach (from its genesis).
    pub fn limits(&self) -> Result<Limits, Failure> {
        match self {
            Self::Local(node) => Ok(node.limits()),
            Self::Remote(remote) => Ok(remote.data_dir.genesis()?.limits()),
        }
    }

    /// Readies a file to attach: metadata removed, stored, preview made.
    pub fn store_file(&self, name: &str, bytes: &[u8]) -> Result<StoredFile, Failure> {
        match self {
            Self::Local(node) => Ok(node.store_file(name, bytes)?),
            Self::Remote(remote) => {
                let query = vec![("name".to_owned(), name.to_owned())];
                let sent = remote.send(
                    "POST",
                    "/blobs",
                    &query,
                    ("application/octet-stream", bytes),
                    "the file may be stored; running the same command again is safe",
                );
                match sent {
                    Err(failure) if failure.how_undelivered() == Some(Undelivered::NotSent) => {
                        remote.reconnect()?.store_file(name, bytes)
                    }
                    answer => answer,
                }
            }
        }
    }

    /// Adds stored files to a submission; returns the change signed, if any.
    pub fn attach(
        &self,
        data_dir: &DataDir,
        signer: Option<&str>,
        id: &str,
        attachments: &[Attachment],
    ) -> Result<Option<String>, Failure> {
        match self {
            Self::Local(node) => {
                let (_, secret) = data_dir.identity(signer)?;
                let id = node.resolve(id)?;
                Ok(node.attach(&secret, &id, attachments)?.map(|entry| entry.to_string()))
            }
            Self::Remote(remote) => {
                let path = format!("/submissions/{}/attachments", encode(id));
                let given = attachments.iter().map(|file| serde_json::to_value(file).expect("serialises")).collect();
                let request = AttachRequest { attachments: given };
                let body = serde_json::to_value(&request).expect("JSON serialises");
                match remote.post::<Attached>(&path, &signer_query(signer), &body) {
                    Err(failure) if failure.how_undelivered() == Some(Undelivered::NotSent) => {
                        remote.reconnect()?.attach(data_dir, signer, id, attachments)
                    }
                    answer => Ok(answer?.entry),
                }
            }
        }
    }

    /// Network, store, identities, and peers when the node runs.
    pub fn status(&self) -> Result<FullStatus, Failure> {
        match self {
            Self::Local(node) => Ok(FullStatus { node: node.status()?, sync: None }),
            Self::Remote(remote) => remote.read(remote.get("/status", &[]), Self::status),
        }
    }

    /// Re-verifies every stored entry.
    pub fn verify(&self) -> Result<VerifyReport, Failure> {
        match self {
            Self::Local(node) => Ok(node.verify()?),
            // Verifying changes nothing: it is safe to do again.
            Self::Remote(remote) => remote.read(remote.post("/verify", &[], &json!({})), Self::verify),
        }
    }

    /// Writes this node's want file (at an absolute path).
    pub fn bundle_want(&self, file: &Path) -> Result<WantReport, Failure> {
        match self {
            Self::Local(node) => Ok(node.write_want(file)?),
            // Written again whole, atomically: safe to do again.
            Self::Remote(remote) => remote
                .read(remote.post("/bundle/want", &[], &json!(WantRequest { file: file.to_owned() })), |again| {
                    again.bundle_want(file)
                }),
        }
    }

    /// Writes a bundle.
    pub fn bundle_export(&self, request: &BundleRequest) -> Result<ExportReport, Failure> {
        match self {
            Self::Local(node) => Ok(request.run(node)?),
            // The files are written again whole: safe to do again.
            Self::Remote(remote) => {
                remote.read(remote.post("/bundle/export", &[], &json!(request)), |again| again.bundle_export(request))
            }
        }
    }

    /// Imports bundle files (absolute paths).
    pub fn bundle_import(&self, files: &[PathBuf]) -> Result<ImportReport, Failure> {
        match self {
            Self::Local(node) => Ok(node.import_bundle_files(files)?),
            Self::Remote(remote) => {
                match remote.post("/bundle/import", &[], &json!(ImportRequest { files: files.to_vec() })) {
                    Err(failure) if failure.how_undelivered() == Some(Undelivered::NotSent) => {
                        remote.reconnect()?.bundle_import(files)
                    }
                    answer => answer,
                }
            }
        }
    }

    /// Signs the desk's statements `request` asks for: by the identity
    /// `signer` names (a curator), else by the secretariat's key.
    pub fn desk(&self, data_dir: &DataDir, signer: Option<&str>, request: &DeskRequest) -> Result<DeskDone, Failure> {
        match self {
            Self::Local(node) => {
                let secret = match signer {
                    Some(name) => Some(data_dir.identity(Some(name))?.1),
                    None => None,
                };
                Ok(DeskDone { statements: node.desk(secret.as_ref(), request)? })
            }
            Self::Remote(remote) => {
                let body = serde_json::to_value(request).expect("a desk request serialises");
                match remote.post("/desk", &signer_query(signer), &body) {
                    Err(failure) if failure.how_undelivered() == Some(Undelivered::NotSent) => {
                        remote.reconnect()?.desk(data_dir, signer, request)
                    }
                    answer => answer,
                }
            }
        }
    }

    /// Every live submission as exported ([`export::exported_fields`]),
    /// handed to `each` one at a time: from the store here, or streamed by
    /// the running node.
    pub fn export<F>(&self, attribution: Attribution, each: &mut F) -> Result<(), Failure>
    where
        F: FnMut(&Map<String, Value>) -> Result<(), Failure>,
    {
        match self {
            Self::Local(node) => export::rows(node, attribution).try_for_each(|fields| each(&fields?)),
            Self::Remote(remote) => {
                let query = vec![("attributed".to_owned(), (attribution == Attribution::Attributed).to_string())];
                let mut started = false;
                let streamed = remote.get_lines("/export", &query, |line| {
                    started = true;
                    let fields = serde_json::from_slice(line).map_err(|error| {
                        Failure::new(exit::FAILED, format!("the running node sent a bad line: {error}"))
                    })?;
                    each(&fields)
                });
                match streamed {
                    // The node went away before it sent a row: read them
                    // wherever work can be done now.
                    Err(failure) if failure.how_undelivered().is_some() && !started => {
                        remote.reconnect()?.export(attribution, each)
                    }
                    streamed => streamed,
                }
            }
        }
    }

    /// The desk's tags and curators.
    pub fn desk_summary(&self) -> Result<DeskSummary, Failure> {
        match self {
            Self::Local(node) => Ok(DeskSummary {
                secretariat: node.is_secretariat(),
                tags: node.tag_list()?,
                curators: node.curators()?,
            }),
            Self::Remote(remote) => remote.read(remote.get("/desk", &[]), Self::desk_summary),
        }
    }

    /// The taxonomy every title is shown from.
    pub fn taxonomy(&self) -> Result<TaxonomyShown, Failure> {
        match self {
            Self::Local(node) => Ok(TaxonomyShown::from(node.taxonomy().as_ref())),
            Self::Remote(remote) => remote.read(remote.get("/taxonomy", &[]), Self::taxonomy),
        }
    }

    /// The submissions the secretariat has not acknowledged yet.
    pub fn not_received(&self) -> Result<Vec<ListRow>, Failure> {
        match self {
            Self::Local(node) => Ok(node.not_received()?),
            Self::Remote(remote) => remote.read(remote.get("/desk/not-received", &[]), Self::not_received),
        }
    }

    /// The running node's peers.
    pub fn peers(&self) -> Result<Vec<PeerStatus>, Failure> {
        match self {
            Self::Remote(remote) => remote.read(remote.get("/peers", &[]), Self::peers),
            Self::Local(_) => Ok(Vec::new()),
        }
    }
}

fn signer_query(signer: Option<&str>) -> Vec<(String, String)> {
    signer.map(|name| vec![("as".to_owned(), name.to_owned())]).unwrap_or_default()
}

fn encode(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The running node's HTTP API over its Unix socket: a small HTTP/1.1
/// client (one connection per request, `Connection: close`).
#[derive(Debug)]
pub struct Remote {
    data_dir: DataDir,
    socket: PathBuf,
    pid: Option<u32>,
}

/// How long a request may take (an import batch of 1000, a verify).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

/// Why a request got no answer.
#[derive(Debug)]
enum Trouble {
    /// Nothing reached the node: it cannot have acted.
    NotSent(String),
    /// The request went out whole but its answer did not come back whole:
    /// the node may have acted on it.
    AnswerLost(String),
}

impl Remote {
    /// The node answering on `data_dir`'s socket (its health check passes
    /// within `timeout`), or why not.
    pub fn connect(data_dir: &DataDir, timeout: Duration) -> Result<Self, String> {
        let remote = Self { data_dir: data_dir.clone(), socket: socket_path(data_dir), pid: recorded_pid(data_dir) };
        match remote.exchange("GET", "/health", &[], None, timeout) {
            Ok((200, _)) => Ok(remote),
            Ok((status, _)) => Err(format!("its health check answered {status}")),
            Err(Trouble::NotSent(why) | Trouble::AnswerLost(why)) => Err(why),
        }
    }

    /// Where to work now that this node went away (it is stopping, or
    /// was restarted): the store here once it has exited, or the new node.
    pub fn reconnect(&self) -> Result<Access, Failure> {
        Access::connect(&self.data_dir)
    }

    /// `result` of a read (which is safe to do again), or, when the node
    /// went away before answering, `again` done wherever work can be done now.
    fn read<T>(
        &self,
        result: Result<T, Failure>,
        again: impl FnOnce(&Access) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        match result {
            Err(failure) if failure.how_undelivered().is_some() => again(&self.reconnect()?),
            result => result,
        }
    }

    /// GETs `path` with `query`.
    pub fn get<T: DeserializeOwned>(&self, path: &str, query: &[(String, String)]) -> Result<T, Failure> {
        let answer = self.exchange("GET", path, query, None, REQUEST_TIMEOUT).map_err(|trouble| match trouble {
            Trouble::NotSent(why) => not_reached(&why),
            Trouble::AnswerLost(why) => Failure::undelivered(
                Undelivered::AnswerLost,
                format!("the running node's answer was lost ({why}); try again"),
            ),
        })?;
        decode(answer)
    }

    /// POSTs JSON `body` to `path`.
    pub fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        body: &Value,
    ) -> Result<T, Failure> {
        self.write("POST", path, query, body, "it may have been done; running the same command again is safe")
    }

    /// DELETEs with a JSON `body`.
    pub fn delete<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, Failure> {
        self.write("DELETE", path, &[], body, "it may have been done; running the same command again is safe")
    }

    /// A write of JSON; `lost` says what a lost answer means for it.
    fn write<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: &Value,
        lost: &str,
    ) -> Result<T, Failure> {
        let body = serde_json::to_vec(body).expect("JSON serialises");
        self.send(method, path, query, ("application/json", &body), lost)
    }

    /// A write of `body` (its content type and bytes); `lost` says what a
    /// lost answer means for it.
    fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: (&str, &[u8]),
        lost: &str,
    ) -> Result<T, Failure> {
        let answer =
            self.exchange(method, path, query, Some(body), REQUEST_TIMEOUT).map_err(|trouble| match trouble {
                Trouble::NotSent(why) => not_reached(&why),
                Trouble::AnswerLost(why) => Failure::undelivered(
                    Undelivered::AnswerLost,
                    format!("the running node received the request but its answer was lost ({why}): {lost}"),
                ),
            })?;
        decode(answer)
    }

    /// Sends one request and reads the whole answer: (status, body).
    fn exchange(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<(&str, &[u8])>,
        timeout: Duration,
    ) -> Result<(u16, Vec<u8>), Trouble> {
        let mut stream = self.request(method, path, query, body, timeout)?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|error| Trouble::AnswerLost(lost_reason(&error)))?;
        parse_answer(&answer).ok_or_else(|| {
            Trouble::AnswerLost(if answer.is_empty() {
                "the connection closed before an answer".to_owned()
            } else {
                "the answer was cut short".to_owned()
            })
        })
    }

    /// GETs `path` and hands each line of its answer's body (JSON Lines,
    /// streamed: never held whole) to `each`, as it arrives.
    pub fn get_lines(
        &self,
        path: &str,
        query: &[(String, String)],
        mut each: impl FnMut(&[u8]) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let stream = self.request("GET", path, query, None, REQUEST_TIMEOUT).map_err(|trouble| match trouble {
            Trouble::NotSent(why) | Trouble::AnswerLost(why) => not_reached(&why),
        })?;
        let lost = |why: String| {
            Failure::undelivered(
                Undelivered::AnswerLost,
                format!("the running node's answer was cut short ({why}); run the command again"),
            )
        };
        let mut reader = BufReader::new(stream);
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            match reader.read_until(b'\n', &mut head) {
                Ok(0) => return Err(lost("the connection closed before an answer".to_owned())),
                Ok(_) => {}
                Err(error) => return Err(lost(lost_reason(&error))),
            }
        }
        let Some((status, length, chunked)) = parse_head(&head[..head.len() - 4]) else {
            return Err(lost("a malformed answer".to_owned()));
        };
        let mut body: Box<dyn BufRead> = if chunked {
            Box::new(BufReader::new(Chunked::new(reader)))
        } else {
            Box::new(reader.take(length.map_or(u64::MAX, |length| length as u64)))
        };
        if !(200..300).contains(&status) {
            let mut answer = Vec::new();
            body.read_to_end(&mut answer).map_err(|error| lost(lost_reason(&error)))?;
            return decode::<Value>((status, answer)).map(drop);
        }
        let mut line = Vec::new();
        let mut received = 0;
        loop {
            line.clear();
            match body.read_until(b'\n', &mut line) {
                Ok(0) if length.is_some_and(|length| received < length) => {
                    return Err(lost("the answer was cut short".to_owned()));
                }
                Ok(0) => return Ok(()),
                Ok(read) => {
                    received += read;
                    if line != b"\n" {
                        each(&line)?;
                    }
                }
                Err(error) => return Err(lost(lost_reason(&error))),
            }
        }
    }

    /// Connects and sends one whole request; the stream is left at its answer.
    fn request(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<(&str, &[u8])>,
        timeout: Duration,
    ) -> Result<UnixStream, Trouble> {
        let mut stream = UnixStream::connect(&self.socket)
            .map_err(|error| Trouble::NotSent(format!("{}: {error}", self.socket.display())))?;
        stream.set_read_timeout(Some(timeout)).map_err(|error| Trouble::NotSent(error.to_string()))?;
        stream.set_write_timeout(Some(timeout)).map_err(|error| Trouble::NotSent(error.to_string()))?;
        let mut target = format!("/api/v1{path}");
        if !query.is_empty() {
            let pairs: Vec<String> =
                query.iter().map(|(key, value)| format!("{}={}", percent(key), percent(value))).collect();
            target.push('?');
            target.push_str(&pairs.join("&"));
        }
        // HTTP/1.1 needs a `Host`; the socket's request guard takes any
        // (`convene_web::Guard::trusted`).
        let mut request = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n"
        );
        if let Some((content_type, body)) = body {
            request.push_str(&format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body.map(|(_, body)| body).unwrap_or_default());
        // The server acts only on a whole request; a write cut short is not one.
        stream.write_all(&bytes).map_err(|error| Trouble::NotSent(error.to_string()))?;
        Ok(stream)
    }
}

impl std::fmt::Display for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(pid) = self.pid {
            write!(f, "pid {pid}, ")?;
        }
        write!(f, "{}", self.socket.display())
    }
}

fn not_reached(why: &str) -> Failure {
    Failure::undelivered(Undelivered::NotSent, format!("could not reach the running node ({why}); nothing was sent"))
}

fn lost_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())
        }
        _ => error.to_string(),
    }
}

/// `text` percent-encoded for a query string.
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A whole HTTP/1.1 answer: (status, body); `None` when it is cut short.
fn parse_answer(answer: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = answer.windows(4).position(|window| window == b"\r\n\r\n")?;
    let (status, length, chunked) = parse_head(&answer[..end])?;
    let rest = &answer[end + 4..];
    let body = if chunked { unchunk(rest)? } else { whole(rest, length)? };
    Some((status, body))
}

/// An answer's head (without its blank line): (status, `Content-Length`,
/// whether chunked); `None` when malformed.
fn parse_head(head: &[u8]) -> Option<(u16, Option<usize>, bool)> {
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().ok()?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
    Some((status, length, chunked))
}

/// The body of a chunked answer; `None` unless it ends with the last chunk.
fn unchunk(rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    Chunked::new(rest).read_to_end(&mut body).ok()?;
    Some(body)
}

/// A plain body of `length` bytes (to the end when not given); `None` when
/// cut short.
fn whole(rest: &[u8], length: Option<usize>) -> Option<Vec<u8>> {
    match length {
        Some(length) => rest.get(..length).map(<[u8]>::to_vec),
        None => Some(rest.to_vec()),
    }
}

fn decode<T: DeserializeOwned>((status, body): (u16, Vec<u8>)) -> Result<T, Failure> {
    let bad =
        |error: serde_json::Error| Failure::new(exit::FAILED, format!("the running node sent a bad answer: {error}"));
    if (200..300).contains(&status) {
        return serde_json::from_slice(&body).map_err(bad);
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        let text = String::from_utf8_lossy(&body);
        return Err(Failure::new(exit::FAILED, format!("the running node refused ({status}): {}", text.trim())));
    };
    let message = body["error"].as_str().unwrap_or("the running node refused").to_owned();
    let code = match body["code"].as_str() {
        Some("invalid") => exit::INVALID,
        Some("not_found") => exit::NOT_FOUND,
        Some("refused") | Some("unauthorized") => exit::REFUSED,
        Some("usage") => exit::USAGE,
        Some("disk_full") => exit::DISK_FULL,
        _ => exit::FAILED,
    };
    Err(Failure::new(code, message))
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};
    use std::os::unix::net::UnixListener;

    use super::*;

    /// A directory removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("convene-cli-test-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A one-connection server on a socket in a temporary directory: reads
    /// a whole request, then does `reply` with the stream.
    fn serve_once(reply: impl FnOnce(&mut UnixStream) + Send + 'static) -> (TempDir, Remote) {
        let dir = TempDir::new();
        let socket = dir.0.join("node.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            reply(&mut stream);
        });
        let remote = Remote { data_dir: DataDir::new(dir.0.clone()), socket, pid: None };
        (dir, remote)
    }

    #[test]
    fn a_lost_answer_to_a_write_says_it_may_be_done_and_is_safe_to_repeat() {
        let (_dir, remote) = serve_once(|stream| {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"status\"");
        });
        let failure = remote.post::<Value>("/import", &[], &json!([{}])).unwrap_err();
        assert!(failure.is_answer_lost(), "{failure:?}");
        let text = format!("{failure:?}");
        assert!(text.contains("may have been done") && text.contains("again is safe"), "{text}");

        let (_dir, remote) = serve_once(|_| {});
        assert!(remote.post::<Value>("/import", &[], &json!([{}])).unwrap_err().is_answer_lost());
    }

    #[test]
    fn nothing_sent_when_nobody_listens() {
        let dir = TempDir::new();
        let remote = Remote { data_dir: DataDir::new(dir.0.clone()), socket: dir.0.join("node.sock"), pid: None };
        let failure = remote.post::<Value>("/import", &[], &json!([{}])).unwrap_err();
        assert!(!failure.is_answer_lost());
        assert!(format!("{failure:?}").contains("nothing was sent"));
    }

    #[test]
    fn answers_are_read_whole_plain_or_chunked() {
        let (_dir, remote) = serve_once(|stream| {
            stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}").unwrap();
        });
        assert_eq!(remote.get::<Value>("/health", &[]).unwrap(), json!({ "ok": true }));
        let (_dir, remote) = serve_once(|stream| {
            stream
                .write_all(b"HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{\"err\r\n1e;x=y\r\nor\":\"gone\",\"code\":\"not_found\"}\r\n0\r\n\r\n")
                .unwrap();
        });
        let failure = remote.get::<Value>("/submissions/x", &[]).unwrap_err();
        assert!(format!("{failure:?}").contains("gone"), "{failure:?}");
        assert_eq!(percent("a b/é&"), "a%20b%2F%C3%A9%26");
    }
}
