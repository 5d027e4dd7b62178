//! The catalog: metadata of every bundled article, kept apart from the bodies.
//!
//! The catalog holds one [`Entry`] per article (title, date, excerpt, reading time,
//! diagnostics…) and finds an article's body by id only when it is opened. This keeps
//! memory small and lets a later version load bodies lazily for very large bundles.
//! The catalog orders the library (newest first) and hides drafts from it.
//!
//! Two ways in, one result:
//! - [`Catalog::bundled`], used by the viewer, reads the articles `build.rs` already
//!   parsed: [`PreparedArticle`]s, static data with every string borrowed from the
//!   module. No parser runs in the browser, so the front matter crates and the news
//!   parser are not in the shipped wasm (see ARCHITECTURE.md, "Parse at build time").
//! - [`Catalog::from_sources`], used by tests and tools, parses [`Source`] bytes with
//!   [`article::parse_article`], the same parser `build.rs` runs.
//!
//! A native test checks that both give the same entries and articles for the bundle.
//!
//! The same holds for search: [`Catalog::search_index`] of the bundled catalog is the index
//! `build.rs` built (with `src/search/`) and wrote as bytes, read in place, and the snippets'
//! text is the plain text it prepared ([`prepared_plain_text`]); a catalog of sources builds
//! its index on first use. A native test checks that both give the same index and results.

use crate::article::{
    self, text, Article, Body, DateTime, Diagnostic, Format, MarkdownBody, Meta, NewsBlock,
    NewsBody, Severity, TextDirection,
};
use crate::render::{render_body, BodyOptions, Heading, RenderedBody, Segment};
use crate::search::index::sort_ids;
use crate::search::{ArticleTexts, Document, SearchIndex, SearchIndexBuilder};
use serde::Serialize;
use std::borrow::Cow;
use std::cell::OnceCell;

/// One article file as bundled by `build.rs`.
pub struct BundledFile {
    /// Path relative to the project, e.g. `articles/000_f2e18ad958418c56.txt`.
    pub path: &'static str,
    /// Unique slug, assigned at build time by [`article::slug::assign_slugs`].
    pub slug: &'static str,
    pub bytes: &'static [u8],
}

/// One article as `build.rs` parsed it: its [`Entry`] fields and its rendered body, as
/// static data. `build.rs` writes these (in `$OUT_DIR/bundle.rs`) from the result of
/// [`article::parse_article`], [`text::library_excerpt`] and [`text::reading_minutes`].
/// The parsed body is kept apart ([`prepared_article`]), as the viewer never reads it.
pub struct PreparedArticle {
    pub path: &'static str,
    pub slug: &'static str,
    pub format: Format,
    pub meta: PreparedMeta,
    pub excerpt: &'static str,
    pub reading_minutes: u32,
    pub diagnostics: &'static [PreparedDiagnostic],
    /// The body as `build.rs` rendered it, for the viewer: no Markdown is rendered in
    /// the browser (see ARCHITECTURE.md, "Render at build time").
    pub rendered: PreparedRendering,
}

/// [`RenderedBody`] as static data, rendered with [`BodyOptions::for_article`].
pub struct PreparedRendering {
    pub html: &'static str,
    pub segments: &'static [Segment],
    pub headings: &'static [PreparedHeading],
    pub contains_raw_html: bool,
    pub demote_headings: bool,
}

/// [`Heading`] as static data.
pub struct PreparedHeading {
    pub level: u8,
    pub id: &'static str,
    pub text: &'static str,
}

impl PreparedRendering {
    /// The rendering as the renderer returns it at run time.
    pub fn rendered_body(&self) -> RenderedBody {
        RenderedBody {
            html: self.html.to_string(),
            contains_raw_html: self.contains_raw_html,
            headings: self
                .headings
                .iter()
                .map(|heading| Heading {
                    level: heading.level,
                    id: heading.id.to_string(),
                    text: heading.text.to_string(),
                })
                .collect(),
            segments: self.segments.to_vec(),
            demote_headings: self.demote_headings,
        }
    }
}

