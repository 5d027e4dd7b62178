//! Browser tests of the reading experience: preferences applied and stored, the settings
//! panel, keyboard shortcuts, the contents, heading anchors, code copy bars, position
//! memory and the library's marks.
//!
//! Run with `wasm-pack test --headless --chrome`. The rules themselves (the preference
//! format, the keyboard map, the contents outline, positions) are tested natively in
//! `src/reading/`; these tests check that the page follows them.
//! Every test unmounts its viewer, since each viewer listens for keys on the document.

#![cfg(target_arch = "wasm32")]

use folio::reading::position;
use folio::reading::prefs::STORAGE_KEY;
use folio::web::{self, Viewer};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit, Storage};

mod browser;
use browser::{document, fresh_container, sleep, wait_until, window};

wasm_bindgen_test_configure!(run_in_browser);

/// Has a contents (several headings), code blocks with and without a language.
const SHOWCASE_SLUG: &str = "2026-11-27-markdown-showcase";
const SEED_SLUG: &str = "000-f2e18ad958418c56";

fn storage() -> Storage {
    window()
        .local_storage()
        .expect("storage allowed")
        .expect("a storage")
}

fn html() -> Element {
    document().document_element().expect("<html>")
}

/// A viewer on a clean slate: no stored settings or positions, at `hash`.
async fn mounted_at(hash: &str) -> (Element, Viewer) {
    web::init();
    let storage = storage();
    storage.clear().expect("clear storage");
    for name in [
        "data-theme",
        "data-size",
        "data-width",
        "data-leading",
        "data-font",
    ] {
        html().remove_attribute(name).expect("remove");
    }
    window().location().set_hash(hash).expect("hash");
    sleep(20).await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    (root, viewer)
}

fn finish(root: Element, viewer: Viewer) {
    viewer.unmount();
    root.remove();
    let _ = storage().clear();
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).expect("selector")
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn click(element: &Element) {
    element.unchecked_ref::<HtmlElement>().click();
}

/// Dispatches a `keydown` for `key` on `target`, with Ctrl held when `ctrl`.
fn press_on(target: &Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    target.dispatch_event(&event).expect("dispatch");
}

fn press(key: &str) {
    press_on(&document().body().expect("body"), key, false);
}

fn theme() -> Option<String> {
    html().get_attribute("data-theme")
}

#[wasm_bindgen_test]
async fn stored_preferences_are_applied_on_mount() {
    web::init();
    storage().clear().expect("clear");
    storage()
        .set_item(
            STORAGE_KEY,
            "theme=sepia;size=5;width=wide;leading=loose;font=sans",
        )
        .expect("store");
    window().location().set_hash("#/").expect("hash");
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    assert_eq!(theme().as_deref(), Some("sepia"));
    assert_eq!(html().get_attribute("data-size").as_deref(), Some("5"));
    assert_eq!(html().get_attribute("data-width").as_deref(), Some("wide"));
    assert_eq!(
        html().get_attribute("data-leading").as_deref(),
        Some("loose")
    );
    assert_eq!(html().get_attribute("data-font").as_deref(), Some("sans"));
    let checked = find(&root, "input[name='theme']:checked").expect("a checked theme");
    assert_eq!(checked.unchecked_ref::<HtmlInputElement>().value(), "sepia");
    finish(root, viewer);
}

#[wasm_bindgen_test]
async fn junk_in_storage_means_the_defaults() {
    web::init();
    storage().clear().expect("clear");
    storage()
        .set_item(STORAGE_KEY, "theme=\"><img src=x>;size=99")
        .expect("store");
    window().location().set_hash("#/").expect("hash");
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    assert_eq!(theme().as_deref(), Some("auto"));
    assert_eq!(html().get_attribute("data-size").as_deref(), Some("2"));
    finish(root, viewer);
}

#[wasm_bindgen_test]
async fn the_settings_panel_changes_and_stores_preferences() {
    let (root, viewer) = mounted_at(&format!("#/a/{SEED_SLUG}")).await;
    let toggle = find(&root, ".reader-toggle").expect("settings button");
    let panel = find(&root, ".reader-panel").expect("panel");
    assert!(panel.has_attribute("hidden"));
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    click(&toggle);
    assert!(!panel.has_attribute("hidden"));
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );

    click(&find(&root, "input[name='theme'][value='dark']").expect("dark"));
    assert_eq!(theme().as_deref(), Some("dark"));
    click(&find(&root, "input[name='font'][value='sans']").expect("sans"));
    click(&find(&root, "[data-size-step='1']").expect("larger"));
    click(&find(&root, "[data-size-step='1']").expect("larger"));
    assert_eq!(html().get_attribute("data-size").as_deref(), Some("4"));
    assert_eq!(
        find(&root, ".reader-size-value")
            .and_then(|o| o.text_content())
            .as_deref(),
        Some("5 of 7")
    );
    assert_eq!(
        storage().get_item(STORAGE_KEY).expect("read").as_deref(),
        Some("theme=dark;size=4;width=normal;leading=normal;font=sans")
    );

    press("Escape");
    assert!(panel.has_attribute("hidden"), "Esc closes the panel");
    let active = document().active_element().expect("focus");
    assert!(
        active.is_same_node(Some(&toggle)),
        "focus returns to the button"
    );
    finish(root, viewer);
}

