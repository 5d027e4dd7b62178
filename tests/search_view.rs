//! Native tests of the search view: the state in the URL and the words an article highlights.
//!
//! Fixtures under `tests/fixtures/search_view/` (run with `BLESS=1` to rewrite expectations):
//! - `*.hashes`: one location hash per line; the `.state` file shows the state each parses to
//!   and the hash it serialises back to. Every state must also survive a round trip.
//! - `*.queries`: `query | text` per line; the `.marked` file shows the text with the
//!   words the query highlights in `[` `]`.
//!
//! Then the HTML: snippets and statuses escape every article string.

mod common;

use folio::render::search_view::{highlight_ranges, snippet_html, status_html, SearchState};
use folio::search::{SearchResults, Segment, Snippet, Sort};
use std::fmt::Write as _;

/// Runs `render` on each line of the suite's files of extension `input_ext`; the expected
/// file shows each line followed by its output, indented.
fn check_lines(input_ext: &str, expected_ext: &str, render: impl Fn(&str) -> String) {
    common::check("search_view", input_ext, expected_ext, |input| {
        let mut actual = String::new();
        for line in input.lines().filter(|line| !line.trim().is_empty()) {
            writeln!(actual, "{line}\n  {}", render(line)).expect("write");
        }
        actual
    });
}

#[test]
fn urls() {
    check_lines("hashes", "state", |hash| {
        let state = SearchState::from_hash(hash);
        let href = state.library_href();
        assert_eq!(
            SearchState::from_hash(&href),
            state,
            "{hash}: the state does not survive {href}"
        );
        format!("{state:?}\n  {href}")
    });
}

#[test]
fn highlight() {
    check_lines("queries", "marked", |line| {
        let (query, text) = line.split_once(" | ").expect("query | text");
        let mut out = String::new();
        let mut at = 0;
        for (start, end) in highlight_ranges(text, query) {
            out.push_str(&text[at..start]);
            out.push('[');
            out.push_str(&text[start..end]);
            out.push(']');
            at = end;
        }
        out.push_str(&text[at..]);
        out
    });
}

#[test]
fn article_links_carry_only_the_query() {
    let state = SearchState::from_hash("#/?q=a%20b&pub=X&sort=title");
    assert_eq!(state.article_href("my slug"), "#/a/my%20slug?q=a%20b");
    assert_eq!(SearchState::default().article_href("s"), "#/a/s");
}

#[test]
fn default_sort_is_relevance_only_with_a_query() {
    assert_eq!(SearchState::default().effective_sort(), Sort::Newest);
    assert_eq!(
        SearchState::from_hash("#/?q=x").effective_sort(),
        Sort::Relevance
    );
    assert_eq!(
        SearchState::from_hash("#/?q=x&sort=title").effective_sort(),
        Sort::Title
    );
}

#[test]
fn snippets_escape_every_segment() {
    let snippet = Snippet {
        segments: vec![
            Segment {
                text: "<b>\"x\" & ".into(),
                mark: false,
            },
            Segment {
                text: "<img src=x onerror=alert(1)>".into(),
                mark: true,
            },
        ],
    };
    assert_eq!(
        snippet_html(&snippet),
        "&lt;b&gt;&quot;x&quot; &amp; <mark>&lt;img src=x onerror=alert(1)&gt;</mark>"
    );
}

#[test]
fn no_results_say_so_and_suggest_a_spelling() {
    let state = SearchState::from_hash("#/?q=%3Cpartnershp%3E&tag=t");
    let results = SearchResults {
        query: state.query.clone(),
        hits: Vec::new(),
        total: 0,
        facets: Default::default(),
        suggestion: Some("<partnership>".into()),
    };
    assert_eq!(
        status_html(&state, &results),
        "No articles match “&lt;partnershp&gt;” with these filters. Did you mean <a class=\"search-suggestion\" href=\"#/?q=%3Cpartnership%3E&amp;tag=t\">&lt;partnership&gt;</a>?"
    );
    let plain = SearchResults {
        suggestion: None,
        ..results
    };
    let state = SearchState::from_hash("#/?q=zzzz");
    assert_eq!(
        status_html(&state, &plain),
        "No articles match “zzzz”. Try fewer or shorter words."
    );
}

#[test]
fn routes_accept_the_query_string() {
    use folio::render::views::Route;
    assert_eq!(Route::from_hash("#/?q=x&pub=y"), Some(Route::Library));
    assert_eq!(
        Route::from_hash("#/a/some-slug?q=partnershp"),
        Some(Route::Article {
            slug: "some-slug".into(),
            heading: None
        })
    );
    assert_eq!(Route::from_hash("#/nothing?q=x"), Some(Route::NotFound));
}

#[test]
fn cards_are_list_items_that_say_their_place() {
    use folio::catalog::{Catalog, Source};
    use folio::render::search_view::{push_cards, ListedCard};
    use folio::render::views::ReadingMarks;
    use std::borrow::Cow;
    let catalog = Catalog::from_sources(vec![Source {
        path: Cow::Borrowed("articles/x.md"),
        slug: Cow::Borrowed("x<y"),
        bytes: Cow::Borrowed(b"---\ntitle: A <b>title</b>\n---\n\nText.\n"),
    }]);
    let cards = vec![ListedCard {
        id: 0,
        snippet_html: None,
    }];
    let marks = ReadingMarks::from_stored([("folio.position.x<y".into(), "1.0000 read".into())]);
    let mut html = String::new();
    let state = SearchState::from_hash("#/?q=t");
    push_cards(&mut html, &catalog, &state, &cards, &marks, 41, 300);
    assert!(html.starts_with("<div class=\"library-part\"><div class=\"library-item\" role=\"listitem\" aria-posinset=\"41\" aria-setsize=\"300\"><article class=\"card\" data-slug=\"x&lt;y\""), "{html}");
    assert!(html.contains("href=\"#/a/x%3Cy?q=t\""), "{html}");
    assert!(html.contains("A &lt;b&gt;title&lt;/b&gt;"), "{html}");
    assert!(
        html.contains("<p class=\"reading-mark read\">Read</p>"),
        "{html}"
    );
    assert!(html.ends_with("</article></div></div>"), "{html}");
}
