//! Body renderer fixtures.
//!
//! Each `tests/fixtures/render/<name>.md` is parsed as an article and its body
//! rendered with the viewer's options; `<name>.html` holds the expected HTML,
//! preceded by comments giving `contains_raw_html`, `demote_headings` and the recorded
//! headings; each raw island of the HTML is framed by `<!-- raw island -->` and
//! `<!-- end raw island -->` comments, so the fixtures pin the segmentation too.
//! `BLESS=1 cargo test --test render` rewrites the expected files.
//!
//! The writer puts no whitespace between block tags, so a body is one long line. To keep
//! the fixtures readable, [`with_block_breaks`] shows a line break after every tag listed
//! in [`BREAK_AFTER`] (block ends, and the starts of containers), wherever it is. That
//! display still pins the exact bytes: the break is added after every such tag, never
//! anywhere else, so [`without_block_breaks`] takes it back exactly, and a line break that
//! the writer itself wrote after one of those tags shows as an empty line (as does, in a
//! raw island, the article's own line break after a raw `</div>`).

mod common;
use common::{check, check_in};

use folio::article::parse_article;
use folio::render::{render_body, BodyOptions, RenderedBody, SegmentKind};
use std::fmt::Write as _;

#[test]
fn render_fixtures() {
    check("render", "md", "html", |input| {
        let article = parse_article("articles/fixture.md", input.as_bytes());
        dump(&render_body(&article, &BodyOptions::default()))
    });
}

/// The articles Folio ships about itself (the guide and the Markdown showcase)
/// double as fixtures: their rendering is pinned in `tests/fixtures/render/bundled/`.
#[test]
fn bundled_folio_articles_render_as_pinned() {
    let count = check_in(
        "articles/folio",
        "tests/fixtures/render/bundled",
        "md",
        "html",
        |input| {
            let article = parse_article("articles/folio/article.md", input.as_bytes());
            dump(&render_body(&article, &BodyOptions::default()))
        },
    );
    assert_eq!(count, 2, "the guide and the showcase");
}

fn dump(rendered: &RenderedBody) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- contains_raw_html: {} -->",
        rendered.contains_raw_html
    );
    let _ = writeln!(
        out,
        "<!-- demote_headings: {} -->",
        rendered.demote_headings
    );
    for heading in &rendered.headings {
        let _ = writeln!(
            out,
            "<!-- heading h{} #{} {:?} -->",
            heading.level, heading.id, heading.text
        );
    }
    let mut end = 0;
    for segment in &rendered.segments {
        assert_eq!(segment.start, end, "segments cover the HTML in order");
        assert!(segment.end > segment.start, "no empty segment");
        end = segment.end;
    }
    assert_eq!(end, rendered.html.len(), "segments cover all the HTML");
    for (kind, html) in rendered.segment_html() {
        let shown = with_block_breaks(html);
        assert_eq!(
            without_block_breaks(&shown),
            html,
            "the display is reversible"
        );
        match kind {
            SegmentKind::Trusted => out.push_str(&shown),
            SegmentKind::Raw => {
                out.push_str("<!-- raw island -->\n");
                out.push_str(&shown);
                out.push_str("<!-- end raw island -->\n");
            }
        }
    }
    out
}

/// Tags after which the fixtures show a line break: `</name>` for the names starting with
/// `/`, and start tags (with any attributes) for the others.
const BREAK_AFTER: [&str; 24] = [
    "/p",
    "/h1",
    "/h2",
    "/h3",
    "/h4",
    "/h5",
    "/h6",
    "/li",
    "/ul",
    "/ol",
    "/dl",
    "/dt",
    "/dd",
    "/blockquote",
    "/pre",
    "/figure",
    "/tr",
    "/div",
    "/section",
    "ul",
    "ol",
    "blockquote",
    "tbody",
    "hr",
];

/// The end of each tag of `html` (the offset just after its `>`) that [`BREAK_AFTER`] lists.
/// Tags are read as `<`, then the name, up to the next `>`: a line break added after a `>`
/// is outside every tag, so the same tags are found with or without the breaks.
fn block_tag_ends(html: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 0;
    while let Some(open) = html[at..].find('<') {
        let start = at + open + 1;
        let Some(close) = html[start..].find('>') else {
            break;
        };
        let tag = &html[start..start + close];
        let name_len = tag
            .char_indices()
            .skip(1)
            .find(|(_, c)| !c.is_ascii_alphanumeric())
            .map_or(tag.len(), |(i, _)| i);
        if BREAK_AFTER.contains(&&tag[..name_len]) {
            ends.push(start + close + 1);
        }
        at = start + close + 1;
    }
    ends
}

/// `html` with a line break after every tag [`BREAK_AFTER`] lists.
fn with_block_breaks(html: &str) -> String {
    let mut shown = String::with_capacity(html.len() + html.len() / 16);
    let mut from = 0;
    for end in block_tag_ends(html) {
        shown.push_str(&html[from..end]);
        shown.push('\n');
        from = end;
    }
    shown.push_str(&html[from..]);
    shown
}

/// The inverse of [`with_block_breaks`]: drops the one line break after every listed tag.
fn without_block_breaks(shown: &str) -> String {
    let mut html = String::with_capacity(shown.len());
    let mut from = 0;
    for end in block_tag_ends(shown) {
        html.push_str(&shown[from..end]);
        from = if shown[end..].starts_with('\n') {
            end + 1
        } else {
            end
        };
    }
    html.push_str(&shown[from..]);
    html
}

#[test]
fn the_fixtures_display_shows_a_written_line_break_as_an_empty_line() {
    let written = "<ul><li>a</li></ul><p>b</p>\n<p>c\nd</p><pre><code>e\n</code></pre>";
    let shown = with_block_breaks(written);
    assert_eq!(
        shown,
        "<ul>\n<li>a</li>\n</ul>\n<p>b</p>\n\n<p>c\nd</p>\n<pre><code>e\n</code></pre>\n"
    );
    assert_eq!(without_block_breaks(&shown), written);
    assert_ne!(with_block_breaks("<p>b</p><p>c</p>"), shown);
}
