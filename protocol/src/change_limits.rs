//! Bounded decoding of automerge changes: every size a change claims is
//! checked before memory is committed to it, and before automerge sees it.
//!
//! automerge 0.12's `Change::from_bytes` inflates a compressed change with
//! no limit, and then walks every op its columns claim; run-length encoded
//! columns can claim millions of ops in a few bytes. A validly signed entry
//! of 194 KB that inflated to 200 MB once took a node from 25 MB to 628 MB.
//! So a change's bytes pass through [`checked_chunk`] first:
//!
//! | limit | value | what it protects |
//! | --- | --- | --- |
//! | [`MAX_CHANGE_BYTES`] | 1 MiB inflated | memory while inflating and parsing (the inflater stops there) |
//! | [`MAX_CHANGE_OPS`] | 10,000 ops | memory and time of walking and expanding ops (run-length columns) |
//! | [`MAX_CHANGE_PREDS`] | 10,000 predecessors | memory of each op's predecessor list (also run-length) |
//!
//! | [`MAX_DOCUMENT_CHANGES`] | 2,000 changes | time and memory of building a document from its history, which a change that is not on top of every stored one needs |
//! | [`MAX_DOCUMENT_BYTES`] | 4 MiB | the same, in bytes (each change counted as automerge holds it, uncompressed) |
//!
//! A Convene change holds one op per changed top-level field (a few dozen
//! at most) and its public JSON is at most 192 KiB, so honest changes stay
//! far below every limit. The first three are properties of the change
//! alone; the document limits are rules on a change given its causal past
//! (the create and the changes it depends on, transitively: the change
//! itself and its past may hold at most that many changes and bytes), so
//! every node that holds the change's past reaches the same verdict on it,
//! whatever else it holds.
//!
//! ## The chunk format read here
//!
//! `magic (85 6f 4a 83) ‖ checksum (4) ‖ type (1) ‖ uLEB128 length ‖ data`.
//! Type 1 is a change, type 2 a change whose data is a raw deflate stream
//! of a change's data (the checksum is the uncompressed change's). Every
//! other type (a document, a bundle) is refused: a payload must be one
//! change. A change's data is: dependencies (uLEB count, 32 bytes each),
//! actor (uLEB length, bytes), seq, start op (uLEB), time (sLEB), message
//! (uLEB length, bytes), other actors (uLEB count, each length-prefixed),
//! the column metadata (uLEB count, then per column a uLEB spec and a uLEB
//! length), the columns' data in that order, and extra bytes. The op count
//! is the number of values in the action column (id 4, integer), the
//! predecessor count the sum of the predecessor group column (id 7, group);
//! both are run-length encoded and are summed here without expanding them.

use std::borrow::Cow;
use std::cell::RefCell;

use flate2::{Decompress, FlushDecompress, Status};

/// Most bytes a change's data may inflate to (and most an uncompressed
/// change may hold, though an entry's payload limit is lower).
pub const MAX_CHANGE_BYTES: usize = 1024 * 1024;
/// Most ops one change may hold.
pub const MAX_CHANGE_OPS: u64 = 10_000;
/// Most predecessor references the ops of one change may hold in total.
pub const MAX_CHANGE_PREDS: u64 = 10_000;
/// Most creates and changes a change and its causal past may hold.
pub const MAX_DOCUMENT_CHANGES: usize = 2_000;
/// Most bytes a change and its causal past may hold.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHANGE: u8 = 1;
const COMPRESSED_CHANGE: u8 = 2;
/// Column spec: `id << 4 | deflate << 3 | type`.
const DEFLATE_BIT: u32 = 0b1000;
const ACTION_COLUMN: u32 = 4 << 4 | 2;
const PRED_GROUP_COLUMN: u32 = 7 << 4;
/// magic, checksum, type and the longest uLEB128 of a length up to
/// [`MAX_CHANGE_BYTES`] (three bytes).
const MAX_HEADER: usize = 4 + 4 + 1 + 3;

/// Why a change's bytes were refused before automerge read them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeLimitError {
    /// Not a well-formed change chunk.
    #[error("not an automerge change: {0}")]
    Malformed(&'static str),
    /// A chunk of another type (a document, a bundle, unknown).
    #[error("not an automerge change: chunk type {0} (only a change, 1, or a compressed change, 2, is accepted)")]
    NotAChange(u8),
    /// The compressed change inflates past [`MAX_CHANGE_BYTES`].
    #[error(
        "the compressed change inflates to more than {MAX_CHANGE_BYTES} bytes, the limit of a change; \
         inflating stopped there"
    )]
    InflatesTooLarge,
    /// The uncompressed change is larger than [`MAX_CHANGE_BYTES`].
    #[error("the change holds {0} bytes, more than the limit of {MAX_CHANGE_BYTES}")]
    TooLarge(usize),
    /// The deflate stream is corrupt, truncated or followed by other bytes.
    #[error("the compressed change is not one whole deflate stream")]
    BadDeflate,
    /// The action column claims more than [`MAX_CHANGE_OPS`] ops.
    #[error("the change's columns claim more than {MAX_CHANGE_OPS} operations, the limit of a change")]
    TooManyOps,
    /// The predecessor column claims more than [`MAX_CHANGE_PREDS`].
    #[error("the change's columns claim more than {MAX_CHANGE_PREDS} predecessor references, the limit of a change")]
    TooManyPreds,
}

