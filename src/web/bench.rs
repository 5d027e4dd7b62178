//! Entry points for `cargo xtask bench` only, compiled with the `bench` cargo feature,
//! which the shipped build never enables.
//!
//! They let the benchmark page time, in the same module and the same page:
//! - Folio's whole pipeline on a Markdown text: parse (front matter included), render,
//!   sanitise when the article carries raw HTML, and move the nodes into an element;
//! - the floor: plain pulldown-cmark `push_html` of the same text, no sanitising,
//!   whose string the page assigns to `innerHTML` itself.

use crate::article::{markdown, parse_article};
use crate::web::view::body_fragment;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Folio's pipeline: `markdown` parsed as the article `bench.md`, rendered, sanitised
/// if it carries raw HTML, and its nodes moved into `target` (replacing its children).
#[wasm_bindgen]
pub fn bench_pipeline(target: &Element, markdown: &str) -> Result<(), JsValue> {
    let document = crate::web::dom::document()?;
    let article = parse_article("bench.md", markdown.as_bytes());
    // Routed like an article the viewer opens, so the pipeline does the viewer's work.
    let fragment = body_fragment(&document, &article, Some("bench"))?;
    target.replace_children_with_node_1(&fragment);
    Ok(())
}

/// The floor: pulldown-cmark's own `push_html` with Folio's Markdown options, no sanitising.
#[wasm_bindgen]
pub fn bench_render_floor(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 4);
    pulldown_cmark::html::push_html(&mut html, markdown::parser(text));
    html
}
