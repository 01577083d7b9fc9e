//! The UI's languages and its messages.
//!
//! Every string a page shows comes from [`tr`] (or [`tr_args`] for a
//! message with arguments), in English, French, Spanish or Arabic
//! (right-to-left). The messages are Project Fluent files, one per language
//! (`web-ui/locales/{en,fr,es,ar}.ftl`, compiled into the binary); a count
//! picks its plural form by the language's CLDR plural rules (Arabic has
//! six: zero, one, two, few, many, other). The language is the `lang` cookie (set by the
//! switcher), else the best match in `Accept-Language`, else English.
//! Submissions' own text is shown as it is; taxonomy titles come from the
//! taxonomy document; validation problems are worded by the protocol's
//! message table (`convene_protocol::problem_words`), in the same languages.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

/// A language of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Arabic (right-to-left).
    Ar,
}

impl Lang {
    /// Every UI language, in switcher order.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Fr, Lang::Es, Lang::Ar];

    /// Its BCP 47 tag.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ar => "ar",
        }
    }

    /// Its name, in itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::Ar => "العربية",
        }
    }

    /// `rtl` for Arabic, else `ltr`.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// The UI language for a tag such as `fr-CA`, if there is one.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.code() == primary)
    }

    /// The language of a request: the `lang` cookie, else `Accept-Language`
    /// (by its q-values), else English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(lang) = crate::web::cookie(headers, "lang").and_then(|value| Lang::parse(&value)) {
            return lang;
        }
        let accept = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
        accept.and_then(best_accepted).unwrap_or(Lang::En)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The UI language with the highest q-value in an `Accept-Language` header.
fn best_accepted(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("");
        let quality = parts
            .find_map(|part| part.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(lang) = Lang::parse(tag)
            && quality > 0.0
            && best.is_none_or(|(have, _)| quality > have)
        {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// The messages of one language: its Fluent bundle, and every message
/// without arguments formatted once, so [`tr`] hands out `&'static str`.
struct Catalog {
    bundle: FluentBundle<FluentResource>,
    plain: HashMap<String, String>,
}

/// The message files, one per language in [`Lang::ALL`] order, compiled
/// into the binary. An id is the code's key with `-` for `.`
/// (`browse.results` is `browse-results`).
const SOURCES: [&str; 4] = [
    include_str!("../locales/en.ftl"),
    include_str!("../locales/fr.ftl"),
    include_str!("../locales/es.ftl"),
    include_str!("../locales/ar.ftl"),
];

static CATALOGS: LazyLock<[Catalog; 4]> = LazyLock::new(|| Lang::ALL.map(Catalog::load));

impl Catalog {
    /// Parses and formats a language's file; a file that does not parse
    /// is a bug the unit tests catch, so this panics on it.
    fn load(lang: Lang) -> Catalog {
        let source = SOURCES[lang.index()];
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, errors)| panic!("locales/{}.ftl does not parse: {errors:?}", lang.code()));
        let ids: Vec<String> = resource
            .entries()
            .filter_map(|entry| match entry {
                ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect();
        let locale: LanguageIdentifier = lang.code().parse().expect("a valid language tag");
        let mut bundle = FluentBundle::new_concurrent(vec![locale]);
        // No isolation marks around arguments. Ours are numbers, sizes,
        // times, addresses and our own words, which need none; marks inside
        // an attribute (`alt`, `title`) or an input's value would be
        // copied with the text, and tests and readers compare text. The
        // one kind of argument that can be right-to-left in a left-to-right
        // sentence, user text such as a file's name, is isolated by the
        // caller ([`isolate`]), and in markup by `<bdi>`.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("locales/{}.ftl repeats a message: {errors:?}", lang.code()));
        let mut plain = HashMap::new();
        for id in ids {
            let Some(pattern) = bundle.get_message(&id).and_then(|message| message.value()) else { continue };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors).into_owned();
            // A message that needs arguments fails to format without them.
            if errors.is_empty() {
                plain.insert(id.replace('-', "."), text);
            }
        }
        Catalog { bundle, plain }
    }
}

fn catalog(lang: Lang) -> &'static Catalog {
    &CATALOGS[lang.index()]
}

/// The UI string `key` (a message without arguments) in `lang`; `?` if it
/// is unknown (a test checks that every key used exists).
pub fn tr(lang: Lang, key: &str) -> &'static str {
    match catalog(lang).plain.get(key) {
        Some(text) => text,
        None => {
            tracing::warn!("missing UI string {key}");
            "?"
        }
    }
}

