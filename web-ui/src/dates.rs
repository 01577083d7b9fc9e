//! Dates and times in the page's language, by CLDR's patterns (Gregorian
//! calendar, `dateFormats/medium` and `timeFormats/short`, joined by
//! `dateTimeFormats/medium`), written out by hand for the four languages:
//!
//! | lang | medium date     | short time | date and time |
//! |------|-----------------|------------|---------------|
//! | en   | `MMM d, y`      | `h:mm a`   | `{1}, {0}`    |
//! | fr   | `d MMM y`       | `HH:mm`    | `{1} {0}`     |
//! | es   | `d MMM y`       | `H:mm`     | `{1}, {0}`    |
//! | ar   | `dd‏/MM‏/y`     | `h:mm a`   | `{1}، {0}`    |
//!
//! A month of a year (the dashboard's) is CLDR's `yMMM`: `MMM y` in all
//! four. Arabic's date pattern carries a right-to-left mark after each of the
//! first two numbers, which keeps day, month and year in reading order in a
//! right-to-left line. Digits are Latin in every language, as elsewhere in
//! the UI. Times are UTC, said so with CLDR's name for the zero offset
//! (`gmtZeroFormat`: "UTC"; Arabic "غرينتش"). Each is shown in a
//! `<time datetime="…">` with the page's direction, which isolates it from
//! the text around it.

use convene_protocol::text_rules::civil_from_days;
use maud::{Markup, html};

use crate::i18n::Lang;

/// CLDR's abbreviated month names (format context).
const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const FR_MONTHS: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
const ES_MONTHS: [&str; 12] = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];

/// CLDR's Arabic month names (format context, abbreviated and wide alike).
const AR_MONTHS: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

/// A month of a year in `lang`: CLDR's `yMMM` skeleton, `MMM y` in all
/// four languages (`Mar 2025`, `mars 2025`, `mar 2025`, `مارس 2025`).
pub fn month_text(lang: Lang, year: i64, month: u32) -> String {
    let names = match lang {
        Lang::En => EN_MONTHS,
        Lang::Fr => FR_MONTHS,
        Lang::Es => ES_MONTHS,
        Lang::Ar => AR_MONTHS,
    };
    format!("{} {year}", names[(month.clamp(1, 12) - 1) as usize])
}

