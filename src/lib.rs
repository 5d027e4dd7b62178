//! Folio: an in-browser article viewer.
//!
//! The core is pure Rust and compiles and tests natively:
//! - [`article`]: the model and its parsers (Markdown with front matter, plain-text news);
//! - [`render`]: article → safe HTML, and the HTML of each view;
//! - [`catalog`]: the bundled articles, their slugs and order;
//! - [`reading`]: reader preferences, table of contents, reading position, keyboard map;
//! - [`search`]: the full-text index, queries, facets and snippets.
//!
//! `web` (on wasm32 only) is the thin layer that touches the browser: routing,
//! DOM insertion, the sanitiser walk, and the JS API. See ARCHITECTURE.md.

pub mod article;
pub mod catalog;
pub mod reading;
pub mod render;
pub mod search;

#[cfg(target_arch = "wasm32")]
pub mod web;