#[wasm_bindgen_test]
async fn t_cycles_the_theme_but_not_with_modifiers_or_while_typing() {
    let (root, viewer) = mounted_at("#/").await;
    assert_eq!(theme().as_deref(), Some("auto"));
    press("t");
    assert_eq!(theme().as_deref(), Some("light"));
    press("t");
    assert_eq!(theme().as_deref(), Some("dark"));
    press_on(&document().body().expect("body"), "t", true);
    assert_eq!(theme().as_deref(), Some("dark"), "Ctrl+T is the browser's");
    let field = document().create_element("input").expect("input");
    root.append_child(&field).expect("attach");
    press_on(&field, "t", false);
    assert_eq!(theme().as_deref(), Some("dark"), "typing a t in a field");
    let status = find(&root, "[role='status']").expect("live region");
    assert_eq!(status.text_content().as_deref(), Some("Theme: dark"));
    finish(root, viewer);
}

#[wasm_bindgen_test]
async fn question_mark_shows_every_shortcut_and_escape_closes_it() {
    let (root, viewer) = mounted_at("#/").await;
    let dialog = find(&root, "dialog.help-dialog").expect("help dialog");
    assert!(!dialog.has_attribute("open"));
    press("?");
    assert!(dialog.has_attribute("open"));
    let rows = all(&dialog, "tbody tr").len();
    assert_eq!(rows, folio::reading::keys::SHORTCUTS.len());
    press("Escape");
    assert!(!dialog.has_attribute("open"));
    // Without a keyboard, the settings panel opens it too.
    click(&find(&root, ".reader-toggle").expect("settings button"));
    click(&find(&root, ".reader-help-button").expect("help button"));
    assert!(dialog.has_attribute("open"));
    click(&find(&dialog, ".help-close").expect("close button"));
    assert!(!dialog.has_attribute("open"));
    finish(root, viewer);
}

#[wasm_bindgen_test]
async fn j_and_k_move_through_the_list_and_slash_focuses_search() {
    let (root, viewer) = mounted_at("#/").await;
    let links = all(&root, ".card-title a");
    assert!(links.len() >= 2, "the bundle lists several articles");
    let focused = || document().active_element().expect("focus");
    press("j");
    assert!(focused().is_same_node(links.first().map(|l| l.as_ref())));
    press("j");
    assert!(focused().is_same_node(links.get(1).map(|l| l.as_ref())));
    press("k");
    assert!(focused().is_same_node(links.first().map(|l| l.as_ref())));
    press("ArrowDown");
    assert!(focused().is_same_node(links.get(1).map(|l| l.as_ref())));

    // The library has a search box: `/` focuses it.
    let search = find(&root, &format!("#{}", folio::web::reader::SEARCH_BOX_ID))
        .expect("the library's search box");
    press("/");
    assert!(focused().is_same_node(Some(&search)));
    focused()
        .dyn_into::<web_sys::HtmlElement>()
        .expect("an element")
        .blur()
        .expect("blur");
    finish(root, viewer);
}

#[wasm_bindgen_test]
async fn arrows_go_to_the_neighbouring_articles() {
    let (root, viewer) = mounted_at(&format!("#/a/{SHOWCASE_SLUG}")).await;
    let next = find(&root, "a[rel='next']").expect("a next article");
    let href = next.get_attribute("href").expect("href");
    press("ArrowRight");
    let moved =
        wait_until(|| window().location().hash().ok().as_deref() == Some(href.as_str())).await;
    assert!(moved, "→ opened {href}");
    finish(root, viewer);
    window().location().set_hash("#/").expect("hash");
}

