//! The search on the page: the library's search box, results, facets and sort, the
//! state in the URL, and the highlight of a query's words in an article opened from a result.
//!
//! The index comes from the catalog ([`Catalog::search_index`]): for the bundled articles,
//! the one `build.rs` built, read in place, so search is ready with the library's first
//! paint (a catalog of sources, in tests, builds its index there on first use). Typing runs
//! the query synchronously, at most once per animation frame, and replaces the history
//! entry (one entry per search, not per keystroke); a change of facet or sort adds an
//! entry, so back and forward step through them. The HTML comes from
//! [`crate::render::search_view`], which escapes every article string.
//!
//! Lists are drawn for a large library: the first cards ([`FIRST_CARDS`], more than a screen
//! holds) go in with the view, the others in parts of [`CARDS_PER_SLICE`] appended a task at
//! a time after the first paint, and a long list replaced by a search is hidden and removed a
//! part per task; the style sheet lets the browser skip parts off screen. Every card is
//! written with its reading mark, so a redrawn list keeps them. A search shows a page of
//! results; "Show more" appends the next page under it rather than drawing the list again.
//!
//! Highlighting walks the text nodes of the rendered article body and wraps the matched
//! words in `<mark class="search-hit">` built with `createElement` and text nodes: article
//! text is never parsed as HTML here.

use crate::catalog::Catalog;
use crate::render::search_view::{
    self, ListedCard, SearchState, CARDS_PER_SLICE, FIRST_CARDS, PAGE_SIZE,
};
use crate::render::views::ReadingMarks;
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

/// The class of a list taken off the page and being removed.
const RETIRED_CLASS: &str = "library-retired";

/// Time given to each slice of removing a retired list (a part takes a few milliseconds).
const RETIRE_SLICE_MS: f64 = 8.0;

/// The search of one viewer.
pub struct SearchUi {
    /// The catalog of the viewer this search belongs to.
    catalog: Rc<Catalog>,
    /// Ends the ids of the view, so two viewers on a page have their own.
    id_suffix: String,
    window: Window,
    document: Document,
    view: HtmlElement,
    state: RefCell<SearchState>,
    /// Results shown: grows by a page with each "Show more".
    limit: Cell<usize>,
    /// A query is waiting for the next animation frame.
    frame_pending: Cell<bool>,
    on_frame: OnceCell<Closure<dyn FnMut()>>,
    /// The cards of the list on the page still to be appended, a slice per task.
    pending: RefCell<Option<PendingCards>>,
    /// Long lists taken off the page, hidden: removed a part per task, since removing
    /// thousands of cards at once would block input for as long.
    retired: RefCell<Vec<Element>>,
    on_cards_slice: OnceCell<Closure<dyn FnMut()>>,
    /// Queues the first slice of a list once the frame with its first cards is painted.
    on_cards_frame: OnceCell<Closure<dyn FnMut()>>,
    cards_scheduled: Cell<bool>,
}

/// The rest of a list being drawn: a long library is written a screenful at once and the
/// other cards in slices, so neither the first paint nor the input waits for all of them.
struct PendingCards {
    /// The `<ol>` they go into; once it leaves the page (another view, another list) they are dropped.
    list: Element,
    cards: Vec<ListedCard>,
    next: usize,
    /// Cards before `cards` in the list, and in the whole list (drawn or not): their
    /// places, which screen readers announce.
    offset: usize,
    set_size: usize,
    /// The search they belong to: their links carry its query.
    state: SearchState,
    marks: Rc<ReadingMarks>,
}

