//! The reader's controls on the page: preferences, keyboard shortcuts, the table of
//! contents highlight, reading progress and position memory, copy buttons.
//!
//! What to do is decided in [`crate::reading`]; this module only reads events and
//! storage and changes the DOM. `localStorage` may be missing or refuse to work
//! (private windows, quotas, sandboxed frames): every read falls back to nothing and
//! every write failure is ignored, so the viewer works the same, just forgetfully.
//!
//! `www/prefs.js` applies the stored preferences before the first paint; [`Reader::new`]
//! applies them again from Rust, which owns the format ([`Prefs`]).
//!
//! One [`Reader`] belongs to one mounted viewer. Its listeners are owned by the `App`;
//! the per-article state ([`ArticlePage`]) is replaced on every route change, and its
//! `IntersectionObserver` is disconnected when it goes.

use crate::reading::controls;
use crate::reading::keys::{self, Action, Context, KeyPress};
use crate::reading::position::{self, Position, Progress};
use crate::reading::prefs::{self, Prefs};
use crate::render::views::{self, Route};
use crate::web::dom::{AfterPaint, EventListener};
use crate::web::trusted_html;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, Event, FocusOptions, HtmlDetailsElement, HtmlDialogElement, HtmlElement,
    HtmlInputElement, IntersectionObserver, IntersectionObserverInit, KeyboardEvent, Node, Storage,
    Window,
};

/// Wide enough for the contents to stand beside the text (the stylesheet's breakpoint).
const SIDEBAR_MEDIA: &str = "(min-width: 72rem)";
/// Scroll events within this time of a render are the viewer's own scrolling, not the reader's.
const SETTLE_MS: f64 = 400.0;
/// The part of the window, from the top, in which a heading makes its section current.
const BAND: f64 = 0.34;
/// Scrolling saves the position at most this often.
const SAVE_EVERY_MS: i32 = 300;
/// The id the search engineer's search box carries; `/` focuses it when it exists.
pub const SEARCH_BOX_ID: &str = "folio-search";

thread_local! {
    static NEXT_SUFFIX: Cell<u32> = const { Cell::new(1) };
}

