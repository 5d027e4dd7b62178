//! The plain JavaScript objects `articles()` and `search()` return, built field by field.
//!
//! They follow the TypeScript interfaces of [`crate::web`] (`ArticleEntry`, `SearchResults`):
//! field names as declared, a missing value as `null`, dates as ISO 8601 strings.
//! Written by hand rather than through serde-wasm-bindgen: its serialiser and its cache of
//! field-name strings (a hash map) cost about 1.9 KB brotli of wasm for these two results.

use crate::article::{DateTime, Diagnostic, Format, Severity};
use crate::catalog::Entry;
use crate::search::{FacetCount, Hit, SearchResults, YearCount};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

/// One library entry as an `ArticleEntry`.
pub fn entry_object(entry: &Entry) -> Object {
    let object = Object::new();
    set(&object, "id", number(entry.id as f64));
    set(&object, "slug", text(&entry.slug));
    set(&object, "path", text(&entry.path));
    let format = match entry.format {
        Format::Markdown => "markdown",
        Format::News => "news",
    };
    set(&object, "format", text(format));
    set(&object, "title", text(&entry.title));
    set(&object, "date", date(entry.date.as_ref()));
    set(&object, "updated", date(entry.updated.as_ref()));
    set(&object, "authors", texts(&entry.authors));
    set(
        &object,
        "publication",
        optional_text(entry.publication.as_deref()),
    );
    set(
        &object,
        "source_url",
        optional_text(entry.source_url.as_deref()),
    );
    set(&object, "tags", texts(&entry.tags));
    set(&object, "excerpt", text(&entry.excerpt));
    set(
        &object,
        "reading_minutes",
        number(entry.reading_minutes.into()),
    );
    set(&object, "lang", optional_text(entry.lang.as_deref()));
    set(
        &object,
        "dir",
        optional_text(entry.dir.map(|direction| direction.as_str())),
    );
    set(&object, "draft", JsValue::from_bool(entry.draft));
    let diagnostics: Array = entry.diagnostics.iter().map(diagnostic_object).collect();
    set(&object, "diagnostics", diagnostics.into());
    object
}

fn diagnostic_object(diagnostic: &Diagnostic) -> JsValue {
    let object = Object::new();
    set(&object, "line", number(diagnostic.line.into()));
    let severity = match diagnostic.severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    };
    set(&object, "severity", text(severity));
    set(&object, "message", text(&diagnostic.message));
    object.into()
}

/// The answer to one search as `SearchResults`.
pub fn results_object(results: &SearchResults) -> Object {
    let object = Object::new();
    set(&object, "query", text(&results.query));
    let hits: Array = results.hits.iter().map(hit_object).collect();
    set(&object, "hits", hits.into());
    set(&object, "total", number(results.total.into()));
    let facets = Object::new();
    let publications: Array = results
        .facets
        .publications
        .iter()
        .map(facet_object)
        .collect();
    set(&facets, "publications", publications.into());
    let tags: Array = results.facets.tags.iter().map(facet_object).collect();
    set(&facets, "tags", tags.into());
    let years: Array = results.facets.years.iter().map(year_object).collect();
    set(&facets, "years", years.into());
    set(&object, "facets", facets.into());
    set(
        &object,
        "suggestion",
        optional_text(results.suggestion.as_deref()),
    );
    object
}

fn hit_object(hit: &Hit) -> JsValue {
    let object = Object::new();
    set(&object, "id", number(hit.id as f64));
    set(&object, "slug", text(&hit.slug));
    set(&object, "title", text(&hit.title));
    set(
        &object,
        "publication",
        optional_text(hit.publication.as_deref()),
    );
    set(&object, "date", date(hit.date.as_ref()));
    set(&object, "score", number(hit.score.into()));
    set(&object, "typos", number(hit.typos.into()));
    let snippet: Array = hit
        .snippet
        .segments
        .iter()
        .map(|segment| {
            let piece = Object::new();
            set(&piece, "text", text(&segment.text));
            set(&piece, "mark", JsValue::from_bool(segment.mark));
            JsValue::from(piece)
        })
        .collect();
    set(&object, "snippet", snippet.into());
    object.into()
}

fn facet_object(facet: &FacetCount) -> JsValue {
    let object = Object::new();
    set(&object, "value", text(&facet.value));
    set(&object, "count", number(facet.count.into()));
    set(&object, "selected", JsValue::from_bool(facet.selected));
    object.into()
}

fn year_object(year: &YearCount) -> JsValue {
    let object = Object::new();
    set(&object, "year", number(year.year.into()));
    set(&object, "count", number(year.count.into()));
    set(&object, "selected", JsValue::from_bool(year.selected));
    object.into()
}

/// Sets a field of a fresh plain object, which cannot fail: it has no setters and is not frozen.
fn set(object: &Object, key: &str, value: JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value);
}

fn number(value: f64) -> JsValue {
    JsValue::from_f64(value)
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn optional_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

fn texts(values: &[String]) -> JsValue {
    values
        .iter()
        .map(|value| JsValue::from_str(value))
        .collect::<Array>()
        .into()
}

fn date(value: Option<&DateTime>) -> JsValue {
    value.map_or(JsValue::NULL, |date| JsValue::from_str(&date.iso()))
}
