//! The search on the page: the library's search box, results, facets and sort, the
//! state in the URL, and the highlight of a query's words in an article opened from a result.
//!
//! The index comes from the catalog ([`Catalog::search_index`]): for the bundled articles,
//! the one `build.rs` built, read in place, so search is ready with the library's first paint
//! (a catalog of sources, in tests, builds its index there on first use). Typing runs the query synchronously, at most once per animation
//! frame, and replaces the history entry (one entry per search, not per keystroke); a change
//! of facet or sort adds an entry, so back and forward step through them. The HTML comes from
//! [`crate::render::search_view`], which escapes every article string.
//!
//! Highlighting walks the text nodes of the rendered article body and wraps the matched
//! words in `<mark class="search-hit">` built with `createElement` and text nodes: article
//! text is never parsed as HTML here.

use crate::catalog::Catalog;
use crate::render::search_view::{self, SearchState, PAGE_SIZE};
use crate::render::views::Route;
use crate::search::{CachedTexts, SearchOptions, SearchResults, TextCache};
use crate::web::app::catalog;
use crate::web::dom::EventListener;
use crate::web::trusted_html;
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent,
    Node, ScrollIntoViewOptions, ScrollLogicalPosition, Window,
};

thread_local! {
    /// Texts of recent hits, so typing does not re-parse the same articles for snippets
    /// (in a catalog of sources; the bundled catalog's texts are prepared).
    static TEXTS: TextCache = TextCache::new();
}

/// Runs one search over `catalog`.
fn run_in(catalog: &Rc<Catalog>, query: &str, options: &SearchOptions) -> SearchResults {
    let index = catalog.search_index();
    TEXTS.with(|cache| {
        let texts = CachedTexts {
            texts: catalog.as_ref(),
            cache,
        };
        index.search(&texts, query, options)
    })
}

/// Runs one search over the bundled catalog: the JS API's `search()`.
pub fn run(query: &str, options: &SearchOptions) -> SearchResults {
    run_in(&catalog(), query, options)
}

/// The search of one viewer.
pub struct SearchUi {
    /// The catalog of the viewer this search belongs to.
    catalog: Rc<Catalog>,
    window: Window,
    document: Document,
    view: HtmlElement,
    state: RefCell<SearchState>,
    /// Results shown: grows by a page with each "Show more".
    limit: Cell<usize>,
    /// A query is waiting for the next animation frame.
    frame_pending: Cell<bool>,
    on_frame: OnceCell<Closure<dyn FnMut()>>,
}

