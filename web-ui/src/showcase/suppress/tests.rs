//! The suppression model against a reader who differences: random corpora
//! over small category lists (where differencing succeeds most easily), and
//! every attack of the module's doc. No small cell may be pinned to one
//! value, and counting item pages must give exactly the printed rows.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

fn strings(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|code| (*code).to_owned()).collect()
}

/// Small lists: a region with one country, a parent without children.
fn universe() -> Universe {
    Universe {
        kinds: strings(&["k1", "k2", "k3"]),
        places: Tree {
            parents: vec![
                ("A".into(), strings(&["a1", "a2"])),
                ("B".into(), strings(&["b1"])),
                ("C".into(), strings(&["c1", "c2", "c3"])),
                ("X".into(), Vec::new()),
            ],
        },
        periods: Tree {
            parents: vec![("Y1".into(), strings(&["Y1-1", "Y1-2", "Y1-3"])), ("Y2".into(), strings(&["Y2-1", "Y2-2"]))],
        },
        principles: strings(&["p1", "p2", "p3"]),
        risks: strings(&["r1", "r2"]),
    }
}

fn branch(tree: &Tree, pick: usize, child: usize) -> Branch {
    let (parent, children) = &tree.parents[pick % tree.parents.len()];
    let child = (!children.is_empty()).then(|| children[child % children.len()].clone());
    Branch { parent: parent.clone(), child }
}

fn corpus() -> impl Strategy<Value = (Vec<Facts>, u64)> {
    let fact = (0..6usize, 0..8usize, 0..3usize, 0..4usize, 0..3usize, 0..8u8, 0..4u8);
    (prop::collection::vec(fact, 0..70), 2..7u64).prop_map(|(raw, n)| {
        let universe = universe();
        let facts = raw
            .into_iter()
            .map(|(kind, place, child, year, month, principles, risks)| {
                // Kinds skewed so that one is often small.
                let kind = ["k1", "k1", "k1", "k2", "k2", "k3"][kind].to_owned();
                let bits = |codes: &[String], bits: u8| -> BTreeSet<String> {
                    codes.iter().enumerate().filter(|(at, _)| bits >> at & 1 == 1).map(|(_, c)| c.clone()).collect()
                };
                Facts {
                    kind,
                    // Places skewed towards A.
                    place: branch(&universe.places, [0, 0, 0, 1, 2, 2, 3, 0][place], child),
                    period: branch(&universe.periods, year.min(1), month),
                    principles: bits(&universe.principles, principles),
                    risks: bits(&universe.risks, risks),
                }
            })
            .collect();
        (facts, n)
    })
}

/// What the reader can say of one unnamed category: its lowest and highest
/// possible count, given its pool, the number of its fellow members and
/// how large each may be.
fn interval(pool: u64, others: u64, each: u64) -> (u64, u64) {
    (pool.saturating_sub(others.saturating_mul(each)), pool.min(each))
}

