//! Bidirectional text: the controls that can make other text read
//! backwards (a right-to-left override in a title), in one place. Pages
//! isolate user text (`<bdi>` or `dir="auto"`); the CLI shows the controls
//! escaped with [`escape`].

/// Whether `c` is a bidi control: the embeddings and overrides
/// (U+202A–U+202E), the isolates (U+2066–U+2069), the marks (U+200E,
/// U+200F) and the Arabic letter mark (U+061C).
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `text` with every bidi control shown as `\u{…}` (and a backslash before
/// such a spelling already in the text, so the two cannot be confused).
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| is_control(c) || c == '\\') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_control(c) {
            out.push_str(&format!("\\u{{{:X}}}", u32::from(c)));
        } else if c == '\\' && chars.peek() == Some(&'u') {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// `text` without bidi controls, for where no markup can isolate it (the
/// page's `<title>`).
pub fn strip(text: &str) -> String {
    text.chars().filter(|&c| !is_control(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_escaped() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("abc\u{202E}fed"), "abc\\u{202E}fed");
        for c in ['\u{202A}', '\u{202D}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}'] {
            assert!(!escape(&format!("x{c}y")).contains(c));
        }
        assert_eq!(escape("عربي"), "عربي", "right-to-left letters stay");
        assert_eq!(escape("a\\u{202E}"), "a\\\\u{202E}", "a typed escape is not a control");
        assert_eq!(escape("C:\\path"), "C:\\path");
        assert_eq!(strip("a\u{202E}b\u{2067}c"), "abc");
    }
}
