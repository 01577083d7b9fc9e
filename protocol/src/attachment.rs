//! Attached files: what a submission's `attachments` field says of each
//! (hash, size, type, name, preview), the limits on them, the file types
//! accepted (decided by the first bytes, never by the name) and the removal
//! of location and device metadata from photos before they are hashed.
//!
//! An attachment is a **blob**: its bytes, identified by the plain BLAKE3
//! hash of them (so `b3sum` gives the same hex). The signed document names
//! it; the bytes travel and are stored apart from the entries.
//!
//! [`clean`] strips metadata losslessly (the picture's bytes are copied
//! untouched; only the metadata segments go):
//! - JPEG: every APPn segment but JFIF (APP0), an ICC profile (APP2) and
//!   Adobe's colour transform (APP14); so EXIF and XMP (APP1), IPTC (APP13)
//!   and comments go, and anything after the end of the image. The EXIF
//!   orientation is read first, for the preview only.
//! - PNG: `eXIf`, `tEXt`, `zTXt`, `iTXt`, `tIME`, and anything after `IEND`.
//! - WebP: the `EXIF` and `XMP ` chunks, and their flags in `VP8X`.
//! - PDF: nothing (no PDF parser here); the convener is told a PDF may
//!   carry its author's name and other metadata.
//!
//! Every parser is bounded by the input's length and returns an error on
//! anything it does not understand; nothing here panics on hostile input
//! (a property test feeds it garbage).

use serde::{Deserialize, Serialize};

/// What a network allows a submission to attach, set by the secretariat in
/// the network's genesis (a genesis without them gets [`Limits::DEFAULT`]).
/// Every node checks documents against its network's limits, at the
/// author's node and on arrival, so no node stores or fetches more than the
/// network agreed to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Most files a submission may attach (0: text only).
    pub files: u16,
    /// Largest attached file, in bytes (after metadata is removed).
    pub file_bytes: u64,
    /// Largest total of a submission's attached files, in bytes (previews not counted).
    pub submission_bytes: u64,
}

impl Limits {
    /// A network's limits unless its genesis sets others.
    pub const DEFAULT: Limits = Limits { files: 20, file_bytes: 10_000_000, submission_bytes: 25_000_000 };
    /// The most any network may set: what every node is built to carry.
    pub const CEILING: Limits = Limits { files: 64, file_bytes: 100_000_000, submission_bytes: 250_000_000 };

    /// Whether a network may set these: each at most [`Limits::CEILING`],
    /// a file at least as large as the largest preview, and a submission's
    /// total at least one whole file.
    pub fn check(&self) -> Result<(), String> {
        let ceiling = Self::CEILING;
        if self.files > ceiling.files {
            return Err(format!("at most {} files a submission may be allowed", ceiling.files));
        }
        if !(MAX_PREVIEW_BYTES..=ceiling.file_bytes).contains(&self.file_bytes) {
            return Err(format!("a file's limit must be {MAX_PREVIEW_BYTES} to {} bytes", ceiling.file_bytes));
        }
        if !(self.file_bytes..=ceiling.submission_bytes).contains(&self.submission_bytes) {
            return Err(format!(
                "a submission's limit must be at least a file's ({} bytes) and at most {} bytes",
                self.file_bytes, ceiling.submission_bytes
            ));
        }
        Ok(())
    }
}
/// Largest preview, in bytes (the node makes them under 20 KB).
pub const MAX_PREVIEW_BYTES: u64 = 64 * 1024;
/// Longest file name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The file types that may be attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaType {
    /// A JPEG photo.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// A PNG picture.
    #[serde(rename = "image/png")]
    Png,
    /// A WebP picture.
    #[serde(rename = "image/webp")]
    Webp,
    /// A PDF document.
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl MediaType {
    /// Every type, in the order forms list them.
    pub const ALL: [MediaType; 4] = [Self::Jpeg, Self::Png, Self::Webp, Self::Pdf];

    /// Its MIME type: `image/jpeg`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    /// The type named `text`, if it is one of these.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The type of a file, from its first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        }
    }

    /// Whether it is a picture (and gets a preview).
    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }
}

