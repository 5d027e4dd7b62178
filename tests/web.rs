//! Browser tests: what needs a DOM (mounting, routing, focus, the sanitiser walk).
//!
//! Run with `wasm-pack test --headless --chrome` (options for Chrome in `webdriver.json`).
//! Everything else is tested natively. `start` does not run here: tests call `init`.
//!
//! The XSS suite feeds every vector of [`XSS_VECTORS`] through the real pipeline
//! (parse_article → render_body → sanitiser → moved into the live document), waits
//! long enough for load and error handlers to fire, and checks that the sentinel
//! `window.__folio_xss` was never set, that nothing dangerous survived in the DOM and
//! that the location did not change. A control test shows the same harness does see
//! the sentinel when markup is inserted without the sanitiser.

#![cfg(target_arch = "wasm32")]

use folio::article::parse_article;
use folio::web::{self, view};
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, Window};

wasm_bindgen_test_configure!(run_in_browser);

/// The slug `build.rs` gives `articles/000_f2e18ad958418c56.txt`.
const SEED_SLUG: &str = "000-f2e18ad958418c56";
const SEED_TITLE_START: &str = "Beijing to maintain strategic partnership with Russia";
const SENTINEL: &str = "__folio_xss";

fn window() -> Window {
    web_sys::window().expect("a window")
}

fn document() -> Document {
    window().document().expect("a document")
}

/// Resolves after `ms` milliseconds of event-loop time.
async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("timer");
}

/// Waits until `condition` holds, for at most two seconds; returns whether it did.
async fn wait_until(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if condition() {
            return true;
        }
        sleep(10).await;
    }
    condition()
}

