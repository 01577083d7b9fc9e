//! `convene release create|verify`: a signed manifest of a showcase folder
//! or an export file (JSON Lines), and its check without any network
//! (`convene_protocol::release`: what is signed and how).
//!
//! The manifest sits beside what it covers: `DIR/release.json`, or
//! `FILE.release.json`. Its items are read from what it covers: a showcase
//! item page's `data-document` and `data-entry` ids, an export line's `id`
//! (whose entries the store gives).

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use convene_node::bundle::entries_in;
use convene_node::now_ms;
use convene_protocol::document::materialise;
use convene_protocol::entry::{DocumentId, Entry, EntryId, EntryKind};
use convene_protocol::keys::PublicKey;
use convene_protocol::release::Manifest;
use serde_json::{Map, Value};

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

/// Why `name` is no file a release may hold, or `None` when it is a
/// regular file.
fn not_a_file(name: &str, kind: std::fs::FileType) -> Option<String> {
    let what = if kind.is_file() {
        return None;
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "a special file (a FIFO, socket or device)"
    };
    Some(format!("{name} is {what}, not a file: a release holds regular files only"))
}

/// The BLAKE3 hex of regular file `file`, streamed: a file of any size is
/// hashed in little memory.
fn hash_file(file: &Path, name: &str) -> Result<String, String> {
    let unreadable = |error: std::io::Error| format!("cannot read {name}: {error}");
    let opened = std::fs::File::open(file).map_err(unreadable)?;
    // What was opened, not what the name pointed to when it was looked at.
    if let Some(problem) = not_a_file(name, opened.metadata().map_err(unreadable)?.file_type()) {
        return Err(problem);
    }
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(opened).map_err(unreadable)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Every file a release of `path` covers, relative `/`-separated path →
/// BLAKE3 hex: a folder's files but its manifest, or the one file. No link
/// is followed: a symbolic link or a special file in the folder is refused,
/// named, as is anything that cannot be read.
fn hashes(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let shown = path.display().to_string();
    let kind = std::fs::metadata(path).map_err(|error| format!("cannot read {shown}: {error}"))?.file_type();
    if !kind.is_dir() {
        if let Some(problem) = not_a_file(&shown, kind) {
            return Err(problem);
        }
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(BTreeMap::from([(name, hash_file(path, &shown)?)]));
    }
    let mut found = BTreeMap::new();
    let mut folders = vec![path.to_owned()];
    while let Some(folder) = folders.pop() {
        let unreadable = |error: std::io::Error| format!("cannot read {}: {error}", folder.display());
        for entry in std::fs::read_dir(&folder).map_err(unreadable)? {
            let entry = entry.map_err(unreadable)?;
            let file = entry.path();
            let relative = file.strip_prefix(path).unwrap_or(&file);
            let name =
                relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            // The entry's own type: a link is not followed.
            let kind = entry.file_type().map_err(|error| format!("cannot read {name}: {error}"))?;
            if kind.is_dir() {
                folders.push(file);
                continue;
            }
            if let Some(problem) = not_a_file(&name, kind) {
                return Err(problem);
            }
            if name != MANIFEST {
                let hash = hash_file(&file, &name)?;
                found.insert(name, hash);
            }
        }
    }
    Ok(found)
}

/// The manifest at `file`, a regular file of at most
/// [`MAX_MANIFEST_BYTES`]: no link is followed, nothing endless is read.
fn read_manifest(file: &Path) -> Result<String, Failure> {
    let shown = file.display().to_string();
    let unreadable =
        |error: std::io::Error| failed(format!("cannot read the manifest {shown} ({error}): no signed release here"));
    let kind = std::fs::symlink_metadata(file).map_err(unreadable)?.file_type();
    if let Some(problem) = not_a_file(&shown, kind) {
        return Err(failed(problem));
    }
    let opened = std::fs::File::open(file).map_err(unreadable)?;
    if let Some(problem) = not_a_file(&shown, opened.metadata().map_err(unreadable)?.file_type()) {
        return Err(failed(problem));
    }
    let mut text = String::new();
    opened.take(MAX_MANIFEST_BYTES + 1).read_to_string(&mut text).map_err(unreadable)?;
    if text.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(failed(format!("{shown} is more than a release manifest may be ({MAX_MANIFEST_BYTES} bytes)")));
    }
    Ok(text)
}