/// Attacks a tree's table and items; `truth` is the items' branches.
fn attack_tree(tree: &Tree, table: &TreeTable, shown: &[&Shown], truth: &[&Branch], n: u64) {
    let parent_count = |parent: &str| truth.iter().filter(|branch| branch.parent == parent).count() as u64;
    let child_count = |parent: &str, child: &str| {
        truth.iter().filter(|branch| branch.parent == parent && branch.child.as_deref() == Some(child)).count() as u64
    };
    let items_showing = |what: &Shown| shown.iter().filter(|shown| **shown == what).count() as u64;
    if table.held_back {
        assert!(table.parents.is_empty() && table.other.is_none());
        assert!(shown.iter().all(|shown| **shown == Shown::HeldBack));
        return;
    }
    let total = truth.len() as u64;
    // Printed counts are true; items count to exactly the printed rows.
    let mut named_sum = 0;
    for parent in &table.parents {
        let count = parent_count(&parent.row.code);
        assert_eq!(parent.row.cell, Cell::Count(count), "a named parent is printed as it is");
        assert!(count >= n);
        named_sum += count;
        let mut children_sum = 0;
        for child in &parent.children {
            let count = child_count(&parent.row.code, &child.code);
            assert_eq!(child.cell, Cell::Count(count));
            assert!(count >= n);
            assert_eq!(items_showing(&Shown::Child(child.code.clone())), count, "items count to the row");
            children_sum += count;
        }
        let pool = count - children_sum;
        assert_eq!(items_showing(&Shown::Parent(parent.row.code.clone())), pool, "items count to the pool");
        assert_eq!(parent.other.map(|other| other.cell), (pool > 0).then(|| cell(pool, n)));
    }
    let top_pool = total - named_sum;
    assert_eq!(items_showing(&Shown::Other), top_pool);
    assert_eq!(table.other.map(|other| other.cell), (top_pool > 0).then(|| cell(top_pool, n)));
    let top_held = table.other.is_some_and(|other| other.held_back);
    let unnamed: Vec<&(String, Vec<String>)> =
        tree.parents.iter().filter(|(code, _)| table.parents.iter().all(|named| &named.row.code != code)).collect();

    // Every small cell, attacked.
    for (code, children) in &tree.parents {
        let count = parent_count(code);
        let named = table.parents.iter().find(|parent| &parent.row.code == code);
        if (1..n).contains(&count) {
            assert!(named.is_none(), "a small parent is never named");
            // Differencing the total over the named parents.
            let each = if top_held { top_pool } else { n - 1 };
            let (low, high) = interval(top_pool, unnamed.len() as u64 - 1, each);
            assert!(low < high, "parent {code} ({count}) pinned: pool {top_pool} among {} members", unnamed.len());
        }
        for child in children {
            let count = child_count(code, child);
            if !(1..n).contains(&count) {
                continue;
            }
            match named {
                Some(parent) => {
                    assert!(parent.children.iter().all(|row| &row.code != child), "a small child is never named");
                    // Differencing the parent over its named children.
                    let other = parent.other.expect("a small child is in its parent's other row");
                    let pool = parent_count(code)
                        - parent
                            .children
                            .iter()
                            .map(|row| match row.cell {
                                Cell::Count(count) => count,
                                Cell::Fewer => unreachable!("named rows are counts"),
                            })
                            .sum::<u64>();
                    let members = (children.len() - parent.children.len()) as u64;
                    let each = if other.held_back { pool } else { n - 1 };
                    let (low, high) = interval(pool, members - 1, each);
                    assert!(low < high, "child {child} ({count}) of {code} pinned: pool {pool} among {members}");
                }
                None => {
                    // In the top pool: its siblings and the other unnamed
                    // parents share what the pool holds beside it.
                    let each = if top_held { top_pool } else { n - 1 };
                    let room_of =
                        |(_, kids): &&(String, Vec<String>)| each.min(each.saturating_mul(kids.len().max(1) as u64));
                    let others: u64 = unnamed.iter().filter(|(other, _)| other != code).map(room_of).sum::<u64>()
                        + each.saturating_mul(children.len() as u64 - 1);
                    let low = top_pool.saturating_sub(others);
                    let high = top_pool.min(each);
                    assert!(low < high, "child {child} ({count}) of unnamed {code} pinned: pool {top_pool}");
                }
            }
        }
    }
}

