//! Browser tests: what needs a DOM (mounting, routing, focus, the sanitiser walk).
//!
//! Run with `wasm-pack test --headless --chrome` (options for Chrome in `webdriver.json`).
//! Everything else is tested natively. `start` does not run here: tests call `init`.
//! The XSS suite is in tests/web_xss.rs, its vectors in tests/fixtures/xss/vectors.txt.

#![cfg(target_arch = "wasm32")]

use folio::web;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

mod browser;
use browser::{document, fresh_container, long_catalog, sleep, wait_until, window};

wasm_bindgen_test_configure!(run_in_browser);

/// The slug `build.rs` gives `articles/000_f2e18ad958418c56.txt`.
const SEED_SLUG: &str = "000-f2e18ad958418c56";
const SEED_TITLE_START: &str = "Beijing to maintain strategic partnership with Russia";

/// Navigates to `hash` and waits for the viewer in `root` to show the heading `expected`.
async fn go_to(hash: &str, root: &Element, expected: &str) {
    window().location().set_hash(hash).expect("set hash");
    let arrived = wait_until(|| main_heading(root).starts_with(expected)).await;
    assert!(
        arrived,
        "{hash}: expected heading {expected:?}, found {:?}",
        main_heading(root)
    );
}

fn main_heading(root: &Element) -> String {
    root.query_selector("main h1")
        .ok()
        .flatten()
        .and_then(|h1| h1.text_content())
        .unwrap_or_default()
}

fn active_element_is_main_heading(root: &Element) -> bool {
    let h1 = root.query_selector("main h1").ok().flatten();
    let active = document().active_element();
    matches!((h1, active), (Some(h1), Some(active)) if h1.is_same_node(Some(&active)))
}

/// Puts the location back at the library so tests do not depend on their order.
async fn reset_location() {
    window().location().set_hash("#/").expect("set hash");
    sleep(20).await;
}

#[wasm_bindgen_test]
fn init_can_be_called_twice() {
    web::init();
    web::init();
}

#[wasm_bindgen_test]
fn articles_are_plain_objects_with_the_declared_fields() {
    let articles: Array = web::articles()
        .expect("articles")
        .dyn_into()
        .expect("an array");
    assert!(articles.length() >= 1);
    let seed = articles
        .iter()
        .find(|entry| {
            Reflect::get(entry, &"slug".into())
                .ok()
                .and_then(|slug| slug.as_string())
                .as_deref()
                == Some(SEED_SLUG)
        })
        .expect("the seed article is listed");
    assert_eq!(
        Object::get_prototype_of(&seed),
        Object::get_prototype_of(&Object::new()),
        "a plain object, not a Map"
    );
    let mut keys: Vec<String> = Object::keys(seed.unchecked_ref::<Object>())
        .iter()
        .filter_map(|key| key.as_string())
        .collect();
    keys.sort();
    // The fields the TypeScript interface `ArticleEntry` in src/web/mod.rs declares.
    let mut declared = vec![
        "id",
        "slug",
        "path",
        "format",
        "title",
        "date",
        "updated",
        "authors",
        "publication",
        "source_url",
        "tags",
        "excerpt",
        "reading_minutes",
        "lang",
        "dir",
        "draft",
        "diagnostics",
    ];
    declared.sort();
    assert_eq!(keys, declared);
    let title = Reflect::get(&seed, &"title".into()).expect("title");
    assert!(title
        .as_string()
        .expect("a string")
        .starts_with(SEED_TITLE_START));
    assert_eq!(
        Reflect::get(&seed, &"format".into())
            .expect("format")
            .as_string()
            .as_deref(),
        Some("news")
    );
    assert!(Reflect::get(&seed, &"updated".into())
        .expect("updated")
        .is_null());
}