/// A blob's hash: BLAKE3 of its bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobHash(pub [u8; 32]);

impl BlobHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(*blake3::hash(bytes).as_bytes())
    }

    /// The hash written as 64 lowercase hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 64 || text.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let mut out = [0; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(Self(out))
    }

    /// As 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl std::fmt::Display for BlobHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl std::fmt::Debug for BlobHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BlobHash({})", self.to_hex())
    }
}

/// One attached file, as the signed document names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// BLAKE3 of the stored (metadata-stripped) bytes, in hex.
    pub hash: String,
    /// Their size in bytes.
    pub size: u64,
    /// The file type.
    #[serde(rename = "type")]
    pub media_type: MediaType,
    /// A short file name, without folders.
    pub name: String,
    /// A small JPEG of a picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<Preview>,
}

/// A picture's preview: a small JPEG blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// BLAKE3 of the preview's bytes, in hex.
    pub hash: String,
    /// Their size in bytes.
    pub size: u64,
}

impl Attachment {
    /// The attachments of a submission's (validated) fields.
    pub fn all_of(fields: &serde_json::Map<String, serde_json::Value>) -> Vec<Attachment> {
        fields
            .get("attachments")
            .and_then(|list| serde_json::from_value::<Vec<Attachment>>(list.clone()).ok())
            .unwrap_or_default()
    }

    /// The blobs it names: the file, then its preview.
    pub fn blobs(&self) -> impl Iterator<Item = BlobHash> + '_ {
        self.named_blobs().into_iter().map(|blob| blob.hash)
    }

    /// The blobs it names, with their sizes: the file, then its preview.
    pub fn named_blobs(&self) -> Vec<NamedBlob> {
        let file = BlobHash::parse(&self.hash).map(|hash| NamedBlob { hash, size: self.size, preview: false });
        let preview = self.preview.as_ref().and_then(|preview| {
            BlobHash::parse(&preview.hash).map(|hash| NamedBlob { hash, size: preview.size, preview: true })
        });
        file.into_iter().chain(preview).collect()
    }
}

/// A blob a document names: its hash, its size and whether it is a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NamedBlob {
    /// Its hash.
    pub hash: BlobHash,
    /// Its size in bytes, as the document says.
    pub size: u64,
    /// A preview (small, travels first) rather than an original.
    pub preview: bool,
}

/// A file name as given (perhaps a path, from any system) made a short
/// file name: its last component, control characters dropped, at most
/// [`MAX_NAME_CHARS`] characters; `file` when nothing is left.
pub fn file_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    let name = if name.is_empty() || name == "." || name == ".." { "file" } else { name };
    let mut out: String = name.chars().take(MAX_NAME_CHARS).collect();
    if out.len() < name.len() {
        // Keep the extension when a long name is cut.
        if let Some(dot) = name.rfind('.').filter(|dot| name.len() - dot <= 10) {
            let ext = &name[dot..];
            out = out.chars().take(MAX_NAME_CHARS - ext.chars().count()).collect::<String>() + ext;
        }
    }
    out
}

/// What [`clean`] removed from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Removed {
    /// EXIF: camera, time, and often GPS location.
    Exif,
    /// XMP: editing history, names, often location.
    Xmp,
    /// IPTC / Photoshop: captions, names, places.
    Iptc,
    /// Comments and text notes.
    Comments,
    /// The time the picture was last changed (PNG `tIME`).
    Time,
    /// Other application data (maker notes, thumbnails, trailing bytes).
    Other,
}

impl Removed {
    /// Every kind of metadata removed.
    pub const ALL: [Removed; 6] = [Self::Exif, Self::Xmp, Self::Iptc, Self::Comments, Self::Time, Self::Other];

