//! The search on the page: the library's search box, results, facets and sort, the
//! state in the URL, and the highlight of a query's words in an article opened from a result.
//!
//! The index comes from the catalog ([`Catalog::search_index`]): for the bundled articles,
//! the one `build.rs` built, read in place, so search is ready with the library's first
//! paint (a catalog of sources, in tests, builds its index there on first use). Typing runs
//! the query synchronously, in the input event's own task (the next frame only draws its
//! results), and replaces the history entry (one entry per search, not per keystroke); a
//! change of facet or sort adds an entry, so back and forward step through them. The HTML comes from
//! [`crate::render::search_view`], which escapes every article string.
//!
//! Every keystroke shows its results in its own frame, so that frame must stay short
//! (issue 6: no task over 50 ms while typing). A page of results is updated in place: an
//! article still in the results keeps its element, and only what differs (its place, its
//! link's query, its snippet) is written. The facets of a keystroke follow in a task of
//! their own, right after the frame with its results, and only when they changed. Once the library is idle, one search is run and its
//! markup written unseen ([`SearchUi::warm_up`]), so the first keystroke does not pay for
//! compiling the search's WebAssembly.
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

use crate::catalog::{ArticleId, Catalog};
use crate::render::search_view::{
    self, ListedCard, SearchState, CARDS_PER_SLICE, FIRST_CARDS, MORE_BUTTON_HTML, PAGE_SIZE,
};
use crate::render::views::{self, ReadingMarks, Route};
use crate::search::{CachedTexts, SearchOptions, SearchResults, TextCache};
use crate::web::app::catalog;
use crate::web::dom::{AfterPaint, EventListener};
use crate::web::{trusted_html, view};
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, Event, FocusOptions, HtmlElement, HtmlInputElement, HtmlSelectElement,
    KeyboardEvent, Node, Window,
};

thread_local! {
    /// Texts of recent hits, so typing does not re-parse the same articles for snippets
    /// (in a catalog of sources; the bundled catalog's texts are prepared).
    static TEXTS: TextCache = TextCache::new();
    /// Whether a search has run on this page, for real or as the warm-up.
    static WARM: Cell<bool> = const { Cell::new(false) };
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

/// Where the browser has no idle callbacks, the warm-up search runs this long after the
/// library is drawn (its first slices are in by then).
const WARM_UP_DELAY_MS: i32 = 300;

/// The longest article (in reading minutes) that the warm-up builds: a few milliseconds.
const WARM_UP_MAX_MINUTES: u32 = 10;

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
    /// The cards of the list on the page still to be appended, a slice per task.
    pending: RefCell<Option<PendingCards>>,
    /// Long lists taken off the page, hidden: removed a part per task, since removing
    /// thousands of cards at once would block input for as long.
    retired: RefCell<Vec<Element>>,
    on_cards_slice: OnceCell<Closure<dyn FnMut()>>,
    /// Queues the first slice of a list once the frame with its first cards is painted.
    on_cards_frame: OnceCell<Closure<dyn FnMut()>>,
    cards_scheduled: Cell<bool>,
    /// The page of results on the page, as the last search drew it: the next one updates
    /// it in place (see [`SearchUi::show_page`]).
    shown: RefCell<Option<ShownPage>>,
    /// The facets on the page and their markup, written again only when it changes.
    shown_facets: RefCell<Option<(Element, String)>>,
    /// The status line on the page and its markup, written again only when it changes.
    shown_status: RefCell<Option<(Element, String)>>,
    /// The warm-up search, run when the page is first idle (see [`SearchUi::warm_up`]).
    on_idle: OnceCell<Closure<dyn FnMut()>>,
    /// Facets of the latest keystroke's search, waiting for their task.
    pending_facets: RefCell<Option<String>>,
    on_facets: OnceCell<Closure<dyn FnMut()>>,
    /// The facets of a keystroke wait for the frame that shows its results, then for the
    /// task after that frame: their own task, once the results are painted.
    facets_wait: Cell<Option<AfterPaint>>,
    /// The idle callback (or, without them, the timer) of the warm-up, while it waits.
    warm_up_handle: Cell<Option<WarmUpHandle>>,
}

#[derive(Clone, Copy)]
enum WarmUpHandle {
    Idle(u32),
    Timer(i32),
}

impl Drop for SearchUi {
    fn drop(&mut self) {
        // Their callbacks are closures about to be freed.
        if let Some(wait) = self.facets_wait.take() {
            wait.cancel(&self.window);
        }
        match self.warm_up_handle.take() {
            Some(WarmUpHandle::Idle(handle)) => self.window.cancel_idle_callback(handle),
            Some(WarmUpHandle::Timer(timer)) => self.window.clear_timeout_with_handle(timer),
            None => {}
        }
    }
}

