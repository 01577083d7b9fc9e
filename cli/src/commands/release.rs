//! `convene release create|verify`: a signed manifest of a showcase folder
//! or an export file (JSON Lines), and its check without any network
//! (`convene_protocol::release`: what is signed and how).
//!
//! The manifest sits beside what it covers: `DIR/release.json`, or
//! `FILE.release.json`. Its items are read from what it covers: a showcase
//! item page's `data-document` and `data-entry` ids, an export line's `id`
//! (whose entries the store gives).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use convene_node::bundle::entries_in;
use convene_node::now_ms;
use convene_protocol::document::materialise;
use convene_protocol::entry::{DocumentId, Entry, EntryId, EntryKind};
use convene_protocol::keys::PublicKey;
use convene_protocol::release::Manifest;
use serde_json::Value;

use super::Context;
use crate::access::Access;
use crate::exit::{self, Failure};
use crate::provenance::entries_of;

/// The manifest's name in a showcase folder.
const MANIFEST: &str = "release.json";
/// The largest manifest `verify` reads: about 200,000 items.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// `convene release …`
#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Sign a manifest of a showcase folder or an export file (JSON Lines), on the secretariat's node.
    #[command(after_help = "Examples:\n  convene showcase --out site && convene release create site\n  \
        convene export --format jsonl --out corpus.jsonl && convene release create corpus.jsonl\n\n\
        Writes DIR/release.json or FILE.release.json: the network, the secretariat's key, when, each \
        item's document and entry ids, their Merkle root and every file's BLAKE3 hash, signed with the \
        secretariat's key. A showcase item must be published with its author's consent.")]
    Create {
        /// A folder `convene showcase` wrote, or a file `convene export --format jsonl` wrote.
        path: PathBuf,
    },
    /// Check a release without any network: signature, files, Merkle root; authors and consent when this node holds them.
    #[command(after_help = "Examples:\n  convene release verify site --secretariat did:key:z6Mk…\n  \
        convene release verify corpus.jsonl\n\n\
        The signature means something only against a key you trust: give the secretariat's with \
        --secretariat, or run it on a node of the network (its genesis names the key). Exits with 6 \
        when anything fails, saying what.")]
    Verify {
        /// The folder or file the release covers.
        path: PathBuf,
        /// The secretariat's key you trust (did:key:…); else this node's genesis.
        #[arg(long, value_name = "DID")]
        secretariat: Option<String>,
        /// Check authors and consent against the entries in this bundle (`convene bundle export`), not a node's store.
        #[arg(long, value_name = "BUNDLE")]
        entries: Option<PathBuf>,
    },
}

/// Runs `convene release …`.
pub fn run(context: &Context, command: ReleaseCommand) -> Result<(), Failure> {
    match command {
        ReleaseCommand::Create { path } => create(context, &path),
        ReleaseCommand::Verify { path, secretariat, entries } => {
            verify(context, &path, secretariat.as_deref(), entries.as_deref())
        }
    }
}

/// Where the manifest of `path` is.
fn manifest_path(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.join(MANIFEST);
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".release.json");
    PathBuf::from(name)
}

fn failed(message: impl Into<String>) -> Failure {
    Failure::new(exit::VERIFY_FAILED, message)
}

/// Every file a release of `path` covers, relative `/`-separated path →
/// BLAKE3 hex: a folder's files but its manifest, or the one file.
fn hashes(path: &Path) -> Result<BTreeMap<String, String>, Failure> {
    let unreadable = |place: &Path, error: std::io::Error| {
        Failure::new(exit::FAILED, format!("cannot read {}: {error}", place.display()))
    };
    // Streamed: a file of any size is hashed in little memory.
    let hash = |file: &Path| {
        let mut hasher = blake3::Hasher::new();
        std::fs::File::open(file)
            .and_then(|opened| hasher.update_reader(opened).map(|_| ()))
            .map(|()| hasher.finalize().to_hex().to_string())
            .map_err(|error| unreadable(file, error))
    };
    if !path.is_dir() {
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(BTreeMap::from([(name, hash(path)?)]));
    }
    let mut found = BTreeMap::new();
    let mut folders = vec![path.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|error| unreadable(&folder, error))? {
            let file = entry.map_err(|error| unreadable(&folder, error))?.path();
            if file.is_dir() {
                folders.push(file);
                continue;
            }
            let relative = file.strip_prefix(path).unwrap_or(&file);
            let name =
                relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if name != MANIFEST {
                found.insert(name, hash(&file)?);
            }
        }
    }
    Ok(found)
}

