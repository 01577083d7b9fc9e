//! Countries and languages by name, in the page's language: what the forms
//! and filters offer to choose from (a `<datalist>`: a list that can be
//! typed into and works without JavaScript), and the codes the names stand
//! for; and the names of the UN M49 regions the dashboard counts by. The
//! names are the Unicode CLDR's (`web-ui/data/*.tsv`, made by
//! `scripts/cldr-names.py` and `scripts/m49-regions.py`); the stored values
//! stay ISO codes.
//!
//! A name typed in any of the four languages, or a code, is understood;
//! anything else is passed on as typed, so validation says what is wrong
//! rather than the form guessing (nothing is cut or changed silently).

use std::sync::LazyLock;

use maud::{Markup, PreEscaped, html};

use crate::i18n::Lang;

/// The `id` of the countries' list in a page.
pub const COUNTRIES: &str = "countries";
/// The `id` of the languages' list in a page.
pub const LANGUAGES: &str = "languages";

/// A code and its name in each UI language (in `Lang::ALL` order).
struct Named {
    code: &'static str,
    names: [&'static str; 4],
}

static COUNTRY_NAMES: LazyLock<Vec<Named>> = LazyLock::new(|| parse(include_str!("../data/countries.tsv")));
static LANGUAGE_NAMES: LazyLock<Vec<Named>> = LazyLock::new(|| parse(include_str!("../data/languages.tsv")));
static REGION_NAMES: LazyLock<Vec<Named>> = LazyLock::new(|| parse(include_str!("../data/regions.tsv")));

fn parse(text: &'static str) -> Vec<Named> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let mut parts = line.split('\t');
            let code = parts.next().expect("a code");
            let names = [(); 4].map(|()| parts.next().expect("four names (a test checks)"));
            Named { code, names }
        })
        .collect()
}

/// Lower case, for comparing what was typed with a name.
fn folded(text: &str) -> String {
    text.trim().to_lowercase()
}

fn find<'a>(list: &'a [Named], typed: &str) -> Option<&'a Named> {
    let typed = folded(typed);
    list.iter()
        .find(|named| named.code.eq_ignore_ascii_case(&typed))
        .or_else(|| list.iter().find(|named| named.names.iter().any(|name| folded(name) == typed)))
}

/// The country code for what was typed: a code, or a name in any UI language.
pub fn country_code(typed: &str) -> Option<&'static str> {
    find(&COUNTRY_NAMES, typed).map(|named| named.code)
}

/// The country `code`'s name in `lang`.
pub fn country_name(lang: Lang, code: &str) -> Option<&'static str> {
    find(&COUNTRY_NAMES, code)
        .filter(|named| named.code.eq_ignore_ascii_case(code))
        .map(|named| named.names[lang.index()])
}

/// The name in `lang` of a UN M49 region or sub-region (`002`, `014`).
pub fn region_name(lang: Lang, code: &str) -> Option<&'static str> {
    REGION_NAMES.iter().find(|named| named.code == code).map(|named| named.names[lang.index()])
}

/// The language tag for what was typed: a language's name in any UI
/// language becomes its code; a tag (`pt-BR`) is kept as it is.
pub fn language_code(typed: &str) -> Option<&'static str> {
    let typed = typed.trim();
    LANGUAGE_NAMES.iter().find(|named| named.names.iter().any(|name| folded(name) == folded(typed))).map(|n| n.code)
}

/// A language tag's name in `lang`: the language's, with the rest of the
/// tag after it (`Portuguese (BR)`); `None` for a language not listed.
pub fn language_name(lang: Lang, tag: &str) -> Option<String> {
    let (primary, rest) =
        tag.trim().split_once('-').map_or((tag.trim(), None), |(primary, rest)| (primary, Some(rest)));
    let named = LANGUAGE_NAMES.iter().find(|named| named.code.eq_ignore_ascii_case(primary))?;
    let name = named.names[lang.index()];
    Some(match rest {
        Some(rest) => format!("{name} ({rest})"),
        None => name.to_owned(),
    })
}

/// What a country field shows for a stored value: the name of a code, or
/// the text as typed.
pub fn shown_country(lang: Lang, value: &str) -> String {
    country_name(lang, value).map_or_else(|| value.to_owned(), str::to_owned)
}

/// What a language field shows for a stored value: the name of a tag, or
/// the text as typed.
pub fn shown_language(lang: Lang, value: &str) -> String {
    if value.trim().is_empty() || language_code(value).is_some() {
        return value.to_owned();
    }
    language_name(lang, value).unwrap_or_else(|| value.to_owned())
}

/// The lists a page's country and language inputs point at, by name in
/// `lang` (sorted as the language sorts them, roughly: by lower case).
pub fn datalists(lang: Lang) -> Markup {
    let options = |list: &[Named]| {
        let mut names: Vec<&str> = list.iter().map(|named| named.names[lang.index()]).collect();
        names.sort_by_key(|name| folded(name));
        // Bare options (no closing tag) keep every form page light.
        let mut out = String::with_capacity(names.len() * 24);
        for name in names {
            out.push_str("<option value=\"");
            out.push_str(&maud::html! { (name) }.into_string());
            out.push_str("\">");
        }
        PreEscaped(out)
    };
    html! {
        datalist id=(COUNTRIES) { (options(&COUNTRY_NAMES)) }
        datalist id=(LANGUAGES) { (options(&LANGUAGE_NAMES)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_assigned_country_and_the_common_languages_have_four_names() {
        assert_eq!(COUNTRY_NAMES.len(), 249);
        assert!(LANGUAGE_NAMES.len() > 150);
        for named in COUNTRY_NAMES.iter().chain(LANGUAGE_NAMES.iter()) {
            assert!(named.names.iter().all(|name| !name.trim().is_empty() && !name.contains('"')), "{}", named.code);
        }
    }

    #[test]
    fn names_in_any_ui_language_find_their_codes() {
        assert_eq!(country_code("Kenya"), Some("KE"));
        assert_eq!(country_code("nigeria"), Some("NG"));
        assert_eq!(country_code("Nicaragua"), Some("NI"));
        assert_eq!(country_code("Kenia"), Some("KE"));
        assert_eq!(country_code("كينيا"), Some("KE"));
        assert_eq!(country_code("ke"), Some("KE"));
        assert_eq!(country_code("Kenyaa"), None);
        assert_eq!(country_name(Lang::Fr, "GB"), Some("Royaume-Uni"));
        assert_eq!(language_code("French"), Some("fr"));
        assert_eq!(language_code("francés"), Some("fr"));
        assert_eq!(language_code("fr"), None, "a tag is kept as typed");
        assert_eq!(language_name(Lang::En, "pt-BR").as_deref(), Some("Portuguese (BR)"));
        assert_eq!(shown_language(Lang::Ar, "sw"), "السواحلية");
        assert_eq!(shown_country(Lang::Es, "KE"), "Kenia");
        assert_eq!(shown_country(Lang::Es, "Atlantis"), "Atlantis");
    }

    #[test]
    fn the_lists_are_in_the_pages_language() {
        let html = datalists(Lang::Es).into_string();
        assert!(html.contains(r#"<datalist id="countries"><option value="Afganistán">"#), "{}", &html[..200]);
        assert!(html.contains(r#"<option value="Kenia">"#) && html.contains(r#"<option value="francés">"#));
    }
}
