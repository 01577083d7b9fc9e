//! The field, short: three real nodes in network namespaces, A → B → C,
//! with A–B at 64 kbit/s and 10 % loss each way (`tests/src/field.rs`).
//! Where namespaces cannot be made (not root, no `ip`/`tc`/`nft`), it says
//! so and does nothing; `scripts/test` runs as root and installs the tools.
//! Times are measured by `convene-bench field`, not asserted here: this
//! checks what must hold whatever the speed.

use std::time::Duration;

use convene_tests::field::{self, Plan, Shape};

#[test]
fn reports_cross_a_slow_lossy_link_with_a_typed_one_ahead_of_the_bulk() {
    if let Some(why) = field::missing() {
        eprintln!("SKIPPED: the field test needs network namespaces: {why}");
        return;
    }
    let plan = Plan {
        reports: 40,
        type_after: 5,
        seed: 11,
        shape: Shape { rate_kbit: 64, loss_percent: 10, flap: None },
        timeout: Duration::from_secs(600),
    };
    let outcome = field::run(&plan).unwrap_or_else(|error| panic!("{error}"));
    assert!(outcome.b_only_grew, "B's count went down: {outcome:?}");
    let (_, left) = outcome.typed[0];
    assert!(left > 0, "the report typed mid-transfer reached B only after the bulk: {outcome:?}");
    // Status tells the truth: what A sent, B confirmed; nothing failed.
    let b = &outcome.a_peers[0];
    assert_eq!(b["entries_sent"].as_u64(), Some(outcome.entries + outcome.typed.len() as u64), "{b}");
    assert_eq!(b["unconfirmed"].as_u64(), Some(0), "{b}");
    assert_eq!(b["errors"].as_u64(), Some(0), "a slow lossy link is no failure: {b}");
}
