//! Building the DOM of a view from the pure HTML of [`crate::render::views`] and a rendered body.
//!
//! The view strings are the viewer's own markup with every article string escaped, so they
//! may be set as `innerHTML`. The article body is the one part that may carry an article's
//! raw HTML: it is parsed inertly, sanitised when the renderer says it carries raw HTML,
//! and its nodes are moved into the page, never re-parsed.

use crate::article::Article;
use crate::catalog::{Catalog, Entry};
use crate::reading::toc;
use crate::render::{policy, render_body, views, BodyOptions, RenderedBody};
use crate::web::sanitize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, DocumentFragment, Element};

/// The whole `<article>` of an article page: header, diagnostics, contents, body and footer.
pub fn article_element(
    document: &Document,
    catalog: &Catalog,
    entry: &Entry,
) -> Result<Element, JsValue> {
    let article = document.create_element("article")?;
    article.set_class_name("article");
    if let Some(lang) = entry.lang.as_deref().and_then(policy::clean_language_tag) {
        article.set_attribute("lang", &lang)?;
    }
    // Without a declared direction the text decides (its first strong character), so an
    // Arabic or Hebrew article reads right to left; `lang` otherwise comes from `<html>`.
    let dir = entry.dir.map_or("auto", |dir| dir.as_str());
    article.set_attribute("dir", dir)?;
    let mut top = views::article_header(entry);
    top.push_str(&views::diagnostics_notice(entry));
    article.set_inner_html(&top);

    let body = document.create_element("div")?;
    body.set_class_name("article-body");
    if let Some(parsed) = catalog.article(entry.id) {
        let rendered = render_body(&parsed, &BodyOptions::default());
        if let Some(toc) = toc::toc_html(&entry.slug, &rendered.headings) {
            article.insert_adjacent_html("beforeend", &toc)?;
        }
        let fragment = rendered_fragment(document, &rendered)?;
        route_anchor_links(&fragment, &entry.slug)?;
        label_task_checkboxes(&fragment)?;
        body.append_child(&fragment)?;
    }
    article.append_child(&body)?;

    let (previous, next) = catalog.neighbours(entry.id);
    article.insert_adjacent_html("beforeend", &views::article_footer(previous, next))?;
    Ok(article)
}

/// The rendered body of an article as nodes ready to move into the page: sanitised
/// whenever the renderer reports raw HTML from the article in it, and with its headings
/// below the page's one `h1` (the article's title).
pub fn body_fragment(document: &Document, article: &Article) -> Result<DocumentFragment, JsValue> {
    rendered_fragment(document, &render_body(article, &BodyOptions::default()))
}

fn rendered_fragment(
    document: &Document,
    rendered: &RenderedBody,
) -> Result<DocumentFragment, JsValue> {
    let fragment = if rendered.contains_raw_html {
        sanitize::sanitized_fragment(document, &rendered.html)?
    } else {
        sanitize::inert_fragment(document, &rendered.html)?
    };
    demote_headings(document, &fragment)?;
    Ok(fragment)
}

/// When the body has `h1`s of its own (sections written `# Section`), every heading
/// goes one level down (`h6` stays), so the view keeps one `h1` and the outline its shape.
/// Elements are rebuilt and their children moved, never re-parsed.
fn demote_headings(document: &Document, fragment: &DocumentFragment) -> Result<(), JsValue> {
    if fragment.query_selector("h1")?.is_none() {
        return Ok(());
    }
    let headings = fragment.query_selector_all("h1, h2, h3, h4, h5")?;
    for i in 0..headings.length() {
        let Some(heading) = headings
            .item(i)
            .and_then(|node| node.dyn_into::<Element>().ok())
        else {
            continue;
        };
        let lower = match heading.tag_name().as_str() {
            "H1" => "h2",
            "H2" => "h3",
            "H3" => "h4",
            "H4" => "h5",
            _ => "h6",
        };
        let replacement = document.create_element(lower)?;
        let attributes = heading.attributes();
        for j in 0..attributes.length() {
            if let Some(attribute) = attributes.item(j) {
                replacement.set_attribute(&attribute.name(), &attribute.value())?;
            }
        }
        while let Some(child) = heading.first_child() {
            replacement.append_child(&child)?;
        }
        heading.replace_with_with_node_1(&replacement)?;
    }
    Ok(())
}

/// Points the body's in-page anchor links (footnotes, tables of contents) at routes of
/// this article, so the hash router keeps the article open when they are followed.
fn route_anchor_links(fragment: &DocumentFragment, slug: &str) -> Result<(), JsValue> {
    let links = fragment.query_selector_all("a[href^='#']")?;
    for i in 0..links.length() {
        let Some(link) = links
            .item(i)
            .and_then(|node| node.dyn_into::<Element>().ok())
        else {
            continue;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        if let Some(route) = views::anchor_href(slug, &href) {
            link.set_attribute("href", &route)?;
        }
    }
    Ok(())
}

/// Gives each task-list checkbox the text of its item as its name, so a screen reader
/// says what is done rather than an unnamed checkbox.
fn label_task_checkboxes(fragment: &DocumentFragment) -> Result<(), JsValue> {
    let boxes = fragment.query_selector_all("li > input[type='checkbox']")?;
    for i in 0..boxes.length() {
        let Some(checkbox) = boxes
            .item(i)
            .and_then(|node| node.dyn_into::<Element>().ok())
        else {
            continue;
        };
        if checkbox.has_attribute("aria-label") {
            continue;
        }
        let text = checkbox
            .parent_element()
            .and_then(|item| item.text_content())
            .unwrap_or_default();
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = match text.char_indices().nth(120) {
            Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
            None => text,
        };
        if !name.is_empty() {
            checkbox.set_attribute("aria-label", &name)?;
        }
    }
    Ok(())
}