#[wasm_bindgen_test]
async fn articles_get_contents_anchors_and_code_bars() {
    let (root, viewer) = mounted_at(&format!("#/a/{SHOWCASE_SLUG}")).await;
    let article = find(&root, "article.article").expect("article");
    assert_eq!(article.get_attribute("dir").as_deref(), Some("auto"));
    assert_eq!(all(&root, "h1").len(), 1, "one h1 per view");

    let toc_links = all(&root, "nav.toc a[data-heading]");
    assert!(toc_links.len() >= 2, "a contents for several headings");
    for link in &toc_links {
        let id = link.get_attribute("data-heading").expect("id");
        let heading = all(&root, ".article-body [id]")
            .into_iter()
            .find(|e| e.id() == id);
        assert!(heading.is_some(), "the contents link to #{id}");
        let href = link.get_attribute("href").expect("href");
        assert!(href.starts_with(&format!("#/a/{SHOWCASE_SLUG}/")), "{href}");
    }

    let anchors = all(&root, ".article-body .heading-anchor");
    assert_eq!(
        anchors.len(),
        all(&root, ".article-body :is(h2, h3, h4)[id]").len()
    );
    for anchor in &anchors {
        let label = anchor.get_attribute("aria-label").expect("a name");
        assert!(label.starts_with("Link to section: "), "{label}");
    }

    let bars = all(&root, ".code-block > .code-bar");
    assert_eq!(bars.len(), all(&root, ".article-body pre").len());
    let languages: Vec<String> = all(&root, ".code-lang")
        .iter()
        .filter_map(|l| l.text_content())
        .collect();
    assert!(languages.iter().any(|l| l == "rust"), "{languages:?}");
    for button in all(&root, ".code-copy") {
        assert!(button
            .get_attribute("aria-label")
            .is_some_and(|l| l.starts_with("Copy")));
    }
    finish(root, viewer);
}

#[wasm_bindgen_test]
async fn scrolling_highlights_the_current_section() {
    let (root, viewer) = mounted_at(&format!("#/a/{SHOWCASE_SLUG}")).await;
    let links = all(&root, "nav.toc a[data-heading]");
    let last = links.last().expect("links").clone();
    let id = last.get_attribute("data-heading").expect("id");
    window()
        .location()
        .set_hash(&format!("#/a/{SHOWCASE_SLUG}/{id}"))
        .expect("hash");
    let highlighted =
        wait_until(|| last.get_attribute("aria-current").as_deref() == Some("location")).await;
    assert!(highlighted, "the last section is current once scrolled to");
    let current = all(&root, "nav.toc a[aria-current]").len();
    assert_eq!(current, 1, "one current section");
    finish(root, viewer);
    window().location().set_hash("#/").expect("hash");
}

