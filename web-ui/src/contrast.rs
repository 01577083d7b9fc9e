//! WCAG 2 contrast of the stylesheet's colours (a test only): every text
//! colour against each background it is shown on must reach 4.5:1, and
//! focus rings and input borders 3:1 (non-text contrast). The colours are
//! read from `assets/style.css` itself, and every `color`, `background` or
//! SVG `fill` the stylesheet declares must be in a checked pair, so a new
//! colour cannot slip in unchecked. A chart's bars are graphics: 3:1.

use crate::web::STYLE_CSS;

/// Text: foreground rule and property, background rule (WCAG 1.4.3, 4.5:1).
const TEXT: &[(&str, &str, &str)] = &[
    ("html", "color", "html"),
    ("html", "color", ".errors"),
    ("html", "color", ".notice"),
    ("html", "color", ".warning"),
    ("html", "color", ".filters"),
    ("header", "color", "header"),
    ("header a", "color", "header"),
    ("a", "color", "html"),
    ("a", "color", ".errors"),
    ("a", "color", ".warning"),
    ("a", "color", ".notice"),
    (
        "input:not([type=checkbox]):not([type=radio]),select,textarea",
        "color",
        "input:not([type=checkbox]):not([type=radio]),select,textarea",
    ),
    (".hint", "color", "html"),
    (".need", "color", "html"),
    (".error", "color", "html"),
    (".error", "color", ".errors"),
    (".meta", "color", "html"),
    (".verified", "color", "html"),
    (".unverified", "color", "html"),
    ("button,.button", "color", "button,.button"),
    ("button.secondary,.button.secondary", "color", "button.secondary,.button.secondary"),
    (".danger,button.danger", "color", ".danger,button.danger"),
    (".chart text", "fill", "html"),
];

/// Non-text: foreground rule and property, background rule (WCAG 1.4.11, 3:1).
const NON_TEXT: &[(&str, &str, &str)] = &[
    (":focus-visible,input[type=date]:focus-within", "outline", "html"),
    (":focus-visible,input[type=date]:focus-within", "outline", ".filters"),
    (":focus-visible,input[type=date]:focus-within", "outline", ".errors"),
    ("header :focus-visible", "outline-color", "header"),
    ("input:not([type=checkbox]):not([type=radio]),select,textarea", "border", "html"),
    (
        ".invalid input:not([type=checkbox]):not([type=radio]),.invalid textarea,fieldset.invalid",
        "border-color",
        "html",
    ),
    (".chart .bar", "fill", "html"),
    (".chart .bar.rest", "fill", "html"),
];

/// Colours that carry no information of their own: the sync dots always
/// sit next to words that say the same.
const DECORATIVE: &[&str] = &[".dot", ".dot.on"];

/// The stylesheet as (selector list, declarations), comments removed.
fn rules() -> Vec<(String, Vec<(String, String)>)> {
    let mut css = STYLE_CSS.to_owned();
    while let Some(start) = css.find("/*") {
        let end = css[start..].find("*/").map_or(css.len(), |end| start + end + 2);
        css.replace_range(start..end, "");
    }
    css.split('}')
        .filter_map(|rule| rule.split_once('{'))
        .map(|(selector, body)| {
            let declarations = body
                .split(';')
                .filter_map(|declaration| declaration.split_once(':'))
                .map(|(property, value)| (property.trim().to_owned(), value.trim().to_owned()))
                .collect();
            (selector.trim().to_owned(), declarations)
        })
        .collect()
}

/// The first `#rgb`/`#rrggbb` colour in `value`, as 0–255 channels.
fn hex_colour(value: &str) -> Option<[u8; 3]> {
    let start = value.find('#')?;
    let digits: String = value[start + 1..].chars().take_while(char::is_ascii_hexdigit).collect();
    let channel = |text: &str| u8::from_str_radix(text, 16).ok();
    match digits.len() {
        3 => {
            let doubled: Vec<u8> = digits.chars().filter_map(|c| channel(&format!("{c}{c}"))).collect();
            Some([doubled[0], doubled[1], doubled[2]])
        }
        6 => Some([channel(&digits[0..2])?, channel(&digits[2..4])?, channel(&digits[4..6])?]),
        _ => None,
    }
}

/// The colour rule `selector` gives `property` (`background` also matches `background-color`).
fn colour(selector: &str, property: &str) -> [u8; 3] {
    rules()
        .iter()
        .filter(|(have, _)| have == selector)
        .flat_map(|(_, declarations)| declarations)
        .filter(|(name, _)| name == property || (property == "background" && name == "background-color"))
        .find_map(|(_, value)| hex_colour(value))
        .unwrap_or_else(|| panic!("style.css has no {property} colour for `{selector}`"))
}

/// WCAG relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |channel: u8| {
        let c = f64::from(channel) / 255.0;
        if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG contrast ratio, 1 to 21.
fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn ratios_match_known_values() {
    assert!((ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
    assert!((ratio([0x77, 0x77, 0x77], [255, 255, 255]) - 4.48).abs() < 0.01);
    assert_eq!(hex_colour("2px solid #b00020"), Some([0xb0, 0x00, 0x20]));
    assert_eq!(hex_colour("#fff"), Some([255, 255, 255]));
}

#[test]
fn text_and_controls_have_enough_contrast() {
    let mut failures = Vec::new();
    for (pairs, minimum, background_property) in [(TEXT, 4.5, "background"), (NON_TEXT, 3.0, "background")] {
        for (foreground, property, background) in pairs {
            let (fg, bg) = (colour(foreground, property), colour(background, background_property));
            let found = ratio(fg, bg);
            if found < minimum {
                failures.push(format!("`{foreground}` {property} on `{background}`: {found:.2}:1 < {minimum}:1"));
            }
        }
    }
    assert!(failures.is_empty(), "too little contrast:\n{}", failures.join("\n"));
}

#[test]
fn every_colour_of_the_stylesheet_is_checked() {
    let checked = |selector: &str, property: &str| {
        TEXT.iter().chain(NON_TEXT).any(|(fg, fg_property, bg)| {
            (fg == &selector && fg_property == &property) || (bg == &selector && property.starts_with("background"))
        })
    };
    for (selector, declarations) in rules() {
        for (property, value) in declarations {
            let coloured = matches!(property.as_str(), "color" | "background" | "background-color" | "fill")
                || (matches!(property.as_str(), "outline" | "outline-color") && hex_colour(&value).is_some());
            if coloured && !DECORATIVE.contains(&selector.as_str()) {
                assert!(checked(&selector, &property), "`{selector}` {property}: {value} is in no checked pair");
            }
        }
    }
}
