//! Bundles the articles into the crate.
//!
//! Walks `articles/` (or the folder named by `FOLIO_ARTICLES_DIR`, used by
//! `cargo xtask serve --articles DIR` and the benchmarks) for `*.md`, `*.markdown`
//! and `*.txt` files, subfolders included, assigns each a unique slug, and writes
//! `$OUT_DIR/bundle.rs` with three static lists in path order:
//! - `BUNDLE`: paths, slugs and `include_bytes!` of the raw files (for tests and tools);
//! - `PREPARED`: every article parsed here, with the crate's own parser (compiled
//!   through `#[path]`), as `catalog::PreparedArticle` data: metadata, excerpt,
//!   reading time and diagnostics, and the body rendered by the crate's own body writer
//!   (`src/render/body.rs` and what it needs, also through `#[path]`), cut into trusted
//!   runs and raw islands. The viewer reads only this and the search data below, so no
//!   parser and no Markdown renderer runs (or ships) in the browser;
//! - `PREPARED_BODIES`: each article's parsed body (`catalog::PreparedBody`), for
//!   `Catalog::article`. A static of its own, which the viewer never names, so the linker
//!   leaves it out of the wasm: the wasm carries an article as its rendering, its plain
//!   text and its share of the index, not also as its source.
//!
//! It also writes `$OUT_DIR/search.rs`: the search index of the listed (non-draft) articles,
//! built with the crate's own search code (`src/search/`, compiled through `#[path]` too) and
//! stored as bytes (`SEARCH_INDEX`, `include_bytes!` of `search-index.bin`), and the plain text
//! of every article for the snippets (`PLAIN_TEXT`, with `PLAIN_TEXT_ENDS`), so the viewer
//! neither builds the index nor walks Markdown for search.
//!
//! Each problem the parser reports is also printed as a build warning naming the file and line.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[allow(dead_code, unused_imports)]
#[path = "src/article/mod.rs"]
mod article;

// The body writer and what it needs, compiled here to render bodies at build time.
// They sit at the root of this script, side by side, as `super::` in them expects.
#[allow(dead_code, unused_imports)]
#[path = "src/render/body.rs"]
mod body;
#[allow(dead_code, unused_imports)]
#[path = "src/render/escape.rs"]
mod escape;
#[allow(dead_code, unused_imports)]
#[path = "src/render/policy.rs"]
mod policy;
#[allow(dead_code, unused_imports)]
#[path = "src/render/route.rs"]
mod route;
#[allow(dead_code, unused_imports)]
#[path = "src/search/mod.rs"]
mod search;
#[allow(dead_code, unused_imports)]
#[path = "src/render/url.rs"]
mod url;

