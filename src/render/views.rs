//! The HTML of each view (library, article page, not found, error) and which view a
//! location hash names.
//!
//! Every function here is pure and returns a `String` of markup the viewer writes
//! itself: all article text goes through [`escaped`] and every URL through
//! [`safe_url`], so these strings may be set as `innerHTML` as they are.
//! The article body is not here: it comes from [`super::render_body`] and, when it
//! carries raw HTML, through the sanitiser, and the web layer inserts it between
//! [`article_header`] and [`article_footer`].
//!
//! The main heading of every view is an `h1` with `tabindex="-1"`, so the web layer
//! can move focus to it when the route changes.

use super::escape::push_escaped;
use super::url::safe_url;
use crate::catalog::{Catalog, Entry};
use crate::reading::position::{storage_key, Position, Progress};
use crate::search::index::sort_ids;

/// The name shown in titles and the masthead.
pub const SITE_NAME: &str = "Folio";

/// A place in the viewer, as the location hash names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `#/` (or no hash): the list of articles.
    Library,
    /// `#/a/<slug>`, or `#/a/<slug>/<heading-id>` to open at a heading.
    Article {
        slug: String,
        heading: Option<String>,
    },
    /// Any other `#/…` hash.
    NotFound,
}

impl Route {
    /// The view a location hash names, or `None` when the hash is an anchor within
    /// the page (`#fn-1`, `#folio-main`) rather than a route: those are left to the browser.
    pub fn from_hash(hash: &str) -> Option<Route> {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        // `#/?q=…` and `#/a/<slug>?q=…`: the query string belongs to the search
        // (see [`super::search_view`]), not to the route. Slugs are percent-encoded, so
        // a `?` cannot be part of one.
        let hash = hash.split_once('?').map_or(hash, |(path, _)| path);
        if hash.is_empty() {
            return Some(Route::Library);
        }
        let path = hash.strip_prefix('/')?;
        let mut parts = path.split('/');
        let route = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(""), None, None, None) => Route::Library,
            (Some("a"), Some(slug), heading, None) if !slug.is_empty() => Route::Article {
                slug: percent_decode(slug),
                heading: heading.filter(|id| !id.is_empty()).map(percent_decode),
            },
            _ => Route::NotFound,
        };
        Some(route)
    }
}

// The routes live in `render::route`, which `build.rs` compiles with the body writer.
pub use super::route::{anchor_href, article_href, percent_decode, push_percent_encoded};

/// The text of the page's `<title>` for a view whose heading is `heading`.
pub fn document_title(heading: Option<&str>) -> String {
    match heading {
        Some(heading) => format!("{heading} — {SITE_NAME}"),
        None => SITE_NAME.to_string(),
    }
}

/// The library's heading and its count of listed articles (or how to add some), which
/// the plain library and the one with search share; returns the count.
pub fn push_library_header(out: &mut String, catalog: &Catalog) -> usize {
    out.push_str("<header class=\"view-header\"><h1 tabindex=\"-1\">Articles</h1>");
    let count = catalog.listed().count();
    out.push_str("<p class=\"view-lede\">");
    match count {
        0 => out.push_str(
            "No articles yet. Add Markdown or text files to <code>articles/</code> and rebuild.",
        ),
        1 => out.push_str("1 article"),
        n => {
            out.push_str(&n.to_string());
            out.push_str(" articles");
        }
    }
    out.push_str("</p></header>");
    count
}

/// The library: every listed article, newest first.
pub fn library_view(catalog: &Catalog) -> String {
    let mut out = String::with_capacity(4096);
    let count = push_library_header(&mut out, catalog);
    if count > 0 {
        out.push_str("<ol class=\"library\" role=\"list\">");
        for entry in catalog.listed() {
            push_library_card(&mut out, entry);
        }
        out.push_str("</ol>");
    }
    out
}

/// A library card linking to the article's page, with its excerpt.
pub fn push_library_card(out: &mut String, entry: &Entry) {
    out.push_str("<li>");
    push_card(out, entry, &article_href(&entry.slug), None, None);
    out.push_str("</li>");
}

