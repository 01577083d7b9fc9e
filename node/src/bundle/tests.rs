//! Bundles between two nodes of one network (and a third of another): a
//! round trip, damage that keeps what verified, parts in any order, a
//! want file that makes an export carry exactly the difference, and
//! attached files: carried after the entries, resumed group by group,
//! refused group by group when altered.

use std::collections::BTreeSet;
use std::path::Path;

use convene_protocol::attachment::BlobHash;
use convene_protocol::entry::{DocumentId, EntryId};
use convene_protocol::keys::SecretKey;
use convene_protocol::network::Genesis;
use serde_json::{Value, json};

use super::*;
use crate::DataDir;
use crate::data_dir::SecretariatKeys;

fn case_study(title: &str) -> Value {
    json!({
        "kind": "case_study", "title": title, "language": "en", "country": "KE",
        "implementer": "Civic Tech Lab", "responsible_authority": "R1",
        "dpi_types": ["digital_id"], "lifecycle_stages": ["L1"], "principles": ["F1"], "risks": ["RS1"],
        "context": "c", "challenges": "c", "successes": "s", "lessons": ["l"], "consent_to_publish": true,
        "contact": {"name": "Amina Okafor", "email": "amina@example.org"}
    })
}

/// Two nodes of one network ("Demo") and a third of another ("Elsewhere").
struct Nodes {
    _dir: tempfile::TempDir,
    a: Node,
    b: Node,
    other: Node,
}

fn node_of(dir: &Path, name: &str, genesis: &Genesis) -> Node {
    let data_dir = DataDir::new(dir.join(name));
    data_dir.init(genesis, None).unwrap();
    Node::open(data_dir).unwrap()
}

fn nodes() -> Nodes {
    let dir = tempfile::tempdir().unwrap();
    let (_, genesis) = SecretariatKeys::with_network("Demo");
    let (_, elsewhere) = SecretariatKeys::with_network("Elsewhere");
    Nodes {
        a: node_of(dir.path(), "a", &genesis),
        b: node_of(dir.path(), "b", &genesis),
        other: node_of(dir.path(), "other", &elsewhere),
        _dir: dir,
    }
}

/// `count` submissions by one author, one of them edited and one withdrawn.
fn corpus(node: &Node, count: usize) -> SecretKey {
    let author = SecretKey::generate();
    let inputs: Vec<Value> = (0..count).map(|n| case_study(&format!("Report {n}"))).collect();
    let submitted: Vec<_> = node.submit_many(&author, &inputs).unwrap().into_iter().map(Result::unwrap).collect();
    let mut edited = case_study("Report 0");
    edited["title"] = json!("Report 0, edited");
    node.edit(&author, &submitted[0].id, &edited).unwrap().unwrap();
    node.withdraw(&author, &submitted[1].id, "published by mistake").unwrap();
    author
}

fn ids(node: &Node) -> BTreeSet<EntryId> {
    node.entry_ids().unwrap()
}

fn everything() -> Selection {
    Selection::default()
}

#[test]
fn a_bundle_carries_every_entry_and_a_second_import_stores_nothing() {
    let nodes = nodes();
    corpus(&nodes.a, 20);
    let file = nodes._dir.path().join("all.bundle");
    let exported = nodes.a.export_bundle(&file, &everything(), None).unwrap();
    assert_eq!(exported.entries as usize, ids(&nodes.a).len());
    assert_eq!(exported.files, vec![file.display().to_string()]);

    let report = nodes.b.import_bundle_files(std::slice::from_ref(&file)).unwrap();
    assert_eq!(report.parts.len(), 1);
    assert_eq!(report.parts[0].problem, None, "{report:?}");
    assert_eq!(report.parts[0].last, Some(true));
    assert_eq!((report.new, report.refused, report.waiting), (exported.entries, 0, 0), "{report:?}");
    assert_eq!(ids(&nodes.b), ids(&nodes.a));
    assert!(nodes.b.verify().unwrap().failures.is_empty());
    // The withdrawn submission is gone at B too; the edit shows.
    let titles: Vec<String> = nodes.b.rows().map(|row| row.unwrap().fields["title"].to_string()).collect();
    assert_eq!(titles.len(), 19);
    assert!(titles.iter().any(|title| title.contains("Report 0, edited")));
    assert!(!titles.iter().any(|title| title == "\"Report 1\""));

    let again = nodes.b.import_bundle_files(&[file]).unwrap();
    assert_eq!((again.new, again.already_held), (0, exported.entries));
}