/// A page of results on the page: one list part of at most [`FIRST_CARDS`] items.
/// Typing updates it in place rather than drawing it again: an article still in the
/// results keeps its item (its link, place and snippet updated when they change), the
/// others come and go, so the browser restyles, lays out and paints only what changed.
struct ShownPage {
    /// The `role="list"` and its one part, which holds the items.
    list: Element,
    part: Element,
    items: Vec<ShownItem>,
}

/// One item of a [`ShownPage`] and what it was drawn with.
struct ShownItem {
    id: ArticleId,
    /// The `.library-item`.
    element: Element,
    position: usize,
    set_size: usize,
    href: String,
    snippet_html: Option<String>,
    mark: Option<(&'static str, String)>,
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
                pending: RefCell::new(None),
                retired: RefCell::new(Vec::new()),
                on_cards_slice: OnceCell::new(),
                on_cards_frame: OnceCell::new(),
                cards_scheduled: Cell::new(false),
                shown: RefCell::new(None),
                shown_facets: RefCell::new(None),
                shown_status: RefCell::new(None),
                on_idle: OnceCell::new(),
                pending_facets: RefCell::new(None),
                on_facets: OnceCell::new(),
                facets_wait: Cell::new(None),
                warm_up_handle: Cell::new(None),
            };
            let on_facets = {
                let weak = weak.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(ui) = weak.upgrade() {
                        match ui.facets_wait.take() {
                            // The results' frame: the facets' task comes after it.
                            Some(AfterPaint::Frame(_)) => ui.schedule_facets(true),
                            Some(AfterPaint::Task(_)) => ui.show_pending_facets(),
                            None => {}
                        }
                    }
                })
            };
            let _ = ui.on_facets.set(on_facets);
            let on_idle = {
                let weak = weak.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(ui) = weak.upgrade() {
                        ui.warm_up();
                    }
                })
            };
            let _ = ui.on_idle.set(on_idle);
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
        // A new view: nothing drawn before is on the page any more.
        self.shown.replace(None);
        self.shown_facets.replace(None);
        self.shown_status.replace(None);
        self.pending_facets.replace(None);
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
            self.show_results(false, false);
        }
        self.schedule_warm_up();
        Ok(())
    }

    /// Queues [`SearchUi::warm_up`] for when the page is idle (after the slices of the
    /// list), or soon where the browser has no idle callbacks; not at all once a search ran.
    fn schedule_warm_up(&self) {
        if WARM.with(Cell::get) {
            return;
        }
        let Some(task) = self.on_idle.get() else {
            return;
        };
        if self.warm_up_handle.get().is_some() {
            return;
        }
        let callback = task.as_ref().unchecked_ref();
        let handle = match self.window.request_idle_callback(callback) {
            Ok(handle) => Some(WarmUpHandle::Idle(handle)),
            Err(_) => self
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(callback, WARM_UP_DELAY_MS)
                .ok()
                .map(WarmUpHandle::Timer),
        };
        self.warm_up_handle.set(handle);
    }

    /// Runs a search for a word of the newest article's title, writes the markup of its
    /// results without showing it and parses it, then warms the fonts of an article page
    /// ([`SearchUi::warm_up_fonts`]). The browser compiles a WebAssembly function the
    /// first time it runs, and the first search also grows the module's memory: done while
    /// the reader looks at the library, that work leaves the first keystroke, which
    /// otherwise pays it in its frame. A word, not a letter, so that the search is as short
    /// as a typed one even in a large library.
    fn warm_up(&self) {
        self.warm_up_handle.set(None);
        if WARM.with(|warm| warm.replace(true)) {
            return;
        }
        let Some(word) = self.catalog.listed().next().and_then(|entry| {
            entry
                .title
                .split(|c: char| !c.is_alphanumeric())
                .max_by_key(|word| word.chars().count())
                .map(str::to_string)
        }) else {
            return;
        };
        let state = SearchState {
            query: word,
            ..SearchState::default()
        };
        let results = run_in(&self.catalog, &state.query, &state.options(PAGE_SIZE));
        let marks = ReadingMarks::default();
        let total = results.total.to_string();
        let mut html = String::new();
        for (position, card) in (1..).zip(&search_view::result_cards(&results)) {
            search_view::push_item(
                &mut html,
                &self.catalog,
                &state,
                card,
                &marks,
                position,
                &total,
            );
        }
        drop(trusted_html::fragment(&self.document, &html));
        self.warm_up_article();
        self.warm_up_fonts();
    }

    /// Builds the newest article's page, unseen and not kept, when it is short: opening
    /// an article then finds the renderer's WebAssembly compiled. A long article is left
    /// alone, as building it could itself be a long task.
    fn warm_up_article(&self) {
        let newest = self.catalog.listed().next();
        if let Some(entry) = newest.filter(|entry| entry.reading_minutes <= WARM_UP_MAX_MINUTES) {
            drop(view::article_element(&self.document, &self.catalog, entry));
        }
    }

    /// Lays out [`views::TYPE_SPECIMEN_HTML`] in the view and removes it, in this task:
    /// the fonts and sizes of an article page are then looked up before one is opened.
    fn warm_up_fonts(&self) {
        let Ok(specimen) = trusted_html::fragment(&self.document, views::TYPE_SPECIMEN_HTML) else {
            return;
        };
        let Some(sample) = specimen.first_element_child() else {
            return;
        };
        if self.view.append_child(&sample).is_ok() {
            // Reading its size lays it out (and its text shaped, in its fonts).
            let _ = sample.get_bounding_client_rect();
            sample.remove();
        }
    }

    /// Called by the router after every route: restores the library's state on back and
    /// forward (the view stays), or highlights the query in an article opened from a result.
    /// Returns the first match highlighted, which the router scrolls to once the article
    /// is laid out.
    pub fn after_route(&self, route: &Route) -> Option<Element> {
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
                None
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
                    self.highlight(&query)
                } else {
                    None
                }
            }
            Route::NotFound => None,
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
        // The query runs here, in the input event's task, rather than in the next frame's
        // callbacks: that frame then only styles, lays out and paints the results, and no
        // one task pays for the search and the rendering together (at 1,000 articles about
        // 5 and 10-15 ms of CPU, which a busy machine stretched past 50 ms in one task).
        self.show_results(true, true);
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
        self.show_results(true, false);
    }

    /// Runs the current state's search and shows its count, its results when `with_list`,
    /// and its facets: at once, or in a task of their own after this one when
    /// `facets_later`. Typing asks for that: the frame of a keystroke then holds the
    /// results, which the reader is looking at, and the facets follow a moment later.
    /// Queues the task that writes the waiting facets: after the next frame, or with
    /// `frame_done` (from that frame) right after it. Without frames or timers, at once.
    fn schedule_facets(&self, frame_done: bool) {
        if self.facets_wait.get().is_some() {
            return;
        }
        let Some(task) = self.on_facets.get() else {
            return;
        };
        match AfterPaint::schedule(&self.window, task.as_ref().unchecked_ref(), frame_done) {
            Ok(wait) => self.facets_wait.set(Some(wait)),
            Err(_) => self.show_pending_facets(),
        }
    }

    fn show_pending_facets(&self) {
        let html = self.pending_facets.take();
        if let (Some(html), Some(holder)) = (html, self.part("search-facets")) {
            self.show_facets(&holder, html);
        }
    }

    fn show_results(&self, with_list: bool, facets_later: bool) {
        let (Some(status), Some(results_box), Some(facets)) = (
            self.part("search-status"),
            self.part("search-results"),
            self.part("search-facets"),
        ) else {
            return;
        };
        let catalog = Rc::clone(&self.catalog);
        let state = self.state.borrow().clone();
        if !state.query.trim().is_empty() {
            // What the warm-up would prepare is done now.
            WARM.with(|warm| warm.set(true));
        }
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
            let total = usize::try_from(results.total).unwrap_or(usize::MAX);
            if cards.len() <= FIRST_CARDS {
                // A page of results (what typing shows): updated in place.
                let more = cards.len() < total;
                self.show_page(&results_box, &state, &cards, total, more, &marks);
            } else {
                self.shown.replace(None);
                let first = cards.get(..FIRST_CARDS).unwrap_or(&cards);
                let html = search_view::results_html(&catalog, &state, first, &results, &marks);
                self.replace_list(&results_box, &html);
                self.queue_cards(cards, FIRST_CARDS, total, state.clone(), marks);
            }
        }
        self.show_status(&status, &search_view::status_html(&state, &results));
        let facets_html = search_view::facets_html(&results);
        if facets_later {
            self.pending_facets.replace(Some(facets_html));
            self.schedule_facets(false);
        } else {
            // Newer than any waiting update.
            self.pending_facets.replace(None);
            self.show_facets(&facets, facets_html);
        }
        if let Some(select) = self
            .view
            .query_selector("select[name='sort']")
            .ok()
            .flatten()
            .and_then(|s| s.dyn_into::<HtmlSelectElement>().ok())
        {
            // Written only when they change: setting a select's value costs a style pass.
            let sort = search_view::sort_name(state.effective_sort());
            if select.value() != sort {
                select.set_value(sort);
            }
            if let Some(relevance) = select
                .query_selector("option[value='relevance']")
                .ok()
                .flatten()
            {
                let disabled = state.query.trim().is_empty();
                if relevance.has_attribute("disabled") != disabled {
                    let _ = relevance.toggle_attribute_with_force("disabled", disabled);
                }
            }
        }
        if let Some(form) = self.part("search-form") {
            if !form.has_attribute("data-search-ready") {
                let _ = form.set_attribute("data-search-ready", "");
            }
        }
    }

    /// Shows `cards`, a whole page of results (`more` when others were left out of it),
    /// by updating the page shown before in place: an item whose article stays keeps its
    /// element, and only its place, link or snippet change if they differ; new items are
    /// parsed together, and the items are then put in order with as few moves as the
    /// order allows. Without a page to update (the library's long list, another view, a
    /// list grown by "Show more"), the list is replaced by an empty one first.
    fn show_page(
        &self,
        results_box: &Element,
        state: &SearchState,
        cards: &[ListedCard],
        total: usize,
        more: bool,
        marks: &ReadingMarks,
    ) {
        let current = self.list();
        let shown = self.shown.take().filter(|shown| {
            current
                .as_ref()
                .is_some_and(|list| list.is_same_node(Some(&shown.list)))
                && shown
                    .part
                    .parent_node()
                    .is_some_and(|parent| parent.is_same_node(Some(shown.list.as_ref())))
        });
        if cards.is_empty() {
            // No results: no list (the status says so).
            self.replace_list(results_box, "");
            return;
        }
        let mut page = match shown {
            Some(page) => page,
            None => {
                self.replace_list(
                    results_box,
                    "<div class=\"library\" role=\"list\"><div class=\"library-part\"></div></div>",
                );
                let Some(list) = self.list() else { return };
                let Some(part) = list.first_element_child() else {
                    return;
                };
                ShownPage {
                    list,
                    part,
                    items: Vec::new(),
                }
            }
        };
        // Nothing queued belongs to this page: a page is drawn whole.
        self.pending.replace(None);
        let mut old = std::mem::take(&mut page.items);
        // Items drawn anew: their places in `page.items`, their markup parsed together.
        let mut fresh = Vec::new();
        let mut fresh_html = String::new();
        let set_size_text = total.to_string();
        for (position, card) in (1..).zip(cards) {
            let Some(entry) = self.catalog.entry(card.id) else {
                continue;
            };
            let href = state.article_href(&entry.slug);
            let mark = marks
                .get(&entry.slug)
                .map(|(class, words)| (class, words.to_string()));
            let kept = old
                .iter()
                .position(|item| item.id == card.id)
                .map(|at| old.swap_remove(at));
            // Its mark, or a snippet where there was none (or the other way round),
            // changes the card's make-up: drawn again.
            let kept = kept.filter(|item| {
                item.mark == mark && item.snippet_html.is_some() == card.snippet_html.is_some()
            });
            if let Some(mut item) = kept {
                item.update(
                    position,
                    total,
                    &set_size_text,
                    href,
                    card.snippet_html.as_deref(),
                );
                page.items.push(item);
            } else {
                search_view::push_item(
                    &mut fresh_html,
                    &self.catalog,
                    state,
                    card,
                    marks,
                    position,
                    &set_size_text,
                );
                fresh.push(page.items.len());
                page.items.push(ShownItem {
                    id: card.id,
                    // Until its own element is parsed, below.
                    element: page.part.clone(),
                    position,
                    set_size: total,
                    href,
                    snippet_html: card.snippet_html.clone(),
                    mark,
                });
            }
        }
        // The articles that left the results go first, so that the others move less.
        for item in &old {
            item.element.remove();
        }
        if !fresh.is_empty() {
            let Ok(nodes) = trusted_html::fragment(&self.document, &fresh_html) else {
                return;
            };
            let parsed = nodes.children();
            for (n, at) in (0..).zip(fresh) {
                if let (Some(element), Some(item)) = (parsed.item(n), page.items.get_mut(at)) {
                    item.element = element;
                }
            }
        }
        let elements: Vec<&Element> = page.items.iter().map(|item| &item.element).collect();
        arrange(&self.document, &page.part, &elements);
        // Right after the list when there is one (not looked up: the results box may
        // still hold a long list being removed, which a query would walk).
        let button = page
            .list
            .next_element_sibling()
            .filter(|next| next.class_list().contains("search-more"));
        match (more, button) {
            (true, None) => {
                if let Ok(nodes) = trusted_html::fragment(&self.document, MORE_BUTTON_HTML) {
                    let _ = results_box.insert_before(&nodes, page.list.next_sibling().as_ref());
                }
            }
            (false, Some(button)) => button.remove(),
            _ => {}
        }
        self.shown.replace(Some(page));
    }

    /// Writes the status line when it says something new.
    fn show_status(&self, status: &Element, html: &str) {
        let mut shown = self.shown_status.borrow_mut();
        let same = shown
            .as_ref()
            .is_some_and(|(element, text)| element.is_same_node(Some(status)) && text == html);
        if !same {
            let _ = trusted_html::set_html(status, html);
            *shown = Some((status.clone(), html.to_string()));
        }
    }

    /// Writes the facets' markup into `holder` when it says something new (as the query
    /// narrows, a keystroke often leaves them as they were).
    fn show_facets(&self, holder: &Element, html: String) {
        let mut shown = self.shown_facets.borrow_mut();
        let same = shown
            .as_ref()
            .is_some_and(|(element, text)| element.is_same_node(Some(holder)) && *text == html);
        if !same {
            let _ = trusted_html::set_html(holder, &html);
            *shown = Some((holder.clone(), html));
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
        // The list grows beyond the page that typing updates in place.
        self.shown.replace(None);
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

    /// Wraps the words of the article body that `query` matches in `<mark class="search-hit">`.
    /// Returns the first, for the router to scroll to.
    fn highlight(&self, query: &str) -> Option<Element> {
        let body = self.view.query_selector(".article-body").ok().flatten()?;
        let mut texts = Vec::new();
        collect_text_nodes(&body, &mut texts);
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
                at = end;
            }
            if let Some(rest) = text.get(at..).filter(|rest| !rest.is_empty()) {
                let _ = fragment.append_child(&self.document.create_text_node(rest));
            }
            let _ = parent.replace_child(&fragment, &node);
        }
        first
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

impl ShownItem {
    /// Brings the item drawn for another search up to date with this one.
    fn update(
        &mut self,
        position: usize,
        set_size: usize,
        set_size_text: &str,
        href: String,
        snippet_html: Option<&str>,
    ) {
        if self.position != position {
            let _ = self
                .element
                .set_attribute("aria-posinset", &position.to_string());
            self.position = position;
        }
        if self.set_size != set_size {
            let _ = self.element.set_attribute("aria-setsize", set_size_text);
            self.set_size = set_size;
        }
        if self.href != href {
            if let Some(link) = self.element.query_selector(".card-title a").ok().flatten() {
                let _ = link.set_attribute("href", &href);
            }
            self.href = href;
        }
        if let Some(snippet_html) = snippet_html {
            if self.snippet_html.as_deref() != Some(snippet_html) {
                if let Some(snippet) = self.element.query_selector(".snippet").ok().flatten() {
                    let _ = trusted_html::set_html(&snippet, snippet_html);
                }
                self.snippet_html = Some(snippet_html.to_string());
            }
        }
    }
}

/// Makes `wanted` the children of `parent`, in this order, moving as few as this simple
/// walk can: an element already in its place stays, others are inserted (moved) before the
/// first one out of place, and whatever is left after them is removed. The focus, if a
/// moved element held it, is given back.
fn arrange(document: &Document, parent: &Element, wanted: &[&Element]) {
    let focused = document
        .active_element()
        .filter(|active| parent.contains(Some(active)));
    let mut cursor = parent.first_element_child();
    for element in wanted {
        if cursor
            .as_ref()
            .is_some_and(|current| current.is_same_node(Some(element)))
        {
            cursor = element.next_element_sibling();
        } else {
            let _ = parent.insert_before(element, cursor.as_ref().map(|c| c.as_ref()));
        }
    }
    while let Some(extra) = cursor {
        cursor = extra.next_element_sibling();
        extra.remove();
    }
    if let Some(focused) = focused {
        let lost = document
            .active_element()
            .is_none_or(|active| !active.is_same_node(Some(&focused)));
        if lost && focused.is_connected() {
            if let Ok(focused) = focused.dyn_into::<HtmlElement>() {
                let options = FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = focused.focus_with_options(&options);
            }
        }
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
