//! The one way HTML enters the page: Folio's Trusted Types policy.
//!
//! `index.html`'s Content-Security-Policy says `require-trusted-types-for 'script';
//! trusted-types folio`: the browser then refuses every string written to `innerHTML`
//! (and the other HTML sinks) unless it comes from the single policy named `folio`,
//! created here. So a bug that wrote article text to `innerHTML` elsewhere would fail
//! loudly instead of running script.
//!
//! The policy is used in exactly two places. [`set_template_html`]: the renderer's HTML
//! (its own escaped views, and the raw islands of article bodies) is parsed into an inert
//! `<template>`, then sanitised when it carries raw HTML, and its nodes are moved into the
//! page ([`set_html`]). [`set_inner_html`]: the trusted runs of an article body, the
//! writer's own markup with no raw HTML, are parsed straight into the body element, which
//! spares the adoption of every node from the template's document; the body's raw
//! islands may ride along only inside `<template>` elements, whose content the parser
//! keeps inert (see `view::fill_in_one_parse`).
//! The policy lets the string through unchanged: what makes it safe is the renderer's
//! escaping and the sanitiser's walk, not the policy.
//!
//! Browsers without Trusted Types (`window.trustedTypes` missing) get the plain
//! string, as before.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, DocumentFragment, Element, HtmlTemplateElement};

/// The policy's name, as `trusted-types` in the CSP of `www/index.html` lists it.
pub const POLICY_NAME: &str = "folio";

thread_local! {
    /// The policy, created on first use; `None` where the browser has no Trusted Types.
    static POLICY: Option<Object> = create_policy();
}

fn create_policy() -> Option<Object> {
    let window = web_sys::window()?;
    let factory = Reflect::get(&window, &"trustedTypes".into()).ok()?;
    if factory.is_undefined() || factory.is_null() {
        return None;
    }
    let create: Function = Reflect::get(&factory, &"createPolicy".into())
        .ok()?
        .dyn_into()
        .ok()?;
    // The policy passes strings through unchanged (see the module docs), so its callback is
    // the global `String` function: the identity on strings, and no copy of a megabyte of
    // HTML into wasm memory and back on every parse, as a Rust closure would cost.
    let create_html = Reflect::get(&js_sys::global(), &"String".into()).ok()?;
    if !create_html.is_function() {
        return None;
    }
    let options = Object::new();
    Reflect::set(&options, &"createHTML".into(), &create_html).ok()?;
    create
        .call2(&factory, &POLICY_NAME.into(), &options)
        .ok()?
        .dyn_into()
        .ok()
}

/// The string as a `TrustedHTML` from the `folio` policy, or as it is without Trusted Types.
fn trusted(html: &str) -> Result<JsValue, JsValue> {
    POLICY.with(|policy| match policy {
        Some(policy) => {
            let create: Function = Reflect::get(policy, &"createHTML".into())?.dyn_into()?;
            create.call1(policy, &html.into())
        }
        None => Ok(html.into()),
    })
}

/// Parses `html` into the (inert) content of `template`: the policy's only use.
pub fn set_template_html(template: &HtmlTemplateElement, html: &str) -> Result<(), JsValue> {
    let value = trusted(html)?;
    Reflect::set(template, &"innerHTML".into(), &value)?;
    Ok(())
}

/// Replaces the children of `element` by parsing `html` in its place (`innerHTML`).
/// Unlike [`set_html`], the parse is not inert: the nodes belong to the page's document
/// at once (no adoption when they move), and images start loading as they would once in
/// the page. Only for the writer's own markup, such as the trusted runs of a rendered
/// body, with any raw HTML inside templates that it cannot leave.
pub fn set_inner_html(element: &Element, html: &str) -> Result<(), JsValue> {
    let value = trusted(html)?;
    Reflect::set(element, &"innerHTML".into(), &value)?;
    Ok(())
}

/// `html` parsed inertly into a fragment, with no sanitising: for the renderer's own markup.
pub fn fragment(document: &Document, html: &str) -> Result<DocumentFragment, JsValue> {
    let template: HtmlTemplateElement = document.create_element("template")?.dyn_into()?;
    set_template_html(&template, html)?;
    Ok(template.content())
}

/// Replaces the children of `element` with the renderer's markup `html`.
/// Use instead of `innerHTML`, which the page's CSP refuses.
pub fn set_html(element: &Element, html: &str) -> Result<(), JsValue> {
    let document = element
        .owner_document()
        .ok_or_else(|| JsValue::from_str("the element has no document"))?;
    let nodes = fragment(&document, html)?;
    element.replace_children_with_node_1(&nodes);
    Ok(())
}

/// Inserts the renderer's markup `html` right after `element`, as its next siblings.
pub fn insert_html_after(element: &Element, html: &str) -> Result<(), JsValue> {
    let document = element
        .owner_document()
        .ok_or_else(|| JsValue::from_str("the element has no document"))?;
    let parent = element
        .parent_node()
        .ok_or_else(|| JsValue::from_str("the element has no parent"))?;
    let nodes = fragment(&document, html)?;
    parent.insert_before(&nodes, element.next_sibling().as_ref())?;
    Ok(())
}

/// Appends the renderer's markup `html` after the children of `element`.
pub fn append_html(element: &Element, html: &str) -> Result<(), JsValue> {
    let document = element
        .owner_document()
        .ok_or_else(|| JsValue::from_str("the element has no document"))?;
    let nodes = fragment(&document, html)?;
    element.append_child(&nodes)?;
    Ok(())
}
