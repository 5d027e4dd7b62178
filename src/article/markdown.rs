//! Markdown articles: front matter, then CommonMark with GFM extensions.
//!
//! Also the one place that configures pulldown-cmark ([`options`], [`parser`]):
//! the renderer, the text extractor and the metadata reader all parse through it.

use super::{Diagnostic, MarkdownBody, Meta};
use pulldown_cmark::{Options, Parser};

/// The Markdown dialect Folio reads: CommonMark plus tables, footnotes,
/// strikethrough, task lists, smart punctuation and heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A parser over Markdown text with Folio's options.
pub fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(text, options())
}

/// Reads front matter and the metadata the body implies (title from the first heading).
pub fn parse(text: &str) -> (Meta, MarkdownBody, Vec<Diagnostic>) {
    let split = super::front_matter::split(text);
    let body = MarkdownBody {
        text: split.body.to_string(),
        first_line: split.body_first_line,
    };
    (split.meta, body, split.diagnostics)
}
