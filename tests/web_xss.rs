//! The XSS suite: every vector of `tests/fixtures/xss/vectors.txt`, through the real
//! pipeline and the real views, in the browser.
//!
//! Run with `wasm-pack test --headless --chrome` (with the other browser tests).
//! Each vector becomes a whole article file ([`article_for`]: in its body, one front
//! matter value, a part of a plain-text news article, or its file name). A catalog of
//! that article and a harmless one is mounted with the real viewer
//! (`web::app::mount_catalog`); the test opens the library, then the article, waits for
//! load and error handlers to fire, and then requires that:
//! - no script ran: `window.__folio_xss` stays unset, and `alert`, `confirm`, `prompt`,
//!   `print` and `open` (replaced here) were never called;
//! - the page did not navigate, and `<head>` gained nothing;
//! - nothing dangerous survived in the DOM (forbidden elements, handlers, styles,
//!   script URLs, `target` without `rel="noopener"` or `"noreferrer"`, links out without
//!   `rel="noreferrer"` (which implies `noopener`),
//!   the viewer's reserved ids and classes);
//! - `document.title` is the article's title as text;
//! - the viewer still works: routing back to `#/` shows the library with both articles.
//!
//! A control test shows that the harness does see a payload run when markup is
//! inserted without the sanitiser, so the suite cannot pass by accident.

#![cfg(target_arch = "wasm32")]

use folio::article::slug::assign_slugs;
use folio::catalog::{Catalog, Source};
use folio::render::views;
use folio::web::{self, app};
use js_sys::{Function, Object, Reflect};
use std::borrow::Cow;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;

mod browser;
use browser::{document, fresh_container, sleep, wait_until, window};

wasm_bindgen_test_configure!(run_in_browser);

const VECTORS: &str = include_str!("fixtures/xss/vectors.txt");
const SENTINEL: &str = "__folio_xss";
const COMPANION_PATH: &str = "articles/companion.md";
const COMPANION_TITLE: &str = "A harmless companion";

/// One vector of the data file.
struct Vector {
    place: String,
    name: String,
    payload: String,
}

/// The blocks of `vectors.txt`: `=== place: name` and the payload lines after it.
fn vectors() -> Vec<Vector> {
    let mut vectors: Vec<Vector> = Vec::new();
    for line in VECTORS.lines() {
        if let Some(header) = line.strip_prefix("=== ") {
            let (place, name) = header.split_once(": ").expect("`=== place: name`");
            vectors.push(Vector {
                place: place.to_string(),
                name: name.to_string(),
                payload: String::new(),
            });
        } else if let Some(vector) = vectors.last_mut() {
            vector.payload.push_str(line);
            vector.payload.push('\n');
        }
    }
    for vector in &mut vectors {
        let trimmed = vector.payload.trim_end_matches('\n');
        vector.payload = unescape(trimmed);
    }
    vectors
}

/// `\u{HEX}` sequences as the characters they name.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("\\u{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after.find('}').expect("a closed \\u{…}");
        let code = u32::from_str_radix(&after[..end], 16).expect("hex digits");
        out.push(char::from_u32(code).expect("a character"));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A front matter value as a YAML single-quoted scalar: only `'` needs escaping.
fn yaml_quoted(value: &str) -> String {
    assert!(!value.contains('\n'), "front matter payloads are one line");
    format!("'{}'", value.replace('\'', "''"))
}