impl SearchUi {
    pub fn new(
        catalog: &Rc<Catalog>,
        window: &Window,
        document: &Document,
        view: &HtmlElement,
    ) -> Rc<SearchUi> {
        Rc::new_cyclic(|weak: &Weak<SearchUi>| {
            let ui = SearchUi {
                catalog: Rc::clone(catalog),
                window: window.clone(),
                document: document.clone(),
                view: view.clone(),
                state: RefCell::new(SearchState::default()),
                limit: Cell::new(PAGE_SIZE),
                frame_pending: Cell::new(false),
                on_frame: OnceCell::new(),
            };
            let on_frame = {
                let weak = weak.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(ui) = weak.upgrade() {
                        ui.frame_pending.set(false);
                        ui.refresh();
                    }
                })
            };
            let _ = ui.on_frame.set(on_frame);
            ui
        })
    }

    /// The listeners of the search, for the `App` to own.
    pub fn listeners(self: &Rc<SearchUi>) -> Result<Vec<EventListener>, JsValue> {
        let on_input = {
            let ui = Rc::downgrade(self);
            move |event: Event| {
                if let Some(ui) = ui.upgrade() {
                    ui.on_input(&event);
                }
            }
        };
        let on_change = {
            let ui = Rc::downgrade(self);
            move |event: Event| {
                if let Some(ui) = ui.upgrade() {
                    ui.on_change(&event);
                }
            }
        };
        let on_click = {
            let ui = Rc::downgrade(self);
            move |event: Event| {
                if let Some(ui) = ui.upgrade() {
                    ui.on_click(&event);
                }
            }
        };
        let on_submit = move |event: Event| {
            // Enter in the box: the results are already there.
            event.prevent_default();
        };
        let on_key = {
            let ui = Rc::downgrade(self);
            move |event: Event| {
                let Some(ui) = ui.upgrade() else { return };
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if event.key() == "Escape" && ui.clear_highlights() {
                    event.prevent_default();
                }
            }
        };
        Ok(vec![
            EventListener::new(&self.view, "input", on_input)?,
            EventListener::new(&self.view, "change", on_change)?,
            EventListener::new(&self.view, "click", on_click)?,
            EventListener::new(&self.view, "submit", on_submit)?,
            EventListener::new(&self.window, "keydown", on_key)?,
        ])
    }

    /// Puts the library with its search on the page, in the state the URL asks for.
    pub fn render_library(&self, catalog: &Catalog) -> Result<(), JsValue> {
        let state = SearchState::from_hash(&self.hash());
        trusted_html::set_html(&self.view, &search_view::library_view(catalog, &state))?;
        self.limit.set(PAGE_SIZE);
        let asked = !state.is_empty();
        self.state.replace(state);
        if asked {
            self.refresh();
        } else {
            // The library already lists every article: only the facets and the count are
            // added, so the cards stay, and with them the reader's focus and read marks.
            self.show_results(false);
        }
        Ok(())
    }

    /// Called by the router after every route: restores the library's state on back and
    /// forward (the view stays), or highlights the query in an article opened from a result.
    pub fn after_route(&self, route: &Route) {
        match route {
            Route::Library => {
                let state = SearchState::from_hash(&self.hash());
                if state != *self.state.borrow() {
                    if let Some(input) = self.search_box() {
                        if input.value() != state.query {
                            input.set_value(&state.query);
                        }
                    }
                    self.state.replace(state);
                    self.limit.set(PAGE_SIZE);
                    self.refresh();
                }
            }
            Route::Article { .. } => {
                let query = SearchState::from_hash(&self.hash()).query;
                let marked = self
                    .view
                    .query_selector("mark.search-hit")
                    .ok()
                    .flatten()
                    .is_some();
                if !query.trim().is_empty() && !marked {
                    self.highlight(&query);
                }
            }
            Route::NotFound => {}
        }
    }

    fn hash(&self) -> String {
        self.window.location().hash().unwrap_or_default()
    }

    fn search_box(&self) -> Option<HtmlInputElement> {
        self.view
            .query_selector("input[type='search']")
            .ok()
            .flatten()
            .and_then(|input| input.dyn_into::<HtmlInputElement>().ok())
    }

    fn part(&self, class: &str) -> Option<Element> {
        let mut selector = String::from(".");
        selector.push_str(class);
        self.view.query_selector(&selector).ok().flatten()
    }

    fn on_input(&self, event: &Event) {
        if !is_search_box(event) {
            return;
        }
        let Some(input) = self.search_box() else {
            return;
        };
        self.state.borrow_mut().query = input.value();
        self.limit.set(PAGE_SIZE);
        self.write_url(false);
        if !self.frame_pending.replace(true) {
            if let Some(frame) = self.on_frame.get() {
                let _ = self
                    .window
                    .request_animation_frame(frame.as_ref().unchecked_ref());
            }
        }
    }

    fn on_change(&self, event: &Event) {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
            if select.name() != "sort" {
                return;
            }
            let mut state = self.state.borrow_mut();
            let chosen = SearchState::from_hash(&format!("?sort={}", select.value())).sort;
            // Choosing what the default already is keeps the URL short.
            state.sort = chosen.filter(|sort| {
                *sort
                    != SearchState {
                        sort: None,
                        ..state.clone()
                    }
                    .effective_sort()
            });
        } else if let Some(facet) = target.get_attribute("data-facet") {
            let Some(checkbox) = target.dyn_ref::<HtmlInputElement>() else {
                return;
            };
            let value = checkbox.value();
            let checked = checkbox.checked();
            let mut state = self.state.borrow_mut();
            match facet.as_str() {
                "pub" => toggle(&mut state.publications, value, checked),
                "tag" => toggle(&mut state.tags, value, checked),
                "year" => {
                    if let Ok(year) = value.parse::<i32>() {
                        toggle(&mut state.years, year, checked);
                    }
                }
                _ => return,
            }
        } else {
            return;
        }
        self.limit.set(PAGE_SIZE);
        self.write_url(true);
        self.refresh();
    }

    fn on_click(&self, event: &Event) {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if target
            .closest(".search-more-button")
            .ok()
            .flatten()
            .is_some()
        {
            self.limit.set(self.limit.get().saturating_add(PAGE_SIZE));
            self.refresh();
        }
    }

    /// Writes the state into the URL: a new history entry, or in place while typing.
    fn write_url(&self, new_entry: bool) {
        let href = self.state.borrow().library_href();
        if self.hash() == href || (self.hash().is_empty() && href == "#/") {
            return;
        }
        let Ok(history) = self.window.history() else {
            return;
        };
        let _ = if new_entry {
            history.push_state_with_url(&JsValue::NULL, "", Some(&href))
        } else {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&href))
        };
    }

    /// Runs the current state's search and shows its results, count and facets.
    fn refresh(&self) {
        self.show_results(true);
    }

    fn show_results(&self, with_list: bool) {
        let (Some(status), Some(results_box), Some(facets)) = (
            self.part("search-status"),
            self.part("search-results"),
            self.part("search-facets"),
        ) else {
            return;
        };
        let catalog = Rc::clone(&self.catalog);
        let state = self.state.borrow().clone();
        // An empty query has no snippets to cut, so the whole list costs little.
        let limit = if !with_list {
            0
        } else if state.query.trim().is_empty() {
            usize::MAX
        } else {
            self.limit.get()
        };
        let results = run_in(&catalog, &state.query, &state.options(limit));
        // The renderer's markup goes in through the one Trusted Types policy; a refusal
        // leaves the previous results on the page, which is the best this view can do.
        if with_list {
            let _ = trusted_html::set_html(
                &results_box,
                &search_view::results_html(&catalog, &state, &results),
            );
        }
        let _ = trusted_html::set_html(&status, &search_view::status_html(&state, &results));
        let _ = trusted_html::set_html(&facets, &search_view::facets_html(&results));
        if let Some(select) = self
            .view
            .query_selector("select[name='sort']")
            .ok()
            .flatten()
            .and_then(|s| s.dyn_into::<HtmlSelectElement>().ok())
        {
            select.set_value(search_view::sort_name(state.effective_sort()));
            if let Some(relevance) = select
                .query_selector("option[value='relevance']")
                .ok()
                .flatten()
            {
                let _ = relevance
                    .toggle_attribute_with_force("disabled", state.query.trim().is_empty());
            }
        }
        if let Some(form) = self.part("search-form") {
            let _ = form.set_attribute("data-search-ready", "");
        }
    }

    /// Wraps the words of the article body that `query` matches in `<mark class="search-hit">`
    /// and scrolls to the first. Returns how many were marked.
    fn highlight(&self, query: &str) -> usize {
        let Some(body) = self.view.query_selector(".article-body").ok().flatten() else {
            return 0;
        };
        let mut texts = Vec::new();
        collect_text_nodes(&body, &mut texts);
        let mut marked = 0;
        let mut first: Option<Element> = None;
        for node in texts {
            let text = node.node_value().unwrap_or_default();
            let ranges = search_view::highlight_ranges(&text, query);
            if ranges.is_empty() {
                continue;
            }
            let Some(parent) = node.parent_node() else {
                continue;
            };
            let fragment = self.document.create_document_fragment();
            let mut at = 0;
            for (start, end) in ranges {
                let (Some(before), Some(word)) = (text.get(at..start), text.get(start..end)) else {
                    continue;
                };
                if !before.is_empty() {
                    let _ = fragment.append_child(&self.document.create_text_node(before));
                }
                let Ok(mark) = self.document.create_element("mark") else {
                    continue;
                };
                mark.set_class_name("search-hit");
                mark.set_text_content(Some(word));
                let _ = fragment.append_child(&mark);
                if first.is_none() {
                    first = Some(mark);
                }
                marked += 1;
                at = end;
            }
            if let Some(rest) = text.get(at..).filter(|rest| !rest.is_empty()) {
                let _ = fragment.append_child(&self.document.create_text_node(rest));
            }
            let _ = parent.replace_child(&fragment, &node);
        }
        if let Some(first) = first {
            let options = ScrollIntoViewOptions::new();
            options.set_block(ScrollLogicalPosition::Center);
            first.scroll_into_view_with_scroll_into_view_options(&options);
        }
        marked
    }

    /// Removes the highlights (and the query from the article's URL). Returns whether there were any.
    fn clear_highlights(&self) -> bool {
        let Ok(marks) = self.view.query_selector_all("mark.search-hit") else {
            return false;
        };
        if marks.length() == 0 {
            return false;
        }
        let mut parents: Vec<Node> = Vec::new();
        for i in 0..marks.length() {
            let Some(mark) = marks.item(i) else { continue };
            let Some(parent) = mark.parent_node() else {
                continue;
            };
            let text = self
                .document
                .create_text_node(&mark.text_content().unwrap_or_default());
            let _ = parent.replace_child(&text, &mark);
            if !parents.iter().any(|p| p.is_same_node(Some(&parent))) {
                parents.push(parent);
            }
        }
        for parent in parents {
            parent.normalize();
        }
        let hash = self.hash();
        if let Some((path, _)) = hash.split_once('?') {
            if let Ok(history) = self.window.history() {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
            }
        }
        true
    }
}

fn is_search_box(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|input| input.type_() == "search")
}

fn toggle<T: PartialEq>(values: &mut Vec<T>, value: T, on: bool) {
    values.retain(|v| *v != value);
    if on {
        values.push(value);
    }
}

/// The text nodes under `node`, in document order, leaving out existing highlights.
fn collect_text_nodes(node: &Node, out: &mut Vec<Node>) {
    let children = node.child_nodes();
    for i in 0..children.length() {
        let Some(child) = children.item(i) else {
            continue;
        };
        match child.node_type() {
            Node::TEXT_NODE => out.push(child),
            Node::ELEMENT_NODE => {
                let skip = child
                    .dyn_ref::<Element>()
                    .is_some_and(|e| e.class_list().contains("search-hit"));
                if !skip {
                    collect_text_nodes(&child, out);
                }
            }
            _ => {}
        }
    }
}