/// The reader's controls of one viewer.
pub struct Reader {
    window: Window,
    document: Document,
    /// The element the viewer is mounted in: keys pressed with focus inside it are its own.
    root: Element,
    view: HtmlElement,
    prefs: Cell<Prefs>,
    toggle: HtmlElement,
    panel: HtmlElement,
    help: HtmlDialogElement,
    /// A polite live region for short confirmations ("Theme: dark", "Link copied").
    status: Element,
    progress: Element,
    context: Cell<Context>,
    page: RefCell<Option<ArticlePage>>,
    /// The pending trailing save of the scroll position.
    save_timer: Cell<Option<i32>>,
    save_callback: RefCell<Option<Closure<dyn FnMut()>>>,
    /// The progress of an article just opened waits for its first frame, then for the
    /// task after it (see [`Reader::update_progress_after_paint`]).
    progress_wait: Cell<Option<AfterPaint>>,
    progress_callback: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// What an open article needs while it is read.
struct ArticlePage {
    slug: String,
    article: HtmlElement,
    rendered_at: f64,
    /// Where the window was at the last scroll: what a save writes, even once the
    /// article has left the page.
    fraction: Cell<f64>,
    /// Held for the highlight of the contents; disconnected on drop.
    observer: Option<IntersectionObserver>,
    _observer_callback: Option<ObserverCallback>,
}

type ObserverCallback = Closure<dyn FnMut(js_sys::Array)>;

impl Drop for Reader {
    fn drop(&mut self) {
        // The timer would call a closure that is about to be freed.
        if let Some(timer) = self.save_timer.take() {
            self.window.clear_timeout_with_handle(timer);
        }
        if let Some(wait) = self.progress_wait.take() {
            wait.cancel(&self.window);
        }
    }
}

impl Drop for ArticlePage {
    fn drop(&mut self) {
        if let Some(observer) = &self.observer {
            observer.disconnect();
        }
    }
}

impl Reader {
    /// Builds the settings button and panel into `masthead`, and the help dialog,
    /// live region and progress bar into `root`; applies the stored preferences.
    pub fn new(
        window: &Window,
        document: &Document,
        root: &Element,
        masthead: &Element,
        view: &HtmlElement,
    ) -> Result<Rc<Reader>, JsValue> {
        let suffix = NEXT_SUFFIX.with(|next| {
            let suffix = next.get();
            next.set(suffix.wrapping_add(1));
            suffix
        });
        let prefs = load_prefs(window);

        let settings = document.create_element("div")?;
        settings.set_class_name("reader-settings");
        trusted_html::set_html(&settings, &controls::settings_html(&prefs, suffix))?;
        masthead.append_child(&settings)?;
        let toggle = child::<HtmlElement>(&settings, ".reader-toggle")?;
        let panel = child::<HtmlElement>(&settings, ".reader-panel")?;

        let holder = document.create_element("div")?;
        trusted_html::set_html(&holder, &controls::help_html(suffix))?;
        let help = child::<HtmlDialogElement>(&holder, "dialog")?;
        root.append_child(&help)?;

        let status = document.create_element("p")?;
        status.set_class_name("visually-hidden");
        status.set_attribute("role", "status")?;
        root.append_child(&status)?;

        // Decorative: the position is also in the "Continue" offer and the library marks.
        let progress = document.create_element("progress")?;
        progress.set_class_name("reading-progress");
        progress.set_attribute("max", "1000")?;
        progress.set_attribute("value", "0")?;
        progress.set_attribute("aria-hidden", "true")?;
        progress.set_attribute("hidden", "")?;
        root.insert_before(&progress, root.first_child().as_ref())?;

        let reader = Rc::new(Reader {
            window: window.clone(),
            document: document.clone(),
            root: root.clone(),
            view: view.clone(),
            prefs: Cell::new(prefs),
            toggle,
            panel,
            help,
            status,
            progress,
            context: Cell::new(Context::Other),
            page: RefCell::new(None),
            save_timer: Cell::new(None),
            save_callback: RefCell::new(None),
            progress_wait: Cell::new(None),
            progress_callback: RefCell::new(None),
        });
        reader.apply_prefs();
        let weak = Rc::downgrade(&reader);
        reader
            .progress_callback
            .replace(Some(Closure::<dyn FnMut()>::new(move || {
                if let Some(reader) = weak.upgrade() {
                    match reader.progress_wait.take() {
                        Some(AfterPaint::Frame(_)) => reader.update_progress_after_paint(true),
                        Some(AfterPaint::Task(_)) => reader.update_progress(),
                        None => {}
                    }
                }
            })));
        let weak = Rc::downgrade(&reader);
        reader
            .save_callback
            .replace(Some(Closure::<dyn FnMut()>::new(move || {
                if let Some(reader) = weak.upgrade() {
                    reader.save_timer.set(None);
                    reader.save_position();
                }
            })));
        Ok(reader)
    }

    /// The listeners of the reader's controls; the `App` owns them.
    pub fn listeners(self: &Rc<Reader>) -> Result<Vec<EventListener>, JsValue> {
        let on_key = self.handler(|reader, event| {
            if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                reader.on_key(event);
            }
        });
        let on_toggle = self.handler(|reader, _| {
            let open = reader.panel.hidden();
            reader.set_panel_open(open);
        });
        let on_change = self.handler(|reader, event| {
            let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let mut prefs = reader.prefs.get();
            if prefs.set(&input.name(), &input.value()) {
                reader.set_prefs(prefs);
            }
        });
        let on_panel_click = self.handler(|reader, event| {
            if closest(&event, ".reader-help-button").is_some() {
                reader.set_panel_open(false);
                let _ = reader.help.show_modal();
                return;
            }
            let step = closest(&event, "[data-size-step]")
                .and_then(|button| button.get_attribute("data-size-step"))
                .and_then(|step| step.parse::<i32>().ok());
            if let Some(step) = step {
                let mut prefs = reader.prefs.get();
                prefs.step_font_size(step);
                reader.set_prefs(prefs);
            }
        });
        let on_view_click = self.handler(|reader, event| reader.on_view_click(&event));
        let on_help_click = self.handler(|reader, event| {
            if closest(&event, ".help-close").is_some() {
                reader.help.close();
            }
        });
        let on_scroll = self.handler(|reader, _| reader.on_scroll());
        Ok(vec![
            EventListener::new(&self.document, "keydown", on_key)?,
            EventListener::new(&self.toggle, "click", on_toggle)?,
            EventListener::new(&self.panel, "change", on_change)?,
            EventListener::new(&self.panel, "click", on_panel_click)?,
            // Submitting would navigate (and the page's CSP forbids form actions anyway).
            EventListener::new(&self.panel, "submit", |event: Event| {
                event.prevent_default()
            })?,
            EventListener::new(&self.view, "click", on_view_click)?,
            EventListener::new(&self.help, "click", on_help_click)?,
            EventListener::new_passive(&self.window, "scroll", on_scroll)?,
        ])
    }

