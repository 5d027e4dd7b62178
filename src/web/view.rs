//! Building the DOM of a view from the pure HTML of [`crate::render::views`] and a rendered body.
//!
//! The view strings are the viewer's own markup with every article string escaped, so they
//! may be set as `innerHTML`. The article body is the one part that may carry an article's
//! raw HTML, and the renderer says where: its trusted runs (the writer's own markup) are
//! parsed in one go, straight into the body element, and never walked; the raw islands
//! are parsed inertly, inside templates of the same parse or apart from it
//! ([`sanitize::sanitized_fragments`]), sanitised in full, and take the places the
//! renderer marked for them. Nodes are then moved, never re-parsed.
//! Most islands are a few raw phrasing tags inside a paragraph (`<kbd>`, `<sup>`): the
//! sanitiser walks only those, not the paragraphs around them.
//! Heading demotion, anchor routing and checkbox names are the renderer's work for its own
//! markup; the DOM passes here run on the sanitised islands only, and only on the islands
//! whose source could hold what they look for.

use crate::article::Article;
use crate::catalog::{Catalog, Entry};
use crate::reading::toc;
use crate::render::{policy, render_body, views, BodyOptions, RenderedBody, SegmentKind};
use crate::web::{sanitize, trusted_html};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, DocumentFragment, Element, HtmlTemplateElement};

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
    trusted_html::set_html(&article, &top)?;

    let body = document.create_element("div")?;
    body.set_class_name("article-body");
    // Rendered at build time for the bundle: no Markdown is rendered here.
    if let Some(rendered) = catalog.rendered_body(entry.id) {
        if let Some(toc) = toc::toc_html(&entry.slug, &rendered.headings) {
            trusted_html::append_html(&article, &toc)?;
        }
        fill_body(&body, &rendered, Some(&entry.slug))?;
    }
    article.append_child(&body)?;

    let (previous, next) = catalog.neighbours(entry.id);
    trusted_html::append_html(&article, &views::article_footer(previous, next))?;
    Ok(article)
}

/// The rendered body of an article as nodes ready to move into the page: its raw islands
/// sanitised, and its headings below the page's one `h1` (the article's title).
/// In-page links are routed to the article with `slug` when one is given.
/// The viewer fills its body element in place instead ([`fill_body`]); this is for callers
/// that want the nodes on their own.
pub fn body_fragment(
    document: &Document,
    article: &Article,
    slug: Option<&str>,
) -> Result<DocumentFragment, JsValue> {
    let options = match slug {
        Some(slug) => BodyOptions::for_article(slug),
        None => BodyOptions::default(),
    };
    let holder = document.create_element("div")?;
    fill_body(&holder, &render_body(article, &options), slug)?;
    let fragment = document.create_document_fragment();
    while let Some(child) = holder.first_child() {
        fragment.append_child(&child)?;
    }
    Ok(fragment)
}

/// Marks where a raw island goes in the parsed trusted runs. The writer never writes it,
/// and nothing from an article can: trusted runs carry article text only escaped.
const ISLAND_MARK: &str = "folio-island";

/// Replaces the children of `target` with the rendered body, in document order: the
/// trusted runs through one parse into `target` itself, each raw island through the
/// sanitiser, then put in the place marked for it. The islands are parsed in the same
/// parse, inside templates, when that is safe (`fill_in_one_parse`), else apart from it.
///
/// The trusted runs are parsed by `innerHTML` on `target` rather than into a `<template>`:
/// nodes parsed in a template belong to its inert document and must be adopted one by one
/// when they move into the page, which costs about half as much again as the parse on a
/// long article. That is safe because the trusted runs hold only the writer's markup,
/// every article string escaped and every URL filtered; the raw islands, which need
/// the inert parse, are a small part of the body.
pub fn fill_body(
    target: &Element,
    rendered: &RenderedBody,
    slug: Option<&str>,
) -> Result<(), JsValue> {
    let islands: Vec<&str> = rendered
        .segment_html()
        .filter(|(kind, _)| *kind == SegmentKind::Raw)
        .map(|(_, html)| html)
        .collect();
    if islands.is_empty() {
        return trusted_html::set_inner_html(target, &rendered.html);
    }
    // No island may open or close a template of its own: that is what keeps each island
    // inside the template written around it (see `fill_in_one_parse`).
    let templated = islands
        .iter()
        .all(|source| !contains_tag(source, "template") && !contains_tag(source, "/template"));
    if templated && fill_in_one_parse(target, rendered, &islands, slug)? {
        return Ok(());
    }
    let mark_len = 2 * ISLAND_MARK.len() + 5;
    let mut trusted = String::with_capacity(rendered.html.len() + islands.len() * mark_len);
    for (kind, html) in rendered.segment_html() {
        match kind {
            SegmentKind::Trusted => trusted.push_str(html),
            SegmentKind::Raw => {
                trusted.push('<');
                trusted.push_str(ISLAND_MARK);
                trusted.push_str("></");
                trusted.push_str(ISLAND_MARK);
                trusted.push('>');
            }
        }
    }
    trusted_html::set_inner_html(target, &trusted)?;
    // A static list, read once: a live collection would be searched again after each
    // replacement below.
    let marks = target.query_selector_all(ISLAND_MARK)?;
    let document = target
        .owner_document()
        .ok_or_else(|| JsValue::from_str("the body element has no document"))?;
    let fragments = sanitize::sanitized_fragments(&document, &islands)?;
    for (index, (island, source)) in fragments.iter().zip(&islands).enumerate() {
        island_passes(&document, island, source, rendered.demote_headings, slug)?;
        match u32::try_from(index)
            .ok()
            .and_then(|index| marks.item(index))
        {
            Some(mark) => mark
                .unchecked_into::<Element>()
                .replace_with_with_node_1(island)?,
            // Only if the trusted runs were not balanced, which the writer guarantees they are.
            None => target.append_child(island).map(|_| ())?,
        }
    }
    Ok(())
}

