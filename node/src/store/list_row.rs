//! The stored form of a list row: a compact binary record, because listing
//! decodes every row of the corpus (100,000 of them in well under a second).
//!
//! Layout: created (u64 BE) ‖ kind (its code in the table of kinds, u8) ‖ creator ‖ title ‖ language ‖
//! country? ‖ date? ‖ principles ‖ risks ‖ stages ‖ dpi types ‖ stakeholder
//! groups ‖ words?, where a text is `u16 length ‖ UTF-8`, an optional text is `u8 flag
//! ‖ text`, a list is `u8 count ‖ texts`, and the words (what a search
//! finds it by, `words.rs`) are `u32 length ‖ UTF-8`, absent from rows
//! stored before there were words. The document id is the key.

use convene_protocol::entry::DocumentId;
use convene_protocol::kinds::SubmissionKind;
use convene_protocol::schema::Summary;

use super::ListRow;

fn put_text(out: &mut Vec<u8>, text: &str) {
    let bytes = &text.as_bytes()[..text.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    let items = &items[..items.len().min(u8::MAX as usize)];
    out.push(items.len() as u8);
    for item in items {
        put_text(out, item);
    }
}

fn put_option(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => {
            out.push(1);
            put_text(out, text);
        }
        None => out.push(0),
    }
}

/// Encodes a row and its words (its id is the key, not part of the value).
pub(crate) fn encode(row: &ListRow, words: &str) -> Vec<u8> {
    let summary = &row.summary;
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&row.created_ms.to_be_bytes());
    out.push(summary.kind.spec().code);
    put_text(&mut out, &row.creator);
    put_text(&mut out, &summary.title);
    put_text(&mut out, &summary.language);
    put_option(&mut out, summary.country.as_deref());
    put_option(&mut out, summary.date.as_deref());
    for list in [
        &summary.principles,
        &summary.risks,
        &summary.lifecycle_stages,
        &summary.dpi_types,
        &summary.stakeholder_groups,
    ] {
        put_list(&mut out, list);
    }
    out.extend_from_slice(&(words.len() as u32).to_be_bytes());
    out.extend_from_slice(words.as_bytes());
    out
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, count: usize) -> Option<&[u8]> {
        let (head, tail) = self.0.split_at_checked(count)?;
        self.0 = tail;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    fn text(&mut self) -> Option<String> {
        let length = u16::from_be_bytes(self.take(2)?.try_into().ok()?) as usize;
        String::from_utf8(self.take(length)?.to_vec()).ok()
    }

    fn option(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            _ => self.text().map(Some),
        }
    }

    fn list(&mut self) -> Option<Vec<String>> {
        let count = self.byte()?;
        (0..count).map(|_| self.text()).collect()
    }
}

/// Decodes a row stored under `id`; `None` when the bytes are damaged.
pub(crate) fn decode(id: DocumentId, bytes: &[u8]) -> Option<ListRow> {
    decode_with_words(id, bytes).map(|(row, _)| row)
}

/// Decodes a row stored under `id` and its words (empty in a row stored
/// before there were words); `None` when the bytes are damaged.
pub(crate) fn decode_with_words(id: DocumentId, bytes: &[u8]) -> Option<(ListRow, String)> {
    let mut cursor = Cursor(bytes);
    let created_ms = u64::from_be_bytes(cursor.take(8)?.try_into().ok()?);
    let kind = SubmissionKind::from_code(cursor.byte()?)?;
    let creator = cursor.text()?;
    let summary = Summary {
        kind,
        title: cursor.text()?,
        language: cursor.text()?,
        country: cursor.option()?,
        date: cursor.option()?,
        principles: cursor.list()?,
        risks: cursor.list()?,
        lifecycle_stages: cursor.list()?,
        dpi_types: cursor.list()?,
        stakeholder_groups: cursor.list()?,
    };
    let words = if cursor.0.is_empty() {
        String::new()
    } else {
        let length = u32::from_be_bytes(cursor.take(4)?.try_into().ok()?) as usize;
        String::from_utf8(cursor.take(length)?.to_vec()).ok()?
    };
    cursor.0.is_empty().then_some((ListRow { id, creator, created_ms, summary, desk: None }, words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_damage_is_detected() {
        let row = ListRow {
            id: DocumentId([3; 32]),
            creator: "did:key:z6Mkexample".into(),
            created_ms: 1_700_000_000_000,
            summary: Summary {
                kind: SubmissionKind::CaseStudy,
                title: "Paiements numériques à Dakar".into(),
                language: "fr".into(),
                country: Some("SN".into()),
                date: None,
                principles: vec!["F1".into(), "O3".into()],
                risks: vec![],
                lifecycle_stages: vec!["L2".into()],
                dpi_types: vec!["payments".into()],
                stakeholder_groups: vec![],
            },
            desk: None,
        };
        let bytes = encode(&row, "paiements numériques dakar");
        assert_eq!(bytes[8], 1, "a case study is stored with its code, as before the table had codes");
        assert_eq!(decode(row.id, &bytes), Some(row.clone()));
        assert_eq!(decode_with_words(row.id, &bytes), Some((row.clone(), "paiements numériques dakar".into())));
        let without_words = &bytes[..bytes.len() - 4 - "paiements numériques dakar".len()];
        assert_eq!(decode_with_words(row.id, without_words), Some((row.clone(), String::new())), "an older row");
        assert_eq!(decode(row.id, &bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(row.id, &longer), None);
    }
}
