//! Full-text search over the catalog: index building, queries, ranking, facets and snippets.
//!
//! A [`SearchIndexBuilder`] indexes articles one [`Document`] at a time:
//! title, summary, headings, body, authors, publication and tags, each as its own field.
//! [`crate::catalog::Catalog::search_index`] gives the index of a catalog's listed (non-draft)
//! articles: for the bundled articles, the index `build.rs` built with this same code and
//! wrote as bytes ([`SearchIndex::to_bytes`], read back in place by [`SearchIndex::from_static_bytes`]),
//! so the viewer never builds one; for other catalogs, one built on first use.
//! [`SearchIndex::search`] answers one query with [`SearchOptions`] (filters, sort, page)
//! and returns small serialisable [`SearchResults`] for the web layer to pass to JS.
//!
//! Ranking (for [`Sort::Relevance`]): every clause of the query must match;
//! results matched without typos always come before results that needed one,
//! then by BM25F score (title ×6, headings ×2.5, tags ×2 against the body), then newest first.
//! The other sorts keep typo matches after exact ones too, so a fuzzy guess never
//! pushes an exact match down the list.
//!
//! Matching: words are folded (case, diacritics) and split as [`tokenize`] says; the last
//! word, while it is being typed (nothing after it), also matches as a prefix (the 24 most
//! frequent completions); words of five letters or more also match terms one edit away
//! ([`query::one_edit_terms`]), scored at half and ranked after exact matches;
//! `"quoted phrases"`, hyphenated words and CJK runs match as phrases through positions;
//! two neighbouring common words are read as their pair ([`pairs`]), a far shorter list.
//! A query word that matches nothing, with a near word in the index, gives a
//! [`SearchResults::suggestion`] (the query with that word replaced).
//!
//! The index keeps no article text: snippets are cut from the text that an
//! [`ArticleTexts`] (the catalog: the plain text `build.rs` prepared, or the article parsed
//! again) gives for each hit shown. That keeps the index smaller than the corpus; only the hits
//! on the requested page need their text, so keep pages small ([`DEFAULT_LIMIT`] is 10). An empty query returns no snippets (the library
//! shows each [`Entry::excerpt`]) and lists every article the filters allow, with facet counts:
//! the library view can use the same call.
//!
//! Serialised (serde, snake_case) for JS: a snippet is a list of `{text, mark}` segments, not a
//! string with offsets, so the web layer escapes each segment and wraps marked ones in `<mark>`
//! without converting UTF-8 offsets to UTF-16; dates are ISO strings.
//!
//! This module is pure: it must not name any browser crate. It must not name the catalog
//! either: `build.rs` compiles it (through `#[path]`, beside `src/article/`) to build the
//! bundled articles' index.

pub mod fold;
pub mod index;
pub mod pairs;
pub mod query;
pub mod snippet;
pub mod store;
pub mod tokenize;

use crate::article::{text, Article, Body, DateTime, NewsBlock};
use index::{
    keep_first_ids, sort_ids, DocNumber, Field, FxBuildHasher, IndexBuilder, InvertedIndex,
    PositionCursor, Positions, POSITION_GAP,
};
use pairs::CommonPairs;
use query::{one_edit_terms, parse_query, Clause};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use store::{Reader, Writer};

/// An article's id in its catalog: the same number as `catalog::ArticleId`.
pub type ArticleId = usize;

pub use snippet::{Segment, Snippet};

/// Most terms a word being typed expands to (the most frequent ones win).
const MAX_PREFIX_TERMS: usize = 24;
/// Most spelling variants a word expands to.
const MAX_TYPO_TERMS: usize = 8;
/// Score factor of a completion of the word being typed, against the word itself.
const PREFIX_FACTOR: f32 = 0.8;
/// Score factor of a spelling variant (which also ranks below every exact match).
const TYPO_FACTOR: f32 = 0.5;
/// Words and phrases of a query beyond this many are ignored.
const MAX_CLAUSES: usize = 32;
/// Default page size.
pub const DEFAULT_LIMIT: usize = 10;
/// Most years after the first dated article's that the year facet counts.
const MAX_YEAR_SPAN: i32 = 500;

/// How results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest first; undated articles last. The library's default.
    #[default]
    Newest,
    Oldest,
    /// Best match first; the same as [`Sort::Newest`] when the query is empty.
    Relevance,
    /// By title, case- and accent-insensitively.
    Title,
}

/// Filters, order and page of a search.
///
/// Each filter is a list: a result must have one of the listed values (OR within a facet),
/// and must pass every non-empty filter (AND across facets and with the query).
/// Publications and tags compare case- and accent-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "snake_case")]
pub struct SearchOptions {
    pub publications: Vec<String>,
    pub tags: Vec<String>,
    pub years: Vec<i32>,
    pub sort: Sort,
    /// Hits to return (the page size).
    pub limit: usize,
    /// Hits to skip (the page start).
    pub offset: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            publications: Vec::new(),
            tags: Vec::new(),
            years: Vec::new(),
            sort: Sort::Newest,
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// One result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    pub publication: Option<String>,
    pub date: Option<DateTime>,
    /// Relevance score (0 for an empty query); higher is better.
    pub score: f32,
    /// Number of query words matched only through a one-letter typo.
    pub typos: u32,
    /// The best passage, matched words marked; empty for an empty query (the library shows excerpts).
    pub snippet: Snippet,
}

/// A facet value and how many results have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u32,
    /// The value is one of the current filters.
    pub selected: bool,
}

/// A year and how many results are from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearCount {
    pub year: i32,
    pub count: u32,
    pub selected: bool,
}

/// Facet counts: each facet counts the results of the query and of the *other* facets'
/// filters, so the values of a facet stay visible (and switchable) once one is chosen.
/// Publications and tags are by count, then name; years newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub publications: Vec<FacetCount>,
    pub tags: Vec<FacetCount>,
    pub years: Vec<YearCount>,
}

/// The answer to one search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// The requested page of results.
    pub hits: Vec<Hit>,
    /// All results, across pages.
    pub total: u32,
    pub facets: Facets,
    /// The query with unknown words replaced by the nearest indexed word, when there is one.
    pub suggestion: Option<String>,
}

/// The text an article's snippet is cut from.
pub trait ArticleTexts {
    /// The plain text of the article (as [`text::plain_text`] gives it), if it exists.
    fn article_text(&self, id: ArticleId) -> Option<String>;
}

impl ArticleTexts for [Document] {
    fn article_text(&self, id: ArticleId) -> Option<String> {
        self.iter()
            .find(|document| document.id == id)
            .map(|document| document.body.clone())
    }
}

