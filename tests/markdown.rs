//! Front matter and Markdown metadata fixtures.
//!
//! Each `tests/fixtures/front_matter/<name>.md` is parsed with
//! `folio::article::markdown::parse`; the readable dump of the metadata, where
//! the body starts and the diagnostics must equal `<name>.expected`.
//! `BLESS=1 cargo test --test markdown` rewrites the expected files.

mod common;
use common::check;

use folio::article::{markdown, DateTime, Meta};
use std::fmt::Write as _;

#[test]
fn front_matter_fixtures() {
    check("front_matter", "md", "expected", |input| {
        let (meta, body, diagnostics) = markdown::parse(input);
        let mut out = dump_meta(&meta);
        let _ = writeln!(out, "body first line: {}", body.first_line);
        let _ = writeln!(
            out,
            "body starts: {:?}",
            body.text.lines().next().unwrap_or_default()
        );
        out.push_str("diagnostics:\n");
        for diagnostic in &diagnostics {
            let _ = writeln!(
                out,
                "  line {} {:?}: {}",
                diagnostic.line, diagnostic.severity, diagnostic.message
            );
        }
        out
    });
}

fn dump_meta(meta: &Meta) -> String {
    let date = |d: &Option<DateTime>| d.map_or("-".to_string(), |d| d.iso());
    let text = |t: &Option<String>| t.as_ref().map_or("-".to_string(), |t| format!("{t:?}"));
    let mut out = String::new();
    let _ = writeln!(out, "title: {:?}", meta.title);
    let _ = writeln!(out, "date: {}", date(&meta.date));
    let _ = writeln!(out, "updated: {}", date(&meta.updated));
    let _ = writeln!(out, "authors: {:?}", meta.authors);
    let _ = writeln!(out, "publication: {}", text(&meta.publication));
    let _ = writeln!(out, "source_url: {}", text(&meta.source_url));
    let _ = writeln!(out, "tags: {:?}", meta.tags);
    let _ = writeln!(out, "summary: {}", text(&meta.summary));
    let _ = writeln!(out, "lang: {}", text(&meta.lang));
    let _ = writeln!(out, "dir: {}", meta.dir.map_or("-", |d| d.as_str()));
    let _ = writeln!(out, "draft: {}", meta.draft);
    out
}