/// Checks a change's bytes against the limits and returns the chunk for
/// automerge to parse: the same bytes for an uncompressed change, the
/// inflated change chunk for a compressed one (inflated once, here, by an
/// inflater that stops at [`MAX_CHANGE_BYTES`]; automerge then has nothing
/// left to inflate).
pub fn checked_chunk(bytes: &[u8]) -> Result<Cow<'_, [u8]>, ChangeLimitError> {
    let malformed = ChangeLimitError::Malformed;
    if bytes.len() < 9 || bytes[..4] != MAGIC {
        return Err(malformed("no magic bytes"));
    }
    let chunk_type = bytes[8];
    let (length, prefix) = uleb(&bytes[9..]).ok_or(malformed("bad chunk length"))?;
    let data = &bytes[9 + prefix..];
    if data.len() as u64 != length {
        return Err(malformed("the chunk length is not the payload's"));
    }
    match chunk_type {
        CHANGE => {
            if data.len() > MAX_CHANGE_BYTES {
                return Err(ChangeLimitError::TooLarge(data.len()));
            }
            check_ops(data)?;
            Ok(Cow::Borrowed(bytes))
        }
        COMPRESSED_CHANGE => {
            let mut out = inflate_bounded(data)?;
            let inflated = out.len() - MAX_HEADER;
            check_ops(&out[MAX_HEADER..])?;
            // The change chunk automerge would rebuild: the same checksum
            // (it is the uncompressed change's), type 1, the inflated length.
            let mut header = Vec::with_capacity(MAX_HEADER);
            header.extend_from_slice(&bytes[..8]);
            header.push(CHANGE);
            write_uleb(&mut header, inflated as u64);
            let start = MAX_HEADER - header.len();
            out[start..MAX_HEADER].copy_from_slice(&header);
            out.drain(..start);
            Ok(Cow::Owned(out))
        }
        other => Err(ChangeLimitError::NotAChange(other)),
    }
}

/// Inflates a raw deflate stream into a buffer that keeps [`MAX_HEADER`]
/// bytes free in front, refusing as soon as the output would pass
/// [`MAX_CHANGE_BYTES`]: at most that much memory is ever committed.
fn inflate_bounded(input: &[u8]) -> Result<Vec<u8>, ChangeLimitError> {
    thread_local! {
        static INFLATER: RefCell<Decompress> = RefCell::new(Decompress::new(false));
    }
    INFLATER.with_borrow_mut(|inflater| {
        inflater.reset(false);
        // Room for one byte past the limit, so reaching it means "more".
        let cap = MAX_HEADER + MAX_CHANGE_BYTES + 1;
        let mut out = Vec::with_capacity((MAX_HEADER + input.len().saturating_mul(4)).clamp(256, cap));
        out.resize(MAX_HEADER, 0);
        loop {
            let consumed = inflater.total_in() as usize;
            let before = (consumed, out.len());
            let status = inflater
                .decompress_vec(&input[consumed..], &mut out, FlushDecompress::Finish)
                .map_err(|_| ChangeLimitError::BadDeflate)?;
            if out.len() > MAX_HEADER + MAX_CHANGE_BYTES {
                return Err(ChangeLimitError::InflatesTooLarge);
            }
            match status {
                Status::StreamEnd if inflater.total_in() as usize == input.len() => return Ok(out),
                Status::StreamEnd => return Err(ChangeLimitError::BadDeflate),
                Status::Ok | Status::BufError => {
                    if out.len() == out.capacity() {
                        out.reserve_exact(out.capacity().min(cap - out.capacity()).max(1));
                    } else if (inflater.total_in() as usize, out.len()) == before {
                        // No progress with room to write: the input ended early.
                        return Err(ChangeLimitError::BadDeflate);
                    }
                }
            }
        }
    })
}

