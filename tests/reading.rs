//! Reading fixtures: reading time and table of contents of whole articles.
//!
//! Each `tests/fixtures/reading/<name>.md` is bundled into a one-article catalog;
//! `<name>.expected` holds what a reader is told: the words and CJK characters counted
//! in the readable text, the reading time the list and the article header show (words at
//! 230 a minute, Chinese, Japanese and Korean characters at 500 a minute), and the lines
//! of the table of contents. `BLESS=1 cargo test --test reading` rewrites the expected files.

use folio::article::{parse_article, text};
use folio::catalog::{Catalog, Source};
use folio::reading::toc::toc_entries;
use folio::render::{render_body, BodyOptions};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

#[test]
fn reading_fixtures() {
    check("reading", "md", "expected", |input| {
        let path = "articles/fixture.md";
        let catalog = Catalog::from_sources(vec![Source {
            path: Cow::Borrowed(path),
            slug: Cow::Borrowed("fixture"),
            bytes: Cow::Owned(input.as_bytes().to_vec()),
        }]);
        let entry = catalog.find("fixture").expect("the one article");
        let article = parse_article(path, input.as_bytes());
        let plain = text::plain_text(&article);
        let mut words = 0;
        let mut cjk = 0;
        for word in plain.split_whitespace() {
            let here = word.chars().filter(|&c| text::is_cjk(c)).count();
            cjk += here;
            if here < word.chars().count() {
                words += 1;
            }
        }
        let mut out = String::new();
        let _ = writeln!(out, "words: {words}");
        let _ = writeln!(out, "cjk characters: {cjk}");
        let _ = writeln!(out, "reading minutes: {}", entry.reading_minutes);
        let headings = render_body(&article, &BodyOptions::default()).headings;
        let entries = toc_entries(&headings);
        if entries.is_empty() {
            out.push_str("contents: none\n");
        } else {
            out.push_str("contents:\n");
            for entry in entries {
                let indent = "  ".repeat(usize::from(entry.depth) + 1);
                let _ = writeln!(out, "{indent}#{} {:?}", entry.id, entry.text);
            }
        }
        out
    });
}

/// Runs `run` on every `<name>.<input_ext>` of `tests/fixtures/<suite>/` and
/// compares with `<name>.<expected_ext>`; `BLESS=1` rewrites the expected files.
fn check(suite: &str, input_ext: &str, expected_ext: &str, run: impl Fn(&str) -> String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(suite);
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == input_ext))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for input_path in &inputs {
        let input = fs::read_to_string(input_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", input_path.display()));
        let actual = run(&input);
        let expected_path = input_path.with_extension(expected_ext);
        if bless {
            fs::write(&expected_path, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", expected_path.display()));
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
                input_path.display()
            )),
            Err(_) => failures.push(format!(
                "{}: no {expected_ext} file (run with BLESS=1 to create it)",
                input_path.display()
            )),
        }
    }
    println!("{suite}: {} fixtures", inputs.len());
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
}
