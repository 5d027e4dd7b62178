//! The only module that touches the browser, and the JavaScript API.
//!
//! Nothing outside `web` names `wasm_bindgen`, `web_sys`, `js_sys` or `serde_wasm_bindgen`:
//! the core parses and renders to strings, and this layer puts the result on the page.
//!
//! JavaScript sees (types in the generated `folio.d.ts`):
//! - `init()`: installs the panic hooks; idempotent. The start function calls it.
//! - `articles(): ArticleEntry[]`: the listed articles, newest first, as plain objects.
//! - `render_article(slug: string): string`: an article page as sanitised HTML; throws an `Error` for an unknown slug.
//! - `mount(element: Element): Viewer`: the whole viewer, router included, inside `element`.
//! - `search(query: string, options?: SearchOptions): SearchResults`: full-text search over the
//!   bundle (the index `build.rs` built, read on the first call), results as plain objects.
//!
//! The start function mounts the viewer into the page's `#folio` element when there is one.
//!
//! Modules: [`app`] (the mounted viewer and its router), [`view`] (DOM of a view),
//! [`reader`] (reading settings, shortcuts, contents highlight, position memory),
//! [`sanitize`] (the sanitiser walk), [`trusted_html`] (the Trusted Types policy, the
//! only way HTML enters the page), [`dom`] (helpers, owned listeners),
//! [`error`] (the one conversion to a JS `Error`).

pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod dom;
pub mod error;
pub mod reader;
pub mod sanitize;
pub mod search;
pub mod trusted_html;
pub mod view;

use error::js_error;
use serde::Serialize;
use std::sync::Once;
use wasm_bindgen::prelude::*;

/// The id of the element `index.html` gives the viewer.
pub const MOUNT_POINT_ID: &str = "folio";

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_TYPES: &'static str = r#"
/** A problem found in an article's file. */
export interface ArticleDiagnostic {
  /** 1-based line in the file. */
  line: number;
  severity: "warning" | "error";
  message: string;
}

/** One article of the bundle, as the library lists it. Dates are ISO 8601 (`2022-03-08` or `2022-03-08T09:01`). */
export interface ArticleEntry {
  id: number;
  slug: string;
  /** Path as bundled, e.g. `articles/my-trip.md`. */
  path: string;
  format: "markdown" | "news";
  title: string;
  date: string | null;
  updated: string | null;
  authors: string[];
  publication: string | null;
  /** As the article wrote it: not checked, not necessarily a URL. */
  source_url: string | null;
  tags: string[];
  excerpt: string;
  reading_minutes: number;
  lang: string | null;
  dir: "ltr" | "rtl" | "auto" | null;
  draft: boolean;
  diagnostics: ArticleDiagnostic[];
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const SEARCH_TYPES: &'static str = r#"
/** Filters, order and page of a search; every field is optional. */
export interface SearchOptions {
  /** Keep results from any of these publications (case- and accent-insensitive). */
  publications?: string[];
  /** Keep results with any of these tags. */
  tags?: string[];
  /** Keep results from any of these years. */
  years?: number[];
  /** Default `"newest"`; `"relevance"` is `"newest"` for an empty query. */
  sort?: "newest" | "oldest" | "relevance" | "title";
  /** Page size; default 10. */
  limit?: number;
  /** Results to skip; default 0. */
  offset?: number;
}

/** A piece of a snippet; `mark` is true for a matched word. Escape `text` before putting it in HTML. */
export interface SnippetSegment {
  text: string;
  mark: boolean;
}

/** One result. */
export interface SearchHit {
  id: number;
  slug: string;
  title: string;
  publication: string | null;
  /** ISO 8601: `2022-03-08` or `2022-03-08T09:01`. */
  date: string | null;
  /** Higher is better; 0 for an empty query. */
  score: number;
  /** Query words matched only through a one-letter typo. */
  typos: number;
  /** The best passage in segments; empty for an empty query. */
  snippet: SnippetSegment[];
}

/** A facet value with the number of results that have it. */
export interface FacetCount {
  value: string;
  count: number;
  selected: boolean;
}

/** A year with the number of results from it. */
export interface YearCount {
  year: number;
  count: number;
  selected: boolean;
}

/** The answer to one search. */
export interface SearchResults {
  query: string;
  /** The requested page. */
  hits: SearchHit[];
  /** All results, across pages. */
  total: number;
  facets: {
    publications: FacetCount[];
    tags: FacetCount[];
    years: YearCount[];
  };
  /** The query with an unknown word replaced by the nearest indexed word, if there is one. */
  suggestion: string | null;
}
"#;

/// Installs the panic hooks: the console one (a readable message and stack in the
/// console) and one that replaces every mounted viewer's view with the error view,
/// so a bug shows a message rather than a blank or frozen page. Safe to call many times.
#[wasm_bindgen]
pub fn init() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            app::show_error_everywhere(&info.to_string());
        }));
    });
}

/// Runs when the module is instantiated: installs the hooks and mounts the viewer into
/// `#folio` when the page has one (an embedder's page may not, and calls `mount` itself).
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    init();
    let document = dom::document()?;
    // Read before any article is on the page, so no article id can stand in for it.
    if let Some(root) = document.get_element_by_id(MOUNT_POINT_ID) {
        // The page's own viewer lives as long as the page; its registry entry keeps it.
        app::mount(&root)?;
    }
    Ok(())
}

