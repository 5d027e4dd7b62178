//! Browser tests of the search: the box filters the library as you type, the state goes
//! to the URL and comes back from it, facets filter, an article opened from a result
//! highlights the query and `Esc` clears it, and `search()` returns plain objects.
//!
//! A long library (a catalog of 300 articles made here) is drawn a screenful first and
//! the rest in slices; read marks stay on cards when a search redraws the list; "Show more"
//! appends to the list on the page.
//!
//! Run with `wasm-pack test --headless --chrome`. The bundle is `articles/`: the seed news
//! article (2022) and the two Folio guides (2024 and 2026).

#![cfg(target_arch = "wasm32")]

use folio::web;
use folio::web::app;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, KeyboardEvent,
    KeyboardEventInit,
};

mod browser;
use browser::{document, fresh_container, long_catalog, sleep, wait_until, window};

wasm_bindgen_test_configure!(run_in_browser);

/// The slug `build.rs` gives `articles/000_f2e18ad958418c56.txt`.
const SEED_SLUG: &str = "000-f2e18ad958418c56";

/// Sets the location and mounts a viewer into a fresh element.
async fn mount_at(hash: &str) -> (Element, web::Viewer) {
    window().location().set_hash(hash).expect("set hash");
    sleep(20).await;
    let root = fresh_container();
    let viewer = web::mount(&root).expect("mount");
    (root, viewer)
}

async fn finish(root: Element, viewer: web::Viewer) {
    viewer.unmount();
    root.remove();
    window().location().set_hash("#/").expect("set hash");
    sleep(20).await;
}

fn search_box(root: &Element) -> HtmlInputElement {
    root.query_selector("input#folio-search")
        .expect("selector")
        .expect("a search box")
        .dyn_into()
        .expect("an input")
}

/// The slugs of the listed cards, in order.
fn listed(root: &Element) -> Vec<String> {
    let cards = root
        .query_selector_all(".search-results .library .card[data-slug]")
        .expect("selector");
    (0..cards.length())
        .filter_map(|i| cards.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .filter_map(|card| card.get_attribute("data-slug"))
        .collect()
}

fn status(root: &Element) -> String {
    root.query_selector(".search-status")
        .ok()
        .flatten()
        .and_then(|s| s.text_content())
        .unwrap_or_default()
}

fn search_ready(root: &Element) -> bool {
    root.query_selector(".search-form[data-search-ready]")
        .ok()
        .flatten()
        .is_some()
}

/// An `input` event as typing fires it: it bubbles (the viewer listens on its view).
fn input_event() -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict("input", &init).expect("event")
}

/// Types `text` into the box one character at a time, as a reader would.
async fn type_into(input: &HtmlInputElement, text: &str) {
    let mut typed = input.value();
    for c in text.chars() {
        typed.push(c);
        input.set_value(&typed);
        input.dispatch_event(&input_event()).expect("dispatch");
    }
    // One query per animation frame: let one run.
    sleep(50).await;
}

async fn clear(input: &HtmlInputElement) {
    input.set_value("");
    input.dispatch_event(&input_event()).expect("dispatch");
    sleep(50).await;
}