/// The values of attribute `name` in `html`, in order.
fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let marker = format!("{name}=\"");
    html.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// The items `path` shows: each document with the entry ids it lists (an
/// export lists none), read from the files themselves.
fn items_in(path: &Path, files: &BTreeMap<String, String>) -> Result<BTreeMap<DocumentId, Vec<EntryId>>, Failure> {
    let bad = |what: &str, text: &str| failed(format!("{what}: {text:?} is not an id"));
    let mut items = BTreeMap::new();
    if !path.is_dir() {
        let text = std::fs::read_to_string(path).map_err(|error| {
            Failure::usage(format!("cannot read {} as text ({error}): a release covers JSON Lines", path.display()))
        })?;
        for (number, line) in text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
            let row: Value = serde_json::from_str(line).map_err(|error| {
                Failure::usage(format!(
                    "{} line {}: {error}; a release covers a showcase folder or `convene export --format jsonl`",
                    path.display(),
                    number + 1
                ))
            })?;
            let id = row["id"].as_str().unwrap_or_default();
            items.insert(id.parse().map_err(|_| bad(&format!("line {}", number + 1), id))?, Vec::new());
        }
        return Ok(items);
    }
    for name in files.keys().filter(|name| name.ends_with(".html")) {
        let file = path.join(name);
        let html = std::fs::read_to_string(&file)
            .map_err(|error| Failure::new(exit::FAILED, format!("cannot read {}: {error}", file.display())))?;
        let documents = attribute_values(&html, "data-document");
        let [document] = documents.as_slice() else {
            if documents.is_empty() {
                continue;
            }
            return Err(failed(format!("{name} names {} submissions; an item page names one", documents.len())));
        };
        let entries = attribute_values(&html, "data-entry")
            .into_iter()
            .map(|entry| entry.parse().map_err(|_| bad(name, entry)))
            .collect::<Result<Vec<EntryId>, _>>()?;
        let document: DocumentId = document.parse().map_err(|_| bad(name, document))?;
        if items.insert(document, entries).is_some() {
            return Err(failed(format!("{name}: submission {document} has two pages")));
        }
    }
    Ok(items)
}

/// `convene release create PATH`.
fn create(context: &Context, path: &Path) -> Result<(), Failure> {
    let keys = context
        .data_dir
        .secretariat()?
        .ok_or_else(|| Failure::new(exit::REFUSED, "only the secretariat's node signs releases: run this on it"))?;
    let genesis = context.data_dir.genesis()?;
    if !path.exists() {
        return Err(Failure::usage(format!(
            "{} does not exist: give a showcase folder or an export file",
            path.display()
        )));
    }
    let files = hashes(path)?;
    let showcase = path.is_dir();
    let access = context.access()?;
    let mut items = BTreeMap::new();
    for (document, listed) in items_in(path, &files)? {
        let (shown, entries) = entries_of(&access, &document.to_string())?;
        if showcase {
            if listed != entries {
                return Err(failed(format!(
                    "the page of {document} lists other entries than the store holds: write the showcase again"
                )));
            }
            if shown.view.row.fields.get("consent_to_publish") != Some(&Value::Bool(true)) {
                return Err(Failure::new(
                    exit::REFUSED,
                    format!("{document} does not carry its author's consent to publish: it cannot be in a showcase"),
                ));
            }
        }
        items.insert(document, entries);
    }
    let count = items.len();
    let manifest = Manifest::signed(genesis.network_id(), &keys.signing, now_ms(), items, files);
    let out = manifest_path(path);
    let text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises");
    std::fs::write(&out, text + "\n")
        .map_err(|error| Failure::new(exit::FAILED, format!("cannot write {}: {error}", out.display())))?;
    println!("signed {} ({count} items, {} files) as {}", out.display(), manifest.files.len(), manifest.secretariat);
    Ok(())
}