/// What the reader has read or started, by slug: the marks the library's cards carry.
///
/// Built once per list from the stored positions (`localStorage` in the browser, as
/// [`storage_key`] names them), so that every card is written with its mark and a list
/// redrawn by a search keeps them. Kept sorted by slug: a lookup is a binary search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadingMarks {
    /// Slug, class (`read` or `in-progress`), words; sorted by slug.
    marks: Vec<(String, &'static str, String)>,
}

impl ReadingMarks {
    /// The marks of the stored `(key, value)` pairs; keys that are not positions, and
    /// values that do not parse, are ignored (the storage is shared with other pages).
    pub fn from_stored(stored: impl IntoIterator<Item = (String, String)>) -> ReadingMarks {
        let prefix = storage_key("");
        let marks: Vec<(String, &'static str, String)> = stored
            .into_iter()
            .filter_map(|(key, value)| {
                let slug = key.strip_prefix(prefix.as_str())?;
                let (class, words) = Progress::of(Position::parse(&value)).mark()?;
                Some((slug.to_string(), class, words))
            })
            .collect();
        // By slug, the first of equal slugs first, through `sort_ids`: the one copy of the
        // standard sort the search already ships (a stable sort of its own costs wasm).
        let slug = |i: u32| marks.get(i as usize).map_or("", |mark| mark.0.as_str());
        let mut order: Vec<u32> = (0..).zip(&marks).map(|(i, _)| i).collect();
        sort_ids(&mut order, &|a, b| slug(a).cmp(slug(b)).then(a.cmp(&b)));
        let mut slots: Vec<Option<(String, &'static str, String)>> =
            marks.into_iter().map(Some).collect();
        let mut marks: Vec<(String, &'static str, String)> = order
            .iter()
            .filter_map(|&i| slots.get_mut(i as usize)?.take())
            .collect();
        marks.dedup_by(|later, earlier| later.0 == earlier.0);
        ReadingMarks { marks }
    }

    /// The class and the words of the mark of this article, if it has one.
    pub fn get(&self, slug: &str) -> Option<(&'static str, &str)> {
        let at = self
            .marks
            .binary_search_by(|(marked, _, _)| marked.as_str().cmp(slug))
            .ok()?;
        self.marks
            .get(at)
            .map(|(_, class, words)| (*class, words.as_str()))
    }
}

/// A library card (the `<article>`; the caller wraps it in its list's item) linking to
/// `href`; `snippet_html` (markup the caller has escaped), when given, stands in for the
/// excerpt. Search results use it. `mark`, the class and the words of a reading mark,
/// follows the byline.
pub fn push_card(
    out: &mut String,
    entry: &Entry,
    href: &str,
    snippet_html: Option<&str>,
    mark: Option<(&str, &str)>,
) {
    out.push_str("<article class=\"card\" data-slug=\"");
    // The web layer finds cards by it (keyboard, and marks added after the list is drawn).
    push_escaped(out, &entry.slug);
    out.push('"');
    push_language_attributes(out, entry);
    out.push_str("><h2 class=\"card-title\"><a href=\"");
    push_escaped(out, href);
    out.push_str("\">");
    push_escaped(out, &entry.title);
    out.push_str("</a></h2><p class=\"byline\">");
    let mut parts = 0;
    if let Some(publication) = entry.publication.as_deref().filter(|p| !p.is_empty()) {
        out.push_str("<span class=\"publication\">");
        push_escaped(out, publication);
        out.push_str("</span>");
        parts += 1;
    }
    if let Some(date) = &entry.date {
        push_separator(out, parts);
        push_time(out, date);
        parts += 1;
    }
    push_separator(out, parts);
    push_reading_time(out, entry.reading_minutes);
    out.push_str("</p>");
    if let Some((class, words)) = mark {
        out.push_str("<p class=\"reading-mark ");
        push_escaped(out, class);
        out.push_str("\">");
        push_escaped(out, words);
        out.push_str("</p>");
    }
    if let Some(snippet_html) = snippet_html {
        out.push_str("<p class=\"excerpt snippet\">");
        out.push_str(snippet_html);
        out.push_str("</p>");
    } else if !entry.excerpt.is_empty() {
        out.push_str("<p class=\"excerpt\">");
        push_escaped(out, &entry.excerpt);
        out.push_str("</p>");
    }
    if !entry.diagnostics.is_empty() {
        out.push_str("<p class=\"diagnostics-mark\">");
        push_problem_count(out, entry.diagnostics.len());
        out.push_str("</p>");
    }
    out.push_str("</article>");
}

/// The top of an article page: title, authors, publication, dates, reading time, tags.
pub fn article_header(entry: &Entry) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str("<header class=\"article-header\"><h1 tabindex=\"-1\">");
    push_escaped(&mut out, &entry.title);
    out.push_str("</h1>");
    let authors: Vec<&str> = entry
        .authors
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    if !authors.is_empty() {
        out.push_str("<p class=\"authors\">By ");
        push_list_in_words(&mut out, &authors);
        out.push_str("</p>");
    }
    out.push_str("<p class=\"byline\">");
    let mut parts = 0;
    let publication = entry
        .publication
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let source = entry.source_url.as_deref().and_then(http_url);
    match (publication, source) {
        (Some(publication), Some(url)) => {
            push_external_link(&mut out, &url, publication);
            parts += 1;
        }
        (Some(publication), None) => {
            out.push_str("<span class=\"publication\">");
            push_escaped(&mut out, publication);
            out.push_str("</span>");
            parts += 1;
        }
        (None, Some(url)) => {
            push_external_link(&mut out, &url, "Original source");
            parts += 1;
        }
        (None, None) => {}
    }
    if let Some(date) = &entry.date {
        push_separator(&mut out, parts);
        push_time(&mut out, date);
        parts += 1;
    }
    if let Some(updated) = entry.updated.filter(|u| Some(u) != entry.date.as_ref()) {
        push_separator(&mut out, parts);
        out.push_str("<span class=\"updated\">Updated ");
        push_time(&mut out, &updated);
        out.push_str("</span>");
        parts += 1;
    }
    push_separator(&mut out, parts);
    push_reading_time(&mut out, entry.reading_minutes);
    out.push_str("</p>");
    let tags: Vec<&str> = entry
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        out.push_str("<ul class=\"tags\" aria-label=\"Tags\">");
        for tag in tags {
            out.push_str("<li>");
            push_escaped(&mut out, tag);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("</header>");
    out
}

/// The notice above an article's text listing the problems found in its file, or an
/// empty string when there are none. Closed by default: the article comes first.
pub fn diagnostics_notice(entry: &Entry) -> String {
    if entry.diagnostics.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(256);
    out.push_str("<details class=\"diagnostics\"><summary>");
    push_problem_count(&mut out, entry.diagnostics.len());
    out.push_str(" found in this article’s file</summary><ul>");
    for diagnostic in &entry.diagnostics {
        out.push_str("<li class=\"");
        out.push_str(match diagnostic.severity {
            crate::article::Severity::Warning => "warning",
            crate::article::Severity::Error => "error",
        });
        out.push_str("\"><code>");
        push_escaped(&mut out, &diagnostic.located(&entry.path).to_string());
        out.push_str("</code></li>");
    }
    out.push_str("</ul></details>");
    out
}

/// The end of an article page: the neighbouring articles in list order and the way back.
pub fn article_footer(previous: Option<&Entry>, next: Option<&Entry>) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(
        "<footer class=\"article-footer\"><nav class=\"article-nav\" aria-label=\"More articles\">",
    );
    if previous.is_some() || next.is_some() {
        out.push_str("<ul class=\"neighbours\" role=\"list\">");
        if let Some(previous) = previous {
            push_neighbour(&mut out, "previous", "← Previous", previous);
        }
        if let Some(next) = next {
            push_neighbour(&mut out, "next", "Next →", next);
        }
        out.push_str("</ul>");
    }
    out.push_str("<p class=\"back\"><a href=\"#/\">← All articles</a></p></nav></footer>");
    out
}

fn push_neighbour(out: &mut String, class: &str, label: &str, entry: &Entry) {
    out.push_str("<li class=\"");
    out.push_str(class);
    out.push_str("\"><a href=\"");
    push_escaped(out, &article_href(&entry.slug));
    out.push_str("\" rel=\"");
    out.push_str(if class == "previous" { "prev" } else { "next" });
    out.push_str("\"><span class=\"neighbour-label\">");
    out.push_str(label);
    out.push_str("</span> <span class=\"neighbour-title\">");
    push_escaped(out, &entry.title);
    out.push_str("</span></a></li>");
}

/// A hidden sample of an article page's text styles, with no article text: the web layer
/// lays it out once while the library is idle and removes it in the same task, so that the
/// browser has looked up the fonts and sizes an article uses before one is opened (on
/// Linux each new font and size costs a round trip to the browser process, which otherwise
/// falls into the frame that shows the article). It uses the page's own classes, so it
/// follows the style sheet and the reader's settings; it has no ids, no `.toc` (which the
/// style sheet's `:has()` rules look for) and no links to follow.
pub const TYPE_SPECIMEN_HTML: &str = "<div class=\"type-specimen\" aria-hidden=\"true\"><article class=\"article\"><header class=\"article-header\"><h1>Ag</h1><p class=\"authors\">Ag</p><p class=\"byline\">Ag <time>Ag</time></p></header><div class=\"article-body\"><p>Ag <em>Ag</em> <strong>Ag</strong> <code>Ag</code> <a>Ag</a></p><h2>Ag</h2><h3>Ag</h3><blockquote><p>Ag</p></blockquote><ul><li>Ag</li></ul><pre><code>Ag</code></pre></div><footer class=\"article-footer\"><p class=\"back\"><a>Ag</a></p></footer></article></div>";

/// The view for a route that names nothing.
pub fn not_found_view() -> String {
    String::from(
        "<section class=\"message-view\"><h1 tabindex=\"-1\">Not found</h1>\
         <p>There is no article at this address. It may have been renamed or removed.</p>\
         <p><a href=\"#/\">← All articles</a></p></section>",
    )
}

/// The view shown when the viewer itself failed (a panic or an unexpected browser error).
pub fn error_view(message: &str) -> String {
    let mut out = String::from(
        "<section class=\"message-view error-view\" role=\"alert\"><h1 tabindex=\"-1\">Something went wrong</h1>\
         <p>Folio hit an error it could not recover from. Reloading the page may help.</p>",
    );
    if !message.is_empty() {
        out.push_str("<pre class=\"error-message\">");
        push_escaped(&mut out, message);
        out.push_str("</pre>");
    }
    out.push_str("<p><a href=\"#/\">← All articles</a></p></section>");
    out
}

/// The URL when it is an absolute http(s) URL the renderer considers safe.
fn http_url(raw: &str) -> Option<String> {
    let url = safe_url(raw.trim())?;
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url)
}

fn push_external_link(out: &mut String, url: &str, text: &str) {
    out.push_str("<a class=\"publication\" href=\"");
    push_escaped(out, url);
    out.push_str("\" rel=\"");
    out.push_str(super::policy::EXTERNAL_LINK_REL);
    out.push_str("\">");
    push_escaped(out, text);
    out.push_str("</a>");
}

fn push_language_attributes(out: &mut String, entry: &Entry) {
    if let Some(lang) = entry
        .lang
        .as_deref()
        .and_then(super::policy::clean_language_tag)
    {
        out.push_str(" lang=\"");
        push_escaped(out, &lang);
        out.push('"');
    }
    if let Some(dir) = entry.dir {
        out.push_str(" dir=\"");
        out.push_str(dir.as_str());
        out.push('"');
    }
}

/// The `lang` and `dir` attributes (with a leading space) for an element holding this article's text.
pub fn language_attributes(entry: &Entry) -> String {
    let mut out = String::new();
    push_language_attributes(&mut out, entry);
    out
}

fn push_time(out: &mut String, date: &crate::article::DateTime) {
    out.push_str("<time datetime=\"");
    push_escaped(out, &date.iso());
    out.push_str("\">");
    push_escaped(out, &date.in_words());
    out.push_str("</time>");
}

fn push_reading_time(out: &mut String, minutes: u32) {
    out.push_str("<span class=\"reading-time\">");
    out.push_str(&minutes.max(1).to_string());
    out.push_str(" min read</span>");
}

fn push_separator(out: &mut String, parts_before: usize) {
    if parts_before > 0 {
        out.push_str("<span class=\"separator\" aria-hidden=\"true\"> · </span>");
    }
}

fn push_problem_count(out: &mut String, count: usize) {
    out.push_str(&count.to_string());
    out.push_str(if count == 1 { " problem" } else { " problems" });
}

/// `A`, `A and B`, `A, B and C`, escaped.
fn push_list_in_words(out: &mut String, items: &[&str]) {
    let last = items.len().saturating_sub(1);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(if i == last { " and " } else { ", " });
        }
        push_escaped(out, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{DateTime, Diagnostic, Format};
    use crate::catalog::Source;
    use std::borrow::Cow;

    const HOSTILE: &str = "<script>alert(\"x\")</script> & <img src=x onerror=alert(1)>";

    fn entry(title: &str) -> Entry {
        Entry {
            id: 0,
            slug: "a-slug".to_string(),
            path: "articles/a.md".to_string(),
            format: Format::Markdown,
            title: title.to_string(),
            date: Some(DateTime {
                year: 2022,
                month: 3,
                day: 8,
                time: Some((9, 1)),
            }),
            updated: None,
            authors: Vec::new(),
            publication: None,
            source_url: None,
            tags: Vec::new(),
            excerpt: String::new(),
            reading_minutes: 3,
            lang: None,
            dir: None,
            draft: false,
            diagnostics: Vec::new(),
        }
    }

    /// No markup from the text survives: neither tags nor quotes that could end an attribute.
    fn assert_inert(html: &str) {
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("\"x\""), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn routes_come_from_hashes() {
        let article = |slug: &str, heading: Option<&str>| Route::Article {
            slug: slug.to_string(),
            heading: heading.map(str::to_string),
        };
        let cases = [
            ("", Some(Route::Library)),
            ("#", Some(Route::Library)),
            ("#/", Some(Route::Library)),
            ("#/a/my-trip", Some(article("my-trip", None))),
            ("#/a/my-trip/", Some(article("my-trip", None))),
            ("#/a/my-trip/day-2", Some(article("my-trip", Some("day-2")))),
            ("#/a/x/caf%C3%A9", Some(article("x", Some("café")))),
            ("#/a/x/100%", Some(article("x", Some("100%")))),
            ("#/a/", Some(Route::NotFound)),
            ("#/a/x/y/z", Some(Route::NotFound)),
            ("#/tags/rust", Some(Route::NotFound)),
            ("#fn-1", None),
            ("#folio-main", None),
        ];
        for (hash, expected) in cases {
            assert_eq!(Route::from_hash(hash), expected, "{hash}");
        }
    }

    #[test]
    fn article_links_round_trip_through_the_router() {
        for slug in ["plain", "with space", "a/b", "é\"<>#?"] {
            let href = article_href(slug);
            assert!(href.bytes().all(|b| b.is_ascii_graphic()), "{href}");
            assert!(!href.contains(['"', '<', '>', '&', '\'']), "{href}");
            assert_eq!(
                Route::from_hash(&href),
                Some(Route::Article {
                    slug: slug.to_string(),
                    heading: None
                })
            );
        }
    }

    #[test]
    fn in_article_anchors_become_routes_to_the_same_article() {
        let cases = [
            ("#fn-1", Some("#/a/my-trip/fn-1")),
            ("#caf%C3%A9", Some("#/a/my-trip/caf%C3%A9")),
            ("#a\"b", Some("#/a/my-trip/a%22b")),
            ("#", None),
            ("#/a/other", None),
            ("https://example.com/#x", None),
            ("page.html#x", None),
        ];
        for (href, expected) in cases {
            assert_eq!(anchor_href("my-trip", href).as_deref(), expected, "{href}");
        }
        let route = anchor_href("my-trip", "#caf%C3%A9").expect("an anchor");
        assert_eq!(
            Route::from_hash(&route),
            Some(Route::Article {
                slug: "my-trip".to_string(),
                heading: Some("café".to_string())
            })
        );
    }

    #[test]
    fn header_escapes_everything_from_the_article() {
        let mut hostile = entry(HOSTILE);
        hostile.authors = vec![HOSTILE.to_string(), "B".to_string()];
        hostile.publication = Some(HOSTILE.to_string());
        hostile.tags = vec![HOSTILE.to_string()];
        let html = article_header(&hostile);
        assert_inert(&html);
        assert!(
            html.starts_with("<header class=\"article-header\"><h1 tabindex=\"-1\">&lt;script&gt;")
        );
        assert!(html.contains("<time datetime=\"2022-03-08T09:01\">"));
        assert!(html.contains("3 min read"));
    }

    #[test]
    fn publication_links_only_to_http_sources() {
        let mut linked = entry("T");
        linked.publication = Some("RT".to_string());
        linked.source_url = Some("https://example.com/story?a=1&b=2".to_string());
        let html = article_header(&linked);
        assert!(
            html.contains("<a class=\"publication\" href=\"https://example.com/story?a=1&amp;b=2\" rel=\"noreferrer\">RT</a>"),
            "{html}"
        );
        for hostile in [
            "javascript:alert(1)",
            "data:text/html,x",
            "\" onmouseover=\"alert(1)",
        ] {
            linked.source_url = Some(hostile.to_string());
            let html = article_header(&linked);
            assert!(!html.contains("href"), "{hostile}: {html}");
            assert!(html.contains("<span class=\"publication\">RT</span>"));
        }
    }

    #[test]
    fn library_lists_newest_first_with_escaped_text() {
        let source = |path: &'static str, text: &'static str| Source {
            path: Cow::Borrowed(path),
            slug: Cow::Owned(crate::article::slug::slugify(crate::article::file_stem(
                path,
            ))),
            bytes: Cow::Borrowed(text.as_bytes()),
        };
        // The title falls back to the file name, so hostile names test the escaping
        // whatever the Markdown parser makes of the body.
        let catalog = Catalog::from_sources(vec![
            source("articles/2020-01-01-old.md", "Old words."),
            source("articles/2024-05-01-<script>new\".md", "New words."),
        ]);
        let html = library_view(&catalog);
        assert!(html.contains("2 articles"));
        let new = html
            .find("href=\"#/a/2024-05-01-script-new\"")
            .expect("new listed");
        let old = html
            .find("href=\"#/a/2020-01-01-old\"")
            .expect("old listed");
        assert!(new < old, "newest first: {html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;new&quot;"), "{html}");
        assert!(html.contains("<time datetime=\"2024-05-01\">"));
    }

    #[test]
    fn reading_marks_come_from_stored_positions_only() {
        let stored = [
            ("folio.position.done", "0.9900 read"),
            ("folio.position.half", "0.5000"),
            ("folio.position.barely", "0.0100"),
            ("folio.position.junk", "<b>x</b>"),
            ("folio.prefs", "0.5000 read"),
            ("other.position.half", "1.0000 read"),
        ];
        let marks = ReadingMarks::from_stored(
            stored
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string())),
        );
        assert_eq!(marks.get("done"), Some(("read", "Read")));
        assert_eq!(
            marks.get("half"),
            Some(("in-progress", "In progress · 50%"))
        );
        assert_eq!(marks.get("barely"), None);
        assert_eq!(marks.get("junk"), None);
        assert_eq!(marks.get("prefs"), None);
        assert_eq!(marks.get(""), None);

