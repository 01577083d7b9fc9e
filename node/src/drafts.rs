//! Drafts: what a form held, saved in the node's data directory as the
//! convener types, so a power cut or a closed tab loses nothing.
//!
//! ```text
//! DATA_DIR/drafts/ID.json   one draft (0600, written atomically)
//! ```
//!
//! A draft keeps the form's raw values (they may be invalid: that is the
//! point of a draft), including the contact, which is why the files are
//! readable by the node's owner only and the pages that show them need a
//! login when the server is bound beyond loopback.
//!
//! One form being written is one draft: the page gets a draft id when it
//! is rendered, and every autosave, "save draft" and failed submit of that
//! page writes that one draft.
//!
//! A draft lives only until what it holds is stored: a submit erases its
//! draft and every other draft with the same content. An erased draft's id
//! is remembered as closed (`DATA_DIR/drafts/closed/ID`, an empty file, kept
//! for a week), so an autosave that arrives after (sent as the page was
//! left, or from a tab that lost the race) is refused rather than bringing
//! the text and the contact back.

use std::fs;
use std::path::PathBuf;

use crate::{DataDir, NodeError, now_ms};
use convene_protocol::kinds::SubmissionKind;
use serde::{Deserialize, Serialize};

/// Most drafts kept on one node.
pub const MAX_DRAFTS: usize = 500;
/// Largest draft, in bytes of form values.
pub const MAX_DRAFT_BYTES: usize = 512 * 1024;

/// One saved draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draft {
    /// Its id: 16 hex digits.
    pub id: String,
    /// What the form is for.
    pub kind: SubmissionKind,
    /// When it was last saved (ms since the epoch).
    pub updated_ms: u64,
    /// The form's values, as sent (names repeat for checkboxes).
    pub values: Vec<(String, String)>,
}

impl Draft {
    /// The draft's title field, if any.
    pub fn title(&self) -> Option<&str> {
        self.values.iter().find(|(name, value)| name == "title" && !value.trim().is_empty()).map(|(_, v)| v.as_str())
    }
}

/// Whether `id` looks like a draft id (so it can name a file safely).
pub fn is_draft_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A fresh draft id.
pub fn new_draft_id() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

fn drafts_dir(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("drafts")
}

fn draft_path(data_dir: &DataDir, id: &str) -> PathBuf {
    drafts_dir(data_dir).join(format!("{id}.json"))
}

fn io(path: PathBuf) -> impl FnOnce(std::io::Error) -> NodeError {
    move |source| NodeError::Io { path, source }
}

/// Saves, discards and checks for a draft one at a time: an autosave must
/// not bring back a draft that a submit is erasing.
static FILES: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn lock_files() -> std::sync::MutexGuard<'static, ()> {
    FILES.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Saves `draft` (atomically, 0600), refusing too many or too large drafts.
pub fn save(data_dir: &DataDir, draft: &Draft) -> Result<(), NodeError> {
    let _files = lock_files();
    save_locked(data_dir, draft)
}

fn save_locked(data_dir: &DataDir, draft: &Draft) -> Result<(), NodeError> {
    if !is_draft_id(&draft.id) {
        return Err(NodeError::NotFound(draft.id.clone()));
    }
    let bytes = serde_json::to_vec(draft).expect("a draft serialises");
    if bytes.len() > MAX_DRAFT_BYTES {
        return Err(NodeError::DraftTooLarge { limit: MAX_DRAFT_BYTES });
    }
    let path = draft_path(data_dir, &draft.id);
    if !path.exists() && list(data_dir)?.len() >= MAX_DRAFTS {
        return Err(NodeError::TooManyDrafts { limit: MAX_DRAFTS });
    }
    let dir = drafts_dir(data_dir);
    fs::create_dir_all(&dir).map_err(io(dir.clone()))?;
    crate::data_dir::write_private(&path, &bytes)
}