#[test]
fn a_cut_bundle_keeps_the_entries_before_the_cut() {
    let nodes = nodes();
    corpus(&nodes.a, 20);
    let file = nodes._dir.path().join("cut.bundle");
    let exported = nodes.a.export_bundle(&file, &everything(), None).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();

    let report = nodes.b.import_bundle_files(&[file]).unwrap();
    let problem = report.parts[0].problem.clone().unwrap();
    assert!(matches!(&problem, PartProblem::Damaged { reason } if reason.contains("cut short")), "{problem}");
    assert!(problem.to_string().contains("was kept"));
    assert!(report.damaged());
    assert!(report.new > 0 && report.new < exported.entries, "{report:?}");
    assert_eq!(report.refused, 0);
    assert!(ids(&nodes.b).is_subset(&ids(&nodes.a)));
}

#[test]
fn an_altered_byte_is_refused_and_the_rest_kept() {
    let nodes = nodes();
    corpus(&nodes.a, 20);
    let file = nodes._dir.path().join("flipped.bundle");
    let exported = nodes.a.export_bundle(&file, &everything(), None).unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    // Inside the last entry's signature: the framing stays whole.
    let at = bytes.len() - (5 + 41) - 10;
    bytes[at] ^= 0x40;
    std::fs::write(&file, &bytes).unwrap();

    let report = nodes.b.import_bundle_files(&[file]).unwrap();
    assert!(
        matches!(&report.parts[0].problem, Some(PartProblem::Damaged { reason }) if reason.contains("checksum")),
        "{report:?}"
    );
    assert_eq!(report.refused, 1, "{report:?}");
    assert_eq!(report.new, exported.entries - 1);
    assert!(ids(&nodes.b).is_subset(&ids(&nodes.a)));
}

#[test]
fn a_bundle_of_another_network_is_refused_whole_and_named() {
    let nodes = nodes();
    corpus(&nodes.a, 5);
    let file = nodes._dir.path().join("demo.bundle");
    nodes.a.export_bundle(&file, &everything(), None).unwrap();

    let report = nodes.other.import_bundle_files(&[file]).unwrap();
    assert!(report.refused_whole());
    let problem = report.parts[0].problem.clone().unwrap();
    assert!(matches!(&problem, PartProblem::OtherNetwork { name, .. } if name == "Demo"), "{problem:?}");
    assert!(problem.to_string().contains("\"Demo\""), "{problem}");
    assert_eq!(report.new + report.refused, 0);
    assert!(ids(&nodes.other).is_empty());

    let not_a_bundle = nodes._dir.path().join("notes.txt");
    std::fs::write(&not_a_bundle, "a shopping list").unwrap();
    let report = nodes.a.import_bundle_files(&[not_a_bundle]).unwrap();
    assert!(matches!(report.parts[0].problem, Some(PartProblem::NotABundle { .. })));
}

