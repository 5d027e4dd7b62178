//! The mounted viewer: its shell, its router and the views it shows.
//!
//! A viewer owns everything it registered: its listeners are [`EventListener`]s stored in
//! the [`App`], so unmounting (dropping the `App`) removes them. Live viewers are kept in
//! a registry so that JavaScript needs to hold nothing to keep one alive, and so the
//! panic hook can show an error view in each of them instead of a blank page.
//!
//! The router reads the location hash ([`Route::from_hash`]). Hashes that are not routes
//! (`#fn-1`, the skip link's `#folio-main`) are anchors within the page and are left to
//! the browser. On every route change the title follows the view and focus moves to the
//! view's main heading; on the first render focus stays where it is, so the skip link is
//! the first thing a keyboard reaches.
//!
//! The viewer never reads page globals by name and never looks its own elements up by id:
//! it keeps references to the elements it created, so an article's ids cannot stand in for them.

use crate::catalog::Catalog;
use crate::render::views::{self, Route};
use crate::web::dom::{self, EventListener};
use crate::web::error::message_of;
use crate::web::reader::Reader;
use crate::web::search::SearchUi;
use crate::web::{trusted_html, view};
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, Event, FocusOptions, HtmlElement, ScrollIntoViewOptions,
    ScrollLogicalPosition, Window,
};

thread_local! {
    /// The bundled catalog, built once on first use.
    static CATALOG: Rc<Catalog> = Rc::new(Catalog::bundled());
    /// Every mounted viewer, by mount id.
    static MOUNTED: RefCell<Vec<(u32, App)>> = const { RefCell::new(Vec::new()) };
    static NEXT_MOUNT_ID: Cell<u32> = const { Cell::new(1) };
}

/// The catalog of the articles bundled into this build.
pub fn catalog() -> Rc<Catalog> {
    CATALOG.with(Rc::clone)
}

/// One viewer mounted into an element.
pub struct App {
    shared: Rc<Shared>,
    /// Held for their `Drop`: they unregister themselves when the app goes.
    _listeners: Vec<EventListener>,
}

/// What the listeners need: the viewer's elements and its current route.
struct Shared {
    window: Window,
    document: Document,
    root: Element,
    /// The `<main>` that holds the current view.
    view: HtmlElement,
    /// The articles this viewer shows.
    catalog: Rc<Catalog>,
    current: RefCell<Option<Route>>,
    /// Where the reader was in the library when they opened an article, to return there.
    library_scroll: Cell<Option<f64>>,
    /// The card at the top of the screen then, and how far from the top: the library is
    /// drawn again on the way back, and cards not laid out yet have only an estimated
    /// height, so the card is a surer place to return to than the scroll offset.
    library_card: RefCell<Option<(String, f64)>>,
    /// Reading settings, shortcuts, contents highlight, position memory.
    reader: Rc<Reader>,
    /// The library's search and the highlight of a search in an article.
    search: Rc<SearchUi>,
    /// A new view waits for this animation frame to be scrolled to and focused
    /// (see [`Shared::show`]): to its top, or to an element of it (the first match of
    /// a search), and to its heading.
    top_frame: Cell<Option<i32>>,
    on_top_frame: OnceCell<Closure<dyn FnMut()>>,
    frame_scrolls_to_top: Cell<bool>,
    frame_reveals: RefCell<Option<Element>>,
    frame_focuses: Cell<bool>,
}

/// Mounts a viewer into `root`, replacing its children (and any viewer already there).
/// Returns the mount id that [`unmount`] takes.
pub fn mount(root: &Element) -> Result<u32, JsValue> {
    mount_catalog(root, catalog())
}

/// Mounts a viewer of the given catalog rather than the bundled one: for tests that
/// feed whole hostile articles (front matter, file names) through the real views.
pub fn mount_catalog(root: &Element, catalog: Rc<Catalog>) -> Result<u32, JsValue> {
    unmount_root(root);
    let id = NEXT_MOUNT_ID.with(|next| {
        let id = next.get();
        next.set(id.wrapping_add(1));
        id
    });
    // The first viewer on a page keeps the plain ids (`folio-main`, `folio-search`, …);
    // any other viewer mounted meanwhile ends them with its mount id.
    let alone = MOUNTED.with(|mounted| mounted.borrow().is_empty());
    let id_suffix = if alone {
        String::new()
    } else {
        format!("-{id}")
    };
    let app = App::new(root, catalog, &id_suffix)?;
    MOUNTED.with(|mounted| mounted.borrow_mut().push((id, app)));
    Ok(id)
}

