//! Plain text of an article, for excerpts, reading time and (later) search.

use super::{Article, Body, NewsBlock};
use pulldown_cmark::{Event, Tag, TagEnd};

/// Words per minute for scripts that separate words with spaces.
const WORDS_PER_MINUTE: usize = 230;
/// Characters per minute for Chinese, Japanese and Korean.
const CJK_CHARACTERS_PER_MINUTE: usize = 500;

/// The article's readable text: paragraphs separated by blank lines, markup removed.
pub fn plain_text(article: &Article) -> String {
    let mut out = String::new();
    match &article.body {
        Body::Markdown(body) => {
            let mut skip_depth = 0usize;
            for event in super::markdown::parser(&body.text) {
                match event {
                    Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::FootnoteDefinition(_)) => {
                        skip_depth += 1
                    }
                    Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::FootnoteDefinition) => {
                        skip_depth = skip_depth.saturating_sub(1)
                    }
                    Event::Text(text) | Event::Code(text) if skip_depth == 0 => out.push_str(&text),
                    Event::SoftBreak | Event::HardBreak if skip_depth == 0 => out.push(' '),
                    Event::End(TagEnd::Paragraph)
                    | Event::End(TagEnd::Heading(_))
                    | Event::End(TagEnd::Item)
                    | Event::End(TagEnd::TableCell)
                        if skip_depth == 0 =>
                    {
                        out.push_str("\n\n")
                    }
                    _ => {}
                }
            }
        }
        Body::News(body) => {
            for paragraph in body.standfirst.iter() {
                out.push_str(paragraph);
                out.push_str("\n\n");
            }
            for block in &body.blocks {
                let (NewsBlock::Paragraph(text)
                | NewsBlock::Quote(text)
                | NewsBlock::Heading(text)) = block;
                out.push_str(text);
                out.push_str("\n\n");
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// True for characters of scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // CJK Extensions B–F and supplement
}

/// Minutes to read `text`, at least 1: words at 230 per minute plus CJK characters at 500 per minute.
pub fn reading_minutes(text: &str) -> u32 {
    let mut words = 0usize;
    let mut cjk = 0usize;
    for word in text.split_whitespace() {
        let cjk_here = word.chars().filter(|&c| is_cjk(c)).count();
        cjk += cjk_here;
        if cjk_here < word.chars().count() {
            words += 1;
        }
    }
    let minutes =
        words as f64 / WORDS_PER_MINUTE as f64 + cjk as f64 / CJK_CHARACTERS_PER_MINUTE as f64;
    (minutes.round() as u32).max(1)
}

/// Longest excerpt the library shows, in characters.
pub const EXCERPT_CHARS: usize = 220;

/// What the library shows of an article: its front matter `summary`, else the start
/// of its first paragraph, given the article's [`plain_text`].
/// Both the catalog and `build.rs` (which prepares the catalog at build time) call it.
pub fn library_excerpt(article: &Article, plain: &str) -> String {
    match &article.meta.summary {
        Some(summary) if !summary.trim().is_empty() => excerpt(summary, EXCERPT_CHARS),
        _ => excerpt(plain, EXCERPT_CHARS),
    }
}

/// The first `max_chars` characters of `text`'s first paragraph, cut at a word with an ellipsis.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let first = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("");
    let collapsed: String = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max_chars / 2 => cut.get(..space).unwrap_or(&cut).to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}