/// Reads a change's data up to its columns and bounds the ops and the
/// predecessors its run-length columns claim, without expanding them.
fn check_ops(data: &[u8]) -> Result<(), ChangeLimitError> {
    let malformed = ChangeLimitError::Malformed;
    let mut cursor = Cursor(data);
    let deps = cursor.uleb().ok_or(malformed("bad dependencies"))?;
    cursor.skip(deps.checked_mul(32).ok_or(malformed("bad dependencies"))?).ok_or(malformed("bad dependencies"))?;
    cursor.bytes().ok_or(malformed("bad actor"))?;
    cursor.uleb().ok_or(malformed("bad seq"))?;
    cursor.uleb().ok_or(malformed("bad start op"))?;
    cursor.sleb().ok_or(malformed("bad time"))?;
    cursor.bytes().ok_or(malformed("bad message"))?;
    let actors = cursor.uleb().ok_or(malformed("bad actors"))?;
    for _ in 0..actors {
        cursor.bytes().ok_or(malformed("bad actors"))?;
    }
    let columns = cursor.uleb().ok_or(malformed("bad columns"))?;
    // Each column's metadata takes at least two bytes.
    if columns > cursor.0.len() as u64 / 2 {
        return Err(malformed("bad columns"));
    }
    let mut specs = Vec::with_capacity(columns as usize);
    for _ in 0..columns {
        let spec = cursor.uleb().filter(|spec| *spec <= u64::from(u32::MAX)).ok_or(malformed("bad columns"))?;
        let length = cursor.uleb().ok_or(malformed("bad columns"))?;
        specs.push((spec as u32, length));
    }
    let (mut ops, mut preds) = (0u64, 0u64);
    for (spec, length) in specs {
        let column = cursor.take(length).ok_or(malformed("a column runs past the change"))?;
        if spec & DEFLATE_BIT != 0 {
            return Err(malformed("a change's columns may not be compressed"));
        }
        if spec == ACTION_COLUMN {
            let limit = MAX_CHANGE_OPS - ops;
            ops += rle_count(column, limit).ok_or(ChangeLimitError::TooManyOps)?;
        } else if spec == PRED_GROUP_COLUMN {
            let limit = MAX_CHANGE_PREDS - preds;
            preds += rle_sum(column, limit).ok_or(ChangeLimitError::TooManyPreds)?;
        }
    }
    Ok(())
}

/// How many values an unsigned run-length column holds (a run of `n`, a
/// literal run of `n`, a null run of `n`), or `None` past `limit`. Runs are
/// counted, never expanded. A column that ends mid-run counts what it read:
/// automerge refuses it later, and it never counts low.
fn rle_count(column: &[u8], limit: u64) -> Option<u64> {
    let (mut cursor, mut total) = (Cursor(column), 0u64);
    while let Some(count) = cursor.sleb() {
        let values = match count {
            0 => cursor.uleb().unwrap_or(0),
            run if run > 0 => {
                cursor.uleb();
                run as u64
            }
            literal => literal.unsigned_abs(),
        };
        total = total.saturating_add(values);
        if total > limit {
            return None;
        }
        if count < 0 {
            for _ in 0..values {
                if cursor.uleb().is_none() {
                    break;
                }
            }
        }
    }
    Some(total)
}

/// The sum of an unsigned run-length column's values (a run of `n` copies
/// of `v` adds `n × v`, a null run nothing), or `None` past `limit`.
fn rle_sum(column: &[u8], limit: u64) -> Option<u64> {
    let (mut cursor, mut total) = (Cursor(column), 0u64);
    let mut add = |amount: u64| {
        total = total.saturating_add(amount);
        (total <= limit).then_some(())
    };
    while let Some(count) = cursor.sleb() {
        match count {
            0 => {
                cursor.uleb();
            }
            run if run > 0 => add((run as u64).saturating_mul(cursor.uleb().unwrap_or(0)))?,
            literal => {
                // Bounded by the column's bytes: each value takes one or more.
                for _ in 0..literal.unsigned_abs() {
                    let Some(value) = cursor.uleb() else { break };
                    add(value)?;
                }
            }
        }
    }
    Some(total)
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, count: u64) -> Option<&'a [u8]> {
        let count = usize::try_from(count).ok().filter(|count| *count <= self.0.len())?;
        let (head, tail) = self.0.split_at(count);
        self.0 = tail;
        Some(head)
    }

    fn skip(&mut self, count: u64) -> Option<()> {
        self.take(count).map(drop)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let length = self.uleb()?;
        self.take(length)
    }

    fn uleb(&mut self) -> Option<u64> {
        let (value, used) = uleb(self.0)?;
        self.0 = &self.0[used..];
        Some(value)
    }

    fn sleb(&mut self) -> Option<i64> {
        let mut value = 0i64;
        for (index, byte) in self.0.iter().enumerate().take(10) {
            let shift = 7 * index as u32;
            value |= i64::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            if byte & 0x80 == 0 {
                if shift + 7 < 64 && byte & 0x40 != 0 {
                    value |= -1i64 << (shift + 7);
                }
                self.0 = &self.0[index + 1..];
                return Some(value);
            }
        }
        None
    }
}

