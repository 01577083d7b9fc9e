//! `convene attach`, and attachments given by path in `submit` and `import`.

use std::path::{Path, PathBuf};

use clap::Args;
use convene_node::api::StoredFile;
use convene_protocol::attachment::Attachment;
use convene_protocol::kinds::{Shape, SubmissionKind};
use serde_json::Value;

use super::Context;
use crate::access::Access;
use crate::exit::{self, Failure};

/// Arguments of `convene attach`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  convene attach 3f9a1c photo.jpg minutes.pdf\n\n\
    Adds JPEG, PNG and WebP photos and PDF documents to a submission, by a new signed change.\n\
    Location and camera data (EXIF, XMP, ...) are removed from photos before they are stored,\n\
    and a small preview is made to travel with the text; a PDF is kept as it is.")]
pub struct AttachArgs {
    /// The submission's id or a unique prefix.
    id: String,
    /// The files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Runs `convene attach`.
pub fn run(context: &Context, args: AttachArgs) -> Result<(), Failure> {
    let access = context.access()?;
    let mut attachments = Vec::with_capacity(args.files.len());
    for path in &args.files {
        attachments.push(store(&access, path)?.attachment);
    }
    match access.attach(&context.data_dir, context.identity.as_deref(), &args.id, &attachments)? {
        Some(entry) => println!("attached {} file(s) to {} (change {entry})", attachments.len(), args.id),
        None => println!("nothing new to attach to {}: the files are attached already", args.id),
    }
    Ok(())
}

/// Reads the file at `path`, stores it to attach, and says what was removed.
fn store(access: &Access, path: &Path) -> Result<StoredFile, Failure> {
    let bytes = read(path, access.limits()?.file_bytes)?;
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let stored = access.store_file(&name, &bytes)?;
    if let Some(note) = &stored.note {
        eprintln!("{note}");
    }
    Ok(stored)
}

/// The file at `path`, refused unread when it is much larger than the
/// network's `max_bytes` a file.
fn read(path: &Path, max_bytes: u64) -> Result<Vec<u8>, Failure> {
    let failure = |why: String| Failure::new(exit::INVALID, format!("{}: {why}", path.display()));
    let size = std::fs::metadata(path).map_err(|error| failure(error.to_string()))?.len();
    // Metadata is removed before the limit applies: allow a little more.
    if size > max_bytes + 1024 * 1024 {
        return Err(failure(format!("{size} bytes; this network lets a file be at most {max_bytes} bytes")));
    }
    std::fs::read(path).map_err(|error| failure(error.to_string()))
}

/// Replaces each attachment given by path (`{"path": "photo.jpg"}`,
/// relative to `base`) in a submission's attachments fields with the
/// stored file's attachment.
pub fn resolve_paths(access: &Access, base: &Path, submission: &mut Value) -> Result<(), Failure> {
    let Some(kind) = submission.get("kind").and_then(Value::as_str).and_then(SubmissionKind::parse) else {
        return Ok(());
    };
    for field in kind.spec().fields.iter().filter(|field| matches!(field.shape, Shape::Attachments)) {
        let Some(items) = submission.get_mut(field.name).and_then(Value::as_array_mut) else { continue };
        for item in items.iter_mut() {
            let Some(path) = item.get("path").and_then(Value::as_str) else { continue };
            let stored = store(access, &base.join(path))?;
            let mut attachment: Attachment = stored.attachment;
            if let Some(name) = item.get("name").and_then(Value::as_str) {
                attachment.name = name.to_owned();
            }
            *item = serde_json::to_value(&attachment).expect("JSON serialises");
        }
    }
    Ok(())
}
