//! The search in the library view: its state in the URL, and the HTML of the search box,
//! results, hit count and facets; and which words of an article a query highlights.
//!
//! The state lives in the location hash as a query string after the route:
//! `#/?q=…&pub=…&tag=…&year=…&sort=…` for the library and `#/a/<slug>?q=…` for an article
//! opened from a result. [`SearchState::from_hash`] and [`SearchState::library_href`] are
//! inverses for every state (percent-encoding everything but unreserved characters).
//!
//! Like [`super::views`], every function here is pure and escapes all article text, so the
//! strings may be set as `innerHTML`. The web layer (`web::search`) runs the queries.

use super::escape::push_escaped;
use super::views::{self, percent_decode, push_percent_encoded, ReadingMarks};
use crate::catalog::{ArticleId, Catalog};
use crate::search::query::parse_query;
use crate::search::tokenize::for_each_token_dyn;
use crate::search::{SearchOptions, SearchResults, Snippet, Sort};

/// Results shown at first, and added by each "Show more".
pub const PAGE_SIZE: usize = 20;
/// Cards written when a list is drawn: more than the tallest screen shows, so the first
/// paint is whole. The web layer appends the rest in slices of [`CARDS_PER_SLICE`]
/// between which the page stays responsive.
pub const FIRST_CARDS: usize = 24;
/// Cards appended per slice after the first ones (a few milliseconds of work).
pub const CARDS_PER_SLICE: usize = 100;
/// The "Show more" button under a list of results cut to a page.
pub const MORE_BUTTON_HTML: &str = "<p class=\"search-more\"><button type=\"button\" class=\"search-more-button\">Show more results</button></p>";
/// Facet values shown per facet (selected ones are always shown).
const FACET_VALUES_SHOWN: usize = 12;

/// What the reader asked for: the query, the filters and the order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchState {
    pub query: String,
    pub publications: Vec<String>,
    pub tags: Vec<String>,
    pub years: Vec<i32>,
    /// `None`: the default, relevance with a query and newest first without one.
    pub sort: Option<Sort>,
}

impl SearchState {
    /// The state a location hash carries after its `?` (none: the empty state).
    /// Unknown keys and malformed years or sorts are ignored; `+` reads as a space.
    pub fn from_hash(hash: &str) -> SearchState {
        let mut state = SearchState::default();
        let Some((_, query)) = hash.split_once('?') else {
            return state;
        };
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(&value.replace('+', " "));
            match key {
                "q" => state.query = value,
                "pub" if !value.is_empty() => state.publications.push(value),
                "tag" if !value.is_empty() => state.tags.push(value),
                "year" => {
                    if let Ok(year) = value.trim().parse::<i32>() {
                        state.years.push(year);
                    }
                }
                "sort" => state.sort = sort_from_name(&value),
                _ => {}
            }
        }
        state
    }

    /// True when nothing is asked: the plain library.
    pub fn is_empty(&self) -> bool {
        self.query.trim().is_empty()
            && self.publications.is_empty()
            && self.tags.is_empty()
            && self.years.is_empty()
            && self.sort.is_none()
    }

    /// The order results are shown in.
    pub fn effective_sort(&self) -> Sort {
        match self.sort {
            Some(sort) => sort,
            None if self.query.trim().is_empty() => Sort::Newest,
            None => Sort::Relevance,
        }
    }

    /// The library's hash for this state: `#/`, or `#/?q=…&pub=…`.
    pub fn library_href(&self) -> String {
        let mut href = String::from("#/");
        self.push_query_string(&mut href);
        href
    }

    /// The hash of an article opened from these results: `#/a/<slug>?q=…`, so the article
    /// highlights the query (the filters do not matter there).
    pub fn article_href(&self, slug: &str) -> String {
        let mut href = views::article_href(slug);
        if !self.query.trim().is_empty() {
            href.push_str("?q=");
            push_percent_encoded(&mut href, &self.query);
        }
        href
    }

    fn push_query_string(&self, out: &mut String) {
        let mut first = true;
        let mut pair = |out: &mut String, key: &str, value: &str| {
            out.push(if first { '?' } else { '&' });
            first = false;
            out.push_str(key);
            out.push('=');
            push_percent_encoded(out, value);
        };
        if !self.query.is_empty() {
            pair(out, "q", &self.query);
        }
        for publication in &self.publications {
            pair(out, "pub", publication);
        }
        for tag in &self.tags {
            pair(out, "tag", tag);
        }
        for year in &self.years {
            pair(out, "year", &year.to_string());
        }
        if let Some(sort) = self.sort {
            pair(out, "sort", sort_name(sort));
        }
    }

    /// The options for [`crate::search::SearchIndex::search`], showing `limit` results.
    pub fn options(&self, limit: usize) -> SearchOptions {
        SearchOptions {
            publications: self.publications.clone(),
            tags: self.tags.clone(),
            years: self.years.clone(),
            sort: self.effective_sort(),
            limit,
            offset: 0,
        }
    }
}

