//! Replays every committed fuzz corpus file and every input that once
//! crashed (`fuzz/corpus/TARGET/`, `fuzz/regressions/TARGET/`) through the
//! same functions the fuzz targets call, on stable, in the normal test run.

use std::path::Path;

use convene_protocol::fuzzing;

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
fn entry_decode_corpus() {
    replay("entry_decode", fuzzing::entry_decode);
}

#[test]
fn entry_signed_corpus() {
    replay("entry_signed", fuzzing::entry_signed);
}

#[test]
fn wire_corpus() {
    replay("wire", fuzzing::wire);
}