#[test]
fn parts_import_in_any_order_and_a_damaged_part_loses_only_its_own() {
    let nodes = nodes();
    corpus(&nodes.a, 60);
    let file = nodes._dir.path().join("split.bundle");
    let exported = nodes.a.export_parts(&file, &everything(), Some(16 * 1024)).unwrap();
    assert!(exported.files.len() >= 3, "{exported:?}");
    for part in &exported.files {
        assert!(std::fs::metadata(part).unwrap().len() <= 16 * 1024);
    }
    assert!(exported.files[0].ends_with("split.bundle.001"));

    let mut reversed: Vec<PathBuf> = exported.files.iter().map(PathBuf::from).collect();
    reversed.reverse();
    let report = nodes.b.import_bundle_files(&reversed).unwrap();
    assert!(report.parts.iter().all(|part| part.problem.is_none()), "{report:?}");
    let order: Vec<u32> = report.parts.iter().map(|part| part.header.as_ref().unwrap().part).collect();
    assert!(order.is_sorted(), "read in part order: {order:?}");
    assert_eq!(report.parts.iter().filter(|part| part.last == Some(true)).count(), 1);
    assert_eq!((report.new, report.waiting), (exported.entries, 0));
    assert_eq!(ids(&nodes.b), ids(&nodes.a));

    // At a third node, part 2 garbled: the other parts' entries all arrive.
    let c = node_of(nodes._dir.path(), "c", nodes.a.genesis());
    let mut second = std::fs::read(&exported.files[1]).unwrap();
    let middle = second.len() / 2;
    second[middle..middle + 64].fill(0xAA);
    std::fs::write(&exported.files[1], &second).unwrap();
    let report = c.import_bundle_files(&reversed).unwrap();
    let damaged: Vec<&PartReport> = report.parts.iter().filter(|part| part.problem.is_some()).collect();
    assert_eq!(damaged.len(), 1, "{report:?}");
    assert_eq!(damaged[0].header.as_ref().unwrap().part, 2);
    let whole: u64 = report.parts.iter().filter(|part| part.problem.is_none()).map(|part| part.entries).sum();
    assert!(report.new + report.waiting >= whole, "{report:?}");
    assert!(ids(&c).is_subset(&ids(&nodes.a)));
}

#[test]
fn a_want_file_makes_the_export_exactly_the_difference() {
    let nodes = nodes();
    let author = corpus(&nodes.a, 10);
    let first = nodes._dir.path().join("first.bundle");
    nodes.a.export_bundle(&first, &everything(), None).unwrap();
    nodes.b.import_bundle_files(&[first]).unwrap();
    let before = ids(&nodes.a);
    // More at A: five new submissions, an edit and a withdrawal.
    let inputs: Vec<Value> = (10..15).map(|n| case_study(&format!("Report {n}"))).collect();
    for result in nodes.a.submit_many(&author, &inputs).unwrap() {
        result.unwrap();
    }
    let rows: Vec<_> = nodes.a.rows().map(Result::unwrap).collect();
    let edited = rows.iter().find(|row| row.fields["title"] == "Report 5").unwrap().id;
    let withdrawn = rows.iter().find(|row| row.fields["title"] == "Report 6").unwrap().id;
    let mut input = case_study("Report 5");
    input["title"] = json!("Report 5, edited");
    nodes.a.edit(&author, &edited, &input).unwrap().unwrap();
    nodes.a.withdraw(&author, &withdrawn, "duplicate").unwrap();
    let difference: BTreeSet<EntryId> =
        ids(&nodes.a).difference(&before).copied().filter(|id| !ids(&nodes.b).contains(id)).collect();
    assert_eq!(difference.len(), 7);

    let want_file = nodes._dir.path().join("b.want");
    let want_report = nodes.b.write_want(&want_file).unwrap();
    assert_eq!(want_report.ids as usize, ids(&nodes.b).len());
    assert_eq!(want_report.bytes, 12 + 1 + 32 + 8 + 8 + 32 * want_report.ids + 8 + 32);
    let want = Want::read(&want_file, &nodes.a.network()).unwrap();
    let file = nodes._dir.path().join("difference.bundle");
    let selection = Selection { want: Some(want), ..Selection::default() };
    let exported = nodes.a.export_bundle(&file, &selection, None).unwrap();
    assert_eq!(exported.entries, 7);

    let report = nodes.b.import_bundle_files(&[file]).unwrap();
    assert_eq!((report.new, report.already_held, report.refused), (7, 0, 0), "{report:?}");
    assert_eq!(ids(&nodes.b), ids(&nodes.a));
    assert!(nodes.b.show(&withdrawn).is_err(), "the withdrawn submission is purged at B");

    // A want file of another network is refused, and so is a damaged one.
    let error = Want::read(&want_file, &nodes.other.network()).unwrap_err();
    assert!(error.to_string().contains("network"), "{error}");
    let mut bytes = std::fs::read(&want_file).unwrap();
    // The last id's last byte (the blob count and the checksum follow).
    let last = bytes.len() - 32 - 8 - 1;
    bytes[last] ^= 1;
    std::fs::write(&want_file, &bytes).unwrap();
    let error = Want::read(&want_file, &nodes.a.network()).unwrap_err();
    assert!(error.to_string().contains("checksum"), "{error}");
}

