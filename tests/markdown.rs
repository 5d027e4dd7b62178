//! Front matter and Markdown metadata fixtures.
//!
//! Each `tests/fixtures/front_matter/<name>.md` is parsed with
//! `folio::article::markdown::parse`; the readable dump of the metadata, where
//! the body starts and the diagnostics must equal `<name>.expected`.
//! `BLESS=1 cargo test --test markdown` rewrites the expected files.

use folio::article::{markdown, DateTime, Meta};
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

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
                "{}: no {} file (run with BLESS=1 to create it)",
                input_path.display(),
                expected_ext
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

#[test]
fn front_matter_fixtures() {
    check("front_matter", "md", "expected", |input| {
        let (meta, body, diagnostics) = markdown::parse(input);
        let mut out = dump_meta(&meta);
        let _ = writeln!(out, "body first line: {}", body.first_line);
        let _ = writeln!(
            out,
            "body starts: {:?}",
            body.text.lines().next().unwrap_or_default()
        );
        out.push_str("diagnostics:\n");
        for diagnostic in &diagnostics {
            let _ = writeln!(
                out,
                "  line {} {:?}: {}",
                diagnostic.line, diagnostic.severity, diagnostic.message
            );
        }
        out
    });
}

fn dump_meta(meta: &Meta) -> String {
    let date = |d: &Option<DateTime>| d.map_or("-".to_string(), |d| d.iso());
    let text = |t: &Option<String>| t.as_ref().map_or("-".to_string(), |t| format!("{t:?}"));
    let mut out = String::new();
    let _ = writeln!(out, "title: {:?}", meta.title);
    let _ = writeln!(out, "date: {}", date(&meta.date));
    let _ = writeln!(out, "updated: {}", date(&meta.updated));
    let _ = writeln!(out, "authors: {:?}", meta.authors);
    let _ = writeln!(out, "publication: {}", text(&meta.publication));
    let _ = writeln!(out, "source_url: {}", text(&meta.source_url));
    let _ = writeln!(out, "tags: {:?}", meta.tags);
    let _ = writeln!(out, "summary: {}", text(&meta.summary));
    let _ = writeln!(out, "lang: {}", text(&meta.lang));
    let _ = writeln!(out, "dir: {}", meta.dir.map_or("-", |d| d.as_str()));
    let _ = writeln!(out, "draft: {}", meta.draft);
    out
}
