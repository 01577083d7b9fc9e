//! The rules of the texts a submission holds: country codes, dates, email
//! addresses, language tags, and how values are compared and quoted.

use crate::kinds::MAX_EMAIL_BYTES;
use crate::problem::{DateFlaw, EmailFlaw};

/// The assigned ISO 3166-1 alpha-2 codes, as data: `protocol/data/iso3166-1-alpha2.txt`.
const COUNTRY_CODES_FILE: &str = include_str!("../data/iso3166-1-alpha2.txt");

/// Every assigned ISO 3166-1 alpha-2 country code (249), sorted.
pub fn country_codes() -> impl Iterator<Item = &'static str> {
    COUNTRY_CODES_FILE.lines().filter(|line| !line.starts_with('#')).flat_map(str::split_whitespace)
}

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code, written in capitals
/// (`KE` is; `ke`, `XX` and `UK` are not).
pub fn is_assigned_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) && country_codes().any(|known| known == code)
}

/// The assigned code a bad country code probably means: the same letters in
/// capitals (`ke` → `KE`), or the code of a well-known reserved alias
/// (`UK` → `GB`, `EL` → `GR`).
pub(crate) fn country_suggestion(text: &str) -> Option<String> {
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    let alias = match upper.as_str() {
        "UK" => "GB",
        "EL" => "GR",
        _ => upper.as_str(),
    };
    (is_assigned_country(alias) && alias != text).then(|| alias.to_owned())
}

/// What is wrong with an email address, if anything (a sanity check, not RFC 5322).
pub(crate) fn email_problem(email: &str) -> Option<EmailFlaw> {
    if email.len() > MAX_EMAIL_BYTES {
        return Some(EmailFlaw::TooLong);
    }
    if email.chars().any(char::is_whitespace) {
        return Some(EmailFlaw::Space);
    }
    let Some((local, domain)) = email.split_once('@') else { return Some(EmailFlaw::NoAt) };
    if domain.contains('@') {
        return Some(EmailFlaw::SeveralAts);
    }
    if local.is_empty() {
        return Some(EmailFlaw::NothingBeforeAt);
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Some(EmailFlaw::BadDomain);
    }
    None
}

/// What is wrong with a `YYYY-MM-DD` date, if anything.
pub(crate) fn date_problem(text: &str) -> Option<DateFlaw> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return Some(DateFlaw::NotYyyyMmDd);
    }
    let number = |from: usize, to: usize| text[from..to].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0, 4), number(5, 7), number(8, 10));
    if !(1..=12).contains(&month) {
        return Some(DateFlaw::NoSuchMonth);
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Some(DateFlaw::NoSuchDay);
    }
    if !(1900..=2100).contains(&year) {
        return Some(DateFlaw::YearOutOfRange);
    }
    None
}

/// Days since 1970-01-01 as a civil date `(year, month, day)` (Howard
/// Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A BCP 47 tag in its conventional case (`pt-br` → `pt-BR`, `zh-hant` →
/// `zh-Hant`), or `None` when it is not one: a 2–3 letter language, then
/// subtags of 1–8 letters or digits.
pub(crate) fn canonical_language(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = primary.to_ascii_lowercase();
    let mut extension = false;
    for part in parts {
        if !(1..=8).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let alphabetic = part.bytes().all(|b| b.is_ascii_alphabetic());
        out.push('-');
        if part.len() == 1 {
            extension = true;
        }
        if !extension && alphabetic && part.len() == 2 {
            out.push_str(&part.to_ascii_uppercase());
        } else if !extension && alphabetic && part.len() == 4 {
            out.push_str(&part[..1].to_ascii_uppercase());
            out.push_str(&part[1..].to_ascii_lowercase());
        } else {
            out.push_str(&part.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// A name compared loosely: lower case, `-` and spaces as `_`, no final `s`.
pub(crate) fn loose(name: &str) -> String {
    let lowered = name.trim().to_lowercase().replace(['-', ' '], "_");
    lowered.strip_suffix('s').map(str::to_owned).unwrap_or(lowered)
}

/// Most characters of a value quoted back in a problem.
const MAX_QUOTED_CHARS: usize = 40;

/// A value kept in a [`crate::problem::Problem`]: at most 40 characters (then `…`), control
/// characters dropped.
pub(crate) fn short(text: &str) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(MAX_QUOTED_CHARS).collect();
    if text.chars().filter(|c| !c.is_control()).count() > MAX_QUOTED_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_calendar_dates() {
        for good in ["2024-02-29", "2000-02-29", "2025-12-31", "2025-04-30", "1900-01-01", "2100-12-31"] {
            assert_eq!(date_problem(good), None, "{good}");
        }
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2025-04-31",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "25-01-01",
            "2025-1-01",
            "2025/01/01",
            "2025-01-01T00:00",
            "+025-01-01",
            "1899-12-31",
            "2101-01-01",
            "２０２５-01-01",
        ] {
            assert!(date_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn emails_are_checked_for_sanity() {
        assert_eq!(email_problem("amina.okafor@example.org"), None);
        assert_eq!(email_problem("x@sub.example.co.ke"), None);
        for bad in ["", "a", "a@b", "@b.org", "a @b.org", "a@b@c.org", "a@.org", "a@b.", "a@b..org"] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(email_problem(&long).is_some());
    }

    #[test]
    fn language_tags_are_checked_and_cased() {
        for (tag, canonical) in [
            ("en", "en"),
            ("EN", "en"),
            ("es-419", "es-419"),
            ("pt-br", "pt-BR"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("ast", "ast"),
            ("de-CH-1996", "de-CH-1996"),
            ("en-US-u-ca-gregory", "en-US-u-ca-gregory"),
        ] {
            assert_eq!(canonical_language(tag).as_deref(), Some(canonical), "{tag}");
        }
        for bad in ["", "e", "engl", "english", "en-", "en--US", "en_US", "en-toolongsubtag", "é", "12"] {
            assert_eq!(canonical_language(bad), None, "{bad}");
        }
    }

    #[test]
    fn country_codes_are_the_249_assigned_ones() {
        let codes: Vec<&str> = country_codes().collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "sorted and unique");
        assert!(codes.iter().all(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())));
        for good in ["KE", "GB", "FR", "SS", "BQ", "AX", "TW", "PS"] {
            assert!(is_assigned_country(good), "{good}");
        }
        for bad in ["XX", "UK", "EU", "EL", "AA", "ZZ", "QM", "XK", "ke", "K", "KEN", ""] {
            assert!(!is_assigned_country(bad), "{bad}");
        }
        assert_eq!(country_suggestion("UK").as_deref(), Some("GB"));
        assert_eq!(country_suggestion("uk").as_deref(), Some("GB"));
        assert_eq!(country_suggestion("ke").as_deref(), Some("KE"));
        assert_eq!(country_suggestion("XX"), None);
        assert_eq!(country_suggestion("KE"), None);
    }

    #[test]
    fn quoted_values_are_short() {
        assert_eq!(short("ke"), "ke");
        assert_eq!(short("a\u{7}b"), "ab");
        assert_eq!(short(&"é".repeat(41)), format!("{}…", "é".repeat(40)));
    }
}