/// The name of a sort in the URL and the sort select.
pub fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::Newest => "newest",
        Sort::Oldest => "oldest",
        Sort::Relevance => "relevance",
        Sort::Title => "title",
    }
}

/// The sort a name of [`sort_name`] stands for.
pub fn sort_from_name(name: &str) -> Option<Sort> {
    match name {
        "newest" => Some(Sort::Newest),
        "oldest" => Some(Sort::Oldest),
        "relevance" => Some(Sort::Relevance),
        "title" => Some(Sort::Title),
        _ => None,
    }
}

/// One card of a list: the article and, for a search result, its snippet as HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedCard {
    pub id: ArticleId,
    /// Escaped markup with the matched words in `<mark>`; `None` shows the excerpt.
    pub snippet_html: Option<String>,
}

/// The cards of the plain library: every listed article, newest first.
pub fn library_cards(catalog: &Catalog) -> Vec<ListedCard> {
    catalog
        .listed()
        .map(|entry| ListedCard {
            id: entry.id,
            snippet_html: None,
        })
        .collect()
}

/// The cards of search results, in their order.
pub fn result_cards(results: &SearchResults) -> Vec<ListedCard> {
    results
        .hits
        .iter()
        .map(|hit| ListedCard {
            id: hit.id,
            snippet_html: (!hit.snippet.segments.is_empty()).then(|| snippet_html(&hit.snippet)),
        })
        .collect()
}

/// Writes `cards` as one part of a list: a `<div class="library-part">` of list items.
///
/// A list is made of parts (the first cards, then each slice the web layer appends, or
/// each page of results) because the style sheet lets the browser skip the layout and
/// paint of a part off screen (`content-visibility`), and a hundred cards per part costs
/// the browser far less to track, and to remove, than one card at a time. The parts are
/// plain `div`s between the `role="list"` and its `role="listitem"`s, which ARIA allows;
/// each item says its place (`aria-posinset`, from `first_position`, counted from 1)
/// in the whole list (`aria-setsize`), drawn or not. Each card links to its article
/// with the state's query and carries its reading mark.
#[allow(clippy::too_many_arguments)]
pub fn push_cards(
    out: &mut String,
    catalog: &Catalog,
    state: &SearchState,
    cards: &[ListedCard],
    marks: &ReadingMarks,
    first_position: usize,
    set_size: usize,
) {
    out.push_str(if cards.len() > FIRST_CARDS {
        "<div class=\"library-part library-part-long\">"
    } else {
        "<div class=\"library-part\">"
    });
    let set_size = set_size.to_string();
    for (position, card) in (first_position..).zip(cards) {
        push_item(out, catalog, state, card, marks, position, &set_size);
    }
    out.push_str("</div>");
}

/// Writes one item of a list (its card inside a `role="listitem"` that says its place):
/// what [`push_cards`] writes for each card, and what the web layer adds alone when a
/// list is updated in place. Writes nothing for an article the catalog does not have.
pub fn push_item(
    out: &mut String,
    catalog: &Catalog,
    state: &SearchState,
    card: &ListedCard,
    marks: &ReadingMarks,
    position: usize,
    set_size: &str,
) {
    let Some(entry) = catalog.entry(card.id) else {
        return;
    };
    out.push_str("<div class=\"library-item\" role=\"listitem\" aria-posinset=\"");
    out.push_str(&position.to_string());
    out.push_str("\" aria-setsize=\"");
    out.push_str(set_size);
    out.push_str("\">");
    let href = state.article_href(&entry.slug);
    views::push_card(
        out,
        entry,
        &href,
        card.snippet_html.as_deref(),
        marks.get(&entry.slug),
    );
    out.push_str("</div>");
}

