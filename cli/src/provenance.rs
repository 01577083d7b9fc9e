//! The entries a published submission was built from, read through
//! [`Access`] (the store here, or the running node): what a showcase lists
//! on each item's page and a signed release covers.

use convene_node::HISTORY_SHOWN;
use convene_node::api::Shown;
use convene_protocol::entry::EntryId;

use crate::access::Access;
use crate::exit::{self, Failure};

/// Submission `document` as its node shows it (entries verified as read),
/// with the ids of all its entries, oldest first; refused when it has more
/// than a node lists for one submission ([`HISTORY_SHOWN`]).
pub fn entries_of(access: &Access, document: &str) -> Result<(Shown, Vec<EntryId>), Failure> {
    listed_entries(access, document)?.ok_or_else(|| {
        Failure::new(
            exit::REFUSED,
            format!(
                "submission {document} has more than the {HISTORY_SHOWN} entries a release can list for one \
                 item: leave it out of what you publish (curate it to another status)"
            ),
        )
    })
}

/// [`entries_of`], or `None` for a submission with more entries than
/// [`HISTORY_SHOWN`].
pub fn listed_entries(access: &Access, document: &str) -> Result<Option<(Shown, Vec<EntryId>)>, Failure> {
    let shown = access.show(document, false)?;
    if shown.view.history_total > shown.view.history.len() {
        return Ok(None);
    }
    let entries = shown.view.history.iter().map(|item| item.entry).collect();
    Ok(Some((shown, entries)))
}