#[wasm_bindgen_test]
async fn the_box_filters_the_list_as_you_type() {
    let (root, viewer) = mount_at("#/").await;
    let input = search_box(&root);
    let label = root
        .query_selector("label[for='folio-search']")
        .expect("selector");
    assert!(label.is_some(), "the search box has a label");
    let everything = listed(&root);
    assert_eq!(
        everything.len(),
        3,
        "the whole library at first: {everything:?}"
    );

    type_into(&input, "strategic partnership").await;
    assert!(wait_until(|| listed(&root).first().map(String::as_str) == Some(SEED_SLUG)).await);
    assert_eq!(listed(&root), vec![SEED_SLUG.to_string()]);
    assert!(
        status(&root).starts_with("1 article matches"),
        "{}",
        status(&root)
    );
    let marks = root
        .query_selector_all(".search-results .snippet mark")
        .expect("selector");
    assert!(marks.length() > 0, "the snippet marks the matched words");
    assert_eq!(
        window().location().hash().expect("hash"),
        "#/?q=strategic%20partnership",
        "typing writes the query into the URL"
    );

    clear(&input).await;
    type_into(&input, "partnershp").await;
    assert!(wait_until(|| listed(&root) == vec![SEED_SLUG.to_string()]).await);

    clear(&input).await;
    type_into(&input, "zzqqxx").await;
    assert!(wait_until(|| listed(&root).is_empty()).await);
    assert!(
        status(&root).starts_with("No articles match"),
        "{}",
        status(&root)
    );

    clear(&input).await;
    assert!(
        wait_until(|| listed(&root).len() == 3).await,
        "clearing the box lists everything again"
    );
    finish(root, viewer).await;
}

#[wasm_bindgen_test]
async fn a_misspelt_word_offers_the_right_one() {
    let (root, viewer) = mount_at("#/?q=partnershp").await;
    assert!(wait_until(|| search_ready(&root)).await);
    // Found through the typo, and the right spelling offered as a link.
    assert_eq!(
        listed(&root),
        vec![SEED_SLUG.to_string()],
        "{}",
        status(&root)
    );
    let link = root
        .query_selector(".search-status a.search-suggestion")
        .expect("selector")
        .expect("a suggestion");
    assert_eq!(link.text_content().unwrap_or_default(), "partnership");
    assert_eq!(
        link.get_attribute("href").unwrap_or_default(),
        "#/?q=partnership"
    );
    assert!(
        status(&root).contains("Did you mean partnership?"),
        "{}",
        status(&root)
    );
    finish(root, viewer).await;
}

#[wasm_bindgen_test]
async fn the_url_state_round_trips() {
    let (root, viewer) = mount_at("#/?q=partnership&sort=title").await;
    assert!(wait_until(|| search_ready(&root)).await);
    assert_eq!(
        search_box(&root).value(),
        "partnership",
        "reload restores the query"
    );
    let sort: HtmlSelectElement = root
        .query_selector("select#folio-sort")
        .expect("selector")
        .expect("a sort select")
        .dyn_into()
        .expect("a select");
    assert_eq!(sort.value(), "title");
    assert_eq!(listed(&root), vec![SEED_SLUG.to_string()]);

    // Back and forward are hash changes within the library: the state follows them.
    window().location().set_hash("#/?q=").expect("set hash");
    assert!(wait_until(|| listed(&root).len() == 3).await);
    assert_eq!(search_box(&root).value(), "");
    window().history().expect("history").back().expect("back");
    assert!(wait_until(|| search_box(&root).value() == "partnership").await);
    assert!(wait_until(|| listed(&root).len() == 1).await);
    assert_eq!(sort.value(), "title");
    finish(root, viewer).await;
}

/// The checkbox of a facet value.
fn facet(root: &Element, facet: &str, value: &str) -> Option<HtmlInputElement> {
    root.query_selector(&format!("input[data-facet='{facet}'][value='{value}']"))
        .ok()
        .flatten()
        .and_then(|input| input.dyn_into().ok())
}

fn facet_count(input: &HtmlInputElement) -> Option<String> {
    input
        .parent_element()
        .and_then(|label| label.query_selector(".facet-count").ok().flatten())
        .and_then(|c| c.text_content())
}

