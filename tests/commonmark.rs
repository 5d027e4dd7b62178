//! CommonMark conformance: every example of the spec through Folio's Markdown writer.
//!
//! The examples come from the `commonmark-spec` package (see
//! `tests/fixtures/commonmark/README.md`). They run in the CommonMark dialect
//! (no extensions, no smart punctuation, no ids or other Folio extras) with URL
//! filtering off, and are compared after normalising whitespace and the
//! entities that may legitimately differ.
//! The test prints how many pass and fails when fewer than [`MIN_PASSING`] do,
//! so the writer cannot silently lose conformance.

use folio::render::{render_markdown, BodyOptions, Dialect};
use serde::Deserialize;

/// Examples known to pass; raise it when the writer improves.
const MIN_PASSING: usize = 652;

#[derive(Deserialize)]
struct Example {
    example: u32,
    section: String,
    markdown: String,
    html: String,
}

#[test]
fn commonmark_spec_examples() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/commonmark/spec.json"
    );
    let json = std::fs::read_to_string(path).expect("spec.json is vendored beside this test");
    let examples: Vec<Example> = serde_json::from_str(&json).expect("spec.json is valid");
    let options = BodyOptions {
        filter_urls: false,
        dialect: Dialect::CommonMark,
        route_anchors_for: None,
    };
    let mut failures = Vec::new();
    for example in &examples {
        let rendered = render_markdown(&example.markdown, &options);
        if normalize(&rendered.html) != normalize(&example.html) {
            failures.push(format!(
                "example {} ({}):\n{:?}\nexpected {:?}\nactual   {:?}",
                example.example, example.section, example.markdown, example.html, rendered.html
            ));
        }
    }
    let passing = examples.len() - failures.len();
    println!(
        "CommonMark spec: {passing} of {} examples pass",
        examples.len()
    );
    for failure in &failures {
        println!("{failure}\n");
    }
    assert!(
        passing >= MIN_PASSING,
        "only {passing} of {} CommonMark examples pass (at least {MIN_PASSING} must)",
        examples.len()
    );
}

/// Collapses whitespace runs, drops whitespace around tags, and writes the
/// quote entities one way (`&quot;` and `"` mean the same in text).
fn normalize(html: &str) -> String {
    let unified = html
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'");
    let collapsed = unified.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.replace("> ", ">").replace(" <", "<")
}