#[wasm_bindgen_test]
fn render_article_returns_the_sanitised_page() {
    let html = web::render_article(SEED_SLUG).expect("the seed renders");
    assert!(html.starts_with("<article class=\"article\""), "{html}");
    assert!(html.contains(SEED_TITLE_START));
    assert!(html.contains("<div class=\"article-body\"><p class=\"standfirst\">"));
    assert!(html.contains("← All articles"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
}

#[wasm_bindgen_test]
fn render_article_throws_an_error_for_an_unknown_slug() {
    let thrown = web::render_article("no-such-article").expect_err("unknown slug");
    let error: &js_sys::Error = thrown.dyn_ref().expect("a real Error object");
    assert!(String::from(error.message()).contains("no-such-article"));
}

#[wasm_bindgen_test]
async fn mounting_shows_the_library() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    assert_eq!(main_heading(&root), "Articles");
    assert_eq!(document().title(), "Folio");
    let link = root
        .query_selector(&format!("main .library a[href=\"#/a/{SEED_SLUG}\"]"))
        .expect("selector")
        .expect("the seed is linked from the library");
    assert!(link
        .text_content()
        .unwrap_or_default()
        .starts_with(SEED_TITLE_START));
    assert!(root
        .query_selector(".folio-skip-link")
        .expect("selector")
        .is_some());
    // The first render does not steal focus: the skip link stays the first stop.
    assert!(!active_element_is_main_heading(&root));
    assert!(viewer.unmount());
    assert!(!viewer.unmount(), "a second unmount finds nothing");
    assert_eq!(root.child_element_count(), 0);
    root.remove();
}

#[wasm_bindgen_test]
async fn routes_to_an_article_and_back() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");

    go_to(&format!("#/a/{SEED_SLUG}"), &root, SEED_TITLE_START).await;
    let title = document().title();
    assert!(title.starts_with(SEED_TITLE_START), "{title}");
    assert!(title.ends_with(" — Folio"), "{title}");
    // In the frame that lays the new view out (focusing before would force that layout).
    assert!(
        wait_until(|| active_element_is_main_heading(&root)).await,
        "focus moves to the new view's heading"
    );
    assert!(root
        .query_selector("main article .article-body p")
        .expect("selector")
        .is_some());
    assert!(root
        .query_selector("main a[href=\"#/\"]")
        .expect("selector")
        .is_some());

    window().history().expect("history").back().expect("back");
    let back = wait_until(|| main_heading(&root) == "Articles").await;
    assert!(
        back,
        "back returns to the library, found {:?}",
        main_heading(&root)
    );
    assert_eq!(document().title(), "Folio");
    assert!(active_element_is_main_heading(&root));

    window()
        .history()
        .expect("history")
        .forward()
        .expect("forward");
    let forward = wait_until(|| main_heading(&root).starts_with(SEED_TITLE_START)).await;
    assert!(forward, "forward returns to the article");

    viewer.unmount();
    root.remove();
    reset_location().await;
}

#[wasm_bindgen_test]
async fn returning_to_the_library_restores_its_scroll_position() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    // Room to scroll, after the viewer.
    let spacer = document().create_element("div").expect("div");
    spacer
        .set_attribute("style", "height: 5000px")
        .expect("style");
    document()
        .body()
        .expect("body")
        .append_child(&spacer)
        .expect("spacer");
    let viewer = web::mount(&root).expect("mount");
    // The root's top in document coordinates (its offset parent is the body).
    let library_top = f64::from(root.unchecked_ref::<web_sys::HtmlElement>().offset_top());
    let reading_position = library_top + 300.0;
    window().scroll_to_with_x_and_y(0.0, reading_position);

    go_to(&format!("#/a/{SEED_SLUG}"), &root, SEED_TITLE_START).await;
    // Scrolled in the frame that lays the article out.
    let at_top = || (window().scroll_y().unwrap_or(f64::NAN) - library_top).abs() < 2.0;
    assert!(
        wait_until(at_top).await,
        "the article opens at its top: {:?}",
        window().scroll_y()
    );

    window().history().expect("history").back().expect("back");
    assert!(wait_until(|| main_heading(&root) == "Articles").await);
    let restored = window().scroll_y().expect("y");
    assert!(
        (restored - reading_position).abs() < 2.0,
        "back where the reader was: {restored}"
    );

    viewer.unmount();
    root.remove();
    spacer.remove();
    reset_location().await;
}

