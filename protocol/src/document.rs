//! Documents as automerge: how a submission's fields become signed changes,
//! and how a set of changes becomes fields again.
//!
//! A document's root map holds one key per public field. Text, numbers and
//! flags are automerge scalars; a list or map is one scalar too, its JSON in
//! a bytes value. Edits replace whole fields, so nothing is lost by not
//! splitting lists into automerge list ops, and each op costs: with automerge
//! 0.12 a document of one op per field builds about three times faster than
//! one op per list item (measured in BENCHMARKS.md). Concurrent edits of
//! different fields still merge.
//! Every change's actor id is the 32 bytes of its author's public key, so a
//! change can be attributed only to the key that signed its entry.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::num::NonZeroU64;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, Change, ExpandedChange, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value, legacy,
};
use flate2::{Compress, Compression, FlushCompress, Status};
use serde_json::{Map, Number, Value as Json};

use crate::keys::PublicKey;

/// Deepest nesting of maps and lists a document may have.
pub const MAX_DEPTH: usize = 8;

/// Why a set of changes could not become a document.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// A stored change could not be parsed or applied.
    #[error("a change could not be applied: {0}")]
    Automerge(String),
    /// A stored change's bytes are not an automerge change.
    #[error("a change is not a valid automerge change: {0}")]
    Load(String),
    /// Fields nested deeper than [`MAX_DEPTH`].
    #[error("the document nests maps and lists more than {MAX_DEPTH} deep")]
    TooDeep,
}

impl From<automerge::AutomergeError> for DocumentError {
    fn from(error: automerge::AutomergeError) -> Self {
        // Kept as text: automerge's error type is large, and every error
        // path of the node would carry its size.
        Self::Automerge(error.to_string())
    }
}

/// Parses one automerge change within the limits of
/// [`crate::change_limits`]: its sizes and op counts are checked, and a
/// compressed change inflated (once, stopping at the limit), before
/// automerge reads it.
pub(crate) fn parse_change(bytes: &[u8]) -> Result<Change, String> {
    let chunk = crate::change_limits::checked_chunk(bytes).map_err(|error| error.to_string())?;
    Change::try_from(&chunk[..]).map_err(|error| format!("not an automerge change: {error}"))
}

/// Parses an entry payload that must be one automerge change made by `author`.
pub(crate) fn check_change(payload: &[u8], author: &PublicKey) -> Result<Change, String> {
    let change = parse_change(payload)?;
    if change.actor_id().to_bytes() != author.as_bytes() {
        return Err("the change's actor is not the entry's author".to_owned());
    }
    Ok(change)
}

/// A change built by this process for `author`: well formed and made by
/// that author by construction, so signing it need not parse it again
/// ([`crate::entry::Entry::sign_change`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    bytes: Vec<u8>,
    author: PublicKey,
}

impl NewChange {
    /// The change's encoding.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whose change it is.
    pub fn author(&self) -> &PublicKey {
        &self.author
    }
}

impl From<NewChange> for Vec<u8> {
    fn from(change: NewChange) -> Self {
        change.bytes
    }
}

/// Builds the first change of a new document holding `fields`: one put
/// per field on the root map. It is encoded directly from its operations,
/// without building a document first (the same bytes as building one, at a
/// fraction of the cost; a test holds it to that).
pub fn create_change(author: &PublicKey, fields: &Map<String, Json>, timestamp_ms: u64) -> NewChange {
    let operations = fields
        .iter()
        .map(|(key, value)| legacy::Op {
            action: legacy::OpType::Put(field_value(value)),
            obj: legacy::ObjectId::Root,
            key: legacy::Key::Map(key.as_str().into()),
            pred: legacy::SortedVec::new(),
            insert: false,
        })
        .collect();
    let change = ExpandedChange {
        operations,
        actor_id: ActorId::from(author.as_bytes().as_slice()),
        hash: None,
        seq: 1,
        start_op: NonZeroU64::MIN,
        time: timestamp_ms as i64,
        message: None,
        deps: Vec::new(),
        extra_bytes: Vec::new(),
        author: None,
    };
    let raw = Change::from(change).raw_bytes().to_vec();
    NewChange { bytes: compress_change(&raw).unwrap_or(raw), author: *author }
}

/// Chunks above this size are stored deflated (automerge's threshold).
const DEFLATE_ABOVE: usize = 256;