    /// Its code, as serialised: `exif`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Exif => "exif",
            Self::Xmp => "xmp",
            Self::Iptc => "iptc",
            Self::Comments => "comments",
            Self::Time => "time",
            Self::Other => "other",
        }
    }

    /// Its short name, the same in every language: `EXIF`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exif => "EXIF",
            Self::Xmp => "XMP",
            Self::Iptc => "IPTC",
            Self::Comments => "comments",
            Self::Time => "tIME",
            Self::Other => "other",
        }
    }
}

/// A file made ready to attach: its type and its bytes without metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The file's type, from its first bytes.
    pub media_type: MediaType,
    /// The bytes to store and hash.
    pub bytes: Vec<u8>,
    /// What was removed, sorted, without repeats.
    pub removed: Vec<Removed>,
    /// The EXIF orientation (1–8) of a JPEG, for its preview.
    pub orientation: Option<u8>,
}

impl Cleaned {
    /// What a convener is told of the file called `name`, in English: what
    /// was removed, or that a PDF may carry metadata.
    pub fn report(&self, name: &str) -> Option<String> {
        if self.media_type == MediaType::Pdf {
            return Some(format!(
                "{name}: a PDF may carry its author's name and other metadata; nothing was removed from it"
            ));
        }
        if self.removed.is_empty() {
            return None;
        }
        let what: Vec<&str> = self.removed.iter().map(|removed| removed.as_str()).collect();
        Some(format!("removed location and camera data ({}) from {name}", what.join(", ")))
    }
}

/// Why a file cannot be attached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Empty.
    #[error("the file is empty")]
    Empty,
    /// Larger than the network allows ([`Limits::file_bytes`]).
    #[error("the file is {size} bytes; at most {max} may be attached")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The most allowed.
        max: u64,
    },
    /// Not a JPEG, PNG, WebP or PDF (by its first bytes).
    #[error("only JPEG, PNG and WebP pictures and PDF documents can be attached (judged by the file's first bytes)")]
    UnknownType,
    /// The type is known but the file does not read as one.
    #[error("the file does not read as a whole {0}")]
    Damaged(&'static str),
}

/// Checks a file to attach (at most `max_bytes`, the network's
/// [`Limits::file_bytes`]) and removes its location and device metadata.
pub fn clean(bytes: &[u8], max_bytes: u64) -> Result<Cleaned, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() as u64 > max_bytes {
        return Err(FileError::TooLarge { size: bytes.len() as u64, max: max_bytes });
    }
    let media_type = MediaType::sniff(bytes).ok_or(FileError::UnknownType)?;
    let mut removed = Vec::new();
    let mut orientation = None;
    let bytes = match media_type {
        MediaType::Jpeg => clean_jpeg(bytes, &mut removed, &mut orientation).ok_or(FileError::Damaged("JPEG"))?,
        MediaType::Png => clean_png(bytes, &mut removed).ok_or(FileError::Damaged("PNG"))?,
        MediaType::Webp => clean_webp(bytes, &mut removed).ok_or(FileError::Damaged("WebP"))?,
        MediaType::Pdf => bytes.to_vec(),
    };
    removed.sort_unstable();
    removed.dedup();
    Ok(Cleaned { media_type, bytes, removed, orientation })
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn clean_jpeg(input: &[u8], removed: &mut Vec<Removed>, orientation: &mut Option<u8>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..2]);
    let mut at = 2;
    loop {
        // A marker: 0xFF (perhaps repeated as fill), then its code.
        if *input.get(at)? != 0xFF {
            return None;
        }
        while *input.get(at)? == 0xFF {
            at += 1;
        }
        let marker = input[at];
        at += 1;
        match marker {
            0xD9 => {
                // End of image: whatever follows is not the picture.
                out.extend_from_slice(&[0xFF, 0xD9]);
                if at < input.len() {
                    removed.push(Removed::Other);
                }
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            0x00 => return None,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([*input.get(at)?, *input.get(at + 1)?]));
        if length < 2 {
            return None;
        }
        let segment = input.get(at..at + length)?;
        let body = &segment[2..];
        at += length;
        let keep = match marker {
            0xE0 | 0xEE => true,
            0xE2 if body.starts_with(b"ICC_PROFILE\0") => true,
            0xE1 if body.starts_with(b"Exif\0\0") => {
                *orientation = orientation.or_else(|| exif_orientation(&body[6..]));
                removed.push(Removed::Exif);
                false
            }
            0xE1 if body.starts_with(b"http://ns.adobe.com/") => {
                removed.push(Removed::Xmp);
                false
            }
            0xED => {
                removed.push(Removed::Iptc);
                false
            }
            0xFE => {
                removed.push(Removed::Comments);
                false
            }
            0xE1..=0xEF => {
                removed.push(Removed::Other);
                false
            }
            _ => true,
        };
        if keep {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(segment);
        }
        if marker == 0xDA {
            // Start of scan: entropy-coded bytes up to the next marker (a
            // 0xFF not followed by 0x00, a restart marker or fill).
            let start = at;
            loop {
                let next = memchr_ff(input, at)?;
                match *input.get(next + 1)? {
                    0x00 | 0xD0..=0xD7 => at = next + 2,
                    0xFF => at = next + 1,
                    _ => {
                        at = next;
                        break;
                    }
                }
            }
            out.extend_from_slice(&input[start..at]);
        }
    }
}