/// [`Meta`] as static data.
pub struct PreparedMeta {
    pub title: &'static str,
    pub date: Option<DateTime>,
    pub updated: Option<DateTime>,
    pub authors: &'static [&'static str],
    pub publication: Option<&'static str>,
    pub source_url: Option<&'static str>,
    pub tags: &'static [&'static str],
    pub summary: Option<&'static str>,
    pub lang: Option<&'static str>,
    pub dir: Option<TextDirection>,
    pub draft: bool,
}

/// [`Diagnostic`] as static data.
pub struct PreparedDiagnostic {
    pub line: u32,
    pub severity: Severity,
    pub message: &'static str,
}

/// [`Body`] as static data: Markdown stays text, news is kept as the blocks its parser
/// found. Only [`prepared_article`] reads these.
pub enum PreparedBody {
    Markdown {
        text: &'static str,
        first_line: u32,
    },
    News {
        standfirst: Option<&'static str>,
        blocks: &'static [PreparedNewsBlock],
        related: &'static [&'static str],
    },
}

/// [`NewsBlock`] as static data.
pub enum PreparedNewsBlock {
    Paragraph(&'static str),
    Quote(&'static str),
    Heading(&'static str),
}

mod bundle {
    // Which of these the generated code names depends on the articles bundled.
    #[allow(unused_imports)]
    use super::{
        BundledFile, PreparedArticle, PreparedBody, PreparedDiagnostic, PreparedHeading,
        PreparedMeta, PreparedNewsBlock, PreparedRendering,
    };
    #[allow(unused_imports)]
    use crate::article::{DateTime, Format, Severity, TextDirection};
    #[allow(unused_imports)]
    use crate::render::{Segment, SegmentKind};
    include!(concat!(env!("OUT_DIR"), "/bundle.rs"));
    // Also written by build.rs: `SEARCH_INDEX`, the bytes of the search index of the
    // listed articles, and `PLAIN_TEXT` with `PLAIN_TEXT_ENDS`, every article's plain text
    // back to back (article `i` ends at `PLAIN_TEXT_ENDS[i]`).
    include!(concat!(env!("OUT_DIR"), "/search.rs"));
}

/// Every article file bundled into this build, in path order: the raw bytes, for
/// tests and tools that parse them again. The viewer reads [`prepared_articles`].
pub fn bundled_files() -> &'static [BundledFile] {
    bundle::BUNDLE
}

/// The whole bundled article `id`, as [`article::parse_article`] returned it at build time.
/// The viewer never calls this, so the parsed bodies it reads are left out of the wasm.
pub fn prepared_article(id: ArticleId) -> Option<Article> {
    let prepared = bundle::PREPARED.get(id)?;
    Some(prepared.article(bundle::PREPARED_BODIES.get(id)?))
}

/// Every bundled article as `build.rs` parsed it, in the order of [`bundled_files`].
pub fn prepared_articles() -> &'static [PreparedArticle] {
    bundle::PREPARED
}

/// The [`text::plain_text`] of bundled article `id`, as `build.rs` computed it.
pub fn prepared_plain_text(id: ArticleId) -> Option<&'static str> {
    let end = *bundle::PLAIN_TEXT_ENDS.get(id)? as usize;
    let start = match id.checked_sub(1) {
        Some(previous) => *bundle::PLAIN_TEXT_ENDS.get(previous)? as usize,
        None => 0,
    };
    bundle::PLAIN_TEXT.get(start..end)
}

/// The search index of the bundled articles, as `build.rs` built it ([`SearchIndex::to_bytes`]),
/// read in place; `None` only if those bytes were not an index (a native test reads them).
pub fn prepared_search_index() -> Option<SearchIndex> {
    SearchIndex::from_static_bytes(bundle::SEARCH_INDEX)
}