/// The texts of the articles most recently asked for, so that typing a query key by key,
/// which brings back mostly the same hits, does not parse the same articles again and again.
///
/// Owned by the caller next to the catalog and lent for each search through [`CachedTexts`].
#[derive(Default)]
pub struct TextCache {
    /// Most recent last.
    recent: std::cell::RefCell<Vec<(ArticleId, String)>>,
}

/// Texts kept by a [`TextCache`]: about two pages of hits.
const TEXT_CACHE_ENTRIES: usize = 24;

impl TextCache {
    pub fn new() -> TextCache {
        TextCache::default()
    }

    /// Bytes of text held.
    pub fn memory_bytes(&self) -> usize {
        self.recent.try_borrow().map_or(0, |recent| {
            recent.iter().map(|(_, text)| text.capacity()).sum()
        })
    }
}

/// An [`ArticleTexts`] that asks `texts` only for articles not in `cache`.
pub struct CachedTexts<'a, T: ArticleTexts + ?Sized> {
    pub texts: &'a T,
    pub cache: &'a TextCache,
}

impl<T: ArticleTexts + ?Sized> ArticleTexts for CachedTexts<'_, T> {
    fn article_text(&self, id: ArticleId) -> Option<String> {
        if let Ok(mut recent) = self.cache.recent.try_borrow_mut() {
            if let Some(position) = recent.iter().position(|(cached, _)| *cached == id) {
                let entry = recent.remove(position);
                let text = entry.1.clone();
                recent.push(entry);
                return Some(text);
            }
        }
        let text = self.texts.article_text(id)?;
        if let Ok(mut recent) = self.cache.recent.try_borrow_mut() {
            if recent.len() >= TEXT_CACHE_ENTRIES {
                recent.remove(0);
            }
            recent.push((id, text.clone()));
        }
        Some(text)
    }
}

/// Everything of one article that is indexed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub headings: Vec<String>,
    /// The plain text ([`text::plain_text`]); headings are in it too.
    pub body: String,
    pub authors: Vec<String>,
    pub publication: Option<String>,
    pub tags: Vec<String>,
    pub date: Option<DateTime>,
}

impl Document {
    /// The indexed parts of a parsed article, with its id and slug in the catalog.
    pub fn from_article(id: ArticleId, slug: &str, article: &Article) -> Document {
        Document::from_article_text(id, slug, article, text::plain_text(article))
    }

    /// Like [`Document::from_article`], for a caller that already has the article's
    /// [`text::plain_text`] (the catalog computes it for the excerpt): the Markdown is not parsed again for it.
    pub fn from_article_text(
        id: ArticleId,
        slug: &str,
        article: &Article,
        plain_text: String,
    ) -> Document {
        let meta = &article.meta;
        Document {
            id,
            slug: slug.to_string(),
            title: meta.title.clone(),
            summary: meta.summary.clone(),
            headings: headings(article),
            body: plain_text,
            authors: meta.authors.clone(),
            publication: meta.publication.clone(),
            tags: meta.tags.clone(),
            date: meta.date,
        }
    }
}

/// The text of an article's headings: Markdown headings, or news crossheads.
pub fn headings(article: &Article) -> Vec<String> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut found = Vec::new();
    match &article.body {
        // Most articles have no heading: a line scan decides that without a second Markdown parse.
        Body::Markdown(body) if !may_have_headings(&body.text) => {}
        Body::Markdown(body) => {
            let mut current: Option<String> = None;
            for event in crate::article::markdown::parser(&body.text) {
                match event {
                    Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
                    Event::End(TagEnd::Heading(_)) => {
                        if let Some(heading) = current.take() {
                            if !heading.trim().is_empty() {
                                found.push(heading);
                            }
                        }
                    }
                    Event::Text(text) | Event::Code(text) => {
                        if let Some(heading) = current.as_mut() {
                            heading.push_str(&text);
                        }
                    }
                    _ => {}
                }
            }
        }
        Body::News(body) => {
            for block in &body.blocks {
                if let NewsBlock::Heading(heading) = block {
                    found.push(heading.clone());
                }
            }
        }
    }
    found
}

/// False when no line of `markdown` can be a heading: none starts with `#` (after
/// indentation and `>`), and none is a setext underline of `=` or `-` alone.
fn may_have_headings(markdown: &str) -> bool {
    markdown.lines().any(|line| {
        let line = line.trim_start_matches([' ', '\t', '>']);
        line.starts_with('#')
            || (!line.trim_end().is_empty()
                && (line.trim_end().bytes().all(|b| b == b'=')
                    || line.trim_end().bytes().all(|b| b == b'-')))
    })
}

/// What the index keeps of each document.
#[derive(PartialEq)]
struct DocInfo {
    id: ArticleId,
    slug: Cow<'static, str>,
    title: Cow<'static, str>,
    publication: Option<u32>,
    /// Range in `SearchIndex::document_tags`.
    tags: (u32, u32),
    date: Option<DateTime>,
    /// Position in title order.
    title_rank: u32,
}

/// A facet value: folded key for matching, first spelling seen for display.
#[derive(PartialEq)]
struct FacetValue {
    key: Cow<'static, str>,
    label: Cow<'static, str>,
}

/// The search index of a catalog.
///
/// Two indexes are equal when they hold the same data, whether built here or read from bytes.
#[derive(Default, PartialEq)]
pub struct SearchIndex {
    index: InvertedIndex,
    /// Pairs of common words, for phrases.
    pairs: CommonPairs,
    documents: Vec<DocInfo>,
    publications: Vec<FacetValue>,
    tags: Vec<FacetValue>,
    document_tags: Vec<u32>,
    /// Characters of the indexed words (not CJK), for typo variants.
    alphabet: Vec<char>,
    /// Range of the articles' years, for the year counts.
    first_year: i32,
    last_year: i32,
}

/// One alternative way a clause matches: an index term, how well, and whether it is a typo.
#[derive(Clone, Copy)]
struct Alternative {
    term: u32,
    factor: f32,
    typo: bool,
}

/// Per-query scratch over all documents.
struct Accumulator {
    matched: Vec<u16>,
    score: Vec<f32>,
    typos: Vec<u16>,
    /// Best (score, typo) of the current clause per document, with the documents it touched.
    clause_score: Vec<f32>,
    clause_state: Vec<u8>,
    touched: Vec<DocNumber>,
}

const CLAUSE_NONE: u8 = 0;
const CLAUSE_TYPO: u8 = 1;
const CLAUSE_EXACT: u8 = 2;

impl SearchIndex {
    /// Indexes the given documents (for tests and for embedders with their own articles).
    pub fn from_documents(documents: &[Document]) -> SearchIndex {
        let mut builder = SearchIndexBuilder::default();
        for document in documents {
            builder.add(document);
        }
        builder.finish()
    }

