//! Markdown rendered safely, for the pages the secretariat publishes
//! (`pages/guide.rs`): CommonMark with tables and strikethrough, read by
//! `pulldown-cmark`, written out here element by element from a fixed set,
//! so nothing of the source reaches the page unescaped.
//!
//! Raw HTML (blocks, inline tags, comments) shows as the text it is. A
//! link keeps its address only when it is `http:`, `https:`, `mailto:` or
//! relative; otherwise its words show alone. An image becomes a link to
//! its address (the page loads nothing from elsewhere). No attribute but
//! a link's `href`, `title` and `rel`, an ordered list's `start` and a
//! header cell's `scope` is ever written. Headings start at h2 (the
//! page's title is its h1) and never skip a level. Nesting
//! deeper than [`MAX_DEPTH`] keeps its text but opens no more elements.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// Most elements open at once; deeper ones show their text only.
pub const MAX_DEPTH: usize = 24;

/// `source` as HTML, safe to put in a page as it is.
pub fn render(source: &str) -> String {
    let events: Vec<Event<'_>> =
        Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).collect();
    let top = events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut writer = Writer {
        out: String::with_capacity(source.len() + source.len() / 4),
        open: Vec::new(),
        depth: 0,
        in_head: false,
        top,
        last_heading: 1,
    };
    for event in events {
        writer.event(event);
    }
    writer.out
}

/// The HTML written so far, and what is open.
struct Writer {
    out: String,
    /// For each element opened, what closes it (`None`: nothing was opened).
    open: Vec<Option<&'static str>>,
    /// How many elements are open.
    depth: usize,
    /// Within a table's head (its cells are headers).
    in_head: bool,
    /// The text's highest heading level (`#` is 1).
    top: usize,
    /// The level of the last heading written (the page's title is h1).
    last_heading: usize,
}

/// Each heading element, by level, and what closes it.
const HEADINGS: [(&str, &str); 7] =
    [("", ""), ("", ""), ("<h2>", "</h2>"), ("<h3>", "</h3>"), ("<h4>", "</h4>"), ("<h5>", "</h5>"), ("<h6>", "</h6>")];