fn owned(strings: &[&str]) -> Vec<String> {
    strings.iter().map(|s| s.to_string()).collect()
}

impl PreparedArticle {
    /// The catalog entry of this article, with the given id.
    pub fn entry(&self, id: ArticleId) -> Entry {
        let meta = &self.meta;
        Entry {
            id,
            slug: self.slug.to_string(),
            path: self.path.to_string(),
            format: self.format,
            title: meta.title.to_string(),
            date: meta.date,
            updated: meta.updated,
            authors: owned(meta.authors),
            publication: meta.publication.map(str::to_string),
            source_url: meta.source_url.map(str::to_string),
            tags: owned(meta.tags),
            excerpt: self.excerpt.to_string(),
            reading_minutes: self.reading_minutes,
            lang: meta.lang.map(str::to_string),
            dir: meta.dir,
            draft: meta.draft,
            diagnostics: self.diagnostics(),
        }
    }

    fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .map(|d| Diagnostic {
                line: d.line,
                severity: d.severity,
                message: d.message.to_string(),
            })
            .collect()
    }

    /// The whole article, with its parsed `body`.
    fn article(&self, body: &PreparedBody) -> Article {
        let meta = &self.meta;
        let body = match body {
            PreparedBody::Markdown { text, first_line } => Body::Markdown(MarkdownBody {
                text: text.to_string(),
                first_line: *first_line,
            }),
            PreparedBody::News {
                standfirst,
                blocks,
                related,
            } => Body::News(NewsBody {
                standfirst: standfirst.map(str::to_string),
                blocks: blocks
                    .iter()
                    .map(|block| match block {
                        PreparedNewsBlock::Paragraph(text) => {
                            NewsBlock::Paragraph(text.to_string())
                        }
                        PreparedNewsBlock::Quote(text) => NewsBlock::Quote(text.to_string()),
                        PreparedNewsBlock::Heading(text) => NewsBlock::Heading(text.to_string()),
                    })
                    .collect(),
                related: owned(related),
            }),
        };
        Article {
            path: self.path.to_string(),
            format: self.format,
            meta: Meta {
                title: meta.title.to_string(),
                date: meta.date,
                updated: meta.updated,
                authors: owned(meta.authors),
                publication: meta.publication.map(str::to_string),
                source_url: meta.source_url.map(str::to_string),
                tags: owned(meta.tags),
                summary: meta.summary.map(str::to_string),
                lang: meta.lang.map(str::to_string),
                dir: meta.dir,
                draft: meta.draft,
            },
            body,
            diagnostics: self.diagnostics(),
        }
    }
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
    bodies: Box<dyn Bodies>,
    /// Ids of non-draft articles, newest first.
    listed: Vec<ArticleId>,
    /// The search index, once asked for.
    search: OnceCell<SearchIndex>,
}

impl Catalog {
    /// The catalog of the articles bundled into this build, as `build.rs` parsed them:
    /// nothing is parsed here.
    pub fn bundled() -> Catalog {
        let prepared = prepared_articles();
        let entries = prepared
            .iter()
            .enumerate()
            .map(|(id, article)| article.entry(id))
            .collect();
        Catalog::from_entries(entries, Box::new(prepared))
    }

    /// The bundled articles parsed again from their bytes, as tests and tools see them.
    pub fn bundled_sources() -> Vec<Source> {
        bundled_files()
            .iter()
            .map(|file| Source {
                path: Cow::Borrowed(file.path),
                slug: Cow::Borrowed(file.slug),
                bytes: Cow::Borrowed(file.bytes),
            })
            .collect()
    }