fn main() {
    println!("cargo:rerun-if-env-changed=FOLIO_ARTICLES_DIR");
    println!("cargo:rerun-if-changed=src/article");
    for file in ["body", "escape", "policy", "route", "url"] {
        println!("cargo:rerun-if-changed=src/render/{file}.rs");
    }
    println!("cargo:rerun-if-changed=src/search");
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let (articles_dir, shown_prefix) = match env::var("FOLIO_ARTICLES_DIR") {
        Ok(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            let shown = dir.display().to_string();
            (dir, shown)
        }
        _ => (manifest_dir.join("articles"), "articles".to_string()),
    };
    // A directory here makes cargo rerun the script when anything below it changes.
    println!("cargo:rerun-if-changed={}", articles_dir.display());

    let mut files = Vec::new();
    if articles_dir.is_dir() {
        collect(&articles_dir, &mut files);
    } else {
        println!(
            "cargo:warning={}: no such folder; the viewer will have no articles",
            articles_dir.display()
        );
    }
    // (path as shown, absolute path), in byte order of the shown path.
    let mut bundle: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|absolute| {
            let relative = absolute.strip_prefix(&articles_dir).unwrap_or(&absolute);
            let relative = relative.to_string_lossy().replace('\\', "/");
            (format!("{shown_prefix}/{relative}"), absolute)
        })
        .collect();
    bundle.sort();

    let paths: Vec<&str> = bundle.iter().map(|(shown, _)| shown.as_str()).collect();
    let slugs = article::slug::assign_slugs(&paths);

    let mut out = String::from("pub static BUNDLE: &[BundledFile] = &[\n");
    let mut prepared = String::from("pub static PREPARED: &[PreparedArticle] = &[\n");
    let mut bodies = String::from("pub static PREPARED_BODIES: &[PreparedBody] = &[\n");
    let mut index = search::SearchIndexBuilder::new();
    let mut plain_texts = String::new();
    let mut plain_text_ends = String::from("pub static PLAIN_TEXT_ENDS: &[u32] = &[");
    for (id, ((shown, absolute), assigned)) in bundle.iter().zip(&slugs).enumerate() {
        if let Some(collision) = &assigned.collision {
            println!("cargo:warning={shown}:1: {collision}");
        }
        // An unreadable file is bundled empty, as `include_bytes!` would fail the build.
        let bytes = fs::read(absolute).unwrap_or_else(|error| {
            println!("cargo:warning={shown}: cannot read: {error}");
            Vec::new()
        });
        let parsed = article::parse_article(shown, &bytes);
        for diagnostic in &parsed.diagnostics {
            println!("cargo:warning={}", diagnostic.located(shown));
        }
        let plain = article::text::plain_text(&parsed);
        write_prepared(&mut prepared, &assigned.slug, &parsed, &plain);
        write_body(&mut bodies, &parsed);
        plain_texts.push_str(&plain);
        let _ = write!(plain_text_ends, "{},", plain_texts.len());
        // The same documents, in the same order, as `Catalog::build_search_index`.
        if !parsed.meta.draft {
            index.add(&search::Document::from_article_text(
                id,
                &assigned.slug,
                &parsed,
                plain,
            ));
        }
        let _ = writeln!(
            out,
            "    BundledFile {{ path: {shown:?}, slug: {:?}, bytes: include_bytes!({:?}) }},",
            assigned.slug,
            absolute.to_string_lossy()
        );
    }
    out.push_str("];\n");
    prepared.push_str("];\n");
    bodies.push_str("];\n");
    out.push_str(&prepared);
    out.push_str(&bodies);
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("bundle.rs"), out).expect("write bundle.rs");

    let index_path = out_dir.join("search-index.bin");
    let text_path = out_dir.join("plain-text.txt");
    fs::write(&index_path, index.finish().to_bytes()).expect("write search-index.bin");
    fs::write(&text_path, &plain_texts).expect("write plain-text.txt");
    plain_text_ends.push_str("];\n");
    let search = format!(
        "pub static SEARCH_INDEX: &[u8] = include_bytes!({:?});\n\
         pub static PLAIN_TEXT: &str = include_str!({:?});\n{plain_text_ends}",
        index_path.to_string_lossy(),
        text_path.to_string_lossy(),
    );
    fs::write(out_dir.join("search.rs"), search).expect("write search.rs");
}

/// Every article file below `dir`, following no symbolic links out of it.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        println!("cargo:warning={}: cannot read folder", dir.display());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, files);
        } else if kind.is_file() && article::format_for_path(&path.to_string_lossy()).is_some() {
            files.push(path);
        }
    }
}

