//! What the secretariat publishes, on a node: signing a page of the guide
//! or a taxonomy version (through [`Node::desk`]) and reading what every
//! node shows (`store/publications.rs` keeps them).

use std::sync::Arc;

use convene_protocol::statement::{
    MAX_PAGE_BODY_BYTES, MAX_PAGE_TITLE_BYTES, MAX_SLUG_BYTES, MAX_TAXONOMY_BYTES, Statement, is_language_tag, is_slug,
};
use convene_protocol::taxonomy::Taxonomy;

use super::Node;
use crate::error::NodeError;
use crate::store::{GuidePage, TaxonomyInUse};

/// Longest page title, in characters (its bytes fit the statement's bound).
pub(crate) const MAX_PAGE_TITLE_CHARS: usize = MAX_PAGE_TITLE_BYTES / 4;
/// Longest page, in characters of Markdown (its bytes fit the statement's bound).
pub(crate) const MAX_PAGE_BODY_CHARS: usize = MAX_PAGE_BODY_BYTES / 4;

/// The statement publishing a page (an empty `body` retracts it), once
/// every part is checked, with what was wrong if not.
pub(crate) fn page_statement(slug: &str, lang: &str, title: &str, body: &str) -> Result<Statement, NodeError> {
    if !is_slug(slug) {
        return Err(NodeError::Usage(format!(
            "`{slug}` is not a page slug: lowercase letters and digits, words joined by single `-` (at most \
             {MAX_SLUG_BYTES}), such as guiding-questions"
        )));
    }
    if !is_language_tag(lang) {
        return Err(NodeError::Usage(format!(
            "`{lang}` is not a language tag: two or three lowercase letters, then optional parts such as -BR \
             (en, fr, es, ar, pt-BR)"
        )));
    }
    let title = title.trim();
    if title.chars().count() > MAX_PAGE_TITLE_CHARS || (!body.is_empty() && title.is_empty()) {
        return Err(NodeError::Usage(format!("a page needs a title of 1 to {MAX_PAGE_TITLE_CHARS} characters")));
    }
    let characters = body.chars().count();
    if characters > MAX_PAGE_BODY_CHARS {
        return Err(NodeError::Usage(format!(
            "the page is {characters} characters; a page holds at most {MAX_PAGE_BODY_CHARS}: split it into pages"
        )));
    }
    if body.trim().is_empty() && !body.is_empty() {
        return Err(NodeError::Usage("the page is blank; to retract it, publish it with --retract".into()));
    }
    Ok(Statement::Publication { slug: slug.into(), lang: lang.into(), title: title.into(), body: body.into() })
}

/// The statement publishing a taxonomy version, once it reads as one and
/// may replace the shipped one and `in_use`, with what was wrong if not (refused: a
/// request cannot say beforehand what a valid taxonomy document is).
pub(crate) fn taxonomy_statement(json: &str, in_use: &Taxonomy) -> Result<Statement, NodeError> {
    if json.len() > MAX_TAXONOMY_BYTES {
        return Err(NodeError::DeskRefused(format!(
            "the taxonomy is {} bytes; at most {MAX_TAXONOMY_BYTES} are published",
            json.len()
        )));
    }
    let taxonomy = Taxonomy::from_json(json).map_err(|error| {
        NodeError::DeskRefused(format!(
            "taxonomy refused: this is not a taxonomy document (the shape of protocol/taxonomy/v1.json): {error}"
        ))
    })?;
    taxonomy.check_update().map_err(|why| NodeError::DeskRefused(format!("taxonomy refused: {why}")))?;
    if taxonomy.version_numbers() <= in_use.version_numbers() {
        return Err(NodeError::DeskRefused(format!(
            "taxonomy refused: version {} is in use on this node; give the new one a higher version",
            in_use.version
        )));
    }
    Ok(Statement::Taxonomy { json: json.into() })
}

impl Node {
    /// The taxonomy every title is shown from: the newest valid version
    /// the secretariat published, else the shipped one.
    pub fn taxonomy(&self) -> Arc<TaxonomyInUse> {
        self.inner.store.taxonomy()
    }

