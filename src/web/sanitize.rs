//! The sanitiser walk: untrusted HTML in, a `DocumentFragment` holding only allowed nodes out.
//!
//! The HTML is parsed by the browser's own parser into an inert `<template>`: nothing
//! in a template's content runs, loads or fires events (its document has no browsing
//! context), so a hostile `<img onerror>` is harmless while we look at it.
//! The walk then visits every node of the content, in document order, without recursion
//! (so deep nesting cannot exhaust the stack), and asks [`crate::render::policy`] what to
//! do with each element and attribute:
//! - text is kept; comments, processing instructions and CDATA are removed;
//! - an element outside the HTML namespace (SVG, MathML content) is removed with its content;
//! - otherwise the element is kept, unwrapped (children kept) or dropped (with its content),
//!   and a kept element's attributes are replaced by the policy's list.
//!
//! The caller then MOVES the fragment's nodes into the page. The nodes are never serialised
//! and parsed again on their way to the DOM, so mutation XSS (markup that changes meaning
//! when re-parsed) has no second parse to exploit. The string API serialises the sanitised
//! nodes only for the embedder who asked for a string.

use crate::render::policy::{self, ElementAction};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, DocumentFragment, Element, Node};

const HTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// `html` parsed inertly and sanitised by the policy.
pub fn sanitized_fragment(document: &Document, html: &str) -> Result<DocumentFragment, JsValue> {
    let fragment = inert_fragment(document, html)?;
    sanitize_tree(&fragment)?;
    Ok(fragment)
}

/// Each of `islands` parsed inertly and sanitised, as [`sanitized_fragment`] would, in order.
///
/// A body may have hundreds of islands, and a parse has a fixed cost (a template, the
/// Trusted Types policy, the parser's set-up), so they are parsed in one go, joined by a
/// break element, and cut apart at the breaks before the walk. The breaks must come out
/// as exactly one element each at the top level: when an island's markup swallowed or
/// added one (an unclosed `<p>`, a comment, an article writing the break element itself),
/// that parse is thrown away and each island is parsed on its own. Either way every node
/// goes through the walk of its island's fragment, so safety never depends on the cut.
pub fn sanitized_fragments(
    document: &Document,
    islands: &[&str],
) -> Result<Vec<DocumentFragment>, JsValue> {
    if islands.len() > 1 {
        if let Some(parts) = joined_parts(document, islands)? {
            for part in &parts {
                sanitize_tree(part)?;
            }
            return Ok(parts);
        }
    }
    islands
        .iter()
        .map(|html| sanitized_fragment(document, html))
        .collect()
}

const ISLAND_BREAK: &str = "folio-island-break";

/// The islands parsed together and cut at the breaks (not yet sanitised), or `None`
/// when the breaks did not come out one per gap at the top level.
/// Public so that a browser test can see the joined parse taken when it should be.
pub fn joined_parts(
    document: &Document,
    islands: &[&str],
) -> Result<Option<Vec<DocumentFragment>>, JsValue> {
    let mut separator = String::with_capacity(2 * ISLAND_BREAK.len() + 5);
    separator.push('<');
    separator.push_str(ISLAND_BREAK);
    separator.push_str("></");
    separator.push_str(ISLAND_BREAK);
    separator.push('>');
    let joined = crate::web::dom::join(islands, &separator);
    let content = inert_fragment(document, &joined)?;
    let gaps = u32::try_from(islands.len() - 1).unwrap_or(u32::MAX);
    let breaks = content.query_selector_all(ISLAND_BREAK)?;
    if breaks.length() != gaps {
        return Ok(None);
    }
    // Each break must be a child of the content itself, where the cut below looks for it.
    // (A `:scope >` selector would say the same of an element, but a fragment is no
    // element: on one it matches nothing.)
    let top: &Node = content.as_ref();
    for index in 0..gaps {
        let at_top = breaks
            .item(index)
            .and_then(|node| node.parent_node())
            .is_some_and(|parent| parent.is_same_node(Some(top)));
        if !at_top {
            return Ok(None);
        }
    }
    let mut parts = Vec::with_capacity(islands.len());
    for index in 0..=gaps {
        let part = document.create_document_fragment();
        let stop = breaks.item(index);
        while let Some(node) = content.first_child() {
            if stop
                .as_ref()
                .is_some_and(|stop| stop.is_same_node(Some(&node)))
            {
                content.remove_child(&node)?;
                break;
            }
            part.append_child(&node)?;
        }
        parts.push(part);
    }
    Ok(Some(parts))
}