/// Whether keys pressed with focus in no viewer (on the page's body) go to the viewer
/// mounted in `root`: the first viewer still mounted takes them, so that on a page with
/// two viewers a shortcut acts once. True when the registry cannot tell (not mounted
/// through it, or busy).
pub fn takes_unfocused_keys(root: &Element) -> bool {
    MOUNTED
        .try_with(|mounted| {
            let mounted = mounted.try_borrow().ok()?;
            let (_, first) = mounted.first()?;
            Some(first.shared.root.is_same_node(Some(root)))
        })
        .ok()
        .flatten()
        .unwrap_or(true)
}

/// Removes the viewer with this mount id: its listeners go and its element is emptied.
/// Returns false when there was none (already unmounted).
pub fn unmount(id: u32) -> bool {
    let removed = MOUNTED.with(|mounted| {
        let mut mounted = mounted.borrow_mut();
        let position = mounted.iter().position(|(mount_id, _)| *mount_id == id)?;
        Some(mounted.remove(position).1)
    });
    // Dropped outside the borrow, in case dropping ever touches the registry.
    match removed {
        Some(app) => {
            app.shared.root.replace_children_with_node_0();
            true
        }
        None => false,
    }
}

fn unmount_root(root: &Element) {
    let removed = MOUNTED.with(|mounted| {
        let mut mounted = mounted.borrow_mut();
        let position = mounted
            .iter()
            .position(|(_, app)| app.shared.root.is_same_node(Some(root)))?;
        Some(mounted.remove(position).1)
    });
    drop(removed);
}

/// Shows the error view in every mounted viewer. Called by the panic hook, so it must not
/// panic itself: it gives up quietly when the registry is busy.
pub fn show_error_everywhere(message: &str) {
    let html = views::error_view(message);
    let _ = MOUNTED.try_with(|mounted| {
        if let Ok(mounted) = mounted.try_borrow() {
            for (_, app) in mounted.iter() {
                let _ = trusted_html::set_html(&app.shared.view, &html);
            }
        }
    });
}