/// The listed articles (drafts left out), newest first, as plain objects.
#[wasm_bindgen(unchecked_return_type = "ArticleEntry[]")]
pub fn articles() -> Result<JsValue, JsValue> {
    let catalog = app::catalog();
    let entries: Vec<&crate::catalog::Entry> = catalog.listed().collect();
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    // serde-wasm-bindgen's errors are JavaScript `Error`s already.
    entries.serialize(&serializer).map_err(JsValue::from)
}

/// The article page for `slug` (header, problems, body, neighbours) as sanitised HTML,
/// ready for `innerHTML`. Throws an `Error` when no article has this slug.
#[wasm_bindgen]
pub fn render_article(slug: &str) -> Result<String, JsValue> {
    let catalog = app::catalog();
    let entry = catalog.find(slug).ok_or_else(|| {
        js_error(&crate::web::dom::join(
            &["no article has the slug `", slug, "`"],
            "",
        ))
    })?;
    let document = dom::document()?;
    let article = view::article_element(&document, &catalog, entry)?;
    Ok(article.outer_html())
}

/// Searches the bundled articles: `options` (filters, sort, page) may be left out.
/// The index, built with the site, is read on the first call (or already by the library view).
/// Throws an `Error` when `options` is not a `SearchOptions`.
#[wasm_bindgen(unchecked_return_type = "SearchResults")]
pub fn search(
    query: &str,
    #[wasm_bindgen(unchecked_param_type = "SearchOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let options = search_options(&options).map_err(|message| js_error(&message))?;
    let results = search::run(query, &options);
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    results.serialize(&serializer).map_err(JsValue::from)
}

/// Reads a `SearchOptions` object: absent fields (and `undefined` or `null` options) take
/// their defaults, and a field of the wrong type is an error naming the field.
/// Read by hand rather than by serde: serde's deserialiser and its error messages (which
/// format floating-point numbers) cost about 5 KB brotli of wasm for six fields.
fn search_options(options: &JsValue) -> Result<crate::search::SearchOptions, String> {
    let mut read = crate::search::SearchOptions::default();
    if options.is_undefined() || options.is_null() {
        return Ok(read);
    }
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err("search options must be an object".into());
    }
    let field = |name: &str| js_sys::Reflect::get(options, &JsValue::from_str(name)).ok();
    let wrong = |name: &str, expected: &str| {
        let mut message = String::from("search option `");
        message.push_str(name);
        message.push_str("` must be ");
        message.push_str(expected);
        message
    };
    let present = |value: &Option<JsValue>| {
        value
            .as_ref()
            .filter(|value| !value.is_undefined())
            .cloned()
    };
    for (name, list) in [
        ("publications", &mut read.publications),
        ("tags", &mut read.tags),
    ] {
        if let Some(value) = present(&field(name)) {
            *list = strings(&value).ok_or_else(|| wrong(name, "an array of strings"))?;
        }
    }
    if let Some(value) = present(&field("years")) {
        let numbers = numbers(&value, f64::from(i32::MIN), f64::from(i32::MAX))
            .ok_or_else(|| wrong("years", "an array of whole numbers"))?;
        read.years = numbers.into_iter().map(|year| year as i32).collect();
    }
    if let Some(value) = present(&field("sort")) {
        read.sort = value
            .as_string()
            .and_then(|name| crate::render::search_view::sort_from_name(&name))
            .ok_or_else(|| wrong("sort", "\"newest\", \"oldest\", \"relevance\" or \"title\""))?;
    }
    for (name, number) in [("limit", &mut read.limit), ("offset", &mut read.offset)] {
        if let Some(value) = present(&field(name)) {
            *number = whole_number(&value, 0.0, f64::from(u32::MAX))
                .ok_or_else(|| wrong(name, "a whole number, 0 or more"))?
                as usize;
        }
    }
    Ok(read)
}

/// The strings of a JavaScript array of strings; `None` for anything else.
fn strings(value: &JsValue) -> Option<Vec<String>> {
    let array = value.dyn_ref::<js_sys::Array>()?;
    array.iter().map(|item| item.as_string()).collect()
}

/// The numbers of a JavaScript array of whole numbers between `min` and `max`.
fn numbers(value: &JsValue, min: f64, max: f64) -> Option<Vec<f64>> {
    let array = value.dyn_ref::<js_sys::Array>()?;
    array
        .iter()
        .map(|item| whole_number(&item, min, max))
        .collect()
}

/// A JavaScript number that is whole and between `min` and `max`.
fn whole_number(value: &JsValue, min: f64, max: f64) -> Option<f64> {
    value
        .as_f64()
        .filter(|number| number.fract() == 0.0 && (min..=max).contains(number))
}

/// Mounts the whole viewer (masthead, router, views) into `element`, replacing its
/// children and any viewer already mounted there.
#[wasm_bindgen]
pub fn mount(element: &web_sys::Element) -> Result<Viewer, JsValue> {
    init();
    let id = app::mount(element)?;
    Ok(Viewer { id })
}

/// A mounted viewer. It stays mounted until `unmount()`, whether or not this handle is kept.
#[wasm_bindgen]
pub struct Viewer {
    id: u32,
}

#[wasm_bindgen]
impl Viewer {
    /// Removes the viewer: its listeners are unregistered and its element emptied.
    /// Returns false when it was already unmounted (or replaced by another mount).
    pub fn unmount(&self) -> bool {
        app::unmount(self.id)
    }
}
