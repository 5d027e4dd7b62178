//! Generated hostile inputs: the huge and deeply nested articles of the hardening issue.
//!
//! They are made here rather than committed (several are megabytes), and shared:
//! `tests/broken.rs` checks that each one parses and renders balanced HTML without a
//! panic, and the benchmarks time them against the render budget.
//! Nothing here runs in the viewer; the linker drops it from the wasm.

/// One generated article: a file name (its extension picks the parser) and its bytes.
#[derive(Clone, Debug)]
pub struct PathologicalInput {
    /// A short name for reports, also the stem of `path`.
    pub name: &'static str,
    /// The path it is parsed under, e.g. `articles/huge.md`.
    pub path: &'static str,
    pub bytes: Vec<u8>,
}

/// A paragraph of ordinary prose with some inline markup, about 600 bytes.
const PROSE: &str = "Folio renders *articles* from many sources, and some of them are **very** long. \
This paragraph has a [link](https://example.com/a?b=c&d=e), `inline code`, an image ![alt](img.png), \
and enough words that the reading-time estimate and the excerpt have something to chew on. \
Smart quotes \"like these\" and dashes -- like this -- are converted; footnotes[^1] are numbered. \
The quick brown fox jumps over the lazy dog while the renderer escapes 1 < 2 && 3 > 2 and &amp; entities.\n\n";

/// Every generated input, in a fixed order.
///
/// Sizes are those the issue names: a 5 MB article, one line of 1 MB, 50,000 nested
/// `>`, 20,000 nested list levels, 100,000 `[` and 10,000 `*`; plus the same shapes
/// in the plain-text news format where they make sense.
pub fn pathological_inputs() -> Vec<PathologicalInput> {
    vec![
        input("huge_article", "articles/huge_article.md", huge_article()),
        input(
            "one_megabyte_line",
            "articles/one_megabyte_line.md",
            one_megabyte_line(),
        ),
        input(
            "nested_blockquotes",
            "articles/nested_blockquotes.md",
            nested_blockquotes(),
        ),
        input("nested_lists", "articles/nested_lists.md", nested_lists()),
        input(
            "open_brackets",
            "articles/open_brackets.md",
            open_brackets(),
        ),
        input("asterisks", "articles/asterisks.md", asterisks()),
        input(
            "huge_news_article",
            "articles/huge_news_article.txt",
            huge_news_article(),
        ),
        input(
            "one_megabyte_news_line",
            "articles/one_megabyte_news_line.txt",
            one_megabyte_line(),
        ),
    ]
}

fn input(name: &'static str, path: &'static str, text: String) -> PathologicalInput {
    PathologicalInput {
        name,
        path,
        bytes: text.into_bytes(),
    }
}

/// 5 MB of ordinary Markdown: headings, paragraphs, lists, code, a footnote.
fn huge_article() -> String {
    const SIZE: usize = 5 * 1024 * 1024;
    let mut out = String::with_capacity(SIZE + 4096);
    out.push_str("---\ntitle: A five-megabyte article\ndate: 2024-01-01\n---\n\n");
    let mut section = 0;
    while out.len() < SIZE {
        section += 1;
        out.push_str("## Section ");
        out.push_str(&section.to_string());
        out.push_str("\n\n");
        for _ in 0..5 {
            out.push_str(PROSE);
        }
        out.push_str("- one\n- two\n  - nested\n\n```rust\nfn main() {}\n```\n\n");
    }
    out.push_str("[^1]: The footnote.\n");
    out
}

/// One line of 1 MB: words, punctuation and inline markup with no line break.
fn one_megabyte_line() -> String {
    const SIZE: usize = 1024 * 1024;
    let unit = "word *emphasis* [link](https://example.com/) `code` & a < b > c — ";
    let mut out = String::with_capacity(SIZE + unit.len() + 1);
    while out.len() < SIZE {
        out.push_str(unit);
    }
    out.push('\n');
    out
}

/// 50,000 nested block quotes: `> > > … text`.
fn nested_blockquotes() -> String {
    let mut out = "> ".repeat(50_000);
    out.push_str("deep\n");
    out
}

/// 20,000 nested list levels, each item indented under the previous one.
fn nested_lists() -> String {
    const LEVELS: usize = 20_000;
    // Indenting each level by two more spaces would make 400 MB; a list marker
    // right after a list marker nests without indentation (`- - - item`).
    let mut out = "- ".repeat(LEVELS);
    out.push_str("deep\n\n");
    // And a shallower nest by indentation, as people write it: 1,000 levels in 1 MB.
    for level in 0..1_000 {
        out.push_str(&"  ".repeat(level));
        out.push_str("- item\n");
    }
    out
}

/// 100,000 `[`: unclosed link openers, the classic quadratic case.
fn open_brackets() -> String {
    let mut out = "[".repeat(100_000);
    out.push_str("x\n");
    out
}

/// 10,000 `*`, as a run and as alternating emphasis openers.
fn asterisks() -> String {
    let mut out = "*".repeat(10_000);
    out.push_str("\n\n");
    out.push_str(&"*a ".repeat(10_000));
    out.push('\n');
    out
}

/// A 5 MB plain-text news article: headline, dateline, many paragraphs.
fn huge_news_article() -> String {
    const SIZE: usize = 5 * 1024 * 1024;
    let mut out = String::with_capacity(SIZE + 4096);
    out.push_str("A very long story — Folio Tests\n\n8 mar 2022 09:01 am\n\n");
    let paragraph = "The reporter wrote another paragraph, and then another one, \
with quotes like “this” and numbers like 1,234 and enough words to make it long.\n\n";
    while out.len() < SIZE {
        out.push_str(paragraph);
    }
    out.push_str("Source link\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_have_the_sizes_the_issue_names() {
        let inputs = pathological_inputs();
        let size = |name: &str| {
            inputs
                .iter()
                .find(|input| input.name == name)
                .map_or(0, |input| input.bytes.len())
        };
        assert!(size("huge_article") >= 5 * 1024 * 1024);
        assert!(size("one_megabyte_line") >= 1024 * 1024);
        let text = |name: &str| {
            inputs
                .iter()
                .find(|input| input.name == name)
                .map(|input| String::from_utf8_lossy(&input.bytes).into_owned())
                .unwrap_or_default()
        };
        assert_eq!(text("nested_blockquotes").matches('>').count(), 50_000);
        assert!(text("nested_lists").starts_with(&"- ".repeat(20_000)));
        assert_eq!(text("open_brackets").matches('[').count(), 100_000);
        assert!(text("asterisks").starts_with(&"*".repeat(10_000)));
        let one_line = text("one_megabyte_line");
        assert_eq!(one_line.lines().count(), 1);
    }
}