impl Writer {
    fn event(&mut self, event: Event<'_>) {
        let out = &mut self.out;
        match event {
            Event::Start(tag) => {
                self.in_head |= matches!(tag, Tag::TableHead);
                let element = if self.depth >= MAX_DEPTH { None } else { self.start(&tag) };
                self.depth += usize::from(element.is_some());
                self.open.push(element);
            }
            Event::End(end) => {
                self.in_head &= end != TagEnd::TableHead;
                if let Some(Some(close)) = self.open.pop() {
                    self.depth -= 1;
                    out.push_str(close);
                }
                if matches!(end, TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow) {
                    out.push('\n');
                }
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => escape(&text, out),
            Event::Code(code) => {
                out.push_str("<code>");
                escape(&code, out);
                out.push_str("</code>");
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(text) | Event::InlineMath(text) | Event::DisplayMath(text) => escape(&text, out),
        }
    }

    /// Opens the element for `tag`, if it has one, and returns what closes it.
    fn start(&mut self, tag: &Tag<'_>) -> Option<&'static str> {
        let out = &mut self.out;
        let (opening, closing) = match tag {
            Tag::Paragraph => ("<p>", "</p>"),
            // The page's title is its h1: the text's highest headings are
            // h2, and none is more than one level below the one before.
            Tag::Heading { level, .. } => {
                let wanted = (*level as usize + 2).saturating_sub(self.top);
                self.last_heading = wanted.clamp(2, 6).min(self.last_heading + 1);
                HEADINGS[self.last_heading]
            }
            Tag::BlockQuote(_) => ("<blockquote>", "</blockquote>"),
            Tag::CodeBlock(_) => ("<pre><code>", "</code></pre>\n"),
            Tag::List(None) => ("<ul>\n", "</ul>\n"),
            Tag::List(Some(1)) => ("<ol>\n", "</ol>\n"),
            Tag::List(Some(first)) => {
                out.push_str(&format!("<ol start=\"{first}\">\n"));
                return Some("</ol>\n");
            }
            Tag::Item => ("<li>", "</li>"),
            Tag::Table(_) => ("<table>", "</table>\n"),
            Tag::TableHead => ("<thead><tr>", "</tr></thead>\n"),
            Tag::TableRow => ("<tr>", "</tr>"),
            Tag::TableCell if self.in_head => ("<th scope=\"col\">", "</th>"),
            Tag::TableCell => ("<td>", "</td>"),
            Tag::Emphasis => ("<em>", "</em>"),
            Tag::Strong => ("<strong>", "</strong>"),
            Tag::Strikethrough => ("<del>", "</del>"),
            Tag::Link { dest_url, title, link_type, .. } | Tag::Image { dest_url, title, link_type, .. } => {
                // An autolinked address (`<amina@example.org>`) is a mail link.
                let mailto;
                let dest_url = if *link_type == LinkType::Email && !dest_url.starts_with("mailto:") {
                    mailto = format!("mailto:{dest_url}");
                    mailto.as_str()
                } else {
                    dest_url.as_ref()
                };
                if !is_safe_address(dest_url) {
                    return None;
                }
                out.push_str("<a href=\"");
                escape(dest_url, out);
                out.push('"');
                if !title.is_empty() {
                    out.push_str(" title=\"");
                    escape(title, out);
                    out.push('"');
                }
                if !is_relative(dest_url) {
                    out.push_str(" rel=\"nofollow noopener noreferrer\"");
                }
                out.push('>');
                return Some("</a>");
            }
            _ => return None,
        };
        out.push_str(opening);
        Some(closing)
    }
}

/// Whether a link may keep `address`: `http:`, `https:`, `mailto:` or
/// relative, with no space or control character a browser would drop to
/// find another scheme behind.
pub fn is_safe_address(address: &str) -> bool {
    if address.is_empty() || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if is_relative(address) {
        return true;
    }
    let scheme = address.split(':').next().unwrap_or_default().to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "mailto")
}

/// Whether `address` names no scheme (no `:` before its first `/`, `?` or
/// `#`) and no other host (`//host`, or `/\\host`, which browsers read so).
fn is_relative(address: &str) -> bool {
    let end = address.find(['/', '?', '#']).unwrap_or(address.len());
    let bytes = address.as_bytes();
    let other_host = bytes.len() >= 2 && matches!(bytes[0], b'/' | b'\\') && matches!(bytes[1], b'/' | b'\\');
    !address[..end].contains(':') && !other_host
}

/// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No element or attribute outside the fixed set, and no `<` but the
    /// ones this module writes.
    fn assert_only_safe_markup(html: &str) {
        let allowed = [
            "p",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "code",
            "ul",
            "ol",
            "li",
            "table",
            "thead",
            "tr",
            "th",
            "td",
            "em",
            "strong",
            "del",
            "a",
            "br",
            "hr",
        ];
        for tag in html.split('<').skip(1) {
            let name: String = tag.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
            assert!(allowed.contains(&name.as_str()), "<{name} in {html}");
            let inside = tag.split('>').next().unwrap();
            // Quoted values (escaped: they hold no `"`) set aside, every attribute's name.
            let names: String = inside.split('"').step_by(2).collect();
            for attribute in names.split_whitespace().skip(1) {
                let attribute_name = attribute.split('=').next().unwrap();
                assert!(["href", "title", "start", "rel", "scope"].contains(&attribute_name), "{attribute} in {html}");
            }
        }
        let lower = html.to_ascii_lowercase();
        for bad in ["href=\"javascript", "href=\"data", "href=\"vbscript", "href=\"file"] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
    }

    #[test]
    fn markdown_renders_as_its_elements() {
        let headings = render("## One\n\n#### Deeper\n\n### Two\n\n## Three\n\n###### Six");
        assert_eq!(
            headings, "<h2>One</h2>\n<h3>Deeper</h3>\n<h3>Two</h3>\n<h2>Three</h2>\n<h3>Six</h3>\n",
            "none skipped"
        );
        let html = render("# Guiding questions\n\n1. Who *benefits*?\n2. Who **bears the risk**?\n\n> Ask `why`.");
        assert_eq!(
            html,
            "<h2>Guiding questions</h2>\n<ol>\n<li>Who <em>benefits</em>?</li>\n<li>Who <strong>bears the \
             risk</strong>?</li>\n</ol>\n<blockquote><p>Ask <code>why</code>.</p>\n</blockquote>"
        );
        assert_eq!(render("3. third"), "<ol start=\"3\">\n<li>third</li>\n</ol>\n");
        assert_eq!(
            render("| Who | Why |\n| --- | --- |\n| <b>us</b> | ~~no~~ |"),
            "<table><thead><tr><th scope=\"col\">Who</th><th scope=\"col\">Why</th></tr></thead>\n<tr><td>&lt;b&gt;us&lt;/b&gt;</td>\
             <td><del>no</del></td></tr>\n</table>\n"
        );
        let links = render("[site](https://example.org/a?b=1&c=2) [here](/guide/toolkit) [mail](mailto:a@b.org)");
        assert!(
            links.contains(
                "<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\">site</a>"
            ),
            "{links}"
        );
        assert!(links.contains("<a href=\"/guide/toolkit\">here</a>"), "{links}");
        assert!(links.contains("<a href=\"mailto:a@b.org\""), "{links}");
        assert_only_safe_markup(&links);
    }

    #[test]
    fn raw_html_shows_as_text() {
        for hostile in [
            "<script>alert(1)</script>",
            "Hello <script>alert(1)</script> there",
            "<img src=x onerror=alert(1)>",
            "<!-- a comment --> text",
            "<div style=\"position:fixed\">covered</div>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{display:none}</style>",
        ] {
            let html = render(hostile);
            assert_only_safe_markup(&html);
            assert!(html.contains("&lt;"), "{hostile} shows escaped: {html}");
        }
        assert_eq!(render("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert!(render("<!-- secret -->").contains("&lt;!-- secret --&gt;"));
    }

    #[test]
    fn only_safe_addresses_stay_links() {
        for hostile in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](<java\nscript:alert(1)>)",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](vbscript:msgbox)",
            "[x](file:///etc/passwd)",
            "![pixel](data:image/png;base64,AAAA)",
            "![x](javascript:alert(1) \"t\")",
            "<javascript:alert(1)>",
            "[x]: javascript:alert(1)\n\n[link][x]",
        ] {
            let html = render(hostile);
            assert_only_safe_markup(&html);
            assert!(!html.contains("<a"), "{hostile} is no link: {html}");
        }
        assert_eq!(render("[click](javascript:alert(1))"), "<p>click</p>\n");
        let image = render("![a map](https://example.org/map.png \"The \\\"map\\\"\")");
        assert_eq!(
            image,
            "<p><a href=\"https://example.org/map.png\" title=\"The &quot;map&quot;\" rel=\"nofollow noopener \
             noreferrer\">a map</a></p>\n"
        );
        assert!(is_safe_address("#part") && is_safe_address("toolkit") && !is_safe_address("//example.org/x"));
    }

    #[test]
    fn deep_nesting_is_bounded_and_keeps_its_text() {
        let html = render(&format!("{}deep", "> ".repeat(10_000)));
        assert!(html.matches("<blockquote>").count() <= MAX_DEPTH);
        assert!(html.contains("deep"));
        assert_eq!(html.matches("<blockquote>").count(), html.matches("</blockquote>").count());
        let lists =
            render(&(0..200).map(|depth| format!("{}- item {depth}\n", "  ".repeat(depth))).collect::<String>());
        assert!(lists.matches("<ul>").count() <= MAX_DEPTH && lists.contains("item 199"));
        assert_only_safe_markup(&lists);
        let emphasis = render(&format!("{}x{}", "*".repeat(5_000), "*".repeat(5_000)));
        assert_only_safe_markup(&emphasis);
    }

    /// A link to another host without a scheme is no relative link, and an
    /// autolinked address is a mail link.
    #[test]
    fn other_hosts_and_addresses_are_read_as_browsers_read_them() {
        for address in ["//evil.example/x", "/\\evil.example/x"] {
            let html = render(&format!("[here]({address})"));
            assert!(!html.contains("<a"), "{address}: {html}");
        }
        assert_eq!(render("[map](/guide/map)"), "<p><a href=\"/guide/map\">map</a></p>\n");
        let mail = render("Write to <amina@example.org>.");
        assert!(mail.contains("<a href=\"mailto:amina@example.org\""), "{mail}");
        assert_only_safe_markup(&mail);
    }
}
