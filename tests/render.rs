//! Body renderer fixtures.
//!
//! Each `tests/fixtures/render/<name>.md` is parsed as an article and its body
//! rendered with the viewer's options; `<name>.html` holds the expected HTML,
//! preceded by comments giving `contains_raw_html` and the recorded headings.
//! `BLESS=1 cargo test --test render` rewrites the expected files.

mod common;
use common::check;

use folio::article::parse_article;
use folio::render::{render_body, BodyOptions, RenderedBody};
use std::fmt::Write as _;

#[test]
fn render_fixtures() {
    check("render", "md", "html", |input| {
        let article = parse_article("articles/fixture.md", input.as_bytes());
        dump(&render_body(&article, &BodyOptions::default()))
    });
}

fn dump(rendered: &RenderedBody) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- contains_raw_html: {} -->",
        rendered.contains_raw_html
    );
    for heading in &rendered.headings {
        let _ = writeln!(
            out,
            "<!-- heading h{} #{} {:?} -->",
            heading.level, heading.id, heading.text
        );
    }
    out.push_str(&rendered.html);
    out
}