        let mut html = String::new();
        push_card(
            &mut html,
            &entry("T"),
            "#/a/a-slug",
            None,
            marks.get("half"),
        );
        let byline = html.find("class=\"byline\"").expect("byline");
        let mark = html
            .find("<p class=\"reading-mark in-progress\">In progress · 50%</p>")
            .expect("mark");
        assert!(byline < mark, "{html}");
    }

    #[test]
    fn empty_library_says_how_to_add_articles() {
        let html = library_view(&Catalog::from_sources(Vec::new()));
        assert!(html.contains("No articles yet"));
        assert!(!html.contains("<ol"));
    }

    #[test]
    fn diagnostics_are_listed_with_path_and_line() {
        let mut with_problems = entry("T");
        with_problems.path = "articles/<x>.md".to_string();
        with_problems.diagnostics = vec![
            Diagnostic::warning(3, "date <b>unknown</b>"),
            Diagnostic::error(1, "bad"),
        ];
        let html = diagnostics_notice(&with_problems);
        assert!(html.starts_with("<details class=\"diagnostics\"><summary>2 problems"));
        assert!(
            html.contains("<code>articles/&lt;x&gt;.md:3: date &lt;b&gt;unknown&lt;/b&gt;</code>")
        );
        assert!(html.contains("<li class=\"error\"><code>articles/&lt;x&gt;.md:1: bad</code>"));
        assert_eq!(diagnostics_notice(&entry("T")), "");
    }

    #[test]
    fn footer_links_neighbours_and_the_way_back() {
        let mut previous = entry("Newer <one>");
        previous.slug = "newer".to_string();
        let html = article_footer(Some(&previous), None);
        assert!(html.contains("href=\"#/a/newer\" rel=\"prev\""));
        assert!(html.contains("Newer &lt;one&gt;"));
        assert!(!html.contains("rel=\"next\""));
        assert!(html.contains("<a href=\"#/\">← All articles</a>"));
        assert!(!article_footer(None, None).contains("neighbours"));
    }

    #[test]
    fn error_view_escapes_the_message() {
        let html = error_view(HOSTILE);
        assert_inert(&html);
        assert!(html.contains("role=\"alert\""));
        assert!(not_found_view().contains("<h1 tabindex=\"-1\">Not found</h1>"));
    }

    #[test]
    fn language_attributes_are_checked() {
        let mut foreign = entry("T");
        foreign.lang = Some("ar\" onclick=\"x".to_string());
        foreign.dir = Some(crate::article::TextDirection::Rtl);
        assert_eq!(language_attributes(&foreign), " dir=\"rtl\"");
        foreign.lang = Some("ar-EG".to_string());
        assert_eq!(language_attributes(&foreign), " lang=\"ar-EG\" dir=\"rtl\"");
    }

    #[test]
    fn titles_name_the_view() {
        assert_eq!(document_title(Some("A <b>")), "A <b> — Folio");
        assert_eq!(document_title(None), "Folio");
    }

    #[test]
    fn reading_marks_are_found_by_slug_and_the_first_of_a_slug_wins() {
        let marks = ReadingMarks::from_stored([
            ("folio.position.b".to_string(), "0.5000".to_string()),
            ("other.key".to_string(), "1.0000 read".to_string()),
            ("folio.position.c".to_string(), "junk".to_string()),
            ("folio.position.a".to_string(), "1.0000 read".to_string()),
            ("folio.position.b".to_string(), "1.0000 read".to_string()),
        ]);
        assert_eq!(marks.get("a"), Some(("read", "Read")));
        assert_eq!(marks.get("b"), Some(("in-progress", "In progress · 50%")));
        assert_eq!(marks.get("c"), None);
        assert_eq!(marks.get("other.key"), None);
    }
}
