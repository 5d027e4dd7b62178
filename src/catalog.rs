//! The catalog: metadata of every bundled article, kept apart from the bodies.
//!
//! Building the catalog parses each article once and keeps only an [`Entry`]
//! (title, date, excerpt, reading time, diagnostics…); an article's body is parsed
//! again from its [`Source`] when it is opened, looked up by id. This keeps memory
//! small and lets a later version load bodies lazily for very large bundles.
//! The catalog orders the library (newest first) and hides drafts from it.

use crate::article::{self, text, Article, DateTime, Diagnostic, Format, TextDirection};
use serde::Serialize;
use std::borrow::Cow;

/// One article file as bundled by `build.rs`.
pub struct BundledFile {
    /// Path relative to the project, e.g. `articles/000_f2e18ad958418c56.txt`.
    pub path: &'static str,
    /// Unique slug, assigned at build time by [`article::slug::assign_slugs`].
    pub slug: &'static str,
    pub bytes: &'static [u8],
}

mod bundle {
    use super::BundledFile;
    include!(concat!(env!("OUT_DIR"), "/bundle.rs"));
}

/// Every article file bundled into this build, in path order.
pub fn bundled_files() -> &'static [BundledFile] {
    bundle::BUNDLE
}

/// The raw bytes of one article and the names it goes by.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: Cow<'static, str>,
    pub slug: Cow<'static, str>,
    pub bytes: Cow<'static, [u8]>,
}

/// Index of an article in the catalog; stable for the life of the catalog.
pub type ArticleId = usize;

/// Longest excerpt shown in the library, in characters.
const EXCERPT_CHARS: usize = 220;

/// What the library shows of an article, and what embedders get from `articles()`.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub id: ArticleId,
    pub slug: String,
    pub path: String,
    pub format: Format,
    pub title: String,
    pub date: Option<DateTime>,
    pub updated: Option<DateTime>,
    pub authors: Vec<String>,
    pub publication: Option<String>,
    pub source_url: Option<String>,
    pub tags: Vec<String>,
    /// Front matter `summary`, else the start of the first paragraph.
    pub excerpt: String,
    pub reading_minutes: u32,
    pub lang: Option<String>,
    pub dir: Option<TextDirection>,
    pub draft: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// All articles of a bundle.
pub struct Catalog {
    entries: Vec<Entry>,
    sources: Vec<Source>,
    /// Ids of non-draft articles, newest first.
    listed: Vec<ArticleId>,
}

impl Catalog {
    /// The catalog of the articles bundled into this build.
    pub fn bundled() -> Catalog {
        Catalog::from_sources(
            bundled_files()
                .iter()
                .map(|file| Source {
                    path: Cow::Borrowed(file.path),
                    slug: Cow::Borrowed(file.slug),
                    bytes: Cow::Borrowed(file.bytes),
                })
                .collect(),
        )
    }

    /// A catalog of the given sources; their slugs must already be unique.
    pub fn from_sources(sources: Vec<Source>) -> Catalog {
        let entries: Vec<Entry> = sources
            .iter()
            .enumerate()
            .map(|(id, source)| {
                let parsed = article::parse_article(&source.path, &source.bytes);
                entry_for(id, &source.slug, parsed)
            })
            .collect();
        let mut listed: Vec<ArticleId> = entries
            .iter()
            .filter(|entry| !entry.draft)
            .map(|entry| entry.id)
            .collect();
        // Newest first; undated articles after dated ones, by title; ties by path so the order never wobbles.
        listed.sort_by(|&a, &b| {
            let (a, b) = (&entries[a], &entries[b]);
            b.date
                .is_some()
                .cmp(&a.date.is_some())
                .then(b.date.cmp(&a.date))
                .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
                .then_with(|| a.path.cmp(&b.path))
        });
        Catalog {
            entries,
            sources,
            listed,
        }
    }

    /// Every article, drafts included, by id.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The articles the library lists: no drafts, newest first.
    pub fn listed(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.listed.iter().filter_map(|&id| self.entries.get(id))
    }

    pub fn entry(&self, id: ArticleId) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// The article with this slug, drafts included (a draft is reachable by its link, just not listed).
    pub fn find(&self, slug: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.slug == slug)
    }

    /// Parses the whole article with this id.
    pub fn article(&self, id: ArticleId) -> Option<Article> {
        let source = self.sources.get(id)?;
        Some(article::parse_article(&source.path, &source.bytes))
    }

    /// The articles before and after this one in list order.
    pub fn neighbours(&self, id: ArticleId) -> (Option<&Entry>, Option<&Entry>) {
        let Some(position) = self.listed.iter().position(|&listed| listed == id) else {
            return (None, None);
        };
        let previous = position
            .checked_sub(1)
            .and_then(|p| self.listed.get(p))
            .and_then(|&id| self.entries.get(id));
        let next = self
            .listed
            .get(position + 1)
            .and_then(|&id| self.entries.get(id));
        (previous, next)
    }
}

fn entry_for(id: ArticleId, slug: &str, parsed: Article) -> Entry {
    let plain = text::plain_text(&parsed);
    let excerpt = match &parsed.meta.summary {
        Some(summary) if !summary.trim().is_empty() => text::excerpt(summary, EXCERPT_CHARS),
        _ => text::excerpt(&plain, EXCERPT_CHARS),
    };
    let meta = parsed.meta;
    Entry {
        id,
        slug: slug.to_string(),
        path: parsed.path,
        format: parsed.format,
        title: meta.title,
        date: meta.date,
        updated: meta.updated,
        authors: meta.authors,
        publication: meta.publication,
        source_url: meta.source_url,
        tags: meta.tags,
        excerpt,
        reading_minutes: text::reading_minutes(&plain),
        lang: meta.lang,
        dir: meta.dir,
        draft: meta.draft,
        diagnostics: parsed.diagnostics,
    }
}