#[test]
fn since_a_date_carries_only_newer_entries() {
    let nodes = nodes();
    corpus(&nodes.a, 5);
    // Entries stored so far were signed before `cut`; the next one at or after it.
    let cut = now_ms() + 1;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while now_ms() < cut {
        assert!(std::time::Instant::now() < deadline, "the clock moves");
        std::thread::yield_now();
    }
    let author = SecretKey::generate();
    nodes.a.submit(&author, &case_study("Late")).unwrap();
    let file = nodes._dir.path().join("since.bundle");
    let exported =
        nodes.a.export_bundle(&file, &Selection { since_ms: Some(cut), ..Selection::default() }, None).unwrap();
    assert_eq!(exported.entries, 1);
    let report = nodes.b.import_bundle_files(&[file]).unwrap();
    assert_eq!(report.parts[0].header.as_ref().unwrap().since_ms, Some(cut));
    assert_eq!(report.new, 1);
}

#[test]
fn a_download_is_one_part_that_imports() {
    let nodes = nodes();
    corpus(&nodes.a, 5);
    let mut bytes = Vec::new();
    let exported = nodes.a.export_bundle_to(&mut bytes, &everything()).unwrap();
    assert_eq!(exported.bytes as usize, bytes.len());
    let report = nodes.b.import_bundle_from(bytes.as_slice(), "upload").unwrap();
    assert_eq!(report.new, exported.entries);
    assert_eq!(ids(&nodes.b), ids(&nodes.a));
}

#[test]
fn dates_and_sizes_parse() {
    assert_eq!(parse_date_ms("1970-01-01"), Ok(0));
    assert_eq!(parse_date_ms("2026-12-02"), Ok(1_796_169_600_000));
    assert_eq!(parse_date_ms("2026-12-02T10:30:00Z"), Ok(1_796_169_600_000 + 37_800_000));
    assert!(parse_date_ms("2026-13-01").is_err());
    assert!(parse_date_ms("yesterday").is_err());
    assert_eq!(parse_size("100M"), Ok(100 << 20));
    assert_eq!(parse_size("2g"), Ok(2 << 30));
    assert_eq!(parse_size("4096"), Ok(4096));
    assert!(parse_size("lots").is_err());
    assert!(MIN_PART_BYTES as usize > MAX_ENTRY_BYTES + 200);
}

/// A PDF of `size` bytes (a PDF is stored as given), attached to `document`.
fn attach_pdf(node: &Node, author: &SecretKey, document: &DocumentId, size: usize, seed: u8) -> (BlobHash, Vec<u8>) {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..size - bytes.len()).map(|i| ((i * 7919 + i / 251) % 251) as u8 ^ seed));
    let stored = node.store_file("minutes.pdf", &bytes).unwrap();
    node.attach(author, document, std::slice::from_ref(&stored.attachment)).unwrap().unwrap();
    (BlobHash::parse(&stored.attachment.hash).unwrap(), bytes)
}

/// Five submissions at A, two with a PDF: 300,000 bytes (19 groups) and
/// 5,000 (one).
fn with_files(nodes: &Nodes) -> (SecretKey, DocumentId, [(BlobHash, Vec<u8>); 2]) {
    let author = SecretKey::generate();
    let inputs: Vec<Value> = (0..5).map(|n| case_study(&format!("Report {n}"))).collect();
    let ids: Vec<DocumentId> =
        nodes.a.submit_many(&author, &inputs).unwrap().into_iter().map(|done| done.unwrap().id).collect();
    let large = attach_pdf(&nodes.a, &author, &ids[0], 300_000, 1);
    let small = attach_pdf(&nodes.a, &author, &ids[1], 5_000, 2);
    (author, ids[0], [large, small])
}