/// Whether `key` is a message (with or without arguments).
pub fn has(key: &str) -> bool {
    catalog(Lang::En).bundle.has_message(&key.replace('.', "-"))
}

/// An argument of a message: a number (which picks the plural form by the
/// language's CLDR rules) or text.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// A count.
    Count(u64),
    /// Text shown as it is (a decimal already formatted, a time, a name).
    Text(&'a str),
}

/// The message `key` in `lang` with its arguments (`{ $name }` in the
/// files); `?` if it is unknown.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let bundle = &catalog(lang).bundle;
    let Some(pattern) = bundle.get_message(&key.replace('.', "-")).and_then(|message| message.value()) else {
        tracing::warn!("missing UI string {key}");
        return "?".to_owned();
    };
    let args: FluentArgs = args
        .iter()
        .map(|(name, arg)| {
            let value = match arg {
                Arg::Count(count) => FluentValue::from(*count),
                Arg::Text(text) => FluentValue::from(*text),
            };
            (*name, value)
        })
        .collect();
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&args), &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::warn!("UI string {key}: {errors:?}");
    }
    text
}

/// A count in `lang`'s digits and grouping (CLDR's decimal pattern, Latin
/// digits as everywhere in the UI): `12,345` in English and Arabic,
/// `12 345` (narrow no-break space) in French, `12.345` in Spanish, which
/// groups only from five digits (CLDR's minimum grouping digits: `1234`).
pub fn number(lang: Lang, count: u64) -> String {
    let digits = count.to_string();
    let (separator, least) = match lang {
        Lang::En | Lang::Ar => (",", 4),
        Lang::Fr => ("\u{202F}", 4),
        Lang::Es => (".", 5),
    };
    if digits.len() < least {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

/// `text` between a first-strong isolate and its closing mark, for user
/// text given as an argument where no `<bdi>` can go.
pub fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(lang: Lang) -> Vec<String> {
        let resource = FluentResource::try_new(SOURCES[lang.index()].to_owned()).expect("parses");
        let mut ids: Vec<String> = resource
            .entries()
            .filter_map(|entry| match entry {
                ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn every_language_has_every_message_and_no_other() {
        let english = ids(Lang::En);
        assert!(english.len() > 200, "the English file holds {} messages", english.len());
        for lang in Lang::ALL {
            let have = ids(lang);
            for id in &english {
                assert!(have.contains(id), "{id} is missing from locales/{}.ftl", lang.code());
            }
            for id in &have {
                assert!(english.contains(id), "{id} of locales/{}.ftl is not in en.ftl", lang.code());
            }
            for id in &have {
                let key = id.replace('-', ".");
                let text = if catalog(lang).plain.contains_key(&key) {
                    tr(lang, &key).to_owned()
                } else {
                    tr_args(lang, &key, &[])
                };
                assert!(!text.trim().is_empty(), "{id} is empty in {}", lang.code());
            }
        }
    }

    /// The keys the code names as literals: the argument of `.t("…")`,
    /// `.tf("…"`, `tr(lang, "…")` and `tr_args(lang, "…"`.
    fn keys_used(source: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for opening in [".t(\"", ".tf(\"", "tr(lang, \"", "tr_args(lang, \""] {
            for (at, _) in source.match_indices(opening) {
                let before = source[..at].chars().next_back().unwrap_or(' ');
                if !opening.starts_with('.') && (before.is_alphanumeric() || before == '_') {
                    continue;
                }
                let rest = &source[at + opening.len()..];
                let key = &rest[..rest.find('"').unwrap_or(0)];
                if key.contains('.') && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
                    keys.push(key.to_owned());
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut checked = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("source folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") && !path.ends_with("i18n.rs") {
                    for key in keys_used(&std::fs::read_to_string(&path).expect("source")) {
                        assert!(has(&key), "{} uses {key}, which no message file has", path.display());
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 150, "only {checked} keys found in the code");
    }

    #[test]
    fn counts_are_grouped_as_each_language_groups_them() {
        assert_eq!(number(Lang::En, 0), "0");
        assert_eq!(number(Lang::En, 999), "999");
        assert_eq!(number(Lang::En, 1234), "1,234");
        assert_eq!(number(Lang::En, 100_000), "100,000");
        assert_eq!(number(Lang::Ar, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Fr, 12_345), "12\u{202F}345");
        assert_eq!(number(Lang::Es, 1234), "1234");
        assert_eq!(number(Lang::Es, 12_345), "12.345");
    }

    #[test]
    fn plain_messages_and_arguments() {
        assert_eq!(tr(Lang::En, "action.edit"), "Edit");
        assert_eq!(tr(Lang::Ar, "action.edit"), "تعديل");
        assert_eq!(tr(Lang::Fr, "common.colon"), "\u{a0}: ", "spaces kept, the first a no-break space");
        assert_eq!(tr(Lang::Ar, "common.list_separator"), "، ", "the Arabic comma");
        assert_eq!(tr(Lang::En, "no.such_key"), "?");
        assert!(!has("no.such_key"));
        assert!(has("browse.results"), "a message with arguments is a message");
        let preview = tr_args(Lang::En, "attachment.preview_of", &[("name", Arg::Text("a.jpg"))]);
        assert_eq!(preview, "Preview of a.jpg", "no isolation marks");
    }

    /// Arabic text takes the Arabic comma, semicolon and question mark
    /// (`،` `؛` `؟`), never the Latin ones.
    #[test]
    fn arabic_messages_use_arabic_punctuation() {
        let arabic = |c: char| ('\u{0600}'..='\u{06FF}').contains(&c);
        for line in SOURCES[Lang::Ar.index()].lines().filter(|line| line.chars().any(arabic)) {
            assert!(!line.contains([',', ';', '?']), "a Latin mark in locales/ar.ftl: {line}");
        }
    }

    /// French text takes a no-break space before `:` `;` `?` `!` `»` and
    /// after `«`, and one apostrophe, the straight one.
    #[test]
    fn french_messages_space_their_punctuation() {
        for line in SOURCES[Lang::Fr.index()].lines().filter(|line| !line.starts_with('#')) {
            let text = line.split_once(" = ").map_or(line, |(_, text)| text);
            for mark in [" :", " ;", " ?", " !", " »", "« "] {
                assert!(!text.contains(mark), "a plain space at `{mark}` in locales/fr.ftl: {line}");
            }
            assert!(!text.contains('’'), "a curly apostrophe in locales/fr.ftl: {line}");
        }
    }

    #[test]
    fn counts_take_their_plural_forms() {
        let results = |lang, n| tr_args(lang, "browse.results", &[("n", Arg::Count(n))]);
        assert_eq!(results(Lang::En, 1), "1 submission matches");
        assert_eq!(results(Lang::En, 2), "2 submissions match");
        assert_eq!(results(Lang::Fr, 1), "1 soumission correspond");
        assert_eq!(results(Lang::Fr, 0), "0 soumission correspond", "French: 0 is singular");
        assert_eq!(results(Lang::Es, 1), "1 envío coincide");
        // Arabic: zero, one, two, few (3–10), many (11–99), other (100…).
        let forms: Vec<String> = [0, 1, 2, 3, 11, 100].into_iter().map(|n| results(Lang::Ar, n)).collect();
        assert!(forms[0].contains("لا توجد"), "{}", forms[0]);
        assert!(forms[1].contains("مساهمة واحدة"), "{}", forms[1]);
        assert!(forms[2].contains("مساهمتان"), "{}", forms[2]);
        assert!(forms[3].contains("3 مساهمات"), "{}", forms[3]);
        assert!(forms[4].contains("11 مساهمة"), "{}", forms[4]);
        assert!(forms[5].contains("100 مساهمة"), "{}", forms[5]);
        let peers = |lang, n| tr_args(lang, "sync.peers_online", &[("n", Arg::Count(n))]);
        assert_eq!(peers(Lang::En, 1), "1 peer online");
        assert_eq!(peers(Lang::En, 2), "2 peers online");
    }

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(best_accepted("de, fr;q=0.5, ar;q=0.8"), Some(Lang::Ar));
        assert_eq!(best_accepted("es-419"), Some(Lang::Es));
        assert_eq!(best_accepted("de"), None);
        assert_eq!(best_accepted("fr;q=0"), None);
    }
}