    /// A catalog of the given sources, parsed here; their slugs must already be unique.
    /// Its search index is built when first asked for, parsing each article again.
    pub fn from_sources(sources: Vec<Source>) -> Catalog {
        let entries: Vec<Entry> = sources
            .iter()
            .enumerate()
            .map(|(id, source)| {
                let parsed = article::parse_article(&source.path, &source.bytes);
                let plain = text::plain_text(&parsed);
                entry_for(id, &source.slug, parsed, &plain)
            })
            .collect();
        Catalog::from_entries(entries, Box::new(sources))
    }

    /// A catalog of the given sources with its search index built at once: each article is
    /// parsed, and its Markdown walked for text, only once for both.
    pub fn from_sources_indexed(sources: Vec<Source>) -> Catalog {
        let mut builder = SearchIndexBuilder::new();
        let entries: Vec<Entry> = sources
            .iter()
            .enumerate()
            .map(|(id, source)| {
                let parsed = article::parse_article(&source.path, &source.bytes);
                let plain = text::plain_text(&parsed);
                // The document's text is set after the entry has used it, to copy no text.
                let document = (!parsed.meta.draft)
                    .then(|| Document::from_article_text(id, &source.slug, &parsed, String::new()));
                let entry = entry_for(id, &source.slug, parsed, &plain);
                if let Some(mut document) = document {
                    document.body = plain;
                    builder.add(&document);
                }
                entry
            })
            .collect();
        let catalog = Catalog::from_entries(entries, Box::new(sources));
        let _ = catalog.search.set(builder.finish());
        catalog
    }

    fn from_entries(entries: Vec<Entry>, bodies: Box<dyn Bodies>) -> Catalog {
        let mut listed: Vec<u32> = entries
            .iter()
            .filter(|entry| !entry.draft)
            .filter_map(|entry| u32::try_from(entry.id).ok())
            .collect();
        // Newest first; undated articles after dated ones, by title; ties by path, then by id,
        // so the order never wobbles. Sorted as `u32` ids through `sort_ids`, the one copy of
        // the standard sort that the search already ships (this stable sort and the reading
        // marks' cost 6.5 KB of the shipped wasm); the id as last key gives the stable order.
        sort_ids(&mut listed, &|a, b| {
            let (a_entry, b_entry) = (&entries[a as usize], &entries[b as usize]);
            b_entry
                .date
                .is_some()
                .cmp(&a_entry.date.is_some())
                .then(b_entry.date.cmp(&a_entry.date))
                // Character by character: `str::to_lowercase` would allocate twice per comparison
                // and ship 4 KB of wasm for its one extra rule (a word-final capital sigma).
                .then_with(|| title_order(&a_entry.title, &b_entry.title))
                .then_with(|| a_entry.path.cmp(&b_entry.path))
                .then(a.cmp(&b))
        });
        let listed: Vec<ArticleId> = listed.into_iter().map(|id| id as ArticleId).collect();
        Catalog {
            entries,
            bodies,
            listed,
            search: OnceCell::new(),
        }
    }

    /// The search index of the listed articles (drafts are not searchable), in id order:
    /// the bundled catalog reads the one `build.rs` built; another builds it on first use.
    pub fn search_index(&self) -> &SearchIndex {
        self.search.get_or_init(|| self.bodies.search_index(self))
    }

