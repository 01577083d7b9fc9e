//! The calendar of convenings, built from the convening announcements a
//! node holds: in date order for the calendar page, and as an iCalendar
//! file (RFC 5545) any calendar program subscribes to.

use convene_protocol::kinds::SubmissionKind;

use crate::error::NodeError;
use crate::node::Node;
use crate::query::Filter;
use crate::store::ListRow;

/// The announcements a node holds (hidden ones left out), by their date,
/// soonest first; those without a date are left out.
pub fn announcements(node: &Node) -> Result<Vec<ListRow>, NodeError> {
    let filter = Filter { kind: Some(SubmissionKind::ConveningAnnouncement), ..Filter::default() };
    let mut rows: Vec<ListRow> =
        node.list(&filter, 0, usize::MAX)?.rows.into_iter().filter(|row| row.summary.date.is_some()).collect();
    rows.sort_by(|a, b| (&a.summary.date, a.id).cmp(&(&b.summary.date, b.id)));
    Ok(rows)
}

/// An iCalendar file of `rows`: one all-day event each, named by its
/// title, placed in its country, its id the announcement's; `now_ms` stamps it.
pub fn ics(rows: &[ListRow], now_ms: u64) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold(&text, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Convene//Calendar of convenings//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("X-WR-CALNAME:Convenings".into());
    let stamp = stamp(now_ms);
    for row in rows {
        let Some(date) = row.summary.date.as_deref().and_then(compact_date) else { continue };
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}@convene", row.id));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{date}"));
        line(format!("SUMMARY:{}", escape(&row.summary.title)));
        if let Some(country) = &row.summary.country {
            line(format!("LOCATION:{}", escape(country)));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// `YYYY-MM-DD` as `YYYYMMDD`, or `None` for anything else.
fn compact_date(date: &str) -> Option<String> {
    let bytes = date.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(at, byte)| at == 4 || at == 7 || byte.is_ascii_digit());
    shaped.then(|| date.replace('-', ""))
}

/// `YYYYMMDDTHHMMSSZ` of a time in ms since the epoch.
fn stamp(ms: u64) -> String {
    let seconds = ms / 1000;
    let (year, month, day) = convene_protocol::text_rules::civil_from_days((seconds / 86_400) as i64);
    let of_day = seconds % 86_400;
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", of_day / 3600, of_day / 60 % 60, of_day % 60)
}

/// Text as a property value: backslash, semicolon, comma and line breaks escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other if other.is_control() => {}
            other => out.push(other),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets (never inside a character)
/// and ended with CRLF.
fn fold(text: &str, out: &mut String) {
    let mut length = 0;
    for character in text.chars() {
        if length + character.len_utf8() > 75 {
            out.push_str("\r\n ");
            length = 1;
        }
        out.push(character);
        length += character.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::entry::DocumentId;
    use convene_protocol::schema::Summary;

    fn row(title: &str, date: Option<&str>) -> ListRow {
        ListRow {
            id: DocumentId([7; 32]),
            creator: "did:key:z6Mkexample".into(),
            created_ms: 0,
            summary: Summary {
                kind: SubmissionKind::ConveningAnnouncement,
                title: title.into(),
                language: "en".into(),
                country: Some("KE".into()),
                date: date.map(str::to_owned),
                principles: vec![],
                risks: vec![],
                lifecycle_stages: vec![],
                dpi_types: vec![],
                stakeholder_groups: vec![],
            },
            desk: None,
        }
    }

    #[test]
    fn events_are_escaped_folded_and_dated() {
        let long = "Safeguards, payments; and \\ IDs\n".repeat(4) + "حوكمة البنية التحتية الرقمية العامة";
        let text = ics(&[row(&long, Some("2027-03-09")), row("Undated", None)], 1_796_774_400_000);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{text}");
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "an event needs a date");
        assert!(text.contains("DTSTART;VALUE=DATE:20270309\r\n"));
        assert!(text.contains("DTSTAMP:20261209T000000Z\r\n"));
        assert!(text.contains("LOCATION:KE\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "folded: {line:?}");
        }
        let unfolded = text.replace("\r\n ", "");
        let summary = unfolded.lines().find(|line| line.starts_with("SUMMARY:")).unwrap();
        assert!(summary.starts_with("SUMMARY:Safeguards\\, payments\\; and \\\\ IDs\\nSafeguards"), "{summary}");
        assert!(summary.ends_with("حوكمة البنية التحتية الرقمية العامة"));
    }

    #[test]
    fn only_a_calendar_date_is_a_date() {
        assert_eq!(compact_date("2027-03-09").as_deref(), Some("20270309"));
        for bad in ["2027-3-9", "2027/03/09", "20270309", "2027-03-0x"] {
            assert_eq!(compact_date(bad), None, "{bad}");
        }
    }
}