    /// The pages of the guide this node holds (retracted ones left out),
    /// by slug then language.
    pub fn pages(&self) -> Result<Vec<GuidePage>, NodeError> {
        Ok(self.inner.store.pages()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(result: Result<Statement, NodeError>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn a_page_is_checked_part_by_part_and_says_what_was_wrong() {
        assert!(page_statement("guiding-questions", "pt-BR", " Questions ", "# Q").is_ok());
        assert!(page_statement("guiding-questions", "en", "", "").is_ok(), "a retraction needs no title");
        assert!(refusal(page_statement("Guiding Questions", "en", "Q", "x")).contains("is not a page slug"));
        assert!(refusal(page_statement("q", "english", "Q", "x")).contains("is not a language tag"));
        assert!(refusal(page_statement("q", "en", "  ", "x")).contains("needs a title"));
        let long_title = "t".repeat(MAX_PAGE_TITLE_CHARS + 1);
        assert!(refusal(page_statement("q", "en", &long_title, "")).contains("needs a title"));
        assert!(refusal(page_statement("q", "en", "Q", " \n ")).contains("--retract"));
        // The longest page and title of four-byte characters still decode.
        let longest = "𐎀".repeat(MAX_PAGE_BODY_CHARS);
        let statement = page_statement("q", "ar", &"𐎀".repeat(MAX_PAGE_TITLE_CHARS), &longest).unwrap();
        let signed = convene_protocol::statement::Signed { delegation: None, statement };
        assert!(convene_protocol::statement::Signed::decode(&signed.encode()).is_ok());
        assert!(refusal(page_statement("q", "en", "Q", &format!("{longest}x"))).contains("split it into pages"));
    }

    #[test]
    fn a_taxonomy_that_is_not_one_or_changes_codes_is_refused() {
        let mut taxonomy = Taxonomy::v1().clone();
        taxonomy.version = "1.1".into();
        let shipped = Taxonomy::v1();
        assert!(taxonomy_statement(&serde_json::to_string(&taxonomy).unwrap(), shipped).is_ok());
        let again = refusal(taxonomy_statement(&serde_json::to_string(&taxonomy).unwrap(), &taxonomy));
        assert!(again.contains("version 1.1 is in use") && again.contains("higher version"), "{again}");
        let not_one = taxonomy_statement("{\"version\": \"1.1\"}", shipped);
        assert!(matches!(not_one, Err(NodeError::DeskRefused(ref why)) if why.contains("not a taxonomy document")));
        taxonomy.purposes.pop();
        let dropped = refusal(taxonomy_statement(&serde_json::to_string(&taxonomy).unwrap(), shipped));
        assert!(dropped.contains("drops code") && dropped.contains("never codes"), "{dropped}");
        assert!(refusal(taxonomy_statement(&" ".repeat(MAX_TAXONOMY_BYTES + 1), shipped)).contains("at most"));
    }

    /// A page signed by a clock running ahead does not pin itself: the
    /// next publication is dated after it, and replaces it.
    #[test]
    fn a_page_replaces_one_dated_ahead() {
        use convene_protocol::statement::Signed;

        use crate::data_dir::SecretariatKeys;
        use crate::{DataDir, DeskRequest, Node, now_ms};

        let dir = tempfile::tempdir().unwrap();
        let (keys, genesis) = SecretariatKeys::with_network("Guide");
        let data_dir = DataDir::new(dir.path());
        data_dir.init(&genesis, Some(&keys)).unwrap();
        let node = Node::open(data_dir).unwrap();
        let ahead = page_statement("guiding-questions", "en", "Ahead", "From next year").unwrap();
        let next_year = now_ms() + 365 * 24 * 3_600_000;
        node.sign_statement(&keys.signing, Signed { delegation: None, statement: ahead }, next_year).unwrap();
        let publish = |title: &str| DeskRequest::Publish {
            slug: "guiding-questions".into(),
            lang: "en".into(),
            title: title.into(),
            body: "Ask".into(),
        };
        node.desk(None, &publish("Fixed")).unwrap();
        let pages = node.pages().unwrap();
        assert_eq!((pages.len(), pages[0].title.as_str()), (1, "Fixed"));
        assert!(pages[0].at_ms > next_year);
    }
}