/// A calendar date in `lang`'s medium pattern.
pub fn date_text(lang: Lang, year: i64, month: u32, day: u32) -> String {
    let name = |names: [&'static str; 12]| names[(month.clamp(1, 12) - 1) as usize];
    match lang {
        Lang::En => format!("{} {day}, {year}", name(EN_MONTHS)),
        Lang::Fr => format!("{day} {} {year}", name(FR_MONTHS)),
        Lang::Es => format!("{day} {} {year}", name(ES_MONTHS)),
        Lang::Ar => format!("{day:02}\u{200F}/{month:02}\u{200F}/{year}"),
    }
}

/// A time of day (minutes since midnight) in `lang`'s short pattern.
fn time_text(lang: Lang, minute_of_day: u64) -> String {
    let (hour, minute) = (minute_of_day / 60, minute_of_day % 60);
    let twelve = if hour % 12 == 0 { 12 } else { hour % 12 };
    match lang {
        Lang::En => format!("{twelve}:{minute:02} {}", if hour < 12 { "AM" } else { "PM" }),
        Lang::Fr => format!("{hour:02}:{minute:02}"),
        Lang::Es => format!("{hour}:{minute:02}"),
        Lang::Ar => format!("{twelve}:{minute:02} {}", if hour < 12 { "ص" } else { "م" }),
    }
}

/// `ms` since the epoch as a date and time in `lang`, with its zone (UTC).
pub fn date_time_text(lang: Lang, ms: u64) -> String {
    let seconds = ms / 1000;
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let date = date_text(lang, year, month, day);
    let time = time_text(lang, (seconds % 86_400) / 60);
    match lang {
        Lang::En | Lang::Es => format!("{date}, {time} UTC"),
        Lang::Fr => format!("{date} {time} UTC"),
        Lang::Ar => format!("{date}، {time} غرينتش"),
    }
}

/// A `YYYY-MM-DD` as its numbers, if it is one.
fn parse_date(text: &str) -> Option<(i64, u32, u32)> {
    let mut parts = text.split('-');
    let year = parts.next().filter(|part| part.len() == 4)?.parse().ok()?;
    let month = parts.next().filter(|part| part.len() == 2)?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day = parts.next().filter(|part| part.len() == 2)?.parse().ok().filter(|d| (1..=31).contains(d))?;
    parts.next().is_none().then_some((year, month, day))
}

/// A `YYYY-MM-DD` date for a page: `<time>` in `lang`'s pattern, or the
/// text isolated as it is when it is not such a date.
pub fn date(lang: Lang, text: &str) -> Markup {
    match parse_date(text) {
        Some((year, month, day)) => html! {
            time datetime=(text) dir=(lang.dir()) { (date_text(lang, year, month, day)) }
        },
        None => html! { bdi { (text) } },
    }
}

/// A moment (`ms` since the epoch) for a page: `<time>` with the machine
/// form (`YYYY-MM-DDTHH:MMZ`) in `datetime`.
pub fn moment(lang: Lang, ms: u64) -> Markup {
    let seconds = ms / 1000;
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let minute_of_day = (seconds % 86_400) / 60;
    let machine = format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}Z", minute_of_day / 60, minute_of_day % 60);
    html! { time datetime=(machine) dir=(lang.dir()) { (date_time_text(lang, ms)) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-01 23:39 UTC.
    const LATE: u64 = 1_796_168_340_000;

    #[test]
    fn dates_follow_each_languages_pattern() {
        assert_eq!(date_text(Lang::En, 2026, 11, 20), "Nov 20, 2026");
        assert_eq!(date_text(Lang::Fr, 2026, 11, 20), "20 nov. 2026");
        assert_eq!(date_text(Lang::Es, 2026, 11, 20), "20 nov 2026");
        assert_eq!(date_text(Lang::Ar, 2026, 11, 20), "20\u{200F}/11\u{200F}/2026");
        assert_eq!(date_text(Lang::Ar, 2026, 3, 5), "05\u{200F}/03\u{200F}/2026");
    }

    #[test]
    fn months_follow_each_languages_pattern() {
        assert_eq!(month_text(Lang::En, 2025, 3), "Mar 2025");
        assert_eq!(month_text(Lang::Fr, 2025, 2), "févr. 2025");
        assert_eq!(month_text(Lang::Es, 2025, 9), "sept 2025");
        assert_eq!(month_text(Lang::Ar, 2025, 12), "ديسمبر 2025");
    }

    #[test]
    fn times_follow_each_languages_pattern() {
        assert_eq!(date_time_text(Lang::En, LATE), "Dec 1, 2026, 11:39 PM UTC");
        assert_eq!(date_time_text(Lang::Fr, LATE), "1 déc. 2026 23:39 UTC");
        assert_eq!(date_time_text(Lang::Es, LATE), "1 dic 2026, 23:39 UTC");
        assert_eq!(date_time_text(Lang::Ar, LATE), "01\u{200F}/12\u{200F}/2026، 11:39 م غرينتش");
        assert_eq!(date_time_text(Lang::En, 0), "Jan 1, 1970, 12:00 AM UTC");
        assert_eq!(date_time_text(Lang::Es, 9 * 3_600_000 + 5 * 60_000), "1 ene 1970, 9:05 UTC");
        assert_eq!(date_time_text(Lang::Ar, 0), "01\u{200F}/01\u{200F}/1970، 12:00 ص غرينتش");
    }

    #[test]
    fn markup_carries_the_machine_form_and_the_direction() {
        let shown = moment(Lang::Ar, LATE).into_string();
        assert!(shown.starts_with("<time datetime=\"2026-12-01T23:39Z\" dir=\"rtl\">"), "{shown}");
        assert_eq!(
            date(Lang::En, "2026-11-20").into_string(),
            "<time datetime=\"2026-11-20\" dir=\"ltr\">Nov 20, 2026</time>"
        );
        assert_eq!(date(Lang::En, "soon").into_string(), "<bdi>soon</bdi>");
        assert_eq!(date(Lang::En, "2026-13-01").into_string(), "<bdi>2026-13-01</bdi>");
    }
}
