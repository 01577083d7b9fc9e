//! What the secretariat publishes to every node: pages of the guide and
//! versions of the taxonomy (statements of `convene_protocol::statement`,
//! stored like every statement, indexed here).
//!
//! | prefix | key | value |
//! | --- | --- | --- |
//! | `g` | slug ‖ 0 ‖ language ‖ 0 ‖ time (8, BE) ‖ statement id | empty: a page statement |
//! | `t` | statement id | empty: a taxonomy statement (only valid ones are stored) |
//!
//! **What a node shows depends only on the set of statements stored**: a
//! page is the newest statement (time, then id) that counts for its slug
//! and language, read when asked (a page of a curator the secretariat has
//! revoked does not count, whatever its date; an empty body retracts); the
//! taxonomy in use is the stored one of the highest version (then the
//! newest, then the highest id), else the shipped one, chosen again
//! whenever a taxonomy statement is stored.

use std::sync::Arc;

use convene_protocol::entry::{Entry, EntryId};
use convene_protocol::keys::PublicKey;
use convene_protocol::statement::{Authority, Signed, Statement};
use convene_protocol::taxonomy::Taxonomy;

use super::keys;
use super::{Backend, Store, StoreError, WriteBatch, hex};

/// A page of the guide as it stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GuidePage {
    /// Its name in addresses.
    pub slug: String,
    /// Its language tag.
    pub lang: String,
    /// Its title.
    pub title: String,
    /// Its text, in Markdown.
    pub body: String,
    /// When it was published (ms).
    pub at_ms: u64,
    /// Who signed it (the secretariat's key or a curator's).
    pub by: PublicKey,
    /// The statement carrying it.
    pub statement: EntryId,
}

/// The taxonomy a node shows titles from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyInUse {
    /// The taxonomy (its codes are the shipped ones).
    pub taxonomy: Taxonomy,
    /// The statement that published it; `None` for the shipped one.
    pub statement: Option<EntryId>,
}

impl TaxonomyInUse {
    /// The taxonomy this software ships.
    pub fn shipped() -> Self {
        Self { taxonomy: Taxonomy::v1().clone(), statement: None }
    }
}

fn page_key(slug: &str, lang: &str, timestamp_ms: u64, id: &EntryId) -> Vec<u8> {
    let mut key = vec![keys::PAGE];
    key.extend_from_slice(slug.as_bytes());
    key.push(0);
    key.extend_from_slice(lang.as_bytes());
    key.push(0);
    key.extend_from_slice(&timestamp_ms.to_be_bytes());
    key.extend_from_slice(&id.0);
    key
}

impl<B: Backend> Store<B> {
    /// Indexes a page or taxonomy statement; true when the taxonomy in use
    /// is to be chosen again once the batch is written.
    pub(super) fn index_publication(&self, entry: &Entry, statement: &Statement, batch: &mut WriteBatch) -> bool {
        match statement {
            Statement::Publication { slug, lang, .. } => {
                batch.put(page_key(slug, lang, entry.header().timestamp_ms, &entry.id()), Vec::new());
                false
            }
            Statement::Taxonomy { .. } => {
                batch.put([&[keys::TAXONOMY], entry.id().0.as_slice()].concat(), Vec::new());
                true
            }
            _ => false,
        }
    }