/// The compressed form of a change chunk, exactly as automerge makes it:
/// `magic (4) ‖ checksum (4) ‖ 2 ‖ LEB128 length ‖ deflate(body)` from
/// `magic ‖ checksum ‖ 1 ‖ LEB128 length ‖ body`. automerge starts a new
/// compressor for every change (most of the cost of a small one); this
/// keeps one per thread. `None` when the chunk stays uncompressed.
fn compress_change(raw: &[u8]) -> Option<Vec<u8>> {
    const HEADER: usize = 9;
    if raw.len() <= DEFLATE_ABOVE || raw.get(8) != Some(&1) {
        return None;
    }
    let (length, prefix) = crate::change_limits::uleb(&raw[HEADER..])?;
    let body = raw.get(HEADER + prefix..).filter(|body| body.len() as u64 == length)?;
    thread_local! {
        static COMPRESSOR: RefCell<Compress> = RefCell::new(Compress::new(Compression::default(), false));
    }
    let deflated = COMPRESSOR.with_borrow_mut(|compressor| {
        compressor.reset();
        let mut out = Vec::with_capacity(body.len() / 2 + 64);
        loop {
            let consumed = compressor.total_in() as usize;
            match compressor.compress_vec(&body[consumed..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(out),
                Ok(_) => out.reserve(out.capacity().max(64)),
                Err(_) => return None,
            }
        }
    })?;
    let mut out = Vec::with_capacity(HEADER + 10 + deflated.len());
    out.extend_from_slice(&raw[..8]);
    out.push(2);
    crate::change_limits::write_uleb(&mut out, deflated.len() as u64);
    out.extend_from_slice(&deflated);
    Some(out)
}

/// Builds a change that turns the document made of `history` into `fields`:
/// changed top-level fields are replaced, missing ones deleted.
pub fn edit_change(
    history: &[Vec<u8>],
    author: &PublicKey,
    fields: &Map<String, Json>,
    timestamp_ms: u64,
) -> Result<Option<NewChange>, DocumentError> {
    edit_into(&mut load(history)?, author, fields, timestamp_ms)
}

fn edit_into(
    doc: &mut AutoCommit,
    author: &PublicKey,
    fields: &Map<String, Json>,
    timestamp_ms: u64,
) -> Result<Option<NewChange>, DocumentError> {
    let current = to_json_map(doc, &ROOT, 0)?;
    doc.set_actor(ActorId::from(author.as_bytes().as_slice()));
    for key in current.keys().filter(|key| !fields.contains_key(*key)) {
        doc.delete(ROOT, key.as_str())?;
    }
    for (key, value) in fields {
        if current.get(key) != Some(value) {
            put_field(doc, &ROOT, key, value);
        }
    }
    if doc.pending_ops() == 0 {
        return Ok(None);
    }
    Ok(Some(NewChange { bytes: commit(doc, timestamp_ms), author: *author }))
}

/// The fields of the document that `changes` build (in any order).
pub fn materialise(changes: &[Vec<u8>]) -> Result<Map<String, Json>, DocumentError> {
    if let [only] = changes {
        return materialise_one(parse_change(only).map_err(DocumentError::Load)?);
    }
    let doc = load(changes)?;
    to_json_map(&doc, &ROOT, 0)
}

/// The hash automerge gives a change: what later changes name as their
/// dependencies.
pub type ChangeHash = [u8; 32];

/// One change, parsed once within the limits of [`crate::change_limits`]:
/// its hash and the hashes of the changes it depends on, and, with others,
/// the document they build ([`materialise_parsed`]).
#[derive(Debug, Clone)]
pub struct ParsedChange(Change);

impl ParsedChange {
    /// Parses one change (an entry's payload).
    pub fn parse(bytes: &[u8]) -> Result<Self, DocumentError> {
        parse_change(bytes).map(Self).map_err(DocumentError::Load)
    }

    /// Its hash.
    pub fn hash(&self) -> ChangeHash {
        self.0.hash().0
    }

    /// The hashes of the changes it names as its dependencies.
    pub fn deps(&self) -> impl Iterator<Item = ChangeHash> + '_ {
        self.0.deps().iter().map(|hash| hash.0)
    }

    /// Its size as automerge holds it (uncompressed): what the document
    /// limits of [`crate::change_limits`] count.
    pub fn size(&self) -> usize {
        self.0.raw_bytes().len()
    }
}