#[wasm_bindgen_test]
async fn facets_filter_and_combine() {
    let (root, viewer) = mount_at("#/").await;
    assert!(
        wait_until(|| search_ready(&root)).await,
        "the index is built after the first paint"
    );
    assert_eq!(listed(&root).len(), 3);
    let year = facet(&root, "year", "2022").expect("a 2022 year facet");
    assert_eq!(facet_count(&year).as_deref(), Some("1"));
    let tag = facet(&root, "tag", "guide").expect("a guide tag facet");
    assert_eq!(facet_count(&tag).as_deref(), Some("2"));

    tag.click();
    assert!(wait_until(|| listed(&root).len() == 2).await);
    assert!(!listed(&root).contains(&SEED_SLUG.to_string()));
    assert_eq!(window().location().hash().expect("hash"), "#/?tag=guide");
    // Combined with a second facet and with a query.
    let formats = facet(&root, "tag", "formats").expect("a formats tag facet");
    assert!(!formats.checked());
    let year = facet(&root, "year", "2026").expect("a 2026 year facet");
    assert_eq!(facet_count(&year).as_deref(), Some("2"));
    year.click();
    assert!(
        wait_until(|| window().location().hash().unwrap_or_default() == "#/?tag=guide&year=2026")
            .await
    );
    assert_eq!(listed(&root).len(), 2);
    assert!(facet(&root, "tag", "guide").is_some_and(|tag| tag.checked()));
    let input = search_box(&root);
    type_into(&input, "partnership").await;
    assert!(
        wait_until(|| listed(&root).is_empty()).await,
        "the query combines with the facets"
    );
    assert!(
        status(&root).contains("Try removing a filter"),
        "{}",
        status(&root)
    );

    // Facet changes are history entries; typing replaced the last one.
    window().history().expect("history").back().expect("back");
    assert!(wait_until(|| listed(&root).len() == 2).await);
    assert_eq!(window().location().hash().expect("hash"), "#/?tag=guide");
    assert_eq!(search_box(&root).value(), "");
    window().history().expect("history").back().expect("back");
    assert!(wait_until(|| listed(&root).len() == 3).await);
    finish(root, viewer).await;
}

#[wasm_bindgen_test]
async fn an_article_opened_from_a_result_highlights_the_query_and_esc_clears_it() {
    let (root, viewer) = mount_at("#/").await;
    let input = search_box(&root);
    type_into(&input, "strategic partnership").await;
    assert!(wait_until(|| listed(&root) == vec![SEED_SLUG.to_string()]).await);
    let link: web_sys::HtmlElement = root
        .query_selector(".search-results .card-title a")
        .expect("selector")
        .expect("a result link")
        .dyn_into()
        .expect("a link");
    assert_eq!(
        link.get_attribute("href").unwrap_or_default(),
        format!("#/a/{SEED_SLUG}?q=strategic%20partnership")
    );
    let body_text = || {
        root.query_selector(".article-body")
            .ok()
            .flatten()
            .and_then(|b| b.text_content())
            .unwrap_or_default()
    };
    link.click();
    let marks = || {
        root.query_selector_all(".article-body mark.search-hit")
            .map(|m| m.length())
            .unwrap_or(0)
    };
    assert!(
        wait_until(|| marks() > 0).await,
        "the article highlights the query"
    );
    let first = root
        .query_selector(".article-body mark.search-hit")
        .expect("selector")
        .and_then(|m| m.text_content())
        .unwrap_or_default()
        .to_lowercase();
    assert!(first == "strategic" || first == "partnership", "{first}");
    let highlighted = body_text();

    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    document()
        .body()
        .expect("body")
        .dispatch_event(&escape)
        .expect("dispatch");
    assert!(
        wait_until(|| marks() == 0).await,
        "Esc clears the highlights"
    );
    assert_eq!(
        body_text(),
        highlighted,
        "the text is unchanged by highlighting"
    );
    assert_eq!(
        window().location().hash().expect("hash"),
        format!("#/a/{SEED_SLUG}"),
        "the query leaves the article's URL"
    );
    finish(root, viewer).await;
}