fn memchr_ff(input: &[u8], from: usize) -> Option<usize> {
    input.get(from..)?.iter().position(|&b| b == 0xFF).map(|index| from + index)
}

/// The orientation tag (0x0112) of IFD0 of an EXIF block (a TIFF header onwards).
fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let bytes = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big { u16::from_be_bytes(bytes) } else { u16::from_le_bytes(bytes) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let bytes: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big { u32::from_be_bytes(bytes) } else { u32::from_le_bytes(bytes) })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(512))
        .find_map(|index| {
            let entry = ifd.checked_add(2 + index * 12)?;
            (u16_at(entry)? == 0x0112).then(|| u16_at(entry + 8)).flatten()
        })
        .and_then(|value| u8::try_from(value).ok())
        .filter(|value| (1..=8).contains(value))
}

fn clean_png(input: &[u8], removed: &mut Vec<Removed>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = PNG_SIGNATURE.len();
    loop {
        let length = usize::try_from(u32::from_be_bytes(input.get(at..at + 4)?.try_into().ok()?)).ok()?;
        let kind: [u8; 4] = input.get(at + 4..at + 8)?.try_into().ok()?;
        let end = at.checked_add(12)?.checked_add(length)?;
        let chunk = input.get(at..end)?;
        at = end;
        match &kind {
            b"eXIf" => removed.push(Removed::Exif),
            b"tEXt" | b"zTXt" => removed.push(Removed::Comments),
            b"iTXt" => {
                let xmp = chunk.get(8..).is_some_and(|data| data.starts_with(b"XML:com.adobe.xmp\0"));
                removed.push(if xmp { Removed::Xmp } else { Removed::Comments });
            }
            b"tIME" => removed.push(Removed::Time),
            _ => out.extend_from_slice(chunk),
        }
        if &kind == b"IEND" {
            if at < input.len() {
                removed.push(Removed::Other);
            }
            return Some(out);
        }
    }
}

