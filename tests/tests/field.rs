//! The field, short: three real nodes in network namespaces, A → B → C,
//! with A–B at 64 kbit/s and 10 % loss each way (`tests/src/field.rs`), and
//! a few reports carrying a photo.
//! Where namespaces cannot be made (not root, no `ip`/`tc`/`nft`), it says
//! so and does nothing; `scripts/test` runs as root and installs the tools.
//! Times are measured by `convene-bench field`, not asserted here: this
//! checks what must hold whatever the speed.

use std::time::Duration;

use convene_tests::field::{self, Plan, Shape};

#[test]
fn reports_and_photos_cross_a_slow_lossy_link_text_first_with_a_typed_one_ahead_of_the_bulk() {
    if let Some(why) = field::missing() {
        eprintln!("SKIPPED: the field test needs network namespaces: {why}");
        return;
    }
    let plan = Plan {
        reports: 40,
        photos: 2,
        // Larger than any preview (64 KiB), so B can tell an original arrived.
        photo_kb: 100,
        type_after: 5,
        seed: 11,
        shape: Shape { rate_kbit: 64, loss_percent: 10, flap: None },
        timeout: Duration::from_secs(600),
    };
    let outcome = field::run(&plan).unwrap_or_else(|error| panic!("{error}"));
    assert!(outcome.b_only_grew, "B's count went down: {outcome:?}");
    let (_, left, _) = outcome.typed[0];
    assert!(left > 0, "the report typed mid-transfer reached B only after the bulk: {outcome:?}");
    // Text first: every entry is at the end of the chain before any
    // original photo has crossed the slow link; every file arrives; what B
    // holds of the files only grows (nothing is fetched twice from zero).
    let all_files = outcome.all_files_at_c.expect("every file reaches C");
    let first_photo = outcome.first_photo_at_b.expect("a photo reaches B");
    assert!(outcome.all_at_c < first_photo, "text at C {:?}, first photo at B {first_photo:?}", outcome.all_at_c);
    assert!(all_files >= first_photo);
    assert!(outcome.b_files_only_grew, "B's files went down: {outcome:?}");
    // Status tells the truth: what A sent, B confirmed; nothing failed.
    let b = &outcome.a_peers[0];
    assert_eq!(b["entries_sent"].as_u64(), Some(outcome.entries + outcome.typed.len() as u64), "{b}");
    assert_eq!(b["unconfirmed"].as_u64(), Some(0), "{b}");
    assert_eq!(b["errors"].as_u64(), Some(0), "a slow lossy link is no failure: {b}");
}