/// The draft `id`.
pub fn load(data_dir: &DataDir, id: &str) -> Result<Draft, NodeError> {
    if !is_draft_id(id) {
        return Err(NodeError::NotFound(id.to_owned()));
    }
    let path = draft_path(data_dir, id);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(NodeError::NotFound(id.into())),
        Err(error) => return Err(io(path)(error)),
    };
    serde_json::from_str(&text).map_err(|error| NodeError::BadFile { path, problem: error.to_string() })
}

/// Every draft, newest first (unreadable files are skipped and logged).
pub fn list(data_dir: &DataDir) -> Result<Vec<Draft>, NodeError> {
    let dir = drafts_dir(data_dir);
    let listing = match fs::read_dir(&dir) {
        Ok(listing) => listing,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(io(dir)(error)),
    };
    let mut drafts = Vec::new();
    for item in listing {
        let path = item.map_err(io(dir.clone()))?.path();
        let Some(id) = path.file_stem().and_then(|stem| stem.to_str()) else { continue };
        if path.extension().is_some_and(|ext| ext == "json") && is_draft_id(id) {
            match load(data_dir, id) {
                Ok(draft) => drafts.push(draft),
                Err(error) => tracing::warn!("skipping draft {}: {error}", path.display()),
            }
        }
    }
    drafts.sort_by(|a, b| b.updated_ms.cmp(&a.updated_ms).then_with(|| a.id.cmp(&b.id)));
    Ok(drafts)
}

/// Deletes the draft `id` (no error if it is already gone).
pub fn discard(data_dir: &DataDir, id: &str) -> Result<(), NodeError> {
    let _files = lock_files();
    discard_locked(data_dir, id)
}

/// Deletes every draft for which `same` holds (the drafts of what was just
/// stored); returns how many.
pub fn discard_where(data_dir: &DataDir, same: impl Fn(&Draft) -> bool) -> Result<usize, NodeError> {
    let _files = lock_files();
    let mut count = 0;
    for draft in list(data_dir)?.iter().filter(|draft| same(draft)) {
        discard_locked(data_dir, &draft.id)?;
        count += 1;
    }
    Ok(count)
}

/// Saves `values` as the draft `id` of a form being written (made or
/// updated); `None` when that draft was erased (submitted or discarded), in
/// which case nothing is written.
pub fn autosave(
    data_dir: &DataDir,
    id: &str,
    kind: SubmissionKind,
    values: Vec<(String, String)>,
) -> Result<Option<Draft>, NodeError> {
    let _files = lock_files();
    if !is_draft_id(id) || closed_path(data_dir, id).exists() {
        return Ok(None);
    }
    let draft = Draft { id: id.to_owned(), kind, updated_ms: now_ms(), values };
    save_locked(data_dir, &draft)?;
    Ok(Some(draft))
}

/// How long an erased draft's id is remembered.
const CLOSED_FOR: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

fn closed_path(data_dir: &DataDir, id: &str) -> PathBuf {
    drafts_dir(data_dir).join("closed").join(id)
}

/// Erases the draft `id` and remembers it as closed (forgetting ids closed
/// more than a week ago).
fn discard_locked(data_dir: &DataDir, id: &str) -> Result<(), NodeError> {
    if !is_draft_id(id) {
        return Err(NodeError::NotFound(id.to_owned()));
    }
    let closed = drafts_dir(data_dir).join("closed");
    fs::create_dir_all(&closed).map_err(io(closed.clone()))?;
    for old in fs::read_dir(&closed).map_err(io(closed.clone()))?.flatten() {
        let age = old.metadata().and_then(|meta| meta.modified()).ok().and_then(|at| at.elapsed().ok());
        if age.is_some_and(|age| age > CLOSED_FOR) {
            let _ = fs::remove_file(old.path());
        }
    }
    let marker = closed_path(data_dir, id);
    fs::write(&marker, b"").map_err(io(marker))?;
    let path = draft_path(data_dir, id);
    match fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(io(path)(error)),
    }
}