/// `html` parsed inertly, as it is: for markup the renderer wrote itself, with no raw HTML in it.
pub fn inert_fragment(document: &Document, html: &str) -> Result<DocumentFragment, JsValue> {
    crate::web::trusted_html::fragment(document, html)
}

/// Sanitises everything below `root` in place; `root` itself is left alone.
pub fn sanitize_tree(root: &Node) -> Result<(), JsValue> {
    let mut cursor = root.first_child();
    while let Some(node) = cursor {
        cursor = match node.node_type() {
            Node::TEXT_NODE => following(&node, root),
            Node::ELEMENT_NODE => {
                let element: Element = node.clone().unchecked_into();
                let (action, name) = action_for(&element);
                match action {
                    ElementAction::Keep => {
                        clean_attributes(&element, &name)?;
                        node.first_child().or_else(|| following(&node, root))
                    }
                    ElementAction::Unwrap => {
                        let after = following(&node, root);
                        let first_child = node.first_child();
                        let parent = node.parent_node();
                        if let Some(parent) = &parent {
                            while let Some(child) = node.first_child() {
                                parent.insert_before(&child, Some(&node))?;
                            }
                        }
                        element.remove();
                        // The children now stand where the element stood: visit them next.
                        first_child.or(after)
                    }
                    ElementAction::Drop => {
                        let after = following(&node, root);
                        element.remove();
                        after
                    }
                }
            }
            // Comments (where mutation-XSS payloads like to hide), processing instructions, CDATA.
            _ => {
                let after = following(&node, root);
                if let Some(parent) = node.parent_node() {
                    parent.remove_child(&node)?;
                }
                after
            }
        };
    }
    Ok(())
}

/// The next node in document order after `node` and all it contains, staying below `root`.
fn following(node: &Node, root: &Node) -> Option<Node> {
    let mut current = node.clone();
    loop {
        if let Some(sibling) = current.next_sibling() {
            return Some(sibling);
        }
        let parent = current.parent_node()?;
        if parent.is_same_node(Some(root)) {
            return None;
        }
        current = parent;
    }
}

/// What the policy does with `element`, and its local name.
/// Each call into the DOM is a crossing of the wasm boundary, and the walk makes them for
/// every element of an island: only `input` needs its `type` read.
fn action_for(element: &Element) -> (ElementAction, String) {
    // Foreign content (SVG, MathML) follows other parsing rules: the classic
    // namespace-confusion payloads live there, so none of it is kept.
    if element.namespace_uri().as_deref() != Some(HTML_NAMESPACE) {
        return (ElementAction::Drop, String::new());
    }
    let name = element.local_name();
    let type_attribute = if name.eq_ignore_ascii_case("input") {
        element.get_attribute("type")
    } else {
        None
    };
    (
        policy::element_action(&name, type_attribute.as_deref()),
        name,
    )
}

fn clean_attributes(element: &Element, name: &str) -> Result<(), JsValue> {
    if !element.has_attributes() {
        // Nothing to read or remove (most elements of an island: `p`, `em`, `kbd`, …);
        // only what the policy adds, if anything, is set.
        for (name, value) in policy::sanitize_attributes(name, &[]) {
            element.set_attribute(&name, &value)?;
        }
        return Ok(());
    }
    let names: Vec<String> = element
        .get_attribute_names()
        .iter()
        .filter_map(|name| name.as_string())
        .collect();
    let current: Vec<(String, String)> = names
        .iter()
        .map(|name| {
            let value = element.get_attribute(name).unwrap_or_default();
            (name.clone(), value)
        })
        .collect();
    let kept = policy::sanitize_attributes(name, &current);
    for name in &names {
        if !kept.iter().any(|(kept_name, _)| kept_name == name) {
            element.remove_attribute(name)?;
        }
    }
    for (name, value) in &kept {
        let unchanged = current
            .iter()
            .any(|(old_name, old_value)| old_name == name && old_value == value);
        if !unchanged {
            element.set_attribute(name, value)?;
        }
    }
    Ok(())
}