#[test]
fn attached_files_travel_after_the_entries_and_a_text_only_bundle_carries_none() {
    let nodes = nodes();
    let (_, _, [(large, large_bytes), (small, small_bytes)]) = with_files(&nodes);
    let file = nodes._dir.path().join("files.bundle");
    let exported = nodes.a.export_bundle(&file, &everything(), None).unwrap();
    assert_eq!((exported.entries, exported.blobs, exported.groups, exported.blobs_not_here), (7, 2, 20, 0));

    let report = nodes.b.import_bundle_files(std::slice::from_ref(&file)).unwrap();
    assert_eq!(report.parts[0].problem, None, "{report:?}");
    assert_eq!(report.parts[0].groups, 20);
    assert_eq!((report.new, report.blobs_completed, report.groups_stored, report.groups_refused), (7, 2, 20, 0));
    assert_eq!(nodes.b.blob(&large).unwrap(), large_bytes);
    assert_eq!(nodes.b.blob(&small).unwrap(), small_bytes);
    assert!(nodes.b.wanted_blobs().unwrap().is_empty());
    // Again: every group verified, none stored twice.
    let again = nodes.b.import_bundle_files(&[file]).unwrap();
    assert_eq!((again.blobs_completed, again.groups_stored, again.groups_held), (0, 0, 20), "{again:?}");

    // The smaller file comes first; the entries before both.
    let mut bytes = Vec::new();
    nodes.a.export_bundle_to(&mut bytes, &everything()).unwrap();
    let at = |needle: &[u8]| bytes.windows(needle.len()).position(|window| window == needle).unwrap();
    for id in ids(&nodes.a) {
        assert!(at(&nodes.a.entry_bytes(&id).unwrap().unwrap()) < at(&small.0));
    }
    assert!(at(&small.0) < at(&large.0));

    // Text only: no groups, and C wants both files after it.
    let text = nodes._dir.path().join("text.bundle");
    let selection = Selection { without_blobs: true, ..Selection::default() };
    let exported = nodes.a.export_bundle(&text, &selection, None).unwrap();
    assert_eq!((exported.entries, exported.blobs, exported.groups), (7, 0, 0));
    let c = node_of(nodes._dir.path(), "c", nodes.a.genesis());
    let report = c.import_bundle_files(&[text]).unwrap();
    assert!(report.parts[0].header.as_ref().unwrap().without_blobs);
    assert_eq!((report.new, report.parts[0].groups), (7, 0));
    assert!(!c.blobs().has(&large) && !c.blobs().has(&small));
    let want = c.write_want(&nodes._dir.path().join("c.want")).unwrap();
    assert_eq!(want.blobs_wanted, 2);
}

#[test]
fn a_part_cut_mid_file_is_resumed_by_the_next_stick_from_a_want_file() {
    let nodes = nodes();
    let (_, _, [(large, large_bytes), _]) = with_files(&nodes);
    let file = nodes._dir.path().join("split.bundle");
    let part_size = 96 * 1024;
    let exported = nodes.a.export_parts(&file, &everything(), Some(part_size)).unwrap();
    assert!(exported.files.len() >= 4, "{exported:?}");
    for part in &exported.files {
        assert!(std::fs::metadata(part).unwrap().len() <= part_size, "{part}");
    }
    // The first stick holds the first two parts only: the text, the small
    // file and part of the large one.
    let first: Vec<PathBuf> = exported.files[..2].iter().map(PathBuf::from).collect();
    let report = nodes.b.import_bundle_files(&first).unwrap();
    assert_eq!(report.new, 7, "{report:?}");
    assert_eq!(report.blobs_completed, 1, "{report:?}");
    let Held::Partial(flags) = nodes.b.blobs().held(&large, large_bytes.len() as u64).unwrap() else {
        panic!("part of the large file is here: {report:?}")
    };
    let held = flags.iter().filter(|held| **held).count() as u64;
    assert!(held > 0 && held < 19, "{held}");

    // B's want file lists what it holds of it; A sends only the rest.
    let want_file = nodes._dir.path().join("b.want");
    let want_report = nodes.b.write_want(&want_file).unwrap();
    assert_eq!(want_report.blobs_wanted, 1);
    let want = Want::read(&want_file, &nodes.a.network()).unwrap();
    assert_eq!(want.blobs_wanted(), 1);
    let rest = nodes._dir.path().join("rest.bundle");
    let exported = nodes.a.export_bundle(&rest, &Selection { want: Some(want), ..Selection::default() }, None).unwrap();
    assert_eq!((exported.entries, exported.blobs, exported.groups), (0, 1, 19 - held), "{exported:?}");
    let report = nodes.b.import_bundle_files(&[rest]).unwrap();
    assert_eq!((report.blobs_completed, report.groups_stored, report.groups_held), (1, 19 - held, 0), "{report:?}");
    assert_eq!(nodes.b.blob(&large).unwrap(), large_bytes);
}