fn attack_codes(codes: &[String], rows: &[Row], shown: &[&Vec<String>], truth: &[&BTreeSet<String>], n: u64) {
    for (code, row) in codes.iter().zip(rows) {
        let count = truth.iter().filter(|set| set.contains(code)).count() as u64;
        let on_items = shown.iter().filter(|codes| codes.contains(code)).count() as u64;
        if count >= n {
            assert_eq!(row.cell, Cell::Count(count));
            assert_eq!(on_items, count, "items count to the row");
        } else {
            // No total ties these rows: only the items could tell, and they
            // do not show the code.
            assert_eq!(row.cell, Cell::Fewer);
            assert_eq!(on_items, 0, "a small code never shows on an item");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_small_cell_is_ever_pinned((facts, n) in corpus()) {
        let universe = universe();
        let model = model(&universe, &facts, n);
        let shown: Vec<&Facts> = model.items.iter().map(|item| &facts[item.index]).collect();

        // Kinds: a small kind is left out whole; the rest are exact and
        // share one total with every tree.
        for row in &model.kinds {
            let all = facts.iter().filter(|fact| fact.kind == row.code).count() as u64;
            let on_items = shown.iter().filter(|fact| fact.kind == row.code).count() as u64;
            prop_assert_eq!(row.cell, cell(all, n));
            prop_assert_eq!(on_items, if all >= n { all } else { 0 });
        }
        prop_assert_eq!(model.total, shown.len() as u64);
        prop_assert!(model.items.iter().all(|item| item.kind == facts[item.index].kind));

        let places: Vec<&Branch> = shown.iter().map(|fact| &fact.place).collect();
        let periods: Vec<&Branch> = shown.iter().map(|fact| &fact.period).collect();
        attack_tree(&universe.places, &model.places, &model.items.iter().map(|item| &item.place).collect::<Vec<_>>(), &places, n);
        attack_tree(&universe.periods, &model.periods, &model.items.iter().map(|item| &item.period).collect::<Vec<_>>(), &periods, n);
        attack_codes(
            &universe.principles,
            &model.principles,
            &model.items.iter().map(|item| &item.principles).collect::<Vec<_>>(),
            &shown.iter().map(|fact| &fact.principles).collect::<Vec<_>>(),
            n,
        );
        attack_codes(
            &universe.risks,
            &model.risks,
            &model.items.iter().map(|item| &item.risks).collect::<Vec<_>>(),
            &shown.iter().map(|fact| &fact.risks).collect::<Vec<_>>(),
            n,
        );
    }
}

fn fact(kind: &str, parent: &str, child: Option<&str>) -> Facts {
    Facts {
        kind: kind.into(),
        place: Branch { parent: parent.into(), child: child.map(Into::into) },
        period: Branch { parent: "Y1".into(), child: Some("Y1-1".into()) },
        principles: BTreeSet::new(),
        risks: BTreeSet::new(),
    }
}

#[test]
fn one_small_country_beside_a_named_one_unnames_it_too() {
    // A: a1 ×6, a2 ×1. Naming a1 would leave a2 alone in A's other row:
    // 7 − 6 = 1. So a1 is held back too, and A's items show only A.
    let mut facts = vec![fact("k1", "A", Some("a1")); 6];
    facts.push(fact("k1", "A", Some("a2")));
    let model = model(&universe(), &facts, 5);
    let a = &model.places.parents[0];
    assert_eq!(a.row, Row { code: "A".into(), cell: Cell::Count(7) });
    assert!(a.children.is_empty());
    assert_eq!(a.other, Some(Other { cell: Cell::Count(7), held_back: true }));
    assert!(model.items.iter().all(|item| item.place == Shown::Parent("A".into())));
}

#[test]
fn a_lone_small_region_is_held_back_with_the_smallest_named_one() {
    // A ×9, C ×6 named; B ×2 would be the only other region with
    // submissions, but X (no children) is a member too: pool 2 among
    // B and X stays unpinned at threshold 5, so nothing more is held back.
    let mut facts = vec![fact("k1", "A", Some("a1")); 9];
    facts.extend(vec![fact("k1", "C", Some("c1")); 6]);
    facts.extend(vec![fact("k1", "B", Some("b1")); 2]);
    let plain = model(&universe(), &facts, 5);
    assert_eq!(plain.places.parents.len(), 2);
    assert_eq!(plain.places.other, Some(Other { cell: Cell::Fewer, held_back: false }));

    // With only A, B and C, B would be pinned: C is held back beside it.
    let mut three = universe();
    three.places.parents.pop();
    let held = model(&three, &facts, 5);
    assert_eq!(held.places.parents.iter().map(|parent| parent.row.code.as_str()).collect::<Vec<_>>(), ["A"]);
    assert_eq!(held.places.other, Some(Other { cell: Cell::Count(8), held_back: true }));
    assert!(
        held.items.iter().filter(|item| facts[item.index].place.parent != "A").all(|item| item.place == Shown::Other)
    );
}

#[test]
fn a_small_kind_is_left_out_and_small_codes_leave_the_items() {
    let mut facts = vec![fact("k1", "A", Some("a1")); 5];
    facts.push(fact("k2", "A", Some("a1")));
    facts[0].principles.insert("p1".into());
    let model = model(&universe(), &facts, 5);
    assert_eq!(model.total, 5);
    assert_eq!(model.kinds[1], Row { code: "k2".into(), cell: Cell::Fewer });
    assert!(model.items.iter().all(|item| item.kind == "k1" && item.principles.is_empty()));
    assert_eq!(model.principles[0].cell, Cell::Fewer);
}