/// A document built from its changes and kept, so that one more change
/// costs one change's work rather than its whole history's.
#[derive(Debug)]
pub struct Doc {
    doc: AutoCommit,
    /// The authors of its changes (see [`apply`]).
    actors: BTreeSet<ActorId>,
}

impl Doc {
    /// The document that `changes` build (in any order; a change whose
    /// dependencies are not among them is left out).
    pub fn build(changes: Vec<ParsedChange>) -> Result<Self, DocumentError> {
        let mut doc = Self { doc: AutoCommit::new(), actors: BTreeSet::new() };
        apply(&mut doc.doc, &mut doc.actors, changes.into_iter().map(|parsed| parsed.0).collect())?;
        Ok(doc)
    }

    /// Applies one more change. On an error the document may be part
    /// changed: drop it.
    pub fn apply(&mut self, change: ParsedChange) -> Result<(), DocumentError> {
        apply(&mut self.doc, &mut self.actors, vec![change.0])
    }

    /// Its fields.
    pub fn fields(&self) -> Result<Map<String, Json>, DocumentError> {
        to_json_map(&self.doc, &ROOT, 0)
    }

    /// The hashes of the changes no other change of it depends on, sorted.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        let mut heads: Vec<ChangeHash> = self.doc.get_heads().into_iter().map(|hash| hash.0).collect();
        heads.sort_unstable();
        heads
    }

    /// Builds a change on top of this document that turns it into
    /// `fields` (see [`edit_change`]); the document itself is unchanged.
    pub fn edit_change(
        &mut self,
        author: &PublicKey,
        fields: &Map<String, Json>,
        timestamp_ms: u64,
    ) -> Result<Option<NewChange>, DocumentError> {
        let mut doc = self.doc.fork();
        edit_into(&mut doc, author, fields, timestamp_ms)
    }
}

/// For each of `changes`, applied in the order given, the top-level fields
/// whose value it changed (set, altered or removed), sorted: what a history
/// says each change touched. A change whose dependencies come later in the
/// list touches nothing until they arrive.
pub fn fields_touched(changes: Vec<ParsedChange>) -> Result<Vec<Vec<String>>, DocumentError> {
    let mut doc = Doc::build(Vec::new())?;
    let mut before = Map::new();
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        doc.apply(change)?;
        let after = doc.fields()?;
        let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        out.push(names.into_iter().filter(|name| before.get(*name) != after.get(*name)).cloned().collect());
        before = after;
    }
    Ok(out)
}

/// The fields of the document that `changes` build together (in any order;
/// a change whose dependencies are not among them is left out).
pub fn materialise_parsed(changes: Vec<ParsedChange>) -> Result<Map<String, Json>, DocumentError> {
    let mut changes: Vec<Change> = changes.into_iter().map(|parsed| parsed.0).collect();
    if changes.len() == 1 {
        return materialise_one(changes.pop().expect("one"));
    }
    let mut doc = AutoCommit::new();
    apply(&mut doc, &mut BTreeSet::new(), changes)?;
    to_json_map(&doc, &ROOT, 0)
}

/// Applies `changes` to `doc`, whose changes' authors are `actors` (kept
/// up to date). automerge 0.12 panics on a change that names an actor (its
/// author, or another whose ops it refers to) that the document does not
/// hold and that no first change (seq 1) applied with it brings (found by
/// fuzzing: a signed create whose change has seq 2 took the process down).
/// Such a change is refused here; should automerge panic on another one,
/// that is caught and refused too, and the caller drops the document.
fn apply(doc: &mut AutoCommit, actors: &mut BTreeSet<ActorId>, changes: Vec<Change>) -> Result<(), DocumentError> {
    let first: Vec<ActorId> = changes.iter().filter(|change| change.seq() == 1).map(|c| c.actor_id().clone()).collect();
    let here: BTreeSet<automerge::ChangeHash> = changes.iter().map(Change::hash).collect();
    // One whose dependencies are not all here is left out, not applied.
    let ready =
        |change: &&Change| change.deps().iter().all(|dep| here.contains(dep) || doc.get_change_by_hash(dep).is_some());
    for change in changes.iter().filter(ready) {
        if change.actors().any(|actor| !actors.contains(actor) && !first.contains(actor)) {
            return Err(DocumentError::Automerge(
                "a change names an author that none of the changes it builds on has".into(),
            ));
        }
    }
    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.apply_changes(changes)));
    applied.map_err(|_| DocumentError::Automerge("automerge could not apply a change".into()))??;
    actors.extend(first);
    Ok(())
}

