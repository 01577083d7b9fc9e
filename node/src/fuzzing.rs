//! The bodies of the fuzz targets that reach this crate (`fuzz/`), shared
//! with the stable test that replays their corpora
//! (`node/tests/fuzz_corpus.rs`), so both run exactly the same code. Not an
//! API.

use convene_protocol::attachment::Limits;

use convene_protocol::document;
use convene_protocol::entry::{Entry, EntryHeader, EntryKind};
use convene_protocol::fuzzing::{NETWORK, creator};
use convene_protocol::schema;
use convene_protocol::wire::{Request, Response};
use futures::io::Cursor;
use libp2p::StreamProtocol;
use libp2p::request_response::Codec;

use crate::import::{Line, Lines};
use crate::sync::reconcile::{self, FRAME_SIZE_LIMIT, Items};
use crate::sync::{Incoming, SyncCodec};

/// Runs `future` to completion on this thread's runtime: the codec times
/// its reads and writes with tokio's clock, as it does in the swarm.
fn block_on<F: Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime");
    }
    RUNTIME.with(|runtime| runtime.block_on(future))
}

/// The sync codec reading a frame from a peer's stream. Input: `selector ‖
/// stream bytes`; an even selector reads a request, an odd one a response.
/// What is read is written back as the same frame.
pub fn framing(data: &[u8]) {
    let [selector, stream @ ..] = data else { return };
    let protocol = StreamProtocol::new("/convene/sync/1/fuzz");
    let mut codec: SyncCodec = SyncCodec::default();
    let mut input = Cursor::new(stream);
    let mut written = Cursor::new(Vec::new());
    if selector % 2 == 0 {
        let Ok(Incoming::Request(request)) = block_on(codec.read_request(&protocol, &mut input)) else { return };
        block_on(codec.write_request(&protocol, &mut written, request.clone().into())).expect("a read request writes");
        assert_eq!(Request::decode(&written.get_ref()[4..]).as_ref(), Ok(&request));
    } else {
        let Ok(response) = block_on(codec.read_response(&protocol, &mut input)) else { return };
        block_on(codec.write_response(&protocol, &mut written, response.clone())).expect("a read response writes");
        assert_eq!(Response::decode(&written.get_ref()[4..]).as_ref(), Ok(&response));
    }
    let consumed = input.position() as usize;
    assert_eq!(written.get_ref().as_slice(), &stream[..consumed], "a frame has one encoding");
}

/// What a node does with a peer's negentropy message. Input: `selector ‖
/// set ‖ message`: the selector's low bit picks the side (even: answer an
/// initiator's message as the responder does; odd: take it as the
/// responder's reply to our first message), the rest of it how many
/// 2-byte items (timestamp, id byte) of our set follow.
pub fn reconcile(data: &[u8]) {
    let [selector, rest @ ..] = data else { return };
    let count = usize::from(selector >> 1).min(rest.len() / 2);
    let (set, message) = rest.split_at(count * 2);
    let items = Items::of(set.chunks_exact(2).map(|item| (u64::from(item[0]), [item[1]; 32])));
    if selector % 2 == 0 {
        if let Ok(reply) = reconcile::respond(&items, message) {
            assert!(reply.len() as u64 <= FRAME_SIZE_LIMIT, "a reply stays within the frame limit");
        }
    } else {
        let (mut session, _) = reconcile::initiate(items).expect("a session starts over any set");
        if let Ok(step) = reconcile::step(&mut session, message)
            && let Some(next) = step.next
        {
            assert!(next.len() as u64 <= FRAME_SIZE_LIMIT, "a message stays within the frame limit");
        }
    }
}

/// The import line reader, then what the import does with each JSON line
/// before signing: validation, and for a valid one the create change,
/// signed and decoded again as a peer would.
pub fn import_lines(data: &[u8]) {
    // A small line limit, so the fuzzer reaches the too-long path.
    let mut lines = Lines::with_limit(data, 4096);
    while let Ok(Some(read)) = lines.next_line() {
        let Line::Json(value) = read.line else { continue };
        let Ok(validated) = schema::validate_submission(&value, &Limits::DEFAULT) else { continue };
        let author = creator();
        let change = document::create_change(&author.public(), &validated.fields, 1_700_000_000_000);
        let header = EntryHeader {
            network: NETWORK,
            creator: author.public(),
            nonce: [3; 16],
            author: author.public(),
            timestamp_ms: 1_700_000_000_000,
            kind: EntryKind::Create,
        };
        let entry = Entry::sign_change(header, change, &author).expect("a valid submission signs");
        let (decoded, fields) = Entry::decode_create(entry.encoded(), &NETWORK).expect("what we sign decodes");
        assert_eq!(decoded, entry);
        assert_eq!(fields.as_ref(), Some(&validated.fields), "the fields read back are the fields written");
    }
}