    /// Number of distinct terms in the index.
    pub fn term_count(&self) -> usize {
        self.index.term_count()
    }

    /// Number of indexed articles.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// Bytes the index holds: capacities of every buffer and string it owns.
    pub fn memory_bytes(&self) -> usize {
        let documents: usize = self
            .documents
            .iter()
            .map(|d| cow_bytes(&d.slug) + cow_bytes(&d.title))
            .sum::<usize>()
            + self.documents.capacity() * std::mem::size_of::<DocInfo>();
        let facets: usize = self
            .publications
            .iter()
            .chain(&self.tags)
            .map(|v| cow_bytes(&v.key) + cow_bytes(&v.label) + std::mem::size_of::<FacetValue>())
            .sum();
        self.index.memory_bytes()
            + self.pairs.memory_bytes()
            + documents
            + facets
            + self.document_tags.capacity() * 4
            + self.alphabet.capacity() * 4
    }

    /// The index as bytes, for [`SearchIndex::from_static_bytes`] (`build.rs` writes the
    /// bundled articles' index so).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Writer::new();
        self.index.write(&mut out);
        self.pairs.write(&mut out);
        out.u32(self.documents.len() as u32);
        for document in &self.documents {
            out.u32(document.id as u32);
            out.str(&document.slug);
            out.str(&document.title);
            out.u32(document.publication.unwrap_or(u32::MAX));
            out.u32(document.tags.0);
            out.u32(document.tags.1);
            match document.date {
                None => out.u32(0),
                Some(date) => {
                    out.u32(1);
                    out.u32(date.year as u32);
                    out.u32(date.month as u32);
                    out.u32(date.day as u32);
                    match date.time {
                        None => out.u32(u32::MAX),
                        Some((hour, minute)) => out.u32((hour as u32) << 8 | minute as u32),
                    }
                }
            }
            out.u32(document.title_rank);
        }
        for values in [&self.publications, &self.tags] {
            out.u32(values.len() as u32);
            for value in values {
                out.str(&value.key);
                out.str(&value.label);
            }
        }
        out.u32(self.document_tags.len() as u32);
        for &tag in &self.document_tags {
            out.u32(tag);
        }
        out.u32(self.alphabet.len() as u32);
        for &c in &self.alphabet {
            out.u32(c as u32);
        }
        out.u32(self.first_year as u32);
        out.u32(self.last_year as u32);
        out.finish()
    }

    /// The index that [`SearchIndex::to_bytes`] wrote, borrowing its buffers and strings from
    /// `bytes` rather than copying them; `None` when `bytes` are not such an index.
    pub fn from_static_bytes(bytes: &'static [u8]) -> Option<SearchIndex> {
        let mut input = Reader::new(bytes)?;
        let index = InvertedIndex::read(&mut input)?;
        let pairs = CommonPairs::read(&mut input, &index)?;
        let count = input.u32()? as usize;
        // Every document takes at least 8 numbers: a count beyond that is not worth reserving.
        let mut documents = Vec::with_capacity(count.min(bytes.len() / 32));
        for _ in 0..count {
            let id = input.u32()? as ArticleId;
            let slug = Cow::Borrowed(input.str()?);
            let title = Cow::Borrowed(input.str()?);
            let publication = Some(input.u32()?).filter(|&p| p != u32::MAX);
            let tags = (input.u32()?, input.u32()?);
            let date = match input.u32()? {
                0 => None,
                _ => {
                    let year = input.u32()? as i32;
                    let month = u8::try_from(input.u32()?).ok()?;
                    let day = u8::try_from(input.u32()?).ok()?;
                    let time = match input.u32()? {
                        u32::MAX => None,
                        packed => Some((u8::try_from(packed >> 8).ok()?, packed as u8)),
                    };
                    Some(DateTime {
                        year,
                        month,
                        day,
                        time,
                    })
                }
            };
            documents.push(DocInfo {
                id,
                slug,
                title,
                publication,
                tags,
                date,
                title_rank: input.u32()?,
            });
        }
        let mut facet_values = || -> Option<Vec<FacetValue>> {
            let count = input.u32()? as usize;
            let mut values = Vec::with_capacity(count.min(bytes.len() / 8));
            for _ in 0..count {
                values.push(FacetValue {
                    key: Cow::Borrowed(input.str()?),
                    label: Cow::Borrowed(input.str()?),
                });
            }
            Some(values)
        };
        let publications = facet_values()?;
        let tags = facet_values()?;
        let numbers = |input: &mut Reader| -> Option<Vec<u32>> {
            let count = input.u32()? as usize;
            let mut values = Vec::with_capacity(count.min(bytes.len() / 4));
            for _ in 0..count {
                values.push(input.u32()?);
            }
            Some(values)
        };
        let document_tags = numbers(&mut input)?;
        let alphabet = numbers(&mut input)?
            .into_iter()
            .map(char::from_u32)
            .collect::<Option<Vec<char>>>()?;
        let first_year = input.u32()? as i32;
        let last_year = input.u32()? as i32;
        // The builder caps the span of years (see `finish`): more would make the counts huge.
        let years_ok = last_year
            .checked_sub(first_year)
            .is_some_and(|span| (0..=MAX_YEAR_SPAN).contains(&span));
        let consistent = input.is_done()
            && years_ok
            && index.document_count() as usize == documents.len()
            && documents.iter().all(|d| {
                d.tags.0 <= d.tags.1
                    && d.tags.1 as usize <= document_tags.len()
                    && d.publication
                        .is_none_or(|p| (p as usize) < publications.len())
            })
            && document_tags.iter().all(|&t| (t as usize) < tags.len());
        consistent.then_some(SearchIndex {
            index,
            pairs,
            documents,
            publications,
            tags,
            document_tags,
            alphabet,
            first_year,
            last_year,
        })
    }

    /// Answers a query. `texts` gives the article text for the snippets of the hits returned.
    pub fn search(
        &self,
        texts: &(impl ArticleTexts + ?Sized),
        query: &str,
        options: &SearchOptions,
    ) -> SearchResults {
        let mut clauses = parse_query(query);
        // Nobody types more words than this; the bound keeps every per-clause counter small.
        clauses.truncate(MAX_CLAUSES);
        let count = self.documents.len();
        let mut accumulator = Accumulator {
            matched: vec![0; count],
            score: vec![0.0; count],
            typos: vec![0; count],
            clause_score: vec![0.0; count],
            clause_state: vec![CLAUSE_NONE; count],
            touched: Vec::new(),
        };
        // For snippets: folded term → bit set of what it satisfies: one bit per word clause,
        // one per term of a phrase (so the snippet window looks for the whole phrase).
        let mut highlight = Highlight::default();
        let mut next_bit = 0u32;
        let mut take_bit = || {
            let bit = 1u64 << next_bit.min(63);
            next_bit += 1;
            bit
        };
        let mut suggestion_parts: Vec<(usize, usize, String)> = Vec::new();
        for (number, clause) in clauses.iter().enumerate() {
            let alternatives = self.alternatives(clause, &mut suggestion_parts);
            let bit = take_bit();
            for alternative in &alternatives {
                highlight.add(self.index.term(alternative.term), bit);
            }
            if clause.terms.len() > 1 {
                for (k, term) in clause.terms.iter().enumerate() {
                    highlight.add(term, if k == 0 { bit } else { take_bit() });
                }
            }
            self.evaluate_clause(clause, &alternatives, number as u16, &mut accumulator);
        }
        let required = clauses.len() as u16;
        let all_clauses = match next_bit {
            0 => 0,
            n if n >= 64 => u64::MAX,
            n => (1u64 << n) - 1,
        };

        let filters = self.filters(options);
        let mut publication_counts = vec![0u32; self.publications.len()];
        let mut tag_counts = vec![0u32; self.tags.len()];
        let mut year_counts = vec![0u32; self.year_count()];
        let mut results: Vec<DocNumber> = Vec::new();
        for (number, document) in self.documents.iter().enumerate() {
            if accumulator.matched.get(number).copied().unwrap_or(0) != required {
                continue;
            }
            let publication_ok = filters.publication_ok(document);
            let tags_ok = filters.tags_ok(document, &self.document_tags);
            let year_ok = filters.year_ok(document);
            if tags_ok && year_ok {
                let publication = document.publication;
                if let Some(count) =
                    publication.and_then(|p| publication_counts.get_mut(p as usize))
                {
                    *count += 1;
                }
            }
            if publication_ok && year_ok {
                for &tag in self.tags_of(document) {
                    if let Some(count) = tag_counts.get_mut(tag as usize) {
                        *count += 1;
                    }
                }
            }
            if publication_ok && tags_ok {
                let offset = document
                    .date
                    .map(|d| d.year.wrapping_sub(self.first_year) as usize);
                if let Some(count) = offset.and_then(|o| year_counts.get_mut(o)) {
                    *count += 1;
                }
            }
            if publication_ok && tags_ok && year_ok {
                results.push(number as DocNumber);
            }
        }

        let total = results.len() as u32;
        let relevance = options.sort == Sort::Relevance && !clauses.is_empty();
        let order =
            |a: DocNumber, b: DocNumber| self.compare(a, b, options.sort, relevance, &accumulator);
        keep_first_ids(
            &mut results,
            options.offset.saturating_add(options.limit),
            &order,
        );
        sort_ids(&mut results, &order);

        let hits = results
            .iter()
            .skip(options.offset)
            .take(options.limit)
            .filter_map(|&number| {
                let document = self.documents.get(number as usize)?;
                let snippet = if clauses.is_empty() {
                    Snippet::default()
                } else {
                    let body = texts.article_text(document.id).unwrap_or_default();
                    snippet::make_snippet(&body, all_clauses, |term| highlight.clauses(term))
                };
                Some(Hit {
                    id: document.id,
                    slug: document.slug.to_string(),
                    title: document.title.to_string(),
                    publication: document
                        .publication
                        .and_then(|p| self.publications.get(p as usize))
                        .map(|p| p.label.to_string()),
                    date: document.date,
                    score: accumulator
                        .score
                        .get(number as usize)
                        .copied()
                        .unwrap_or(0.0),
                    typos: accumulator.typos.get(number as usize).copied().unwrap_or(0) as u32,
                    snippet,
                })
            })
            .collect();

        SearchResults {
            query: query.to_string(),
            hits,
            total,
            facets: self.facets(&filters, publication_counts, tag_counts, year_counts),
            suggestion: suggest(query, suggestion_parts),
        }
    }

    fn tags_of(&self, document: &DocInfo) -> &[u32] {
        self.document_tags
            .get(document.tags.0 as usize..document.tags.1 as usize)
            .unwrap_or_default()
    }

    /// The index terms a clause can match, with their weight; records spelling suggestions.
    fn alternatives(
        &self,
        clause: &Clause,
        suggestions: &mut Vec<(usize, usize, String)>,
    ) -> Vec<Alternative> {
        let mut alternatives = Vec::new();
        if let Some(joined) = clause.joined.as_deref().and_then(|j| self.index.term_id(j)) {
            alternatives.push(Alternative {
                term: joined,
                factor: 1.0,
                typo: false,
            });
        }
        let [term] = clause.terms.as_slice() else {
            return alternatives;
        };
        let exact = self.index.term_id(term);
        if let Some(id) = exact {
            alternatives.push(Alternative {
                term: id,
                factor: 1.0,
                typo: false,
            });
        }
        let mut completions = 0;
        if clause.prefix {
            let range = self.index.prefix_range(term);
            let mut candidates: Vec<u32> = range.filter(|&id| Some(id) != exact).collect();
            let by_frequency = |a: u32, b: u32| self.more_frequent_first(a, b);
            keep_first_ids(&mut candidates, MAX_PREFIX_TERMS, &by_frequency);
            sort_ids(&mut candidates, &by_frequency);
            // A short prefix matches many words: stop once the postings would cover the corpus a few times.
            let budget = 3 * self.index.document_count().max(1);
            let mut covered = 0u32;
            for id in candidates.into_iter().take(MAX_PREFIX_TERMS) {
                if covered >= budget {
                    break;
                }
                covered = covered.saturating_add(self.index.document_frequency(id));
                alternatives.push(Alternative {
                    term: id,
                    factor: PREFIX_FACTOR,
                    typo: false,
                });
                completions += 1;
            }
        }
        let known = exact.is_some() || completions > 0;
        let letters = term.chars().count();
        let wants_variants = clause.fuzzy || (!known && !clause.quoted && letters >= 3);
        if wants_variants && !term.chars().any(text::is_cjk) {
            let mut variants = one_edit_terms(&self.index, &self.alphabet, term);
            sort_ids(&mut variants, &|a, b| self.more_frequent_first(a, b));
            if !known {
                if let Some(&best) = variants.first() {
                    suggestions.push((clause.start, clause.end, self.index.term(best).to_string()));
                }
            }
            if clause.fuzzy {
                for id in variants.into_iter().take(MAX_TYPO_TERMS) {
                    alternatives.push(Alternative {
                        term: id,
                        factor: TYPO_FACTOR,
                        typo: true,
                    });
                }
            }
        }
        alternatives
    }

    /// Scores one clause and folds it into the accumulator (documents must have matched every earlier clause).
    fn evaluate_clause(
        &self,
        clause: &Clause,
        alternatives: &[Alternative],
        number: u16,
        accumulator: &mut Accumulator,
    ) {
        accumulator.touched.clear();
        let offer = |accumulator: &mut Accumulator, doc: DocNumber, score: f32, typo: bool| {
            let d = doc as usize;
            if accumulator.matched.get(d).copied() != Some(number) {
                return;
            }
            let state = if typo { CLAUSE_TYPO } else { CLAUSE_EXACT };
            let (Some(current_state), Some(current_score)) = (
                accumulator.clause_state.get_mut(d),
                accumulator.clause_score.get_mut(d),
            ) else {
                return;
            };
            if *current_state == CLAUSE_NONE {
                accumulator.touched.push(doc);
                *current_state = state;
                *current_score = score;
            } else if state > *current_state || (state == *current_state && score > *current_score)
            {
                *current_state = state;
                *current_score = score;
            }
        };
        for alternative in alternatives {
            let idf = self.index.idf(alternative.term);
            for posting in self.index.postings(alternative.term) {
                let score = self.index.score(idf, &posting) * alternative.factor;
                offer(accumulator, posting.doc, score, alternative.typo);
            }
        }
        if clause.terms.len() > 1 {
            for (doc, score) in self.phrase_matches(&clause.terms) {
                offer(accumulator, doc, score, false);
            }
        }
        for &doc in &accumulator.touched {
            let d = doc as usize;
            let state = accumulator
                .clause_state
                .get(d)
                .copied()
                .unwrap_or(CLAUSE_NONE);
            let score = accumulator.clause_score.get(d).copied().unwrap_or(0.0);
            if let Some(matched) = accumulator.matched.get_mut(d) {
                *matched += 1;
            }
            if let Some(total) = accumulator.score.get_mut(d) {
                *total += score;
            }
            if state == CLAUSE_TYPO {
                if let Some(typos) = accumulator.typos.get_mut(d) {
                    *typos += 1;
                }
            }
            if let Some(s) = accumulator.clause_state.get_mut(d) {
                *s = CLAUSE_NONE;
            }
        }
    }

    /// Documents where `terms` occur at consecutive positions, with the sum of the terms' scores.
    ///
    /// One cursor per term walks its postings and positions in step with the others (each
    /// jumping to the furthest document any of them is at), so only the documents holding every
    /// term have their positions read, and only until the phrase is found in them.
    /// Two neighbouring common words are read as their pair ([`CommonPairs`]): far fewer
    /// documents and positions than either word; their scores are then read once the phrase is found.
    fn phrase_matches(&self, terms: &[String]) -> Vec<(DocNumber, f32)> {
        let mut words = Vec::with_capacity(terms.len());
        for (offset, term) in terms.iter().enumerate() {
            let Some(id) = self.index.term_id(term) else {
                return Vec::new();
            };
            words.push(PhraseWord {
                offset: offset as u32,
                id,
                frequency: self.index.document_frequency(id),
                idf: self.index.idf(id),
            });
        }
        let mut cursors = Vec::with_capacity(terms.len());
        // Per word: read through a pair.
        let mut paired = vec![false; words.len()];
        for (offset, neighbours) in words.windows(2).enumerate() {
            let [first, second] = neighbours else {
                continue;
            };
            let Some((frequency, cursor)) = self.pairs.pair(first.id, second.id) else {
                continue;
            };
            cursors.push(PhraseTerm {
                offset: offset as u32,
                frequency,
                idf: 0.0,
                cursor,
            });
            for flag in paired.iter_mut().skip(offset).take(2) {
                *flag = true;
            }
        }
        for (offset, word) in words.iter().enumerate() {
            if paired.get(offset) == Some(&false) {
                cursors.push(PhraseTerm {
                    offset: word.offset,
                    frequency: word.frequency,
                    idf: word.idf,
                    cursor: self.index.position_cursor(word.id),
                });
            }
        }
        // Rarest first (ties by place in the phrase): it leads the walk, and scores add up in this order.
        let by_pairs = paired.contains(&true);
        insertion_sort(&mut cursors, |a, b| {
            (a.frequency, a.offset) < (b.frequency, b.offset)
        });
        let mut found = Vec::new();
        // The terms' positions in the current document.
        let mut lists: Vec<(u32, Positions<'_>)> = Vec::with_capacity(cursors.len());
        let mut postings = Vec::with_capacity(cursors.len());
        let mut target: DocNumber = 0;
        'documents: loop {
            for term in cursors.iter_mut() {
                let Some(doc) = term.cursor.skip_to(target) else {
                    break 'documents;
                };
                if doc > target {
                    target = doc;
                    continue 'documents;
                }
            }
            lists.clear();
            postings.clear();
            for term in cursors.iter_mut() {
                if let Some((posting, positions)) = term.cursor.take() {
                    postings.push(posting);
                    lists.push((term.offset, positions));
                }
            }
            let matched = lists.len() == cursors.len() && phrase_in_document(&mut lists);
            if matched {
                // Scored only once matched; in `cursors` order, as the terms' scores always added up.
                let score = if !by_pairs {
                    cursors
                        .iter()
                        .zip(&postings)
                        .fold(0.0f32, |score, (term, posting)| {
                            score + self.index.score(term.idf, posting)
                        })
                } else {
                    0.0
                };
                found.push((target, score));
            }
            match target.checked_add(1) {
                Some(next) => target = next,
                None => break,
            }
        }
        if by_pairs {
            self.score_phrase_words(&mut words, &mut found);
        }
        found
    }

    /// Adds to each found document's score the scores of the phrase's words in it, rarest
    /// word first (ties by place in the phrase), as [`SearchIndex::phrase_matches`] adds them.
    fn score_phrase_words(&self, words: &mut [PhraseWord], found: &mut [(DocNumber, f32)]) {
        insertion_sort(words, |a, b| {
            (a.frequency, a.offset) < (b.frequency, b.offset)
        });
        for word in words.iter() {
            let mut postings = self.index.postings(word.id);
            let mut current = postings.next();
            for (doc, score) in found.iter_mut() {
                while current.is_some_and(|posting| posting.doc < *doc) {
                    current = postings.next();
                }
                if let Some(posting) = current.filter(|posting| posting.doc == *doc) {
                    *score += self.index.score(word.idf, &posting);
                }
            }
        }
    }

    /// Terms by document frequency, most frequent first (ties by id).
    fn more_frequent_first(&self, a: u32, b: u32) -> Ordering {
        let frequency = |id| self.index.document_frequency(id);
        frequency(b).cmp(&frequency(a)).then(a.cmp(&b))
    }

    fn compare(
        &self,
        a: DocNumber,
        b: DocNumber,
        sort: Sort,
        relevance: bool,
        accumulator: &Accumulator,
    ) -> std::cmp::Ordering {
        let typos = |d: DocNumber| accumulator.typos.get(d as usize).copied().unwrap_or(0);
        let score = |d: DocNumber| {
            // Scores within a thousandth are a tie, so recency decides between near-equal matches.
            (accumulator.score.get(d as usize).copied().unwrap_or(0.0) * 1000.0).round() as i64
        };
        let (Some(da), Some(db)) = (
            self.documents.get(a as usize),
            self.documents.get(b as usize),
        ) else {
            return a.cmp(&b);
        };
        let newest = db
            .date
            .is_some()
            .cmp(&da.date.is_some())
            .then(db.date.cmp(&da.date));
        let by_title = da.title_rank.cmp(&db.title_rank);
        let ordering = typos(a).cmp(&typos(b));
        let ordering = match sort {
            _ if relevance => ordering.then(score(b).cmp(&score(a))).then(newest),
            Sort::Newest | Sort::Relevance => ordering.then(newest),
            Sort::Oldest => ordering
                .then(db.date.is_some().cmp(&da.date.is_some()))
                .then(da.date.cmp(&db.date)),
            Sort::Title => ordering.then(by_title),
        };
        ordering.then(by_title).then(a.cmp(&b))
    }

    fn filters(&self, options: &SearchOptions) -> Filters {
        let lookup = |values: &[FacetValue], wanted: &[String]| -> Option<Vec<u32>> {
            if wanted.is_empty() {
                return None;
            }
            let keys: Vec<String> = wanted.iter().map(|w| fold::fold(w.trim())).collect();
            Some(
                values
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| keys.iter().any(|key| *key == v.key))
                    .map(|(i, _)| i as u32)
                    .collect(),
            )
        };
        Filters {
            publications: lookup(&self.publications, &options.publications),
            tags: lookup(&self.tags, &options.tags),
            years: if options.years.is_empty() {
                None
            } else {
                Some(options.years.clone())
            },
        }
    }

    /// Years from the first to the last dated article.
    fn year_count(&self) -> usize {
        match self.last_year.checked_sub(self.first_year) {
            Some(span) if self.documents.iter().any(|d| d.date.is_some()) => span as usize + 1,
            _ => 0,
        }
    }

    fn facets(
        &self,
        filters: &Filters,
        publications: Vec<u32>,
        tags: Vec<u32>,
        years: Vec<u32>,
    ) -> Facets {
        let named = |values: &[FacetValue], counts: Vec<u32>, selected: &Option<Vec<u32>>| {
            let count_of = |value: u32| counts.get(value as usize).copied().unwrap_or(0);
            let key_of = |value: u32| values.get(value as usize).map_or("", |v| v.key.as_ref());
            let mut present: Vec<u32> = (0..counts.len() as u32)
                .filter(|&v| count_of(v) > 0)
                .collect();
            sort_ids(&mut present, &|a, b| {
                count_of(b)
                    .cmp(&count_of(a))
                    .then_with(|| key_of(a).cmp(key_of(b)))
                    .then(a.cmp(&b))
            });
            present
                .into_iter()
                .filter_map(|value| {
                    Some(FacetCount {
                        value: values.get(value as usize)?.label.to_string(),
                        count: count_of(value),
                        selected: selected.as_ref().is_some_and(|s| s.contains(&value)),
                    })
                })
                .collect::<Vec<_>>()
        };
        // The counts are by year from the first: read backwards, newest first.
        let year_list: Vec<YearCount> = years
            .into_iter()
            .enumerate()
            .rev()
            .filter(|&(_, count)| count > 0)
            .map(|(offset, count)| {
                let year = self.first_year + offset as i32;
                YearCount {
                    year,
                    count,
                    selected: filters.years.as_ref().is_some_and(|s| s.contains(&year)),
                }
            })
            .collect();
        Facets {
            publications: named(&self.publications, publications, &filters.publications),
            tags: named(&self.tags, tags, &filters.tags),
            years: year_list,
        }
    }
}

