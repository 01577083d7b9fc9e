//! Horizontal bar charts, drawn on the server as inline SVG: no script, no
//! library, no `style` attribute (the CSP forbids inline style; the colours
//! are classes of `assets/style.css`, whose contrast `contrast.rs` checks).
//! Each bar has its label above it and its count at its end. The chart is
//! one image to assistive technology (`role="img"` named by its `<title>`);
//! the page follows it with a table of the same numbers. In a right-to-left
//! page the drawing is mirrored: labels and bars start at the right.
//!
//! The SVG scales to the width it is given (its `viewBox` keeps the
//! proportions), so it never overflows a phone's screen.

use maud::{Markup, html};

use crate::i18n::{Lang, number};

/// One bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// What it counts, shown above it.
    pub label: String,
    /// Its count.
    pub count: u64,
    /// Whether it gathers the rest (others, none): drawn in a second colour.
    pub rest: bool,
}

/// The drawing's width in its own units.
const WIDTH: f64 = 360.0;
/// Room at the bar's end for its count.
const COUNT_ROOM: f64 = 56.0;
/// Height of one bar with its label.
const ROW: usize = 44;
/// A label longer than this is cut, with an ellipsis (the table has it
/// whole).
const MAX_LABEL_CHARS: usize = 42;

fn cut(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        return label.to_owned();
    }
    let mut cut: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// A bar chart named `title`, with counts in `lang`'s digits.
pub fn bars(lang: Lang, title: &str, bars: &[Bar]) -> Markup {
    let most = bars.iter().map(|bar| bar.count).max().unwrap_or(0).max(1) as f64;
    let height = bars.len() * ROW + 4;
    let rtl = lang.dir() == "rtl";
    // From the start edge: the left, or in a right-to-left page the right.
    let x = |from_start: f64| if rtl { WIDTH - from_start } else { from_start };
    let at = |value: f64| format!("{value:.1}");
    html! {
        svg.chart role="img" viewBox={ "0 0 " (WIDTH) " " (height) } direction=(lang.dir()) font-size="15" {
            title { (title) }
            @for (row, bar) in bars.iter().enumerate() {
                @let top = row * ROW;
                @let length = if bar.count == 0 { 0.0 } else { (bar.count as f64 / most * (WIDTH - COUNT_ROOM)).max(1.0) };
                text x=(at(x(0.0))) y=(top + 16) { (cut(&bar.label)) }
                @if bar.count > 0 {
                    rect.bar.rest[bar.rest] x=(at(if rtl { WIDTH - length } else { 0.0 })) y=(top + 22) width=(at(length)) height="14" {}
                }
                text.count x=(at(x(length + 4.0))) y=(top + 34) { (number(lang, bar.count)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, count: u64) -> Bar {
        Bar { label: label.into(), count, rest: false }
    }

    #[test]
    fn bars_are_as_long_as_their_counts_and_mirrored_right_to_left() {
        let chart = bars(Lang::En, "Countries", &[bar("Kenya", 12_000), bar("Senegal", 3_000), bar("Chad", 0)]);
        let svg = chart.into_string();
        assert!(svg.starts_with(r#"<svg class="chart" role="img" viewBox="0 0 360 136" direction="ltr""#), "{svg}");
        assert!(svg.contains("<title>Countries</title>"));
        assert!(svg.contains(r#"<rect class="bar" x="0.0" y="22" width="304.0" height="14">"#), "{svg}");
        assert!(svg.contains(r#"<rect class="bar" x="0.0" y="66" width="76.0" height="14">"#), "a quarter as long");
        assert_eq!(svg.matches("<rect").count(), 2, "no bar for nothing");
        assert!(svg.contains(r#"<text class="count" x="308.0" y="34">12,000</text>"#), "{svg}");
        assert!(svg.contains(r#"<text class="count" x="4.0" y="122">0</text>"#), "{svg}");
        assert!(!svg.contains("style"));

        let arabic = bars(Lang::Ar, "البلدان", &[bar("كينيا", 12_000), bar("السنغال", 3_000)]).into_string();
        assert!(arabic.contains(r#"direction="rtl""#));
        assert!(arabic.contains(r#"<text x="360.0" y="16">كينيا</text>"#), "labels start at the right: {arabic}");
        assert!(arabic.contains(r#"<rect class="bar" x="56.0" y="22" width="304.0""#), "bars grow leftwards");
        assert!(arabic.contains(r#"<rect class="bar" x="284.0" y="66" width="76.0""#), "{arabic}");
        assert!(arabic.contains(r#"<text class="count" x="52.0" y="34">12,000</text>"#), "{arabic}");
    }

    #[test]
    fn small_counts_show_long_labels_are_cut_and_text_is_escaped() {
        let rest = Bar { label: "Others <b>".into(), count: 1, rest: true };
        let svg = bars(Lang::En, "A & B", &[bar(&"x".repeat(60), 1_000_000), rest]).into_string();
        assert!(svg.contains(r#"<rect class="bar rest" x="0.0" y="66" width="1.0""#), "one in a million still shows");
        assert!(svg.contains(&format!("{}…</text>", "x".repeat(41))), "{svg}");
        assert!(svg.contains("Others &lt;b&gt;") && svg.contains("<title>A &amp; B</title>"));
    }
}