/// The fields of the document one parsed change builds.
pub(crate) fn materialise_one(change: Change) -> Result<Map<String, Json>, DocumentError> {
    if let Some(fields) = first_change_fields(&change) {
        return fields;
    }
    let mut doc = AutoCommit::new();
    apply(&mut doc, &mut BTreeSet::new(), vec![change])?;
    to_json_map(&doc, &ROOT, 0)
}

/// The fields of a document made by one first change that only puts
/// scalars on distinct keys of the root map (what [`create_change`] makes),
/// read straight from its operations: applying such a change to an empty
/// document yields exactly these keys and values. `None` for any other
/// change, which is then applied to a document.
fn first_change_fields(change: &Change) -> Option<Result<Map<String, Json>, DocumentError>> {
    if change.seq() != 1 || !change.deps().is_empty() {
        return None;
    }
    let expanded = change.decode();
    let mut out = Map::new();
    for op in &expanded.operations {
        let (legacy::OpType::Put(value), legacy::ObjectId::Root, legacy::Key::Map(key), false, true) =
            (&op.action, &op.obj, &op.key, op.insert, op.pred.is_empty())
        else {
            return None;
        };
        if out.contains_key(key.as_str()) {
            return None;
        }
        match scalar_json(value, 0) {
            Ok(json) => out.insert(key.to_string(), json),
            Err(error) => return Some(Err(error)),
        };
    }
    Some(Ok(out))
}

fn load(changes: &[Vec<u8>]) -> Result<AutoCommit, DocumentError> {
    let parsed =
        changes.iter().map(|bytes| parse_change(bytes).map_err(DocumentError::Load)).collect::<Result<Vec<_>, _>>()?;
    let mut doc = AutoCommit::new();
    apply(&mut doc, &mut BTreeSet::new(), parsed)?;
    Ok(doc)
}

fn commit(doc: &mut AutoCommit, timestamp_ms: u64) -> Vec<u8> {
    let options = CommitOptions::default().with_time(timestamp_ms as i64);
    if doc.pending_ops() == 0 {
        // A document with no fields still needs its first change.
        doc.empty_change(options);
    } else {
        doc.commit_with(options);
    }
    let mut change = doc.get_last_local_change().expect("a change was just committed");
    change.bytes().into_owned()
}

fn scalar(value: &Json) -> Option<ScalarValue> {
    Some(match value {
        Json::Null => ScalarValue::Null,
        Json::Bool(flag) => ScalarValue::Boolean(*flag),
        Json::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(int), _, _) => ScalarValue::Int(int),
            (None, Some(uint), _) => ScalarValue::Uint(uint),
            (_, _, Some(float)) => ScalarValue::F64(float),
            _ => ScalarValue::Null,
        },
        Json::String(text) => ScalarValue::Str(text.as_str().into()),
        Json::Array(_) | Json::Object(_) => return None,
    })
}

/// A field's stored value: a scalar as itself, a list or map as its JSON.
fn field_value(value: &Json) -> ScalarValue {
    match value {
        Json::Array(_) | Json::Object(_) => ScalarValue::Bytes(serde_json::to_vec(value).expect("JSON serialises")),
        other => scalar(other).expect("scalar"),
    }
}

fn put_field(doc: &mut AutoCommit, parent: &ObjId, key: &str, value: &Json) {
    doc.put(parent, key, field_value(value)).expect("writing a fresh in-memory document cannot fail");
}