/// One word of a phrase.
struct PhraseWord {
    /// Place in the phrase.
    offset: u32,
    id: u32,
    frequency: u32,
    idf: f32,
}

/// One term of a phrase being matched: a word, or a pair of common words at `offset` and the next.
struct PhraseTerm<'a> {
    /// Place in the phrase.
    offset: u32,
    frequency: u32,
    idf: f32,
    cursor: PositionCursor<'a>,
}

/// True when the terms whose positions in one document are `lists` (each with its offset in
/// the phrase) occur at consecutive positions.
///
/// The term with the fewest positions leads: each of its positions is a phrase start, and the
/// others (fewest positions first) are read only up to that start, passing over runs of a
/// common word's positions without decoding each one; the walk stops at the first full match.
fn phrase_in_document(lists: &mut [(u32, Positions<'_>)]) -> bool {
    insertion_sort(lists, |a, b| a.1.total() < b.1.total());
    let Some(((offset, lead), others)) = lists.split_first_mut() else {
        return false;
    };
    let offset = *offset;
    for x in lead {
        let Some(start) = x.checked_sub(offset) else {
            continue;
        };
        match others_at(others, start) {
            Some(true) => return true,
            Some(false) => {}
            // A term has no position left at or after this start: no later start can match.
            None => return false,
        }
    }
    false
}

/// Whether every term of `others` is at `start` plus its offset; `None` when one has no
/// position left from there on.
fn others_at(others: &mut [(u32, Positions<'_>)], start: u32) -> Option<bool> {
    for (offset, positions) in others {
        let wanted = start.checked_add(*offset)?;
        if positions.first_at_least(wanted)? != wanted {
            return Some(false);
        }
    }
    Some(true)
}

/// Sorts a few items (the terms of a phrase): a generic sort would cost kilobytes of wasm.
fn insertion_sort<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 {
            match (items.get(j), items.get(j - 1)) {
                (Some(a), Some(b)) if less(a, b) => items.swap(j, j - 1),
                _ => break,
            }
            j -= 1;
        }
    }
}

/// The terms to mark in snippets, each with the bit set of the clauses it satisfies.
///
/// Every token of a snippet's text is checked, so a first-byte and length filter
/// turns most tokens away before any look-up.
#[derive(Default)]
struct Highlight {
    /// Sorted by term, each term once: one query's terms are few, and a binary search over
    /// them spares the wasm a hash table of its own (2.2 KB of the shipped wasm).
    terms: Vec<(String, u64)>,
    /// Bit set of the terms' first bytes.
    first_bytes: [u64; 4],
    shortest: usize,
    longest: usize,
}

impl Highlight {
    fn add(&mut self, term: &str, bit: u64) {
        let Some(&first) = term.as_bytes().first() else {
            return;
        };
        if let Some(bits) = self.first_bytes.get_mut(first as usize >> 6) {
            *bits |= 1 << (first & 63);
        }
        self.shortest = if self.terms.is_empty() {
            term.len()
        } else {
            self.shortest.min(term.len())
        };
        self.longest = self.longest.max(term.len());
        match self
            .terms
            .binary_search_by(|(known, _)| known.as_str().cmp(term))
        {
            Ok(at) => {
                if let Some((_, bits)) = self.terms.get_mut(at) {
                    *bits |= bit;
                }
            }
            Err(at) => self.terms.insert(at, (term.to_string(), bit)),
        }
    }

    fn clauses(&self, term: &str) -> u64 {
        let first = term.as_bytes().first().copied().unwrap_or(0);
        let bits = self
            .first_bytes
            .get(first as usize >> 6)
            .copied()
            .unwrap_or(0);
        if term.len() < self.shortest
            || term.len() > self.longest
            || bits & (1 << (first & 63)) == 0
        {
            return 0;
        }
        self.terms
            .binary_search_by(|(known, _)| known.as_str().cmp(term))
            .ok()
            .and_then(|at| self.terms.get(at))
            .map_or(0, |(_, bits)| *bits)
    }
}

/// The query with each unknown word replaced by its suggestion.
fn suggest(query: &str, parts: Vec<(usize, usize, String)>) -> Option<String> {
    if parts.is_empty() {
        return None;
    }
    // Parts come in clause order, which is query order.
    let mut out = String::with_capacity(query.len() + 8);
    let mut cursor = 0;
    for (start, end, replacement) in parts {
        if start < cursor {
            continue;
        }
        out.push_str(query.get(cursor..start).unwrap_or_default());
        out.push_str(&replacement);
        cursor = end;
    }
    out.push_str(query.get(cursor..).unwrap_or_default());
    Some(out)
}

/// Facet filters resolved to value ids; `None` means no filter.
struct Filters {
    publications: Option<Vec<u32>>,
    tags: Option<Vec<u32>>,
    years: Option<Vec<i32>>,
}

impl Filters {
    fn publication_ok(&self, document: &DocInfo) -> bool {
        match &self.publications {
            None => true,
            Some(wanted) => document.publication.is_some_and(|p| wanted.contains(&p)),
        }
    }

    fn tags_ok(&self, document: &DocInfo, document_tags: &[u32]) -> bool {
        match &self.tags {
            None => true,
            Some(wanted) => document_tags
                .get(document.tags.0 as usize..document.tags.1 as usize)
                .unwrap_or_default()
                .iter()
                .any(|tag| wanted.contains(tag)),
        }
    }

    fn year_ok(&self, document: &DocInfo) -> bool {
        match &self.years {
            None => true,
            Some(wanted) => document.date.is_some_and(|d| wanted.contains(&d.year)),
        }
    }
}

/// Builds a [`SearchIndex`] one document at a time, in the order given (which becomes the order
/// of ties): `build.rs`, [`crate::catalog::Catalog::build_search_index`] and
/// [`crate::catalog::Catalog::from_sources_indexed`] all add the listed articles in id order,
/// so they build equal indexes.
#[derive(Default)]
pub struct SearchIndexBuilder {
    index: IndexBuilder,
    documents: Vec<DocInfo>,
    publications: Vec<FacetValue>,
    publication_ids: HashMap<String, u32, FxBuildHasher>,
    tags: Vec<FacetValue>,
    tag_ids: HashMap<String, u32, FxBuildHasher>,
    document_tags: Vec<u32>,
    alphabet: Vec<char>,
    /// Folded titles, for the title order.
    title_keys: Vec<String>,
}

impl SearchIndexBuilder {
    pub fn new() -> SearchIndexBuilder {
        SearchIndexBuilder::default()
    }

    /// Indexes one document (drafts should not be added: everything added is searchable).
    pub fn add(&mut self, document: &Document) {
        self.index.start_document();
        let mut position = 0u32;
        let index = &mut self.index;
        let alphabet = &mut self.alphabet;
        let mut add_text = |text: &str, field: Field, position: &mut u32| {
            let mut sink = FieldTokens {
                index: &mut *index,
                alphabet: &mut *alphabet,
                field,
                tokens: 0,
            };
            *position = tokenize::scan(text, *position, &mut sink) + POSITION_GAP;
            let tokens = sink.tokens;
            index.add_field_length(field, tokens);
        };
        add_text(&document.title, Field::Title, &mut position);
        if let Some(summary) = &document.summary {
            add_text(summary, Field::Summary, &mut position);
        }
        for heading in &document.headings {
            add_text(heading, Field::Headings, &mut position);
        }
        for author in &document.authors {
            add_text(author, Field::Authors, &mut position);
        }
        if let Some(publication) = &document.publication {
            add_text(publication, Field::Publication, &mut position);
        }
        for tag in &document.tags {
            add_text(tag, Field::Tags, &mut position);
        }
        add_text(&document.body, Field::Body, &mut position);

        let publication = document
            .publication
            .as_deref()
            .and_then(|p| intern(&mut self.publications, &mut self.publication_ids, p));
        let tags_start = self.document_tags.len() as u32;
        for tag in &document.tags {
            if let Some(id) = intern(&mut self.tags, &mut self.tag_ids, tag) {
                if !self
                    .document_tags
                    .get(tags_start as usize..)
                    .unwrap_or_default()
                    .contains(&id)
                {
                    self.document_tags.push(id);
                }
            }
        }
        self.title_keys.push(fold::fold(&document.title));
        self.documents.push(DocInfo {
            id: document.id,
            slug: Cow::Owned(document.slug.clone()),
            title: Cow::Owned(document.title.clone()),
            publication,
            tags: (tags_start, self.document_tags.len() as u32),
            date: document.date,
            title_rank: 0,
        });
    }

    pub fn finish(mut self) -> SearchIndex {
        let mut order: Vec<u32> = (0..self.documents.len() as u32).collect();
        let title_key = |d: u32| self.title_keys.get(d as usize);
        sort_ids(&mut order, &|a, b| {
            title_key(a).cmp(&title_key(b)).then(a.cmp(&b))
        });
        for (rank, &number) in order.iter().enumerate() {
            if let Some(document) = self.documents.get_mut(number as usize) {
                document.title_rank = rank as u32;
            }
        }
        let mut alphabet: Vec<char> = ('a'..='z').chain('0'..='9').collect();
        alphabet.extend(self.alphabet.iter().copied());
        alphabet.shrink_to_fit();
        self.documents.shrink_to_fit();
        self.document_tags.shrink_to_fit();
        let years = self
            .documents
            .iter()
            .filter_map(|d| d.date.map(|date| date.year));
        let first_year = years.clone().min().unwrap_or(0);
        // A stray far-off year (20222) must not make the counts huge; such years are not counted.
        let last_year = years
            .max()
            .unwrap_or(0)
            .min(first_year.saturating_add(MAX_YEAR_SPAN));
        let index = self.index.finish();
        SearchIndex {
            first_year,
            last_year,
            pairs: CommonPairs::build(&index),
            index,
            documents: self.documents,
            publications: self.publications,
            tags: self.tags,
            document_tags: self.document_tags,
            alphabet,
        }
    }
}

/// Indexes the tokens of one field of a document.
struct FieldTokens<'a> {
    index: &'a mut IndexBuilder,
    alphabet: &'a mut Vec<char>,
    field: Field,
    /// Tokens so far.
    tokens: u32,
}

impl tokenize::TokenSink for FieldTokens<'_> {
    fn token(&mut self, token: tokenize::TokenRef<'_>) -> bool {
        self.tokens += 1;
        // A character is first seen in a term seen for the first time: only new
        // terms are looked at, and the alphabet comes out in the same order.
        let new = self.index.add(token.term, self.field, token.position);
        if new && !token.term.is_ascii() && token.term.len() < 40 {
            for c in token.term.chars() {
                if !c.is_ascii() && !text::is_cjk(c) && !self.alphabet.contains(&c) {
                    self.alphabet.push(c);
                }
            }
        }
        true
    }

    /// Most words: an ASCII term adds nothing to the alphabet.
    #[inline(always)]
    fn ascii_word(&mut self, rest: &[u8], len: usize, position: u32) -> Option<bool> {
        self.tokens += 1;
        self.index.add_ascii_word(rest, len, self.field, position);
        Some(true)
    }
}

