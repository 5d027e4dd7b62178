//! Body renderer fixtures.
//!
//! Each `tests/fixtures/render/<name>.md` is parsed as an article and its body
//! rendered with the viewer's options; `<name>.html` holds the expected HTML,
//! preceded by comments giving `contains_raw_html`, `demote_headings` and the recorded
//! headings; each raw island of the HTML is framed by `<!-- raw island -->` and
//! `<!-- end raw island -->` comments, so the fixtures pin the segmentation too.
//! `BLESS=1 cargo test --test render` rewrites the expected files.

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
        match kind {
            SegmentKind::Trusted => out.push_str(html),
            SegmentKind::Raw => {
                out.push_str("<!-- raw island -->\n");
                out.push_str(html);
                out.push_str("<!-- end raw island -->\n");
            }
        }
    }
    out
}