    /// Chooses the taxonomy in use from those stored (at open, and after a
    /// taxonomy statement is written).
    pub(super) fn choose_taxonomy(&self) -> Result<(), StoreError> {
        // The highest (version, time, id) wins.
        type Order = (Vec<u32>, u64, EntryId);
        let mut best: Option<(Order, Taxonomy)> = None;
        for pair in self.backend.scan_prefix(&[keys::TAXONOMY]) {
            let (key, _) = pair?;
            let id = EntryId(keys::id_at(&key, 0).ok_or_else(|| StoreError::Damaged(hex(&key)))?);
            let Some(entry) = self.entry(&id)? else { continue };
            let Some(Signed { statement: Statement::Taxonomy { json }, .. }) = entry.statement() else { continue };
            let Ok(taxonomy) = Taxonomy::from_json(&json) else { continue };
            let Some(version) = taxonomy.version_numbers() else { continue };
            let order = (version, entry.header().timestamp_ms, id);
            if best.as_ref().is_none_or(|(best_order, _)| order > *best_order) {
                best = Some((order, taxonomy));
            }
        }
        let chosen = match best {
            Some(((_, _, id), taxonomy)) => TaxonomyInUse { taxonomy, statement: Some(id) },
            None => TaxonomyInUse::shipped(),
        };
        *self.taxonomy.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(chosen);
        Ok(())
    }

    /// When the newest statement on a page (a publication or a
    /// retraction) was signed, if any.
    pub fn newest_page_ms(&self, slug: &str, lang: &str) -> Result<Option<u64>, StoreError> {
        let prefix = [&[keys::PAGE][..], slug.as_bytes(), &[0], lang.as_bytes(), &[0]].concat();
        let mut newest = None;
        for pair in self.backend.scan_prefix(&prefix) {
            let (key, _) = pair?;
            let time = key.get(prefix.len()..prefix.len() + 8).ok_or_else(|| StoreError::Damaged(hex(&key)))?;
            newest = Some(u64::from_be_bytes(time.try_into().expect("8 bytes")));
        }
        Ok(newest)
    }

    /// The taxonomy in use.
    pub fn taxonomy(&self) -> Arc<TaxonomyInUse> {
        self.taxonomy.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Every page as it stands (retracted ones left out), by slug then language.
    pub fn pages(&self) -> Result<Vec<GuidePage>, StoreError> {
        let Some(secretariat) = &self.secretariat else { return Ok(Vec::new()) };
        // Each (slug, language)'s statements, oldest first (keys sort so).
        let mut groups: Vec<((String, String), Vec<EntryId>)> = Vec::new();
        for pair in self.backend.scan_prefix(&[keys::PAGE]) {
            let (key, _) = pair?;
            let damaged = || StoreError::Damaged(hex(&key));
            let names = key.get(1..key.len().checked_sub(40).ok_or_else(damaged)?).ok_or_else(damaged)?;
            let mut parts = names.split(|byte| *byte == 0);
            let (Some(slug), Some(lang)) = (parts.next(), parts.next()) else { return Err(damaged()) };
            let name = (String::from_utf8_lossy(slug).into_owned(), String::from_utf8_lossy(lang).into_owned());
            let id = EntryId(keys::id_at(&key, key.len() - 32 - 1).ok_or_else(damaged)?);
            match groups.last_mut() {
                Some((last, ids)) if *last == name => ids.push(id),
                _ => groups.push((name, vec![id])),
            }
        }
        // A curator's page counts only while the curator is granted: a
        // revocation takes their pages down, whatever date they carry.
        let curators: Vec<PublicKey> = self.curators()?.into_iter().map(|(key, _)| key).collect();
        let mut pages = Vec::new();
        for (_, ids) in groups {
            for id in ids.iter().rev() {
                let Some(entry) = self.entry(id)? else { continue };
                let Some(signed) = entry.statement() else { continue };
                let Ok(authority) = signed.authority(&entry, secretariat, &self.network) else { continue };
                let revoked =
                    matches!(authority, Authority::Curator { .. }) && !curators.contains(&entry.header().author);
                if revoked || !self.counts_for(&entry, authority)? {
                    continue;
                }
                if let Statement::Publication { slug, lang, title, body } = signed.statement
                    && !body.is_empty()
                {
                    let header = entry.header();
                    pages.push(GuidePage {
                        slug,
                        lang,
                        title,
                        body,
                        at_ms: header.timestamp_ms,
                        by: header.author,
                        statement: *id,
                    });
                }
                break;
            }
        }
        Ok(pages)
    }
}