    fn handler(
        self: &Rc<Reader>,
        act: impl Fn(&Reader, Event) + 'static,
    ) -> impl FnMut(Event) + 'static {
        let weak: Weak<Reader> = Rc::downgrade(self);
        move |event: Event| {
            if let Some(reader) = weak.upgrade() {
                act(&reader, event);
            }
        }
    }

    /// Called by the router once a view is on the page.
    pub fn after_render(&self, route: &Route) {
        // A save still waiting belongs to the article being left: write it now.
        if let Some(timer) = self.save_timer.take() {
            self.window.clear_timeout_with_handle(timer);
            self.save_position();
        }
        self.page.replace(None);
        self.set_panel_open(false);
        match route {
            Route::Library => {
                self.context.set(Context::Library);
                self.progress.set_attribute("hidden", "").ok();
                self.mark_library();
            }
            Route::Article { slug, heading } => {
                let article = self
                    .view
                    .query_selector("article.article")
                    .ok()
                    .flatten()
                    .and_then(|a| a.dyn_into::<HtmlElement>().ok());
                match article {
                    Some(article) => {
                        self.context.set(Context::Article);
                        self.progress.remove_attribute("hidden").ok();
                        self.enhance_article(slug, &article, heading.is_some());
                    }
                    None => {
                        self.context.set(Context::Other);
                        self.progress.set_attribute("hidden", "").ok();
                    }
                }
            }
            Route::NotFound => {
                self.context.set(Context::Other);
                self.progress.set_attribute("hidden", "").ok();
            }
        }
    }

    /// Marks the library's cards as read or in progress. Cards carry their slug in
    /// `data-slug`; a list re-rendered later (by a search) should call this again.
    pub fn mark_library(&self) {
        let storage = storage(&self.window);
        let Ok(cards) = self.view.query_selector_all(".card[data-slug]") else {
            return;
        };
        for card in (0..cards.length())
            .filter_map(|i| cards.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
        {
            if card
                .query_selector(".reading-mark")
                .ok()
                .flatten()
                .is_some()
            {
                continue;
            }
            let slug = card.get_attribute("data-slug").unwrap_or_default();
            let stored = storage
                .as_ref()
                .and_then(|s| s.get_item(&position::storage_key(&slug)).ok().flatten());
            let progress = Progress::of(stored.as_deref().and_then(Position::parse));
            let Some((class, words)) = progress.mark() else {
                continue;
            };
            if let Ok(mark) = self.document.create_element("p") {
                mark.set_class_name("reading-mark");
                let _ = mark.class_list().add_1(class);
                mark.set_text_content(Some(&words));
                let byline = card.query_selector(".byline").ok().flatten();
                let _ = match byline {
                    Some(byline) => byline.after_with_node_1(&mark),
                    None => card.append_child(&mark).map(|_| ()),
                };
            }
        }
    }

    fn enhance_article(&self, slug: &str, article: &HtmlElement, deep_link: bool) {
        let headings = self.add_heading_anchors(slug, article);
        self.add_copy_buttons(article);
        // Wide tables scroll sideways inside the column: keyboard users need to reach them.
        if let Ok(tables) = article.query_selector_all(".article-body .table-scroll") {
            for table in (0..tables.length())
                .filter_map(|i| tables.item(i))
                .filter_map(|n| n.dyn_into::<Element>().ok())
            {
                let _ = table.set_attribute("tabindex", "0");
            }
        }
        let (observer, callback) = self.observe_sections(article, &headings);
        let stored = storage(&self.window).and_then(|s| {
            s.get_item(&position::storage_key(slug))
                .ok()
                .flatten()
                .and_then(|p| Position::parse(&p))
        });
        if let Some(stored) = stored.filter(|p| !deep_link && p.worth_resuming()) {
            let header = article.query_selector(".article-header").ok().flatten();
            if let Some(header) = header {
                let _ = trusted_html::insert_html_after(
                    &header,
                    &controls::resume_html(stored.percent()),
                );
            }
        }
        self.page.replace(Some(ArticlePage {
            slug: slug.to_string(),
            article: article.clone(),
            rendered_at: js_sys::Date::now(),
            fraction: Cell::new(0.0),
            observer,
            _observer_callback: callback,
        }));
        // Until it is measured, the bar shows the top, where an article opens.
        let _ = self.progress.set_attribute("value", "0");
        self.update_progress_after_paint(false);
    }

    /// Measures the article once its first frame is painted. Measuring needs the article
    /// laid out: that frame lays it out anyway, and the task after it reads the layout
    /// for free. A measure in the task that builds the article would force that layout
    /// into it (one long task); one in the frame's callbacks forces it ahead of the
    /// frame's own, so that every later callback of the frame waits for it (nothing is
    /// painted sooner or later either way). Called with `frame_done` from that frame.
    fn update_progress_after_paint(&self, frame_done: bool) {
        if self.progress_wait.get().is_some() {
            return;
        }
        let callback = self.progress_callback.borrow();
        let Some(callback) = callback.as_ref() else {
            return;
        };
        match AfterPaint::schedule(&self.window, callback.as_ref().unchecked_ref(), frame_done) {
            Ok(wait) => self.progress_wait.set(Some(wait)),
            Err(_) => self.update_progress(),
        }
    }

    /// Adds a copy-link anchor to every heading of the body that has an id; returns the
    /// headings in document order.
    fn add_heading_anchors(&self, slug: &str, article: &HtmlElement) -> Vec<Element> {
        let Ok(Some(body)) = article.query_selector(".article-body") else {
            return Vec::new();
        };
        let Ok(found) = body.query_selector_all("h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]")
        else {
            return Vec::new();
        };
        let headings: Vec<Element> = (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect();
        for heading in &headings {
            let text = heading.text_content().unwrap_or_default();
            let text = text.trim();
            let Some(href) =
                views::anchor_href(slug, &crate::web::dom::join(&["#", &heading.id()], ""))
            else {
                continue;
            };
            let Ok(anchor) = self.document.create_element("a") else {
                continue;
            };
            anchor.set_class_name("heading-anchor");
            let _ = anchor.set_attribute("href", &href);
            let _ = anchor.set_attribute(
                "aria-label",
                &crate::web::dom::join(&["Link to section: ", text], ""),
            );
            anchor.set_text_content(Some("#"));
            let _ = heading.append_child(&anchor);
        }
        headings
    }

    /// Wraps every code block with a bar holding its language and a copy button.
    fn add_copy_buttons(&self, article: &HtmlElement) {
        let Ok(blocks) = article.query_selector_all(".article-body pre") else {
            return;
        };
        for pre in (0..blocks.length())
            .filter_map(|i| blocks.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
        {
            // `data-lang` from the renderer; the sanitiser keeps only the `language-` class.
            let code = pre.query_selector("code").ok().flatten();
            let language = code
                .as_ref()
                .and_then(|code| code.get_attribute("data-lang"))
                .or_else(|| {
                    let classes = code.as_ref()?.class_name();
                    classes
                        .split_whitespace()
                        .find_map(|class| class.strip_prefix("language-"))
                        .map(str::to_string)
                })
                .filter(|lang| !lang.is_empty());
            let built = (|| -> Result<(), JsValue> {
                let wrapper = self.document.create_element("div")?;
                wrapper.set_class_name("code-block");
                let bar = self.document.create_element("div")?;
                bar.set_class_name("code-bar");
                if let Some(language) = &language {
                    let label = self.document.create_element("span")?;
                    label.set_class_name("code-lang");
                    label.set_text_content(Some(language));
                    bar.append_child(&label)?;
                }
                let button = self.document.create_element("button")?;
                button.set_class_name("code-copy");
                button.set_attribute("type", "button")?;
                let name = match &language {
                    Some(language) => crate::web::dom::join(&["Copy ", language, " code"], ""),
                    None => "Copy code".to_string(),
                };
                button.set_attribute("aria-label", &name)?;
                button.set_text_content(Some("Copy"));
                bar.append_child(&button)?;
                // A long line scrolls the block sideways: keyboard users need to reach it.
                pre.set_attribute("tabindex", "0")?;
                pre.before_with_node_1(&wrapper)?;
                wrapper.append_child(&bar)?;
                wrapper.append_child(&pre)?;
                Ok(())
            })();
            // A block left unwrapped is still readable: nothing to report.
            drop(built);
        }
    }

    /// Highlights the contents' link of the section being read.
    fn observe_sections(
        &self,
        article: &HtmlElement,
        headings: &[Element],
    ) -> (Option<IntersectionObserver>, Option<ObserverCallback>) {
        let Ok(Some(toc)) = article.query_selector(".toc") else {
            return (None, None);
        };
        if let Ok(Some(details)) = toc.query_selector("details") {
            if let Ok(details) = details.dyn_into::<HtmlDetailsElement>() {
                details.set_open(self.sidebar_fits());
            }
        }
        // The contents' links in heading order, paired with their headings by id.
        let Ok(links) = toc.query_selector_all("a[data-heading]") else {
            return (None, None);
        };
        let links: Vec<Element> = (0..links.length())
            .filter_map(|i| links.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect();
        let sections: Vec<(Element, Element)> = headings
            .iter()
            .filter_map(|heading| {
                let id = heading.id();
                links
                    .iter()
                    .find(|link| link.get_attribute("data-heading").as_deref() == Some(&id))
                    .map(|link| (heading.clone(), link.clone()))
            })
            .collect();
        if sections.is_empty() {
            return (None, None);
        }
        let window = self.window.clone();
        let sections = Rc::new(sections);
        let observed = Rc::clone(&sections);
        // Any heading crossing the band's edge changes which section is current: the
        // last one whose top is above the edge, or none above the first heading.
        let callback = ObserverCallback::new(move |_entries: js_sys::Array| {
            let edge = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0)
                * BAND;
            let current = sections
                .iter()
                .rposition(|(heading, _)| heading.get_bounding_client_rect().top() <= edge + 1.0);
            for (i, (_, link)) in sections.iter().enumerate() {
                let _ = if Some(i) == current {
                    link.set_attribute("aria-current", "location")
                } else {
                    link.remove_attribute("aria-current")
                };
            }
        });
        let options = IntersectionObserverInit::new();
        // A heading becomes current when it reaches the top third of the window.
        options.set_root_margin("0px 0px -66% 0px");
        options.set_threshold_f64(0.0);
        let Ok(observer) =
            IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
        else {
            return (None, None);
        };
        for (heading, _) in observed.iter() {
            observer.observe(heading);
        }
        (Some(observer), Some(callback))
    }

    fn on_view_click(&self, event: &Event) {
        if let Some(anchor) = closest(event, ".heading-anchor") {
            // The link itself goes to the section (the router scrolls there);
            // the full address goes to the clipboard for sharing.
            let href = anchor.get_attribute("href").unwrap_or_default();
            let location = self.window.location();
            let mut url = location.origin().unwrap_or_default();
            url.push_str(&location.pathname().unwrap_or_default());
            url.push_str(&location.search().unwrap_or_default());
            url.push_str(&href);
            self.copy(url, "Link to this section copied", None);
        } else if let Some(button) = closest(event, ".code-copy") {
            let code = button
                .closest(".code-block")
                .ok()
                .flatten()
                .and_then(|block| block.query_selector("pre").ok().flatten())
                .and_then(|pre| pre.text_content())
                .unwrap_or_default();
            self.copy(code, "Code copied", Some(button));
        } else if closest(event, ".resume-button").is_some() {
            self.resume();
        } else if closest(event, ".toc a").is_some() && !self.sidebar_fits() {
            // On a narrow screen the open contents would hide the section just chosen.
            if let Ok(Some(details)) = self.view.query_selector(".toc details") {
                if let Ok(details) = details.dyn_into::<HtmlDetailsElement>() {
                    details.set_open(false);
                }
            }
        }
    }

    /// Writes `text` to the clipboard and says how it went, on `button` when given.
    fn copy(&self, text: String, done: &'static str, button: Option<Element>) {
        let navigator = self.window.navigator();
        let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
            .map(|c| !c.is_undefined() && !c.is_null())
            .unwrap_or(false);
        let status = self.status.clone();
        if !has_clipboard {
            let message = "Copying is not available here: select the text and copy it yourself";
            if let Some(button) = &button {
                button.set_text_content(Some("Select to copy"));
            }
            status.set_text_content(Some(message));
            return;
        }
        let promise = navigator.clipboard().write_text(&text);
        wasm_bindgen_futures::spawn_local(async move {
            let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            let (label, message) = if copied {
                ("Copied", done)
            } else {
                (
                    "Select to copy",
                    "Copying was refused: select the text and copy it yourself",
                )
            };
            if let Some(button) = &button {
                button.set_text_content(Some(label));
            }
            status.set_text_content(Some(message));
        });
    }

    fn on_key(&self, event: &KeyboardEvent) {
        if !self.owns_key(event) {
            return;
        }
        let key = event.key();
        let typing = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlElement>().ok())
            .is_some_and(|element| {
                let tag = element.tag_name();
                matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || element.is_content_editable()
            });
        let press = KeyPress {
            key: &key,
            ctrl: event.ctrl_key(),
            alt: event.alt_key(),
            meta: event.meta_key(),
            typing,
        };
        let Some(action) = keys::action_for(&press, self.context.get()) else {
            return;
        };
        // Behind the modal help only Escape means anything (and the dialog handles it).
        if self.help.open() && action != Action::ClosePanels {
            return;
        }
        let handled = match action {
            Action::NextItem => self.move_in_list(1),
            Action::PreviousItem => self.move_in_list(-1),
            Action::Open => self.open_selected(),
            Action::PreviousArticle => self.follow("a[rel='prev']"),
            Action::NextArticle => self.follow("a[rel='next']"),
            Action::FocusSearch => self.focus_search(),
            Action::CycleTheme => {
                let mut prefs = self.prefs.get();
                let theme = prefs.cycle_theme();
                self.set_prefs(prefs);
                self.status
                    .set_text_content(Some(&controls::theme_announcement(theme)));
                true
            }
            Action::ClosePanels => self.close_panels(),
            Action::ShowHelp => {
                self.set_panel_open(false);
                self.help.show_modal().is_ok()
            }
        };
        if handled {
            event.prevent_default();
        }
    }

    /// Moves focus to the next (or previous) article link of the library.
    fn move_in_list(&self, step: i32) -> bool {
        let Ok(found) = self.view.query_selector_all(".card-title a") else {
            return false;
        };
        let links: Vec<HtmlElement> = (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .collect();
        if links.is_empty() {
            return false;
        }
        let active = self.document.active_element();
        let here = links.iter().position(|link| {
            active.as_ref().is_some_and(|a| {
                link.is_same_node(Some(a))
                    || link
                        .closest(".card")
                        .ok()
                        .flatten()
                        .is_some_and(|card| card.contains(Some(a)))
            })
        });
        let last = links.len() - 1;
        let next = match (here, step > 0) {
            (None, true) => 0,
            (None, false) => last,
            (Some(i), true) => (i + 1).min(last),
            (Some(i), false) => i.saturating_sub(1),
        };
        match links.get(next) {
            Some(link) => link.focus().is_ok(),
            None => false,
        }
    }

    /// Enter on a card (not on its link, which opens itself) opens its article.
    fn open_selected(&self) -> bool {
        let Some(active) = self.document.active_element() else {
            return false;
        };
        if active.tag_name() == "A" || active.tag_name() == "BUTTON" {
            return false;
        }
        let link = active
            .closest(".card")
            .ok()
            .flatten()
            .and_then(|card| card.query_selector(".card-title a").ok().flatten())
            .and_then(|link| link.dyn_into::<HtmlElement>().ok());
        match link {
            Some(link) => {
                link.click();
                true
            }
            None => false,
        }
    }

    fn follow(&self, selector: &str) -> bool {
        let link = self
            .view
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|l| l.dyn_into::<HtmlElement>().ok());
        match link {
            Some(link) => {
                link.click();
                true
            }
            None => false,
        }
    }

    /// Whether a key is this viewer's: focus is inside its element, or nowhere in
    /// particular (the page's body) and this is the first viewer mounted on the page.
    /// So with two viewers on a page a shortcut acts in one of them, and a key pressed
    /// in the embedding page's own controls is left to them.
    fn owns_key(&self, event: &KeyboardEvent) -> bool {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Node>().ok()) else {
            return crate::web::app::takes_unfocused_keys(&self.root);
        };
        if self.root.contains(Some(&target)) {
            return true;
        }
        let body = self.document.body().map(Node::from);
        let top = self.document.document_element().map(Node::from);
        let unfocused = target.is_same_node(body.as_ref())
            || target.is_same_node(top.as_ref())
            || target.is_same_node(Some(self.document.as_ref()));
        unfocused && crate::web::app::takes_unfocused_keys(&self.root)
    }

    fn focus_search(&self) -> bool {
        // This viewer's own box: a second viewer's id carries a suffix.
        let search = self
            .view
            .query_selector("input[type='search']")
            .ok()
            .flatten()
            .and_then(|s| s.dyn_into::<HtmlElement>().ok());
        match search {
            Some(search) => search.focus().is_ok(),
            // No search box: `/` stays the browser's (quick find in Firefox).
            None => false,
        }
    }

    fn close_panels(&self) -> bool {
        if self.help.open() {
            self.help.close();
            return true;
        }
        if !self.panel.hidden() {
            self.set_panel_open(false);
            let _ = self.toggle.focus();
            return true;
        }
        let narrow_toc = self
            .view
            .query_selector(".toc details[open]")
            .ok()
            .flatten()
            .and_then(|d| d.dyn_into::<HtmlDetailsElement>().ok())
            .filter(|_| !self.sidebar_fits());
        if let Some(details) = narrow_toc {
            details.set_open(false);
            if let Ok(Some(summary)) = details.query_selector("summary") {
                if let Ok(summary) = summary.dyn_into::<HtmlElement>() {
                    let _ = summary.focus();
                }
            }
            return true;
        }
        false
    }

    /// Whether the window is wide enough for the contents to stand beside the text.
    fn sidebar_fits(&self) -> bool {
        self.window
            .match_media(SIDEBAR_MEDIA)
            .ok()
            .flatten()
            .is_some_and(|m| m.matches())
    }

    fn set_panel_open(&self, open: bool) {
        self.panel.set_hidden(!open);
        let _ = self
            .toggle
            .set_attribute("aria-expanded", if open { "true" } else { "false" });
    }

    fn set_prefs(&self, prefs: Prefs) {
        self.prefs.set(prefs);
        self.apply_prefs();
        if let Some(storage) = storage(&self.window) {
            // Full or refused storage: the choice still holds for this page.
            let _ = storage.set_item(prefs::STORAGE_KEY, &prefs.serialise());
        }
    }

    /// Writes the preferences onto `<html>` and into the panel's controls.
    fn apply_prefs(&self) {
        let prefs = self.prefs.get();
        if let Some(html) = self.document.document_element() {
            for (name, value) in prefs.html_attributes() {
                let _ = html.set_attribute(name, value);
            }
        }
        if let Ok(inputs) = self.panel.query_selector_all("input[type='radio']") {
            let pairs = prefs.pairs();
            for input in (0..inputs.length())
                .filter_map(|i| inputs.item(i))
                .filter_map(|n| n.dyn_into::<HtmlInputElement>().ok())
            {
                let name = input.name();
                let value = input.value();
                input.set_checked(pairs.iter().any(|(k, v)| *k == name && *v == value));
            }
        }
        if let Ok(Some(output)) = self.panel.query_selector(".reader-size-value") {
            output.set_text_content(Some(&controls::size_words(prefs.font_size)));
        }
    }

    fn on_scroll(&self) {
        if self.page.borrow().is_none() {
            return;
        }
        self.update_progress();
        if self.save_timer.get().is_none() {
            if let Some(callback) = self.save_callback.borrow().as_ref() {
                let timer = self
                    .window
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        callback.as_ref().unchecked_ref(),
                        SAVE_EVERY_MS,
                    )
                    .ok();
                self.save_timer.set(timer);
            }
        }
    }

    /// How far through the open article the window is: 0 at its top, 1 with its end in view.
    fn fraction(&self, article: &HtmlElement) -> f64 {
        let rect = article.get_bounding_client_rect();
        let viewport = self
            .window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let scrollable = rect.height() - viewport;
        if scrollable <= 1.0 {
            return 1.0;
        }
        (-rect.top() / scrollable).clamp(0.0, 1.0)
    }

    fn update_progress(&self) {
        let page = self.page.borrow();
        if let Some(page) = page.as_ref() {
            let fraction = self.fraction(&page.article);
            page.fraction.set(fraction);
            let _ = self
                .progress
                .set_attribute("value", &position::to_scale(fraction, 1000).to_string());
        }
    }

    fn save_position(&self) {
        let page = self.page.borrow();
        let Some(page) = page.as_ref() else {
            return;
        };
        if js_sys::Date::now() - page.rendered_at < SETTLE_MS {
            return;
        }
        let Some(storage) = storage(&self.window) else {
            return;
        };
        let key = position::storage_key(&page.slug);
        let previous = storage
            .get_item(&key)
            .ok()
            .flatten()
            .and_then(|p| Position::parse(&p));
        let now = Position::scrolled_to(previous, page.fraction.get());
        let _ = storage.set_item(&key, &now.serialise());
    }

    /// Scrolls the open article to the stored position and removes the offer.
    fn resume(&self) {
        let page = self.page.borrow();
        let Some(page) = page.as_ref() else {
            return;
        };
        let stored = storage(&self.window)
            .and_then(|s| {
                s.get_item(&position::storage_key(&page.slug))
                    .ok()
                    .flatten()
            })
            .and_then(|p| Position::parse(&p));
        if let Ok(Some(offer)) = page.article.query_selector(".resume") {
            offer.remove();
        }
        let Some(stored) = stored else {
            return;
        };
        let rect = page.article.get_bounding_client_rect();
        let viewport = self
            .window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let top = rect.top() + self.window.scroll_y().unwrap_or(0.0);
        let target = top + stored.fraction * (rect.height() - viewport).max(0.0);
        self.window.scroll_to_with_x_and_y(0.0, target);
        // Focus stays in the article (the offer it was on is gone) without moving the page.
        if let Ok(Some(body)) = page.article.query_selector(".article-body") {
            if let Ok(body) = body.dyn_into::<HtmlElement>() {
                body.set_tab_index(-1);
                let options = FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = body.focus_with_options(&options);
            }
        }
    }
}

/// The page's `localStorage`, when it has a working one.
fn storage(window: &Window) -> Option<Storage> {
    window.local_storage().ok().flatten()
}

fn load_prefs(window: &Window) -> Prefs {
    storage(window)
        .and_then(|s| s.get_item(prefs::STORAGE_KEY).ok().flatten())
        .map(|stored| Prefs::parse(&stored))
        .unwrap_or_default()
}

/// The element matching `selector` at or above the event's target.
fn closest(event: &Event, selector: &str) -> Option<Element> {
    event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest(selector).ok().flatten())
}

/// The first element under `parent` matching `selector`, as `T`.
fn child<T: JsCast>(parent: &Element, selector: &str) -> Result<T, JsValue> {
    parent
        .query_selector(selector)?
        .ok_or_else(|| {
            crate::web::error::js_error(&crate::web::dom::join(&["missing ", selector], ""))
        })?
        .dyn_into::<T>()
        .map_err(|_| {
            crate::web::error::js_error(&crate::web::dom::join(
                &[selector, " has the wrong type"],
                "",
            ))
        })
}