/// The first of a document's `entries` (id, author, the key a grant
/// grants) that is signed neither by its `creator` nor by a co-author the
/// creator granted in one of them.
fn not_by_author(creator: &PublicKey, entries: &[(EntryId, PublicKey, Option<PublicKey>)]) -> Option<EntryId> {
    let granted: HashSet<PublicKey> =
        entries.iter().filter(|(_, author, _)| author == creator).filter_map(|(_, _, granted)| *granted).collect();
    entries.iter().find(|(_, author, _)| author != creator && !granted.contains(author)).map(|(id, _, _)| *id)
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

/// The inner HTML of the first `h1` of `html`.
fn heading(html: &str) -> Option<&str> {
    let rest = &html[html.find("<h1")?..];
    rest.get(rest.find('>')? + 1..rest.find("</h1>")?)
}

/// What a showcase page says of a submission: the entry ids it lists, and
/// the inner HTML of its `h1`, its title.
type Pages = BTreeMap<DocumentId, (Vec<EntryId>, Option<String>)>;

/// The items `path` shows: each document with the entry ids it lists and
/// its page's title (an export lists none), read from the files
/// themselves.
fn items_in(path: &Path, files: &BTreeMap<String, String>) -> Result<Pages, Failure> {
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
            items.insert(id.parse().map_err(|_| bad(&format!("line {}", number + 1), id))?, (Vec::new(), None));
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
        if items.insert(document, (entries, heading(&html).map(str::to_owned))).is_some() {
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
    let files = hashes(path).map_err(|problem| Failure::usage(format!("cannot sign {}: {problem}", path.display())))?;
    let showcase = path.is_dir();
    let access = context.access()?;
    let mut items = BTreeMap::new();
    for (document, (listed, _)) in items_in(path, &files)? {
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
    if let Ok(there) = std::fs::symlink_metadata(&out)
        && let Some(problem) = not_a_file(&out.display().to_string(), there.file_type())
    {
        return Err(Failure::usage(format!("cannot write the manifest: {problem}")));
    }
    let text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises");
    std::fs::write(&out, text + "\n")
        .map_err(|error| Failure::new(exit::FAILED, format!("cannot write {}: {error}", out.display())))?;
    println!("signed {} ({count} items, {} files) as {}", out.display(), manifest.files.len(), manifest.secretariat);
    Ok(())
}

/// `convene release verify PATH`.
fn verify(context: &Context, path: &Path, pinned: Option<&str>, bundle: Option<&Path>) -> Result<(), Failure> {
    let manifest_file = manifest_path(path);
    let text = read_manifest(&manifest_file)?;
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
    let files = hashes(path).map_err(failed)?;
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
    for (document, (entries, _)) in &shown {
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

    let authors = if let Some(bundle) = bundle {
        check_bundle(bundle, &manifest, showcase.then_some(&shown))?;
        true
    } else if has_node {
        check_authors(&context.access()?, &manifest, showcase.then_some(&shown))?;
        true
    } else {
        println!(
            "authors and consent: NOT checked: the showcase cannot carry its authors' signed entries (they name \
             them). To check, give --entries with a bundle of them (convene bundle export), or run this on a \
             Convene node of the network that holds these submissions."
        );
        false
    };
    println!("{}", proven(showcase, authors));
    Ok(())
}

/// What a verification that passed proves, and what it does not.
fn proven(showcase: bool, authors: bool) -> String {
    let checked = match (showcase, authors) {
        (true, true) => {
            "every item's entries are listed, signed by its author or a co-author, and carry consent; \
                         each page's title is the one they build; the pages' other text is not compared with them"
        }
        (true, false) => {
            "every item's entries are listed; who signed them, consent and the pages' text were not \
                          checked"
        }
        (false, true) => {
            "every row's entries are listed, signed by its author or a co-author; the rows' text is not \
                          compared with them"
        }
        (false, false) => "every row is listed; who signed its entries and the rows' text were not checked",
    };
    format!("verified: the files are the ones the secretariat signed; {checked}")
}

/// That the page of `document` (among `pages`) shows in its `h1` the title
/// of `fields`, the document its entries build, as the page escapes it.
fn same_title(document: &DocumentId, fields: &Map<String, Value>, pages: &Pages) -> Result<(), Failure> {
    let title = fields.get("title").and_then(Value::as_str).unwrap_or_default();
    let escaped = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    match pages.get(document).and_then(|(_, heading)| heading.as_deref()) {
        Some(heading) if heading == escaped => Ok(()),
        Some(heading) => Err(failed(format!(
            "the page of {document} is titled {heading:?}, not {escaped:?} as its entries build it"
        ))),
        None => Err(failed(format!("the page of {document} has no title (h1)"))),
    }
}

/// That each item's entries are in `bundle`, verify, are of its document,
/// are signed by its author or a co-author, and (a showcase, its `pages`)
/// build a document that carries consent, with its page's title.
fn check_bundle(bundle: &Path, manifest: &Manifest, pages: Option<&Pages>) -> Result<(), Failure> {
    let showcase = pages.is_some();
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
        let mut signers = Vec::new();
        let mut creator = None;
        for id in listed {
            let bytes = found.get(id).ok_or_else(|| failed(format!("{document}: entry {id} is not in {place}")))?;
            let entry = Entry::decode_for(bytes, &manifest.network)
                .map_err(|error| failed(format!("{document}: entry {id} does not verify: {error}")))?;
            let header = entry.header();
            if entry.document() != *document {
                return Err(failed(format!("entry {id} is of another submission than {document}")));
            }
            creator = Some(header.creator);
            signers.push((*id, header.author, entry.granted_key()));
            if matches!(header.kind, EntryKind::Create | EntryKind::Change) {
                changes.push(entry.payload().to_vec());
            }
        }
        if let Some(creator) = creator
            && let Some(id) = not_by_author(&creator, &signers)
        {
            return Err(failed(format!("{document}: entry {id} is signed by neither its author nor a co-author")));
        }
        if let Some(pages) = pages {
            let fields = materialise(&changes)
                .map_err(|error| failed(format!("{document}: its entries build no document: {error}")))?;
            if fields.get("consent_to_publish") != Some(&Value::Bool(true)) {
                return Err(failed(format!("{document} does not carry its author's consent to publish")));
            }
            same_title(document, &fields, pages)?;
        }
    }
    let consent = if showcase { ", with their consent to publish and their pages' titles" } else { "" };
    println!(
        "authors and consent: {} items checked against the entries in {place}: they verify, signed by their authors or co-authors{consent}",
        manifest.items.len()
    );
    Ok(())
}

/// That each item's entries are in this node's store, signed by its
/// author or a co-author, are the ones listed, and (a showcase, its
/// `pages`) carry consent and its page's title.
fn check_authors(access: &Access, manifest: &Manifest, pages: Option<&Pages>) -> Result<(), Failure> {
    let showcase = pages.is_some();
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
        let signers: Vec<_> = shown.view.history.iter().map(|item| (item.entry, item.author, item.granted)).collect();
        if let Some(id) = not_by_author(&shown.view.row.creator, &signers) {
            return Err(failed(format!("{document}: entry {id} is signed by neither its author nor a co-author")));
        }
        if let Some(pages) = pages {
            if shown.view.row.fields.get("consent_to_publish") != Some(&Value::Bool(true)) {
                return Err(failed(format!("{document} does not carry its author's consent to publish")));
            }
            same_title(document, &shown.view.row.fields, pages)?;
        }
    }
    let consent = if showcase { ", with their consent to publish and their pages' titles" } else { "" };
    println!(
        "authors and consent: {} items checked against this node's store: their entries verify, signed by their authors or co-authors{consent}",
        manifest.items.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use convene_protocol::keys::SecretKey;

    use super::*;

    #[test]
    fn an_entry_is_its_authors_when_the_creator_signed_it_or_granted_its_signer() {
        let [creator, coauthor, stranger] = [(); 3].map(|()| SecretKey::generate().public());
        let id = |byte: u8| EntryId([byte; 32]);
        let create = (id(1), creator, None);
        let edit = (id(3), coauthor, None);
        assert_eq!(not_by_author(&creator, &[create, (id(2), creator, Some(coauthor)), edit]), None);
        assert_eq!(not_by_author(&creator, &[create, edit]), Some(id(3)), "not granted");
        assert_eq!(not_by_author(&creator, &[create, (id(2), creator, Some(stranger)), edit]), Some(id(3)), "another");
        let granted_by_another = (id(2), stranger, Some(coauthor));
        assert_eq!(not_by_author(&creator, &[create, granted_by_another, edit]), Some(id(2)), "not the creator's");
    }

    #[test]
    fn a_pages_title_is_compared_as_the_page_escapes_it() {
        let document = DocumentId([1; 32]);
        let html = "<title>x</title><main><h1 dir=\"auto\">Fish &amp; &lt;chips&gt; &quot;now&quot;</h1></main>";
        let pages: Pages = BTreeMap::from([(document, (Vec::new(), heading(html).map(str::to_owned)))]);
        let fields = |title: &str| Map::from_iter([("title".to_owned(), Value::from(title))]);
        assert!(same_title(&document, &fields("Fish & <chips> \"now\""), &pages).is_ok());
        let other = same_title(&document, &fields("Fish & chips"), &pages).unwrap_err();
        assert!(other.message().contains("is titled"), "{}", other.message());
        let untitled: Pages = BTreeMap::from([(document, (Vec::new(), heading("<p>no title</p>").map(str::to_owned)))]);
        assert!(same_title(&document, &fields(""), &untitled).unwrap_err().message().contains("has no title"));
    }

    /// A fresh folder holding `page.html`.
    fn folder(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("convene-release-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("items")).unwrap();
        std::fs::write(path.join("items/page.html"), "<h1>a</h1>").unwrap();
        path
    }

    #[test]
    fn hashing_follows_no_link_and_reads_no_special_file() {
        let plain = folder("plain");
        let found = hashes(&plain).unwrap();
        assert_eq!(found.keys().collect::<Vec<_>>(), ["items/page.html"]);
        let refused = |name: &str, make: &dyn Fn(&Path)| {
            let path = folder(name);
            make(&path);
            let problem = hashes(&path).unwrap_err();
            std::fs::remove_dir_all(&path).unwrap();
            problem
        };
        let link = "is a symbolic link, not a file: a release holds regular files only";
        let zero = refused("zero", &|path| symlink("/dev/zero", path.join("z.html")).unwrap());
        assert_eq!(zero, format!("z.html {link}"));
        let root = refused("root", &|path| symlink("/", path.join("items/r")).unwrap());
        assert_eq!(root, format!("items/r {link}"));
        let dangling = refused("dangling", &|path| symlink("gone", path.join("d.html")).unwrap());
        assert_eq!(dangling, format!("d.html {link}"));
        let manifest = refused("manifest", &|path| symlink("/dev/zero", path.join(MANIFEST)).unwrap());
        assert_eq!(manifest, format!("{MANIFEST} {link}"));
        let fifo = refused("fifo", &|path| {
            assert!(std::process::Command::new("mkfifo").arg(path.join("f.html")).status().unwrap().success());
        });
        assert!(fifo.starts_with("f.html is a special file"), "{fifo}");
        std::fs::remove_dir_all(&plain).unwrap();
    }

    #[test]
    fn a_manifest_is_read_only_from_a_regular_file_of_bounded_size() {
        let path = folder("read");
        symlink("/dev/zero", path.join(MANIFEST)).unwrap();
        let linked = read_manifest(&path.join(MANIFEST)).unwrap_err();
        assert!(
            linked
                .message()
                .ends_with("release.json is a symbolic link, not a file: a release holds regular files only")
        );
        let big = path.join("big.json");
        std::fs::File::create(&big).unwrap().set_len(MAX_MANIFEST_BYTES + 1).unwrap();
        let oversized = read_manifest(&big).unwrap_err();
        assert!(oversized.message().contains("more than a release manifest may be"), "{}", oversized.message());
        std::fs::write(&big, "{}").unwrap();
        assert_eq!(read_manifest(&big).unwrap(), "{}");
        std::fs::remove_dir_all(&path).unwrap();
    }
}
