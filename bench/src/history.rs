//! `convene-bench history`: what one more change of a document costs as its
//! history grows. One submission is edited N times on a node (in process,
//! real store files), and each edit's change is also received by a second
//! node as a peer's would be; at the 2nd, 10th, 100th, ... change the table
//! gives the time of `edit` (build, sign, check, store), of receiving the
//! change (verify, check, store), of `show` and of exporting the document.
//!
//! The stores live on tmpfs when `/dev/shm` exists: a flush to a disk costs
//! milliseconds whatever the history, and would hide what the history costs.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use convene_node::data_dir::SecretariatKeys;
use convene_node::export::{self, Attribution, Exporter};
use convene_node::{DataDir, Node, now_ms};
use convene_protocol::attachment::Limits;
use convene_protocol::keys::SecretKey;
use convene_protocol::network::Genesis;
use serde_json::{Value, json};

use crate::median;

/// Edits around each of these changes are timed (the change itself and the
/// ones next to it, so that one slow call does not decide).
const POINTS: [usize; 5] = [2, 10, 100, 1_000, 1_995];
/// Calls timed around each point.
const WINDOW: usize = 9;

fn case_study(title: &str) -> Value {
    json!({
        "kind": "case_study", "title": title, "language": "en", "country": "KE",
        "implementer": "Civic Tech Lab", "responsible_authority": "R1",
        "dpi_types": ["digital_id"], "lifecycle_stages": ["L1"], "principles": ["F1"], "risks": ["RS1"],
        "context": "A hub's context, a few sentences long, as most are.",
        "challenges": "What went wrong, in a paragraph.", "successes": "What went well.",
        "lessons": ["One lesson", "Another"], "consent_to_publish": true,
        "contact": {"name": "Amina Okafor", "email": "amina@example.org"}
    })
}

fn node(dir: &std::path::Path, genesis: &Genesis, keys: &SecretariatKeys) -> Result<Node> {
    let data_dir = DataDir::new(dir);
    data_dir.init(genesis, Some(keys))?;
    Ok(Node::open(data_dir)?)
}

/// Prints one row per point up to `changes`.
pub fn run(changes: usize) -> Result<()> {
    let shm = std::path::Path::new("/dev/shm");
    let scratch = if shm.is_dir() { tempfile::tempdir_in(shm)? } else { tempfile::tempdir()? };
    let keys = SecretariatKeys::generate();
    let genesis = Genesis::create("Bench", now_ms(), &keys.signing, keys.encryption.public(), Limits::DEFAULT)?;
    let author_node = node(&scratch.path().join("author"), &genesis, &keys)?;
    let receiver = node(&scratch.path().join("receiver"), &genesis, &keys)?;
    let author = SecretKey::generate();
    let created = author_node.submit(&author, &case_study("Edit 0"))?;
    let id = created.id;
    let create = author_node.show(&id)?.history.first().context("stored")?.entry;
    let create = author_node.entry_bytes(&create)?.context("stored")?;
    receiver.ingest_encoded(&[create], None)?;

    println!("| change | `edit` | receive | `show` | export |");
    println!("|---|---|---|---|---|");
    let points: Vec<usize> = POINTS.iter().copied().filter(|&point| point <= changes).collect();
    let mut samples: [Vec<Duration>; 4] = Default::default();
    // The create is change 1; edit `k` makes change `k + 1`.
    for change in 2..=changes {
        let timed = points.iter().any(|&point| change + WINDOW / 2 >= point && change <= point + WINDOW / 2);
        let started = Instant::now();
        let entry = author_node.edit(&author, &id, &case_study(&format!("Edit {change}")))?.context("changed")?;
        let edit = started.elapsed();
        let bytes = author_node.entry_bytes(&entry)?.context("stored")?;
        let started = Instant::now();
        for outcome in receiver.ingest_encoded(&[bytes], None)? {
            outcome?;
        }
        let receive = started.elapsed();
        if !timed {
            continue;
        }
        let started = Instant::now();
        let view = receiver.show(&id)?;
        let show = started.elapsed();
        anyhow::ensure!(view.row.changes as usize == change, "the receiver holds every change");
        let started = Instant::now();
        let mut exporter = Exporter::jsonl(Box::new(Vec::new()));
        for fields in export::rows(&receiver, Attribution::Anonymised) {
            exporter.write(&fields?)?;
        }
        exporter.finish()?;
        let export = started.elapsed();
        for (sample, time) in samples.iter_mut().zip([edit, receive, show, export]) {
            sample.push(time);
        }
        if points.contains(&(change - WINDOW / 2)) {
            let [edit, receive, show, export] = samples.each_mut().map(|sample| median(std::mem::take(sample)));
            println!("| {} | {edit:.2?} | {receive:.2?} | {show:.2?} | {export:.2?} |", change - WINDOW / 2);
        }
    }
    Ok(())
}