/// The library with its search form, listing `cards` (the first of the library's
/// `total`; the web layer appends the others, then replaces the list with the state's
/// results once the index is there). `id_suffix` ends every id of the view (`""` for
/// the first viewer of a page), so that viewers on one page do not share ids.
pub fn library_view(
    catalog: &Catalog,
    state: &SearchState,
    cards: &[ListedCard],
    total: usize,
    marks: &ReadingMarks,
    id_suffix: &str,
) -> String {
    let mut out = String::with_capacity(8192);
    let count = views::push_library_header(&mut out, catalog);
    if count == 0 {
        return out;
    }
    push_search_form(&mut out, state, id_suffix);
    out.push_str("<div class=\"search-layout\"><div class=\"search-facets\" aria-label=\"Filters\" role=\"group\"></div><div class=\"search-main\"><p class=\"search-status\" id=\"");
    push_id(&mut out, "folio-search-status", id_suffix);
    out.push_str("\" aria-live=\"polite\"></p><div class=\"search-results\" id=\"");
    push_id(&mut out, "folio-search-results", id_suffix);
    out.push_str("\">");
    out.push_str("<div class=\"library\" role=\"list\">");
    push_cards(
        &mut out,
        catalog,
        &SearchState::default(),
        cards,
        marks,
        1,
        total,
    );
    out.push_str("</div></div></div></div>");
    out
}

/// An id of the view, with the viewer's suffix (escaped, though the web layer makes it).
fn push_id(out: &mut String, id: &str, suffix: &str) {
    out.push_str(id);
    push_escaped(out, suffix);
}

