//! What a showcase may print: every count it shows, and what each item's
//! page says of the item, under small-cell suppression. Pure: no I/O; the
//! pages are drawn from this model by `pages.rs`.
//!
//! **Cells.** A cell counts showcased submissions in one category: a kind, a
//! region or a country (places), a year or a month (periods), a principle or
//! a risk. A cell under the threshold `N` (at least 2) is *small* and is
//! printed "fewer than N". The categories of each dimension are public and
//! fixed (the kinds, the M49 regions and their countries, the months from
//! the network's genesis to now by year, the taxonomy's codes): a category
//! known to be empty (a month to come) is never among them.
//!
//! **The rules.**
//! 1. *Kinds.* An item's page shows which kind it is by what it holds, so a
//!    kind cannot be generalised: a kind with fewer than `N` submissions is
//!    left out of the showcase whole (pages and counts).
//! 2. *Places and periods are trees* (region → country, year → month).
//!    A region or year is *named* when its count is at least `N`; a country
//!    or month when its count is at least `N` and its parent is named. The
//!    unnamed children of a named parent are printed as one "other" row,
//!    and so are the unnamed regions or years. An item shows the deepest
//!    named level of its category (its country, else its region, else
//!    "another region"), so counting item pages gives exactly the rows of
//!    the tables, never more.
//! 3. *An "other" row must not pin a member.* Its count is known (from its
//!    parent's count less the named rows, or from the item pages). Knowing
//!    that each of its `k` members is under `N`, a member lies in
//!    `[max(0, pool − (k−1)(N−1)), min(pool, N−1)]`; when that is one value
//!    (one member; or all of them at `N−1`), the smallest named sibling is
//!    unnamed too (*complementary suppression*) and the row says some of
//!    its count is held back, so a member can be anything from 0 to the
//!    pool. If a parent's row still pins with no named child left, the
//!    parent is unnamed too; if the top row would still pin with no named
//!    parent left, the whole dimension is held back (no table, no item
//!    shows it).
//! 4. *Codes* (principles, risks): a submission may carry several or none,
//!    so their counts have no total and no table shows one. Every code is a
//!    row, its count or "fewer than N"; an item shows only the codes whose
//!    count is shown.
//!
//! **Why nothing else recovers a small cell.** The tables of different
//! dimensions share only their total (each item has one kind, one place,
//! one period); the showcase prints no cross-tabulation, so one table's
//! rows say nothing of another's. The item pages are the published
//! submissions themselves: their combinations (items of a named country
//! with a named principle) are public by design, and only the cells of the
//! tables are protected. A category with no submission at all is not a
//! cell: that nobody wrote from somewhere is not protected.

use std::collections::{BTreeMap, BTreeSet};

/// A count as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Its count.
    Count(u64),
    /// Fewer than the threshold (perhaps none).
    Fewer,
}

/// One tree's categories: its parents, each with its children, in order.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// `(parent, children)`; a parent may have no child (those without a
    /// country).
    pub parents: Vec<(String, Vec<String>)>,
}

/// The public categories of every dimension.
#[derive(Debug, Clone, Default)]
pub struct Universe {
    /// The kinds.
    pub kinds: Vec<String>,
    /// Regions and their countries.
    pub places: Tree,
    /// Years and their months.
    pub periods: Tree,
    /// The principles' codes.
    pub principles: Vec<String>,
    /// The risks' codes.
    pub risks: Vec<String>,
}

/// Where one submission falls in a tree: its parent and, if it has one, its
/// child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// The parent (a region, a year).
    pub parent: String,
    /// The child (a country, a month).
    pub child: Option<String>,
}

/// What is counted of one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Its kind.
    pub kind: String,
    /// Its region and country.
    pub place: Branch,
    /// Its year and month.
    pub period: Branch,
    /// Its principles' codes.
    pub principles: BTreeSet<String>,
    /// Its risks' codes.
    pub risks: BTreeSet<String>,
}

/// A row: a category and its printed count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The category's code.
    pub code: String,
    /// Its count as printed.
    pub cell: Cell,
}

/// The unnamed members of a level, as one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Other {
    /// Their count together.
    pub cell: Cell,
    /// Whether a count at or over the threshold is among them, held back so
    /// that the small ones cannot be worked out.
    pub held_back: bool,
}