#[wasm_bindgen_test]
fn search_returns_plain_objects() {
    web::init();
    let results = web::search("partnershp", JsValue::UNDEFINED).expect("search");
    assert!(results.is_instance_of::<Object>());
    let hits: Array = Reflect::get(&results, &"hits".into())
        .expect("hits")
        .dyn_into()
        .expect("an array");
    let first = hits.get(0);
    assert_eq!(
        Reflect::get(&first, &"slug".into())
            .expect("slug")
            .as_string()
            .as_deref(),
        Some(SEED_SLUG)
    );
    let snippet: Array = Reflect::get(&first, &"snippet".into())
        .expect("snippet")
        .dyn_into()
        .expect("segments");
    assert!(snippet.length() > 0);

    let options = Object::new();
    let years = Array::of1(&JsValue::from(2026));
    Reflect::set(&options, &"years".into(), &years).expect("set");
    Reflect::set(&options, &"sort".into(), &"title".into()).expect("set");
    let results = web::search("", options.into()).expect("search");
    let total = Reflect::get(&results, &"total".into())
        .expect("total")
        .as_f64();
    assert_eq!(total, Some(2.0));

    let bad = Object::new();
    Reflect::set(&bad, &"sort".into(), &"sideways".into()).expect("set");
    let error = web::search("x", bad.into()).expect_err("a bad sort is an error");
    assert!(error.is_instance_of::<js_sys::Error>());
}

fn local_storage() -> web_sys::Storage {
    window()
        .local_storage()
        .expect("storage")
        .expect("a local storage")
}

