//! Pages and taxonomy versions in the store: the newest wins in any order
//! of arrival, a retraction removes a page, a revoked curator's later page
//! does not count, and the taxonomy in use follows the highest valid version.

use convene_protocol::entry::{Entry, EntryHeader, EntryKind};
use convene_protocol::keys::SecretKey;
use convene_protocol::statement::{Signed, Statement};
use convene_protocol::taxonomy::Taxonomy;

use super::tests::NETWORK;
use super::{IngestOutcome, Store};

fn secretariat() -> SecretKey {
    SecretKey::from_seed([71; 32])
}

fn open(dir: &std::path::Path) -> Store {
    Store::open(&dir.join("store"), NETWORK).unwrap().with_desk(secretariat().public(), false).unwrap()
}

fn state(by: &SecretKey, timestamp_ms: u64, delegation: Option<&Entry>, statement: Statement) -> Entry {
    let signed = Signed { delegation: delegation.map(|grant| grant.encoded().to_vec()), statement };
    let payload = signed.encode();
    let header = EntryHeader {
        network: NETWORK,
        creator: by.public(),
        nonce: blake3::hash(&payload).as_bytes()[..16].try_into().unwrap(),
        author: by.public(),
        timestamp_ms,
        kind: EntryKind::Statement,
    };
    Entry::sign(header, payload, by).unwrap()
}

fn page(slug: &str, lang: &str, title: &str, body: &str) -> Statement {
    Statement::Publication { slug: slug.into(), lang: lang.into(), title: title.into(), body: body.into() }
}

fn taxonomy(version: &str, f1_title: &str) -> Statement {
    let mut taxonomy = Taxonomy::v1().clone();
    taxonomy.version = version.into();
    taxonomy.principles[0].title.insert("en".into(), f1_title.into());
    Statement::Taxonomy { json: serde_json::to_string(&taxonomy).unwrap() }
}

fn titles(store: &Store) -> Vec<(String, String, String)> {
    store.pages().unwrap().into_iter().map(|page| (page.slug, page.lang, page.title)).collect()
}

#[test]
fn the_newest_page_wins_in_any_order_and_a_retraction_removes_it() {
    let first = state(&secretariat(), 1_000, None, page("guiding-questions", "en", "Questions", "One"));
    let second = state(&secretariat(), 2_000, None, page("guiding-questions", "en", "Questions, again", "Two"));
    let french = state(&secretariat(), 1_500, None, page("guiding-questions", "fr", "Questions", "Une"));
    let toolkit = state(&secretariat(), 1_200, None, page("toolkit", "en", "Toolkit", "Tools"));
    let retract = state(&secretariat(), 3_000, None, page("toolkit", "en", "", ""));
    let expected = vec![
        ("guiding-questions".to_owned(), "en".to_owned(), "Questions, again".to_owned()),
        ("guiding-questions".to_owned(), "fr".to_owned(), "Questions".to_owned()),
    ];
    let orders =
        [vec![&first, &second, &french, &toolkit, &retract], vec![&retract, &second, &toolkit, &first, &french]];
    for order in orders {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        for entry in order {
            let outcome = store.ingest([((*entry).clone(), None)]).unwrap();
            assert!(matches!(outcome[..], [IngestOutcome::Stored]), "{outcome:?}");
        }
        assert_eq!(titles(&store), expected);
        let shown = store.pages().unwrap();
        assert_eq!((shown[0].body.as_str(), shown[0].at_ms, shown[0].statement), ("Two", 2_000, second.id()));
    }
}

/// A revoked curator's pages count for nothing, whatever date they carry
/// (a date is the signer's to choose): the secretariat's stay.
#[test]
fn a_revoked_curators_pages_count_for_nothing_whatever_their_date() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let curator = SecretKey::from_seed([72; 32]);
    let grant = state(&secretariat(), 100, None, Statement::Curator { key: curator.public(), granted: true });
    let by_curator = state(&curator, 1_000, Some(&grant), page("toolkit", "en", "Toolkit", "Tools"));
    let ours = state(&secretariat(), 1_100, None, page("guiding-questions", "en", "Questions", "Ask"));
    store.ingest([grant.clone(), by_curator, ours].into_iter().map(|entry| (entry, None))).unwrap();
    assert_eq!(titles(&store).len(), 2, "granted, the curator's page counts");
    let revoke = state(&secretariat(), 1_500, None, Statement::Curator { key: curator.public(), granted: false });
    let after = state(&curator, 2_000, Some(&grant), page("toolkit", "en", "Defaced", "Spam"));
    let backdated = state(&curator, 1_200, Some(&grant), page("toolkit", "fr", "Défiguré", "Spam"));
    store.ingest([revoke, after, backdated].into_iter().map(|entry| (entry, None))).unwrap();
    assert_eq!(titles(&store), vec![("guiding-questions".to_owned(), "en".to_owned(), "Questions".to_owned())]);
}

#[test]
fn the_highest_valid_taxonomy_is_in_use_in_any_order_and_after_reopening() {
    let hub = SecretKey::from_seed([73; 32]);
    let v1_1 = state(&secretariat(), 1_000, None, taxonomy("1.1", "Avoid harm"));
    let v1_10 = state(&secretariat(), 500, None, taxonomy("1.10", "Cause no harm"));
    let by_hub = state(&hub, 2_000, None, taxonomy("9.0", "Forged"));
    for order in [[&v1_1, &v1_10], [&v1_10, &v1_1]] {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        assert_eq!(store.taxonomy().statement, None, "the shipped one to begin with");
        let refused = store.ingest([(by_hub.clone(), None)]).unwrap();
        assert!(matches!(refused[..], [IngestOutcome::Rejected(_)]), "{refused:?}");
        for entry in order {
            store.ingest([((*entry).clone(), None)]).unwrap();
        }
        let in_use = store.taxonomy();
        assert_eq!((in_use.taxonomy.version.as_str(), in_use.statement), ("1.10", Some(v1_10.id())));
        assert_eq!(in_use.taxonomy.principles[0].label("en"), "F1 Cause no harm");
        drop(store);
        assert_eq!(open(dir.path()).taxonomy().statement, Some(v1_10.id()), "chosen again at open");
    }
}