/// A named parent with its named children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parent {
    /// The parent's code and count.
    pub row: Row,
    /// Its named children.
    pub children: Vec<Row>,
    /// Its other children, if any has a submission.
    pub other: Option<Other>,
}

/// A tree's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeTable {
    /// Held back whole: no table, no item shows it.
    pub held_back: bool,
    /// The named parents.
    pub parents: Vec<Parent>,
    /// The other parents, if any has a submission.
    pub other: Option<Other>,
}

/// What an item's page says of its place or period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Its child (country, month).
    Child(String),
    /// Its parent only (region, year).
    Parent(String),
    /// "Another region", "another year".
    Other,
    /// Nothing: the dimension is held back.
    HeldBack,
}

/// What an item's page says of its facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacets {
    /// The item's place in the input.
    pub index: usize,
    /// Its kind.
    pub kind: String,
    /// Its place.
    pub place: Shown,
    /// Its period.
    pub period: Shown,
    /// Its principles whose count is shown.
    pub principles: Vec<String>,
    /// Its risks whose count is shown.
    pub risks: Vec<String>,
}

/// Everything a showcase prints that counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// The threshold.
    pub min_cell: u64,
    /// How many submissions it shows.
    pub total: u64,
    /// Every kind: its count, or fewer (then left out).
    pub kinds: Vec<Row>,
    /// Regions and countries.
    pub places: TreeTable,
    /// Years and months.
    pub periods: TreeTable,
    /// Every principle.
    pub principles: Vec<Row>,
    /// Every risk.
    pub risks: Vec<Row>,
    /// The items shown, in input order.
    pub items: Vec<ItemFacets>,
}

/// The model of a showcase of `facts` under threshold `min_cell` (at least
/// 2; the caller refuses less).
pub fn model(universe: &Universe, facts: &[Facts], min_cell: u64) -> Model {
    let n = min_cell.max(2);
    let mut by_kind = BTreeMap::<&str, u64>::new();
    for fact in facts {
        *by_kind.entry(&fact.kind).or_default() += 1;
    }
    let count_of = |kind: &str| by_kind.get(kind).copied().unwrap_or(0);
    let shown: Vec<(usize, &Facts)> = facts.iter().enumerate().filter(|(_, fact)| count_of(&fact.kind) >= n).collect();
    let kinds = universe.kinds.iter().map(|kind| row(kind, count_of(kind), n)).collect();
    let places = tree_table(&universe.places, shown.iter().map(|(_, fact)| &fact.place), n);
    let periods = tree_table(&universe.periods, shown.iter().map(|(_, fact)| &fact.period), n);
    let principles = code_rows(&universe.principles, shown.iter().map(|(_, fact)| &fact.principles), n);
    let risks = code_rows(&universe.risks, shown.iter().map(|(_, fact)| &fact.risks), n);
    let items = shown
        .iter()
        .map(|&(index, fact)| ItemFacets {
            index,
            kind: fact.kind.clone(),
            place: shown_in(&places, &fact.place),
            period: shown_in(&periods, &fact.period),
            principles: shown_codes(&principles, &fact.principles),
            risks: shown_codes(&risks, &fact.risks),
        })
        .collect();
    Model { min_cell: n, total: shown.len() as u64, kinds, places, periods, principles, risks, items }
}

fn cell(count: u64, n: u64) -> Cell {
    if count >= n { Cell::Count(count) } else { Cell::Fewer }
}

fn row(code: &str, count: u64, n: u64) -> Row {
    Row { code: code.to_owned(), cell: cell(count, n) }
}

/// Whether a pool of `pool` among `members` unnamed categories pins one of
/// them, each known to be under `n` unless `held_back` (rule 3). A pool with
/// no member (a region's submissions without a country) pins nothing.
pub fn pins(pool: u64, members: u64, n: u64, held_back: bool) -> bool {
    if pool == 0 || members == 0 {
        return false;
    }
    if held_back {
        return members < 2;
    }
    let low = pool.saturating_sub((members - 1) * (n - 1));
    let high = pool.min(n - 1);
    low >= high
}