fn clean_webp(input: &[u8], removed: &mut Vec<Removed>) -> Option<Vec<u8>> {
    let declared = usize::try_from(u32::from_le_bytes(input.get(4..8)?.try_into().ok()?)).ok()?;
    let end = declared.checked_add(8)?;
    let riff = input.get(..end)?;
    if end < input.len() {
        removed.push(Removed::Other);
    }
    let mut out = Vec::with_capacity(end);
    out.extend_from_slice(&riff[..12]);
    let mut at = 12;
    let mut vp8x_flags = None;
    while at < riff.len() {
        let kind: [u8; 4] = riff.get(at..at + 4)?.try_into().ok()?;
        let length = usize::try_from(u32::from_le_bytes(riff.get(at + 4..at + 8)?.try_into().ok()?)).ok()?;
        let padded = length.checked_add(length & 1)?;
        let chunk_end = at.checked_add(8)?.checked_add(padded)?;
        // The last chunk's padding byte is sometimes left out.
        let chunk = riff.get(at..chunk_end.min(riff.len()))?;
        if chunk.len() < 8 + length {
            return None;
        }
        match &kind {
            b"EXIF" => removed.push(Removed::Exif),
            b"XMP " => removed.push(Removed::Xmp),
            _ => {
                if &kind == b"VP8X" && length >= 1 {
                    vp8x_flags = Some(out.len() + 8);
                }
                out.extend_from_slice(chunk);
                if chunk.len() & 1 == 1 {
                    out.push(0);
                }
            }
        }
        at = chunk_end;
    }
    if let Some(flags) = vp8x_flags {
        // Bit 3: EXIF present; bit 2: XMP present.
        out[flags] &= !0b0000_1100;
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A JPEG's segments: SOI, an APP1 EXIF block with GPS tags, an XMP block, a
    /// comment, a minimal frame and scan, EOI, then trailing bytes.
    fn jpeg_with_metadata() -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        let segment = |out: &mut Vec<u8>, marker: u8, body: &[u8]| {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
            out.extend_from_slice(body);
        };
        segment(&mut out, 0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
        exif.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0]);
        exif.extend_from_slice(b"GPSLatitude 12.34 GPSLongitude 56.78");
        segment(&mut out, 0xE1, &exif);
        segment(&mut out, 0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
        segment(&mut out, 0xFE, b"shot by Alice");
        segment(&mut out, 0xDB, &[0; 65]);
        segment(&mut out, 0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        segment(&mut out, 0xDA, &[1, 1, 0, 0, 63, 0]);
        out.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        out.extend_from_slice(&[0xFF, 0xD9]);
        out.extend_from_slice(b"trailer");
        out
    }

    fn find(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|window| window == needle)
    }

    #[test]
    fn jpeg_loses_exif_xmp_comments_and_trailer_and_keeps_the_picture() {
        let input = jpeg_with_metadata();
        let cleaned = clean(&input, Limits::DEFAULT.file_bytes).unwrap();
        assert_eq!(cleaned.media_type, MediaType::Jpeg);
        assert_eq!(cleaned.removed, [Removed::Exif, Removed::Xmp, Removed::Comments, Removed::Other]);
        assert_eq!(cleaned.orientation, Some(6));
        for gone in [&b"GPS"[..], b"Exif", b"xmpmeta", b"Alice", b"trailer"] {
            assert!(!find(&cleaned.bytes, gone), "{}", String::from_utf8_lossy(gone));
        }
        assert!(find(&cleaned.bytes, b"JFIF"));
        assert!(find(&cleaned.bytes, &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]));
        assert!(cleaned.report("photo.jpg").unwrap().contains("(EXIF, XMP, comments, other) from photo.jpg"));
        // Cleaning again changes nothing.
        let again = clean(&cleaned.bytes, Limits::DEFAULT.file_bytes).unwrap();
        assert_eq!(again.bytes, cleaned.bytes);
        assert!(again.removed.is_empty());
    }

    #[test]
    fn png_loses_text_time_and_exif() {
        let mut input = PNG_SIGNATURE.to_vec();
        let chunk = |out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0; 4]);
        };
        chunk(&mut input, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        chunk(&mut input, b"tEXt", b"Author\0Alice");
        chunk(&mut input, b"eXIf", b"MM\0\x2aGPS");
        chunk(&mut input, b"tIME", &[7, 0xE6, 1, 1, 0, 0, 0]);
        chunk(&mut input, b"IDAT", b"pixels");
        chunk(&mut input, b"IEND", b"");
        let cleaned = clean(&input, Limits::DEFAULT.file_bytes).unwrap();
        assert_eq!(cleaned.removed, [Removed::Exif, Removed::Comments, Removed::Time]);
        assert!(!find(&cleaned.bytes, b"Alice") && !find(&cleaned.bytes, b"GPS"));
        assert!(find(&cleaned.bytes, b"pixels") && find(&cleaned.bytes, b"IEND"));
    }

    #[test]
    fn webp_loses_exif_and_xmp_and_their_flags() {
        let mut body = b"WEBP".to_vec();
        let chunk = |out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]| {
            out.extend_from_slice(kind);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(data);
            if data.len() % 2 == 1 {
                out.push(0);
            }
        };
        chunk(&mut body, b"VP8X", &[0b0000_1100, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        chunk(&mut body, b"VP8L", b"pixels!");
        chunk(&mut body, b"EXIF", b"GPS here");
        chunk(&mut body, b"XMP ", b"<x:xmpmeta/>");
        let mut input = b"RIFF".to_vec();
        input.extend_from_slice(&(body.len() as u32).to_le_bytes());
        input.extend_from_slice(&body);
        let cleaned = clean(&input, Limits::DEFAULT.file_bytes).unwrap();
        assert_eq!(cleaned.media_type, MediaType::Webp);
        assert_eq!(cleaned.removed, [Removed::Exif, Removed::Xmp]);
        assert!(!find(&cleaned.bytes, b"GPS") && !find(&cleaned.bytes, b"xmpmeta"));
        assert_eq!(cleaned.bytes[20], 0, "VP8X flags cleared");
        let declared = u32::from_le_bytes(cleaned.bytes[4..8].try_into().unwrap()) as usize;
        assert_eq!(declared + 8, cleaned.bytes.len());
    }

    #[test]
    fn types_come_from_the_bytes_and_pdfs_are_kept_whole_with_a_warning() {
        assert_eq!(clean(b"GIF89a....", Limits::DEFAULT.file_bytes).unwrap_err(), FileError::UnknownType);
        assert_eq!(clean(b"", Limits::DEFAULT.file_bytes).unwrap_err(), FileError::Empty);
        let pdf = clean(b"%PDF-1.7\n/Author (Alice)", Limits::DEFAULT.file_bytes).unwrap();
        assert_eq!(pdf.media_type, MediaType::Pdf);
        assert!(pdf.report("notes.pdf").unwrap().contains("may carry"));
        assert_eq!(
            clean(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF], Limits::DEFAULT.file_bytes).unwrap_err(),
            FileError::Damaged("JPEG")
        );
    }

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(file_name("C:\\Users\\amina\\photo.jpg"), "photo.jpg");
        assert_eq!(file_name("/tmp/x/../report\u{7}.pdf"), "report.pdf");
        assert_eq!(file_name("  "), "file");
        assert_eq!(file_name(".."), "file");
        let long = format!("{}.jpeg", "a".repeat(300));
        let name = file_name(&long);
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with(".jpeg"));
    }

    #[test]
    fn hashes_are_lowercase_hex_of_blake3() {
        let hash = BlobHash::of(b"abc");
        assert_eq!(hash.to_hex(), blake3::hash(b"abc").to_hex().as_str());
        assert_eq!(BlobHash::parse(&hash.to_hex()), Some(hash));
        assert_eq!(BlobHash::parse(&hash.to_hex().to_uppercase()), None);
        assert_eq!(BlobHash::parse("abc"), None);
    }

    proptest! {
        #[test]
        fn garbage_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..2048), kind in 0usize..4) {
            let head: &[u8] = [&b"\xFF\xD8\xFF"[..], PNG_SIGNATURE, b"RIFF\x10\0\0\0WEBP", b"%PDF-"][kind];
            let mut input = head.to_vec();
            input.extend_from_slice(&tail);
            let _ = clean(&input, Limits::DEFAULT.file_bytes);
        }

        #[test]
        fn cut_or_altered_jpegs_never_panic(cut in 0usize..200, flip in 0usize..200, bit in 0u8..8) {
            let mut input = jpeg_with_metadata();
            if flip < input.len() {
                input[flip] ^= 1 << bit;
            }
            input.truncate(cut.max(3));
            let _ = clean(&input, Limits::DEFAULT.file_bytes);
        }
    }
}