/// A fresh element attached to the page.
fn fresh_container() -> Element {
    let container = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("attach");
    container
}

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
    assert!(
        active_element_is_main_heading(&root),
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
    let in_article = window().scroll_y().expect("y");
    assert!(
        (in_article - library_top).abs() < 2.0,
        "the article opens at its top: {in_article}"
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

/// Markdown sources carrying classic XSS payloads: raw HTML, foreign content, URL tricks,
/// mutation-XSS shapes, DOM clobbering, and Markdown's own link forms.
/// Every payload that runs sets `window.__folio_xss`.
const XSS_VECTORS: &[(&str, &str)] = &[
    (
        "img onerror",
        r#"<img src="x" onerror="window.__folio_xss=1">"#,
    ),
    (
        "img onerror, upper case",
        r#"<IMG SRC=x ONERROR="window.__folio_xss=1">"#,
    ),
    (
        "img onerror, unquoted in a paragraph",
        "Text <img src=x onerror=window.__folio_xss=1> more",
    ),
    (
        "img with srcset",
        r#"<img srcset="x 1x" src="x" onload="window.__folio_xss=1" onerror="window.__folio_xss=1">"#,
    ),
    ("svg onload", r#"<svg onload="window.__folio_xss=1"></svg>"#),
    (
        "svg script",
        "<svg><script>window.__folio_xss=1</script></svg>",
    ),
    (
        "svg animate",
        r#"<svg><animate onbegin="window.__folio_xss=1" attributeName="x" dur="1s"/></svg>"#,
    ),
    (
        "svg xlink javascript",
        r#"<svg><a xlink:href="javascript:window.__folio_xss=1"><text y="20">x</text></a></svg>"#,
    ),
    (
        "svg style namespace confusion",
        r#"<svg><style><img src=x onerror="window.__folio_xss=1"></style></svg>"#,
    ),
    (
        "math namespace confusion",
        r#"<math><mtext><table><mglyph><style><img src=x onerror="window.__folio_xss=1">"#,
    ),
    (
        "math href",
        r#"<math href="javascript:window.__folio_xss=1"><mi>x</mi></math>"#,
    ),
    ("body onload", r#"<body onload="window.__folio_xss=1">"#),
    (
        "details ontoggle",
        r#"<details open ontoggle="window.__folio_xss=1"><summary>s</summary>x</details>"#,
    ),
    (
        "video source onerror",
        r#"<video><source onerror="window.__folio_xss=1"></video>"#,
    ),
    (
        "audio onerror",
        r#"<audio src="x" onerror="window.__folio_xss=1"></audio>"#,
    ),
    ("script element", "<script>window.__folio_xss=1</script>"),
    (
        "script with data src",
        r#"<script src="data:text/javascript,window.__folio_xss=1"></script>"#,
    ),
    (
        "javascript link",
        r#"<a href="javascript:window.__folio_xss=1">x</a>"#,
    ),
    (
        "javascript link, entities",
        r#"<a href="&#106;&#97;vascript&#x3A;window.__folio_xss=1">x</a>"#,
    ),
    (
        "javascript link, case",
        r#"<a href="JaVaScRiPt:window.__folio_xss=1">x</a>"#,
    ),
    (
        "javascript link, tab inside",
        "<a href=\"java\tscript:window.__folio_xss=1\">x</a>",
    ),
    (
        "javascript link, encoded tab and newline",
        r#"<a href="java&#x09;scr&#10;ipt:window.__folio_xss=1">x</a>"#,
    ),
    (
        "javascript link, leading control characters",
        r#"<a href="&#1;&#14; javascript:window.__folio_xss=1">x</a>"#,
    ),
    (
        "javascript link, named colon entity",
        r#"<a href="javascript&colon;window.__folio_xss=1">x</a>"#,
    ),
    ("vbscript link", r#"<a href="vbscript:msgbox(1)">x</a>"#),
    (
        "data URL link",
        r#"<a href="data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19mb2xpb194c3M9MTwvc2NyaXB0Pg==">x</a>"#,
    ),
    (
        "data URL image",
        r#"<img src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='parent.__folio_xss=1'/>">"#,
    ),
    (
        "iframe srcdoc",
        r#"<iframe srcdoc="<script>parent.__folio_xss=1</script>"></iframe>"#,
    ),
    (
        "iframe javascript src",
        r#"<iframe src="javascript:parent.__folio_xss=1"></iframe>"#,
    ),
    (
        "meta refresh",
        r#"<meta http-equiv="refresh" content="0;url=javascript:window.__folio_xss=1">"#,
    ),
    (
        "base href",
        r#"<base href="javascript:window.__folio_xss=1//">"#,
    ),
    (
        "object data",
        r#"<object data="javascript:window.__folio_xss=1"></object>"#,
    ),
    (
        "embed src",
        r#"<embed src="data:text/html,<script>parent.__folio_xss=1</script>">"#,
    ),
    (
        "form action and formaction",
        r#"<form action="javascript:window.__folio_xss=1"><button formaction="javascript:window.__folio_xss=1">go</button><input type="submit"></form>"#,
    ),
    (
        "input autofocus onfocus",
        r#"<input autofocus onfocus="window.__folio_xss=1">"#,
    ),
    (
        "checkbox with handler",
        r#"<input type="checkbox" onclick="window.__folio_xss=1" onfocus="window.__folio_xss=1" autofocus>"#,
    ),
    (
        "select with style",
        r#"<select><style><img src=x onerror="window.__folio_xss=1"></style></select>"#,
    ),
    (
        "style element",
        r#"<style>@import "javascript:window.__folio_xss=1"; * { background: url("javascript:window.__folio_xss=1") }</style>"#,
    ),
    (
        "style attribute",
        r#"<p style="background:url(javascript:window.__folio_xss=1)">x</p>"#,
    ),
    (
        "link stylesheet",
        r#"<link rel="stylesheet" href="javascript:window.__folio_xss=1">"#,
    ),
    (
        "noscript mXSS",
        r#"<noscript><p title="</noscript><img src=x onerror=window.__folio_xss=1>">"#,
    ),
    (
        "comment mXSS",
        r#"<!--<img src="--><img src=x onerror=window.__folio_xss=1//">"#,
    ),
    (
        "template content",
        r#"<template><img src=x onerror="window.__folio_xss=1"></template>"#,
    ),
    (
        "xmp raw text",
        r#"<xmp><img src=x onerror="window.__folio_xss=1"></xmp>"#,
    ),
    (
        "unknown element with handler",
        r#"<marquee onstart="window.__folio_xss=1">x</marquee><blink onclick="window.__folio_xss=1">y</blink>"#,
    ),
    (
        "frameset onload",
        r#"<frameset onload="window.__folio_xss=1"></frameset>"#,
    ),
    (
        "DOM clobbering with id and name",
        r#"<img id="__folio_xss" name="__folio_xss" src="x"><a id="folio-main" href="https://example.com/">x</a><form name="__folio_xss"></form>"#,
    ),
    (
        "Markdown link to javascript",
        "[click](javascript:window.__folio_xss=1)",
    ),
    (
        "Markdown link with entity",
        "[click](&#106;avascript:window.__folio_xss=1)",
    ),
    (
        "Markdown image to javascript",
        "![x](javascript:window.__folio_xss=1)",
    ),
    (
        "Markdown image title breaking out",
        "![x](x \"\\\" onerror=\\\"window.__folio_xss=1\")",
    ),
    ("Markdown autolink", "<javascript:window.__folio_xss=1>"),
    (
        "Markdown reference definition",
        "[click][r]\n\n[r]: javascript:window.__folio_xss=1",
    ),
    (
        "Markdown link with data URL",
        "[click](data:text/html,<script>parent.__folio_xss=1</script>)",
    ),
    (
        "raw HTML in a table cell",
        "| a |\n|---|\n| <img src=x onerror=\"window.__folio_xss=1\"> |",
    ),
];

/// Elements the sanitiser must never let through.
const FORBIDDEN_SELECTOR: &str = "script, style, iframe, frame, frameset, object, embed, applet, \
     svg, math, base, meta, link, form, button, textarea, select, template, noscript, \
     audio, video, source, xmp, input:not([type=checkbox])";

#[wasm_bindgen_test]
async fn xss_vectors_are_neutralised() {
    web::init();
    let mut failures = Vec::new();
    for (name, markdown) in XSS_VECTORS {
        if let Err(problem) = check_xss_vector(markdown).await {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(XSS_VECTORS.len() >= 30);
    assert!(
        failures.is_empty(),
        "{} vectors got through:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs one vector through the real pipeline and reports what got through.
async fn check_xss_vector(markdown: &str) -> Result<(), String> {
    let window = window();
    Reflect::delete_property(window.unchecked_ref::<Object>(), &SENTINEL.into())
        .map_err(|_| "cannot reset")?;
    let location_before = window.location().href().unwrap_or_default();

    let article = parse_article("articles/xss.md", markdown.as_bytes());
    let container = fresh_container();
    let fragment = view::body_fragment(&document(), &article).map_err(|e| format!("{e:?}"))?;
    container
        .append_child(&fragment)
        .map_err(|e| format!("{e:?}"))?;
    // Time for image errors, loads, toggles and focus handlers to fire.
    sleep(150).await;

    let mut problems = Vec::new();
    let sentinel = Reflect::get(&window, &SENTINEL.into()).unwrap_or(JsValue::UNDEFINED);
    if !sentinel.is_undefined() {
        problems.push(format!("window.{SENTINEL} is {sentinel:?}"));
    }
    if window.location().href().unwrap_or_default() != location_before {
        problems.push("the location changed".to_string());
    }
    let forbidden = container
        .query_selector_all(FORBIDDEN_SELECTOR)
        .map_err(|e| format!("{e:?}"))?;
    if forbidden.length() > 0 {
        problems.push(format!(
            "{} forbidden elements: {}",
            forbidden.length(),
            container.inner_html()
        ));
    }
    let elements = container
        .query_selector_all("*")
        .map_err(|e| format!("{e:?}"))?;
    for i in 0..elements.length() {
        let Some(element) = elements.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        for name in element
            .get_attribute_names()
            .iter()
            .filter_map(|n| n.as_string())
        {
            let value = element.get_attribute(&name).unwrap_or_default();
            if let Some(problem) = dangerous_attribute(&name, &value) {
                problems.push(format!("<{}> {problem}", element.local_name()));
            }
        }
    }
    container.remove();
    let _ = Reflect::delete_property(window.unchecked_ref::<Object>(), &SENTINEL.into());
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// What is wrong with an attribute that survived, if anything.
fn dangerous_attribute(name: &str, value: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    if name.starts_with("on")
        || matches!(
            name.as_str(),
            "style" | "srcdoc" | "formaction" | "action" | "name" | "srcset"
        )
        || name.contains(':')
    {
        return Some(format!("kept attribute {name}={value:?}"));
    }
    if name == "id" && (value.starts_with("folio-") || value.starts_with('_')) {
        return Some(format!("kept reserved id {value:?}"));
    }
    if matches!(name.as_str(), "href" | "src") {
        // What the URL parser would see: no whitespace or control characters, any case.
        let squeezed: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        if ["javascript:", "vbscript:", "data:"]
            .iter()
            .any(|scheme| squeezed.starts_with(scheme))
        {
            return Some(format!("kept {name}={value:?}"));
        }
    }
    None
}

/// The control: the same harness, without the sanitiser, does see a payload run.
/// Without it the suite above could pass because payloads never run in this page.
#[wasm_bindgen_test]
async fn the_harness_sees_unsanitised_payloads_run() {
    let window = window();
    Reflect::delete_property(window.unchecked_ref::<Object>(), &SENTINEL.into()).expect("reset");
    let container = fresh_container();
    let fragment = web::sanitize::inert_fragment(
        &document(),
        r#"<img src="x" onerror="window.__folio_xss=1">"#,
    )
    .expect("parse");
    // Nothing runs while the markup sits in the inert template.
    sleep(150).await;
    assert!(Reflect::get(&window, &SENTINEL.into())
        .expect("get")
        .is_undefined());
    container.append_child(&fragment).expect("insert");
    let ran = wait_until(|| {
        !Reflect::get(&window, &SENTINEL.into())
            .unwrap_or(JsValue::UNDEFINED)
            .is_undefined()
    })
    .await;
    container.remove();
    Reflect::delete_property(window.unchecked_ref::<Object>(), &SENTINEL.into()).expect("reset");
    assert!(ran, "an unsanitised onerror handler runs in this page");
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
        "<a href=\"https://example.com/\" rel=\"noopener noreferrer\">e</a>",
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