/// Rules 2 and 3 over one tree.
fn tree_table<'a>(tree: &Tree, branches: impl Iterator<Item = &'a Branch>, n: u64) -> TreeTable {
    let mut parents = BTreeMap::<&str, u64>::new();
    let mut children = BTreeMap::<(&str, &str), u64>::new();
    let mut total = 0;
    for branch in branches {
        total += 1;
        *parents.entry(&branch.parent).or_default() += 1;
        if let Some(child) = &branch.child {
            *children.entry((&branch.parent, child)).or_default() += 1;
        }
    }
    let parent_count = |parent: &str| parents.get(parent).copied().unwrap_or(0);
    let child_count = |parent: &str, child: &str| children.get(&(parent, child)).copied().unwrap_or(0);

    let mut named = Vec::new();
    for (parent, kids) in &tree.parents {
        let count = parent_count(parent);
        if count < n {
            continue;
        }
        let mut rows: Vec<(&String, u64)> =
            kids.iter().map(|kid| (kid, child_count(parent, kid))).filter(|&(_, count)| count >= n).collect();
        let pool = |rows: &[(&String, u64)]| count - rows.iter().map(|(_, count)| count).sum::<u64>();
        let members = |rows: &[(&String, u64)]| (kids.len() - rows.len()) as u64;
        let mut held_back = false;
        let mut keep = true;
        while pins(pool(&rows), members(&rows), n, held_back) {
            // Unname the smallest named child; with none left, the parent.
            match rows.iter().enumerate().min_by_key(|(_, (_, count))| *count).map(|(at, _)| at) {
                Some(at) => {
                    rows.remove(at);
                    held_back = true;
                }
                None => {
                    keep = false;
                    break;
                }
            }
        }
        if keep {
            let other = pool(&rows);
            named.push(Parent {
                row: row(parent, count, n),
                children: rows.iter().map(|(kid, count)| row(kid, *count, n)).collect(),
                other: (other > 0).then_some(Other { cell: cell(other, n), held_back }),
            });
        }
    }
    let mut held_back = named.len() < tree.parents.iter().filter(|(parent, _)| parent_count(parent) >= n).count();
    loop {
        let pool = total - named.iter().map(|parent| parent_count(&parent.row.code)).sum::<u64>();
        let members = (tree.parents.len() - named.len()) as u64;
        if !pins(pool, members, n, held_back) {
            let other = (pool > 0).then_some(Other { cell: cell(pool, n), held_back });
            return TreeTable { held_back: false, parents: named, other };
        }
        match named.iter().enumerate().min_by_key(|(_, parent)| parent_count(&parent.row.code)).map(|(at, _)| at) {
            Some(at) => {
                named.remove(at);
                held_back = true;
            }
            None => return TreeTable { held_back: true, parents: Vec::new(), other: None },
        }
    }
}

/// Rule 4: every code, its count or fewer.
fn code_rows<'a>(codes: &[String], sets: impl Iterator<Item = &'a BTreeSet<String>>, n: u64) -> Vec<Row> {
    let mut counts = BTreeMap::<&str, u64>::new();
    for set in sets {
        for code in set {
            *counts.entry(code).or_default() += 1;
        }
    }
    codes.iter().map(|code| row(code, counts.get(code.as_str()).copied().unwrap_or(0), n)).collect()
}

/// What an item shows of a tree: its deepest named level.
fn shown_in(table: &TreeTable, branch: &Branch) -> Shown {
    if table.held_back {
        return Shown::HeldBack;
    }
    let Some(parent) = table.parents.iter().find(|parent| parent.row.code == branch.parent) else {
        return Shown::Other;
    };
    match &branch.child {
        Some(child) if parent.children.iter().any(|row| &row.code == child) => Shown::Child(child.clone()),
        _ => Shown::Parent(branch.parent.clone()),
    }
}

/// An item's codes whose count is shown, in the table's order.
fn shown_codes(rows: &[Row], codes: &BTreeSet<String>) -> Vec<String> {
    rows.iter()
        .filter(|row| matches!(row.cell, Cell::Count(_)) && codes.contains(&row.code))
        .map(|row| row.code.clone())
        .collect()
}

#[cfg(test)]
mod tests;