/// The class of the reading mark on the listed card of `slug`, if it has one.
fn mark_of(root: &Element, slug: &str) -> Option<String> {
    let cards = root
        .query_selector_all(".search-results .library .card[data-slug]")
        .expect("selector");
    (0..cards.length())
        .filter_map(|i| cards.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .find(|card| card.get_attribute("data-slug").as_deref() == Some(slug))
        .and_then(|card| card.query_selector(".reading-mark").ok().flatten())
        .map(|mark| mark.class_name())
}

#[wasm_bindgen_test]
async fn read_marks_stay_when_a_search_redraws_the_list() {
    let seed_key = format!("folio.position.{SEED_SLUG}");
    local_storage()
        .set_item(&seed_key, "1.0000 read")
        .expect("store");
    let (root, viewer) = mount_at("#/").await;
    assert_eq!(
        mark_of(&root, SEED_SLUG).as_deref(),
        Some("reading-mark read"),
        "the library marks the read article"
    );
    let input = search_box(&root);
    type_into(&input, "partnership").await;
    assert!(wait_until(|| listed(&root).first().map(String::as_str) == Some(SEED_SLUG)).await);
    assert_eq!(
        mark_of(&root, SEED_SLUG).as_deref(),
        Some("reading-mark read"),
        "a result keeps its mark"
    );
    clear(&input).await;
    assert!(wait_until(|| listed(&root).len() == 3).await);
    assert_eq!(
        mark_of(&root, SEED_SLUG).as_deref(),
        Some("reading-mark read"),
        "and so does the whole list drawn again"
    );
    let marks = root
        .query_selector_all(".reading-mark")
        .expect("selector")
        .length();
    assert_eq!(marks, 1, "one mark, not one per drawing");
    local_storage().remove_item(&seed_key).expect("forget");
    finish(root, viewer).await;
}

#[wasm_bindgen_test]
async fn a_long_library_comes_a_screenful_first_then_whole() {
    web::init();
    window().location().set_hash("#/").expect("set hash");
    sleep(20).await;
    local_storage()
        .set_item("folio.position.long-010", "0.5000")
        .expect("store");
    let root = fresh_container();
    let id = app::mount_catalog(&root, long_catalog(300)).expect("mount");
    let at_first = listed(&root).len();
    assert!(
        at_first > 0 && at_first < 300,
        "the first paint carries a screenful, not all 300: {at_first}"
    );
    assert!(
        wait_until(|| listed(&root).len() == 300).await,
        "then the rest: {}",
        listed(&root).len()
    );
    let expected: Vec<String> = (0..300).rev().map(|i| format!("long-{i:03}")).collect();
    assert_eq!(listed(&root), expected, "newest first, each once");
    let items = root
        .query_selector_all("[role='list'] > * > [role='listitem']")
        .expect("selector");
    assert_eq!(items.length(), 300, "every card is an item of one list");
    let last: Element = items.item(299).expect("item").dyn_into().expect("element");
    assert_eq!(
        (
            last.get_attribute("aria-posinset").as_deref(),
            last.get_attribute("aria-setsize").as_deref()
        ),
        (Some("300"), Some("300")),
        "each item says its place in the whole list"
    );
    assert_eq!(
        mark_of(&root, "long-010").as_deref(),
        Some("reading-mark in-progress"),
        "cards drawn late carry their marks too"
    );
    local_storage()
        .remove_item("folio.position.long-010")
        .expect("forget");

    // A search replaces the long list at once; the old one is hidden, then goes in parts.
    let input = search_box(&root);
    type_into(&input, "harbour").await;
    assert_eq!(listed(&root).len(), 20, "a page of results, alone in view");
    let retired = || {
        root.query_selector_all(".library-retired")
            .map(|found| found.length())
            .unwrap_or(0)
    };
    assert!(
        wait_until(|| retired() == 0).await,
        "the old list is removed"
    );
    assert_eq!(listed(&root).len(), 20);
    app::unmount(id);
    root.remove();
}

/// A fresh library of 300 articles that all match "harbour", mounted at `#/`, with
/// "harbour" typed and its first page of 20 results shown.
async fn long_library_searching_harbour() -> (Element, u32, HtmlInputElement) {
    web::init();
    window().location().set_hash("#/").expect("set hash");
    sleep(20).await;
    let root = fresh_container();
    let id = app::mount_catalog(&root, long_catalog(300)).expect("mount");
    let input = search_box(&root);
    type_into(&input, "harbour").await;
    assert!(
        wait_until(|| listed(&root).len() == 20).await,
        "a page of results"
    );
    (root, id, input)
}

#[wasm_bindgen_test]
async fn show_more_appends_to_the_results_on_the_page() {
    let (root, id, _) = long_library_searching_harbour().await;
    assert!(
        status(&root).starts_with("300 articles match"),
        "{}",
        status(&root)
    );
    let first_card = root
        .query_selector(".search-results .card")
        .expect("selector")
        .expect("a card");
    let more: web_sys::HtmlElement = root
        .query_selector(".search-more-button")
        .expect("selector")
        .expect("a Show more button")
        .dyn_into()
        .expect("a button");
    more.focus().expect("focus");
    more.click();
    assert!(
        wait_until(|| listed(&root).len() == 40).await,
        "a second page"
    );
    let still_first = root
        .query_selector(".search-results .card")
        .expect("selector")
        .expect("a card");
    assert!(
        first_card.is_same_node(Some(&still_first)),
        "the first page stays on the page"
    );
    let twenty_first = root
        .query_selector_all(".search-results .card-title a")
        .expect("selector")
        .item(20)
        .expect("a 21st result");
    let active = document().active_element().expect("focus somewhere");
    assert!(
        twenty_first.is_same_node(Some(&active)),
        "focus moves to the first new result"
    );
    app::unmount(id);
    root.remove();
    window().location().set_hash("#/").expect("set hash");
    sleep(20).await;
}

/// The list item holding the card of `slug`, if it is listed.
fn item_of(root: &Element, slug: &str) -> Option<Element> {
    let items = root
        .query_selector_all(".search-results .library .library-item")
        .expect("selector");
    (0..items.length())
        .filter_map(|i| items.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .find(|item| {
            item.query_selector(".card")
                .ok()
                .flatten()
                .and_then(|card| card.get_attribute("data-slug"))
                .as_deref()
                == Some(slug)
        })
}

#[wasm_bindgen_test]
async fn typing_updates_the_results_in_place() {
    let (root, id, input) = long_library_searching_harbour().await;
    let first = listed(&root);
    let items: Vec<Element> = first
        .iter()
        .map(|slug| item_of(&root, slug).expect("an item"))
        .collect();
    let year = first[3]
        .trim_start_matches("long-")
        .parse::<i32>()
        .expect("a number")
        + 1800;
    assert!(
        wait_until(|| facet(&root, "year", &year.to_string()).is_some()).await,
        "the facets follow the results"
    );

    type_into(&input, " log").await;
    let links_follow = || {
        root.query_selector_all(".search-results .card-title a")
            .map(|links| {
                links.length() == 20
                    && (0..links.length()).all(|i| {
                        links
                            .item(i)
                            .and_then(|link| link.dyn_into::<Element>().ok())
                            .and_then(|link| link.get_attribute("href"))
                            .is_some_and(|href| href.ends_with("?q=harbour%20log"))
                    })
            })
            .unwrap_or(false)
    };
    assert!(
        wait_until(links_follow).await,
        "every link carries the new query"
    );
    for (slug, item) in first.iter().zip(&items) {
        if let Some(now) = item_of(&root, slug) {
            assert!(
                now.is_same_node(Some(item)),
                "{slug} stays in the results, and keeps its element"
            );
        }
    }
    assert_eq!(
        facet(&root, "year", &year.to_string())
            .as_ref()
            .and_then(facet_count)
            .as_deref(),
        Some("1")
    );

    // Fewer results: the ones that stay keep their elements, the others go, and the
    // page is whole, so "Show more" goes too.
    let before = listed(&root);
    type_into(&input, " 29").await;
    let narrowed = || {
        let now = listed(&root);
        !now.is_empty()
            && now.len() < 20
            && now.iter().all(|slug| {
                item_of(&root, slug)
                    .and_then(|item| item.query_selector(".card-title a").ok().flatten())
                    .and_then(|link| link.get_attribute("href"))
                    .is_some_and(|href| href.ends_with("?q=harbour%20log%2029"))
            })
    };
    assert!(wait_until(narrowed).await, "{:?}", listed(&root));
    let kept = listed(&root);
    assert!(
        kept.iter().any(|slug| before.contains(slug)),
        "some results stay: {kept:?}"
    );
    // The facets follow in their own task: one year per result (each has its own).
    let years_follow = || {
        let shown = root
            .query_selector_all("input[data-facet='year']")
            .map(|found| found.length() as usize)
            .unwrap_or(0);
        shown == kept.len()
            && kept.iter().all(|slug| {
                let number: i32 = slug.trim_start_matches("long-").parse().unwrap_or(-1);
                facet(&root, "year", &(number + 1800).to_string()).is_some()
            })
    };
    assert!(
        wait_until(years_follow).await,
        "the facets follow the results"
    );
    assert!(root
        .query_selector(".search-more")
        .expect("selector")
        .is_none());
    let kept_items: Vec<Element> = kept
        .iter()
        .map(|slug| item_of(&root, slug).expect("an item"))
        .collect();

    // Another order of the same results: the items move, each saying its new place.
    let sort: HtmlSelectElement = root
        .query_selector("select#folio-sort")
        .expect("selector")
        .expect("a sort select")
        .dyn_into()
        .expect("a select");
    sort.set_value("oldest");
    let init = EventInit::new();
    init.set_bubbles(true);
    sort.dispatch_event(&Event::new_with_event_init_dict("change", &init).expect("event"))
        .expect("dispatch");
    let mut oldest = kept.clone();
    oldest.sort();
    assert_ne!(oldest, kept, "the test needs an order that changes");
    assert!(
        wait_until(|| listed(&root) == oldest).await,
        "{:?}",
        listed(&root)
    );
    for (slug, item) in kept.iter().zip(&kept_items) {
        assert!(
            item_of(&root, slug).is_some_and(|now| now.is_same_node(Some(item))),
            "{slug} moved, not drawn again"
        );
    }
    let places = root
        .query_selector_all(".search-results [role='listitem']")
        .expect("selector");
    assert_eq!(
        places.length() as usize,
        kept.len(),
        "no item is left behind"
    );
    let set_size = kept.len().to_string();
    for i in 0..places.length() {
        let item: Element = places.item(i).expect("item").dyn_into().expect("element");
        assert_eq!(
            item.get_attribute("aria-posinset"),
            Some((i + 1).to_string())
        );
        assert_eq!(
            item.get_attribute("aria-setsize").as_deref(),
            Some(set_size.as_str())
        );
    }
    app::unmount(id);
    root.remove();
    window().location().set_hash("#/").expect("set hash");
    sleep(20).await;
}

#[wasm_bindgen_test]
async fn an_article_opened_from_a_result_scrolls_to_its_first_match() {
    use folio::catalog::{Catalog, Source};
    use std::borrow::Cow;
    web::init();
    window().location().set_hash("#/").expect("set hash");
    sleep(20).await;
    let filler = "Plain words, nothing to find here.\n\n".repeat(400);
    let text = format!("---\ntitle: Far down\n---\n\n{filler}The zephyrine sentence.\n");
    let catalog = Catalog::from_sources(vec![Source {
        path: Cow::Borrowed("articles/far.md"),
        slug: Cow::Borrowed("far"),
        bytes: Cow::Owned(text.into_bytes()),
    }]);
    let root = fresh_container();
    let id = app::mount_catalog(&root, std::rc::Rc::new(catalog)).expect("mount");
    window()
        .location()
        .set_hash("#/a/far?q=zephyrine")
        .expect("set hash");
    let height = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let in_view = || {
        root.query_selector(".article-body mark.search-hit")
            .ok()
            .flatten()
            .is_some_and(|mark| {
                let rect = mark.get_bounding_client_rect();
                rect.top() >= 0.0 && rect.bottom() <= height
            })
    };
    assert!(
        wait_until(in_view).await,
        "the first match, far down the article, is on the screen"
    );
    app::unmount(id);
    root.remove();
    window().location().set_hash("#/").expect("set hash");
    window().scroll_to_with_x_and_y(0.0, 0.0);
    sleep(20).await;
}

#[wasm_bindgen_test]
async fn two_viewers_on_a_page_have_their_own_ids_and_searches() {
    let (first_root, first) = mount_at("#/").await;
    let second_root = fresh_container();
    let second = web::mount(&second_root).expect("mount");
    let ids_in = |root: &Element| -> Vec<String> {
        let found = root.query_selector_all("[id]").expect("selector");
        (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|node| node.dyn_into::<Element>().ok())
            .map(|element| element.id())
            .collect()
    };
    let mut all = ids_in(&first_root);
    all.extend(ids_in(&second_root));
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "no id is used twice: {all:?}");
    for root in [&first_root, &second_root] {
        // Each viewer's labels and references point into that viewer.
        let references = root
            .query_selector_all("label[for], [aria-controls], [aria-describedby]")
            .expect("selector");
        for i in 0..references.length() {
            let element: Element = references
                .item(i)
                .expect("item")
                .dyn_into()
                .expect("element");
            for attribute in ["for", "aria-controls", "aria-describedby"] {
                if let Some(target) = element.get_attribute(attribute) {
                    let inside = document()
                        .get_element_by_id(&target)
                        .is_some_and(|found| root.contains(Some(&found)));
                    assert!(inside, "{attribute}={target} points out of its viewer");
                }
            }
        }
    }
    let second_box = search_box_in(&second_root);
    type_into(&second_box, "partnership").await;
    assert!(wait_until(|| listed(&second_root) == vec![SEED_SLUG.to_string()]).await);
    assert_eq!(
        listed(&first_root).len(),
        3,
        "the other viewer's list stays"
    );
    second.unmount();
    second_root.remove();
    finish(first_root, first).await;
}

fn search_box_in(root: &Element) -> HtmlInputElement {
    root.query_selector("input[type='search']")
        .expect("selector")
        .expect("a search box")
        .dyn_into()
        .expect("an input")
}
