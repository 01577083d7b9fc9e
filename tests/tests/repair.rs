//! A damaged store heals: a torn pack tail, garbage after it, and an entry
//! damaged in the middle are found, reported, set aside and fetched again
//! from a peer, and a damaged node still serves everything else.

use std::time::Duration;

use convene_tests::{Network, TestNode, generate_corpus, path_str, wait_until};

const CONVERGE: Duration = Duration::from_secs(90);
const N: usize = 150;

fn pack(node: &TestNode) -> std::path::PathBuf {
    node.data_dir().join("store/entries.pack")
}

fn damaged_waiting(node: &TestNode) -> u64 {
    node.run(&["status", "--json"]).ok().json()["store"]["damaged_waiting"].as_u64().unwrap_or(0)
}

#[test]
fn a_torn_and_a_damaged_entry_are_set_aside_served_around_and_fetched_again() {
    let network = Network::create("Repair");
    let source = TestNode::init(&network, false);
    source.run(&["identity", "new", "--name", "convener"]).ok();
    let corpus = generate_corpus(&source.scratch(), N, 51);
    source.run(&["import", path_str(&corpus)]).ok();
    let hub = TestNode::init(&network, false);
    let all = source.ids();
    {
        let run_source = source.start(&[]);
        let run_hub = hub.start(&[source.p2p_addr()]);
        wait_until("the hub holds the corpus", CONVERGE, || hub.ids() == all);
        run_hub.stop();
        run_source.stop();
    }

    // A power cut tore the pack's tail, and a byte in its middle rotted.
    let len = std::fs::metadata(pack(&hub)).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(pack(&hub)).unwrap();
    file.set_len(len - 100).unwrap();
    let middle = len / 2;
    let mut byte = [0u8];
    std::os::unix::fs::FileExt::read_exact_at(&std::fs::File::open(pack(&hub)).unwrap(), &mut byte, middle).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&file, &[byte[0] ^ 0x55], middle).unwrap();
    drop(file);

    // Alone, the hub reports the torn tail, and serves a newcomer all the rest.
    let run_hub = hub.start(&[]);
    let status = hub.run(&["status"]).ok();
    assert!(status.stdout.contains("repaired:") && status.stdout.contains("cut short"), "{status}");
    assert!(damaged_waiting(&hub) >= 1, "{status}");
    let newcomer = TestNode::init(&network, false);
    let run_newcomer = newcomer.start(&[hub.p2p_addr()]);
    wait_until("the newcomer gets all the hub can serve", CONVERGE, || {
        let held = newcomer.ids();
        held.len() >= N - 2 && held == hub.ids()
    });
    run_newcomer.stop();
    let verify = hub.run(&["verify"]);
    assert!(verify.code == 0 || verify.code == 6, "{verify}");
    assert_eq!(hub.run(&["verify"]).ok().code, 0, "what verify set aside is no longer held");
    run_hub.stop();

    // With the source back, the hub fetches what it set aside.
    let run_source = source.start(&[]);
    let run_hub = hub.start(&[source.p2p_addr()]);
    wait_until("the hub holds the whole corpus again", CONVERGE, || hub.ids() == all && damaged_waiting(&hub) == 0);
    hub.run(&["verify"]).ok();
    run_hub.stop();
    run_source.stop();
}

#[test]
fn garbage_after_the_pack_is_cut_off_and_reported() {
    let network = Network::create("Garbage");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "convener"]).ok();
    let corpus = generate_corpus(&hub.scratch(), 20, 52);
    hub.run(&["import", path_str(&corpus)]).ok();
    let len = std::fs::metadata(pack(&hub)).unwrap().len();
    let mut file = std::fs::OpenOptions::new().append(true).open(pack(&hub)).unwrap();
    std::io::Write::write_all(&mut file, &[0xA5; 1000]).unwrap();
    drop(file);
    let verify = hub.run(&["verify"]).ok();
    assert!(verify.stdout.contains("REPAIRED") && verify.stdout.contains("1000 bytes"), "{verify}");
    assert_eq!(std::fs::metadata(pack(&hub)).unwrap().len(), len);
    assert_eq!(hub.ids().len(), 20);
}