#[wasm_bindgen_test]
async fn a_long_library_scrolls_back_to_a_card_far_down() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let id = web::app::mount_catalog(&root, long_catalog(300)).expect("mount");
    let cards = || {
        root.query_selector_all(".card")
            .map(|c| c.length())
            .unwrap_or(0)
    };
    assert!(wait_until(|| cards() == 300).await, "the whole library");
    // A card far below the first screenful, which the library draws later.
    let far: web_sys::HtmlElement = root
        .query_selector(".card[data-slug='long-050']")
        .expect("selector")
        .expect("the card")
        .dyn_into()
        .expect("an element");
    far.scroll_into_view();
    window().scroll_by_with_x_and_y(0.0, -40.0);
    let far_down = window().scroll_y().expect("y");
    assert!(far_down > 5000.0, "far down: {far_down}");
    let card_top = || {
        root.query_selector(".card[data-slug='long-050']")
            .ok()
            .flatten()
            .map(|card| card.get_bounding_client_rect().top())
    };
    let before = card_top().expect("the card");

    go_to("#/a/long-050", &root, "Harbour log 050").await;
    window().history().expect("history").back().expect("back");
    assert!(wait_until(|| main_heading(&root) == "Articles").await);
    let after = card_top().expect("the card, drawn again at once");
    assert!(
        (after - before).abs() < 2.0,
        "the card is where it was on the screen, {before}: {after}"
    );

    web::app::unmount(id);
    root.remove();
    reset_location().await;
}

#[wasm_bindgen_test]
async fn unknown_routes_and_slugs_show_not_found() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    for hash in ["#/a/no-such-article", "#/nowhere", "#/a/x/y/z"] {
        go_to(hash, &root, "Not found").await;
        assert_eq!(document().title(), "Not found — Folio");
        assert!(
            root.query_selector("main a[href=\"#/\"]")
                .expect("selector")
                .is_some(),
            "{hash}: a way back"
        );
        go_to("#/", &root, "Articles").await;
    }
    viewer.unmount();
    root.remove();
}

#[wasm_bindgen_test]
async fn in_page_anchors_leave_the_view_alone() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    go_to(&format!("#/a/{SEED_SLUG}"), &root, SEED_TITLE_START).await;
    let article = root
        .query_selector("main article")
        .expect("selector")
        .expect("article");
    window().location().set_hash("#fn-1").expect("set hash");
    sleep(50).await;
    let still = root
        .query_selector("main article")
        .expect("selector")
        .expect("article");
    assert!(
        article.is_same_node(Some(&still)),
        "the article was not rebuilt"
    );
    viewer.unmount();
    root.remove();
    reset_location().await;
}

#[wasm_bindgen_test]
async fn unmounted_viewers_stop_listening() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    viewer.unmount();
    window()
        .location()
        .set_hash(&format!("#/a/{SEED_SLUG}"))
        .expect("hash");
    sleep(50).await;
    assert_eq!(
        root.child_element_count(),
        0,
        "nothing was rendered after unmount"
    );
    root.remove();
    reset_location().await;
}

#[wasm_bindgen_test]
async fn mounting_twice_replaces_the_first_viewer() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let first = web::mount(&root).expect("mount");
    let second = web::mount(&root).expect("mount again");
    assert_eq!(
        root.query_selector_all("main").expect("selector").length(),
        1
    );
    assert!(!first.unmount(), "the first viewer was replaced");
    assert!(second.unmount());
    root.remove();
}

#[wasm_bindgen_test]
async fn deep_links_reveal_a_heading() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    go_to(&format!("#/a/{SEED_SLUG}"), &root, SEED_TITLE_START).await;
    // Give a paragraph of the body an id, as a heading would have, and link to it.
    let paragraph = root
        .query_selector("main .article-body p:last-of-type")
        .expect("selector")
        .expect("a paragraph");
    paragraph.set_id("target-paragraph");
    window()
        .location()
        .set_hash(&format!("#/a/{SEED_SLUG}/target-paragraph"))
        .expect("hash");
    let focused = wait_until(|| {
        document()
            .active_element()
            .is_some_and(|active| active.is_same_node(Some(&paragraph)))
    })
    .await;
    assert!(focused, "the deep-linked element has focus");
    viewer.unmount();
    root.remove();
    reset_location().await;
}