/// A draft of `kind` holding `values`, saved under `id` (or a new id).
pub fn save_values(
    data_dir: &DataDir,
    id: Option<&str>,
    kind: SubmissionKind,
    values: Vec<(String, String)>,
) -> Result<Draft, NodeError> {
    let id = id.filter(|id| is_draft_id(id)).map(str::to_owned).unwrap_or_else(new_draft_id);
    let draft = Draft { id, kind, updated_ms: now_ms(), values };
    save(data_dir, &draft)?;
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_list_discard() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = DataDir::new(dir.path());
        let draft =
            save_values(&data_dir, None, SubmissionKind::CaseStudy, vec![("title".into(), "Half written".into())])
                .unwrap();
        let path = dir.path().join("drafts").join(format!("{}.json", draft.id));
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(load(&data_dir, &draft.id).unwrap().title(), Some("Half written"));
        assert_eq!(list(&data_dir).unwrap().len(), 1);
        discard(&data_dir, &draft.id).unwrap();
        assert!(list(&data_dir).unwrap().is_empty());
        assert!(load(&data_dir, "../../etc/passwd").is_err());
    }

    #[test]
    fn a_gone_draft_is_not_brought_back_and_drafts_of_stored_content_go() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = DataDir::new(dir.path());
        let values = vec![("title".to_owned(), "Sent".to_owned()), ("contact_name".to_owned(), "Amina".to_owned())];
        let first = save_values(&data_dir, None, SubmissionKind::CaseStudy, values.clone()).unwrap();
        let second = save_values(&data_dir, None, SubmissionKind::CaseStudy, values.clone()).unwrap();
        let other =
            save_values(&data_dir, None, SubmissionKind::CaseStudy, vec![("title".into(), "Other".into())]).unwrap();
        let erased = discard_where(&data_dir, |draft| draft.title() == Some("Sent")).unwrap();
        assert_eq!(erased, 2);
        assert_eq!(list(&data_dir).unwrap().iter().map(|draft| draft.id.clone()).collect::<Vec<_>>(), [other.id]);
        for id in [first.id, second.id] {
            assert!(autosave(&data_dir, &id, SubmissionKind::CaseStudy, values.clone()).unwrap().is_none());
            assert!(load(&data_dir, &id).is_err(), "an autosave after the submit writes nothing");
        }
        // A form's id: its first autosave makes the draft, the next update it.
        let id = new_draft_id();
        let saved = autosave(&data_dir, &id, SubmissionKind::CaseStudy, values.clone()).unwrap().unwrap();
        autosave(&data_dir, &id, SubmissionKind::CaseStudy, vec![("title".into(), "Sent, edited".into())]).unwrap();
        assert_eq!(load(&data_dir, &saved.id).unwrap().title(), Some("Sent, edited"));
        assert_eq!(list(&data_dir).unwrap().len(), 2, "one draft per form");
    }

    #[test]
    fn a_draft_past_a_limit_is_refused_as_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = DataDir::new(dir.path());
        let huge = vec![("context".to_owned(), "x".repeat(MAX_DRAFT_BYTES))];
        let error = save_values(&data_dir, None, SubmissionKind::CaseStudy, huge).unwrap_err();
        assert!(matches!(error, NodeError::DraftTooLarge { .. }), "{error}");
        assert_eq!(error.class(), crate::ErrorClass::Invalid);
        for _ in 0..MAX_DRAFTS {
            save_values(&data_dir, None, SubmissionKind::CaseStudy, Vec::new()).unwrap();
        }
        let error = save_values(&data_dir, None, SubmissionKind::CaseStudy, Vec::new()).unwrap_err();
        assert!(matches!(error, NodeError::TooManyDrafts { .. }), "{error}");
        assert_eq!(error.class(), crate::ErrorClass::Refused);
        assert!(error.to_string().contains("discard some"), "{error}");
    }
}