/// The id of a facet value, adding it on first sight; `None` for a blank value.
fn intern(
    values: &mut Vec<FacetValue>,
    ids: &mut HashMap<String, u32, FxBuildHasher>,
    label: &str,
) -> Option<u32> {
    let label = label.trim();
    if label.is_empty() {
        return None;
    }
    let key = fold::fold(label);
    if let Some(&id) = ids.get(&key) {
        return Some(id);
    }
    let id = values.len() as u32;
    ids.insert(key.clone(), id);
    values.push(FacetValue {
        key: Cow::Owned(key),
        label: Cow::Owned(label.to_string()),
    });
    Some(id)
}

/// Bytes a string of the index takes: its capacity when owned, its length when borrowed
/// from static data (which is in memory too).
#[allow(clippy::ptr_arg)] // Whether the `Cow` borrows is the point.
fn cow_bytes(text: &Cow<'static, str>) -> usize {
    match text {
        Cow::Borrowed(text) => text.len(),
        Cow::Owned(text) => text.capacity(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Articles of a few words repeated at random, so that every word is common, with
    /// hyphenated words (whose joined form shares a position with their first part).
    fn common_word_documents() -> Vec<Document> {
        let words = [
            "the",
            "of",
            "and",
            "a",
            "in",
            "to",
            "is",
            "was",
            "état-major",
            "x-ray",
        ];
        let mut state = 7u32;
        let mut next = move || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as usize
        };
        (0..40)
            .map(|id| {
                let mut body = String::new();
                for k in 0..(50 + next() % 150) {
                    if let Some(word) = words.get(next() % words.len()) {
                        body.push_str(word);
                    }
                    body.push_str(if k % 17 == 16 { ".\n\n" } else { " " });
                }
                Document {
                    id,
                    slug: format!("a{id}"),
                    title: format!("The {} of {}", id % 3, id % 5),
                    body,
                    ..Document::default()
                }
            })
            .collect()
    }

    #[test]
    fn pairs_of_common_words_change_no_phrase_result() {
        let documents = common_word_documents();
        let without = SearchIndex::from_documents(&documents);
        let mut with = SearchIndex::from_documents(&documents);
        with.pairs = CommonPairs::build_with(&with.index, 1);
        assert!(with.pairs.common_count() >= 10, "every word is common");
        let mut without = without;
        without.pairs = CommonPairs::default();
        let words = [
            "the",
            "of",
            "and",
            "a",
            "in",
            "to",
            "is",
            "was",
            "etat",
            "major",
            "etatmajor",
            "x",
            "ray",
        ];
        let mut queries = vec![
            "\"état-major the\"".to_string(),
            "état-major".to_string(),
            "\"of x-ray of\"".to_string(),
            "\"the of and a in to is was\"".to_string(),
        ];
        for first in words {
            for second in words {
                queries.push(format!("\"{first} {second}\""));
                queries.push(format!("\"{first} {second} of\""));
                queries.push(format!("\"a {first} {second} the\""));
            }
        }
        let options = SearchOptions {
            sort: Sort::Relevance,
            limit: 50,
            ..SearchOptions::default()
        };
        let mut found = 0;
        for query in &queries {
            let expected = without.search(&documents[..], query, &options);
            let actual = with.search(&documents[..], query, &options);
            assert_eq!(actual, expected, "{query}");
            found += usize::from(expected.total > 0);
        }
        assert!(found > queries.len() / 3, "many phrases are found: {found}");
    }

    #[test]
    fn pairs_read_back_and_damaged_pairs_never_panic() {
        let documents = common_word_documents();
        let mut index = SearchIndex::from_documents(&documents);
        index.pairs = CommonPairs::build_with(&index.index, 1);
        let bytes = index.to_bytes();
        let stored: &'static [u8] = Box::leak(bytes.clone().into_boxed_slice());
        let loaded = SearchIndex::from_static_bytes(stored).expect("reads back");
        assert!(loaded == index, "the pairs read back are the pairs written");
        let options = SearchOptions::default();
        let queries = ["\"the of\"", "\"and a in\"", "\"état-major the\""];
        // Bytes all over the pairs (they follow the word index) flipped in turn.
        let mut words = Writer::new();
        index.index.write(&mut words);
        let start = words.finish().len();
        let mut pairs = Writer::new();
        index.pairs.write(&mut pairs);
        let end = start + pairs.finish().len();
        for at in (start..end).step_by(61) {
            let mut damaged = bytes.clone();
            if let Some(byte) = damaged.get_mut(at) {
                *byte ^= 0x5A;
            }
            let damaged: &'static [u8] = Box::leak(damaged.into_boxed_slice());
            if let Some(index) = SearchIndex::from_static_bytes(damaged) {
                for query in queries {
                    let _ = index.search(&documents[..], query, &options);
                }
            }
        }
    }
}
