//! BLAKE3 verified streaming over chunk groups, with `blake3::hazmat`.
//!
//! BLAKE3 hashes 1 KiB chunks as the leaves of a binary tree whose left
//! subtrees always hold a power of two of chunks. A **group** is 16 chunks
//! (16 KiB) starting at a multiple of 16 KiB; every group (the last one
//! perhaps short) is a whole subtree of that tree, so its chaining value
//! (CV) can be computed from its bytes alone, and checked against the
//! blob's hash with the CVs of the subtrees beside its path to the root:
//! its **proof**, 32 bytes per level, top down (≈ 2 % of a group for a
//! 10 MB blob). This is the bao format's tree at a chunk-group size of 16,
//! as iroh-blobs uses, without its encoding.

use blake3::hazmat::{ChainingValue, HasherExt, Mode, left_subtree_len, merge_subtrees_non_root, merge_subtrees_root};

/// Bytes in a chunk group: 16 BLAKE3 chunks.
pub const GROUP_BYTES: u64 = 16 * 1024;

/// How many groups a blob of `size` bytes has (an empty blob has one, empty).
pub fn group_count(size: u64) -> u64 {
    size.div_ceil(GROUP_BYTES).max(1)
}

/// Where group `index` of a blob of `size` lies: offset and length.
pub fn group_span(size: u64, index: u64) -> (u64, u64) {
    let offset = index * GROUP_BYTES;
    (offset, GROUP_BYTES.min(size.saturating_sub(offset)))
}

/// The path from the root down to group `index`: per level, the sibling
/// subtree (offset, length) and whether the path goes left.
fn path(size: u64, index: u64) -> Vec<(u64, u64, bool)> {
    let target = index * GROUP_BYTES;
    let (mut start, mut len) = (0, size);
    let mut out = Vec::new();
    while len > GROUP_BYTES {
        let left = left_subtree_len(len);
        if target < start + left {
            out.push((start + left, len - left, true));
            len = left;
        } else {
            out.push((start, left, false));
            start += left;
            len -= left;
        }
    }
    out
}

/// The CV of a group's bytes at `offset` (for a blob of more than one group).
pub fn group_cv(offset: u64, data: &[u8]) -> ChainingValue {
    let mut hasher = blake3::Hasher::new();
    hasher.set_input_offset(offset);
    hasher.update(data);
    hasher.finalize_non_root()
}

/// The CV of the subtree (offset, length) from the CVs of its groups.
fn subtree_cv(cvs: &[ChainingValue], start: u64, len: u64) -> Option<ChainingValue> {
    if len <= GROUP_BYTES {
        return cvs.get(usize::try_from(start / GROUP_BYTES).ok()?).copied();
    }
    let left = left_subtree_len(len);
    let left_cv = subtree_cv(cvs, start, left)?;
    let right_cv = subtree_cv(cvs, start + left, len - left)?;
    Some(merge_subtrees_non_root(&left_cv, &right_cv, Mode::Hash))
}

/// The CV of every group of `bytes` (none for a blob of one group).
pub fn group_cvs(bytes: &[u8]) -> Vec<ChainingValue> {
    if bytes.len() as u64 <= GROUP_BYTES {
        return Vec::new();
    }
    bytes
        .chunks(GROUP_BYTES as usize)
        .enumerate()
        .map(|(index, data)| group_cv(index as u64 * GROUP_BYTES, data))
        .collect()
}

/// The proof of group `index` of a blob of `size` from the CVs of all its groups.
pub fn proof(cvs: &[ChainingValue], size: u64, index: u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for (start, len, _) in path(size, index) {
        out.extend_from_slice(&subtree_cv(cvs, start, len)?);
    }
    Some(out)
}

/// Why a group does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// Not the group's length, or no such group.
    Length,
    /// The proof is not one CV per level.
    ProofLength,
    /// The bytes and proof do not hash to the blob's hash.
    Hash,
}

/// Checks group `index` of the blob `root` of `size` bytes; returns the
/// group's CV (to serve proofs of other groups later).
pub fn verify(root: &[u8; 32], size: u64, index: u64, data: &[u8], proof: &[u8]) -> Result<ChainingValue, Mismatch> {
    if index >= group_count(size) || data.len() as u64 != group_span(size, index).1 {
        return Err(Mismatch::Length);
    }
    if size <= GROUP_BYTES {
        // One group: the blob itself, checked whole.
        if !proof.is_empty() {
            return Err(Mismatch::ProofLength);
        }
        let hash = *blake3::hash(data).as_bytes();
        return if &hash == root { Ok(hash) } else { Err(Mismatch::Hash) };
    }
    let path = path(size, index);
    if proof.len() != path.len() * 32 {
        return Err(Mismatch::ProofLength);
    }
    let own = group_cv(index * GROUP_BYTES, data);
    let mut cv = own;
    for (level, (_, _, goes_left)) in path.iter().enumerate().rev() {
        let sibling: ChainingValue = proof[level * 32..level * 32 + 32].try_into().expect("32 bytes");
        let (left, right) = if *goes_left { (cv, sibling) } else { (sibling, cv) };
        if level == 0 {
            return if merge_subtrees_root(&left, &right, Mode::Hash).as_bytes() == root {
                Ok(own)
            } else {
                Err(Mismatch::Hash)
            };
        }
        cv = merge_subtrees_non_root(&left, &right, Mode::Hash);
    }
    unreachable!("a blob of more than one group has a path of at least one level")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_of_every_shape_verifies_and_nothing_else_does() {
        for size in [0, 1, 1024, 16 * 1024, 16 * 1024 + 1, 5 * 16 * 1024 + 7, 33 * 16 * 1024, 100_000] {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            let root = *blake3::hash(&bytes).as_bytes();
            let cvs = group_cvs(&bytes);
            for index in 0..group_count(size) {
                let (offset, len) = group_span(size, index);
                let data = &bytes[offset as usize..(offset + len) as usize];
                let proof = proof(&cvs, size, index).unwrap();
                assert!(verify(&root, size, index, data, &proof).is_ok(), "size {size} group {index}");
                if !data.is_empty() {
                    let mut bad = data.to_vec();
                    bad[0] ^= 1;
                    assert_eq!(verify(&root, size, index, &bad, &proof), Err(Mismatch::Hash));
                }
                if !proof.is_empty() {
                    let mut bad = proof.clone();
                    bad[5] ^= 1;
                    assert_eq!(verify(&root, size, index, data, &bad), Err(Mismatch::Hash));
                    assert_eq!(verify(&root, size, index, data, &proof[32..]), Err(Mismatch::ProofLength));
                }
            }
            assert_eq!(verify(&root, size, group_count(size), &[], &[]), Err(Mismatch::Length));
        }
    }
}
