//! Markdown articles: front matter, then CommonMark with GFM extensions.
//!
//! Also the one place that configures pulldown-cmark ([`options`], [`parser`],
//! and [`options_for`] / [`parser_for`] for the plain CommonMark dialect the
//! conformance tests use): the renderer, the text extractor and the metadata
//! reader all parse through it.

use super::{Diagnostic, MarkdownBody, Meta};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Which Markdown an article is read as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// What articles are written in: CommonMark plus tables, footnotes,
    /// strikethrough, task lists, GitHub alerts, smart punctuation and heading attributes.
    #[default]
    Folio,
    /// Plain CommonMark and nothing else: for checking conformance with the spec.
    CommonMark,
}

/// The pulldown-cmark options of a dialect. Math and metadata blocks are never enabled.
pub fn options_for(dialect: Dialect) -> Options {
    match dialect {
        Dialect::Folio => {
            Options::ENABLE_TABLES
                | Options::ENABLE_FOOTNOTES
                | Options::ENABLE_STRIKETHROUGH
                | Options::ENABLE_TASKLISTS
                | Options::ENABLE_SMART_PUNCTUATION
                | Options::ENABLE_HEADING_ATTRIBUTES
                | Options::ENABLE_GFM
        }
        Dialect::CommonMark => Options::empty(),
    }
}

/// The Markdown dialect Folio reads: see [`Dialect::Folio`].
pub fn options() -> Options {
    options_for(Dialect::Folio)
}

/// A parser over Markdown text with Folio's options.
pub fn parser(text: &str) -> Parser<'_> {
    parser_for(text, Dialect::Folio)
}

/// A parser over Markdown text in the given dialect.
pub fn parser_for(text: &str, dialect: Dialect) -> Parser<'_> {
    Parser::new_ext(text, options_for(dialect))
}

/// Reads front matter and the metadata the body implies (title from the first heading).
pub fn parse(text: &str) -> (Meta, MarkdownBody, Vec<Diagnostic>) {
    let split = super::front_matter::split(text);
    let mut meta = split.meta;
    if meta.title.trim().is_empty() {
        if let Some(title) = first_heading_text(split.body) {
            meta.title = title;
        }
    }
    let body = MarkdownBody {
        text: split.body.to_string(),
        first_line: split.body_first_line,
    };
    (meta, body, split.diagnostics)
}

/// The plain text of the first heading (ATX or setext), whitespace collapsed;
/// `None` when there is no heading or it has no text.
pub fn first_heading_text(body: &str) -> Option<String> {
    let mut events = parser(body).skip_while(|e| !matches!(e, Event::Start(Tag::Heading { .. })));
    events.next()?;
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then_some(collapsed)
}