#[test]
fn an_altered_group_is_refused_by_name_and_the_rest_of_the_file_kept() {
    let nodes = nodes();
    let (_, _, [(large, large_bytes), _]) = with_files(&nodes);
    let file = nodes._dir.path().join("altered.bundle");
    nodes.a.export_bundle(&file, &everything(), None).unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let group = nodes.a.blobs().read_group(&large, 3).unwrap();
    let at = bytes.windows(group.data.len()).position(|window| window == group.data).unwrap();
    bytes[at + 100] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();

    let report = nodes.b.import_bundle_files(std::slice::from_ref(&file)).unwrap();
    assert!(
        matches!(&report.parts[0].problem, Some(PartProblem::Damaged { reason }) if reason.contains("checksum")),
        "{report:?}"
    );
    assert_eq!((report.new, report.groups_refused, report.groups_stored), (7, 1, 19), "{report:?}");
    let refusal = &report.blob_refusals[0];
    assert_eq!((refusal.blob.as_str(), refusal.group), (large.to_hex().as_str(), Some(3)));
    assert!(
        refusal.reason.contains("chunk group 3 of blob") && refusal.reason.contains("hash mismatch"),
        "{refusal:?}"
    );
    let Held::Partial(flags) = nodes.b.blobs().held(&large, large_bytes.len() as u64).unwrap() else {
        panic!("all but one group of the large file is here")
    };
    assert_eq!(flags.iter().enumerate().filter(|(_, held)| !**held).map(|(index, _)| index).collect::<Vec<_>>(), [3]);
    // A good copy finishes it.
    let good = nodes._dir.path().join("good.bundle");
    nodes.a.export_bundle(&good, &everything(), None).unwrap();
    let report = nodes.b.import_bundle_files(&[good]).unwrap();
    assert_eq!((report.blobs_completed, report.groups_stored, report.groups_held), (1, 1, 19), "{report:?}");
    assert_eq!(nodes.b.blob(&large).unwrap(), large_bytes);
}

#[test]
fn a_file_no_document_here_names_is_not_stored() {
    let nodes = nodes();
    let (author, document, [(large, _), _]) = with_files(&nodes);
    let text = nodes._dir.path().join("text.bundle");
    nodes.a.export_bundle(&text, &Selection { without_blobs: true, ..Selection::default() }, None).unwrap();
    nodes.b.import_bundle_files(&[text]).unwrap();
    // At B, the report naming the large file is withdrawn before its files arrive.
    nodes.b.withdraw(&author, &document, "not for publication").unwrap();
    let file = nodes._dir.path().join("files.bundle");
    nodes.a.export_bundle(&file, &everything(), None).unwrap();
    let report = nodes.b.import_bundle_files(&[file]).unwrap();
    assert_eq!((report.groups_unnamed, report.groups_stored, report.blobs_completed), (19, 1, 1), "{report:?}");
    assert!(!nodes.b.blobs().has(&large));
    assert_eq!(nodes.b.blobs().held(&large, 300_000).unwrap(), Held::None);
}
