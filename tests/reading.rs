//! Reading fixtures: reading time and table of contents of whole articles.
//!
//! Each `tests/fixtures/reading/<name>.md` is bundled into a one-article catalog;
//! `<name>.expected` holds what a reader is told: the words and CJK characters counted
//! in the readable text, the reading time the list and the article header show (words at
//! 230 a minute, Chinese, Japanese and Korean characters at 500 a minute), and the lines
//! of the table of contents. `BLESS=1 cargo test --test reading` rewrites the expected files.

mod common;
use common::check;

use folio::article::{parse_article, text};
use folio::catalog::{Catalog, Source};
use folio::reading::toc::toc_entries;
use folio::render::{render_body, BodyOptions};
use std::borrow::Cow;
use std::fmt::Write as _;

#[test]
fn reading_fixtures() {
    check("reading", "md", "expected", |input| {
        let path = "articles/fixture.md";
        let catalog = Catalog::from_sources(vec![Source {
            path: Cow::Borrowed(path),
            slug: Cow::Borrowed("fixture"),
            bytes: Cow::Owned(input.as_bytes().to_vec()),
        }]);
        let entry = catalog.find("fixture").expect("the one article");
        let article = parse_article(path, input.as_bytes());
        let plain = text::plain_text(&article);
        let mut words = 0;
        let mut cjk = 0;
        for word in plain.split_whitespace() {
            let here = word.chars().filter(|&c| text::is_cjk(c)).count();
            cjk += here;
            if here < word.chars().count() {
                words += 1;
            }
        }
        let mut out = String::new();
        let _ = writeln!(out, "words: {words}");
        let _ = writeln!(out, "cjk characters: {cjk}");
        let _ = writeln!(out, "reading minutes: {}", entry.reading_minutes);
        let headings = render_body(&article, &BodyOptions::default()).headings;
        let entries = toc_entries(&headings);
        if entries.is_empty() {
            out.push_str("contents: none\n");
        } else {
            out.push_str("contents:\n");
            for entry in entries {
                let indent = "  ".repeat(usize::from(entry.depth) + 1);
                let _ = writeln!(out, "{indent}#{} {:?}", entry.id, entry.text);
            }
        }
        out
    });
}
