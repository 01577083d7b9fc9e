//! Replays every committed fuzz corpus file and every input that once
//! crashed (`fuzz/corpus/TARGET/`, `fuzz/regressions/TARGET/`) through the
//! same functions the fuzz targets call, on stable, in the normal test run.

use std::path::Path;

use convene_node::fuzzing;

/// Runs `target` over every file kept for it; the number of files.
fn replay(name: &str, target: fn(&[u8])) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        let Ok(dir) = std::fs::read_dir(fuzz.join(kind).join(name)) else { continue };
        for file in dir {
            let path = file.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            // A panic names the file, so it can be run alone with the fuzzer.
            eprintln!("{}", path.display());
            target(&data);
            count += 1;
        }
    }
    assert!(count > 0, "no corpus for {name} under {}", fuzz.display());
    count
}

#[test]
fn framing_corpus() {
    replay("framing", fuzzing::framing);
}

#[test]
fn reconcile_corpus() {
    replay("reconcile", fuzzing::reconcile);
}

#[test]
fn import_lines_corpus() {
    replay("import_lines", fuzzing::import_lines);
}

/// Writes the seed inputs into `fuzz/corpus/` (run by hand, before fuzzing
/// from scratch: `cargo test -p convene-node --test fuzz_corpus -- --ignored`).
#[test]
#[ignore = "writes the seed corpus"]
fn write_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixture = std::fs::read_to_string(root.join("protocol/tests/fixtures/corpus20.jsonl")).unwrap();
    for (index, (target, data)) in fuzzing::seeds(&fixture).into_iter().enumerate() {
        let dir = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{index:02}")), data).unwrap();
    }
}