/// `convene release verify PATH`.
fn verify(context: &Context, path: &Path, pinned: Option<&str>, bundle: Option<&Path>) -> Result<(), Failure> {
    let manifest_file = manifest_path(path);
    let size = std::fs::metadata(&manifest_file).map(|metadata| metadata.len()).unwrap_or(0);
    if size > MAX_MANIFEST_BYTES {
        return Err(failed(format!(
            "{} is {size} bytes, more than a release manifest may be ({MAX_MANIFEST_BYTES})",
            manifest_file.display()
        )));
    }
    let text = std::fs::read_to_string(&manifest_file).map_err(|error| {
        failed(format!("cannot read the manifest {} ({error}): no signed release here", manifest_file.display()))
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|error| failed(format!("{} is not a release manifest: {error}", manifest_file.display())))?;

    // Whom to trust: the key given, else this node's genesis.
    let has_node = context.data_dir.genesis_path().exists();
    let (trusted, source): (PublicKey, String) = match pinned {
        Some(did) => (
            did.parse().map_err(|_| Failure::usage(format!("--secretariat {did}: not a did:key")))?,
            "given with --secretariat".to_owned(),
        ),
        None if has_node => {
            let genesis = context.data_dir.genesis()?;
            if manifest.network != genesis.network_id() {
                return Err(failed(format!(
                    "the release is of network {}, not this node's ({}, {})",
                    manifest.network,
                    genesis.name,
                    genesis.network_id()
                )));
            }
            (genesis.secretariat_signing_key, format!("this node's genesis, network {}", genesis.name))
        }
        None => {
            return Err(Failure::usage(
                "give --secretariat did:key:… (the secretariat's key, from a source you trust), or run this \
                 on a node of the network: a signature proves nothing without a key you trust",
            ));
        }
    };
    println!("trusting {} ({source})", trusted.to_did_key());
    println!("  only a pinned key makes this check meaningful: a release signed by any other key fails");
    let signer = manifest.check().map_err(|error| failed(format!("{}: {error}", manifest_file.display())))?;
    if signer != trusted {
        return Err(failed(format!(
            "the release is signed by {}, not by the key you trust ({})",
            signer.to_did_key(),
            trusted.to_did_key()
        )));
    }
    println!(
        "signature: good, by the secretariat; Merkle root over {} entries: good",
        manifest.items.values().map(Vec::len).sum::<usize>()
    );

    // Every file, as signed: none changed, missing or added.
    let files = hashes(path)?;
    let mut problems = Vec::new();
    for (name, hash) in &manifest.files {
        match files.get(name) {
            None => problems.push(format!("{name} is missing")),
            Some(found) if found != hash => problems.push(format!("{name} was changed")),
            Some(_) => {}
        }
    }
    problems.extend(
        files
            .keys()
            .filter(|name| !manifest.files.contains_key(*name))
            .map(|name| format!("{name} is not in the release")),
    );
    if !problems.is_empty() {
        return Err(failed(format!("the files are not those signed: {}", problems.join("; "))));
    }
    println!("files: all {} as signed", files.len());

    // Every item shown is in the release, with the entries it lists.
    let shown = items_in(path, &files)?;
    let showcase = path.is_dir();
    for (document, entries) in &shown {
        match manifest.items.get(document) {
            None => return Err(failed(format!("{document} is shown but not in the release"))),
            Some(signed) if showcase && signed != entries => {
                return Err(failed(format!("the page of {document} lists other entries than the release")));
            }
            Some(_) => {}
        }
    }
    if let Some(missing) = manifest.items.keys().find(|document| !shown.contains_key(*document)) {
        return Err(failed(format!("{missing} is in the release but not shown")));
    }
    println!("items: all {} in the release", shown.len());

    if let Some(bundle) = bundle {
        return check_bundle(bundle, &manifest, showcase);
    }
    if !has_node {
        println!(
            "authors and consent: NOT checked: the showcase cannot carry its authors' signed entries (they name \
             them). To check, give --entries with a bundle of them (convene bundle export), or run this on a \
             Convene node of the network that holds these submissions."
        );
        return Ok(());
    }
    check_authors(&context.access()?, &manifest, showcase)
}

/// That each item's entries are in `bundle`, verify, are of its document,
/// are signed by its author, and (a showcase) build a document that
/// carries consent.
fn check_bundle(bundle: &Path, manifest: &Manifest, showcase: bool) -> Result<(), Failure> {
    let wanted: HashSet<EntryId> = manifest.items.values().flatten().copied().collect();
    let (network, found) = entries_in(bundle, &wanted).map_err(|error| failed(error.to_string()))?;
    let place = bundle.display();
    if network != manifest.network {
        return Err(failed(format!(
            "{place} is a bundle of network {network}, not the release's {}",
            manifest.network
        )));
    }
    for (document, listed) in &manifest.items {
        let mut changes = Vec::new();
        for id in listed {
            let bytes = found.get(id).ok_or_else(|| failed(format!("{document}: entry {id} is not in {place}")))?;
            let entry = Entry::decode_for(bytes, &manifest.network)
                .map_err(|error| failed(format!("{document}: entry {id} does not verify: {error}")))?;
            let header = entry.header();
            if entry.document() != *document {
                return Err(failed(format!("entry {id} is of another submission than {document}")));
            }
            if header.author != header.creator {
                return Err(failed(format!("{document}: entry {id} is not signed by its author")));
            }
            if matches!(header.kind, EntryKind::Create | EntryKind::Change) {
                changes.push(entry.payload().to_vec());
            }
        }
        if showcase {
            let fields = materialise(&changes)
                .map_err(|error| failed(format!("{document}: its entries build no document: {error}")))?;
            if fields.get("consent_to_publish") != Some(&Value::Bool(true)) {
                return Err(failed(format!("{document} does not carry its author's consent to publish")));
            }
        }
    }
    let consent = if showcase { ", with their consent to publish" } else { "" };
    println!(
        "authors and consent: {} items checked against the entries in {place}: they verify, signed by their authors{consent}",
        manifest.items.len()
    );
    Ok(())
}

/// That each item's entries are in this node's store, signed by its
/// author, are the ones listed, and (a showcase) carry consent.
fn check_authors(access: &Access, manifest: &Manifest, showcase: bool) -> Result<(), Failure> {
    for (document, listed) in &manifest.items {
        let (shown, entries) = entries_of(access, &document.to_string()).map_err(|failure| {
            failed(format!(
                "{document} cannot be checked on this node ({}): sync with the network, then verify again",
                failure.message()
            ))
        })?;
        if &entries != listed {
            return Err(failed(format!("{document}: this node holds other entries than the release lists")));
        }
        let author = shown.view.row.creator;
        if let Some(other) = shown.view.history.iter().find(|item| item.author != author) {
            return Err(failed(format!("{document}: entry {} is not signed by its author", other.entry)));
        }
        if showcase && shown.view.row.fields.get("consent_to_publish") != Some(&Value::Bool(true)) {
            return Err(failed(format!("{document} does not carry its author's consent to publish")));
        }
    }
    let consent = if showcase { ", with their consent to publish" } else { "" };
    println!(
        "authors and consent: {} items checked against this node's store: their entries verify, signed by their authors{consent}",
        manifest.items.len()
    );
    Ok(())
}