    /// A new search index of the listed articles, built here from the articles
    /// (for tests and benchmarks; [`Catalog::search_index`] keeps one).
    pub fn build_search_index(&self) -> SearchIndex {
        let mut builder = SearchIndexBuilder::new();
        for (id, entry) in self.entries.iter().enumerate() {
            if entry.draft {
                continue;
            }
            if let Some(article) = self.article(id) {
                builder.add(&Document::from_article(id, &entry.slug, &article));
            }
        }
        builder.finish()
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

    /// The whole article with this id: its prepared body, or its source parsed now.
    /// Not through the [`Bodies`] trait object, whose every method the wasm carries: the
    /// viewer never asks for a parsed article, so neither the parser nor the prepared
    /// bodies are linked into it.
    pub fn article(&self, id: ArticleId) -> Option<Article> {
        match self.bodies.source(id)? {
            BodySource::Bundled => prepared_article(id),
            BodySource::File(source) => Some(parse_source(source)),
        }
    }

    /// The body of an article as the viewer shows it, in-page links routed to its slug:
    /// rendered at build time for the bundle, at run time for sources. Either way it is
    /// the renderer's [`RenderedBody`], so the web layer inserts both alike.
    pub fn rendered_body(&self, id: ArticleId) -> Option<RenderedBody> {
        let slug = &self.entries.get(id)?.slug;
        self.bodies.rendered_body(id, slug)
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

/// The snippets' text: the prepared plain text, or the article parsed again.
impl ArticleTexts for Catalog {
    fn article_text(&self, id: ArticleId) -> Option<String> {
        self.bodies.plain_text(id)
    }
}

/// Where a catalog finds an article's rendering, plain text and search index, and where
/// [`Catalog::article`] finds the article itself.
/// A trait object rather than an enum, so that a build which never calls
/// [`Catalog::from_sources`] (the wasm) does not link the parsers, the Markdown renderer,
/// the plain-text walk or the index builder at all.
trait Bodies {
    fn source(&self, id: ArticleId) -> Option<BodySource<'_>>;
    fn rendered_body(&self, id: ArticleId, slug: &str) -> Option<RenderedBody>;
    fn plain_text(&self, id: ArticleId) -> Option<String>;
    fn search_index(&self, catalog: &Catalog) -> SearchIndex;
}

/// Where [`Catalog::article`] finds an article.
enum BodySource<'a> {
    /// In [`prepared_article`].
    Bundled,
    /// In this file, parsed again.
    File(&'a Source),
}

fn parse_source(source: &Source) -> Article {
    article::parse_article(&source.path, &source.bytes)
}

/// Parsed, rendered and indexed at build time: the viewer's catalog.
impl Bodies for &'static [PreparedArticle] {
    fn source(&self, id: ArticleId) -> Option<BodySource<'_>> {
        self.get(id).map(|_| BodySource::Bundled)
    }

    fn rendered_body(&self, id: ArticleId, _slug: &str) -> Option<RenderedBody> {
        // `build.rs` rendered it for this article's slug.
        self.get(id).map(|article| article.rendered.rendered_body())
    }

    fn plain_text(&self, id: ArticleId) -> Option<String> {
        prepared_plain_text(id).map(str::to_string)
    }

    fn search_index(&self, _catalog: &Catalog) -> SearchIndex {
        // The bytes are this build's own, and a native test reads them: no index is
        // built here as a fallback, as that would link the builder into the wasm.
        prepared_search_index().unwrap_or_default()
    }
}

/// Parsed when opened.
impl Bodies for Vec<Source> {
    fn source(&self, id: ArticleId) -> Option<BodySource<'_>> {
        self.get(id).map(BodySource::File)
    }

    fn rendered_body(&self, id: ArticleId, slug: &str) -> Option<RenderedBody> {
        let article = parse_source(self.get(id)?);
        Some(render_body(&article, &BodyOptions::for_article(slug)))
    }

    fn plain_text(&self, id: ArticleId) -> Option<String> {
        self.get(id)
            .map(|source| text::plain_text(&parse_source(source)))
    }

    fn search_index(&self, catalog: &Catalog) -> SearchIndex {
        catalog.build_search_index()
    }
}

fn entry_for(id: ArticleId, slug: &str, parsed: Article, plain: &str) -> Entry {
    let excerpt = text::library_excerpt(&parsed, plain);
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
        reading_minutes: text::reading_minutes(plain),
        lang: meta.lang,
        dir: meta.dir,
        draft: meta.draft,
        diagnostics: parsed.diagnostics,
    }
}

/// Titles in case-insensitive order, compared in lower case character by character.
/// Not inlined: the sort instantiates its comparison in several places, and this one
/// body serves them all.
#[inline(never)]
fn title_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}
