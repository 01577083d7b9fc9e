//! The words a search finds a submission by: every word of its public
//! text (title, summary, insights, lessons and every other field of text,
//! long text or list of text the table of kinds declares, sealed ones
//! never), lowercased, each once.

use convene_protocol::kinds::{Field, Shape, SubmissionKind};
use serde_json::{Map, Value};

/// Longest word kept, in characters (longer runs are not words people
/// search for: ids, links).
const MAX_WORD_CHARS: usize = 40;

/// Whether `c` ends a word: spaces and punctuation (marks such as Arabic
/// vowel signs belong to their word).
fn separates(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c, '،' | '؛' | '؟' | '«' | '»' | '“' | '”' | '‘' | '’' | '…' | '—' | '–' | '¿' | '¡' | '·')
}

/// The lowercased words of `text`, in order, repeats included.
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(separates)
        .filter(|word| !word.is_empty() && word.chars().count() <= MAX_WORD_CHARS)
        .map(str::to_lowercase)
}

/// The distinct words of a submission's public text, joined by spaces.
pub(crate) fn of_fields(kind: SubmissionKind, fields: &Map<String, Value>) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    let mut add = |text: &str| {
        for word in tokens(text) {
            if !seen.contains(&word) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&word);
                seen.insert(word);
            }
        }
    };
    for field in kind.spec().fields {
        collect(field, fields.get(field.name), &mut add);
    }
    out
}

fn collect(field: &Field, value: Option<&Value>, add: &mut impl FnMut(&str)) {
    let Some(value) = value else { return };
    if field.sealed {
        return;
    }
    match (&field.shape, value) {
        (Shape::Text { .. } | Shape::LongText { .. }, Value::String(text)) => add(text),
        (Shape::TextList { .. }, Value::Array(items)) => items.iter().filter_map(Value::as_str).for_each(add),
        (Shape::Group(members), Value::Object(group)) => {
            for member in *members {
                collect(member, group.get(member.name), add);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_spaces_and_punctuation_and_keep_marks() {
        let words: Vec<String> = tokens("Offer an OFFLINE fallback; l'accès, «العَدالة» — 2025.").collect();
        assert_eq!(words, ["offer", "an", "offline", "fallback", "l", "accès", "العَدالة", "2025"]);
        assert_eq!(tokens(&"x".repeat(41)).count(), 0);
    }

    #[test]
    fn public_text_fields_give_their_words_once_and_sealed_ones_none() {
        let fields = serde_json::json!({
            "title": "Inclusive ID in Kisumu",
            "summary": "We discussed enrolment. Inclusive enrolment!",
            "insights": ["Offer an offline fallback", "Publish agreements"],
            "participants_count": 24,
            "contact": { "name": "Ama Secret", "email": "ama@example.org" },
        });
        let words = of_fields(SubmissionKind::ConveningReport, fields.as_object().expect("object"));
        for word in ["inclusive", "kisumu", "enrolment", "offline", "publish", "agreements"] {
            assert!(words.split(' ').any(|have| have == word), "{word} in {words}");
        }
        assert_eq!(words.matches("enrolment").count(), 1, "each word once");
        assert!(!words.contains("secret") && !words.contains("ama"), "sealed contact left out: {words}");
    }
}
