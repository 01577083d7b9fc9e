//! Printing helpers shared by the commands.

use std::io::Write;

use serde::Serialize;

use crate::exit::Failure;

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(|error| Failure::new(crate::exit::FAILED, error.to_string()))?;
    writeln!(out)?;
    Ok(())
}

/// A date and time from milliseconds since the epoch, UTC, to the minute
/// (the same words the web UI shows).
pub fn format_ms(ms: u64) -> String {
    convene_web::format_time(ms)
}

/// User text as printed: bidi controls (a right-to-left override in a
/// title…) shown escaped as `\u{202E}`, so they cannot make the rest of
/// the line read backwards. Every command prints user text through this.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    convene_web::bidi::escape(text)
}

/// Cuts `text` to `width` characters, marking the cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_shown_escaped() {
        assert_eq!(shown("Hall \u{202E}lanoitan"), "Hall \\u{202E}lanoitan");
        assert_eq!(shown("Hall \u{2067}x\u{200F}"), "Hall \\u{2067}x\\u{200F}");
        assert_eq!(shown("كينيا"), "كينيا");
    }

    #[test]
    fn dates_format_in_utc() {
        assert_eq!(format_ms(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_ms(1_700_000_000_000), "2023-11-14 22:13 UTC");
    }
}