/// An unsigned LEB128 of at most ten bytes that fits 64 bits, and its length.
pub(crate) fn uleb(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().enumerate().take(10) {
        let part = u64::from(byte & 0x7f);
        if index == 9 && part > 1 {
            return None;
        }
        value |= part << (7 * index);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}

/// Appends `value` as an unsigned LEB128.
pub(crate) fn write_uleb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut compressor = Compress::new(Compression::default(), false);
        let mut out = Vec::with_capacity(data.len() + 64);
        compressor.compress_vec(data, &mut out, FlushCompress::Finish).unwrap();
        out
    }

    fn chunk(chunk_type: u8, data: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[9, 9, 9, 9, chunk_type]);
        write_uleb(&mut out, data.len() as u64);
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn run_length_columns_are_counted_and_summed_without_expanding() {
        // A run of 3 sevens, a literal run of 2 (1, 2), a null run of 4.
        let column = [3, 7, 0x7e, 1, 2, 0, 4];
        assert_eq!(rle_count(&column, 100), Some(9));
        assert_eq!(rle_count(&column, 8), None);
        assert_eq!(rle_sum(&column, 100), Some(24));
        assert_eq!(rle_sum(&column, 23), None);
        // i64::MIN as a count, and a run of u64::MAX.
        let mut huge = Vec::new();
        huge.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
        assert_eq!(Cursor(&huge).sleb(), Some(i64::MIN));
        assert_eq!(rle_count(&huge, u64::MAX), Some(1 << 63));
        assert_eq!(rle_count(&huge, MAX_CHANGE_OPS), None);
        assert_eq!(rle_sum(&[2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1], u64::MAX - 1), None);
        assert_eq!(Cursor(&[0x7f]).sleb(), Some(-1));
        assert_eq!(Cursor(&[0x3f]).sleb(), Some(63));
        assert_eq!(Cursor(&[0xc0, 0x00]).sleb(), Some(64));
    }

    #[test]
    fn only_whole_change_chunks_within_the_limits_pass() {
        assert_eq!(checked_chunk(b"not a change"), Err(ChangeLimitError::Malformed("no magic bytes")));
        assert_eq!(checked_chunk(&chunk(0, &[])), Err(ChangeLimitError::NotAChange(0)));
        assert_eq!(checked_chunk(&chunk(3, &[])), Err(ChangeLimitError::NotAChange(3)));
        let mut short = chunk(1, &[0; 4]);
        short.pop();
        assert!(matches!(checked_chunk(&short), Err(ChangeLimitError::Malformed(_))));
        assert_eq!(
            checked_chunk(&chunk(1, &vec![0; MAX_CHANGE_BYTES + 1])),
            Err(ChangeLimitError::TooLarge(MAX_CHANGE_BYTES + 1))
        );

        // A compressed chunk inflates to the change chunk automerge would
        // rebuild: same checksum, type 1, the inflated length.
        let data: Vec<u8> = [0, 1, 0xaa, 1, 1, 0, 0, 0, 0].into_iter().chain([0u8; 300]).collect();
        let compressed = chunk(2, &deflate(&data));
        let inflated = checked_chunk(&compressed).unwrap();
        let mut expected = chunk(1, &data);
        expected[4..8].copy_from_slice(&[9, 9, 9, 9]);
        assert_eq!(&inflated[..], &expected[..]);
        // Truncated, corrupt, or followed by other bytes: refused.
        let stream = deflate(&data);
        assert_eq!(checked_chunk(&chunk(2, &stream[..stream.len() - 2])), Err(ChangeLimitError::BadDeflate));
        let mut trailing = stream.clone();
        trailing.push(0);
        assert_eq!(checked_chunk(&chunk(2, &trailing)), Err(ChangeLimitError::BadDeflate));
        assert_eq!(checked_chunk(&chunk(2, &[0xff; 16])), Err(ChangeLimitError::BadDeflate));
        // Exactly at the limit passes; one byte more does not.
        let at_limit = vec![0u8; MAX_CHANGE_BYTES];
        assert_eq!(checked_chunk(&chunk(2, &deflate(&at_limit))).unwrap().len(), 12 + MAX_CHANGE_BYTES);
        let over = vec![0u8; MAX_CHANGE_BYTES + 1];
        assert_eq!(checked_chunk(&chunk(2, &deflate(&over))), Err(ChangeLimitError::InflatesTooLarge));
    }
}