#[wasm_bindgen_test]
async fn positions_are_offered_back_and_marked_in_the_library() {
    web::init();
    let key = position::storage_key(SHOWCASE_SLUG);
    let (root, viewer) = mounted_at("#/").await;
    finish(root, viewer);

    storage().set_item(&key, "0.5").expect("store");
    storage()
        .set_item(&position::storage_key(SEED_SLUG), "0.2 read")
        .expect("store");
    window().location().set_hash("#/").expect("hash");
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    let mark = |slug: &str| {
        all(&root, ".card[data-slug]")
            .into_iter()
            .find(|card| card.get_attribute("data-slug").as_deref() == Some(slug))
            .and_then(|card| find(&card, ".reading-mark"))
            .and_then(|mark| mark.text_content())
    };
    assert_eq!(mark(SHOWCASE_SLUG).as_deref(), Some("In progress · 50%"));
    assert_eq!(mark(SEED_SLUG).as_deref(), Some("Read"));

    window()
        .location()
        .set_hash(&format!("#/a/{SHOWCASE_SLUG}"))
        .expect("hash");
    let offered = wait_until(|| find(&root, ".resume-button").is_some()).await;
    assert!(offered, "an article half read offers to continue");
    let button = find(&root, ".resume-button").expect("offer");
    assert!(button.text_content().unwrap_or_default().contains("(50%)"));
    click(&button);
    assert!(
        find(&root, ".resume-button").is_none(),
        "the offer goes once taken"
    );
    let scrolled = wait_until(|| window().scroll_y().unwrap_or(0.0) > 100.0).await;
    assert!(scrolled, "the page moved to where the reader left off");

    // Reading on is remembered (the save is throttled, and ignores the first moments).
    sleep(500).await;
    window().scroll_to_with_x_and_y(0.0, 1_000_000.0);
    let saved = wait_until(|| {
        storage()
            .get_item(&key)
            .ok()
            .flatten()
            .is_some_and(|stored| stored.ends_with(" read"))
    })
    .await;
    assert!(saved, "reaching the end stores the article as read");
    finish(root, viewer);
    window().location().set_hash("#/").expect("hash");
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[wasm_bindgen_test]
async fn leaving_an_article_right_after_scrolling_keeps_the_position() {
    let (root, viewer) = mounted_at(&format!("#/a/{SHOWCASE_SLUG}")).await;
    let key = position::storage_key(SHOWCASE_SLUG);
    // Past the moments after opening, in which scrolling is the viewer's own.
    sleep(500).await;
    let article = find(&root, "article.article").expect("article");
    let rect = article.get_bounding_client_rect();
    let viewport = window()
        .inner_height()
        .expect("height")
        .as_f64()
        .expect("number");
    let top = rect.top() + window().scroll_y().expect("scroll");
    window().scroll_to_with_x_and_y(0.0, top + 0.5 * (rect.height() - viewport));
    // One frame for the scroll event, far less than the save's throttle.
    sleep(30).await;
    window().location().set_hash("#/").expect("hash");
    let listed = wait_until(|| find(&root, ".card").is_some()).await;
    assert!(listed, "back in the library");
    let stored = storage()
        .get_item(&key)
        .expect("read")
        .expect("a stored position");
    let position = position::Position::parse(&stored).expect("a position");
    assert!(!position.read, "{stored}");
    assert!((0.3..0.7).contains(&position.fraction), "{stored}");
    finish(root, viewer);
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[wasm_bindgen_test]
fn body_headings_stay_below_the_title() {
    web::init();
    let markdown = "# First\n\nText.\n\n## Inner\n\n# Second\n\n###### Deepest\n";
    let article = folio::article::parse_article("articles/sections.md", markdown.as_bytes());
    let fragment = folio::web::view::body_fragment(&document(), &article, None).expect("body");
    let holder = document().create_element("div").expect("div");
    holder.append_child(&fragment).expect("append");
    let shape: Vec<(String, String)> = all(&holder, "h1, h2, h3, h4, h5, h6")
        .iter()
        .map(|h| (h.tag_name(), h.id()))
        .collect();
    // `# First` is the article's title, shown by the header and left out of the body;
    // `# Second` is a section, so every heading goes one level down.
    let expected: Vec<(String, String)> = [("H3", "inner"), ("H2", "second"), ("H6", "deepest")]
        .iter()
        .map(|(tag, id)| (tag.to_string(), id.to_string()))
        .collect();
    assert_eq!(shape, expected);
}

#[wasm_bindgen_test]
async fn unmounting_with_a_save_pending_throws_nothing_later() {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;

    let (root, viewer) = mounted_at(&format!("#/a/{SHOWCASE_SLUG}")).await;
    let errors = Rc::new(Cell::new(0));
    let counter = Rc::clone(&errors);
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        counter.set(counter.get() + 1);
    });
    window()
        .add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())
        .expect("listen");
    sleep(500).await;
    window().scroll_to_with_x_and_y(0.0, 400.0);
    sleep(30).await;
    finish(root, viewer);
    // Longer than the save's throttle: a timer left behind would fire now.
    sleep(500).await;
    window()
        .remove_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())
        .expect("unlisten");
    assert_eq!(errors.get(), 0, "an error was thrown after unmounting");
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[wasm_bindgen_test]
async fn with_two_viewers_a_shortcut_acts_in_one() {
    let (first_root, first) = mounted_at("#/").await;
    let second_root = fresh_container();
    let second = web::mount(&second_root).expect("mount");
    sleep(20).await;
    let active = || document().active_element();
    let first_box = find(&first_root, "input[type='search']").expect("first search box");
    let second_box = find(&second_root, "input[type='search']").expect("second search box");

    // Nothing focused: the first viewer on the page takes the key.
    press("/");
    assert_eq!(
        active(),
        Some(first_box.clone()),
        "/ focuses the first viewer's box"
    );

    // Focus in the second viewer: its own box, and the first viewer's stays as it was.
    first_box
        .unchecked_ref::<HtmlElement>()
        .blur()
        .expect("blur");
    let link = find(&second_root, ".card-title a").expect("a card in the second viewer");
    link.unchecked_ref::<HtmlElement>().focus().expect("focus");
    press_on(&link, "/", false);
    assert_eq!(
        active(),
        Some(second_box),
        "/ focuses the second viewer's own box"
    );

    // Focus in the embedding page's own controls: the key is theirs.
    let button = document().create_element("button").expect("button");
    document()
        .body()
        .expect("body")
        .append_child(&button)
        .expect("attach");
    button
        .unchecked_ref::<HtmlElement>()
        .focus()
        .expect("focus");
    press_on(&button, "/", false);
    assert_eq!(
        active(),
        Some(button.clone()),
        "a key in the page's own button stays there"
    );
    button.remove();

    second.unmount();
    second_root.remove();
    finish(first_root, first);
}