/// The body in one parse, each raw island inside a `<template>` written around it: the
/// parser puts a template's content in an inert fragment of its own (nothing in it loads,
/// runs or fires), so the islands are parsed inertly in the same pass as the trusted runs,
/// with no second parse and no cutting; each is then sanitised in full and takes its
/// template's place. False, with nothing of an island in the page, when the parse did not
/// come out as one template per island, in order; the caller then parses the islands apart.
///
/// Why an island stays inside its template: only an end tag `</template>` closes a
/// template (end tags of other elements stop at it, and `<body>`, `<html>` and foreign
/// content do not reach past it), and the caller makes sure no island holds one, nor a
/// template start tag. An island that leaves the tokenizer in a comment, a raw text
/// element or an attribute value swallows the close tag written after it, and with it the
/// following markup, into its template's inert content; the next island's template is then
/// not at the top level, so fewer templates are found in the page's tree than there are
/// islands, and the body is parsed again the other way. Trusted runs never hold a template.
fn fill_in_one_parse(
    target: &Element,
    rendered: &RenderedBody,
    islands: &[&str],
    slug: Option<&str>,
) -> Result<bool, JsValue> {
    const OPEN: &str = "<template>";
    const CLOSE: &str = "</template>";
    let mut html =
        String::with_capacity(rendered.html.len() + islands.len() * (OPEN.len() + CLOSE.len()));
    for (kind, segment) in rendered.segment_html() {
        if kind == SegmentKind::Raw {
            html.push_str(OPEN);
            html.push_str(segment);
            html.push_str(CLOSE);
        } else {
            html.push_str(segment);
        }
    }
    trusted_html::set_inner_html(target, &html)?;
    // Template contents are not children: only templates of the page's tree are found.
    let templates = target.query_selector_all("template")?;
    if usize::try_from(templates.length()).ok() != Some(islands.len()) {
        return Ok(false);
    }
    let document = target
        .owner_document()
        .ok_or_else(|| JsValue::from_str("the body element has no document"))?;
    for (index, source) in islands.iter().enumerate() {
        let Some(template) = u32::try_from(index)
            .ok()
            .and_then(|index| templates.item(index))
            .and_then(|node| node.dyn_into::<HtmlTemplateElement>().ok())
        else {
            return Ok(false);
        };
        let island = template.content();
        sanitize::sanitize_tree(&island)?;
        island_passes(&document, &island, source, rendered.demote_headings, slug)?;
        template.replace_with_with_node_1(&island)?;
    }
    Ok(true)
}

/// The writer's work for its own markup, done on a sanitised island: headings one level
/// down, in-page links routed, checkboxes named; each only when the island's source could
/// hold what it looks for.
fn island_passes(
    document: &Document,
    island: &DocumentFragment,
    source: &str,
    demote: bool,
    slug: Option<&str>,
) -> Result<(), JsValue> {
    if demote && contains_tag(source, "h") {
        demote_headings(document, island)?;
    }
    // A `#` may be written as a character reference, which starts with `&`.
    if let Some(slug) = slug.filter(|_| source.contains(['#', '&'])) {
        route_anchor_links(island, slug)?;
    }
    if contains_tag(source, "input") {
        label_task_checkboxes(island)?;
    }
    Ok(())
}

/// True when `html` has a tag whose name starts with `name` (ASCII, any case): the
/// parser builds an element only from such a tag, so without one a DOM pass over the
/// island would find nothing.
fn contains_tag(html: &str, name: &str) -> bool {
    html.match_indices('<').any(|(at, _)| {
        html.get(at + 1..at + 1 + name.len())
            .is_some_and(|tag| tag.eq_ignore_ascii_case(name))
    })
}

/// Every heading of a sanitised island one level down (`h6` stays), as the renderer did
/// for its own headings, so the view keeps one `h1` and the outline its shape.
/// Elements are rebuilt and their children moved, never re-parsed.
fn demote_headings(document: &Document, fragment: &DocumentFragment) -> Result<(), JsValue> {
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

/// Points an island's in-page anchor links (raw `<a href="#x">`) at routes of this article, so the hash router keeps the article open when they are followed.
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

/// Gives each task-list checkbox of an island that has no name yet the text of its item, so a screen reader
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
        let text = crate::web::dom::join(&text.split_whitespace().collect::<Vec<_>>(), " ");
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