#[wasm_bindgen_test]
fn sanitiser_keeps_the_renderers_vocabulary() {
    let html = "<h2 id=\"intro\">Intro</h2><p>A <em>b</em> <strong>c</strong> <code>d</code> \
                <a href=\"https://example.com/\">e</a> <sup>1</sup></p>\
                <ul><li><input type=\"checkbox\" checked disabled> done</li></ul>\
                <table><thead><tr><th style=\"text-align: right\">n</th></tr></thead>\
                <tbody><tr><td>1</td></tr></tbody></table>\
                <blockquote><p>q</p></blockquote><pre><code class=\"language-rust\">fn x() {}</code></pre>\
                <details><summary>s</summary>t</details><p><kbd>K</kbd> <mark>m</mark> <abbr title=\"t\">a</abbr></p>";
    let fragment = web::sanitize::sanitized_fragment(&document(), html).expect("sanitise");
    let holder = document().create_element("div").expect("div");
    holder.append_child(&fragment).expect("insert");
    let out = holder.inner_html();
    for kept in [
        "<h2 id=\"intro\">Intro</h2>",
        "<em>b</em>",
        "<a href=\"https://example.com/\" rel=\"noreferrer\">e</a>",
        "<sup>1</sup>",
        "<input type=\"checkbox\" checked=\"\" disabled=\"\">",
        "<th class=\"align-right\">n</th>",
        "<blockquote><p>q</p></blockquote>",
        "<code class=\"language-rust\">fn x() {}</code>",
        "<details><summary>s</summary>t</details>",
        "<kbd>K</kbd>",
        "<abbr title=\"t\">a</abbr>",
    ] {
        assert!(out.contains(kept), "{kept} missing from {out}");
    }
}

#[wasm_bindgen_test]
fn sanitiser_unwraps_unknown_elements_and_keeps_their_text() {
    let fragment = web::sanitize::sanitized_fragment(
        &document(),
        "<p><font color=red>a<custom-tag>b<i>c</i></custom-tag></font>d<!-- gone --></p>",
    )
    .expect("sanitise");
    let holder = document().create_element("div").expect("div");
    holder.append_child(&fragment).expect("insert");
    assert_eq!(holder.inner_html(), "<p>ab<i>c</i>d</p>");
}

#[wasm_bindgen_test]
fn sanitiser_survives_deep_nesting() {
    let depth = 5000;
    let html = format!(
        "{}deep{}",
        "<div><span>".repeat(depth),
        "</span></div>".repeat(depth)
    );
    let fragment = web::sanitize::sanitized_fragment(&document(), &html).expect("sanitise");
    let holder = document().create_element("div").expect("div");
    holder.append_child(&fragment).expect("insert");
    assert_eq!(holder.text_content().as_deref(), Some("deep"));
}

/// What the panic hook does (a panic itself would abort the test module on wasm32).
#[wasm_bindgen_test]
async fn the_panic_display_shows_the_error_view_in_mounted_viewers() {
    web::init();
    reset_location().await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    web::app::show_error_everywhere("panicked at src/x.rs:1:1: deliberate <b>");
    let view = root
        .query_selector("main")
        .expect("selector")
        .expect("main");
    let text = view.text_content().unwrap_or_default();
    assert!(text.contains("Something went wrong"), "{text}");
    assert!(
        text.contains("deliberate <b>"),
        "the message, as text: {text}"
    );
    assert!(view.query_selector("b").expect("selector").is_none());
    assert!(view
        .query_selector("a[href=\"#/\"]")
        .expect("selector")
        .is_some());
    viewer.unmount();
    root.remove();
}