impl App {
    fn new(root: &Element, catalog: Rc<Catalog>, id_suffix: &str) -> Result<App, JsValue> {
        let window = dom::window()?;
        let document = dom::document()?;
        root.replace_children_with_node_0();
        root.class_list().add_1("folio")?;

        let skip_link = document.create_element("a")?;
        skip_link.set_class_name("folio-skip-link");
        let main_id = format!("folio-main{id_suffix}");
        skip_link.set_attribute("href", &format!("#{main_id}"))?;
        skip_link.set_text_content(Some("Skip to content"));

        let masthead = document.create_element("header")?;
        masthead.set_class_name("folio-masthead");
        trusted_html::set_html(
            &masthead,
            "<a class=\"folio-brand\" href=\"#/\"><span class=\"folio-brand-mark\" aria-hidden=\"true\">¶</span> Folio</a>",
        )?;

        let view: HtmlElement = document.create_element("main")?.dyn_into()?;
        view.set_id(&main_id);
        view.set_class_name("folio-view");
        view.set_tab_index(-1);

        let colophon = document.create_element("footer")?;
        colophon.set_class_name("folio-colophon");
        trusted_html::set_html(
            &colophon,
            "<p>Rendered in your browser by Folio, from Rust compiled to WebAssembly.</p>",
        )?;

        root.append_child(&skip_link)?;
        root.append_child(&masthead)?;
        root.append_child(&view)?;
        root.append_child(&colophon)?;
        let reader = Reader::new(&window, &document, root, &masthead, &view)?;
        let search = SearchUi::new(&catalog, id_suffix, &window, &document, &view);

        let shared = Rc::new(Shared {
            window,
            document,
            root: root.clone(),
            view,
            catalog,
            current: RefCell::new(None),
            library_scroll: Cell::new(None),
            library_card: RefCell::new(None),
            reader,
            search,
            top_frame: Cell::new(None),
            on_top_frame: OnceCell::new(),
            frame_scrolls_to_top: Cell::new(false),
            frame_reveals: RefCell::new(None),
            frame_focuses: Cell::new(false),
        });
        let on_top_frame = {
            let shared = Rc::downgrade(&shared);
            Closure::<dyn FnMut()>::new(move || {
                if let Some(shared) = shared.upgrade() {
                    shared.top_frame.set(None);
                    shared.settle_view();
                }
            })
        };
        let _ = shared.on_top_frame.set(on_top_frame);

        let on_hash_change = {
            let shared = Rc::downgrade(&shared);
            move |_: Event| {
                if let Some(shared) = shared.upgrade() {
                    shared.follow_location(true);
                }
            }
        };
        // The skip link moves focus itself: following its `#folio-main` href would add a
        // history entry for an anchor, and the target may not be unique on a page
        // with several viewers.
        let on_skip = {
            let shared = Rc::downgrade(&shared);
            move |event: Event| {
                if let Some(shared) = shared.upgrade() {
                    event.prevent_default();
                    let _ = shared.view.focus();
                }
            }
        };
        let mut listeners = vec![
            EventListener::new(&shared.window, "hashchange", on_hash_change)?,
            EventListener::new(&skip_link, "click", on_skip)?,
        ];
        listeners.extend(shared.reader.listeners()?);
        listeners.extend(shared.search.listeners()?);
        shared.follow_location(false);
        Ok(App {
            shared,
            _listeners: listeners,
        })
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The frame would call a closure that is about to be freed.
        if let Some(frame) = self.top_frame.take() {
            let _ = self.window.cancel_animation_frame(frame);
        }
    }
}

impl Shared {
    /// Shows the view the location names; errors become the error view.
    fn follow_location(&self, route_changed: bool) {
        let hash = self.window.location().hash().unwrap_or_default();
        let route = match Route::from_hash(&hash) {
            Some(route) => route,
            // An anchor within the page. On first load there is no view yet to hold it.
            None if self.current.borrow().is_none() => Route::Library,
            None => return,
        };
        match self.show(route.clone(), route_changed) {
            Ok(()) => {
                if let Some(first_match) = self.search.after_route(&route) {
                    // Where the article opens: at its first match rather than its top.
                    self.frame_reveals.replace(Some(first_match));
                    self.settle_next_frame();
                }
            }
            Err(thrown) => self.show_error(&thrown),
        }
    }

    fn show_error(&self, thrown: &JsValue) {
        // Forget the route so that coming back to it tries again.
        self.current.replace(None);
        let _ = trusted_html::set_html(&self.view, &views::error_view(&message_of(thrown)));
        self.document
            .set_title(&views::document_title(Some("Error")));
    }