impl SearchUi {
    pub fn new(
        catalog: &Rc<Catalog>,
        id_suffix: &str,
        window: &Window,
        document: &Document,
        view: &HtmlElement,
    ) -> Rc<SearchUi> {
        Rc::new_cyclic(|weak: &Weak<SearchUi>| {
            let ui = SearchUi {
                catalog: Rc::clone(catalog),
                id_suffix: id_suffix.to_string(),
                window: window.clone(),
                document: document.clone(),
                view: view.clone(),
                state: RefCell::new(SearchState::default()),
                limit: Cell::new(PAGE_SIZE),
                frame_pending: Cell::new(false),
                on_frame: OnceCell::new(),
                pending: RefCell::new(None),
                retired: RefCell::new(Vec::new()),
                on_cards_slice: OnceCell::new(),
                on_cards_frame: OnceCell::new(),
                cards_scheduled: Cell::new(false),
            };
            let on_cards_slice = {
                let weak = weak.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(ui) = weak.upgrade() {
                        ui.cards_scheduled.set(false);
                        // New cards first: they are what the reader waits for.
                        if ui.append_slice() || ui.retire_slice() {
                            ui.schedule_cards(false);
                        }
                    }
                })
            };
            let on_cards_frame = {
                let weak = weak.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(ui) = weak.upgrade() {
                        if let Some(task) = ui.on_cards_slice.get() {
                            let _ = ui
                                .window
                                .set_timeout_with_callback_and_timeout_and_arguments_0(
                                    task.as_ref().unchecked_ref(),
                                    0,
                                );
                        }
                    }
                })
            };
            let _ = ui.on_cards_slice.set(on_cards_slice);
            let _ = ui.on_cards_frame.set(on_cards_frame);
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
        let marks = Rc::new(self.reading_marks());
        let cards = search_view::library_cards(catalog);
        let first = cards.get(..FIRST_CARDS).unwrap_or(&cards);
        trusted_html::set_html(
            &self.view,
            &search_view::library_view(
                catalog,
                &state,
                first,
                cards.len(),
                &marks,
                &self.id_suffix,
            ),
        )?;
        self.limit.set(PAGE_SIZE);
        let asked = !state.is_empty();
        self.state.replace(state);
        if asked {
            self.refresh();
        } else {
            // The library lists every article, a screenful now and the rest in slices: only
            // the facets and the count are added, so the cards stay, and with them the
            // reader's focus and read marks.
            let total = cards.len();
            self.queue_cards(cards, FIRST_CARDS, total, SearchState::default(), marks);
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
            let shown = self.limit.get();
            self.limit.set(shown.saturating_add(PAGE_SIZE));
            self.show_more(shown);
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
            let marks = Rc::new(self.reading_marks());
            let cards = search_view::result_cards(&results);
            let first = cards.get(..FIRST_CARDS).unwrap_or(&cards);
            let html = search_view::results_html(&catalog, &state, first, &results, &marks);
            self.replace_list(&results_box, &html);
            let total = usize::try_from(results.total).unwrap_or(usize::MAX);
            self.queue_cards(cards, FIRST_CARDS, total, state.clone(), marks);
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

    /// "Show more": appends the next page of results under the `shown` ones already on the
    /// page, which stay as they are (with the reader's place and focus), and moves focus to
    /// the first new result, since the button may go.
    fn show_more(&self, shown: usize) {
        let Some(list) = self.list() else {
            self.refresh();
            return;
        };
        // Cards of this list still queued go first, so the new ones follow them.
        while self.append_slice() {}
        let parts_before = list.child_element_count();
        let catalog = Rc::clone(&self.catalog);
        let state = self.state.borrow().clone();
        let results = run_in(&catalog, &state.query, &state.options(self.limit.get()));
        let cards = search_view::result_cards(&results);
        let new = cards.get(shown..).unwrap_or_default().to_vec();
        if (results.hits.len() as u64) >= u64::from(results.total) {
            if let Some(more) = self.part("search-more") {
                more.remove();
            }
        }
        if new.is_empty() {
            return;
        }
        self.pending.replace(Some(PendingCards {
            list: list.clone(),
            cards: new,
            next: 0,
            offset: shown,
            set_size: usize::try_from(results.total).unwrap_or(usize::MAX),
            state,
            marks: Rc::new(self.reading_marks()),
        }));
        if self.append_slice() {
            self.schedule_cards(false);
        }
        let first_new = list
            .children()
            .item(parts_before)
            .and_then(|part| part.query_selector(".card-title a").ok().flatten())
            .and_then(|link| link.dyn_into::<HtmlElement>().ok());
        if let Some(link) = first_new {
            let _ = link.focus();
        }
    }

    /// The reading marks of the stored positions, read once per list drawn.
    fn reading_marks(&self) -> ReadingMarks {
        let Some(storage) = self.window.local_storage().ok().flatten() else {
            return ReadingMarks::default();
        };
        let count = storage.length().unwrap_or(0);
        ReadingMarks::from_stored((0..count).filter_map(|i| {
            let key = storage.key(i).ok().flatten()?;
            let value = storage.get_item(&key).ok().flatten()?;
            Some((key, value))
        }))
    }

    /// Queues `cards` from `next` on to be appended to the list on the page, a slice per
    /// task; anything queued for an earlier list is dropped.
    fn queue_cards(
        &self,
        cards: Vec<ListedCard>,
        next: usize,
        set_size: usize,
        state: SearchState,
        marks: Rc<ReadingMarks>,
    ) {
        let pending = match self.list() {
            Some(list) if next < cards.len() => Some(PendingCards {
                list,
                cards,
                next,
                offset: 0,
                set_size,
                state,
                marks,
            }),
            _ => None,
        };
        let queued = pending.is_some();
        self.pending.replace(pending);
        if queued {
            // After the first paint, which then holds only the first cards.
            self.schedule_cards(true);
        }
    }

    /// Queues a task to append the next slice: at once, or `after_frame` painted.
    fn schedule_cards(&self, after_frame: bool) {
        let idle = self.pending.borrow().is_none() && self.retired.borrow().is_empty();
        if idle || self.cards_scheduled.replace(true) {
            return;
        }
        if after_frame {
            if let Some(frame) = self.on_cards_frame.get() {
                let _ = self
                    .window
                    .request_animation_frame(frame.as_ref().unchecked_ref());
            }
        } else if let Some(task) = self.on_cards_slice.get() {
            let _ = self
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    task.as_ref().unchecked_ref(),
                    0,
                );
        }
    }

    /// Appends the next slice of queued cards. Returns whether some are still queued.
    fn append_slice(&self) -> bool {
        // Taken out while the DOM is touched, so nothing reached from it can find it borrowed.
        let Some(mut pending) = self.pending.take() else {
            return false;
        };
        if !pending.list.is_connected() {
            return false;
        }
        let end = pending
            .next
            .saturating_add(CARDS_PER_SLICE)
            .min(pending.cards.len());
        let mut html = String::with_capacity(CARDS_PER_SLICE * 640);
        search_view::push_cards(
            &mut html,
            &self.catalog,
            &pending.state,
            pending.cards.get(pending.next..end).unwrap_or_default(),
            &pending.marks,
            pending.offset + pending.next + 1,
            pending.set_size,
        );
        let _ = trusted_html::append_html(&pending.list, &html);
        pending.next = end;
        if end >= pending.cards.len() {
            return false;
        }
        // A list drawn meanwhile has its own queue: this one is over.
        let mut slot = self.pending.borrow_mut();
        if slot.is_none() {
            *slot = Some(pending);
            return true;
        }
        true
    }

    /// Puts the list of `html` in place of the one in `results_box`. A long list is not
    /// removed at once (that alone would be a long task at thousands of cards): it is
    /// hidden and goes a part per task.
    fn replace_list(&self, results_box: &Element, html: &str) {
        let old = self.list().filter(|list| list.child_element_count() > 1);
        if let Some(old) = &old {
            let _ = old.set_attribute("hidden", "");
            // No longer the list: `list()` and the queue must not find it.
            old.set_class_name(RETIRED_CLASS);
            let _ = old.remove_attribute("role");
            self.pending.replace(None);
            self.retired.borrow_mut().push(old.clone());
        }
        // Everything else goes now; lists retired earlier are still going, a part at a time.
        let children = results_box.children();
        let current: Vec<Element> = (0..children.length())
            .filter_map(|i| children.item(i))
            .filter(|child| !child.class_list().contains(RETIRED_CLASS))
            .collect();
        for child in current {
            child.remove();
        }
        if let Ok(nodes) = trusted_html::fragment(&self.document, html) {
            let _ = results_box.insert_before(&nodes, results_box.first_child().as_ref());
        }
        if old.is_some() {
            self.schedule_cards(false);
        }
    }

    /// Removes parts of lists taken off the page, for a few milliseconds. Returns whether
    /// some are left.
    fn retire_slice(&self) -> bool {
        let started = js_sys::Date::now();
        while js_sys::Date::now() - started < RETIRE_SLICE_MS {
            let Some(list) = self.retired.borrow().first().cloned() else {
                return false;
            };
            match list.last_element_child() {
                Some(part) => part.remove(),
                None => {
                    list.remove();
                    self.retired.borrow_mut().remove(0);
                }
            }
        }
        !self.retired.borrow().is_empty()
    }

    /// The list on the page (`role="list"`, made of parts).
    fn list(&self) -> Option<Element> {
        self.part("search-results")
            .and_then(|results| results.query_selector(".library").ok().flatten())
    }

    /// The card at the top of the screen: its slug and its top, relative to the viewport.
    /// A binary search over the list's items, so a long list costs a few measurements.
    pub fn card_at_top(&self) -> Option<(String, f64)> {
        let items = self.list()?.query_selector_all(".library-item").ok()?;
        let (mut low, mut high) = (0, items.length());
        // The first item whose bottom is below the top of the screen.
        while low < high {
            let middle = low + (high - low) / 2;
            let item: Element = items.item(middle)?.dyn_into().ok()?;
            if item.get_bounding_client_rect().bottom() > 0.0 {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        let item: Element = items.item(low)?.dyn_into().ok()?;
        let card = item.first_element_child()?;
        let slug = card.get_attribute("data-slug")?;
        Some((slug, card.get_bounding_client_rect().top()))
    }

    /// Scrolls so that the card of `slug` is `top` pixels from the top of the screen,
    /// appending queued cards at once until it is on the page. Returns whether it was found.
    pub fn reveal_card(&self, slug: &str, top: f64) -> bool {
        let Some(list) = self.list() else {
            return false;
        };
        let in_part = |part: &Element| {
            let cards = part.query_selector_all(".card[data-slug]").ok()?;
            (0..cards.length())
                .filter_map(|i| cards.item(i)?.dyn_into::<Element>().ok())
                .find(|card| card.get_attribute("data-slug").as_deref() == Some(slug))
        };
        // First the parts on the page, then each part as it is appended.
        let mut card = in_part(&list);
        while card.is_none() && self.append_slice() {
            card = list.last_element_child().and_then(|part| in_part(&part));
        }
        if card.is_none() {
            // The last slice appended ends the queue.
            card = list.last_element_child().and_then(|part| in_part(&part));
        }
        let Some(card) = card else {
            return false;
        };
        let y = self.window.scroll_y().unwrap_or(0.0);
        self.window
            .scroll_to_with_x_and_y(0.0, y + card.get_bounding_client_rect().top() - top);
        true
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
