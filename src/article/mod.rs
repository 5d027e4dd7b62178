//! The article model and its parsers: bytes in, [`Article`] plus diagnostics out.
//!
//! Two formats are read:
//! - Markdown (`.md`, `.markdown`) with optional YAML (`---`) or TOML (`+++`) front matter ([`markdown`], [`front_matter`]);
//! - plain-text news as scrapers save it (`.txt`): headline, dateline, paragraphs, boilerplate ([`news`]).
//!
//! This module must never panic and never fail: whatever the bytes, it returns an
//! article, and says what it had to guess or skip in [`Article::diagnostics`].
//! It must not render HTML (that is `render`) and must not name any browser crate.
//! `build.rs` compiles this module too (through `#[path]`), so it may only use
//! `serde`, `pulldown-cmark`, `yaml-rust2`, `toml` and its own submodules.

pub mod date;
pub mod diagnostic;
pub mod front_matter;
pub mod markdown;
pub mod news;
pub mod slug;
pub mod text;

pub use date::DateTime;
pub use diagnostic::{Diagnostic, Severity};

use serde::Serialize;

/// Which parser read an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    News,
}

/// Writing direction, from front matter `dir`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDirection {
    Ltr,
    Rtl,
    Auto,
}

impl TextDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TextDirection::Ltr => "ltr",
            TextDirection::Rtl => "rtl",
            TextDirection::Auto => "auto",
        }
    }
}

/// What is known about an article besides its body.
/// Every string is untrusted text, exactly as the article gave it (trimmed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// Never empty once [`parse_article`] returns: it falls back to the first heading, then the file name.
    pub title: String,
    pub date: Option<DateTime>,
    pub updated: Option<DateTime>,
    pub authors: Vec<String>,
    /// The publication or site: front matter `source`, or the news headline's ` — RT EN` suffix.
    pub publication: Option<String>,
    /// As written; the renderer shows it only when it is an http(s) URL.
    pub source_url: Option<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<TextDirection>,
    pub draft: bool,
}

/// The text of an article, in the shape its format gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Markdown(MarkdownBody),
    News(NewsBody),
}

/// Markdown source after the front matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkdownBody {
    pub text: String,
    /// 1-based line in the file where `text` starts, to report body problems at file lines.
    pub first_line: u32,
}

/// A plain-text news article, split into its parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewsBody {
    /// The first paragraph, shown larger above the body.
    pub standfirst: Option<String>,
    pub blocks: Vec<NewsBlock>,
    /// Titles from "Read more: X" / "More on the subject – X" lines.
    pub related: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewsBlock {
    Paragraph(String),
    /// A quotation standing as its own paragraph, without its surrounding quote marks.
    Quote(String),
    /// A short line standing alone between paragraphs, read as a crosshead.
    Heading(String),
}

/// One parsed article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// Path as bundled, relative to the project (`articles/x.md`): used in diagnostics.
    pub path: String,
    pub format: Format,
    pub meta: Meta,
    pub body: Body,
    pub diagnostics: Vec<Diagnostic>,
}

/// The format a file name asks for; `None` for files that are not articles.
pub fn format_for_path(path: &str) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Some(Format::Markdown)
    } else if lower.ends_with(".txt") {
        Some(Format::News)
    } else {
        None
    }
}

/// Parses one article file. Never fails: problems become diagnostics.
///
/// Decodes UTF-8 (invalid bytes become U+FFFD with a diagnostic at their line),
/// drops a byte-order mark, turns CRLF and lone CR into LF, replaces NUL with
/// U+FFFD (with a diagnostic), then runs the parser
/// for the file's format and fills the fallbacks (title from the file name,
/// date from a `YYYY-MM-DD-` file-name prefix).
pub fn parse_article(path: &str, bytes: &[u8]) -> Article {
    let mut diagnostics = Vec::new();
    let text = decode(bytes, &mut diagnostics);
    let format = format_for_path(path).unwrap_or(Format::Markdown);
    let (mut meta, body, mut found) = match format {
        Format::Markdown => {
            let (meta, body, found) = markdown::parse(&text);
            (meta, Body::Markdown(body), found)
        }
        Format::News => {
            let (meta, body, found) = news::parse(&text);
            (meta, Body::News(body), found)
        }
    };
    diagnostics.append(&mut found);

    let stem = file_stem(path);
    if meta.date.is_none() {
        meta.date = date_from_file_name(stem);
    }
    if meta.title.trim().is_empty() {
        meta.title = title_from_file_name(stem);
    }
    if text.trim().is_empty() {
        diagnostics.push(Diagnostic::warning(1, "the file is empty"));
    }
    diagnostics.sort_by_key(|d| d.line);
    Article {
        path: path.to_string(),
        format,
        meta,
        body,
        diagnostics,
    }
}

/// UTF-8 decoding that loses nothing it can keep and says where it replaced bytes.
fn decode(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(error) => {
            let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count() as u32;
            diagnostics.push(Diagnostic::error(
                line,
                "the file is not valid UTF-8; invalid bytes are shown as \u{FFFD}",
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    replace_nul(normalize_line_endings(text), diagnostics)
}

/// U+0000 becomes U+FFFD, as CommonMark asks "for security reasons": a NUL
/// means different things to different parsers, and none in a browser.
fn replace_nul(text: String, diagnostics: &mut Vec<Diagnostic>) -> String {
    let Some(first) = text.find('\0') else {
        return text;
    };
    let line = 1 + text.get(..first).unwrap_or_default().matches('\n').count() as u32;
    diagnostics.push(Diagnostic::warning(
        line,
        "the file contains NUL bytes; they are shown as \u{FFFD}",
    ));
    text.replace('\0', "\u{FFFD}")
}

fn normalize_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The file name without folders and extension.
pub fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rfind('.') {
        Some(dot) if dot > 0 => name.get(..dot).unwrap_or(name),
        _ => name,
    }
}

/// `2024-05-01-my-trip` gives 1 May 2024.
fn date_from_file_name(stem: &str) -> Option<DateTime> {
    let prefix = stem.get(..10)?;
    let rest = stem.get(10..)?;
    if !(rest.is_empty() || rest.starts_with(['-', '_', ' '])) {
        return None;
    }
    date::parse_date(prefix)
}

/// `2024-05-01-my_trip` gives "My trip".
fn title_from_file_name(stem: &str) -> String {
    let without_date = match date_from_file_name(stem) {
        Some(_) => stem.get(10..).unwrap_or_default(),
        None => stem,
    };
    let words: Vec<&str> = without_date
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let mut title = words.join(" ");
    if let Some(first) = title.chars().next() {
        let upper: String = first.to_uppercase().collect();
        title.replace_range(..first.len_utf8(), &upper);
    }
    if title.is_empty() {
        stem.to_string()
    } else {
        title
    }
}