/// The article file that carries `payload` at `place`: its path and bytes.
fn article_for(place: &str, payload: &str) -> (String, String) {
    let markdown = |front_matter: &str, body: &str| {
        (
            "articles/vector.md".to_string(),
            format!("---\n{front_matter}\n---\n\n{body}\n"),
        )
    };
    let news = |text: String| ("articles/vector.txt".to_string(), text);
    let quoted = || yaml_quoted(payload);
    match place {
        "body" => markdown("title: A vector in the body", payload),
        "title" => markdown(&format!("title: {}", quoted()), "Body."),
        "author" => markdown(
            &format!("title: Author\nauthor: {}", quoted()),
            "Body.",
        ),
        "tags" => markdown(
            &format!("title: Tags\ntags: [{}, plain]", quoted()),
            "Body.",
        ),
        "summary" | "source" | "source_url" | "lang" | "dir" | "date" | "updated" => markdown(
            &format!("title: Front matter {place}\nsource: Site\n{place}: {}", quoted()),
            "Body.",
        ),
        "headline" => news(format!(
            "{payload} — Publication\n\n8 March 2022 09:01\n\nFirst paragraph.\n\nSecond paragraph.\n"
        )),
        "publication" => news(format!(
            "A headline — {payload}\n\n8 March 2022 09:01\n\nFirst paragraph.\n\nSecond paragraph.\n"
        )),
        "dateline" => news(format!(
            "A headline — Publication\n\n{payload}\n\nFirst paragraph.\n\nSecond paragraph.\n"
        )),
        "news-paragraph" => news(format!(
            "A headline — Publication\n\n8 March 2022 09:01\n\nFirst paragraph.\n\n{payload}\n\nLast paragraph.\n"
        )),
        "news-related" => news(format!(
            "A headline — Publication\n\n8 March 2022 09:01\n\nFirst paragraph.\n\nSecond paragraph.\n\n{payload}\n\nSource link\n"
        )),
        "filename" => (format!("articles/{payload}.md"), "Body only.\n".to_string()),
        other => panic!("unknown place {other:?} in vectors.txt"),
    }
}

/// A catalog of the vector's article and a harmless companion, slugged as the build does.
fn catalog_for(path: &str, text: &str) -> (Rc<Catalog>, String) {
    let paths = [path, COMPANION_PATH];
    let slugs = assign_slugs(&paths);
    let companion = format!("---\ntitle: {COMPANION_TITLE}\ndate: 2020-01-01\n---\n\nHarmless.\n");
    let sources = vec![
        Source {
            path: Cow::Owned(path.to_string()),
            slug: Cow::Owned(slugs[0].slug.clone()),
            bytes: Cow::Owned(text.as_bytes().to_vec()),
        },
        Source {
            path: Cow::Borrowed(COMPANION_PATH),
            slug: Cow::Owned(slugs[1].slug.clone()),
            bytes: Cow::Owned(companion.into_bytes()),
        },
    ];
    (
        Rc::new(Catalog::from_sources(sources)),
        slugs[0].slug.clone(),
    )
}

/// Replaces the dialogs (and `window.open`) with functions that set the sentinel.
fn trap_dialogs() {
    let trap = Function::new_no_args("window.__folio_xss = 'a dialog or window.open was called'");
    for name in ["alert", "confirm", "prompt", "print", "open"] {
        Reflect::set(&window(), &name.into(), &trap).expect("replace a dialog");
    }
}

fn reset_sentinel() {
    Reflect::delete_property(window().unchecked_ref::<Object>(), &SENTINEL.into())
        .expect("reset the sentinel");
}

