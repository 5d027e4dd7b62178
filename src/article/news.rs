//! The plain-text news format that scrapers save.
//!
//! Shape (see `articles/000_f2e18ad958418c56.txt`): a headline line, often with the
//! publication after a trailing ` — `, ` – `, ` - ` or ` | `; a dateline; paragraphs
//! separated by blank lines; quotations standing alone in curly or straight quotes;
//! trailing boilerplate ("Source link", "Share this article", "Advertisement") and
//! related titles ("Read more: X", "More on the subject – X").

use super::{Diagnostic, Meta, NewsBody};

/// Splits a plain-text news article into headline, publication, dateline and blocks.
pub fn parse(text: &str) -> (Meta, NewsBody, Vec<Diagnostic>) {
    // Interim: first line is the title, every other block a paragraph.
    let mut blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
    let meta = Meta {
        title: blocks.next().unwrap_or_default().to_string(),
        ..Meta::default()
    };
    let body = NewsBody {
        blocks: blocks
            .map(|b| super::NewsBlock::Paragraph(b.to_string()))
            .collect(),
        ..NewsBody::default()
    };
    (meta, body, Vec::new())
}
