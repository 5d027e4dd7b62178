//! Body renderer fixtures.
//!
//! Each `tests/fixtures/render/<name>.md` is parsed as an article and its body
//! rendered with the viewer's options; `<name>.html` holds the expected HTML,
//! preceded by comments giving `contains_raw_html` and the recorded headings.
//! `BLESS=1 cargo test --test render` rewrites the expected files.

use folio::article::parse_article;
use folio::render::{render_body, BodyOptions, RenderedBody};
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

#[test]
fn render_fixtures() {
    check("render", "md", "html", |input| {
        let article = parse_article("articles/fixture.md", input.as_bytes());
        dump(&render_body(&article, &BodyOptions::default()))
    });
}

fn dump(rendered: &RenderedBody) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- contains_raw_html: {} -->",
        rendered.contains_raw_html
    );
    for heading in &rendered.headings {
        let _ = writeln!(
            out,
            "<!-- heading h{} #{} {:?} -->",
            heading.level, heading.id, heading.text
        );
    }
    out.push_str(&rendered.html);
    out
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