    fn show(&self, route: Route, move_focus: bool) -> Result<(), JsValue> {
        // A scroll or focus waiting for an earlier view is overtaken by this one.
        if let Some(frame) = self.top_frame.take() {
            let _ = self.window.cancel_animation_frame(frame);
        }
        self.frame_scrolls_to_top.set(false);
        self.frame_reveals.replace(None);
        self.frame_focuses.set(false);
        let previous = self.current.replace(Some(route.clone()));
        let same_page = match (&previous, &route) {
            (Some(Route::Article { slug: before, .. }), Route::Article { slug: after, .. }) => {
                before == after
            }
            (Some(before), after) => before == after,
            (None, _) => false,
        };
        let heading = match &route {
            Route::Article { heading, .. } => heading.clone(),
            _ => None,
        };
        if same_page {
            // Back from an in-page anchor, or on to another heading of the same article:
            // the page is already there.
            if let Some(heading) = heading {
                self.reveal_heading(&heading, move_focus);
            }
            return Ok(());
        }

        if previous == Some(Route::Library) {
            self.library_scroll.set(self.window.scroll_y().ok());
            self.library_card.replace(self.search.card_at_top());
        }
        let catalog = Rc::clone(&self.catalog);
        let title = match &route {
            Route::Library => {
                self.search.render_library(&catalog)?;
                None
            }
            Route::Article { slug, .. } => match catalog.find(slug) {
                Some(entry) => {
                    let article = view::article_element(&self.document, &catalog, entry)?;
                    self.view.replace_children_with_node_1(&article);
                    Some(entry.title.clone())
                }
                None => {
                    trusted_html::set_html(&self.view, &views::not_found_view())?;
                    Some("Not found".to_string())
                }
            },
            Route::NotFound => {
                trusted_html::set_html(&self.view, &views::not_found_view())?;
                Some("Not found".to_string())
            }
        };
        self.document
            .set_title(&views::document_title(title.as_deref()));
        self.reader.after_render(&route);

        let revealed = match &heading {
            Some(heading) => self.reveal_heading(heading, move_focus),
            None => false,
        };
        if move_focus && !revealed {
            let saved = match route {
                Route::Library => self.library_scroll.take(),
                _ => None,
            };
            match saved {
                // Back in the library: at the place the reader left it, not at the top.
                Some(y) => {
                    let card = self.library_card.take();
                    let revealed =
                        card.is_some_and(|(slug, top)| self.search.reveal_card(&slug, top));
                    if !revealed {
                        self.window.scroll_to_with_x_and_y(0.0, y);
                    }
                    self.focus_main_heading();
                }
                // At the top of the new view, focused on its heading. Both need the view
                // laid out (focusing lays out the page): done in the next frame, whose
                // layout it then is, so that this task builds the view and the frame lays
                // it out and paints it (one task doing both is what made opening an
                // article a long task), with nothing drawn in between.
                None => {
                    self.frame_scrolls_to_top.set(true);
                    self.frame_focuses.set(true);
                    self.settle_next_frame();
                }
            }
        }
        Ok(())
    }

    /// Does what [`Shared::settle_view`] is asked to at the next animation frame (at once
    /// where there are no animation frames).
    fn settle_next_frame(&self) {
        if self.top_frame.get().is_some() {
            return;
        }
        let requested = self.on_top_frame.get().map(|frame| {
            self.window
                .request_animation_frame(frame.as_ref().unchecked_ref())
        });
        match requested {
            Some(Ok(frame)) => self.top_frame.set(Some(frame)),
            _ => self.settle_view(),
        }
    }

    /// Scrolls to the element waiting to be revealed, or else to the viewer's top when
    /// asked, and focuses the view's heading when asked.
    fn settle_view(&self) {
        if let Some(element) = self.frame_reveals.take() {
            let options = ScrollIntoViewOptions::new();
            options.set_block(ScrollLogicalPosition::Center);
            element.scroll_into_view_with_scroll_into_view_options(&options);
            self.frame_scrolls_to_top.set(false);
        }
        if self.frame_scrolls_to_top.replace(false) {
            self.root.scroll_into_view();
        }
        if self.frame_focuses.replace(false) {
            self.focus_main_heading();
        }
    }

    /// Moves focus to the view's `h1` without scrolling past the masthead.
    fn focus_main_heading(&self) {
        let heading = self
            .view
            .query_selector("h1")
            .ok()
            .flatten()
            .and_then(|h1| h1.dyn_into::<HtmlElement>().ok());
        if let Some(heading) = heading {
            let options = FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = heading.focus_with_options(&options);
        }
    }

    /// Scrolls to the element of the current view with this id (and focuses it when the
    /// route changed). Looks only inside the view, comparing ids as strings, so no
    /// selector is built from the URL. Returns whether it was found.
    fn reveal_heading(&self, id: &str, move_focus: bool) -> bool {
        let Ok(candidates) = self.view.query_selector_all("[id]") else {
            return false;
        };
        let target = (0..candidates.length())
            .filter_map(|i| candidates.item(i))
            .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
            .find(|element| element.id() == id);
        let Some(target) = target else {
            return false;
        };
        target.scroll_into_view();
        if move_focus {
            if !target.has_attribute("tabindex") {
                let _ = target.set_attribute("tabindex", "-1");
            }
            let options = FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = target.focus_with_options(&options);
        }
        true
    }
}