fn json_depth(value: &Json) -> usize {
    match value {
        Json::Array(items) => 1 + items.iter().map(json_depth).max().unwrap_or(0),
        Json::Object(map) => 1 + map.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn to_json_map(doc: &AutoCommit, object: &ObjId, depth: usize) -> Result<Map<String, Json>, DocumentError> {
    let mut out = Map::new();
    for key in doc.keys(object) {
        if let Some((value, id)) = doc.get(object, key.as_str())? {
            out.insert(key, to_json(doc, value, &id, depth)?);
        }
    }
    Ok(out)
}

fn to_json(doc: &AutoCommit, value: Value<'_>, id: &ObjId, depth: usize) -> Result<Json, DocumentError> {
    if depth >= MAX_DEPTH {
        return Err(DocumentError::TooDeep);
    }
    Ok(match value {
        Value::Object(ObjType::Map | ObjType::Table) => Json::Object(to_json_map(doc, id, depth + 1)?),
        Value::Object(ObjType::List | ObjType::Text) => {
            let mut items = Vec::new();
            for index in 0..doc.length(id) {
                if let Some((item, item_id)) = doc.get(id, index)? {
                    items.push(to_json(doc, item, &item_id, depth + 1)?);
                }
            }
            Json::Array(items)
        }
        Value::Scalar(scalar) => scalar_json(scalar.as_ref(), depth)?,
    })
}

fn scalar_json(scalar: &ScalarValue, depth: usize) -> Result<Json, DocumentError> {
    Ok(match scalar {
        ScalarValue::Str(text) => Json::String(text.to_string()),
        ScalarValue::Int(int) => Json::from(*int),
        ScalarValue::Uint(uint) => Json::from(*uint),
        ScalarValue::F64(float) => Number::from_f64(*float).map_or(Json::Null, Json::Number),
        ScalarValue::Boolean(flag) => Json::Bool(*flag),
        ScalarValue::Bytes(bytes) => {
            let value: Json =
                serde_json::from_slice(bytes).map_err(|_| DocumentError::Load("a field is not JSON".into()))?;
            if json_depth(&value) + depth >= MAX_DEPTH {
                return Err(DocumentError::TooDeep);
            }
            value
        }
        _ => Json::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use serde_json::json;

    /// A first change of `author`'s holding one put, as its bytes, with
    /// `seq` and `preds` set as given (automerge 0.12 panicked on some).
    fn odd_change(author: &PublicKey, seq: u64, pred: Option<(u64, &PublicKey)>) -> Vec<u8> {
        let preds: legacy::SortedVec<legacy::OpId> = pred
            .map(|(counter, actor)| legacy::OpId::new(counter, &ActorId::from(actor.as_bytes().as_slice())))
            .into_iter()
            .collect();
        let operations = vec![legacy::Op {
            action: legacy::OpType::Put(ScalarValue::Str("x".into())),
            obj: legacy::ObjectId::Root,
            key: legacy::Key::Map("title".into()),
            pred: preds,
            insert: false,
        }];
        let change = ExpandedChange {
            operations,
            actor_id: ActorId::from(author.as_bytes().as_slice()),
            hash: None,
            seq,
            start_op: NonZeroU64::MIN,
            time: 1,
            message: None,
            deps: Vec::new(),
            extra_bytes: Vec::new(),
            author: None,
        };
        Change::from(change).raw_bytes().to_vec()
    }

    #[test]
    fn changes_naming_authors_the_document_lacks_are_refused_not_a_panic() {
        let author = SecretKey::from_seed([1; 32]).public();
        let stranger = SecretKey::from_seed([2; 32]).public();
        for bytes in [odd_change(&author, 2, None), odd_change(&author, 1, Some((7, &stranger)))] {
            let error = materialise(std::slice::from_ref(&bytes)).unwrap_err();
            assert!(error.to_string().contains("names an author"), "{error}");
            let parsed = ParsedChange::parse(&bytes).unwrap();
            assert!(Doc::build(vec![parsed.clone()]).is_err());
            let mut doc = Doc::build(Vec::new()).unwrap();
            assert!(doc.apply(parsed).is_err());
        }
        // The same shape with a first change and no foreign reference applies.
        materialise(&[odd_change(&author, 1, None)]).unwrap();
    }

    fn fields() -> Map<String, Json> {
        json!({"kind": "convening_report", "title": "Kisumu", "participants": {"count": 12, "groups": ["academia"]},
               "insights": ["one", "two"], "consent_to_publish": true})
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn each_change_names_the_fields_it_touched() {
        let author = SecretKey::from_seed([1; 32]).public();
        let create: Vec<u8> = create_change(&author, &fields(), 5).into();
        let mut edited = fields();
        edited.insert("title".into(), json!("Kisumu, again"));
        edited["participants"]["count"] = json!(13);
        edited.remove("consent_to_publish");
        let edit: Vec<u8> = edit_change(std::slice::from_ref(&create), &author, &edited, 6).unwrap().unwrap().into();
        let parsed = [&create, &edit].map(|bytes| ParsedChange::parse(bytes).unwrap());
        let touched = fields_touched(parsed.to_vec()).unwrap();
        assert_eq!(touched[0], ["consent_to_publish", "insights", "kind", "participants", "title"]);
        assert_eq!(touched[1], ["consent_to_publish", "participants", "title"]);
    }

    #[test]
    fn fields_round_trip_through_a_change() {
        let author = SecretKey::from_seed([1; 32]).public();
        let change: Vec<u8> = create_change(&author, &fields(), 5).into();
        check_change(&change, &author).unwrap();
        assert_eq!(materialise(&[change]).unwrap(), fields());
    }

    /// The same fields put through automerge's own document API.
    fn create_change_through_a_document(author: &PublicKey, fields: &Map<String, Json>, timestamp_ms: u64) -> Vec<u8> {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(author.as_bytes().as_slice()));
        for (key, value) in fields {
            put_field(&mut doc, &ROOT, key, value);
        }
        commit(&mut doc, timestamp_ms)
    }

    #[test]
    fn a_first_change_is_the_one_a_document_would_make_and_reads_back_either_way() {
        let author = SecretKey::from_seed([1; 32]).public();
        let long = json!({"title": "x".repeat(70_000), "insights": vec!["a"; 300]}).as_object().unwrap().clone();
        // Text that deflates poorly, so the output outgrows its first buffer.
        let mut state = 7u64;
        let noise: String = (0..20_000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                char::from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"[(state >> 58) as usize])
            })
            .collect();
        let noisy = json!({"context": noise}).as_object().unwrap().clone();
        // Twice each: the second reuses the thread's compressor.
        for fields in [fields(), Map::new(), long.clone(), long, noisy.clone(), noisy, fields()] {
            let direct: Vec<u8> = create_change(&author, &fields, 5).into();
            assert_eq!(direct, create_change_through_a_document(&author, &fields, 5));
            assert_eq!(materialise(std::slice::from_ref(&direct)).unwrap(), fields);
            assert_eq!(to_json_map(&load(&[direct]).unwrap(), &ROOT, 0).unwrap(), fields);
        }
        // A first change that is not plain puts (here a nested map) takes
        // the document path and reads back too.
        let mut doc = AutoCommit::new().with_actor(ActorId::from(author.as_bytes().as_slice()));
        let nested = doc.put_object(ROOT, "location", ObjType::Map).unwrap();
        doc.put(&nested, "country", "KE").unwrap();
        let change = commit(&mut doc, 6);
        assert_eq!(materialise(&[change]).unwrap(), *json!({"location": {"country": "KE"}}).as_object().unwrap());
    }

    #[test]
    fn a_change_is_attributed_to_its_author_only() {
        let author = SecretKey::from_seed([1; 32]).public();
        let other = SecretKey::from_seed([2; 32]).public();
        let change = create_change(&author, &fields(), 5);
        assert!(check_change(change.bytes(), &other).is_err());
        assert!(check_change(b"not a change", &author).is_err());
    }

    #[test]
    fn edits_replace_changed_fields_and_merge_in_any_order() {
        let author = SecretKey::from_seed([1; 32]).public();
        let first: Vec<u8> = create_change(&author, &fields(), 5).into();
        let mut edited = fields();
        edited.insert("title".into(), json!("Kisumu, revised"));
        edited.remove("insights");
        let second: Vec<u8> = edit_change(std::slice::from_ref(&first), &author, &edited, 6).unwrap().unwrap().into();
        assert_eq!(materialise(&[second.clone(), first.clone()]).unwrap(), edited);
        assert_eq!(edit_change(&[first, second], &author, &edited, 7).unwrap(), None);
        assert_eq!(*create_change(&author, &fields(), 5).author(), author);
    }

    #[test]
    fn a_parsed_change_names_what_it_depends_on_and_builds_with_it() {
        let author = SecretKey::from_seed([1; 32]).public();
        let first: Vec<u8> = create_change(&author, &fields(), 5).into();
        let mut edited = fields();
        edited.insert("title".into(), "Kisumu, revised".into());
        let second: Vec<u8> = edit_change(std::slice::from_ref(&first), &author, &edited, 6).unwrap().unwrap().into();
        let (first, second) = (ParsedChange::parse(&first).unwrap(), ParsedChange::parse(&second).unwrap());
        assert_eq!(first.deps().count(), 0);
        assert_eq!(second.deps().collect::<Vec<_>>(), [first.hash()]);
        assert_eq!(materialise_parsed(vec![second.clone(), first.clone()]).unwrap(), edited);
        assert_eq!(materialise_parsed(vec![first]).unwrap(), fields());
        assert_eq!(materialise_parsed(vec![second]).unwrap(), Map::new(), "without its dependency it is left out");
        assert!(ParsedChange::parse(b"not a change").is_err());
    }
}