/// Starting inputs for every target, made by the real encoders: entries of
/// each kind, every wire message, frames, negentropy exchanges, and import
/// lines (`fixture`: a JSON Lines file of valid submissions). Written out
/// by the ignored test `write_seeds` in `node/tests/fuzz_corpus.rs`.
pub fn seeds(fixture: &str) -> Vec<(&'static str, Vec<u8>)> {
    use convene_protocol::entry::EntryId;
    use convene_protocol::fuzzing::other_author;

    let mut seeds = Vec::new();
    let author = creator();
    let header = |kind, author: &convene_protocol::keys::SecretKey| EntryHeader {
        network: NETWORK,
        creator: creator().public(),
        nonce: [9; 16],
        author: author.public(),
        timestamp_ms: 1_700_000_000_000,
        kind,
    };
    let mut entries = Vec::new();
    for line in fixture.lines().take(3) {
        let value: serde_json::Value = serde_json::from_str(line).expect("fixture line is JSON");
        let validated = schema::validate_submission(&value, &Limits::DEFAULT).expect("fixture line is valid");
        let change = document::create_change(&author.public(), &validated.fields, 1);
        seeds.push(("entry_signed", [&[0u8, 0][..], change.bytes()].concat()));
        let create = Entry::sign_change(header(EntryKind::Create, &author), change, &author).unwrap();
        let mut edited = validated.fields.clone();
        edited.insert("title".into(), "edited".into());
        let history = vec![create.payload().to_vec()];
        let other = other_author();
        if let Ok(Some(edit)) = document::edit_change(&history, &other.public(), &edited, 2) {
            seeds.push(("entry_signed", [&[1u8, 1][..], edit.bytes()].concat()));
            entries.push(Entry::sign_change(header(EntryKind::Change, &other), edit, &other).unwrap());
        }
        entries.push(create);
        seeds.push(("import_lines", format!("{line}\n").into_bytes()));
    }
    seeds.push(("import_lines", fixture.lines().take(2).collect::<Vec<_>>().join("\n \n").into_bytes()));
    entries.push(
        Entry::sign(header(EntryKind::Grant, &author), other_author().public().as_bytes().to_vec(), &author).unwrap(),
    );
    entries.push(Entry::sign(header(EntryKind::Withdraw, &author), b"duplicate".to_vec(), &author).unwrap());
    seeds.push(("entry_signed", [&[2u8, 0][..], other_author().public().as_bytes()].concat()));
    seeds.push(("entry_signed", b"\x03\x00duplicate".to_vec()));
    for entry in &entries {
        seeds.push(("entry_decode", entry.encoded().to_vec()));
    }

    let ids = vec![EntryId([1; 32]), EntryId([2; 32])];
    let (_, first) = reconcile::initiate(Items::of((0..40).map(|n| (n, [n as u8; 32])))).unwrap();
    let requests = [Request::Reconcile(first.clone()), Request::Fetch(ids.clone()), Request::Announce(ids)];
    let responses = [
        Response::Reconcile(vec![0x61]),
        Response::Entries(entries.iter().take(2).map(|entry| entry.encoded().to_vec()).collect()),
        Response::Ack,
        Response::Refused("busy".into()),
    ];
    let frame =
        |selector: u8, message: Vec<u8>| [&[selector][..], &(message.len() as u32).to_be_bytes(), &message].concat();
    for request in &requests {
        seeds.push(("wire", request.encode()));
        seeds.push(("framing", frame(0, request.encode())));
    }
    for response in &responses {
        seeds.push(("wire", response.encode()));
        seeds.push(("framing", frame(1, response.encode())));
    }

    // Negentropy: an initiator's first message and a responder's reply,
    // over small sets written as the target reads them.
    let set = |stamps: &[u8]| stamps.iter().flat_map(|&n| [n, n]).collect::<Vec<u8>>();
    let ours = [1u8, 2, 3, 5, 8];
    let theirs = [1u8, 2, 4, 5, 9];
    let (_, message) = reconcile::initiate(Items::of(ours.iter().map(|&n| (u64::from(n), [n; 32])))).unwrap();
    let reply = reconcile::respond(&Items::of(theirs.iter().map(|&n| (u64::from(n), [n; 32]))), &message).unwrap();
    seeds.push(("reconcile", [&[(theirs.len() as u8) << 1][..], &set(&theirs), &message].concat()));
    seeds.push(("reconcile", [&[((ours.len() as u8) << 1) | 1][..], &set(&ours), &reply].concat()));
    seeds.push(("reconcile", [&[0u8][..], &first].concat()));
    seeds
}