fn sentinel() -> JsValue {
    Reflect::get(&window(), &SENTINEL.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The location without its hash: what a navigation would change.
fn page_address() -> String {
    let location = window().location();
    format!(
        "{}{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

fn head_element_count() -> u32 {
    document()
        .query_selector("head")
        .ok()
        .flatten()
        .map_or(0, |head| head.child_element_count())
}

fn main_heading(root: &Element) -> String {
    root.query_selector("main h1")
        .ok()
        .flatten()
        .and_then(|h1| h1.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn every_vector_is_neutralised_in_every_place() {
    web::init();
    trap_dialogs();
    // Setting the title creates a <title> in <head> when there is none: do it before counting.
    document().set_title("Folio XSS suite");
    let vectors = vectors();
    assert!(vectors.len() >= 150, "only {} vectors", vectors.len());
    let mut failures = Vec::new();
    for vector in &vectors {
        if let Err(problem) = check_vector(vector).await {
            failures.push(format!("{}: {}: {problem}", vector.place, vector.name));
        }
    }
    window().location().set_hash("#/").expect("hash");
    assert!(
        failures.is_empty(),
        "{} of {} vectors got through:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

async fn check_vector(vector: &Vector) -> Result<(), String> {
    let (path, text) = article_for(&vector.place, &vector.payload);
    let (catalog, slug) = catalog_for(&path, &text);
    let entry = catalog
        .find(&slug)
        .ok_or("the article is not in the catalog")?;
    let title = entry.title.clone();
    let companion_slug = catalog
        .entries()
        .iter()
        .find(|e| e.path == COMPANION_PATH)
        .map(|e| e.slug.clone())
        .ok_or("no companion")?;

    window()
        .location()
        .set_hash("#/")
        .map_err(|e| format!("{e:?}"))?;
    sleep(0).await;
    reset_sentinel();
    let address = page_address();
    let head_children = head_element_count();
    let root = fresh_container();
    let mounted = app::mount_catalog(&root, Rc::clone(&catalog)).map_err(|e| format!("{e:?}"))?;
    let mut problems = Vec::new();

    // The library lists the article with whatever its title, author and summary hold.
    if main_heading(&root) != "Articles" {
        problems.push(format!(
            "the library did not show: {:?}",
            main_heading(&root)
        ));
    }
    check_dom(&root, "library", &mut problems)?;

    // Search: results with snippets cut from the article's text, then the article opened
    // from a result, with the query's matches highlighted in its body.
    let query = if path.ends_with(".txt") {
        "paragraph"
    } else {
        "body"
    };
    window()
        .location()
        .set_hash(&format!("#/?q={query}"))
        .map_err(|e| format!("{e:?}"))?;
    let searched = wait_until(|| {
        root.query_selector("main .search-status")
            .ok()
            .flatten()
            .and_then(|status| status.text_content())
            .is_some_and(|text| !text.is_empty())
    })
    .await;
    if !searched {
        problems.push(format!("searching for {query:?} showed no status"));
    }
    sleep(60).await;
    check_dom(&root, "search results", &mut problems)?;
    window()
        .location()
        .set_hash(&format!("{}?q={query}", views::article_href(&slug)))
        .map_err(|e| format!("{e:?}"))?;
    wait_until(|| {
        root.query_selector("main article.article")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    sleep(60).await;
    check_dom(&root, "article with search highlights", &mut problems)?;

    // The article page.
    window()
        .location()
        .set_hash(&views::article_href(&slug))
        .map_err(|e| format!("{e:?}"))?;
    let opened = wait_until(|| {
        root.query_selector("main article.article")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    if !opened {
        problems.push("the article did not open".to_string());
    }
    // Time for image errors, loads, toggles and focus handlers to fire.
    sleep(120).await;
    check_dom(&root, "article", &mut problems)?;
    let expected_title = views::document_title(Some(&title));
    if document().title() != expected_title {
        problems.push(format!(
            "document.title is {:?}, not {expected_title:?}",
            document().title()
        ));
    }
    let shown_title = main_heading(&root);
    if shown_title != title {
        problems.push(format!(
            "the heading shows {shown_title:?}, not the title {title:?}"
        ));
    }

    // The viewer still routes: back to the library, with both articles.
    window()
        .location()
        .set_hash("#/")
        .map_err(|e| format!("{e:?}"))?;
    let back = wait_until(|| main_heading(&root) == "Articles").await;
    if !back {
        problems.push(format!(
            "routing to #/ no longer shows the library: {:?}",
            main_heading(&root)
        ));
    }
    for wanted in [&slug, &companion_slug] {
        let selector = format!("main .library a[href=\"{}\"]", views::article_href(wanted));
        if root.query_selector(&selector).ok().flatten().is_none() {
            problems.push(format!("the library does not link {wanted}"));
        }
    }

    let ran = sentinel();
    if !ran.is_undefined() {
        problems.push(format!("script ran: window.{SENTINEL} = {ran:?}"));
    }
    if page_address() != address {
        problems.push(format!("the page navigated to {}", page_address()));
    }
    let head_now = head_element_count();
    if head_now != head_children {
        problems.push(format!(
            "<head> went from {head_children} to {head_now} elements"
        ));
    }
    if !app::unmount(mounted) {
        problems.push("the viewer was gone before unmounting".to_string());
    }
    root.remove();
    reset_sentinel();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Elements no article may bring into the page. The viewer's own copy buttons on code
/// blocks are the one exception: the sanitiser drops every `button` an article carries.
const FORBIDDEN_SELECTOR: &str = "script, style, iframe, frame, frameset, object, embed, applet, \
     svg, math, base, meta, link, form, button:not(.code-copy), textarea, select, template, noscript, \
     audio, video, source, xmp, portal, dialog, param, area, map, input:not([type=checkbox])";

/// Looks for anything dangerous in the view (`main`): the part of the page that holds
/// article text. The chrome around it (masthead, reading settings, dialogs, the search
/// form) is the viewer's own markup, with forms and ids of its own, and holds no article text.
fn check_dom(root: &Element, view: &str, problems: &mut Vec<String>) -> Result<(), String> {
    let Some(main) = root.query_selector("main").map_err(|e| format!("{e:?}"))? else {
        problems.push(format!("{view}: no <main>"));
        return Ok(());
    };
    // The library's search form (box, sort select) is the viewer's own chrome and holds no
    // article text; everything else in the view, facet values and results included, is judged.
    let scope: Element = main
        .clone_node_with_deep(true)
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "the view's copy is not an element".to_string())?;
    if let Some(form) = scope
        .query_selector("form.search-form")
        .map_err(|e| format!("{e:?}"))?
    {
        form.remove();
    }
    // The results' live region and list carry the viewer's own ids, which the form refers to.
    for own in ["#folio-search-status", "#folio-search-results"] {
        if let Some(element) = scope.query_selector(own).map_err(|e| format!("{e:?}"))? {
            element
                .remove_attribute("id")
                .map_err(|e| format!("{e:?}"))?;
        }
    }
    let forbidden = scope
        .query_selector_all(FORBIDDEN_SELECTOR)
        .map_err(|e| format!("{e:?}"))?;
    if forbidden.length() > 0 {
        problems.push(format!(
            "{view}: {} forbidden elements in {}",
            forbidden.length(),
            scope.inner_html()
        ));
    }
    let elements = scope
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
                problems.push(format!("{view}: <{}> {problem}", element.local_name()));
            }
        }
        if element.local_name() == "a" {
            let rel = element.get_attribute("rel").unwrap_or_default();
            let href = element.get_attribute("href").unwrap_or_default();
            // `noreferrer` implies `noopener` (the HTML Standard's "get an element's
            // noopener" is true for either keyword), so either one guards a `target`, and a
            // link out must carry `noreferrer`, which keeps both the referrer and the opener.
            let has = |keyword: &str| {
                rel.split_ascii_whitespace()
                    .any(|token| token.eq_ignore_ascii_case(keyword))
            };
            if element.has_attribute("target") && !(has("noopener") || has("noreferrer")) {
                problems.push(format!(
                    "{view}: a target without rel=noopener or noreferrer"
                ));
            }
            let external =
                href.starts_with("http:") || href.starts_with("https:") || href.starts_with("//");
            if external && !has("noreferrer") {
                problems.push(format!("{view}: a link out to {href:?} with rel={rel:?}"));
            }
        }
    }
    Ok(())
}

/// What is wrong with an attribute that survived, if anything.
fn dangerous_attribute(name: &str, value: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    if name.starts_with("on")
        || matches!(
            name.as_str(),
            "style"
                | "srcdoc"
                | "formaction"
                | "action"
                | "name"
                | "srcset"
                | "ping"
                | "contenteditable"
                | "autofocus"
                | "popover"
                | "usemap"
        )
        || name.contains(':')
    {
        return Some(format!("kept attribute {name}={value:?}"));
    }
    if name == "id" && (value.starts_with("folio") || value.starts_with('_')) {
        return Some(format!("kept reserved id {value:?}"));
    }
    // `location`, `alert`, `trustedTypes`… as ids are harmless: named access never
    // shadows a property the window already has. Only names that are not yet
    // globals can be clobbered, and the sentinel is one of those.
    if name == "class" && value.split_whitespace().any(|c| c.starts_with("folio-")) {
        return Some(format!("kept reserved class {value:?}"));
    }
    if matches!(name.as_str(), "href" | "src" | "cite" | "poster" | "data") {
        // What the URL parser would see: no whitespace or control characters, any case.
        let squeezed: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        if ["javascript:", "vbscript:", "data:", "file:"]
            .iter()
            .any(|scheme| squeezed.starts_with(scheme))
        {
            return Some(format!("kept {name}={value:?}"));
        }
    }
    None
}

#[wasm_bindgen_test]
fn the_data_file_names_every_place_article_text_reaches() {
    let vectors = vectors();
    for place in [
        "body",
        "title",
        "author",
        "tags",
        "summary",
        "source",
        "source_url",
        "headline",
        "publication",
        "dateline",
        "news-paragraph",
        "news-related",
        "filename",
    ] {
        assert!(
            vectors.iter().any(|vector| vector.place == place),
            "no vector goes into the {place}"
        );
    }
    for vector in &vectors {
        assert!(!vector.payload.trim().is_empty(), "{}: empty", vector.name);
    }
}

/// The control: the same checks see a payload run when the sanitiser is skipped.
/// Without it the suite above could pass because payloads never run in this page.
#[wasm_bindgen_test]
async fn the_harness_sees_unsanitised_payloads_run() {
    reset_sentinel();
    let container = fresh_container();
    let fragment = web::sanitize::inert_fragment(
        &document(),
        r#"<img src="x" onerror="window.__folio_xss=1">"#,
    )
    .expect("parse");
    // Nothing runs while the markup sits in the inert template.
    sleep(150).await;
    assert!(sentinel().is_undefined());
    container.append_child(&fragment).expect("insert");
    let ran = wait_until(|| !sentinel().is_undefined()).await;
    container.remove();
    reset_sentinel();
    assert!(ran, "an unsanitised onerror handler runs in this page");
}

/// And a replaced dialog sets the sentinel too.
#[wasm_bindgen_test]
fn the_harness_sees_dialogs() {
    trap_dialogs();
    reset_sentinel();
    window().alert_with_message("x").expect("alert");
    assert!(!sentinel().is_undefined(), "alert() sets the sentinel");
    reset_sentinel();
}

/// The tags the body writer makes itself: a trusted run may hold no other.
const WRITER_TAGS: &[&str] = &[
    "a",
    "aside",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];
/// The attributes the body writer makes itself.
const WRITER_ATTRIBUTES: &[&str] = &[
    "alt",
    "aria-label",
    "aria-labelledby",
    "checked",
    "class",
    "data-lang",
    "decoding",
    "disabled",
    "href",
    "id",
    "loading",
    "rel",
    "src",
    "start",
    "title",
    "type",
];

/// The segmentation's promise, checked on what the browser's parser makes of each
/// trusted run of every vector's article: only the writer's elements and attributes,
/// no comment, no URL outside the safe schemes, and none of the markers that the
/// extra article below writes as raw HTML in the writer's own tags.
#[wasm_bindgen_test]
fn trusted_runs_never_carry_article_markup() {
    use folio::render::{render_body, BodyOptions, SegmentKind};
    let mut articles: Vec<(String, String)> = vectors()
        .iter()
        .map(|vector| article_for(&vector.place, &vector.payload))
        .collect();
    // Raw HTML that looks like the writer's own markup, in every kind of block.
    articles.push((
        "articles/lookalike.md".to_string(),
        "# Lookalike\n\nIntro.\n\n<p class=\"raw-marker\">a raw paragraph</p>\n\n\
         A <em class=\"raw-marker\">raw em</em> inline.\n\n- item <a href=\"#x\" class=\"raw-marker\">raw</a>\n\n\
         > <strong class=\"raw-marker\">raw</strong>\n\n<details class=\"raw-marker\"><summary>s</summary>\n\n\
         Markdown in details.\n\n</details>\n\nAfter.[^n]\n\n[^n]: <sup class=\"raw-marker\">raw</sup>\n"
            .to_string(),
    ));
    let mut problems = Vec::new();
    let mut trusted_runs = 0;
    let mut islands = 0;
    for (path, text) in &articles {
        let article = folio::article::parse_article(path, text.as_bytes());
        let rendered = render_body(&article, &BodyOptions::for_article("vector"));
        for (kind, html) in rendered.segment_html() {
            if kind == SegmentKind::Raw {
                islands += 1;
                continue;
            }
            trusted_runs += 1;
            let fragment = web::sanitize::inert_fragment(&document(), html).expect("parse");
            let holder = document().create_element("div").expect("div");
            holder.append_child(&fragment).expect("append");
            if holder.inner_html().contains("<!--") {
                problems.push(format!("{path}: a comment in a trusted run"));
            }
            let elements = holder.query_selector_all("*").expect("query");
            for i in 0..elements.length() {
                let Some(element) = elements.item(i).and_then(|n| n.dyn_into::<Element>().ok())
                else {
                    continue;
                };
                let name = element.local_name();
                if !WRITER_TAGS.contains(&name.as_str()) {
                    problems.push(format!("{path}: <{name}> in a trusted run"));
                }
                for attribute in element.get_attribute_names().iter() {
                    let attribute = attribute.as_string().unwrap_or_default();
                    let value = element.get_attribute(&attribute).unwrap_or_default();
                    if !WRITER_ATTRIBUTES.contains(&attribute.as_str()) {
                        problems.push(format!("{path}: {attribute} on <{name}> in a trusted run"));
                    }
                    if value.contains("raw-marker") {
                        problems.push(format!("{path}: raw markup in a trusted run: {html}"));
                    }
                    if let Some(problem) = dangerous_attribute(&attribute, &value) {
                        problems.push(format!("{path}: {problem} in a trusted run"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Both kinds occur many times, so the checks above saw real runs.
    assert!(
        trusted_runs > 50 && islands > 50,
        "{trusted_runs} runs, {islands} islands"
    );
}

/// The body as the viewer inserts it: trusted runs and sanitised islands in document
/// order, a raw `<details>` still holding the Markdown written inside it, and the
/// island's headings, links and checkboxes treated like the writer's.
#[wasm_bindgen_test]
fn islands_take_their_places_in_document_order() {
    web::init();
    let text = "Intro paragraph.\n\n# Section\n\n<details><summary>More</summary>\n\n\
                Inside *details* with a [link](#section).\n\n</details>\n\n\
                <h1 onclick=\"alert(1)\">Raw heading</h1>\n\n- [ ] a <kbd>task</kbd>\n\nLast [note](#fn:1).\n";
    let article = folio::article::parse_article("articles/islands.md", text.as_bytes());
    let fragment = web::view::body_fragment(&document(), &article, Some("islands")).expect("body");
    let holder = document().create_element("div").expect("div");
    holder.append_child(&fragment).expect("append");
    let children: Vec<String> = (0..holder.child_element_count())
        .filter_map(|i| holder.children().item(i))
        .map(|child| child.local_name())
        .collect();
    assert_eq!(
        children,
        ["p", "h2", "details", "h2", "ul", "p"],
        "{}",
        holder.inner_html()
    );
    let inside = holder
        .query_selector("details > p")
        .expect("query")
        .expect("the Markdown nests in the details");
    assert!(inside
        .text_content()
        .unwrap_or_default()
        .contains("Inside details"));
    let link = holder
        .query_selector("details a")
        .expect("query")
        .expect("a link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("#/a/islands/section")
    );
    assert!(holder
        .query_selector("[onclick], h1")
        .expect("query")
        .is_none());
    let checkbox = holder
        .query_selector("input")
        .expect("query")
        .expect("a checkbox");
    assert_eq!(
        checkbox.get_attribute("aria-label").as_deref(),
        Some("a task")
    );
    let last = holder
        .query_selector(":scope > p:last-child a")
        .expect("query")
        .expect("a link");
    assert_eq!(
        last.get_attribute("href").as_deref(),
        Some("#/a/islands/fn%3A1")
    );
}

/// Islands are parsed together and cut apart at break elements; whatever an island
/// does to the breaks (an open paragraph or comment swallowing one, an article writing
/// one itself), each island comes out exactly as if it had been sanitised on its own.
#[wasm_bindgen_test]
fn joined_islands_match_islands_sanitised_one_by_one() {
    let cases: [&[&str]; 6] = [
        &[
            "<p>a <kbd>b</kbd></p>",
            "<div onclick=\"alert(1)\">c</div>",
            "<p><b>d</b></p>",
        ],
        &["<p>an open paragraph", "<p>next</p>"],
        &["<!-- an open comment", "<p>x</p>"],
        &["<folio-island-break></folio-island-break>", "<p>y</p>"],
        &["<svg><p>z</p></svg>", "<table><tr><td>q", "<em>r</em>"],
        &[
            "<textarea>never closed",
            "<img src=x onerror=\"window.__folio_xss=1\">",
        ],
    ];
    let html_of = |fragment: &web_sys::DocumentFragment| {
        let holder = document().create_element("div").expect("div");
        holder
            .append_child(&fragment.clone_node_with_deep(true).expect("clone"))
            .expect("append");
        holder.inner_html()
    };
    for islands in cases {
        let joined = web::sanitize::sanitized_fragments(&document(), islands).expect("sanitise");
        assert_eq!(joined.len(), islands.len(), "{islands:?}");
        for (fragment, html) in joined.iter().zip(islands) {
            let alone = web::sanitize::sanitized_fragment(&document(), html).expect("alone");
            assert_eq!(html_of(fragment), html_of(&alone), "{html} in {islands:?}");
        }
    }
}

/// Islands as the renderer cuts them (phrasing tags inside a paragraph, whole blocks) are
/// parsed in one go; a break that an island moved or swallowed sends them one by one.
#[wasm_bindgen_test]
fn islands_are_parsed_together_unless_a_break_goes_astray() {
    let usual: &[&str] = &[
        "<kbd>Ctrl</kbd>",
        "<span class=\"x\">a</span>",
        "<b>d</b><i>e</i>",
        "<br>",
        "<!-- a comment -->",
        "<details><summary>s</summary>\n<p>text</p>\n</details>\n",
        "<p>an unclosed paragraph</p>\n<div>block</div>\n",
    ];
    let parts = web::sanitize::joined_parts(&document(), usual)
        .expect("parse")
        .expect("the usual islands are parsed together");
    assert_eq!(parts.len(), usual.len());
    let astray: [&[&str]; 4] = [
        &["<p>an open paragraph", "<p>next</p>"],
        &["<!-- an open comment", "<p>x</p>"],
        &["<folio-island-break></folio-island-break>", "<p>y</p>"],
        &["<b>open formatting", "<i>z</i>"],
    ];
    for islands in astray {
        assert!(
            web::sanitize::joined_parts(&document(), islands)
                .expect("parse")
                .is_none(),
            "{islands:?}"
        );
    }
}

/// Islands are parsed in the body's one parse, each inside a template written around it.
/// An island that holds a template tag of its own, or leaves the tokenizer in an attribute,
/// a comment or raw text and so swallows the template's end tag, must not reach the page
/// unsanitised nor take the following markup with it: the body is then parsed the other
/// way, and the trusted paragraphs after it are still there.
#[wasm_bindgen_test]
async fn islands_that_would_leave_their_template_are_parsed_apart() {
    web::init();
    let hostile = [
        "Raw </template><img src=x onerror=\"window.__folio_xss=1\"> inline.",
        "<div>\n</template><img src=x onerror=\"window.__folio_xss=1\">\n</div>",
        "<div title=\"never closed\n</div>",
        "<template><img src=x onerror=\"window.__folio_xss=1\"></template>",
        "A <b>bold</b> and <!-- a comment --> inline.",
    ];
    for island in hostile {
        reset_sentinel();
        let text = format!(
            "Trusted before.\n\n{island}\n\nTrusted after <kbd>k</kbd>.\n\n<img src=x onerror=\"window.__folio_xss=1\">\n\nThe end.\n"
        );
        let article = folio::article::parse_article("articles/templates.md", text.as_bytes());
        let holder = fresh_container();
        let fragment =
            web::view::body_fragment(&document(), &article, Some("templates")).expect("body");
        holder.append_child(&fragment).expect("append");
        sleep(50).await;
        let html = holder.inner_html();
        assert!(
            sentinel().is_undefined(),
            "a payload ran for {island:?}: {html}"
        );
        assert!(
            holder
                .query_selector("template, [onerror], style")
                .expect("query")
                .is_none(),
            "{island:?}: {html}"
        );
        let found = holder.query_selector_all("p").expect("query");
        let paragraphs: Vec<String> = (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|node| node.text_content())
            .collect();
        assert!(
            paragraphs.iter().any(|p| p == "Trusted after k."),
            "{island:?}: {html}"
        );
        assert!(
            holder.query_selector("p > kbd").expect("query").is_some(),
            "{island:?}: {html}"
        );
        holder.remove();
    }
}