/// Writes one `PreparedArticle { … },` (see `src/catalog.rs`) for a parsed article.
/// Strings are written with `{:?}`, which gives valid Rust string literals.
fn write_prepared(out: &mut String, slug: &str, parsed: &article::Article, plain: &str) {
    let excerpt = article::text::library_excerpt(parsed, plain);
    let minutes = article::text::reading_minutes(plain);
    let meta = &parsed.meta;
    let format = match parsed.format {
        article::Format::Markdown => "Markdown",
        article::Format::News => "News",
    };
    let _ = write!(
        out,
        "    PreparedArticle {{ path: {:?}, slug: {slug:?}, format: Format::{format}, \
         meta: PreparedMeta {{ title: {:?}, date: {}, updated: {}, authors: {}, publication: {:?}, \
         source_url: {:?}, tags: {}, summary: {:?}, lang: {:?}, dir: {}, draft: {} }}, \
         excerpt: {excerpt:?}, reading_minutes: {minutes}, diagnostics: &[",
        parsed.path,
        meta.title,
        date_code(meta.date),
        date_code(meta.updated),
        strings_code(&meta.authors),
        meta.publication,
        meta.source_url,
        strings_code(&meta.tags),
        meta.summary,
        meta.lang,
        match meta.dir {
            None => "None",
            Some(article::TextDirection::Ltr) => "Some(TextDirection::Ltr)",
            Some(article::TextDirection::Rtl) => "Some(TextDirection::Rtl)",
            Some(article::TextDirection::Auto) => "Some(TextDirection::Auto)",
        },
        meta.draft,
    );
    for diagnostic in &parsed.diagnostics {
        let severity = match diagnostic.severity {
            article::Severity::Warning => "Warning",
            article::Severity::Error => "Error",
        };
        let _ = write!(
            out,
            "PreparedDiagnostic {{ line: {}, severity: Severity::{severity}, message: {:?} }}, ",
            diagnostic.line, diagnostic.message
        );
    }
    out.push(']');
    write_rendering(out, slug, parsed);
    out.push_str(" },\n");
}

/// Writes the article's parsed body, one element of `PREPARED_BODIES`: a static of its own,
/// so that a build which never asks for the parsed article (the viewer) does not carry it.
fn write_body(out: &mut String, parsed: &article::Article) {
    out.push_str("    ");
    match &parsed.body {
        article::Body::Markdown(body) => {
            let _ = write!(
                out,
                "PreparedBody::Markdown {{ text: {:?}, first_line: {} }}",
                body.text, body.first_line
            );
        }
        article::Body::News(body) => {
            let _ = write!(
                out,
                "PreparedBody::News {{ standfirst: {:?}, blocks: &[",
                body.standfirst
            );
            for block in &body.blocks {
                let (kind, text) = match block {
                    article::NewsBlock::Paragraph(text) => ("Paragraph", text),
                    article::NewsBlock::Quote(text) => ("Quote", text),
                    article::NewsBlock::Heading(text) => ("Heading", text),
                };
                let _ = write!(out, "PreparedNewsBlock::{kind}({text:?}), ");
            }
            let _ = write!(out, "], related: {} }}", strings_code(&body.related));
        }
    }
    out.push_str(",\n");
}

/// Writes `, rendered: PreparedRendering { … }`: the body rendered as the viewer shows it.
fn write_rendering(out: &mut String, slug: &str, parsed: &article::Article) {
    let rendered = body::render_body(parsed, &body::BodyOptions::for_article(slug));
    let _ = write!(
        out,
        ", rendered: PreparedRendering {{ html: {:?}, segments: &[",
        rendered.html
    );
    for segment in &rendered.segments {
        let kind = match segment.kind {
            body::SegmentKind::Trusted => "Trusted",
            body::SegmentKind::Raw => "Raw",
        };
        let _ = write!(
            out,
            "Segment {{ kind: SegmentKind::{kind}, start: {}, end: {} }}, ",
            segment.start, segment.end
        );
    }
    out.push_str("], headings: &[");
    for heading in &rendered.headings {
        let _ = write!(
            out,
            "PreparedHeading {{ level: {}, id: {:?}, text: {:?} }}, ",
            heading.level, heading.id, heading.text
        );
    }
    let _ = write!(
        out,
        "], contains_raw_html: {}, demote_headings: {} }}",
        rendered.contains_raw_html, rendered.demote_headings
    );
}

fn date_code(date: Option<article::DateTime>) -> String {
    match date {
        None => "None".into(),
        Some(date) => format!(
            "Some(DateTime {{ year: {}, month: {}, day: {}, time: {:?} }})",
            date.year, date.month, date.day, date.time
        ),
    }
}

fn strings_code(strings: &[String]) -> String {
    let mut code = String::from("&[");
    for string in strings {
        let _ = write!(code, "{string:?}, ");
    }
    code.push(']');
    code
}
