//! Entry points for `cargo xtask bench` only, compiled with the `bench` cargo feature,
//! which the shipped build never enables.
//!
//! They let the benchmark page time, in the same module and the same page:
//! - Folio's whole pipeline on a Markdown file: parse (front matter included), render,
//!   sanitise when the article carries raw HTML, and move the nodes into an element;
//! - the floor: plain pulldown-cmark `push_html` of the same text, no sanitising,
//!   whose string the page assigns to `innerHTML` itself;
//! - the search index of the bundled catalog built at run time from its articles' extracted
//!   text ([`bench_search_build`]), whatever index the viewer itself uses, so the figure
//!   survives a prebuilt index.
//!
//! The pipeline and the floor take the article as its file's bytes (a `Uint8Array` of
//! UTF-8), the form Folio reads articles in (`parse_article` takes bytes: from the bundle,
//! or from a `fetch`), which wasm-bindgen copies into the module's memory at memory speed.
//! A JavaScript string would be re-encoded character by character by the glue on every
//! call (about 4 ms per MB here), a cost no article pays in the viewer; marked, on the
//! page, takes the string.

use crate::article::{markdown, parse_article};
use crate::catalog::prepared_plain_text;
use crate::render::{render_body, BodyOptions};
use crate::search::{Document, SearchIndex};
use crate::web::view::fill_body;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Folio's pipeline: `markdown` (the file's bytes) parsed as the article `bench.md`,
/// rendered, sanitised if it carries raw HTML, and its nodes put into `target`
/// (replacing its children).
#[wasm_bindgen]
pub fn bench_pipeline(target: &Element, markdown: &[u8]) -> Result<(), JsValue> {
    let article = parse_article("bench.md", markdown);
    // Routed like an article the viewer opens, and inserted as the viewer inserts a body,
    // so the pipeline does the viewer's work.
    let rendered = render_body(&article, &BodyOptions::for_article("bench"));
    fill_body(target, &rendered, Some("bench"))
}

/// Folio's rendering alone, as [`bench_pipeline`] does it: the body's HTML as one string,
/// its raw islands in place and unsanitised (never inserted anywhere), for the table's
/// "alone (string)" rows beside the floor's `push_html`.
#[wasm_bindgen]
pub fn bench_render_folio(markdown: &[u8]) -> String {
    let article = parse_article("bench.md", markdown);
    render_body(&article, &BodyOptions::for_article("bench")).html
}

/// The floor: pulldown-cmark's own `push_html` with Folio's Markdown options, no sanitising,
/// of `markdown` (the file's bytes, checked to be UTF-8 as `parse_article` checks them).
#[wasm_bindgen]
pub fn bench_render_floor(markdown: &[u8]) -> String {
    let text = String::from_utf8_lossy(markdown);
    let mut html = String::with_capacity(text.len() + text.len() / 4);
    pulldown_cmark::html::push_html(&mut html, markdown::parser(&text));
    html
}

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: sub-millisecond, where `Date.now()` counts whole milliseconds.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// What [`bench_search_build`] measured.
#[derive(Serialize)]
struct SearchBuildFigures {
    /// Articles in the bundled catalog, drafts included.
    articles: usize,
    /// Articles in the index (drafts are not searchable).
    indexed: usize,
    terms: usize,
    /// [`SearchIndex::memory_bytes`] of the last index built.
    memory_bytes: usize,
    /// The first use of the bundled catalog on this page (0 when something used it before).
    catalog_ms: f64,
    /// Gathering the documents to index from the catalog, once.
    documents_ms: f64,
    /// Each build of the index from those documents, in milliseconds.
    build_ms: Vec<f64>,
}

/// Builds the search index of the bundled catalog `runs` times (at least once), at run time,
/// from its articles' text already extracted, as `benches/native.rs` times it natively.
///
/// The documents are gathered once first, and timed apart: each listed article's prepared
/// body and metadata, its plain text as `build.rs` prepared it ([`prepared_plain_text`]),
/// and its headings (read from the Markdown: a line scan, and a parse of the articles that may
/// have one). They are the documents `build.rs` indexed, so the index is the one the viewer reads.
/// Each index is dropped before the next build, so memory holds one at a time.
#[wasm_bindgen]
pub fn bench_search_build(runs: u32) -> Result<JsValue, JsValue> {
    let started = performance_now();
    let catalog = crate::web::app::catalog();
    let catalog_ms = performance_now() - started;

    let started = performance_now();
    let documents: Vec<Document> = catalog
        .entries()
        .iter()
        .filter(|entry| !entry.draft)
        .filter_map(|entry| {
            let article = catalog.article(entry.id)?;
            let text = prepared_plain_text(entry.id)?.to_string();
            Some(Document::from_article_text(
                entry.id,
                &entry.slug,
                &article,
                text,
            ))
        })
        .collect();
    let documents_ms = performance_now() - started;

    let mut build_ms = Vec::new();
    let mut figures = (0, 0, 0);
    for _ in 0..runs.max(1) {
        let started = performance_now();
        let index = SearchIndex::from_documents(&documents);
        build_ms.push(performance_now() - started);
        figures = (index.len(), index.term_count(), index.memory_bytes());
    }
    let (indexed, terms, memory_bytes) = figures;
    let result = SearchBuildFigures {
        articles: catalog.entries().len(),
        indexed,
        terms,
        memory_bytes,
        catalog_ms,
        documents_ms,
        build_ms,
    };
    result
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(JsValue::from)
}