fn push_search_form(out: &mut String, state: &SearchState, ids: &str) {
    out.push_str("<form class=\"search-form\" role=\"search\" action=\"#/\"><div class=\"search-field\"><label for=\"");
    push_id(out, "folio-search", ids);
    out.push_str("\">Search articles</label><input type=\"search\" id=\"");
    push_id(out, "folio-search", ids);
    out.push_str("\" name=\"q\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"");
    push_id(out, "folio-search-status", ids);
    out.push_str("\" aria-controls=\"");
    push_id(out, "folio-search-results", ids);
    out.push_str("\" placeholder=\"Words, &quot;a phrase&quot;…\" value=\"");
    push_escaped(out, &state.query);
    out.push_str("\"></div><div class=\"search-sort\"><label for=\"");
    push_id(out, "folio-sort", ids);
    out.push_str("\">Sort by</label><select id=\"");
    push_id(out, "folio-sort", ids);
    out.push_str("\" name=\"sort\">");
    let current = state.effective_sort();
    let has_query = !state.query.trim().is_empty();
    for (sort, label) in [
        (Sort::Relevance, "Relevance"),
        (Sort::Newest, "Newest first"),
        (Sort::Oldest, "Oldest first"),
        (Sort::Title, "Title"),
    ] {
        out.push_str("<option value=\"");
        out.push_str(sort_name(sort));
        out.push('"');
        if sort == current {
            out.push_str(" selected");
        }
        if sort == Sort::Relevance && !has_query {
            out.push_str(" disabled");
        }
        out.push('>');
        out.push_str(label);
        out.push_str("</option>");
    }
    out.push_str("</select></div></form>");
}

/// The hit count and, when nothing matched, what to try instead.
pub fn status_html(state: &SearchState, results: &SearchResults) -> String {
    let mut out = String::new();
    let query = state.query.trim();
    let filtered =
        !(state.publications.is_empty() && state.tags.is_empty() && state.years.is_empty());
    match results.total {
        0 => {
            out.push_str("No articles match ");
            if query.is_empty() {
                out.push_str("these filters");
            } else {
                out.push('“');
                push_escaped(&mut out, query);
                out.push('”');
                if filtered {
                    out.push_str(" with these filters");
                }
            }
            out.push('.');
        }
        1 => out.push_str("1 article"),
        n => {
            out.push_str(&n.to_string());
            out.push_str(" articles");
        }
    }
    if results.total > 0 && !query.is_empty() {
        out.push_str(if results.total == 1 {
            " matches “"
        } else {
            " match “"
        });
        push_escaped(&mut out, query);
        out.push_str("”.");
    } else if results.total > 0 {
        out.push('.');
    }
    if let Some(suggestion) = results.suggestion.as_deref() {
        let corrected = SearchState {
            query: suggestion.to_string(),
            ..state.clone()
        };
        out.push_str(" Did you mean <a class=\"search-suggestion\" href=\"");
        push_escaped(&mut out, &corrected.library_href());
        out.push_str("\">");
        push_escaped(&mut out, suggestion);
        out.push_str("</a>?");
    } else if results.total == 0 {
        if filtered {
            out.push_str(" Try removing a filter");
            if !query.is_empty() {
                out.push_str(" or a word");
            }
            out.push('.');
        } else if !query.is_empty() {
            out.push_str(" Try fewer or shorter words.");
        }
    }
    out
}

/// A list of results: `cards` (the first of the `shown` on the page; the web layer
/// appends the others), and "Show more" when `more` results were left out of the page.
/// The items' set size is the count of all results, shown or not.
pub fn results_html(
    catalog: &Catalog,
    state: &SearchState,
    cards: &[ListedCard],
    results: &SearchResults,
    marks: &ReadingMarks,
) -> String {
    let mut out = String::with_capacity(4096);
    if cards.is_empty() {
        return out;
    }
    let total = usize::try_from(results.total).unwrap_or(usize::MAX);
    out.push_str("<div class=\"library\" role=\"list\">");
    push_cards(&mut out, catalog, state, cards, marks, 1, total);
    out.push_str("</div>");
    let more = results.hits.len() < total;
    if more {
        out.push_str(MORE_BUTTON_HTML);
    }
    out
}

/// A snippet as HTML: every segment escaped, matched ones in `<mark>`, with an ellipsis
/// where the passage does not start or end the text.
pub fn snippet_html(snippet: &Snippet) -> String {
    let mut out = String::new();
    for segment in &snippet.segments {
        if segment.mark {
            out.push_str("<mark>");
            push_escaped(&mut out, &segment.text);
            out.push_str("</mark>");
        } else {
            push_escaped(&mut out, &segment.text);
        }
    }
    out
}

/// A facet value as shown: value, label, count, selected.
type FacetValue = (String, String, u32, bool);

/// The facets as groups of checkboxes with counts; the checked ones are the state's filters.
pub fn facets_html(results: &SearchResults) -> String {
    let mut out = String::with_capacity(2048);
    let facets = &results.facets;
    let groups: [(&str, &str, Vec<FacetValue>); 3] = [
        (
            "Publication",
            "pub",
            facets
                .publications
                .iter()
                .map(|f| (f.value.clone(), f.value.clone(), f.count, f.selected))
                .collect(),
        ),
        (
            "Tag",
            "tag",
            facets
                .tags
                .iter()
                .map(|f| (f.value.clone(), f.value.clone(), f.count, f.selected))
                .collect(),
        ),
        (
            "Year",
            "year",
            facets
                .years
                .iter()
                .map(|y| (y.year.to_string(), y.year.to_string(), y.count, y.selected))
                .collect(),
        ),
    ];
    for (legend, key, values) in groups {
        if values.is_empty() {
            continue;
        }
        out.push_str("<fieldset class=\"facet\"><legend>");
        out.push_str(legend);
        out.push_str("</legend><ul role=\"list\">");
        let mut shown = 0;
        for (value, label, count, selected) in values {
            if !selected && shown >= FACET_VALUES_SHOWN {
                continue;
            }
            shown += 1;
            out.push_str("<li><label><input type=\"checkbox\" data-facet=\"");
            out.push_str(key);
            out.push_str("\" value=\"");
            push_escaped(&mut out, &value);
            out.push('"');
            if selected {
                out.push_str(" checked");
            }
            out.push_str("> <span class=\"facet-value\">");
            push_escaped(&mut out, &label);
            out.push_str("</span> <span class=\"facet-count\">");
            out.push_str(&count.to_string());
            out.push_str("</span></label></li>");
        }
        out.push_str("</ul></fieldset>");
    }
    out
}

/// Byte ranges of the words of `text` that `query` matches, as search matches them:
/// the same folded term, a completion of the last word while it is typed, or, for words
/// of five letters or more, a word one edit away. Phrases highlight each of their words.
pub fn highlight_ranges(text: &str, query: &str) -> Vec<(usize, usize)> {
    let clauses = parse_query(query);
    if clauses.is_empty() {
        return Vec::new();
    }
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for_each_token_dyn(text, 0, &mut |token| {
        if token.joined {
            return true;
        }
        let matched = clauses.iter().any(|clause| {
            clause.terms.iter().any(|term| {
                token.term == term
                    || (clause.prefix && token.term.starts_with(term.as_str()))
                    || (clause.fuzzy && within_one_edit(token.term, term))
            })
        });
        if matched {
            match ranges.last_mut() {
                Some(last) if last.1 >= token.start => last.1 = last.1.max(token.end),
                _ => ranges.push((token.start, token.end)),
            }
        }
        true
    });
    ranges
}

/// Whether `a` and `b` differ by at most one insertion, deletion or substitution (of chars).
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    let short_rest = short.get(prefix..).unwrap_or_default();
    if short.len() == long.len() {
        // One substitution: everything after the first difference is equal.
        short_rest.get(1..).unwrap_or_default() == long.get(prefix + 1..).unwrap_or_default()
    } else {
        // One insertion into the shorter.
        short_rest == long.get(prefix + 1..).unwrap_or_default()
    }
}
